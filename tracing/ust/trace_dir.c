/*
 * Directory checks. Ranges are compared without overflow: a range is
 * inside the file when phys <= size and bytes <= size - phys, so no sum of
 * two hostile 64-bit values is ever formed before that test.
 */
#include "trace_dir.h"

#include <string.h>
#include "trace_layout.h"

static enum trace_entry_rc trace_dir_entry_check(const struct nestlab_trace_dir_entry *e,
						 uint64_t file_size, uint64_t dir_off,
						 uint64_t dir_bytes)
{
	if (e->producer != NESTLAB_TRACE_L1 && e->producer != NESTLAB_TRACE_L2)
		return TRACE_ENTRY_BAD_PRODUCER;
	if (e->phys % TRACE_RING_ALIGN)
		return TRACE_ENTRY_MISALIGNED;
	if (e->bytes < NESTLAB_TRACE_RING_BYTES(1))
		return TRACE_ENTRY_TOO_SMALL;
	if (e->phys > file_size || e->bytes > file_size - e->phys)
		return TRACE_ENTRY_OUTSIDE;
	if (trace_ranges_overlap(e->phys, e->bytes, dir_off, dir_bytes))
		return TRACE_ENTRY_OVERLAPS_DIR;
	return TRACE_ENTRY_OK;
}

enum trace_dir_rc trace_dir_parse(const struct nestlab_trace_dir *copy, uint64_t file_size,
				  uint64_t dir_off, uint64_t dir_bytes,
				  struct trace_dir_view *out)
{
	memset(out, 0, sizeof(*out));
	if (dir_bytes < sizeof(*copy) || dir_off > file_size || dir_bytes > file_size - dir_off)
		return TRACE_DIR_OUTSIDE;
	out->magic = copy->magic;
	out->abi = copy->abi;
	if (copy->magic == 0)
		return TRACE_DIR_ABSENT;
	if (copy->magic != NESTLAB_TRACE_DIR_MAGIC)
		return TRACE_DIR_BAD_MAGIC;
	if (copy->abi != NESTLAB_TRACE_ABI)
		return TRACE_DIR_BAD_ABI;
	if (copy->nr_rings > NESTLAB_TRACE_MAX_RINGS)
		return TRACE_DIR_BAD_NR;
	out->nr_rings = copy->nr_rings;
	for (uint32_t i = 0; i < copy->nr_rings; i++) {
		const struct nestlab_trace_dir_entry *e = &copy->ring[i];
		enum trace_entry_rc rc = trace_dir_entry_check(e, file_size, dir_off, dir_bytes);

		for (uint32_t j = 0; rc == TRACE_ENTRY_OK && j < i; j++)
			if (out->entry[j].rc == TRACE_ENTRY_OK &&
			    trace_ranges_overlap(e->phys, e->bytes, out->entry[j].e.phys,
						 out->entry[j].e.bytes))
				rc = TRACE_ENTRY_OVERLAPS;
		out->entry[i].rc = rc;
		out->entry[i].e = *e;
	}
	return TRACE_DIR_OK;
}

const char *trace_dir_rc_name(enum trace_dir_rc rc)
{
	switch (rc) {
	case TRACE_DIR_OK:        return "ok";
	case TRACE_DIR_ABSENT:    return "no directory";
	case TRACE_DIR_BAD_MAGIC: return "bad directory magic";
	case TRACE_DIR_BAD_ABI:   return "unknown directory abi";
	case TRACE_DIR_BAD_NR:    return "nr_rings out of range";
	case TRACE_DIR_OUTSIDE:   return "directory outside the guest RAM file";
	}
	return "?";
}

const char *trace_entry_rc_name(enum trace_entry_rc rc)
{
	switch (rc) {
	case TRACE_ENTRY_OK:           return "ok";
	case TRACE_ENTRY_BAD_PRODUCER: return "unknown producer";
	case TRACE_ENTRY_MISALIGNED:   return "misaligned ring";
	case TRACE_ENTRY_TOO_SMALL:    return "ring too small";
	case TRACE_ENTRY_OUTSIDE:      return "ring outside the guest RAM file";
	case TRACE_ENTRY_OVERLAPS_DIR: return "ring overlaps the directory";
	case TRACE_ENTRY_OVERLAPS:     return "ring overlaps another ring";
	}
	return "?";
}
