/*
 * L2 guest-virtual to guest-physical translation and copy (see guest_mem.h).
 * A software walk of L2's long-mode 4-level page tables as the processor does
 * it (AMD APM vol.2 5.3 "Long-Mode Page Translation", 5.6 "Page-Protection
 * Checks"), where every entry read goes through read_phys after a range check
 * against L2 RAM, so a hostile or broken L2 can only make it return an error.
 * Checks, in the processor's order: canonical address (APM 5.3.1), then per
 * level present, then reserved bits (APM 5.3.1 "reserved bits": MBZ bits,
 * bits 51:MAXPHYADDR, NX without EFER.NXE), then rights accumulated over all
 * levels (U/S and R/W must be 1 at every level, NX at any level forbids
 * fetches). Not modelled: A/D bit updates (L1 only reads), SMEP/SMAP, PKU,
 * 5-level paging (CR4.LA57 -> GUEST_MEM_E_MODE).
 */
#include "guest_mem.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_paging.h"

#include <stdbool.h>
#include <nestlab/mem.h>

#define PTE_P     X86_PTE_P
#define PTE_RW    X86_PTE_RW
#define PTE_US    X86_PTE_US
#define PTE_PS    X86_PTE_PS
#define PTE_NX    X86_PTE_NX
#define PTE_ADDR  X86_PTE_ADDR  /* bits 51:12 */

#define PAGE_SIZE X86_PAGE_4K

/* Reserved bits of present entries, per level (index 4 = PML4E .. 1 = PTE)
 * and for leaves, computed once per walk: they depend only on MAXPHYADDR
 * and EFER.NXE. AMD: PML4E bits 8:7 are MBZ (APM vol.2 fig. 5-18); 1 GiB
 * leaves: bits 29:13, 2 MiB leaves: bits 20:13 (bit 12 is PAT). */
struct gm_rsvd {
	uint64_t table[5];   /* non-leaf entry at level i */
	uint64_t large[5];   /* 1 GiB (3) / 2 MiB (2) leaf */
};

static void gm_rsvd_init(const struct guest_mem *gm, const struct guest_paging *pg,
			 struct gm_rsvd *r)
{
	unsigned maxpa = gm->maxphyaddr ? gm->maxphyaddr : 52;
	uint64_t m = maxpa < 52 ? X86_BITS(51, maxpa) : 0;

	if (!(pg->efer & EFER_NXE))
		m |= PTE_NX;
	for (int i = 0; i < 5; i++)
		r->table[i] = r->large[i] = m;
	r->table[4] |= X86_BITS(8, 7);
	r->large[3] |= X86_PTE_RSVD_1G;
	r->large[2] |= X86_PTE_RSVD_2M;
}

/* Read the 8-byte entry at guest-physical gpa, inside RAM, through read_phys. */
static int gm_read_entry(const struct guest_mem *gm, uint64_t gpa, uint64_t *e)
{
	if (gpa >= gm->ram_size || gm->ram_size - gpa < sizeof(*e))
		return GUEST_MEM_E_OUTSIDE;
	if (gm->read_u64 ? gm->read_u64(gm->ctx, gpa, e)
			 : gm->read_phys(gm->ctx, gpa, e, sizeof(*e)))
		return GUEST_MEM_E_READ;
	return 0;
}

static bool gm_cache_lookup(const struct guest_mem *gm, const struct guest_paging *pg,
			    uint64_t gva, unsigned acc, uint64_t *gpa)
{
	const struct guest_walk_cache *c = gm->cache;

	if (!c->valid || c->va_page != gva >> 12 || c->cr3 != pg->cr3 ||
	    c->acc != acc || c->cr0 != pg->cr0 || c->cr4 != pg->cr4 ||
	    c->efer != pg->efer)
		return false;
	/* The entries' addresses were range-checked when the walk read them. */
	for (unsigned i = 0; i < c->levels; i++) {
		uint64_t e;
		int rc = gm->read_u64 ? gm->read_u64(gm->ctx, c->entry_gpa[i], &e)
				      : gm->read_phys(gm->ctx, c->entry_gpa[i], &e, sizeof(e));

		if (rc || e != c->entry_val[i])
			return false;
	}
	*gpa = c->pa_page | (gva & (PAGE_SIZE - 1));
	return true;
}

