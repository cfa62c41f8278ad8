/* The MSR policy table: the intercepts it generates (through the vendor
 * contract, here the fake vendor) agree entry by entry with how the MSR
 * exit dispatches; EFER's rules; a mechanism shadowing an MSR; invalid
 * entries; unknown MSRs refused. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "fake_vendor.h"
#include "../../l1hyp/core/msr_table.h"
#include "../../l1hyp/core/msr_efer.h"
#include "../../lib/freestanding/x86_regs.h"

static struct vcpu v;
static struct fake_vendor f;

static void setup(void)
{
	fake_vcpu_init(&v, &f);
	msr_table_init();
}

TestSuite(msr_table, .init = setup);

Test(msr_table, apply_sets_exactly_the_table_s_intercepts)
{
	msr_table_apply(&v);
	cr_assert(eq(u32, f.nr_msr_icpt, msr_table_count()));
	for (unsigned i = 0; i < msr_table_count(); i++) {
		const struct msr_entry *e = msr_table_entry(i);
		bool r, w;

		cr_assert(fake_msr_intercept(&f, e->index, &r, &w));
		cr_assert(eq(int, r, e->read != MSR_PASS), "%s read", e->name);
		cr_assert(eq(int, w, e->write != MSR_PASS), "%s write", e->name);
	}
}

Test(msr_table, core_policy)
{
	const uint32_t pass_rw[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
		MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS,
		MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_PAT };

	for (unsigned i = 0; i < sizeof(pass_rw) / sizeof(pass_rw[0]); i++) {
		const struct msr_entry *e = msr_table_find(pass_rw[i]);

		cr_assert(ne(ptr, (void *)e, NULL));
		cr_assert(eq(int, e->read, MSR_PASS));
		cr_assert(eq(int, e->write, MSR_PASS));
	}
	cr_assert(eq(int, msr_table_find(MSR_TSC)->read, MSR_PASS));
	cr_assert(eq(int, msr_table_find(MSR_TSC)->write, MSR_REFUSE));
	cr_assert(eq(int, msr_table_find(MSR_EFER)->read, MSR_EMULATE));
	cr_assert(eq(int, msr_table_find(MSR_EFER)->write, MSR_EMULATE));
	cr_assert(eq(ptr, (void *)msr_table_find(0xC0010114u), NULL));   /* VM_CR */
}

Test(msr_table, refused_and_unknown_msrs_fail)
{
	uint64_t val = 7;

	cr_assert(lt(int, msr_table_write(&v, MSR_TSC, 0), 0));
	cr_assert(lt(int, msr_table_read(&v, 0xC0010117u, &val), 0));  /* VM_HSAVE_PA */
	cr_assert(lt(int, msr_table_write(&v, 0x1234, 1), 0));
	cr_assert(eq(u64, val, 7));
}

Test(msr_table, efer_rules)
{
	uint64_t val;

	f.efer = EFER_LMA | EFER_LME;
	cr_assert(eq(int, msr_table_read(&v, MSR_EFER, &val), 0));
	cr_assert(eq(u64, val, EFER_LMA | EFER_LME));
	/* SCE, LME, NXE settable; LMA keeps the processor's value. */
	cr_assert(eq(int, msr_table_write(&v, MSR_EFER, EFER_SCE | EFER_LME | EFER_NXE), 0));
	cr_assert(eq(u64, f.efer, EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA));
	/* SVME and other reserved bits: #GP, nothing changes. */
	cr_assert(lt(int, msr_table_write(&v, MSR_EFER, EFER_SVME), 0));
	cr_assert(lt(int, msr_table_write(&v, MSR_EFER, 1ull << 20), 0));
	cr_assert(eq(u64, f.efer, EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA));
}

