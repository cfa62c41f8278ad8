/*
 * Hypercall dispatcher: every command's success path and every error code,
 * the CPL3 allowlist, pointer checks before any guest read, exactly one copy
 * per pointer argument, and marker flags for phase accounting.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/core/hypercall.h"
#include "../../l1hyp/core/exit_stats.h"
#include <nestlab/status.h>

/* A fake guest: 64 KiB of memory at gva 0x400000; anything else faults. */
#define GBASE 0x400000ull
static char gmem[0x10000];
static int copies;
static char console[8192];
static size_t console_len;
static int exit_called;
static unsigned exit_status;
static struct exit_stats stats;
static char scratch[NESTLAB_HC_CONSOLE_MAX];

/* ... and the last page of the address space, [TOP, 2^64). */
#define TOP 0xFFFFFFFFFFFFF000ull
static char gtop[0x1000];

static int fake_copy(void *ctx, uint64_t gva, void *dst, size_t len)
{
	copies++;
	if (gva >= TOP && len - 1 <= ~gva) {
		memcpy(dst, gtop + (gva - TOP), len);
		return 0;
	}
	if (gva < GBASE || gva + len > GBASE + sizeof(gmem))
		return -1;
	memcpy(dst, gmem + (gva - GBASE), len);
	return 0;
}

static void fake_console(void *ctx, const char *buf, size_t len)
{
	memcpy(console + console_len, buf, len);
	console_len += len;
}

static void fake_exit(void *ctx, unsigned status)
{
	exit_called++;
	exit_status = status;
}

static uint64_t traced_gpa, traced_bytes;
static int trace_calls;

static uint32_t fake_trace_register(void *ctx, uint64_t gpa, uint64_t bytes)
{
	trace_calls++;
	if (traced_bytes)
		return NESTLAB_HC_E_STATE;
	traced_gpa = gpa;
	traced_bytes = bytes;
	return NESTLAB_HC_OK;
}

static struct hc_env env_at(unsigned cpl)
{
	return (struct hc_env){
		.cpl = cpl, .features = 0x5, .tsc = 1000, .stats = &stats,
		.scratch = scratch, .copy_from_guest = fake_copy,
		.console_write = fake_console, .request_exit = fake_exit,
		.trace_register = fake_trace_register,
	};
}

static struct hc_regs call(uint64_t cmd, uint64_t a0, uint64_t a1)
{
	return (struct hc_regs){ .rax = NESTLAB_HC_MAGIC, .rcx = cmd, .rbx = a0,
				 .rsi = a1, .rdi = 0x77, .rdx = 0x5658 };
}

static void setup(void)
{
	memset(gmem, 0, sizeof(gmem));
	copies = 0;
	console_len = 0;
	exit_called = 0;
	traced_gpa = traced_bytes = 0;
	trace_calls = 0;
	exit_stats_init(&stats);
	hc_ext_reset();
}

TestSuite(hypercall, .init = setup);

static uint64_t ext_args[3];
static void *ext_ctx;

static uint32_t fake_ext(void *ctx, const uint64_t args[3], uint64_t *r0, uint64_t *r1)
{
	ext_ctx = ctx;
	for (unsigned i = 0; i < 3; i++)
		ext_args[i] = args[i];
	if (args[0] == 0)
		return NESTLAB_HC_E_INVAL;
	*r0 = args[0] + 1;
	*r1 = args[1] + 1;
	return NESTLAB_HC_OK;
}

/* Mechanism commands: E_STATE until a mechanism registers one; then its
 * handler gets RBX/RSI/RDI and the env's ctx, its results come back only
 * with OK; CPL0 only; a command registers once, and only in its range. */
Test(hypercall, mechanism_commands)
{
	struct hc_env env = env_at(0);
	struct hc_regs r = call(NESTLAB_HC_MBEC_SET, 0x1000, 2);

	env.ctx = &stats;
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_STATE));
	cr_assert(eq(int, hc_ext_register(NESTLAB_HC_MBEC_SET, fake_ext), 0));
	cr_assert(eq(int, hc_ext_register(NESTLAB_HC_MBEC_SET, fake_ext), -1));
	cr_assert(eq(int, hc_ext_register(NESTLAB_HC_NOP, fake_ext), -1));
	cr_assert(eq(int, hc_ext_register(NESTLAB_HC_NR_CMDS, fake_ext), -1));
	r = call(NESTLAB_HC_MBEC_SET, 0x1000, 2);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 0x1001));
	cr_assert(eq(u64, r.rsi, 3));
	cr_assert(eq(u64, ext_args[2], 0x77));
	cr_assert(eq(ptr, ext_ctx, &stats));
	r = call(NESTLAB_HC_MBEC_SET, 0, 2);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	cr_assert(eq(u64, r.rbx, 0));
	cr_assert(eq(u64, r.rsi, 0));
	env = env_at(3);
	r = call(NESTLAB_HC_MBEC_SET, 0x1000, 2);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_PERM));
	r = call(NESTLAB_HC_MBEC_QUERY, 0x1000, 0);
	env = env_at(0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_STATE));
}

