/*
 * The vendor contract: everything generic L1 code (core/, mm/, mech/) may ask
 * of the virtualization extension, and nothing more. arch/x86/svm*.c
 * implements it for AMD SVM; a VMX backend would implement the same
 * functions in arch/x86/vmx*.c and be chosen by the build's file list
 * (l1hyp/module.mk), never by #ifdef in .c files. The vendor's control block
 * (VMCB, VMCS) stays behind vcpu->vendor; generic code sees the guest through
 * struct vcpu (GPRs, RIP, RFLAGS in vcpu->regs, synchronised by
 * vendor_vcpu_run) and the accessors below.
 *
 * What a VMX backend has to provide is listed in docs/l1-design.md.
 */
#ifndef L1_ARCH_VCPU_VENDOR_H
#define L1_ARCH_VCPU_VENDOR_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct vcpu;
struct guest_paging;

/* What the extension offers, probed once. */
struct vendor_caps {
	bool nested_paging;     /* NPT / EPT: required */
	bool next_rip;          /* the CPU reports the intercepted instruction's length */
	bool flush_by_asid;     /* TLB flush of one ASID without flushing all */
	uint32_t nr_asids;      /* ASIDs 0..nr_asids-1; 0 is the host's */
	const char *name;       /* "SVM" */
};

/* 0 if usable; else -1 and a message naming what is missing and the fix. */
int  vendor_probe(struct vendor_caps *caps, char *why, size_t whylen);
/* Turn the extension on for this CPU (EFER.SVME, host save area). 0 or -1. */
int  vendor_enable(const struct vendor_caps *caps);

/* The state a multiboot loader leaves (Multiboot 0.6.96, 3.2): 32-bit flat
 * protected mode from a 3-entry GDT (null, code 0x08, data 0x10) at gdt_gpa,
 * paging off, interrupts off, EAX = magic, EBX = info pointer. */
struct vcpu_boot_state {
	uint32_t entry;
	uint32_t gdt_gpa;
	uint32_t eax, ebx;
};

/* Allocate the control block and bitmaps for v, intercept everything L1
 * needs (CPUID, HLT, port I/O, MSRs, SHUTDOWN, the SVM instructions,
 * VMMCALL, task switches), load the boot state and point nested paging at
 * view 0. 0 or -1 (out of memory). */
int  vendor_vcpu_create(struct vcpu *v, const struct vcpu_boot_state *boot);

/* Enter the guest with v->regs and return at the next exit with v->regs
 * updated, v->exit filled and v->exit_tsc the TSC read right after the
 * exit. An event whose delivery the exit interrupted is queued again. */
void vendor_vcpu_run(struct vcpu *v);

/* ---- guest state ---- */
unsigned vendor_cpl(const struct vcpu *v);
/* Set the CPL L2 runs at from the next entry (an instruction L1 emulated
 * changed it, e.g. SYSCALL/SYSRET: the CPL is not derived from a selector
 * then, APM vol.3 SYSRET "CPL = 3"); after vendor_set_segment of SS, whose
 * DPL the vendor may make the CPL's. */
void     vendor_set_cpl(struct vcpu *v, unsigned cpl);
/* CR0, CR2, CR3, CR4 and EFER as the guest sees them (EFER without the
 * extension's enable bit). */
uint64_t vendor_read_cr(const struct vcpu *v, unsigned cr);
void     vendor_write_cr(struct vcpu *v, unsigned cr, uint64_t val);
uint64_t vendor_efer(const struct vcpu *v);
void     vendor_set_efer(struct vcpu *v, uint64_t efer);
/* The four registers that decide L2's address translation. */
void     vendor_paging(const struct vcpu *v, struct guest_paging *pg);

enum vcpu_seg { VCPU_SEG_ES, VCPU_SEG_CS, VCPU_SEG_SS, VCPU_SEG_DS, VCPU_SEG_FS,
		VCPU_SEG_GS, VCPU_SEG_TR, VCPU_SEG_LDTR, VCPU_SEG_GDTR, VCPU_SEG_IDTR,
		VCPU_SEG_NR };

