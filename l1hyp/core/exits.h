/*
 * Exit handlers, one per intercepted event, called by the vCPU loop
 * (vcpu.c). Each returns flags for accounting (HC_MARKER from hypercall.h
 * for phase markers) and leaves L2's state ready for the next VMRUN: RIP
 * advanced past the instruction, or an exception queued, or the run ended.
 */
#ifndef L1_EXITS_H
#define L1_EXITS_H

#include <stdint.h>
#include <stdbool.h>

unsigned exit_cpuid(uint64_t tsc);
unsigned exit_vmmcall(uint64_t tsc);
unsigned exit_ioio(uint64_t tsc);
unsigned exit_msr(uint64_t tsc);
unsigned exit_npf(uint64_t tsc);
unsigned exit_hlt(uint64_t tsc);
unsigned exit_shutdown(uint64_t tsc);
unsigned exit_svm_insn(uint64_t tsc);

/* The MSRs L2 reaches without exits (docs/exit-path.md), set in msrpm. */
void msr_policy_init(uint8_t *msrpm);

/* Guest access helpers (guest_access.c) */
/* Length of the instruction at L2's RIP if it is opcode; 0 otherwise. */
unsigned guest_insn_len(const uint8_t *opcode, unsigned oplen);
/* Copy from L2 virtual memory as an access by the current CPL. 0 or <0. */
int guest_copy(uint64_t gva, void *dst, uint64_t len);
/* Advance L2's RIP by len (wrapping at 32 bits outside 64-bit mode). */
void guest_advance_rip(unsigned len);
/* Run a hypercall from the registers of the current exit (regs rax..rdi). */
unsigned hypercall_from_guest(uint64_t tsc);
/* Set up the hypercall services once, before L2 first runs. */
void hypercall_env_init(void);

#endif
