/*
 * Paths and small file helpers of the launcher: where the images are by
 * default (resolved through /proc/self/exe so `build/nestlab` finds
 * `build/l1hyp/l1hyp.bin` from any working directory), the run directory's
 * life cycle, and bounded whole-file reads of what QEMU wrote.
 */
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *paths_beside_self(const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash, *out;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	return asprintf(&out, "%s/%s", slash ? exe : ".", rel) < 0 ? NULL : out;
}

char *paths_rundir_create(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&dir, "%s/nestlab-run.XXXXXX", tmp) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		int e = errno;
		free(dir);
		errno = e;
		return NULL;
	}
	return dir;
}

static int paths_rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void paths_rundir_remove(const char *dir)
{
	nftw(dir, paths_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

char *paths_read_file(const char *path, size_t max, int tail, size_t *len)
{
	char *buf = malloc(max + 1);
	int fd;
	size_t got = 0;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && tail) {
		struct stat st;
		if (!fstat(fd, &st) && (size_t)st.st_size > max)
			lseek(fd, st.st_size - (off_t)max, SEEK_SET);
	}
	while (fd >= 0 && got < max) {
		ssize_t n = read(fd, buf + got, max - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}
