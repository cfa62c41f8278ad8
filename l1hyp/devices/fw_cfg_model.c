/*
 * fw_cfg items (fw_cfg_model.h). Each item is produced byte by byte from
 * its definition, so nothing but the selector and offset is state: the
 * file directory is a big-endian count then 64-byte entries {size BE32,
 * select BE16, reserved, name[56]} (QEMU docs/specs/fw_cfg.rst, "File
 * Directory"); numbers in plain items are little-endian.
 */
#include "fw_cfg_model.h"
#include <nestlab/mem.h>

#define FW_CFG_E820_KEY   FW_CFG_FILE_FIRST
#define DIR_ENTRY_BYTES   64

static const char e820_name[] = "etc/e820";

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size)
{
	memset(f, 0, sizeof(*f));
	f->ram_size = ram_size;
	f->e820[0] = (struct fw_cfg_e820){ 0, 0x9FC00, 1 };
	f->e820[1] = (struct fw_cfg_e820){ 0x100000, ram_size - 0x100000, 1 };
	f->nr_e820 = 2;
}

void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	f->selector = key;
	f->offset = 0;
}

static uint8_t le_byte(uint64_t v, uint32_t i, uint32_t size)
{
	return i < size ? (uint8_t)(v >> (8 * i)) : 0;
}

static uint8_t be_byte(uint64_t v, uint32_t i, uint32_t size)
{
	return i < size ? (uint8_t)(v >> (8 * (size - 1 - i))) : 0;
}

static uint32_t e820_bytes(const struct fw_cfg *f)
{
	return f->nr_e820 * (uint32_t)sizeof(struct fw_cfg_e820);
}

static uint8_t dir_byte(const struct fw_cfg *f, uint32_t i)
{
	uint32_t e;

	if (i < 4)
		return be_byte(1, i, 4);                /* one file */
	i -= 4;
	if (i >= DIR_ENTRY_BYTES)
		return 0;
	if (i < 4)
		return be_byte(e820_bytes(f), i, 4);
	if (i < 6)
		return be_byte(FW_CFG_E820_KEY, i - 4, 2);
	if (i < 8)
		return 0;
	e = i - 8;
	return e < sizeof(e820_name) - 1 ? (uint8_t)e820_name[e] : 0;
}

static uint8_t item_byte(const struct fw_cfg *f, uint32_t i)
{
	switch (f->selector) {
	case FW_CFG_SIGNATURE:
		return i < 4 ? (uint8_t)"QEMU"[i] : 0;
	case FW_CFG_ID:
		return le_byte(1, i, 4);                /* traditional interface */
	case FW_CFG_RAM_SIZE:
		return le_byte(f->ram_size, i, 8);
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		return le_byte(1, i, 2);
	case FW_CFG_FILE_DIR:
		return dir_byte(f, i);
	case FW_CFG_E820_KEY:
		return i < e820_bytes(f) ? ((const uint8_t *)f->e820)[i] : 0;
	}
	return 0;
}

uint8_t fw_cfg_read(struct fw_cfg *f)
{
	uint8_t b = item_byte(f, f->offset);

	if (f->offset != UINT32_MAX)
		f->offset++;
	return b;
}
