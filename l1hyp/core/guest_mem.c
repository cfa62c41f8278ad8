/*
 * L2 guest-virtual to guest-physical translation and copies (see
 * guest_mem.h): a software walk of L2's page tables as the processor does
 * it, where every entry read goes through read_phys/read_u64 after a range
 * check against L2 RAM, so a hostile or broken L2 can only make it return
 * an error.
 *
 * Mode (APM vol.2 5.1, from CR0.PG, CR4.PAE, CR4.PSE, EFER.LMA, CR4.LA57):
 *   CR0.PG=0                  paging off, gva == gpa
 *   PG, !PAE                  32-bit legacy (APM 5.2): 4-byte PDE, PTE;
 *                             CR4.PSE: PDE.PS=1 maps 4 MiB, PDE bits 20:13
 *                             give address bits 39:32 (PSE-36)
 *   PG, PAE, !LMA             PAE legacy (APM 5.2): 4 PDPEs at CR3 bits
 *                             31:5, then PDE (2 MiB leaves) and PTE
 *   PG, PAE, LMA              long mode (APM 5.3): PML4E, PDPE (1 GiB),
 *                             PDE (2 MiB), PTE; with CR4.LA57 a PML5E first
 *   PG, !PAE, LMA             GUEST_MEM_E_MODE (the CPU cannot be there)
 * Legacy linear addresses are 32 bits (a larger gva: GUEST_MEM_E_RANGE);
 * long-mode ones must be canonical (APM 5.3.1; bit 47, or 56 with LA57).
 * The PAE PDPEs are read from memory on every walk, as QEMU TCG does (and
 * AMD under nested paging: it does not latch them at CR3 loads either).
 *
 * Checks, in QEMU TCG's order (target/i386/tcg/sysemu/excp_helper.c,
 * mmu_translate), which is the processor's (APM 5.3, 5.6): per level
 * present, then reserved bits, then (non-leaf) A; after the leaf, user
 * access to a supervisor page, then protection keys, then SMAP / R/W (with
 * CR0.WP) for data and NX / SMEP for fetches; rights are combined over all
 * levels (U/S and R/W must be 1 at each, NX at any one forbids fetches;
 * PAE PDPEs carry no rights).
 *
 * Reserved bits: L1 follows QEMU TCG, the L0 whose MMU really runs L2, so
 * that L1 never reports a fault that L0 would not raise for the same
 * access. Every bit below is MBZ on AMD as well (APM 5.3.1 and the entry
 * figures); AMD marks a few more bits MBZ that QEMU (and Intel) ignore, and
 * L1 ignores them too:
 *   all PAE/long entries  bits 51:MAXPHYADDR of the address; NX (bit 63)
 *                         without EFER.NXE
 *   PML5E, PML4E          bit 7 (PS). Bit 8 is ignored: AMD's fig. 5-18
 *                         marks PML4E bits 8:7 MBZ (KVM reserves bit 8 for
 *                         AMD guests), but QEMU checks only PS and Intel's
 *                         PML4E format (SDM vol.3 4.5) says "ignored".
 *   1 GiB leaf            bits 29:13; 2 MiB leaf: bits 20:13 (12 is PAT)
 *   PAE PDPE              NX (always) and bits 62:52; AMD's MBZ bits 8:5
 *                         and 2:1 are ignored (QEMU does not check them)
 *   PAE PDE, PTE          bits 62:52 too (available only in long mode)
 *   32-bit 4 MiB PDE      bit 21; PSE-36 address bits at or above
 *                         MAXPHYADDR are not reserved (QEMU), they simply
 *                         make a gpa outside L2 RAM
 *   32-bit others         none; PDE.PS without CR4.PSE is ignored
 *
 * #PF error code (APM 8.4.2): P for protection and reserved-bit faults
 * (the architectural rule; QEMU 7.2+ reports RSVD without P), W, U (not
 * for implicit accesses), RSVD, I/D for fetches with SMEP or with NXE in
 * PAE/long mode, PK.
 *
 * A/D bits (GUEST_MEM_F_AD, APM 5.4.2): A on each non-leaf entry once its
 * reserved bits passed (it stays set if the walk faults lower down); A,
 * and D for writes, on the leaf once every check passed and the gpa is in
 * RAM. PAE PDPEs have no A bit (AMD: bit 5 is MBZ there; QEMU sets it
 * anyway, L1 does not). Each update is a compare-and-exchange of the entry
 * value the walk read (the aligned qword holding a 4-byte entry in 32-bit
 * mode); if the entry changed, the whole walk is redone, so a concurrent
 * change is never overwritten.
 */
