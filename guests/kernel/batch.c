/*
 * Decoded-syscall batching (batch.h): the look-ahead and the batch loop.
 *
 * After each call the kernel emulates, on a copy of the user's registers,
 * the instructions at the return RIP: first the state SYSRET gives ring 3
 * (RIP <- RCX, RFLAGS <- R11 & 3C7FD7h | 2; Intel SDM vol.2 SYSRET, AMD APM
 * vol.3 SYSRET), then one instruction at a time, decoded with x86dec from
 * a copy of the gap's window: the BATCH_LOOKAHEAD_BYTES bytes at the
 * return RIP, each read at most once, by page walk (uaccess.c: an
 * unreadable byte ends the window, it never faults the kernel), or taken
 * from the decode cache when the window's bytes are the ones they were
 * decoded from (batch_dcache.c). Loads read user memory the same
 * way; stores go to a byte buffer (keyed by physical address, so an alias
 * mapping forwards too) and reach memory only when the gap's SYSCALL is
 * reached. Then the gap is committed: the buffered stores, the registers,
 * and SYSCALL's own effects, RCX <- next RIP, R11 <- RFLAGS (APM vol.2
 * 6.1.1), and the call is made. A gap that does not reach a SYSCALL is
 * discarded whole: the entry returns after the last call made, so ring 3
 * resumes exactly where and as it would have without batching and runs the
 * gap itself (an instruction that faults, faults at its own RIP).
 *
 * Nothing ahead can change under the look-ahead: one CPU, the kernel runs
 * with IF = 0, and a batch only continues after calls that write no user
 * memory and change no mapping (getpid, getppid, getuid, level, write). A
 * store into a frame of the window (self-modifying code, also through a
 * second mapping) ends the gap before it. FS/GS overrides end it too (the
 * kernel does not track the bases); CR0.AM is clear, so no access raises
 * #AC.
 */
#include <nestlab/mem.h>
#include "batch.h"
#include "batch_dcache.h"
#include "batch_neg.h"
#include "uaccess.h"
#include "kernel.h"
#include "trace.h"
#include "arch.h"

/* SYSRET in 64-bit mode: RFLAGS <- (R11 & 3C7FD7h) | 2 (SDM vol.2 SYSRET) */
#define SYSRET_RFLAGS(r11) (((r11) & 0x3C7FD7ull) | 2ull)

int64_t syscall_dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			 uint64_t a4);

static const char *const end_names[BATCH_END_NR] = {
#define BATCH_END_NAME_(id, name, what) name,
	BATCH_ENDS(BATCH_END_NAME_)
#undef BATCH_END_NAME_
};

const char *batch_end_name(unsigned end)
{
	return end < BATCH_END_NR ? end_names[end] : "?";
}

/* A translation of the look-ahead: the page tables cannot change during a
 * gap, so each user page is walked at most twice per gap (read, write). */
struct la_tlb {
	uint64_t page, frame;
	int writable;                 /* -1: not known yet */
};

#define LA_TLB_SIZE 4

struct la_store {
	uint64_t pa;
	uint8_t byte;
};

/* One gap's look-ahead. */
struct lookahead {
	uint64_t start;               /* the return RIP: the window's first byte */
	uint8_t win[BATCH_LOOKAHEAD_BYTES];
	unsigned have;                /* bytes of the window the user could fetch */
	unsigned copied;              /* of which read into win so far */
	int win_fault;                /* the window ends at an unreadable byte */
	uint64_t code_frame[2];       /* the window's frames (64 bytes: at most 2) */
	uint64_t piece_pa[2];         /* where window byte piece_off[i] is */
	unsigned piece_off[2];
	unsigned ncode;
	struct la_tlb tlb[LA_TLB_SIZE];
	unsigned ntlb, tlb_next;
	struct la_store st[BATCH_STORE_BYTES];
	unsigned nst;
	int why;                      /* set by a store: BATCH_END_CODE_WRITE/STORES */
};

