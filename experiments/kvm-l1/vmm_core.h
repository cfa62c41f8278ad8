/*
 * The VMM's core, apart from KVM's ioctls: the devices L2 reaches by port
 * I/O (COM1 as a 16550, isa-debug-exit, the hypercall backdoor), the
 * nestlab hypercall ABI (include/nestlab/hypercall.h, served by L1's own
 * dispatcher l1hyp/core/hypercall.c), L2's memory as the hypercalls read it
 * (through L2's page tables: l1hyp/core/guest_mem.c, the walker nestlab's
 * L1 uses), the exit accounting per phase (l1hyp/core/exit_stats.c) and
 * the results stream (include/nestlab/results.h). vmm_main.c feeds it the
 * exits KVM_RUN returns and the registers KVM synchronises; tests feed it
 * made-up ones. No system calls here.
 *
 * Exit counts. Under KVM most exits never reach the VMM, so with
 * VMM_COUNT_HIST the counts come from snapshots of the kvm:kvm_exit
 * histogram (kvm_exits.h) taken at the markers: a phase's counts are the
 * snapshot at PHASE_END minus the one at PHASE_BEGIN, minus the PHASE_END
 * exit itself (the begin marker's exit is already in the first snapshot:
 * the tracepoint fires when KVM takes the exit, before user space sees
 * it). The phase's TSC runs from the moment the VMM re-enters L2 after
 * PHASE_BEGIN (after the snapshot) to the moment the PHASE_END exit reaches
 * the VMM (before the snapshot), so the snapshots cost nothing in the phase:
 * the rule of the L2 kernel's own level-1 markers. L1 cycles are the VMM's
 * user-space cycles (KVM_RUN returned -> next KVM_RUN) of the exits that
 * reach it; KVM's in-kernel time is not in them.
 */
#ifndef KVM_L1_VMM_CORE_H
#define KVM_L1_VMM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nestlab/hypercall.h>
#include "../../l1hyp/core/exit_stats.h"
#include "../../l1hyp/core/guest_mem.h"
#include "../../l1hyp/core/hypercall.h"
#include "../../l1hyp/core/l2_console.h"
#include "../../l1hyp/devices/uart_emul.h"
#include "kvm_exits.h"
#include "vmm_config.h"

struct results_writer;

/* Where the cumulative kvm_exit counts come from (NULL snapshot with
 * VMM_COUNT_VMM). Returns 0, or -1 with the reason in err. */
struct vmm_counter_ops {
	int (*snapshot)(void *ctx, struct kvmx_snapshot *out, char *err, size_t errlen);
	void *ctx;
};

/* L2's registers at an exit, as KVM synchronises them (kvm_run->s.regs). */
struct vmm_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi;
	unsigned cpl;                 /* SS.DPL: SVM's CPL (APM vol.2 15.5.1) */
	struct guest_paging pg;       /* CR0, CR3, CR4, EFER, RFLAGS */
};

/* vmm_core_io's result bits */
#define VMM_IO_MARKER    (1u << 0) /* a phase marker: not counted in a phase */
#define VMM_IO_REGS      (1u << 1) /* RAX/RBX/RSI changed: write them back */

struct vmm_core {
	struct exit_stats stats;
	enum vmm_count_mode count;
	struct vmm_counter_ops counter;
	struct kvmx_snapshot base;    /* at VM start */
	struct kvmx_snapshot begin;   /* at the open phase's PHASE_BEGIN */
	struct kvmx_snapshot last;    /* the latest snapshot (end of run) */
	int begin_pending;            /* phase whose TSC starts at the next entry, -1 */

	struct uart_emul com1;
	struct l2_console con;

	struct hc_env env;
	char scratch[NESTLAB_HC_CONSOLE_MAX];
	struct guest_mem gm;
	struct guest_walk_cache walk_cache;
	const struct vmm_regs *hc_regs; /* the hypercall being served */
	unsigned char *ram;

	bool stop;
	unsigned stop_status;
	char diag[512];
};

/*
 * Sets up the core: L2 RAM is ram[0..ram_size) at guest-physical 0,
 * maxphyaddr L2's (CPUID 0x80000008 EAX[7:0]), console_putc receives L2's
 * console (COM1 and CONSOLE_WRITE) already prefixed "L2: " per line.
 */
void vmm_core_init(struct vmm_core *c, unsigned char *ram, uint64_t ram_size,
		   unsigned maxphyaddr, enum vmm_count_mode count,
		   const struct vmm_counter_ops *counter,
		   void (*console_putc)(void *ctx, char ch), void *console_ctx);

/* The base snapshot, before L2 first runs. 0, or -1 (the core is stopped). */
int vmm_core_start(struct vmm_core *c);

/*
 * One port access by L2 (KVM_EXIT_IO): port, size (1, 2, 4), direction,
 * count (repetitions; only 1 is served), data (size bytes: the value of an
 * OUT, filled for an IN). regs: L2's registers (RAX/RBX/RSI rewritten for a
 * hypercall); tsc: when the exit reached the VMM. Returns VMM_IO_* bits.
 */
unsigned vmm_core_io(struct vmm_core *c, uint16_t port, unsigned size, bool in,
		     uint32_t count, uint8_t *data, struct vmm_regs *regs, uint64_t tsc);

/* Charges one exit that reached the VMM: reason (enum nestlab_exit_reason),
 * the VMM's cycles for it, whether it was a marker (vmm_core_io's bits). */
void vmm_core_account(struct vmm_core *c, unsigned reason, uint64_t cycles,
		      unsigned io_bits);

/* Just before each KVM_RUN: starts a phase that PHASE_BEGIN opened. */
static inline void vmm_core_before_entry(struct vmm_core *c, uint64_t tsc)
{
	if (c->begin_pending >= 0) {
		c->stats.phase[c->begin_pending].tsc_begin = tsc;
		c->begin_pending = -1;
	}
}

/* Ends the run with status (the first stop wins); fmt: a diagnosis or NULL. */
void vmm_core_stop(struct vmm_core *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The end of the run: final snapshot, totals, and the whole results stream
 * (producer "l1") on w. An open phase is closed at tsc. */
void vmm_core_finish(struct vmm_core *c, const struct results_writer *w, uint64_t tsc);

#endif