#include "guest_mem.h"

#define GM_PAGE    X86_PAGE_4K
#define GM_RESTART 1          /* internal: an entry changed, walk again */

enum gm_mode { GM_OFF, GM_32, GM_PAE, GM_LONG4, GM_LONG5 };

/* One walk: its inputs, the entries it read and what it found. */
struct gm_walk {
	const struct guest_mem *gm;
	const struct guest_paging *pg;
	uint64_t gva;
	unsigned acc;
	int mode;
	bool ad;                  /* set A/D bits */
	unsigned esize;           /* entry size: 4 or 8 */
	uint64_t rsvd;            /* reserved in every PAE/long entry */
	unsigned n;               /* entries read */
	uint64_t egpa[5], eval[5];
	uint64_t us, rw, nx;      /* AND of U/S and R/W, OR of NX */
	uint64_t gpa;             /* result */
	/* the failure */
	uint32_t pf;              /* P, RSVD, PK */
	int fail_level;           /* 0: no entry at fault */
	uint64_t fail_gpa, fail_entry;
};

/* ---- mode and address ------------------------------------------------ */

static int gm_mode(const struct guest_paging *pg)
{
	if (!(pg->cr0 & CR0_PG))
		return GM_OFF;
	if (pg->efer & EFER_LMA) {
		if (!(pg->cr4 & CR4_PAE))
			return GUEST_MEM_E_MODE;
		return (pg->cr4 & CR4_LA57) ? GM_LONG5 : GM_LONG4;
	}
	return (pg->cr4 & CR4_PAE) ? GM_PAE : GM_32;
}

static int gm_top_level(int mode)
{
	static const int top[] = { [GM_32] = 2, [GM_PAE] = 3, [GM_LONG4] = 4,
				   [GM_LONG5] = 5 };

	return top[mode];
}

static bool gm_long(int mode)
{
	return mode == GM_LONG4 || mode == GM_LONG5;
}

/* APM 5.3.1: bits 63:48 (63:57 with LA57) copy the top translated bit;
 * legacy linear addresses have 32 bits. */
static int gm_check_va(int mode, uint64_t gva)
{
	unsigned bits = mode == GM_LONG5 ? 57 : 48;

	if (!gm_long(mode))
		return gva >> 32 ? GUEST_MEM_E_RANGE : 0;
	if ((uint64_t)((int64_t)(gva << (64 - bits)) >> (64 - bits)) != gva)
		return GUEST_MEM_E_NONCANON;
	return 0;
}

/* Reserved in every PAE/long-mode entry (see the file comment). */
static uint64_t gm_rsvd_base(const struct guest_mem *gm, const struct guest_paging *pg,
			     int mode)
{
	unsigned maxpa = gm->maxphyaddr && gm->maxphyaddr < 52 ? gm->maxphyaddr : 52;
	uint64_t m = maxpa < 52 ? X86_BITS(51, maxpa) : 0;

	if (!(pg->efer & EFER_NXE))
		m |= X86_PTE_NX;
	if (mode == GM_PAE)
		m |= X86_PAE_HI_RSVD;
	return m;
}

/* ---- entries ---------------------------------------------------------- */

static uint64_t gm_root(const struct gm_walk *w)
{
	if (w->mode == GM_32)
		return w->pg->cr3 & X86_CR3_32_ADDR;
	if (w->mode == GM_PAE)
		return w->pg->cr3 & X86_CR3_PAE_PDPT;
	return w->pg->cr3 & X86_CR3_ADDR;
}

