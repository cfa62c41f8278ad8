/*
 * The VMM core (see vmm_core.h): port I/O devices, hypercalls, guest memory
 * and exit accounting. Port rules are those of nestlab's L1
 * (l1hyp/core/exit_io.c): COM1 emulated, an OUT to isa-debug-exit ends the
 * run with its value as status, the backdoor IN dword with EAX = magic is a
 * hypercall, every other port reads all ones and drops writes. String and
 * repeated I/O is refused.
 */
#include "vmm_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include "../../lib/results/results_writer.h"

static int ram_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	struct vmm_core *c = ctx;

	memcpy(dst, c->ram + gpa, len);
	return 0;
}

static int ram_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct vmm_core *c = ctx;

	memcpy(c->ram + gpa, src, len);
	return 0;
}

/* A/D updates as the processor makes them (APM vol.2 5.4.2); L2's vCPU is
 * stopped while the VMM handles its exit, the atomic is for form's sake. */
static int ram_cmpxchg(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_)
{
	struct vmm_core *c = ctx;
	uint64_t *p = (uint64_t *)(c->ram + gpa);

	return __atomic_compare_exchange_n(p, &old, new_, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST) ? 0 : 1;
}

static int hc_copy(void *ctx, uint64_t gva, void *dst, size_t len)
{
	struct vmm_core *c = ctx;
	unsigned acc = c->hc_regs->cpl == 3 ? GUEST_ACC_USER : 0;

	return guest_copy_from_virt(&c->gm, &c->hc_regs->pg, gva, dst, len, acc, NULL);
}

static void hc_console(void *ctx, const char *buf, size_t len)
{
	struct vmm_core *c = ctx;

	l2_console_write(&c->con, buf, len);
}

static void hc_exit(void *ctx, unsigned status)
{
	vmm_core_stop(ctx, status, NULL);
}

static uint32_t hc_trace_register(void *ctx, uint64_t gpa, uint64_t bytes)
{
	return NESTLAB_HC_E_STATE;   /* runs under this VMM are never traced */
}

static void uart_out(void *ctx, char ch)
{
	struct vmm_core *c = ctx;

	l2_console_putc(&c->con, ch);
}

void vmm_core_init(struct vmm_core *c, unsigned char *ram, uint64_t ram_size,
		   unsigned maxphyaddr, enum vmm_count_mode count,
		   const struct vmm_counter_ops *counter,
		   void (*console_putc)(void *ctx, char ch), void *console_ctx)
{
	memset(c, 0, sizeof(*c));
	exit_stats_init(&c->stats);
	c->count = count;
	if (counter)
		c->counter = *counter;
	c->begin_pending = -1;
	c->ram = ram;
	c->con = (struct l2_console){ .putc = console_putc, .ctx = console_ctx };
	uart_emul_init(&c->com1, uart_out, c);
	c->gm = (struct guest_mem){
		.ram_size = ram_size, .read_phys = ram_read, .write_phys = ram_write,
		.cmpxchg_u64 = ram_cmpxchg, .flags = GUEST_MEM_F_AD,
		.cache = &c->walk_cache, .ctx = c, .maxphyaddr = maxphyaddr,
	};
	c->env = (struct hc_env){
		.features = NESTLAB_FEAT_BACKDOOR, .stats = &c->stats,
		.scratch = c->scratch, .copy_from_guest = hc_copy,
		.console_write = hc_console, .request_exit = hc_exit,
		.trace_register = hc_trace_register, .ctx = c,
	};
}

void vmm_core_stop(struct vmm_core *c, unsigned status, const char *fmt, ...)
{
	va_list ap;

	if (c->stop)
		return;
	c->stop = true;
	c->stop_status = status > NESTLAB_STATUS_MAX ? NESTLAB_STATUS_MAX : status;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(c->diag, sizeof(c->diag), fmt, ap);
		va_end(ap);
	}
}

static int snap(struct vmm_core *c, struct kvmx_snapshot *s)
{
	char err[200];

	if (c->count != VMM_COUNT_HIST)
		return 0;
	if (c->counter.snapshot(c->counter.ctx, s, err, sizeof(err)) == 0)
		return 0;
	vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "exit counting (kvm_exit histogram): %s",
		      err);
	return -1;
}

int vmm_core_start(struct vmm_core *c)
{
	if (c->count == VMM_COUNT_HIST && !c->counter.snapshot) {
		vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "count=hist without a counter");
		return -1;
	}
	return snap(c, &c->base);
}

/* counts = now - then, less `ioio` exits of the VMM's own (markers, the
 * exit being served). */
static void counts_from(struct exit_counts *counts, const struct kvmx_snapshot *now,
			const struct kvmx_snapshot *then, uint64_t ioio)
{
	kvmx_delta(now, then, counts->count);
	counts->count[NESTLAB_EXIT_IOIO] -= counts->count[NESTLAB_EXIT_IOIO] < ioio ?
					    counts->count[NESTLAB_EXIT_IOIO] : ioio;
}

/* COUNTER_QUERY sees the counts as of this exit, the exit itself not yet
 * counted (as under nestlab's L1, which charges an exit after handling it). */
