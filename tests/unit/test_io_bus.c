/* The port bus: lookup by port, ranges, overlaps refused, limits. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/io_bus.h"

static uint32_t rd(struct vcpu *v, void *ctx, uint16_t port, unsigned size) { return port; }
static void wr(struct vcpu *v, void *ctx, uint16_t port, unsigned size, uint32_t val) { }

static const struct port_device uart = { "uart", 0x3F8, 8, rd, wr, 0 };
static const struct port_device dbg = { "dbg", 0xF4, 1, rd, wr, 0 };
static const struct port_device top = { "top", 0xFFFF, 1, rd, wr, 0 };

TestSuite(io_bus, .init = io_bus_reset);

Test(io_bus, finds_the_device_of_each_port)
{
	cr_assert(eq(int, io_bus_register(&uart), 0));
	cr_assert(eq(int, io_bus_register(&dbg), 0));
	cr_assert(eq(int, io_bus_register(&top), 0));
	cr_assert(eq(ptr, (void *)io_bus_find(0x3F8), (void *)&uart));
	cr_assert(eq(ptr, (void *)io_bus_find(0x3FF), (void *)&uart));
	cr_assert(eq(ptr, (void *)io_bus_find(0x3F7), NULL));
	cr_assert(eq(ptr, (void *)io_bus_find(0x400), NULL));
	cr_assert(eq(ptr, (void *)io_bus_find(0xF4), (void *)&dbg));
	cr_assert(eq(ptr, (void *)io_bus_find(0xFFFF), (void *)&top));
	cr_assert(eq(ptr, (void *)io_bus_find(0x5658), NULL));
}

Test(io_bus, overlaps_ranges_and_limits)
{
	static const struct port_device overlap = { "o", 0x3FC, 8, rd, wr, 0 };
	static const struct port_device empty = { "e", 0x100, 0, rd, wr, 0 };
	static const struct port_device past = { "p", 0xFFFF, 2, rd, wr, 0 };
	struct port_device many[IO_BUS_MAX_DEVICES + 1];

	cr_assert(eq(int, io_bus_register(&uart), 0));
	cr_assert(eq(int, io_bus_register(&overlap), IO_BUS_E_OVERLAP));
	cr_assert(eq(ptr, (void *)io_bus_find(0x400), NULL));      /* nothing half-done */
	cr_assert(eq(int, io_bus_register(&empty), IO_BUS_E_RANGE));
	cr_assert(eq(int, io_bus_register(&past), IO_BUS_E_RANGE));
	for (unsigned i = 0; i < IO_BUS_MAX_DEVICES; i++)
		many[i] = (struct port_device){ "m", (uint16_t)(0x1000 + i), 1, rd, wr, 0 };
	for (unsigned i = 0; i < IO_BUS_MAX_DEVICES - 1; i++)
		cr_assert(eq(int, io_bus_register(&many[i]), 0));
	cr_assert(eq(int, io_bus_register(&many[IO_BUS_MAX_DEVICES - 1]), IO_BUS_E_FULL));
}
