/*
 * The 8254 programmable interval timer as L2 sees it (Intel 8254 datasheet;
 * the PC wiring: channel 0 to IRQ0, channel 2 gated by port 0x61 bit 0 with
 * its output on bit 5), in the modes kernels use to calibrate their clocks:
 * mode 0 (interrupt on terminal count), mode 2 (rate generator), mode 3
 * (square wave); counter latch and read-back commands; LSB, MSB and
 * LSB-then-MSB access. Channel 1 (DRAM refresh) is not modelled: port 0x61
 * bit 4, the refresh toggle, flips every 15.09 us as PC firmware sees it.
 * Time is the caller's TSC, converted at tsc_hz: the counters run at
 * 1,193,182 Hz. No interrupt is raised (the PICs have no lines). Binary
 * counting only: BCD mode is accepted and counted as binary. Pure C.
 */
#ifndef L1_PIT_MODEL_H
#define L1_PIT_MODEL_H

#include <stdint.h>
#include <stdbool.h>

#define PIT_HZ 1193182ull

struct pit_channel {
	uint8_t mode;           /* 0..5 */
	uint8_t access;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool write_msb_next, read_msb_next;
	bool latched;
	uint16_t latch;
	uint16_t reload_low;    /* LSB written, waiting for the MSB */
	uint32_t reload;        /* 1..65536 (0 means 65536) */
	uint64_t start;         /* time the count was loaded (PIT ticks) */
	bool counting;
};

struct pit {
	struct pit_channel ch[3];
	uint64_t tsc_hz;
	bool gate2, speaker;    /* port 0x61 bits 0 and 1 */
};

void pit_init(struct pit *p, uint64_t tsc_hz);
/* ports 0x40-0x43 as offsets 0..3; now: the caller's TSC */
uint8_t pit_read(struct pit *p, unsigned offset, uint64_t now);
void pit_write(struct pit *p, unsigned offset, uint8_t val, uint64_t now);
/* port 0x61 */
uint8_t pit_port61_read(struct pit *p, uint64_t now);
void pit_port61_write(struct pit *p, uint8_t val, uint64_t now);
/* The current count of a channel and its OUT line. */
uint16_t pit_count(const struct pit *p, unsigned ch, uint64_t now);
bool pit_out(const struct pit *p, unsigned ch, uint64_t now);

#endif
