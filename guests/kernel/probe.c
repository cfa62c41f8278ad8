/*
 * Kernel instruction probes (probe.h). A probe arms the guard with the
 * length of the one instruction it executes; if that instruction faults, the
 * trap handler (probe_catch) records the vector and resumes after it, so
 * the kernel survives exceptions it provoked on purpose. Encodings are given
 * as bytes (AMD APM vol.3: VMRUN 0F 01 D8, VMLOAD 0F 01 DA, VMSAVE 0F 01 DB,
 * STGI 0F 01 DC, CLGI 0F 01 DD, SKINIT 0F 01 DE, INVLPGA 0F 01 DF; RDMSR
 * 0F 32, WRMSR 0F 30).
 */
#include "probe.h"
#include "uapi.h"
#include "arch.h"

#define MSR_UNKNOWN 0x00012345u   /* no such MSR on any x86 */

static volatile int probe_armed;
static volatile unsigned probe_len;
static volatile int64_t probe_vector;

int probe_catch(struct isr_frame *f)
{
	if (!probe_armed || (f->cs & 3))
		return 0;
	probe_armed = 0;
	probe_vector = (int64_t)f->vector;
	f->rip += probe_len;
	return 1;
}

static void arm(unsigned len)
{
	probe_vector = -1;
	probe_len = len;
	probe_armed = 1;
}

static int64_t done(int64_t value)
{
	probe_armed = 0;
	return probe_vector >= 0 ? -(L2_EPROBE_BASE + probe_vector) : value;
}

static int64_t probe_rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	arm(2);
	__asm__ __volatile__(".byte 0x0f, 0x32" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	return done(lo);
}

int64_t probe_read64(uint64_t va, uint64_t *val)
{
	uint64_t v = 0;

	arm(3);
	__asm__ __volatile__(".byte 0x48, 0x8b, 0x02"   /* mov (%rdx), %rax */
			     : "+a"(v) : "d"(va) : "memory");
	*val = v;
	return done(0);
}

int64_t probe_write8(uint64_t va, uint8_t v)
{
	arm(2);
	__asm__ __volatile__(".byte 0x88, 0x02"         /* mov %al, (%rdx) */
			     : : "a"(v), "d"(va) : "memory");
	return done(0);
}

int64_t probe_wrmsr(uint32_t msr, uint64_t v)
{
	arm(2);
	__asm__ __volatile__(".byte 0x0f, 0x30"
			     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
	return done(0);
}

/* An MSR exit pair for L1's exit-level batching (workload exit-pairs,
 * docs/batching.md): RDMSR EFER, 3 register instructions, WRMSR EFER with
 * the value read, then a JMP, so that L1's look-ahead after the WRMSR ends
 * exactly there (`branch`). Both accesses exit at level 2 (L1 emulates
 * EFER); unguarded: EFER always exists and the write changes nothing. */
static int64_t probe_msr_pair(void)
{
	uint32_t lo, hi;
	uint64_t x;

	__asm__ __volatile__("mov $0xc0000080, %%ecx\n\t"
			     "rdmsr\n\t"
			     "mov %%eax, %k2\n\t"
			     "add $1, %k2\n\t"
			     "lea -1(%q2), %q2\n\t"
			     "wrmsr\n\t"
			     "jmp 1f\n"
			     "1:"
			     : "=a"(lo), "=d"(hi), "=&r"(x) : : "rcx", "memory", "cc");
	(void)hi;
	return x == lo ? (int64_t)lo : -(int64_t)L2_EINVAL;
}

/* A 3-byte 0F 01 xx SVM instruction with RAX = 0 (and ECX = 0 for INVLPGA). */
#define PROBE_SVM(byte3)                                                      \
	do {                                                                  \
		arm(3);                                                       \
		__asm__ __volatile__(".byte 0x0f, 0x01, " #byte3              \
				     : : "a"(0ull), "c"(0u) : "memory");       \
		return done(0);                                               \
	} while (0)

int64_t probe_run(uint64_t id)
{
	switch (id) {
	case L2_PROBE_RDMSR_UNKNOWN: return probe_rdmsr(MSR_UNKNOWN);
	case L2_PROBE_WRMSR_TSC:     return probe_wrmsr(MSR_TSC, 0);
	case L2_PROBE_RDMSR_EFER:    return probe_rdmsr(MSR_EFER);
	case L2_PROBE_WRMSR_EFER_SVME: {
		int64_t efer = probe_rdmsr(MSR_EFER);

		if (efer < 0)
			return efer;
		return probe_wrmsr(MSR_EFER, (uint64_t)efer | EFER_SVME);
	}
	case L2_PROBE_VMRUN:   PROBE_SVM(0xd8);
	case L2_PROBE_VMLOAD:  PROBE_SVM(0xda);
	case L2_PROBE_VMSAVE:  PROBE_SVM(0xdb);
	case L2_PROBE_STGI:    PROBE_SVM(0xdc);
	case L2_PROBE_CLGI:    PROBE_SVM(0xdd);
	case L2_PROBE_SKINIT:  PROBE_SVM(0xde);
	case L2_PROBE_INVLPGA: PROBE_SVM(0xdf);
	case L2_PROBE_MSR_PAIR: return probe_msr_pair();
	}
	return -L2_EINVAL;
}
