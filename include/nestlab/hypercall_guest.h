/*
 * The guest side of the nestlab hypercall ABI (hypercall.h): inline-asm stubs
 * that load the ABI registers and execute the transport instruction. Usable
 * from the L2 kernel (CPL0) and from ring-3 programs (CPL3: the backdoor port
 * must be allowed in the TSS I/O permission bitmap, AMD APM vol.2 12.2.4).
 *
 *   in:  RAX = magic, RCX = cmd, RBX = arg0, RSI = arg1, RDI = arg2
 *        (backdoor: RDX = NESTLAB_HC_BACKDOOR_PORT)
 *   out: RAX = status, RBX = ret0, RSI = ret1
 *
 * The ABI promises that every other register is preserved; the stubs still
 * tell the compiler that RCX, RDI and RDX may change (costs nothing, and a faulty
 * L1 then cannot corrupt the caller). "memory" is clobbered because L1 reads
 * buffers the caller passes by pointer, and so the compiler keeps phase
 * markers in program order with the measured code.
 */
#ifndef NESTLAB_HYPERCALL_GUEST_H
#define NESTLAB_HYPERCALL_GUEST_H

#include <stdint.h>
#include <nestlab/hypercall.h>

#if defined(__x86_64__)

struct nestlab_hc_ret {
	uint64_t status; /* enum nestlab_hc_status, or all ones from a dead port */
	uint64_t ret0, ret1;
};

/*
 * The register binding of the ABI, once: RAX, RCX, RBX, RSI, RDI in and out,
 * RDX in (the backdoor's port; preserved by the other transports). `insn` is
 * the trapping instruction.
 */
#define NESTLAB_HC_TRAP(insn, rax, rdx, cmd, a0, a1, a2)                      \
	__asm__ __volatile__(insn                                               \
			     : "+a"(rax), "+c"(cmd), "+b"(a0), "+S"(a1),        \
			       "+D"(a2), "+d"(rdx)                               \
			     :                                                  \
			     : "memory")

#define NESTLAB_HC_STUB(name, insn, rdx_value)                                \
	static inline struct nestlab_hc_ret                                     \
	name(uint64_t rax, uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2) \
	{                                                                       \
		uint64_t rdx = (rdx_value);                                     \
                                                                                \
		NESTLAB_HC_TRAP(insn, rax, rdx, cmd, a0, a1, a2);               \
		return (struct nestlab_hc_ret){ rax, a0, a1 };                  \
	}

/* VMMCALL (AMD APM vol.3 "VMMCALL": #UD unless the hypervisor intercepts
 * it), with an explicit RAX: tests pass a wrong magic on purpose. */
NESTLAB_HC_STUB(nestlab_hc_vmmcall_raw, "vmmcall", 0)
/* VMCALL (Intel SDM vol.3 "VMCALL"), for the future VMX backend. */
NESTLAB_HC_STUB(nestlab_hc_vmcall_raw, "vmcall", 0)
/* Backdoor: "IN EAX, DX" on NESTLAB_HC_BACKDOOR_PORT (VMware style). The IN
 * writes only EAX; L1 sets all of RAX (zero-extended status), RBX and RSI.
 * Without an L1 the port is unbacked and EAX reads all ones. */
NESTLAB_HC_STUB(nestlab_hc_backdoor_raw, "inl %%dx, %%eax", NESTLAB_HC_BACKDOOR_PORT)

static inline struct nestlab_hc_ret
nestlab_hc_vmmcall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return nestlab_hc_vmmcall_raw(NESTLAB_HC_MAGIC, cmd, a0, a1, a2);
}

static inline struct nestlab_hc_ret
nestlab_hc_vmcall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return nestlab_hc_vmcall_raw(NESTLAB_HC_MAGIC, cmd, a0, a1, a2);
}

static inline struct nestlab_hc_ret
nestlab_hc_backdoor(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return nestlab_hc_backdoor_raw(NESTLAB_HC_MAGIC, cmd, a0, a1, a2);
}

/* One hypercall over the transport chosen at run time (enum nestlab_transport). */
static inline struct nestlab_hc_ret
nestlab_hc_call(unsigned transport, uint64_t cmd, uint64_t a0, uint64_t a1,
		uint64_t a2)
{
	if (transport == NESTLAB_TRANSPORT_BACKDOOR)
		return nestlab_hc_backdoor(cmd, a0, a1, a2);
	if (transport == NESTLAB_TRANSPORT_VMCALL)
		return nestlab_hc_vmcall(cmd, a0, a1, a2);
	return nestlab_hc_vmmcall(cmd, a0, a1, a2);
}

#endif /* __x86_64__ */

#endif
