/*
 * Group "pic": the two 8259A PICs as a kernel leaves them before it uses
 * the local APIC (Intel 8259A datasheet, "Programming the 8259A"): the
 * initialization sequence ICW1-ICW4 (vectors 20H and 28H, slave on IRQ2,
 * 8086 mode), then OCW1 masks every line and the mask register reads back
 * from the data port; after initialization no interrupt is in service
 * (OCW3 0BH selects ISR for command-port reads). This runs first: with the
 * PICs masked no legacy interrupt can reach the CPU through LINT0.
 */
#include <nestlab/platform.h>
#include "tk.h"

#define G "pic"
#define MASTER_CMD  NESTLAB_PIC_MASTER_PORT
#define MASTER_DATA (NESTLAB_PIC_MASTER_PORT + 1)
#define SLAVE_CMD   NESTLAB_PIC_SLAVE_PORT
#define SLAVE_DATA  (NESTLAB_PIC_SLAVE_PORT + 1)
#define ICW1_INIT_ICW4 0x11   /* ICW1: bit 4 init, bit 0 ICW4 needed, cascade, edge */
#define ICW4_8086      0x01
#define OCW3_READ_ISR  0x0B
#define OCW3_READ_IRR  0x0A

static void pic_init_pair(void)
{
	outb(MASTER_CMD, ICW1_INIT_ICW4);
	outb(SLAVE_CMD, ICW1_INIT_ICW4);
	outb(MASTER_DATA, 0x20);      /* ICW2: vector base */
	outb(SLAVE_DATA, 0x28);
	outb(MASTER_DATA, 1u << 2);   /* ICW3: a slave on IRQ2 */
	outb(SLAVE_DATA, 2);          /* ICW3: the slave's cascade identity */
	outb(MASTER_DATA, ICW4_8086);
	outb(SLAVE_DATA, ICW4_8086);
}

void tk_test_pic(void)
{
	uint8_t isr_m, isr_s;

	pic_init_pair();
	outb(MASTER_DATA, 0xA5);
	outb(SLAVE_DATA, 0x5A);
	tk_expect(G, inb(MASTER_DATA), 0xA5, "master mask A5 reads back");
	tk_expect(G, inb(SLAVE_DATA), 0x5A, "slave mask 5A reads back");
	outb(MASTER_DATA, 0xFF);
	outb(SLAVE_DATA, 0xFF);
	tk_expect(G, inb(MASTER_DATA), 0xFF, "master masked (FF reads back)");
	tk_expect(G, inb(SLAVE_DATA), 0xFF, "slave masked (FF reads back)");
	outb(MASTER_CMD, OCW3_READ_ISR);
	outb(SLAVE_CMD, OCW3_READ_ISR);
	isr_m = inb(MASTER_CMD);
	isr_s = inb(SLAVE_CMD);
	outb(MASTER_CMD, OCW3_READ_IRR);
	outb(SLAVE_CMD, OCW3_READ_IRR);
	tk_expect(G, (uint64_t)isr_s << 8 | isr_m, 0, "OCW3: no interrupt in service after ICW1-4");
	tk_expect(G, inb(MASTER_DATA), 0xFF, "OCW3 leaves the mask alone");
}
