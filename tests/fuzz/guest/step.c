/*
 * Single-stepping a block (RFLAGS.TF, AMD APM vol.2 13.1.4): every
 * instruction of a block is followed by a #DB trap, and before the next
 * one runs step_precheck() decodes it (lib/x86dec) and decides:
 *  - refuse it, ending the block (END_AVOIDED), if it would end the run
 *    for a reason that is not a finding: HLT at CPL0 (L1 stops L2 as
 *    l2_halted), an OUT that reaches the debug-exit port, string I/O
 *    (l2_bad_insn) unless the block was built with the strio template, a
 *    hypercall with PHASE_BEGIN/END or EXIT (the run's phase table and end
 *    belong to the guest);
 *  - keep the watchdog alive: POPF, IRET and SYSRET would load a TF of the
 *    block's choosing, so the precheck sets TF in the value they load, or
 *    refuses them if that value is out of reach;
 *  - arm the exit oracle (oracle.h) before an instruction L1 intercepts.
 *    The instruction after an intercepted one may run without a trap of its
 *    own if L1 drops the single-step trap, and the one after MOV SS always
 *    does (13.1.4: MOV SS holds off the trap), so those are checked too:
 *    with the oracle's breakpoint the guest stops before them anyway;
 *    without it (the block wrote the debug registers) a lookahead refuses
 *    anything dangerous in the straight-line run that could follow.
 * A block ends after UNIT_MAX_STEPS steps (END_WATCHDOG) or when RIP
 * leaves the code page (END_ESCAPED). All of it is itself under test: L1
 * sees TF in L2's RFLAGS on every exit. The precheck also refuses the
 * instruction forms of the avoid= list (unit.h, enum quirk): those that
 * hit a known open defect below the guest, for the smoke slice.
 */
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include "freestanding/x86.h"
#include "freestanding/x86_regs.h"
#include "x86dec.h"
#include "unit.h"
#include "step.h"
#include "desc.h"
#include "vm.h"
#include "layout.h"

#define DR6_B0_3  0xFull
#define DR6_BD    (1ull << 13)
#define DR6_BS    (1ull << 14)
#define LOOKAHEAD 8
#define CR0_NW    (1ull << 29)
#define CR0_CD    (1ull << 30)

const char *const quirk_names[QUIRK_NR] = {
	"msrhi", "cr4bits", "ltrnull", "cr0bits", "cr3rsv", "svmrax", "lock", "rexpfx",
};
unsigned fuzz_phys_bits = 40;

/* The CR number of a MOV CRn, reg (REX.R selects CR8-CR15). */
static unsigned cr_number(const struct x86dec_insn *in)
{
	return ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1);
}

/* A REX prefix with a legacy prefix after it (the REX is then ignored,
 * APM vol.3 1.2.7; QEMU's TCG honours it). */
static int rex_then_prefix(const uint8_t *b, unsigned len)
{
	unsigned i;
	int rex = 0;

	for (i = 0; i < len; i++) {
		switch (b[i]) {
		case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
		case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
			if (rex)
				return 1;
			continue;
		}
		if ((b[i] & 0xF0) == 0x40) {
			rex = 1;
			continue;
		}
		return 0;
	}
	return 0;
}

/* The instruction a LOCK prefix makes invalid, decoded with the LOCK
 * prefixes (among its leading prefix bytes) left out. */
static enum insn_kind kind_without_lock(const uint8_t *b, unsigned len, int mode32)
{
	uint8_t buf[X86DEC_MAX_LEN];
	struct x86dec_insn in;
	unsigned i, n = 0;
	int prefixes = 1;

	for (i = 0; i < len && n < sizeof(buf); i++) {
		if (prefixes && b[i] == 0xF0)
			continue;
		if (!(b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xF2 || b[i] == 0xF3 ||
		      (b[i] & 0xF0) == 0x40 || b[i] == 0x26 || b[i] == 0x2E ||
		      b[i] == 0x36 || b[i] == 0x3E || b[i] == 0x64 || b[i] == 0x65))
			prefixes = 0;
		buf[n++] = b[i];
	}
	x86dec_decode_buf(&in, mode32 ? X86DEC_MODE_32 : X86DEC_MODE_64, buf, n);
	return in.status == X86DEC_OK ? insn_kind(&in) : IK_OTHER;
}

