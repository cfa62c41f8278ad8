/*
 * Instruction length for RIP advance without nRIP (QEMU's TCG offers no
 * NRIPS, AMD APM vol.2 15.7.1): after an intercept of a fixed-opcode
 * instruction (CPUID 0F A2, VMMCALL 0F 01 D9, HLT F4, RDMSR 0F 32, WRMSR
 * 0F 30 ...) L1 reads the bytes at the guest's RIP and checks that they are
 * that opcode, preceded only by prefixes (legacy groups 1-4; REX in 64-bit
 * mode, AMD APM vol.3 1.2), within the 15-byte limit. Pure C.
 */
#ifndef L1_INSN_LEN_H
#define L1_INSN_LEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define INSN_MAX_LEN 15

/* Length of the instruction in bytes[0..n) if it is opcode[0..oplen) with
 * prefixes only before it; 0 if not (wrong bytes, too long, truncated). */
unsigned insn_len_match(const uint8_t *bytes, size_t n, bool long_mode,
			const uint8_t *opcode, size_t oplen);

#endif
