/*
 * The core's exit handlers installed in the exit table, once at boot. The
 * reasons not listed keep exit_unexpected: L1 does not intercept them.
 */
#include "exit_core.h"
#include "exit_table.h"

void exit_core_register(void)
{
	static const struct { unsigned reason; exit_handler_fn fn; } core[] = {
		{ NESTLAB_EXIT_CPUID,       exit_cpuid },
		{ NESTLAB_EXIT_VMMCALL,     exit_vmmcall },
		{ NESTLAB_EXIT_IOIO,        exit_ioio },
		{ NESTLAB_EXIT_MSR,         exit_msr },
		{ NESTLAB_EXIT_NPF,         exit_npf },
		{ NESTLAB_EXIT_HLT,         exit_hlt },
		{ NESTLAB_EXIT_SHUTDOWN,    exit_shutdown },
		{ NESTLAB_EXIT_TASK_SWITCH, exit_task_switch },
		{ NESTLAB_EXIT_INVALID,     exit_invalid_state },
		{ NESTLAB_EXIT_VMRUN,       exit_virt_insn },
		{ NESTLAB_EXIT_VMLOAD,      exit_virt_insn },
		{ NESTLAB_EXIT_VMSAVE,      exit_virt_insn },
		{ NESTLAB_EXIT_STGI,        exit_virt_insn },
		{ NESTLAB_EXIT_CLGI,        exit_virt_insn },
		{ NESTLAB_EXIT_SKINIT,      exit_virt_insn },
		{ NESTLAB_EXIT_INVLPGA,     exit_virt_insn },
		{ NESTLAB_EXIT_MONITOR,     exit_virt_insn },
		{ NESTLAB_EXIT_MWAIT,       exit_virt_insn },
		{ NESTLAB_EXIT_CR0_WRITE,   exit_cr_write },
		{ NESTLAB_EXIT_CR4_WRITE,   exit_cr_write },
		{ NESTLAB_EXIT_TR_WRITE,    exit_tr_write },
	};

	for (unsigned i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		exit_claim(core[i].reason, core[i].fn, 0);
	exit_cr_init();
}
