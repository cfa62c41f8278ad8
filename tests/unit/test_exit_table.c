/* The exit table: core handlers, a mechanism claiming a reason and
 * chaining to the handler it replaced, pre/post hooks in order, a pre hook
 * that ends the exit, limits, the unexpected-exit stop; vcpu_stop's
 * first-request-wins rule and RIP advance by mode. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "fake_vendor.h"
#include "../../l1hyp/core/exit_table.h"
#include <nestlab/status.h>

static struct vcpu v;
static struct fake_vendor f;
static char order[32];
static unsigned norder;

static void mark(char c) { order[norder++] = c; order[norder] = '\0'; }

static unsigned core_cpuid(struct vcpu *vc) { mark('C'); return 0; }
static unsigned marker(struct vcpu *vc) { mark('M'); return EXIT_NOT_IN_PHASE; }
static exit_handler_fn prev;
static unsigned mech_cpuid(struct vcpu *vc) { mark('m'); return prev(vc); }
static unsigned pre_a(struct vcpu *vc) { mark('a'); return 0; }
static unsigned pre_b(struct vcpu *vc) { mark('b'); return 0; }
static unsigned pre_stop(struct vcpu *vc) { mark('s'); return EXIT_HANDLED | EXIT_NOT_IN_PHASE; }
static unsigned post_p(struct vcpu *vc) { mark('p'); return EXIT_NOT_IN_PHASE; }

static void setup(void)
{
	fake_vcpu_init(&v, &f);
	exit_table_reset();
	norder = 0;
	order[0] = '\0';
}

TestSuite(exit_table, .init = setup);

Test(exit_table, dispatches_by_reason_and_returns_flags)
{
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, core_cpuid, 0), 0));
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_VMMCALL, marker, 0), 0));
	cr_assert(eq(u32, exit_dispatch(&v, NESTLAB_EXIT_CPUID), 0));
	cr_assert(eq(u32, exit_dispatch(&v, NESTLAB_EXIT_VMMCALL), EXIT_NOT_IN_PHASE));
	cr_assert(eq(str, order, "CM"));
}

Test(exit_table, claim_returns_previous_for_chaining)
{
	exit_claim(NESTLAB_EXIT_CPUID, core_cpuid, 0);
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, mech_cpuid, &prev), 0));
	cr_assert(eq(ptr, (void *)prev, (void *)core_cpuid));
	exit_dispatch(&v, NESTLAB_EXIT_CPUID);
	cr_assert(eq(str, order, "mC"));
}

Test(exit_table, hooks_run_in_order_around_the_handler)
{
	exit_claim(NESTLAB_EXIT_CPUID, core_cpuid, 0);
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, pre_a), 0));
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_POST, post_p), 0));
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, pre_b), 0));
	cr_assert(eq(u32, exit_dispatch(&v, NESTLAB_EXIT_CPUID), EXIT_NOT_IN_PHASE));
	cr_assert(eq(str, order, "abCp"));
	/* Other reasons are not affected by the hooks. */
	exit_claim(NESTLAB_EXIT_MSR, marker, 0);
	exit_dispatch(&v, NESTLAB_EXIT_MSR);
	cr_assert(eq(str, order, "abCpM"));
}

Test(exit_table, pre_hook_can_end_the_exit)
{
	exit_claim(NESTLAB_EXIT_CPUID, core_cpuid, 0);
	exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, pre_stop);
	exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, pre_a);
	exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_POST, post_p);
	cr_assert(eq(u32, exit_dispatch(&v, NESTLAB_EXIT_CPUID), EXIT_NOT_IN_PHASE));
	cr_assert(eq(str, order, "s"));
}

Test(exit_table, limits_and_bad_reasons)
{
	for (int i = 0; i < EXIT_MAX_HOOKS; i++)
		cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_IOIO, EXIT_HOOK_POST, post_p), 0));
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_IOIO, EXIT_HOOK_POST, post_p),
		     EXIT_TABLE_E_FULL));
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_NR, EXIT_HOOK_PRE, pre_a),
		     EXIT_TABLE_E_REASON));
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_NR, core_cpuid, 0), EXIT_TABLE_E_REASON));
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, 0, 0), EXIT_TABLE_E_REASON));
}

Test(exit_table, unclaimed_reason_stops_with_l1_error)
{
	v.exit.reason = NESTLAB_EXIT_XSETBV;
	v.exit.raw_code = 0x8d;
	cr_assert(eq(u32, exit_dispatch(&v, NESTLAB_EXIT_XSETBV), 0));
	cr_assert(v.stop);
	cr_assert(v.stop_dump);
	cr_assert(eq(u32, v.stop_status, NESTLAB_STATUS_L1_ERROR));
	cr_assert(eq(str, v.stop_diag,
		     "unexpected exit xsetbv (vendor code 8d): not intercepted on purpose"));
	/* An out-of-range reason is dispatched as unknown, never indexed. */
	v.stop = false;
	exit_dispatch(&v, 200);
	cr_assert(v.stop);
}

