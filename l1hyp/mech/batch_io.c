/*
 * Exit-level batching of port I/O (issue 14 part 3; L1 command line
 * batch=on, the launcher's --batch l1; docs/batching.md). Agesen et al.'s
 * exit pairs: when L1 has handled an IN/OUT exit, it decodes ahead from
 * the next RIP (lib/x86dec), emulates the instructions it meets (x86emu, on
 * a copy of L2's registers, registers only: any memory operand ends the
 * batch), and when they reach another IN/OUT it commits the registers and
 * handles that access in the same exit, through the IOIO handler the exit
 * table holds, as if it had exited; up to batch_max accesses per exit.
 * A post hook on the IOIO exit (exit_table.h) is the whole interface: the
 * generic exit path knows nothing of it.
 *
 * Exactness. An emulated access is one the CPU would have made and L1
 * would have handled the same way: the same CPL, no event in between, and
 * permission known to pass. At CPL 0 IN/OUT never check the I/O bitmap
 * (CPL <= IOPL, AMD APM vol.2 13.3.1, Intel SDM vol.1 19.5.1); at CPL 3 the
 * batched access must lie within the ports of the exit that started the
 * batch, which passed the same TSS bitmap check (APM vol.2 13.3.2; the glue
 * writes no memory and changes no RFLAGS.IOPL, so neither can change). A
 * batch ends before: an event L1 must deliver (vendor_event_pending, or the
 * interrupt controller due to look at L2: an interrupt window), RFLAGS.TF,
 * a mode other than 64-bit, the backdoor port (hypercalls stay exits), a
 * string or REP form, a branch, anything outside x86emu's subset or with a
 * memory operand, an unreadable byte, or the bound (16 instructions, 64
 * bytes from the next RIP). Nothing is committed for the part that does
 * not reach an access: L2 resumes at the RIP after the last access handled.
 *
 * Counts (inside workload phases): exits that started a look-ahead, accesses
 * handled by batching, exits by accesses handled, why batches ended;
 * reported on L1's console at the end of the run.
 */
#include "mech.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/guest_access.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../arch/x86/cpu.h"
#include "../../lib/freestanding/format.h"
#include "../../lib/x86dec/x86dec.h"
#include <nestlab/platform.h>
#include <nestlab/hypercall.h>
#include <nestlab/bootargs.h>
#include <nestlab/batch.h>

#define BATCH_IO_ENDS(X)                                                        \
	X(EVENT,   "event")   /* an event to deliver, or an interrupt window */ \
	X(FLAGS,   "flags")   /* RFLAGS.TF */                                  \
	X(MODE,    "mode")    /* not 64-bit mode */                            \
	X(LIMIT,   "limit")   /* batch_max accesses in this exit */            \
	X(FETCH,   "fetch")   /* an instruction byte not readable */           \
	X(INVALID, "invalid") /* no valid instruction */                       \
	X(NOT_EMULABLE, "not_emulable") /* outside x86emu's subset, not IN/OUT */ \
	X(BRANCH,  "branch")                                                   \
	X(MEM,     "mem")     /* a memory operand: the glue is registers only */ \
	X(BOUND,   "bound")   /* no IN/OUT within the bound */                 \
	X(PORT,    "port")    /* an IN/OUT whose permission is not known, or the backdoor */ \
	X(STRING,  "string")  /* INS/OUTS, a REP prefix */

enum {
#define BATCH_IO_ENUM_(id, name) BATCH_IO_END_##id,
	BATCH_IO_ENDS(BATCH_IO_ENUM_)
#undef BATCH_IO_ENUM_
	BATCH_IO_END_NR
};

static const char *const end_names[BATCH_IO_END_NR] = {
#define BATCH_IO_NAME_(id, name) name,
	BATCH_IO_ENDS(BATCH_IO_NAME_)
#undef BATCH_IO_NAME_
};

struct batch_io {
	unsigned max;                           /* accesses per exit */
	uint64_t exits, accesses;
	uint64_t size[NESTLAB_BATCH_MAX_LIMIT + 1];
	uint64_t end[BATCH_IO_END_NR];
};

static struct batch_io state = { .max = NESTLAB_BATCH_MAX_DEFAULT };
static unsigned my_slot;

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

static int no_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	return -1;
}

static int no_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	return -1;
}

/* Read the window at rip: up to NESTLAB_BATCH_LOOKAHEAD_BYTES, a page at a
 * time, as L2's CPL would read them; *fault when it ends at an unreadable
 * byte. Returns the bytes read. */
