/*
 * nestlab-kvmstat: counts and times KVM's work per VM process and vCPU
 * thread from the kvm tracepoints, with a libbpf CO-RE program
 * (kvmstat.bpf.c, skeleton from bpftool). It checks the environment first
 * and stops with an error that names the fix (privileges, tracefs, KVM
 * tracepoints, kernel BTF, RLIMIT_MEMLOCK); tracepoints this kernel lacks are
 * skipped and reported. It traces one process (-p), a command it starts and
 * that command's children (--), or every KVM user, then prints a per-VM table
 * sorted by count and optionally writes JSON and a bounded per-event record.
 * With --lttng, each recorded event also becomes an LTTng-UST event
 * nestlab_kvm:<event>, through a plugin loaded only then (kvmstat_lttng.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kvmstat.skel.h"
#include "kvmstat_names.h"
#include "kvmstat_lttng.h"
#include "kvmstat_opts.h"
#include "kvmstat_out.h"
#include "kvmstat_report.h"

#define KS_DEBUGFS_TRACEFS "/sys/kernel/debug/tracing"
#define KS_CAP_PERFMON 38
#define KS_CAP_BPF     39


static volatile sig_atomic_t ks_stop;
static int ks_verbose;
static FILE *ks_record_out;
/* The output files, open from the start; atexit removes their temporaries. */
static struct ks_out ks_json_out, ks_rec_out;
static uint64_t ks_records_written;
/* --lttng: the plugin, and how many records it emitted (with no session listening). */
static const struct ks_lttng_ops *ks_lttng;
static uint64_t ks_lttng_emitted, ks_lttng_no_session;

static void ks_on_signal(int sig)
{
	(void)sig;
	ks_stop = 1;
}