static uint64_t gm_index(const struct gm_walk *w, int level)
{
	if (w->mode == GM_32)
		return (w->gva >> X86_PT32_SHIFT(level)) & (X86_PT32_ENTRIES - 1);
	if (w->mode == GM_PAE && level == 3)
		return (w->gva >> X86_PAE_PDPTE_SHIFT) & (X86_PAE_PDPTES - 1);
	return (w->gva >> X86_PT_SHIFT(level)) & (X86_PT_ENTRIES - 1);
}

static uint64_t gm_next_table(const struct gm_walk *w, uint64_t e)
{
	return e & (w->mode == GM_32 ? X86_PTE32_ADDR : X86_PTE_ADDR);
}

/* A PAE PDPE carries no rights and no A bit. */
static bool gm_is_pae_pdpe(const struct gm_walk *w, int level)
{
	return w->mode == GM_PAE && level == 3;
}

static bool gm_is_leaf(const struct gm_walk *w, int level, uint64_t e)
{
	if (level == 1)
		return true;
	if (!(e & X86_PTE_PS))
		return false;
	if (w->mode == GM_32)
		return level == 2 && (w->pg->cr4 & CR4_PSE);
	if (w->mode == GM_PAE)
		return level == 2;
	return level == 2 || level == 3;
}

static uint64_t gm_rsvd(const struct gm_walk *w, int level, bool leaf)
{
	if (w->mode == GM_32)
		return leaf && level == 2 ? X86_PDE32_PSE_RSVD : 0;
	if (gm_is_pae_pdpe(w, level))
		return w->rsvd | X86_PTE_NX;
	if (level >= 4)
		return w->rsvd | X86_PTE_PS;
	if (leaf && level == 3)
		return w->rsvd | X86_PTE_RSVD_1G;
	if (leaf && level == 2)
		return w->rsvd | X86_PTE_RSVD_2M;
	return w->rsvd;
}

static uint64_t gm_leaf_addr(const struct gm_walk *w, int level, uint64_t e)
{
	uint64_t size;

	if (w->mode == GM_32 && level == 1)
		return (e & X86_PTE32_ADDR) | (w->gva & (X86_PAGE_4K - 1));
	if (w->mode == GM_32)
		return (e & X86_PDE32_ADDR_4M) |
		       (((e & X86_PDE32_PSE_HI) >> X86_PDE32_PSE_HI_SHIFT) << 32) |
		       (w->gva & (X86_PAGE_4M - 1));
	size = 1ull << X86_PT_SHIFT(level);
	return (e & X86_PTE_ADDR & ~(size - 1)) | (w->gva & (size - 1));
}

static bool gm_in_ram(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	return gpa < gm->ram_size && gm->ram_size - gpa >= len;
}

static int gm_read_u64(const struct guest_mem *gm, uint64_t gpa, uint64_t *e)
{
	if (!gm_in_ram(gm, gpa, 8))
		return GUEST_MEM_E_OUTSIDE;
	if (gm->read_u64 ? gm->read_u64(gm->ctx, gpa, e)
			 : gm->read_phys(gm->ctx, gpa, e, sizeof(*e)))
		return GUEST_MEM_E_READ;
	return 0;
}

/* Read the entry of size bytes (4 or 8) at guest-physical gpa, inside RAM. */
static int gm_read_entry(const struct guest_mem *gm, uint64_t gpa, unsigned size,
			 uint64_t *e)
{
	uint32_t v;

	if (size == 8)
		return gm_read_u64(gm, gpa, e);
	if (!gm_in_ram(gm, gpa, 4))
		return GUEST_MEM_E_OUTSIDE;
	if (gm->read_phys(gm->ctx, gpa, &v, sizeof(v)))
		return GUEST_MEM_E_READ;
	*e = v;
	return 0;
}

