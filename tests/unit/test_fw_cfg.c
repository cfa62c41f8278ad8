/* The fw_cfg model: each item byte by byte as QEMU's docs define it
 * (signature, ID, RAM size little-endian, CPU count, the big-endian file
 * directory, etc/e820), rewinding on select, zeros past the end and for
 * unknown keys. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/devices/fw_cfg_model.h"

static struct fw_cfg f;

static void read_item(uint16_t key, uint8_t *buf, unsigned n)
{
	fw_cfg_select(&f, key);
	for (unsigned i = 0; i < n; i++)
		buf[i] = fw_cfg_read(&f);
}

static void setup(void) { fw_cfg_init(&f, 64u << 20); }
TestSuite(fw_cfg, .init = setup);

Test(fw_cfg, signature_id_ram_cpus)
{
	uint8_t b[16];
	uint64_t ram = 0;

	read_item(FW_CFG_SIGNATURE, b, 6);
	cr_assert(eq(int, memcmp(b, "QEMU\0\0", 6), 0));
	read_item(FW_CFG_ID, b, 4);
	cr_assert(eq(u8, b[0], 1));
	cr_assert(eq(u8, b[1] | b[2] | b[3], 0));
	read_item(FW_CFG_RAM_SIZE, b, 8);
	memcpy(&ram, b, 8);
	cr_assert(eq(u64, ram, 64ull << 20));
	read_item(FW_CFG_NB_CPUS, b, 3);
	cr_assert(eq(u8, b[0], 1));
	cr_assert(eq(u8, b[1], 0));
	cr_assert(eq(u8, b[2], 0));                 /* past the end */
	read_item(0x1234, b, 4);                      /* no such item */
	cr_assert(eq(u8, b[0] | b[1] | b[2] | b[3], 0));
}

Test(fw_cfg, select_rewinds)
{
	uint8_t a[2], b[2];

	read_item(FW_CFG_SIGNATURE, a, 2);
	read_item(FW_CFG_SIGNATURE, b, 2);
	cr_assert(eq(int, memcmp(a, "QE", 2), 0));
	cr_assert(eq(int, memcmp(b, "QE", 2), 0));
}

Test(fw_cfg, file_directory_and_e820)
{
	uint8_t d[4 + 64], e[2 * 20 + 4];
	struct fw_cfg_e820 ent[2];
	uint32_t size;
	uint16_t sel;

	read_item(FW_CFG_FILE_DIR, d, sizeof(d));
	cr_assert(eq(u32, (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3], 1));
	size = (uint32_t)d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7];
	sel = (uint16_t)(d[8] << 8 | d[9]);
	cr_assert(eq(u32, size, 2 * sizeof(struct fw_cfg_e820)));
	cr_assert(eq(u16, sel, FW_CFG_FILE_FIRST));
	cr_assert(eq(str, (char *)d + 12, "etc/e820"));
	read_item(sel, e, sizeof(e));
	memcpy(ent, e, sizeof(ent));
	cr_assert(eq(u64, ent[0].addr, 0));
	cr_assert(eq(u64, ent[0].len, 0x9FC00));
	cr_assert(eq(u32, ent[0].type, 1));
	cr_assert(eq(u64, ent[1].addr, 0x100000));
	cr_assert(eq(u64, ent[1].len, (64ull << 20) - 0x100000));
	cr_assert(eq(u8, e[40] | e[41] | e[42] | e[43], 0));   /* past the file */
}
