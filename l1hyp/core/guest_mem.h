/*
 * Fault-safe access to L2 memory from L1: translate an L2 guest-virtual
 * address through L2's own page tables in whichever paging mode L2 is in
 * (AMD APM vol.2 5.1-5.3: paging off, 32-bit legacy with and without
 * CR4.PSE, PAE legacy, long mode with 4 or 5 levels), with the protection
 * checks of the access (APM 5.6: U/S, R/W with CR0.WP, NX with EFER.NXE,
 * SMEP, SMAP, protection keys), optionally setting the Accessed and Dirty
 * bits as the processor does (APM 5.4.2), and copy bytes out of and into L2
 * memory. Every step that can fail returns an error code; nothing here can
 * crash L1. A failed translation is also described as the exception L2
 * would have taken (struct guest_fault: vector, CR2, the #PF error code of
 * APM 8.4.2), or marked as L1's own problem (outside RAM, a callback
 * fault). Pure C: memory goes through the struct guest_mem callbacks, which
 * L1 implements with its exception-fixup copies (arch/x86/copy_safe.S) and
 * host tests simulate. Which bits count as reserved, and why (QEMU TCG, the
 * L0 that runs L2): guest_mem.c and docs/memory.md.
 *
 * Not modelled: supervisor protection keys (PKS: Intel only, AMD has none),
 * shadow-stack accesses (X86_PF_SS is never set), L2's CPUID (1 GiB pages,
 * PSE-36 and LA57 are honoured whenever the registers and entries ask for
 * them, as QEMU TCG does), the TLB (a translation is always a fresh walk or
 * an exact walk-cache hit).
 */
#ifndef NESTLAB_GUEST_MEM_H
#define NESTLAB_GUEST_MEM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_paging.h"
#include "../../lib/freestanding/x86_exceptions.h"

/* Kinds of access (the acc argument). */
#define GUEST_ACC_WRITE    (1u << 0)
#define GUEST_ACC_USER     (1u << 1)  /* CPL3 access: every level needs U/S=1 */
#define GUEST_ACC_EXEC     (1u << 2)  /* instruction fetch: NX (EFER.NXE), SMEP */
/* An implicit supervisor access (descriptor tables, TSS, ...): supervisor
 * rights and no U bit in the error code whatever the CPL. With
 * GUEST_ACC_USER it was made at CPL3, and SMAP applies whatever RFLAGS.AC. */
#define GUEST_ACC_IMPLICIT (1u << 3)
/* Check only: never set A/D bits, even with GUEST_MEM_F_AD. */
#define GUEST_ACC_PROBE    (1u << 4)

/* Errors: distinct negative values; guest_mem_strerror names them. The
 * first four are L2's faults (guest_mem_l2_fault), the rest L1's. */
#define GUEST_MEM_E_NOTMAPPED (-1) /* an entry was not present: #PF */
#define GUEST_MEM_E_PERM      (-2) /* U/S, R/W, NX, SMEP, SMAP or a protection key: #PF */
#define GUEST_MEM_E_RSVD      (-3) /* reserved bit set in a present entry: #PF */
#define GUEST_MEM_E_NONCANON  (-4) /* gva not canonical (48 bits, 57 with LA57): #GP */
#define GUEST_MEM_E_OUTSIDE   (-5) /* gpa (of data or of a table) outside L2 RAM */
#define GUEST_MEM_E_READ      (-6) /* read_phys / read_u64 reported a fault */
#define GUEST_MEM_E_MODE      (-7) /* CR0.PG=1, EFER.LMA=1, CR4.PAE=0: no such CPU state */
#define GUEST_MEM_E_RANGE     (-8) /* length too large, address wraps, or a legacy-mode
				    * (32-bit) linear address above 4 GiB */
#define GUEST_MEM_E_WRITE     (-9) /* write_phys / cmpxchg_u64 reported a fault */
#define GUEST_MEM_E_NOCB      (-10) /* a needed callback is NULL (write_phys for
				     * writes, cmpxchg_u64 with GUEST_MEM_F_AD) */
#define GUEST_MEM_E_RETRY     (-11) /* A/D update: the entries changed under L1
				     * GUEST_MEM_AD_RETRIES times in a row */

