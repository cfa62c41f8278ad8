/*
 * The hypercall transports that exit through the vCPU: VMMCALL (this file)
 * and the backdoor port (exit_io.c), both ending in hc_dispatch with the
 * registers of the ABI (include/nestlab/hypercall.h) copied out once.
 * The services hypercalls use (guest memory, the console, the exit
 * accounting) are set up once; each call fills in only the caller's CPL,
 * the time and the vCPU.
 */
#include "l1.h"
#include "exit_core.h"
#include "exit_table.h"
#include "guest_access.h"
#include "guest_insn.h"
#include "phase_hook.h"

static int hc_copy(void *ctx, uint64_t gva, void *dst, size_t len)
{
	return vcpu_copy_from_guest(ctx, gva, dst, len);
}

static void hc_console(void *ctx, const char *buf, size_t len)
{
	l2_console_write(&l1.l2con, buf, len);
}

static void hc_exit(void *ctx, unsigned status)
{
	vcpu_stop(ctx, status, false, 0);
}

static uint32_t hc_trace_register(void *ctx, uint64_t gpa, uint64_t bytes)
{
	return trace_l1_register_l2(&l1.trace, gpa, bytes, l1.l2_ram_hpa, l1.l2_ram_size);
}

void hypercall_env_init(void)
{
	l1.hc_env = (struct hc_env){
		.features = l1.features, .stats = &l1.stats,
		.scratch = l1.hc_scratch, .copy_from_guest = hc_copy,
		.console_write = hc_console, .request_exit = hc_exit,
		.trace_register = hc_trace_register,
	};
}

unsigned hypercall_from_guest(struct vcpu *v, unsigned cpl, unsigned transport)
{
	uint64_t *g = v->regs.gpr;
	struct hc_regs r = {
		.rax = g[X86_RAX], .rbx = g[X86_RBX], .rcx = g[X86_RCX],
		.rdx = g[X86_RDX], .rsi = g[X86_RSI], .rdi = g[X86_RDI],
	};
	unsigned flags;

	l1.hc_env.cpl = cpl;
	l1.hc_env.tsc = v->exit_tsc;
	l1.hc_env.ctx = v;
	flags = hc_dispatch(&r, &l1.hc_env);
	if (l1.trace.on)
		trace_l1_hypercall(v, g[X86_RCX], g[X86_RBX], (uint32_t)r.rax, r.rbx,
				   transport);

	if ((flags & HC_MARKER) && r.rax == NESTLAB_HC_OK) {
		bool begin = g[X86_RCX] == NESTLAB_HC_PHASE_BEGIN;

		/* PHASE_BEGIN returns the index; PHASE_END took it in RBX. */
		phase_hooks_run(v, (unsigned)(begin ? r.rbx : g[X86_RBX]), begin);
	}
	g[X86_RAX] = r.rax;
	g[X86_RBX] = r.rbx;
	g[X86_RSI] = r.rsi;
	return (flags & HC_MARKER) ? EXIT_NOT_IN_PHASE : 0;
}

/* A VMMCALL L1 cannot fetch or find at RIP gets what a CPU would have done
 * (guest_insn_fail). */
unsigned exit_vmmcall(struct vcpu *v)
{
	unsigned len, flags;
	int rc = guest_insn_len(v, GUEST_INSN_VMMCALL, &len);

	if (rc)
		return guest_insn_fail(v, rc, "VMMCALL");
	flags = hypercall_from_guest(v, v->exit.cpl, NESTLAB_TRANSPORT_VMMCALL);
	vcpu_advance_rip(v, len);
	return flags;
}
