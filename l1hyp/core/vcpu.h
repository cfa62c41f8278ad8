/*
 * struct vcpu: one L2 virtual CPU, the object every exit handler receives.
 * It holds what is per-vCPU and nothing per-machine (the frame allocator,
 * console, configuration and device models live in struct l1, l1.h):
 *   - the guest's GPRs in architectural (REX) order, addressable by index,
 *     with RIP and RFLAGS: exactly lib/x86dec's struct x86emu_regs, so the
 *     emulator runs on them without marshalling. vendor_vcpu_run loads them
 *     before the entry and stores them after the exit (RAX and RSP included,
 *     wherever the vendor keeps those);
 *   - the exit just taken (struct exit_info) and its TSC;
 *   - the vendor's control block, opaque (vcpu->vendor);
 *   - nested page table views, each with its own root and ASID, and the
 *     active one (views[0] is the identity view of L2 RAM);
 *   - guest-visible values of MSRs that L1 shadows (msr_table.h), and one
 *     state pointer per mechanism (mech/mech.h);
 *   - the L2 memory accessor with its walk cache, and the last decoded
 *     instruction (guest_insn.h);
 *   - when the interrupt controller must look at L2 again before entry;
 *   - a stop request: a handler that must end the run records the status
 *     and diagnosis here, and the vCPU loop ends the run;
 *   - deferred work: functions the loop runs after the exit was accounted
 *     and before the next entry, when no dispatch is in flight (vcpu_defer).
 */
#ifndef L1_VCPU_H
#define L1_VCPU_H

#include <stdint.h>
#include <stdbool.h>
#include "../../lib/x86dec/x86dec.h"
#include "../mm/npt.h"
#include "exit_info.h"
#include "guest_mem.h"
#include "../../lib/freestanding/x86_regs.h"

#define VCPU_MAX_VIEWS     5
#define VCPU_MSR_SHADOWS   8    /* shadowed MSR values (msr_table.h) */
#define VCPU_MECH_SLOTS    8    /* mechanisms with per-vCPU state */
#define VCPU_DIAG_LEN      400
#define VCPU_DEFER_MAX     4    /* functions deferred past one exit */

/* ASID 0 belongs to the host (APM vol.2 15.16; VPID 0 likewise, SDM vol.3
 * 28.1): guest views use ASIDs from 1 up. */
#define VCPU_ASID_FIRST    1u

struct vcpu_view {
	bool in_use;
	uint32_t asid;
	struct npt npt;
};

/* The last instruction decoded at an exit (guest_insn.c): reused when the
 * same 16 bytes are fetched in the same mode. */
struct vcpu_insn_cache {
	bool valid;
	uint8_t mode;
	uint8_t kind;                   /* enum guest_insn_kind it is, or GUEST_INSN_NR */
	uint64_t bytes[2];
	struct x86dec_insn insn;
};

struct vcpu {
	struct x86emu_regs regs;
	struct exit_info exit;
	uint64_t exit_tsc;              /* TSC right after the exit */
	void *vendor;                   /* VMCB wrapper (SVM) */
	unsigned id;

	struct vcpu_view views[VCPU_MAX_VIEWS];
	unsigned active_view;

	uint64_t msr_shadow[VCPU_MSR_SHADOWS];
	/* EFER bits L1 hides from the CPU and L2's own value of them
	 * (msr_efer.h) */
	uint64_t efer_hidden, efer_hidden_val;
	void *mech[VCPU_MECH_SLOTS];

	struct guest_mem gm;
	struct guest_walk_cache walk_cache;
	struct vcpu_insn_cache insn_cache;
	struct vcpu_insn_cache insn_cache_prev; /* the decode before it: two
						 * instructions taking turns
						 * (SYSCALL/SYSRET) both hit */
	struct guest_fault fetch_fault;         /* why the last fetch at RIP failed */
	uint64_t retry_rip;                     /* re-executions at the same RIP */
	unsigned retries;

	/* Interrupt delivery (devices/apic_deliver.c): the loop asks the
	 * interrupt controller to look again before the next entry when
	 * irq_recheck is set or the TSC at the exit reached irq_deadline
	 * (UINT64_MAX: no event due). */
	bool irq_recheck;
	uint64_t irq_deadline;

	/* The loop tests after_exit once per exit: either request. */
	union {
		struct {
			bool stop;      /* end the run after this exit */
			bool deferred;  /* run defer_fn[] after this exit */
		};
		uint16_t after_exit;
	};
	bool stop_dump;                 /* print the guest state first */
	unsigned nr_defer;
	void (*defer_fn[VCPU_DEFER_MAX])(struct vcpu *v);
	unsigned stop_status;           /* NESTLAB_STATUS_* */
	char stop_diag[VCPU_DIAG_LEN];  /* "" for none */
};

/* Ask the loop to end the run after this exit with status and an optional
 * printf-style diagnosis; dump: print L2's state first. Returns 0, so a
 * handler can `return vcpu_stop(...)`. */
unsigned vcpu_stop(struct vcpu *v, unsigned status, bool dump, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Run fn(v) once after this exit has been dispatched and accounted,
 * before the next entry (a function already pending runs once). 0, or -1
 * when VCPU_DEFER_MAX others are pending. */
int vcpu_defer(struct vcpu *v, void (*fn)(struct vcpu *v));
/* The loop: run the deferred functions in the order requested and clear
 * them (a function may defer again, for the next exit). */
void vcpu_run_deferred(struct vcpu *v);

/* Advance RIP past the intercepted instruction, len bytes (wrapping at 32
 * bits outside 64-bit mode, APM vol.2 2.5.4; the mode is the
 * instruction's, v->exit.long_mode), and complete it. */
/* The #DB an instruction raises when it completes with RFLAGS.TF set
 * (single step, APM vol.2 13.1.1.3; DR6.BS), for instructions L1 emulates:
 * without it L2 would see the trap one instruction late (vcpu_state.c). */
void vcpu_single_step_trap(struct vcpu *v);

/* The intercepted instruction completed: continue at next_rip. */
static inline void vcpu_complete(struct vcpu *v, uint64_t next_rip)
{
	v->regs.rip = next_rip;
	if (__builtin_expect(v->regs.rflags & RFLAGS_TF, 0))
		vcpu_single_step_trap(v);
}

static inline void vcpu_advance_rip(struct vcpu *v, unsigned len)
{
	uint64_t rip = v->regs.rip + len;

	vcpu_complete(v, v->exit.long_mode ? rip : (uint32_t)rip);
}

#endif
