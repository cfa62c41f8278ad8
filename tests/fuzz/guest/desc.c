/*
 * Descriptor tables and system MSRs of the fuzz guest (see desc.h):
 *  - GDT (APM vol.2 4.8): the selectors of layout.h, accessed bits preset
 *    (the block CR3 maps the table read-only, and a descriptor load must
 *    not need to write it), a 64-bit TSS descriptor (4.8.3);
 *  - TSS (12.2.5): RSP0 and three IST stacks, all in .ist_stacks (the only
 *    guest pages writable under the block CR3); an I/O permission bitmap
 *    (12.2.4) giving CPL3 the UART, the backdoor's four ports and port 0x80;
 *  - IDT (8.9.1): 64-bit interrupt gates for vectors 0-31, each on an IST
 *    stack (8.9.4) so that a block with a wild RSP cannot double-fault the
 *    guest; INT3 and INTO are DPL3 so a CPL3 block can end with INT3;
 *    vectors 32-255 are not present (an INT n there raises #NP);
 *  - SYSCALL (6.1.1): STAR, LSTAR/CSTAR = entry.S's block-ending entries,
 *    SFMASK clears TF, IF, DF and AC.
 */
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include <nestlab/mem.h>
#include "freestanding/x86_regs.h"
#include "desc.h"
#include "entry.h"
#include "layout.h"
#include "vm.h"
#include "freestanding/format.h"

#define IOPB_BYTES (65536 / 8)

struct __attribute__((packed)) tss64 {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3;
	uint16_t iopb_offset;
	uint8_t iopb[IOPB_BYTES + 1];   /* + the all-ones byte (12.2.4) */
};

struct __attribute__((packed)) idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, rsv;
};

uint64_t fuzz_gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[SEL_KCODE / 8]   = 0x00AF9B000000FFFFull, /* 64-bit code, DPL0 */
	[SEL_KDATA / 8]   = 0x00CF93000000FFFFull,
	[SEL_UCODE32 / 8] = 0x00CFFB000000FFFFull, /* 32-bit code, DPL3 */
	[SEL_UDATA / 8]   = 0x00CFF3000000FFFFull,
	[SEL_UCODE / 8]   = 0x00AFFB000000FFFFull, /* 64-bit code, DPL3 */
	[SEL_KCODE32 / 8] = 0x00CF9B000000FFFFull, /* 32-bit code, DPL0 */
	[SEL_NP_CODE / 8] = 0x00AF1B000000FFFFull, /* P = 0 */
};

static uint64_t gdt_pristine[GDT_ENTRIES];
static struct tss64 tss __attribute__((aligned(4096)));
static struct idt_gate idt[256] __attribute__((aligned(4096)));
static struct idt_gate idt_pristine[32];
static uint8_t ist_trap[16384] __attribute__((section(".ist_stacks"), aligned(16)));
static uint8_t ist_db[16384] __attribute__((section(".ist_stacks"), aligned(16)));
static uint8_t ist_df[8192] __attribute__((section(".ist_stacks"), aligned(16)));

struct desc_ptr fuzz_gdtr, fuzz_idtr;
struct cpu_state cpu0;
uint64_t fuzz_saved_cr0, fuzz_saved_cr4;

#define TOP(s) ((uint64_t)(uintptr_t)((s) + sizeof(s)))

static void iopb_allow(unsigned port)
{
	tss.iopb[port / 8] &= (uint8_t)~(1u << (port % 8));
}

int desc_io_allowed(unsigned port, unsigned size)
{
	unsigned i;

	for (i = 0; i < size; i++) {
		unsigned p = (port + i) & 0xFFFF;

		if (p != port + i || (tss.iopb[p / 8] & (1u << (p % 8))))
			return 0;
	}
	return 1;
}

static void tss_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	unsigned i;

	tss.rsp[0] = TOP(ist_trap);
	tss.ist[IST_TRAP - 1] = TOP(ist_trap);
	tss.ist[IST_DB - 1] = TOP(ist_db);
	tss.ist[IST_DF - 1] = TOP(ist_df);
	tss.iopb_offset = (uint16_t)offsetof(struct tss64, iopb);
	memset(tss.iopb, 0xFF, sizeof(tss.iopb));
	for (i = 0; i < 8; i++)
		iopb_allow(NESTLAB_COM1_PORT + i);
	for (i = 0; i < 4; i++)
		iopb_allow(NESTLAB_HC_BACKDOOR_PORT + i);
	iopb_allow(0x80);
	/* type 9: available 64-bit TSS, P = 1, DPL 0 */
	fuzz_gdt[SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
				(0x89ull << 40) | (((limit >> 16) & 0xF) << 48) |
				(((base >> 24) & 0xFF) << 56);
	fuzz_gdt[SEL_TSS / 8 + 1] = base >> 32;
}

static void idt_init(void)
{
	unsigned v;

	for (v = 0; v < 32; v++) {
		uint64_t off = fuzz_trap_stubs[v];
		unsigned ist = v == 1 ? IST_DB : (v == 2 || v == 8 || v == 18) ? IST_DF
									     : IST_TRAP;
		unsigned dpl = (v == 3 || v == 4) ? 3 : 0;

		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)off, .sel = SEL_KCODE, .ist = (uint8_t)ist,
			.type_attr = (uint8_t)(0x8E | (dpl << 5)),
			.off_mid = (uint16_t)(off >> 16), .off_hi = (uint32_t)(off >> 32),
		};
	}
	memcpy(idt_pristine, idt, sizeof(idt_pristine));
	fuzz_idtr = (struct desc_ptr){ sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	lidt(&fuzz_idtr);
}