static int ks_err(const char *fmt, ...)
{
	va_list ap;
	fputs("nestlab-kvmstat: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void ks_outs_abort(void)
{
	ks_out_abort(&ks_json_out);
	ks_out_abort(&ks_rec_out);
}

/* Opens an output file before anything starts; 0, or 1 with the error said. */
static int ks_open_out(struct ks_out *out, const char *what, const char *path)
{
	int err = ks_out_open(out, path);

	if (!err)
		return 0;
	if (err == -EISDIR)
		return ks_err("cannot write %s %s: it is a directory. Fix: give a file name", what, path);
	return ks_err("cannot write %s %s: %s. Fix: give a path in a directory you can write "
		      "(the file is written next to it first, then renamed)", what, path, strerror(-err));
}

static int ks_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !ks_verbose)
		return 0;
	if (level == LIBBPF_INFO && !ks_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Privileges: CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON (Linux 5.8+). */
static int ks_check_caps(int *can_mount)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return ks_err("capget: %s", strerror(errno));
	int sys_admin = !!(data[0].effective & (1u << CAP_SYS_ADMIN));
	int bpf = !!(data[1].effective & (1u << (KS_CAP_BPF - 32)));
	int perfmon = !!(data[1].effective & (1u << (KS_CAP_PERFMON - 32)));
	*can_mount = sys_admin;
	if (sys_admin || (bpf && perfmon))
		return 0;
	return ks_err("insufficient privileges: loading BPF tracing programs needs root, or the "
		      "capabilities CAP_BPF and CAP_PERFMON (have: CAP_BPF %s, CAP_PERFMON %s). Fix: run "
		      "with sudo, or grant them: setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep "
		      "nestlab-kvmstat (CAP_DAC_READ_SEARCH reads tracefs for a user other than root)",
		      bpf ? "yes" : "no", perfmon ? "yes" : "no");
}

static int ks_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Whether path exists, or can be read, with this process's effective
 * credentials and capabilities: access(2) checks the real uid and, for a
 * user other than root, ignores capabilities such as CAP_DAC_READ_SEARCH.
 */
static int ks_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int ks_readable(const char *path)
{
	return faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0;
}

/*
 * Finds (or mounts) tracefs; fills dir. A candidate whose events/ cannot be
 * looked at for lack of permission, while the candidate itself is a tracefs
 * mount (statfs), is mounted but not readable: tracefs is mode 0700, owner
 * root, by default, and a user other than root needs CAP_DAC_READ_SEARCH to
 * read it even with CAP_BPF and CAP_PERFMON. That is said as such, never as
 * "not mounted".
 */
static int ks_find_tracefs(const struct ks_opts *o, int can_mount, char *dir, size_t len)
{
	char p[512];
	const char *cands[2] = { o->tracefs ? o->tracefs : KS_DEFAULT_TRACEFS,
				 o->tracefs ? NULL : KS_DEBUGFS_TRACEFS };
	const char *unreadable = NULL;
	struct stat mst = { 0 };

	for (int i = 0; i < 2 && cands[i]; i++) {
		struct statfs sf;
		struct stat st;

		snprintf(p, sizeof(p), "%s/events", cands[i]);
		if (stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				snprintf(dir, len, "%s", cands[i]);
				return 0;
			}
			continue;
		}
		if (errno == EACCES && !unreadable && statfs(cands[i], &sf) == 0 &&
		    sf.f_type == TRACEFS_MAGIC && stat(cands[i], &mst) == 0)
			unreadable = cands[i];
	}
	if (unreadable)
		return ks_err("tracefs is mounted at %s, but this user (uid %u) cannot read it "
			      "(mode %04o, owner uid %u): reading tracefs as a user other than root "
			      "needs CAP_DAC_READ_SEARCH, besides CAP_BPF and CAP_PERFMON. Fix: run as "
			      "root (sudo), or grant it too: setcap "
			      "cap_bpf,cap_perfmon,cap_dac_read_search+ep nestlab-kvmstat",
			      unreadable, (unsigned)geteuid(), (unsigned)(mst.st_mode & 07777),
			      (unsigned)mst.st_uid);
	const char *target = o->tracefs ? o->tracefs : KS_DEFAULT_TRACEFS;
	if (!can_mount)
		return ks_err("tracefs is not mounted at %s and mounting it needs CAP_SYS_ADMIN. "
			      "Fix: as root, run: mount -t tracefs nodev %s", target, target);
	if (mount("nodev", target, "tracefs", 0, NULL))
		return ks_err("tracefs is not mounted at %s and mounting it failed (%s). "
			      "Fix: mount -t tracefs nodev %s", target, strerror(errno), target);
	fprintf(stderr, "nestlab-kvmstat: mounted tracefs at %s\n", target);
	snprintf(dir, len, "%s", target);
	return 0;
}

/* The event's program: classic tracepoint, or tp_btf (NULL where there is none). */
static struct bpf_program *ks_prog(struct kvmstat_bpf *skel, int e, int raw)
{
	char name[64];
	snprintf(name, sizeof(name), "ks_%s%s", raw ? "btf_" : "", ks_event_tracepoint(e));
	return bpf_object__find_program_by_name(skel->obj, name);
}

/*
 * The arguments each tp_btf program reads, as the running kernel must declare
 * them (btf_trace_kvm_X, after the void *__data): one character per argument,
 * 'p' a pointer, '1' '2' '4' '8' an integer (or bool, enum) of that size.
 * NULL: the program reads no argument, any prototype does. kvm_exit and
 * kvm_nested_vmexit have no tp_btf program (their exit reason is no argument).
 */
static const char *const ks_raw_protos[KS_EV_COUNT] = {
	[KS_EV_NESTED_VMEXIT_INJECT] = "488444", /* exit_code, info1, info2, int_info, int_info_err, isa */
	[KS_EV_PIO] = "4444p",           /* rw, port, size, count, data */
	[KS_EV_MMIO] = "448p",           /* type, len, gpa, val */
	[KS_EV_MSR] = "4481",            /* write, ecx, data, exception */
	[KS_EV_CPUID] = "44888811",      /* function, index, rax, rbx, rcx, rdx, found, used_max_basic */
	[KS_EV_HYPERCALL] = "88888",     /* nr, a0, a1, a2, a3 */
	[KS_EV_PAGE_FAULT] = "p88",      /* vcpu, fault_address, error_code */
	[KS_EV_EMULATE_INSN] = "p1",     /* vcpu, failed */
	[KS_EV_USERSPACE_EXIT] = "44",   /* reason, errno */
	[KS_EV_INJ_EXCEPTION] = "4141",  /* exception, has_error, error_code, reinjected */
};

