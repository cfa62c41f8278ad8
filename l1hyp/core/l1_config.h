/*
 * L1's run configuration, parsed from its multiboot command line (the
 * core's keys in include/nestlab/bootargs.h; each mechanism's switch in its
 * docs page). Pure C, host-tested.
 */
#ifndef L1_CONFIG_H
#define L1_CONFIG_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define L1_CONFIG_MAX_OPTIONS 16

/* A key=value the core does not know: a mechanism's switch, kept for the
 * mechanism to take (pointers into the command line, not NUL-terminated). */
struct l1_option {
	const char *key, *val;
	size_t klen, vlen;
	bool taken;
};

struct l1_config {
	uint64_t l2mem_mib;     /* L2 RAM size */
	bool npt_lazy;          /* populate the NPT on first touch */
	uint64_t trace_pa;      /* trace region (include/nestlab/trace.h); */
	uint64_t trace_bytes;   /* 0 bytes: no tracing */
	struct l1_option opt[L1_CONFIG_MAX_OPTIONS];
	unsigned nr_opts;
};

/* Parse s (NUL-terminated, may be NULL; it must outlive cfg) into cfg
 * (defaults first). Keys other than the core's are kept in cfg->opt for
 * l1_config_take. Returns 0, or -1 with a message in err (errlen bytes). */
int l1_config_parse(const char *s, struct l1_config *cfg, char *err, size_t errlen);
/* Take the option key (a mechanism's switch): 1 and its value if present,
 * 0 if not. Taking marks it as known. */
int l1_config_take(struct l1_config *cfg, const char *key, const char **val,
		   size_t *vlen);
/* After every mechanism took its options: 0, or -1 with "unknown option:
 * key=value" in err for the first option nobody took. */
int l1_config_check_taken(const struct l1_config *cfg, char *err, size_t errlen);

#endif
