/*
 * The devices L1 shows L2, one file each, each registering its ports on
 * the core's port bus (core/io_bus.h) at boot: COM1 (a 16550), QEMU's
 * isa-debug-exit, fw_cfg (QEMU's firmware configuration, L2's own
 * values), the two 8259A PICs (no interrupt lines), the 8254 PIT with port 0x61. devices_init registers them all; a failure names the
 * device.
 */
#ifndef L1_DEVICES_H
#define L1_DEVICES_H

int com1_init(void);
int debug_exit_init(void);
int fw_cfg_dev_init(void);          /* needs L2's RAM size: after L2 RAM */
int pic_dev_init(void);
int pit_dev_init(void);             /* needs L1's TSC rate */

/* Register every device: 0, or the first failure's code with *failed
 * naming the device. */
int devices_init(const char **failed);

#endif
