/*
 * L1's global state: one physical CPU, one L2 vCPU. Hardware-facing code and
 * the glue between the pure modules live on this; the pure modules receive
 * only the pieces they need.
 */
#ifndef L1_L1_H
#define L1_L1_H

#include <stdint.h>
#include <stdbool.h>
#include <nestlab/hypercall.h>
#include "../arch/x86/svm.h"
#include "../mm/frame_alloc.h"
#include "../mm/npt.h"
#include "exit_stats.h"
#include "uart_emul.h"
#include "l2_console.h"
#include "guest_mem.h"
#include "l1_config.h"
#include "hypercall.h"

struct l1 {
	struct l1_config cfg;
	struct svm_caps caps;
	struct frame_alloc fa;
	struct npt_ops npt_ops;
	struct npt npt;
	struct exit_stats stats;
	struct uart_emul uart;
	struct l2_console l2con;
	struct guest_mem gm;
	struct guest_walk_cache walk_cache;
	uint64_t l2_ram_hpa, l2_ram_size;
	struct vmcb *vmcb;
	uint64_t vmcb_pa, hsave_pa, host_save_pa;
	struct guest_gprs gprs;
	uint32_t features;           /* NESTLAB_FEAT_* offered to L2 */
	bool exit_requested;
	unsigned exit_status;
	struct hc_env hc_env;        /* hypercall services, set up once */
	char hc_scratch[NESTLAB_HC_CONSOLE_MAX];
};

extern struct l1 l1;

void l1_idt_init(void);
void vcpu_run(void) __attribute__((noreturn));
/* End the run: print the diagnosis (printf-style, may be NULL), write the
 * results stream, and exit QEMU through isa-debug-exit with status. */
void l1_end_run(unsigned status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Print L2's registers and VMCB state (for diagnoses). */
void l1_dump_guest(void);
int  l1_copy_safe(void *dst, const void *src, uint64_t len);
int  l1_read_u64_safe(const uint64_t *src, uint64_t *val);

#endif