Test(hypercall, version_returns_abi_and_features)
{
	struct hc_env env = env_at(3);
	struct hc_regs r = call(NESTLAB_HC_VERSION, 0, 0);

	cr_assert(eq(u32, hc_dispatch(&r, &env), 0));
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, NESTLAB_HC_ABI_VERSION));
	cr_assert(eq(u64, r.rsi, 0x5));
	cr_assert(eq(u64, r.rdi, 0x77));   /* untouched */
}

Test(hypercall, bad_magic_is_refused_before_anything_else)
{
	struct hc_env env = env_at(0);
	struct hc_regs r = call(NESTLAB_HC_EXIT, 0, 0);

	r.rax = 0x564D5869;
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_MAGIC));
	cr_assert(eq(int, exit_called, 0));
	r = call(NESTLAB_HC_NOP, 0, 0);
	r.rax |= 1ull << 32;               /* magic must be the whole RAX */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_MAGIC));
}

Test(hypercall, unknown_command_gets_the_fixed_error)
{
	struct hc_env env = env_at(0);
	uint64_t cmds[] = { NESTLAB_HC_NR_CMDS, NESTLAB_HC_NR_CMDS + 5, 1ull << 32, ~0ull };

	for (unsigned i = 0; i < 4; i++) {
		struct hc_regs r = call(cmds[i], 0, 0);

		hc_dispatch(&r, &env);
		cr_assert(eq(u64, r.rax, NESTLAB_HC_E_UNKNOWN));
		cr_assert(eq(u64, r.rbx, 0));
	}
}

Test(hypercall, cpl3_reaches_only_the_allowlist)
{
	struct hc_env env = env_at(3);
	struct hc_regs r = call(NESTLAB_HC_EXIT, 0, 0);

	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_PERM));
	cr_assert(eq(int, exit_called, 0));
	r = call(NESTLAB_HC_NOP, 0, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	env = env_at(0);
	r = call(NESTLAB_HC_EXIT, NESTLAB_STATUS_WORKLOAD_FAIL, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(int, exit_called, 1));
	cr_assert(eq(u32, exit_status, NESTLAB_STATUS_WORKLOAD_FAIL));
}

Test(hypercall, exit_status_out_of_range_is_invalid)
{
	struct hc_env env = env_at(0);
	struct hc_regs r = call(NESTLAB_HC_EXIT, NESTLAB_STATUS_MAX + 1, 0);

	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	cr_assert(eq(int, exit_called, 0));
}

Test(hypercall, console_write_copies_once_and_forwards)
{
	struct hc_env env = env_at(3);
	struct hc_regs r = call(NESTLAB_HC_CONSOLE_WRITE, GBASE + 0x0FFE, 5);

	memcpy(gmem + 0x0FFE, "hello", 5);      /* crosses a page boundary */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 5));
	cr_assert(eq(int, copies, 1));
	cr_assert(eq(u64, console_len, 5));
	cr_assert(eq(int, memcmp(console, "hello", 5), 0));
}

Test(hypercall, console_write_errors)
{
	struct hc_env env = env_at(3);
	struct hc_regs r;

	r = call(NESTLAB_HC_CONSOLE_WRITE, GBASE, NESTLAB_HC_CONSOLE_MAX + 1);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_RANGE));
	cr_assert(eq(int, copies, 0));

	r = call(NESTLAB_HC_CONSOLE_WRITE, 0x1000, 16);           /* unmapped */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));

	r = call(NESTLAB_HC_CONSOLE_WRITE, 0x0000800000000000ull, 8); /* non-canonical */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));

	r = call(NESTLAB_HC_CONSOLE_WRITE, 0x00007FFFFFFFFFF8ull, 16); /* crosses the hole */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));

	r = call(NESTLAB_HC_CONSOLE_WRITE, ~0ull - 3, 16);         /* wraps */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));
	cr_assert(eq(int, copies, 1));   /* only the unmapped one reached the copier */
	cr_assert(eq(u64, console_len, 0));

	r = call(NESTLAB_HC_CONSOLE_WRITE, 0, 0);                 /* empty is fine */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 0));
}

Test(hypercall, phases_open_close_and_flag_markers)
{
	struct hc_env env = env_at(3);
	struct hc_regs r;

	memcpy(gmem, "cpuid", 5);
	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, 5);
	cr_assert(eq(u32, hc_dispatch(&r, &env), HC_MARKER));
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 0));
	cr_assert(eq(str, stats.phase[0].name, "cpuid"));
	cr_assert(eq(u64, stats.phase[0].tsc_begin, 1000));

	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, 5);                /* nested */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_STATE));

	env.tsc = 5000;
	r = call(NESTLAB_HC_PHASE_END, 0, 0);
	cr_assert(eq(u32, hc_dispatch(&r, &env), HC_MARKER));
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, stats.phase[0].tsc_end, 5000));

	r = call(NESTLAB_HC_PHASE_END, 0, 0);                      /* not open */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_STATE));
	r = call(NESTLAB_HC_PHASE_END, 7, 0);                      /* never begun */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_PHASE_END, 1ull << 40, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
}

