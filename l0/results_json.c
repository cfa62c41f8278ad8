/*
 * JSON rendering and atomic file writing for run results. Keys come in a
 * fixed order and exit reasons in exit_reason.h order, two-space indentation,
 * so the same run always gives the same bytes and files diff cleanly.
 * Atomicity: rename(2) replaces the target in one step (POSIX), and fsync of
 * the file before and the directory after makes the new content durable.
 */
#include "results_json.h"
#include "batch_console.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* "1,2,3" (checked digits and commas) as [1, 2, 3]; NULL as null. */
static void json_number_list(FILE *f, const char *list)
{
	if (!list) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (const char *p = list; *p; p++)
		if (*p == ',')
			fputs(", ", f);
		else if (*p >= '0' && *p <= '9')
			fputc(*p, f);
	fputc(']', f);
}

void results_json_counter_map(FILE *f, const struct results_named_counter *c, unsigned n,
			      unsigned phase)
{
	unsigned k = 0;

	fputc('{', f);
	for (unsigned i = 0; i < n; i++) {
		if (c[i].phase != phase)
			continue;
		if (k++)
			fputs(", ", f);
		json_str(f, c[i].name);
		fprintf(f, ": %llu", (unsigned long long)c[i].value);
	}
	fputc('}', f);
}

/* A phase's counters ("counter" lines), as ", "counters": {name: value}";
 * nothing when it has none. */
static void results_json_counters(FILE *f, const struct results_stream *rs, unsigned phase)
{
	for (unsigned i = 0; i < rs->ncounters; i++)
		if (rs->counters[i].phase == phase) {
			fputs(",\n     \"counters\": ", f);
			results_json_counter_map(f, rs->counters, rs->ncounters, phase);
			return;
		}
}

void results_json_exit_map(FILE *f, const struct results_exits *ex, int cycles)
{
	int first = 1;

	fputc('{', f);
	for (unsigned i = 0; i < NESTLAB_EXIT_NR; i++) {
		if (!(ex->present & (1ull << i)))
			continue;
		fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", nestlab_exit_reason_name(i),
			(unsigned long long)(cycles ? ex->c[i].cycles : ex->c[i].count));
		first = 0;
	}
	fputc('}', f);
}

static void json_int_or_null(FILE *f, int v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%d", v);
}

static void json_u64(FILE *f, const char *key, uint64_t v, int first)
{
	fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", key, (unsigned long long)v);
}

/* A phase's "batch": null without the kernel's line, else its counters
 * (docs/batching.md). */
void results_json_batch(FILE *f, const struct batch_console_phase *b)
{
	int first = 1;

	if (!b || !b->present) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	json_u64(f, "entries", b->entries, 1);
	json_u64(f, "syscalls", b->syscalls, 0);
	json_u64(f, "emulated", b->emulated, 0);
	json_u64(f, "skipped", b->skipped, 0);
	fputs(", \"sizes\": {", f);
	for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT; k++)
		if (b->size[k]) {
			fprintf(f, "%s\"%u\": %llu", first ? "" : ", ", k,
				(unsigned long long)b->size[k]);
			first = 0;
		}
	fputs("}, \"ends\": {", f);
	for (unsigned i = 0; i < b->nends; i++)
		json_u64(f, b->end[i].name, b->end[i].count, i == 0);
	fputs("}}", f);
}

/* "trace": null, or the collector's counts (docs/tracing.md). */
static void results_json_trace(FILE *f, const struct trace_report *t)
{
	const struct trace_stats *st;

	if (!t) {
		fputs("null", f);
		return;
	}
	st = t->stats;
	fputs("{\"path\": ", f);
	json_str(f, t->path);
	fprintf(f, ",\n            \"directory\": %s, \"error\": ",
		st && st->dir_rc == TRACE_DIR_OK ? "true" : "false");
	json_str(f, t->error);
	fputs(",\n            \"events\": {", f);
	for (uint32_t i = 1; i < NESTLAB_TRACE_NR; i++)
		json_u64(f, trace_type_info(i)->name, st ? st->events[i] : 0, i == 1);
	fputs("},\n            ", f);
	json_u64(f, "emitted", st ? st->emitted : 0, 1);
	json_u64(f, "dropped", st ? st->dropped : 0, 0);
	json_u64(f, "rejected", st ? st->rejected : 0, 0);
	json_u64(f, "resyncs", st ? st->resyncs : 0, 0);
	json_u64(f, "lost_events", st ? st->lost_events : 0, 0);
	fputs(",\n            \"rings\": [", f);
	for (uint32_t k = 0; st && k < st->nrings; k++) {
		const struct trace_ring_stats *rs = &st->ring[k];

		fputs(k ? ",\n              {\"producer\": " : "\n              {\"producer\": ", f);
		json_str(f, trace_producer_name(rs->producer));
		fprintf(f, ", \"phys\": \"0x%llx\"", (unsigned long long)rs->phys);
		json_u64(f, "bytes", rs->bytes, 0);
		json_u64(f, "capacity", rs->capacity, 0);
		json_u64(f, "tsc_hz", rs->tsc_hz, 0);
		json_u64(f, "emitted", rs->emitted, 0);
		json_u64(f, "dropped", rs->dropped, 0);
		json_u64(f, "rejected", rs->rejected, 0);
		json_u64(f, "resyncs", rs->resyncs, 0);
		fputs(", \"rejects\": {", f);
		for (int i = 0; i < TRACE_REJECT_NR; i++)
			json_u64(f, trace_reject_name(i), rs->reject[i], i == 0);
		fputs("}}", f);
	}
	fputs(st && st->nrings ? "]}" : "]}", f);
}

