# Shared helpers of the integration scripts in tests/integration/, sourced
# by each (never run on its own). A script names itself (lib_init), declares
# its cases, each a `nestlab run` whose expectation `nestlab expect` computes
# from the workload's exit model (include/nestlab/workload_model.h), runs
# them JOBS at a time, checks them in declaration order and ends with
# lib_done. Output: kvm-unit-tests-style "PASS: <script>: ...", "FAIL: ...",
# "SKIP: ..." lines only (scripts/run-tests.sh counts them); guest consoles
# and launcher output go to files under $OUT, shown indented on a failure.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
BUILD=${BUILD:-build}
NESTLAB=$BUILD/nestlab
L1_IMAGE=$BUILD/l1hyp/l1hyp.bin
L2_IMAGE=$BUILD/guests/l2kernel.bin
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
OUT=$(mktemp -d /tmp/nestlab-itest.XXXXXX) || exit 1
trap 'rm -rf "$OUT"' EXIT
lib_fails=0
lib_name=?
lib_cases=()

lib_init() { lib_name=$1; }
pass() { echo "PASS: $lib_name: $*"; }
fail() { echo "FAIL: $lib_name: $*"; lib_fails=$((lib_fails + 1)); }
skip() { echo "SKIP: $lib_name: $*"; }
lib_done() { [ "$lib_fails" -eq 0 ]; exit; }

# show FILE: its last lines, indented, after a FAIL line.
show() { [ -f "$1" ] && sed 's/^/    | /' "$1" | tail -25; }

# lib_require [l1]: QEMU (else SKIP, exit 0), jq, the launcher and the L2
# kernel, and with "l1" the L1 image (else FAIL, exit 1).
lib_require() {
	local f
	if ! command -v qemu-system-x86_64 >/dev/null; then
		skip "qemu-system-x86_64 not installed"; exit 0
	fi
	if ! command -v jq >/dev/null; then
		fail "jq not installed (make deps)"; exit 1
	fi
	for f in "$NESTLAB" "$L2_IMAGE" ${1:+"$L1_IMAGE"}; do
		if [ ! -f "$f" ]; then
			fail "$f not built (make build-tests)"; exit 1
		fi
	done
}

# lib_status_code NAME: the value of NESTLAB_STATUS_<NAME> in status.h.
lib_status_code() {
	sed -n "s/^[[:space:]]*NESTLAB_STATUS_$1[[:space:]]*=[[:space:]]*\([0-9]*\),.*/\1/p" \
		include/nestlab/status.h
}

# lib_qemu_exit NAME: QEMU's exit code for that status, (code << 1) | 1.
lib_qemu_exit() { echo $(( $(lib_status_code "$1") * 2 + 1 )); }

# lib_workloads pass|fail LEVEL: the workloads whose model says the run
# passes (or does not) at LEVEL, in NESTLAB_WORKLOADS order.
lib_workloads() {
	local w st
	for w in $("$NESTLAB" expect --list); do
		st=fail
		"$NESTLAB" expect --workload "$w" --level "$2" | grep -q '"status": "pass"' &&
			st=pass
		[ "$st" = "$1" ] && echo "$w"
	done
}

# lib_spawn NAME ARGS...: `nestlab run --verbose ARGS` in the background
# (at most JOBS at once): $OUT/NAME.json, NAME.log (output and console),
# NAME.rc. LIB_L1_EXTRA (environment): more arguments for every run under
# nestlab's L1 (not at --level 1 nor with --l1 kvm), to run a suite with an
# L1 option on, e.g. LIB_L1_EXTRA="--l1-trampoline on" (docs/tramp.md).
lib_spawn() {
	local name=$1 a prev=; shift
	local extra=()
	[ -n "${LIB_L1_EXTRA:-}" ] && read -ra extra <<<"$LIB_L1_EXTRA"
	for a in "$@"; do
		case "$prev $a" in "--level 1"|"--l1 kvm") extra=();; esac
		case "$a" in --level=1|--l1=kvm) extra=();; esac
		prev=$a
	done
	while [ "$(jobs -pr | wc -l)" -ge "$JOBS" ]; do wait -n; done
	(
		timeout 150 "$NESTLAB" run --accel tcg --timeout 120 --verbose \
			--json "$OUT/$name.json" "$@" "${extra[@]}" >"$OUT/$name.log" 2>&1
		echo $? >"$OUT/$name.rc"
	) &
}

# lib_case NAME ARGS...: a run of the model parameters ARGS (--workload,
# --iterations, --level, --transport, --npt-lazy), its expectation in
# $OUT/NAME.want; checked by lib_check_all.
lib_case() {
	local name=$1; shift
	if ! "$NESTLAB" expect "$@" >"$OUT/$name.want" 2>&1; then
		fail "$name: nestlab expect $* failed"; show "$OUT/$name.want"; return
	fi
	lib_cases+=("$name")
	lib_spawn "$name" "$@"
}

