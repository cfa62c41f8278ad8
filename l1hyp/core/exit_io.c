/*
 * Port I/O exits: every L2 port access traps (L1 intercepts all ports).
 * The exit says port, size and direction and gives the next RIP, so no
 * decoding is needed. Ports:
 *   NESTLAB_HC_BACKDOOR_PORT, IN dword with EAX = magic: a hypercall
 *   COM1 (0x3F8-0x3FF): the emulated UART
 *   NESTLAB_DEBUG_EXIT_PORT, OUT: L2 asks to end the run with that status
 *   anything else: reads return all ones, writes are dropped (no device).
 * String I/O (INS/OUTS) is refused: L2 is stopped with a diagnosis.
 */
#include "l1.h"
#include "exit_core.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

static uint32_t size_mask(unsigned size)
{
	return size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

static bool is_uart(uint16_t port)
{
	return (uint16_t)(port - NESTLAB_COM1_PORT) < 8;
}

/* IN from a port: the UART's register, else all ones (no device). 8/16-bit
 * results merge into RAX, 32-bit results zero-extend (APM vol.1 3.1.2.3). */
static unsigned io_in(struct vcpu *v, uint16_t port, unsigned size)
{
	uint64_t *rax = &v->regs.gpr[X86_RAX];
	uint32_t mask = size_mask(size);
	uint32_t val = is_uart(port) ?
		       uart_emul_read(&l1.uart, port - NESTLAB_COM1_PORT) : mask;

	*rax = size == 4 ? val : (*rax & ~(uint64_t)mask) | (val & mask);
	vcpu_complete(v, v->exit.io.next_rip);
	return 0;
}

static unsigned io_out(struct vcpu *v, uint16_t port, unsigned size)
{
	uint32_t val = (uint32_t)v->regs.gpr[X86_RAX] & size_mask(size);

	if (is_uart(port))
		uart_emul_write(&l1.uart, port - NESTLAB_COM1_PORT, (uint8_t)val);
	else if (port == NESTLAB_DEBUG_EXIT_PORT)
		vcpu_stop(v, val > NESTLAB_STATUS_MAX ? NESTLAB_STATUS_MAX : val,
			  false, 0);
	vcpu_complete(v, v->exit.io.next_rip);
	return 0;
}

static unsigned io_backdoor(struct vcpu *v)
{
	unsigned flags = hypercall_from_guest(v, vendor_cpl(v), NESTLAB_TRANSPORT_BACKDOOR);

	vcpu_complete(v, v->exit.io.next_rip);
	return flags;
}

static __attribute__((noinline, cold)) unsigned io_string(struct vcpu *v)
{
	return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_INSN, true,
			 "L2 used string I/O (INS/OUTS) on port %x at RIP %lx: "
			 "not supported by nestlab's L1", v->exit.io.port, v->regs.rip);
}

/* Each case ends in a tail call, so the common IN/OUT costs no frame. */
unsigned exit_ioio(struct vcpu *v)
{
	const struct exit_io *io = &v->exit.io;
	unsigned size = exit_io_size(io);

	if (io->flags & EXIT_IO_STRING)
		return io_string(v);
	if (!(io->flags & EXIT_IO_IN))
		return io_out(v, io->port, size);
	if (io->port == NESTLAB_HC_BACKDOOR_PORT && size == 4 &&
	    (uint32_t)v->regs.gpr[X86_RAX] == NESTLAB_HC_MAGIC)
		return io_backdoor(v);
	return io_in(v, io->port, size);
}
