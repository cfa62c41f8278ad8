/*
 * The exit dispatch options (exit_tramp.h): what the dispatch slot
 * (arch/x86/exit_slot.S) holds, the learning window, the phase-end
 * re-evaluation and the W^X publication of each new slot content.
 *
 * Slot contents, all ending in a jump (the handler returns to the call
 * site): as linked `jmp *exit_handlers(,%rsi,8)` (both options off, never
 * rewritten); tramp_generate with no hot reason and the thunk
 * (l1_retpoline=on alone: movabs $exit_handlers, %r11; mov (%r11,%rsi,8),
 * %r11; jmp __x86_indirect_thunk_r11); `jmp exit_tramp_learn` during the
 * learning window; then the trampoline. Publication: the slot's page made
 * writable and not executable, the bytes written, then read-only and
 * executable (l1_page_protect, each step followed by INVLPG): a call into
 * the slot while it is being written would fault (an instruction fetch
 * from an NX page, APM vol.2 5.6.1) and end the run as l1_error rather
 * than run half-written code. It cannot happen: a rewrite runs only from
 * vcpu_defer, after the exit was dispatched and accounted, on L1's only
 * CPU, with L1's interrupts off (L1 takes its timer only around VMRUN).
 */
#include "exit_tramp.h"
#include "exit_tramp_policy.h"
#include "exit_table.h"
#include "phase_hook.h"
#include "l1.h"
#include "../mech/mech.h"
#include "../arch/x86/l1_page.h"
#include "../arch/x86/console.h"
#include "../arch/x86/cpu.h"
#include "../../lib/tramp/tramp.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/mem.h>
#include <nestlab/status.h>

#define NR NESTLAB_EXIT_NR

/* arch/x86/retpoline.S */
unsigned exit_dispatch_retpolined(struct vcpu *v, unsigned long reason);
extern char __x86_indirect_thunk_r11[];

static struct {
	bool retpoline, on, learning;
	uint32_t window;
	uint32_t hot[EXIT_TRAMP_HOT];
	unsigned nhot;
	size_t len;                     /* bytes of the slot in use */
	unsigned generations;
	uint64_t eval_snap[NR];         /* in-phase counts at the last evaluation */
	uint64_t acc_snap[NR];          /* ... when direct was last brought up to date */
	uint64_t phase_direct;          /* the open phase's exits that hit */
	uint64_t seen;                  /* learning: exits the stub saw in a phase */
	struct {                        /* the last generation, for its console line */
		bool pending;
		const char *when;
		unsigned when_phase, nhot;
		uint32_t hot[EXIT_TRAMP_HOT];
		uint64_t bytes, cycles;
	} line;
} t;

static void hot_names(const uint32_t *hot, unsigned nhot, char *buf, size_t n);

/* A generation's console line waits for the phase's end when a phase is
 * open, formatting included: the console costs L1 thousands of cycles, and
 * L2's clock runs on while L1 works (a timer workload's exits depend on
 * it). */
static void flush_line(void)
{
	char names[160];

	if (!t.line.pending)
		return;
	t.line.pending = false;
	hot_names(t.line.hot, t.line.nhot, names, sizeof(names));
	l1_printf("nestlab-l1: l1_trampoline: generation %u %s%u: hot %s, %lu bytes, "
		  "%lu L1 cycles\n", t.generations, t.line.when, t.line.when_phase, names,
		  t.line.bytes, t.line.cycles);
}

static uint8_t *slot(void)
{
	return (uint8_t *)(uintptr_t)exit_dispatch_slot;
}

/* The run's in-phase exits by reason, all phases so far (exit_stats). */
static void in_phase_counts(uint64_t *cum)
{
	for (unsigned r = 0; r < NR; r++)
		cum[r] = 0;
	for (unsigned p = 0; p < l1.stats.nr_phases; p++)
		for (unsigned r = 0; r < NR; r++)
			cum[r] += l1.stats.phase[p].counts.count[r];
}

/* Counts by reason, a word at a time (the freestanding memcpy copies
 * bytes: this runs inside a phase, where L1's time is L2's time too). */
static void copy_counts(uint64_t *dst, const uint64_t *src)
{
	for (unsigned r = 0; r < NR; r++)
		dst[r] = src[r];
}

/* The in-phase exits since the last call were dispatched by the live hot
 * list: those of its reasons hit. */
static void account(const uint64_t *cum)
{
	for (unsigned i = 0; i < t.nhot; i++)
		t.phase_direct += cum[t.hot[i]] - t.acc_snap[t.hot[i]];
	copy_counts(t.acc_snap, cum);
}

static int publish(const uint8_t *code, size_t len)
{
	uint8_t *s = slot();

	if (l1_page_protect(s, true, false))    /* RW, NX: not callable */
		return -1;
	memcpy(s, code, len);
	for (size_t i = len; i < t.len; i++)
		s[i] = 0xCC;                    /* INT3 */
	t.len = len;
	return l1_page_protect(s, false, true); /* read-only, executable */
}