/* A segment register's hidden part. attr holds the descriptor's attribute
 * bits packed into 12 bits: type[3:0] S DPL[1:0] P (descriptor byte 5)
 * then AVL L D/B G (the high nibble of byte 6), APM vol.2 4.7-4.8. GDTR
 * and IDTR have base and limit only. */
#define VCPU_SEG_ATTR_L   (1u << 9)
#define VCPU_SEG_ATTR_DB  (1u << 10)

struct vcpu_segment {
	uint16_t selector;
	uint16_t attr;
	uint64_t base;
	uint32_t limit;         /* in bytes (G already applied) */
	bool long_mode;         /* CS.L */
	bool big;               /* CS.D / SS.B */
};
void vendor_segment(const struct vcpu *v, enum vcpu_seg seg, struct vcpu_segment *out);
/* Load a segment register's selector and hidden part (selector, attr,
 * base, limit; long_mode/big are derived from attr). */
void vendor_set_segment(struct vcpu *v, enum vcpu_seg seg, const struct vcpu_segment *in);
/* 64-bit mode: EFER.LMA and CS.L (APM vol.2 4.8.1). */
bool vendor_long_mode(const struct vcpu *v);

/* MSRs whose guest value the control block holds (switched by the world
 * switch, e.g. STAR/LSTAR/SFMASK/KERNEL_GS_BASE/SYSENTER_*, FS/GS base,
 * PAT, EFER). 0, or -1 if the vendor does not hold that MSR. */
int  vendor_get_guest_msr(const struct vcpu *v, uint32_t msr, uint64_t *val);
int  vendor_set_guest_msr(struct vcpu *v, uint32_t msr, uint64_t val);

/* DR6 (APM vol.2 13.1.1.3) as the guest sees it, and setting it. */
uint64_t vendor_dr6(const struct vcpu *v);
void     vendor_set_dr6(struct vcpu *v, uint64_t dr6);

/* ---- events ---- */
/* Queue a hardware exception for the next entry; cr2 is loaded for #PF. */
void vendor_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			     uint32_t error, uint64_t cr2);
/* Queue the event of a software-interrupt instruction of len bytes at RIP
 * that L1 intercepted, for L2 to take as the instruction would: through
 * IDT vector `vector`, with the return address past the instruction.
 * intn: INT n (a software interrupt, APM vol.2 15.20 EVENTINJ type 4);
 * otherwise INT3, INTO or INT1, the trap exceptions #BP, #OF, #DB (type 3).
 * Without next-RIP support the return address is the RIP L2 resumes at,
 * so RIP moves past the instruction (APM 15.20; the caller has checked the
 * gate: a fault of the delivery itself would report the next RIP); with
 * it, RIP stays and nRIP holds the return address (KVM's way). An
 * interrupted delivery is queued again, unlike an event of L2's own
 * INT n, which L2 re-executes. */
void vendor_inject_soft_event(struct vcpu *v, unsigned vector, unsigned len, bool intn);
/* Queue the #DB trap of an instruction L1 emulated, with dr6_bits (e.g.
 * DR6.BS for single step) set in the guest's DR6. */
void vendor_inject_debug_trap(struct vcpu *v, uint64_t dr6_bits);

/* ---- external interrupts (svm_irq.c on SVM) ---- */
/* An event is queued for the next entry already (an exception, or an event
 * whose delivery an exit interrupted and that the vendor re-queued). */
bool vendor_event_pending(const struct vcpu *v);
/* L1 asked for an interrupt window (vendor_interrupt_window on): an
 * interrupt waits for L2 to become interruptible. Work that runs L2's
 * instructions inside an exit (exit-level batching) ends before it. */
bool vendor_interrupt_window_requested(const struct vcpu *v);
/* L2 would take a maskable interrupt now: RFLAGS.IF = 1 and no STI / MOV SS
 * interrupt shadow (APM vol.2 8.5 and 15.21.5; SDM vol.3 6.8.3). */
