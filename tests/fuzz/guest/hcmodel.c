/*
 * The hypercall ABI model (see hcmodel.h). Where the ABI text leaves an
 * order open (PHASE_BEGIN: a full table, an open phase, a bad name), the
 * model follows L1's implementation (l1hyp/core/hypercall.c,
 * exit_stats.c): copy, then open phase, then name, then table full.
 */
#include <nestlab/hypercall.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>
#include <nestlab/status.h>
#include "hcmodel.h"

void hc_model_init(struct hc_model *m, uint64_t features)
{
	*m = (struct hc_model){ .features = features, .open = -1 };
}

static uint64_t phase_begin(const struct hc_model *m, const struct hc_call *c,
			    struct hc_expect *e)
{
	if (c->rsi == 0)
		return NESTLAB_HC_E_INVAL;
	if (c->rsi > NESTLAB_PHASE_NAME_MAX)
		return NESTLAB_HC_E_RANGE;
	if (!c->readable)
		return NESTLAB_HC_E_FAULT;
	if (m->open >= 0)
		return NESTLAB_HC_E_STATE;
	if (!c->name_ok)
		return NESTLAB_HC_E_INVAL;
	if (m->nr_phases >= NESTLAB_MAX_PHASES)
		return NESTLAB_HC_E_RANGE;
	e->check_ret0 = 1;
	e->ret0 = m->nr_phases;
	return NESTLAB_HC_OK;
}

static uint64_t phase_end(const struct hc_model *m, const struct hc_call *c)
{
	if (c->rbx >= NESTLAB_MAX_PHASES || c->rbx >= m->nr_phases)
		return NESTLAB_HC_E_INVAL;
	if (m->open != (int)c->rbx)
		return NESTLAB_HC_E_STATE;
	return NESTLAB_HC_OK;
}

static uint64_t command(const struct hc_model *m, const struct hc_call *c,
			struct hc_expect *e)
{
	if (c->rax != NESTLAB_HC_MAGIC)
		return NESTLAB_HC_E_MAGIC;
	if (c->rcx >= NESTLAB_HC_NR_CMDS)
		return NESTLAB_HC_E_UNKNOWN;
	if (c->cpl && !(NESTLAB_HC_CPL3_ALLOWED & (1u << c->rcx)))
		return NESTLAB_HC_E_PERM;
	switch ((enum nestlab_hc_cmd)c->rcx) {
	case NESTLAB_HC_VERSION:
		e->check_ret0 = e->check_ret1 = 1;
		e->ret0 = NESTLAB_HC_ABI_VERSION;
		e->ret1 = m->features;
		return NESTLAB_HC_OK;
	case NESTLAB_HC_NOP:
		return NESTLAB_HC_OK;
	case NESTLAB_HC_PHASE_BEGIN:
		return phase_begin(m, c, e);
	case NESTLAB_HC_PHASE_END:
		return phase_end(m, c);
	case NESTLAB_HC_CONSOLE_WRITE:
		if (c->rsi > NESTLAB_HC_CONSOLE_MAX)
			return NESTLAB_HC_E_RANGE;
		if (!c->readable)
			return NESTLAB_HC_E_FAULT;
		e->check_ret0 = 1;
		e->ret0 = c->rsi;
		return NESTLAB_HC_OK;
	case NESTLAB_HC_COUNTER_QUERY:
		if (c->rbx >= NESTLAB_EXIT_NR ||
		    (c->rsi != NESTLAB_HC_TOTALS && c->rsi >= m->nr_phases))
			return NESTLAB_HC_E_INVAL;
		return NESTLAB_HC_OK;
	case NESTLAB_HC_EXIT:
		if (c->rbx > NESTLAB_STATUS_MAX)
			return NESTLAB_HC_E_INVAL;
		e->ends_run = 1;
		return NESTLAB_HC_OK;
	case NESTLAB_HC_TRACE_REGISTER:
		/* Fuzz runs have no trace region (the launcher's --trace is
		 * never given), so well-formed arguments meet E_STATE. */
		if ((c->rbx | c->rsi) & 0xFFF)
			return NESTLAB_HC_E_INVAL;
		if (c->rsi < 0x1000 || c->rsi > NESTLAB_HC_TRACE_MAX_BYTES)
			return NESTLAB_HC_E_RANGE;
		return NESTLAB_HC_E_STATE;
	case NESTLAB_HC_MBEC_ENABLE:
	case NESTLAB_HC_MBEC_SET:
	case NESTLAB_HC_MBEC_QUERY:
	case NESTLAB_HC_INTERPOSE_REGISTER:
	case NESTLAB_HC_INTERPOSE_SYSCALL:
	case NESTLAB_HC_INTERPOSE_QUERY:
		/* Fuzz runs leave L1's mbec, interpose and domain off: their
		 * commands meet E_STATE. */
	case NESTLAB_HC_DOMAIN_CREATE:
	case NESTLAB_HC_DOMAIN_CALL:
	case NESTLAB_HC_DOMAIN_RETURN:
		return NESTLAB_HC_E_STATE;
	case NESTLAB_HC_NR_CMDS:
		break;
	}
	return NESTLAB_HC_E_UNKNOWN;
}

void hc_model_predict(const struct hc_model *m, const struct hc_call *c,
		      struct hc_expect *e)
{
	*e = (struct hc_expect){ .hypercall = 1 };
	if (c->transport == HC_BACKDOOR &&
	    (c->size != 4 || (uint32_t)c->rax != NESTLAB_HC_MAGIC)) {
		uint64_t mask = c->size == 1 ? 0xFF : c->size == 2 ? 0xFFFF : 0;

		e->hypercall = 0;   /* an IN from a port without a device */
		e->rax = mask ? (c->rax & ~mask) | mask : 0xFFFFFFFFull;
		return;
	}
	e->rax = command(m, c, e);
}

void hc_model_update(struct hc_model *m, const struct hc_call *c, uint64_t st,
		     uint64_t ret0)
{
	if (st != NESTLAB_HC_OK || c->rax != NESTLAB_HC_MAGIC ||
	    (c->transport == HC_BACKDOOR && c->size != 4))
		return;
	if (c->rcx == NESTLAB_HC_PHASE_BEGIN && ret0 < NESTLAB_MAX_PHASES) {
		m->nr_phases = (unsigned)ret0 + 1;
		m->open = (int)ret0;
	} else if (c->rcx == NESTLAB_HC_PHASE_END) {
		m->open = -1;
	}
}