static unsigned read_window(struct vcpu *v, uint64_t rip, uint8_t *win, int *fault)
{
	unsigned have = 0;

	*fault = 0;
	while (have < NESTLAB_BATCH_LOOKAHEAD_BYTES) {
		unsigned chunk = 4096 - (unsigned)((rip + have) & 4095);

		if (chunk > NESTLAB_BATCH_LOOKAHEAD_BYTES - have)
			chunk = NESTLAB_BATCH_LOOKAHEAD_BYTES - have;
		if (vcpu_copy_from_guest(v, rip + have, win + have, chunk)) {
			*fault = 1;
			break;
		}
		have += chunk;
	}
	return have;
}

/* A decoded IN/OUT (AMD APM vol.3 IN, OUT; Intel SDM vol.2): 1, with the
 * access in *io; 0 if insn is none. REP and string forms are refused by
 * the caller (INS/OUTS are other opcodes, 6C-6F). */
static int io_of(const struct x86dec_insn *in, const struct x86emu_regs *r, struct exit_io *io)
{
	uint8_t op = in->opcode;
	unsigned size;

	if (in->encoding != X86DEC_ENC_LEGACY || in->map != 0 ||
	    !((op >= 0xE4 && op <= 0xE7) || (op >= 0xEC && op <= 0xEF)))
		return 0;
	size = !(op & 1) ? 1 : in->opsize == 2 ? 2 : 4;  /* REX.W does not widen IN/OUT */
	io->port = op >= 0xEC ? (uint16_t)r->gpr[X86_RDX] : (uint16_t)(in->imm & 0xFF);
	io->flags = (uint8_t)((!(op & 2) ? EXIT_IO_IN : 0) |
			      (size == 1 ? EXIT_IO_SZ8 : size == 2 ? EXIT_IO_SZ16 : EXIT_IO_SZ32));
	io->next_rip = r->rip + in->length;
	return 1;
}

/* Emulate from RIP to the next IN/OUT: 1 with its access in *io and the
 * registers before it in *r, or 0 with the reason in *end. */
static int look_ahead(struct vcpu *v, struct x86emu_regs *r, struct exit_io *io, unsigned *end)
{
	static const struct x86emu_mem_ops mem = { no_mem_read, no_mem_write, NULL, 0, 0 };
	uint8_t win[NESTLAB_BATCH_LOOKAHEAD_BYTES];
	uint64_t start = r->rip;
	int fault;
	unsigned have = read_window(v, start, win, &fault);
	struct dcache_entry *ce = dcache_slot(vendor_read_cr(v, 3), start, win, have);

	for (unsigned n = 0; n < NESTLAB_BATCH_LOOKAHEAD_INSNS; n++) {
		unsigned off = (unsigned)(r->rip - start);
		struct x86dec_insn dec;
		const struct x86dec_insn *ip;
		int st;

		if (off >= have) {
			*end = fault ? BATCH_IO_END_FETCH : BATCH_IO_END_BOUND;
			return 0;
		}
		if (n < ce->n) {
			ip = &ce->insn[n];
		} else {
			st = x86dec_decode_buf(&dec, X86DEC_MODE_64, win + off, have - off);
			if (st == X86DEC_TRUNCATED) {
				*end = fault ? BATCH_IO_END_FETCH : BATCH_IO_END_BOUND;
				return 0;
			}
			if (st != X86DEC_OK) {
				*end = BATCH_IO_END_INVALID;
				return 0;
			}
			dcache_append(ce, &dec, win, off);
			ip = &dec;
		}
		if (io_of(ip, r, io)) {
			if (ip->pfx_rep || ip->pfx_lock) {
				*end = BATCH_IO_END_STRING;
				return 0;
			}
			return 1;
		}
		if (ip->encoding == X86DEC_ENC_LEGACY && ip->map == 0 && ip->opcode >= 0x6C &&
		    ip->opcode <= 0x6F) {
			*end = BATCH_IO_END_STRING;
			return 0;
		}
		switch (x86emu_step(ip, r, &mem, NULL)) {
		case X86EMU_DONE:
			continue;
		case X86EMU_BRANCH:
		case X86EMU_SYSCALL:
			*end = BATCH_IO_END_BRANCH;
			return 0;
		case X86EMU_MEM_FAULT:
			*end = BATCH_IO_END_MEM;
			return 0;
		default:
			*end = BATCH_IO_END_NOT_EMULABLE;
			return 0;
		}
	}
	*end = BATCH_IO_END_BOUND;
	return 0;
}

/* May the batch make access io, the exit having been first? */
static int permitted(const struct exit_io *first, unsigned cpl, const struct exit_io *io)
{
	unsigned s0 = exit_io_size(first), s = exit_io_size(io);

	if (io->port <= NESTLAB_HC_BACKDOOR_PORT + 3 && io->port + s > NESTLAB_HC_BACKDOOR_PORT)
		return 0;                       /* hypercalls stay exits */
	if (cpl == 0)
		return 1;
	return io->port >= first->port && io->port + s <= first->port + s0;
}

