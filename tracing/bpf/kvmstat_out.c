/*
 * kvmstat_out.c: output files written through a temporary next to them and
 * renamed into place (see kvmstat_out.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kvmstat_out.h"

int ks_out_open(struct ks_out *o, const char *path)
{
	struct stat st;
	int fd = -1;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		o->is_stdout = 1;
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A FIFO or a device: renaming over it would replace the node. */
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	} else {
		/* Same directory as path, so that rename(2) is atomic. */
		for (int i = 0; i < 100 && fd < 0; i++) {
			if (snprintf(o->tmp, sizeof(o->tmp), "%s.tmp%d-%d", path, (int)getpid(), i) >=
			    (int)sizeof(o->tmp))
				return -ENAMETOOLONG;
			fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
			if (fd < 0 && errno != EEXIST)
				break;
		}
	}
	if (fd < 0) {
		int err = -errno;

		o->tmp[0] = 0;
		return err;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int err = -errno;

		close(fd);
		ks_out_abort(o);
		return err;
	}
	return 0;
}

int ks_out_commit(struct ks_out *o)
{
	int err = 0;

	if (!o->f)
		return -EBADF;
	if (o->is_stdout) {
		err = fflush(stdout) ? -errno : 0;
		o->f = NULL;
		return err;
	}
	if (ferror(o->f))
		err = -EIO;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (!err && o->tmp[0] && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		ks_out_abort(o);
	o->tmp[0] = 0;
	return err;
}

void ks_out_abort(struct ks_out *o)
{
	if (o->f && !o->is_stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}
