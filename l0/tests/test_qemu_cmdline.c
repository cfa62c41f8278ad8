/*
 * Unit tests of the QEMU command line (l0/qemu_cmdline.c): the exact argv
 * for level 1 and 2, TCG (with and without icount) and KVM, eager and lazy
 * NPT, comma escaping of option values and of the multiboot module string.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include "qemu_cmdline.h"

static struct qemu_params base(int level)
{
	return (struct qemu_params){
		.qemu = "qemu-system-x86_64", .level = level, .accel = L0_ACCEL_TCG,
		.icount = true, .mem_mib = level == 2 ? 256 : 128, .l2mem_mib = 64,
		.npt_lazy = false, .workload = "cpuid", .iterations = 1000,
		.transport = NESTLAB_TRANSPORT_VMMCALL, .l1_image = "/b/l1hyp/l1hyp.bin",
		.l2_image = "/b/guests/l2kernel.bin", .rundir = "/tmp/r",
	};
}

static void expect(const struct qemu_params *p, const char *const *want)
{
	struct qemu_argv a;
	char err[256];
	size_t n = 0;

	cr_assert(eq(int, qemu_cmdline_build(p, &a, err, sizeof(err)), 0));
	while (want[n])
		n++;
	for (size_t i = 0; i < n && i < a.argc; i++)
		cr_assert(eq(str, a.argv[i], (char *)want[i]), "argv[%zu]", i);
	cr_assert(eq(u64, a.argc, n));
	cr_assert(eq(ptr, a.argv[a.argc], NULL));
	qemu_argv_free(&a);
}

#define COMMON(mem)                                                              \
	"qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",      \
	"-machine", "pc,memory-backend=nlram", "-object",                            \
	"memory-backend-file,id=nlram,size=" mem "M,mem-path=/tmp/r/guest-ram,share=on", \
	"-m", mem "M"
#define SERIALS                                                                  \
	"-serial", "file:/tmp/r/console.log", "-serial", "file:/tmp/r/results.txt",  \
	"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", NULL

Test(qemu_cmdline, level2_tcg_eager)
{
	struct qemu_params p = base(2);
	const char *const want[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append", "l2mem=64 npt=eager",
		"-initrd", "/b/guests/l2kernel.bin workload=cpuid iterations=1000 transport=vmmcall",
		SERIALS
	};
	expect(&p, want);
}

Test(qemu_cmdline, level2_tcg_lazy_backdoor_no_icount)
{
	struct qemu_params p = base(2);
	p.npt_lazy = true;
	p.icount = false;
	p.l2mem_mib = 32;
	p.transport = NESTLAB_TRANSPORT_BACKDOOR;
	p.workload = "pagefault";
	p.iterations = 7;
	const char *const want[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append", "l2mem=32 npt=lazy",
		"-initrd", "/b/guests/l2kernel.bin workload=pagefault iterations=7 transport=backdoor",
		SERIALS
	};
	expect(&p, want);
}

Test(qemu_cmdline, level2_kvm)
{
	struct qemu_params p = base(2);
	p.accel = L0_ACCEL_KVM;
	p.icount = true; /* icount is TCG-only: never passed with KVM */
	const char *const want[] = {
		COMMON("256"), "-accel", "kvm", "-cpu", "host,-arch-capabilities",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append", "l2mem=64 npt=eager",
		"-initrd", "/b/guests/l2kernel.bin workload=cpuid iterations=1000 transport=vmmcall",
		SERIALS
	};
	expect(&p, want);
}

Test(qemu_cmdline, level1_tcg)
{
	struct qemu_params p = base(1);
	p.l1_image = NULL;
	const char *const want[] = {
		COMMON("128"), "-accel", "tcg", "-cpu", "qemu64",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/guests/l2kernel.bin",
		"-append", "workload=cpuid iterations=1000 transport=vmmcall",
		SERIALS
	};
	expect(&p, want);
}

Test(qemu_cmdline, level1_kvm)
{
	struct qemu_params p = base(1);
	p.accel = L0_ACCEL_KVM;
	p.workload = "syscall-mix";
	const char *const want[] = {
		COMMON("128"), "-accel", "kvm", "-cpu", "host,-arch-capabilities",
		"-kernel", "/b/guests/l2kernel.bin",
		"-append", "workload=syscall-mix iterations=1000 transport=vmmcall",
		SERIALS
	};
	expect(&p, want);
}

Test(qemu_cmdline, commas_are_doubled_in_option_strings)
{
	struct qemu_params p = base(2);
	struct qemu_argv a;
	char err[256];

	p.rundir = "/tmp/a,b";
	p.l2_image = "/x,y/l2,k.bin";
	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), 0));
	cr_assert(eq(str, a.argv[8],
		     "memory-backend-file,id=nlram,size=256M,mem-path=/tmp/a,,b/guest-ram,share=on"));
	cr_assert(eq(str, a.argv[22],
		     "/x,,y/l2,,k.bin workload=cpuid iterations=1000 transport=vmmcall"));
	/* -serial file: takes the rest verbatim: no escaping there. */
	cr_assert(eq(str, a.argv[24], "file:/tmp/a,b/console.log"));
	cr_assert(eq(str, a.argv[26], "file:/tmp/a,b/results.txt"));
	qemu_argv_free(&a);
}

