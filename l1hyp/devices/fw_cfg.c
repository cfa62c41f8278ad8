/*
 * fw_cfg on the port bus: the selector (0x510, written as 16 bits; an
 * 8-bit write sets the low byte as QEMU does) and the data port (0x511,
 * read a byte at a time; wider reads return the next bytes, little-endian).
 */
#include "devices.h"
#include "fw_cfg_model.h"
#include "../core/io_bus.h"
#include "../core/l1.h"

static struct fw_cfg fw_cfg;

static uint32_t fw_cfg_port_read(struct vcpu *v, void *ctx, uint16_t port, unsigned size)
{
	uint32_t val = 0;

	if (port != FW_CFG_PORT_DATA)
		return 0xFFFFFFFFu;                     /* the selector reads as absent */
	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)fw_cfg_read(&fw_cfg) << (8 * i);
	return val;
}

static void fw_cfg_port_write(struct vcpu *v, void *ctx, uint16_t port, unsigned size,
			      uint32_t val)
{
	if (port == FW_CFG_PORT_SEL)
		fw_cfg_select(&fw_cfg, (uint16_t)val);
}

static const struct port_device fw_cfg_dev = {
	.name = "fw_cfg", .base = FW_CFG_PORT_SEL, .count = 2,
	.read = fw_cfg_port_read, .write = fw_cfg_port_write,
};

int fw_cfg_dev_init(void)
{
	fw_cfg_init(&fw_cfg, l1.l2_ram_size);
	return io_bus_register(&fw_cfg_dev);
}
