/*
 * Descriptor tables and the SYSCALL MSRs of the L2 kernel:
 *  - the TSS (AMD APM vol.2 12.2.5, 64-bit TSS format): RSP0 = the running
 *    process's kernel stack for interrupts and exceptions from ring 3 (the
 *    scheduler sets it at every switch, with the stack syscall_entry loads),
 *    IST1 = a separate stack for #DF, and an
 *    I/O permission bitmap (APM vol.2 12.2.4; Intel SDM vol.1 19.5.2) that
 *    lets ring 3 use exactly two ports: NESTLAB_HC_BACKDOOR_PORT (the
 *    backdoor hypercall) and NESTLAB_PIO_WORKLOAD_PORT (the pio workload).
 *    A multi-byte access checks one bit per byte it covers (APM 12.2.4), so
 *    the backdoor's 32-bit "IN EAX, DX" needs the bits of 0x5658..0x565B.
 *    IOPL stays 0, so CLI/STI and every other port fault in ring 3.
 *  - the IDT (APM vol.2 8.9.1): 64-bit interrupt gates for vectors 0-31,
 *    and those irq.c adds (the APIC timer and spurious vectors), DPL 0;
 *    user_gate.c's vector is DPL 3, the one ring 3 may raise with INT n
 *    (a DPL 0 gate answers a ring-3 INT n with #GP, APM vol.2 8.9.3).
 *  - SYSCALL/SYSRET (APM vol.2 6.1.1): EFER.SCE, STAR selectors (kernel CS
 *    0x08 / SS 0x10; SYSRET: CS 0x28|3, SS 0x20|3 from the 0x18 base), LSTAR =
 *    syscall_entry, SFMASK clears IF, TF, DF and AC on entry.
 */
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include <nestlab/mem.h>
#include "kernel.h"
#include "arch.h"
#include "freestanding/isr.h"

#define KERNEL_CS 0x08
#define TSS_SEL   0x30
#define IOPB_BYTES (65536 / 8)

struct __attribute__((packed)) tss64 {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3;
	uint16_t iopb_offset;
	/* The bitmap, then one all-ones byte: the CPU may read a byte past the
	 * last bit it needs (APM vol.2 12.2.4). */
	uint8_t iopb[IOPB_BYTES + 1];
};

struct __attribute__((packed)) idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, rsv;
};

extern uint64_t gdt[];
extern char syscall_entry[];

static struct tss64 tss __attribute__((aligned(4096)));
static struct idt_gate idt[256] __attribute__((aligned(4096)));
static uint8_t df_stack[8192] __attribute__((aligned(16)));
uint64_t kernel_stack_top;

static void iopb_allow(uint16_t port)
{
	tss.iopb[port / 8] &= (uint8_t)~(1u << (port % 8));
}

static void tss_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	unsigned i;

	tss.ist[0] = (uint64_t)(uintptr_t)(df_stack + sizeof(df_stack));
	tss.iopb_offset = (uint16_t)offsetof(struct tss64, iopb);
	memset(tss.iopb, 0xff, sizeof(tss.iopb));
	for (i = 0; i < 4; i++)  /* the 4 bytes of a 32-bit IN at the port */
		iopb_allow((uint16_t)(NESTLAB_HC_BACKDOOR_PORT + i));
	iopb_allow(NESTLAB_PIO_WORKLOAD_PORT);

	/* System-segment descriptor, 16 bytes (APM vol.2 4.8.3): type 9 =
	 * available 64-bit TSS, P = 1, DPL 0. */
	gdt[TSS_SEL / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			   (0x89ull << 40) | (((limit >> 16) & 0xF) << 48) |
			   (((base >> 24) & 0xFF) << 56);
	gdt[TSS_SEL / 8 + 1] = base >> 32;
	ltr(TSS_SEL);
}

void desc_set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	kernel_stack_top = top;
}

static void set_gate(unsigned vec, uint64_t off, uint8_t type_attr)
{
	struct idt_gate *g = &idt[vec & 0xFF];

	g->off_lo = (uint16_t)off;
	g->sel = KERNEL_CS;
	g->ist = vec == 8 ? 1 : 0;   /* #DF on its own stack */
	g->type_attr = type_attr;
	g->off_mid = (uint16_t)(off >> 16);
	g->off_hi = (uint32_t)(off >> 32);
}

void desc_set_gate(unsigned vec, uint64_t off)
{
	set_gate(vec, off, 0x8E);    /* P, DPL 0, 64-bit interrupt gate */
}

void desc_set_user_gate(unsigned vec, uint64_t off)
{
	set_gate(vec, off, 0xEE);    /* P, DPL 3, 64-bit interrupt gate */
}

static void idt_init(void)
{
	struct desc_ptr p;
	unsigned v;

	for (v = 0; v < 32; v++)
		desc_set_gate(v, isr_table[v]);
	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)(uintptr_t)idt;
	lidt(&p);
}

void desc_load_empty_idt(void)
{
	struct desc_ptr p = { 0, 0 };

	lidt(&p);
}

void desc_init(void)
{
	tss_init();
	idt_init();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
}
