/*
 * x86 page-table entry formats and #PF error-code bits, defined once for
 * every page-table user: L1's walk of L2's tables (l1hyp/core/guest_mem.c),
 * L1's nested page tables (l1hyp/mm/npt.c; NPT entries have the long-mode
 * format, AMD APM vol.2 15.25.5) and the L2 kernel's own tables
 * (guests/kernel/pt.c). Constants only, no assembly, no types beyond the
 * integer literals: usable freestanding and by host tests.
 *
 * Sources: AMD64 Architecture Programmer's Manual vol.2 (APM), 5.2
 * "Legacy-Mode Page Translation" (32-bit, with and without CR4.PSE, and
 * legacy PAE), 5.3 "Long-Mode Page Translation", 5.4
 * "Page-Translation-Table Entry Fields", 8.4.2 "#PF error code"; Intel SDM
 * vol.3 chapter 4 "Paging" (4.3 32-bit, 4.4 PAE, 4.5 4/5-level, 4.7
 * page-fault exceptions) for the same layouts.
 *
 * Which of the "reserved" bits a walker treats as reserved is a policy, not
 * a format: see guest_mem.c (it follows QEMU TCG, the L0 that runs L2).
 */
#ifndef NESTLAB_X86_PAGING_H
#define NESTLAB_X86_PAGING_H

#include <stdint.h>
#include "x86_regs.h"