char *results_json_render(const struct run_report *r)
{
	const struct results_stream *rs = r->results;
	static const struct results_exits no_exits;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\n  \"workload\": ", f);
	json_str(f, r->workload);
	fprintf(f, ",\n  \"iterations\": %lu,\n  \"level\": %d,\n  \"l1\": ",
		r->iterations, r->level);
	json_str(f, r->level == 2 ? (r->l1 ? r->l1 : "nestlab") : NULL);
	fputs(",\n  \"accel\": ", f);
	json_str(f, r->accel);
	fputs(",\n  \"accel_reason\": ", f);
	json_str(f, r->accel_reason);
	fputs(",\n  \"transport\": ", f);
	json_str(f, r->transport);
	fputs(",\n  \"npt\": ", f);
	json_str(f, r->level == 2 ? r->npt : NULL);
	fputs(",\n  \"retpoline\": ", f);
	json_str(f, r->retpoline);
	if (r->trampoline) {
		fputs(",\n  \"trampoline\": ", f);
		json_str(f, r->trampoline);
	}
	if (r->batch) {
		fputs(",\n  \"batch\": ", f);
		json_str(f, r->batch);
	}
	fputs(",\n  \"mbec\": ", f);
	json_str(f, r->level == 2 ? r->mbec : NULL);
	fputs(",\n  \"mbec_tlb\": ", f);
	json_str(f, r->level == 2 ? r->mbec_tlb : NULL);
	fputs(",\n  \"mbec_violation\": ", f);
	json_str(f, r->level == 2 ? r->mbec_violation : NULL);
	fputs(",\n  \"interpose\": ", f);
	json_str(f, r->level == 2 ? r->interpose : NULL);
	fputs(",\n  \"interpose_op\": ", f);
	json_str(f, r->level == 2 ? r->interpose_op : NULL);
	fputs(",\n  \"interpose_deny\": ", f);
	json_number_list(f, r->level == 2 ? r->interpose_deny : NULL);
	/* nestlab's L1 command-line words from --l1-option (l1_trampoline=on ...) */
	fputs(",\n  \"l1_options\": ", f);
	if (r->level == 2 && (!r->l1 || !strcmp(r->l1, "nestlab"))) {
		fputc('[', f);
		for (unsigned i = 0; i < r->nl1_options; i++) {
			if (i)
				fputs(", ", f);
			json_str(f, r->l1_options[i]);
		}
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"l2mem_mib\": ", f);
	json_int_or_null(f, r->level == 2 ? (int)r->l2mem_mib : -1);
	fprintf(f, ",\n  \"icount\": %s,\n  \"status\": ", r->icount ? "true" : "false");
	json_str(f, r->status);
	fputs(",\n  \"status_code\": ", f);
	json_int_or_null(f, r->status_code);
	fputs(",\n  \"qemu_exit\": ", f);
	json_int_or_null(f, r->qemu_exit);
	fprintf(f, ",\n  \"wall_seconds\": %.3f,\n  \"producer\": ", r->wall_seconds);
	json_str(f, rs && rs->producer[0] ? rs->producer : NULL);

	fputs(",\n  \"errors\": [", f);
	for (size_t i = 0; i < r->nerrors; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_str(f, r->errors[i]);
	}
	fputs(r->nerrors ? "\n  ],\n  \"phases\": [" : "],\n  \"phases\": [", f);

	for (unsigned p = 0; rs && p < rs->nphases; p++) {
		const struct results_phase *ph = &rs->phases[p];
		fputs(p ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		json_str(f, ph->name);
		fputs(",\n     \"exits\": ", f);
		results_json_exit_map(f, &ph->exits, 0);
		fputs(",\n     \"l1_cycles\": ", f);
		results_json_exit_map(f, &ph->exits, 1);
		fprintf(f, ",\n     \"tsc\": %llu", (unsigned long long)ph->tsc);
		if (r->batch_stats) {
			fputs(",\n     \"batch\": ", f);
			results_json_batch(f, p < NESTLAB_MAX_PHASES ? &r->batch_stats->phase[p] : NULL);
		}
		results_json_counters(f, rs, p);
		fputc('}', f);
	}
	fputs(rs && rs->nphases ? "\n  ],\n" : "],\n", f);

	fputs("  \"totals\": {\"exits\": ", f);
	results_json_exit_map(f, rs ? &rs->totals : &no_exits, 0);
	fputs(", \"l1_cycles\": ", f);
	results_json_exit_map(f, rs ? &rs->totals : &no_exits, 1);
	fputs("},\n  \"trace\": ", f);
	results_json_trace(f, r->trace);
	fputs("\n}\n", f);

	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int results_json_write_atomic(const char *path, const char *text, char *err, size_t errlen)
{
	char *dcopy = strdup(path), *bcopy = strdup(path), *tmp = NULL;
	const char *dir, *base;
	size_t len = strlen(text), off = 0;
	int fd = -1, dfd, rc = -1;

	if (!dcopy || !bcopy) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	dir = dirname(dcopy);
	base = basename(bcopy);
	if (asprintf(&tmp, "%s/.%s.tmp.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s: %s", path, dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(n < 0 ? errno : EIO));
			goto out;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) || fsync(fd)) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path)) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* best effort: the rename is already visible */
		close(dfd);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	free(bcopy);
	return rc;
}
