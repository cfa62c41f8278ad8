/*
 * The MSR policy table (msr_table.h) and the core's entries:
 *   passed through, read and write: FS_BASE, GS_BASE, KERNEL_GS_BASE, STAR,
 *     LSTAR, CSTAR, SFMASK, SYSENTER_CS/ESP/EIP (switched by VMLOAD/VMSAVE
 *     on SVM) and PAT (G_PAT under nested paging, APM vol.2 15.25.8);
 *   TSC: reads pass through, writes are refused (L1 does not virtualise
 *     the TSC: a write would move L1's clock too);
 *   EFER: emulated (msr_efer.c).
 * Everything else is refused with #GP(0).
 */
#include "msr_table.h"
#include "vcpu.h"
#include "msr_efer.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_regs.h"

#define PASS_RW(msr, nm) { .index = (msr), .read = MSR_PASS, .write = MSR_PASS, .name = (nm) }

static const struct msr_entry core_entries[] = {
	PASS_RW(MSR_FS_BASE, "FS_BASE"),
	PASS_RW(MSR_GS_BASE, "GS_BASE"),
	PASS_RW(MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE"),
	PASS_RW(MSR_STAR, "STAR"),
	PASS_RW(MSR_LSTAR, "LSTAR"),
	PASS_RW(MSR_CSTAR, "CSTAR"),
	PASS_RW(MSR_SFMASK, "SFMASK"),
	PASS_RW(MSR_SYSENTER_CS, "SYSENTER_CS"),
	PASS_RW(MSR_SYSENTER_ESP, "SYSENTER_ESP"),
	PASS_RW(MSR_SYSENTER_EIP, "SYSENTER_EIP"),
	PASS_RW(MSR_PAT, "PAT"),
	{ .index = MSR_TSC, .read = MSR_PASS, .write = MSR_REFUSE, .name = "TSC" },
	{ .index = MSR_EFER, .read = MSR_EMULATE, .write = MSR_EMULATE,
	  .on_read = msr_efer_read, .on_write = msr_efer_write, .name = "EFER" },
};

static struct msr_entry table[MSR_TABLE_MAX];
static unsigned nr_entries;

void msr_table_init(void)
{
	nr_entries = 0;
	for (unsigned i = 0; i < sizeof(core_entries) / sizeof(core_entries[0]); i++)
		table[nr_entries++] = core_entries[i];
}

static uint32_t span(const struct msr_entry *e)
{
	return e->count ? e->count : 1;
}

static struct msr_entry *find(uint32_t msr)
{
	/* Later entries first: a single MSR set inside a block overrides it. */
	for (unsigned i = nr_entries; i-- > 0;)
		if (msr - table[i].index < span(&table[i]))
			return &table[i];
	return 0;
}

const struct msr_entry *msr_table_find(uint32_t msr)
{
	return find(msr);
}

static void apply_one(struct vcpu *v, const struct msr_entry *e)
{
	for (uint32_t i = 0; i < span(e); i++)
		vendor_set_msr_intercept(v, e->index + i, e->read != MSR_PASS,
					 e->write != MSR_PASS);
}

static bool entry_valid(const struct msr_entry *e)
{
	if ((e->read == MSR_EMULATE && !e->on_read) ||
	    (e->write == MSR_EMULATE && !e->on_write))
		return false;
	if ((e->read == MSR_SHADOW || e->write == MSR_SHADOW) &&
	    e->shadow_slot >= VCPU_MSR_SHADOWS)
		return false;
	if (e->index + span(e) - 1 < e->index)
		return false;                   /* the block wraps */
	return e->read <= MSR_SHADOW && e->write <= MSR_SHADOW;
}

int msr_table_set(struct vcpu *v, const struct msr_entry *e)
{
	struct msr_entry *slot;

	if (!entry_valid(e))
		return MSR_TABLE_E_INVAL;
	slot = 0;
	for (unsigned i = 0; i < nr_entries && !slot; i++)
		if (table[i].index == e->index)
			slot = &table[i];     /* replace the entry of that index */
	if (!slot) {
		if (nr_entries == MSR_TABLE_MAX)
			return MSR_TABLE_E_FULL;
		slot = &table[nr_entries++];
	}
	*slot = *e;
	if (v)
		apply_one(v, slot);
	return 0;
}

void msr_table_apply(struct vcpu *v)
{
	for (unsigned i = 0; i < nr_entries; i++)
		apply_one(v, &table[i]);
}

unsigned msr_table_count(void)
{
	return nr_entries;
}

const struct msr_entry *msr_table_entry(unsigned i)
{
	return i < nr_entries ? &table[i] : 0;
}

/* An exit for a PASS direction happens only for MSRs the vendor's bitmap
 * cannot pass: then L1 does the access on the guest's value itself. */
int msr_table_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	const struct msr_entry *e = find(msr);

	if (!e)
		return -1;
	switch (e->read) {
	case MSR_PASS:    return vendor_get_guest_msr(v, msr, val);
	case MSR_EMULATE: return e->on_read(v, msr, val);
	case MSR_SHADOW:  *val = v->msr_shadow[e->shadow_slot]; return 0;
	}
	return -1;
}

int msr_table_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	const struct msr_entry *e = find(msr);

	if (!e)
		return -1;
	switch (e->write) {
	case MSR_PASS:    return vendor_set_guest_msr(v, msr, val);
	case MSR_EMULATE: return e->on_write(v, msr, val);
	case MSR_SHADOW:
		v->msr_shadow[e->shadow_slot] = val;
		return e->on_write ? e->on_write(v, msr, val) : 0;
	}
	return -1;
}

const char *msr_table_strerror(int rc)
{
	switch (rc) {
	case MSR_TABLE_E_FULL: return "MSR_TABLE_E_FULL (MSR_TABLE_MAX entries already)";
	case MSR_TABLE_E_INVAL: return "MSR_TABLE_E_INVAL (handler missing, or shadow slot out of range)";
	}
	return "unknown error";
}
