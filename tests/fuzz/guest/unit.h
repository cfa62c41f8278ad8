/*
 * One fuzzing unit (a block, or one hypercall) as the trap handlers see it:
 * whether one is running, whether it is single-stepped, how it ended, what
 * it did that the end-of-unit checks need to know, and the exit oracle's
 * state (oracle.h). Shared by block.c, hcfuzz.c, trap.c, step.c, oracle.c.
 */
#ifndef FUZZ_UNIT_H
#define FUZZ_UNIT_H

#include <stdint.h>
#include "entry.h"
#include "oracle.h"

enum unit_end {
	END_NONE,
	END_EXC,        /* an exception (or INT n) reached the IDT */
	END_SYSCALL,    /* SYSCALL reached LSTAR/CSTAR */
	END_WATCHDOG,   /* more than UNIT_MAX_STEPS single steps */
	END_ESCAPED,    /* RIP left the code page (or entered the guest) */
	END_AVOIDED,    /* the precheck refused the next instruction */
};

enum unit_avoid {
	AV_NONE, AV_HLT, AV_DEBUG_EXIT, AV_STRIO, AV_HC_CMD, AV_TF, AV_MODE,
	AV_LOOKAHEAD, AV_QUIRK, AV_NR
};

/* unit.flags */
#define U_TOUCHED_DR    (1u << 0)   /* a MOV to a debug register ran */
#define U_TOUCHED_UART  (1u << 1)   /* an OUT to COM1 ran */
#define U_DESC          (1u << 2)   /* LGDT/LIDT/LLDT/LTR/MOV CR3/MOV SS ran */
#define U_SOFTINT       (1u << 3)   /* an INT n/INT3/INTO/INT1 ran (unit.softint) */

#define UNIT_MAX_STEPS  64

/* Instruction forms the precheck can refuse (avoid=), each because it
 * hits a known open defect below the guest (docs/fuzz-l1.md). */
enum quirk {
	QUIRK_MSRHI,    /* RDMSR/WRMSR with RCX[63:32] != 0 */
	QUIRK_CR4BITS,  /* MOV CR4 setting a bit outside CR4_SAFE, or clearing PAE */
	QUIRK_LTRNULL,  /* LTR of a null selector (or of a memory operand) */
	QUIRK_CR0BITS,  /* MOV CR0 clearing PG, or setting NW without CD */
	QUIRK_CR3RSV,   /* MOV CR3 with bits at or above MAXPHYADDR */
	QUIRK_SVMRAX,   /* VMRUN/VMLOAD/VMSAVE with rAX unaligned or too wide */
	QUIRK_LOCK,     /* LOCK on an instruction L1 intercepts (CPUID, RDMSR, ...) */
	QUIRK_REXPFX,   /* an intercepted instruction with REX before a legacy prefix */
	QUIRK_NR
};

/* CR4 bits QEMU's TCG (qemu64,+svm,+npt) lets L2 set without breaking
 * L1's next VMRUN: VME PVI TSD DE PSE MCE PGE PCE OSFXSR OSXMMEXCPT PCIDE. */
#define CR4_SAFE 0x207DFull

extern const char *const quirk_names[QUIRK_NR];
extern unsigned fuzz_phys_bits;    /* MAXPHYADDR, CPUID 8000_0008h EAX[7:0] */

struct unit {
	int active, stepping;
	uint64_t seed, index;
	unsigned cpl;
	unsigned steps;
	int allow_strio;
	unsigned flags;
	uint32_t softint;           /* vectors < 32 a software INT may have raised */
	enum unit_end end;
	enum unit_avoid avoid;
	uint64_t end_dr6;
	struct trap_frame f;        /* the frame at the end */
	struct oracle oracle;
	uint64_t checks;            /* enabled oracle checks (CHECK_* bits) */
	uint64_t quirks;            /* refused instruction forms (QUIRK_* bits) */
	unsigned findings;          /* this unit's */
	uint32_t found_classes;     /* one finding line per class and unit */
};

extern struct unit unit;

/* Ends the unit with the frame f (copied) and kind k; never returns. */
__attribute__((noreturn)) void unit_finish(struct trap_frame *f, enum unit_end k);

/* Records "FINDING seed=S block=B class=C cpl=N <detail>", once per class
 * and unit, for unit_flush (hcfuzz prints its own format). */
void unit_finding(unsigned cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the unit's findings (held back while a block may own the UART). */
void unit_flush(void);

/* Guest-side findings per class, for the summary. */
extern unsigned fuzz_findings[CHECK_NR + 1];

#endif
