#!/bin/bash
# Tracing end to end (docs/tracing.md). First without QEMU: trace-e2e lays
# out a trace region in a file as the producers do, the real collector
# process drains it into an LTTng session, and `nestlab trace-stats
# --check` must agree with what was produced (emitted + dropped + rejected
# == produced, corrupt records rejected, drops reported). Then real runs
# with `nestlab run --trace`: cpuid N=1000 at level 2 must give exactly
# 1000 in-phase nestlab:l1_exit events with reason cpuid and a passing
# --check; level 1 gives L2 events only; a failing run (triple fault) and
# a timeout kill still leave their trace; the error cases (lttng missing
# from PATH, a session daemon that will not start, DIR not creatable, DIR
# not empty) give one message, exit 1 and still write the results. The
# QEMU cases print SKIP while the images do not write a trace directory.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init trace
lib_require l1
E2E=$BUILD/tracing/ust/trace-e2e
SINK=$BUILD/tracing/libnestlab-ust.so
for f in "$E2E" "$SINK"; do
	[ -f "$f" ] || { fail "$f not built (make build-tests)"; exit 1; }
done
if ! command -v lttng >/dev/null || ! command -v lttng-sessiond >/dev/null; then
	skip "lttng-tools not installed (make deps)"; exit 0
fi
if ! lttng --no-sessiond list >/dev/null 2>&1; then
	lttng-sessiond --daemonize >/dev/null 2>&1 ||
		{ fail "cannot start lttng-sessiond (run as root)"; exit 1; }
fi

# jqf FILE EXPR: one value of a JSON file.
jqf() { jq -r "$2" "$1" 2>/dev/null; }

# --- no QEMU: host producer -> collector -> LTTng -> trace-stats ------------
sess=nestlab-itest-$$
lttng --no-sessiond create "$sess" --output "$OUT/e2e/trace" >"$OUT/e2e.lttng" 2>&1 &&
lttng --no-sessiond enable-channel --userspace --session "$sess" --subbuf-size 4M \
	--num-subbuf 8 --blocking-timeout inf nestlab >>"$OUT/e2e.lttng" 2>&1 &&
lttng --no-sessiond enable-event --userspace --session "$sess" --channel nestlab 'nestlab:*' \
	>>"$OUT/e2e.lttng" 2>&1 &&
lttng --no-sessiond start "$sess" >>"$OUT/e2e.lttng" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	fail "e2e: cannot set up an LTTng session"; show "$OUT/e2e.lttng"
else
	"$E2E" --file "$OUT/e2e/ram" --json "$OUT/e2e.json" --sink "$SINK" --iterations 5000 \
		--corrupt 30 >"$OUT/e2e.log" 2>&1
	rc=$?
	lttng --no-sessiond stop "$sess" >>"$OUT/e2e.lttng" 2>&1
	lttng --no-sessiond destroy "$sess" >>"$OUT/e2e.lttng" 2>&1
	sed -n 's/^\(PASS\|FAIL\): trace-e2e: /\1: trace: e2e: /p' "$OUT/e2e.log"
	grep -q '^FAIL' "$OUT/e2e.log" && lib_fails=$((lib_fails + 1))
	[ $rc -ne 0 ] && ! grep -q '^FAIL' "$OUT/e2e.log" && { fail "e2e: trace-e2e exited $rc"; show "$OUT/e2e.log"; }
	"$NESTLAB" trace-stats "$OUT/e2e/trace" --check "$OUT/e2e.json" >"$OUT/e2e.stats" 2>&1
	if [ $? -eq 0 ] && grep -q '^PASS: trace agrees' "$OUT/e2e.stats" &&
	   grep -Eq '^    l1_exit cpuid +5000$' "$OUT/e2e.stats" &&
	   grep -q 'l2 dropped [1-9][0-9]* rejected 30 ' "$OUT/e2e.stats"; then
		pass "e2e: trace-stats --check agrees: 5000 cpuid exits in phase, 30 rejected, drops reported"
	else
		fail "e2e: trace-stats disagrees"; show "$OUT/e2e.stats"
	fi