# One line, tab-separated, of a run's JSON ($g) against its expectation
# ($w): workload, iterations, status, checks, the phase exits wanted, the
# run's wall time, and the mismatches ("; " separated, "" when they agree):
# status, QEMU exit, and when the run passes the one phase named after the
# workload with exactly the model's exits, the producer (l1 at level 2, l2
# at level 1), no exit at all at level 1.
LIB_JQ_CMP='$g[0] as $g | $w[0] as $w | [
	$w.workload, $w.iterations, $w.status, $w.checks, ($w.exits | tojson),
	$g.wall_seconds,
	([(if $g.status != $w.status then "status \($g.status), want \($w.status)" else empty end),
	  (if $g.qemu_exit != $w.qemu_exit then "QEMU exit \($g.qemu_exit), want \($w.qemu_exit)"
	   else empty end),
	  (if $w.exits == null then empty else
	   ([$g.phases[] | select(.name == $w.workload)] as $ph |
	    if ($ph | length) != 1 then "phase \($w.workload) missing or repeated"
	    elif $ph[0].exits != $w.exits then
		"phase exits \($ph[0].exits | tojson), want \($w.exits | tojson)"
	    else empty end),
	   (if $g.producer != (if $w.level == 2 then "l1" else "l2" end) then
		"producer \($g.producer)" else empty end),
	   (if $w.level == 1 and $g.totals.exits != {} then
		"exits at level 1: \($g.totals.exits | tojson)" else empty end)
	   end)] | join("; "))
] | @tsv'

# lib_check NAME [REGEX]: the run agrees with its expectation: the launcher's
# exit status (0 pass, 1 fail), LIB_JQ_CMP, exactly the model's number of
# "PASS: <workload>:" lines from the guest and no FAIL line, for a passing
# run the kernel's summary line, and REGEX (a diagnosis) in the output.
lib_check() {
	local name=$1 re=${2:-} log=$OUT/$1.log
	local wl n st checks exits wall diff want_rc rc got
	rc=$(cat "$OUT/$name.rc" 2>/dev/null || echo none)
	if [ ! -s "$OUT/$name.json" ]; then
		fail "$name: no JSON results (nestlab exit $rc)"; show "$log"; return
	fi
	IFS=$'\t' read -r wl n st checks exits wall diff < <(jq -rn \
		--slurpfile g "$OUT/$name.json" --slurpfile w "$OUT/$name.want" "$LIB_JQ_CMP")
	want_rc=1; [ "$st" = pass ] && want_rc=0
	got=$(grep -Ec "^(L2: )?PASS: $wl:" "$log")
	if [ "$rc" != "$want_rc" ]; then
		fail "$name: nestlab exited $rc, want $want_rc${diff:+ ($diff)}"; show "$log"
	elif [ -n "$diff" ]; then
		fail "$name: $diff"; show "$log"
	elif [ "$got" != "$checks" ] || grep -Eq "^(L2: )?FAIL:" "$log"; then
		fail "$name: $got of $checks checks passed in the guest"; show "$log"
	elif [ "$st" = pass ] &&
	     ! grep -Eq "^(L2: )?nestlab-l2: workload $wl iterations $n: PASS" "$log"; then
		fail "$name: no summary line"; show "$log"
	elif [ -n "$re" ] && ! grep -Eq "$re" "$log"; then
		fail "$name: output lacks /$re/"; show "$log"
	elif [ "$st" != pass ]; then
		pass "$name: status $st after $wall s"
	elif [ "$checks" -gt 0 ]; then
		pass "$name: phase exits $exits, $checks guest checks"
	else
		pass "$name: phase exits $exits"
	fi
}

# lib_check_all: waits for the spawned runs and checks every case in order.
lib_check_all() {
	local name
	wait
	for name in "${lib_cases[@]}"; do
		lib_check "$name" "${LIB_DIAG[$name]:-}"
	done
}
declare -A LIB_DIAG=()

# lib_boot NAME APPEND [CPU [INITRD]]: QEMU directly (TCG, icount, the
# launcher's devices): without INITRD the L2 kernel at level 1 (128 MiB),
# with it L1 with INITRD as its module (256 MiB). Sets rc; console in
# $OUT/NAME.con, results stream in $OUT/NAME.res.
lib_boot() {
	local name=$1 append=$2 cpu=${3:-qemu64} initrd=${4:-} kernel=$L2_IMAGE mem=128M
	local con=$OUT/$name.con res=$OUT/$name.res
	[ -n "$initrd" ] && { kernel=$L1_IMAGE; mem=256M; }
	: >"$res"
	timeout 60 qemu-system-x86_64 -nodefaults -display none -no-reboot -machine pc \
		-m "$mem" -cpu "$cpu" -accel tcg -icount shift=0,sleep=off \
		-kernel "$kernel" -append "$append" ${initrd:+-initrd "$initrd"} \
		-serial "file:$con" -serial "file:$res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 >/dev/null 2>&1
	rc=$?
}
