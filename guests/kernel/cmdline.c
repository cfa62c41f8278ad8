/*
 * Command-line parser of the L2 kernel (see cmdline.h). Strict: an unknown
 * key, an unknown workload or transport, or a malformed or out-of-range
 * number is an error with a message, so a typo never silently runs the
 * default workload.
 */
#include "cmdline.h"
#include "trace/trace_region.h"
#include <nestlab/bootargs.h>
#include <nestlab/hypercall.h>

static const char *const workload_names[] = {
#define L2_WL_NAME_(id, name, what) name,
	NESTLAB_WORKLOADS(L2_WL_NAME_)
#undef L2_WL_NAME_
};

const char *l2_workload_name(unsigned id)
{
	return id < NESTLAB_WL_NR ? workload_names[id] : NULL;
}

const char *l2_transport_name(unsigned transport)
{
	switch (transport) {
	case NESTLAB_TRANSPORT_VMMCALL:  return "vmmcall";
	case NESTLAB_TRANSPORT_VMCALL:   return "vmcall";
	case NESTLAB_TRANSPORT_BACKDOOR: return "backdoor";
	}
	return "?";
}

void l2_config_default(struct l2_config *cfg)
{
	cfg->workload = NESTLAB_WL_CPUID;
	cfg->iterations = NESTLAB_ITERATIONS_DEFAULT;
	cfg->transport = NESTLAB_TRANSPORT_VMMCALL;
	cfg->trace = L2_TRACE_OFF;
	cfg->trace_pa = cfg->trace_bytes = 0;
	cfg->l1 = L2_L1_NESTLAB;
	nestlab_procs_parse(NESTLAB_PROCS_DEFAULT, sizeof(NESTLAB_PROCS_DEFAULT) - 1,
			    &cfg->procs, NULL, NULL);
	cfg->timer_hz = NESTLAB_TIMER_HZ_DEFAULT;
	cfg->mbec = 0;
	cfg->retpoline = 1;
	cfg->batch = 0;
	cfg->batch_max = NESTLAB_BATCH_MAX_DEFAULT;
	cfg->trampoline = 0;
	cfg->trampoline_window = L2_KTRAMP_WINDOW_DEFAULT;
}

/* Does [s, s+n) equal the C string word? */
static int word_eq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] != s[i])
			return 0;
	return word[n] == '\0';
}

/* Append the C string src and the n bytes at s (if s) to err, truncating. */
static void err_set(char *err, size_t errlen, const char *src, const char *s, size_t n)
{
	size_t len = 0;

	if (!errlen)
		return;
	while (*src && len + 1 < errlen)
		err[len++] = *src++;
	while (s && n-- && len + 1 < errlen)
		err[len++] = *s++;
	err[len] = '\0';
}

/* Append the C string src and the n bytes at s to err, truncating. */
static void err_append(char *err, size_t errlen, const char *src, const char *s, size_t n)
{
	size_t len = 0;

	while (len < errlen && err[len])
		len++;
	if (len < errlen)
		err_set(err + len, errlen - len, src, s, n);
}