/* The avoid= forms (unit.h, docs/fuzz-l1.md "Known defects"); f is 0 in
 * a lookahead, where the registers are not known: then refuse. */
static enum unit_avoid quirk(const struct x86dec_insn *in, const struct trap_frame *f)
{
	uint64_t q = unit.quirks;
	unsigned reg = (in->modrm >> 3) & 7;
	unsigned rm = (in->modrm & 7) | ((in->rex & 1) << 3);

	if (!q || in->map != 1)
		return AV_NONE;
	if ((q & (1u << QUIRK_MSRHI)) && (in->opcode == 0x30 || in->opcode == 0x32) &&
	    (!f || (f->rcx >> 32)))
		return AV_QUIRK;
	if ((q & (1u << QUIRK_CR4BITS)) && in->opcode == 0x22 && cr_number(in) == 4) {
		/* All 64 bits, also in compatibility mode: QEMU writes them. */
		uint64_t v = f ? *frame_gpr((struct trap_frame *)f, rm) : ~0ull;

		if ((v & ~CR4_SAFE & ~CR4_PAE) || !(v & CR4_PAE))
			return AV_QUIRK;
	}
	if ((q & (1u << QUIRK_LTRNULL)) && in->opcode == 0x00 && reg == 3) {
		if ((in->modrm >> 6) != 3 || !f ||
		    !(*frame_gpr((struct trap_frame *)f, rm) & 0xFFFC))
			return AV_QUIRK;
	}
	if ((q & (1u << QUIRK_CR0BITS)) && in->opcode == 0x22 && cr_number(in) == 0) {
		uint64_t v = f ? *frame_gpr((struct trap_frame *)f, rm) : 0;

		if (!(v & CR0_PG) || ((v & CR0_NW) && !(v & CR0_CD)))
			return AV_QUIRK;
	}
	if ((q & (1u << QUIRK_SVMRAX)) && in->opcode == 0x01 &&
	    (in->modrm == 0xD8 || in->modrm == 0xDA || in->modrm == 0xDB) &&
	    (!f || (f->rax & 0xFFF) || (f->rax >> fuzz_phys_bits)))
		return AV_QUIRK;
	if ((q & (1u << QUIRK_CR3RSV)) && in->opcode == 0x22 && cr_number(in) == 3 &&
	    (!f || (*frame_gpr((struct trap_frame *)f, rm) >> fuzz_phys_bits)))
		return AV_QUIRK;
	return AV_NONE;
}

static int code_mode32(uint64_t cs, int *mode32)
{
	switch (cs & 0xFFFF) {
	case SEL_KCODE:
	case SEL_UCODE | 3:
		*mode32 = 0;
		return 0;
	case SEL_KCODE32:
	case SEL_UCODE32 | 3:
		*mode32 = 1;
		return 0;
	}
	return -1;
}

static unsigned code_left(uint64_t rip)
{
	uint64_t n = BLOCK_CODE + PAGE_SIZE - rip;

	return n < X86DEC_MAX_LEN ? (unsigned)n : X86DEC_MAX_LEN;
}

/* Decodes the instruction at rip if it lies in the code page: 0, or -1
 * when it does not (or runs off the page's end). */
static int decode_at(uint64_t rip, int mode32, struct x86dec_insn *in)
{
	const uint8_t *p;
	uint64_t avail;

	if (rip < BLOCK_CODE || rip >= BLOCK_CODE + PAGE_SIZE)
		return -1;
	p = vm_block_ptr(rip);
	avail = BLOCK_CODE + PAGE_SIZE - rip;
	x86dec_decode_buf(in, mode32 ? X86DEC_MODE_32 : X86DEC_MODE_64, p,
			  avail < X86DEC_MAX_LEN ? avail : X86DEC_MAX_LEN);
	return in->status == X86DEC_TRUNCATED ? -1 : 0;
}

static int port_hits_exit(unsigned port, unsigned size)
{
	return port <= NESTLAB_DEBUG_EXIT_PORT && NESTLAB_DEBUG_EXIT_PORT < port + size;
}

