/*
 * Unit tests of the procs= list parser (include/nestlab/procs.h), shared by
 * the L2 kernel and the launcher.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include <nestlab/procs.h>

static struct nestlab_procs p;
static size_t off, len;

static int parse(const char *s)
{
	off = len = 99;
	return nestlab_procs_parse(s, strlen(s), &p, &off, &len);
}

Test(procs, default_list)
{
	cr_assert(eq(int, parse(NESTLAB_PROCS_DEFAULT), NESTLAB_PROCS_OK));
	cr_assert(eq(u32, p.n, 2));
	cr_assert(eq(u32, p.prog[0], NESTLAB_WL_CPUID));
	cr_assert(eq(u32, p.prog[1], NESTLAB_WL_GETPID));
}

Test(procs, every_program_and_repeats)
{
	cr_assert(eq(int, parse("null,cpuid,hypercall,pio,getpid,write,cpuid,cpuid"),
		     NESTLAB_PROCS_OK));
	cr_assert(eq(u32, p.n, NESTLAB_PROCS_MAX));
	cr_assert(eq(u32, p.prog[0], NESTLAB_WL_NULL_));
	cr_assert(eq(u32, p.prog[5], NESTLAB_WL_WRITE));
	cr_assert(eq(u32, p.prog[7], NESTLAB_WL_CPUID));
}

Test(procs, one_entry)
{
	cr_assert(eq(int, parse("pio"), NESTLAB_PROCS_OK));
	cr_assert(eq(u32, p.n, 1));
	cr_assert(eq(u32, p.prog[0], NESTLAB_WL_PIO));
}

Test(procs, empty_entries)
{
	cr_assert(eq(int, parse(""), NESTLAB_PROCS_E_EMPTY));
	cr_assert(eq(int, parse("cpuid,,getpid"), NESTLAB_PROCS_E_EMPTY));
	cr_assert(eq(u64, off, 6));
	cr_assert(eq(u64, len, 0));
	cr_assert(eq(int, parse("cpuid,"), NESTLAB_PROCS_E_EMPTY));
	cr_assert(eq(int, parse(",cpuid"), NESTLAB_PROCS_E_EMPTY));
}

Test(procs, unknown_and_non_programs_name_the_entry)
{
	cr_assert(eq(int, parse("cpuid,frob"), NESTLAB_PROCS_E_UNKNOWN));
	cr_assert(eq(u64, off, 6));
	cr_assert(eq(u64, len, 4));
	cr_assert(eq(int, parse("cpu"), NESTLAB_PROCS_E_UNKNOWN));
	cr_assert(eq(int, parse("cpuidx"), NESTLAB_PROCS_E_UNKNOWN));
	cr_assert(eq(int, parse("getpid,pagefault"), NESTLAB_PROCS_E_NOT_PROGRAM));
	cr_assert(eq(u64, off, 7));
	cr_assert(eq(int, parse("multi"), NESTLAB_PROCS_E_NOT_PROGRAM));
	cr_assert(eq(int, parse("timer"), NESTLAB_PROCS_E_NOT_PROGRAM));
}

Test(procs, too_many)
{
	cr_assert(eq(int, parse("null,null,null,null,null,null,null,null,null"),
		     NESTLAB_PROCS_E_TOO_MANY));
	cr_assert(eq(u64, off, 40));
}

Test(procs, programs_are_the_loop_workloads)
{
	for (unsigned wl = 0; wl <= NESTLAB_WL_NR; wl++) {
		int want = wl == NESTLAB_WL_NULL_ || wl == NESTLAB_WL_CPUID ||
			   wl == NESTLAB_WL_HYPERCALL || wl == NESTLAB_WL_PIO ||
			   wl == NESTLAB_WL_GETPID || wl == NESTLAB_WL_WRITE ||
			   wl == NESTLAB_WL_DISPATCH_SKEWED || wl == NESTLAB_WL_DISPATCH_UNIFORM;

		cr_assert(eq(int, nestlab_wl_is_program(wl), want));
	}
	cr_assert(eq(str, (char *)nestlab_procs_strerror(NESTLAB_PROCS_E_TOO_MANY),
		     "too many processes (at most 8)"));
}
