/*
 * Hypercall dispatch (ABI: include/nestlab/hypercall.h). Order of checks, so
 * every bad call gets one well-defined error: magic, command number, CPL
 * allowlist, then the command's own argument checks; pointer arguments are
 * validated before any guest memory is touched and copied exactly once.
 */
#include "hypercall.h"
#include "exit_stats.h"
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>
#include <nestlab/status.h>

static int canonical48(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1FFFF;
}

int hc_buffer_plausible(uint64_t gva, uint64_t len)
{
	uint64_t last;

	if (len == 0)
		return 1;
	/* The buffer is [gva, last]: compare its last byte, so a buffer
	 * that ends exactly at the top of the address space is fine and
	 * only one that would wrap past it is not. */
	last = gva + (len - 1);
	if (last < gva)
		return 0;
	return canonical48(gva) && canonical48(last) && (gva >> 47) == (last >> 47);
}

static void ret(struct hc_regs *r, uint32_t status, uint64_t r0, uint64_t r1)
{
	r->rax = status;
	r->rbx = r0;
	r->rsi = r1;
}

static uint32_t copy_arg(const struct hc_env *env, uint64_t gva, uint64_t len,
			 void *dst)
{
	if (!hc_buffer_plausible(gva, len))
		return NESTLAB_HC_E_FAULT;
	if (len && env->copy_from_guest(env->ctx, gva, dst, (size_t)len) != 0)
		return NESTLAB_HC_E_FAULT;
	return NESTLAB_HC_OK;
}

static unsigned hc_phase_begin(struct hc_regs *r, const struct hc_env *env)
{
	char name[NESTLAB_PHASE_NAME_MAX + 1];
	uint64_t ptr = r->rbx, len = r->rsi;
	uint32_t st;
	int idx;

	if (len == 0)
		{ ret(r, NESTLAB_HC_E_INVAL, 0, 0); return HC_MARKER; }
	if (len > NESTLAB_PHASE_NAME_MAX)
		{ ret(r, NESTLAB_HC_E_RANGE, 0, 0); return HC_MARKER; }
	st = copy_arg(env, ptr, len, name);
	if (st != NESTLAB_HC_OK)
		{ ret(r, st, 0, 0); return HC_MARKER; }
	idx = exit_stats_phase_begin(env->stats, name, (size_t)len, env->tsc);
	switch (idx) {
	case EXIT_STATS_E_STATE: ret(r, NESTLAB_HC_E_STATE, 0, 0); break;
	case EXIT_STATS_E_FULL:  ret(r, NESTLAB_HC_E_RANGE, 0, 0); break;
	case EXIT_STATS_E_NAME:  ret(r, NESTLAB_HC_E_INVAL, 0, 0); break;
	default:                 ret(r, NESTLAB_HC_OK, (uint64_t)idx, 0); break;
	}
	return HC_MARKER;
}

static unsigned hc_phase_end(struct hc_regs *r, const struct hc_env *env)
{
	uint64_t idx = r->rbx;
	int rc;

	if (idx >= NESTLAB_MAX_PHASES)
		{ ret(r, NESTLAB_HC_E_INVAL, 0, 0); return HC_MARKER; }
	rc = exit_stats_phase_end(env->stats, (unsigned)idx, env->tsc);
	if (rc == EXIT_STATS_E_INDEX)
		ret(r, NESTLAB_HC_E_INVAL, 0, 0);
	else if (rc == EXIT_STATS_E_STATE)
		ret(r, NESTLAB_HC_E_STATE, 0, 0);
	else
		ret(r, NESTLAB_HC_OK, 0, 0);
	return HC_MARKER;
}

static void hc_console_write(struct hc_regs *r, const struct hc_env *env)
{
	uint64_t ptr = r->rbx, len = r->rsi;
	uint32_t st;

	if (len > NESTLAB_HC_CONSOLE_MAX)
		{
			ret(r, NESTLAB_HC_E_RANGE, 0, 0);
			return;
		}
	st = copy_arg(env, ptr, len, env->scratch);
	if (st != NESTLAB_HC_OK)
		{
			ret(r, st, 0, 0);
			return;
		}
	if (len)
		env->console_write(env->ctx, env->scratch, (size_t)len);
	ret(r, NESTLAB_HC_OK, len, 0);
}

static void hc_counter_query(struct hc_regs *r, const struct hc_env *env)
{
	const struct exit_stats *s = env->stats;
	const struct exit_counts *c;
	uint64_t reason = r->rbx, phase = r->rsi;

	if (reason >= NESTLAB_EXIT_NR)
		{
			ret(r, NESTLAB_HC_E_INVAL, 0, 0);
			return;
		}
	if (phase == NESTLAB_HC_TOTALS)
		c = &s->total;
	else if (phase < s->nr_phases)
		c = &s->phase[phase].counts;
	else
		{
			ret(r, NESTLAB_HC_E_INVAL, 0, 0);
			return;
		}
	ret(r, NESTLAB_HC_OK, c->count[reason], c->cycles[reason]);
}

