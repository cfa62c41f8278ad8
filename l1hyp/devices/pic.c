/*
 * The two 8259A PICs of a PC (master 0x20-0x21, slave 0xA0-0xA1) on the
 * port bus, without interrupt lines (pic_model.h).
 */
#include "devices.h"
#include "pic_model.h"
#include <nestlab/platform.h>
#include "../core/io_bus.h"

static struct pic pics[2];

static struct pic *pic_of(uint16_t port)
{
	return &pics[port >= NESTLAB_PIC_SLAVE_PORT];
}

static uint32_t pic_port_read(struct vcpu *v, void *ctx, uint16_t port, unsigned size)
{
	return pic_read(pic_of(port), port & 1);
}

static void pic_port_write(struct vcpu *v, void *ctx, uint16_t port, unsigned size,
			   uint32_t val)
{
	pic_write(pic_of(port), port & 1, (uint8_t)val);
}

static const struct port_device pic_master = {
	.name = "PIC master", .base = NESTLAB_PIC_MASTER_PORT, .count = 2,
	.read = pic_port_read, .write = pic_port_write,
};
static const struct port_device pic_slave = {
	.name = "PIC slave", .base = NESTLAB_PIC_SLAVE_PORT, .count = 2,
	.read = pic_port_read, .write = pic_port_write,
};

int pic_dev_init(void)
{
	int rc;

	pic_init(&pics[0]);
	pic_init(&pics[1]);
	rc = io_bus_register(&pic_master);
	return rc ? rc : io_bus_register(&pic_slave);
}
