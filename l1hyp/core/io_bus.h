/*
 * The port I/O bus L2 sees: devices (l1hyp/devices/) register the ports
 * they answer, and the IOIO exit handler (exit_io.c) looks a port up in
 * one table and calls the device. A port no device registered reads as
 * absent hardware (all ones, as QEMU answers an unbacked port) and drops
 * writes. Pure C: host-tested.
 */
#ifndef L1_IO_BUS_H
#define L1_IO_BUS_H

#include <stdint.h>

struct vcpu;

/* size: 1, 2 or 4 bytes. A read returns the value in *val (the low size
 * bytes are used); a write gets the low size bytes of val. */
struct port_device {
	const char *name;
	uint16_t base, count;           /* ports [base, base + count) */
	uint32_t (*read)(struct vcpu *v, void *ctx, uint16_t port, unsigned size);
	void (*write)(struct vcpu *v, void *ctx, uint16_t port, unsigned size, uint32_t val);
	void *ctx;
};

#define IO_BUS_MAX_DEVICES 15
#define IO_BUS_E_OVERLAP   (-100)        /* a port is taken already */
#define IO_BUS_E_FULL      (-101)        /* IO_BUS_MAX_DEVICES registered */
#define IO_BUS_E_RANGE     (-102)        /* count 0 or beyond port 0xFFFF */

/* Register dev (kept by pointer). 0 or IO_BUS_E_*. */
int io_bus_register(const struct port_device *dev);
/* The device answering port, or NULL. */
const struct port_device *io_bus_find(uint16_t port);
/* Forget every device (tests). */
void io_bus_reset(void);
/* The name and meaning of an IO_BUS_E_* code. */
const char *io_bus_strerror(int rc);

#endif
