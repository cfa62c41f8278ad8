/*
 * L1's TSC rate, measured once at boot against the PC's 8254 (QEMU's, as
 * L1 sees it): channel 2 in mode 0, gated by port 0x61 bit 0, counts down
 * PIT_CALIBRATE_TICKS at 1,193,182 Hz while the TSC is read on both ends;
 * OUT2 (port 0x61 bit 5) rises at terminal count (Intel 8254 datasheet,
 * mode 0). Under QEMU's -icount shift=0 the result is exact and the same on
 * every run (the TSC then advances one tick per instruction, 1 GHz).
 */
#include "cpu.h"
#include "tsc.h"

#define PIT_HZ              1193182ull
#define PIT_CALIBRATE_TICKS 1193u       /* about 1 ms: 0.1% */

uint64_t tsc_calibrate_hz(void)
{
	uint8_t b61 = inb(0x61);
	uint64_t t0, t1;
	unsigned spins = 0;

	outb(0x61, (uint8_t)((b61 & ~0x02) | 0x01));   /* gate on, speaker off */
	outb(0x43, 0xB0);                               /* ch2, LSB+MSB, mode 0 */
	outb(0x42, PIT_CALIBRATE_TICKS & 0xFF);
	outb(0x42, PIT_CALIBRATE_TICKS >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++spins < 100000000u)
		;
	t1 = rdtsc();
	outb(0x61, b61);
	if (spins >= 100000000u)
		return 0;                               /* no PIT answered */
	return (t1 - t0) * PIT_HZ / PIT_CALIBRATE_TICKS;
}
