/*
 * The xAPIC register page of the local APIC model (SDM 11.4.1, Table 11-1;
 * APM ch.16 "APIC Registers"): 4 KiB at IA32_APIC_BASE, decoded only in
 * xAPIC mode (in x2APIC mode and when disabled the page is not the APIC's,
 * SDM 11.12.2). Registers sit in the low 4 bytes of 16-byte slots; the SDM
 * and the APM require 32-bit accesses at those offsets and leave the rest
 * undefined (SDM 11.4.1, "any access that touches bytes 4 through 15 ...
 * may cause undefined behavior"). The model defines it:
 *   reads of 1, 2, 4 or 8 bytes return, byte by byte, the register bytes
 *     (slot bytes 0-3) and 0 for slot bytes 4-15;
 *   writes take effect only as 32-bit stores at a 16-byte aligned offset;
 *     any other write is ignored (stats.mmio_ignored);
 *   a slot with no register (reserved, the LVT CMCI slot, SELF IPI at 3F0H,
 *     everything from 400H) reads 0 and sets ESR[7] "illegal register
 *     address" (SDM 11.5.3) when an access touches it, read or aligned
 *     write; APR and RRD writes do not (Table 11-1 note 1).
 * Sizes other than 1/2/4/8 and accesses past the page are the caller's
 * mistake (LAPIC_E_RANGE).
 */
#include "lapic_internal.h"

#define PAGE 4096u

static int check(const struct lapic *apic, uint32_t offset, unsigned size)
{
	if (!apic)
		return LAPIC_E_INVAL;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return LAPIC_E_RANGE;
	if (offset >= PAGE || size > PAGE - offset)
		return LAPIC_E_RANGE;
	if (lapic_mode(apic) != LAPIC_MODE_XAPIC)
		return LAPIC_E_NOT_DECODED;
	return 0;
}

int lapic_mmio_read(struct lapic *apic, uint32_t offset, unsigned size,
		    uint64_t *val, uint64_t now)
{
	unsigned slot = ~0u;
	bool absent = false;
	uint64_t reg = 0, out = 0;
	int rc = check(apic, offset, size);

	if (rc)
		return rc;
	if (!val)
		return LAPIC_E_INVAL;
	lapic_advance(apic, now);
	for (unsigned i = 0; i < size; i++) {
		unsigned b = offset + i;

		if ((b >> 4) != slot) {
			slot = b >> 4;
			if (lapic_reg_read(apic, slot, false, &reg) != LAPIC_REG_OK) {
				absent = true;
				reg = 0;
			}
		}
		if ((b & 15) < 4)
			out |= ((reg >> ((b & 15) * 8)) & 0xFF) << (i * 8);
	}
	if (absent)
		lapic_error(apic, LAPIC_ESR_ILLEGAL_REG);
	*val = out;
	return 0;
}

int lapic_mmio_write(struct lapic *apic, uint32_t offset, unsigned size,
		     uint64_t val, uint64_t now)
{
	int rc = check(apic, offset, size);

	if (rc)
		return rc;
	lapic_advance(apic, now);
	if (size != 4 || (offset & 15)) {
		apic->stats.mmio_ignored++;
		return 0;
	}
	if (lapic_reg_write(apic, offset >> 4, false, val & 0xFFFFFFFFu) != LAPIC_REG_OK)
		lapic_error(apic, LAPIC_ESR_ILLEGAL_REG);
	lapic_advance(apic, now);
	return 0;
}
