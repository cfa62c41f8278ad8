/*
 * The L2 kernel's shared state and the entry points its files offer each
 * other. One CPU, no interrupts, one ring-3 process per boot: the state is a
 * single struct, set up once by kmain() and then read by the system-call and
 * trap paths.
 */
#ifndef L2_KERNEL_H
#define L2_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include "cmdline.h"
#include "pmm.h"
#include "pt.h"

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
	uint64_t kernel_pdpt0;  /* its PDPT entry 0: the direct map, supervisor */
	int finishing;
};

extern struct l2_kernel l2k;
extern const struct pt_ops l2_pt_ops;   /* tables via the direct map + pmm */

/* Linker-script and boot.S symbols. */
extern char __load_start[], __load_end[], __bss_start[], __bss_end[];
extern char __user_image_start[], __user_image_end[];

/* console.c */
void console_init(void);
void kputs(const char *s);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_flush(void);
/* One write() system call: one hypercall at level 2. Returns bytes or -err. */
int64_t console_write_user(const char *buf, size_t len);

/* desc.c */
void desc_init(void);
void desc_load_empty_idt(void);
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

/* process.c */
void process_start(void) __attribute__((noreturn));
int64_t process_mmap(uint64_t len);
int process_demand_fault(uint64_t addr);
int process_user_range_ok(uint64_t ptr, uint64_t len);
int64_t process_map_outside(uint64_t va);
uint64_t process_pid(void);


#endif
