/*
 * KVM-or-TCG detection. Level 1 (the L2 kernel alone) only needs a usable
 * /dev/kvm. Level 2 runs our SVM hypervisor as a KVM guest, so KVM must offer
 * SVM to its guests: the host CPU has SVM (AMD APM vol.2 15.4: CPUID
 * Fn8000_0001_ECX[SVM], shown as "svm" in /proc/cpuinfo) and kvm_amd was
 * loaded with nested=1. Otherwise TCG emulates SVM+NPT for us. `auto` picks
 * KVM only when it can serve level 2, for both levels; `--accel kvm` at
 * level 1 needs just /dev/kvm.
 */
#include "accel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const struct accel_probe accel_probe_host = {
	.kvm_dev = "/dev/kvm",
	.kvm_amd_nested = "/sys/module/kvm_amd/parameters/nested",
	.cpuinfo = "/proc/cpuinfo",
};

/* True when a "flags" line of cpuinfo holds the word `flag`. */
static bool accel_cpuinfo_has(const char *path, const char *flag, bool *readable)
{
	char line[8192];
	size_t flen = strlen(flag);
	FILE *f = fopen(path, "re");
	bool found = false;

	*readable = f != NULL;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		char *colon = strchr(line, ':');
		for (char *w = colon ? strtok(colon + 1, " \t\n") : NULL; w;
		     w = strtok(NULL, " \t\n"))
			if (strlen(w) == flen && !memcmp(w, flag, flen)) {
				found = true;
				break;
			}
	}
	fclose(f);
	return found;
}

int accel_kvm_usable(const struct accel_probe *p, int level, char *why, size_t whylen)
{
	char buf[16] = "";
	bool readable;
	int fd = open(p->kvm_dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whylen, "%s %s", p->kvm_dev,
			 errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	close(fd);
	if (level == 1) {
		snprintf(why, whylen, "%s usable", p->kvm_dev);
		return 0;
	}

	fd = open(p->kvm_amd_nested, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "no nested SVM: %s %s", p->kvm_amd_nested,
			 errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, "1") && strcmp(buf, "Y") && strcmp(buf, "y")) {
		snprintf(why, whylen, "no nested SVM: kvm_amd nested=%s", buf[0] ? buf : "(empty)");
		return -1;
	}
	if (!accel_cpuinfo_has(p->cpuinfo, "svm", &readable)) {
		snprintf(why, whylen, readable ? "no nested SVM: no svm flag in %s"
			 : "no nested SVM: cannot read %s", p->cpuinfo);
		return -1;
	}
	snprintf(why, whylen, "%s usable, kvm_amd nested=%s, svm in %s", p->kvm_dev,
		 buf, p->cpuinfo);
	return 0;
}

int accel_choose(const struct accel_probe *p, enum l0_accel requested, int level,
		 struct accel_choice *out)
{
	char why[200];

	switch (requested) {
	case L0_ACCEL_TCG:
		out->accel = L0_ACCEL_TCG;
		snprintf(out->reason, sizeof(out->reason), "requested");
		return 0;
	case L0_ACCEL_KVM:
		if (accel_kvm_usable(p, level, why, sizeof(why))) {
			out->accel = L0_ACCEL_TCG;
			snprintf(out->reason, sizeof(out->reason),
				 "--accel kvm cannot run level %d: %s", level, why);
			return -1;
		}
		out->accel = L0_ACCEL_KVM;
		snprintf(out->reason, sizeof(out->reason), "requested; %s", why);
		return 0;
	case L0_ACCEL_AUTO:
		break;
	}
	/* auto asks for what level 2 needs at either level, so that level-1
	 * and level-2 figures of one host come from the same accelerator (and
	 * TCG's deterministic icount mode wherever there is no nested SVM). */
	out->accel = accel_kvm_usable(p, 2, why, sizeof(why)) ? L0_ACCEL_TCG : L0_ACCEL_KVM;
	snprintf(out->reason, sizeof(out->reason), "%s", why);
	return 0;
}
