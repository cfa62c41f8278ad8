/*
 * L1's per-machine state: what exists once however many vCPUs there are
 * (configuration, vendor capabilities, frame allocator, L2 RAM, device
 * models, exit accounting, hypercall services), and the vCPUs themselves.
 * Everything per vCPU lives in struct vcpu (vcpu.h) and reaches handlers as
 * their argument.
 */
#ifndef L1_L1_H
#define L1_L1_H

#include <stdint.h>
#include <stdbool.h>
#include <nestlab/hypercall.h>
#include "../arch/vcpu_vendor.h"
#include "../mm/frame_alloc.h"
#include "../mm/npt.h"
#include "exit_stats.h"
#include "l2_console.h"
#include "guest_mem.h"
#include "l1_config.h"
#include "hypercall.h"
#include "vcpu.h"
#include "trace_l1.h"

#define L1_MAX_VCPUS 1

struct l1 {
	struct l1_config cfg;
	struct vendor_caps caps;
	struct frame_alloc fa;
	struct npt_ops npt_ops;
	uint64_t npt_tables;            /* NPT table pages in use, all views together */
	struct exit_stats stats;
	struct l2_console l2con;
	uint64_t l2_ram_hpa, l2_ram_size;
	uint32_t features;           /* NESTLAB_FEAT_* offered to L2 */
	uint64_t tsc_hz;             /* L1's TSC rate, measured at boot */
	struct hc_env hc_env;        /* hypercall services, set up once */
	char hc_scratch[NESTLAB_HC_CONSOLE_MAX];
	struct l1_trace trace;
	struct vcpu vcpus[L1_MAX_VCPUS];
};

extern struct l1 l1;

void l1_idt_init(void);
void vcpu_run(struct vcpu *v) __attribute__((noreturn));
/* End the run: print the diagnosis (printf-style, may be NULL), write the
 * results stream, and exit QEMU through isa-debug-exit with status. */
void l1_end_run(unsigned status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* pages zeroed 4 KiB frames, physically contiguous; 0 when out of memory. */
uint64_t l1_alloc_pages(unsigned pages);
/* Give back pages from l1_alloc_pages (p as it returned, NULL: nothing). */
void l1_free_pages(void *p, unsigned pages);

/* Fault-safe access to memory that L2 controls (copy_safe.S): 0, or -1 if
 * the access faulted. */
int  l1_copy_safe(void *dst, const void *src, uint64_t len);
int  l1_read_u64_safe(const uint64_t *src, uint64_t *val);
int  l1_write_safe(void *dst, const void *src, uint64_t len);
/* 0 swapped, 1 not swapped (*p != old), -1 fault. */
int  l1_cmpxchg_u64_safe(uint64_t *p, uint64_t old, uint64_t new_);
/* 1 if *(base + off[i]) == val[i] for all i < n, 0 if not, -1 fault. */
int  l1_entries_equal_safe(uint64_t base, const uint64_t *off, const uint64_t *val,
			   unsigned n);

#endif
