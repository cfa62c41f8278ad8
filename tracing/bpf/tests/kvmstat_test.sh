#!/bin/bash
# Integration tests for nestlab-kvmstat: traces nestlab-kvm-testguest and
# checks exact per-event counts (those the running kernel emits), absent
# tracepoints, per-process isolation (a concurrent KVM process is not
# counted), -p mode, the bounded ring-buffer record, and the environment
# errors that can be provoked for real: no capabilities (setpriv), an
# unavailable --events list, tracefs unmounted (private mount namespace);
# before those, the usage errors (exit 2, nothing run), which need no root.
# --lttng: every field of every nestlab_kvm event (the plugin fed made-up
# records), and the tool's events for the test guest in a real LTTng session
# read back with babeltrace2 (exactly one per counted event), with no
# session daemon (said once), and without the plugin (an error).
# Prints PASS:/FAIL:/SKIP: lines; exits non-zero on any failure.
set -u
BUILD=${BUILD:-build}
TOOL=$BUILD/nestlab-kvmstat
GUEST=$BUILD/kvmstat/nestlab-kvm-testguest
N=1000
fails=0
tmp=$(mktemp -d)
lt_session=""; lt_sessiond=""   # the LTTng session and session daemon this script made
cleanup() {
	[ -n "$lt_session" ] && lttng --no-sessiond destroy "$lt_session" >/dev/null 2>&1
	[ -n "$lt_sessiond" ] && kill "$lt_sessiond" 2>/dev/null && wait "$lt_sessiond" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then pass "$1 ($3)"; else fail "$1: expected $2, got $3"; fi
}

if [ ! -x "$TOOL" ] || [ ! -x "$GUEST" ]; then fail "build $TOOL and $GUEST first"; exit 1; fi

# 0. Usage errors: decided from the arguments alone (no root needed), exit 2,
# before anything runs. The command would leave a mark if it ran; a tool
# that traced instead (a bare "--" used to trace every process until killed)
# is stopped after 20 s.
usage_err() { # usage_err NAME MESSAGE-PART ARGS...
	local name=$1 part=$2 out rc; shift 2
	out=$(timeout 20 "$TOOL" "$@" 2>&1); rc=$?
	if [ $rc = 2 ] && echo "$out" | grep -qF -- "$part" && [ ! -e "$tmp/ran" ]; then
		pass "$name: exit 2, '$part'"
	else
		fail "$name: rc=$rc, ran=$([ -e "$tmp/ran" ] && echo yes || echo no): $out"
	fi
	rm -f "$tmp/ran"
}
usage_err "--record 0" "a whole number from 1 to 4294967295" --record 0 -- touch "$tmp/ran"
usage_err "--record -5 (was unlimited)" "bad --record '-5': N is the number of events to record, a whole number from 1 to 4294967295" \
	--record -5 -- touch "$tmp/ran"
usage_err "--record 2^32" "from 1 to 4294967295" --record 4294967296 -- touch "$tmp/ran"
usage_err "bare -- (was: trace everything)" "'--' must be followed by the command" -q --
usage_err "bare -- after options" "'--' must be followed by the command" --duration 1 --json "$tmp/u.json" --
[ -e "$tmp/u.json" ] && fail "bare --: wrote $tmp/u.json" || pass "bare --: nothing written"
usage_err "--events '' (was: none exists)" "the --events list is empty. Fix: name at least one of: exit entry" \
	--events "" -- touch "$tmp/ran"
usage_err "--events ','" "the --events list is empty" --events , -- touch "$tmp/ran"
usage_err "bogus --events" "unknown event 'bogus' in --events. Fix: use names from this list: exit" \
	--events pio,bogus -- touch "$tmp/ran"
usage_err "--duration nan" "greater than 0" --duration nan -- touch "$tmp/ran"
usage_err "-p -1" "bad pid '-1'" -p -1

if [ "$(id -u)" != 0 ]; then echo "SKIP: kvmstat tests need root"; exit $((fails != 0)); fi
if [ ! -c /dev/kvm ]; then echo "SKIP: kvmstat tests need /dev/kvm"; exit $((fails != 0)); fi
if ! command -v jq >/dev/null; then fail "jq is missing (scripts/deps.sh installs it)"; exit 1; fi

# Tracefs: the tool mounts it when needed; find where it is afterwards.
tfs=""
tp_exists() { [ -n "$tfs" ] && [ -e "$tfs/events/kvm/$1/id" ]; }