static hc_ext_fn ext_handlers[NESTLAB_HC_NR_CMDS];

int hc_ext_register(unsigned cmd, hc_ext_fn fn)
{
	if (cmd < HC_EXT_FIRST_CMD || cmd >= NESTLAB_HC_NR_CMDS || !fn || ext_handlers[cmd])
		return -1;
	ext_handlers[cmd] = fn;
	return 0;
}

void hc_ext_reset(void)
{
	for (unsigned i = 0; i < NESTLAB_HC_NR_CMDS; i++)
		ext_handlers[i] = 0;
}

static void hc_ext(struct hc_regs *r, const struct hc_env *env, unsigned cmd)
{
	const uint64_t args[3] = { r->rbx, r->rsi, r->rdi };
	uint64_t r0 = 0, r1 = 0;
	uint32_t st;

	if (!ext_handlers[cmd]) {
		ret(r, NESTLAB_HC_E_STATE, 0, 0);
		return;
	}
	st = ext_handlers[cmd](env->ctx, args, &r0, &r1);
	if (st != NESTLAB_HC_OK)
		r0 = r1 = 0;
	ret(r, st, r0, r1);
}

unsigned hc_dispatch(struct hc_regs *r, const struct hc_env *env)
{
	uint64_t cmd = r->rcx;

	if ((uint32_t)r->rax != NESTLAB_HC_MAGIC || (r->rax >> 32) != 0) {
		ret(r, NESTLAB_HC_E_MAGIC, 0, 0);
		return 0;
	}
	if (cmd >= NESTLAB_HC_NR_CMDS) {
		ret(r, NESTLAB_HC_E_UNKNOWN, 0, 0);
		return 0;
	}
	if (env->cpl != 0 && !(NESTLAB_HC_CPL3_ALLOWED & (1u << cmd))) {
		ret(r, NESTLAB_HC_E_PERM, 0, 0);
		return 0;
	}

	switch ((enum nestlab_hc_cmd)cmd) {
	case NESTLAB_HC_VERSION:
		ret(r, NESTLAB_HC_OK, NESTLAB_HC_ABI_VERSION, env->features);
		return 0;
	case NESTLAB_HC_NOP:
		ret(r, NESTLAB_HC_OK, 0, 0);
		return 0;
	case NESTLAB_HC_PHASE_BEGIN:
		return hc_phase_begin(r, env);
	case NESTLAB_HC_PHASE_END:
		return hc_phase_end(r, env);
	case NESTLAB_HC_CONSOLE_WRITE:
		hc_console_write(r, env);
		return 0;
	case NESTLAB_HC_COUNTER_QUERY:
		hc_counter_query(r, env);
		return 0;
	case NESTLAB_HC_EXIT: {
		uint64_t status = r->rbx;   /* read before ret() overwrites RBX */

		if (status > NESTLAB_STATUS_MAX) {
			ret(r, NESTLAB_HC_E_INVAL, 0, 0);
			return 0;
		}
		ret(r, NESTLAB_HC_OK, 0, 0);
		env->request_exit(env->ctx, (unsigned)status);
		return 0;
	}
	case NESTLAB_HC_TRACE_REGISTER: {
		uint64_t gpa = r->rbx, bytes = r->rsi;

		if ((gpa | bytes) & 0xFFF)
			ret(r, NESTLAB_HC_E_INVAL, 0, 0);
		else if (bytes < 0x1000 || bytes > NESTLAB_HC_TRACE_MAX_BYTES)
			ret(r, NESTLAB_HC_E_RANGE, 0, 0);
		else
			ret(r, env->trace_register(env->ctx, gpa, bytes), 0, 0);
		return 0;
	}
	case NESTLAB_HC_MBEC_ENABLE:
	case NESTLAB_HC_MBEC_SET:
	case NESTLAB_HC_MBEC_QUERY:
	case NESTLAB_HC_INTERPOSE_REGISTER:
	case NESTLAB_HC_INTERPOSE_SYSCALL:
	case NESTLAB_HC_INTERPOSE_QUERY:
	case NESTLAB_HC_DOMAIN_CREATE:
	case NESTLAB_HC_DOMAIN_CALL:
	case NESTLAB_HC_DOMAIN_RETURN:
		hc_ext(r, env, (unsigned)cmd);
		return 0;
	case NESTLAB_HC_NR_CMDS:
		break;
	}
	ret(r, NESTLAB_HC_E_UNKNOWN, 0, 0);
	return 0;
}
