/*
 * kvmstat_lttng_tp.c: the probes of the nestlab_kvm tracepoint provider
 * (kvmstat_lttng_tp.h), linked into nestlab-kvmstat-lttng.so.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "kvmstat_lttng_tp.h"
