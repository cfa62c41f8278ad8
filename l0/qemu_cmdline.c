/*
 * QEMU 7.2 command line for a nestlab run (layout in docs/launcher.md):
 * -nodefaults so the only devices are the two UARTs and isa-debug-exit;
 * -no-reboot so a triple fault stops QEMU (exit 0) instead of rebooting; RAM
 * from a shared memory-backend file in the run directory. Values inside QEMU
 * option strings (key=value,...) have their commas doubled; the multiboot
 * module string of -initrd uses the same escape (QEMU splits modules on ',').
 * The L2 kernel's module (--l2-module) is its first multiboot module: at
 * level 1 QEMU's -initrd, at level 2 L1's second one, after the kernel's.
 * With tracing, the top-level guest gets the trace region (`trace=<phys>:
 * <bytes>`) and, at level 2, the L2 kernel `trace=hc` (register your ring
 * with L1 by hypercall).
 */
#include "qemu_cmdline.h"
#include "kvm_l1.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *qemu_opt_escape(const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *c = s; *c; c++)
		n += *c == ',' ? 2 : 1;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	for (o = out; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

char *qemu_rundir_file(const char *rundir, const char *name)
{
	char *s;

	return asprintf(&s, "%s/%s", rundir, name) < 0 ? NULL : s;
}

int qemu_argv_addf(struct qemu_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	if (a->argc + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->argv, cap * sizeof(*v));
		if (!v)
			return -1;
		a->argv = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	a->argv[a->argc++] = s;
	a->argv[a->argc] = NULL;
	return 0;
}

void qemu_argv_free(struct qemu_argv *a)
{
	for (size_t i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = a->cap = 0;
}

int qemu_cmdline_build(const struct qemu_params *p, struct qemu_argv *out,
		       char *err, size_t errlen)
{
	char *ram_esc = NULL, *module = NULL, *module_esc = NULL, *kmod_esc = NULL;
	const char *transport = l0_transport_name(p->transport);
	const char *l2_args = p->l2_args ? p->l2_args : "";
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (strchr(p->rundir, '\n') || (p->level == 2 && strchr(p->l2_image, ' ')) ||
	    (p->l2_module && strchr(p->l2_module, ' '))) {
		snprintf(err, errlen, "%s: QEMU cannot take this path (a multiboot module "
			 "name ends at the first space)", p->level == 2 && strchr(p->l2_image, ' ')
			 ? p->l2_image : p->l2_module && strchr(p->l2_module, ' ') ? p->l2_module
			 : p->rundir);
		return -1;
	}
	snprintf(err, errlen, "out of memory");
	ram_esc = qemu_opt_escape(p->rundir);
	if (!ram_esc || (p->l2_module && !(kmod_esc = qemu_opt_escape(p->l2_module))))
		goto out;

	if (qemu_argv_addf(out, "%s", p->qemu) ||
	    qemu_argv_addf(out, "-nodefaults") ||
	    qemu_argv_addf(out, "-display") || qemu_argv_addf(out, "none") ||
	    qemu_argv_addf(out, "-no-reboot") ||
	    qemu_argv_addf(out, "-machine") || qemu_argv_addf(out, "pc,memory-backend=nlram") ||
	    qemu_argv_addf(out, "-object") ||
	    qemu_argv_addf(out, "memory-backend-file,id=nlram,size=%uM,mem-path=%s/"
			   L0_RUNDIR_GUEST_RAM ",share=on", p->mem_mib, ram_esc) ||
	    qemu_argv_addf(out, "-m") || qemu_argv_addf(out, "%uM", p->mem_mib))
		goto out;

	if (p->accel == L0_ACCEL_KVM) {
		/* `-cpu host` aborts on hosts whose MSR 0x10a (IA32_ARCH_CAPABILITIES)
		 * QEMU cannot set; dropping the feature avoids it. */
		if (qemu_argv_addf(out, "-accel") || qemu_argv_addf(out, "kvm") ||
		    qemu_argv_addf(out, "-cpu") || qemu_argv_addf(out, "host,-arch-capabilities"))
			goto out;
	} else {
		/* TCG: qemu64 has no NPT unless asked (APM vol.2 15.25: nested paging). */
		if (qemu_argv_addf(out, "-accel") || qemu_argv_addf(out, "tcg") ||
		    qemu_argv_addf(out, "-cpu") ||
		    qemu_argv_addf(out, "%s", p->level == 2 ? "qemu64,+svm,+npt" : "qemu64"))
			goto out;
		if (p->icount && (qemu_argv_addf(out, "-icount") ||
				  qemu_argv_addf(out, "shift=0,sleep=off")))
			goto out;
	}

	if (p->level == 2 && p->l1 == L0_L1_KVM) {
		if (kvm_l1_qemu_boot(p, out))
			goto out;
	} else if (p->level == 2) {
		if (asprintf(&module, "%s workload=%s iterations=%lu transport=%s%s%s",
			     p->l2_image, p->workload, p->iterations, transport, l2_args,
			     p->trace_arg ? " trace=hc" : "") < 0) {
			module = NULL;
			goto out;
		}
		module_esc = qemu_opt_escape(module);
		/* L1's modules: the L2 kernel with its command line, then the
		 * L2 kernel's module, separated by a single comma. */
		if (!module_esc ||
		    qemu_argv_addf(out, "-kernel") || qemu_argv_addf(out, "%s", p->l1_image) ||
		    qemu_argv_addf(out, "-append") ||
		    qemu_argv_addf(out, "l2mem=%u npt=%s%s%s%s", p->l2mem_mib,
				   p->npt_lazy ? "lazy" : "eager", p->trace_arg ? " " : "",
				   p->trace_arg ? p->trace_arg : "", p->l1_args ? p->l1_args : "") ||
		    qemu_argv_addf(out, "-initrd") ||
		    qemu_argv_addf(out, "%s%s%s", module_esc, kmod_esc ? "," : "",
				   kmod_esc ? kmod_esc : ""))
			goto out;
	} else {
		if (qemu_argv_addf(out, "-kernel") || qemu_argv_addf(out, "%s", p->l2_image) ||
		    qemu_argv_addf(out, "-append") ||
		    qemu_argv_addf(out, "workload=%s iterations=%lu transport=%s%s%s%s",
				   p->workload, p->iterations, transport, l2_args,
				   p->trace_arg ? " " : "",
				   p->trace_arg ? p->trace_arg : ""))
			goto out;
		if (kmod_esc && (qemu_argv_addf(out, "-initrd") ||
				 qemu_argv_addf(out, "%s", kmod_esc)))
			goto out;
	}

	/* "file:" chardevs take the rest of the string as the path, unescaped. */
	if (qemu_argv_addf(out, "-serial") ||
	    qemu_argv_addf(out, "file:%s/" L0_RUNDIR_CONSOLE, p->rundir) ||
	    qemu_argv_addf(out, "-serial") ||
	    qemu_argv_addf(out, "file:%s/" L0_RUNDIR_RESULTS, p->rundir) ||
	    qemu_argv_addf(out, "-device") ||
	    qemu_argv_addf(out, "isa-debug-exit,iobase=0xf4,iosize=0x04"))
		goto out;
	rc = 0;
	err[0] = '\0';
out:
	if (rc)
		qemu_argv_free(out);
	free(ram_esc);
	free(module);
	free(module_esc);
	free(kmod_esc);
	return rc;
}

/* True when `s` needs quotes in a POSIX shell. */
static int qemu_needs_quotes(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,+@%", *s))
			return 1;
	return 0;
}

char *qemu_cmdline_join(const struct qemu_argv *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < a->argc; i++) {
		const char *s = a->argv[i];
		if (i)
			fputc(' ', f);
		if (!qemu_needs_quotes(s)) {
			fputs(s, f);
			continue;
		}
		fputc('\'', f);
		for (; *s; s++) {
			if (*s == '\'')
				fputs("'\\''", f);
			else
				fputc(*s, f);
		}
		fputc('\'', f);
	}
	if (fclose(f))
		return NULL;
	return buf;
}
