/* L1 command-line parsing: "l2mem=<MiB> npt=eager|lazy" (see bootargs.h),
 * and the options mechanisms take (l1_config.h). */
#include "l1_config.h"
#include "../../lib/trace/trace_region.h"
#include <nestlab/bootargs.h>

static void set_err(char *err, size_t errlen, const char *a, const char *b,
		    size_t blen)
{
	size_t n = 0;

	if (!errlen)
		return;
	for (; *a && n + 1 < errlen; a++)
		err[n++] = *a;
	for (size_t i = 0; i < blen && n + 1 < errlen; i++)
		err[n++] = b[i];
	err[n] = '\0';
}

static bool word_eq(const char *w, size_t len, const char *lit)
{
	size_t i = 0;

	for (; i < len && lit[i]; i++)
		if (w[i] != lit[i])
			return false;
	return i == len && lit[i] == '\0';
}

int l1_config_parse(const char *s, struct l1_config *cfg, char *err, size_t errlen)
{
	cfg->l2mem_mib = NESTLAB_L2MEM_DEFAULT_MIB;
	cfg->npt_lazy = false;
	cfg->trace_pa = cfg->trace_bytes = 0;
	cfg->nr_opts = 0;
	if (!s)
		return 0;
	const char *first = s;

	while (*first == ' ' || *first == '\t')
		first++;
	while (*s) {
		const char *w, *eq = NULL, *val;
		size_t len, klen, vlen;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '=' && !eq)
				eq = s;
			s++;
		}
		len = (size_t)(s - w);
		if (!eq && w == first) {
			/* QEMU's multiboot loader puts the image path first, as
			 * GRUB does: skip a leading word without '='. */
			continue;
		}
		if (!eq) {
			set_err(err, errlen, "expected key=value, got: ", w, len);
			return -1;
		}
		klen = (size_t)(eq - w);
		val = eq + 1;
		vlen = len - klen - 1;
		if (word_eq(w, klen, "l2mem")) {
			uint64_t v = 0;

			if (vlen == 0 || vlen > 6) {
				set_err(err, errlen, "bad l2mem value: ", val, vlen);
				return -1;
			}
			for (size_t i = 0; i < vlen; i++) {
				if (val[i] < '0' || val[i] > '9') {
					set_err(err, errlen, "bad l2mem value: ", val, vlen);
					return -1;
				}
				v = v * 10 + (uint64_t)(val[i] - '0');
			}
			if (v < NESTLAB_L2MEM_MIN_MIB || v > 3072 || (v & 1)) {
				set_err(err, errlen,
					"l2mem must be an even number of MiB in [8, 3072]: ",
					val, vlen);
				return -1;
			}
			cfg->l2mem_mib = v;
		} else if (word_eq(w, klen, "npt")) {
			if (word_eq(val, vlen, "lazy"))
				cfg->npt_lazy = true;
			else if (word_eq(val, vlen, "eager"))
				cfg->npt_lazy = false;
			else {
				set_err(err, errlen, "npt must be eager or lazy, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(w, klen, "trace")) {
			if (trace_region_parse(val, vlen, &cfg->trace_pa, &cfg->trace_bytes)) {
				set_err(err, errlen, "trace must be <hex address>:<hex bytes>, "
					"4 KiB aligned, at least 8 KiB: ", val, vlen);
				return -1;
			}
		} else {
			struct l1_option *o;

			if (cfg->nr_opts == L1_CONFIG_MAX_OPTIONS) {
				set_err(err, errlen, "too many options at: ", w, len);
				return -1;
			}
			o = &cfg->opt[cfg->nr_opts++];
			*o = (struct l1_option){ .key = w, .klen = klen, .val = val,
						 .vlen = vlen, .taken = false };
		}
	}
	return 0;
}

int l1_config_take(struct l1_config *cfg, const char *key, const char **val,
		   size_t *vlen)
{
	for (unsigned i = 0; i < cfg->nr_opts; i++) {
		struct l1_option *o = &cfg->opt[i];

		if (word_eq(o->key, o->klen, key)) {
			o->taken = true;
			*val = o->val;
			*vlen = o->vlen;
			return 1;
		}
	}
	return 0;
}

int l1_config_check_taken(const struct l1_config *cfg, char *err, size_t errlen)
{
	for (unsigned i = 0; i < cfg->nr_opts; i++) {
		const struct l1_option *o = &cfg->opt[i];

		if (!o->taken) {
			set_err(err, errlen, "unknown option: ", o->key,
				o->klen + 1 + o->vlen);
			return -1;
		}
	}
	return 0;
}
