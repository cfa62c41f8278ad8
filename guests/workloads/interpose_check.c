/*
 * Workload "interpose-check": what system-call interposition
 * (docs/interpose.md) promises L2, checked from inside it, with the kernel
 * doing the privileged parts (kernel/interpose_probe.c, L2_TEST_INTERPOSE).
 *
 * At both levels, whatever L1 does (NESTLAB_WM_INTERPOSE_LSTAR_CHECKS):
 * LSTAR reads what the kernel wrote; a write of the same value reads back;
 * a write of a second entry reads back and redirects SYSCALL there (the
 * getpid and the count's own call: 2 calls counted, getpid's result
 * right); a write back restores it; the entry's first byte reads as the
 * kernel's code (under the breakpoint variant an INT3 is fetched there).
 *
 * At level 2, by what L1 says it does (NESTLAB_HC_INTERPOSE_QUERY, CONFIG):
 *   - off: QUERY and REGISTER at CPL0 answer E_STATE, REGISTER at CPL3
 *     E_PERM (3 checks);
 *   - trap and breakpoint: QUERY's count grows by exactly 4 across 3
 *     getpids (the second QUERY's own call is the fourth), REGISTER
 *     answers E_STATE, at CPL3 E_PERM (3);
 *   - inguest or hypercall (L1 emulates LSTAR) first: a non-canonical
 *     write raises #GP(0) and changes nothing (Intel SDM vol.2B WRMSR);
 *   - then with the interposer module registered: the count as under
 *     trap; a hostile kernel's writes into the module's
 *     entry code and into its control page's real target do not take
 *     effect and its write into the counter page does; L1 counts exactly
 *     those 2 refusals; REGISTER of the module's page again answers
 *     E_STATE, at CPL3 E_PERM (1 + 7);
 *   - inguest or hypercall with no module registered (another module, e.g.
 *     hello): every registration case of uapi.h answers its code, then
 *     the valid one OK, once (E_STATE again), QUERY says registered, at
 *     CPL3 E_PERM (1 + 15).
 * After the phase it prints what getppid, getuid and an unknown number
 * returned (the deny test's lines, tests/integration/interpose.sh).
 */
#include <nestlab/workload_model.h>
#include <nestlab/interpose.h>
#include "ulib.h"

#define NONCANONICAL 0x0000800000000000ull
#define UNKNOWN_NR   200

struct checks {
	unsigned n, failed;
	const char *what[NESTLAB_WM_INTERPOSE_CHECKS_MAX];
	int ok[NESTLAB_WM_INTERPOSE_CHECKS_MAX];
};

static void check(struct checks *c, const char *what, int ok)
{
	if (c->n < NESTLAB_WM_INTERPOSE_CHECKS_MAX) {
		c->what[c->n] = what;
		c->ok[c->n] = ok;
	}
	c->n++;
	c->failed += !ok;
}

static struct l2_interpose_test kt(uint64_t op, uint64_t arg)
{
	struct l2_interpose_test t = { .op = op, .arg = arg, .status = ~0ull };

	u_syscall(L2_SYS_TEST, L2_TEST_INTERPOSE, (uint64_t)(uintptr_t)&t, 0);
	return t;
}

static int64_t kval(uint64_t op, uint64_t arg)
{
	return kt(op, arg).result;
}

/* An interposition hypercall at CPL0: its status (ret0/ret1 in *t). */
static uint64_t khc(uint64_t cmd, uint32_t a0, struct l2_interpose_test *t)
{
	*t = kt(L2_INTERPOSE_HC, cmd << 32 | a0);
	return t->result ? ~0ull : t->status;
}

