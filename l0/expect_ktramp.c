/*
 * The trampoline's counter model (expect_ktramp.h): the kernel's own
 * accounting (lib/tramp/tramp_ledger.c, as guests/kernel/ktramp.c runs it)
 * over the calls a workload's definition makes, as events in the
 * dispatch's order:
 *   call(p, nr, learnable)  process p's call of nr returned and is counted;
 *                           learnable: it was entered while the phase was
 *                           open (the learning window counts only those)
 *   begin(p)                the begin marker of process p is in flight
 *   end(p)                  the end marker of process p is in flight
 * A trampoline state counts per entry; learning ends with the window's
 * W-th learnable call (tramp_select of those calls); a live state's calls
 * of hot entries are direct, the rest table; at the phase's end each live
 * state's calls since the phase's begin or its generation go to
 * tramp_decide. A phase's counters are the calls counted after the begin
 * marker up to and including the end marker.
 */
#include "expect_ktramp.h"

#include <string.h>
#include <stdio.h>
#include <nestlab/bootargs.h>
#include "../lib/tramp/tramp.h"
#include "../lib/tramp/tramp_ledger.h"

#define NR NESTLAB_KTRAMP_SYS_NR
#define K  NESTLAB_KTRAMP_HOT

struct sim_ctx {
	int live, learning;
	uint64_t counts[NR];
	struct ktramp_ledger lg;
	struct expect_ktramp_ctr ph;
};

struct sim {
	unsigned w, nctx;
	int per_proc;
	struct sim_ctx c[NESTLAB_PROCS_MAX];
};

static struct sim_ctx *ctx(struct sim *s, unsigned p)
{
	return &s->c[s->per_proc ? p : 0];
}

static void publish(struct sim_ctx *c, const uint32_t *list, unsigned n, unsigned inflight)
{
	ktramp_ledger_adopt(&c->lg, c->counts, list, n, inflight);
	c->live = 1;
	c->learning = 0;
}

static void ev_call(struct sim *s, unsigned p, unsigned nr, int learnable)
{
	struct sim_ctx *c = ctx(s, p);
	uint32_t list[K];
	unsigned n;

	c->counts[nr]++;
	if (learnable && c->learning && ktramp_ledger_learn(&c->lg, nr, s->w, list, &n)) {
		publish(c, list, n, NR);
		ktramp_ledger_evaluated(&c->lg, c->counts);
	}
}

static void ev_begin(struct sim *s, unsigned p)
{
	for (unsigned i = 0; i < s->nctx; i++) {
		struct sim_ctx *c = &s->c[i];

		ktramp_ledger_phase_begin(&c->lg, c->counts,
					  c == ctx(s, p) ? NESTLAB_KTRAMP_SYS_BEGIN : NR);
	}
}

static void ev_end(struct sim *s, unsigned p)
{
	for (unsigned i = 0; i < s->nctx; i++) {
		struct sim_ctx *c = &s->c[i];
		unsigned inflight = c == ctx(s, p) ? NESTLAB_KTRAMP_SYS_END : NR;
		uint32_t cand[K];
		unsigned n;

		if (ktramp_ledger_phase_end(&c->lg, c->counts, inflight, c->live, &c->ph.direct,
					    &c->ph.table, cand, &n))
			publish(c, cand, n, inflight);
		c->ph.generations = c->lg.generations;
	}
}

/* One step's calls of program prog run by process index proc; how many. */
static unsigned step_calls(unsigned prog, unsigned proc, unsigned *out)
{
	static const unsigned mix[] = { NESTLAB_KTRAMP_SYS_GETPID, NESTLAB_KTRAMP_SYS_GETUID,
					NESTLAB_KTRAMP_SYS_GETPPID, NESTLAB_KTRAMP_SYS_GETPID };
	unsigned n = 0;

	switch (prog) {
	case NESTLAB_WL_GETPID:
		out[n++] = NESTLAB_KTRAMP_SYS_GETPID;
		break;
	case NESTLAB_WL_WRITE:
		out[n++] = NESTLAB_KTRAMP_SYS_WRITE;
		break;
	case NESTLAB_WL_SYSCALL_MIX:
		for (unsigned i = 0; i < 4; i++)
			out[n++] = mix[i];
		break;
	case NESTLAB_WL_DISPATCH_SKEWED:
	case NESTLAB_WL_DISPATCH_UNIFORM: {
		int skewed = prog == NESTLAB_WL_DISPATCH_SKEWED;

		for (unsigned k = 0; k < nestlab_dispatch_calls(skewed); k++)
			out[n++] = nestlab_dispatch_nr(skewed, proc, k);
		break;
	}
	}
	return n;
}

static void run_single(struct sim *s, unsigned wl, unsigned long n)
{
	unsigned calls[NESTLAB_DISPATCH_SKEWED_N], m = step_calls(wl, 0, calls);

	ev_begin(s, 0);
	ev_call(s, 0, NESTLAB_KTRAMP_SYS_BEGIN, 0);
	for (unsigned long i = 0; i < n; i++)
		for (unsigned k = 0; k < m; k++)
			ev_call(s, 0, calls[k], 1);
	ev_end(s, 0);
	ev_call(s, 0, NESTLAB_KTRAMP_SYS_END, 1);
}