static int build(const uint32_t *hot, unsigned nhot, uint8_t *code, size_t cap,
		 size_t *len)
{
	struct tramp_hot h[EXIT_TRAMP_HOT];
	struct tramp_spec spec = {
		.hot = h, .nhot = nhot, .index_reg = X86_RSI,
		.table = (uint64_t)(uintptr_t)exit_handlers,
		.thunk = t.retpoline ? (uint64_t)(uintptr_t)__x86_indirect_thunk_r11 : 0,
		.load_addr = (uint64_t)(uintptr_t)slot(),
	};

	for (unsigned i = 0; i < nhot; i++)
		h[i] = (struct tramp_hot){ hot[i], (uint64_t)(uintptr_t)exit_handlers[hot[i]] };
	return tramp_generate(&spec, code, cap, len);
}

static void hot_names(const uint32_t *hot, unsigned nhot, char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < nhot && k < n; i++)
		k += format_snprintf(buf + k, n - k, "%s%s", i ? "," : "",
				     nestlab_exit_reason_name(hot[i]));
	if (!nhot)
		format_snprintf(buf, n, "none");
}

/* Generate the trampoline for hot[] and publish it. */
static void regenerate(struct vcpu *v, const uint32_t *hot, unsigned nhot, const char *when,
		       unsigned when_phase)
{
	uint8_t code[256];
	uint64_t t0 = rdtsc();
	size_t len;
	int rc = build(hot, nhot, code, sizeof(code), &len);

	if (rc || publish(code, len)) {
		vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false, "l1_trampoline: %s",
			  rc ? tramp_strerror(rc) : "the dispatch slot is not an L1 page");
		return;
	}
	memcpy(t.hot, hot, nhot * sizeof(hot[0]));
	t.nhot = nhot;
	t.generations++;
	t.line.cycles = rdtsc() - t0;
	t.line.pending = true;
	t.line.when = when;
	t.line.when_phase = when_phase;
	t.line.nhot = nhot;
	memcpy(t.line.hot, hot, nhot * sizeof(hot[0]));
	t.line.bytes = len;
	if (!l1.stats.open_counts)
		flush_line();
}

/* Counts since the last evaluation against the live list; the first one
 * (the window's end) always publishes, the empty list if the model says
 * so, to end the learning. */
static void evaluate(struct vcpu *v, const uint64_t *cum, const char *when,
		     unsigned when_phase)
{
	uint64_t delta[NR];
	uint32_t cand[EXIT_TRAMP_HOT];
	unsigned n;
	int replace;

	for (unsigned r = 0; r < NR; r++)
		delta[r] = cum[r] - t.eval_snap[r];
	copy_counts(t.eval_snap, cum);
	replace = exit_tramp_decide(delta, NR, EXIT_TRAMP_HOT, t.hot, t.nhot, cand, &n);
	if (t.generations == 0 && !replace)
		n = 0, replace = 1;
	if (replace)
		regenerate(v, cand, n, when, when_phase);
}

static void window_check(struct vcpu *v)
{
	uint64_t cum[NR], total = 0;

	if (!t.learning)
		return;
	in_phase_counts(cum);
	for (unsigned r = 0; r < NR; r++)
		total += cum[r];
	if (total < t.window)
		return;
	account(cum);                   /* the window's exits: no hit */
	t.learning = false;
	evaluate(v, cum, "after in-phase exit ", (unsigned)total);
}

static unsigned last_phase;

static void phase_eval(struct vcpu *v)
{
	uint64_t cum[NR];

	in_phase_counts(cum);
	evaluate(v, cum, "at the end of phase ", last_phase);
}

static void on_phase(struct vcpu *v, unsigned phase, bool begin)
{
	uint64_t cum[NR];

	in_phase_counts(cum);
	account(cum);
	if (begin) {
		t.phase_direct = 0;
		return;
	}
	flush_line();
	exit_stats_counter_set(&l1.stats, phase, "l1_tramp.direct", t.phase_direct);
	exit_stats_counter_set(&l1.stats, phase, "l1_tramp.generations", t.generations);
	if (!t.learning) {
		last_phase = phase;
		vcpu_defer(v, phase_eval);
	}
}

/* The slot during the learning window jumps here (a tail call, like every
 * slot content): the handler through the table, and once the stub has seen
 * the window's number of in-phase exits, the window's exact check against
 * the exit accounting, after the exit is accounted (a pre hook that
 * completes an exit hides it from the stub, a post hook may move it out of
 * the phase: the stub's count only says when to start checking). */
