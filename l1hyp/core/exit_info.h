/*
 * What one VM exit was, in vendor-neutral terms: the vendor layer fills a
 * struct exit_info once per exit (l1hyp/arch/vcpu_vendor.h), and every
 * generic handler reads only this, never the vendor's control block. Only
 * the qualifier that belongs to the reason is valid (io for IOIO, msr for
 * MSR, npf for NPF, exc for exception intercepts); insn_len is the length of
 * the intercepted instruction when the hardware reported it (AMD nRIP save,
 * APM vol.2 15.7.1; Intel VM-exit instruction length, SDM vol.3 28.2.4), 0
 * when generic code must decode it.
 */
#ifndef L1_EXIT_INFO_H
#define L1_EXIT_INFO_H

#include <stdint.h>
#include <stdbool.h>
#include <nestlab/exit_reason.h>

/* Port I/O: IN/OUT/INS/OUTS (APM vol.2 15.10.2; SDM vol.3 table 28-5).
 * The flag bits are placed as in SVM's EXITINFO1 so that backend decodes
 * them with one mask; a VMX backend translates its exit qualification. */
#define EXIT_IO_IN      (1u << 0)   /* IN/INS (else OUT/OUTS) */
#define EXIT_IO_STRING  (1u << 2)   /* INS/OUTS */
#define EXIT_IO_REP     (1u << 3)   /* REP prefix */
#define EXIT_IO_SZ8     (1u << 4)   /* operand size: exactly one of these */
#define EXIT_IO_SZ16    (1u << 5)
#define EXIT_IO_SZ32    (1u << 6)

struct exit_io {
	uint16_t port;
	uint8_t flags;          /* EXIT_IO_* */
	uint64_t next_rip;      /* RIP of the next instruction, always known */
};

/* Operand size in bytes: 1, 2 or 4. */
static inline unsigned exit_io_size(const struct exit_io *io)
{
	return (io->flags & EXIT_IO_SZ8) ? 1 : (io->flags & EXIT_IO_SZ16) ? 2 : 4;
}

/* RDMSR/WRMSR: index from ECX, direction. */
struct exit_msr {
	uint32_t index;
	bool write;
};

/* Nested page fault (APM vol.2 15.25.6; EPT violation, SDM vol.3 28.2.1). */
#define EXIT_NPF_READ     (1u << 0)
#define EXIT_NPF_WRITE    (1u << 1)
#define EXIT_NPF_FETCH    (1u << 2)
#define EXIT_NPF_PRESENT  (1u << 3)  /* the nested entry was present: a permission fault */
#define EXIT_NPF_RSVD     (1u << 4)  /* reserved bit in a nested entry */
#define EXIT_NPF_IN_WALK  (1u << 5)  /* during L2's own page-table walk */

struct exit_npf {
	uint64_t gpa;
	unsigned flags;         /* EXIT_NPF_* */
	uint64_t raw_error;     /* the vendor's error word, for diagnoses only */
};

/* An intercepted exception (APM vol.2 15.12). */
struct exit_exception {
	uint8_t vector;
	bool has_error;
	uint32_t error;
	uint64_t cr2;           /* #PF: the faulting address */
};

/* VMRUN refused the state (VMEXIT_INVALID): the consistency check that
 * failed, if the backend could tell, and whether the state was L2's. */
struct exit_invalid {
	const char *check;      /* NULL: none of the known checks */
	bool l2_fault;
};

struct exit_info {
	enum nestlab_exit_reason reason;
	uint64_t raw_code;      /* the vendor's exit code, for diagnoses only */
	uint8_t insn_len;       /* 0: unknown, decode at RIP */
	/* Every exit: L2's CPL and mode when it exited, i.e. the
	 * intercepted (or faulting) instruction's
	 * (vendor_cpl/vendor_long_mode give live values). */
	uint8_t cpl;
	bool long_mode;
	union {
		struct exit_io io;
		struct exit_msr msr;
		struct exit_npf npf;
		struct exit_exception exc;
		struct exit_invalid invalid;
	};
};

#endif
