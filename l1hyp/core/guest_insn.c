/*
 * Fetch, decode and check the instruction at L2's RIP (guest_insn.h).
 * The fetch reads the 16 bytes at the linear address of CS:RIP: linear =
 * RIP in 64-bit mode, CS.base + EIP truncated to 32 bits otherwise (APM
 * vol.2 4.5.1, 2.5.4), with the rights of an instruction fetch at L2's CPL.
 * When those 16 bytes lie in one page (the usual case), that is one
 * translation and one read; across a page end, the part on the next page
 * is fetched separately and may be missing (then only an instruction that
 * ends on the first page decodes). The bytes are read once into L1's
 * buffer and only that copy is examined.
 */
#include "guest_insn.h"
#include "vcpu.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include <nestlab/status.h>

#define FETCH_LEN 16
#define PAGE_SIZE 0x1000u

/* What each kind looks like decoded: opcode map, opcode, and for the 0F 01
 * group the full ModRM byte (AMD APM vol.3 appendix A, table A-7). */
static const struct {
	uint8_t map, opcode, modrm;
	uint8_t need_modrm;
} insn_forms[GUEST_INSN_NR] = {
	[GUEST_INSN_CPUID]   = { 1, 0xA2, 0, 0 },
	[GUEST_INSN_VMMCALL] = { 1, 0x01, 0xD9, 1 },
	[GUEST_INSN_RDMSR]   = { 1, 0x32, 0, 0 },
	[GUEST_INSN_WRMSR]   = { 1, 0x30, 0, 0 },
	[GUEST_INSN_HLT]     = { 0, 0xF4, 0, 0 },
};

int guest_insn_is(const struct x86dec_insn *insn, enum guest_insn_kind kind)
{
	if ((unsigned)kind >= GUEST_INSN_NR || insn->status != X86DEC_OK ||
	    insn->encoding != X86DEC_ENC_LEGACY)
		return 0;
	return insn->map == insn_forms[kind].map &&
	       insn->opcode == insn_forms[kind].opcode &&
	       (!insn_forms[kind].need_modrm ||
		(insn->has_modrm && insn->modrm == insn_forms[kind].modrm));
}

static uint8_t kind_of(const struct x86dec_insn *insn)
{
	for (unsigned k = 0; k < GUEST_INSN_NR; k++)
		if (guest_insn_is(insn, k))
			return (uint8_t)k;
	return GUEST_INSN_NR;
}

/* Linear address of CS:RIP and the decoder mode, or GUEST_INSN_E_MODE. */
static int fetch_address(const struct vcpu *v, uint64_t *linear, uint8_t *mode)
{
	struct vcpu_segment cs;

	if (v->exit.long_mode) {
		*linear = v->regs.rip;
		*mode = X86DEC_MODE_64;
		return 0;
	}
	vendor_segment(v, VCPU_SEG_CS, &cs);
	if (!cs.big)
		return GUEST_INSN_E_MODE;
	*linear = (uint32_t)(cs.base + v->regs.rip);
	*mode = X86DEC_MODE_32;
	return 0;
}

/* The fetch when the 16 bytes cross into the next page: the instruction
 * may end on the first one, so a missing second page is not yet a fault
 * (the decode tells: a truncated instruction faults on the second page). */
static __attribute__((noinline)) unsigned fetch_across(struct vcpu *v,
						       const struct guest_paging *pg,
						       uint64_t linear, unsigned first,
						       unsigned acc, uint8_t *buf)
{
	if (guest_copy_from_virt_ex(&v->gm, pg, linear, buf, first, acc, 0,
				    &v->fetch_fault))
		return 0;
	if (guest_copy_from_virt_ex(&v->gm, pg, linear + first, buf + first,
				    FETCH_LEN - first, acc, 0, &v->fetch_fault))
		return first;
	return FETCH_LEN;
}

/* Read the FETCH_LEN bytes at linear into buf; returns how many could be
 * read (0 if not even the first byte), v->fetch_fault says why not. */
static unsigned fetch_bytes(struct vcpu *v, uint64_t linear, uint8_t *buf)
{
	struct guest_paging pg;
	unsigned acc = GUEST_ACC_EXEC | (v->exit.cpl == 3 ? GUEST_ACC_USER : 0);
	unsigned first = PAGE_SIZE - (unsigned)(linear & (PAGE_SIZE - 1));
	uint64_t gpa;

	vendor_paging(v, &pg);
	if (first < FETCH_LEN)
		return fetch_across(v, &pg, linear, first, acc, buf);
	/* One page: one translation, one read. */
	if (guest_translate_ex(&v->gm, &pg, linear, acc, &gpa, &v->fetch_fault))
		return 0;
	if (v->gm.read_phys(v->gm.ctx, gpa, buf, FETCH_LEN)) {
		v->fetch_fault = (struct guest_fault){ .vector = GUEST_FAULT_NONE,
						       .addr = linear,
						       .reason = GUEST_MEM_E_READ };
		return 0;
	}
	return FETCH_LEN;
}

