/*
 * Group "pit": the 8254 as clock calibration code drives it (Intel 8254
 * datasheet, "Mode Definitions", "Read Operations"; PC wiring: channel 2
 * gated by port 61H bit 0, its OUT on bit 5). Every check is about order,
 * range or a level, never a duration:
 *   - mode 0 (interrupt on terminal count): OUT low after the count is
 *     written, goes high at terminal count and stays high; counter latch
 *     values decrease; a second latch command before the latched count is
 *     read is ignored;
 *   - mode 2 (rate generator): counts within [1, N], reloads at 1;
 *   - mode 3 (square wave): an even N counts down by 2 within [2, N], OUT
 *     is seen both high and low.
 * Channel 0 (IRQ0, masked at the PIC) is checked in modes 0 and 2.
 */
#include <nestlab/platform.h>
#include "tk.h"

#define G "pit"
#define PIT_CMD     (NESTLAB_PIT_PORT + 3)
#define PORT61_GATE2 0x01
#define PORT61_SPKR  0x02
#define PORT61_OUT2  0x20
#define POLLS       2000000u   /* bound on any wait for a level */

/* Control word: channel, LSB then MSB (11b), mode, binary. */
static uint8_t control(unsigned ch, unsigned mode)
{
	return (uint8_t)(ch << 6 | 3u << 4 | mode << 1);
}

static void program(unsigned ch, unsigned mode, uint16_t count)
{
	outb(PIT_CMD, control(ch, mode));
	outb(NESTLAB_PIT_PORT + ch, (uint8_t)count);
	outb(NESTLAB_PIT_PORT + ch, (uint8_t)(count >> 8));
}

/* Counter latch command (SC = ch, RW = 00), then the count LSB, MSB. */
static void latch(unsigned ch)
{
	outb(PIT_CMD, (uint8_t)(ch << 6));
}

static uint16_t read_count(unsigned ch)
{
	uint8_t lo = inb(NESTLAB_PIT_PORT + ch);

	return (uint16_t)(lo | inb(NESTLAB_PIT_PORT + ch) << 8);
}

static uint16_t latched(unsigned ch)
{
	latch(ch);
	return read_count(ch);
}

static void gate2(bool on)
{
	uint8_t v = inb(NESTLAB_PORT61) & ~(PORT61_GATE2 | PORT61_SPKR);

	outb(NESTLAB_PORT61, v | (on ? PORT61_GATE2 : 0));
}

static bool out2(void)
{
	return inb(NESTLAB_PORT61) & PORT61_OUT2;
}

/* Polls OUT2 until it reads `level`; false after POLLS reads. */
static bool wait_out2(bool level)
{
	for (unsigned i = 0; i < POLLS; i++)
		if (out2() == level)
			return true;
	return false;
}

/*
 * Latch, spin, latch again, read, latch once more: the count read is the
 * first latch's, one spin older than the last latch, so their gap is about
 * the spin's (*fresh, measured alongside); had the second latch taken
 * effect the gap would be about 0. Returns the gap. Up to 3 tries, each on
 * a fresh count, so that a host preempting QEMU mid-try (no icount) cannot
 * make a correct 8254 fail.
 */
static int second_latch_gap(int *fresh)
{
	int gap = 0;

	for (unsigned t = 0; t < 3; t++) {
		uint16_t a, b, held, last;

		program(2, 0, 60000);
		a = latched(2);
		tk_spin(20000);
		b = latched(2);
		latch(2);
		tk_spin(20000);
		latch(2);
		held = read_count(2);
		last = latched(2);
		*fresh = a - b;
		gap = held - last;
		if (a > b && b > held && held > last && gap > *fresh / 2)
			break;
	}
	return gap;
}

static void mode0_channel2(void)
{
	uint16_t c1, c2;
	int gap, fresh;

	gate2(true);
	program(2, 0, 60000);
	tk_expect(G, out2(), 0, "ch2 mode 0: OUT2 low once the count is written");
	c1 = latched(2);
	tk_spin(20000);
	c2 = latched(2);
	tk_check(G, c1 <= 60000 && c2 < c1, c2, c1, "ch2 mode 0: latched counts decrease");
	gap = second_latch_gap(&fresh);
	tk_check(G, gap > fresh / 2, gap, fresh,
		 "ch2 mode 0: a second latch before the read is ignored");

	program(2, 0, 1200);
	tk_expect(G, out2(), 0, "ch2 mode 0: OUT2 low after a new count");
	tk_expect(G, wait_out2(true), 1, "ch2 mode 0: OUT2 rises at terminal count");
	tk_spin(20000);
	tk_expect(G, out2(), 1, "ch2 mode 0: OUT2 stays high after terminal count");
}

static void mode2_channel2(void)
{
	uint16_t prev = 0, c;
	bool range = true, reload = false;
	unsigned i;

	program(2, 2, 300);
	for (i = 0; i < POLLS && !reload; i++) {
		c = latched(2);
		if (c < 1 || c > 300)
			range = false;
		if (i && c > prev)
			reload = true;
		prev = c;
	}
	tk_check(G, range, c, 300, "ch2 mode 2: counts within [1, N]");
	tk_expect(G, reload, 1, "ch2 mode 2: the count reloads");
}

static void mode3_channel2(void)
{
	bool even = true, range = true, high = false, low = false;
	uint16_t c = 0;

	program(2, 3, 400);
	for (unsigned i = 0; i < POLLS && !(high && low); i++) {
		c = latched(2);
		if (c & 1)
			even = false;
		if (c < 2 || c > 400)
			range = false;
		if (out2())
			high = true;
		else
			low = true;
	}
	tk_check(G, even, c, c & ~1u, "ch2 mode 3: an even count goes down by 2");
	tk_check(G, range, c, 400, "ch2 mode 3: counts within [2, N]");
	tk_check(G, high && low, high, low, "ch2 mode 3: OUT2 square wave, seen high and low");
	gate2(false);
}

static void channel0(void)
{
	uint16_t c1, c2;

	program(0, 0, 60000);
	c1 = latched(0);
	tk_spin(20000);
	c2 = latched(0);
	tk_check(G, c1 <= 60000 && c2 < c1, c2, c1, "ch0 mode 0: latched counts decrease");
	program(0, 2, 60000);
	c1 = latched(0);
	tk_spin(20000);
	c2 = latched(0);
	tk_check(G, c1 <= 60000 && c2 >= 1 && c2 < c1, c2, c1,
		 "ch0 mode 2: latched counts decrease within [1, N]");
}

void tk_test_pit(void)
{
	mode0_channel2();
	mode2_channel2();
	mode3_channel2();
	channel0();
}
