/*
 * The MSR permission map's layout (AMD APM vol.2 15.11, table 15-5): three
 * 2 KiB vectors, for MSRs 0000_0000-0000_1FFF, C000_0000-C000_1FFF and
 * C001_0000-C001_1FFF, two bits per MSR (read intercept, then write
 * intercept). MSRs outside the three ranges always exit. Pure C,
 * host-tested.
 */
#include "svm.h"

static bool msrpm_slot(uint32_t msr, uint32_t *byte, unsigned *bit)
{
	uint32_t base, n;

	if (msr <= 0x1FFFu)
		base = 0x000;
	else if (msr >= 0xC0000000u && msr <= 0xC0001FFFu)
		base = 0x800;
	else if (msr >= 0xC0010000u && msr <= 0xC0011FFFu)
		base = 0x1000;
	else
		return false;
	n = (msr & 0x1FFFu) * 2;
	*byte = base + n / 8;
	*bit = n % 8;
	return true;
}

bool svm_msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read,
		   bool intercept_write)
{
	uint32_t byte;
	unsigned bit;
	uint8_t m;

	if (!msrpm_slot(msr, &byte, &bit))
		return false;
	m = msrpm[byte] & (uint8_t)~(3u << bit);
	m |= (uint8_t)((intercept_read ? 1u : 0u) << bit);
	m |= (uint8_t)((intercept_write ? 2u : 0u) << bit);
	msrpm[byte] = m;
	return true;
}

void svm_msrpm_get(const uint8_t *msrpm, uint32_t msr, bool *read, bool *write)
{
	uint32_t byte;
	unsigned bit;

	*read = *write = true;
	if (!msrpm_slot(msr, &byte, &bit))
		return;
	*read = msrpm[byte] >> bit & 1;
	*write = msrpm[byte] >> (bit + 1) & 1;
}