/*
 * Set bits in entry i with a compare-and-exchange against the value the
 * walk read: 0, GM_RESTART if the entry changed meanwhile, or an error. A
 * 4-byte entry is updated through the aligned qword that holds it.
 */
static int gm_set_bits(struct gm_walk *w, unsigned i, uint64_t bits)
{
	const struct guest_mem *gm = w->gm;
	uint64_t gpa = w->egpa[i], old = w->eval[i], new_ = old | bits;
	int rc;

	if (w->esize == 4) {
		unsigned shift = (unsigned)(gpa & 4) * 8;
		uint64_t q;

		gpa &= ~7ull;
		rc = gm_read_u64(gm, gpa, &q);
		if (rc)
			return rc;
		if (((q >> shift) & 0xFFFFFFFFull) != old)
			return GM_RESTART;
		old = q;
		new_ = q | (bits << shift);
	}
	rc = gm->cmpxchg_u64(gm->ctx, gpa, old, new_);
	if (rc == 1)
		return GM_RESTART;
	if (rc)
		return GUEST_MEM_E_WRITE;
	w->eval[i] |= bits;
	return 0;
}

/* ---- rights (APM 5.6) --------------------------------------------------- */

static bool gm_user(unsigned acc)
{
	return (acc & GUEST_ACC_USER) && !(acc & GUEST_ACC_IMPLICIT);
}

/* SMAP applies to a supervisor data access to a user page when CR4.SMAP
 * and RFLAGS.AC=0, or for an implicit access made at CPL3. (Intel applies
 * it to implicit accesses at any CPL; QEMU, like this, lets AC=1 lift it
 * at CPL0-2.) */
static bool gm_smap(const struct gm_walk *w)
{
	if (!(w->pg->cr4 & CR4_SMAP))
		return false;
	if ((w->acc & GUEST_ACC_IMPLICIT) && (w->acc & GUEST_ACC_USER))
		return true;
	return !(w->pg->rflags & RFLAGS_AC);
}

/* Protection keys (CR4.PKE, long mode, user pages, data accesses): the
 * leaf's key selects PKRU bits AD (2k) and WD (2k+1). */
static bool gm_pkey_denies(const struct gm_walk *w, bool user, bool write)
{
	unsigned key = (unsigned)((w->eval[w->n - 1] & X86_PTE_PK_MASK) >> X86_PTE_PK_SHIFT);
	uint32_t ad = (w->pg->pkru >> (2 * key)) & 1, wd = (w->pg->pkru >> (2 * key + 1)) & 1;

	if (ad)
		return true;
	return write && wd && (user || (w->pg->cr0 & CR0_WP));
}

static int gm_perm(struct gm_walk *w, uint32_t pf)
{
	w->pf = X86_PF_P | pf;
	w->fail_level = 0;
	return GUEST_MEM_E_PERM;
}

static int gm_check_rights(struct gm_walk *w)
{
	bool user = gm_user(w->acc), write = w->acc & GUEST_ACC_WRITE;
	bool upage = w->us != 0;
	uint64_t cr4 = w->pg->cr4;

	if (user && !upage)
		return gm_perm(w, 0);
	if (w->acc & GUEST_ACC_EXEC) {
		/* NX set means EFER.NXE=1: without it bit 63 is reserved. */
		if (w->nx)
			return gm_perm(w, 0);
		if (!user && upage && (cr4 & CR4_SMEP))
			return gm_perm(w, 0);
		return 0;
	}
	if (upage && gm_long(w->mode) && (cr4 & CR4_PKE) && gm_pkey_denies(w, user, write))
		return gm_perm(w, X86_PF_PK);
	if (!user && upage && gm_smap(w))
		return gm_perm(w, 0);
	if (write && !w->rw && (user || (w->pg->cr0 & CR0_WP)))
		return gm_perm(w, 0);
	return 0;
}

/* ---- the walk ----------------------------------------------------------- */

static int gm_entry_fault(struct gm_walk *w, int level, uint64_t gpa, uint64_t e,
			  int rc, uint32_t pf)
{
	w->fail_level = level;
	w->fail_gpa = gpa;
	w->fail_entry = e;
	w->pf = pf;
	return rc;
}

