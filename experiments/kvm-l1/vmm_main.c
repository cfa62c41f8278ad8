/*
 * nestlab-kvm-vmm: nestlab's KVM-based VMM, the user-space half of "Linux
 * KVM as L1" (docs/kvm-l1.md). It runs as the /init's child in the L1
 * Linux that QEMU boots, reads its configuration from the kernel command
 * line (vmm_config.h), loads the L2 kernel as a multiboot loader would
 * (vmm_boot.h), runs it on one KVM vCPU (vmm_kvm.h) and serves its port
 * I/O and hypercalls (vmm_core.h), counting L2's exits per phase from the
 * kvm:kvm_exit histogram (vmm_tracefs.h). At the end it writes the same
 * results stream as nestlab's L1 to COM2 and the run's status to QEMU's
 * isa-debug-exit port, which ends the whole machine.
 *
 *   nestlab-kvm-vmm [--cmdline FILE]   run (FILE: default /proc/cmdline)
 *   nestlab-kvm-vmm --exit STATUS      only write STATUS to isa-debug-exit
 *                                      (the /init's last resort)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <x86intrin.h>
#include <nestlab/exit_reason.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include "../../lib/results/results_writer.h"
#include "vmm_boot.h"
#include "vmm_config.h"
#include "vmm_core.h"
#include "vmm_kvm.h"
#include "vmm_tracefs.h"

#define VMM_NAME "nestlab-kvm-vmm"
#define VMM_IMAGE_MAX (64u << 20)

/* The console (fd 1, the L1 Linux's /dev/console): whole lines. */
static char con_buf[4096];
static size_t con_len;