/*
 * multi.c under the round-robin scheduler: process 0 opens the phase after
 * every setup's yield; round r runs, for each process q in order, the
 * return of q's previous yield (round 0: its setup's, entered before the
 * phase, for q > 0; process 0's returned before it opened the phase), q's
 * step, and q's yield; after the last round each process's last yield
 * returns, every one but the last then yields once more inside the phase,
 * the last closes it; those yields return after the phase.
 */
static void run_multi(struct sim *s, const struct nestlab_procs *procs, unsigned long n)
{
	unsigned np = procs->n, last = np - 1;
	unsigned calls[NESTLAB_PROCS_MAX][NESTLAB_DISPATCH_SKEWED_N], m[NESTLAB_PROCS_MAX];

	for (unsigned q = 0; q < np; q++)
		m[q] = step_calls(procs->prog[q], q, calls[q]);
	ev_begin(s, 0);
	ev_call(s, 0, NESTLAB_KTRAMP_SYS_BEGIN, 0);
	for (unsigned long r = 0; r < n; r++)
		for (unsigned q = 0; q < np; q++) {
			if (r > 0)
				ev_call(s, q, NESTLAB_KTRAMP_SYS_YIELD, 1);
			else if (q > 0)
				ev_call(s, q, NESTLAB_KTRAMP_SYS_YIELD, 0);
			for (unsigned k = 0; k < m[q]; k++)
				ev_call(s, q, calls[q][k], 1);
		}
	for (unsigned q = 0; q < np && n > 0; q++)
		ev_call(s, q, NESTLAB_KTRAMP_SYS_YIELD, 1);
	ev_end(s, last);
	ev_call(s, last, NESTLAB_KTRAMP_SYS_END, 1);
	for (unsigned q = 0; q < last; q++)
		ev_call(s, q, NESTLAB_KTRAMP_SYS_YIELD, 1);
}

void expect_ktramp_compute(unsigned wl, unsigned long n, const struct nestlab_procs *procs,
			   unsigned mode, unsigned w, struct expect_ktramp *out)
{
	static struct sim s;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	out->mode = mode;
	if (mode == NESTLAB_KTRAMP_OFF)
		return;
	s.w = w ? w : NESTLAB_KTRAMP_WINDOW_DEFAULT;
	s.per_proc = mode == NESTLAB_KTRAMP_PROCESS;
	s.nctx = s.per_proc ? (wl == NESTLAB_WL_MULTI ? procs->n : 1) : 1;
	for (unsigned i = 0; i < s.nctx; i++) {
		ktramp_ledger_init(&s.c[i].lg, s.c[i].counts);
		s.c[i].learning = 1;
	}
	switch (wl) {
	case NESTLAB_WL_GETPID:
	case NESTLAB_WL_WRITE:
	case NESTLAB_WL_SYSCALL_MIX:
	case NESTLAB_WL_DISPATCH_SKEWED:
	case NESTLAB_WL_DISPATCH_UNIFORM:
		run_single(&s, wl, n);
		break;
	case NESTLAB_WL_MULTI:
		if (n == 0 && procs->n > 1)
			return;  /* not modelled: no round, the yields differ */
		run_multi(&s, procs, n);
		break;
	default:
		return;
	}
	out->known = true;
	out->nprocs = s.per_proc ? s.nctx : 0;
	for (unsigned i = 0; i < s.nctx; i++) {
		out->phase.direct += s.c[i].ph.direct;
		out->phase.table += s.c[i].ph.table;
		out->phase.generations += s.c[i].ph.generations;
		if (s.per_proc)
			out->proc[i] = s.c[i].ph;
	}
}

static void put(struct results_named_counter *c, unsigned *n, const char *name, uint64_t v)
{
	memset(&c[*n], 0, sizeof(c[*n]));
	snprintf(c[*n].name, sizeof(c[*n].name), "%s", name);
	c[*n].value = v;
	(*n)++;
}

unsigned expect_ktramp_counters(const struct expect_ktramp *k, struct results_named_counter *c)
{
	unsigned n = 0;
	char name[NESTLAB_COUNTER_NAME_MAX + 1];

	if (!k->known)
		return 0;
	put(c, &n, "ktramp.direct", k->phase.direct);
	put(c, &n, "ktramp.table", k->phase.table);
	put(c, &n, "ktramp.generations", k->phase.generations);
	for (unsigned i = 0; i < k->nprocs; i++) {
		snprintf(name, sizeof(name), "ktramp.p%u.direct", i + 1);
		put(c, &n, name, k->proc[i].direct);
		snprintf(name, sizeof(name), "ktramp.p%u.table", i + 1);
		put(c, &n, name, k->proc[i].table);
		snprintf(name, sizeof(name), "ktramp.p%u.generations", i + 1);
		put(c, &n, name, k->proc[i].generations);
	}
	return n;
}
