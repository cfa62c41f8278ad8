/*
 * lib/x86dec: x86-64 / 32-bit protected-mode instruction decoder and an exact
 * mini-emulator for the small instruction subset that decoded-syscall batching
 * and RIP advance without nRIP need (docs/mechanisms.md section 5).
 *
 * Freestanding: no libc, no globals, no allocation, reentrant. The decoder
 * reads instruction bytes through a caller-supplied fetch callback (with a
 * context pointer) and never asks for a byte it does not need; the emulator
 * reaches memory through caller-supplied read/write callbacks. Builds
 * unchanged into L1, the L2 kernel (libx86dec-fs.a) and host tests.
 * How to use it, the emulated subset and deliberate exceptions: docs/x86dec.md.
 */
#ifndef X86DEC_H
#define X86DEC_H

#include <stdint.h>
#include <stddef.h>

#define X86DEC_MAX_LEN 15 /* AMD APM vol. 3 1.1 / Intel SDM vol. 2 2.3.11 */

enum x86dec_mode {
	X86DEC_MODE_64 = 0, /* 64-bit long mode */
	X86DEC_MODE_32 = 1, /* 32-bit protected mode (CS.D = 1) */
};

enum x86dec_status {
	X86DEC_OK = 0,
	X86DEC_INVALID,     /* undefined opcode / encoding (#UD) */
	X86DEC_TOO_LONG,    /* would exceed 15 bytes (#GP) */
	X86DEC_TRUNCATED,   /* input ended before the instruction did */
	X86DEC_FETCH_FAULT, /* the fetch callback could not read a byte */
};

/*
 * Fetch callback: copy len bytes starting at offset (relative to the start of
 * the instruction) into dst. Return the number of bytes copied; a short count
 * means the byte at offset + return could not be read, and *fault says why:
 * 1 = fault (e.g. unmapped guest page), 0 = end of input.
 */
typedef unsigned (*x86dec_fetch_fn)(void *ctx, unsigned offset, uint8_t *dst,
				    unsigned len, int *fault);

enum x86dec_encoding { X86DEC_ENC_LEGACY, X86DEC_ENC_VEX, X86DEC_ENC_EVEX, X86DEC_ENC_XOP };

/* Mnemonics with a structured form (everything else valid is X86DEC_MN_OTHER). */
enum x86dec_mnemonic {
	X86DEC_MN_OTHER = 0,
	X86DEC_MN_MOV, X86DEC_MN_MOVZX, X86DEC_MN_MOVSX, X86DEC_MN_MOVSXD, X86DEC_MN_LEA,
	X86DEC_MN_ADD, X86DEC_MN_OR, X86DEC_MN_ADC, X86DEC_MN_SBB, X86DEC_MN_AND,
	X86DEC_MN_SUB, X86DEC_MN_XOR, X86DEC_MN_CMP, X86DEC_MN_TEST,
	X86DEC_MN_INC, X86DEC_MN_DEC, X86DEC_MN_NEG, X86DEC_MN_NOT,
	X86DEC_MN_ROL, X86DEC_MN_ROR, X86DEC_MN_RCL, X86DEC_MN_RCR,
	X86DEC_MN_SHL, X86DEC_MN_SHR, X86DEC_MN_SAR,
	X86DEC_MN_XCHG, X86DEC_MN_NOP, X86DEC_MN_PUSH, X86DEC_MN_POP,
	X86DEC_MN_SYSCALL, X86DEC_MN_JCC, X86DEC_MN_JMP, X86DEC_MN_CALL, X86DEC_MN_RET,
	X86DEC_MN_COUNT
};

enum x86dec_op_kind { X86DEC_OP_NONE, X86DEC_OP_REG, X86DEC_OP_MEM, X86DEC_OP_IMM, X86DEC_OP_REL };

/* GPR numbers 0-15 = RAX..R15 (REX order). High-byte registers AH..BH are
 * X86DEC_REG_AH + 0..3 (only with 1-byte width and no REX). */
#define X86DEC_REG_NONE 0xFF
#define X86DEC_REG_RIP  0xFE /* memory base for RIP-relative addressing */
#define X86DEC_REG_AH   0x10

struct x86dec_mem {
	uint8_t base, index;  /* X86DEC_REG_NONE when absent */
	uint8_t scale;        /* 1, 2, 4, 8 */
	uint8_t seg;          /* segment override prefix byte, 0 if none */
	uint8_t addr_size;    /* 2, 4 or 8 bytes */
	int64_t disp;
};

struct x86dec_operand {
	uint8_t kind;   /* enum x86dec_op_kind */
	uint8_t size;   /* width in bytes */
	uint8_t reg;    /* X86DEC_OP_REG */
	int64_t imm;    /* X86DEC_OP_IMM (sign-extended to 64 bits) / X86DEC_OP_REL (displacement) */
	struct x86dec_mem mem;
};