static void gm_cache_fill(struct guest_walk_cache *c, const struct guest_paging *pg,
			  uint64_t gva, unsigned acc, uint64_t out, unsigned n,
			  const uint64_t *egpa, const uint64_t *eval)
{
	c->valid = 1;
	c->cr0 = pg->cr0;
	c->cr3 = pg->cr3;
	c->cr4 = pg->cr4;
	c->efer = pg->efer;
	c->acc = acc;
	c->va_page = gva >> 12;
	c->pa_page = out & ~(PAGE_SIZE - 1);
	c->levels = n;
	for (unsigned i = 0; i < n; i++) {
		c->entry_gpa[i] = egpa[i];
		c->entry_val[i] = eval[i];
	}
}

int guest_translate(const struct guest_mem *gm, const struct guest_paging *pg,
		    uint64_t gva, unsigned acc, uint64_t *gpa)
{
	uint64_t table, e = 0, out = 0;
	bool user_ok = true, write_ok = true, exec_ok = true;
	uint64_t entry_gpa[4], entry_val[4];
	unsigned nr_entries = 0;
	struct gm_rsvd rsvd;
	int level;

	/* A hit needs the same paging registers, so the mode checks below
	 * passed when the entry was filled. */
	if (gm->cache && gm_cache_lookup(gm, pg, gva, acc, gpa))
		return 0;
	if (!(pg->cr0 & CR0_PG)) {
		/* Paging off (APM 5.1): the linear address is the physical one. */
		if (gva >= gm->ram_size)
			return GUEST_MEM_E_OUTSIDE;
		*gpa = gva;
		return 0;
	}
	if (!(pg->efer & (EFER_LMA | EFER_LME)) || !(pg->cr4 & CR4_PAE) ||
	    (pg->cr4 & CR4_LA57))
		return GUEST_MEM_E_MODE;
	/* APM 5.3.1: bits 63:48 must copy bit 47. */
	if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
		return GUEST_MEM_E_NONCANON;

	gm_rsvd_init(gm, pg, &rsvd);
	table = pg->cr3 & PTE_ADDR;
	for (level = 4; level >= 1; level--) {
		unsigned shift = X86_PT_SHIFT(level);
		uint64_t idx = (gva >> shift) & 511;
		bool large;
		int rc = gm_read_entry(gm, table + idx * 8, &e);

		if (rc)
			return rc;
		entry_gpa[nr_entries] = table + idx * 8;
		entry_val[nr_entries++] = e;
		if (!(e & PTE_P))
			return GUEST_MEM_E_NOTMAPPED;
		large = (level == 3 || level == 2) && (e & PTE_PS);
		if (e & (large ? rsvd.large[level] : rsvd.table[level]))
			return GUEST_MEM_E_RSVD;
		user_ok &= !!(e & PTE_US);
		write_ok &= !!(e & PTE_RW);
		exec_ok &= !(e & PTE_NX);
		if (level == 1 || large) {
			uint64_t off = (1ull << shift) - 1;

			out = (e & PTE_ADDR & ~off) | (gva & off);
			break;
		}
		table = e & PTE_ADDR;
	}

	/* APM 5.6: rights are the most restrictive over all levels. */
	if ((acc & GUEST_ACC_USER) && !user_ok)
		return GUEST_MEM_E_PERM;
	if ((acc & GUEST_ACC_WRITE) && !write_ok &&
	    ((acc & GUEST_ACC_USER) || (pg->cr0 & CR0_WP)))
		return GUEST_MEM_E_PERM;
	if ((acc & GUEST_ACC_EXEC) && (pg->efer & EFER_NXE) && !exec_ok)
		return GUEST_MEM_E_PERM;
	if (out >= gm->ram_size)
		return GUEST_MEM_E_OUTSIDE;
	if (gm->cache)
		gm_cache_fill(gm->cache, pg, gva, acc, out, nr_entries, entry_gpa,
			      entry_val);
	*gpa = out;
	return 0;
}

int guest_copy_from_virt(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, void *dst, size_t len, unsigned acc, size_t *done)
{
	unsigned char *d = dst;
	size_t copied = 0;
	int rc = 0;

	if (len > GUEST_MEM_COPY_MAX || (len && gva + (len - 1) < gva)) {
		rc = GUEST_MEM_E_RANGE;
		goto out;
	}
	while (copied < len) {
		uint64_t va = gva + copied, gpa;
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));

		if (chunk > len - copied)
			chunk = len - copied;
		rc = guest_translate(gm, pg, va, acc, &gpa);
		if (rc)
			break;
		/* gpa is in RAM; the chunk's last byte must be too. */
		if (gm->ram_size - gpa < chunk) {
			rc = GUEST_MEM_E_OUTSIDE;
			break;
		}
		if (gm->read_phys(gm->ctx, gpa, d + copied, chunk)) {
			rc = GUEST_MEM_E_READ;
			break;
		}
		copied += chunk;
	}
out:
	if (done)
		*done = copied;
	return rc;
}