/* Read and check the entry at level; *e is its value. 0, GM_RESTART, or an
 * error with w->fail_level set. */
static int gm_step(struct gm_walk *w, int level, uint64_t table, uint64_t *e, bool *leaf)
{
	uint64_t gpa = table + gm_index(w, level) * w->esize;
	unsigned i = w->n;
	int rc = gm_read_entry(w->gm, gpa, w->esize, e);

	if (rc)
		return gm_entry_fault(w, level, gpa, 0, rc, 0);
	w->egpa[i] = gpa;
	w->eval[i] = *e;
	w->n++;
	if (!(*e & X86_PTE_P))
		return gm_entry_fault(w, level, gpa, *e, GUEST_MEM_E_NOTMAPPED, 0);
	*leaf = gm_is_leaf(w, level, *e);
	if (*e & gm_rsvd(w, level, *leaf))
		return gm_entry_fault(w, level, gpa, *e, GUEST_MEM_E_RSVD,
				      X86_PF_P | X86_PF_RSVD);
	if (gm_is_pae_pdpe(w, level))
		return 0;
	w->us &= *e;
	w->rw &= *e;
	w->nx |= *e & X86_PTE_NX;
	if (!*leaf && w->ad && !(*e & X86_PTE_A))
		return gm_set_bits(w, i, X86_PTE_A);
	return 0;
}

static int gm_walk_once(struct gm_walk *w)
{
	uint64_t table = gm_root(w), e = 0, set;
	bool leaf = false;
	int level, rc;

	w->n = 0;
	w->us = X86_PTE_US;
	w->rw = X86_PTE_RW;
	w->nx = 0;
	for (level = gm_top_level(w->mode); level >= 1; level--) {
		rc = gm_step(w, level, table, &e, &leaf);
		if (rc)
			return rc;
		if (leaf)
			break;
		table = gm_next_table(w, e);
	}
	rc = gm_check_rights(w);
	if (rc)
		return rc;
	w->gpa = gm_leaf_addr(w, level, e);
	if (w->gpa >= w->gm->ram_size)
		return gm_entry_fault(w, 0, 0, 0, GUEST_MEM_E_OUTSIDE, 0);
	set = X86_PTE_A | (w->acc & GUEST_ACC_WRITE ? X86_PTE_D : 0);
	if (w->ad && (e & set) != set)
		return gm_set_bits(w, w->n - 1, set);
	return 0;
}

/* ---- the walk cache ------------------------------------------------------ */

/* The walk cache's fallback check (guest_mem.h): the cached entries, re-read
 * one by one; true if all are unchanged. */
bool guest_walk_cache_reread(const struct guest_mem *gm, const struct guest_walk_entry *c)
{
	for (unsigned i = 0; i < c->levels; i++) {
		uint64_t e;

		if (gm_read_entry(gm, c->entry_gpa[i], c->entry_size, &e) ||
		    e != c->entry_val[i])
			return false;
	}
	return true;
}

/* Do the entries of a successful walk already have every A/D bit it needs? */
static bool gm_walk_ad_done(const struct gm_walk *w)
{
	int level = gm_top_level(w->mode);

	for (unsigned i = 0; i < w->n; i++, level--)
		if (!gm_is_pae_pdpe(w, level) && !(w->eval[i] & X86_PTE_A))
			return false;
	return !(w->acc & GUEST_ACC_WRITE) || (w->eval[w->n - 1] & X86_PTE_D);
}