static void lstar_checks(struct checks *c, int64_t pid)
{
	uint64_t entry = (uint64_t)kval(L2_INTERPOSE_ENTRY, 0);
	uint64_t alt = (uint64_t)kval(L2_INTERPOSE_ALT_ENTRY, 0);
	int64_t n0, n1, got;

	check(c, "LSTAR reads the kernel's entry", (uint64_t)kval(L2_INTERPOSE_LSTAR_READ, 0) == entry);
	check(c, "LSTAR written with the same value reads it back",
	      kval(L2_INTERPOSE_LSTAR_WRITE, entry) == 0 &&
	      (uint64_t)kval(L2_INTERPOSE_LSTAR_READ, 0) == entry);
	check(c, "LSTAR written with a second entry reads it back",
	      kval(L2_INTERPOSE_LSTAR_WRITE, alt) == 0 &&
	      (uint64_t)kval(L2_INTERPOSE_LSTAR_READ, 0) == alt);
	n0 = kval(L2_INTERPOSE_ALT_COUNT, 0);
	got = u_getpid();
	n1 = kval(L2_INTERPOSE_ALT_COUNT, 0);
	check(c, "SYSCALL goes to the second entry (2 calls), getpid right",
	      n1 - n0 == 2 && got == pid);
	check(c, "LSTAR written back reads the kernel's entry",
	      kval(L2_INTERPOSE_LSTAR_WRITE, entry) == 0 &&
	      (uint64_t)kval(L2_INTERPOSE_LSTAR_READ, 0) == entry);
	check(c, "the entry's first byte reads as the kernel's code, not a breakpoint",
	      kval(L2_INTERPOSE_ENTRY_BYTE, 0) == L2_INTERPOSE_ENTRY_FIRST_BYTE);
}

/* Only where L1 emulates WRMSR of LSTAR: QEMU's TCG (7.2) takes a
 * non-canonical LSTAR without #GP, and the next SYSCALL then faults in
 * the kernel, so the CPU's own behaviour is not probed. */
static void noncanonical_check(struct checks *c)
{
	uint64_t entry = (uint64_t)kval(L2_INTERPOSE_ENTRY, 0);

	check(c, "a non-canonical LSTAR raises #GP(0) and changes nothing",
	      kval(L2_INTERPOSE_LSTAR_WRITE, NONCANONICAL) == -(L2_EPROBE_BASE + 13) &&
	      (uint64_t)kval(L2_INTERPOSE_LSTAR_READ, 0) == entry);
}

static int count_grows_by_4(void)
{
	struct l2_interpose_test t;
	uint64_t q1, q2;

	if (khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_COUNTS, &t) != NESTLAB_HC_OK)
		return 0;
	q1 = t.ret0;
	u_getpid();
	u_getpid();
	u_getpid();
	if (khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_COUNTS, &t) != NESTLAB_HC_OK)
		return 0;
	q2 = t.ret0;
	return q2 - q1 == 4;
}

static int cpl3_register_refused(void)
{
	return nestlab_hc_vmmcall(NESTLAB_HC_INTERPOSE_REGISTER, 0, 0, 0).status ==
	       NESTLAB_HC_E_PERM;
}

static void registration_cases(struct checks *c)
{
	static const struct { uint32_t reg; uint64_t status; const char *what; } cases[] = {
		{ L2_INTERPOSE_REG_MISALIGNED, NESTLAB_HC_E_INVAL, "REGISTER misaligned: E_INVAL" },
		{ L2_INTERPOSE_REG_UNMAPPED, NESTLAB_HC_E_FAULT, "REGISTER unmapped page: E_FAULT" },
		{ L2_INTERPOSE_REG_USER_PAGE, NESTLAB_HC_E_FAULT, "REGISTER user page: E_FAULT" },
		{ L2_INTERPOSE_REG_MAGIC, NESTLAB_HC_E_INVAL, "REGISTER wrong magic: E_INVAL" },
		{ L2_INTERPOSE_REG_VERSION, NESTLAB_HC_E_INVAL, "REGISTER wrong version: E_INVAL" },
		{ L2_INTERPOSE_REG_ENTRY_OUT, NESTLAB_HC_E_RANGE, "REGISTER entry past the code: E_RANGE" },
		{ L2_INTERPOSE_REG_CODE_BIG, NESTLAB_HC_E_RANGE, "REGISTER 17 code pages: E_RANGE" },
		{ L2_INTERPOSE_REG_CODE_ALIGN, NESTLAB_HC_E_INVAL, "REGISTER code end misaligned: E_INVAL" },
		{ L2_INTERPOSE_REG_COUNTERS_CTL, NESTLAB_HC_E_INVAL, "REGISTER counters = control: E_INVAL" },
		{ L2_INTERPOSE_REG_COUNTERS_OUT, NESTLAB_HC_E_FAULT, "REGISTER counters unmapped: E_FAULT" },
		{ L2_INTERPOSE_REG_CODE_IS_CTL, NESTLAB_HC_E_INVAL, "REGISTER code = control: E_INVAL" },
		{ L2_INTERPOSE_REG_VALID, NESTLAB_HC_OK, "REGISTER valid: OK" },
		{ L2_INTERPOSE_REG_AGAIN, NESTLAB_HC_E_STATE, "REGISTER again: E_STATE" },
	};
	struct l2_interpose_test t;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(c, cases[i].what,
		      khc(NESTLAB_HC_INTERPOSE_REGISTER, cases[i].reg, &t) == cases[i].status);
	check(c, "QUERY says registered",
	      khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_CONFIG, &t) == NESTLAB_HC_OK &&
	      t.ret1 == 1);
	check(c, "REGISTER at CPL3: E_PERM", cpl3_register_refused());
}

