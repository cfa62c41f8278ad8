/*
 * The L2 kernel's user ABI: system-call numbers, the user address-space
 * layout and the registers a ring-3 program starts with. Shared by the kernel
 * (guests/kernel/) and the ring-3 workloads (guests/workloads/).
 *
 * System calls follow the x86-64 SYSCALL convention Linux uses: RAX = number,
 * args in RDI, RSI, RDX, R10, R8; result in RAX (negative = -error); SYSCALL
 * itself clobbers RCX and R11 (AMD APM vol.2 6.1.1), every other register is
 * preserved. The kernel dispatches through syscall_table[] with one indirect
 * call (the call that the inlined-trampoline mechanism replaces with
 * direct calls to the hottest entries, docs/mechanisms.md section 6).
 */
#ifndef L2_UAPI_H
#define L2_UAPI_H

#include <stdint.h>

enum l2_sysno {
	L2_SYS_EXIT        = 0, /* (status): ends the run with that status */
	L2_SYS_WRITE       = 1, /* (fd 1|2, buf, len <= L2_WRITE_MAX) -> len */
	L2_SYS_GETPID      = 2, /* () -> pid */
	L2_SYS_GETPPID     = 3, /* () -> parent pid (0: the kernel) */
	L2_SYS_GETUID      = 4, /* () -> uid (always L2_UID) */
	L2_SYS_PHASE_BEGIN = 5, /* (name, len) -> phase index */
	L2_SYS_PHASE_END   = 6, /* (index) -> 0 */
	L2_SYS_MMAP        = 7, /* (len) -> address of a demand-paged region */
	L2_SYS_TEST        = 8, /* (L2_TEST_*, arg) negative tests, see below */
	L2_SYS_LEVEL       = 9, /* () -> 1 (directly on QEMU) or 2 (under L1) */
	L2_SYS_YIELD       = 10, /* () -> 0: the next runnable process runs first */
	L2_SYS_TIMER       = 11, /* (1 start | 0 stop) the periodic APIC timer -> 0;
				  * -L2_EPERM unless the workload is timer */
	L2_SYS_NR
};

/* L2_SYS_TEST kinds */
#define L2_TEST_TRIPLEFAULT 1 /* load an empty IDT and raise #UD: no return */
#define L2_TEST_MAP_OUTSIDE 2 /* map guest-physical RAM top + 16 MiB at arg (a
			       * user page address) -> that guest-physical address */
#define L2_TEST_PROBE       3 /* run kernel probe arg (L2_PROBE_*) -> its value,
			       * or -(L2_EPROBE_BASE + vector) if it faulted */
/* The MBEC workloads (kernel/mbec.h, docs/mbec.md): */
#define L2_TEST_MBEC_HC     4 /* arg = struct l2_mbec_hc *: that MBEC hypercall
			       * made at CPL0 -> 0, results in the struct */
#define L2_TEST_MBEC_POLICY 5 /* declare the kernel's execute policy now (mbec=on,
			       * workload mbec-errors) -> pages of L2 RAM */
#define L2_TEST_USER_PA     6 /* arg = user address -> its guest-physical one */
#define L2_TEST_MBEC_KEXEC  7 /* arg = a `ret` in the user code: the kernel calls
			       * it at CPL0, #PF guarded -> 0 */
#define L2_TEST_MBEC_ALIAS  8 /* map the kernel's `ret` stub's page at
			       * L2_USER_KALIAS_VA, guard a CPL3 fetch -> its address */
#define L2_TEST_MBEC_FAULT  9 /* arg = struct l2_mbec_fault *: what the guard saw */
/* System-call interposition (kernel/interpose_probe.c, docs/interpose.md): */
#define L2_TEST_INTERPOSE   10 /* arg = struct l2_interpose_test *: run its op */
/* Protection domains (kernel/domain_probe.c, docs/mbec.md): */
#define L2_TEST_DOMAIN      11 /* arg = struct l2_domain_test *: run its op */
#define L2_TEST_MBEC_KALIAS 12 /* arg = a `ret` in the user code: the kernel maps its
			       * page at L2_KERNEL_UALIAS_VA (a supervisor alias) and
			       * calls it there at CPL0, #PF guarded -> 0 */

