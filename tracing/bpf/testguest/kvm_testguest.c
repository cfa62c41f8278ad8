/*
 * nestlab-kvm-testguest: a tiny /dev/kvm program that gives nestlab-kvmstat's
 * tests and benchmark an exactly known workload. One vCPU runs a
 * loop that performs, N times: OUT to a port, IN from the same port, CPUID
 * (leaf 0) and a hypercall (VMMCALL on AMD, VMCALL on Intel, so KVM handles it
 * natively without patching the instruction), then HLT; the code runs in
 * 32-bit protected mode with flat segments and no paging. The two port accesses
 * exit to this program (KVM_EXIT_IO); CPUID and the hypercall are handled in
 * the kernel; HLT ends the run (KVM_EXIT_HLT). The program checks that it saw
 * exactly N port writes and N port reads and prints the exit rate on request.
 *
 *   nestlab-kvm-testguest [-n N] [--port P] [--nr NR] [--hypercall KIND]
 *                         [--wait-stdin] [--report]
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define TG_MEM_SIZE   0x10000u  /* 64 KiB of guest RAM at guest-physical 0 */
#define TG_CODE_ADDR  0x1000u   /* entry point (flat CS) */

enum tg_hypercall { TG_HC_AUTO, TG_HC_VMCALL, TG_HC_VMMCALL, TG_HC_NONE };

struct tg_config {
	enum tg_hypercall hypercall;
	uint32_t iterations;
	uint16_t port;
	uint32_t hypercall_nr;
	int wait_stdin;
	int report;
};

static int tg_host_is_amd(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return 0;
	/* "AuthenticAMD" / "HygonGenuine": EBX holds the first four bytes. */
	return b == 0x68747541u || b == 0x6f677948u;
}

/*
 * The loop, 32-bit protected-mode code (flat segments, no paging). EDI holds
 * the port, EBP the hypercall number, ESI the remaining iterations. Protected
 * mode because KVM's instruction emulator refuses VMMCALL/VMCALL in real mode
 * (they are "Prot" in arch/x86/kvm/emulate.c) and some hosts emulate every
 * guest instruction.
 */
static size_t tg_emit_code(uint8_t *p, enum tg_hypercall hc)
{
	static const uint8_t head[] = {
		0x89, 0xfa,             /* 0: mov edx, edi     */
		0xee,                   /* 2: out dx, al       */
		0xec,                   /* 3: in al, dx        */
		0x31, 0xc0,             /* 4: xor eax, eax     */
		0x0f, 0xa2,             /* 6: cpuid            */
		0x89, 0xe8,             /* 8: mov eax, ebp     */
	};
	size_t n;
	memcpy(p, head, sizeof(head));
	n = sizeof(head);
	if (hc == TG_HC_NONE) {                      /* 10: three NOPs */
		p[n++] = 0x90; p[n++] = 0x90; p[n++] = 0x90;
	} else {
		/* APM vol 3: VMMCALL is 0F 01 D9; SDM vol 2B: VMCALL is 0F 01 C1. */
		p[n++] = 0x0f; p[n++] = 0x01;
		p[n++] = hc == TG_HC_VMMCALL ? 0xd9 : 0xc1;
	}
	p[n++] = 0x4e;                                     /* 13: dec esi */
	p[n++] = 0x75; p[n] = (uint8_t)-(int)(n + 1); n++; /* 14: jnz 0 */
	p[n++] = 0xf4;                                     /* 16: hlt */
	return n;
}

/* A flat 4 GiB segment for KVM_SET_SREGS (the hidden part is loaded directly). */
static void tg_flat_segment(struct kvm_segment *seg, uint16_t sel, uint8_t type)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = 0xffffffffu;
	seg->selector = sel;
	seg->type = type;
	seg->present = 1;
	seg->db = 1;
	seg->s = 1;
	seg->g = 1;
}

/*
 * The hypercall instruction: the host vendor's native one, so that KVM handles
 * it without rewriting guest code. Exception: PVM (kvm_pvm, KVM without
 * hardware virtualization) emulates every instruction of this guest, and its
 * emulator only "fixes" VMCALL/VMMCALL in place (emulator_fix_hypercall) and
 * never completes them, so the guest would spin forever: no hypercalls there.
 */
static enum tg_hypercall tg_resolve_hypercall(enum tg_hypercall hc)
{
	if (hc != TG_HC_AUTO)
		return hc;
	if (access("/sys/module/kvm_pvm", F_OK) == 0) {
		fprintf(stderr, "nestlab-kvm-testguest: host KVM is PVM (kvm_pvm): "
			"hypercalls cannot complete there, running without them\n");
		return TG_HC_NONE;
	}
	return tg_host_is_amd() ? TG_HC_VMMCALL : TG_HC_VMCALL;
}

static int tg_fail(const char *what)
{
	fprintf(stderr, "nestlab-kvm-testguest: %s: %s\n", what, strerror(errno));
	return 1;
}

