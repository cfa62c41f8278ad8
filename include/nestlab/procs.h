/*
 * The process list of workload `multi`: which programs its processes run.
 * The L2 kernel takes it as `procs=<program>,<program>...` (bootargs.h), the
 * launcher as `--procs LIST` (and passes it on only for multi), `nestlab
 * expect` as `--procs LIST` to sum the programs' exit models. One process per
 * entry, in order: process i (pid i + 1) runs entry i.
 *
 * A program is a workload whose phase is a loop of identical iterations with
 * no setup inside the phase (NESTLAB_PROC_PROGRAMS): in `multi` each process
 * runs that loop one iteration (a "step") at a time, yielding after each.
 * Parsing is pure C, shared by the kernel (freestanding) and the launcher.
 */
#ifndef NESTLAB_PROCS_H
#define NESTLAB_PROCS_H

#include <stddef.h>
#include <nestlab/bootargs.h>

#define NESTLAB_PROCS_MAX     8u             /* processes of one multi run */
#define NESTLAB_PROCS_DEFAULT "cpuid,getpid"

/* The workloads that may be a process's program. */
#define NESTLAB_PROC_PROGRAMS                                              \
	((1u << NESTLAB_WL_NULL_) | (1u << NESTLAB_WL_CPUID) |              \
	 (1u << NESTLAB_WL_HYPERCALL) | (1u << NESTLAB_WL_PIO) |            \
	 (1u << NESTLAB_WL_GETPID) | (1u << NESTLAB_WL_WRITE) |               \
	 (1u << NESTLAB_WL_DISPATCH_SKEWED) | (1u << NESTLAB_WL_DISPATCH_UNIFORM))

struct nestlab_procs {
	unsigned n;                            /* 1..NESTLAB_PROCS_MAX */
	unsigned char prog[NESTLAB_PROCS_MAX]; /* enum nestlab_workload each */
};

enum nestlab_procs_err {
	NESTLAB_PROCS_OK = 0,
	NESTLAB_PROCS_E_EMPTY,       /* no entry, or an empty one (",,", a trailing ',') */
	NESTLAB_PROCS_E_UNKNOWN,     /* not a workload name */
	NESTLAB_PROCS_E_NOT_PROGRAM, /* a workload, but not one of NESTLAB_PROC_PROGRAMS */
	NESTLAB_PROCS_E_TOO_MANY,    /* more than NESTLAB_PROCS_MAX entries */
};

static inline int nestlab_wl_is_program(unsigned wl)
{
	return wl < NESTLAB_WL_NR && ((NESTLAB_PROC_PROGRAMS >> wl) & 1u);
}

/* Workload id of the name [s, s+n), or NESTLAB_WL_NR. */
static inline unsigned nestlab_wl_lookup(const char *s, size_t n)
{
	static const char *const names[NESTLAB_WL_NR] = {
#define NESTLAB_PROCS_NAME_(id, name, what) name,
		NESTLAB_WORKLOADS(NESTLAB_PROCS_NAME_)
#undef NESTLAB_PROCS_NAME_
	};

	for (unsigned wl = 0; wl < NESTLAB_WL_NR; wl++) {
		size_t i = 0;

		while (i < n && names[wl][i] == s[i])
			i++;
		if (i == n && names[wl][n] == '\0')
			return wl;
	}
	return NESTLAB_WL_NR;
}

/*
 * Parse the n bytes at s ("cpuid,getpid") into out. Returns NESTLAB_PROCS_OK
 * or an error, with *bad_off and *bad_len (if not NULL) the offending entry.
 */
static inline int nestlab_procs_parse(const char *s, size_t n, struct nestlab_procs *out,
				      size_t *bad_off, size_t *bad_len)
{
	size_t start = 0;

	out->n = 0;
	for (size_t i = 0; i <= n; i++) {
		unsigned wl;
		int err = NESTLAB_PROCS_OK;

		if (i < n && s[i] != ',')
			continue;
		wl = nestlab_wl_lookup(s + start, i - start);
		if (i == start)
			err = NESTLAB_PROCS_E_EMPTY;
		else if (out->n == NESTLAB_PROCS_MAX)
			err = NESTLAB_PROCS_E_TOO_MANY;
		else if (wl == NESTLAB_WL_NR)
			err = NESTLAB_PROCS_E_UNKNOWN;
		else if (!nestlab_wl_is_program(wl))
			err = NESTLAB_PROCS_E_NOT_PROGRAM;
		if (err) {
			if (bad_off)
				*bad_off = start;
			if (bad_len)
				*bad_len = i - start;
			return err;
		}
		out->prog[out->n++] = (unsigned char)wl;
		start = i + 1;
	}
	return NESTLAB_PROCS_OK;
}

static inline const char *nestlab_procs_strerror(int err)
{
	switch (err) {
	case NESTLAB_PROCS_OK:            return "ok";
	case NESTLAB_PROCS_E_EMPTY:       return "empty program name";
	case NESTLAB_PROCS_E_UNKNOWN:     return "unknown program";
	case NESTLAB_PROCS_E_NOT_PROGRAM: return "not a program (null, cpuid, hypercall, pio, "
					  "getpid, write, dispatch-skewed, dispatch-uniform)";
	case NESTLAB_PROCS_E_TOO_MANY:    return "too many processes (at most 8)";
	}
	return "?";
}

#endif
