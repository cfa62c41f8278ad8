/*
 * VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA, MONITOR and MWAIT
 * from L2: its CPUID offers neither SVM nor MONITOR, so each raises #UD, as
 * on a CPU without them (APM vol.3, each instruction's exception table).
 */
#include "vcpu.h"
#include "exit_core.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"

unsigned exit_virt_insn(struct vcpu *v)
{
	vendor_inject_exception(v, X86_EXC_UD, false, 0, 0);
	return 0;
}
