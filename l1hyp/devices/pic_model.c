/* The 8259A model (pic_model.h). */
#include "pic_model.h"

#define ICW1_INIT   0x10        /* command-port write with D4 = 1 */
#define ICW1_IC4    0x01        /* ICW4 follows */
#define ICW1_SNGL   0x02        /* single: no ICW3 */
#define OCW3_SEL    0x08        /* D4 = 0, D3 = 1: OCW3 (else OCW2) */
#define OCW3_RR     0x02
#define OCW3_RIS    0x01

void pic_init(struct pic *p)
{
	*p = (struct pic){ .imr = 0xFF };
}

uint8_t pic_read(struct pic *p, unsigned offset)
{
	if (offset & 1)
		return p->imr;
	return 0;               /* IRR or ISR: nothing requested or in service */
}

void pic_write(struct pic *p, unsigned offset, uint8_t val)
{
	if (!(offset & 1)) {
		if (val & ICW1_INIT) {
			p->icw1 = val;
			p->icw_step = 2;
			p->imr = 0;             /* ICW1 clears the mask register */
			p->read_isr = 0;
		} else if (val & OCW3_SEL) {
			if (val & OCW3_RR)
				p->read_isr = val & OCW3_RIS;
		}
		return;                         /* OCW2: EOIs, nothing in service */
	}
	switch (p->icw_step) {
	case 0:
		p->imr = val;                   /* OCW1 */
		return;
	case 2:
		p->vector_base = val & 0xF8;
		p->icw_step = (p->icw1 & ICW1_SNGL) ? ((p->icw1 & ICW1_IC4) ? 4 : 0) : 3;
		return;
	case 3:
		p->icw_step = (p->icw1 & ICW1_IC4) ? 4 : 0;
		return;
	default:
		p->icw_step = 0;                /* ICW4: modes L1 does not need */
		return;
	}
}