# 1. Exact counts for the test guest, traced through "--".
"$TOOL" -q --json "$tmp/a.json" -- "$GUEST" -n $N --report >"$tmp/a.out" 2>"$tmp/a.err"
rc=$?
check "traced test guest exits 0" 0 $rc
check "--json written, its temporary renamed away" "a.json" "$(cd "$tmp" && ls a.json*)"
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do [ -d $d/events ] && { tfs=$d; break; }; done
if [ -z "$tfs" ]; then fail "tracefs not mounted after a run"; exit 1; fi
if [ ! -d "$tfs/events/kvm" ]; then echo "SKIP: no kvm tracepoints on this kernel"; exit 0; fi
hc=$(sed -n 's/.*hypercalls \([0-9]*\).*/\1/p' "$tmp/a.out")
j="$tmp/a.json"
pid=$(jq '.vms[0].pid' "$j")
check "exactly one VM process traced" 1 "$(jq '.vms | length' "$j")"
ev() { # ev JSON EVENT ARG CODE -> count summed over the VM's rows (0 if none)
	jq --arg e "$2" --argjson a "$3" --argjson c "$4" \
		'[.vms[0].events[] | select(.event == $e and .arg == $a and .code == $c) | .count] | add // 0' "$1"
}
hits() { jq --arg n "$2" '.tracepoints[] | select(.name == $n) | .events // 0' "$1"; }
fired=""
if [ "$(hits "$j" kvm_pio)" != 0 ]; then
	check "pio port 0x500 write" $N "$(ev "$j" pio 1 1280)"
	check "pio port 0x500 read" $N "$(ev "$j" pio 0 1280)"
	check "kvm_pio total" $((2 * N)) "$(hits "$j" kvm_pio)"
	fired="$fired kvm_pio"
fi
if [ "$(hits "$j" kvm_cpuid)" != 0 ]; then
	check "cpuid leaf 0" $N "$(ev "$j" cpuid 0 0)"
	check "kvm_cpuid total" $N "$(hits "$j" kvm_cpuid)"
	fired="$fired kvm_cpuid"
fi
if [ "$(hits "$j" kvm_userspace_exit)" != 0 ]; then
	check "userspace exits KVM_EXIT_IO" $((2 * N)) "$(ev "$j" userspace_exit 0 2)"
	check "userspace exits KVM_EXIT_HLT" 1 "$(ev "$j" userspace_exit 0 5)"
	check "kvm_userspace_exit total" $((2 * N + 1)) "$(hits "$j" kvm_userspace_exit)"
	fired="$fired kvm_userspace_exit"
fi
if tp_exists kvm_hypercall; then
	check "hypercalls (guest made $hc)" "$hc" "$(ev "$j" hypercall 0 $((0x6e6c)))"
fi
if [ "$(hits "$j" kvm_exit)" != 0 ]; then
	# SVM: 4 intercepted exits per iteration + HLT at least; VMX alike.
	ex=$(hits "$j" kvm_exit)
	if [ "$ex" -ge $((4 * N)) ]; then pass "kvm_exit fired $ex times (>= 4N)"; else fail "kvm_exit fired $ex < 4N"; fi
	check "latency histograms present" true "$(jq '.vms[0].latency | length > 0' "$j")"
	fired="$fired kvm_exit"
fi
[ -n "$fired" ] && pass "tracepoints that fired here:$fired" || fail "no tracepoint fired for the test guest"

# 2. Tracepoints the kernel lacks are reported as absent, the others attached.
ok=1
for n in $(jq -r '.tracepoints[].name' "$j"); do
	st=$(jq -r --arg n "$n" '.tracepoints[] | select(.name == $n) | .state' "$j")
	if tp_exists "$n"; then want=attached; else want="not available on this kernel"; fi
	[ "$st" = "$want" ] || { ok=0; fail "$n: state '$st', expected '$want'"; }
done
absent=$(jq -r '[.tracepoints[] | select(.state == "not available on this kernel") | .name] | join(" ")' "$j")
[ $ok = 1 ] && pass "tracepoint states match tracefs (absent here: ${absent:-none})"
grep -q "not available on this kernel" "$tmp/a.err" || [ -z "$absent" ] && pass "absent tracepoints named on stderr" \
	|| fail "absent tracepoints not named on stderr"