/* The hypercalls a block must not make (see the top of the file). */
static int hc_forbidden(uint64_t rax, uint64_t cmd, unsigned cpl)
{
	if (rax != NESTLAB_HC_MAGIC)
		return 0;
	return cmd == NESTLAB_HC_PHASE_BEGIN || cmd == NESTLAB_HC_PHASE_END ||
	       (cmd == NESTLAB_HC_EXIT && cpl == 0);
}

static int is_tf_loader(const struct x86dec_insn *in)
{
	if (in->map == 0)
		return in->opcode == 0x9D || in->opcode == 0xCF;   /* POPF, IRET */
	return in->map == 1 && in->opcode == 0x07;              /* SYSRET */
}

/* Instructions whose successor runs before a single-step trap comes:
 * MOV SS and POP SS hold it off architecturally (APM vol.2 13.1.4);
 * QEMU's TCG also delivers none after an STI that opens an interrupt
 * shadow. Neither changes a GPR (POP SS: RSP), so the successor is
 * checked with the registers known. */
static int is_mov_ss(const struct x86dec_insn *in, int mode32)
{
	if (in->map != 0)
		return 0;
	if (in->opcode == 0x8E && ((in->modrm >> 3) & 7) == 2)
		return 1;
	if (in->opcode == 0xFB)                                 /* STI */
		return 1;
	return mode32 && in->opcode == 0x17;                    /* POP SS */
}

/* f: the registers the instruction will see, or 0 when they are not known
 * (in a lookahead past an intercepted instruction). */
static enum unit_avoid danger(const struct x86dec_insn *in, const struct trap_frame *f,
			      unsigned cpl, unsigned iopl)
{
	enum insn_kind k = insn_kind(in);
	unsigned size = (in->opcode & 1) ? (in->opsize == 2 ? 2 : 4) : 1, port;
	int permitted;

	if (in->status != X86DEC_OK)
		return AV_NONE;
	if (quirk(in, f))
		return AV_QUIRK;
	switch (k) {
	case IK_HLT:
		return cpl == 0 ? AV_HLT : AV_NONE;
	case IK_OUT:
		if (!(in->opcode & 0x08))
			return port_hits_exit((unsigned)in->imm & 0xFF, size) ? AV_DEBUG_EXIT
									       : AV_NONE;
		if (!f)
			return AV_LOOKAHEAD;
		return port_hits_exit((unsigned)f->rdx & 0xFFFF, size) ? AV_DEBUG_EXIT : AV_NONE;
	case IK_INS:
	case IK_OUTS:
		if (!f)
			return AV_LOOKAHEAD;
		port = (unsigned)f->rdx & 0xFFFF;
		permitted = cpl <= iopl || desc_io_allowed(port, size);
		if (!permitted)
			return AV_NONE;             /* #GP before any exit */
		if (k == IK_OUTS && port_hits_exit(port, size))
			return AV_DEBUG_EXIT;
		return unit.allow_strio ? AV_NONE : AV_STRIO;
	case IK_IN:
		if (in->opcode != 0xED || size != 4)
			return AV_NONE;
		if (!f)
			return AV_LOOKAHEAD;
		if ((f->rdx & 0xFFFF) == NESTLAB_HC_BACKDOOR_PORT &&
		    hc_forbidden(f->rax, f->rcx, cpl))
			return AV_HC_CMD;
		return AV_NONE;
	case IK_VMMCALL:
		if (!f)
			return AV_LOOKAHEAD;
		return hc_forbidden(f->rax, f->rcx, cpl) ? AV_HC_CMD : AV_NONE;
	default:
		break;
	}
	if (is_tf_loader(in) && !f)
		return AV_LOOKAHEAD;
	return AV_NONE;
}

/* Sets TF in what POPF / IRET / SYSRET is about to load (APM vol.3). */
static int keep_tf(const struct x86dec_insn *in, struct trap_frame *f, int mode32)
{
	uint64_t rsp = mode32 ? (uint32_t)f->rsp : f->rsp, at;
	unsigned size;
	uint8_t *p;

	if (in->map == 1) {                         /* SYSRET: RFLAGS from R11 */
		f->r11 |= RFLAGS_TF;
		return 0;
	}
	if (in->rex & 0x08)
		size = 8;
	else if (in->pfx_opsize)
		size = 2;
	else
		size = (in->opcode == 0x9D && !mode32) ? 8 : 4;
	at = in->opcode == 0x9D ? rsp : rsp + 2 * size;   /* IRET: RIP, CS, RFLAGS */
	p = vm_block_ptr(at + 1);                   /* TF is bit 8: byte 1 */
	if (!p)
		return -1;
	*p |= 1;
	return 0;
}

