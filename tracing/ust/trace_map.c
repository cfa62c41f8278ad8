/*
 * Mapping the guest-RAM file. QEMU creates it (memory-backend-file,
 * share=on) when it starts and sizes it to the machine RAM at once; until
 * then the collector is told to retry. MAP_SHARED so that the tails it
 * writes reach the producers; the file size is fixed for the run, so a
 * mapping of the size seen at open stays valid.
 */
#include "trace_map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum trace_map_rc trace_map_open(struct trace_map *m, const char *path, uint64_t min_size,
				 char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return TRACE_MAP_NOT_YET;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return TRACE_MAP_ERROR;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return TRACE_MAP_ERROR;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		close(fd);
		return TRACE_MAP_ERROR;
	}
	if ((uint64_t)st.st_size < min_size || st.st_size == 0) {
		close(fd);
		return TRACE_MAP_NOT_YET;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map %s: %s", path, strerror(errno));
		close(fd);
		return TRACE_MAP_ERROR;
	}
	m->base = p;
	m->size = (uint64_t)st.st_size;
	m->fd = fd;
	return TRACE_MAP_OK;
}

void trace_map_wrap(struct trace_map *m, void *base, uint64_t size)
{
	m->base = base;
	m->size = size;
	m->fd = -1;
}

void trace_map_close(struct trace_map *m)
{
	if (m->fd >= 0) {
		munmap(m->base, (size_t)m->size);
		close(m->fd);
	}
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}