# 2b. How each tracepoint is attached: tp_btf where the kernel has BTF and the
# expected raw prototype, kvm_exit/kvm_nested_vmexit always classic.
bad=$(jq -r '[.tracepoints[] | select(.state == "attached" and .attach != "tp_btf" and .attach != "tracepoint") | .name] | join(" ")' "$j")
check "every attached tracepoint says how (tp_btf/tracepoint)" "" "$bad"
check "kvm_exit attached as classic tracepoint" tracepoint "$(jq -r '.tracepoints[] | select(.name == "kvm_exit") | .attach' "$j")"
if [ -r /sys/kernel/btf/vmlinux ] && ! grep -q "kvm_pio.*classic\|tp_btf programs failed" "$tmp/a.err"; then
	check "kvm_pio attached as tp_btf (kernel BTF present)" tp_btf "$(jq -r '.tracepoints[] | select(.name == "kvm_pio") | .attach' "$j")"
fi
grep -q "tp_btf, .* classic)" "$tmp/a.err" && pass "stderr says how many tracepoints are tp_btf and classic" \
	|| fail "stderr lacks the tp_btf/classic split: $(cat "$tmp/a.err")"

# 2c. --classic: the fallback path gives the same exact counts.
"$TOOL" -q --classic --json "$tmp/cl.json" -- "$GUEST" -n $N >/dev/null 2>&1
check "--classic: exits 0" 0 $?
check "--classic: every tracepoint classic" "" \
	"$(jq -r '[.tracepoints[] | select(.state == "attached" and .attach != "tracepoint") | .name] | join(" ")' "$tmp/cl.json")"
for n in kvm_pio kvm_cpuid kvm_userspace_exit kvm_emulate_insn; do
	check "--classic: $n events as with tp_btf" "$(hits "$j" $n)" "$(hits "$tmp/cl.json" $n)"
done

# 2d. Exact counts while the vCPU thread migrates between CPUs (per-CPU caches).
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	M=20000
	mkfifo "$tmp/go2"
	"$GUEST" -n $M --wait-stdin <"$tmp/go2" >/dev/null 2>&1 &
	gp=$!
	"$TOOL" -q -p $gp --json "$tmp/m.json" >/dev/null 2>"$tmp/m.err" &
	tp=$!
	for _ in $(seq 100); do grep -q "tracing pid" "$tmp/m.err" && break; sleep 0.05; done
	echo go >"$tmp/go2"
	moves=0
	while kill -0 $gp 2>/dev/null; do
		taskset -p -c $((moves % 2)) $gp >/dev/null 2>&1 && moves=$((moves + 1))
	done
	wait $gp; wait $tp
	[ "$(hits "$j" kvm_pio)" != 0 ] && check "migrating vCPU ($moves moves): port 0x500 writes" $M "$(ev "$tmp/m.json" pio 1 1280)"
	[ "$(hits "$j" kvm_cpuid)" != 0 ] && check "migrating vCPU: cpuid leaf 0" $M "$(ev "$tmp/m.json" cpuid 0 0)"
	em1=$(ev "$j" emulate_insn 0 0)
	[ "$em1" != 0 ] && [ $(( (em1 - 1) % N )) = 0 ] && check "migrating vCPU: emulate_insn scales with N" $(( (em1 - 1) / N * M + 1 )) "$(ev "$tmp/m.json" emulate_insn 0 0)"
else
	echo "SKIP: CPU-migration exactness needs 2 CPUs and taskset"
fi

# 3. Isolation: a concurrent KVM process (port 0x600) is not counted.
"$GUEST" -n 100000000 --port 0x600 >/dev/null 2>&1 &   # runs until killed below
bg=$!
sleep 0.3
"$TOOL" -q --json "$tmp/b.json" -- "$GUEST" -n $N >/dev/null 2>&1
alive=0; kill -0 $bg 2>/dev/null && alive=1
kill $bg 2>/dev/null; wait $bg 2>/dev/null
check "second KVM process ran concurrently" 1 $alive
check "only the command's process is reported" 1 "$(jq '.vms | length' "$tmp/b.json")"
check "no port 0x600 events counted" 0 "$(jq '[.vms[].events[] | select(.event == "pio" and .code == 1536)] | length' "$tmp/b.json")"
[ "$(hits "$j" kvm_pio)" != 0 ] && check "port 0x500 writes with a neighbour" $N "$(ev "$tmp/b.json" pio 1 1280)"

# 4. -p PID: attach to a running process, stop when it exits.
mkfifo "$tmp/go"
"$GUEST" -n $N --wait-stdin <"$tmp/go" >/dev/null 2>&1 &
gp=$!
"$TOOL" -q -p $gp --json "$tmp/c.json" >/dev/null 2>"$tmp/c.err" &
tp=$!
for _ in $(seq 100); do grep -q "tracing pid" "$tmp/c.err" && break; sleep 0.05; done
echo go >"$tmp/go"
wait $gp; wait $tp
check "-p mode exits 0" 0 $?
check "-p mode traces that pid" "$gp" "$(jq '.vms[0].pid' "$tmp/c.json")"
[ "$(hits "$j" kvm_pio)" != 0 ] && check "-p mode port 0x500 reads" $N "$(ev "$tmp/c.json" pio 0 1280)"

