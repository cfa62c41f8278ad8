/*
 * libnestlab-ust.so: the LTTng-UST side of the collector, loaded with
 * dlopen() only by the collector process (trace_ust.c), so the launcher
 * itself never links LTTng-UST. It holds
 *   - the tracepoint provider `nestlab` (nestlab_tp.h, generated from the
 *     NESTLAB_TRACE_EVENTS X-macro by gen_tp.c), one event per record type
 *     plus nestlab:lost;
 *   - the sink the collector calls for each merged record and each loss;
 *   - the clock override plugin (this same object is named in
 *     LTTNG_UST_CLOCK_PLUGIN): LTTng-UST reads its clock while it writes
 *     an event, and the sink sets that clock to the record's timestamp
 *     (trace_clock.c: guest time laid on CLOCK_MONOTONIC) just before
 *     firing the event, so events carry guest time. The clock keeps the
 *     name, frequency and domain of LTTng's default monotonic clock, which
 *     lttng-sessiond and lttng-consumerd use for the metadata and packet
 *     bounds (docs/tracing.md, "Time base").
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "nestlab_tp_emit.h"

#include <lttng/ust-clock.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "trace_collect.h"

/* The timestamp of the event being written; before the first, the host clock. */
static uint64_t ust_now;
static int ust_now_set;

static uint64_t ust_clock_read(void)
{
	struct timespec ts;

	if (ust_now_set)
		return __atomic_load_n(&ust_now, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t ust_clock_freq(void)
{
	return 1000000000ull;
}

static int ust_clock_uuid(char *uuid)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	int rc = -1;

	/* The default clock's uuid is the boot id; keep it, same clock domain. */
	if (f && fread(uuid, 1, LTTNG_UST_UUID_STR_LEN - 1, f) == LTTNG_UST_UUID_STR_LEN - 1) {
		uuid[LTTNG_UST_UUID_STR_LEN - 1] = '\0';
		rc = 0;
	}
	if (f)
		fclose(f);
	return rc;
}

static const char *ust_clock_name(void)
{
	return "monotonic";
}

static const char *ust_clock_description(void)
{
	return "Monotonic Clock; nestlab events carry guest time laid on it";
}

void lttng_ust_clock_plugin_init(void);

void lttng_ust_clock_plugin_init(void)
{
	if (lttng_ust_trace_clock_set_read64_cb(ust_clock_read) ||
	    lttng_ust_trace_clock_set_freq_cb(ust_clock_freq) ||
	    lttng_ust_trace_clock_set_uuid_cb(ust_clock_uuid) ||
	    lttng_ust_trace_clock_set_name_cb(ust_clock_name) ||
	    lttng_ust_trace_clock_set_description_cb(ust_clock_description) ||
	    lttng_ust_enable_trace_clock_override())
		fprintf(stderr, "nestlab: trace: the LTTng-UST clock override failed; "
			"events carry host time\n");
}

static void ust_set_now(uint64_t ts)
{
	__atomic_store_n(&ust_now, ts, __ATOMIC_RELAXED);
	ust_now_set = 1;
}

static void ust_record(void *ctx, const struct nestlab_trace_record *r, uint32_t producer,
		       uint64_t ts)
{
	ust_set_now(ts);
	nestlab_tp_emit(r);
}

static void ust_lost(void *ctx, const struct trace_lost *l, uint64_t ts)
{
	ust_set_now(ts);
	lttng_ust_tracepoint(nestlab, lost, l->producer, l->ring, l->dropped, l->rejected,
			     l->resyncs, l->tail);
}

/* The entry point trace_ust.c looks up. */
void nestlab_ust_sink(struct trace_sink *out);

void nestlab_ust_sink(struct trace_sink *out)
{
	out->record = ust_record;
	out->lost = ust_lost;
	out->ctx = NULL;
}
