/*
 * The manifest of a result set, DIR/manifest.json: where its figures come
 * from. nestlab's git commit (and whether the tree was dirty), the QEMU
 * version, the host's CPU model, kernel and cores, the accelerator and
 * icount mode the runs report, the date (UTC), how the set was made (bench,
 * or collect after a plan ran elsewhere) and the bench options.
 */
#ifndef L0_BENCH_MANIFEST_H
#define L0_BENCH_MANIFEST_H

#include <jansson.h>

/* Writes DIR/manifest.json; reads DIR/collected.json for accel and icount.
 * `mode` is "bench" or "collect". 0, or -1 with errno. */
int bench_manifest_write(const char *dir, const json_t *plan, const char *root,
			 const char *mode, unsigned jobs);

#endif
