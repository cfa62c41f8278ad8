/*
 * The SVM Virtual Machine Control Block: layout of the control area and the
 * state-save area (AMD APM vol.2, appendix B "Layout of VMCB", tables B-1 and
 * B-2), intercept bits, exit codes (appendix C) and EVENTINJ encoding
 * (15.20). Offsets are checked at compile time.
 */
#ifndef L1_ARCH_VMCB_H
#define L1_ARCH_VMCB_H

#include <stdint.h>

/* CR read/write intercepts (offset 0x00), APM table B-1 */
#define SVM_INTERCEPT_CR_READ(n)   (1u << (n))
#define SVM_INTERCEPT_CR_WRITE(n)  (1u << (16 + (n)))

/* Intercept vector 3 (offset 0x0C) bits, APM table B-1 */
#define SVM_INTERCEPT_INTR         (1u << 0)
#define SVM_INTERCEPT_VINTR        (1u << 4)
#define SVM_INTERCEPT_NMI          (1u << 1)
#define SVM_INTERCEPT_TR_WRITE     (1u << 13)
#define SVM_INTERCEPT_CPUID        (1u << 18)
#define SVM_INTERCEPT_IRET         (1u << 20)
#define SVM_INTERCEPT_INTN         (1u << 21)  /* INTn, INT3, INTO (and ICEBP under QEMU's TCG) */
#define SVM_INTERCEPT_INVD         (1u << 22)
#define SVM_INTERCEPT_PAUSE        (1u << 23)
#define SVM_INTERCEPT_HLT          (1u << 24)
#define SVM_INTERCEPT_INVLPGA      (1u << 26)
#define SVM_INTERCEPT_IOIO_PROT    (1u << 27)
#define SVM_INTERCEPT_MSR_PROT     (1u << 28)
#define SVM_INTERCEPT_TASK_SWITCH  (1u << 29)
#define SVM_INTERCEPT_SHUTDOWN     (1u << 31)
/* Intercept vector 4 (offset 0x10) bits */
#define SVM_INTERCEPT_VMRUN        (1u << 0)
#define SVM_INTERCEPT_VMMCALL      (1u << 1)
#define SVM_INTERCEPT_VMLOAD       (1u << 2)
#define SVM_INTERCEPT_VMSAVE       (1u << 3)
#define SVM_INTERCEPT_STGI         (1u << 4)
#define SVM_INTERCEPT_CLGI         (1u << 5)
#define SVM_INTERCEPT_SKINIT       (1u << 6)
#define SVM_INTERCEPT_RDTSCP       (1u << 7)
#define SVM_INTERCEPT_MONITOR      (1u << 10)
#define SVM_INTERCEPT_MWAIT        (1u << 11)
#define SVM_INTERCEPT_MWAIT_COND   (1u << 12)
#define SVM_INTERCEPT_XSETBV       (1u << 13)

/* Exit codes, APM appendix C */
#define SVM_EXIT_CR_WRITE(n) (0x010 + (n))
#define SVM_EXIT_TR_WRITE    0x06D
#define SVM_EXIT_EXCP_BASE   0x040
#define SVM_EXIT_INTR        0x060
#define SVM_EXIT_NMI         0x061
#define SVM_EXIT_SMI         0x062
#define SVM_EXIT_INIT        0x063
#define SVM_EXIT_VINTR       0x064
#define SVM_EXIT_CPUID       0x072
#define SVM_EXIT_IRET        0x074
#define SVM_EXIT_SWINT       0x075  /* VMEXIT_SWINT: INTn; no EXITINFO, RIP at the instruction */
#define SVM_EXIT_INVD        0x076
#define SVM_EXIT_PAUSE       0x077
#define SVM_EXIT_HLT         0x078
#define SVM_EXIT_INVLPGA     0x07A
#define SVM_EXIT_IOIO        0x07B
#define SVM_EXIT_MSR         0x07C
#define SVM_EXIT_TASK_SWITCH 0x07D
#define SVM_EXIT_SHUTDOWN    0x07F
#define SVM_EXIT_VMRUN       0x080
#define SVM_EXIT_VMMCALL     0x081
#define SVM_EXIT_VMLOAD      0x082
#define SVM_EXIT_VMSAVE      0x083
#define SVM_EXIT_STGI        0x084
#define SVM_EXIT_CLGI        0x085
#define SVM_EXIT_SKINIT      0x086
#define SVM_EXIT_RDTSCP      0x087
#define SVM_EXIT_MONITOR     0x08A
#define SVM_EXIT_MWAIT       0x08B
#define SVM_EXIT_MWAIT_COND  0x08C
#define SVM_EXIT_XSETBV      0x08D
#define SVM_EXIT_NPF         0x400
/* VMRUN failed its consistency checks (APM 15.5.1). EXITCODE is 64 bits of
 * -1 on hardware; QEMU's TCG stores it as a 32-bit -1: accept both. */