Test(msr_table, pass_direction_exit_uses_the_guest_value)
{
	uint64_t val = 0;

	fake_hold_msr(&f, MSR_LSTAR, 0xffffffff81000000ull);
	cr_assert(eq(int, msr_table_read(&v, MSR_LSTAR, &val), 0));
	cr_assert(eq(u64, val, 0xffffffff81000000ull));
	cr_assert(eq(int, msr_table_write(&v, MSR_LSTAR, 0x1000), 0));
	cr_assert(eq(u64, f.msr_val[0], 0x1000));
}

static uint64_t hooked_value;
static int on_lstar_write(struct vcpu *vc, uint32_t msr, uint64_t val)
{
	hooked_value = val;
	return 0;
}

Test(msr_table, a_mechanism_shadows_an_msr)
{
	const struct msr_entry hooked = {
		.index = MSR_LSTAR, .read = MSR_SHADOW, .write = MSR_SHADOW,
		.shadow_slot = 2, .on_write = on_lstar_write, .name = "LSTAR (hooked)",
	};
	uint64_t val = 0;
	bool r, w;

	msr_table_apply(&v);
	cr_assert(eq(int, msr_table_set(&v, &hooked), 0));
	cr_assert(fake_msr_intercept(&f, MSR_LSTAR, &r, &w));
	cr_assert(eq(int, r, 1));
	cr_assert(eq(int, w, 1));
	v.msr_shadow[2] = 0xabc;
	cr_assert(eq(int, msr_table_read(&v, MSR_LSTAR, &val), 0));
	cr_assert(eq(u64, val, 0xabc));
	cr_assert(eq(int, msr_table_write(&v, MSR_LSTAR, 0xdef), 0));
	cr_assert(eq(u64, v.msr_shadow[2], 0xdef));
	cr_assert(eq(u64, hooked_value, 0xdef));
	/* Replacing keeps one entry per MSR. */
	cr_assert(eq(u32, msr_table_count(), 13));
}

Test(msr_table, invalid_entries_and_a_full_table)
{
	const struct msr_entry no_handler = { .index = 0x10, .read = MSR_EMULATE };
	const struct msr_entry bad_slot = { .index = 0x11, .read = MSR_SHADOW,
					    .shadow_slot = VCPU_MSR_SHADOWS };
	struct msr_entry e = { .read = MSR_PASS, .write = MSR_REFUSE };
	unsigned n = msr_table_count();

	cr_assert(eq(int, msr_table_set(0, &no_handler), MSR_TABLE_E_INVAL));
	cr_assert(eq(int, msr_table_set(0, &bad_slot), MSR_TABLE_E_INVAL));
	for (unsigned i = n; i < MSR_TABLE_MAX; i++) {
		e.index = 0x400 + i;
		cr_assert(eq(int, msr_table_set(0, &e), 0));
	}
	e.index = 0x999;
	cr_assert(eq(int, msr_table_set(0, &e), MSR_TABLE_E_FULL));
}