Test(qemu_cmdline, space_in_level2_module_path_is_refused)
{
	struct qemu_params p = base(2);
	struct qemu_argv a;
	char err[256];

	p.l2_image = "/my dir/l2kernel.bin";
	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), -1));
	cr_assert(not(eq(ptr, strstr(err, "/my dir/l2kernel.bin"), NULL)));
	cr_assert(eq(ptr, a.argv, NULL));
	/* At level 1 the image is -kernel, a plain path: spaces are fine. */
	p.level = 1;
	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), 0));
	qemu_argv_free(&a);
}

Test(qemu_cmdline, escape_and_join)
{
	char *s = qemu_opt_escape(",a,,b,");
	struct qemu_argv a;
	char err[256];
	struct qemu_params p = base(1);

	cr_assert(eq(str, s, ",,a,,,,b,,"));
	free(s);
	s = qemu_opt_escape("");
	cr_assert(eq(str, s, ""));
	free(s);

	p.qemu = "/opt/it's qemu";
	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), 0));
	s = qemu_cmdline_join(&a);
	const char *head = "'/opt/it'\\''s qemu' -nodefaults -display none -no-reboot ";
	cr_assert(eq(int, strncmp(s, head, strlen(head)), 0), "%s", s);
	cr_assert(not(eq(ptr, strstr(s, " -append 'workload=cpuid iterations=1000 transport=vmmcall' "),
			 NULL)));
	free(s);
	qemu_argv_free(&a);
}

Test(qemu_cmdline, trace_level2_region_for_l1_hc_for_l2)
{
	struct qemu_params p = base(2);
	const char *const want[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append",
		"l2mem=64 npt=eager trace=0xf700000:0x800000",
		"-initrd", "/b/guests/l2kernel.bin workload=cpuid iterations=1000 transport=vmmcall "
		"trace=hc",
		SERIALS
	};

	p.trace_arg = "trace=0xf700000:0x800000";
	expect(&p, want);
}

Test(qemu_cmdline, trace_level1_region_for_l2)
{
	struct qemu_params p = base(1);
	const char *const want[] = {
		COMMON("128"), "-accel", "tcg", "-cpu", "qemu64", "-icount", "shift=0,sleep=off",
		"-kernel", "/b/guests/l2kernel.bin", "-append",
		"workload=cpuid iterations=1000 transport=vmmcall trace=0x7700000:0x800000",
		SERIALS
	};

	p.trace_arg = "trace=0x7700000:0x800000";
	expect(&p, want);
}

Test(qemu_cmdline, l2_args_follow_the_transport)
{
	struct qemu_params p = base(2);
	const char *const want2[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append", "l2mem=64 npt=eager",
		"-initrd", "/b/guests/l2kernel.bin workload=multi iterations=1000 transport=vmmcall"
			   " procs=cpuid,,pio",
		SERIALS
	};
	const char *const want1[] = {
		COMMON("128"), "-accel", "tcg", "-cpu", "qemu64", "-icount", "shift=0,sleep=off",
		"-kernel", "/b/guests/l2kernel.bin", "-append",
		"workload=timer iterations=1000 transport=vmmcall timer_hz=500",
		SERIALS
	};

	p.workload = "multi";
	p.l2_args = " procs=cpuid,pio";
	expect(&p, want2);
	p = base(1);
	p.workload = "timer";
	p.l2_args = " timer_hz=500";
	expect(&p, want1);
}

/* --l1-option words follow L1's own keys (after the trace region). */
Test(qemu_cmdline, l1_options_on_l1_command_line)
{
	struct qemu_params p = base(2);
	const char *const want[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append",
		"l2mem=64 npt=eager trace=0xf700000:0x800000 lapic=full x=1",
		"-initrd", "/b/guests/l2kernel.bin workload=cpuid iterations=1000 transport=vmmcall "
		"trace=hc",
		SERIALS
	};

	p.trace_arg = "trace=0xf700000:0x800000";
	p.l1_args = " lapic=full x=1";
	expect(&p, want);
}

/* --l2-module: L1's second module at level 2, -initrd at level 1; commas
 * doubled in each module string, one comma between the two. */
Test(qemu_cmdline, l2_module_level2_is_l1s_second_module)
{
	struct qemu_params p = base(2);
	const char *const want[] = {
		COMMON("256"), "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/l1hyp/l1hyp.bin", "-append", "l2mem=64 npt=eager",
		"-initrd", "/b/guests/l2kernel.bin workload=cpuid iterations=1000 transport=vmmcall,"
			   "/m/a,,b.ko",
		SERIALS
	};

	p.l2_module = "/m/a,b.ko";
	expect(&p, want);
}

Test(qemu_cmdline, l2_module_level1_is_initrd)
{
	struct qemu_params p = base(1);
	const char *const want[] = {
		COMMON("128"), "-accel", "tcg", "-cpu", "qemu64",
		"-icount", "shift=0,sleep=off",
		"-kernel", "/b/guests/l2kernel.bin",
		"-append", "workload=cpuid iterations=1000 transport=vmmcall",
		"-initrd", "/b/guests/modules/hello.ko",
		SERIALS
	};

	p.l2_module = "/b/guests/modules/hello.ko";
	expect(&p, want);
}

Test(qemu_cmdline, space_in_l2_module_path_is_refused)
{
	struct qemu_params p = base(1);
	struct qemu_argv a;
	char err[256];

	p.l2_module = "/my dir/hello.ko";
	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), -1));
	cr_assert(not(eq(ptr, strstr(err, "/my dir/hello.ko"), NULL)), "%s", err);
	cr_assert(eq(ptr, a.argv, NULL));
}
