/*
 * Unit tests of the VMM core (experiments/kvm-l1/vmm_core.c): the port I/O
 * devices (COM1, isa-debug-exit, unbacked ports), hypercall dispatch over
 * the backdoor with pointer arguments read through L2's page tables, and the
 * per-phase exit counts from scripted kvm_exit histogram snapshots, down to
 * the results stream.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include "../../lib/results/results_writer.h"
#include "vmm_core.h"

#define RAM (4u << 20)

static struct vmm_core core;
static unsigned char *ram;
static char con[4096];
static size_t con_len;

/* Scripted histogram snapshots, handed out in order. */
static struct kvmx_snapshot snaps[8];
static unsigned nsnaps, next_snap;
static int snap_fail;

static void con_putc(void *ctx, char ch)
{
	if (con_len + 1 < sizeof(con))
		con[con_len++] = ch;
	con[con_len] = '\0';
}

static int fake_snapshot(void *ctx, struct kvmx_snapshot *out, char *err, size_t errlen)
{
	if (snap_fail || next_snap >= nsnaps) {
		snprintf(err, errlen, "no snapshot");
		return -1;
	}
	*out = snaps[next_snap++];
	return 0;
}

static void setup(void)
{
	ram = calloc(1, RAM);
	con_len = 0;
	con[0] = '\0';
	nsnaps = next_snap = 0;
	snap_fail = 0;
	memset(snaps, 0, sizeof(snaps));
}

static void teardown(void)
{
	free(ram);
}

static void init_core(enum vmm_count_mode mode)
{
	const struct vmm_counter_ops ops = { fake_snapshot, NULL };

	vmm_core_init(&core, ram, RAM, 40, mode, &ops, con_putc, NULL);
}

TestSuite(vmm_core, .init = setup, .fini = teardown);

/* An OUT of one byte. */
static unsigned out8(uint16_t port, uint8_t v)
{
	struct vmm_regs r = { 0 };
	uint8_t d[4] = { v };

	return vmm_core_io(&core, port, 1, false, 1, d, &r, 0);
}

static uint32_t in_n(uint16_t port, unsigned size)
{
	struct vmm_regs r = { 0 };
	uint8_t d[4] = { 0 };
	uint32_t v = 0;

	vmm_core_io(&core, port, size, true, 1, d, &r, 0);
	memcpy(&v, d, size);
	return v;
}

/* A backdoor hypercall at cpl with paging state pg; returns the IN's EAX. */
static uint32_t hc(unsigned cpl, const struct guest_paging *pg, uint64_t cmd, uint64_t a0,
		   uint64_t a1, uint64_t tsc, struct vmm_regs *out, unsigned *bits)
{
	struct vmm_regs r = {
		.rax = NESTLAB_HC_MAGIC, .rcx = cmd, .rbx = a0, .rsi = a1,
		.rdx = NESTLAB_HC_BACKDOOR_PORT, .cpl = cpl,
	};
	uint8_t d[4] = { 0 };
	uint32_t v;
	unsigned b;

	if (pg)
		r.pg = *pg;
	else
		r.pg.cr0 = 0x11;   /* paging off */
	b = vmm_core_io(&core, NESTLAB_HC_BACKDOOR_PORT, 4, true, 1, d, &r, tsc);
	memcpy(&v, d, 4);
	if (out)
		*out = r;
	if (bits)
		*bits = b;
	return v;
}

Test(vmm_core, com1_lines_reach_the_console_prefixed)
{
	init_core(VMM_COUNT_VMM);
	out8(NESTLAB_COM1_PORT, 'h');
	out8(NESTLAB_COM1_PORT, 'i');
	out8(NESTLAB_COM1_PORT, '\n');
	out8(NESTLAB_COM1_PORT, 'x');
	cr_assert(eq(str, con, "L2: hi\nL2: x"));
	cr_assert(eq(u32, in_n(NESTLAB_COM1_PORT + 5, 1), 0x60));     /* LSR: THRE|TEMT */
	out8(NESTLAB_PIO_WORKLOAD_PORT, 0x5A);                        /* scratch */
	cr_assert(eq(u32, in_n(NESTLAB_PIO_WORKLOAD_PORT, 1), 0x5A));
	cr_assert(not(core.stop));
}

