/*
 * The exit oracle (see oracle.h). The model is the architecture (AMD APM
 * vol.3 for each instruction's results, vol.2 13.1.4 for the single-step
 * trap, 12.2 for I/O permission) plus what nestlab's L1 documents:
 * CPUID's hypervisor leaves and hidden SVM (docs/hypercall-abi.md,
 * docs/boot-flow.md), the MSR policy (docs/l1-design.md "One MSR policy":
 * FS/GS/KERNEL_GS base, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_*, PAT passed
 * through, TSC readable only, EFER emulated with SCE/LME/NXE settable,
 * everything else #GP), ports without a device read as all ones, the
 * hypercall ABI's status codes, #UD for the SVM instructions.
 */
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include "freestanding/x86.h"
#include "freestanding/x86_regs.h"
#include "freestanding/format.h"
#include "oracle.h"
#include "unit.h"
#include "desc.h"
#include "layout.h"

#define DR6_BS   (1ull << 14)
#define RF       (1ull << 16)
/* VIF and VIP: QEMU's IRET never loads them (it leaves whatever an
 * earlier block put there), and without CR4.VME/PVI they mean nothing. */
#define VIF_VIP  (3ull << 19)

const char *const check_names[CHECK_NR] = {
	"steplost", "ripadv", "regs", "result", "fault", "vector", "state",
};

const char *const insn_kind_names[IK_NR] = {
	"other", "cpuid", "rdmsr", "wrmsr", "in", "out", "ins", "outs",
	"vmmcall", "svm", "monitor", "hlt",
};

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

#define BIT(r) (1u << (r))

enum insn_kind insn_kind(const struct x86dec_insn *in)
{
	if (in->status != X86DEC_OK || in->encoding != X86DEC_ENC_LEGACY)
		return IK_OTHER;
	if (in->map == 0) {
		switch (in->opcode) {
		case 0xF4: return IK_HLT;
		case 0xE4: case 0xE5: case 0xEC: case 0xED: return IK_IN;
		case 0xE6: case 0xE7: case 0xEE: case 0xEF: return IK_OUT;
		case 0x6C: case 0x6D: return IK_INS;
		case 0x6E: case 0x6F: return IK_OUTS;
		}
		return IK_OTHER;
	}
	if (in->map != 1)
		return IK_OTHER;
	switch (in->opcode) {
	case 0xA2: return IK_CPUID;
	case 0x32: return IK_RDMSR;
	case 0x30: return IK_WRMSR;
	case 0x01:
		if (!in->has_modrm)
			return IK_OTHER;
		switch (in->modrm) {
		case 0xD9: return IK_VMMCALL;
		case 0xD8: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE:
		case 0xDF: return IK_SVM;
		case 0xC8: case 0xC9: return IK_MONITOR;
		}
	}
	return IK_OTHER;
}

static int msr_readable(uint32_t m)
{
	switch (m) {
	case MSR_FS_BASE: case MSR_GS_BASE: case MSR_KERNEL_GS_BASE: case MSR_STAR:
	case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK: case MSR_SYSENTER_CS:
	case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP: case MSR_PAT: case MSR_TSC:
	case MSR_EFER:
	case MSR_APIC_BASE:     /* L2's APIC, emulated (docs/platform.md) */
		return 1;
	}
	return 0;
}

/* L1's EFER write rule (docs/l1-design.md; msr_efer.c): SCE, LME, NXE
 * settable, LMA kept, anything else #GP, LME fixed while CR0.PG = 1. */
static int efer_write_ok(uint64_t v, uint64_t cur)
{
	if (v & ~(EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA))
		return 0;
	return !((v ^ cur) & EFER_LME);
}

static unsigned io_size(const struct x86dec_insn *in)
{
	if (!(in->opcode & 1))
		return 1;
	return in->opsize == 2 ? 2 : 4;
}

static int io_permitted(const struct trap_frame *f, unsigned port, unsigned size)
{
	unsigned cpl = f->cs & 3, iopl = (unsigned)(f->rflags >> 12) & 3;

	return cpl <= iopl || desc_io_allowed(port, size);
}

static int is_backdoor_call(const struct oracle *o)
{
	return o->kind == IK_IN && o->port == NESTLAB_HC_BACKDOOR_PORT && o->size == 4 &&
	       (uint32_t)o->gpr[X86_RAX] == NESTLAB_HC_MAGIC;
}

static void expect_fault(struct oracle *o, unsigned v0, unsigned v1)
{
	o->expect = EXP_FAULT;
	o->fault_vec[0] = v0;
	o->fault_vec[1] = v1;
}

