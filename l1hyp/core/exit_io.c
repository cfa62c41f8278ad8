/*
 * Port I/O exits: every L2 port access traps (L1 intercepts all ports).
 * The exit says port, size and direction and gives the next RIP, so no
 * decoding is needed. An IN dword from NESTLAB_HC_BACKDOOR_PORT with EAX =
 * magic is a hypercall; any other access goes to the device the port bus
 * (io_bus.h) finds, or reads all ones and drops writes when there is none,
 * as absent hardware. 8/16-bit IN results merge into RAX, 32-bit ones
 * zero-extend (APM vol.1 3.1.2.3). String I/O (INS/OUTS) is refused: L2
 * is stopped with a diagnosis.
 */
#include "l1.h"
#include "exit_core.h"
#include "io_bus.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

static uint32_t size_mask(unsigned size)
{
	return size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

static __attribute__((noinline, cold)) unsigned io_string(struct vcpu *v)
{
	return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_INSN, true,
			 "L2 used string I/O (INS/OUTS) on port %x at RIP %lx: "
			 "not supported by nestlab's L1", v->exit.io.port, v->regs.rip);
}

unsigned exit_ioio(struct vcpu *v)
{
	const struct exit_io *io = &v->exit.io;
	const struct port_device *dev;
	uint64_t *rax = &v->regs.gpr[X86_RAX];
	unsigned size = exit_io_size(io), flags = 0;
	uint32_t mask = size_mask(size), val;

	if (io->flags & EXIT_IO_STRING)
		return io_string(v);
	if (io->port == NESTLAB_HC_BACKDOOR_PORT && (io->flags & EXIT_IO_IN) && size == 4 &&
	    (uint32_t)*rax == NESTLAB_HC_MAGIC) {
		flags = hypercall_from_guest(v, vendor_cpl(v), NESTLAB_TRANSPORT_BACKDOOR);
		vcpu_complete(v, io->next_rip);
		return flags;
	}
	dev = io_bus_find(io->port);
	if (!(io->flags & EXIT_IO_IN)) {
		if (dev)
			dev->write(v, dev->ctx, io->port, size, (uint32_t)*rax & mask);
	} else {
		val = dev ? dev->read(v, dev->ctx, io->port, size) : mask;
		*rax = size == 4 ? (val & mask) : (*rax & ~(uint64_t)mask) | (val & mask);
	}
	vcpu_complete(v, io->next_rip);
	return flags;
}
