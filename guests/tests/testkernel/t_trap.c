/*
 * Group "trap": the exception delivery the other groups rely on (Intel SDM
 * vol.3 6.12-6.14, AMD APM vol.2 8.2 and 8.9), through the kernel's own
 * IDT and exception table. UD2 raises #UD (SDM vol.2 "UD2"); loading DS
 * with a selector past the GDT limit raises #GP with the selector as its
 * error code (SDM vol.2 "MOV", SDM vol.3 6.13 "Error Code") and leaves DS
 * as it was; RDMSR of IA32_APIC_BASE, an MSR every APIC has, raises
 * nothing. Execution resumes after each faulting instruction.
 *
 * No check expects #GP from RDMSR or WRMSR: QEMU 7.2's TCG, the level-1
 * reference, raises none for an absent MSR or a reserved IA32_APIC_BASE
 * bit. The x2APIC group checks the MSR #GPs where a CPU offers x2APIC.
 */
#include "apic.h"
#include "tk.h"

#define G "trap"
#define TK_DS       0x10      /* boot.S's flat data segment */
#define SEL_PAST_GDT 0x40     /* index 8: boot.S's GDT has 4 entries */

void tk_test_trap(void)
{
	uint16_t sel = SEL_PAST_GDT, ds;
	uint64_t base;

	tk_fault_vector = TK_NO_FAULT;
	__asm__ __volatile__(TK_GUARDED("ud2") ::: "memory");
	tk_expect(G, tk_fault_vector, TK_VEC_UD, "UD2 raises #UD and resumes after it");

	tk_fault_vector = TK_NO_FAULT;
	__asm__ __volatile__(TK_GUARDED("mov %0, %%ds") : : "r"(sel) : "memory");
	__asm__ __volatile__("mov %%ds, %0" : "=r"(ds));
	tk_expect(G, tk_fault_vector, TK_VEC_GP, "MOV DS with a selector past the GDT limit: #GP");
	tk_expect(G, tk_fault_error, SEL_PAST_GDT, "#GP error code is the selector");
	tk_expect(G, ds, TK_DS, "DS unchanged by the faulting load");

	tk_expect(G, tk_rdmsr_safe(MSR_APIC_BASE, &base), TK_NO_FAULT,
		  "RDMSR IA32_APIC_BASE raises nothing");
}