static void con_flush(void)
{
	size_t off = 0;

	while (off < con_len) {
		ssize_t n = write(1, con_buf + off, con_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	con_len = 0;
}

static void con_putc(void *ctx, char ch)
{
	con_buf[con_len++] = ch;
	if (ch == '\n' || con_len == sizeof(con_buf))
		con_flush();
}

static void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vmm_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	con_flush();
	dprintf(1, VMM_NAME ": %.*s\n", n < 0 ? 0 : n, line);
}

/* isa-debug-exit (status.h): QEMU exits with (status << 1) | 1. */
static int debug_exit(unsigned status)
{
	if (ioperm(NESTLAB_DEBUG_EXIT_PORT, 4, 1)) {
		vmm_log("ioperm(%#x): %s: not under QEMU as root? exiting with status %u",
			NESTLAB_DEBUG_EXIT_PORT, strerror(errno), status);
		return (int)status;
	}
	outl(status, NESTLAB_DEBUG_EXIT_PORT);
	vmm_log("isa-debug-exit did not stop the machine (no -device isa-debug-exit?)");
	return (int)status;
}

/* The results stream, built in memory and written at once. */
struct res_buf {
	char *p;
	size_t len, cap;
};

static void res_putc(void *ctx, char ch)
{
	struct res_buf *b = ctx;

	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p = realloc(b->p, cap);

		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
	b->p[b->len++] = ch;
}

static void write_results(const char *path, const struct res_buf *b)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
	struct termios t;
	size_t off = 0;

	if (fd < 0) {
		vmm_log("results: %s: %s", path, strerror(errno));
		return;
	}
	/* A serial line: raw, so "\n" stays "\n" (no ONLCR). */
	if (isatty(fd) && tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->p + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmm_log("results: writing %s: %s", path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (isatty(fd))
		tcdrain(fd);
	else
		fsync(fd);
	close(fd);
}

static char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, n = 0;
	char *buf;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap + 1);
	while (buf) {
		ssize_t r;

		if (n == cap) {
			char *b;

			if (cap >= max) {
				snprintf(err, errlen, "%s: larger than %zu MiB", path, max >> 20);
				free(buf);
				close(fd);
				return NULL;
			}
			b = realloc(buf, cap * 2 + 1);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0) {
			buf[n] = '\0';
			*len = n;
			close(fd);
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	close(fd);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

static volatile sig_atomic_t vmm_signal;

static void on_signal(int sig)
{
	vmm_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static void regs_from_run(const struct kvm_run *run, struct vmm_regs *r)
{
	const struct kvm_regs *g = &run->s.regs.regs;
	const struct kvm_sregs *s = &run->s.regs.sregs;

	*r = (struct vmm_regs){
		.rax = g->rax, .rbx = g->rbx, .rcx = g->rcx, .rdx = g->rdx,
		.rsi = g->rsi, .rdi = g->rdi,
		/* On SVM KVM reports the VMCB's CPL as SS.DPL. */
		.cpl = s->ss.dpl,
		.pg = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
			.rflags = g->rflags },
	};
}

/* Counts of what came back from KVM_RUN, for the console summary. */
static uint64_t user_exits[64];

/* One exit that reached user space. Returns the VMM_IO_* bits. */
static unsigned handle_exit(struct vmm_core *c, struct vmm_kvm *k, uint64_t tsc,
			    unsigned *reason)
{
	struct kvm_run *run = k->run;
	struct vmm_regs r;
	unsigned bits;

	user_exits[run->exit_reason < 64 ? run->exit_reason : 63]++;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		*reason = NESTLAB_EXIT_IOIO;
		regs_from_run(run, &r);
		bits = vmm_core_io(c, run->io.port, run->io.size,
				   run->io.direction == KVM_EXIT_IO_IN, run->io.count,
				   (uint8_t *)run + run->io.data_offset, &r, tsc);
		if (bits & VMM_IO_REGS) {
			/* RAX is also completed from the data (the IN's result). */
			run->s.regs.regs.rax = r.rax;
			run->s.regs.regs.rbx = r.rbx;
			run->s.regs.regs.rsi = r.rsi;
			run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		}
		return bits;
	case KVM_EXIT_HLT:
		*reason = NESTLAB_EXIT_HLT;
		vmm_core_stop(c, NESTLAB_STATUS_L2_HALTED, "L2 halted at RIP %#llx with "
			      "nothing that could wake it (the VMM injects no interrupts)",
			      (unsigned long long)run->s.regs.regs.rip);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		*reason = NESTLAB_EXIT_SHUTDOWN;
		vmm_core_stop(c, NESTLAB_STATUS_L2_SHUTDOWN, "L2 shut down (triple fault) "
			      "at RIP %#llx", (unsigned long long)run->s.regs.regs.rip);
		return 0;
	case KVM_EXIT_MMIO:
		*reason = NESTLAB_EXIT_NPF;
		vmm_core_stop(c, NESTLAB_STATUS_L2_BAD_ACCESS, "L2 %s %u bytes at "
			      "guest-physical %#llx, outside its %llu MiB of RAM (RIP %#llx)",
			      run->mmio.is_write ? "wrote" : "read", run->mmio.len,
			      (unsigned long long)run->mmio.phys_addr,
			      (unsigned long long)(k->ram_size >> 20),
			      (unsigned long long)run->s.regs.regs.rip);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		*reason = NESTLAB_EXIT_INVALID;
		vmm_core_stop(c, NESTLAB_STATUS_L2_BAD_STATE, "KVM could not enter L2: "
			      "hardware entry failure reason %#llx",
			      (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		*reason = NESTLAB_EXIT_UNKNOWN;
		vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "KVM internal error, suberror %u%s "
			      "at RIP %#llx", run->internal.suberror,
			      run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			      " (instruction emulation failed)" : "",
			      (unsigned long long)run->s.regs.regs.rip);
		return 0;
	case KVM_EXIT_INTR:
		*reason = NESTLAB_EXIT_NR;    /* not an exit of L2's */
		return 0;
	}
	*reason = NESTLAB_EXIT_UNKNOWN;
	vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "unexpected KVM exit reason %u",
		      run->exit_reason);
	return 0;
}

static void run_vcpu(struct vmm_core *c, struct vmm_kvm *k)
{
	while (!c->stop) {
		unsigned reason, bits;
		uint64_t t;

		vmm_core_before_entry(c, __rdtsc());
		if (ioctl(k->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR && !vmm_signal)
				continue;
			if (errno == EINTR)
				vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "the VMM got signal %d",
					      (int)vmm_signal);
			else
				vmm_core_stop(c, NESTLAB_STATUS_L1_ERROR, "KVM_RUN: %s",
					      strerror(errno));
			break;
		}
		t = __rdtsc();
		bits = handle_exit(c, k, t, &reason);
		if (reason < NESTLAB_EXIT_NR)
			vmm_core_account(c, reason, __rdtsc() - t, bits);
	}
}

static const char *kvm_exit_name(unsigned r)
{
	switch (r) {
	case KVM_EXIT_IO: return "io";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_MMIO: return "mmio";
	case KVM_EXIT_SHUTDOWN: return "shutdown";
	case KVM_EXIT_FAIL_ENTRY: return "fail_entry";
	case KVM_EXIT_INTR: return "intr";
	case KVM_EXIT_INTERNAL_ERROR: return "internal_error";
	}
	return "other";
}

static void report_console(const struct vmm_core *c)
{
	char line[512];
	size_t n = 0;

	for (unsigned r = 0; r < 64; r++)
		if (user_exits[r])
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu",
					      kvm_exit_name(r),
					      (unsigned long long)user_exits[r]);
	vmm_log("KVM_RUN returns:%s", n ? line : " none");
	if (c->count != VMM_COUNT_HIST || !c->last.nr_other)
		return;
	n = 0;
	for (unsigned i = 0; i < c->last.nr_other; i++) {
		uint64_t d = kvmx_other_delta(&c->last, &c->base, c->last.other[i].code);

		if (d && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %#x=%llu",
					      c->last.other[i].code, (unsigned long long)d);
	}
	if (n)
		vmm_log("SVM exit codes counted as \"unknown\":%s", line);
}

