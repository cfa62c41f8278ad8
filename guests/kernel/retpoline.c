/*
 * retpoline=on|off (retpoline_thunks.S): with off, each thunk's first bytes become
 * `jmp *REG` (FF /4 with ModRM mod 11, REX.B for R8-R15: Intel SDM vol.2
 * "JMP"), written once at boot, before any process runs and before the
 * kernel's text is made read-only or execute-only for MBEC; the rest of
 * the thunk is then unreachable. With on (the default) nothing changes.
 */
#include "kernel.h"

extern const uint64_t retpoline_thunks[16];

unsigned retpoline_apply(int on)
{
	unsigned patched = 0;

	if (on)
		return 0;
	for (unsigned reg = 0; reg < 16; reg++) {
		volatile uint8_t *t = (volatile uint8_t *)(uintptr_t)retpoline_thunks[reg];

		if (!t)
			continue;
		if (reg >= 8)
			*t++ = 0x41;                    /* REX.B */
		t[0] = 0xFF;
		t[1] = (uint8_t)(0xE0 | (reg & 7));     /* mod 11, /4, rm = reg */
		patched++;
	}
	/* Code this CPU modified and runs later needs no serializing step:
	 * the processor detects stores to code it may have fetched (Intel SDM
	 * vol.3 11.6 "Self-Modifying Code"; AMD APM vol.2 7.6.1). */
	__asm__ volatile("" : : : "memory");
	return patched;
}
