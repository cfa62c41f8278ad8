/*
 * The port bus (io_bus.h): a byte per port holds the index of its device
 * (0 for none), so a lookup is one load whatever the number of devices.
 */
#include "io_bus.h"

static const struct port_device *devices[IO_BUS_MAX_DEVICES + 1];
static unsigned nr_devices;
static uint8_t port_owner[65536];

int io_bus_register(const struct port_device *dev)
{
	uint32_t end = (uint32_t)dev->base + dev->count;

	if (dev->count == 0 || end > 0x10000)
		return IO_BUS_E_RANGE;
	if (nr_devices == IO_BUS_MAX_DEVICES)
		return IO_BUS_E_FULL;
	for (uint32_t p = dev->base; p < end; p++)
		if (port_owner[p])
			return IO_BUS_E_OVERLAP;
	devices[++nr_devices] = dev;
	for (uint32_t p = dev->base; p < end; p++)
		port_owner[p] = (uint8_t)nr_devices;
	return 0;
}

const struct port_device *io_bus_find(uint16_t port)
{
	return devices[port_owner[port]];
}

void io_bus_reset(void)
{
	for (uint32_t p = 0; p < 0x10000; p++)
		port_owner[p] = 0;
	for (unsigned i = 0; i <= IO_BUS_MAX_DEVICES; i++)
		devices[i] = 0;
	nr_devices = 0;
}

const char *io_bus_strerror(int rc)
{
	switch (rc) {
	case IO_BUS_E_OVERLAP: return "IO_BUS_E_OVERLAP (a port is taken already)";
	case IO_BUS_E_FULL:    return "IO_BUS_E_FULL (too many devices)";
	case IO_BUS_E_RANGE:   return "IO_BUS_E_RANGE (no ports, or beyond 0xFFFF)";
	}
	return "unknown error";
}