static void gm_cache_fill(struct guest_walk_cache *cache, const struct gm_walk *w)
{
	unsigned way = guest_walk_way(w->acc);
	struct guest_walk_entry *c = &cache->way[way];
	const struct guest_paging *pg = w->pg;

	cache->older[way] = *c;
	c->valid = 1;
	c->cr0 = pg->cr0;
	c->cr3 = pg->cr3;
	c->cr4 = pg->cr4;
	c->efer = pg->efer;
	c->ac = (pg->cr4 & CR4_SMAP) ? !!(pg->rflags & RFLAGS_AC) : 0;
	c->pkru = (pg->cr4 & CR4_PKE) ? pg->pkru : 0;
	c->acc = guest_walk_acc(w->acc);
	c->va_page = w->gva >> 12;
	c->pa_page = w->gpa & ~(GM_PAGE - 1);
	c->levels = w->n;
	c->entry_size = w->esize;
	c->ad_done = gm_walk_ad_done(w);
	for (unsigned i = 0; i < w->n; i++) {
		c->entry_gpa[i] = w->egpa[i];
		c->entry_val[i] = w->eval[i];
	}
}

/* ---- faults -------------------------------------------------------------- */

static uint32_t gm_pf_error(const struct guest_paging *pg, unsigned acc, uint32_t pf)
{
	if (acc & GUEST_ACC_WRITE)
		pf |= X86_PF_W;
	if (gm_user(acc))
		pf |= X86_PF_U;
	if ((acc & GUEST_ACC_EXEC) &&
	    ((pg->cr4 & CR4_SMEP) || ((pg->cr4 & CR4_PAE) && (pg->efer & EFER_NXE))))
		pf |= X86_PF_ID;
	return pf;
}

static void gm_fault(struct guest_fault *f, int rc, uint64_t addr)
{
	*f = (struct guest_fault){ .vector = GUEST_FAULT_NONE, .addr = addr, .reason = rc };
	if (rc == GUEST_MEM_E_NONCANON)
		f->vector = X86_EXC_GP;
}

static void gm_walk_fault(struct guest_fault *f, const struct gm_walk *w, int rc)
{
	gm_fault(f, rc, w->gva);
	if (rc && w->fail_level) {
		f->level = w->fail_level;
		f->entry_gpa = w->fail_gpa;
		f->entry = w->fail_entry;
	}
	if (rc == GUEST_MEM_E_NOTMAPPED || rc == GUEST_MEM_E_PERM || rc == GUEST_MEM_E_RSVD) {
		f->vector = X86_EXC_PF;
		f->pf_error = gm_pf_error(w->pg, w->acc, w->pf);
	}
}

/* ---- translation --------------------------------------------------------- */

static int gm_walk(struct gm_walk *w)
{
	int rc;

	for (unsigned tries = 0;; tries++) {
		rc = gm_walk_once(w);
		if (rc != GM_RESTART)
			return rc;
		if (tries + 1 == GUEST_MEM_AD_RETRIES)
			return GUEST_MEM_E_RETRY;
	}
}

static int gm_translate(const struct guest_mem *gm, const struct guest_paging *pg,
			uint64_t gva, unsigned acc, uint64_t *gpa, struct gm_walk *w)
{
	bool ad = (gm->flags & GUEST_MEM_F_AD) && !(acc & GUEST_ACC_PROBE);
	int mode, rc;

	/* A hit needs the same paging registers, so the mode checks below
	 * passed when the entry was filled. It is looked up before the walk
	 * state is set up: on the exit path, a hit is the common case. */
	if (guest_walk_cache_hit(gm, pg, gva, acc, gpa)) {
		w->gva = gva;
		w->fail_level = 0;
		return 0;
	}
	*w = (struct gm_walk){ .gm = gm, .pg = pg, .gva = gva, .acc = acc, .ad = ad };
	mode = gm_mode(pg);
	if (mode < 0)
		return mode;
	w->mode = mode;
	if (mode == GM_OFF) {
		/* Paging off (APM 5.1): the linear address is the physical one. */
		if (gva >= gm->ram_size)
			return GUEST_MEM_E_OUTSIDE;
		*gpa = gva;
		return 0;
	}
	if (ad && !gm->cmpxchg_u64)
		return GUEST_MEM_E_NOCB;
	rc = gm_check_va(mode, gva);
	if (rc)
		return rc;
	w->esize = mode == GM_32 ? 4 : 8;
	w->rsvd = gm_rsvd_base(gm, pg, mode);
	rc = gm_walk(w);
	if (rc)
		return rc;
	if (gm->cache)
		gm_cache_fill(gm->cache, w);
	*gpa = w->gpa;
	return 0;
}