static void dr_arm(uint64_t addr)
{
	__asm__ __volatile__("mov %0, %%dr0" : : "r"(addr));
	__asm__ __volatile__("mov %0, %%dr7" : : "r"(0x401ull));  /* L0, execute */
}

void oracle_disarm(void)
{
	if (unit.oracle.armed)
		__asm__ __volatile__("mov %0, %%dr7" : : "r"(0x400ull));
	unit.oracle.armed = 0;
}

void oracle_arm(const struct trap_frame *f, const struct x86dec_insn *in,
		uint64_t rip, unsigned mode32, uint64_t rflags_set)
{
	struct oracle *o = &unit.oracle;
	uint64_t origin = mode32 ? (uint32_t)f->rip : f->rip;
	unsigned i;

	*o = (struct oracle){
		.armed = 1, .kind = insn_kind(in), .rip = rip, .len = in->length,
		.mode32 = mode32, .cpl = (unsigned)f->cs & 3, .rflags = f->rflags | rflags_set,
		.expect = EXP_COMPLETE,
	};
	o->modrm = in->modrm;
	o->origin = origin;
	o->next = rip + in->length;
	if (mode32)
		o->next = (uint32_t)o->next;
	for (i = 0; i < 16; i++)
		o->gpr[i] = *frame_gpr((struct trap_frame *)f, i);

	switch (o->kind) {
	case IK_CPUID:
		o->may_change = BIT(X86_RAX) | BIT(X86_RBX) | BIT(X86_RCX) | BIT(X86_RDX);
		break;
	case IK_RDMSR:
		o->may_change = BIT(X86_RAX) | BIT(X86_RDX);
		if (o->cpl || !msr_readable((uint32_t)o->gpr[X86_RCX]))
			expect_fault(o, 13, 13);
		break;
	case IK_WRMSR: {
		uint32_t m = (uint32_t)o->gpr[X86_RCX];
		uint64_t v = (o->gpr[X86_RDX] << 32) | (uint32_t)o->gpr[X86_RAX];

		if (o->cpl || !msr_readable(m) || m == MSR_TSC ||
		    (m == MSR_EFER && !efer_write_ok(v, rdmsr(MSR_EFER))))
			expect_fault(o, 13, 13);
		else if (m != MSR_EFER)
			o->expect = EXP_EITHER;     /* the CPU (APIC_BASE: L1's APIC
						     * model) checks the value */
		break;
	}
	case IK_IN:
	case IK_OUT:
	case IK_INS:
	case IK_OUTS:
		o->size = io_size(in);
		o->port = (in->opcode & 0x08) || o->kind == IK_INS || o->kind == IK_OUTS ?
			  (unsigned)o->gpr[X86_RDX] & 0xFFFF : (unsigned)in->imm & 0xFF;
		if (o->kind == IK_IN)
			o->may_change = BIT(X86_RAX);
		if (o->kind == IK_INS || o->kind == IK_OUTS) {
			o->may_change = BIT(X86_RSI) | BIT(X86_RDI) | BIT(X86_RCX);
			o->expect = EXP_EITHER;
		}
		if (is_backdoor_call(o))
			o->may_change |= BIT(X86_RBX) | BIT(X86_RSI);
		if (!io_permitted(f, o->port, o->size))
			expect_fault(o, 13, 13);
		break;
	case IK_VMMCALL:
		o->may_change = BIT(X86_RAX) | BIT(X86_RBX) | BIT(X86_RSI);
		break;
	case IK_SVM:
	case IK_MONITOR:
		expect_fault(o, 6, o->cpl ? 13 : 6);
		break;
	case IK_HLT:
		expect_fault(o, 13, 13);
		break;
	case IK_OTHER:
	case IK_NR:
		break;
	}
	dr_arm(o->next);
}

/* "insn=NAME" plus the operand that selects its behaviour. */
static const char *what(const struct oracle *o)
{
	static char buf[48];

	switch (o->kind) {
	case IK_CPUID:
		format_snprintf(buf, sizeof(buf), "insn=cpuid leaf=%lx", o->gpr[X86_RAX] & 0xFFFFFFFF);
		break;
	case IK_RDMSR:
	case IK_WRMSR:
		format_snprintf(buf, sizeof(buf), "insn=%s msr=%lx%s", insn_kind_names[o->kind],
				o->gpr[X86_RCX] & 0xFFFFFFFF,
				o->gpr[X86_RCX] >> 32 ? " (rcx[63:32] set)" : "");
		break;
	case IK_IN: case IK_OUT: case IK_INS: case IK_OUTS:
		format_snprintf(buf, sizeof(buf), "insn=%s port=%x size=%u",
				insn_kind_names[o->kind], o->port, o->size);
		break;
	case IK_VMMCALL:
		format_snprintf(buf, sizeof(buf), "insn=vmmcall rcx=%lx", o->gpr[X86_RCX]);
		break;
	case IK_SVM:
	case IK_MONITOR:
		format_snprintf(buf, sizeof(buf), "insn=%s op=0f01%02x rax=%lx",
				insn_kind_names[o->kind], o->modrm, o->gpr[X86_RAX]);
		break;
	default:
		format_snprintf(buf, sizeof(buf), "insn=%s", insn_kind_names[o->kind]);
	}
	return buf;
}