Test(exit_table, first_stop_request_wins)
{
	vcpu_stop(&v, NESTLAB_STATUS_L2_HALTED, false, "first %d", 1);
	vcpu_stop(&v, NESTLAB_STATUS_L1_ERROR, true, "second");
	cr_assert(eq(u32, v.stop_status, NESTLAB_STATUS_L2_HALTED));
	cr_assert(eq(str, v.stop_diag, "first 1"));
	cr_assert(eq(int, v.stop_dump, 0));
}

Test(exit_table, rip_advance_wraps_outside_64_bit_mode)
{
	v.regs.rip = 0xFFFFFFFFull;
	v.exit.long_mode = false;
	vcpu_advance_rip(&v, 2);
	cr_assert(eq(u64, v.regs.rip, 1));
	v.regs.rip = 0xFFFFFFFFull;
	v.exit.long_mode = true;
	vcpu_advance_rip(&v, 2);
	cr_assert(eq(u64, v.regs.rip, 0x100000001ull));
}

/* exit_table_freeze (the generated dispatch, core/exit_tramp.c): claims
 * fail from then on and the table keeps its handlers; hooks still work;
 * the reset thaws it. */
Test(exit_table, frozen_table_refuses_claims_and_keeps_handlers)
{
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, core_cpuid, 0), 0));
	exit_table_freeze();
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, mech_cpuid, &prev),
		     EXIT_TABLE_E_FROZEN));
	cr_assert(eq(ptr, (void *)exit_handlers[NESTLAB_EXIT_CPUID], (void *)core_cpuid));
	cr_assert(eq(int, exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, pre_a), 0));
	exit_dispatch(&v, NESTLAB_EXIT_CPUID);
	cr_assert(eq(str, order, "aC"));
	/* A bad reason is still EXIT_TABLE_E_REASON, frozen or not. */
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_NR, core_cpuid, 0), EXIT_TABLE_E_REASON));
	exit_table_reset();
	cr_assert(eq(int, exit_claim(NESTLAB_EXIT_CPUID, mech_cpuid, &prev), 0));
}

/* vcpu_defer: the loop runs the deferred functions once each, in the
 * order asked, after the exit; one asked twice runs once; at most
 * VCPU_DEFER_MAX; a function may defer again for the next exit. */
static struct vcpu *deferring;
static void def_a(struct vcpu *vc) { mark('A'); }
static void def_b(struct vcpu *vc) { mark('B'); }
static void def_c(struct vcpu *vc) { mark('c'); }
static void def_d(struct vcpu *vc) { mark('d'); }
static void def_again(struct vcpu *vc) { mark('G'); vcpu_defer(deferring, def_a); }

Test(exit_table, deferred_work_runs_once_in_order)
{
	cr_assert(eq(u32, v.after_exit, 0));
	cr_assert(eq(int, vcpu_defer(&v, def_b), 0));
	cr_assert(eq(int, vcpu_defer(&v, def_a), 0));
	cr_assert(eq(int, vcpu_defer(&v, def_b), 0));
	cr_assert(v.deferred);
	cr_assert(not(v.stop));
	cr_assert(ne(u32, v.after_exit, 0));
	vcpu_run_deferred(&v);
	cr_assert(eq(str, order, "BA"));
	cr_assert(eq(u32, v.after_exit, 0));
	vcpu_run_deferred(&v);
	cr_assert(eq(str, order, "BA"));
}

Test(exit_table, deferred_work_is_bounded_and_may_defer_again)
{
	void (*fns[])(struct vcpu *) = { def_a, def_b, def_c, def_d };

	for (unsigned i = 0; i < VCPU_DEFER_MAX; i++)
		cr_assert(eq(int, vcpu_defer(&v, fns[i]), 0));
	cr_assert(eq(int, vcpu_defer(&v, def_again), -1));
	vcpu_run_deferred(&v);
	cr_assert(eq(str, order, "ABcd"));
	deferring = &v;
	cr_assert(eq(int, vcpu_defer(&v, def_again), 0));
	vcpu_run_deferred(&v);
	cr_assert(eq(str, order, "ABcdG"));
	cr_assert(v.deferred);              /* def_a, for the next exit */
	vcpu_run_deferred(&v);
	cr_assert(eq(str, order, "ABcdGA"));
	/* A stop request shares the loop's one test. */
	vcpu_stop(&v, NESTLAB_STATUS_L1_ERROR, false, "x");
	cr_assert(ne(u32, v.after_exit, 0));
	cr_assert(not(v.deferred));
}
