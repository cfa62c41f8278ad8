/*
 * tracefs side of the exit counts (see vmm_tracefs.h): writing the trigger
 * and reading the histogram, whose text kvm_exits.c parses.
 */
#include "vmm_tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* size: hash table entries (a power of two); the distinct SVM exit codes
 * of a run are a few dozen at most. */
#define VMM_HIST_TRIGGER "hist:keys=exit_reason:vals=hitcount:size=256"

int vmm_tracefs_open(struct vmm_tracefs *t, const char *root, char *err, size_t errlen)
{
	char path[300];
	int fd;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/events/kvm/kvm_exit/trigger", root);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s (tracefs not mounted at %s, or kvm not "
			 "loaded?)", path, strerror(errno), root);
		return -1;
	}
	if (write(fd, VMM_HIST_TRIGGER, strlen(VMM_HIST_TRIGGER)) < 0) {
		snprintf(err, errlen, "writing '%s' to %s: %s (kernel without "
			 "CONFIG_HIST_TRIGGERS?)", VMM_HIST_TRIGGER, path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(t->hist_path, sizeof(t->hist_path), "%s/events/kvm/kvm_exit/hist", root);
	t->cap = 16384;
	t->buf = malloc(t->cap);
	if (!t->buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int vmm_tracefs_snapshot(void *ctx, struct kvmx_snapshot *out, char *err, size_t errlen)
{
	struct vmm_tracefs *t = ctx;
	size_t len = 0;
	ssize_t n;
	int fd = open(t->hist_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", t->hist_path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len + 1 >= t->cap) {
			char *b = realloc(t->buf, t->cap * 2);

			if (!b) {
				close(fd);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			t->buf = b;
			t->cap *= 2;
		}
		n = read(fd, t->buf + len, t->cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "reading %s: %s", t->hist_path, strerror(errno));
		return -1;
	}
	t->buf[len] = '\0';
	return kvmx_hist_parse(t->buf, out, err, errlen) ? -1 : 0;
}
