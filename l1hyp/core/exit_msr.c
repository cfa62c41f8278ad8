/*
 * RDMSR/WRMSR exits: the access goes through the MSR table (msr_table.h);
 * a refused access gets #GP(0) with RIP on the instruction (APM vol.3
 * RDMSR/WRMSR: #GP(0) for an unimplemented MSR), a done one advances RIP.
 * EDX:EAX carry the value (RDMSR zero-extends both halves).
 */
#include "vcpu.h"
#include "exit_core.h"
#include "guest_insn.h"
#include "msr_table.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include <nestlab/status.h>

unsigned exit_msr(struct vcpu *v)
{
	uint64_t *g = v->regs.gpr;
	const struct exit_msr *m = &v->exit.msr;
	unsigned len;
	int rc = guest_insn_len(v, m->write ? GUEST_INSN_WRMSR : GUEST_INSN_RDMSR, &len);

	if (rc)
		return guest_insn_fail(v, rc, m->write ? "WRMSR" : "RDMSR");
	if (m->write) {
		uint64_t val = (g[X86_RDX] << 32) | (uint32_t)g[X86_RAX];

		rc = msr_table_write(v, m->index, val);
	} else {
		uint64_t val = 0;

		rc = msr_table_read(v, m->index, &val);
		if (!rc) {
			g[X86_RAX] = (uint32_t)val;
			g[X86_RDX] = val >> 32;
		}
	}
	if (rc) {
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	vcpu_advance_rip(v, len);
	return 0;
}