/* The post hook of IOIO exits: the exit's own access is handled. */
static unsigned batch_io_post(struct vcpu *v)
{
	struct batch_io *s = v->mech[my_slot];
	struct exit_io first = v->exit.io;
	unsigned size = 1, end, flags = 0, cpl = v->exit.cpl;

	if (!s || (first.flags & EXIT_IO_STRING) || v->stop ||
	    !permitted(&first, 0, &first))
		return 0;                       /* not a plain access (or a hypercall) */
	for (;;) {
		struct x86emu_regs r;
		struct exit_io io;

		if (v->stop || vendor_event_pending(v) || v->irq_recheck ||
		    rdtsc() >= v->irq_deadline) {
			end = BATCH_IO_END_EVENT;
			break;
		}
		if (v->regs.rflags & RFLAGS_TF) {
			end = BATCH_IO_END_FLAGS;
			break;
		}
		if (!v->exit.long_mode) {
			end = BATCH_IO_END_MODE;
			break;
		}
		if (size >= s->max) {
			end = BATCH_IO_END_LIMIT;
			break;
		}
		r = v->regs;
		if (!look_ahead(v, &r, &io, &end))
			break;
		if (!permitted(&first, cpl, &io)) {
			end = BATCH_IO_END_PORT;
			break;
		}
		v->regs = r;                    /* the glue, committed */
		v->exit.io = io;                /* the access, as its exit would say */
		flags |= exit_handlers[NESTLAB_EXIT_IOIO](v);
		size++;
	}
	v->exit.io = first;
	if (l1.stats.open_counts) {
		s->exits++;
		s->accesses += size;
		s->size[size <= NESTLAB_BATCH_MAX_LIMIT ? size : 0]++;
		s->end[end]++;
	}
	return flags;
}

static void report(struct vcpu *v)
{
	const struct batch_io *s = v->mech[my_slot];
	char line[400];
	size_t n;
	const char *sep = "";

	n = format_snprintf(line, sizeof(line), "nestlab-l1: batch: exits %lu accesses %lu sizes ",
			    s->exits, s->accesses);
	for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT && n < sizeof(line); k++)
		if (s->size[k]) {
			n += format_snprintf(line + n, sizeof(line) - n, "%s%u:%lu", sep, k,
					     s->size[k]);
			sep = ",";
		}
	if (n < sizeof(line))
		n += format_snprintf(line + n, sizeof(line) - n, " ends ");
	sep = "";
	for (unsigned e = 0; e < BATCH_IO_END_NR && n < sizeof(line); e++)
		if (s->end[e]) {
			n += format_snprintf(line + n, sizeof(line) - n, "%s%s:%lu", sep,
					     end_names[e], s->end[e]);
			sep = ",";
		}
	l1_printf("%s\n", line);
}

static int option(unsigned slot, const char *key, const char *value, size_t vlen, char *err,
		  size_t errlen)
{
	unsigned m = 0;

	for (size_t i = 0; i < vlen; i++) {
		if (value[i] < '0' || value[i] > '9' || m > NESTLAB_BATCH_MAX_LIMIT) {
			m = 0;
			break;
		}
		m = m * 10 + (unsigned)(value[i] - '0');
	}
	if (m < 1 || m > NESTLAB_BATCH_MAX_LIMIT) {
		format_snprintf(err, errlen, "batch_max must be a decimal number 1..%u",
				NESTLAB_BATCH_MAX_LIMIT);
		return -1;
	}
	state.max = m;
	return 0;
}

static int init(struct vcpu *v, unsigned slot, const char *value, size_t vlen,
		char *err, size_t errlen)
{
	int on = mech_switch_on(value, vlen);

	if (on < 0) {
		format_snprintf(err, errlen, "batch must be on or off");
		return -1;
	}
	if (!on)
		return 0;
	my_slot = slot;
	v->mech[slot] = &state;
	if (exit_hook_add(NESTLAB_EXIT_IOIO, EXIT_HOOK_POST, batch_io_post)) {
		format_snprintf(err, errlen, "batch: no hook slot left on ioio");
		return -1;
	}
	l1_printf("nestlab-l1: batch: up to %u port accesses per exit, look-ahead %u "
		  "instructions / %u bytes\n", state.max, NESTLAB_BATCH_LOOKAHEAD_INSNS,
		  NESTLAB_BATCH_LOOKAHEAD_BYTES);
	return 1;
}

static const char *const options[] = { "batch_max", NULL };

static const struct mech batch_io = {
	.name = "batch",
	.summary = "exit-level batching of port I/O (docs/batching.md)",
	.init = init,
	.report = report,
	.options = options,
	.option = option,
};
MECH_REGISTER(batch_io);
