/* The 8254 model, with a 1 GHz TSC (so 1 PIT tick = 1e9 / 1193182 TSC
 * ticks): a mode 0 count read through the latch, OUT rising at terminal
 * count, channel 2 gated by port 0x61 and its OUT on bit 5 (the Linux
 * calibration loop), mode 2 reload, LSB/MSB access, read-back. Expected
 * counts are computed from the tick rate. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/devices/pit_model.h"

#define HZ 1000000000ull
static uint64_t tsc_of(uint64_t pit_ticks) { return (pit_ticks * HZ + PIT_HZ - 1) / PIT_HZ; }

static struct pit p;
static void setup(void) { pit_init(&p, HZ); }
TestSuite(pit, .init = setup);

static uint16_t latch_read(unsigned ch, uint64_t now)
{
	uint16_t lo, hi;

	pit_write(&p, 3, (uint8_t)(ch << 6), now);         /* latch command */
	lo = pit_read(&p, ch, now);
	hi = pit_read(&p, ch, now);
	return (uint16_t)(lo | hi << 8);
}

Test(pit, mode0_counts_down_and_raises_out)
{
	uint64_t t0 = 1000000;

	pit_write(&p, 3, 0x30, t0);                         /* ch0, LSB+MSB, mode 0 */
	cr_assert(eq(int, pit_out(&p, 0, t0), 0));
	pit_write(&p, 0, 0xE8, t0);
	pit_write(&p, 0, 0x03, t0);                         /* 1000 */
	/* The count loads on the next clock: after k more ticks it is 1000 - k. */
	cr_assert(eq(u16, latch_read(0, t0 + tsc_of(101)), 1000 - 100));
	cr_assert(eq(int, pit_out(&p, 0, t0 + tsc_of(1000)), 0));
	cr_assert(eq(int, pit_out(&p, 0, t0 + tsc_of(1002)), 1));
}

Test(pit, channel2_calibration_through_port61)
{
	uint64_t t0 = 5000;

	pit_port61_write(&p, 0x01, t0);                     /* gate on */
	pit_write(&p, 3, 0xB0, t0);                         /* ch2, LSB+MSB, mode 0 */
	pit_write(&p, 2, 11932 & 0xFF, t0);
	pit_write(&p, 2, 11932 >> 8, t0);
	cr_assert(eq(u8, pit_port61_read(&p, t0 + tsc_of(11932)) & 0x20, 0));
	cr_assert(eq(u8, pit_port61_read(&p, t0 + tsc_of(11934)) & 0x20, 0x20));
	cr_assert(eq(u8, pit_port61_read(&p, t0) & 0x01, 0x01));
}

Test(pit, mode2_reloads)
{
	pit_write(&p, 3, 0x34, 0);                          /* ch0, LSB+MSB, mode 2 */
	pit_write(&p, 0, 100, 0);
	pit_write(&p, 0, 0, 0);
	cr_assert(eq(u16, latch_read(0, tsc_of(1 + 30)), 70));
	cr_assert(eq(u16, latch_read(0, tsc_of(1 + 130)), 70));  /* reloaded */
}

Test(pit, lsb_only_and_read_back)
{
	pit_write(&p, 3, 0x50, 0);                          /* ch1, LSB only, mode 0 */
	pit_write(&p, 1, 200, 0);
	cr_assert(eq(u8, pit_read(&p, 1, tsc_of(1 + 50)), 150));
	pit_write(&p, 3, 0xD4, tsc_of(1 + 60));              /* read-back ch1 count */
	cr_assert(eq(u8, pit_read(&p, 1, tsc_of(1 + 90)), 140)); /* the latched value */
	cr_assert(eq(u8, pit_read(&p, 1, tsc_of(1 + 90)), 110));
	cr_assert(eq(u8, pit_read(&p, 3, 0), 0xFF));        /* control: write-only */
}
