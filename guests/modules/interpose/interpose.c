/*
 * The system-call interposer, an L2 kernel module (include/nestlab/kmod.h;
 * the contract with L1 in include/nestlab/interpose.h; docs/interpose.md).
 *
 * mod_init fills the control page (its entry, its code range, its counter
 * page) and registers it with L1 (NESTLAB_HC_INTERPOSE_REGISTER). From then
 * on the CPU's LSTAR points at syscall_entry below, while L2's kernel
 * reads and writes its own LSTAR as before (L1 hides the hook).
 *
 * syscall_entry is reached by SYSCALL (AMD APM vol.2 6.1.1): CPL0, RCX =
 * the return RIP, R11 = the user's RFLAGS, RFLAGS masked by SFMASK (the
 * kernel's clears IF, TF, DF, AC), RSP still the user's, which the module
 * never touches (it may be anything). It switches to its own stack, saves
 * RFLAGS and every register the C calling convention lets a call clobber,
 * runs the operation (interpose_syscall) and restores them all, so the
 * guest's handler starts with the state SYSCALL gave: every register,
 * RFLAGS and RSP exactly as if SYSCALL had gone there directly. It then
 * jumps through the control page's real_target, which only L1 writes (the
 * page is read-only below L2). A denied number returns -1 (EPERM) to user
 * mode at once with SYSRETQ, RCX and R11 as SYSCALL left them. One CPU and
 * IF = 0 throughout: a single save area is enough.
 *
 * Variant inguest: the operation is done here (counts in the counter page,
 * a trace record, the deny set), no exit. Variant hypercall: one VMMCALL
 * per system call asks L1, which counts and decides.
 */
#include <nestlab/kmod.h>
#include <nestlab/interpose.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/trace.h>

KMOD_DECLARE("interpose");

union nestlab_interpose_ctl_page ip_ctl_page;
union nestlab_interpose_counters_page ip_counters_page;
#define ip_ctl      ip_ctl_page.ctl
#define ip_counters ip_counters_page.c
uint64_t ip_stack[512] __attribute__((aligned(16)));
uint64_t ip_user_rsp;

uint64_t interpose_syscall(uint64_t nr);
void syscall_entry(void);

#define IP_STR_(x) #x
#define IP_STR(x) IP_STR_(x)

/* The entry's jump reads real_target at this fixed offset. */
#define IP_REAL_TARGET_OFFSET 40
_Static_assert(__builtin_offsetof(struct nestlab_interpose_ctl, real_target) ==
	       IP_REAL_TARGET_OFFSET, "real_target offset");

__asm__(
	".pushsection .text\n"
	".globl syscall_entry\n"
	".type syscall_entry, @function\n"
	"syscall_entry:\n\t"
	"mov %rsp, ip_user_rsp(%rip)\n\t"
	"lea ip_stack+4096(%rip), %rsp\n\t"
	"pushfq\n\t"
	"push %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"
	"push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\t"
	"mov %rax, %rdi\n\t"
	"call interpose_syscall\n\t"    /* 10 pushes: RSP 16-aligned at the call */
	"test %rax, %rax\n\t"
	"jnz 1f\n\t"
	"pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\tpop %rdi\n\t"
	"pop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n\t"
	"popfq\n\t"
	"mov ip_user_rsp(%rip), %rsp\n\t"
	"jmp *ip_ctl_page+" IP_STR(IP_REAL_TARGET_OFFSET) "(%rip)\n"
	"1:\n\t"
	"pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\tpop %rdi\n\t"
	"pop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n\t"
	"popfq\n\t"
	"mov $-" IP_STR(NESTLAB_INTERPOSE_DENY_ERRNO) ", %rax\n\t"
	"mov ip_user_rsp(%rip), %rsp\n\t"
	"sysretq\n"
	".size syscall_entry, . - syscall_entry\n"
	".popsection\n");

uint64_t interpose_syscall(uint64_t nr)
{
	const volatile struct nestlab_interpose_ctl *c = &ip_ctl;
	uint32_t op = c->op;
	uint64_t deny;

	if (c->variant == NESTLAB_INTERPOSE_HYPERCALL) {
		struct nestlab_hc_ret r = nestlab_hc_vmmcall(NESTLAB_HC_INTERPOSE_SYSCALL, nr, 0, 0);

		return r.status == NESTLAB_HC_OK && r.ret0 == 1;
	}
	deny = op == NESTLAB_INTERPOSE_OP_DENY && nr < NESTLAB_INTERPOSE_NRS &&
	       (c->deny[nr / 64] >> (nr % 64) & 1);
	ip_counters.total++;
	if (nr < NESTLAB_INTERPOSE_NRS)
		ip_counters.nr[nr]++;
	else
		ip_counters.other++;
	ip_counters.denied += deny;
	if (op == NESTLAB_INTERPOSE_OP_TRACE)
		ktrace(NESTLAB_TRACE_L2_INTERPOSE, 3, (uint32_t)nr, deny, 0, 0);
	return deny;
}

int mod_init(void)
{
	struct nestlab_hc_ret r;
	uint64_t start, end;

	if (kmod_code_range(&start, &end)) {
		kprintf("kmod interpose: the kernel does not know this module's code\n");
		return -1;
	}
	ip_ctl.magic = NESTLAB_INTERPOSE_MAGIC;
	ip_ctl.version = NESTLAB_INTERPOSE_VERSION;
	ip_ctl.entry = (uint64_t)(uintptr_t)syscall_entry;
	ip_ctl.code_start = start;
	ip_ctl.code_end = end;
	ip_ctl.counters = (uint64_t)(uintptr_t)&ip_counters;
	r = nestlab_hc_vmmcall(NESTLAB_HC_INTERPOSE_REGISTER, (uint64_t)(uintptr_t)&ip_ctl, 0, 0);
	if (r.status != NESTLAB_HC_OK) {
		kprintf("kmod interpose: L1 refused the registration: status %lu\n", r.status);
		return -(int)(r.status & 0xFF) - 1;
	}
	kprintf("kmod interpose: registered with L1 (variant %lu), entry 0x%lx, code "
		"[0x%lx, 0x%lx)\n", r.ret0, ip_ctl.entry, start, end);
	return 0;
}
