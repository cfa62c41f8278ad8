/*
 * `nestlab run --l1 kvm`: the L1 Linux's images, the per-run initramfs and
 * the QEMU arguments that boot it (see kvm_l1.h). The CPU, memory and
 * devices are those of any level-2 run (qemu_cmdline.c); only what QEMU
 * boots differs.
 */
#include "kvm_l1.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "paths.h"

int kvm_l1_images(const char *given, char **kernel, char **base, char *err, size_t errlen)
{
	char *k = given ? strdup(given) : paths_beside_self(KVM_L1_KERNEL_REL);
	char *dir, *b = NULL;

	*kernel = *base = NULL;
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dir = strdup(k);
	if (!dir || asprintf(&b, "%s/" KVM_L1_BASE_INITRD, dirname(dir)) < 0) {
		free(dir);
		free(k);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(dir);
	if (access(k, R_OK) || access(b, R_OK)) {
		snprintf(err, errlen, "the L1 Linux of --l1 kvm, %s, not found or unreadable: %s\n"
			 "nestlab: build it with 'make kvm-l1' (fetches Debian's kernel with "
			 "apt-get; docs/kvm-l1.md)", access(k, R_OK) ? k : b, strerror(errno));
		free(k);
		free(b);
		return -1;
	}
	*kernel = k;
	*base = b;
	return 0;
}

/* One newc header and name (cpio(5) "New ASCII Format"), padded to 4. */
static int cpio_entry(FILE *f, unsigned ino, unsigned mode, const char *name,
		      const void *data, size_t size)
{
	static const char zeros[4];
	size_t namesize = strlen(name) + 1;
	int n = fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			ino, mode, 0u, 0u, (mode & 0170000) == 0040000 ? 2u : 1u, 0u, size,
			0u, 0u, 0u, 0u, namesize, 0u);

	if (n != 110 || fwrite(name, 1, namesize, f) != namesize)
		return -1;
	if (fwrite(zeros, 1, (4 - (110 + namesize) % 4) % 4, f) != (4 - (110 + namesize) % 4) % 4)
		return -1;
	if (size && fwrite(data, 1, size, f) != size)
		return -1;
	if (fwrite(zeros, 1, (4 - size % 4) % 4, f) != (4 - size % 4) % 4)
		return -1;
	return 0;
}

int kvm_l1_cpio_write(FILE *f, const void *data, size_t size)
{
	if (cpio_entry(f, 1, 0040755, "nestlab", NULL, 0) ||
	    cpio_entry(f, 2, 0100644, KVM_L1_L2_PATH, data, size) ||
	    cpio_entry(f, 0, 0, "TRAILER!!!", NULL, 0))
		return -1;
	return 0;
}

static int copy_into(FILE *out, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	FILE *in = fopen(path, "rb");
	size_t n;

	if (!in) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) || n) {
		snprintf(err, errlen, "copying %s: %s", path, strerror(errno));
		fclose(in);
		return -1;
	}
	fclose(in);
	return 0;
}

char *kvm_l1_make_initrd(const char *base, const char *l2_image, const char *rundir,
			 char *err, size_t errlen)
{
	char *path = qemu_rundir_file(rundir, KVM_L1_RUN_INITRD), *img = NULL;
	size_t len = 0;
	FILE *f;

	if (!path) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	img = paths_read_file(l2_image, 64u << 20, 0, &len);
	if (!img || !len) {
		snprintf(err, errlen, "%s: %s", l2_image, img ? "empty or unreadable" :
			 "out of memory");
		free(img);
		free(path);
		return NULL;
	}
	f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(img);
		free(path);
		return NULL;
	}
	if (copy_into(f, base, err, errlen) || kvm_l1_cpio_write(f, img, len) ||
	    fclose(f)) {
		if (!err[0])
			snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
		free(img);
		free(path);
		return NULL;
	}
	free(img);
	return path;
}

int kvm_l1_qemu_boot(const struct qemu_params *p, struct qemu_argv *out)
{
	const char *extra = p->kvm_append && *p->kvm_append ? p->kvm_append : NULL;

	/* Deterministic runs: the L1 Linux's clock starts from the RTC, so
	 * with icount the RTC starts at a fixed date and follows the virtual
	 * clock; otherwise the phase TSC varies a little run to run. */
	if (p->icount && (qemu_argv_addf(out, "-rtc") ||
			  qemu_argv_addf(out, "base=2024-01-01T00:00:00,clock=vm")))
		return -1;
	/* console on COM1, results on COM2 (the VMM's /dev/ttyS1); panic=-1
	 * reboots at once, which -no-reboot turns into QEMU exiting. */
	return qemu_argv_addf(out, "-kernel") || qemu_argv_addf(out, "%s", p->l1_image) ||
	       qemu_argv_addf(out, "-append") ||
	       qemu_argv_addf(out, "console=ttyS0 quiet panic=-1 nestlab.l2mem=%u "
			      "nestlab.l2=\"l2kernel.bin workload=%s iterations=%lu "
			      "transport=backdoor l1=kvm%s\"%s%s", p->l2mem_mib, p->workload,
			      p->iterations, p->l2_args ? p->l2_args : "", extra ? " " : "",
			      extra ? extra : "") ||
	       qemu_argv_addf(out, "-initrd") || qemu_argv_addf(out, "%s", p->kvm_initrd);
}