static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int l2_cmdline_parse(const char *s, struct l2_config *cfg, char *err, size_t errlen)
{
	int first = 1;

	l2_config_default(cfg);
	err_set(err, errlen, "", NULL, 0);
	for (;;) {
		const char *word, *eq = NULL, *val;
		size_t klen, vlen, i;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			return 0;
		word = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '=' && !eq)
				eq = s;
			s++;
		}
		if (!eq) {
			if (first) {  /* the image name */
				first = 0;
				continue;
			}
			err_set(err, errlen, "expected key=value, got: ", word,
				(size_t)(s - word));
			return -1;
		}
		first = 0;
		klen = (size_t)(eq - word);
		val = eq + 1;
		vlen = (size_t)(s - val);
		if (word_eq(word, klen, "workload")) {
			for (i = 0; i < NESTLAB_WL_NR; i++)
				if (word_eq(val, vlen, workload_names[i]))
					break;
			if (i == NESTLAB_WL_NR) {
				err_set(err, errlen, "unknown workload: ", val, vlen);
				return -1;
			}
			cfg->workload = (unsigned)i;
		} else if (word_eq(word, klen, "iterations")) {
			if (parse_u64(val, vlen, NESTLAB_ITERATIONS_MAX, &cfg->iterations)) {
				err_set(err, errlen,
					"iterations must be a decimal number 0..100000000, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "transport")) {
			if (word_eq(val, vlen, "vmmcall")) {
				cfg->transport = NESTLAB_TRANSPORT_VMMCALL;
			} else if (word_eq(val, vlen, "backdoor")) {
				cfg->transport = NESTLAB_TRANSPORT_BACKDOOR;
			} else {
				err_set(err, errlen,
					"transport must be vmmcall or backdoor, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "trace")) {
			if (word_eq(val, vlen, "hc")) {
				cfg->trace = L2_TRACE_HC;
			} else if (trace_region_parse(val, vlen, &cfg->trace_pa,
						      &cfg->trace_bytes) == 0) {
				cfg->trace = L2_TRACE_REGION;
			} else {
				err_set(err, errlen, "trace must be hc or <hex address>:<hex "
					"bytes> (4 KiB aligned, >= 8 KiB), got: ", val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "l1")) {
			if (word_eq(val, vlen, "nestlab")) {
				cfg->l1 = L2_L1_NESTLAB;
			} else if (word_eq(val, vlen, "kvm")) {
				cfg->l1 = L2_L1_KVM;
			} else {
				err_set(err, errlen, "l1 must be nestlab or kvm, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "procs")) {
			int e = nestlab_procs_parse(val, vlen, &cfg->procs, NULL, NULL);

			if (e) {
				err_set(err, errlen, nestlab_procs_strerror(e), NULL, 0);
				err_append(err, errlen, " in procs=", val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "timer_hz")) {
			uint64_t hz;

			if (parse_u64(val, vlen, NESTLAB_TIMER_HZ_MAX, &hz) ||
			    hz < NESTLAB_TIMER_HZ_MIN) {
				err_set(err, errlen, "timer_hz must be a decimal number "
					"100..100000, got: ", val, vlen);
				return -1;
			}
			cfg->timer_hz = (uint32_t)hz;
		} else if (word_eq(word, klen, "retpoline")) {
			if (word_eq(val, vlen, "on")) {
				cfg->retpoline = 1;
			} else if (word_eq(val, vlen, "off")) {
				cfg->retpoline = 0;
			} else {
				err_set(err, errlen, "retpoline must be on or off, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "trampoline")) {
			if (word_eq(val, vlen, "global")) {
				cfg->trampoline = NESTLAB_KTRAMP_GLOBAL;
			} else if (word_eq(val, vlen, "process")) {
				cfg->trampoline = NESTLAB_KTRAMP_PROCESS;
			} else if (word_eq(val, vlen, "off")) {
				cfg->trampoline = NESTLAB_KTRAMP_OFF;
			} else {
				err_set(err, errlen, "trampoline must be off, global or process, got: ",
					val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "trampoline_window")) {
			uint64_t w;

			if (parse_u64(val, vlen, L2_KTRAMP_WINDOW_MAX, &w) || w < 1) {
				err_set(err, errlen, "trampoline_window must be a decimal number "
					"1..100000000, got: ", val, vlen);
				return -1;
			}
			cfg->trampoline_window = (uint32_t)w;
		} else if (word_eq(word, klen, "batch")) {
			if (word_eq(val, vlen, "kernel")) {
				cfg->batch = 1;
			} else if (word_eq(val, vlen, "off")) {
				cfg->batch = 0;
			} else {
				err_set(err, errlen, "batch must be off or kernel, got: ", val, vlen);
				return -1;
			}
		} else if (word_eq(word, klen, "batch_max")) {
			uint64_t m;

			if (parse_u64(val, vlen, NESTLAB_BATCH_MAX_LIMIT, &m) || m < 1) {
				err_set(err, errlen, "batch_max must be a decimal number 1..64, got: ",
					val, vlen);
				return -1;
			}
			cfg->batch_max = (unsigned)m;
		} else if (word_eq(word, klen, "mbec")) {
			if (word_eq(val, vlen, "on")) {
				cfg->mbec = 1;
			} else if (word_eq(val, vlen, "off")) {
				cfg->mbec = 0;
			} else {
				err_set(err, errlen, "mbec must be on or off, got: ", val, vlen);
				return -1;
			}
		} else {
			err_set(err, errlen, "unknown key: ", word, klen);
			return -1;
		}
	}
}

int l2_config_check_l1(const struct l2_config *cfg, unsigned level, char *err,
		       size_t errlen)
{
	if (cfg->mbec && (level != 2 || cfg->l1 != L2_L1_NESTLAB)) {
		err_set(err, errlen, "mbec=on needs nestlab's L1 (level 2, l1=nestlab): "
			"only it serves the MBEC hypercalls", NULL, 0);
		return -1;
	}
	if (cfg->l1 != L2_L1_KVM)
		return 0;
	if (level != 2) {
		err_set(err, errlen, "l1=kvm, but CPUID 0x40000000 has no nestlab "
			"signature: not running under nestlab's KVM VMM", NULL, 0);
		return -1;
	}
	if (cfg->transport != NESTLAB_TRANSPORT_BACKDOOR) {
		err_set(err, errlen, "l1=kvm needs transport=backdoor: KVM answers "
			"VMMCALL itself, it never reaches the VMM", NULL, 0);
		return -1;
	}
	return 0;
}
