/*
 * The fuzz guest's command line: "key=value" words separated by spaces; a
 * first word without '=' (the image name L1 and QEMU put first) is skipped.
 * Keys (docs/fuzz-l1.md):
 *   mode=blocks|hypercalls|none   seed=N   start=N   blocks=N   count=N
 *   cpl=0|3|mix   transport=vmmcall|backdoor|mix   tmpl=LIST   checks=LIST
 *   avoid=LIST (instruction forms the precheck refuses: known defects)
 *   progress=N (a progress line every N units, 0: none)   verbose=0|1
 * plus the launcher's workload= and iterations=, accepted and ignored.
 * Numbers are decimal or 0x-hex, 64-bit. LIST is "all", names separated by
 * ',' to take only those, or "-name,..." / "all,-name" to drop some; it is
 * kept as text here and resolved against the template and check tables.
 * Pure C, host-tested.
 */
#ifndef FUZZ_CMDLINE_H
#define FUZZ_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

enum fuzz_mode { FUZZ_MODE_NONE, FUZZ_MODE_BLOCKS, FUZZ_MODE_HYPERCALLS };
enum fuzz_cpl { FUZZ_CPL_0, FUZZ_CPL_3, FUZZ_CPL_MIX };
enum fuzz_transport { FUZZ_TR_VMMCALL, FUZZ_TR_BACKDOOR, FUZZ_TR_MIX };

#define FUZZ_LIST_MAX 256

struct fuzz_opts {
	enum fuzz_mode mode;
	uint64_t seed, start, blocks, count, progress;
	enum fuzz_cpl cpl;
	enum fuzz_transport transport;
	int verbose;
	char tmpl[FUZZ_LIST_MAX];
	char checks[FUZZ_LIST_MAX];
	char avoid[FUZZ_LIST_MAX];
};

void fuzz_opts_default(struct fuzz_opts *o);

/* Applies the words of `line` (len bytes, need not be NUL-terminated) to o.
 * 0, or -1 with a reason in why. */
int fuzz_cmdline_parse(const char *line, size_t len, struct fuzz_opts *o,
		       char *why, size_t whylen);

/*
 * Resolves LIST against names[0..n): bit i of the result is set when name i
 * is selected; `dflt` is the selection "all" starts from (a mask of every
 * default-enabled entry). -1 (reason in why) for an unknown name.
 */
int fuzz_list_resolve(const char *list, const char *const *names, unsigned n,
		      uint64_t dflt, uint64_t *out, char *why, size_t whylen);

#endif
