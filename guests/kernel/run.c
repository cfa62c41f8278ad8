/*
 * Which level the kernel runs at, and how a run ends.
 *
 * Level detection: CPUID leaf 0x40000000 (the hypervisor range, platform.h)
 * returns nestlab's signature in EBX:ECX:EDX only under nestlab's L1. Any
 * other answer (TCG's, KVM's "KVMKVMKVM") means level 1.
 *
 * End of run. Level 2: NESTLAB_HC_EXIT(status); L1 writes the results. Level
 * 1: the kernel writes the results stream (results.h, producer "l2": the
 * completed phases with their TSC ticks, no exit lines, any error, the
 * status) on COM2, then writes the status to QEMU's isa-debug-exit port
 * (status.h), which ends QEMU with code (status << 1) | 1.
 */
#include <nestlab/hypercall_guest.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include <results/results_writer.h>
#include "kernel.h"
#include "batch.h"
#include "ktramp.h"
#include "arch.h"

static char run_error[128];

unsigned level_detect(void)
{
	struct cpuid_regs r;

	cpuid_count(NESTLAB_CPUID_LEAF_BASE, 0, &r);
	if (r.ebx == NESTLAB_CPUID_SIG_EBX && r.ecx == NESTLAB_CPUID_SIG_ECX &&
	    r.edx == NESTLAB_CPUID_SIG_EDX)
		return 2;
	return 1;
}

void run_set_error(const char *text)
{
	size_t i;

	for (i = 0; text[i] && i + 1 < sizeof(run_error); i++)
		run_error[i] = text[i];
	run_error[i] = '\0';
}

static void com2_putc(void *ctx, char c)
{
	unsigned spins = 100000;

	(void)ctx;
	while (!(inb(NESTLAB_RESULTS_PORT + 5) & 0x20) && --spins)
		;
	outb(NESTLAB_RESULTS_PORT, (uint8_t)c);
}

void run_finish(unsigned status)
{
	if (l2k.finishing++) {
		/* Failed while finishing: stop as plainly as possible. */
		if (l2k.level == 1)
			outb(NESTLAB_DEBUG_EXIT_PORT, (uint8_t)status);
		halt_forever();
	}
	batch_report();        /* batch=kernel: the per-phase counters */
	ktramp_report();       /* trampoline=global: its generation and counters */
	console_flush();
	if (l2k.level == 2) {
		struct nestlab_hc_ret r = nestlab_hc_call(l2k.transport, NESTLAB_HC_EXIT,
							  status, 0, 0);

		kprintf("nestlab-l2: NESTLAB_HC_EXIT returned status %lu\n", r.status);
		console_flush();
		halt_forever();
	} else {
		struct results_writer w = { com2_putc, NULL };

		results_begin(&w, "l2");
		phase_write_results(&w);
		if (run_error[0])
			results_error(&w, run_error);
		results_status(&w, status);
		results_end(&w);
		outb(NESTLAB_DEBUG_EXIT_PORT, (uint8_t)status);
		halt_forever();
	}
}
