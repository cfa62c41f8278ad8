/*
 * L1's exit-level batching: the exiting instructions a batch handles, and
 * the exit information their own exit would have carried (batch_l1.h).
 * A batched instruction is one the CPU would have intercepted at this
 * point, with the same CPL and mode as the exit that began the batch, and
 * that L1's handler treats the same way inside the batch as at its own
 * exit; anything else ends the batch before it, and L2 runs it itself:
 *   IN/OUT (E4-E7, EC-EF; AMD APM vol.3 IN, OUT): at CPL 0 the I/O bitmap
 *     is never consulted (CPL <= IOPL, APM vol.2 13.3.1, Intel SDM vol.1
 *     19.5.1); at CPL 3 the access must lie within the ports of an IOIO
 *     exit that began the batch, which passed the same TSS bitmap check
 *     (APM vol.2 13.3.2) - if the glue stored nothing: register glue
 *     changes neither the TSS bitmap nor RFLAGS.IOPL, a store might. The
 *     backdoor port (hypercalls) and string or REP
 *     forms stay exits;
 *   CPUID (0F A2): intercepted at every CPL (APM vol.2 15.9);
 *   VMMCALL (0F 01 D9): only the commands that change nothing L2 or the
 *     batch depends on (VERSION, NOP, CONSOLE_WRITE); phase markers, EXIT,
 *     MBEC, interposition and domains end the batch (they change views,
 *     phases or the run);
 *   RDMSR/WRMSR (0F 32 / 0F 30): only at CPL 0 (at CPL > 0 they raise
 *     #GP(0) before any intercept check, APM vol.3 RDMSR) and only for an
 *     MSR whose access the MSR table intercepts (not MSR_PASS: the CPU would
 *     not exit).
 */
#include "batch_l1.h"
#include "../core/vcpu.h"
#include "../core/guest_insn.h"
#include "../core/msr_table.h"
#include <nestlab/hypercall.h>

/* VMMCALL commands a batch may handle. */
#define BATCHED_HYPERCALLS ((1u << NESTLAB_HC_VERSION) | (1u << NESTLAB_HC_NOP) | \
			    (1u << NESTLAB_HC_CONSOLE_WRITE))

static bool is_io(const struct x86dec_insn *in)
{
	uint8_t op = in->opcode;

	return in->encoding == X86DEC_ENC_LEGACY && in->map == 0 &&
	       ((op >= 0xE4 && op <= 0xE7) || (op >= 0xEC && op <= 0xEF));
}

int batch_l1_exit_kind(const struct x86dec_insn *in)
{
	if (in->encoding != X86DEC_ENC_LEGACY || in->map > 1 ||
	    (in->map == 1 && in->opcode != 0xA2 && in->opcode != 0x01 && in->opcode != 0x30 &&
	     in->opcode != 0x32) ||
	    (in->map == 0 && (in->opcode & 0xF0) != 0xE0 && (in->opcode & 0xFC) != 0x6C))
		return -1;                      /* the common case: glue */
	if (is_io(in))
		return NESTLAB_L1_BATCH_KIND_IOIO;
	if (in->encoding == X86DEC_ENC_LEGACY && in->map == 0 && in->opcode >= 0x6C &&
	    in->opcode <= 0x6F)
		return NESTLAB_L1_BATCH_KIND_IOIO;      /* INS/OUTS: refused below */
	if (guest_insn_is(in, GUEST_INSN_CPUID))
		return NESTLAB_L1_BATCH_KIND_CPUID;
	if (guest_insn_is(in, GUEST_INSN_VMMCALL))
		return NESTLAB_L1_BATCH_KIND_VMMCALL;
	if (guest_insn_is(in, GUEST_INSN_RDMSR) || guest_insn_is(in, GUEST_INSN_WRMSR))
		return NESTLAB_L1_BATCH_KIND_MSR;
	return -1;
}

static bool is_backdoor(const struct exit_io *io)
{
	unsigned s = exit_io_size(io);

	return io->port <= NESTLAB_HC_BACKDOOR_PORT + 3 &&
	       io->port + s > NESTLAB_HC_BACKDOOR_PORT;
}