static void note_insn(const struct x86dec_insn *in, const struct trap_frame *f)
{
	unsigned reg = (in->modrm >> 3) & 7;

	if (in->map == 0) {
		unsigned vec = 0x100;

		if (in->opcode == 0xCC)
			vec = 3;
		else if (in->opcode == 0xCD)
			vec = (unsigned)in->imm & 0xFF;
		else if (in->opcode == 0xCE)
			vec = 4;
		else if (in->opcode == 0xF1)
			vec = 1;
		else if (in->opcode == 0x8E && reg == 2)
			unit.flags |= U_DESC;
		if (vec < 32) {
			unit.flags |= U_SOFTINT;
			unit.softint |= 1u << vec;
		}
		if (insn_kind(in) == IK_OUT || insn_kind(in) == IK_OUTS) {
			unsigned port = (in->opcode & 0x08) || insn_kind(in) == IK_OUTS ?
					(unsigned)f->rdx & 0xFFFF : (unsigned)in->imm & 0xFF;

			if ((uint16_t)(port - NESTLAB_COM1_PORT) < 8)
				unit.flags |= U_TOUCHED_UART;
		}
		return;
	}
	if (in->map != 1)
		return;
	if (in->opcode == 0x23)                     /* MOV DRn, reg */
		unit.flags |= U_TOUCHED_DR;
	else if ((in->opcode == 0x01 && (reg == 2 || reg == 3) && (in->modrm >> 6) != 3) ||
		 (in->opcode == 0x00 && (reg == 2 || reg == 3)) ||
		 (in->opcode == 0x22 && reg == 3))
		unit.flags |= U_DESC;
	else if (in->opcode == 0x05) {              /* SYSCALL: make it reach us */
		wrmsr(MSR_STAR, cpu0.star);
		wrmsr(MSR_LSTAR, cpu0.lstar);
		wrmsr(MSR_CSTAR, cpu0.cstar);
		wrmsr(MSR_SFMASK, cpu0.sfmask);
	}
}

/* What an instruction that may run without a precheck of its own could
 * do that the end-of-block checks must allow for. */
static void note_unchecked(const struct x86dec_insn *in)
{
	unsigned reg = (in->modrm >> 3) & 7;

	if (in->map == 0 && (in->opcode == 0xCC || in->opcode == 0xCD ||
			     in->opcode == 0xCE || in->opcode == 0xF1)) {
		unit.flags |= U_SOFTINT;
		if (in->opcode == 0xCD)
			unit.softint |= (in->imm & 0xFF) < 32 ? 1u << (in->imm & 0xFF) : 0;
		else
			unit.softint |= in->opcode == 0xCC ? 1u << 3 :
					in->opcode == 0xCE ? 1u << 4 : 1u << 1;
	}
	if (insn_kind(in) == IK_OUT || insn_kind(in) == IK_OUTS)
		unit.flags |= U_TOUCHED_UART;
	if ((in->map == 0 && in->opcode == 0x8E && reg == 2) ||
	    (in->map == 1 && ((in->opcode == 0x01 && (reg == 2 || reg == 3)) ||
			      (in->opcode == 0x00 && (reg == 2 || reg == 3)) ||
			      (in->opcode == 0x22 && reg == 3))))
		unit.flags |= U_DESC;
	if (in->map == 1 && in->opcode == 0x23)
		unit.flags |= U_TOUCHED_DR;
}

static int avoid(enum unit_avoid why)
{
	unit.end = END_AVOIDED;
	unit.avoid = why;
	return -1;
}

/* The straight-line run after an intercepted instruction, when the oracle
 * cannot stop the guest before it. */