/* uaccess_translate, through the gap's translations. */
static int la_translate(struct lookahead *la, uint64_t va, int write, uint64_t *pa)
{
	uint64_t page = va & ~(PT_4K - 1);
	struct la_tlb *t = NULL;

	for (unsigned i = 0; i < la->ntlb; i++)
		if (la->tlb[i].page == page) {
			t = &la->tlb[i];
			break;
		}
	if (t && (!write || t->writable == 1)) {
		*pa = t->frame | (va & (PT_4K - 1));
		return 0;
	}
	if (t && t->writable == 0)
		return -1;
	if (uaccess_translate(va, write, pa)) {
		if (t)
			t->writable = 0;
		return -1;
	}
	if (!t) {
		if (la->ntlb < LA_TLB_SIZE) {
			t = &la->tlb[la->ntlb++];
		} else {
			t = &la->tlb[la->tlb_next];
			la->tlb_next = (la->tlb_next + 1) % LA_TLB_SIZE;
		}
		t->page = page;
		t->writable = -1;
	}
	t->frame = *pa & ~(PT_4K - 1);
	if (write)
		t->writable = 1;
	return 0;
}

/* Map the window: up to BATCH_LOOKAHEAD_BYTES from la->start, a page at
 * a time, up to the first byte the user could not fetch; nothing is read. */
static void la_map_window(struct lookahead *la)
{
	uint64_t va = la->start, pa;

	la->have = la->copied = 0;
	la->win_fault = 0;
	la->ncode = 0;
	while (la->have < BATCH_LOOKAHEAD_BYTES) {
		unsigned chunk = (unsigned)(PT_4K - (va & (PT_4K - 1)));

		if (chunk > BATCH_LOOKAHEAD_BYTES - la->have)
			chunk = BATCH_LOOKAHEAD_BYTES - la->have;
		if (la_translate(la, va, 0, &pa)) {
			la->win_fault = 1;
			return;
		}
		la->piece_pa[la->ncode] = pa;
		la->piece_off[la->ncode] = la->have;
		la->code_frame[la->ncode++] = pa & ~(PT_4K - 1);
		la->have += chunk;
		va += chunk;
	}
}

/* Read window bytes [la->copied, upto) into la->win, each byte once,
 * 8 at a time where they lie in one piece (x86 loads need no alignment). */
static void la_copy_window(struct lookahead *la, unsigned upto)
{
	unsigned i = la->copied;

	while (i < upto) {
		unsigned p = la->ncode > 1 && i >= la->piece_off[1];
		unsigned end = p || la->ncode < 2 ? upto : la->piece_off[1];
		uint64_t src = la->piece_pa[p] + i - la->piece_off[p];

		if (end > upto)
			end = upto;
		for (; i + 8 <= end; i += 8, src += 8) {
			uint64_t v = *(const volatile uint64_t *)(uintptr_t)src;

			__builtin_memcpy(&la->win[i], &v, 8);
		}
		for (; i < end; i++, src++)
			la->win[i] = *(const volatile uint8_t *)(uintptr_t)src;
	}
	if (upto > la->copied)
		la->copied = upto;
}

static int frame_in_code(const struct lookahead *la, uint64_t frame)
{
	for (unsigned i = 0; i < la->ncode; i++)
		if (la->code_frame[i] == frame)
			return 1;
	return 0;
}

/* The physical address of each byte of [addr, addr + size): one walk
 * unless the access crosses a page. */
static int la_bytes_pa(struct lookahead *la, uint64_t addr, unsigned size, int write,
		       uint64_t pa[8])
{
	if (la_translate(la, addr, write, &pa[0]))
		return -1;
	for (unsigned i = 1; i < size; i++) {
		if (((addr + i) & (PT_4K - 1)) == 0) {
			if (la_translate(la, addr + i, write, &pa[i]))
				return -1;
		} else {
			pa[i] = pa[i - 1] + 1;
		}
	}
	return 0;
}

static int la_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct lookahead *la = ctx;
	uint64_t v = 0, pa[8];

	if (size > 8 || la_bytes_pa(la, addr, size, 0, pa))
		return -1;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = *(const volatile uint8_t *)(uintptr_t)pa[i];

		for (unsigned k = la->nst; k-- > 0;)  /* the gap's latest store wins */
			if (la->st[k].pa == pa[i]) {
				b = la->st[k].byte;
				break;
			}
		v |= (uint64_t)b << (8 * i);
	}
	*val = v;
	return 0;
}

static int la_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct lookahead *la = ctx;
	uint64_t pa[8];

	if (size > 8 || la_bytes_pa(la, addr, size, 1, pa))
		return -1;
	for (unsigned i = 0; i < size; i++) {
		if (frame_in_code(la, pa[i] & ~(PT_4K - 1))) {
			la->why = BATCH_END_CODE_WRITE;
			return -1;
		}
		if (la->nst == BATCH_STORE_BYTES) {
			la->why = BATCH_END_STORES;
			return -1;
		}
		la->st[la->nst].pa = pa[i];
		la->st[la->nst].byte = (uint8_t)(val >> (8 * i));
		la->nst++;
	}
	return 0;
}