/* Largest len a copy accepts: hypercall buffers and instruction bytes are
 * far smaller; a bigger request is a bug or an attack. */
#define GUEST_MEM_COPY_MAX    (1u << 20)

/* A/D updates that lose the race to a concurrent change of the entry are
 * retried (the whole walk again) this many times. */
#define GUEST_MEM_AD_RETRIES  8

/* guest_mem.flags */
#define GUEST_MEM_F_AD (1u << 0)  /* set A/D bits on walks (needs cmpxchg_u64) */

/*
 * A walk cache (optional): per way (fetch, data), the last successful translation with the
 * guest-physical addresses and values of the page-table entries it used (the
 * values after any A/D update). A lookup re-reads those entries and reuses the
 * result only if every one is unchanged and the paging registers (RFLAGS.AC
 * when CR4.SMAP, PKRU when CR4.PKE), access kind and page are the same: the
 * translation is a function of exactly those inputs, so a hit is never stale.
 * A hit never skips an A/D update: a lookup that must set A/D bits hits only
 * if the cached entries already have them (ad_done), so the entry a walk
 * just updated is a hit the next time, one left without them is not.
 */
struct guest_walk_entry {
	int valid;
	uint64_t cr0, cr3, cr4, efer;
	int ac;                      /* RFLAGS.AC, compared when CR4.SMAP */
	uint32_t pkru;               /* compared when CR4.PKE */
	unsigned acc;                /* without GUEST_ACC_PROBE */
	uint64_t va_page;            /* gva >> 12 */
	uint64_t pa_page;            /* result & ~0xFFF */
	unsigned levels;             /* entries read */
	unsigned entry_size;         /* 8, or 4 for 32-bit paging */
	int ad_done;                 /* A set in every entry that has one, D in a write's leaf */
	uint64_t entry_gpa[5], entry_val[5];
};

/* The cache has one way for instruction fetches and one for data, so that
 * a handler that fetches the instruction at RIP and then reads its operand
 * buffer (a hypercall) hits on both; each way keeps its last walk (way[])
 * and the one before (older[]), so that two address spaces taking turns
 * (L2's processes, each exit from a different CR3) both hit. */
#define GUEST_WALK_WAY_DATA  0
#define GUEST_WALK_WAY_FETCH 1
struct guest_walk_cache {
	struct guest_walk_entry way[2];
	struct guest_walk_entry older[2];
};

struct guest_mem {
	uint64_t ram_size;   /* L2 RAM is guest-physical [0, ram_size) */
	/* Copy len bytes at guest-physical gpa (entirely inside RAM, never
	 * crossing a 4 KiB page) to dst. Returns 0, or non-zero on a fault. */
	int (*read_phys)(void *ctx, uint64_t gpa, void *dst, size_t len);
	/* Optional fast path for page-table entries: read the aligned 8 bytes
	 * at gpa (inside RAM). 0, or non-zero on a fault. NULL: use read_phys. */
	int (*read_u64)(void *ctx, uint64_t gpa, uint64_t *val);
	struct guest_walk_cache *cache;  /* NULL: no caching */
	void *ctx;
	/* L2's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); entry bits
	 * 51:maxphyaddr are reserved (APM vol.2 5.3). 0 means 52 (none). */
	unsigned maxphyaddr;
	/* Writes: copy len bytes from src to guest-physical gpa (inside RAM,
	 * never crossing a 4 KiB page). 0, or non-zero on a fault. NULL: every
	 * write fails with GUEST_MEM_E_NOCB. */
	int (*write_phys)(void *ctx, uint64_t gpa, const void *src, size_t len);
	/* A/D updates: atomically replace the aligned 8 bytes at gpa (inside
	 * RAM) by new_ if they equal old. 0: swapped, 1: not swapped (they
	 * differed), anything else: a fault. Needed with GUEST_MEM_F_AD. */
	int (*cmpxchg_u64)(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_);
	unsigned flags;      /* GUEST_MEM_F_* */
	/* Optional fast path of the walk cache's check: 1 if each of the n
	 * aligned 8-byte entries at gpa[i] (inside RAM, already range-checked)
	 * still holds val[i], 0 if one differs, anything else on a fault.
	 * NULL: the entries are re-read one by one through read_u64. */
	int (*entries_equal)(void *ctx, const uint64_t *gpa, const uint64_t *val,
			     unsigned n);
};

