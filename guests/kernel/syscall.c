/*
 * The system-call table of the L2 kernel and its handlers. syscall_entry
 * (entry.S) calls syscall_dispatch(), which makes one indirect call through
 * syscall_table[nr] (the call the inlined-trampoline mechanism replaces with
 * direct calls) and
 * counts the calls per entry (the frequencies such trampolines are built from).
 * With trampoline=global the untraced dispatch learns in ktramp_learn
 * (ktramp.c), then calls the published trampoline (`call ktramp_page`);
 * with trampoline=process the same code runs each process's own: the state,
 * the counts and the trampoline are at the same addresses in every
 * process, each mapped to the process's own page (ktramp.h); the traced
 * path (trace=) always calls the table.
 */
#include <nestlab/status.h>
#include <nestlab/bootargs.h>
#include "uapi.h"
#include "kernel.h"
#include "probe.h"
#include "mbec.h"
#include "interpose_probe.h"
#include "domain_probe.h"
#include "arch.h"
#include "trace.h"
#include "ktramp.h"


static int64_t sys_exit(uint64_t status, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	if (status > NESTLAB_STATUS_MAX)
		status = NESTLAB_STATUS_WORKLOAD_FAIL;
	sched_exit((unsigned)status);
}

static int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t len, uint64_t a3, uint64_t a4)
{
	if (fd != 1 && fd != 2)
		return -L2_EINVAL;
	return console_write_user((const char *)(uintptr_t)buf, len);
}

static int64_t sys_getpid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return (int64_t)process_pid();
}

static int64_t sys_getppid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return 0; /* started by the kernel */
}

static int64_t sys_getuid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return L2_UID;
}

static int64_t sys_phase_begin(uint64_t name, uint64_t len, uint64_t a2, uint64_t a3,
			       uint64_t a4)
{
	return phase_begin((const char *)(uintptr_t)name, len);
}

static int64_t sys_phase_end(uint64_t index, uint64_t a1, uint64_t a2, uint64_t a3,
			     uint64_t a4)
{
	return phase_end(index);
}

static int64_t sys_mmap(uint64_t len, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return process_mmap(len);
}

static int64_t sys_test(uint64_t kind, uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4)
{
	switch (kind) {
	case L2_TEST_TRIPLEFAULT:
		/* IDT limit 0: the #UD cannot be delivered (#GP), nor can the
		 * #GP (#DF), nor the #DF: shutdown (APM vol.2 8.2.9). */
		desc_load_empty_idt();
		__asm__ __volatile__("ud2");
		return -L2_EINVAL; /* not reached */
	case L2_TEST_MAP_OUTSIDE:
		return process_map_outside(arg);
	case L2_TEST_PROBE:
		return probe_run(arg);
	case L2_TEST_MBEC_HC:
		return mbec_hc_for_user(arg);
	case L2_TEST_MBEC_POLICY: {
		char why[160];
		int64_t r = mbec_policy_declare(why, sizeof(why));

		if (r < 0)
			kprintf("nestlab-l2: %s\n", why);
		return r;
	}
	case L2_TEST_USER_PA:
		return process_user_pa(arg);
	case L2_TEST_MBEC_KEXEC:
		return mbec_probe_kexec(arg);
	case L2_TEST_MBEC_ALIAS:
		return mbec_probe_alias();
	case L2_TEST_MBEC_FAULT:
		return mbec_probe_fault(arg);
	case L2_TEST_INTERPOSE:
		return interpose_test(arg);
	case L2_TEST_DOMAIN:
		return domain_test(arg);
	case L2_TEST_MBEC_KALIAS:
		return mbec_probe_kalias(arg);
	}
	return -L2_EINVAL;
}

static int64_t sys_level(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return l2k.level;
}

static int64_t sys_yield(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return sched_yield();
}

static int64_t sys_timer(uint64_t on, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	if (!l2k.timer_ready)
		return -L2_EPERM;
	if (on)
		apic_timer_start(l2k.cfg.timer_hz);
	else
		apic_timer_stop();
	return 0;
}

const syscall_fn syscall_table[L2_SYS_NR] = {
	[L2_SYS_EXIT]        = sys_exit,
	[L2_SYS_WRITE]       = sys_write,
	[L2_SYS_GETPID]      = sys_getpid,
	[L2_SYS_GETPPID]     = sys_getppid,
	[L2_SYS_GETUID]      = sys_getuid,
	[L2_SYS_PHASE_BEGIN] = sys_phase_begin,
	[L2_SYS_PHASE_END]   = sys_phase_end,
	[L2_SYS_MMAP]        = sys_mmap,
	[L2_SYS_TEST]        = sys_test,
	[L2_SYS_LEVEL]       = sys_level,
	[L2_SYS_YIELD]       = sys_yield,
	[L2_SYS_TIMER]       = sys_timer,
};

/* The traced path: entry and exit records around the call. Out of line so
 * that the untraced dispatch keeps its frame (one test of a global). */
static __attribute__((noinline)) int64_t
syscall_dispatch_traced(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			uint64_t a4)
{
	int64_t ret = -L2_ENOSYS;

	trace_event_slow(NESTLAB_TRACE_L2_SYSCALL_ENTRY, 3, (uint32_t)nr, 0, a0, a1, a2);
	if (nr < L2_SYS_NR) {
		ret = syscall_table[nr](a0, a1, a2, a3, a4);
		syscall_counts[nr]++;
	}
	trace_event_slow(NESTLAB_TRACE_L2_SYSCALL_EXIT, 3, (uint32_t)nr, 0, (uint64_t)ret, 0, 0);
	return ret;
}

int64_t syscall_dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			 uint64_t a4)
{
	int64_t ret;

	if (__builtin_expect(trace_on(), 0))
		return syscall_dispatch_traced(nr, a0, a1, a2, a3, a4);
	if (nr >= L2_SYS_NR)
		return -L2_ENOSYS;
	if (__builtin_expect(ktramp_state, 0)) {
		if (ktramp_state > 0)
			return ktramp_learn(nr, a0, a1, a2, a3, a4);
		ret = ktramp_call(nr, a0, a1, a2, a3, a4);
		syscall_counts[nr]++;
		return ret;
	}
	ret = syscall_table[nr](a0, a1, a2, a3, a4);
	syscall_counts[nr]++;
	return ret;
}
