/*
 * Unit tests for kvmstat_out.c: an output file is created as a temporary
 * next to its final name and renamed over it at commit (the old file stays
 * intact until then, and after an abort); unwritable, missing and directory
 * paths fail at open with nothing left behind; non-regular files are written
 * in place. Each test runs in its own process (Criterion), so one can drop
 * to nobody (effective uid) to check a directory without write permission.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kvmstat_out.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/kvmstat-out-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
	char cmd[128];

	if (getuid() == 0 && geteuid() != 0)
		cr_assert(eq(int, seteuid(0), 0));   /* after unwritable_directory */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert(eq(int, system(cmd), 0));
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert(d != NULL);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

TestSuite(kvmstat_out, .init = setup, .fini = teardown);

Test(kvmstat_out, replaces_atomically)
{
	struct ks_out o;
	char path[128], buf[64];

	snprintf(path, sizeof(path), "%s/r.json", dir);
	FILE *old = fopen(path, "w");
	fputs("old\n", old);
	fclose(old);
	cr_assert(eq(int, ks_out_open(&o, path), 0));
	cr_assert(eq(int, entries(), 2), "the temporary is next to the file");
	fputs("new\n", o.f);
	slurp(path, buf, sizeof(buf));
	cr_assert(eq(str, buf, "old\n"), "the file is untouched until commit");
	cr_assert(eq(int, ks_out_commit(&o), 0));
	slurp(path, buf, sizeof(buf));
	cr_assert(eq(str, buf, "new\n"));
	cr_assert(eq(int, entries(), 1), "no temporary left");
	ks_out_abort(&o);   /* after commit: nothing to do */
	cr_assert(eq(int, entries(), 1));
}

Test(kvmstat_out, abort_keeps_the_old_file)
{
	struct ks_out o;
	char path[128], buf[64];

	snprintf(path, sizeof(path), "%s/r.txt", dir);
	FILE *old = fopen(path, "w");
	fputs("old\n", old);
	fclose(old);
	cr_assert(eq(int, ks_out_open(&o, path), 0));
	fputs("partial", o.f);
	ks_out_abort(&o);
	ks_out_abort(&o);
	slurp(path, buf, sizeof(buf));
	cr_assert(eq(str, buf, "old\n"));
	cr_assert(eq(int, entries(), 1));
	/* A new file that is aborted never appears. */
	snprintf(path, sizeof(path), "%s/new.json", dir);
	cr_assert(eq(int, ks_out_open(&o, path), 0));
	ks_out_abort(&o);
	cr_assert(eq(int, access(path, F_OK), -1));
	cr_assert(eq(int, entries(), 1));
}

Test(kvmstat_out, bad_paths_fail_at_open)
{
	struct ks_out o;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing/r.json", dir);
	cr_assert(eq(int, ks_out_open(&o, path), -ENOENT));
	cr_assert(eq(ptr, o.f, NULL));
	cr_assert(eq(int, ks_out_open(&o, dir), -EISDIR));
	snprintf(path, sizeof(path), "%s/file", dir);
	FILE *f = fopen(path, "w");
	fclose(f);
	snprintf(path, sizeof(path), "%s/file/r.json", dir);
	cr_assert(eq(int, ks_out_open(&o, path), -ENOTDIR));
	cr_assert(eq(int, entries(), 1));
}

Test(kvmstat_out, unwritable_directory)
{
	struct ks_out o;
	char path[128];

	cr_assert(eq(int, chmod(dir, 0755), 0));
	if (geteuid() == 0)   /* root writes anywhere: be nobody until teardown */
		cr_assert(eq(int, seteuid(65534), 0));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	cr_assert(eq(int, ks_out_open(&o, path), -EACCES));
	cr_assert(eq(ptr, o.f, NULL));
	cr_assert(eq(int, entries(), 0));
}

Test(kvmstat_out, in_place_and_stdout)
{
	struct ks_out o;
	struct stat st;

	cr_assert(eq(int, ks_out_open(&o, "/dev/null"), 0));
	cr_assert(eq(str, o.tmp, ""), "a device is written in place");
	fputs("x", o.f);
	cr_assert(eq(int, ks_out_commit(&o), 0));
	cr_assert(eq(int, stat("/dev/null", &st), 0));
	int is_chr = S_ISCHR(st.st_mode);
	cr_assert(eq(int, is_chr, 1));
	cr_assert(eq(int, ks_out_open(&o, "-"), 0));
	cr_assert(eq(ptr, o.f, stdout));
	cr_assert(eq(int, ks_out_commit(&o), 0));
}
