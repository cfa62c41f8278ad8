/*
 * L1's exit-level batching: the look-ahead (batch_l1.h). From the RIP
 * after an exiting instruction L1 has handled, it reads the window of
 * NESTLAB_BATCH_LOOKAHEAD_BYTES as L2 would fetch it, decodes it (lib/x86dec;
 * decodes kept per (CR3, RIP) and reused only when the bytes are the same)
 * and emulates it on a copy of L2's registers (x86emu) up to the next
 * exiting instruction (batch_l1_exit.c), at most NESTLAB_BATCH_LOOKAHEAD_INSNS
 * instructions. Nothing in L2 changes here: the caller commits the
 * registers and the buffered stores only when an exiting instruction was
 * reached and may be batched.
 *
 * Exactness of the accesses. Every byte and operand goes through L2's own
 * paging at the exit's CPL (guest_mem.h: present, U/S, R/W with CR0.WP, NX
 * for the fetch; AMD APM vol.2 5.6) and then the active nested view's
 * rights (NPT R/W/X, APM vol.2 15.25.5: a page the CPU would take a nested
 * page fault on, lazily unmapped or without the view's execute right under
 * MBEC, ends the batch before the instruction, and L2 takes that fault
 * itself); only L2 RAM is accessed (no MMIO). A load or store that would
 * fault, that crosses a page boundary, or a load that partly overlaps a
 * buffered store ends the batch (`mem`) before the instruction. Stores go
 * to a buffer keyed by guest-physical address (so a second mapping of the
 * same frame is seen), loads forward from the newest store of the same
 * bytes; a store into a frame of the window (code the look-ahead may have
 * decoded) ends the batch (`code_write`). Accessed/dirty bits are set only
 * by the commit's writes (the loads set none: nothing of nestlab's L2 reads
 * them).
 */
#include "batch_l1.h"
#include "../core/vcpu.h"
#include "../core/guest_mem.h"
#include "../core/guest_access.h"
#include "../mm/npt.h"
#include "../arch/vcpu_vendor.h"

/* Decodes kept per (L2 CR3, RIP) with the bytes they came from, reused only
 * when the window read now holds the same bytes: decoding is a function of
 * them alone (64-bit mode here), so a hit is what decoding again gives. */
#define DCACHE_ENTRIES 8
#define DCACHE_INSNS   8

struct dcache_entry {
	uint64_t cr3, rip;
	unsigned n, span;
	uint8_t bytes[NESTLAB_BATCH_LOOKAHEAD_BYTES];
	struct x86dec_insn insn[DCACHE_INSNS];
};

static struct dcache_entry dcache[DCACHE_ENTRIES];
static unsigned dcache_next;

static struct dcache_entry *dcache_slot(uint64_t cr3, uint64_t rip, const uint8_t *win,
					unsigned have)
{
	struct dcache_entry *e = NULL;

	for (unsigned i = 0; i < DCACHE_ENTRIES; i++)
		if (dcache[i].rip == rip && dcache[i].cr3 == cr3) {
			e = &dcache[i];
			break;
		}
	if (e) {
		unsigned i = 0;

		while (i < e->span && i < have && win[i] == e->bytes[i])
			i++;
		if (i == e->span)
			return e;
	} else {
		e = &dcache[dcache_next];
		dcache_next = (dcache_next + 1) % DCACHE_ENTRIES;
	}
	e->cr3 = cr3;
	e->rip = rip;
	e->n = e->span = 0;
	return e;
}

static void dcache_append(struct dcache_entry *e, const struct x86dec_insn *in,
			  const uint8_t *win, unsigned off)
{
	if (e->n >= DCACHE_INSNS || e->span != off)
		return;
	for (unsigned i = 0; i < in->length; i++)
		e->bytes[off + i] = win[off + i];
	e->insn[e->n++] = *in;
	e->span = off + in->length;
}

/* gva -> gpa for an access of kind acc by L2 at the look-ahead's CPL, and
 * the active view's nested right `perm` on it; the whole access
 * [gva, gva + len) within one page. 0, or -1 if the CPU would fault. */
static int translate(struct batch_l1_look *lk, uint64_t gva, unsigned len, unsigned acc,
		     unsigned perm, uint64_t *gpa)
{
	struct vcpu *v = lk->v;
	struct npt_walk_result w;

	if (((gva & 4095) + len) > 4096)
		return -1;
	if (guest_translate(&v->gm, &lk->pg, gva, acc | lk->acc_user | GUEST_ACC_PROBE, gpa))
		return -1;
	if (*gpa + len > v->gm.ram_size || *gpa + len < *gpa)
		return -1;
	if (npt_walk(&v->views[v->active_view].npt, *gpa & ~4095ull, &w) ||
	    (w.perms & perm) != perm)
		return -1;
	return 0;
}

/* Read the window at rip, a page at a time up to the first byte L2 could
 * not fetch (*fault then). Returns the bytes read. */
static unsigned read_window(struct batch_l1_look *lk, uint64_t rip, uint8_t *win, int *fault)
{
	struct vcpu *v = lk->v;
	unsigned have = 0;

	*fault = 0;
	lk->nr_frames = 0;
	while (have < NESTLAB_BATCH_LOOKAHEAD_BYTES) {
		unsigned chunk = 4096 - (unsigned)((rip + have) & 4095);
		uint64_t gpa;

		if (chunk > NESTLAB_BATCH_LOOKAHEAD_BYTES - have)
			chunk = NESTLAB_BATCH_LOOKAHEAD_BYTES - have;
		if (translate(lk, rip + have, chunk, GUEST_ACC_EXEC, NPT_R | NPT_X, &gpa) ||
		    v->gm.read_phys(v->gm.ctx, gpa, win + have, chunk)) {
			*fault = 1;
			break;
		}
		lk->win_frame[lk->nr_frames++] = gpa & ~4095ull;
		have += chunk;
	}
	return have;
}

