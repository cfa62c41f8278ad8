/* MMIO emulation at a nested page fault (mmio_emul.h). */
#include "mmio_emul.h"
#include "mmio_insn.h"
#include "vcpu.h"
#include "guest_insn.h"
#include <nestlab/status.h>

unsigned mmio_emulate(struct vcpu *v, struct mmio_device *dev, uint64_t gpa)
{
	const struct x86dec_insn *insn;
	struct mmio_access a;
	uint64_t offset = gpa - dev->base, val = 0;
	int rc = guest_decode_at_rip(v, &insn);

	if (rc)
		return guest_insn_fail(v, rc, "MMIO access");
	if (mmio_insn_access(insn, &v->regs, &a))
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_INSN, true,
				 "L2 accessed %s MMIO at GPA %lx with an instruction L1 "
				 "does not emulate on MMIO (opcode %02x, map %u, at RIP %lx): "
				 "only MOV and MOVZX loads and stores", dev->name, gpa,
				 insn->opcode, insn->map, v->regs.rip);
	if (offset + a.size > dev->size)
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
				 "L2's %u-byte MMIO access at GPA %lx crosses the end of "
				 "%s's range [%lx, %lx) at RIP %lx", a.size, gpa, dev->name,
				 dev->base, dev->base + dev->size, v->regs.rip);
	if (a.write)
		rc = dev->write(v, dev->ctx, offset, a.size, a.value);
	else
		rc = dev->read(v, dev->ctx, offset, a.size, &val);
	if (rc)
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
				 "L2's %u-byte MMIO %s of %s at offset %lx (RIP %lx): %s",
				 a.size, a.write ? "write" : "read", dev->name, offset,
				 v->regs.rip, dev->strerror ? dev->strerror(rc) : "device error");
	if (!a.write)
		mmio_insn_complete_read(&a, &v->regs, val);
	vcpu_advance_rip(v, insn->length);
	return 0;
}