struct x86dec_insn {
	uint8_t status;      /* enum x86dec_status */
	uint8_t length;      /* bytes, when status == X86DEC_OK */
	uint8_t fault_offset;/* X86DEC_FETCH_FAULT / X86DEC_TRUNCATED: first byte not read */
	uint8_t mode;
	uint8_t encoding;    /* enum x86dec_encoding */
	uint8_t map;         /* 0: 1-byte, 1: 0F, 2: 0F38, 3: 0F3A; VEX/EVEX/XOP map number */
	uint8_t opcode;
	uint8_t modrm, sib;
	uint8_t has_modrm, has_sib;
	uint8_t rex;         /* effective REX byte (0 if none) */
	uint8_t prefix_count;
	uint8_t pfx_lock, pfx_rep;   /* rep: 0, 0xF2 or 0xF3 (last of group 1) */
	uint8_t pfx_opsize, pfx_addrsize, pfx_seg;
	uint8_t mandatory;   /* 0, 0x66, 0xF3, 0xF2 */
	uint8_t opsize;      /* effective operand size in bytes (2, 4, 8) */
	uint8_t addrsize;    /* effective address size in bytes */
	uint8_t disp_offset, disp_size, imm_offset, imm_size, imm2_size;
	uint8_t vex_l, vex_w, vex_vvvv; /* VEX/EVEX/XOP fields (vvvv decoded, not inverted) */
	int64_t disp;
	uint64_t imm, imm2;  /* raw immediates, zero-extended */
	/* structured form (mnemonic != X86DEC_MN_OTHER) */
	uint8_t mnemonic;    /* enum x86dec_mnemonic */
	uint8_t cond;        /* Jcc condition code 0-15 */
	uint8_t operand_count;
	struct x86dec_operand op[3];
};

/* Decode one instruction whose bytes come from fetch(ctx, ...). Returns the status. */
int x86dec_decode(struct x86dec_insn *insn, enum x86dec_mode mode, x86dec_fetch_fn fetch, void *ctx);

/* Same, from a buffer of len bytes (len < 15 may give X86DEC_TRUNCATED). */
int x86dec_decode_buf(struct x86dec_insn *insn, enum x86dec_mode mode, const uint8_t *buf, size_t len);

/* Length only (0 when not a valid instruction): the fast path for RIP advance. */
unsigned x86dec_length(enum x86dec_mode mode, const uint8_t *buf, size_t len);

/* The ModRM r/m operand of any decoded instruction with a ModRM byte, as a
 * register or memory operand of size bytes (for instructions outside the
 * structured subset, e.g. LTR or LMSW, whose operand a hypervisor reads). */
void x86dec_rm_operand(const struct x86dec_insn *insn, unsigned size,
		       struct x86dec_operand *op);

/* ---------------- emulator ---------------- */

enum x86dec_gpr { X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
		  X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15 };

struct x86emu_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
};

/* Memory callbacks: linear address, size 1/2/4/8; return 0 on success, non-zero
 * on a fault (the emulator then returns X86EMU_MEM_FAULT with nothing changed
 * in the register file; a store is always the instruction's last access). */
struct x86emu_mem_ops {
	int (*read)(void *ctx, uint64_t addr, unsigned size, uint64_t *val);
	int (*write)(void *ctx, uint64_t addr, unsigned size, uint64_t val);
	void *ctx;
	uint64_t fs_base, gs_base; /* added for FS/GS overrides; other segments are flat */
};

enum x86emu_result {
	X86EMU_DONE = 0,        /* emulated: registers (and memory) updated, RIP advanced */
	X86EMU_NOT_EMULABLE,    /* outside the subset: nothing changed */
	X86EMU_MEM_FAULT,       /* a memory callback failed: nothing changed */
	X86EMU_SYSCALL,         /* recognised, not emulated: nothing changed */
	X86EMU_BRANCH,          /* Jcc/JMP/CALL/RET recognised: nothing changed, see target */
};

struct x86emu_branch {
	uint8_t mnemonic;       /* X86DEC_MN_JCC / JMP / CALL / RET */
	uint8_t indirect;       /* target through register or memory (not computed) */
	uint8_t cond;           /* Jcc condition */
	uint8_t taken;          /* Jcc: condition true under the current RFLAGS */
	uint64_t target;        /* direct: absolute target (next RIP + rel) */
	uint64_t fallthrough;   /* RIP of the next instruction */
};

/* Effective address of memory operand op of insn (decoded at regs->rip):
 * base + index * scale + displacement, RIP-relative from the next
 * instruction, truncated to the address size; no segment base. */
uint64_t x86emu_effective_address(const struct x86dec_insn *insn,
				  const struct x86dec_operand *op,
				  const struct x86emu_regs *regs);

/* Emulate the decoded instruction insn (decoded at regs->rip) on regs.
 * Only 64-bit mode instructions are emulated. */
int x86emu_step(const struct x86dec_insn *insn, struct x86emu_regs *regs,
		const struct x86emu_mem_ops *mem, struct x86emu_branch *branch);

#endif