/* Bits hi..lo set (hi >= lo, both 0..63), as an unsigned 64-bit constant. */
#define X86_BITS(hi, lo) \
	((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

/*
 * Entry bits common to every format (APM vol.2 5.4): 32-bit legacy
 * entries have the same low 12 bits as PAE and long-mode entries.
 */
#define X86_PTE_P     (1ull << 0)   /* present */
#define X86_PTE_RW    (1ull << 1)   /* writable (with CR0.WP for CPL0) */
#define X86_PTE_US    (1ull << 2)   /* user (CPL3) accessible */
#define X86_PTE_PWT   (1ull << 3)   /* page-level write-through */
#define X86_PTE_PCD   (1ull << 4)   /* page-level cache disable */
#define X86_PTE_A     (1ull << 5)   /* accessed (APM 5.4.2) */
#define X86_PTE_D     (1ull << 6)   /* dirty, leaves only (APM 5.4.2) */
#define X86_PTE_PS    (1ull << 7)   /* page size: leaf in a PDE/PDPE */
#define X86_PTE_PAT   (1ull << 7)   /* PAT index bit, in a 4 KiB PTE */
#define X86_PTE_G     (1ull << 8)   /* global, leaves only (CR4.PGE) */
#define X86_PTE_AVL   X86_BITS(11, 9) /* available to software */
#define X86_PTE_PAT_LARGE (1ull << 12) /* PAT index bit, 2M/4M/1G leaves */
#define X86_PTE_NX    (1ull << 63)  /* no-execute, PAE and long mode, EFER.NXE */

/* Protection key of long-mode leaves, bits 62:59 (CR4.PKE; APM vol.2 5.6). */
#define X86_PTE_PK_SHIFT 59
#define X86_PTE_PK_MASK  X86_BITS(62, 59)

/*
 * Long mode (4- and 5-level) and PAE entries: 64 bits, 512 per table,
 * physical address bits 51:12 (APM vol.2 5.3.3; fig. 5-18 is the PML4E,
 * the figures after it the lower levels).
 */
#define X86_PTE_ADDR     X86_BITS(51, 12)  /* table or 4 KiB page */
#define X86_PTE_ADDR_2M  X86_BITS(51, 21)  /* 2 MiB leaf (PDE.PS=1) */
#define X86_PTE_ADDR_1G  X86_BITS(51, 30)  /* 1 GiB leaf (PDPE.PS=1) */
#define X86_PTE_RSVD_2M  X86_BITS(20, 13)  /* MBZ in a 2 MiB leaf (bit 12: PAT) */
#define X86_PTE_RSVD_1G  X86_BITS(29, 13)  /* MBZ in a 1 GiB leaf (bit 12: PAT) */
#define X86_PTE_HI_AVL   X86_BITS(62, 52)  /* long mode: available (62:59 PK) */
#define X86_PT_ENTRIES   512
#define X86_PT_SHIFT(level) (12 + 9 * ((level) - 1)) /* level 1 = PT .. 5 = PML5 */

/* CR3 in long mode: table base bits 51:12, PWT/PCD (APM vol.2 3.1.2). */
#define X86_CR3_ADDR     X86_BITS(51, 12)

/*
 * PAE legacy mode (CR4.PAE=1, EFER.LMA=0; APM vol.2 5.2 legacy-mode PAE
 * figures, entry layout as in 5.3; Intel SDM 4.4): CR3 bits 31:5 hold the
 * 32-byte aligned base of 4 PDPEs indexed by linear-address bits 31:30. A
 * PDPE has no R/W, U/S, A or NX; AMD marks its bits 63:52, 8:5 and 2:1
 * MBZ. PAE PDEs and PTEs have the long-mode layout, with bits 62:52
 * reserved instead of available.
 */
#define X86_CR3_PAE_PDPT   X86_BITS(31, 5)
#define X86_PAE_PDPTES     4
#define X86_PAE_PDPTE_SHIFT 30
#define X86_PAE_HI_RSVD    X86_BITS(62, 52)
#define X86_PAE_PDPTE_MBZ_LO (X86_BITS(8, 5) | X86_BITS(2, 1)) /* AMD: MBZ */

/*
 * 32-bit legacy paging (CR4.PAE=0; APM vol.2 5.2): 32-bit entries, 1024
 * per table. CR3 bits 31:12 = page directory; PDE bits 31:12 = page table;
 * with CR4.PSE, a PDE with PS=1 maps 4 MiB: bits 31:22 are address bits
 * 31:22 and bits 20:13 address bits 39:32 (PSE-36, CPUID Fn0000_0001
 * EDX[17]; AMD: "4-Mbyte page translation" in APM 5.2), bit 21 is
 * reserved. No NX in this format.
 */
#define X86_PTE32_ADDR     0xFFFFF000ull          /* bits 31:12 */
#define X86_CR3_32_ADDR    0xFFFFF000ull
#define X86_PDE32_ADDR_4M  0xFFC00000ull          /* bits 31:22 */
#define X86_PDE32_PSE_HI   X86_BITS(20, 13)       /* -> address bits 39:32 */
#define X86_PDE32_PSE_HI_SHIFT 13
#define X86_PDE32_PSE_RSVD (1ull << 21)
#define X86_PT32_ENTRIES   1024
#define X86_PT32_SHIFT(level) (12 + 10 * ((level) - 1)) /* 1 = PT, 2 = PD */

/* Page sizes. */
#define X86_PAGE_4K  0x1000ull
#define X86_PAGE_2M  0x200000ull
#define X86_PAGE_4M  0x400000ull
#define X86_PAGE_1G  0x40000000ull

/*
 * #PF error code (APM vol.2 8.4.2; Intel SDM vol.3 4.7). The
 * faulting linear address goes to CR2.
 */
#define X86_PF_P     (1u << 0)  /* 0: not present; 1: protection or reserved bit */
#define X86_PF_W     (1u << 1)  /* write access */
#define X86_PF_U     (1u << 2)  /* user-mode (CPL3, not implicit) access */
#define X86_PF_RSVD  (1u << 3)  /* a reserved bit was 1 in a present entry */
#define X86_PF_ID    (1u << 4)  /* instruction fetch, with EFER.NXE (PAE/long) or CR4.SMEP */
#define X86_PF_PK    (1u << 5)  /* protection-key violation */
#define X86_PF_SS    (1u << 6)  /* shadow-stack access */

/* A linear address is canonical when bits 63..(n-1) are all equal, n = 48,
 * or 57 with 5-level paging (CR4.LA57; AMD APM vol.2 5.3.1, 2.2.1). */
static inline int x86_canonical(uint64_t addr, uint64_t cr4)
{
	unsigned shift = (cr4 & CR4_LA57) ? 7 : 16;

	return (uint64_t)((int64_t)(addr << shift) >> shift) == addr;
}

#endif