static uint64_t off(uint64_t rip)
{
	return rip - BLOCK_CODE;
}

static void check_cpuid(const struct oracle *o, const struct trap_frame *f)
{
	uint32_t leaf = (uint32_t)o->gpr[X86_RAX];
	uint64_t a = f->rax, b = f->rbx, c = f->rcx, d = f->rdx;

	if ((a | b | c | d) >> 32)
		unit_finding(CHECK_RESULT, "insn=cpuid leaf=%x upper halves %lx %lx %lx %lx",
			     leaf, a, b, c, d);
	else if (leaf == NESTLAB_CPUID_LEAF_BASE &&
		 (b != NESTLAB_CPUID_SIG_EBX || c != NESTLAB_CPUID_SIG_ECX ||
		  d != NESTLAB_CPUID_SIG_EDX || a < NESTLAB_CPUID_LEAF_MAX))
		unit_finding(CHECK_RESULT, "insn=cpuid leaf=%x signature %lx %lx %lx %lx",
			     leaf, a, b, c, d);
	else if (leaf == NESTLAB_CPUID_LEAF_INFO && a != NESTLAB_HC_ABI_VERSION)
		unit_finding(CHECK_RESULT, "insn=cpuid leaf=%x version %lx", leaf, a);
	else if (leaf == 1 && !(c & (1u << 31)))
		unit_finding(CHECK_RESULT, "insn=cpuid leaf=1 hypervisor bit clear ecx=%lx", c);
	else if (leaf == 0x80000001 && (c & (1u << 2)))
		unit_finding(CHECK_RESULT, "insn=cpuid leaf=80000001 SVM visible ecx=%lx", c);
}

/* The ports L1's own device models answer (include/nestlab/platform.h;
 * COM1 is checked on its own): their values follow the models, not the
 * all-ones of a port without a device. True if any byte of the access
 * touches one. */
