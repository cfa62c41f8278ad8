/*
 * Unit tests of the L2 kernel's command-line parser (guests/kernel/cmdline.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <nestlab/bootargs.h>
#include <nestlab/hypercall.h>
#include <stdio.h>
#include "kernel/cmdline.h"

static struct l2_config cfg;
static char err[128];

Test(cmdline, defaults_on_empty)
{
	cr_assert(eq(int, l2_cmdline_parse("", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.workload, NESTLAB_WL_CPUID));
	cr_assert(eq(u64, cfg.iterations, NESTLAB_ITERATIONS_DEFAULT));
	cr_assert(eq(u32, cfg.transport, NESTLAB_TRANSPORT_VMMCALL));
	cr_assert(eq(str, err, ""));
}

Test(cmdline, image_name_first_is_skipped)
{
	cr_assert(eq(int, l2_cmdline_parse("build/guests/l2kernel.bin workload=pio iterations=7",
					   &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.workload, NESTLAB_WL_PIO));
	cr_assert(eq(u64, cfg.iterations, 7));
}

Test(cmdline, every_workload_name_parses)
{
	static const char *const names[] = {
#define N_(id, name, what) name,
		NESTLAB_WORKLOADS(N_)
#undef N_
	};
	char line[64];
	unsigned i;

	for (i = 0; i < NESTLAB_WL_NR; i++) {
		snprintf(line, sizeof(line), "workload=%s", names[i]);
		cr_assert(eq(int, l2_cmdline_parse(line, &cfg, err, sizeof(err)), 0));
		cr_assert(eq(u32, cfg.workload, i));
		cr_assert(eq(str, (char *)l2_workload_name(i), (char *)names[i]));
	}
	cr_assert(eq(ptr, (void *)l2_workload_name(NESTLAB_WL_NR), NULL));
}

Test(cmdline, keys_in_any_order_with_extra_spaces)
{
	cr_assert(eq(int, l2_cmdline_parse("  transport=backdoor   iterations=100000000 "
					   "workload=syscall-mix\n", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.workload, NESTLAB_WL_SYSCALL_MIX));
	cr_assert(eq(u64, cfg.iterations, 100000000));
	cr_assert(eq(u32, cfg.transport, NESTLAB_TRANSPORT_BACKDOOR));
	cr_assert(eq(str, (char *)l2_transport_name(cfg.transport), "backdoor"));
}

Test(cmdline, zero_iterations_allowed)
{
	cr_assert(eq(int, l2_cmdline_parse("iterations=0", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u64, cfg.iterations, 0));
}

Test(cmdline, unknown_workload_rejected)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=cpuidx", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "unknown workload: cpuidx"));
	cr_assert(eq(int, l2_cmdline_parse("workload=", &cfg, err, sizeof(err)), -1));
}

Test(cmdline, bad_numbers_rejected)
{
	static const char *const bad[] = {
		"iterations=", "iterations=12a", "iterations=-1", "iterations=100000001",
		"iterations=99999999999999999999999", "iterations=0x10", "iterations= 5",
	};
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(eq(int, l2_cmdline_parse(bad[i], &cfg, err, sizeof(err)), -1),
			  "accepted %s", bad[i]);
	l2_cmdline_parse("iterations=12a", &cfg, err, sizeof(err));
	cr_assert(eq(str, err, "iterations must be a decimal number 0..100000000, got: 12a"));
}

Test(cmdline, bad_transport_and_keys_rejected)
{
	cr_assert(eq(int, l2_cmdline_parse("transport=vmcall", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "transport must be vmmcall or backdoor, got: vmcall"));
	cr_assert(eq(int, l2_cmdline_parse("workload=null colour=red", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "unknown key: colour"));
	/* a bare word after the first is an error, not a second image name */
	cr_assert(eq(int, l2_cmdline_parse("img workload=null stray", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "expected key=value, got: stray"));
}