static int lookahead(uint64_t rip, int mode32, unsigned cpl, unsigned iopl)
{
	struct x86dec_insn in;
	unsigned i;

	for (i = 0; i < LOOKAHEAD; i++) {
		if (decode_at(rip, mode32, &in))
			return avoid(AV_LOOKAHEAD);
		if (danger(&in, 0, cpl, iopl))
			return avoid(AV_LOOKAHEAD);
		if (in.status == X86DEC_OK)
			note_unchecked(&in);
		if (in.status != X86DEC_OK ||
		    (!insn_exits(insn_kind(&in)) && !is_mov_ss(&in, mode32)))
			return 0;
		rip += in.length;
	}
	return avoid(AV_LOOKAHEAD);
}

int step_precheck(struct trap_frame *f)
{
	struct x86dec_insn in, in2;
	unsigned cpl = (unsigned)f->cs & 3, iopl = (unsigned)(f->rflags >> 12) & 3;
	int mode32;
	uint64_t rip;
	enum unit_avoid av;

	if (code_mode32(f->cs, &mode32))
		return avoid(AV_MODE);
	rip = mode32 ? (uint32_t)f->rip : f->rip;
	if (decode_at(rip, mode32, &in)) {
		unit.end = END_ESCAPED;
		return -1;
	}
	if (in.status != X86DEC_OK) {
		/* The CPU raises #UD or #GP, except that QEMU lets a LOCKed
		 * CPUID/RDMSR/... reach L1, which cannot decode it. */
		if ((unit.quirks & (1u << QUIRK_LOCK)) && in.status == X86DEC_INVALID &&
		    insn_exits(kind_without_lock(vm_block_ptr(rip), code_left(rip), mode32)))
			return avoid(AV_QUIRK);
		return 0;
	}
	if ((unit.quirks & (1u << QUIRK_REXPFX)) && insn_exits(insn_kind(&in)) &&
	    rex_then_prefix(vm_block_ptr(rip), in.length))
		return avoid(AV_QUIRK);
	av = danger(&in, f, cpl, iopl);
	if (av)
		return avoid(av);
	if (is_mov_ss(&in, mode32)) {
		uint64_t rip2 = rip + in.length;

		if (decode_at(rip2, mode32, &in2))
			return avoid(AV_LOOKAHEAD);
		if (in2.status == X86DEC_OK) {
			av = danger(&in2, f, cpl, iopl);
			if (av)
				return avoid(av);
			if (is_tf_loader(&in2) && keep_tf(&in2, f, mode32))
				return avoid(AV_TF);
			note_unchecked(&in2);
			if (insn_exits(insn_kind(&in2)) && in.opcode != 0x17 &&
			    !(unit.flags & U_TOUCHED_DR))
				oracle_arm(f, &in2, rip2, (unsigned)mode32,
					   in.opcode == 0xFB ? RFLAGS_IF : 0);
			else if (insn_exits(insn_kind(&in2)) && lookahead(rip2 + in2.length,
									  mode32, cpl, iopl))
				return -1;
		}
	} else if (insn_exits(insn_kind(&in))) {
		if (!(unit.flags & U_TOUCHED_DR))
			oracle_arm(f, &in, rip, (unsigned)mode32, 0);
		else if (lookahead(rip + in.length, mode32, cpl, iopl))
			return -1;
	}
	if (is_tf_loader(&in) && keep_tf(&in, f, mode32))
		return avoid(AV_TF);
	note_insn(&in, f);
	return 0;
}

static uint64_t dr6_take(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%dr6, %0" : "=r"(v));
	__asm__ __volatile__("mov %0, %%dr6" : : "r"(0xFFFF0FF0ull));
	return v;
}

int step_db(struct trap_frame *f)
{
	uint64_t dr6 = dr6_take();

	unit.end_dr6 = dr6;
	if (!(dr6 & (DR6_BS | DR6_B0_3 | DR6_BD)))
		return 0;                           /* INT1 / INT 1: ends the block */
	if (unit.oracle.armed)
		oracle_check_db(f, dr6);
	/* RF (past an instruction breakpoint) only for the block's own
	 * breakpoints: the oracle's never sits on the instruction resumed,
	 * and an RF left set would hide its next breakpoint if L1 does not
	 * clear RF when it completes an instruction for L2. */
	if ((dr6 & DR6_B0_3) && (unit.flags & U_TOUCHED_DR))
		f->rflags |= 1ull << 16;
	if (++unit.steps > UNIT_MAX_STEPS) {
		unit.end = END_WATCHDOG;
		return 0;
	}
	return step_precheck(f) ? 0 : 1;
}