# 5. Ring-buffer record: bounded, drops counted.
"$TOOL" -q --record 100 --record-file "$tmp/rec.txt" --json "$tmp/d.json" -- "$GUEST" -n $N >/dev/null 2>&1
check "record: 100 lines written" 100 "$(wc -l <"$tmp/rec.txt")"
total=$(jq '[.tracepoints[].events // 0] | add' "$tmp/d.json")
acc=$(jq '.records.written + .records.dropped_limit + .records.dropped_full' "$tmp/d.json")
check "record: written + dropped = events" "$total" "$acc"
check "record: counts unchanged" "$(hits "$j" kvm_pio)" "$(hits "$tmp/d.json" kvm_pio)"

# 6. Errors that name their fix.
# 6a. Unwritable output paths are refused before anything runs (exit 1, the
# command never starts), and a failed run leaves an older report intact.
out_err() { # out_err NAME MESSAGE-PART RUNNER... (the tool's arguments follow)
	local name=$1 part=$2 out rc; shift 2
	out=$(timeout 60 "$@" 2>&1); rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -qF -- "$part" && [ ! -e "$tmp/ran" ] && ! echo "$out" | grep -q "tracing "; then
		pass "$name: exit 1 before the command ran"
	else
		fail "$name: rc=$rc, ran=$([ -e "$tmp/ran" ] && echo yes || echo no): $out"
	fi
	rm -f "$tmp/ran"
}
out_err "--json in a missing directory" "cannot write --json $tmp/none/a.json: No such file or directory" \
	"$TOOL" -q --json "$tmp/none/a.json" -- touch "$tmp/ran"
mkdir "$tmp/adir"
out_err "--json naming a directory" "cannot write --json $tmp/adir: it is a directory" \
	"$TOOL" -q --json "$tmp/adir" -- touch "$tmp/ran"
out_err "--record-file in a missing directory" "cannot write --record-file $tmp/none/r.txt" \
	"$TOOL" -q --record 10 --record-file "$tmp/none/r.txt" -- touch "$tmp/ran"
if command -v setpriv >/dev/null; then
	# A directory nobody may not write to; the command would run as nobody too.
	chmod 755 "$tmp"; mkdir -m 755 "$tmp/ro"; mkdir -m 777 "$tmp/w"
	out_err "--json in a directory without write permission (uid 65534)" \
		"cannot write --json $tmp/ro/a.json: Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TOOL" -q --json "$tmp/ro/a.json" -- touch "$tmp/ran"
	echo '{"old":1}' >"$tmp/w/keep.json"
	out=$(setpriv --inh-caps=-all --bounding-set=-all "$TOOL" -q --json "$tmp/w/keep.json" -- true 2>&1)
	check "a failed run leaves the older --json file intact" '{"old":1}' "$(cat "$tmp/w/keep.json")"
	check "a failed run leaves no temporary file" "keep.json" "$(ls -A "$tmp/w" | tr '\n' ' ' | sed 's/ $//')"
else
	echo "SKIP: setpriv missing: no unwritable-directory case"
fi
if [ -n "$absent" ]; then
	a=${absent%% *}
	out=$("$TOOL" --events "$a" -- true 2>&1); rc=$?
	[ $rc = 1 ] && echo "$out" | grep -q "none of the requested kvm tracepoints" \
		&& pass "--events $a (absent here): exit 1" || fail "--events $a: rc=$rc: $out"
else
	echo "SKIP: every kvm tracepoint exists here; no absent-only --events case"
