/*
 * File-system places of a run: the default guest images next to the nestlab
 * binary, and the per-run directory (created with mkdtemp under $TMPDIR or
 * /tmp, removed at the end unless --keep).
 */
#ifndef L0_PATHS_H
#define L0_PATHS_H

#include <stddef.h>

/* "<dir of /proc/self/exe>/<rel>" (malloc'd), or NULL. */
char *paths_beside_self(const char *rel);

/* Creates the run directory; returns its path (malloc'd) or NULL (errno set). */
char *paths_rundir_create(void);

/* Removes the run directory and everything in it (no symlinks followed). */
void paths_rundir_remove(const char *dir);

/* Reads at most `max` bytes of a file (its first bytes, or its last when
 * `tail`) into a NUL-terminated buffer (malloc'd, *len set); a missing file
 * reads as "". NULL on ENOMEM. */
char *paths_read_file(const char *path, size_t max, int tail, size_t *len);

#endif
