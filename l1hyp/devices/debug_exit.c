/*
 * QEMU's isa-debug-exit at NESTLAB_DEBUG_EXIT_PORT as L2 sees it: a write
 * ends the run with that status (include/nestlab/status.h; values above
 * NESTLAB_STATUS_MAX are clamped to it). Reads answer as absent hardware.
 */
#include "devices.h"
#include "../core/io_bus.h"
#include "../core/vcpu.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

static uint32_t debug_exit_read(struct vcpu *v, void *ctx, uint16_t port, unsigned size)
{
	return 0xFFFFFFFFu;
}

static void debug_exit_write(struct vcpu *v, void *ctx, uint16_t port, unsigned size,
			     uint32_t val)
{
	vcpu_stop(v, val > NESTLAB_STATUS_MAX ? NESTLAB_STATUS_MAX : val, false, 0);
}

static const struct port_device debug_exit_dev = {
	.name = "isa-debug-exit", .base = NESTLAB_DEBUG_EXIT_PORT, .count = 1,
	.read = debug_exit_read, .write = debug_exit_write,
};

int debug_exit_init(void)
{
	return io_bus_register(&debug_exit_dev);
}
