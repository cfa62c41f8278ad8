/*
 * kvmstat-bench: what nestlab-kvmstat costs the VM it traces. Runs the
 * /dev/kvm test guest (nestlab-kvm-testguest --report, which times its own
 * run loop) without the tool, under the tool in counting mode, and under the
 * tool with every event sent through the ring buffer (--record), in counting
 * mode with classic tracepoints only (--classic: what tp_btf saves), interleaved
 * for several rounds, and prints the median exit rate of each mode side by
 * side. The goal: counting mode costs at most 5% of the exit rate.
 *
 *   kvmstat-bench [--tool PATH] [--guest PATH] [-n ITERATIONS] [--rounds R]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KB_MODES 5
#define KB_MAX_ROUNDS 32

static double kb_run(const char *cmd)
{
	char line[512];
	double rate = -1;
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *s = strstr(line, "exits_per_s ");
		if (s)
			rate = strtod(s + 12, NULL);
	}
	if (pclose(p) != 0)
		return -1;
	return rate;
}

static int kb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *tool = "build/nestlab-kvmstat", *guest = "build/kvmstat/nestlab-kvm-testguest";
	unsigned long n = 20000, rounds = 5;
	static const struct option opts[] = {
		{ "tool", required_argument, NULL, 't' },
		{ "guest", required_argument, NULL, 'g' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tool = optarg; break;
		case 'g': guest = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(c == 'h' ? stdout : stderr,
				"usage: kvmstat-bench [--tool PATH] [--guest PATH] [-n N] [--rounds R]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!n || !rounds || rounds > KB_MAX_ROUNDS) {
		fprintf(stderr, "kvmstat-bench: need -n >= 1 and 1 <= --rounds <= %d\n", KB_MAX_ROUNDS);
		return 2;
	}
	char rec[] = "/tmp/kvmstat-bench-XXXXXX";
	int fd = mkstemp(rec);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	static const char *names[KB_MODES] = { "no tool", "counting (BPF maps)", "ring buffer (--record)",
					   "counting, no emulate_insn", "counting, --classic" };
	char cmds[KB_MODES][1024];
	snprintf(cmds[0], sizeof(cmds[0]), "%s -n %lu --report 2>/dev/null", guest, n);
	snprintf(cmds[1], sizeof(cmds[1]), "%s -q -- %s -n %lu --report 2>/dev/null", tool, guest, n);
	/* Every event of the run through the ring buffer: the limit is far above them. */
	snprintf(cmds[2], sizeof(cmds[2]), "%s -q --record 100000000 --record-file %s -- %s -n %lu --report 2>/dev/null",
		 tool, rec, guest, n);

	/* Where KVM emulates every guest instruction (PVM), kvm_emulate_insn dominates. */
	snprintf(cmds[3], sizeof(cmds[3]), "%s -q --events exit,entry,nested_vmexit,nested_vmexit_inject,"
		 "nested_vmenter,nested_vmrun,pio,mmio,msr,cpuid,hypercall,page_fault,userspace_exit,"
		 "inj_exception -- %s -n %lu --report 2>/dev/null", tool, guest, n);
	snprintf(cmds[4], sizeof(cmds[4]), "%s -q --classic -- %s -n %lu --report 2>/dev/null", tool, guest, n);
	double rate[KB_MODES][KB_MAX_ROUNDS];
	for (unsigned long r = 0; r < rounds; r++)
		for (int m = 0; m < KB_MODES; m++) {
			rate[m][r] = kb_run(cmds[m]);
			if (rate[m][r] < 0) {
				fprintf(stderr, "kvmstat-bench: failed: %s\n", cmds[m]);
				unlink(rec);
				return 1;
			}
		}
	unlink(rec);
	printf("kvmstat-bench: test guest, %lu iterations per run, %lu rounds (medians; exit rate as\n"
	       "timed by the guest around its KVM_RUN loop)\n", n, rounds);
	printf("  %-24s %14s %10s %30s\n", "mode", "exits/s", "vs none", "all rounds (exits/s)");
	double base = 0;
	for (int m = 0; m < KB_MODES; m++) {
		double sorted[KB_MAX_ROUNDS];
		char all[256] = "";
		memcpy(sorted, rate[m], rounds * sizeof(double));
		qsort(sorted, rounds, sizeof(double), kb_cmp);
		double med = sorted[rounds / 2];
		if (m == 0)
			base = med;
		for (unsigned long r = 0; r < rounds; r++) {
			size_t l = strlen(all);
			snprintf(all + l, sizeof(all) - l, "%s%.0f", r ? " " : "", rate[m][r]);
		}
		printf("  %-24s %14.0f %9.1f%% %30s\n", names[m], med, base > 0 ? 100.0 * med / base : 0.0, all);
	}
	return 0;
}
