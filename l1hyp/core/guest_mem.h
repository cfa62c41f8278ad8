/*
 * Fault-safe access to L2 memory from L1 (seed 003): translate an L2
 * guest-virtual address through L2's own page tables (AMD APM vol.2 5.3,
 * long mode 4-level; paging off means gva == gpa) and copy bytes out once.
 * Every step that can fail (non-canonical address, not-present or
 * not-permitted entry, reserved bits, guest-physical address outside L2 RAM,
 * a fault while L1 reads a frame) returns an error code; nothing here can
 * crash L1. Pure C: physical reads go through struct guest_mem.read_phys,
 * which L1 implements with its exception-fixup copy and host tests simulate.
 */
#ifndef NESTLAB_GUEST_MEM_H
#define NESTLAB_GUEST_MEM_H

#include <stdint.h>
#include <stddef.h>

#define GUEST_ACC_WRITE (1u << 0)
#define GUEST_ACC_USER  (1u << 1)  /* CPL3 access: every level needs U/S=1 */
#define GUEST_ACC_EXEC  (1u << 2)  /* instruction fetch: NX checked if EFER.NXE */

#define GUEST_MEM_E_NOTMAPPED (-1) /* a level was not present */
#define GUEST_MEM_E_PERM      (-2) /* U/S, R/W or NX forbade the access */
#define GUEST_MEM_E_RSVD      (-3) /* reserved bit set in an entry */
#define GUEST_MEM_E_NONCANON  (-4) /* gva not canonical (48-bit) */
#define GUEST_MEM_E_OUTSIDE   (-5) /* gpa (of data or of a table) outside L2 RAM */
#define GUEST_MEM_E_READ      (-6) /* read_phys reported a fault */
#define GUEST_MEM_E_MODE      (-7) /* paging mode not supported (32-bit paging, PAE legacy) */
#define GUEST_MEM_E_RANGE     (-8) /* length too large / address wraps */

/* Largest len guest_copy_from_virt accepts: hypercall buffers and
 * instruction bytes are far smaller; a bigger request is a bug or an attack. */
#define GUEST_MEM_COPY_MAX    (1u << 20)

/*
 * A one-entry walk cache (optional): the last successful translation with the
 * guest-physical addresses and values of the page-table entries it read. A
 * lookup re-reads those entries and reuses the result only if every one is
 * unchanged and the paging registers, access kind and page are the same: the
 * translation is a function of exactly those inputs, so a hit is never stale.
 * It turns the 4-level walk on every instruction fetch into 4 loads.
 */
struct guest_walk_cache {
	int valid;
	uint64_t cr0, cr3, cr4, efer;
	unsigned acc;
	uint64_t va_page;            /* gva >> 12 */
	uint64_t pa_page;            /* result & ~0xFFF */
	unsigned levels;             /* entries read */
	uint64_t entry_gpa[4], entry_val[4];
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
	/* Added: L2's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); entry bits
	 * 51:maxphyaddr are reserved (APM vol.2 5.3). 0 means 52 (none). */
	unsigned maxphyaddr;
};

/* The parts of L2's state that decide how it translates (from the VMCB). */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/* gva -> gpa for an access of kind acc (GUEST_ACC_* bits). 0 or GUEST_MEM_E_*. */
int guest_translate(const struct guest_mem *gm, const struct guest_paging *pg,
		    uint64_t gva, unsigned acc, uint64_t *gpa);

/* Copy len bytes from gva into dst, page by page (each page translated
 * separately). On error nothing useful is in dst; *done (if not NULL) says how
 * many bytes were copied before the failure. */
int guest_copy_from_virt(const struct guest_mem *gm, const struct guest_paging *pg,
			 uint64_t gva, void *dst, size_t len, unsigned acc, size_t *done);

#endif