Test(cmdline, error_message_truncated_to_buffer)
{
	char small[8];

	cr_assert(eq(int, l2_cmdline_parse("workload=nonesuch", &cfg, small, sizeof(small)), -1));
	cr_assert(eq(str, small, "unknown"));
}

Test(cmdline, trace_modes)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=null", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.trace, L2_TRACE_OFF));
	cr_assert(eq(int, l2_cmdline_parse("workload=null trace=hc", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.trace, L2_TRACE_HC));
	cr_assert(eq(int, l2_cmdline_parse("trace=0x7700000:0x800000 workload=null", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(u32, cfg.trace, L2_TRACE_REGION));
	cr_assert(eq(u64, cfg.trace_pa, 0x7700000));
	cr_assert(eq(u64, cfg.trace_bytes, 0x800000));
	cr_assert(eq(int, l2_cmdline_parse("trace=on", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(int, l2_cmdline_parse("trace=0x1000:0x1000", &cfg, err, sizeof(err)), -1));
}

Test(cmdline, l1_kind)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=null", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.l1, L2_L1_NESTLAB));
	cr_assert(eq(int, l2_cmdline_parse("workload=null l1=kvm transport=backdoor", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(u32, cfg.l1, L2_L1_KVM));
	cr_assert(eq(int, l2_cmdline_parse("l1=nestlab", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.l1, L2_L1_NESTLAB));
	cr_assert(eq(int, l2_cmdline_parse("l1=qemu", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "l1 must be nestlab or kvm, got: qemu"));
}

Test(cmdline, l1_kvm_needs_level2_and_backdoor)
{
	cr_assert(eq(int, l2_cmdline_parse("l1=kvm transport=backdoor", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 2, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 1, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "l1=kvm, but CPUID 0x40000000 has no nestlab signature: "
		     "not running under nestlab's KVM VMM"));
	cr_assert(eq(int, l2_cmdline_parse("l1=kvm", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 2, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "l1=kvm needs transport=backdoor: KVM answers VMMCALL itself, "
		     "it never reaches the VMM"));
	/* l1=nestlab (the default) accepts any level and transport */
	cr_assert(eq(int, l2_cmdline_parse("transport=vmmcall", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 1, err, sizeof(err)), 0));
}

Test(cmdline, procs_and_timer_hz_defaults)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=multi", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.procs.n, 2));
	cr_assert(eq(u32, cfg.procs.prog[0], NESTLAB_WL_CPUID));
	cr_assert(eq(u32, cfg.procs.prog[1], NESTLAB_WL_GETPID));
	cr_assert(eq(u32, cfg.timer_hz, NESTLAB_TIMER_HZ_DEFAULT));
}

Test(cmdline, procs_and_timer_hz_parse)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=multi procs=pio,write,null timer_hz=100",
					   &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.procs.n, 3));
	cr_assert(eq(u32, cfg.procs.prog[2], NESTLAB_WL_NULL_));
	cr_assert(eq(u32, cfg.timer_hz, NESTLAB_TIMER_HZ_MIN));
	cr_assert(eq(int, l2_cmdline_parse("timer_hz=100000", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(u32, cfg.timer_hz, NESTLAB_TIMER_HZ_MAX));
}

Test(cmdline, bad_procs_and_timer_hz)
{
	cr_assert(eq(int, l2_cmdline_parse("procs=cpuid,frob", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "unknown program in procs=cpuid,frob"));
	cr_assert(eq(int, l2_cmdline_parse("procs=", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "empty program name in procs="));
	cr_assert(eq(int, l2_cmdline_parse("procs=pagefault", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(int, l2_cmdline_parse("timer_hz=99", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "timer_hz must be a decimal number 100..100000, got: 99"));
	cr_assert(eq(int, l2_cmdline_parse("timer_hz=100001", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(int, l2_cmdline_parse("timer_hz=0", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(int, l2_cmdline_parse("timer_hz=1k", &cfg, err, sizeof(err)), -1));
}

Test(cmdline, mbec)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.mbec, 0));
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid mbec=on", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.mbec, 1));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 2, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_cmdline_parse("mbec=on mbec=off", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.mbec, 0));
	cr_assert(eq(int, l2_cmdline_parse("mbec=yes", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "mbec must be on or off, got: yes"));
	cr_assert(eq(int, l2_cmdline_parse("mbec=", &cfg, err, sizeof(err)), -1));
	/* only nestlab's L1 at level 2 serves the MBEC hypercalls */
	cr_assert(eq(int, l2_cmdline_parse("mbec=on", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 1, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "mbec=on needs nestlab's L1 (level 2, l1=nestlab): only it "
		     "serves the MBEC hypercalls"));
	cr_assert(eq(int, l2_cmdline_parse("mbec=on l1=kvm transport=backdoor", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 2, err, sizeof(err)), -1));
}

Test(cmdline, retpoline)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.retpoline, 1));                  /* on by default */
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid retpoline=off", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.retpoline, 0));
	cr_assert(eq(int, l2_cmdline_parse("retpoline=off retpoline=on", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.retpoline, 1));
	cr_assert(eq(int, l2_cmdline_parse("retpoline=1", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "retpoline must be on or off, got: 1"));
}

/* trampoline=off|global|process (default off), trampoline_window=1..10^8 (256). */
Test(cmdline, trampoline)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.trampoline, 0));
	cr_assert(eq(u32, cfg.trampoline_window, 256));
	cr_assert(eq(int, l2_cmdline_parse("trampoline=global trampoline_window=1", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.trampoline, 1));
	cr_assert(eq(u32, cfg.trampoline_window, 1));
	cr_assert(eq(int, l2_cmdline_parse("trampoline=global trampoline=off "
					   "trampoline_window=100000000", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.trampoline, 0));
	cr_assert(eq(u32, cfg.trampoline_window, 100000000));
	cr_assert(eq(int, l2_cmdline_parse("trampoline=process", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.trampoline, NESTLAB_KTRAMP_PROCESS));
	cr_assert(eq(int, l2_cmdline_parse("trampoline=per-process", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "trampoline must be off, global or process, got: per-process"));
	cr_assert(eq(int, l2_cmdline_parse("trampoline_window=0", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "trampoline_window must be a decimal number 1..100000000, got: 0"));
	cr_assert(eq(int, l2_cmdline_parse("trampoline_window=100000001", &cfg, err,
					   sizeof(err)), -1));
	/* not with mbec=on: the page is outside the declared execute policy */
	cr_assert(eq(int, l2_cmdline_parse("trampoline=global mbec=on", &cfg, err, sizeof(err)),
		     0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 2, err, sizeof(err)), 0));  /* mbec.c declares its page */
	cr_assert(eq(int, l2_cmdline_parse("trampoline=global", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, l2_config_check_l1(&cfg, 1, err, sizeof(err)), 0));
}

/* batch=: off by default, kernel turns decoded-syscall batching on (l1 is
 * L1's, never the kernel's); batch_max= 1..NESTLAB_BATCH_MAX_LIMIT. */
Test(cmdline, batch)
{
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(int, cfg.batch, 0));
	cr_assert(eq(u32, cfg.batch_max, NESTLAB_BATCH_MAX_DEFAULT));
	cr_assert(eq(int, l2_cmdline_parse("workload=getpid batch=kernel batch_max=4", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.batch, 1));
	cr_assert(eq(u32, cfg.batch_max, 4));
	cr_assert(eq(int, l2_cmdline_parse("batch=kernel batch=off batch_max=64", &cfg, err,
					   sizeof(err)), 0));
	cr_assert(eq(int, cfg.batch, 0));
	cr_assert(eq(u32, cfg.batch_max, 64));
	cr_assert(eq(int, l2_cmdline_parse("batch=l1", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "batch must be off or kernel, got: l1"));
	cr_assert(eq(int, l2_cmdline_parse("batch_max=0", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "batch_max must be a decimal number 1..64, got: 0"));
	cr_assert(eq(int, l2_cmdline_parse("batch_max=65", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "batch_max must be a decimal number 1..64, got: 65"));
}
