/* The MMIO bus (mmio_bus.h): a short list, searched in order. */
#include "mmio_bus.h"

static struct mmio_device *devices[MMIO_BUS_MAX_DEVICES];
static unsigned nr_devices;

int mmio_bus_register(struct mmio_device *dev)
{
	if (!dev->size || dev->base + dev->size < dev->base)
		return MMIO_BUS_E_RANGE;
	if (nr_devices == MMIO_BUS_MAX_DEVICES)
		return MMIO_BUS_E_FULL;
	devices[nr_devices++] = dev;
	return 0;
}

struct mmio_device *mmio_bus_find(uint64_t gpa)
{
	for (unsigned i = 0; i < nr_devices; i++) {
		struct mmio_device *d = devices[i];

		if (d->enabled && gpa >= d->base && gpa - d->base < d->size)
			return d;
	}
	return 0;
}

void mmio_bus_reset(void)
{
	nr_devices = 0;
}

const char *mmio_bus_strerror(int rc)
{
	switch (rc) {
	case MMIO_BUS_E_FULL:  return "MMIO_BUS_E_FULL (MMIO_BUS_MAX_DEVICES registered already)";
	case MMIO_BUS_E_RANGE: return "MMIO_BUS_E_RANGE (empty range, or it wraps)";
	}
	return "unknown error";
}