Test(hypercall, phase_name_checks)
{
	struct hc_env env = env_at(0);
	struct hc_regs r;

	memcpy(gmem, "bad name", 8);
	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, NESTLAB_PHASE_NAME_MAX + 1);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_RANGE));
	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, 8);                /* space */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_PHASE_BEGIN, 0x10, 3);                 /* unreadable */
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));
	cr_assert(eq(u32, stats.nr_phases, 0));
}

Test(hypercall, counter_query_reads_phase_and_totals)
{
	struct hc_env env = env_at(3);
	struct hc_regs r;

	memcpy(gmem, "p", 1);
	r = call(NESTLAB_HC_PHASE_BEGIN, GBASE, 1);
	hc_dispatch(&r, &env);
	exit_stats_record(&stats, NESTLAB_EXIT_CPUID, 40, true);
	exit_stats_record(&stats, NESTLAB_EXIT_CPUID, 60, true);
	exit_stats_record(&stats, NESTLAB_EXIT_VMMCALL, 10, false);

	r = call(NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_CPUID, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 2));
	cr_assert(eq(u64, r.rsi, 100));
	r = call(NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_VMMCALL, NESTLAB_HC_TOTALS);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rbx, 1));
	r = call(NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_VMMCALL, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rbx, 0));
	r = call(NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_NR, 0);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_COUNTER_QUERY, NESTLAB_EXIT_CPUID, 3);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
}

Test(hypercall, buffer_plausibility)
{
	cr_assert(eq(int, hc_buffer_plausible(0, 0), 1));
	cr_assert(eq(int, hc_buffer_plausible(0x7FFFFFFFF000ull, 0x1000), 1));
	cr_assert(eq(int, hc_buffer_plausible(0x7FFFFFFFF000ull, 0x1001), 0));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFF800000000000ull, 16), 1));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFF7FFFFFFFFFFFull, 1), 0));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFFFFFFFFFFFFF0ull, 0x20), 0));
	/* Exactly at the top of the address space: the last byte is
	 * 0xFFFF_FFFF_FFFF_FFFF, no wrap (a 31-byte console write from there
	 * is fine, one byte more is not). */
	cr_assert(eq(int, hc_buffer_plausible(0xFFFFFFFFFFFFFFE1ull, 0x1F), 1));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFFFFFFFFFFFFE1ull, 0x20), 0));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFFFFFFFFFFFFFFull, 1), 1));
	cr_assert(eq(int, hc_buffer_plausible(0xFFFFFFFFFFFFFFFFull, 2), 0));
	/* ... and at the top of the lower half. */
	cr_assert(eq(int, hc_buffer_plausible(0x7FFFFFFFFFFFull, 1), 1));
	cr_assert(eq(int, hc_buffer_plausible(0x7FFFFFFFFFFFull, 2), 0));
}

Test(hypercall, buffers_ending_at_the_top_of_the_address_space)
{
	struct hc_env env = env_at(0);
	struct hc_regs r = call(NESTLAB_HC_CONSOLE_WRITE, 0xFFFFFFFFFFFFFFE1ull, 0x1F);

	memset(gtop + 0xFE1, 'x', 0x1F);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, r.rbx, 0x1F));
	cr_assert(eq(u64, console_len, 0x1F));
	memcpy(gtop + 0xFFA, "top.1", 5);
	r = call(NESTLAB_HC_PHASE_BEGIN, 0xFFFFFFFFFFFFFFFAull, 5);
	cr_assert(eq(u32, hc_dispatch(&r, &env), HC_MARKER));
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(str, stats.phase[0].name, "top.1"));
	/* One byte more would wrap: E_FAULT, and nothing is read. */
	copies = 0;
	r = call(NESTLAB_HC_CONSOLE_WRITE, 0xFFFFFFFFFFFFFFE1ull, 0x20);
	hc_dispatch(&r, &env);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_FAULT));
	cr_assert(eq(int, copies, 0));
}

/* TRACE_REGISTER: CPL0 only, 4 KiB alignment, a bounded size, then L1's
 * answer (one ring per run). */
Test(hypercall, trace_register_checks_its_arguments)
{
	struct hc_env env0 = env_at(0), env3 = env_at(3);
	struct hc_regs r;

	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200000, 0x10000);
	hc_dispatch(&r, &env3);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_PERM));
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200010, 0x10000);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200000, 0x10001);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_INVAL));
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200000, 0);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_RANGE));
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200000, NESTLAB_HC_TRACE_MAX_BYTES + 0x1000);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_RANGE));
	cr_assert(eq(int, trace_calls, 0));            /* nothing reached L1 yet */
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x200000, 0x10000);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_OK));
	cr_assert(eq(u64, traced_gpa, 0x200000));
	cr_assert(eq(u64, traced_bytes, 0x10000));
	r = call(NESTLAB_HC_TRACE_REGISTER, 0x300000, 0x10000);
	hc_dispatch(&r, &env0);
	cr_assert(eq(u64, r.rax, NESTLAB_HC_E_STATE));
}