fi
if command -v setpriv >/dev/null; then
	out=$(setpriv --inh-caps=-all --bounding-set=-all "$TOOL" -- "$GUEST" -n 1 2>&1); rc=$?
	[ $rc = 1 ] && echo "$out" | grep -q "CAP_BPF and CAP_PERFMON" && ! echo "$out" | grep -q "tracing command" \
		&& pass "no capabilities: exit 1, names CAP_BPF/CAP_PERFMON, nothing traced" \
		|| fail "no capabilities: rc=$rc: $out"
	if setpriv --inh-caps=-all --bounding-set=-all,+bpf,+perfmon true 2>/dev/null; then
		out=$(setpriv --inh-caps=-all --bounding-set=-all,+bpf,+perfmon "$TOOL" -q --json "$tmp/e.json" \
			-- "$GUEST" -n $N 2>&1); rc=$?
		[ $rc = 0 ] && pass "CAP_BPF + CAP_PERFMON alone suffice" || fail "CAP_BPF + CAP_PERFMON: rc=$rc: $out"
		# A user other than root with the capabilities (ambient, so they survive
		# exec): tracefs is mounted but, at mode 0700, not readable without
		# CAP_DAC_READ_SEARCH; the error must say so, not "not mounted".
		asuser() { # asuser CAPS CMD...: run CMD as uid/gid 65534 with only CAPS
			local c=$1; shift
			setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,$c \
				--ambient-caps=-all,$c --bounding-set=-all,$c "$@"
		}
		tmode=$(stat -c %a "$tfs"); towner=$(stat -c %u "$tfs")
		if [ "$tmode" = 700 ] && [ "$towner" = 0 ] && asuser +bpf,+perfmon true 2>/dev/null; then
			out=$(asuser +bpf,+perfmon "$TOOL" -- true 2>&1); rc=$?
			[ $rc = 1 ] && echo "$out" | grep -q "tracefs is mounted at $tfs, but this user (uid 65534) cannot read it (mode 0700" \
				&& echo "$out" | grep -q "CAP_DAC_READ_SEARCH" && ! echo "$out" | grep -q "not mounted" \
				&& pass "uid 65534 with CAP_BPF+CAP_PERFMON: tracefs 'mounted, not readable', names CAP_DAC_READ_SEARCH" \
				|| fail "uid 65534 with CAP_BPF+CAP_PERFMON, tracefs 0700: rc=$rc: $out"
			# With CAP_DAC_READ_SEARCH as well it traces (a guest run by root, -p).
			mkfifo "$tmp/go3"
			"$GUEST" -n $N --wait-stdin <"$tmp/go3" >/dev/null 2>&1 &
			gp=$!
			asuser +bpf,+perfmon,+dac_read_search "$TOOL" -q -p $gp --json "$tmp/w/u.json" \
				>/dev/null 2>"$tmp/u.err" &
			tp=$!
			for _ in $(seq 100); do grep -q "tracing pid\|error" "$tmp/u.err" && break; sleep 0.05; done
			echo go >"$tmp/go3"
			wait $gp; wait $tp; rc=$?
			check "uid 65534 with CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH: exits 0" 0 "$rc"
			[ $rc != 0 ] && cat "$tmp/u.err"
			[ "$(hits "$j" kvm_pio)" != 0 ] && check "uid 65534 with CAP_DAC_READ_SEARCH: port 0x500 writes" $N \
				"$(ev "$tmp/w/u.json" pio 1 1280)"
		else
			echo "SKIP: tracefs at $tfs is mode $tmode owner $towner (not 0700 root), or no ambient capabilities: no unreadable-tracefs case"
		fi
		if command -v unshare >/dev/null && [ "$tfs" = /sys/kernel/tracing ] && [ ! -d /sys/kernel/debug/tracing ]; then
			out=$(unshare -m bash -c "umount -l /sys/kernel/tracing && setpriv --inh-caps=-all \
				--bounding-set=-all,+bpf,+perfmon '$TOOL' -- true" 2>&1); rc=$?
			[ $rc = 1 ] && echo "$out" | grep -q "mount -t tracefs nodev /sys/kernel/tracing" \
				&& pass "tracefs unmounted, cannot mount: exit 1, says how to mount" \
				|| fail "tracefs unmounted without CAP_SYS_ADMIN: rc=$rc: $out"
			out=$(unshare -m bash -c "umount -l /sys/kernel/tracing && setpriv --reuid=65534 --regid=65534 \
				--clear-groups --inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon \
				--bounding-set=-all,+bpf,+perfmon '$TOOL' -- true" 2>&1); rc=$?
			[ $rc = 1 ] && echo "$out" | grep -q "tracefs is not mounted at /sys/kernel/tracing" \
				&& ! echo "$out" | grep -q "cannot read" \
				&& pass "tracefs unmounted, uid 65534 with CAP_BPF+CAP_PERFMON: 'not mounted' (not 'not readable')" \
				|| fail "tracefs unmounted, uid 65534: rc=$rc: $out"
			out=$(unshare -m bash -c "umount -l /sys/kernel/tracing && '$TOOL' -q --json '$tmp/f.json' \
				-- '$GUEST' -n $N" 2>&1); rc=$?
			[ $rc = 0 ] && echo "$out" | grep -q "mounted tracefs" \
				&& pass "tracefs unmounted, root: mounted it and traced" || fail "tracefs unmounted as root: rc=$rc: $out"
			[ "$(hits "$j" kvm_pio)" != 0 ] && check "after mounting tracefs: port 0x500 writes" $N "$(ev "$tmp/f.json" pio 1 1280)"
		else
			echo "SKIP: tracefs-unmounted cases need unshare and tracefs at /sys/kernel/tracing only"
		fi
	else
		echo "SKIP: this setpriv does not know the bpf/perfmon capabilities"
	fi
