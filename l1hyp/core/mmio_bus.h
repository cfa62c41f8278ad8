/*
 * The MMIO bus L2 sees outside its RAM: devices (l1hyp/devices/) register
 * guest-physical ranges, and the NPF exit handler (exit_npf.c) hands an
 * access to a registered range to mmio_emulate (mmio_emul.c), which decodes
 * the instruction and calls the device. The NPT never maps these ranges,
 * so every access is one nested page fault. A device may move or switch
 * off its range at any time (the xAPIC page follows IA32_APIC_BASE) by
 * changing base and enabled in its struct mmio_device. An unregistered
 * address outside RAM is a bad access (exit_npf.c). Pure C: host-tested.
 */
#ifndef L1_MMIO_BUS_H
#define L1_MMIO_BUS_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;

/* offset: from the range's base; size 1, 2, 4 or 8. 0, or a negative
 * device error, which ends the run as a bad access with that message. */
struct mmio_device {
	const char *name;
	uint64_t base, size;            /* [base, base + size), may change */
	bool enabled;                   /* may change */
	int (*read)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		    uint64_t *val);
	int (*write)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		     uint64_t val);
	const char *(*strerror)(int rc);
	void *ctx;
};

#define MMIO_BUS_MAX_DEVICES 4
#define MMIO_BUS_E_FULL      (-120)     /* MMIO_BUS_MAX_DEVICES registered */
#define MMIO_BUS_E_RANGE     (-121)     /* size 0 or the range wraps */

/* Register dev (kept by pointer). 0 or MMIO_BUS_E_*. */
int mmio_bus_register(struct mmio_device *dev);
/* The enabled device whose range holds gpa, or NULL. */
struct mmio_device *mmio_bus_find(uint64_t gpa);
/* Forget every device (tests). */
void mmio_bus_reset(void);
const char *mmio_bus_strerror(int rc);

#endif
