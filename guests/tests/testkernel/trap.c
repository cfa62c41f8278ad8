/*
 * The test kernel's IDT and what happens on each vector. 256 64-bit
 * interrupt gates (type 0xE: IF cleared on entry, AMD APM vol.2 4.8.4,
 * Intel SDM vol.3 6.14.1) point at the stubs of entry.S. An exception
 * (vectors 0-31) raised by an instruction listed in the exception table
 * (section tk_extable: the instruction's address, where to resume) is
 * recorded and skipped: that is how the fault-expecting helpers RDMSR and
 * WRMSR work. Any other exception is a failure that ends the run. Vectors
 * 32-255 go to the handler a test installed, or to the default one, which
 * counts them as unexpected.
 */
#include "tk.h"

struct tk_extable_entry {
	uint64_t insn, resume;
};

extern const struct tk_extable_entry __start_tk_extable[], __stop_tk_extable[];
extern const uint64_t tk_stub_table[256];
void tk_trap_dispatch(struct tk_frame *f);

struct idt_gate {
	uint16_t offset0, selector;
	uint8_t ist, type_attr;
	uint16_t offset1;
	uint32_t offset2, reserved;
} __attribute__((packed));

#define TK_CS64        0x08
#define GATE_INTR64    0x8E      /* P=1, DPL=0, type 0xE */

static struct idt_gate idt[256] __attribute__((aligned(16)));
static tk_irq_fn irq_fn[256];
volatile int tk_fault_vector = TK_NO_FAULT;
volatile uint64_t tk_fault_error;
volatile unsigned tk_unexpected_irqs, tk_unexpected_vector;

void tk_trap_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = tk_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset0 = (uint16_t)a, .selector = TK_CS64, .type_attr = GATE_INTR64,
			.offset1 = (uint16_t)(a >> 16), .offset2 = (uint32_t)(a >> 32),
		};
	}
	lidt(&p);
}

void tk_irq_set(unsigned vector, tk_irq_fn fn)
{
	irq_fn[vector & 255] = fn;
}

static void exception(struct tk_frame *f)
{
	for (const struct tk_extable_entry *e = __start_tk_extable; e < __stop_tk_extable; e++) {
		if (e->insn == f->rip) {
			tk_fault_vector = (int)f->vector;
			tk_fault_error = f->error;
			f->rip = e->resume;
			return;
		}
	}
	tk_check("trap", false, f->vector, (uint64_t)TK_NO_FAULT,
		 "no unexpected exception (error code %llx, RIP %llx, CR2 %llx)",
		 (unsigned long long)f->error, (unsigned long long)f->rip,
		 (unsigned long long)read_cr2());
	tk_finish();
}

void tk_trap_dispatch(struct tk_frame *f)
{
	if (f->vector < 32) {
		exception(f);
	} else if (irq_fn[f->vector]) {
		irq_fn[f->vector](f);
	} else {
		tk_unexpected_irqs++;
		tk_unexpected_vector = (unsigned)f->vector;
	}
}

int tk_rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	tk_fault_vector = TK_NO_FAULT;
	__asm__ __volatile__(TK_GUARDED("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = tk_fault_vector == TK_NO_FAULT ? (uint64_t)hi << 32 | lo : 0;
	return tk_fault_vector;
}

int tk_wrmsr_safe(uint32_t msr, uint64_t val)
{
	tk_fault_vector = TK_NO_FAULT;
	__asm__ __volatile__(TK_GUARDED("wrmsr")
			     : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			     : "memory");
	return tk_fault_vector;
}