/* The prototype of btf_trace_<tp> in btf as a ks_raw_protos string; 0 if found. */
static int ks_btf_proto(const struct btf *btf, const char *tp, char *sig, size_t len)
{
	char name[96];
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!t || !btf_is_ptr(t) || !(t = btf__type_by_id(btf, t->type)) || !btf_is_func_proto(t))
		return -1;
	const struct btf_param *p = btf_params(t);
	size_t n = 0;
	for (int i = 1; i < btf_vlen(t) && n + 1 < len; i++) {   /* 0 is void *__data */
		const struct btf_type *a = btf__type_by_id(btf, btf__resolve_type(btf, p[i].type));
		char c = '?';
		if (a && btf_is_ptr(a))
			c = 'p';
		else if (a && (btf_is_int(a) || btf_is_enum(a) || btf_is_enum64(a)) && a->size <= 8)
			c = (char)('0' + a->size);
		sig[n++] = c;
	}
	sig[n] = 0;
	return 0;
}

/*
 * Which events can use tp_btf: kernel BTF present (vmlinux, or the kvm
 * module's), a tp_btf program for the event, and btf_trace_kvm_X declaring the
 * arguments it reads. raw[e] is set for those.
 */
static void ks_pick_raw(const int *have, int *raw)
{
	struct btf *vml = btf__load_vmlinux_btf(), *mod = NULL;
	char sig[64];

	if (!vml)
		return;
	if (ks_readable("/sys/kernel/btf/kvm"))   /* KVM as a module */
		mod = btf__load_module_btf("kvm", vml);
	for (int e = 0; e < KS_EV_COUNT; e++) {
		raw[e] = 0;
		if (!have[e] || e == KS_EV_EXIT || e == KS_EV_NESTED_VMEXIT)
			continue;
		const char *tp = ks_event_tracepoint(e);
		if (ks_btf_proto(vml, tp, sig, sizeof(sig)) && (!mod || ks_btf_proto(mod, tp, sig, sizeof(sig)))) {
			if (ks_verbose)
				fprintf(stderr, "nestlab-kvmstat: %s: no btf_trace_%s in kernel BTF, classic tracepoint\n",
					tp, tp);
			continue;
		}
		if (ks_raw_protos[e] && strcmp(ks_raw_protos[e], sig)) {
			fprintf(stderr, "nestlab-kvmstat: %s: raw tracepoint arguments are (%s), not (%s) as "
				"expected; using the classic tracepoint\n", tp, sig, ks_raw_protos[e]);
			continue;
		}
		raw[e] = 1;
	}
	btf__free(mod);
	btf__free(vml);
}

/*
 * One ring-buffer record: a line of the record file (--record) and an
 * LTTng-UST event (--lttng). A kvm_entry that ends a timed exit is written
 * as "exit <reason> <ns> ns".
 */
static int ks_on_record(void *ctx, void *data, size_t size)
{
	const struct ks_record *r = data;
	char label[96], ex[64];
	(void)ctx;
	if (size < sizeof(*r))
		return 0;
	ks_records_written++;
	if (ks_lttng) {
		ks_lttng_emitted++;
		if (!ks_lttng->emit(r))
			ks_lttng_no_session++;
	}
	if (!ks_record_out)
		return 0;
	if (r->event == KS_EV_ENTRY && r->arg) {
		ks_exit_label(ex, sizeof(ex), r->arg, (uint32_t)r->code);
		snprintf(label, sizeof(label), "exit %s %llu ns", ex, (unsigned long long)r->dur_ns);
	} else {
		ks_detail_label(label, sizeof(label), r->event, r->arg, r->code);
	}
	fprintf(ks_record_out, "%llu %u %u %s %s\n", (unsigned long long)r->ts_ns, r->tgid, r->tid,
		ks_event_short(r->event), label);
	return 0;
}

