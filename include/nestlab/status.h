/*
 * Run status codes shared by L1, the L2 kernel (at level 1) and the launcher.
 *
 * A run ends by writing its status to QEMU's isa-debug-exit device
 * (NESTLAB_DEBUG_EXIT_PORT); QEMU then exits with (status << 1) | 1, so an
 * odd QEMU exit code carries a nestlab status and 1 means NESTLAB_STATUS_PASS.
 * QEMU exit code 0 means the machine stopped without reporting a status.
 */
#ifndef NESTLAB_STATUS_H
#define NESTLAB_STATUS_H

enum nestlab_status {
	NESTLAB_STATUS_PASS          = 0, /* workload ran and checked out */
	NESTLAB_STATUS_WORKLOAD_FAIL = 1, /* workload detected a wrong result */
	NESTLAB_STATUS_L2_SHUTDOWN   = 2, /* L2 triple fault (SHUTDOWN intercept) */
	NESTLAB_STATUS_L2_BAD_ACCESS = 3, /* L2 touched guest-physical memory outside its RAM */
	NESTLAB_STATUS_L2_EXCEPTION  = 4, /* L2 kernel took an exception it cannot handle */
	NESTLAB_STATUS_L1_ERROR      = 5, /* L1 internal error or exception */
	NESTLAB_STATUS_NO_SVM        = 6, /* the CPU offers no usable SVM/NPT */
	NESTLAB_STATUS_BAD_CONFIG    = 7, /* bad command line / missing module */
	NESTLAB_STATUS_L2_BAD_INSN   = 8, /* L2 executed an instruction L1 refuses */
	NESTLAB_STATUS_L2_HALTED     = 9, /* L2 halted with nothing that could wake it */
	NESTLAB_STATUS_L2_BAD_STATE  = 10, /* L2 put itself in a state VMRUN refuses */
	NESTLAB_STATUS_L2_MBEC_VIOLATION = 11, /* L2 fetched from a page its mode may
					       * not execute (mbec_violation=stop) */
	NESTLAB_STATUS_LAST          = NESTLAB_STATUS_L2_MBEC_VIOLATION, /* highest defined */
	NESTLAB_STATUS_MAX           = 127
};

#endif