static bool overlaps(uint64_t a, unsigned as, uint64_t b, unsigned bs)
{
	return a < b + bs && b < a + as;
}

static int mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct batch_l1_look *lk = ctx;
	uint64_t gpa, x = 0;

	if (translate(lk, addr, size, 0, NPT_R, &gpa)) {
		lk->mem_end = NESTLAB_L1_BATCH_END_MEM;
		return -1;
	}
	for (unsigned i = lk->nr_stores; i-- > 0;) {
		const struct batch_l1_store *s = &lk->store[i];
		if (!overlaps(gpa, size, s->gpa, s->size))
			continue;
		if (s->gpa == gpa && s->size == size) {
			*val = s->val;      /* the newest store of exactly these bytes */
			return 0;
		}
		lk->mem_end = NESTLAB_L1_BATCH_END_MEM;
		return -1;
	}
	if (lk->v->gm.read_phys(lk->v->gm.ctx, gpa, &x, size)) {
		lk->mem_end = NESTLAB_L1_BATCH_END_MEM;
		return -1;
	}
	*val = x;                           /* little-endian, zero-extended */
	return 0;
}

static int mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct batch_l1_look *lk = ctx;
	struct batch_l1_store *s;
	uint64_t gpa;

	if (translate(lk, addr, size, GUEST_ACC_WRITE, NPT_R | NPT_W, &gpa)) {
		lk->mem_end = NESTLAB_L1_BATCH_END_MEM;
		return -1;
	}
	for (unsigned i = 0; i < lk->nr_frames; i++)
		if ((gpa & ~4095ull) == lk->win_frame[i]) {
			lk->mem_end = NESTLAB_L1_BATCH_END_CODE_WRITE;
			return -1;
		}
	if (lk->nr_stores == BATCH_L1_STORES) {
		lk->mem_end = NESTLAB_L1_BATCH_END_STORES;
		return -1;
	}
	s = &lk->store[lk->nr_stores++];
	s->gva = addr;
	s->gpa = gpa;                       /* compared by guest-physical address */
	s->val = val;
	s->size = size;
	return 0;
}

bool batch_l1_look_ahead(struct vcpu *v, struct x86emu_regs *r, struct batch_l1_look *lk,
			 unsigned *end)
{
	const struct x86emu_mem_ops mem = { mem_read, mem_write, lk, 0, 0 };
	uint8_t win[NESTLAB_BATCH_LOOKAHEAD_BYTES];
	uint64_t start = r->rip;
	int fault;
	unsigned have;
	struct dcache_entry *ce;

	lk->v = v;
	vendor_paging(v, &lk->pg);
	lk->acc_user = vendor_cpl(v) == 3 ? GUEST_ACC_USER : 0;
	lk->emulated = lk->nr_stores = 0;
	have = read_window(lk, start, win, &fault);
	ce = dcache_slot(vendor_read_cr(v, 3), start, win, have);
	for (unsigned n = 0; n < NESTLAB_BATCH_LOOKAHEAD_INSNS; n++) {
		unsigned off = (unsigned)(r->rip - start);
		struct x86dec_insn dec;
		const struct x86dec_insn *ip;
		int kind, st;

		if (off >= have) {
			*end = fault ? NESTLAB_L1_BATCH_END_FETCH : NESTLAB_L1_BATCH_END_BOUND;
			return false;
		}
		if (n < ce->n) {
			ip = &ce->insn[n];
		} else {
			st = x86dec_decode_buf(&dec, X86DEC_MODE_64, win + off, have - off);
			if (st == X86DEC_TRUNCATED) {
				*end = fault ? NESTLAB_L1_BATCH_END_FETCH : NESTLAB_L1_BATCH_END_BOUND;
				return false;
			}
			if (st != X86DEC_OK) {
				*end = NESTLAB_L1_BATCH_END_INVALID;
				return false;
			}
			dcache_append(ce, &dec, win, off);
			ip = &dec;
		}
		kind = batch_l1_exit_kind(ip);
		if (kind >= 0) {
			lk->insn = *ip;
			lk->kind = (unsigned)kind;
			return true;
		}
		if (ip->pfx_seg == 0x64 || ip->pfx_seg == 0x65) {
			*end = NESTLAB_L1_BATCH_END_NOT_EMULABLE;  /* FS/GS bases not modelled */
			return false;
		}
		lk->mem_end = NESTLAB_L1_BATCH_END_MEM;
		switch (x86emu_step(ip, r, &mem, NULL)) {
		case X86EMU_DONE:
			lk->emulated++;
			continue;
		case X86EMU_BRANCH:
		case X86EMU_SYSCALL:
			*end = NESTLAB_L1_BATCH_END_BRANCH;
			return false;
		case X86EMU_MEM_FAULT:
			*end = lk->mem_end;
			return false;
		default:
			*end = NESTLAB_L1_BATCH_END_NOT_EMULABLE;
			return false;
		}
	}
	*end = NESTLAB_L1_BATCH_END_BOUND;
	return false;
}

int batch_l1_commit_stores(struct vcpu *v, const struct batch_l1_look *lk)
{
	for (unsigned i = 0; i < lk->nr_stores; i++) {
		int rc = vcpu_copy_to_guest(v, lk->store[i].gva, &lk->store[i].val,
					    lk->store[i].size);

		if (rc)
			return rc;
	}
	return 0;
}