/* Make the call in f: inline in the batch loop, out of line (batch_syscall)
 * for the unbatched entry and batch_entry's fast path, which jump to it. */
static inline void syscall_in_frame(struct x86emu_regs *f)
{
	f->gpr[X86_RAX] = (uint64_t)syscall_dispatch(f->gpr[X86_RAX], f->gpr[X86_RDI],
						     f->gpr[X86_RSI], f->gpr[X86_RDX],
						     f->gpr[X86_R10], f->gpr[X86_R8]);
}

__attribute__((noinline)) void batch_syscall(struct x86emu_regs *f)
{
	syscall_in_frame(f);
}

/* Calls after which the batch may go on: they write no user memory, map
 * nothing, switch no process and never end the run. */
static int continues_after(uint64_t nr)
{
	return nr == L2_SYS_GETPID || nr == L2_SYS_GETPPID || nr == L2_SYS_GETUID ||
	       nr == L2_SYS_LEVEL || nr == L2_SYS_WRITE;
}

static struct lookahead la;       /* one CPU, IF = 0: one look-ahead at a time */

/* The last look-ahead's window's first 8 bytes (fewer if the window is
 * shorter, the rest 0; read now if the look-ahead had not): the negative
 * cache's fingerprint of the gap's code (batch_neg.h). */
static uint64_t la_code(void)
{
	unsigned k = la.have < 8 ? la.have : 8;
	uint64_t code = 0;

	if (la.copied < k)
		la_copy_window(&la, k);
	if (k == 8) {
		__builtin_memcpy(&code, la.win, 8);   /* x86: little endian */
		return code;
	}
	for (unsigned i = 0; i < k; i++)
		code |= (uint64_t)la.win[i] << (8 * i);
	return code;
}

/* Emulate the gap after the call f returns from (its decode cache entry
 * ce). On reaching a SYSCALL the batch may make, commit the gap into f
 * (registers after that SYSCALL) and return -1; else return why the entry
 * ends, f untouched. *insns counts the instructions emulated in committed
 * gaps. */
static int lookahead_gap(struct x86emu_regs *f, unsigned *insns, struct batch_dcache_entry *ce)
{
	struct x86emu_regs r = *f;
	struct x86emu_mem_ops mem = { la_read, la_write, &la, 0, 0 };
	struct x86dec_insn dec;
	unsigned n;

	r.rip = f->gpr[X86_RCX];
	r.rflags = SYSRET_RFLAGS(f->gpr[X86_R11]);
	la.start = r.rip;
	la.nst = la.ntlb = la.tlb_next = 0;
	la_map_window(&la);
	if (ce->n) {                  /* kept decodes: only if every byte is the same */
		unsigned i = 0;

		if (ce->span <= la.have) {
			la_copy_window(&la, ce->span);
			for (; i + 8 <= ce->span; i += 8) {
				uint64_t a, b;

				__builtin_memcpy(&a, &la.win[i], 8);
				__builtin_memcpy(&b, &ce->bytes[i], 8);
				if (a != b)
					break;
			}
			while (i < ce->span && la.win[i] == ce->bytes[i])
				i++;
		}
		if (i != ce->span || ce->span > la.have)
			ce->n = ce->span = 0;
	}
	for (n = 0; n < BATCH_LOOKAHEAD_INSNS; n++) {
		unsigned off = (unsigned)(r.rip - la.start);
		const struct x86dec_insn *in;
		int st, res;

		if (off >= la.have)
			return la.win_fault ? BATCH_END_FETCH : BATCH_END_BOUND;
		if (n < ce->n) {
			in = &ce->insn[n];
		} else {
			la_copy_window(&la, la.have);
			st = x86dec_decode_buf(&dec, X86DEC_MODE_64, la.win + off, la.have - off);
			if (st == X86DEC_TRUNCATED)   /* its next byte is past the window */
				return la.win_fault ? BATCH_END_FETCH : BATCH_END_BOUND;
			if (st != X86DEC_OK)
				return BATCH_END_INVALID;
			batch_dcache_append(ce, &dec, la.win, off);
			in = &dec;
		}
		if (in->pfx_seg == 0x64 || in->pfx_seg == 0x65)
			return BATCH_END_NOT_EMULABLE;
		la.why = -1;
		res = x86emu_step(in, &r, &mem, NULL);
		switch (res) {
		case X86EMU_DONE:
			continue;
		case X86EMU_SYSCALL:
			break;
		case X86EMU_BRANCH:
			return BATCH_END_BRANCH;
		case X86EMU_MEM_FAULT:
			return la.why >= 0 ? la.why : BATCH_END_MEM;
		default:
			return BATCH_END_NOT_EMULABLE;
		}
		/* the SYSCALL at r.rip */
		if (r.gpr[X86_RAX] == L2_SYS_PHASE_BEGIN || r.gpr[X86_RAX] == L2_SYS_PHASE_END)
			return BATCH_END_NEXT;
		for (unsigned i = 0; i < la.nst; i++)
			*(volatile uint8_t *)(uintptr_t)la.st[i].pa = la.st[i].byte;
		r.gpr[X86_RCX] = r.rip + in->length;  /* SYSCALL: RCX <- RIP */
		r.gpr[X86_R11] = r.rflags;            /* R11 <- RFLAGS */
		r.rip = r.gpr[X86_RCX];
		r.rflags = r.gpr[X86_R11];            /* the frame's rflags slot is R11 */
		*f = r;
		*insns += n;
		return -1;
	}
	return BATCH_END_BOUND;
}

