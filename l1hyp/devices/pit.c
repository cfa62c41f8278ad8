/*
 * The 8254 PIT (ports 0x40-0x43) and port 0x61 (gate and output of channel
 * 2, refresh toggle) on the port bus, timed by L1's TSC at the exit
 * (pit_model.h).
 */
#include "devices.h"
#include "pit_model.h"
#include <nestlab/platform.h>
#include "../core/io_bus.h"
#include "../core/l1.h"

static struct pit pit;

static uint32_t pit_port_read(struct vcpu *v, void *ctx, uint16_t port, unsigned size)
{
	return port == NESTLAB_PORT61 ? pit_port61_read(&pit, v->exit_tsc) :
					 pit_read(&pit, port - NESTLAB_PIT_PORT, v->exit_tsc);
}

static void pit_port_write(struct vcpu *v, void *ctx, uint16_t port, unsigned size,
			   uint32_t val)
{
	if (port == NESTLAB_PORT61)
		pit_port61_write(&pit, (uint8_t)val, v->exit_tsc);
	else
		pit_write(&pit, port - NESTLAB_PIT_PORT, (uint8_t)val, v->exit_tsc);
}

static const struct port_device pit_dev = {
	.name = "PIT", .base = NESTLAB_PIT_PORT, .count = 4,
	.read = pit_port_read, .write = pit_port_write,
};
static const struct port_device port61_dev = {
	.name = "port 0x61", .base = NESTLAB_PORT61, .count = 1,
	.read = pit_port_read, .write = pit_port_write,
};

int pit_dev_init(void)
{
	int rc;

	pit_init(&pit, l1.tsc_hz);
	rc = io_bus_register(&pit_dev);
	return rc ? rc : io_bus_register(&port61_dev);
}