Test(vmm_core, unbacked_ports_read_all_ones)
{
	init_core(VMM_COUNT_VMM);
	cr_assert(eq(u32, in_n(0x80, 1), 0xFF));
	cr_assert(eq(u32, in_n(0x80, 2), 0xFFFF));
	cr_assert(eq(u32, in_n(0x1234, 4), 0xFFFFFFFFu));
	out8(0x21, 0xFF);                                             /* PIC mask: dropped */
	cr_assert(not(core.stop));
	/* the backdoor port without the magic is an ordinary port */
	cr_assert(eq(u32, in_n(NESTLAB_HC_BACKDOOR_PORT, 4), 0xFFFFFFFFu));
}

Test(vmm_core, debug_exit_ends_the_run)
{
	init_core(VMM_COUNT_VMM);
	out8(NESTLAB_DEBUG_EXIT_PORT, 3);
	cr_assert(core.stop);
	cr_assert(eq(u32, core.stop_status, 3));
	init_core(VMM_COUNT_VMM);
	out8(NESTLAB_DEBUG_EXIT_PORT, 200);
	cr_assert(eq(u32, core.stop_status, NESTLAB_STATUS_MAX));
}

Test(vmm_core, repeated_io_is_refused)
{
	struct vmm_regs r = { 0 };
	uint8_t d[16] = { 0 };

	init_core(VMM_COUNT_VMM);
	vmm_core_io(&core, NESTLAB_COM1_PORT, 1, false, 4, d, &r, 0);
	cr_assert(core.stop);
	cr_assert(eq(u32, core.stop_status, NESTLAB_STATUS_L2_BAD_INSN));
	cr_assert(eq(str, core.diag, "L2 used repeated string I/O (4 x 1 bytes) on port 0x3f8: "
		     "not supported by the VMM"));
}

Test(vmm_core, version_and_nop)
{
	struct vmm_regs r;
	unsigned bits;

	init_core(VMM_COUNT_VMM);
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_VERSION, 0, 0, 0, &r, &bits), NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, NESTLAB_HC_ABI_VERSION));
	cr_assert(eq(u64, r.rsi, NESTLAB_FEAT_BACKDOOR));
	cr_assert(eq(u32, bits, VMM_IO_REGS));
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_NOP, 0, 0, 0, &r, NULL), NESTLAB_HC_OK));
	cr_assert(eq(u32, hc(0, NULL, 99, 0, 0, 0, &r, NULL), NESTLAB_HC_E_UNKNOWN));
	/* EXIT is CPL0 only */
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_EXIT, 0, 0, 0, &r, NULL), NESTLAB_HC_E_PERM));
	cr_assert(not(core.stop));
	cr_assert(eq(u32, hc(0, NULL, NESTLAB_HC_EXIT, 4, 0, 0, &r, NULL), NESTLAB_HC_OK));
	cr_assert(core.stop);
	cr_assert(eq(u32, core.stop_status, 4));
}

/* Long-mode tables in RAM: VA [0, 2M) supervisor-only, [2M, 4M) user,
 * both identity-mapped with 2 MiB pages. */
static void long_mode_tables(struct guest_paging *pg)
{
	uint64_t *pml4 = (uint64_t *)(ram + 0x1000), *pdpt = (uint64_t *)(ram + 0x2000);
	uint64_t *pd = (uint64_t *)(ram + 0x3000);

	pml4[0] = 0x2000 | 7;              /* P, RW, US */
	pdpt[0] = 0x3000 | 7;
	pd[0] = 0x000000 | 0x83;           /* P, RW, PS: supervisor */
	pd[1] = 0x200000 | 0x87;           /* P, RW, US, PS */
	*pg = (struct guest_paging){
		.cr0 = 0x80010011, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500,
	};
}

