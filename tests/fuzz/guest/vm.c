/*
 * Page tables of the fuzz guest (see layout.h and vm.h). Long-mode 4-level
 * paging (AMD APM vol.2 5.3): the kernel CR3 maps RAM with 2 MiB pages,
 * the block CR3 maps the guest image supervisor-only and read-only (its
 * IST stacks writable) with 4 KiB pages, and both share the page directory
 * of the block region. Accessed and dirty bits are preset so that no walk
 * has to write a table.
 */
#include "vm.h"
#include "entry.h"
#include "freestanding/x86_paging.h"

#define TBL __attribute__((aligned(4096)))

struct vm vm;
uint64_t fuzz_kernel_cr3;      /* for entry.S: the CR3 every trap switches to */

static uint64_t kpml4[512] TBL, kpdpt[512] TBL, kpd[512] TBL;
static uint64_t apml4[512] TBL, bpml4[512] TBL, bpdpt[512] TBL, bpd0[512] TBL, bpt0[512] TBL;
static uint64_t rpd[512] TBL, rpt[512] TBL;     /* the block region */
static uint8_t area[BLOCK_NPAGES_RW * PAGE_SIZE] TBL;
static uint8_t ro_page[PAGE_SIZE] TBL, super_page[PAGE_SIZE] TBL;

extern char __load_start[], __bss_end[], __ist_start[], __ist_end[];

#define PA(p)   ((uint64_t)(uintptr_t)(p))
#define TABLE   (X86_PTE_P | X86_PTE_RW | X86_PTE_US | X86_PTE_A)
#define LEAF_RO (X86_PTE_P | X86_PTE_A)
#define LEAF_RW (X86_PTE_P | X86_PTE_RW | X86_PTE_A | X86_PTE_D)

static unsigned idx(uint64_t va, unsigned level)
{
	return (unsigned)(va >> X86_PT_SHIFT(level)) & 511;
}

static void region_init(void)
{
	unsigned i;

	for (i = 0; i < BLOCK_NPAGES_RW; i++)
		rpt[i] = (PA(area) + i * PAGE_SIZE) | LEAF_RW | X86_PTE_US;
	rpt[idx(BLOCK_RO, 1)] = PA(ro_page) | LEAF_RO | X86_PTE_US;
	rpt[idx(BLOCK_SUPER, 1)] = PA(super_page) | LEAF_RW;
	rpt[idx(BLOCK_ALIAS, 1)] = PA(area) | LEAF_RW | X86_PTE_US;
	rpt[idx(BLOCK_RAMEND, 1)] = (vm.ram_top - PAGE_SIZE) | LEAF_RW | X86_PTE_US;
	rpt[idx(BLOCK_BEYOND, 1)] = vm.ram_top | LEAF_RW | X86_PTE_US;
	rpd[0] = PA(rpt) | TABLE;
}

void vm_init(uint64_t ram_top)
{
	uint64_t pa, top = ram_top < (1ull << 30) ? ram_top : (1ull << 30);
	unsigned i;

	vm.ram_top = ram_top;
	vm.area_pa = PA(area);
	vm.ro_pa = PA(ro_page);
	vm.super_pa = PA(super_page);
	region_init();

	for (i = 0, pa = 0; pa + (2u << 20) <= top; i++, pa += 2u << 20)
		kpd[i] = pa | LEAF_RW | X86_PTE_PS;
	kpdpt[0] = PA(kpd) | TABLE;
	kpdpt[1] = PA(rpd) | TABLE;
	kpml4[0] = PA(kpdpt) | TABLE;

	for (pa = PA(__load_start) & ~0xFFFull; pa < PA(__bss_end); pa += PAGE_SIZE)
		bpt0[idx(pa, 1)] = pa | ((pa >= PA(__ist_start) && pa < PA(__ist_end)) ?
					 LEAF_RW : LEAF_RO);
	bpd0[0] = PA(bpt0) | TABLE;
	bpdpt[0] = PA(bpd0) | TABLE;
	bpdpt[1] = PA(rpd) | TABLE;
	bpml4[0] = PA(bpdpt) | TABLE;
	apml4[0] = PA(bpdpt) | TABLE;

	vm.kernel_cr3 = PA(kpml4);
	fuzz_kernel_cr3 = vm.kernel_cr3;
	vm.block_cr3 = PA(bpml4);
	vm.alt_cr3 = PA(apml4);
}

void *vm_block_ptr(uint64_t gva)
{
	if (gva >= BLOCK_BASE && gva < BLOCK_BASE + BLOCK_NPAGES_RW * PAGE_SIZE)
		return area + (gva - BLOCK_BASE);
	if (gva >= BLOCK_RO && gva < BLOCK_RO + PAGE_SIZE)
		return ro_page + (gva - BLOCK_RO);
	if (gva >= BLOCK_SUPER && gva < BLOCK_SUPER + PAGE_SIZE)
		return super_page + (gva - BLOCK_SUPER);
	return 0;
}

int vm_translate(uint64_t cr3, uint64_t gva, int user, int write, uint64_t *gpa)
{
	uint64_t table = cr3 & X86_CR3_ADDR, e = 0;
	unsigned level;

	if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
		return -1;                          /* not canonical */
	for (level = 4; level >= 1; level--) {
		e = ((const uint64_t *)(uintptr_t)table)[idx(gva, level)];
		if (!(e & X86_PTE_P) || (user && !(e & X86_PTE_US)) ||
		    (write && !(e & X86_PTE_RW)))
			return -1;
		if (level == 1 || (level <= 3 && (e & X86_PTE_PS)))
			break;
		table = e & X86_PTE_ADDR;
	}
	if (level == 3)
		*gpa = (e & X86_PTE_ADDR_1G) | (gva & ((1ull << 30) - 1));
	else if (level == 2)
		*gpa = (e & X86_PTE_ADDR_2M) | (gva & ((1ull << 21) - 1));
	else
		*gpa = (e & X86_PTE_ADDR) | (gva & 0xFFF);
	return 0;
}

int vm_readable(uint64_t cr3, uint64_t gva, uint64_t len, unsigned cpl)
{
	uint64_t end, gpa;

	if (len == 0)
		return 1;
	end = gva + len - 1;
	if (end < gva)
		return 0;
	for (;;) {
		uint64_t chunk_end = (gva | 0xFFF) < end ? (gva | 0xFFF) : end;

		if (vm_translate(cr3, gva, cpl == 3, 0, &gpa) ||
		    gpa + (chunk_end - gva) >= vm.ram_top)
			return 0;
		if (chunk_end == end)
			return 1;
		gva = chunk_end + 1;
	}
}
