/*
 * IOIO exits (APM 15.10.2): every L2 port access traps (the IOPM is all
 * ones). EXITINFO1 describes the access, EXITINFO2 holds the next RIP, so no
 * decoding is needed. Ports:
 *   NESTLAB_HC_BACKDOOR_PORT, IN dword with RAX = magic: a hypercall
 *   COM1 (0x3F8-0x3FF): the emulated UART
 *   NESTLAB_DEBUG_EXIT_PORT, OUT: L2 asks to end the run with that status
 *   anything else: reads return all ones, writes are dropped (no device).
 * String I/O (INS/OUTS) is refused: L2 is stopped with a diagnosis.
 */
#include "l1.h"
#include "exits.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

static uint32_t io_read(uint16_t port, unsigned size)
{
	if (port >= NESTLAB_COM1_PORT && port < NESTLAB_COM1_PORT + 8)
		return uart_emul_read(&l1.uart, port - NESTLAB_COM1_PORT);
	return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFFu;
}

static void io_write(uint16_t port, uint32_t v)
{
	if (port >= NESTLAB_COM1_PORT && port < NESTLAB_COM1_PORT + 8) {
		uart_emul_write(&l1.uart, port - NESTLAB_COM1_PORT, (uint8_t)v);
	} else if (port == NESTLAB_DEBUG_EXIT_PORT) {
		l1.exit_requested = true;
		l1.exit_status = v > NESTLAB_STATUS_MAX ? NESTLAB_STATUS_MAX : v;
	}
}

unsigned exit_ioio(uint64_t tsc)
{
	struct vmcb_save *s = &l1.vmcb->save;
	uint64_t info = l1.vmcb->control.exit_info1;
	uint16_t port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
	unsigned size = (info & SVM_IOIO_SZ8) ? 1 : (info & SVM_IOIO_SZ16) ? 2 : 4;
	unsigned flags = 0;

	if (info & SVM_IOIO_STR) {
		l1_dump_guest();
		l1_end_run(NESTLAB_STATUS_L2_BAD_INSN,
			   "L2 used string I/O (INS/OUTS) on port %x at RIP %lx: "
			   "not supported by nestlab's L1", port, s->rip);
	}
	if (info & SVM_IOIO_TYPE_IN) {
		if (port == NESTLAB_HC_BACKDOOR_PORT && size == 4 &&
		    (uint32_t)s->rax == NESTLAB_HC_MAGIC) {
			flags = hypercall_from_guest(tsc);
		} else {
			uint32_t v = io_read(port, size);

			if (size == 1)
				s->rax = (s->rax & ~0xFFull) | (v & 0xFF);
			else if (size == 2)
				s->rax = (s->rax & ~0xFFFFull) | (v & 0xFFFF);
			else
				s->rax = v;     /* 32-bit results zero-extend */
		}
	} else {
		io_write(port, (uint32_t)s->rax &
			 (size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu));
	}
	s->rip = l1.vmcb->control.exit_info2;
	return flags;
}