fi

# --- real runs ---------------------------------------------------------------
# run NAME ARGS...: nestlab run --accel tcg ARGS --json $OUT/NAME.json; sets rc.
run() {
	local name=$1; shift
	timeout 150 "$NESTLAB" run --accel tcg --timeout 120 --json "$OUT/$name.json" "$@" \
		>"$OUT/$name.log" 2>&1
	rc=$?
}

run l2 --workload cpuid --iterations 1000 --trace "$OUT/l2"
if [ "$(jqf "$OUT/l2.json" .trace.directory)" != true ] &&
   jqf "$OUT/l2.json" .trace.error | grep -q 'no trace directory found'; then
	skip "level 2: L1 wrote no trace directory (producers not in this image): QEMU cases skipped"
	lib_done
fi
if [ $rc -ne 0 ]; then
	fail "level 2 cpuid: nestlab exited $rc"; show "$OUT/l2.log"
else
	"$NESTLAB" trace-stats "$OUT/l2" --check "$OUT/l2.json" >"$OUT/l2.stats" 2>&1; src=$?
	n=$(sed -n '/^phase 0 /,/^phase 1 \|^lost/s/^    l1_exit cpuid *\([0-9]*\)$/\1/p' "$OUT/l2.stats")
	if [ $src -eq 0 ] && [ "$n" = 1000 ] && grep -q '^PASS: trace agrees' "$OUT/l2.stats"; then
		pass "level 2 cpuid: exactly 1000 in-phase l1_exit cpuid events, --check agrees"
	else
		fail "level 2 cpuid: in-phase l1_exit cpuid $n, trace-stats exit $src"; show "$OUT/l2.stats"
	fi
	if [ "$(jqf "$OUT/l2.json" '[.trace.rings[].producer] | join(",")')" = l1,l2 ] &&
	   [ "$(jqf "$OUT/l2.json" '.trace.dropped + .trace.rejected')" = 0 ] &&
	   [ "$(jqf "$OUT/l2.json" '.trace.emitted == ([.trace.events[]] | add)')" = true ] &&
	   [ "$(jqf "$OUT/l2.json" '.trace.events.l2_phase_begin')" = 1 ]; then
		pass "level 2 cpuid: L1 and L2 rings, nothing lost, events add up"
	else
		fail "level 2 cpuid: trace object"; jq -c .trace "$OUT/l2.json" | sed 's/^/    | /'
	fi
fi