/*
 * The parts of L2's state that decide how it translates (from the VMCB).
 * Zero-initialise it: rflags is read only when CR4.SMAP is set and pkru only
 * with CR4.PKE in long mode, but then they must be L2's values.
 */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;     /* RFLAGS.AC disables SMAP for explicit CPL0-2 accesses */
	uint32_t pkru;       /* L2's PKRU (APM vol.2 5.6, protection keys) */
};

/*
 * Why a translation failed, as L2 would see it. vector is the exception the
 * caller injects into L2: X86_EXC_PF with error code pf_error (APM vol.2
 * 8.4.2: P=1 if the failing entry was present, i.e. a protection or
 * reserved-bit fault; W for writes; U for user accesses; RSVD; I/D for
 * fetches with EFER.NXE (PAE/long mode) or CR4.SMEP; PK) and CR2 = addr;
 * X86_EXC_GP (error code 0; #SS(0) instead if the access was a stack
 * reference) for a non-canonical address; GUEST_FAULT_NONE when the failure
 * is L1's side (a gpa outside L2 RAM, a callback fault, a bad request): then
 * there is nothing to inject, the access is bad from L1's point of view.
 */
#define GUEST_FAULT_NONE (-1)

struct guest_fault {
	int vector;          /* X86_EXC_PF, X86_EXC_GP or GUEST_FAULT_NONE */
	uint32_t pf_error;   /* X86_PF_* bits, with X86_EXC_PF; else 0 */
	uint64_t addr;       /* the linear address that failed (CR2 for #PF) */
	int reason;          /* the GUEST_MEM_E_* returned, 0 on success */
	int level;           /* level of the entry that failed: 5 (PML5E) .. 1 (PTE),
			      * PAE PDPE 3, 32-bit PDE 2; 0 if no entry failed */
	uint64_t entry_gpa;  /* that entry's guest-physical address (level != 0) */
	uint64_t entry;      /* and its value */
};

/* true for the errors that are L2's faults, to be reflected into L2. */
static inline bool guest_mem_l2_fault(int rc)
{
	return rc == GUEST_MEM_E_NOTMAPPED || rc == GUEST_MEM_E_PERM ||
	       rc == GUEST_MEM_E_RSVD || rc == GUEST_MEM_E_NONCANON;
}

/* A short description of a return value ("unknown error" for no GUEST_MEM_E_*). */
const char *guest_mem_strerror(int rc);

/* The walk cache's way and key for an access of kind acc. */
static inline unsigned guest_walk_way(unsigned acc)
{
	return (acc & GUEST_ACC_EXEC) ? GUEST_WALK_WAY_FETCH : GUEST_WALK_WAY_DATA;
}

static inline unsigned guest_walk_acc(unsigned acc)
{
	return acc & ~GUEST_ACC_PROBE;
}

bool guest_walk_cache_reread(const struct guest_mem *gm, const struct guest_walk_entry *c);

/*
 * The walk cache's hit test: true and *gpa if one of the last two walks of
 * acc's way was for gva's page with the same paging registers and access
 * kind, its entries are unchanged, and (with GUEST_MEM_F_AD, not probing)
 * they already carry the A/D bits the access needs; a hit on the older one
 * makes it the last. Inline: it is on the exit path of every intercepted
 * instruction. The entries' addresses were range-checked when the walk
 * read them.
 */
static inline bool guest_walk_entry_hit(const struct guest_mem *gm,
					const struct guest_paging *pg,
					const struct guest_walk_entry *c,
					uint64_t gva, unsigned acc, uint64_t *gpa)
{
	bool ad = (gm->flags & GUEST_MEM_F_AD) && !(acc & GUEST_ACC_PROBE);

	if (!c->valid || c->va_page != gva >> 12 || c->cr3 != pg->cr3 ||
	    c->acc != guest_walk_acc(acc) || c->cr0 != pg->cr0 || c->cr4 != pg->cr4 ||
	    c->efer != pg->efer || (ad && !c->ad_done))
		return false;
	if ((pg->cr4 & CR4_SMAP) && c->ac != !!(pg->rflags & RFLAGS_AC))
		return false;
	if ((pg->cr4 & CR4_PKE) && c->pkru != pg->pkru)
		return false;
	if (gm->entries_equal && c->entry_size == 8 ?
	    gm->entries_equal(gm->ctx, c->entry_gpa, c->entry_val, c->levels) != 1 :
	    !guest_walk_cache_reread(gm, c))
		return false;
	*gpa = c->pa_page | (gva & 0xFFFull);
	return true;
}

