/*
 * The collector's view of the guest-RAM file: one shared read-write
 * mapping of the whole file (the collector writes only ring tails) and
 * overflow-safe bounds checks; every access the collector makes goes
 * through trace_map_ptr(), so nothing is read outside the file.
 */
#ifndef NESTLAB_TRACE_MAP_H
#define NESTLAB_TRACE_MAP_H

#include <stddef.h>
#include <stdint.h>

struct trace_map {
	uint8_t *base;
	uint64_t size;
	int fd;            /* -1 when the memory is not a file mapping */
};

enum trace_map_rc {
	TRACE_MAP_OK      = 0,
	TRACE_MAP_NOT_YET = 1, /* no file yet, or shorter than wanted: retry */
	TRACE_MAP_ERROR   = 2, /* err filled */
};

/* Maps `path` when it exists and is at least `min_size` bytes. */
enum trace_map_rc trace_map_open(struct trace_map *m, const char *path, uint64_t min_size,
				 char *err, size_t errlen);
/* Wraps memory the caller owns (tests, synthetic producers). */
void trace_map_wrap(struct trace_map *m, void *base, uint64_t size);
void trace_map_close(struct trace_map *m);

/* True when [off, off + len) lies inside the map. */
static inline int trace_map_contains(const struct trace_map *m, uint64_t off, uint64_t len)
{
	return m->base && off <= m->size && len <= m->size - off;
}

/* Pointer to [off, off + len), or NULL when any of it is outside. */
static inline void *trace_map_ptr(const struct trace_map *m, uint64_t off, uint64_t len)
{
	return trace_map_contains(m, off, len) ? m->base + off : NULL;
}

#endif
