/*
 * Group "fw_cfg": QEMU's firmware configuration device through its legacy
 * I/O interface (QEMU docs/specs/fw_cfg.rst: a 16-bit selector written to
 * port 510H, the item's bytes read one at a time from port 511H; numbers in
 * plain items little-endian, the file directory big-endian). Checked: the
 * signature (key 0), the ID's traditional-interface bit (key 1), one CPU
 * (key 5), the file directory (key 19H) naming etc/e820, and that e820
 * agrees with what the multiboot loader said: every available multiboot
 * memory-map range lies in an etc/e820 RAM entry, 1 MiB is RAM, and the
 * highest RAM address is the RAM size item (key 3). Nothing is printed
 * that depends on the machine's RAM size.
 */
#include <nestlab/multiboot.h>
#include <nestlab/platform.h>
#include "tk.h"

#define G "fw_cfg"
#define FW_SEL   NESTLAB_FW_CFG_PORT
#define FW_DATA  (NESTLAB_FW_CFG_PORT + 1)
#define KEY_SIGNATURE 0x00
#define KEY_ID        0x01
#define KEY_RAM_SIZE  0x03
#define KEY_NB_CPUS   0x05
#define KEY_FILE_DIR  0x19
#define E820_RAM      1
#define E820_MAX      32
#define MIB           (1ull << 20)

struct e820 {
	uint64_t addr, len;
	uint32_t type;
};

static void fw_select(uint16_t key)
{
	tk_outw(FW_SEL, key);
}

static uint8_t fw_byte(void)
{
	return inb(FW_DATA);
}

static uint64_t fw_le(unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)fw_byte() << (8 * i);
	return v;
}

static uint64_t fw_be(unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | fw_byte();
	return v;
}

/* Looks etc/e820 up in the file directory: {size BE32, select BE16,
 * reserved BE16, name[56]} per file after a BE32 count. */
static bool find_e820(uint16_t *key, uint32_t *size)
{
	static const char want[] = "etc/e820";
	uint32_t n;

	fw_select(KEY_FILE_DIR);
	n = (uint32_t)fw_be(4);
	for (uint32_t f = 0; f < n && f < 1024; f++) {
		uint32_t sz = (uint32_t)fw_be(4);
		uint16_t sel = (uint16_t)fw_be(2);
		bool match = true;

		fw_be(2);
		for (unsigned i = 0; i < 56; i++) {
			char c = (char)fw_byte();

			if (i < sizeof(want) && c != want[i])
				match = false;
		}
		if (match) {
			*key = sel;
			*size = sz;
			return true;
		}
	}
	return false;
}

static unsigned read_e820(uint16_t key, uint32_t size, struct e820 *e)
{
	unsigned n = size / 20 < E820_MAX ? size / 20 : E820_MAX;

	fw_select(key);
	for (unsigned i = 0; i < n; i++) {
		e[i].addr = fw_le(8);
		e[i].len = fw_le(8);
		e[i].type = (uint32_t)fw_le(4);
	}
	return n;
}

static bool in_ram(const struct e820 *e, unsigned n, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < n; i++)
		if (e[i].type == E820_RAM && e[i].addr <= start && end <= e[i].addr + e[i].len)
			return true;
	return false;
}

/* Every available multiboot map range inside e820 RAM; the first that is
 * not goes to *bad. */
static bool mmap_consistent(const struct e820 *e, unsigned n, uint64_t *bad)
{
	const struct multiboot_info *mb = (const struct multiboot_info *)(uint64_t)tk_mb_info;
	uint64_t p = mb->mmap_addr, end = p + mb->mmap_length;

	while (p < end) {
		const struct multiboot_mmap_entry *m = (const struct multiboot_mmap_entry *)p;

		if (m->type == MULTIBOOT_MMAP_AVAILABLE && m->len &&
		    !in_ram(e, n, m->addr, m->addr + m->len)) {
			*bad = m->addr;
			return false;
		}
		p += m->size + sizeof(m->size);
	}
	return true;
}

void tk_test_fw_cfg(void)
{
	const struct multiboot_info *mb = (const struct multiboot_info *)(uint64_t)tk_mb_info;
	struct e820 e[E820_MAX];
	uint64_t sig, top = 0, bad = 0;
	uint32_t size = 0;
	uint16_t key = 0;
	unsigned n;

	fw_select(KEY_SIGNATURE);
	sig = fw_le(4);
	tk_expect(G, sig, 0x554D4551, "signature (key 0) is \"QEMU\"");
	fw_select(KEY_ID);
	tk_expect(G, fw_le(4) & 1, 1, "ID (key 1): the traditional interface");
	fw_select(KEY_NB_CPUS);
	tk_expect(G, fw_le(2), 1, "number of CPUs (key 5) is 1");
	if (!tk_check(G, find_e820(&key, &size), 0, 1, "file directory (key 19H) lists etc/e820"))
		return;
	tk_check(G, size && size % 20 == 0 && size / 20 <= E820_MAX, size, 20,
		 "etc/e820: whole 20-byte entries");
	n = read_e820(key, size, e);
	for (unsigned i = 0; i < n; i++)
		if (e[i].type == E820_RAM && e[i].addr + e[i].len > top)
			top = e[i].addr + e[i].len;
	tk_expect(G, in_ram(e, n, MIB, MIB + 1), 1, "etc/e820: RAM at 1 MiB");
	fw_select(KEY_RAM_SIZE);
	tk_expect(G, top, fw_le(8), "etc/e820: RAM ends at the RAM size (key 3)");
	if (!tk_check(G, mb->flags & MULTIBOOT_INFO_MMAP, mb->flags, MULTIBOOT_INFO_MMAP,
		      "the multiboot loader passed a memory map"))
		return;
	tk_check(G, mmap_consistent(e, n, &bad), bad, 0,
		 "every available multiboot map range is etc/e820 RAM");
}
