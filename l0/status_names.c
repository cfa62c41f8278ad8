/*
 * Table of run status names, one entry per enum nestlab_status value. The
 * static assertion checks the table reaches the last code status.h defines
 * (NESTLAB_STATUS_LAST): a new code must get a row here.
 */
#include "status_names.h"

#include <nestlab/status.h>

struct status_entry {
	const char *name;
	const char *explain;
};

static const struct status_entry status_table[] = {
	[NESTLAB_STATUS_PASS]          = { "pass", "workload ran and checked out" },
	[NESTLAB_STATUS_WORKLOAD_FAIL] = { "workload_fail", "the workload detected a wrong result" },
	[NESTLAB_STATUS_L2_SHUTDOWN]   = { "l2_shutdown", "L2 triple-faulted (SHUTDOWN intercept)" },
	[NESTLAB_STATUS_L2_BAD_ACCESS] = { "l2_bad_access",
					   "L2 touched guest-physical memory outside its RAM" },
	[NESTLAB_STATUS_L2_EXCEPTION]  = { "l2_exception",
					   "the L2 kernel took an exception it cannot handle" },
	[NESTLAB_STATUS_L1_ERROR]      = { "l1_error", "L1 internal error or exception" },
	[NESTLAB_STATUS_NO_SVM]        = { "no_svm", "the CPU offers no usable SVM/NPT" },
	[NESTLAB_STATUS_BAD_CONFIG]    = { "bad_config",
					   "bad guest command line or missing multiboot module" },
	[NESTLAB_STATUS_L2_BAD_INSN]   = { "l2_bad_insn", "L2 executed an instruction L1 refuses" },
	[NESTLAB_STATUS_L2_HALTED]     = { "l2_halted",
					   "L2 halted with nothing that could wake it" },
	[NESTLAB_STATUS_L2_BAD_STATE]  = { "l2_bad_state",
					   "L2 put itself in a state VMRUN refuses (APM 15.5.1)" },
	[NESTLAB_STATUS_L2_MBEC_VIOLATION] = { "l2_mbec_violation",
					   "L2 executed a page its privilege mode may not execute "
					   "(MBEC emulation, docs/mbec.md)" },
};

_Static_assert(sizeof(status_table) / sizeof(status_table[0]) == NESTLAB_STATUS_LAST + 1,
	       "name every enum nestlab_status value");

const char *status_name(unsigned code)
{
	if (code < sizeof(status_table) / sizeof(status_table[0]) && status_table[code].name)
		return status_table[code].name;
	return "unknown";
}

const char *status_explain(unsigned code)
{
	if (code < sizeof(status_table) / sizeof(status_table[0]) && status_table[code].explain)
		return status_table[code].explain;
	return "status code not defined in include/nestlab/status.h";
}