unsigned exit_tramp_learn(struct vcpu *v, unsigned long reason);
unsigned exit_tramp_learn(struct vcpu *v, unsigned long reason)
{
	unsigned flags = t.retpoline ? exit_dispatch_retpolined(v, reason)
				     : exit_handlers[reason](v);

	if (l1.stats.open_counts && !(flags & EXIT_NOT_IN_PHASE) && ++t.seen >= t.window)
		vcpu_defer(v, window_check);
	return flags;
}

/* "key=value" of an option for a message (value not NUL-terminated). */
static void bad(char *err, size_t errlen, const char *what, const char *val, size_t vlen)
{
	char v[40];
	size_t n = vlen < sizeof(v) - 1 ? vlen : sizeof(v) - 1;

	memcpy(v, val, n);
	v[n] = '\0';
	format_snprintf(err, errlen, "%s, got: %s", what, v);
}

static int take_switch(struct l1_config *cfg, const char *key, bool *dst, char *err,
		       size_t errlen)
{
	const char *val;
	size_t vlen;
	int on;

	if (!l1_config_take(cfg, key, &val, &vlen))
		return 0;
	on = mech_switch_on(val, vlen);
	if (on < 0) {
		char what[48];

		format_snprintf(what, sizeof(what), "%s must be on or off", key);
		bad(err, errlen, what, val, vlen);
		return -1;
	}
	*dst = on;
	return 0;
}

int exit_tramp_configure(struct vcpu *v, struct l1_config *cfg, char *err, size_t errlen)
{
	const char *val = 0;
	size_t vlen = 0;
	bool window_given;
	uint8_t code[64];
	size_t len;
	int32_t rel;

	t.window = EXIT_TRAMP_WINDOW_DEFAULT;
	t.len = 16;                     /* the linked jmp and some INT3 */
	if (take_switch(cfg, "l1_retpoline", &t.retpoline, err, errlen) ||
	    take_switch(cfg, "l1_trampoline", &t.on, err, errlen))
		return -1;
	window_given = l1_config_take(cfg, "l1_trampoline_window", &val, &vlen);
	if (window_given && exit_tramp_parse_u32(val, vlen, 1, EXIT_TRAMP_WINDOW_MAX,
						 &t.window)) {
		bad(err, errlen, "l1_trampoline_window must be a number of in-phase exits "
		    "in 1..100000000", val, vlen);
		return -1;
	}
	if (window_given && !t.on) {
		format_snprintf(err, errlen, "l1_trampoline_window needs l1_trampoline=on");
		return -1;
	}
	if (!t.retpoline && !t.on)
		return 0;
	if (!l1_page_nx_on()) {
		format_snprintf(err, errlen, "l1_retpoline and l1_trampoline rewrite the "
				"dispatch slot W^X and need NX (EFER.NXE), which this CPU "
				"does not offer");
		return -1;
	}
	if (t.on) {
		exit_table_freeze();
		if (phase_hook_add(on_phase)) {
			format_snprintf(err, errlen, "l1_trampoline: no phase hook left");
			return -1;
		}
		/* JMP rel32, E9 cd (SDM vol.2A JMP; APM vol.3): relative to the
		 * next instruction, 5 bytes on. */
		rel = (int32_t)((uint64_t)(uintptr_t)exit_tramp_learn -
				((uint64_t)(uintptr_t)slot() + 5));
		code[0] = 0xE9;
		memcpy(code + 1, &rel, 4);
		len = 5;
		t.learning = true;
	} else if (build(0, 0, code, sizeof(code), &len)) {
		format_snprintf(err, errlen, "l1_retpoline: the dispatch does not fit");
		return -1;
	}
	if (publish(code, len)) {
		format_snprintf(err, errlen, "the dispatch slot is not a 4 KiB L1 page");
		return -1;
	}
	/* W^X, checked once: a write to the published slot must fault (the
	 * fault-safe writer turns the #PF into -1), and the slot is unchanged. */
	{
		uint8_t probe = 0xCC, first = slot()[0];

		if (l1_write_safe(slot(), &probe, 1) != -1 || slot()[0] != first) {
			format_snprintf(err, errlen, "the published dispatch slot is writable");
			return -1;
		}
	}
	l1_printf("nestlab-l1: exit dispatch slot at %lx: read-only and executable, a "
		  "write faults: PASS\n", (uint64_t)(uintptr_t)slot());
	if (t.on)
		l1_printf("nestlab-l1: l1_trampoline: learning from the first %u in-phase "
			  "exits, then up to %u hot reasons, the rest through the table%s\n",
			  t.window, EXIT_TRAMP_HOT,
			  t.retpoline ? " and the retpoline" : "");
	else
		l1_printf("nestlab-l1: l1_retpoline: the exit dispatch jumps through "
			  "__x86_indirect_thunk_r11 (%lu bytes)\n", (uint64_t)len);
	return 0;
}