int guest_translate_ex(const struct guest_mem *gm, const struct guest_paging *pg,
		       uint64_t gva, unsigned acc, uint64_t *gpa, struct guest_fault *f)
{
	struct gm_walk w;
	int rc = gm_translate(gm, pg, gva, acc, gpa, &w);

	if (f)
		gm_walk_fault(f, &w, rc);
	return rc;
}


int guest_translate_walk(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, unsigned acc, uint64_t *gpa)
{
	struct gm_walk w;

	return gm_translate(gm, pg, gva, acc, gpa, &w);
}

/* ---- copies -------------------------------------------------------------- */

static int gm_check_len(uint64_t addr, size_t len)
{
	if (len > GUEST_MEM_COPY_MAX || (len && addr + (len - 1) < addr))
		return GUEST_MEM_E_RANGE;
	return 0;
}

/* Bytes of [va, va+left) in va's page. */
static size_t gm_chunk(uint64_t va, size_t left)
{
	size_t chunk = GM_PAGE - (va & (GM_PAGE - 1));

	return chunk < left ? chunk : left;
}

/* Translate the page of va for acc; the chunk of len bytes at the result
 * must be in RAM. */
static int gm_chunk_gpa(const struct guest_mem *gm, const struct guest_paging *pg,
			uint64_t va, size_t chunk, unsigned acc, uint64_t *gpa,
			struct guest_fault *f)
{
	int rc = guest_translate_ex(gm, pg, va, acc, gpa, f);

	if (rc)
		return rc;
	/* gpa is in RAM; the chunk's last byte must be too. */
	if (gm->ram_size - *gpa < chunk) {
		gm_fault(f, GUEST_MEM_E_OUTSIDE, va);
		return GUEST_MEM_E_OUTSIDE;
	}
	return 0;
}

static int gm_copy_out(const struct guest_mem *gm, const struct guest_paging *pg,
		       uint64_t gva, unsigned char *d, size_t len, unsigned acc,
		       size_t *copied, struct guest_fault *f)
{
	int rc = gm_check_len(gva, len);

	if (rc) {
		gm_fault(f, rc, gva);
		return rc;
	}
	while (*copied < len) {
		uint64_t va = gva + *copied, gpa;
		size_t chunk = gm_chunk(va, len - *copied);

		rc = gm_chunk_gpa(gm, pg, va, chunk, acc, &gpa, f);
		if (rc)
			return rc;
		if (gm->read_phys(gm->ctx, gpa, d + *copied, chunk)) {
			gm_fault(f, GUEST_MEM_E_READ, va);
			return GUEST_MEM_E_READ;
		}
		*copied += chunk;
	}
	gm_fault(f, 0, gva);
	return 0;
}

int guest_copy_from_virt_ex(const struct guest_mem *gm, const struct guest_paging *pg,
			    uint64_t gva, void *dst, size_t len, unsigned acc,
			    size_t *done, struct guest_fault *f)
{
	struct guest_fault dummy;
	size_t copied = 0;
	int rc = gm_copy_out(gm, pg, gva, dst, len, acc, &copied, f ? f : &dummy);

	if (done)
		*done = copied;
	return rc;
}

int guest_copy_from_virt(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, void *dst, size_t len, unsigned acc, size_t *done)
{
	return guest_copy_from_virt_ex(gm, pg, gva, dst, len, acc, done, NULL);
}

/* The first pass of a write: every page writable and in RAM, nothing set. */
static int gm_check_writable(const struct guest_mem *gm, const struct guest_paging *pg,
			     uint64_t gva, size_t len, unsigned acc, struct guest_fault *f)
{
	for (size_t off = 0; off < len;) {
		uint64_t va = gva + off, gpa;
		size_t chunk = gm_chunk(va, len - off);
		int rc = gm_chunk_gpa(gm, pg, va, chunk, acc | GUEST_ACC_PROBE, &gpa, f);

		if (rc)
			return rc;
		off += chunk;
	}
	return 0;
}