/*
 * --lttng: loads the LTTng-UST plugin from next to the executable (build
 * tree: <dir>/kvmstat/, installed: <dir>/ or <dir>/../lib/nestlab/), never
 * from a path the environment could change (the tool may run with file
 * capabilities). Loading it loads liblttng-ust, which registers with the
 * session daemon, if any, and learns which events its sessions enable
 * before dlopen returns (LTTNG_UST_REGISTER_TIMEOUT, 3 s by default).
 */
static int ks_lttng_load(void)
{
	static const char *const where[] = { "%s/kvmstat/%s", "%s/%s", "%s/../lib/nestlab/%s" };
	char exe[PATH_MAX], path[PATH_MAX + 64], tried[3 * (PATH_MAX + 64)] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	void *h = NULL;

	if (n <= 0)
		return ks_err("--lttng: cannot find the executable's directory (/proc/self/exe: %s)",
			      strerror(errno));
	exe[n] = 0;
	const char *dir = dirname(exe);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]) && !h; i++) {
		snprintf(path, sizeof(path), where[i], dir, KS_LTTNG_PLUGIN);
		if (!ks_exists(path)) {
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
				 i ? ", " : "", path);
			continue;
		}
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			return ks_err("--lttng: cannot load %s: %s. Fix: install LTTng-UST "
				      "(liblttng-ust1; scripts/deps.sh installs liblttng-ust-dev)",
				      path, dlerror());
	}
	if (!h)
		return ks_err("--lttng: no LTTng-UST plugin (looked for %s). Fix: build it with make "
			      "(it is built when liblttng-ust-dev is installed; scripts/deps.sh "
			      "installs it)", tried);
	ks_lttng_plugin_fn get = (ks_lttng_plugin_fn)dlsym(h, KS_LTTNG_SYMBOL);
	const struct ks_lttng_ops *ops = get ? get() : NULL;
	if (!ops || ops->abi != KS_LTTNG_ABI)
		return ks_err("--lttng: %s is not this tool's plugin (ABI %u, want %u). Fix: rebuild "
			      "with make", path, ops ? ops->abi : 0, KS_LTTNG_ABI);
	ks_lttng = ops;
	if (!ks_lttng->listening())
		fprintf(stderr, "nestlab-kvmstat: --lttng: no LTTng session is listening: no session "
			"daemon, or no started session enables nestlab_kvm events (e.g. lttng "
			"enable-event -u 'nestlab_kvm:*'); the events are emitted but not recorded\n");
	return 0;
}