else
	echo "SKIP: setpriv missing: no dropped-capability cases"
fi

# 7. --lttng: the records as LTTng-UST events nestlab_kvm:<event> in a session
# that enables them; checked in the CTF trace with babeltrace2.
PLUGIN=$BUILD/kvmstat/nestlab-kvmstat-lttng.so
# Without the plugin next to the tool: exit 1 before anything runs.
mkdir "$tmp/bin" && cp "$TOOL" "$tmp/bin/"
out_err "--lttng without the plugin" "--lttng: no LTTng-UST plugin (looked for $tmp/bin/kvmstat/nestlab-kvmstat-lttng.so" \
	"$tmp/bin/nestlab-kvmstat" -q --lttng -- touch "$tmp/ran"
if [ ! -e "$PLUGIN" ]; then
	echo "SKIP: --lttng: $PLUGIN not built (liblttng-ust-dev missing)"
elif [ ! -x "$BUILD/kvmstat/kvmstat-lttng-emit" ]; then
	fail "--lttng: build $BUILD/kvmstat/kvmstat-lttng-emit first (make build-tests)"
elif ! command -v lttng >/dev/null || ! command -v lttng-sessiond >/dev/null || ! command -v babeltrace2 >/dev/null; then
	echo "SKIP: --lttng: lttng-tools or babeltrace2 missing (scripts/deps.sh installs them)"