static inline void lldt(uint16_t sel)
{
	__asm__ __volatile__("lldt %0" : : "r"(sel));
}

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

#define DR_WRITE(n, v) __asm__ __volatile__("mov %0, %%dr" #n : : "r"((uint64_t)(v)))

void desc_init(void)
{
	tss_init();
	memcpy(gdt_pristine, fuzz_gdt, sizeof(gdt_pristine));
	fuzz_gdtr = (struct desc_ptr){ sizeof(fuzz_gdt) - 1, (uint64_t)(uintptr_t)fuzz_gdt };
	lgdt(&fuzz_gdtr);
	ltr(SEL_TSS);
	idt_init();

	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)fuzz_syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)fuzz_cstar_entry);
	wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
	write_cr0(read_cr0() | (1ull << 18) | (1ull << 5));     /* AM, NE */

	cpu0 = (struct cpu_state){
		.cr0 = read_cr0(), .cr4 = read_cr4(), .efer = rdmsr(MSR_EFER),
		.star = rdmsr(MSR_STAR), .lstar = rdmsr(MSR_LSTAR),
		.cstar = rdmsr(MSR_CSTAR), .sfmask = rdmsr(MSR_SFMASK),
		.fs_base = rdmsr(MSR_FS_BASE), .gs_base = rdmsr(MSR_GS_BASE),
		.kgs_base = rdmsr(MSR_KERNEL_GS_BASE), .pat = rdmsr(MSR_PAT),
		.sysenter_cs = rdmsr(MSR_SYSENTER_CS),
		.sysenter_esp = rdmsr(MSR_SYSENTER_ESP),
		.sysenter_eip = rdmsr(MSR_SYSENTER_EIP),
	};
	fuzz_saved_cr0 = cpu0.cr0;
	fuzz_saved_cr4 = cpu0.cr4;
}

static void msr_put(uint32_t msr, uint64_t want)
{
	if (rdmsr(msr) != want)
		wrmsr(msr, want);
}

int desc_restore(int *svme, char *why, size_t whylen)
{
	struct desc_ptr g, i;
	uint64_t efer;
	uint16_t tr;

	/* A block under a CR3 of its own making may have written them. */
	memcpy(fuzz_gdt, gdt_pristine, sizeof(gdt_pristine));  /* TSS not busy */
	memcpy(idt, idt_pristine, sizeof(idt_pristine));
	ltr(SEL_TSS);
	lldt(0);

	msr_put(MSR_STAR, cpu0.star);
	msr_put(MSR_LSTAR, cpu0.lstar);
	msr_put(MSR_CSTAR, cpu0.cstar);
	msr_put(MSR_SFMASK, cpu0.sfmask);
	msr_put(MSR_FS_BASE, cpu0.fs_base);
	msr_put(MSR_GS_BASE, cpu0.gs_base);
	msr_put(MSR_KERNEL_GS_BASE, cpu0.kgs_base);
	msr_put(MSR_PAT, cpu0.pat);
	msr_put(MSR_SYSENTER_CS, cpu0.sysenter_cs);
	msr_put(MSR_SYSENTER_ESP, cpu0.sysenter_esp);
	msr_put(MSR_SYSENTER_EIP, cpu0.sysenter_eip);
	efer = rdmsr(MSR_EFER);
	*svme = !!(efer & EFER_SVME);
	if (efer != cpu0.efer)
		wrmsr(MSR_EFER, cpu0.efer);

	DR_WRITE(7, 0x400);
	DR_WRITE(6, 0xFFFF0FF0);
	DR_WRITE(0, 0);
	DR_WRITE(1, 0);
	DR_WRITE(2, 0);
	DR_WRITE(3, 0);
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(0ull));
	__asm__ __volatile__("fninit");

	__asm__ __volatile__("sgdt %0" : "=m"(g));
	__asm__ __volatile__("sidt %0" : "=m"(i));
	__asm__ __volatile__("str %0" : "=r"(tr));
	if (read_cr0() != cpu0.cr0 || read_cr4() != cpu0.cr4 ||
	    read_cr3() != vm.kernel_cr3) {
		format_snprintf(why, whylen, "CR0 %lx CR3 %lx CR4 %lx after restore",
				read_cr0(), read_cr3(), read_cr4());
		return -1;
	}
	if (g.base != fuzz_gdtr.base || g.limit != fuzz_gdtr.limit ||
	    i.base != fuzz_idtr.base || i.limit != fuzz_idtr.limit || tr != SEL_TSS) {
		format_snprintf(why, whylen, "GDTR %lx/%x IDTR %lx/%x TR %x after restore",
				g.base, g.limit, i.base, i.limit, tr);
		return -1;
	}
	efer = rdmsr(MSR_EFER);
	if (efer != cpu0.efer && !((efer ^ cpu0.efer) == EFER_SVME)) {
		format_snprintf(why, whylen, "EFER %lx after writing %lx", efer, cpu0.efer);
		return -1;
	}
	return 0;
}