static int tg_run(const struct tg_config *cfg)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return tg_fail("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "nestlab-kvm-testguest: unexpected KVM API version\n");
		return 1;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return tg_fail("KVM_CREATE_VM");
	uint8_t *mem = mmap(NULL, TG_MEM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return tg_fail("mmap guest memory");
	enum tg_hypercall hc = tg_resolve_hypercall(cfg->hypercall);
	size_t code_len = tg_emit_code(mem + TG_CODE_ADDR, hc);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = TG_MEM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return tg_fail("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return tg_fail("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		return tg_fail("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return tg_fail("mmap kvm_run");

	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return tg_fail("KVM_GET_SREGS");
	tg_flat_segment(&sregs.cs, 0x08, 0xb);   /* execute/read, accessed */
	tg_flat_segment(&sregs.ds, 0x10, 0x3);   /* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 |= 1;                          /* CR0.PE: protected mode, no paging */
	sregs.idt.base = 0;
	sregs.idt.limit = 0;                     /* any exception ends in a shutdown */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return tg_fail("KVM_SET_SREGS");
	struct kvm_regs regs = {
		.rip = TG_CODE_ADDR + (cfg->iterations ? 0 : code_len - 1),
		.rflags = 0x2,
		.rsi = cfg->iterations,
		.rdi = cfg->port,
		.rbp = cfg->hypercall_nr,
	};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return tg_fail("KVM_SET_REGS");

	if (cfg->wait_stdin) {
		char c;
		if (read(0, &c, 1) < 0)
			return tg_fail("read stdin");
	}

	uint64_t outs = 0, ins = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return tg_fail("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == cfg->port &&
		    run->io.size == 1 && run->io.count == 1) {
			uint8_t *data = (uint8_t *)run + run->io.data_offset;
			if (run->io.direction == KVM_EXIT_IO_OUT) {
				outs++;
			} else {
				*data = 0x5a;
				ins++;
			}
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		fprintf(stderr, "nestlab-kvm-testguest: unexpected exit %u (io port 0x%x size %u count %u dir %u)\n",
			run->exit_reason, run->io.port, run->io.size, run->io.count, run->io.direction);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (outs != cfg->iterations || ins != cfg->iterations) {
		fprintf(stderr, "nestlab-kvm-testguest: saw %llu OUT and %llu IN exits, expected %u each\n",
			(unsigned long long)outs, (unsigned long long)ins, cfg->iterations);
		return 1;
	}
	if (cfg->report) {
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
		uint64_t exits = 4ull * cfg->iterations;
		if (hc == TG_HC_NONE)
			exits -= cfg->iterations;
		printf("iterations %u hypercalls %u exits %llu elapsed_s %.6f exits_per_s %.0f\n",
		       cfg->iterations, hc == TG_HC_NONE ? 0 : cfg->iterations,
		       (unsigned long long)exits, s, s > 0 ? (double)exits / s : 0.0);
	}
	munmap(run, (size_t)run_size);
	munmap(mem, TG_MEM_SIZE);
	close(vcpu);
	close(vm);
	close(kvm);
	return 0;
}

static void tg_usage(FILE *f)
{
	fprintf(f,
		"usage: nestlab-kvm-testguest [-n N] [--port P] [--nr NR] [--hypercall KIND]\n"
		"                             [--wait-stdin] [--report]\n"
		"  Runs a KVM guest (32-bit protected mode) that performs exactly N port writes and N port\n"
		"  reads on port P (KVM_EXIT_IO), N CPUIDs (leaf 0) and N hypercalls with\n"
		"  number NR (VMMCALL on AMD, VMCALL on Intel), then HLT.\n"
		"  -n N          iterations (default 1000)\n"
		"  --port P      I/O port (default 0x500)\n"
		"  --nr NR       hypercall number in EAX (default 0x6e6c, unknown to KVM)\n"
		"  --hypercall K auto (default: the host's native instruction, none on PVM),\n"
		"                vmcall, vmmcall or none (NOPs instead)\n"
		"  --wait-stdin  set the VM up, then wait for one byte (or EOF) on stdin\n"
		"  --report      print the iterations, exits and exits per second\n");
}

int main(int argc, char **argv)
{
	struct tg_config cfg = { .iterations = 1000, .port = 0x500, .hypercall_nr = 0x6e6c };
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "nr", required_argument, NULL, 'r' },
		{ "wait-stdin", no_argument, NULL, 'w' },
		{ "report", no_argument, NULL, 'R' },
		{ "hypercall", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		unsigned long v;
		switch (c) {
		case 'n':
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || v > 0xffffffffu) {
				fprintf(stderr, "nestlab-kvm-testguest: bad -n '%s'\n", optarg);
				return 2;
			}
			cfg.iterations = (uint32_t)v;
			break;
		case 'p':
			v = strtoul(optarg, &end, 0);
			if (*end || v > 0xffff) {
				fprintf(stderr, "nestlab-kvm-testguest: bad --port '%s'\n", optarg);
				return 2;
			}
			cfg.port = (uint16_t)v;
			break;
		case 'r':
			v = strtoul(optarg, &end, 0);
			if (*end || v > 0xffffffffu) {
				fprintf(stderr, "nestlab-kvm-testguest: bad --nr '%s'\n", optarg);
				return 2;
			}
			cfg.hypercall_nr = (uint32_t)v;
			break;
		case 'H':
			if (!strcmp(optarg, "auto")) cfg.hypercall = TG_HC_AUTO;
			else if (!strcmp(optarg, "vmcall")) cfg.hypercall = TG_HC_VMCALL;
			else if (!strcmp(optarg, "vmmcall")) cfg.hypercall = TG_HC_VMMCALL;
			else if (!strcmp(optarg, "none")) cfg.hypercall = TG_HC_NONE;
			else {
				fprintf(stderr, "nestlab-kvm-testguest: bad --hypercall '%s'\n", optarg);
				return 2;
			}
			break;
		case 'w': cfg.wait_stdin = 1; break;
		case 'R': cfg.report = 1; break;
		case 'h': tg_usage(stdout); return 0;
		default: tg_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		tg_usage(stderr);
		return 2;
	}
	return tg_run(&cfg);
}