static double ks_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads the counters, threads, histograms and stats out of the maps. */
static int ks_collect(struct kvmstat_bpf *skel, struct ks_report *rep, struct ks_row **rows_out,
		      struct ks_lat_row **lat_out, struct ks_thread_info **thr_out)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return ks_err("cannot count possible CPUs");
	size_t cap_rows = bpf_map__max_entries(skel->maps.counts);
	size_t cap_lat = bpf_map__max_entries(skel->maps.latency);
	size_t cap_thr = bpf_map__max_entries(skel->maps.threads);
	struct ks_row *rows = calloc(cap_rows, sizeof(*rows));
	struct ks_lat_row *lat = calloc(cap_lat, sizeof(*lat));
	struct ks_thread_info *thr = calloc(cap_thr, sizeof(*thr));
	uint64_t *vals = calloc((size_t)ncpu, sizeof(uint64_t));
	struct ks_hist *hists = calloc((size_t)ncpu, sizeof(struct ks_hist));
	if (!rows || !lat || !thr || !vals || !hists)
		return ks_err("out of memory");

	int fd = bpf_map__fd(skel->maps.counts);
	struct ks_key k, *prev = NULL;
	size_t n = 0;
	while (n < cap_rows && bpf_map_get_next_key(fd, prev, &k) == 0) {
		if (bpf_map_lookup_elem(fd, &k, vals) == 0) {
			uint64_t sum = 0;
			for (int c = 0; c < ncpu; c++)
				sum += vals[c];
			rows[n] = (struct ks_row){ k.tgid, k.tid, k.event, k.arg, k.code, sum };
			n++;
		}
		prev = &k;
	}
	/* Hits still in the per-CPU cache slots belong to keys already in `counts`. */
	struct ks_cache *slots = calloc((size_t)ncpu, sizeof(*slots));
	if (!slots)
		return ks_err("out of memory");
	fd = bpf_map__fd(skel->maps.cache);
	for (__u32 s = 0; s < KS_CACHE_SLOTS; s++) {
		if (bpf_map_lookup_elem(fd, &s, slots))
			continue;
		for (int c = 0; c < ncpu; c++) {
			const struct ks_cache *e = &slots[c];
			uint32_t tgid = (uint32_t)(e->id >> 32), tid = (uint32_t)e->id, ev = s / 2;
			size_t i;
			if (!e->n)
				continue;
			for (i = 0; i < n; i++)
				if (rows[i].tid == tid && rows[i].tgid == tgid && rows[i].event == ev &&
				    rows[i].arg == e->arg && rows[i].code == e->code)
					break;
			if (i == n) {
				if (n == cap_rows)
					continue;
				rows[n++] = (struct ks_row){ tgid, tid, ev, e->arg, e->code, 0 };
			}
			rows[i].count += e->n;
		}
	}
	free(slots);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].count)
			rows[kept++] = rows[i];
	rep->rows = rows;
	rep->nrows = kept;

	fd = bpf_map__fd(skel->maps.latency);
	struct ks_lat_key lk, *lprev = NULL;
	n = 0;
	while (n < cap_lat && bpf_map_get_next_key(fd, lprev, &lk) == 0) {
		if (bpf_map_lookup_elem(fd, &lk, hists) == 0) {
			struct ks_lat_row *l = &lat[n++];
			memset(l, 0, sizeof(*l));
			l->tgid = lk.tgid; l->tid = lk.tid; l->isa = lk.isa; l->reason = lk.reason;
			for (int c = 0; c < ncpu; c++) {
				for (int s = 0; s < KS_HIST_SLOTS; s++)
					l->hist.slots[s] += hists[c].slots[s];
				l->hist.count += hists[c].count;
				l->hist.sum_ns += hists[c].sum_ns;
				if (hists[c].max_ns > l->hist.max_ns)
					l->hist.max_ns = hists[c].max_ns;
			}
		}
		lprev = &lk;
	}
	rep->lat = lat;
	rep->nlat = n;

	fd = bpf_map__fd(skel->maps.threads);
	__u32 tid, *tprev = NULL;
	struct ks_thread tv;
	n = 0;
	while (n < cap_thr && bpf_map_get_next_key(fd, tprev, &tid) == 0) {
		if (bpf_map_lookup_elem(fd, &tid, &tv) == 0) {
			thr[n].tid = tid;
			thr[n].tgid = tv.tgid;
			memcpy(thr[n].comm, tv.comm, sizeof(thr[n].comm));
			thr[n].comm[sizeof(thr[n].comm) - 1] = 0;
			n++;
		}
		tprev = &tid;
	}
	rep->threads = thr;
	rep->nthreads = n;

	for (size_t i = 0; i < rep->nrows; i++)
		if (rows[i].event < KS_EV_COUNT)
			rep->stats[KS_STAT_HITS + rows[i].event] += rows[i].count;

	fd = bpf_map__fd(skel->maps.stats);
	for (__u32 s = 0; s < KS_STAT_HITS; s++) {
		if (bpf_map_lookup_elem(fd, &s, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			rep->stats[s] += vals[c];
	}
	free(vals);
	free(hists);
	*rows_out = rows;
	*lat_out = lat;
	*thr_out = thr;
	return 0;
}

int main(int argc, char **argv)
{
	struct ks_opts o = { 0 };
	struct ks_report rep = { 0 };
	struct kvmstat_bpf *skel = NULL;
	struct bpf_link *links[KS_EV_COUNT + 1] = { 0 };
	struct ring_buffer *rb = NULL;
	int have[KS_EV_COUNT] = { 0 };
	const int *want = o.want;
	int rc, can_mount = 0, go_pipe[2] = { -1, -1 }, child_status = 0, child_done = 0;
	pid_t child = 0;
	char tracefs[512], path[700], target[300];

	rc = ks_parse(argc, argv, &o, stderr);
	if (rc == KS_PARSE_HELP)
		return 0;
	if (rc)
		return rc;
	ks_verbose = o.verbose;

	/* 0. The output files, so that a bad path is said before anything runs. */
	atexit(ks_outs_abort);
	if (o.json && ks_open_out(&ks_json_out, "--json", o.json))
		return 1;
	if (o.record_max && ks_open_out(&ks_rec_out, "--record-file", o.record_file))
		return 1;
	ks_record_out = ks_rec_out.f;
	/* Records go through the ring buffer for --record N, and for --lttng (all of them). */
	uint64_t rec_max = o.record_max ? o.record_max : o.lttng ? UINT64_MAX : 0;
	if (o.lttng && ks_lttng_load())
		return 1;
	libbpf_set_print(ks_libbpf_print);

	/* 1. Privileges, tracefs, KVM tracepoints, BTF: each error names its fix. */
	if (ks_check_caps(&can_mount))
		return 1;
	if (ks_find_tracefs(&o, can_mount, tracefs, sizeof(tracefs)))
		return 1;
	snprintf(path, sizeof(path), "%s/events/kvm", tracefs);
	if (!ks_is_dir(path))
		return ks_err("no kvm tracepoints under %s: KVM is not loaded. Fix: load it, e.g. "
			      "modprobe kvm_amd (AMD) or modprobe kvm_intel (Intel), and check /dev/kvm", path);
	int nhave = 0;
	for (int e = 0; e < KS_EV_COUNT; e++) {
		snprintf(path, sizeof(path), "%s/events/kvm/%s/id", tracefs, ks_event_tracepoint(e));
		have[e] = want[e] && ks_exists(path);
		nhave += have[e];
		rep.tp_state[e] = !want[e] ? KS_TP_NOT_REQUESTED : have[e] ? KS_TP_ATTACHED : KS_TP_ABSENT;
		if (want[e] && !have[e])
			fprintf(stderr, "nestlab-kvmstat: %s: not available on this kernel, skipped\n",
				ks_event_tracepoint(e));
	}
	if (!nhave)
		return ks_err("none of the requested kvm tracepoints exists under %s/events/kvm. "
			      "Fix: choose others with --events (see --help)", tracefs);
	if (!o.btf && !ks_readable("/sys/kernel/btf/vmlinux"))
		return ks_err("no kernel BTF (/sys/kernel/btf/vmlinux): the CO-RE program cannot be "
			      "relocated. Fix: pass --btf FILE with this kernel's BTF (e.g. from BTFHub, "
			      "or pahole -J on its vmlinux), or use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; libbpf raises it too. */
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int memlock_raised = setrlimit(RLIMIT_MEMLOCK, &rl) == 0;

	/*
	 * 2. Open, configure, load, attach: tp_btf where ks_pick_raw allows it,
	 * else the classic tracepoint. If the tp_btf programs fail to load, all
	 * events fall back to classic; if one fails to attach, that event does;
	 * each time the object is rebuilt from scratch (nothing is traced yet).
	 */
	int raw[KS_EV_COUNT] = { 0 }, nl = 0;
	if (!o.classic && ks_readable("/sys/kernel/btf/vmlinux"))
		ks_pick_raw(have, raw);
	rep.latency_on = have[KS_EV_EXIT] && have[KS_EV_ENTRY];
	for (;;) {
		int nraw = 0, failed_raw = -1;
		LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = o.btf);
		skel = kvmstat_bpf__open_opts(&open_opts);
		if (!skel)
			return ks_err("opening the BPF object failed: %s", strerror(errno));
		skel->rodata->ks_filter_on = o.pid || o.command;
		skel->rodata->ks_latency_on = rep.latency_on;
		skel->rodata->ks_record_max = rec_max;
		bpf_map__set_max_entries(skel->maps.records, rec_max ? o.ringbuf_size : 4096);
		for (int e = 0; e < KS_EV_COUNT; e++) {
			struct bpf_program *cp = ks_prog(skel, e, 0), *rp = ks_prog(skel, e, 1);
			raw[e] = raw[e] && rp;
			nraw += raw[e];
			bpf_program__set_autoload(cp, have[e] && !raw[e]);
			if (rp)
				bpf_program__set_autoload(rp, have[e] && raw[e]);
		}
		bpf_program__set_autoload(skel->progs.ks_fork, o.pid || o.command);
		rc = kvmstat_bpf__load(skel);
		if (rc && nraw && rc != -EPERM) {
			fprintf(stderr, "nestlab-kvmstat: loading the tp_btf programs failed (%s); "
				"using classic tracepoints\n", strerror(-rc));
			memset(raw, 0, sizeof(raw));
			kvmstat_bpf__destroy(skel);
			continue;
		}
		if (rc) {
			if (rc == -EPERM && !memlock_raised)
				ks_err("loading the BPF program failed (EPERM) and RLIMIT_MEMLOCK could not be raised. "
				       "Fix: ulimit -l unlimited (or run as root)");
			else if (rc == -EPERM)
				ks_err("loading the BPF program failed (EPERM). Fix: run as root, or with CAP_BPF "
				       "and CAP_PERFMON; check kernel.unprivileged_bpf_disabled and lockdown");
			else
				ks_err("loading the BPF program failed: %s (run with -v for libbpf's log)",
				       strerror(-rc));
			kvmstat_bpf__destroy(skel);
			return 1;
		}

		/* 3. Attach everything or nothing. */
		for (int e = 0; e < KS_EV_COUNT && !rc; e++) {
			if (!have[e])
				continue;
			links[nl] = bpf_program__attach(ks_prog(skel, e, raw[e]));
			if (!links[nl]) {
				rc = -errno;
				if (raw[e])
					failed_raw = e;
				else
					ks_err("attaching to kvm:%s failed: %s", ks_event_tracepoint(e), strerror(-rc));
			} else {
				nl++;
			}
		}
		if (!rc && (o.pid || o.command)) {
			links[nl] = bpf_program__attach(skel->progs.ks_fork);
			if (!links[nl]) {
				rc = -errno;
				ks_err("attaching to sched_process_fork failed: %s", strerror(-rc));
			} else {
				nl++;
			}
		}
		if (!rc)
			break;
		for (int i = 0; i < nl; i++)
			bpf_link__destroy(links[i]);
		nl = 0;
		kvmstat_bpf__destroy(skel);
		skel = NULL;
		if (failed_raw < 0)
			return 1;
		fprintf(stderr, "nestlab-kvmstat: attaching tp_btf to %s failed (%s); using its classic "
			"tracepoint\n", ks_event_tracepoint(failed_raw), strerror(-rc));
		raw[failed_raw] = 0;
		rc = 0;
	}
	int nraw = 0;
	for (int e = 0; e < KS_EV_COUNT; e++) {
		rep.tp_attach[e] = !have[e] ? KS_ATTACH_UNKNOWN : raw[e] ? KS_ATTACH_RAW : KS_ATTACH_CLASSIC;
		nraw += have[e] && raw[e];
	}

	/*
	 * 4. The target, now that everything is attached: a -p process is
	 * traced, with the processes it forks, from here on; a command starts
	 * only when the go pipe says so.
	 */
	if (o.pid) {
		__u8 one = 1;
		__u32 key = (__u32)o.pid;
		if (kill(o.pid, 0) && errno == ESRCH) {
			rc = -ESRCH;
			ks_err("no process %d", o.pid);
		}
		bpf_map_update_elem(bpf_map__fd(skel->maps.tracked), &key, &one, BPF_ANY);
		snprintf(target, sizeof(target), "pid %d", o.pid);
	} else if (o.command) {
		if (pipe2(go_pipe, O_CLOEXEC)) {
			rc = -errno;
			ks_err("pipe: %s", strerror(errno));
		} else if ((child = fork()) < 0) {
			rc = -errno;
			ks_err("fork: %s", strerror(errno));
			child = 0;
		} else if (child == 0) {
			char c;
			close(go_pipe[1]);
			if (read(go_pipe[0], &c, 1) != 1)
				_exit(127);   /* the tracer gave up: run nothing untraced */
			execvp(o.command[0], o.command);
			fprintf(stderr, "nestlab-kvmstat: cannot run %s: %s\n", o.command[0], strerror(errno));
			_exit(127);
		} else {
			close(go_pipe[0]);
			__u8 one = 1;
			__u32 key = (__u32)child;
			bpf_map_update_elem(bpf_map__fd(skel->maps.tracked), &key, &one, BPF_ANY);
			snprintf(target, sizeof(target), "command %s (pid %d)", o.command[0], child);
		}
	} else {
		snprintf(target, sizeof(target), "all KVM processes");
	}
	rep.target = target;
	if (!rc && rec_max) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.records), ks_on_record, NULL, NULL);
		if (!rb) {
			rc = -errno;
			ks_err("ring buffer: %s", strerror(errno));
		}
		rep.record_file = o.record_max ? o.record_file : NULL;
	}
	if (rc) {
		if (child > 0) {
			close(go_pipe[1]);
			waitpid(child, NULL, 0);
		}
		for (int i = 0; i < nl; i++)
			bpf_link__destroy(links[i]);
		ring_buffer__free(rb);
		kvmstat_bpf__destroy(skel);
		return 1;
	}

	/* 5. Run until the target exits, the duration passes or a signal comes. */
	struct sigaction sa = { .sa_handler = ks_on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "nestlab-kvmstat: tracing %s with %d tracepoint(s) (%d tp_btf, %d classic)%s\n",
		target, nhave, nraw, nhave - nraw, rep.latency_on ? ", exit latency on" : "");
	double t0 = ks_now();
	if (child > 0) {
		if (write(go_pipe[1], "g", 1) != 1)
			ks_err("starting the command: %s", strerror(errno));
		close(go_pipe[1]);
	}
	while (!ks_stop) {
		usleep(10000);
		if (rb)
			ring_buffer__consume(rb);   /* records are submitted without wakeups */
		if (child > 0 && waitpid(child, &child_status, WNOHANG) == child) {
			child_done = 1;
			break;
		}
		if (o.pid && kill(o.pid, 0) && errno == ESRCH)
			break;
		if (o.duration_s > 0 && ks_now() - t0 >= o.duration_s)
			break;
	}
	rep.duration_s = ks_now() - t0;
	for (int i = 0; i < nl; i++)
		bpf_link__destroy(links[i]);
	if (rb)
		ring_buffer__consume(rb);

	/* 6. Report. */
	struct ks_row *rows = NULL;
	struct ks_lat_row *lat = NULL;
	struct ks_thread_info *thr = NULL;
	rep.mode = rec_max ? "record" : "count";
	rc = ks_collect(skel, &rep, &rows, &lat, &thr);
	rep.records_written = ks_records_written;
	rep.lttng_on = o.lttng;
	rep.lttng_emitted = ks_lttng_emitted;
	rep.lttng_no_session = ks_lttng_no_session;
	if (!rc) {
		if (!o.quiet)
			ks_report_text(stdout, &rep);
		if (o.json) {
			ks_report_json(ks_json_out.f, &rep);
			int err = ks_out_commit(&ks_json_out);
			if (err)
				rc = ks_err("writing %s: %s", o.json, strerror(-err));
		}
	}
	if (o.record_max) {
		int err = ks_out_commit(&ks_rec_out);
		if (err)
			rc = ks_err("writing %s: %s", o.record_file, strerror(-err));
	}
	ring_buffer__free(rb);
	kvmstat_bpf__destroy(skel);
	free(rows);
	free(lat);
	free(thr);
	if (child > 0 && !child_done) {
		kill(child, SIGTERM);
		waitpid(child, &child_status, 0);
		child_done = 1;
	}
	if (rc)
		return 1;
	if (child_done && WIFEXITED(child_status) && WEXITSTATUS(child_status))
		return WEXITSTATUS(child_status);
	if (child_done && WIFSIGNALED(child_status) && !ks_stop)
		return 128 + WTERMSIG(child_status);
	return 0;
}