/* A decode-cache miss: decode, classify and remember (full fetches only). */
static __attribute__((noinline)) int decode_miss(struct vcpu *v, uint8_t mode,
						 const uint64_t *q, unsigned n)
{
	struct vcpu_insn_cache *c = &v->insn_cache;

	if (c->valid)
		v->insn_cache_prev = *c;
	c->valid = false;
	x86dec_decode_buf(&c->insn, mode, (const uint8_t *)q, n);
	if (c->insn.status == X86DEC_TRUNCATED)
		return GUEST_INSN_E_FETCH;      /* ends on a page L2 cannot read */
	if (c->insn.status == X86DEC_INVALID)
		return GUEST_INSN_E_INVALID;
	if (c->insn.status == X86DEC_TOO_LONG)
		return GUEST_INSN_E_TOO_LONG;
	if (c->insn.status != X86DEC_OK)
		return GUEST_INSN_E_DECODE;
	c->kind = kind_of(&c->insn);
	c->mode = mode;
	c->bytes[0] = q[0];
	c->bytes[1] = q[1];
	c->valid = n == FETCH_LEN;
	return 0;
}

static bool cache_hit(const struct vcpu_insn_cache *c, uint8_t mode, const uint64_t *q)
{
	return c->valid && c->mode == mode && c->bytes[0] == q[0] && c->bytes[1] == q[1];
}

/* The decode is a function of the mode and the bytes alone. Bytes that
 * could not be fetched are zero in buf; a short fetch never fills the
 * cache, and a hit needs a full one. The last decode is v->insn_cache; a
 * hit on the one before swaps the two, so v->insn_cache is always the
 * instruction at RIP. */
static int decode(struct vcpu *v)
{
	const struct vcpu_insn_cache *c = &v->insn_cache;
	union { uint8_t b[FETCH_LEN]; uint64_t q[2]; } buf = { .q = { 0, 0 } };
	uint64_t linear;
	uint8_t mode;
	unsigned n;
	int rc;

	rc = fetch_address(v, &linear, &mode);
	if (rc)
		return rc;
	n = fetch_bytes(v, linear, buf.b);
	if (!n)
		return GUEST_INSN_E_FETCH;
	if (n == FETCH_LEN && cache_hit(c, mode, buf.q))
		return 0;
	if (n == FETCH_LEN && cache_hit(&v->insn_cache_prev, mode, buf.q)) {
		struct vcpu_insn_cache t = v->insn_cache;

		v->insn_cache = v->insn_cache_prev;
		v->insn_cache_prev = t;
		return 0;
	}
	return decode_miss(v, mode, buf.q, n);
}

int guest_decode_at_rip(struct vcpu *v, const struct x86dec_insn **out)
{
	int rc = decode(v);

	*out = rc ? 0 : &v->insn_cache.insn;
	return rc;
}

/* The general case: any mode, page crossings, decode-cache misses. */
static __attribute__((noinline)) int insn_len_decode(struct vcpu *v,
						     enum guest_insn_kind kind,
						     unsigned *len)
{
	int rc = decode(v);

	if (rc)
		return rc;
	if (v->insn_cache.kind != kind)
		return GUEST_INSN_E_MISMATCH;
	*len = v->insn_cache.insn.length;
	v->retries = 0;
	return 0;
}

/* The exit path's common case in a straight line: 64-bit code, the 16
 * bytes at RIP in one page, the same bytes as the last decode. Anything
 * else takes the general path, which gives the same answer. */
int guest_insn_len(struct vcpu *v, enum guest_insn_kind kind, unsigned *len)
{
	const struct vcpu_insn_cache *c = &v->insn_cache;
	uint64_t rip = v->regs.rip, gpa, q[2];
	struct guest_paging pg;

	*len = v->exit.insn_len;
	if (*len)
		return 0;                   /* the CPU's own word (nRIP) */
	if (!(v->exit.long_mode && c->valid && c->mode == X86DEC_MODE_64 &&
	      (rip & (PAGE_SIZE - 1)) <= PAGE_SIZE - FETCH_LEN))
		return insn_len_decode(v, kind, len);
	vendor_paging(v, &pg);
	if (guest_translate(&v->gm, &pg, rip,
			    GUEST_ACC_EXEC | (v->exit.cpl == 3 ? GUEST_ACC_USER : 0), &gpa) ||
	    v->gm.read_phys(v->gm.ctx, gpa, q, FETCH_LEN) ||
	    q[0] != c->bytes[0] || q[1] != c->bytes[1])
		return insn_len_decode(v, kind, len);   /* it says why */
	if (c->kind != kind)
		return GUEST_INSN_E_MISMATCH;
	*len = c->insn.length;
	return 0;
}