Test(vmm_core, console_write_walks_l2_page_tables)
{
	struct guest_paging pg;
	struct vmm_regs r;

	init_core(VMM_COUNT_VMM);
	long_mode_tables(&pg);
	memcpy(ram + 0x10000, "kernel\n", 7);
	memcpy(ram + 0x200100, "user\n", 5);
	cr_assert(eq(u32, hc(0, &pg, NESTLAB_HC_CONSOLE_WRITE, 0x10000, 7, 0, &r, NULL),
		     NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 7));
	cr_assert(eq(u32, hc(3, &pg, NESTLAB_HC_CONSOLE_WRITE, 0x200100, 5, 0, &r, NULL),
		     NESTLAB_HC_OK));
	/* CPL3 may not pass a supervisor page, nor anything unmapped */
	cr_assert(eq(u32, hc(3, &pg, NESTLAB_HC_CONSOLE_WRITE, 0x10000, 7, 0, &r, NULL),
		     NESTLAB_HC_E_FAULT));
	cr_assert(eq(u32, hc(0, &pg, NESTLAB_HC_CONSOLE_WRITE, 0x40000000, 4, 0, &r, NULL),
		     NESTLAB_HC_E_FAULT));
	/* a buffer crossing into the user page from the supervisor one */
	cr_assert(eq(u32, hc(3, &pg, NESTLAB_HC_CONSOLE_WRITE, 0x1FFFFE, 4, 0, &r, NULL),
		     NESTLAB_HC_E_FAULT));
	cr_assert(eq(u32, hc(0, &pg, NESTLAB_HC_CONSOLE_WRITE, 0, 4097, 0, &r, NULL),
		     NESTLAB_HC_E_RANGE));
	cr_assert(eq(str, con, "L2: kernel\nL2: user\n"));
}

static void results_put(void *ctx, char ch)
{
	char *b = ctx;
	size_t n = strlen(b);

	b[n] = ch;
	b[n + 1] = '\0';
}

/* The cpuid workload as KVM's exits and the markers make it. */
Test(vmm_core, phase_counts_from_histogram_snapshots)
{
	static char out[4096];
	struct results_writer w = { results_put, out };
	struct vmm_regs r;
	unsigned bits;

	/* base, PHASE_BEGIN, PHASE_END, end of run */
	snaps[0].count[NESTLAB_EXIT_IOIO] = 5;
	snaps[0].count[NESTLAB_EXIT_NPF] = 40;
	snaps[1] = snaps[0];
	snaps[1].count[NESTLAB_EXIT_IOIO] = 7;       /* console + the begin marker */
	snaps[2] = snaps[1];
	snaps[2].count[NESTLAB_EXIT_CPUID] = 1000;
	snaps[2].count[NESTLAB_EXIT_IOIO] = 8;       /* + the end marker */
	snaps[3] = snaps[2];
	snaps[3].count[NESTLAB_EXIT_IOIO] = 9;       /* + HC_EXIT */
	nsnaps = 4;
	init_core(VMM_COUNT_HIST);
	cr_assert(eq(int, vmm_core_start(&core), 0));

	memcpy(ram + 0x5000, "cpuid", 5);
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_PHASE_BEGIN, 0x5000, 5, 100, &r, &bits),
		     NESTLAB_HC_OK));
	cr_assert(eq(u32, bits, VMM_IO_REGS | VMM_IO_MARKER));
	cr_assert(eq(u64, r.rbx, 0));
	vmm_core_account(&core, NESTLAB_EXIT_IOIO, 50, bits);
	vmm_core_before_entry(&core, 1000);          /* the phase starts here */
	cr_assert(eq(u64, core.stats.phase[0].tsc_begin, 1000));
	vmm_core_before_entry(&core, 2000);          /* only once */
	cr_assert(eq(u64, core.stats.phase[0].tsc_begin, 1000));

	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_PHASE_END, 0, 0, 5000, &r, &bits),
		     NESTLAB_HC_OK));
	vmm_core_account(&core, NESTLAB_EXIT_IOIO, 60, bits);
	cr_assert(eq(u32, hc(0, NULL, NESTLAB_HC_EXIT, 0, 0, 6000, &r, &bits), NESTLAB_HC_OK));
	vmm_core_account(&core, NESTLAB_EXIT_IOIO, 70, bits);
	cr_assert(core.stop);
	vmm_core_finish(&core, &w, 7000);
	cr_assert(eq(str, out,
		     "nestlab-results 1 producer=l1\n"
		     "phase 0 cpuid tsc=4000\n"
		     "exit 0 cpuid 1000 0\n"
		     "exit total cpuid 1000 0\n"
		     "exit total ioio 4 180\n"
		     "status 0\n"
		     "end\n"));
}

