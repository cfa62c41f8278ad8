/*
 * kvmstat_lttng.h: the interface between nestlab-kvmstat and its LTTng-UST
 * plugin, nestlab-kvmstat-lttng.so (kvmstat_lttng.c, kvmstat_lttng_tp.[ch]).
 * The tool dlopen()s the plugin only for --lttng, so liblttng-ust (its
 * threads, its registration with a session daemon) is loaded only then, and
 * the tool builds and runs where LTTng-UST is not installed.
 *
 * The plugin emits each ring-buffer record as the LTTng-UST event
 * nestlab_kvm:<event> (<event> as in --events: exit, pio, cpuid, ...), into
 * every session that enables it; with no session daemon, or no session
 * enabling it, the event goes nowhere (LTTng's rule).
 */
#ifndef NESTLAB_KVMSTAT_LTTNG_H
#define NESTLAB_KVMSTAT_LTTNG_H

#include <linux/types.h>
#include "kvmstat.h"

#define KS_LTTNG_PLUGIN "nestlab-kvmstat-lttng.so"
#define KS_LTTNG_SYMBOL "ks_lttng_plugin"   /* const struct ks_lttng_ops *(void) */
#define KS_LTTNG_ABI 1

struct ks_lttng_ops {
	unsigned int abi;   /* KS_LTTNG_ABI */
	/* 1 when some started session enables one of the nestlab_kvm events. */
	int (*listening)(void);
	/* Emits r as nestlab_kvm:<event>; 1 when a session enables that event. */
	int (*emit)(const struct ks_record *r);
};

typedef const struct ks_lttng_ops *(*ks_lttng_plugin_fn)(void);

#endif