/* L2_TEST_PROBE probes: one privileged instruction each, run at CPL0 */
#define L2_PROBE_RDMSR_UNKNOWN   1 /* RDMSR of MSR 0x12345 */
#define L2_PROBE_WRMSR_TSC       2 /* WRMSR TSC = 0 */
#define L2_PROBE_RDMSR_EFER      3 /* RDMSR EFER -> low 32 bits */
#define L2_PROBE_WRMSR_EFER_SVME 4 /* WRMSR EFER with SVME set */
#define L2_PROBE_VMRUN           5
#define L2_PROBE_VMLOAD          6
#define L2_PROBE_VMSAVE          7
#define L2_PROBE_STGI            8
#define L2_PROBE_CLGI            9
#define L2_PROBE_SKINIT         10
#define L2_PROBE_INVLPGA        11
#define L2_PROBE_MSR_PAIR       12 /* RDMSR EFER, 3 register instructions, WRMSR
				    * EFER (the same value), JMP: an MSR exit pair
				    * (workload exit-pairs) -> EFER's low 32 bits */
#define L2_EPROBE_BASE        2000

/* Errors (returned negated) */
#define L2_EPERM   1
#define L2_ENOENT  2
#define L2_EFAULT  14
#define L2_EINVAL  22
#define L2_ENOMEM  12
#define L2_ENOSYS  38
/* A hypercall status s (enum nestlab_hc_status) failed: -(L2_EHC_BASE + s) */
#define L2_EHC_BASE 1000

#define L2_UID        1000
#define L2_WRITE_MAX  4096u

/* User address space: [L2_USER_BASE, L2_USER_END), one PDPT entry (1 GiB,
 * AMD APM vol.2 5.3.3); the kernel owns [0, 1 GiB) supervisor-only. */
#define L2_USER_BASE       0x40000000ull /* the user image, entry point first */
#define L2_USER_STACK_TOP  0x50000000ull
#define L2_USER_STACK_SIZE 0x4000ull
#define L2_USER_PROBE_VA   0x58000000ull /* where MAP_OUTSIDE tests may map */
#define L2_USER_KALIAS_VA  0x58200000ull /* L2_TEST_MBEC_ALIAS: a kernel code page */
#define L2_KERNEL_UALIAS_VA 0x90000000ull /* L2_TEST_MBEC_KALIAS: a user code page,
					    * supervisor-mapped above user space */
#define L2_USER_KINFO_VA   0x5F000000ull /* struct l2_kinfo, read-only */
#define L2_USER_MMAP_BASE  0x60000000ull /* demand-paged regions */
#define L2_USER_END        0x80000000ull

/* A program starts at L2_USER_BASE with RDI = workload (enum
 * nestlab_workload), RSI = iterations, RDX = transport (enum
 * nestlab_transport), RCX = level (1 or 2), R8 = the process's program (the
 * workload itself, or its procs= entry under multi), R9 = the process's index
 * (0 .. nprocs-1; pid = index + 1), RSP 8 below a 16-byte boundary (as after
 * a CALL), RFLAGS.IF set only under the timer workload. It must end with
 * L2_SYS_EXIT. */

/* The kernel's counters, one page mapped read-only at L2_USER_KINFO_VA in
 * every process: a program can watch them change without a system call (a
 * system call runs with IF = 0 and would hold off the timer interrupt). */
