/*
 * The kernel's side of the interposition tests (workload interpose-check,
 * docs/interpose.md): what a program cannot do itself, done at CPL0 on its
 * request (L2_TEST_INTERPOSE, struct l2_interpose_test in uapi.h):
 *   - read and write LSTAR as the kernel always does (RDMSR/WRMSR; a
 *     write under the probe guard, so a #GP comes back as a result), and a
 *     second system-call entry that counts its calls and continues at the
 *     first, to see that a write of LSTAR redirects SYSCALL;
 *   - the interposition hypercalls at CPL0; for REGISTER with the test
 *     cases of registration (reg_case below) built in two kernel pages;
 *   - the writes of a kernel turned hostile: with CR0.WP clear (so that its
 *     own read-only mappings do not stop it: AMD APM vol.2 5.6.4) it writes
 *     into the interposer module's entry code, the real target in its
 *     control page (found as an attacker would: the page of the module's
 *     writable data that starts with NESTLAB_INTERPOSE_MAGIC), and its
 *     counter page, reads back and undoes what took effect.
 */
#include <nestlab/hypercall_guest.h>
#include <nestlab/interpose.h>
#include <nestlab/mem.h>
#include "freestanding/x86.h"
#include "freestanding/x86_regs.h"
#include "kernel.h"
#include "probe.h"
#include "interpose_probe.h"

void syscall_entry(void);
void syscall_entry_alt(void);
uint64_t interpose_alt_calls;

/* The second entry: counts, then the kernel's own (flags are the kernel's
 * to change here: SYSRET restores the user's from R11). */
__asm__(".pushsection .text\n"
	".globl syscall_entry_alt\n"
	"syscall_entry_alt:\n\t"
	"incq interpose_alt_calls(%rip)\n\t"
	"jmp syscall_entry\n"
	".popsection");

/* Two pages of kernel data for the registration cases: a control page and
 * a counter page the kernel fills itself. */
static union nestlab_interpose_ctl_page fake_ctl_page;
static union nestlab_interpose_counters_page fake_counters_page;
#define fake_ctl      fake_ctl_page.ctl
#define fake_counters fake_counters_page.c

/* The module's control page, or NULL: the first page of its writable data
 * that starts with the magic. */
static struct nestlab_interpose_ctl *module_ctl(void)
{
	const struct kmod_image *m = &l2k.kmod.image;

	if (!l2k.kmod.loaded)
		return NULL;
	for (uint64_t i = m->text_pages + m->ro_pages; i < m->pages; i++) {
		struct nestlab_interpose_ctl *c =
			(struct nestlab_interpose_ctl *)(uintptr_t)(m->base + i * 4096);

		if (c->magic == NESTLAB_INTERPOSE_MAGIC)
			return c;
	}
	return NULL;
}

/* The registration cases: the control page REGISTER gets, after fake_ctl
 * was made valid and case c then spoiled it (uapi.h lists them). */
static uint64_t reg_case(uint64_t c)
{
	uint64_t entry = (uint64_t)(uintptr_t)syscall_entry, code = entry & ~0xFFFull;

	fake_ctl = (struct nestlab_interpose_ctl){
		.magic = NESTLAB_INTERPOSE_MAGIC, .version = NESTLAB_INTERPOSE_VERSION,
		.entry = entry, .code_start = code, .code_end = code + 4096,
		.counters = (uint64_t)(uintptr_t)&fake_counters,
	};
	switch (c) {
	case L2_INTERPOSE_REG_MISALIGNED:  return (uint64_t)(uintptr_t)&fake_ctl + 8;
	case L2_INTERPOSE_REG_UNMAPPED:    return 0xFFFF800000000000ull;
	case L2_INTERPOSE_REG_USER_PAGE:   return L2_USER_BASE;
	case L2_INTERPOSE_REG_MAGIC:       fake_ctl.magic ^= 1; break;
	case L2_INTERPOSE_REG_VERSION:     fake_ctl.version++; break;
	case L2_INTERPOSE_REG_ENTRY_OUT:   fake_ctl.entry = code + 4096; break;
	case L2_INTERPOSE_REG_CODE_BIG:
		fake_ctl.code_start = code - NESTLAB_INTERPOSE_CODE_PAGES_MAX * 4096ull;
		break;
	case L2_INTERPOSE_REG_CODE_ALIGN:  fake_ctl.code_end = code + 4000; break;
	case L2_INTERPOSE_REG_COUNTERS_CTL: fake_ctl.counters = (uint64_t)(uintptr_t)&fake_ctl; break;
	case L2_INTERPOSE_REG_COUNTERS_OUT: fake_ctl.counters = 0xFFFF800000000000ull; break;
	case L2_INTERPOSE_REG_CODE_IS_CTL:
		fake_ctl.code_start = (uint64_t)(uintptr_t)&fake_ctl;
		fake_ctl.code_end = fake_ctl.code_start + 4096;
		fake_ctl.entry = fake_ctl.code_start;
		break;
	}
	return (uint64_t)(uintptr_t)&fake_ctl;
}

