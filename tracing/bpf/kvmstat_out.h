/*
 * kvmstat_out.h: nestlab-kvmstat's output files (--json, --record-file),
 * opened before tracing starts so that an unwritable path is an error before
 * anything runs, and replaced atomically when the run is over: the data goes
 * to a temporary file next to the final one, renamed over it at the end and
 * removed on every error path (a failed run leaves an older file intact).
 * Paths that are not regular files (a FIFO, /dev/stdout) are written in place.
 */
#ifndef NESTLAB_KVMSTAT_OUT_H
#define NESTLAB_KVMSTAT_OUT_H

#include <limits.h>
#include <stdio.h>

struct ks_out {
	const char *path;      /* the final name, as given */
	char tmp[PATH_MAX];    /* the temporary next to it; "" when written in place */
	FILE *f;               /* NULL: not open */
	int is_stdout;
};

/*
 * Opens path for writing ("-": stdout): creates the temporary in path's
 * directory (or opens a non-regular file in place). 0, or -errno with
 * nothing left behind; -EISDIR when path is a directory.
 */
int ks_out_open(struct ks_out *o, const char *path);

/* Flushes and closes the file and renames the temporary over path; 0 or -errno. */
int ks_out_commit(struct ks_out *o);

/* Closes the file and removes the temporary, if any (error paths; idempotent). */
void ks_out_abort(struct ks_out *o);

#endif