/*
 * What L2 gets when L1 could not fetch, decode or recognise the instruction
 * of an intercept, as a CPU would have done it:
 *   - the fetch faulted in L2's page tables (a mapping L2 changed without
 *     flushing its TLB, a reserved bit): the #PF (or #GP for a
 *     non-canonical RIP) the fetch raises, RIP unchanged (APM vol.2 8.4.2);
 *   - the bytes at RIP are no longer the intercepted instruction (L2 ran it
 *     through a stale translation of another page): L2 re-executes what is
 *     there now, exactly as a CPU without the stale entry would. A handful
 *     of such retries at the same RIP with no progress is an L1 bug, and
 *     stops the run rather than hang;
 *   - the fetch reached outside L2 RAM: l2_bad_access;
 *   - 16-bit code, which the decoder does not handle: l2_bad_insn.
 */
#define INSN_RETRIES_MAX 8

unsigned guest_insn_fail(struct vcpu *v, int rc, const char *what)
{
	const struct guest_fault *f = &v->fetch_fault;

	switch (rc) {
	case GUEST_INSN_E_FETCH:
		if (f->vector == X86_EXC_PF) {
			vendor_inject_exception(v, X86_EXC_PF, true, f->pf_error, f->addr);
			return 0;
		}
		if (f->vector == X86_EXC_GP) {
			vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
			return 0;
		}
		if (f->reason == GUEST_MEM_E_OUTSIDE)
			return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
					 "%s exit: L2's instruction fetch at RIP %lx reaches "
					 "outside its RAM (%s)", what, v->regs.rip,
					 guest_mem_strerror(f->reason));
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
				 "%s exit: cannot read L2's instruction at RIP %lx: %s",
				 what, v->regs.rip, guest_mem_strerror(f->reason));
	case GUEST_INSN_E_INVALID:
		/* The instruction at RIP cannot execute: the CPU raises #UD for
		 * an undefined encoding, a LOCK prefix on an instruction that
		 * cannot take it included, before any intercept check (SDM
		 * vol.2 2.1.1 "Lock prefix"; APM vol.3 1.2.5). An L0 that let it
		 * reach L1 (QEMU's TCG does, for LOCK on intercepted opcodes)
		 * gets the architectural answer here. */
		vendor_inject_exception(v, X86_EXC_UD, false, 0, 0);
		return 0;
	case GUEST_INSN_E_TOO_LONG:
		/* More than 15 bytes: #GP(0) (SDM vol.2 2.3.11; APM vol.3 1.1). */
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	case GUEST_INSN_E_DECODE:
	case GUEST_INSN_E_MISMATCH:
		if (v->retry_rip == v->regs.rip && ++v->retries > INSN_RETRIES_MAX)
			return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
					 "%s exit at L2 RIP %lx: %s, %u times in a row",
					 what, v->regs.rip, guest_insn_strerror(rc),
					 v->retries);
		if (v->retry_rip != v->regs.rip) {
			v->retry_rip = v->regs.rip;
			v->retries = 1;
		}
		return 0;                       /* re-execute */
	case GUEST_INSN_E_MODE:
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_INSN, true,
				 "%s exit at L2 RIP %lx: %s: not supported by nestlab's L1",
				 what, v->regs.rip, guest_insn_strerror(rc));
	}
	return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true, "%s exit at L2 RIP %lx: %s",
			 what, v->regs.rip, guest_insn_strerror(rc));
}

const char *guest_insn_strerror(int rc)
{
	switch (rc) {
	case 0:                     return "ok";
	case GUEST_INSN_E_FETCH:    return "instruction bytes not readable at L2 RIP";
	case GUEST_INSN_E_MODE:     return "L2 runs 16-bit code (not decoded)";
	case GUEST_INSN_E_DECODE:   return "no valid instruction at L2 RIP";
	case GUEST_INSN_E_MISMATCH: return "instruction at L2 RIP is not the intercepted one";
	case GUEST_INSN_E_INVALID:  return "invalid encoding at L2 RIP (#UD)";
	case GUEST_INSN_E_TOO_LONG: return "instruction at L2 RIP longer than 15 bytes (#GP)";
	}
	return "unknown error";
}
