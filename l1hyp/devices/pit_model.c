/*
 * The 8254 model (pit_model.h). A channel's state is its reload value and
 * the PIT tick at which it was loaded; the count and OUT at any time follow
 * from the mode (datasheet "Mode Definitions"):
 *   mode 0: count = reload - t until 0, then wraps; OUT low until t >= reload;
 *   mode 2: count = reload - (t mod reload); OUT low only at count 1;
 *   mode 3: count goes down by 2 each tick over each half period, OUT high in
 *           the first half (approximated as the first half of the period).
 */
#include "pit_model.h"

static uint64_t ticks(const struct pit *p, uint64_t now)
{
	/* now * PIT_HZ / tsc_hz without overflow for any 64-bit now */
	uint64_t q = now / p->tsc_hz, r = now % p->tsc_hz;

	return q * PIT_HZ + r * PIT_HZ / p->tsc_hz;
}

void pit_init(struct pit *p, uint64_t tsc_hz)
{
	*p = (struct pit){ .tsc_hz = tsc_hz ? tsc_hz : 1000000000ull };
	for (unsigned i = 0; i < 3; i++)
		p->ch[i] = (struct pit_channel){ .access = 3, .reload = 0x10000 };
}

static uint64_t elapsed(const struct pit *p, unsigned ch, uint64_t now)
{
	uint64_t t = ticks(p, now);
	const struct pit_channel *c = &p->ch[ch];

	return t > c->start ? t - c->start : 0;
}

uint16_t pit_count(const struct pit *p, unsigned ch, uint64_t now)
{
	const struct pit_channel *c = &p->ch[ch];
	uint64_t t, reload = c->reload;

	if (!c->counting || (ch == 2 && !p->gate2))
		return (uint16_t)reload;
	t = elapsed(p, ch, now);
	switch (c->mode) {
	case 2:
		return (uint16_t)(reload - t % reload);
	case 3:
		return (uint16_t)((reload - (2 * t) % reload) & ~1u);
	default:                        /* 0, 1, 4, 5: count down and wrap */
		return (uint16_t)(reload - t % 0x10000);
	}
}

bool pit_out(const struct pit *p, unsigned ch, uint64_t now)
{
	const struct pit_channel *c = &p->ch[ch];
	uint64_t t;

	if (!c->counting)
		return c->mode != 0;    /* mode 0 starts low, the others high */
	t = elapsed(p, ch, now);
	switch (c->mode) {
	case 0:
		return t >= c->reload;
	case 2:
		return t % c->reload != c->reload - 1;
	case 3:
		return t % c->reload < (c->reload + 1) / 2;
	default:
		return true;
	}
}

static void load(struct pit *p, unsigned ch, uint32_t value, uint64_t now)
{
	struct pit_channel *c = &p->ch[ch];

	c->reload = value ? value : 0x10000;
	c->start = ticks(p, now) + 1;   /* the count loads on the next clock */
	c->counting = true;
}

uint8_t pit_read(struct pit *p, unsigned offset, uint64_t now)
{
	struct pit_channel *c;
	uint16_t v;
	uint8_t b;

	if (offset >= 3)
		return 0xFF;            /* the control word register is write-only */
	c = &p->ch[offset];
	v = c->latched ? c->latch : pit_count(p, offset, now);
	switch (c->access) {
	case 1: b = (uint8_t)v; c->latched = false; return b;
	case 2: b = (uint8_t)(v >> 8); c->latched = false; return b;
	}
	if (!c->read_msb_next) {
		c->read_msb_next = true;
		return (uint8_t)v;
	}
	c->read_msb_next = false;
	c->latched = false;
	return (uint8_t)(v >> 8);
}

static void control(struct pit *p, uint8_t val, uint64_t now)
{
	unsigned sel = val >> 6, access = (val >> 4) & 3;
	struct pit_channel *c;

	if (sel == 3) {                 /* read-back: latch the counts asked for */
		for (unsigned i = 0; i < 3; i++)
			if (!(val & 0x20) && (val & (2u << i)) && !p->ch[i].latched) {
				p->ch[i].latch = pit_count(p, i, now);
				p->ch[i].latched = true;
			}
		return;
	}
	c = &p->ch[sel];
	if (access == 0) {              /* counter latch command */
		if (!c->latched) {
			c->latch = pit_count(p, sel, now);
			c->latched = true;
		}
		return;
	}
	c->access = (uint8_t)access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;           /* 6 and 7 are modes 2 and 3 */
	c->write_msb_next = c->read_msb_next = false;
	c->latched = false;
	c->counting = false;            /* a new mode stops until a count is written */
}

void pit_write(struct pit *p, unsigned offset, uint8_t val, uint64_t now)
{
	struct pit_channel *c;

	if (offset == 3) {
		control(p, val, now);
		return;
	}
	if (offset > 3)
		return;
	c = &p->ch[offset];
	switch (c->access) {
	case 1: load(p, offset, val, now); return;
	case 2: load(p, offset, (uint32_t)val << 8, now); return;
	}
	if (!c->write_msb_next) {
		c->reload_low = val;
		c->write_msb_next = true;
		return;
	}
	c->write_msb_next = false;
	load(p, offset, c->reload_low | (uint32_t)val << 8, now);
}

/* The refresh toggle flips every 15.09 us (18 PIT ticks). */
uint8_t pit_port61_read(struct pit *p, uint64_t now)
{
	return (uint8_t)((p->gate2 ? 1 : 0) | (p->speaker ? 2 : 0) |
			 ((ticks(p, now) / 18) & 1 ? 0x10 : 0) |
			 (pit_out(p, 2, now) ? 0x20 : 0));
}

void pit_port61_write(struct pit *p, uint8_t val, uint64_t now)
{
	bool gate = val & 1;

	if (gate && !p->gate2 && p->ch[2].counting)
		p->ch[2].start = ticks(p, now) + 1;     /* a rising gate restarts it */
	p->gate2 = gate;
	p->speaker = val & 2;
}
