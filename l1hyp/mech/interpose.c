/*
 * System-call interposition, the mechanism (interpose.h, docs/interpose.md):
 * its switches, the operation L1 performs itself (variants hypercall and
 * trap), the hypercalls SYSCALL and QUERY, the per-phase counters and the
 * report at the end of the run. Registration, the hooked LSTAR, the page
 * protection and the trap variant are in interpose_hook.c,
 * interpose_protect.c and interpose_trap.c.
 */
#include "mech.h"
#include "interpose.h"
#include "../core/l1.h"
#include "../core/hypercall.h"
#include "../core/phase_hook.h"
#include "../core/trace_l1.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/mem.h>

struct interpose_state interpose;

static const char *const variant_names[] = { NESTLAB_INTERPOSE_VARIANT_WORDS };
static const char *const op_names[] = { NESTLAB_INTERPOSE_OP_WORDS };

static bool word_is(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

static int word_index(const char *v, size_t n, const char *const *names, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (word_is(v, n, names[i]))
			return (int)i;
	return -1;
}

/* "NR[,NR...]", each NR decimal below NESTLAB_INTERPOSE_NRS. */
static int parse_deny(const char *s, size_t n, char *err, size_t errlen)
{
	size_t i = 0;

	memset(interpose.deny, 0, sizeof(interpose.deny));
	while (i < n) {
		uint64_t nr = 0;
		size_t start = i;

		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			nr = nr * 10 + (uint64_t)(s[i++] - '0');
		if (i == start || (i < n && s[i] != ',') || nr >= NESTLAB_INTERPOSE_NRS) {
			format_snprintf(err, errlen, "interpose_deny takes system-call numbers "
					"0..%u separated by commas", NESTLAB_INTERPOSE_NRS - 1);
			return -1;
		}
		interpose.deny[nr / 64] |= 1ull << (nr % 64);
		if (i < n && ++i == n) {
			format_snprintf(err, errlen, "interpose_deny: a number after the last comma");
			return -1;
		}
	}
	if (!n) {
		format_snprintf(err, errlen, "interpose_deny: no number given");
		return -1;
	}
	interpose.deny_given = true;
	return 0;
}

static const char *const interpose_options[] = { "interpose_op", "interpose_deny", 0 };

static int interpose_option(unsigned slot, const char *key, const char *val, size_t vlen,
			    char *err, size_t errlen)
{
	int i;

	(void)slot;
	if (word_is(key, strlen(key), "interpose_deny"))
		return parse_deny(val, vlen, err, errlen);
	i = word_index(val, vlen, op_names, NESTLAB_INTERPOSE_NR_OPS);
	if (i < 0) {
		format_snprintf(err, errlen, "interpose_op takes count, trace or deny");
		return -1;
	}
	interpose.op = (enum nestlab_interpose_op)i;
	return 0;
}

static bool denied(uint64_t nr)
{
	return interpose.op == NESTLAB_INTERPOSE_OP_DENY && nr < NESTLAB_INTERPOSE_NRS &&
	       (interpose.deny[nr / 64] >> (nr % 64) & 1);
}

bool interpose_syscall(struct vcpu *v, uint64_t nr)
{
	struct nestlab_interpose_counters *c = &interpose.own;
	bool deny = denied(nr);

	c->total++;
	if (nr < NESTLAB_INTERPOSE_NRS)
		c->nr[nr]++;
	else
		c->other++;
	if (deny)
		c->denied++;
	if (interpose.op == NESTLAB_INTERPOSE_OP_TRACE && l1.trace.on)
		trace_l1_mech(v, interpose.slot, INTERPOSE_TRACE_SYSCALL, nr, deny);
	return deny;
}

/* The counts so far: the module's page (inguest; untrusted, read once: a
 * page L1 cannot read counts as zeros, reported once) or L1's own. */
static void counts_now(struct vcpu *v, struct nestlab_interpose_counters *out)
{
	if (interpose.variant != NESTLAB_INTERPOSE_INGUEST) {
		*out = interpose.own;
		return;
	}
	if (interpose.registered &&
	    !v->gm.read_phys(v->gm.ctx, interpose.counters_gpa, out, sizeof(*out)))
		return;
	memset(out, 0, sizeof(*out));
	if (interpose.registered && !interpose.counters_unreadable) {
		interpose.counters_unreadable = true;
		l1_printf("nestlab-l1: interpose: the module's counter page (GPA %lx) "
			  "cannot be read: its counts are 0\n", interpose.counters_gpa);
	}
}

static void counter(unsigned phase, const char *name, uint64_t value)
{
	int rc = exit_stats_counter_set(&l1.stats, phase, name, value);

	if (rc)
		l1_printf("nestlab-l1: interpose: counter %s of phase %u not kept: %s\n",
			  name, phase, exit_stats_strerror(rc));
}

static void on_phase(struct vcpu *v, unsigned phase, bool begin)
{
	struct nestlab_interpose_counters now;
	const struct nestlab_interpose_counters *b = &interpose.at_begin;
	char name[NESTLAB_COUNTER_NAME_MAX + 1];

	counts_now(v, &now);
	if (begin) {
		interpose.at_begin = now;
		interpose.refused_at_begin = interpose.refused;
		interpose.exits_at_begin = interpose.exits;
		return;
	}
	counter(phase, "interpose.total", now.total - b->total);
	if (now.denied != b->denied)
		counter(phase, "interpose.denied", now.denied - b->denied);
	if (now.other != b->other)
		counter(phase, "interpose.other", now.other - b->other);
	if (interpose.exits != interpose.exits_at_begin)
		counter(phase, "interpose.exits", interpose.exits - interpose.exits_at_begin);
	if (interpose.refused != interpose.refused_at_begin)
		counter(phase, "interpose.refused", interpose.refused - interpose.refused_at_begin);
	for (unsigned nr = 0; nr < NESTLAB_INTERPOSE_NRS; nr++) {
		if (now.nr[nr] == b->nr[nr])
			continue;
		format_snprintf(name, sizeof(name), "interpose.nr.%u", nr);
		counter(phase, name, now.nr[nr] - b->nr[nr]);
	}
}

/* ---- hypercalls (CPL0 only: hc_dispatch checks) ---- */

static uint32_t hc_syscall(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	(void)r1;
	if (interpose.variant != NESTLAB_INTERPOSE_HYPERCALL || !interpose.registered)
		return NESTLAB_HC_E_STATE;
	interpose.exits++;
	*r0 = interpose_syscall(ctx, a[0]);
	return NESTLAB_HC_OK;
}

static uint32_t hc_query(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct nestlab_interpose_counters now;

	if (a[0] == NESTLAB_INTERPOSE_Q_CONFIG) {
		*r0 = (uint64_t)interpose.variant | (uint64_t)interpose.op << 8;
		*r1 = interpose.registered;
		return NESTLAB_HC_OK;
	}
	if (a[0] != NESTLAB_INTERPOSE_Q_COUNTS)
		return NESTLAB_HC_E_INVAL;
	counts_now(ctx, &now);
	*r0 = now.total;
	*r1 = interpose.refused;
	return NESTLAB_HC_OK;
}

static int interpose_init(struct vcpu *v, unsigned slot, const char *val, size_t vlen,
			  char *err, size_t errlen)
{
	int i = val ? word_index(val, vlen, variant_names, NESTLAB_INTERPOSE_NR_VARIANTS) : 0;

	interpose.slot = slot;
	if (i < 0) {
		format_snprintf(err, errlen, "interpose takes off, inguest, hypercall, trap or "
				"breakpoint");
		return -1;
	}
	interpose.variant = (enum nestlab_interpose_variant)i;
	if (interpose.variant == NESTLAB_INTERPOSE_OFF) {
		if (interpose.op != NESTLAB_INTERPOSE_OP_COUNT || interpose.deny_given) {
			format_snprintf(err, errlen, "interpose_op and interpose_deny need "
					"interpose=inguest, hypercall or trap");
			return -1;
		}
		return 0;
	}
	if ((interpose.op == NESTLAB_INTERPOSE_OP_DENY) != interpose.deny_given) {
		format_snprintf(err, errlen, interpose.deny_given ?
				"interpose_deny needs interpose_op=deny" :
				"interpose_op=deny needs interpose_deny=NR[,NR...]");
		return -1;
	}
	if (phase_hook_add(on_phase) ||
	    hc_ext_register(NESTLAB_HC_INTERPOSE_QUERY, hc_query)) {
		format_snprintf(err, errlen, "interpose: cannot install its handlers");
		return -1;
	}
	if (interpose.variant == NESTLAB_INTERPOSE_TRAP) {
		if (interpose_trap_init(v)) {
			format_snprintf(err, errlen, "interpose=trap: SYSCALL's #UD intercept is "
					"taken (mbec=intercept emulates SYSCALL too; use one)");
			return -1;
		}
		return 1;
	}
	if (interpose.variant == NESTLAB_INTERPOSE_BREAKPOINT) {
		if (interpose_hook_init(v, false) || interpose_bp_init(v)) {
			format_snprintf(err, errlen, "interpose=breakpoint needs npt=eager (its "
					"execute view) and the #BP, #DB and NPF exits");
			return -1;
		}
		return 1;
	}
	if (interpose_hook_init(v, true) || interpose_protect_init() ||
	    (interpose.variant == NESTLAB_INTERPOSE_HYPERCALL &&
	     hc_ext_register(NESTLAB_HC_INTERPOSE_SYSCALL, hc_syscall))) {
		format_snprintf(err, errlen, "interpose: cannot install its handlers");
		return -1;
	}
	return 1;
}

static void interpose_report(struct vcpu *v)
{
	struct nestlab_interpose_counters now;

	counts_now(v, &now);
	l1_printf("nestlab-l1: interpose: %s, op %s: %lu system calls interposed, %lu denied, "
		  "%lu exits", variant_names[interpose.variant], op_names[interpose.op],
		  now.total, now.denied, interpose.exits);
	if (interpose.variant == NESTLAB_INTERPOSE_TRAP ||
	    interpose.variant == NESTLAB_INTERPOSE_BREAKPOINT) {
		l1_printf("\n");
		return;
	}
	l1_printf("; module %s (entry %lx); LSTAR read %lu, written %lu times by L2; "
		  "%lu writes to protected pages refused\n",
		  interpose.registered ? "registered" : "never registered", interpose.entry,
		  interpose.lstar_reads, interpose.lstar_writes, interpose.refused);
}

static const struct mech interpose_mech = {
	.name = "interpose",
	.summary = "system-call interposition: hooked, hidden LSTAR or SYSCALL traps",
	.init = interpose_init,
	.report = interpose_report,
	.options = interpose_options,
	.option = interpose_option,
};
MECH_REGISTER(interpose_mech);