static void level2_checks(struct checks *c)
{
	struct l2_interpose_test t;
	uint64_t st = khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_CONFIG, &t);
	unsigned variant = (unsigned)(t.ret0 & 0xFF);

	if (st == NESTLAB_HC_E_STATE) {
		check(c, "QUERY of the counts with interposition off: E_STATE",
		      khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_COUNTS, &t) ==
		      NESTLAB_HC_E_STATE);
		check(c, "REGISTER with interposition off: E_STATE",
		      khc(NESTLAB_HC_INTERPOSE_REGISTER, L2_INTERPOSE_REG_VALID, &t) ==
		      NESTLAB_HC_E_STATE);
		check(c, "REGISTER at CPL3: E_PERM", cpl3_register_refused());
		return;
	}
	if (st != NESTLAB_HC_OK) {
		check(c, "QUERY answers", 0);
		return;
	}
	if (variant == NESTLAB_INTERPOSE_TRAP || variant == NESTLAB_INTERPOSE_BREAKPOINT) {
		check(c, "the count grows by 4 across 3 getpids", count_grows_by_4());
		check(c, "REGISTER without a module: E_STATE",
		      khc(NESTLAB_HC_INTERPOSE_REGISTER, L2_INTERPOSE_REG_VALID, &t) ==
		      NESTLAB_HC_E_STATE);
		check(c, "REGISTER at CPL3: E_PERM", cpl3_register_refused());
		return;
	}
	noncanonical_check(c);
	if (!t.ret1) {
		registration_cases(c);
		return;
	}
	check(c, "the count grows by 4 across 3 getpids", count_grows_by_4());
	check(c, "a write into the module's entry code does not take effect",
	      kval(L2_INTERPOSE_TAMPER, 0) == 0);
	check(c, "a write into the control page's real target does not take effect",
	      kval(L2_INTERPOSE_TAMPER, 1) == 0);
	check(c, "a write into the counter page takes effect", kval(L2_INTERPOSE_TAMPER, 2) == 1);
	check(c, "L1 refused exactly those 2 writes",
	      khc(NESTLAB_HC_INTERPOSE_QUERY, NESTLAB_INTERPOSE_Q_COUNTS, &t) == NESTLAB_HC_OK &&
	      t.ret1 == 2);
	check(c, "REGISTER of the module's page again: E_STATE",
	      khc(NESTLAB_HC_INTERPOSE_REGISTER, L2_INTERPOSE_REG_MODULE, &t) ==
	      NESTLAB_HC_E_STATE);
	check(c, "REGISTER at CPL3: E_PERM", cpl3_register_refused());
}

int wl_interpose_check(const struct wl_args *a)
{
	struct checks c = { 0 };
	int64_t pid = u_getpid(), ph = u_phase_begin(a);
	static const uint64_t shown[] = { L2_SYS_GETPPID, L2_SYS_GETUID, UNKNOWN_NR };

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	lstar_checks(&c, pid);
	if (a->level == 2)
		level2_checks(&c);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (unsigned i = 0; i < c.n && i < NESTLAB_WM_INTERPOSE_CHECKS_MAX; i++)
		u_printf("%s: interpose-check: %s\n", c.ok[i] ? "PASS" : "FAIL", c.what[i]);
	for (unsigned i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		u_printf("interpose-check: system call %lu returned %ld\n", shown[i],
			 u_syscall(shown[i], 0, 0, 0));
	return c.failed || c.n > NESTLAB_WM_INTERPOSE_CHECKS_MAX ? NESTLAB_STATUS_WORKLOAD_FAIL :
	       NESTLAB_STATUS_PASS;
}