static int gm_copy_in(const struct guest_mem *gm, const struct guest_paging *pg,
		      uint64_t gva, const unsigned char *s, size_t len, unsigned acc,
		      size_t *copied, struct guest_fault *f)
{
	int rc = gm->write_phys ? gm_check_len(gva, len) : GUEST_MEM_E_NOCB;

	acc = (acc & ~GUEST_ACC_EXEC) | GUEST_ACC_WRITE;
	if (!rc)
		rc = gm_check_writable(gm, pg, gva, len, acc, f);
	else
		gm_fault(f, rc, gva);
	if (rc)
		return rc;
	while (*copied < len) {
		uint64_t va = gva + *copied, gpa;
		size_t chunk = gm_chunk(va, len - *copied);

		rc = gm_chunk_gpa(gm, pg, va, chunk, acc, &gpa, f);
		if (rc)
			return rc;
		if (gm->write_phys(gm->ctx, gpa, s + *copied, chunk)) {
			gm_fault(f, GUEST_MEM_E_WRITE, va);
			return GUEST_MEM_E_WRITE;
		}
		*copied += chunk;
	}
	gm_fault(f, 0, gva);
	return 0;
}

int guest_copy_to_virt_ex(const struct guest_mem *gm, const struct guest_paging *pg,
			  uint64_t gva, const void *src, size_t len, unsigned acc,
			  size_t *done, struct guest_fault *f)
{
	struct guest_fault dummy;
	size_t copied = 0;
	int rc = gm_copy_in(gm, pg, gva, src, len, acc, &copied, f ? f : &dummy);

	if (done)
		*done = copied;
	return rc;
}

int guest_copy_to_virt(const struct guest_mem *gm, const struct guest_paging *pg,
		       uint64_t gva, const void *src, size_t len, unsigned acc, size_t *done)
{
	return guest_copy_to_virt_ex(gm, pg, gva, src, len, acc, done, NULL);
}

int guest_copy_to_phys(const struct guest_mem *gm, uint64_t gpa, const void *src,
		       size_t len)
{
	const unsigned char *s = src;
	int rc = gm->write_phys ? gm_check_len(gpa, len) : GUEST_MEM_E_NOCB;

	if (rc)
		return rc;
	if (len && !gm_in_ram(gm, gpa, len))
		return GUEST_MEM_E_OUTSIDE;
	for (size_t off = 0; off < len;) {
		size_t chunk = gm_chunk(gpa + off, len - off);

		if (gm->write_phys(gm->ctx, gpa + off, s + off, chunk))
			return GUEST_MEM_E_WRITE;
		off += chunk;
	}
	return 0;
}

const char *guest_mem_strerror(int rc)
{
	static const char *const names[] = {
		[0] = "ok",
		[-GUEST_MEM_E_NOTMAPPED] = "not present (#PF)",
		[-GUEST_MEM_E_PERM] = "protection violation (#PF)",
		[-GUEST_MEM_E_RSVD] = "reserved bit set (#PF)",
		[-GUEST_MEM_E_NONCANON] = "non-canonical address (#GP)",
		[-GUEST_MEM_E_OUTSIDE] = "guest-physical address outside L2 RAM",
		[-GUEST_MEM_E_READ] = "fault reading L2 memory",
		[-GUEST_MEM_E_MODE] = "invalid paging mode",
		[-GUEST_MEM_E_RANGE] = "bad length or address range",
		[-GUEST_MEM_E_WRITE] = "fault writing L2 memory",
		[-GUEST_MEM_E_NOCB] = "callback missing for this access",
		[-GUEST_MEM_E_RETRY] = "page tables kept changing during A/D update",
	};

	if (rc > 0 || rc <= -(int)(sizeof(names) / sizeof(names[0])) || !names[-rc])
		return "unknown error";
	return names[-rc];
}
