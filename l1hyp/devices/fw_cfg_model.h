/*
 * QEMU's firmware configuration device, the legacy I/O interface, as L1
 * shows it to L2 (QEMU docs/specs/fw_cfg.rst): a 16-bit selector written at
 * port 0x510 picks an item and rewinds it; each 8-bit read of port 0x511
 * returns the item's next byte, 0 past its end or for an item that does not
 * exist. The items are L2's own: the "QEMU" signature, the interface ID
 * (traditional interface only, no DMA), RAM size, one CPU, and a file
 * directory holding etc/e820, L2's memory map. Writes to the data port are
 * ignored (QEMU ignores them since 2.4). Pure C, host-tested.
 */
#ifndef L1_FW_CFG_MODEL_H
#define L1_FW_CFG_MODEL_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/platform.h>

#define FW_CFG_PORT_SEL   NESTLAB_FW_CFG_PORT
#define FW_CFG_PORT_DATA  (NESTLAB_FW_CFG_PORT + 1)

/* Selector keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h values). */
#define FW_CFG_SIGNATURE  0x0000
#define FW_CFG_ID         0x0001
#define FW_CFG_RAM_SIZE   0x0003
#define FW_CFG_NB_CPUS    0x0005
#define FW_CFG_MAX_CPUS   0x000f
#define FW_CFG_FILE_DIR   0x0019
#define FW_CFG_FILE_FIRST 0x0020

#define FW_CFG_E820_MAX   4

struct fw_cfg_e820 {             /* etc/e820 entry, little-endian, packed */
	uint64_t addr, len;
	uint32_t type;           /* 1 = RAM, 2 = reserved */
} __attribute__((packed));

struct fw_cfg {
	uint16_t selector;
	uint32_t offset;
	uint64_t ram_size;
	struct fw_cfg_e820 e820[FW_CFG_E820_MAX];
	unsigned nr_e820;
};

/* L2 with ram_size bytes of RAM: the PC layout the multiboot map gives
 * L2 (RAM below 640 KiB, RAM from 1 MiB). */
void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size);
void fw_cfg_select(struct fw_cfg *f, uint16_t key);
uint8_t fw_cfg_read(struct fw_cfg *f);

#endif
