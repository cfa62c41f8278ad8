/*
 * The L2 kernel's shared state and the entry points its files offer each
 * other. One CPU; the ring-3 processes are all made at boot (one, or the
 * workload's several) and scheduled round robin; the kernel itself always
 * runs with IF = 0, so the only interrupt it takes (the local APIC timer of
 * the timer workload) arrives from ring 3. The state is a single struct, set
 * up once by kmain() and then read by the system-call and trap paths, plus
 * the process table (sched.c).
 */
#ifndef L2_KERNEL_H
#define L2_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include "cmdline.h"
#include "pmm.h"
#include "pt.h"
#include "uapi.h"
#include "kmod_load.h"

/* Physical memory above this is not in the kernel's direct map (the first
 * PDPT entry, 1 GiB): RAM beyond it is left unused. */
#define L2_DIRECT_MAP_END 0x40000000ull

struct l2_kernel {
	unsigned level;         /* 1: directly on QEMU; 2: under nestlab's L1 */
	unsigned transport;     /* enum nestlab_transport, for every hypercall */
	struct l2_config cfg;
	int cfg_ok;
	struct pmm pmm;
	uint64_t ram_top;       /* end of the highest available RAM range */
	uint64_t kernel_root;   /* kernel PML4 (physical) */
	uint64_t kernel_pdpt;   /* its PDPT (physical): the kernel half, PML4 entry 0 */
	int timer_ready;        /* the APIC is mapped: the workload uses the timer */
	struct {
		int loaded;
		struct kmod_image image;   /* the module (kmod.c), once loaded */
	} kmod;
	int finishing;
};

#define L2_MAX_REGIONS 8

struct l2_demand_region {
	uint64_t start, end;
};

/* One ring-3 process: its address space (process.c) and its kernel context
 * (sched.c). */
struct l2_proc {
	uint64_t pid;           /* index + 1 */
	unsigned index;
	unsigned program;       /* enum nestlab_workload it runs */
	uint64_t root;          /* its PML4 (physical) */
	uint64_t mmap_next;
	struct l2_demand_region regions[L2_MAX_REGIONS];
	unsigned nregions;
	int probe_mapped;
	uint64_t kstack_top;    /* its kernel stack: TSS.RSP0 and SYSCALL's stack */
	uint64_t ksp;           /* saved kernel RSP while it does not run */
	unsigned status;        /* exit status, once exited */
};

extern struct l2_kernel l2k;
extern const struct pt_ops l2_pt_ops;   /* tables via the direct map + pmm */

/* Linker-script and boot.S symbols. */
extern char __load_start[], __load_end[], __bss_start[], __bss_end[];
extern char __text_end[];            /* end of the kernel's code, page-aligned */
extern char __user_image_start[], __user_image_end[];
extern char __user_image_text_end[]; /* end of the user image's code, page-aligned */

/* console.c */
void console_init(void);
void kputs(const char *s);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_flush(void);
/* One write() system call: one hypercall at level 2. Returns bytes or -err. */
int64_t console_write_user(const char *buf, size_t len);

/* desc.c */
void desc_init(void);
/* retpoline=off: patch every retpoline thunk into a plain indirect jump
 * (retpoline.c); returns how many it patched (0 for on). */
unsigned retpoline_apply(int on);
void desc_load_empty_idt(void);
/* IDT entry `vec`: a 64-bit interrupt gate (IF cleared on entry), DPL 0. */
void desc_set_gate(unsigned vec, uint64_t handler);
/* The same with DPL 3: ring 3 may raise it with INT n (user_gate.c). */
void desc_set_user_gate(unsigned vec, uint64_t handler);
/* The stack ring-3 entries use: TSS.RSP0 (interrupts) and SYSCALL's. */
void desc_set_kernel_stack(uint64_t top);
extern uint64_t kernel_stack_top;

/* phase.c */
int64_t phase_begin(const char *name, size_t len);
int64_t phase_end(uint64_t index);
/* A phase is open (its begin marker succeeded, its end did not yet). */
int phase_is_open(void);
struct results_writer;
void phase_write_results(const struct results_writer *w);

/* run.c */
unsigned level_detect(void);
void run_set_error(const char *text);
void run_finish(unsigned status) __attribute__((noreturn));

/* process.c: address spaces; the calls act on the running process */
void process_create(struct l2_proc *p, unsigned index, unsigned program);
int64_t process_mmap(uint64_t len);
int process_demand_fault(uint64_t addr);
int process_user_range_ok(uint64_t ptr, uint64_t len);
int64_t process_map_outside(uint64_t va);
/* The guest-physical address of user address va (a mapped user page), or
 * -L2_EFAULT. */
int64_t process_user_pa(uint64_t va);
uint64_t process_pid(void);

/* sched.c */
extern struct l2_kinfo *const l2_kinfo;    /* the page user space reads */
extern struct l2_proc *sched_running;      /* the running process */
static inline struct l2_proc *sched_current(void)
{
	return sched_running;
}
/* Make the boot's processes and run the first; never returns. */
void sched_start(void) __attribute__((noreturn));
/* The boot's processes: how many, and process i (0 .. n-1). */
unsigned sched_nprocs(void);
const struct l2_proc *sched_proc(unsigned i);
int64_t sched_yield(void);
void sched_exit(unsigned status) __attribute__((noreturn));
/* From the timer interrupt: the next runnable process runs, if another is. */
void sched_preempt(void);
/* The run's scheduler and timer figures, one console line (multi-process
 * or timer runs). */
void sched_report(void);

/* kmod.c: the module of the first multiboot module [start, end): loaded
 * before the kernel's page tables are built, its init called after */
void kmod_boot_load(uint64_t start, uint64_t end);
void kmod_boot_init(void);
/* For the direct map: may the page at pa be writable (not the module's code
 * or read-only data)? Must the 2 MiB chunk at pa be mapped in 4 KiB pages? */
int kmod_page_writable(uint64_t pa);
int kmod_chunk_split(uint64_t pa);

/* apic.c: the local APIC timer (xAPIC MMIO) */
int apic_map(char *why, size_t whylen);
void apic_timer_start(uint32_t hz);
void apic_timer_stop(void);
void apic_eoi(void);

/* irq.c */
void irq_init(void);
/* user_gate.c: install the DPL 3 software-interrupt gate; the #GP of a
 * ring-3 INT of the DPL 0 vector L2_USER_GATE_DENIED_VEC (1: handled) */
void user_gate_init(void);
struct isr_frame;
int user_gate_denied_catch(struct isr_frame *f);
uint64_t irq_spurious_count(void);


#endif
