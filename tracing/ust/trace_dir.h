/*
 * The trace directory (struct nestlab_trace_dir, include/nestlab/trace.h)
 * read from hostile memory: the caller copies the directory out of the
 * guest-RAM file once and this parser checks the copy, so what is checked
 * is what is used. Each entry is judged on its own: a bad entry is
 * reported and skipped, the others stay usable.
 */
#ifndef NESTLAB_TRACE_DIR_H
#define NESTLAB_TRACE_DIR_H

#include <stdint.h>
#include <nestlab/trace.h>

enum trace_dir_rc {
	TRACE_DIR_OK        = 0,
	TRACE_DIR_ABSENT    = 1, /* magic still 0: nothing written yet */
	TRACE_DIR_BAD_MAGIC = 2,
	TRACE_DIR_BAD_ABI   = 3,
	TRACE_DIR_BAD_NR    = 4, /* nr_rings > NESTLAB_TRACE_MAX_RINGS */
	TRACE_DIR_OUTSIDE   = 5, /* the directory itself is not inside the file */
};

enum trace_entry_rc {
	TRACE_ENTRY_OK           = 0,
	TRACE_ENTRY_BAD_PRODUCER = 1, /* not L1/L2 (0 = a free slot inside nr_rings) */
	TRACE_ENTRY_MISALIGNED   = 2, /* phys not TRACE_RING_ALIGN aligned */
	TRACE_ENTRY_TOO_SMALL    = 3, /* smaller than a header and one record */
	TRACE_ENTRY_OUTSIDE      = 4, /* not inside the guest-RAM file */
	TRACE_ENTRY_OVERLAPS_DIR = 5, /* overlaps the directory page */
	TRACE_ENTRY_OVERLAPS     = 6, /* overlaps an earlier valid entry */
};

struct trace_dir_view {
	uint32_t magic;                 /* as found (for messages) */
	uint32_t abi;
	uint32_t nr_rings;              /* entries looked at */
	struct {
		enum trace_entry_rc rc;
		struct nestlab_trace_dir_entry e;
	} entry[NESTLAB_TRACE_MAX_RINGS];
};

/*
 * Checks `copy`, the directory found at file offset `dir_off` (its page is
 * `dir_bytes` long) in a file of `file_size` bytes. Fills `out` whenever the
 * header itself is valid (TRACE_DIR_OK).
 */
enum trace_dir_rc trace_dir_parse(const struct nestlab_trace_dir *copy, uint64_t file_size,
				  uint64_t dir_off, uint64_t dir_bytes,
				  struct trace_dir_view *out);

const char *trace_dir_rc_name(enum trace_dir_rc rc);
const char *trace_entry_rc_name(enum trace_entry_rc rc);

/* True when [a, a + alen) and [b, b + blen) overlap (lengths > 0, no wrap). */
static inline int trace_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

#endif