else
	# A session daemon: the one running, else one of our own (killed at exit).
	if ! lttng --no-sessiond list >/dev/null 2>&1; then
		lttng-sessiond >"$tmp/sessiond.log" 2>&1 &
		lt_sessiond=$!
		for _ in $(seq 100); do lttng --no-sessiond list >/dev/null 2>&1 && break; sleep 0.05; done
	fi
	# lt_run TRACE-DIR CMD...: runs CMD while a session of ours records
	# nestlab_kvm:* into TRACE-DIR (sub-buffers large enough for a whole run:
	# LTTng discards events, never blocks); CMD's status, 125 if no session.
	lt_n=0
	lt_run() {
		local dir=$1 rc; shift
		lt_n=$((lt_n + 1)); lt_session=nestlab-kvmstat-test-$$-$lt_n
		if ! { lttng --no-sessiond create "$lt_session" --output="$dir" &&
		       lttng --no-sessiond enable-channel -u -s "$lt_session" --subbuf-size=4M --num-subbuf=4 kvm &&
		       lttng --no-sessiond enable-event -u -s "$lt_session" -c kvm 'nestlab_kvm:*' &&
		       lttng --no-sessiond start "$lt_session"; } >"$tmp/lt.log" 2>&1; then
			fail "--lttng: cannot set up an LTTng session: $(cat "$tmp/lt.log")"
			lttng --no-sessiond destroy "$lt_session" >/dev/null 2>&1; lt_session=""
			return 125
		fi
		"$@"; rc=$?
		lttng --no-sessiond stop "$lt_session" >/dev/null 2>&1   # waits until the data is on disk
		lttng --no-sessiond destroy "$lt_session" >/dev/null 2>&1
		lt_session=""
		return $rc
	}

	# 7a. The plugin alone, one made-up record per event kind: every event's
	# fields, including events this host's KVM never produces.
	lt_run "$tmp/lt-emit" "$BUILD/kvmstat/kvmstat-lttng-emit" "$PLUGIN" >"$tmp/emit.out" 2>&1
	rc=$?
	if [ $rc != 125 ]; then
		check "plugin under a session: listening, 17 events taken" "listening 1 emitted 17" "$(tr '\n' ' ' <"$tmp/emit.out" | sed 's/ $//')"
		babeltrace2 "$tmp/lt-emit" >"$tmp/emit.txt" 2>&1
		c='kvm_ts_ns = [0-9]*, pid = 4242, vcpu_tid = 4243'
		while IFS='|' read -r ev fields; do
			grep -q "nestlab_kvm:$ev: { cpu_id = [0-9]* }, { $c$fields }" "$tmp/emit.txt" \
				&& pass "nestlab_kvm:$ev fields:$fields" || fail "nestlab_kvm:$ev: no event with$fields: $(grep "nestlab_kvm:$ev:" "$tmp/emit.txt")"
		done <<-'EOF'
		exit|, isa = 2, reason = 0x7B, reason_name = "VMEXIT_IOIO"
		entry|, exit_isa = 2, exit_reason = 0x7B, exit_reason_name = "VMEXIT_IOIO", exit_ns = 1234
		entry|, exit_isa = 0, exit_reason = 0x0, exit_reason_name = "", exit_ns = 0
		nested_vmexit|, isa = 1, reason = 0x1E, reason_name = "IO_INSTRUCTION"
		nested_vmexit_inject|, isa = 2, reason = 0x72, reason_name = "VMEXIT_CPUID"
		nested_vmenter|
		nested_vmrun|
		pio|, port = 0x3F8, write = 1
		mmio|, type = 2
		msr|, index = 0xC0000080, write = 1, gp = 1
		cpuid|, leaf = 0x80000001
		hypercall|, nr = 0x6E6C
		page_fault|, error_code = 0x6
		emulate_insn|, failed = 1
		userspace_exit|, reason = 2, error = 0, reason_name = "KVM_EXIT_IO"
		userspace_exit|, reason = 0, error = 4, reason_name = "restart (EINTR)"
		inj_exception|, vector = 6, vector_name = "#UD"
		EOF
		check "plugin under a session: 17 events in the trace" 17 "$(grep -c nestlab_kvm: "$tmp/emit.txt")"
	fi
	if command -v unshare >/dev/null && [ -d /var/run/lttng ]; then
		# Hide the session daemon: another user's session may enable every event.
		out=$(unshare -m bash -c "mount -t tmpfs none '$(readlink -f /var/run/lttng)' &&
			'$BUILD/kvmstat/kvmstat-lttng-emit' '$PLUGIN'" 2>&1 | tr '\n' ' ')
		check "plugin with no session daemon: not listening, nothing taken" "listening 0 emitted 0 " "$out"
	fi

	# 7b. The tool on the test guest: one event per counted event, exactly.
	lt_run "$tmp/lt1" "$TOOL" -q --lttng --json "$tmp/l.json" -- "$GUEST" -n $N >/dev/null 2>"$tmp/l.err"
	rc=$?
	if [ $rc != 125 ]; then
		check "--lttng: traced test guest exits 0" 0 $rc
		grep -q "no LTTng session is listening" "$tmp/l.err" && fail "--lttng: said no session listens while one did" \
			|| pass "--lttng: no 'not listening' message with a session enabling nestlab_kvm:*"
		babeltrace2 --clock-cycles "$tmp/lt1" >"$tmp/l.txt" 2>"$tmp/bt.err"
		check "--lttng: babeltrace2 reads the trace" 0 $?
		grep -qi "discarded" "$tmp/l.txt" "$tmp/bt.err" \
			&& fail "--lttng: LTTng discarded events: $(grep -hi discarded "$tmp/l.txt" "$tmp/bt.err" | head -1)" \
			|| pass "--lttng: LTTng discarded no event"
		lp=$(jq '.vms[0].pid' "$tmp/l.json")
		lt_count() { grep -c "nestlab_kvm:$1: .*{ kvm_ts_ns = [0-9]*, pid = $lp, vcpu_tid = [0-9]*$2" "$tmp/l.txt"; }
		if [ "$(hits "$tmp/l.json" kvm_pio)" != 0 ]; then
			check "--lttng: exactly N nestlab_kvm:pio port 0x500 writes" $N "$(lt_count pio ', port = 0x500, write = 1 }')"
			check "--lttng: exactly N nestlab_kvm:pio port 0x500 reads" $N "$(lt_count pio ', port = 0x500, write = 0 }')"
		else
			echo "SKIP: --lttng: kvm_pio does not fire for the test guest on this host"
		fi
		[ "$(hits "$tmp/l.json" kvm_cpuid)" != 0 ] && check "--lttng: nestlab_kvm:cpuid leaf 0" $N "$(lt_count cpuid ', leaf = 0x0 }')"
		[ "$(hits "$tmp/l.json" kvm_userspace_exit)" != 0 ] && check "--lttng: nestlab_kvm:userspace_exit KVM_EXIT_IO" \
			$((2 * N)) "$(lt_count userspace_exit ', reason = 2, error = 0, reason_name = "KVM_EXIT_IO" }')"
		if [ "$(hits "$tmp/l.json" kvm_exit)" != 0 ]; then
			check "--lttng: nestlab_kvm:exit events" "$(hits "$tmp/l.json" kvm_exit)" "$(lt_count exit)"
			grep -q "nestlab_kvm:entry: .*exit_ns = [1-9]" "$tmp/l.txt" && pass "--lttng: nestlab_kvm:entry carries exit durations" \
				|| fail "--lttng: no nestlab_kvm:entry with exit_ns > 0"
		else
			echo "SKIP: --lttng: kvm_exit/kvm_entry never fire here (PVM): nestlab_kvm:exit/entry only checked with made-up records (7a)"
		fi
		# Every event the tool counted is in the trace, per tracepoint.
		ok=1
		for n in $(jq -r '.tracepoints[] | select(.state == "attached") | .name' "$tmp/l.json"); do
			want=$(hits "$tmp/l.json" "$n")
			got=$(grep -c "nestlab_kvm:${n#kvm_}: " "$tmp/l.txt")
			[ "$want" = "$got" ] || { ok=0; fail "--lttng: $n: $want counted, $got nestlab_kvm:${n#kvm_} events in the trace"; }
		done
		[ $ok = 1 ] && pass "--lttng: the trace holds one nestlab_kvm event per counted event ($(grep -c nestlab_kvm: "$tmp/l.txt"))"
		check "--lttng: JSON emitted = events counted" "$(jq '[.tracepoints[].events // 0] | add' "$tmp/l.json")" \
			"$(jq '.lttng.emitted' "$tmp/l.json")"
		check "--lttng: JSON no_session, dropped" "0 0 0" "$(jq -r '.lttng | "\(.no_session) \(.dropped_limit) \(.dropped_full)"' "$tmp/l.json")"
		# kvm_ts_ns (when KVM's tracepoint fired) is on LTTng's clock (CLOCK_MONOTONIC),
		# at most one ring-buffer drain (10 ms, plus scheduling) before the event.
		bad=$(sed -n 's/^\[0*\([0-9]*\)\].*nestlab_kvm:.*kvm_ts_ns = \([0-9]*\),.*/\1 \2/p' "$tmp/l.txt" |
			awk '$2 > $1 || $1 - $2 > 2000000000 { n++ } END { print n + 0 }')
		check "--lttng: kvm_ts_ns precedes each event's LTTng timestamp by < 2 s" 0 "$bad"
	fi

	# 7c. --lttng with --record N: the first N events, the same in the file and the trace.
	lt_run "$tmp/lt2" "$TOOL" -q --lttng --record 50 --record-file "$tmp/lr.txt" --json "$tmp/lr.json" \
		-- "$GUEST" -n $N >/dev/null 2>&1
	if [ $? != 125 ]; then
		babeltrace2 "$tmp/lt2" 2>/dev/null | sed -n 's/.*kvm_ts_ns = \([0-9]*\),.*/\1/p' | sort >"$tmp/lr.lt"
		cut -d' ' -f1 "$tmp/lr.txt" | sort >"$tmp/lr.file"
		check "--lttng --record 50: 50 events in the trace" 50 "$(wc -l <"$tmp/lr.lt")"
		cmp -s "$tmp/lr.lt" "$tmp/lr.file" && pass "--lttng --record 50: the trace and the record file hold the same events" \
			|| fail "--lttng --record 50: trace and record file differ"
	fi

	# 7d. No session daemon reachable (its run directory hidden): events go
	# nowhere, the tool says so once and runs as usual.
	if command -v unshare >/dev/null && [ -d /var/run/lttng ]; then
		rd=$(readlink -f /var/run/lttng)
		out=$(unshare -m bash -c "mount -t tmpfs none '$rd' && '$TOOL' -q --lttng --json '$tmp/ln.json' \
			-- '$GUEST' -n $N" 2>&1); rc=$?
		check "--lttng, no session daemon: exits 0" 0 $rc
		check "--lttng, no session daemon: says so once" 1 "$(echo "$out" | grep -c "no LTTng session is listening")"
		check "--lttng, no session daemon: every event emitted unheard" "$(jq '.lttng.emitted' "$tmp/ln.json")" \
			"$(jq '.lttng.no_session' "$tmp/ln.json")"
		[ "$(hits "$j" kvm_pio)" != 0 ] && check "--lttng, no session daemon: counts unchanged" $N "$(ev "$tmp/ln.json" pio 1 1280)"
	else
		echo "SKIP: --lttng without a session daemon needs unshare and /run/lttng"
	fi
fi

echo "SKIP: no-KVM, no-BTF and RLIMIT_MEMLOCK errors cannot be provoked on this kernel (KVM built in, BTF present, memcg-accounted BPF memory)"

[ $fails = 0 ]
