/*
 * Unit tests of the launcher's --l1 kvm parts: the option's rules
 * (l0/cli.c), the QEMU arguments that boot the L1 Linux and the newc
 * archive that carries the L2 kernel into its initramfs (l0/kvm_l1.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_capture.h"
#include "kvm_l1.h"
#include "qemu_cmdline.h"

/* Parses a NULL-terminated argument list after "run". */
static enum cli_rc parse(struct run_config *cfg, const char *first, ...)
{
	char *argv[CLI_CAPTURE_ARGS_MAX];
	va_list ap;
	enum cli_rc rc;
	int argc;

	va_start(ap, first);
	argc = cli_capture_argv(argv, "run", first, ap);
	va_end(ap);
	cli_capture_begin();
	rc = cli_parse_run(argc, argv, cfg, cap_out, cap_err);
	cli_capture_end();
	return rc;
}

Test(kvm_l1, cli_defaults_and_forced_transport)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", NULL), CLI_RUN));
	cr_assert(eq(int, c.l1, L0_L1_NESTLAB));
	cr_assert(eq(str, (char *)l0_l1_name(c.l1), "nestlab"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", NULL), CLI_RUN));
	cr_assert(eq(int, c.l1, L0_L1_KVM));
	cr_assert(eq(int, c.transport, NESTLAB_TRANSPORT_BACKDOOR));
	cr_assert(not(c.transport_forced));     /* the default was never asked for */
	cr_assert(eq(u32, c.mem_mib, L0_MEM_DEFAULT_KVM_MIB));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1=kvm", "--transport",
				"vmmcall", NULL), CLI_RUN));
	cr_assert(eq(int, c.transport, NESTLAB_TRANSPORT_BACKDOOR));
	cr_assert(c.transport_forced);
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--transport",
				"backdoor", NULL), CLI_RUN));
	cr_assert(not(c.transport_forced));
}

Test(kvm_l1, cli_refusals)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "xen", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1 'xen': want nestlab or kvm"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--level", "1", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1 applies to --level 2 only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--npt-lazy", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--timeout", "10",
				NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "give at least 30"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--mem", "255",
				NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "at least 192 MiB"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--mem", "256",
				"--l2mem", "64", NULL), CLI_RUN));
}

Test(kvm_l1, qemu_boots_the_l1_linux)
{
	struct qemu_params p = {
		.qemu = "qemu-system-x86_64", .level = 2, .accel = L0_ACCEL_TCG, .icount = true,
		.mem_mib = 512, .l2mem_mib = 64, .workload = "hypercall", .iterations = 7,
		.transport = NESTLAB_TRANSPORT_BACKDOOR, .l1_image = "/b/kvm-l1/vmlinuz",
		.l2_image = "/b/guests/l2kernel.bin", .rundir = "/tmp/r", .l1 = L0_L1_KVM,
		.kvm_initrd = "/tmp/r/kvm-initrd.cpio", .kvm_append = "nestlab.count=vmm",
	};
	const char *const want[] = {
		"-accel", "tcg", "-cpu", "qemu64,+svm,+npt", "-icount", "shift=0,sleep=off",
		"-rtc", "base=2024-01-01T00:00:00,clock=vm", "-kernel", "/b/kvm-l1/vmlinuz", "-append",
		"console=ttyS0 quiet panic=-1 nestlab.l2mem=64 nestlab.l2=\"l2kernel.bin "
		"workload=hypercall iterations=7 transport=backdoor l1=kvm\" nestlab.count=vmm",
		"-initrd", "/tmp/r/kvm-initrd.cpio", "-serial", "file:/tmp/r/console.log",
		NULL,
	};
	struct qemu_argv a;
	char err[128];
	size_t i = 0, first;

	cr_assert(eq(int, qemu_cmdline_build(&p, &a, err, sizeof(err)), 0));
	while (i < a.argc && strcmp(a.argv[i], "-accel"))
		i++;
	first = i;
	for (size_t k = 0; want[k]; k++)
		cr_assert(eq(str, a.argv[first + k], (char *)want[k]), "argv[%zu]", first + k);
	qemu_argv_free(&a);
}

/* The fields of one newc header at h (cpio(5)). */
static unsigned long field(const char *h, int i)
{
	char f[9];

	memcpy(f, h + 6 + 8 * i, 8);
	f[8] = '\0';
	return strtoul(f, NULL, 16);
}

Test(kvm_l1, newc_archive_with_the_l2_kernel)
{
	char *buf = NULL;
	size_t len = 0, off = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *names[] = { "nestlab", KVM_L1_L2_PATH, "TRAILER!!!" };
	const unsigned long modes[] = { 0040755, 0100644, 0 }, sizes[] = { 0, 5, 0 };

	cr_assert(eq(int, kvm_l1_cpio_write(f, "hello", 5), 0));
	fclose(f);
	for (int e = 0; e < 3; e++) {
		unsigned long namesize = field(buf + off, 11), size = field(buf + off, 6);

		cr_assert(eq(int, memcmp(buf + off, "070701", 6), 0), "entry %d magic", e);
		cr_assert(eq(u64, field(buf + off, 1), modes[e]));
		cr_assert(eq(u64, size, sizes[e]));
		cr_assert(eq(u64, namesize, strlen(names[e]) + 1));
		cr_assert(eq(str, buf + off + 110, (char *)names[e]));
		off += (110 + namesize + 3) & ~3ul;
		if (e == 1)
			cr_assert(eq(int, memcmp(buf + off, "hello", 5), 0));
		off += (size + 3) & ~3ul;
	}
	cr_assert(eq(u64, off, len));
	cr_assert(eq(u64, len % 4, 0));
	free(buf);
}