# Interposition's trace operation (docs/interpose.md): one record per
# interposed call, from the guest module (l2_interpose, inguest) or from L1
# (l1_mech, hypercall): in the phase exactly the phase's interpose.total.
for v in inguest:l2_interpose hypercall:l1_mech; do
	ev=${v#*:}; v=${v%%:*}
	run "ip-$v" --workload getpid --iterations 200 --interpose "$v" --interpose-op trace \
		--trace "$OUT/ip-$v"
	"$NESTLAB" trace-stats "$OUT/ip-$v" --check "$OUT/ip-$v.json" >"$OUT/ip-$v.stats" 2>&1
	src=$?
	n=$(sed -n "/^phase 0 /,/^phase 1 \|^lost/s/^  $ev  *\([0-9]*\)\$/\1/p" "$OUT/ip-$v.stats")
	want=$(jqf "$OUT/ip-$v.json" '.phases[0].counters["interpose.total"]')
	if [ $rc -eq 0 ] && [ $src -eq 0 ] && [ -n "$n" ] && [ "$n" = "$want" ]; then
		pass "interpose $v, op trace: $n in-phase $ev events = the phase's interpose.total"
	else
		fail "interpose $v, op trace: $n in-phase $ev events, interpose.total $want" \
			"(nestlab $rc, trace-stats $src)"
		show "$OUT/ip-$v.stats"
	fi
done

run l1 --workload getpid --iterations 200 --level 1 --trace "$OUT/l1"
"$NESTLAB" trace-stats "$OUT/l1" --check "$OUT/l1.json" >"$OUT/l1.stats" 2>&1; src=$?
if [ $rc -eq 0 ] && [ $src -eq 0 ] &&
   [ "$(jqf "$OUT/l1.json" '[.trace.rings[].producer] | join(",")')" = l2 ] &&
   [ "$(jqf "$OUT/l1.json" '[.trace.events | to_entries[] | select(.key | startswith("l1_")) | .value] | add')" = 0 ] &&
   [ "$(jqf "$OUT/l1.json" '.trace.events.l2_syscall_entry >= 200')" = true ]; then
	pass "level 1 getpid: L2 events only (>= 200 system calls), --check agrees"
else
	fail "level 1 getpid: nestlab $rc, trace-stats $src"; show "$OUT/l1.log"; show "$OUT/l1.stats"
fi

run tf --workload triplefault --trace "$OUT/tf"
if [ $rc -eq 1 ] && [ "$(jqf "$OUT/tf.json" .status)" != pass ] &&
   [ "$(jqf "$OUT/tf.json" '.trace.emitted > 0 and .trace.directory')" = true ] &&
   "$NESTLAB" trace-stats "$OUT/tf" >/dev/null 2>&1; then
	pass "failing run ($(jqf "$OUT/tf.json" .status)): its trace is still collected and readable"
else
	fail "failing run: trace not collected"; show "$OUT/tf.log"
fi

run to --workload cpuid --iterations 100000000 --timeout 3 --trace "$OUT/to"
if [ "$(jqf "$OUT/to.json" .status)" = timeout ] &&
   [ "$(jqf "$OUT/to.json" '.trace.emitted > 1000 and .trace.rejected == 0')" = true ] &&
   "$NESTLAB" trace-stats "$OUT/to" >"$OUT/to.stats" 2>&1; then
	pass "timeout kill: $(jqf "$OUT/to.json" .trace.emitted) events collected, dropped $(jqf "$OUT/to.json" .trace.dropped), readable"
else
	fail "timeout kill: trace"; show "$OUT/to.log"
fi

# Error cases: one message, exit 1, results still written (the run itself passes).
# err_case NAME REGEX ENV... -- ARGS...
err_case() {
	local name=$1 re=$2; shift 2
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$(command -v timeout)" 150 "$NESTLAB" run --accel tcg --workload cpuid --iterations 10 \
		--qemu "$(command -v qemu-system-x86_64)" --json "$OUT/$name.json" "$@" \
		>"$OUT/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq "$re" "$OUT/$name.log" &&
	   [ "$(jqf "$OUT/$name.json" .status)" = pass ] &&
	   jqf "$OUT/$name.json" .trace.error | grep -Eq "$re"; then
		pass "$name: exit 1, '$(grep -Eo "$re" "$OUT/$name.log" | head -1)', results written"
	else
		fail "$name: nestlab exited $rc"; show "$OUT/$name.log"
	fi
}
mkdir -p "$OUT/bin" "$OUT/fake"
ln -sf "$(command -v qemu-system-x86_64)" "$OUT/bin/"
err_case no_lttng 'the lttng command is not in PATH' PATH="$OUT/bin" -- --trace "$OUT/nl"
printf '#!/bin/sh\necho "Error: No session daemon is available" >&2\nexit 1\n' >"$OUT/fake/lttng"
printf '#!/bin/sh\necho "lttng-sessiond: cannot create the client socket" >&2\nexit 1\n' \
	>"$OUT/fake/lttng-sessiond"
chmod +x "$OUT/fake/lttng" "$OUT/fake/lttng-sessiond"
err_case no_daemon 'session daemon would not start' PATH="$OUT/fake:$OUT/bin" -- --trace "$OUT/nd"
: >"$OUT/afile"
err_case dir_bad 'cannot create it: Not a directory' -- --trace "$OUT/afile/trace"
mkdir -p "$OUT/full" && : >"$OUT/full/x"
err_case dir_full 'not empty' -- --trace "$OUT/full"
lib_done
