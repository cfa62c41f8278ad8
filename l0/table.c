/*
 * Human table of a run's trap counts. Level 1 phases carry a TSC span and no
 * exits (there is no L1 to count them); level 2 phases list every reason L1
 * counted, in exit_reason.h order.
 */
#include "table.h"

#include <stdbool.h>
#include <string.h>

static void table_exits(FILE *f, const struct results_exits *ex)
{
	if (!ex->present) {
		fputs("    (no exits)\n", f);
		return;
	}
	fprintf(f, "    %-14s %14s %16s %12s\n", "reason", "exits", "L1 cycles", "cycles/exit");
	for (unsigned i = 0; i < NESTLAB_EXIT_NR; i++) {
		const struct results_counter *c = &ex->c[i];
		if (!(ex->present & (1ull << i)))
			continue;
		fprintf(f, "    %-14s %14llu %16llu ", nestlab_exit_reason_name(i),
			(unsigned long long)c->count, (unsigned long long)c->cycles);
		if (c->count)
			fprintf(f, "%12.1f\n", (double)c->cycles / (double)c->count);
		else
			fprintf(f, "%12s\n", "-");
	}
}

void table_print_result(FILE *f, const struct run_report *r)
{
	bool pass = r->status && !strcmp(r->status, "pass");

	bool kvm = r->level == 2 && r->l1 && !strcmp(r->l1, "kvm");

	fprintf(f, "result: %s%s%s (%s, level %d, %s%s) in %.2f s\n", pass ? "PASS" : "FAIL",
		pass ? "" : " ", pass ? "" : (r->status ? r->status : "?"),
		r->workload, r->level, kvm ? "l1 kvm, " : "", r->accel, r->wall_seconds);
}

void table_print(FILE *f, const struct run_report *r)
{
	const struct results_stream *rs = r->results;

	fprintf(f, "workload %s, %lu iterations, level %d, accel %s%s, transport %s",
		r->workload, r->iterations, r->level, r->accel,
		r->icount ? " (icount)" : "", r->transport);
	if (r->level == 2 && r->l1 && !strcmp(r->l1, "kvm"))
		fprintf(f, ", l1 kvm, l2mem %u MiB", r->l2mem_mib);
	else if (r->level == 2)
		fprintf(f, ", npt %s, l2mem %u MiB", r->npt, r->l2mem_mib);
	if (r->level == 2 && r->mbec_tlb)
		fprintf(f, ", mbec %s (tlb %s, violation %s)", r->mbec, r->mbec_tlb,
			r->mbec_violation);
	fputc('\n', f);

	if (!rs || !rs->nphases) {
		fputs("  no phases reported\n", f);
	}
	for (unsigned p = 0; rs && p < rs->nphases; p++) {
		const struct results_phase *ph = &rs->phases[p];
		fprintf(f, "  phase %u %-20s tsc %llu\n", p, ph->name,
			(unsigned long long)ph->tsc);
		if (r->level == 1)
			continue;
		table_exits(f, &ph->exits);
	}
	if (rs && r->level == 2) {
		fputs("  totals (whole run)\n", f);
		table_exits(f, &rs->totals);
	}
	table_print_result(f, r);
}