static int vmm_run(const char *cmdline_path)
{
	static struct vmm_core core;
	static struct vmm_config cfg;
	struct vmm_counter_ops counter = { vmm_tracefs_snapshot, NULL };
	struct vmm_tracefs tfs;
	struct res_buf res = { 0 };
	struct results_writer w = { res_putc, &res };
	struct vmm_boot boot;
	struct vmm_kvm k;
	char err[512], *cmdline, *image = NULL;
	size_t len, image_len = 0;
	int configured = 0;

	memset(&k, 0, sizeof(k));
	/* Until the configuration is known, a failure still gets a results
	 * stream on the default COM2 and the status on isa-debug-exit. */
	snprintf(cfg.results, sizeof(cfg.results), "%s", VMM_RESULTS_DEFAULT);
	vmm_core_init(&core, NULL, 0, 0, VMM_COUNT_VMM, NULL, con_putc, NULL);

	cmdline = read_file(cmdline_path, 1 << 16, &len, err, sizeof(err));
	if (!cmdline) {
		vmm_core_stop(&core, NESTLAB_STATUS_BAD_CONFIG, "kernel command line: %s", err);
		goto end;
	}
	if (vmm_config_parse(cmdline, &cfg, err, sizeof(err))) {
		vmm_core_stop(&core, NESTLAB_STATUS_BAD_CONFIG, "%s", err);
		goto end;
	}
	configured = 1;
	image = read_file(cfg.l2_image, VMM_IMAGE_MAX, &image_len, err, sizeof(err));
	if (!image) {
		vmm_core_stop(&core, NESTLAB_STATUS_BAD_CONFIG, "L2 image: %s", err);
		goto end;
	}
	if (vmm_kvm_create(&k, (uint64_t)cfg.l2mem_mib << 20, err, sizeof(err))) {
		vmm_core_stop(&core, NESTLAB_STATUS_NO_SVM, "KVM: %s", err);
		goto end;
	}
	if (cfg.count == VMM_COUNT_HIST) {
		if (vmm_tracefs_open(&tfs, VMM_TRACEFS_DEFAULT, err, sizeof(err))) {
			vmm_core_stop(&core, NESTLAB_STATUS_L1_ERROR, "exit counting: %s", err);
			goto end;
		}
		counter.ctx = &tfs;
	}
	vmm_core_init(&core, k.ram, k.ram_size, k.maxphyaddr, cfg.count, &counter,
		      con_putc, NULL);
	if (vmm_boot_load(k.ram, k.ram_size, image, image_len, cfg.l2_cmdline, &boot, err,
			  sizeof(err))) {
		vmm_core_stop(&core, NESTLAB_STATUS_BAD_CONFIG, "%s", err);
		goto end;
	}
	vmm_log("L2 kernel %s loaded at %#x-%#x, entry %#x, %u MiB, counting %s, "
		"cmdline \"%s\"", cfg.l2_image, boot.load_addr, boot.load_end, boot.entry,
		cfg.l2mem_mib, cfg.count == VMM_COUNT_HIST ? "kvm_exit histogram" :
		"VMM exits only", cfg.l2_cmdline);
	if (vmm_kvm_boot_state(&k, &boot, err, sizeof(err))) {
		vmm_core_stop(&core, NESTLAB_STATUS_L1_ERROR, "%s", err);
		goto end;
	}
	install_signals();
	if (vmm_core_start(&core) == 0)
		run_vcpu(&core, &k);
end:
	if (core.diag[0])
		vmm_log("%s", core.diag);
	vmm_core_finish(&core, &w, __rdtsc());
	con_flush();
	write_results(cfg.results, &res);
	if (configured)
		report_console(&core);
	vmm_log("run ended with status %u", core.stop_status);
	free(cmdline);
	free(image);
	return debug_exit(core.stop_status);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exit")) {
		char *e;
		unsigned long st = strtoul(argv[2], &e, 10);

		return debug_exit(*e || st > NESTLAB_STATUS_MAX ? NESTLAB_STATUS_L1_ERROR :
				  (unsigned)st);
	}
	if (argc == 3 && !strcmp(argv[1], "--cmdline"))
		return vmm_run(argv[2]);
	if (argc == 1)
		return vmm_run("/proc/cmdline");
	fprintf(stderr, "usage: " VMM_NAME " [--cmdline FILE] | --exit STATUS\n"
		"Runs the L2 kernel under KVM as nestlab's L1 does (docs/kvm-l1.md);\n"
		"configuration from the kernel command line: nestlab.l2=\"...\" "
		"[nestlab.l2img=PATH] [nestlab.l2mem=MiB] [nestlab.count=hist|vmm] "
		"[nestlab.results=PATH].\n");
	return 2;
}