static void refresh_for_query(struct vmm_core *c)
{
	struct kvmx_snapshot now;

	if (c->count != VMM_COUNT_HIST || snap(c, &now))
		return;
	counts_from(&c->stats.total, &now, &c->base, 1);
	if (c->stats.open_counts)
		counts_from(c->stats.open_counts, &now, &c->begin, 1);
}

static unsigned hypercall(struct vmm_core *c, struct vmm_regs *regs, uint64_t tsc)
{
	struct hc_regs r = {
		.rax = regs->rax, .rbx = regs->rbx, .rcx = regs->rcx,
		.rdx = regs->rdx, .rsi = regs->rsi, .rdi = regs->rdi,
	};
	int open_before = c->stats.open;
	unsigned flags;

	if (regs->rcx == NESTLAB_HC_COUNTER_QUERY)
		refresh_for_query(c);
	c->hc_regs = regs;
	c->env.cpl = regs->cpl;
	c->env.tsc = tsc;
	flags = hc_dispatch(&r, &c->env);
	c->hc_regs = NULL;

	if (open_before < 0 && c->stats.open >= 0) {
		/* PHASE_BEGIN: snapshot, then the phase starts at the next entry. */
		if (snap(c, &c->begin) == 0)
			c->begin_pending = c->stats.open;
	} else if (open_before >= 0 && c->stats.open < 0 && c->count == VMM_COUNT_HIST) {
		struct kvmx_snapshot now;

		/* PHASE_END: the exits in between, less this marker's own. */
		if (snap(c, &now) == 0)
			counts_from(&c->stats.phase[open_before].counts, &now, &c->begin, 1);
	}
	regs->rax = r.rax;
	regs->rbx = r.rbx;
	regs->rsi = r.rsi;
	return VMM_IO_REGS | ((flags & HC_MARKER) ? VMM_IO_MARKER : 0);
}

static uint32_t io_get(const uint8_t *data, unsigned size)
{
	uint32_t v = 0;

	memcpy(&v, data, size);
	return v;
}

static bool is_com1(uint16_t port)
{
	return (uint16_t)(port - NESTLAB_COM1_PORT) < 8;
}

unsigned vmm_core_io(struct vmm_core *c, uint16_t port, unsigned size, bool in,
		     uint32_t count, uint8_t *data, struct vmm_regs *regs, uint64_t tsc)
{
	uint32_t v;

	if (size != 1 && size != 2 && size != 4) {
		vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "KVM reported an I/O of %u bytes "
			      "on port %#x", size, port);
		return 0;
	}
	if (count != 1) {
		vmm_core_stop(c, NESTLAB_STATUS_L2_BAD_INSN, "L2 used repeated string I/O "
			      "(%u x %u bytes) on port %#x: not supported by the VMM",
			      count, size, port);
		return 0;
	}
	if (in) {
		if (port == NESTLAB_HC_BACKDOOR_PORT && size == 4 &&
		    (uint32_t)regs->rax == NESTLAB_HC_MAGIC) {
			unsigned bits = hypercall(c, regs, tsc);

			/* KVM completes the IN from data: EAX = status,
			 * zero-extended (APM vol.3 "IN"). */
			v = (uint32_t)regs->rax;
			memcpy(data, &v, 4);
			return bits;
		}
		v = is_com1(port) ? uart_emul_read(&c->com1, port - NESTLAB_COM1_PORT) :
		    0xFFFFFFFFu;
		memcpy(data, &v, size);
		return 0;
	}
	v = io_get(data, size);
	if (is_com1(port))
		uart_emul_write(&c->com1, port - NESTLAB_COM1_PORT, (uint8_t)v);
	else if (port == NESTLAB_DEBUG_EXIT_PORT)
		vmm_core_stop(c, v, NULL);
	return 0;
}

void vmm_core_account(struct vmm_core *c, unsigned reason, uint64_t cycles,
		      unsigned io_bits)
{
	bool in_phase = !(io_bits & VMM_IO_MARKER);

	if (c->count == VMM_COUNT_VMM) {
		exit_stats_record(&c->stats, reason, cycles, in_phase);
		return;
	}
	/* Counts come from the histogram; the cycles are the VMM's. */
	if (reason >= NESTLAB_EXIT_NR)
		reason = NESTLAB_EXIT_UNKNOWN;
	c->stats.total.cycles[reason] += cycles;
	if (in_phase && c->stats.open_counts)
		c->stats.open_counts->cycles[reason] += cycles;
}

void vmm_core_finish(struct vmm_core *c, const struct results_writer *w, uint64_t tsc)
{
	if (c->count == VMM_COUNT_HIST) {
		char err[200];

		if (c->counter.snapshot(c->counter.ctx, &c->last, err, sizeof(err)) == 0) {
			counts_from(&c->stats.total, &c->last, &c->base, 0);
			if (c->stats.open_counts)
				counts_from(c->stats.open_counts, &c->last, &c->begin, 0);
		} else {
			/* The counts are wrong: the run fails, whatever L2 said. */
			c->stop = true;
			c->stop_status = NESTLAB_STATUS_L1_ERROR;
			snprintf(c->diag, sizeof(c->diag), "final exit counts: %s", err);
		}
	}
	results_begin(w, "l1");
	exit_stats_emit(&c->stats, w, tsc);
	if (c->diag[0])
		results_error(w, c->diag);
	results_status(w, c->stop ? c->stop_status : NESTLAB_STATUS_L1_ERROR);
	results_end(w);
}
