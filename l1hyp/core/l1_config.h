/*
 * L1's run configuration, parsed from its multiboot command line (keys in
 * include/nestlab/bootargs.h). Pure C, host-tested.
 */
#ifndef L1_CONFIG_H
#define L1_CONFIG_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct l1_config {
	uint64_t l2mem_mib;     /* L2 RAM size */
	bool npt_lazy;          /* populate the NPT on first touch */
};

/* Parse s (NUL-terminated, may be NULL) into cfg (defaults first). Returns 0,
 * or -1 with a message in err (errlen bytes). */
int l1_config_parse(const char *s, struct l1_config *cfg, char *err, size_t errlen);

#endif
