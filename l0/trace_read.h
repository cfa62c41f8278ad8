/*
 * Reading a CTF trace written by `nestlab run --trace` with libbabeltrace2:
 * a graph source.ctf.fs -> filter.utils.muxer -> a simple sink that feeds
 * every nestlab event (and LTTng's discarded-events notices) to a tally.
 */
#ifndef L0_TRACE_READ_H
#define L0_TRACE_READ_H

#include <stddef.h>
#include "trace_tally.h"

/* 0, or -1 with `err` filled (no trace there, babeltrace2 failed). */
int trace_read(const char *dir, struct trace_tally *t, char *err, size_t errlen);

#endif
