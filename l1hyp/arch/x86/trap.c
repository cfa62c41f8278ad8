/*
 * L1's IDT and exception handler. An exception in L1 is either expected
 * (a fault inside one of the fault-safe guest-memory accessors of
 * copy_safe.S, which untrusted L2 state can provoke: resume at its fixup
 * from the exception table) or a bug: then print the vector, error code,
 * RIP, CR2 and all registers, and end the run with NESTLAB_STATUS_L1_ERROR,
 * never hang.
 * IDT gate format: AMD APM vol.2 4.8.3 / 8.2 (64-bit interrupt gate).
 */
#include "../../core/l1.h"
#include "console.h"
#include "cpu.h"
#include "trap.h"
#include <nestlab/status.h>
#include "../../../lib/freestanding/isr.h"
#include "../../../lib/freestanding/x86_exceptions.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint64_t __extable_start[], __extable_end[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t a)
{
	idt[vector] = (struct idt_gate){
		.off_lo = (uint16_t)a, .sel = 0x08, .ist = 0,
		.type = 0x8E,                    /* present, DPL0, interrupt gate */
		.off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
	};
}

void l1_idt_set_gate(unsigned vector, uint64_t handler)
{
	if (vector >= 32 && vector < 256)
		set_gate(vector, handler);
}

void l1_idt_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;

	for (unsigned v = 0; v < 32; v++)
		set_gate(v, isr_table[v]);
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void isr_dispatch(struct isr_frame *f)
{
	if (f->vector == X86_EXC_GP || f->vector == X86_EXC_PF) {
		for (const uint64_t *e = __extable_start; e < __extable_end; e += 2) {
			if (e[0] == f->rip) {
				f->rip = e[1];
				return;
			}
		}
	}
	l1_printf("nestlab-l1: L1 EXCEPTION %s (vector %lu) error=%lx\n"
		  "  RIP=%016lx CS=%lx RFLAGS=%lx RSP=%016lx CR2=%016lx\n"
		  "  RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n"
		  "  RSI=%016lx RDI=%016lx RBP=%016lx R8 =%016lx\n"
		  "  R9 =%016lx R10=%016lx R11=%016lx R12=%016lx\n"
		  "  R13=%016lx R14=%016lx R15=%016lx CR3=%016lx\n",
		  x86_exception_name(f->vector), f->vector, f->error, f->rip, f->cs,
		  f->rflags, f->rsp, read_cr2(), f->rax, f->rbx, f->rcx, f->rdx,
		  f->rsi, f->rdi, f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12,
		  f->r13, f->r14, f->r15, read_cr3());
	l1_end_run(NESTLAB_STATUS_L1_ERROR,
		   "L1 internal error: exception %s (vector %lu) at RIP %lx, error code %lx",
		   x86_exception_name(f->vector), f->vector, f->rip, f->error);
}