struct l2_kinfo {
	uint64_t nprocs;      /* processes created at boot */
	uint64_t switches;    /* context switches so far */
	uint64_t preemptions; /* of which the timer interrupt made */
	uint64_t ticks;       /* timer interrupts taken */
	uint64_t ticks_user;  /* of which interrupted ring 3 */
	uint64_t phases;      /* phases begun so far */
	uint64_t phase_open;  /* 1 while a phase is open */
	uint64_t phase_index; /* the last phase begun */
	uint64_t phase_ticks; /* ticks when it began */
	uint64_t mbec;        /* 1: mbec=on, the kernel declares an execute policy */
	uint64_t user_gate;   /* INT L2_USER_GATE_VEC taken (user_gate.c) */
	uint64_t user_gate_denied;     /* INT L2_USER_GATE_DENIED_VEC refused (#GP) */
	uint64_t user_gate_denied_rip; /* the last one's fault RIP */
	uint64_t user_gate_denied_error; /* and its error code */
};

/* The kernel's one software-interrupt gate ring 3 may use (IDT DPL 3):
 * `INT L2_USER_GATE_VEC` with RDI = x returns RAX = l2_user_gate_result(x),
 * every other register as it was, and counts in l2_kinfo.user_gate. */
#define L2_USER_GATE_VEC 0x80
/* A vector whose gate is DPL 0 (the APIC timer's): `INT` of it from ring 3
 * raises #GP(vector * 8 + 2) at the INT (APM vol.2 8.9.3, 8.4.1: the IDT
 * form of a selector error code, the vector as the index); the kernel
 * counts it, records the fault's RIP and error code and resumes past the
 * instruction. QEMU 7.2's TCG reports vector * 16 + 2 in long mode
 * (L2_USER_GATE_DENIED_ERR_QEMU), which the kernel accepts too. */
#define L2_USER_GATE_DENIED_VEC 0x20
#define L2_USER_GATE_DENIED_ERR      (L2_USER_GATE_DENIED_VEC * 8 + 2)
#define L2_USER_GATE_DENIED_ERR_QEMU (L2_USER_GATE_DENIED_VEC * 16 + 2)
static inline uint64_t l2_user_gate_result(uint64_t x)
{
	return (x * 0x9E3779B97F4A7C15ull) ^ 0x1A7E0000C0DEull;
}

/* L2_TEST_MBEC_HC: in cmd (NESTLAB_HC_MBEC_ENABLE, _SET or _QUERY) and its
 * arguments; out the hypercall's status and results. */
struct l2_mbec_hc {
	uint64_t cmd, arg0, arg1, arg2;
	uint64_t status, ret0, ret1;
};

/* L2_TEST_INTERPOSE: in op and arg, out the result (value >= 0, or
 * -(L2_EPROBE_BASE + vector) for a probe that faulted, or -L2_E*). */
struct l2_interpose_test {
	uint64_t op, arg;
	int64_t result;
	uint64_t status, ret0, ret1;  /* L2_INTERPOSE_HC: the hypercall's */
};
#define L2_INTERPOSE_LSTAR_READ  1 /* -> LSTAR as RDMSR reads it */
#define L2_INTERPOSE_LSTAR_WRITE 2 /* WRMSR LSTAR = arg, guarded -> 0 */
#define L2_INTERPOSE_ENTRY       3 /* -> the kernel's own system-call entry */
#define L2_INTERPOSE_ALT_ENTRY   4 /* -> a second entry: counts, then the first */
#define L2_INTERPOSE_ALT_COUNT   5 /* -> system calls through the second entry */
#define L2_INTERPOSE_HC          6 /* the interposition hypercall arg >> 32 with
				    * arg0 = (uint32_t)arg at CPL0 -> 0, status
				    * and results; for REGISTER arg0 is a case: */
#define L2_INTERPOSE_REG_VALID        0  /* the kernel's own entry page as the
					    * code, two kernel pages */
