/*
 * Unit tests of accelerator choice (l0/accel.c) against fake probe files:
 * /dev/kvm usable or not, kvm_amd nested parameter values, svm flag present
 * or not, for levels 1 and 2 and each --accel value.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "accel.h"

static char dir[64];
static char kvm[128], nested[128], cpuinfo[128];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(ne(ptr, f, NULL));
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(dir, "/tmp/l0-accel-XXXXXX");
	cr_assert(ne(ptr, mkdtemp(dir), NULL));
	snprintf(kvm, sizeof(kvm), "%s/kvm", dir);
	snprintf(nested, sizeof(nested), "%s/nested", dir);
	snprintf(cpuinfo, sizeof(cpuinfo), "%s/cpuinfo", dir);
}

static void teardown(void)
{
	unlink(kvm);
	unlink(nested);
	unlink(cpuinfo);
	rmdir(dir);
}

static const char amd_cpuinfo[] =
	"processor\t: 0\nvendor_id\t: AuthenticAMD\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep svm_lock svm npt lbrv\n\n";
static const char intel_cpuinfo[] =
	"processor\t: 0\nvendor_id\t: GenuineIntel\n"
	"flags\t\t: fpu vme de pse tsc msr vmx ept svm_lock\n\n";

static struct accel_probe probe(void)
{
	return (struct accel_probe){ kvm, nested, cpuinfo };
}

TestSuite(accel, .init = setup, .fini = teardown);

Test(accel, auto_level2_nested_amd_picks_kvm)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(nested, "1\n");
	put(cpuinfo, amd_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_KVM));
	put(nested, "Y\n");
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_KVM));
	cr_assert(not(eq(ptr, strstr(c.reason, "nested=Y"), NULL)));
}

Test(accel, auto_level2_nested_param_missing_picks_tcg)
{
	struct accel_probe p = probe();
	struct accel_choice c;
	char want[256];

	put(kvm, "");
	put(cpuinfo, amd_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	snprintf(want, sizeof(want), "no nested SVM: %s missing", nested);
	cr_assert(eq(str, c.reason, want));
}

Test(accel, auto_level2_nested_off_picks_tcg)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(nested, "0\n");
	put(cpuinfo, amd_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	cr_assert(eq(str, c.reason, "no nested SVM: kvm_amd nested=0"));
	put(nested, "N\n");
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
}

Test(accel, auto_level2_no_svm_flag_picks_tcg)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(nested, "1\n");
	put(cpuinfo, intel_cpuinfo); /* "svm_lock" is not "svm" */
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	cr_assert(not(eq(ptr, strstr(c.reason, "no svm flag"), NULL)));
}

Test(accel, no_dev_kvm)
{
	struct accel_probe p = probe();
	struct accel_choice c;
	char want[256];

	put(nested, "1\n");
	put(cpuinfo, amd_cpuinfo);
	snprintf(want, sizeof(want), "%s missing", kvm);
	for (int level = 1; level <= 2; level++) {
		cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, level, &c), 0));
		cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
		cr_assert(eq(str, c.reason, want));
	}
}

/* --accel kvm at level 1 needs only /dev/kvm; auto picks KVM only where it
 * could also serve level 2, so both levels of one host use one accelerator. */
Test(accel, level1_kvm_on_request_auto_follows_level2)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(cpuinfo, intel_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_KVM, 1, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_KVM));
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 1, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	put(nested, "1\n");
	put(cpuinfo, amd_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_AUTO, 1, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_KVM));
}

Test(accel, explicit_kvm_that_cannot_serve_is_an_error)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(cpuinfo, intel_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_KVM, 2, &c), -1));
	cr_assert(not(eq(ptr, strstr(c.reason, "--accel kvm cannot run level 2: no nested SVM"),
			 NULL)));
}

Test(accel, explicit_tcg_ignores_the_host)
{
	struct accel_probe p = probe();
	struct accel_choice c;

	put(kvm, "");
	put(nested, "1\n");
	put(cpuinfo, amd_cpuinfo);
	cr_assert(eq(int, accel_choose(&p, L0_ACCEL_TCG, 2, &c), 0));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	cr_assert(eq(str, c.reason, "requested"));
}