/* Write new over *p as a hostile kernel: 1 if it took effect (undone), 0. */
static int64_t hostile_write(volatile void *p, unsigned size, uint64_t new)
{
	uint64_t cr0 = read_cr0(), before, after;

	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 & ~CR0_WP) : "memory");
	if (size == 1) {
		volatile uint8_t *b = p;

		before = *b;
		*b = (uint8_t)new;
		after = *b;
		if (after != before)
			*b = (uint8_t)before;
	} else {
		volatile uint64_t *q = p;

		before = *q;
		*q = new;
		after = *q;
		if (after != before)
			*q = before;
	}
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0) : "memory");
	return after != before;
}

static int64_t tamper(uint64_t what)
{
	struct nestlab_interpose_ctl *c = module_ctl();

	if (!c)
		return -L2_ENOENT;
	switch (what) {
	case 0: {
		volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)c->entry;

		return hostile_write(code, 1, *code ^ 0xFF);
	}
	case 1:
		return hostile_write(&c->real_target, 8, (uint64_t)(uintptr_t)syscall_entry_alt);
	case 2: {
		struct nestlab_interpose_counters *n =
			(struct nestlab_interpose_counters *)(uintptr_t)c->counters;

		return hostile_write(&n->reserved, 8, n->reserved + 1);
	}
	}
	return -L2_EINVAL;
}

static int64_t hypercall(struct l2_interpose_test *t)
{
	struct nestlab_hc_ret r;
	uint64_t cmd = t->arg >> 32, a0 = (uint32_t)t->arg;

	if (cmd != NESTLAB_HC_INTERPOSE_REGISTER && cmd != NESTLAB_HC_INTERPOSE_SYSCALL &&
	    cmd != NESTLAB_HC_INTERPOSE_QUERY)
		return -L2_EINVAL;
	if (cmd == NESTLAB_HC_INTERPOSE_REGISTER) {
		struct nestlab_interpose_ctl *c = module_ctl();

		if (a0 == L2_INTERPOSE_REG_MODULE && !c)
			return -L2_ENOENT;
		a0 = a0 == L2_INTERPOSE_REG_MODULE ? (uint64_t)(uintptr_t)c :
		     a0 == L2_INTERPOSE_REG_AGAIN ? (uint64_t)(uintptr_t)&fake_ctl : reg_case(a0);
	}
	r = nestlab_hc_vmmcall(cmd, a0, 0, 0);
	t->status = r.status;
	t->ret0 = r.ret0;
	t->ret1 = r.ret1;
	return 0;
}

int64_t interpose_test(uint64_t req_va)
{
	struct l2_interpose_test *t = (struct l2_interpose_test *)(uintptr_t)req_va;

	if (!process_user_range_ok(req_va, sizeof(*t)))
		return -L2_EFAULT;
	switch (t->op) {
	case L2_INTERPOSE_LSTAR_READ:  t->result = (int64_t)rdmsr(MSR_LSTAR); break;
	case L2_INTERPOSE_LSTAR_WRITE: t->result = probe_wrmsr(MSR_LSTAR, t->arg); break;
	case L2_INTERPOSE_ENTRY:       t->result = (int64_t)(uintptr_t)syscall_entry; break;
	case L2_INTERPOSE_ALT_ENTRY:   t->result = (int64_t)(uintptr_t)syscall_entry_alt; break;
	case L2_INTERPOSE_ALT_COUNT:   t->result = (int64_t)interpose_alt_calls; break;
	case L2_INTERPOSE_HC:          t->result = hypercall(t); break;
	case L2_INTERPOSE_TAMPER:      t->result = tamper(t->arg); break;
	case L2_INTERPOSE_ENTRY_BYTE:
		t->result = *(const volatile uint8_t *)(uintptr_t)syscall_entry;
		break;
	default:                       t->result = -L2_EINVAL; break;
	}
	return 0;
}