/* The look-ahead behind the negative cache (batch_neg.h): while the gap's
 * slot says to skip, the entry ends as the last look-ahead there did
 * (*skipped set); else look ahead and update the backoff. nr: the call
 * just made. */
static int lookahead(struct x86emu_regs *f, uint64_t nr, unsigned *insns, unsigned *skipped)
{
	uint64_t rip = f->gpr[X86_RCX];
	struct batch_neg *ne = batch_neg_at(rip);
	int end;

	if (batch_neg_skip(ne, rip)) {
		*skipped = 1;
		return (int)ne->end;
	}
	end = lookahead_gap(f, insns, batch_dcache_slot(sched_current()->root, rip));
	if (end < 0)
		batch_neg_committed(ne, rip);
	else
		batch_neg_failed(ne, rip, la_code(), nr, (unsigned)end);
	return end;
}

/* The batch loop: every entry the fast path (batch_entry) does not take. */
static __attribute__((noinline)) void batch_entry_loop(struct x86emu_regs *f)
{
	struct batch_phase_mark start;
	unsigned size = 1, insns = 0, skipped = 0;
	uint64_t nr = f->gpr[X86_RAX];
	int end;

	batch_phase_mark(&start);
	syscall_in_frame(f);
	for (;;) {
		if (!continues_after(nr)) {
			end = BATCH_END_EFFECT;
			break;
		}
		if (size >= l2k.cfg.batch_max) {
			end = BATCH_END_LIMIT;
			break;
		}
		if (f->gpr[X86_R11] & (RFLAGS_TF | RFLAGS_IF)) {
			end = BATCH_END_FLAGS;
			break;
		}
		end = lookahead(f, nr, &insns, &skipped);
		if (end >= 0)
			break;
		nr = f->gpr[X86_RAX];
		syscall_in_frame(f);
		size++;
	}
	batch_stats_entry(&start, size, insns, (unsigned)end, skipped);
	trace_event(NESTLAB_TRACE_L2_BATCH, 3, size, f->rip, (uint64_t)end, insns, 0);
}

/*
 * The fast path: an entry whose first look-ahead the negative cache skips
 * is a single call ending as the last look-ahead at its RIP did, so it is
 * decided before the call, from the frame and the gap's slot alone: the
 * user's RFLAGS has neither TF nor IF (the loop's `flags` check), no trace
 * is taken (the loop records the entry's event), and the slot holds this
 * RIP and this call's number (a call that lets a batch go on, batch_max
 * >= 2: batch_neg.h's invariant) with an entry to skip (batch_neg_take). The call changes
 * no phase (it is one of continues_after's), so the entry lies wholly in
 * the phase open now and counts in that phase's skip counter by end
 * (batch_stats.c folds it into entries, calls, sizes and ends at report
 * time). Any other entry goes through the loop, which makes the same
 * decision there.
 */
void batch_entry(struct x86emu_regs *f)
{
	struct batch_neg *ne = batch_neg_at(f->gpr[X86_RCX]);

	if (__builtin_expect(!(f->gpr[X86_R11] & (RFLAGS_TF | RFLAGS_IF)) && !trace_on() &&
			     batch_neg_take(ne, f->gpr[X86_RCX], f->gpr[X86_RAX]), 1)) {
		batch_stats_skip_sink[ne->end]++;
		batch_syscall(f);
		return;
	}
	batch_entry_loop(f);
}
