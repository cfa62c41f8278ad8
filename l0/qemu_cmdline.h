/*
 * The QEMU command line of a run, built as an argv array from the run's
 * parameters (pure: no files are touched). The run directory holds the files
 * QEMU writes: guest RAM (a shared memory-backend file, so tracing can map
 * it), the COM1 console and the COM2 results stream.
 */
#ifndef L0_QEMU_CMDLINE_H
#define L0_QEMU_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include "run_config.h"

#define L0_RUNDIR_GUEST_RAM "guest-ram"
#define L0_RUNDIR_CONSOLE   "console.log"
#define L0_RUNDIR_RESULTS   "results.txt"
#define L0_RUNDIR_STDERR    "qemu.stderr"

struct qemu_params {
	const char *qemu;          /* binary */
	int level;                 /* 1 or 2 */
	enum l0_accel accel;       /* KVM or TCG (not auto) */
	bool icount;               /* TCG only */
	unsigned mem_mib;
	unsigned l2mem_mib;        /* level 2 */
	bool npt_lazy;             /* level 2 */
	const char *workload;
	unsigned long iterations;
	enum nestlab_transport transport;
	const char *l2_args;       /* more L2 kernel words (cli_l2_args: " procs=..."), or NULL */
	const char *l1_args;       /* level 2: more L1 words (cli_l1_args: " lapic=full"), or NULL */
	const char *l1_image;      /* level 2 */
	const char *l2_image;
	const char *l2_module;     /* the L2 kernel's module file, or NULL (not with --l1 kvm) */
	const char *rundir;
	const char *trace_arg;     /* "trace=<phys>:<bytes>" of the top-level guest, or NULL */
	enum l0_l1 l1;             /* level 2: nestlab's L1 or Linux KVM (kvm_l1.h) */
	const char *kvm_initrd;    /* --l1 kvm: the run's initramfs (l1_image is vmlinuz) */
	const char *kvm_append;    /* --l1 kvm: extra words for Linux's command line, or NULL */
};

struct qemu_argv {
	char **argv;               /* NULL-terminated */
	size_t argc;
	size_t cap;
};

/* Appends a formatted argument; -1 on ENOMEM. */
int qemu_argv_addf(struct qemu_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Builds the argv. 0 on success; -1 with `err` filled (unusable path, no memory). */
int qemu_cmdline_build(const struct qemu_params *p, struct qemu_argv *out,
		       char *err, size_t errlen);
void qemu_argv_free(struct qemu_argv *a);

/* The argv as one shell-quoted line, for printing (malloc'd; NULL on ENOMEM). */
char *qemu_cmdline_join(const struct qemu_argv *a);

/* `s` with every ',' doubled, as QEMU option values want (malloc'd). */
char *qemu_opt_escape(const char *s);

/* Joins rundir and a file name (malloc'd). */
char *qemu_rundir_file(const char *rundir, const char *name);

#endif
