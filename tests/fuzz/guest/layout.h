/*
 * The fuzz guest's address spaces and selectors, shared by its C and
 * assembly. Two page-table roots (vm.c):
 *   kernel CR3: [0, RAM top) identity-mapped, supervisor, 2 MiB pages, plus
 *               the block region below;
 *   block CR3:  what a block may touch. [0, 2 MiB) in 4 KiB pages, where
 *               the guest image is supervisor and read-only except its IST
 *               stacks (the CPU must push exception frames there), and the
 *               block region at BLOCK_BASE, user-accessible, as listed here.
 * Blocks run under the block CR3 (a CPL0 block cannot scribble over the
 * guest's own code, tables or data: CR0.WP is set, APM vol.2 5.6.3); every
 * trap entry switches to the kernel CR3 first thing.
 */
#ifndef FUZZ_LAYOUT_H
#define FUZZ_LAYOUT_H

/* GDT selectors (desc.c). SYSCALL/SYSRET need user data right after the
 * 32-bit user code slot and 64-bit user code after it (APM vol.2 6.1.1). */
#define SEL_KCODE    0x08   /* 64-bit code, DPL0 */
#define SEL_KDATA    0x10
#define SEL_UCODE32  0x18   /* 32-bit code, DPL3 (compatibility mode) */
#define SEL_UDATA    0x20
#define SEL_UCODE    0x28   /* 64-bit code, DPL3 */
#define SEL_TSS      0x30   /* 16-byte system descriptor */
#define SEL_KCODE32  0x40   /* 32-bit code, DPL0 (compatibility mode) */
#define SEL_NP_CODE  0x48   /* 64-bit code, not present (#NP on use) */
#define GDT_ENTRIES  10

/* IST slots (TSS, APM vol.2 8.9.4) */
#define IST_TRAP     1      /* every exception but the ones below */
#define IST_DB       2      /* #DB: returns into the block, may nest a #PF */
#define IST_DF       3      /* #DF, NMI, #MC */

/* The block region: one 2 MiB slot at 1 GiB, 4 KiB pages. */
#define BLOCK_BASE        0x40000000ul
#define BLOCK_CODE        (BLOCK_BASE + 0x0000) /* code page, U RW (X)    */
#define BLOCK_POOL        (BLOCK_BASE + 0x1000) /* data pool for templates */
#define BLOCK_STACK       (BLOCK_BASE + 0x2000) /* 4 pages                 */
#define BLOCK_STACK_END   (BLOCK_BASE + 0x6000)
#define BLOCK_RSP         (BLOCK_BASE + 0x4000) /* a block's initial RSP   */
#define BLOCK_SCRATCH     (BLOCK_BASE + 0x6000) /* 2 pages                 */
#define BLOCK_SCRATCH_END (BLOCK_BASE + 0x8000)
#define BLOCK_NPAGES_RW   8                     /* the pages above, backed
						 * by one contiguous area */
#define BLOCK_RO          (BLOCK_BASE + 0x8000) /* U, read-only            */
#define BLOCK_SUPER       (BLOCK_BASE + 0x9000) /* supervisor-only, RW     */
#define BLOCK_HOLE        (BLOCK_BASE + 0xA000) /* not present             */
#define BLOCK_ALIAS       (BLOCK_BASE + 0xB000) /* the code page again, RW */
#define BLOCK_RAMEND      (BLOCK_BASE + 0xC000) /* the last page of RAM    */
#define BLOCK_UNMAPPED2   (BLOCK_BASE + 0xD000) /* not present: a guard     */
#define BLOCK_BEYOND      (BLOCK_BASE + 0xE000) /* GPA = RAM top: outside  */
#define BLOCK_END         (BLOCK_BASE + 0xF000)

/* Where a block's bytes go in the code page; the rest is INT3 (0xCC). */
#define BLOCK_CODE_OFF    0x800u
#define BLOCK_CODE_LEN    16u

#define PAGE_SIZE 4096ul

#endif
