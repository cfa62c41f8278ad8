/*
 * The test kernel's main: exceptions first (every other group relies on
 * them), then the legacy devices (the PICs masked before anything can
 * interrupt), fw_cfg, and the local APIC groups, which leave the APIC in
 * xAPIC mode with every LVT masked; a last check that no interrupt reached
 * a vector nobody expected; the summary and the exit status.
 */
#include "tk.h"

void tk_main(void);

void tk_main(void)
{
	tk_trap_init();
	tk_test_trap();
	tk_test_pic();
	tk_test_pit();
	tk_test_fw_cfg();
	tk_test_xapic();
	tk_test_irq();
	tk_test_eoi();
	tk_test_tpr();
	tk_test_timer();
	tk_test_tsc_deadline();
	tk_test_x2apic();
	tk_check("irq", tk_unexpected_irqs == 0, tk_unexpected_vector, 0,
		 "no interrupt reached a vector without a handler");
	tk_finish();
}