static inline bool guest_walk_cache_hit(const struct guest_mem *gm,
					const struct guest_paging *pg,
					uint64_t gva, unsigned acc, uint64_t *gpa)
{
	unsigned w = guest_walk_way(acc);
	struct guest_walk_entry t;

	if (!gm->cache)
		return false;
	if (guest_walk_entry_hit(gm, pg, &gm->cache->way[w], gva, acc, gpa))
		return true;
	if (!guest_walk_entry_hit(gm, pg, &gm->cache->older[w], gva, acc, gpa))
		return false;
	t = gm->cache->way[w];
	gm->cache->way[w] = gm->cache->older[w];
	gm->cache->older[w] = t;
	return true;
}

/* The walk itself, after a cache miss (fills the cache on success). */
int guest_translate_walk(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, unsigned acc, uint64_t *gpa);

/* gva -> gpa for an access of kind acc (GUEST_ACC_* bits). 0 or GUEST_MEM_E_*.
 * With GUEST_MEM_F_AD (and without GUEST_ACC_PROBE) it sets A/D bits like
 * the processor: A on each entry used, D on the leaf for a write. */
static inline int guest_translate(const struct guest_mem *gm, const struct guest_paging *pg,
				  uint64_t gva, unsigned acc, uint64_t *gpa)
{
	if (guest_walk_cache_hit(gm, pg, gva, acc, gpa))
		return 0;
	return guest_translate_walk(gm, pg, gva, acc, gpa);
}

/* The same, and *f (if not NULL) is filled on every return. */
int guest_translate_ex(const struct guest_mem *gm, const struct guest_paging *pg,
		       uint64_t gva, unsigned acc, uint64_t *gpa, struct guest_fault *f);

/* Copy len bytes from gva into dst, page by page (each page translated
 * separately). On error nothing useful is in dst; *done (if not NULL) says how
 * many bytes were copied before the failure. */
int guest_copy_from_virt(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, void *dst, size_t len, unsigned acc, size_t *done);

/* The same, and *f (if not NULL) describes the failing page's fault. */
int guest_copy_from_virt_ex(const struct guest_mem *gm, const struct guest_paging *pg,
			    uint64_t gva, void *dst, size_t len, unsigned acc,
			    size_t *done, struct guest_fault *f);

/*
 * Copy len bytes from src to L2's gva, as a write of kind acc
 * (GUEST_ACC_WRITE is implied, GUEST_ACC_EXEC ignored): every page must
 * allow the write at L2's CPL (R/W at every level for CPL3, and for CPL0
 * when CR0.WP=1) and lie in RAM. All-or-nothing for faults: every page is
 * checked first (no A/D bits set, nothing written), so a write that would
 * fault on any page changes nothing: 0 bytes written, *done = 0. Then each
 * page is translated again (setting A/D with GUEST_MEM_F_AD) and written.
 * Only a failure in that second pass (write_phys faulting, or L2's tables
 * changing between the passes, which a stopped single vCPU cannot do) leaves
 * a prefix written: *done (if not NULL) is always the number of bytes
 * written.
 */
int guest_copy_to_virt(const struct guest_mem *gm, const struct guest_paging *pg,
		       uint64_t gva, const void *src, size_t len, unsigned acc, size_t *done);

/* The same, and *f (if not NULL) describes the failing page's fault. */
int guest_copy_to_virt_ex(const struct guest_mem *gm, const struct guest_paging *pg,
			  uint64_t gva, const void *src, size_t len, unsigned acc,
			  size_t *done, struct guest_fault *f);

/* Copy len bytes from src to guest-physical gpa: [gpa, gpa+len) must lie in
 * L2 RAM (else GUEST_MEM_E_OUTSIDE, nothing written); written page by page
 * through write_phys. Only GUEST_MEM_E_WRITE can leave a prefix written. */
int guest_copy_to_phys(const struct guest_mem *gm, uint64_t gpa, const void *src,
		       size_t len);

#endif
