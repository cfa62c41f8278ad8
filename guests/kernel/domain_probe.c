/*
 * The kernel's side of workload "domain" (docs/mbec.md, "Protection
 * domains"; the ABI in include/nestlab/domain.h): a domain of two pages,
 * its code (.text.domain: the gate and a second entry, alone in their page)
 * and its data (.data.domain: a secret, alone in its page), created with
 * L1 on the program's request (L2_TEST_DOMAIN), with every descriptor
 * case L1 must refuse; then, from outside the domain, a guarded read of the
 * secret and a guarded call into the domain's code elsewhere than the gate
 * (both must fault as absent pages: #PF, CR2 the address), the calls
 * through the gate (the domain returns value ^ secret), and the gate
 * hypercalls out of place.
 *
 * The gate runs in the domain's view with RBX = the caller's value: it
 * reads the secret (its own page: present there), XORs it into RBX and
 * leaves with DOMAIN_RETURN (RBX = the result); L1 resumes the caller after
 * its DOMAIN_CALL. Only RAX, RBX, RCX and the flags change, all of which
 * the hypercall stub declares.
 */
#include <nestlab/domain.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/mem.h>
#include "kernel.h"
#include "probe.h"
#include "domain_probe.h"
#include "freestanding/x86.h"
#include "freestanding/x86_exceptions.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* The numbers the gate's assembly needs, as plain literals. */
#define GATE_HC_MAGIC  0x564D5868
#define GATE_HC_RETURN 16
_Static_assert(GATE_HC_MAGIC == NESTLAB_HC_MAGIC && GATE_HC_RETURN == NESTLAB_HC_DOMAIN_RETURN,
	       "the gate's hypercall");

extern const char domain_gate[], domain_away[];
extern uint64_t domain_secret;

__asm__(".pushsection .text.domain, \"ax\"\n"
	".balign 4096\n"
	".globl domain_gate, domain_away\n"
	"domain_gate:\n\t"
	"mov domain_secret(%rip), %rax\n\t"
	"xor %rax, %rbx\n\t"
	"mov $" STR(GATE_HC_MAGIC) ", %eax\n\t"
	"mov $" STR(GATE_HC_RETURN) ", %ecx\n\t"
	"vmmcall\n\t"
	"ud2\n"                          /* RETURN does not come back here */
	"domain_away:\n\t"
	"ret\n"
	".balign 4096\n"
	".popsection\n"
	".pushsection .data.domain, \"aw\"\n"
	".balign 4096\n"
	".globl domain_secret\n"
	"domain_secret:\n\t"
	".quad " STR(L2_DOMAIN_SECRET) "\n"
	".balign 4096\n"
	".popsection");

static struct {
	int armed;
	uint64_t target;
	uint64_t cr2, faults;
} guard;

int domain_probe_catch(struct isr_frame *f, uint64_t cr2)
{
	uint64_t *sp = (uint64_t *)(uintptr_t)f->rsp;

	if (!guard.armed || f->rip != guard.target || (f->cs & 3))
		return 0;
	guard.armed = 0;
	guard.cr2 = cr2;
	guard.faults++;
	f->rip = *sp;                   /* completed as the `ret` would have */
	f->rsp += 8;
	return 1;
}

/* The kernel's own addresses are their guest-physical ones (the direct
 * map of the first GiB, kernel.ld). */
static uint64_t pa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static struct nestlab_domain_desc desc;
static uint64_t domain_id;              /* CREATE's answer */

static uint64_t create(uint64_t c)
{
	uint64_t va = (uint64_t)(uintptr_t)&desc;

	desc = (struct nestlab_domain_desc){
		.magic = NESTLAB_DOMAIN_MAGIC, .version = NESTLAB_DOMAIN_VERSION,
		.gate = (uint64_t)(uintptr_t)domain_gate, .nr_ranges = 2,
		.range = { { pa_of(domain_gate), 1 }, { pa_of(&domain_secret), 1 } },
	};
	switch (c) {
	case L2_DOMAIN_DESC_MAGIC:    desc.magic ^= 1; break;
	case L2_DOMAIN_DESC_NO_RANGE: desc.nr_ranges = 0; break;
	case L2_DOMAIN_DESC_MISALIGN: desc.range[1].gpa += 8; break;
	case L2_DOMAIN_DESC_OUTSIDE:  desc.range[1].gpa = 1ull << 40; break;
	case L2_DOMAIN_DESC_TOO_BIG:  desc.range[1].pages = NESTLAB_DOMAIN_PAGES_MAX; break;
	case L2_DOMAIN_DESC_OVERLAP:  desc.range[1] = desc.range[0]; break;
	case L2_DOMAIN_DESC_GATE_OUT: desc.gate = (uint64_t)(uintptr_t)create; break;
	case L2_DOMAIN_DESC_UNMAPPED: va = 0xFFFF800000000000ull; break;
	}
	return va;
}

static void hc(struct l2_domain_test *t, uint64_t cmd, uint64_t a0, uint64_t a1)
{
	struct nestlab_hc_ret r = nestlab_hc_vmmcall(cmd, a0, a1, 0);

	t->status = r.status;
	t->ret0 = r.ret0;
	t->result = 0;
}

int64_t domain_test(uint64_t req_va)
{
	struct l2_domain_test *t = (struct l2_domain_test *)(uintptr_t)req_va;
	uint64_t v = 0;

	if (!process_user_range_ok(req_va, sizeof(*t)))
		return -L2_EFAULT;
	switch (t->op) {
	case L2_DOMAIN_CREATE:
		if (t->arg >= L2_DOMAIN_DESC_CASES) {
			t->result = -L2_EINVAL;
			break;
		}
		hc(t, NESTLAB_HC_DOMAIN_CREATE, create(t->arg), 0);
		if (t->status == NESTLAB_HC_OK)
			domain_id = t->ret0;
		break;
	case L2_DOMAIN_READ:
		t->result = probe_read64((uint64_t)(uintptr_t)&domain_secret, &v);
		t->ret0 = v;
		t->cr2 = read_cr2();
		break;
	case L2_DOMAIN_ENTER_AWAY:
		guard = (typeof(guard)){ .armed = 1, .target = (uint64_t)(uintptr_t)domain_away };
		((void (*)(void))(uintptr_t)domain_away)();
		guard.armed = 0;
		t->result = guard.faults ? -(L2_EPROBE_BASE + X86_EXC_PF) : 0;
		t->cr2 = guard.cr2;
		break;
	case L2_DOMAIN_CALL:
		hc(t, NESTLAB_HC_DOMAIN_CALL, domain_id, t->arg);
		break;
	case L2_DOMAIN_RETURN:
		hc(t, NESTLAB_HC_DOMAIN_RETURN, 0, 0);
		break;
	case L2_DOMAIN_CALL_BAD:
		hc(t, NESTLAB_HC_DOMAIN_CALL, domain_id + 1, 0);
		break;
	case L2_DOMAIN_ADDRESSES:
		t->result = (int64_t)(uintptr_t)&domain_secret;
		t->ret0 = (uint64_t)(uintptr_t)domain_away;
		break;
	default:
		t->result = -L2_EINVAL;
	}
	return 0;
}