#define SVM_EXIT_INVALID     ((uint64_t)-1)
#define SVM_EXIT_INVALID32   0xFFFFFFFFull

/* IOIO EXITINFO1 (APM 15.10.2, figure 15-2) */
#define SVM_IOIO_TYPE_IN     (1u << 0)
#define SVM_IOIO_STR         (1u << 2)
#define SVM_IOIO_REP         (1u << 3)
#define SVM_IOIO_SZ8         (1u << 4)
#define SVM_IOIO_SZ16        (1u << 5)
#define SVM_IOIO_SZ32        (1u << 6)
#define SVM_IOIO_PORT_SHIFT  16

/* NPF EXITINFO1 error code (APM 15.25.6) */
#define SVM_NPF_P            (1ull << 0)
#define SVM_NPF_RW           (1ull << 1)
#define SVM_NPF_US           (1ull << 2)
#define SVM_NPF_RSVD         (1ull << 3)
#define SVM_NPF_ID           (1ull << 4)
#define SVM_NPF_GPA          (1ull << 32) /* fault on the final guest-physical access */
#define SVM_NPF_PT           (1ull << 33) /* fault during a guest page-table walk */

/* TLB_CONTROL (VMCB 0x05C, APM 15.16.1 "TLB Flush") */
#define SVM_TLB_CONTROL_DO_NOTHING        0x00
#define SVM_TLB_CONTROL_FLUSH_ALL         0x01  /* every entry, every ASID */
#define SVM_TLB_CONTROL_FLUSH_ASID        0x03  /* this guest's ASID (needs FlushByAsid) */
#define SVM_TLB_CONTROL_FLUSH_ASID_LOCAL  0x07  /* ... except global entries */

/* VINTR control (VMCB 0x060, APM 15.21.1-15.21.4 and table B-1) */
#define SVM_INT_CTL_V_TPR          0x0Full      /* bits 3:0: the guest's CR8 */
#define SVM_INT_CTL_V_IRQ          (1ull << 8)  /* a virtual interrupt is pending */
#define SVM_INT_CTL_V_INTR_PRIO_SHIFT 16        /* bits 19:16: its priority */
#define SVM_INT_CTL_V_INTR_PRIO    (0xFull << 16)
#define SVM_INT_CTL_V_IGN_TPR      (1ull << 20) /* deliver whatever V_TPR says */
#define SVM_INT_CTL_V_INTR_MASKING (1ull << 24) /* host RFLAGS.IF gates physical INTR */
#define SVM_INT_CTL_V_INTR_VECTOR_SHIFT 32      /* bits 39:32: its vector */

/* Nested paging control (VMCB 0x090, APM 15.25.3) */
#define SVM_NP_ENABLE        (1ull << 0)

/* CPUID Fn8000_000A EDX: SVM features (APM vol.3 appendix E.4.9) */
#define SVM_FEAT_NP          (1u << 0)
#define SVM_FEAT_NRIPS       (1u << 3)
#define SVM_FEAT_FLUSH_BY_ASID (1u << 6)

