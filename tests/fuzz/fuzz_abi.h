/*
 * The contract between nestlab's hostile-guest fuzzer for L1 (the L2 test
 * guest in tests/fuzz/guest/) and its host side (tests/fuzz/tools/,
 * campaign.sh): where the guest finds its command line when the launcher
 * cannot pass one, the breadcrumb it keeps in L2 RAM for the host to read
 * after a run, and the run statuses it ends with. Plain constants and
 * fixed-layout structs only, so that C on both sides (and the shell, through
 * the offsets) agree. docs/fuzz-l1.md describes the whole.
 */
#ifndef NESTLAB_FUZZ_ABI_H
#define NESTLAB_FUZZ_ABI_H

#include <stdint.h>

/*
 * The embedded command line. `nestlab run` always passes the L2 image
 * "workload=... iterations=... transport=..." and nothing else, so the
 * fuzz image carries a second command line in its .data: the marker below,
 * then FUZZ_CMDLINE_MAX bytes, NUL-padded, which tests/fuzz/tools/fuzzimg
 * fills in a copy of the image. The guest parses the multiboot command line
 * first and the embedded one after it: a key in the embedded line wins.
 */
#define FUZZ_CMDLINE_MARKER     "NESTLAB-FUZZ-CMDLINE:"
#define FUZZ_CMDLINE_MARKER_LEN 21
#define FUZZ_CMDLINE_MAX        512

/*
 * The breadcrumb: one page of L2 RAM at this guest-physical address (free
 * low memory in the map L1 hands L2; L1 itself uses 0x7000 and 0x8000).
 * The guest updates it before and after each block or hypercall; the host
 * reads it from the run's guest-RAM file (at L2 RAM's host-physical address,
 * which L1 prints, plus this) to learn which block a run died in.
 */
#define FUZZ_CRUMB_GPA          0x6000u
#define FUZZ_CRUMB_MAGIC        0x424D52435A464C4Eull /* "NLFZCRMB" */

enum fuzz_crumb_state {
	FUZZ_CRUMB_BOOT    = 0, /* guest booting, nothing run yet */
	FUZZ_CRUMB_IDLE    = 1, /* between blocks */
	FUZZ_CRUMB_IN_UNIT = 2, /* a block / hypercall is running */
	FUZZ_CRUMB_RESTORE = 3, /* restoring the guest's state after one */
	FUZZ_CRUMB_DONE    = 4, /* summary printed, exiting */
};

/* Indexes of fuzz_crumb.ends: vectors 0-31, then these. */
#define FUZZ_END_SYSCALL   32
#define FUZZ_END_WATCHDOG  33
#define FUZZ_END_ESCAPED   34
#define FUZZ_END_AVOIDED   35  /* + enum unit_avoid (1..): 36.. */
#define FUZZ_END_NR        48

struct fuzz_crumb {
	uint64_t magic;         /* FUZZ_CRUMB_MAGIC once the guest is up */
	uint64_t seed;
	uint64_t unit;          /* block index or hypercall index */
	uint64_t state;         /* enum fuzz_crumb_state */
	uint64_t tmpl_mask;     /* templates the current block was built from */
	uint64_t done;          /* units finished in this run */
	uint64_t findings;      /* guest-side findings so far */
	uint32_t cpl, steps;    /* current unit's CPL, #DB steps taken */
	uint8_t  code[16];      /* current block's code bytes */
	/* Counters of this run, kept up to date so that the host has them
	 * also when the run ends early: how units ended (FUZZ_END_*), and
	 * guest-side findings by class (the guest's check_names order). */
	uint32_t ends[FUZZ_END_NR];
	uint32_t found[16];
};

/* Statuses the guest ends with (include/nestlab/status.h values). */
#define FUZZ_STATUS_DONE  0 /* NESTLAB_STATUS_PASS: the slice ran to its end */
#define FUZZ_STATUS_LOST  1 /* NESTLAB_STATUS_WORKLOAD_FAIL: the guest could
			     * not restore its own state after a unit */
#define FUZZ_STATUS_USAGE 7 /* NESTLAB_STATUS_BAD_CONFIG: bad command line */

#endif