Test(msr_table, efer_lme_cannot_change_with_paging_on)
{
	/* Long mode active: EFER = SCE | LME | LMA | NXE = 0xD01. */
	f.cr0 = CR0_PE | CR0_PG;
	f.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	cr_assert(lt(int, msr_table_write(&v, MSR_EFER, EFER_SCE | EFER_LMA | EFER_NXE), 0));
	cr_assert(eq(u64, f.efer, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
	/* Other bits may change with paging on. */
	cr_assert(eq(int, msr_table_write(&v, MSR_EFER, EFER_LME | EFER_LMA), 0));
	cr_assert(eq(u64, f.efer, EFER_LME | EFER_LMA));
	/* 32-bit paging on, LME off: setting LME is illegal too. */
	f.efer = EFER_NXE;
	cr_assert(lt(int, msr_table_write(&v, MSR_EFER, EFER_LME | EFER_NXE), 0));
	/* Paging off: LME may be set (the usual way into long mode). */
	f.cr0 = CR0_PE;
	cr_assert(eq(int, msr_table_write(&v, MSR_EFER, EFER_LME | EFER_NXE), 0));
	cr_assert(eq(u64, f.efer, EFER_LME | EFER_NXE));
}

static int block_read(struct vcpu *vc, uint32_t msr, uint64_t *val) { *val = msr; return 0; }
static int block_write(struct vcpu *vc, uint32_t msr, uint64_t val) { return val == msr ? 0 : -1; }

/* One entry for a block of MSRs (x2APIC's 800H-BFFH): every MSR of the
 * block dispatches to it with its own index, the neighbours stay refused,
 * a single entry set later inside the block overrides it, a block that
 * wraps is refused. */
Test(msr_table, a_block_of_msrs)
{
	const struct msr_entry block = { .index = 0x800, .count = 0x400, .read = MSR_EMULATE,
					 .write = MSR_EMULATE, .on_read = block_read,
					 .on_write = block_write, .name = "block" };
	const struct msr_entry one = { .index = 0x808, .read = MSR_REFUSE, .write = MSR_REFUSE,
				       .name = "one" };
	const struct msr_entry wraps = { .index = 0xFFFFFFF0u, .count = 0x20,
					 .read = MSR_REFUSE, .write = MSR_REFUSE, .name = "w" };
	uint64_t val = 0;

	cr_assert(eq(int, msr_table_set(&v, &block), 0));
	cr_assert(eq(int, msr_table_read(&v, 0x800, &val), 0));
	cr_assert(eq(u64, val, 0x800));
	cr_assert(eq(int, msr_table_read(&v, 0xBFF, &val), 0));
	cr_assert(eq(u64, val, 0xBFF));
	cr_assert(eq(int, msr_table_write(&v, 0x830, 0x830), 0));
	cr_assert(eq(int, msr_table_write(&v, 0x830, 1), -1));
	cr_assert(lt(int, msr_table_read(&v, 0x7FF, &val), 0));
	cr_assert(lt(int, msr_table_read(&v, 0xC00, &val), 0));
	cr_assert(eq(int, msr_table_set(&v, &one), 0));
	cr_assert(lt(int, msr_table_read(&v, 0x808, &val), 0));
	cr_assert(eq(int, msr_table_read(&v, 0x809, &val), 0));
	cr_assert(eq(int, msr_table_set(&v, &wraps), MSR_TABLE_E_INVAL));
}

/* A hidden EFER.SCE (msr_efer_hide): L2 reads and writes its own, the CPU
 * keeps 0 (so SYSCALL/SYSRET raise #UD); no other bit may be hidden. */
Test(msr_table, efer_sce_hidden)
{
	uint64_t val;

	f.efer = EFER_SCE | EFER_LME | EFER_LMA;
	cr_assert(lt(int, msr_efer_hide(&v, EFER_NXE), 0));
	cr_assert(eq(int, msr_efer_hide(&v, EFER_SCE), 0));
	cr_assert(eq(int, msr_efer_hide(&v, EFER_SCE), -1));     /* one owner at a time */
	cr_assert(eq(u64, f.efer, EFER_LME | EFER_LMA));            /* the CPU's */
	cr_assert(eq(int, msr_table_read(&v, MSR_EFER, &val), 0));
	cr_assert(eq(u64, val, EFER_SCE | EFER_LME | EFER_LMA));    /* L2's */
	cr_assert(eq(int, msr_table_write(&v, MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE), 0));
	cr_assert(eq(u64, msr_efer_guest(&v), EFER_LME | EFER_LMA | EFER_NXE));
	cr_assert(eq(int, msr_table_write(&v, MSR_EFER, EFER_SCE | EFER_LME | EFER_NXE), 0));
	cr_assert(eq(u64, f.efer, EFER_LME | EFER_LMA | EFER_NXE));
	cr_assert(eq(u64, msr_efer_guest(&v), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
	/* the rules still apply to L2's value */
	cr_assert(lt(int, msr_table_write(&v, MSR_EFER, EFER_SCE | EFER_SVME), 0));
	cr_assert(eq(u64, msr_efer_guest(&v), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
}
