/*
 * Example mechanism (docs/l1-design.md): counts the CPUID leaves L2 asks
 * for inside workload phases, and prints the counts when the run ends.
 * It shows the whole plug-in surface: a struct mech registered with
 * MECH_REGISTER, a switch on the L1 command line (cpuid_leaves=on|off,
 * default off), per-vCPU state in the slot the registry hands out, a pre
 * hook on an exit reason that leaves the core's handler to do the work,
 * and a report at the end of the run. Not part of the default L1: the test
 * image build/l1hyp/l1hyp-mechtest.bin links it (l1hyp/module.mk), and
 * l1hyp/tests/mech_example.sh checks its counts.
 */
#include "../mech.h"
#include "../../core/l1.h"
#include "../../core/exit_table.h"
#include "../../arch/x86/console.h"
#include "../../../lib/freestanding/format.h"

#define LEAVES 16                       /* leaves 0..15, the rest together */

struct cpuid_leaves {
	uint64_t count[LEAVES + 1];
};

static struct cpuid_leaves state;
static unsigned my_slot;

static unsigned count_leaf(struct vcpu *v)
{
	struct cpuid_leaves *s = v->mech[my_slot];
	uint64_t leaf = (uint32_t)v->regs.gpr[X86_RAX];

	if (l1.stats.open_counts)           /* inside a workload phase */
		s->count[leaf < LEAVES ? leaf : LEAVES]++;
	return 0;                           /* the core's handler runs next */
}

static void report(struct vcpu *v)
{
	const struct cpuid_leaves *s = v->mech[my_slot];

	for (unsigned i = 0; i <= LEAVES; i++)
		if (s->count[i])
			l1_printf("nestlab-l1: cpuid_leaves: leaf %s%x: %lu\n",
				  i == LEAVES ? ">=" : "", i, s->count[i]);
}

static int init(struct vcpu *v, unsigned slot, const char *value, size_t vlen,
		char *err, size_t errlen)
{
	int on = mech_switch_on(value, vlen);

	if (on < 0) {
		format_snprintf(err, errlen, "cpuid_leaves must be on or off");
		return -1;
	}
	if (!on)
		return 0;
	my_slot = slot;
	v->mech[slot] = &state;
	if (exit_hook_add(NESTLAB_EXIT_CPUID, EXIT_HOOK_PRE, count_leaf)) {
		format_snprintf(err, errlen, "cpuid_leaves: no hook slot left on cpuid");
		return -1;
	}
	return 1;
}

static const struct mech cpuid_leaves = {
	.name = "cpuid_leaves",
	.summary = "counts CPUID leaves in workload phases (example)",
	.init = init,
	.report = report,
};
MECH_REGISTER(cpuid_leaves);