static bool io_permitted(const struct exit_info *first, const struct batch_l1_look *lk,
			 const struct exit_io *io)
{
	if (is_backdoor(io))
		return false;                    /* hypercalls stay exits */
	if (first->cpl == 0)
		return true;
	if (first->reason != NESTLAB_EXIT_IOIO || lk->nr_stores || lk->stored_before)
		return false;
	return io->port >= first->io.port &&
	       io->port + exit_io_size(io) <= first->io.port + exit_io_size(&first->io);
}

bool batch_l1_exit_permitted(struct vcpu *v, const struct exit_info *first,
			     const struct x86emu_regs *r, const struct batch_l1_look *lk,
			     struct exit_info *next, unsigned *end)
{
	const struct x86dec_insn *in = &lk->insn;

	*next = (struct exit_info){
		.raw_code = first->raw_code, .cpl = first->cpl, .long_mode = first->long_mode,
		/* the length as the CPU would report it (nRIP), if it does */
		.insn_len = first->insn_len ? in->length : 0,
	};
	switch (lk->kind) {
	case NESTLAB_L1_BATCH_KIND_IOIO: {
		uint8_t op = in->opcode;
		unsigned size;

		if (!is_io(in) || in->pfx_rep || in->pfx_lock) {
			*end = NESTLAB_L1_BATCH_END_PORT;
			return false;
		}
		size = !(op & 1) ? 1 : in->opsize == 2 ? 2 : 4; /* REX.W does not widen IN/OUT */
		next->reason = NESTLAB_EXIT_IOIO;
		next->io.port = op >= 0xEC ? (uint16_t)r->gpr[X86_RDX] : (uint16_t)(in->imm & 0xFF);
		next->io.flags = (uint8_t)((!(op & 2) ? EXIT_IO_IN : 0) |
					   (size == 1 ? EXIT_IO_SZ8 :
					    size == 2 ? EXIT_IO_SZ16 : EXIT_IO_SZ32));
		next->io.next_rip = r->rip + in->length;
		if (!io_permitted(first, lk, &next->io)) {
			*end = NESTLAB_L1_BATCH_END_PORT;
			return false;
		}
		return true;
	}
	case NESTLAB_L1_BATCH_KIND_CPUID:
		next->reason = NESTLAB_EXIT_CPUID;
		return true;
	case NESTLAB_L1_BATCH_KIND_VMMCALL: {
		uint64_t cmd = r->gpr[X86_RCX];

		if (cmd >= 32 || !(BATCHED_HYPERCALLS >> cmd & 1)) {
			*end = NESTLAB_L1_BATCH_END_HYPERCALL;
			return false;
		}
		next->reason = NESTLAB_EXIT_VMMCALL;
		return true;
	}
	case NESTLAB_L1_BATCH_KIND_MSR: {
		bool write = guest_insn_is(in, GUEST_INSN_WRMSR);
		uint32_t idx = (uint32_t)r->gpr[X86_RCX];
		const struct msr_entry *e = msr_table_find(idx);

		if (first->cpl != 0 || (e && (write ? e->write : e->read) == MSR_PASS)) {
			*end = NESTLAB_L1_BATCH_END_MSR;
			return false;
		}
		next->reason = NESTLAB_EXIT_MSR;
		next->msr.index = idx;
		next->msr.write = write;
		return true;
	}
	}
	*end = NESTLAB_L1_BATCH_END_NOT_EMULABLE;
	return false;
}

bool batch_l1_exit_starts(const struct vcpu *v, const struct exit_info *e)
{
	switch (e->reason) {
	case NESTLAB_EXIT_IOIO:
		return !(e->io.flags & EXIT_IO_STRING) && !is_backdoor(&e->io);
	case NESTLAB_EXIT_CPUID:
	case NESTLAB_EXIT_MSR:
		return true;
	case NESTLAB_EXIT_VMMCALL: {
		/* the handler preserved RCX, the command (hypercall.h) */
		uint64_t cmd = v->regs.gpr[X86_RCX];

		return cmd < 32 && (BATCHED_HYPERCALLS >> cmd & 1);
	}
	default:
		return false;
	}
}
