/*
 * Unit tests of the kvm_exit histogram parser and the SVM exit code map
 * (experiments/kvm-l1/kvm_exits.c). The sample text is the layout Linux
 * 6.1's kernel/trace/trace_events_hist.c prints for "hist:keys=exit_reason".
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include "kvm_exits.h"

static const char sample[] =
	"# event histogram\n"
	"#\n"
	"# trigger info: hist:keys=exit_reason:vals=hitcount:sort=hitcount:size=256 [active]\n"
	"#\n"
	"\n"
	"{ exit_reason:          4 } hitcount:          1\n"
	"{ exit_reason:         20 } hitcount:          1\n"
	"{ exit_reason:        124 } hitcount:          4\n"
	"{ exit_reason:        123 } hitcount:          8\n"
	"{ exit_reason:       1024 } hitcount:         46\n"
	"{ exit_reason:        114 } hitcount:       1002\n"
	"\n"
	"Totals:\n"
	"    Hits: 1062\n"
	"    Entries: 6\n"
	"    Dropped: 0\n";

Test(kvm_exits, svm_codes_map_to_nestlab_names)
{
	cr_assert(eq(u32, kvmx_svm_reason(0x72), NESTLAB_EXIT_CPUID));
	cr_assert(eq(u32, kvmx_svm_reason(0x74), NESTLAB_EXIT_IRET));
	cr_assert(eq(u32, kvmx_svm_reason(0x7B), NESTLAB_EXIT_IOIO));
	cr_assert(eq(u32, kvmx_svm_reason(0x7C), NESTLAB_EXIT_MSR));
	cr_assert(eq(u32, kvmx_svm_reason(0x400), NESTLAB_EXIT_NPF));
	cr_assert(eq(u32, kvmx_svm_reason(0x81), NESTLAB_EXIT_VMMCALL));
	cr_assert(eq(u32, kvmx_svm_reason(0x10), NESTLAB_EXIT_CR0_WRITE));
	cr_assert(eq(u32, kvmx_svm_reason(0x65), NESTLAB_EXIT_CR0_WRITE));
	cr_assert(eq(u32, kvmx_svm_reason(0x14), NESTLAB_EXIT_CR4_WRITE));
	cr_assert(eq(u32, kvmx_svm_reason(0x46), NESTLAB_EXIT_EXCP_UD));
	cr_assert(eq(u32, kvmx_svm_reason(0x4E), NESTLAB_EXIT_EXCP_PF));
	cr_assert(eq(u32, kvmx_svm_reason(0x42), NESTLAB_EXIT_EXCP_OTHER));
	cr_assert(eq(u32, kvmx_svm_reason(0x60), NESTLAB_EXIT_INTR));
	cr_assert(eq(u32, kvmx_svm_reason(0x8C), NESTLAB_EXIT_MWAIT));
	cr_assert(eq(u32, kvmx_svm_reason(0xFFFFFFFFu), NESTLAB_EXIT_INVALID));
	/* CR4 read: KVM intercepts it, nestlab has no name for it */
	cr_assert(eq(u32, kvmx_svm_reason(0x04), NESTLAB_EXIT_UNKNOWN));
}

Test(kvm_exits, parses_the_histogram)
{
	struct kvmx_snapshot s;
	char err[128];

	cr_assert(eq(int, kvmx_hist_parse(sample, &s, err, sizeof(err)), 0), "%s", err);
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_CPUID], 1002));
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_IOIO], 8));
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_MSR], 4));
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_NPF], 46));
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_CR4_WRITE], 1));
	cr_assert(eq(u64, s.count[NESTLAB_EXIT_UNKNOWN], 1));
	cr_assert(eq(u32, s.nr_other, 1));
	cr_assert(eq(u32, s.other[0].code, 4));
	cr_assert(eq(u64, s.other[0].hits, 1));
}

Test(kvm_exits, empty_histogram_is_all_zero)
{
	struct kvmx_snapshot s;
	char err[128];

	cr_assert(eq(int, kvmx_hist_parse("# event histogram\n\nTotals:\n    Hits: 0\n"
					  "    Entries: 0\n    Dropped: 0\n", &s, err,
					  sizeof(err)), 0));
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
		cr_assert(eq(u64, s.count[r], 0));
}

Test(kvm_exits, refuses_what_it_does_not_understand)
{
	struct kvmx_snapshot s;
	char err[128];

	cr_assert(eq(int, kvmx_hist_parse("{ exit_reason: CPUID } hitcount: 3\n", &s, err,
					  sizeof(err)), KVMX_E_FORMAT));
	cr_assert(eq(str, err, "histogram line not understood: { exit_reason: CPUID } hitcount: 3"));
	cr_assert(eq(int, kvmx_hist_parse("{ vcpu_id: 0 } hitcount: 3\n", &s, err,
					  sizeof(err)), KVMX_E_FORMAT));
	cr_assert(eq(int, kvmx_hist_parse("{ exit_reason: 114 } hitcount: 3 extra\n", &s, err,
					  sizeof(err)), KVMX_E_FORMAT));
	cr_assert(eq(int, kvmx_hist_parse("Totals:\n    Lost: 1\n", &s, err, sizeof(err)),
		     KVMX_E_FORMAT));
}

Test(kvm_exits, dropped_hits_are_an_error)
{
	struct kvmx_snapshot s;
	char err[128];

	cr_assert(eq(int, kvmx_hist_parse("{ exit_reason: 114 } hitcount: 3\nTotals:\n"
					  "    Dropped: 2\n", &s, err, sizeof(err)),
		     KVMX_E_DROPPED));
	cr_assert(eq(str, err, "the kvm_exit histogram dropped 2 hits"));
}

Test(kvm_exits, too_many_unnamed_codes)
{
	char text[64 * 48] = "", *p = text;
	struct kvmx_snapshot s;
	char err[128];

	/* 0x100 on: codes without a nestlab name */
	for (unsigned c = 0x100; c < 0x100 + KVMX_OTHER_MAX + 1; c++)
		p += sprintf(p, "{ exit_reason: %u } hitcount: 1\n", c);
	cr_assert(eq(int, kvmx_hist_parse(text, &s, err, sizeof(err)), KVMX_E_FULL));
}

Test(kvm_exits, delta_between_snapshots)
{
	struct kvmx_snapshot a, b;
	uint64_t d[NESTLAB_EXIT_NR];
	char err[128];

	cr_assert(eq(int, kvmx_hist_parse("{ exit_reason: 114 } hitcount: 2\n"
					  "{ exit_reason: 123 } hitcount: 5\n"
					  "{ exit_reason: 4 } hitcount: 1\n", &a, err,
					  sizeof(err)), 0));
	cr_assert(eq(int, kvmx_hist_parse(sample, &b, err, sizeof(err)), 0));
	kvmx_delta(&b, &a, d);
	cr_assert(eq(u64, d[NESTLAB_EXIT_CPUID], 1000));
	cr_assert(eq(u64, d[NESTLAB_EXIT_IOIO], 3));
	cr_assert(eq(u64, d[NESTLAB_EXIT_NPF], 46));
	cr_assert(eq(u64, d[NESTLAB_EXIT_UNKNOWN], 0));
	/* never negative */
	kvmx_delta(&a, &b, d);
	cr_assert(eq(u64, d[NESTLAB_EXIT_CPUID], 0));
	cr_assert(eq(u64, kvmx_other_delta(&b, &a, 4), 0));
	cr_assert(eq(u64, kvmx_other_delta(&b, &a, 5), 0));
}
