/*
 * Kernel command-line parsing for the VMM (see vmm_config.h). Words are
 * split as Linux's next_arg() does (lib/cmdline.c): on blanks outside
 * double quotes, the quotes themselves dropped from the value.
 */
#include "vmm_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>

#define VMM_PREFIX "nestlab."

/* Next word: key [key, key_end), value [val, val_end) without its quotes. */
struct vmm_word {
	const char *key, *key_end, *val, *val_end;
};

static const char *next_word(const char *s, struct vmm_word *w)
{
	bool quoted = false;
	const char *p;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	w->key = s;
	w->val = w->val_end = NULL;
	for (p = s; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
			break;
		else if (*p == '=' && !w->val)
			w->val = p + 1;
	}
	w->key_end = w->val ? w->val - 1 : p;
	if (w->val) {
		w->val_end = p;
		if (*w->val == '"') {
			w->val++;
			if (w->val_end > w->val && w->val_end[-1] == '"')
				w->val_end--;
		}
	}
	return p;
}

static bool key_is(const struct vmm_word *w, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(w->key_end - w->key) == n && !strncmp(w->key, name, n);
}

static int copy_val(const struct vmm_word *w, char *dst, size_t size)
{
	size_t n = (size_t)(w->val_end - w->val);

	if (n >= size || memchr(w->val, '"', n))
		return -1;
	memcpy(dst, w->val, n);
	dst[n] = '\0';
	return 0;
}

int vmm_config_parse(const char *cmdline, struct vmm_config *cfg, char *err,
		     size_t errlen)
{
	struct vmm_word w;
	const char *s = cmdline;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->l2_image, sizeof(cfg->l2_image), "%s", VMM_L2_IMAGE_DEFAULT);
	snprintf(cfg->results, sizeof(cfg->results), "%s", VMM_RESULTS_DEFAULT);
	cfg->l2mem_mib = NESTLAB_L2MEM_DEFAULT_MIB;
	cfg->count = VMM_COUNT_HIST;
	if (errlen)
		err[0] = '\0';

	while ((s = next_word(s, &w))) {
		int klen = (int)(w.key_end - w.key);

		if (strncmp(w.key, VMM_PREFIX, strlen(VMM_PREFIX)) ||
		    klen < (int)strlen(VMM_PREFIX))
			continue;              /* Linux's own parameter */
		if (!w.val) {
			snprintf(err, errlen, "%.*s needs a value", klen, w.key);
			return -1;
		}
		if (key_is(&w, "nestlab.l2")) {
			if (copy_val(&w, cfg->l2_cmdline, sizeof(cfg->l2_cmdline))) {
				snprintf(err, errlen, "nestlab.l2: the L2 command line is "
					 "longer than %d bytes or unbalanced in quotes",
					 VMM_L2_CMDLINE_MAX - 1);
				return -1;
			}
			cfg->l2_cmdline_given = true;
		} else if (key_is(&w, "nestlab.l2img")) {
			if (copy_val(&w, cfg->l2_image, sizeof(cfg->l2_image)) ||
			    !cfg->l2_image[0]) {
				snprintf(err, errlen, "nestlab.l2img: want a path of 1..%d bytes",
					 VMM_PATH_MAX - 1);
				return -1;
			}
		} else if (key_is(&w, "nestlab.results")) {
			if (copy_val(&w, cfg->results, sizeof(cfg->results)) ||
			    !cfg->results[0]) {
				snprintf(err, errlen, "nestlab.results: want a path of 1..%d bytes",
					 VMM_PATH_MAX - 1);
				return -1;
			}
		} else if (key_is(&w, "nestlab.l2mem")) {
			char num[16], *e;
			unsigned long v;

			if (copy_val(&w, num, sizeof(num)) || num[0] < '0' || num[0] > '9' ||
			    (v = strtoul(num, &e, 10), *e) || v < NESTLAB_L2MEM_MIN_MIB ||
			    v > VMM_L2MEM_MAX_MIB) {
				snprintf(err, errlen, "nestlab.l2mem '%.*s': want MiB in %u..%u",
					 (int)(w.val_end - w.val), w.val,
					 NESTLAB_L2MEM_MIN_MIB, VMM_L2MEM_MAX_MIB);
				return -1;
			}
			cfg->l2mem_mib = (unsigned)v;
		} else if (key_is(&w, "nestlab.count")) {
			size_t n = (size_t)(w.val_end - w.val);

			if (n == 4 && !strncmp(w.val, "hist", 4))
				cfg->count = VMM_COUNT_HIST;
			else if (n == 3 && !strncmp(w.val, "vmm", 3))
				cfg->count = VMM_COUNT_VMM;
			else {
				snprintf(err, errlen, "nestlab.count '%.*s': want hist or vmm",
					 (int)n, w.val);
				return -1;
			}
		} else {
			snprintf(err, errlen, "unknown key %.*s (nestlab.l2, nestlab.l2img, "
				 "nestlab.l2mem, nestlab.count, nestlab.results)", klen, w.key);
			return -1;
		}
	}
	if (!cfg->l2_cmdline_given) {
		snprintf(err, errlen, "no nestlab.l2=\"...\" on the kernel command line: "
			 "the launcher passes the L2 command line there");
		return -1;
	}
	return 0;
}
