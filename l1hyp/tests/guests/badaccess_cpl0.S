/*
 * badaccess_cpl0: at CPL0, paging off (linear = guest-physical), a dword
 * write at the first guest-physical address past L2's RAM (from the
 * multiboot info's mem_upper: RAM ends at 1 MiB + mem_upper KiB).
 *
 * APM vol.2 15.25.6 "Nested Page Faults": the access reaches no nested
 * mapping, so it exits to L1 with EXITINFO1 = the fault's error code (W=1,
 * U/S from the guest's access) and EXITINFO2 = the GPA. L1 must end the run
 * as l2_bad_access and diagnose "write at CPL0": the guest's CPL is CS.DPL
 * / the VMCB's CPL field (APM 15.5.1 / Table B-2), 0 here. The run must not
 * come back; if it does, FAIL.
 */
#include "hostile.h"
#include <nestlab/multiboot.h>

	SCENARIO badaccess_cpl0
	.text
	CODE32
	.globl scenario_main
scenario_main:
	mov rt_mb_info, %ebx
	mov (%ebx), %eax                 /* flags */
	and $MULTIBOOT_INFO_MEMORY, %eax
	CHECK %eax, $MULTIBOOT_INFO_MEMORY, "the multiboot info has mem_upper"
	mov rt_mb_info, %ebx
	mov 8(%ebx), %ebx                /* mem_upper, KiB above 1 MiB */
	add $1024, %ebx
	shl $10, %ebx                    /* RAM size in bytes */
	NOTEV "CPL0, paging off: writing one dword at the end of RAM, address", %ebx
	movl $0x0BADACCE, (%ebx)
	FAIL "the write beyond RAM came back to L2: the run should have ended in l2_bad_access"
	ret
