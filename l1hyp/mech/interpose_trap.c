/*
 * System-call interposition, variant trap: the classic design of VMI tools,
 * with no module and no hook. L2's EFER.SCE is hidden from the CPU
 * (msr_efer_hide: L2 reads and writes its own), so SYSCALL and SYSRET both
 * raise #UD (AMD APM vol.3 SYSCALL, SYSRET: "#UD if EFER.SCE = 0"), which
 * L1 intercepts. At a SYSCALL L1 performs the operation (interpose.c) and
 * emulates the instruction (core/syscall_insn.h, after the APM's
 * pseudo-code); at a SYSRET it emulates that: 2 exits per round trip. A
 * denied number is completed here: SYSCALL, RAX = -DENY_ERRNO, SYSRETQ,
 * exactly the state the module's denial leaves (1 exit). Any other #UD,
 * and SYSCALL/SYSRET with L2's own SCE clear, reach L2 as the CPU raised
 * them.
 */
#include "interpose.h"
#include <nestlab/status.h>
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/msr_efer.h"
#include "../core/syscall_insn.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"

static unsigned deliver(struct vcpu *v, const struct syscall_emul_result *f)
{
	vendor_inject_exception(v, (unsigned)f->vector, f->has_error, f->error, 0);
	return 0;
}

static unsigned trap_ud(struct vcpu *v)
{
	static const struct syscall_emul_result ud = { .vector = X86_EXC_UD };
	enum syscall_emul_insn insn;
	struct syscall_emul_result f;
	uint64_t nr = v->regs.gpr[X86_RAX];

	switch (syscall_insn_run(v, &insn, &f)) {
	case SYSCALL_INSN_DONE:
		interpose.exits++;
		if (insn == SYSCALL_EMUL_SYSCALL && interpose_syscall(v, nr)) {
			v->regs.gpr[X86_RAX] = (uint64_t)-(int64_t)NESTLAB_INTERPOSE_DENY_ERRNO;
			if (syscall_insn_sysret(v, &f) != SYSCALL_INSN_DONE)
				return deliver(v, &f);
		}
		return 0;
	case SYSCALL_INSN_FAULT:
		return deliver(v, &f);
	case SYSCALL_INSN_NONE:
		break;
	}
	return deliver(v, &ud);
}

int interpose_trap_init(struct vcpu *v)
{
	if (msr_efer_hide(v, EFER_SCE) || exit_claim(NESTLAB_EXIT_EXCP_UD, trap_ud, 0))
		return -1;
	vendor_set_exception_intercepts(v, 1u << X86_EXC_UD);
	return 0;
}