bool vendor_interruptible(const struct vcpu *v);
/* Queue external interrupt vector (32..255) for the next entry: L2 takes
 * it through its IDT before its first instruction (APM 15.20 EVENTINJ). */
void vendor_inject_interrupt(struct vcpu *v, unsigned vector);
/* Queue an NMI for the next entry. */
void vendor_inject_nmi(struct vcpu *v);
/* Ask for an exit as soon as L2 can take an interrupt of priority class
 * prio (1..15) under its TPR (tpr_gates) or whatever its TPR says, or stop
 * asking (on = false): the exit is NESTLAB_EXIT_VINTR. */
void vendor_interrupt_window(struct vcpu *v, bool on, unsigned prio, bool tpr_gates);
/* The guest's CR8 as the CPU keeps it without exits (APM 15.21.4 V_TPR),
 * and setting it (an APIC TPR write L1 emulated). */
unsigned vendor_get_cr8(const struct vcpu *v);
void vendor_set_cr8(struct vcpu *v, unsigned cr8);

/* ---- intercepts ---- */
enum vcpu_intercept {
	VCPU_INTERCEPT_CPUID, VCPU_INTERCEPT_HLT, VCPU_INTERCEPT_IO,
	VCPU_INTERCEPT_MSR, VCPU_INTERCEPT_SHUTDOWN, VCPU_INTERCEPT_TASK_SWITCH,
	VCPU_INTERCEPT_VMMCALL, VCPU_INTERCEPT_VIRT_INSNS, /* VMRUN..SKINIT, INVLPGA */
	VCPU_INTERCEPT_MONITOR, VCPU_INTERCEPT_INVD, VCPU_INTERCEPT_PAUSE,
	VCPU_INTERCEPT_RDTSCP, VCPU_INTERCEPT_XSETBV,
	VCPU_INTERCEPT_CR0_WRITE, VCPU_INTERCEPT_CR4_WRITE, /* MOV CRn, LMSW, CLTS */
	VCPU_INTERCEPT_TR_WRITE,                            /* LTR */
	VCPU_INTERCEPT_INTR,            /* L1's own interrupts end the guest's run */
	VCPU_INTERCEPT_CR8_WRITE,       /* MOV CR8 (TPR) */
	VCPU_INTERCEPT_IRET,            /* IRET, before it executes (APM 15.9) */
	VCPU_INTERCEPT_INTN,            /* INT n (and INT3/INTO/INT1 where the CPU says so):
					 * NESTLAB_EXIT_SWINT, RIP at the instruction */
	VCPU_INTERCEPT_NR
};
void vendor_set_intercept(struct vcpu *v, enum vcpu_intercept what, bool on);
/* Intercept the exceptions whose vector bits are set in mask (bit n:
 * vector n, 0..31) and no others: each raised in L2 exits before it is
 * delivered (NESTLAB_EXIT_EXCP_*, exit_info.exc), RIP at the faulting
 * instruction for a fault, after it for a trap. */
void vendor_set_exception_intercepts(struct vcpu *v, uint32_t mask);
/* Intercept (true) or pass through (false) guest reads and writes of msr.
 * MSRs outside the vendor's bitmap are always intercepted. */
void vendor_set_msr_intercept(struct vcpu *v, uint32_t msr, bool read, bool write);

/* ---- nested paging views and the TLB ---- */
/* Make view index the active nested page table (its root and ASID) from the
 * next entry on. */
void vendor_switch_view(struct vcpu *v, unsigned index);
enum vcpu_flush { VCPU_FLUSH_ASID, VCPU_FLUSH_ALL };
/* Flush guest TLB entries at the next entry: of the active view's ASID, or
 * of every ASID. Without flush-by-ASID, an ASID flush flushes all. */
void vendor_flush_tlb(struct vcpu *v, enum vcpu_flush scope);

/* ---- diagnoses ---- */
/* Print the guest's registers and the exit's raw fields on L1's console. */
void vendor_dump_state(const struct vcpu *v);

#endif