#define L2_INTERPOSE_REG_MISALIGNED   1  /* the control page address + 8 */
#define L2_INTERPOSE_REG_UNMAPPED     2  /* an address the kernel does not map */
#define L2_INTERPOSE_REG_USER_PAGE    3  /* a user page */
#define L2_INTERPOSE_REG_MAGIC        4  /* a wrong magic */
#define L2_INTERPOSE_REG_VERSION      5  /* a wrong version */
#define L2_INTERPOSE_REG_ENTRY_OUT    6  /* the entry past the code */
#define L2_INTERPOSE_REG_CODE_BIG     7  /* 17 pages of code */
#define L2_INTERPOSE_REG_CODE_ALIGN   8  /* code_end not page-aligned */
#define L2_INTERPOSE_REG_COUNTERS_CTL 9  /* the counter page is the control page */
#define L2_INTERPOSE_REG_COUNTERS_OUT 10 /* the counter page not mapped */
#define L2_INTERPOSE_REG_CODE_IS_CTL  11 /* the code page is the control page */
#define L2_INTERPOSE_REG_MODULE       12 /* the interposer module's own page */
#define L2_INTERPOSE_REG_AGAIN        13 /* the kernel's page as case 0 left it */
#define L2_INTERPOSE_ENTRY_BYTE  8 /* -> the first byte at the kernel's entry, read as data */
/* entry.S: syscall_entry begins with MOV r/m64, r64 (REX.W 89 /r) */
#define L2_INTERPOSE_ENTRY_FIRST_BYTE 0x48
#define L2_INTERPOSE_TAMPER      7 /* as a hostile kernel, CR0.WP clear, write to
				    * the module's entry code (arg 0), its control
				    * page's real target (1), its counter page (2)
				    * -> 1 if the write took effect (undone), 0 if
				    * it did not; -L2_ENOENT without a module */


/* L2_TEST_DOMAIN: in op and arg; out the result (>= 0, or -(L2_EPROBE_BASE
 * + vector) for a probe that faulted, or -L2_E*), the hypercall's status
 * and results, and for a #PF its CR2. */
struct l2_domain_test {
	uint64_t op, arg;
	int64_t result;
	uint64_t status, ret0, cr2;
};
#define L2_DOMAIN_CREATE     1 /* DOMAIN_CREATE, arg a case below -> status, ret0 */
#define L2_DOMAIN_READ       2 /* read the domain's secret from outside, guarded */
#define L2_DOMAIN_ENTER_AWAY 3 /* call the domain's code elsewhere than the gate, guarded */
#define L2_DOMAIN_CALL       4 /* DOMAIN_CALL, arg the value -> status, ret0 the result */
#define L2_DOMAIN_RETURN     5 /* DOMAIN_RETURN from outside -> status */
#define L2_DOMAIN_CALL_BAD   6 /* DOMAIN_CALL of an id that is not the domain's -> status */
#define L2_DOMAIN_ADDRESSES  7 /* -> result the secret's address, ret0 the away entry's */
#define L2_DOMAIN_SECRET     0x5EC12E70D0A1ull /* what the domain's data page holds */
/* DOMAIN_CREATE cases: */
#define L2_DOMAIN_DESC_VALID     0 /* the domain's code page and data page, its gate */
#define L2_DOMAIN_DESC_MAGIC     1
#define L2_DOMAIN_DESC_NO_RANGE  2
#define L2_DOMAIN_DESC_MISALIGN  3
#define L2_DOMAIN_DESC_OUTSIDE   4 /* a range past L2 RAM */
#define L2_DOMAIN_DESC_TOO_BIG   5 /* 65 pages */
#define L2_DOMAIN_DESC_OVERLAP   6
#define L2_DOMAIN_DESC_GATE_OUT  7 /* the gate in neither range */
#define L2_DOMAIN_DESC_UNMAPPED  8 /* the descriptor's address not mapped */
#define L2_DOMAIN_DESC_CASES     9

/* L2_TEST_MBEC_FAULT: the last guarded probe (L2_TEST_MBEC_KEXEC or _ALIAS). */
struct l2_mbec_fault {
	uint64_t target;      /* the guarded stub's address */
	uint64_t faults;      /* #PFs caught at it (0: the call just returned) */
	uint64_t error, cr2, rip; /* the last one's error code, CR2 and RIP */
};

#endif
