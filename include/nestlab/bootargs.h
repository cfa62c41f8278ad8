/*
 * Command lines the levels pass each other, and the workload list.
 *
 * L1's command line (multiboot cmdline of the L1 image, QEMU -append):
 *   l2mem=<MiB>       L2 guest-physical RAM size (default NESTLAB_L2MEM_DEFAULT_MIB)
 *   npt=eager|lazy    eager (default): all of L2 RAM mapped in the NPT at boot;
 *                     lazy: one NPF exit per first touch of each 4 KiB page
 *   mbec=off|exec-fault mbec_tlb=asid|flush mbec_violation=report|inject|stop
 *                     L1's emulation of mode-based execute control for L2
 *                     (docs/mbec.md; the launcher's --mbec, --mbec-tlb,
 *                     --mbec-violation)
 * L2's command line (multiboot module string at level 2, -append at level 1):
 *   workload=<name> iterations=<N> transport=vmmcall|backdoor [l1=nestlab|kvm]
 *   [procs=<program>,<program>...] [timer_hz=<N>] [mbec=on|off]
 *   [batch=off|kernel] [batch_max=<N>]
 *                     (l1=kvm: under Linux KVM and nestlab's VMM, docs/kvm-l1.md;
 *                     procs=: the programs of workload multi, include/nestlab/procs.h;
 *                     timer_hz=: the local APIC timer's rate for workload timer;
 *                     mbec=on: declare the kernel's execute policy to L1's MBEC
 *                     emulation, docs/mbec.md)
 *
 * Both kernels are flat binaries with a multiboot v1 header using the a.out
 * kludge (flags bit 16), loaded and entered the way QEMU's -kernel does.
 */
#ifndef NESTLAB_BOOTARGS_H
#define NESTLAB_BOOTARGS_H

#define NESTLAB_L2MEM_DEFAULT_MIB  64u
#define NESTLAB_L2MEM_MIN_MIB      8u
#define NESTLAB_L2_LOAD_ADDR       0x100000u /* where the L2 kernel links */
#define NESTLAB_ITERATIONS_DEFAULT 1000u
#define NESTLAB_ITERATIONS_MAX     100000000u
/* timer_hz= (launcher: --timer-hz): periodic local APIC timer interrupts per
 * second of the timer workload. At the top of the range one period is 10,000
 * instructions under TCG's -icount shift=0, which leaves L1 room to deliver
 * each interrupt at level 2; at the bottom a 1000-iteration run takes 10 s of
 * virtual time. */
#define NESTLAB_TIMER_HZ_DEFAULT   10000u
#define NESTLAB_TIMER_HZ_MIN       100u
#define NESTLAB_TIMER_HZ_MAX       100000u
/* The timer workload runs this many processes: the one that measures and a
 * spinner the timer preempts it with (guests/workloads/timer.c). */
#define NESTLAB_TIMER_PROCS        2u
/* batch=kernel (launcher: --batch kernel): the L2 kernel runs up to
 * batch_max system calls per kernel entry, emulating the user instructions
 * between them (guests/kernel/batch.c, docs/batching.md). */
#define NESTLAB_BATCH_MAX_DEFAULT  16u
#define NESTLAB_BATCH_MAX_LIMIT    64u

/*
 * Workloads: X(id, "name", "what one iteration does"). The L2 kernel runs
 * each as a ring-3 program bracketed by a phase named after it; the launcher
 * validates --workload against this list. The last group are negative tests
 * that must end the run with a specific status. What each must show (exits,
 * status, checks) is its model in workload_model.h: a new workload gets one.
 */
#define NESTLAB_WORKLOADS(X)                                                   \
	X(NULL_,       "null",        "nothing: marker overhead only")             \
	X(CPUID,       "cpuid",       "one CPUID instruction")                     \
	X(HYPERCALL,   "hypercall",   "one null hypercall over the transport")    \
	X(PIO,         "pio",         "one IN from the emulated UART scratch port") \
	X(GETPID,      "getpid",      "one getpid system call")                   \
	X(WRITE,       "write",       "one small console write system call")      \
	X(PAGEFAULT,   "pagefault",   "first touch of one fresh 4 KiB page")      \
	X(SYSCALL_MIX, "syscall-mix", "a fixed mix of system calls and ALU work")  \
	X(HCERRORS,    "hcerrors",    "bad hypercalls; checks each error code")   \
	X(INTERCEPTS,  "intercepts",  "refused MSRs, SVM instructions, CPUID view") \
	X(TIMER,       "timer",       "one local APIC timer interrupt in user mode") \
	X(MULTI,       "multi",       "one step of each procs= program, then a yield") \
	X(MBEC_KEXEC_USER, "mbec-kexec-user", "probe: the kernel calls a user code page") \
	X(MBEC_UEXEC_KERNEL, "mbec-uexec-kernel", "probe: a process calls a kernel code page") \
	X(MBEC_KALIAS_USER, "mbec-kalias-user", "probe: the kernel calls a user page through a kernel alias") \
	X(MBEC_ERRORS, "mbec-errors", "bad MBEC hypercalls; checks each error code") \
	X(BATCH_PAIRS, "batch-pairs", "two system calls with register-only glue")  \
	X(BATCH_CHAIN, "batch-chain", "a run of 2..16 system calls with glue")      \
	X(BATCH_HOSTILE, "batch-hostile", "five system calls, glue that cannot be emulated") \
	X(PIO_PAIRS,   "pio-pairs",   "a port write and read with register glue between") \
	X(BATCH_RANDOM, "batch-random", "a random sequence of glue and system calls (hashed)") \
	X(INTERPOSE_CHECK, "interpose-check", "LSTAR hiding, redirection, tamper, registration checks") \
	X(SYSCALL_RANDOM, "syscall-random", "one pseudo-random system call, its registers checked") \
	X(DISPATCH_SKEWED, "dispatch-skewed", "16 effect-free system calls, a few hot (8:4:2:1:1)") \
	X(DISPATCH_UNIFORM, "dispatch-uniform", "8 effect-free system calls, each once") \
	X(DOMAIN,      "domain",      "one call into a protection domain through its gate") \
	X(INTN,        "intn",        "one INT 0x80 from ring 3 through the kernel's DPL 3 gate") \
	X(EXIT_PAIRS,  "exit-pairs",  "CPUID, VMMCALL and MSR exit pairs with glue between (L1 batching)") \
	X(EXIT_RANDOM, "exit-random", "random glue and I/O, CPUID, VMMCALL exits (hashed; L1 batching)") \
	X(TRIPLEFAULT, "triplefault", "negative test: the kernel triple-faults")  \
	X(BADACCESS,   "badaccess",   "negative test: touch memory outside RAM")  \
	X(BATCH_FAULT, "batch-fault", "negative test: a system call, then a faulting instruction")

enum nestlab_workload {
#define NESTLAB_WORKLOAD_ENUM_(id, name, what) NESTLAB_WL_##id,
	NESTLAB_WORKLOADS(NESTLAB_WORKLOAD_ENUM_)
#undef NESTLAB_WORKLOAD_ENUM_
	NESTLAB_WL_NR
};

#endif