/* EVENTINJ / EXITINTINFO (APM 15.20) */
#define SVM_EVTINJ_VALID     (1ull << 31)
#define SVM_EVTINJ_EV        (1ull << 11)
#define SVM_EVTINJ_TYPE_MASK (7ull << 8)
#define SVM_EVTINJ_TYPE_INTR (0ull << 8)
#define SVM_EVTINJ_TYPE_NMI  (2ull << 8)
#define SVM_EVTINJ_TYPE_EXCEPTION (3ull << 8)
#define SVM_EVTINJ_TYPE_SOFT (4ull << 8)   /* INTn */
#define SVM_EVTINJ_VECTOR    0xFFull

/* Interrupt state (VMCB 0x068, APM 15.21.5) */
#define SVM_INT_STATE_SHADOW (1ull << 0)   /* in an STI / MOV SS shadow */

/* Segment attribute bits in the VMCB's packed form (APM 15.5.1) */
#define SVM_SEG_ATTR_L       (1u << 9)    /* CS.L: 64-bit code */
#define SVM_SEG_ATTR_DB      (1u << 10)   /* CS.D / SS.B */

/* Segment attribute encoding in the VMCB (APM 15.5.1): type[3:0] S DPL[1:0] P AVL L D G */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000 */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exceptions;  /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00C */
	uint32_t intercept_misc2;       /* 0x010 */
	uint32_t intercept_misc3;       /* 0x014 */
	uint8_t  reserved_018[0x03C - 0x018];
	uint16_t pause_filter_thresh;   /* 0x03C */
	uint16_t pause_filter_count;    /* 0x03E */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 */
	uint8_t  tlb_control;           /* 0x05C */
	uint8_t  reserved_05d[3];
	uint64_t int_ctl;               /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING (bit 24) ... */
	uint64_t int_state;             /* 0x068: interrupt shadow */
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info1;            /* 0x078 */
	uint64_t exit_info2;            /* 0x080 */
	uint64_t exit_int_info;         /* 0x088 */
	uint64_t np_control;            /* 0x090: bit 0 NP_ENABLE */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0A0 */
	uint64_t event_inj;             /* 0x0A8 */
	uint64_t n_cr3;                 /* 0x0B0 */
	uint64_t virt_ext;              /* 0x0B8 */
	uint32_t clean_bits;            /* 0x0C0 */
	uint32_t reserved_0c4;
	uint64_t next_rip;              /* 0x0C8: nRIP, 0 without NRIPS (TCG) */
	uint8_t  insn_len;              /* 0x0D0 */
	uint8_t  insn_bytes[15];        /* 0x0D1 */
	uint8_t  reserved_0e0[0x400 - 0x0E0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400..0x49F */
	uint8_t  reserved_4a0[0x4CB - 0x4A0];
	uint8_t  cpl;                   /* 0x4CB */
	uint32_t reserved_4cc;
	uint64_t efer;                  /* 0x4D0 */
	uint8_t  reserved_4d8[0x548 - 0x4D8];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t  reserved_580[0x5D8 - 0x580];
	uint64_t rsp;                   /* 0x5D8 */
	uint8_t  reserved_5e0[0x5F8 - 0x5E0];
	uint64_t rax;                   /* 0x5F8 */
	uint64_t star;                  /* 0x600 */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t  reserved_648[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668 */
	uint8_t  reserved_670[0x1000 - 0x670];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed, aligned(4096)));

_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area size");
_Static_assert(__builtin_offsetof(struct vmcb, control.exit_code) == 0x070, "exit_code");
_Static_assert(__builtin_offsetof(struct vmcb, control.n_cr3) == 0x0B0, "n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, control.next_rip) == 0x0C8, "nrip");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4CB, "cpl");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4D0, "efer");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "cr4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5D8, "rsp");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5F8, "rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "cr2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "g_pat");
_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");

#endif