static int l1_device_port(unsigned port, unsigned size)
{
	static const struct { uint16_t base, count; } dev[] = {
		{ NESTLAB_PIC_MASTER_PORT, 2 }, { NESTLAB_PIC_SLAVE_PORT, 2 },
		{ NESTLAB_PIT_PORT, 4 }, { NESTLAB_PORT61, 1 }, { NESTLAB_FW_CFG_PORT, 2 },
	};

	for (unsigned i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (port < dev[i].base + dev[i].count && dev[i].base < port + size)
			return 1;
	return 0;
}

static void check_io(const struct oracle *o, const struct trap_frame *f)
{
	uint64_t mask = o->size == 1 ? 0xFF : o->size == 2 ? 0xFFFF : 0xFFFFFFFF;
	uint64_t pre = o->gpr[X86_RAX], rax = f->rax, want;

	if (o->kind != IK_IN)
		return;
	if (is_backdoor_call(o)) {
		if (rax > NESTLAB_HC_E_MAGIC)
			unit_finding(CHECK_RESULT, "insn=in port=5658 hypercall status %lx", rax);
		return;
	}
	if (o->size < 4 && ((rax ^ pre) & ~mask) && !o->mode32) {
		unit_finding(CHECK_RESULT, "insn=in port=%x size=%u rax %lx -> %lx (merge)",
			     o->port, o->size, pre, rax);
		return;
	}
	if (o->size == 4 && (rax >> 32) && !o->mode32) {
		unit_finding(CHECK_RESULT, "insn=in port=%x size=4 rax=%lx (zero-extend)",
			     o->port, rax);
		return;
	}
	if ((uint16_t)(o->port - NESTLAB_COM1_PORT) < 8) {
		if (o->port == NESTLAB_COM1_PORT + 5 && o->size == 1 && (rax & 0x60) != 0x60)
			unit_finding(CHECK_RESULT, "insn=in port=3fd LSR %lx", rax & 0xFF);
		return;
	}
	if (l1_device_port(o->port, o->size))
		return;     /* a device model's value: merge/zero-extend checked above */
	want = mask;
	if ((rax & mask) != want)
		unit_finding(CHECK_RESULT, "insn=in port=%x size=%u value %lx, want %lx (no device)",
			     o->port, o->size, rax & mask, want);
}

static void check_vmmcall(const struct oracle *o, const struct trap_frame *f)
{
	uint64_t rax = f->rax, cmd = o->gpr[X86_RCX], want = ~0ull;

	if (o->mode32)
		return;
	if (o->gpr[X86_RAX] != NESTLAB_HC_MAGIC)
		want = NESTLAB_HC_E_MAGIC;
	else if (cmd >= NESTLAB_HC_NR_CMDS)
		want = NESTLAB_HC_E_UNKNOWN;
	else if (o->cpl && !(NESTLAB_HC_CPL3_ALLOWED & (1u << cmd)))
		want = NESTLAB_HC_E_PERM;
	if (want != ~0ull ? rax != want : rax > NESTLAB_HC_E_MAGIC)
		unit_finding(CHECK_RESULT, "insn=vmmcall rax=%lx rcx=%lx status %lx, want %lx",
			     o->gpr[X86_RAX], cmd, rax, want);
}

static void check_results(const struct oracle *o, const struct trap_frame *f)
{
	uint64_t mask = o->mode32 ? 0xFFFFFFFFull : ~0ull;
	unsigned i;

	for (i = 0; i < 16; i++) {
		uint64_t now = *frame_gpr((struct trap_frame *)f, i);

		if (!(o->may_change & BIT(i)) && ((now ^ o->gpr[i]) & mask)) {
			unit_finding(CHECK_REGS, "%s %s %lx -> %lx",
				     what(o), gpr_names[i],
				     o->gpr[i], now);
			return;
		}
	}
	if ((f->rflags ^ o->rflags) & ~(RF | RFLAGS_TF | VIF_VIP)) {
		unit_finding(CHECK_REGS, "%s rflags %lx -> %lx",
			     what(o), o->rflags, f->rflags);
		return;
	}
	switch (o->kind) {
	case IK_CPUID:
		if (!o->mode32)
			check_cpuid(o, f);
		break;
	case IK_RDMSR:
		if (!o->mode32 && ((f->rax | f->rdx) >> 32))
			unit_finding(CHECK_RESULT, "insn=rdmsr msr=%lx upper halves %lx %lx",
				     o->gpr[X86_RCX] & 0xFFFFFFFF, f->rax, f->rdx);
		else if ((uint32_t)o->gpr[X86_RCX] == MSR_EFER && (f->rax & EFER_SVME))
			unit_finding(CHECK_RESULT, "insn=rdmsr msr=efer SVME visible %lx", f->rax);
		break;
	case IK_IN:
		check_io(o, f);
		break;
	case IK_VMMCALL:
		check_vmmcall(o, f);
		break;
	default:
		break;
	}
}

void oracle_check_db(const struct trap_frame *f, uint64_t dr6)
{
	struct oracle *o = &unit.oracle;
	uint64_t rip = o->mode32 ? (uint32_t)f->rip : f->rip;

	oracle_disarm();
	if (rip != o->next) {
		unit_finding(CHECK_RIPADV, "%s at=+%lx rip=+%lx want=+%lx",
			     what(o), off(o->rip), off(rip),
			     off(o->next));
		return;
	}
	if (o->expect == EXP_FAULT) {
		unit_finding(CHECK_FAULT, "%s completed, want vector %u",
			     what(o), o->fault_vec[0]);
		return;
	}
	if (!(dr6 & DR6_BS))
		unit_finding(CHECK_STEPLOST, "%s at=+%lx: no single-step trap",
			     what(o), off(o->rip));
	check_results(o, f);
}

void oracle_check_exc(const struct trap_frame *f)
{
	struct oracle *o = &unit.oracle;
	uint64_t rip = o->mode32 ? (uint32_t)f->rip : f->rip;
	unsigned v = (unsigned)f->vector;

	oracle_disarm();
	if (v >= 32)
		return;                             /* SYSCALL: not after our insn */
	if (rip == o->origin && o->origin != o->rip)
		return;     /* the MOV SS / STI in front of it faulted: it never ran */
	if (rip != o->rip) {
		unit_finding(CHECK_RIPADV, "%s at=+%lx vector %u at +%lx",
			     what(o), off(o->rip), v, off(rip));
		return;
	}
	if (o->expect == EXP_COMPLETE)
		unit_finding(CHECK_FAULT, "%s vector %u error %lx, want completion",
			     what(o), v, f->error);
	else if (o->expect == EXP_FAULT && v != o->fault_vec[0] && v != o->fault_vec[1])
		unit_finding(CHECK_FAULT, "%s vector %u, want %u",
			     what(o), v, o->fault_vec[0]);
	else if (v == 13 && f->error != 0)
		unit_finding(CHECK_FAULT, "%s #GP error %lx, want 0",
			     what(o), f->error);
}
