/*
 * Loading the LTTng-UST sink (libnestlab-ust.so) into the collector
 * process: sets the LTTng-UST environment first (the clock plugin, and
 * blocking so full sub-buffers slow the collector down instead of
 * discarding events), because LTTng-UST reads it when it is loaded.
 */
#ifndef NESTLAB_TRACE_UST_H
#define NESTLAB_TRACE_UST_H

#include <stddef.h>
#include "trace_collect.h"

/* 0 and `sink` filled, or -1 with `err` filled. */
int trace_ust_load(const char *so_path, int guest_clock, struct trace_sink *sink,
		   char *err, size_t errlen);

#endif
