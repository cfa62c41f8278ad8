/*
 * Exit handlers for CPUID, VMMCALL, NPF, HLT, SHUTDOWN and the SVM
 * instructions L2 must not use. RIP advance without nRIP: the instruction at
 * RIP is fetched and checked against its opcode (guest_insn_len).
 */
#include "l1.h"
#include "exits.h"
#include "hypercall.h"
#include "../arch/x86/cpu.h"
#include "../arch/x86/console.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

#define VEC_UD 6

static const uint8_t op_cpuid[] = { 0x0F, 0xA2 };
static const uint8_t op_vmmcall[] = { 0x0F, 0x01, 0xD9 };

static int hc_copy(void *ctx, uint64_t gva, void *dst, size_t len)
{
	return guest_copy(gva, dst, len);
}

static void hc_console(void *ctx, const char *buf, size_t len)
{
	l2_console_write(&l1.l2con, buf, len);
}

static void hc_exit(void *ctx, unsigned status)
{
	l1.exit_requested = true;
	l1.exit_status = status;
}

/* The services hypercalls may use never change: set them up once, and on
 * each call fill in only the caller's CPL and the time. */
void hypercall_env_init(void)
{
	l1.hc_env = (struct hc_env){
		.features = l1.features, .stats = &l1.stats,
		.scratch = l1.hc_scratch, .copy_from_guest = hc_copy,
		.console_write = hc_console, .request_exit = hc_exit,
	};
}

unsigned hypercall_from_guest(uint64_t tsc)
{
	struct vmcb_save *s = &l1.vmcb->save;
	struct guest_gprs *g = &l1.gprs;
	struct hc_regs r = {
		.rax = s->rax, .rbx = g->rbx, .rcx = g->rcx,
		.rdx = g->rdx, .rsi = g->rsi, .rdi = g->rdi,
	};
	unsigned flags;

	l1.hc_env.cpl = s->cpl;
	l1.hc_env.tsc = tsc;
	flags = hc_dispatch(&r, &l1.hc_env);

	s->rax = r.rax;
	g->rbx = r.rbx;
	g->rsi = r.rsi;
	return flags;
}

/* CPUID as L2 sees it: the host's values, minus SVM/VMX/MONITOR, plus the
 * hypervisor bit and nestlab's leaves 0x40000000.. (platform.h). */
static void cpuid_for_l2(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if ((leaf & 0xFFFFFF00u) == NESTLAB_CPUID_LEAF_BASE) {
		*r = (struct cpuid_regs){ 0 };
		if (leaf == NESTLAB_CPUID_LEAF_BASE) {
			r->eax = NESTLAB_CPUID_LEAF_MAX;
			r->ebx = NESTLAB_CPUID_SIG_EBX;
			r->ecx = NESTLAB_CPUID_SIG_ECX;
			r->edx = NESTLAB_CPUID_SIG_EDX;
		} else if (leaf == NESTLAB_CPUID_LEAF_INFO) {
			r->eax = NESTLAB_HC_ABI_VERSION;
			r->ebx = l1.features;
		}
		return;
	}
	cpuid_count(leaf, sub, r);
	switch (leaf) {
	case 1:
		r->ecx &= ~((1u << 5) | (1u << 3));   /* VMX, MONITOR */
		r->ecx |= 1u << 31;                    /* hypervisor present */
		break;
	case 0x80000001u:
		r->ecx &= ~(1u << 2);                  /* SVM */
		break;
	case 0x8000000Au:
		*r = (struct cpuid_regs){ 0 };         /* no SVM features */
		break;
	}
}

unsigned exit_cpuid(uint64_t tsc)
{
	struct vmcb_save *s = &l1.vmcb->save;
	struct guest_gprs *g = &l1.gprs;
	unsigned len = guest_insn_len(op_cpuid, sizeof(op_cpuid));
	struct cpuid_regs r;

	if (!len)
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "CPUID exit but no CPUID instruction readable at L2 RIP %lx",
			   s->rip);
	cpuid_for_l2((uint32_t)s->rax, (uint32_t)g->rcx, &r);
	s->rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	guest_advance_rip(len);
	return 0;
}

unsigned exit_vmmcall(uint64_t tsc)
{
	unsigned len = guest_insn_len(op_vmmcall, sizeof(op_vmmcall));
	unsigned flags;

	if (!len) {
		svm_inject_exception(l1.vmcb, VEC_UD, false, 0);
		return 0;
	}
	flags = hypercall_from_guest(tsc);
	guest_advance_rip(len);
	return flags;
}

/* Nested page fault (APM 15.25.6): EXITINFO1 = error code, EXITINFO2 = GPA.
 * Reserved-bit faults may come without P set, so check RSVD first. */
unsigned exit_npf(uint64_t tsc)
{
	uint64_t err = l1.vmcb->control.exit_info1;
	uint64_t gpa = l1.vmcb->control.exit_info2;
	uint64_t page = gpa & ~0xFFFull;

	if (gpa < l1.l2_ram_size && l1.cfg.npt_lazy && !(err & SVM_NPF_RSVD) &&
	    !(err & SVM_NPF_P)) {
		int rc = npt_map(&l1.npt, page, l1.l2_ram_hpa + page, NPT_PAGE_4K,
				 NPT_RWX, 0);

		if (rc == 0)
			return 0;
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "lazy NPT: cannot map L2 GPA %lx (npt_map error %d)", gpa, rc);
	}
	l1_dump_guest();
	if (gpa >= l1.l2_ram_size)
		l1_end_run(NESTLAB_STATUS_L2_BAD_ACCESS,
			   "L2 accessed guest-physical address %lx outside its RAM "
			   "[0, %lx) at RIP %lx: NPF error code %lx (%s%s, %s)",
			   gpa, l1.l2_ram_size, l1.vmcb->save.rip, err,
			   (err & SVM_NPF_ID) ? "instruction fetch" :
			   (err & SVM_NPF_RW) ? "write" : "read",
			   (err & SVM_NPF_US) ? " at CPL3" : "",
			   (err & SVM_NPF_PT) ? "during L2's page-table walk" :
			   "final access");
	l1_end_run(NESTLAB_STATUS_L1_ERROR,
		   "unexpected NPF inside L2 RAM: GPA %lx, error code %lx, RIP %lx",
		   gpa, err, l1.vmcb->save.rip);
}

unsigned exit_hlt(uint64_t tsc)
{
	l1_dump_guest();
	l1_end_run(NESTLAB_STATUS_L2_HALTED,
		   "L2 executed HLT at RIP %lx; L1 injects no interrupts, so it "
		   "could never wake: stopping", l1.vmcb->save.rip);
}

unsigned exit_shutdown(uint64_t tsc)
{
	l1_printf("nestlab-l1: L2 SHUTDOWN (triple fault); last known state:\n");
	l1_dump_guest();
	l1_end_run(NESTLAB_STATUS_L2_SHUTDOWN,
		   "L2 triple fault (SHUTDOWN intercept) at RIP %lx, CR2 %lx, "
		   "EXITINTINFO %lx", l1.vmcb->save.rip, l1.vmcb->save.cr2,
		   l1.vmcb->control.exit_int_info);
}

/* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA, MONITOR, MWAIT: L2's
 * CPUID says there is no SVM (and no MONITOR), so these raise #UD. */
unsigned exit_svm_insn(uint64_t tsc)
{
	svm_inject_exception(l1.vmcb, VEC_UD, false, 0);
	return 0;
}
