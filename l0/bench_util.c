/*
 * Helpers of bench_util.h. Atomic writes go through "<path>.tmp.<pid>" in
 * the same directory so that rename(2) replaces the file in one step.
 */
#include "bench_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *bench_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	return rc < 0 ? NULL : s;
}

int bench_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void bench_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
			 path);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int bench_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = bench_fmt("%s.tmp.%d", path, (int)getpid());
	int fd, e;
	size_t off = 0;

	if (!tmp)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path))
		goto fail;
	fsync_dir_of(path);
	free(tmp);
	return 0;
fail:
	e = errno;
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}

int bench_json_write(const char *path, const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	char *t;
	int rc;

	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	t = bench_fmt("%s\n", s); /* a newline at the end, as text tools expect */
	free(s);
	if (!t)
		return -1;
	rc = bench_write_atomic(path, t, strlen(t));
	free(t);
	return rc;
}

json_t *bench_json_load(const char *path, char *why, size_t n)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	if (!j)
		snprintf(why, n, "%s:%d: %s", path, e.line, e.text);
	return j;
}

char *bench_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int c;

	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF) {
		if (len + 2 > cap) {
			char *t = realloc(buf, cap ? 2 * cap : 256);

			if (!t) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = t;
			cap = cap ? 2 * cap : 256;
		}
		buf[len++] = (char)c;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

char *bench_shell_quote(const char *s)
{
	size_t n = 3;
	char *out, *p;

	for (const char *q = s; *q; q++)
		n += *q == '\'' ? 4 : 1;
	out = malloc(n);
	if (!out)
		return NULL;
	p = out;
	*p++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* Runs argv with stdout (and stderr when `both`) into a pipe; its output. */
static char *capture(char *const argv[], int both)
{
	int fds[2];
	pid_t pid;
	char *buf = NULL;
	size_t len = 0;
	char chunk[4096];
	ssize_t r;

	if (pipe(fds))
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(fds[1], 1);
		dup2(both ? fds[1] : null, 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], chunk, sizeof(chunk))) > 0 || (r < 0 && errno == EINTR)) {
		char *t;

		if (r < 0)
			continue;
		t = realloc(buf, len + (size_t)r + 1);
		if (!t)
			break;
		buf = t;
		memcpy(buf + len, chunk, (size_t)r);
		len += (size_t)r;
		buf[len] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return buf;
}

char *bench_first_line(char *const argv[])
{
	char *out = capture(argv, 0);

	if (out)
		out[strcspn(out, "\n")] = '\0';
	if (out && !*out) {
		free(out);
		return NULL;
	}
	return out;
}

int bench_output_matches(char *const argv[], int (*match)(const char *text))
{
	char *out = capture(argv, 1);
	int m = out ? match(out) : 0;

	free(out);
	return m;
}

char *bench_abspath(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (!strcmp(path, "."))
		return strdup(cwd);
	if (!strncmp(path, "./", 2))
		path += 2;
	return bench_fmt("%s/%s", cwd, path);
}
