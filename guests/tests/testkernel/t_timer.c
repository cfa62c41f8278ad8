/*
 * Groups "timer" and "tsc-deadline": the local APIC timer (Intel SDM vol.3
 * 11.5.4 "APIC Timer", Figure 11-10 "Divide Configuration Register",
 * 11.5.4.1 "TSC-Deadline Mode"; AMD APM vol.2 16.4.1 "APIC Timer
 * Interrupt"). Checked without any duration: the divide configuration's
 * eight encodings (bit 2 reserved), a larger divisor counting more slowly
 * over the same loop, one-shot (the count falls, one interrupt, then 0),
 * periodic (repeated interrupts, count within [0, initial]), an initial
 * count of 0 stopping it, a masked LVT counting down without an interrupt;
 * TSC-deadline mode only where CPUID.1:ECX[24] offers it: an interrupt
 * once the TSC passes the deadline, the MSR then 0, a deadline of 0
 * disarming it, initial-count writes ignored.
 */
#include "apic.h"
#include "irqlog.h"
#include "tk.h"

#define G "timer"
#define VEC_T     0x71
#define WAIT      5000000u    /* bound on waits for an interrupt (PAUSE loops) */
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* How far the count falls over one spin with divide configuration dcr
 * (a long count: it cannot reach 0 meanwhile). */
static uint32_t fall(uint32_t dcr)
{
	uint32_t c;

	apic_write(APIC_TDCR, dcr);
	apic_write(APIC_TMICT, 0xF0000000u);
	c = apic_read(APIC_TMCCT);
	tk_spin(5000);
	return c - apic_read(APIC_TMCCT);
}

/* The encodings read back; a larger divisor counts more slowly, tried up to
 * 3 times so that a host preempting QEMU between the two measurements (no
 * icount) cannot make a correct timer fail. */
static void divide(void)
{
	static const uint32_t enc[] = { 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB };
	uint32_t bad = 0, got = 0, d1 = 0, d16 = 0;
	bool ok = true;

	for (unsigned i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		apic_write(APIC_TDCR, enc[i]);
		got = apic_read(APIC_TDCR);
		if (got != enc[i] && ok) {
			ok = false;
			bad = enc[i];
		}
	}
	tk_check(G, ok, got, bad, "divide configuration: the 8 encodings read back");
	apic_write(APIC_TDCR, 0xF);
	tk_expect(G, apic_read(APIC_TDCR), 0xB, "divide configuration: bit 2 is reserved");

	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_T);
	for (unsigned t = 0; t < 3 && !(d1 > 0 && d16 < d1); t++) {
		d1 = fall(APIC_TDCR_DIV1);
		d16 = fall(0x3);              /* divide by 16 */
	}
	tk_check(G, d1 > 0 && d16 < d1, d16, d1, "divide by 16 counts more slowly than by 1");
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
}

static void one_shot(void)
{
	uint32_t c1, c2;

	irqlog_reset();
	irqlog_install(VEC_T);
	apic_write(APIC_LVT_TIMER, VEC_T);
	/* A long count to watch it fall, then a short one (a write of the
	 * initial count restarts the timer, SDM 11.5.4) to see it expire. */
	apic_write(APIC_TMICT, 0xF0000000u);
	c1 = apic_read(APIC_TMCCT);
	c2 = apic_read(APIC_TMCCT);
	tk_expect(G, apic_read(APIC_TMICT), 0xF0000000u, "one-shot: the initial count reads back");
	tk_check(G, c1 <= 0xF0000000u && c2 < c1, c2, c1, "one-shot: the current count decreases");
	apic_write(APIC_TMICT, 50000);
	tk_expect(G, irqlog_wait(1, WAIT), 1, "one-shot: the interrupt arrives");
	tk_expect(G, apic_read(APIC_TMCCT), 0, "one-shot: the count stays 0 after expiry");
	irqlog_wait(2, 200000);
	tk_expect(G, irqlog_n, 1, "one-shot: one interrupt only");
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	irqlog_uninstall(VEC_T);
}

static void periodic(void)
{
	unsigned n;
	uint32_t c;

	irqlog_reset();
	irqlog_install(VEC_T);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | VEC_T);
	tk_expect(G, apic_read(APIC_LVT_TIMER), APIC_TIMER_PERIODIC | VEC_T,
		  "periodic: the LVT timer mode reads back");
	apic_write(APIC_TMICT, 20000);
	tk_expect(G, irqlog_wait(3, WAIT), 1, "periodic: repeated interrupts");
	c = apic_read(APIC_TMCCT);
	tk_check(G, c <= 20000, c, 20000, "periodic: the count reloads within [0, initial]");
	apic_write(APIC_TMICT, 0);
	tk_irq_window();              /* an expiry just before the stop */
	n = irqlog_n;
	tk_expect(G, apic_read(APIC_TMCCT), 0, "initial count 0: the current count reads 0");
	irqlog_wait(n + 1, 200000);
	tk_expect(G, irqlog_n, n, "initial count 0 stops the periodic timer");
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	irqlog_uninstall(VEC_T);
}

static void masked(void)
{
	unsigned i;

	irqlog_reset();
	irqlog_install(VEC_T);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_T);
	apic_write(APIC_TMICT, 10000);
	for (i = 0; i < WAIT && apic_read(APIC_TMCCT); i++)
		tk_pause();
	tk_expect(G, apic_read(APIC_TMCCT), 0, "masked: the count still runs down to 0");
	tk_irq_window();
	tk_expect(G, irqlog_n, 0, "masked: no interrupt");
	tk_expect(G, apic_bit(APIC_IRR, VEC_T), 0, "masked: nothing in IRR");
	irqlog_uninstall(VEC_T);
}

void tk_test_timer(void)
{
	apic_reset_state();
	divide();
	one_shot();
	periodic();
	masked();
}

void tk_test_tsc_deadline(void)
{
	struct cpuid_regs r;
	uint64_t v;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & CPUID1_ECX_TSC_DEADLINE)) {
		tk_skip("tsc-deadline", "CPUID.1:ECX[24] clear: no TSC-deadline mode");
		return;
	}
	apic_reset_state();
	irqlog_reset();
	irqlog_install(VEC_T);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_DEADLINE | VEC_T);
	tk_expect("tsc-deadline", apic_read(APIC_LVT_TIMER), APIC_TIMER_DEADLINE | VEC_T,
		  "the LVT timer mode 10b reads back");
	apic_write(APIC_TMICT, 1000);
	tk_expect("tsc-deadline", apic_read(APIC_TMICT), 0, "initial-count writes are ignored");
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 50000);
	tk_expect("tsc-deadline", irqlog_wait(1, WAIT), 1, "the interrupt arrives");
	tk_expect("tsc-deadline", tk_rdmsr_safe(MSR_TSC_DEADLINE, &v), TK_NO_FAULT,
		  "IA32_TSC_DEADLINE reads without #GP");
	tk_expect("tsc-deadline", v, 0, "IA32_TSC_DEADLINE reads 0 once it fired");
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 50000);
	wrmsr(MSR_TSC_DEADLINE, 0);
	irqlog_wait(2, 200000);
	tk_expect("tsc-deadline", irqlog_n, 1, "a deadline of 0 disarms it");
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	irqlog_uninstall(VEC_T);
}