Test(vmm_core, counter_query_sees_the_open_phase)
{
	struct vmm_regs r;

	snaps[1].count[NESTLAB_EXIT_IOIO] = 1;                       /* begin */
	snaps[2] = snaps[1];
	snaps[2].count[NESTLAB_EXIT_CPUID] = 3;
	snaps[2].count[NESTLAB_EXIT_IOIO] = 2;                       /* + the query */
	nsnaps = 3;
	init_core(VMM_COUNT_HIST);
	cr_assert(eq(int, vmm_core_start(&core), 0));
	memcpy(ram + 0x5000, "p", 1);
	hc(3, NULL, NESTLAB_HC_PHASE_BEGIN, 0x5000, 1, 0, &r, NULL);
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_CPUID, 0, 0, &r,
			     NULL), NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 3));
	cr_assert(eq(u32, hc(3, NULL, NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_IOIO,
			     NESTLAB_HC_TOTALS, 0, &r, NULL), NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 1));   /* the begin marker; the query not yet */
}

Test(vmm_core, vmm_mode_counts_what_reaches_the_vmm)
{
	struct vmm_regs r;
	unsigned bits;

	init_core(VMM_COUNT_VMM);
	cr_assert(eq(int, vmm_core_start(&core), 0));
	memcpy(ram + 0x5000, "hypercall", 9);
	hc(3, NULL, NESTLAB_HC_PHASE_BEGIN, 0x5000, 9, 0, &r, &bits);
	vmm_core_account(&core, NESTLAB_EXIT_IOIO, 10, bits);
	for (int i = 0; i < 3; i++) {
		hc(3, NULL, NESTLAB_HC_NOP, 0, 0, 0, &r, &bits);
		vmm_core_account(&core, NESTLAB_EXIT_IOIO, 10, bits);
	}
	hc(3, NULL, NESTLAB_HC_PHASE_END, 0, 0, 0, &r, &bits);
	vmm_core_account(&core, NESTLAB_EXIT_IOIO, 10, bits);
	cr_assert(eq(u64, core.stats.phase[0].counts.count[NESTLAB_EXIT_IOIO], 3));
	cr_assert(eq(u64, core.stats.phase[0].counts.cycles[NESTLAB_EXIT_IOIO], 30));
	cr_assert(eq(u64, core.stats.total.count[NESTLAB_EXIT_IOIO], 5));
}

Test(vmm_core, a_failed_snapshot_ends_the_run)
{
	struct vmm_regs r;

	nsnaps = 1;
	init_core(VMM_COUNT_HIST);
	cr_assert(eq(int, vmm_core_start(&core), 0));
	memcpy(ram + 0x5000, "p", 1);
	hc(3, NULL, NESTLAB_HC_PHASE_BEGIN, 0x5000, 1, 0, &r, NULL);
	cr_assert(core.stop);
	cr_assert(eq(u32, core.stop_status, NESTLAB_STATUS_L1_ERROR));
	cr_assert(eq(str, core.diag, "exit counting (kvm_exit histogram): no snapshot"));
}
