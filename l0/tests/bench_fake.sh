#!/bin/bash
# `nestlab bench` and `bench-compare` end to end against a fake launcher
# (fake_launcher.sh), in seconds: a failed and a timed-out run are reported
# and kept and do not stop the others, the exit status, KVM-as-L1 cells not
# available without --l1 and run with it, --repeat flagging figures that
# differ, --plan run with GNU parallel then --collect giving the same
# report, bench-compare's deltas and threshold, bad experiment files and
# command lines. PASS:/FAIL: lines; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
NESTLAB=$(pwd)/${BUILD:-build}/nestlab
FAKE=$(pwd)/l0/tests/fake_launcher.sh
work=$(mktemp -d /tmp/nestlab-bench-fake.XXXXXX); trap 'rm -rf "$work"' EXIT
fails=0
ok()  { echo "PASS: bench: $1"; }
bad() { echo "FAIL: bench: $1"; fails=$((fails + 1)); }
check() {
	if eval "$2"; then ok "$1"; else bad "$1"; sed 's/^/    | /' "$work/out" | tail -25; fi
}
strip() { sed '/^<!-- provenance -->$/,/^<!-- \/provenance -->$/d' "$1"; }

mkdir -p "$work/exp"
cat > "$work/exp/mix.ini" <<'EOF'
[experiment]
name = mix
question = Does the runner survive failures?
[matrix]
iterations = 100
level = 1 2
[case cpuid]
workload = cpuid
exit = cpuid
l1 = nestlab kvm
[case pio]
workload = pio
level = 2
[case hang]
workload = getpid
level = 2
[table]
rows = case
columns = level l1
values = ticks_per_iter cycles_per_exit
EOF
cat > "$work/exp/rep.ini" <<'EOF'
[experiment]
name = rep
question = Do repeats agree?
[case c]
workload = cpuid hypercall
iterations = 100
EOF
bench() { "$NESTLAB" bench --root . --experiments-dir "$work/exp" --nestlab "$FAKE" "$@"; }

bench --experiments mix --out "$work/o1" --timeout 1 --jobs 2 >"$work/out" 2>&1; rc=$?
c=$work/o1/collected.json
check "a failed run makes the exit status 1"   '[ $rc -eq 1 ]'
check "summary counts every run"               'grep -q "^bench: 4 runs: 2 passed, 1 failed, 1 timed out, 0 not run; 1 cells not available" "$work/out"'
check "the failed run is reported"             'grep -q "FAIL runs/pio-l2-nestlab-vmmcall-eager-n100/r1: l1_error: L1 reported: boom" "$work/out"'
check "the timed-out run is reported"          'grep -q "TIMEOUT runs/getpid-l2-nestlab-vmmcall-eager-n100/r1" "$work/out"'
check "the failed run is kept"                 '[ -s "$work/o1/runs/pio-l2-nestlab-vmmcall-eager-n100/r1/result.json" ] && grep -q "result: l1_error" "$work/o1/runs/pio-l2-nestlab-vmmcall-eager-n100/r1/log.txt"'
check "the others ran"                         '[ "$(jq -r ".cells[] | select(.id == \"cpuid-l2-nestlab-vmmcall-eager-n100\") | .state" "$c")" = pass ]'
check "kvm cell not available, no fake figure" '[ "$(jq -r ".cells[] | select(.id == \"cpuid-l2-kvm-vmmcall-eager-n100\") | .state + \" \" + .why + \" \" + (.runs | length | tostring)" "$c")" = "not_available not available (--l1 kvm not built) 0" ]'
check "report marks the kvm cell"              'grep -q "n/a \[1\]" "$work/o1/report.md" && grep -q "^\[1\] not available (--l1 kvm not built)" "$work/o1/report.md"'
check "report lists the failed runs"           'grep -q "^- \`pio-l2-nestlab-vmmcall-eager-n100\`: l1_error" "$work/o1/report.md"'
check "report figures from the results"        'grep -q "^| cpuid | 14.0 | 480.0 | n/a \[1\] | 300.0 | n/a \[1\] |" "$work/o1/report.md"'
check "manifest names commit, QEMU, CPU, date" '[ "$(jq -r "[.nestlab_commit, .qemu_version, .host_cpu, .date, .accel, (.icount|tostring)] | map(length > 0) | all" "$work/o1/manifest.json")" = true ]'
check "results files are JSON"                 'jq -e . "$work/o1/plan.json" >/dev/null && jq -e . "$c" >/dev/null'

# With --l1 in its help and the L1 Linux beside it (`make kvm-l1`'s
# kvm-l1/vmlinuz), the launcher runs KVM cells; --l1 alone is not enough.
mkdir -p "$work/fl/kvm-l1" && cp "$FAKE" "$work/fl/" && : >"$work/fl/kvm-l1/vmlinuz"
FAKE_L1=1 bench --experiments mix --out "$work/o5" --timeout 1 --no-report >"$work/out" 2>&1
check "with --l1 but no L1 Linux the kvm cell is not available" '[ "$(jq -r ".cells[] | select(.id == \"cpuid-l2-kvm-vmmcall-eager-n100\") | .state" "$work/o5/collected.json")" = not_available ]'
FAKE_L1=1 "$NESTLAB" bench --root . --experiments-dir "$work/exp" --nestlab "$work/fl/fake_launcher.sh" \
	--experiments mix --out "$work/o2" --timeout 1 --no-report >"$work/out" 2>&1
check "with --l1 in run --help the kvm cell runs" '[ "$(jq -r ".cells[] | select(.id == \"cpuid-l2-kvm-vmmcall-eager-n100\") | .state" "$work/o2/collected.json")" = pass ]'
check "... with --l1 kvm on its command line"     'grep -q -- "--l1 kvm" "$work/o2/runs/cpuid-l2-kvm-vmmcall-eager-n100/r1/argv"'

bench --experiments rep --out "$work/o3" --repeat 3 --no-report >"$work/out" 2>&1; rc=$?
check "--repeat 3: identical figures pass"     '[ $rc -eq 0 ] && grep -q "^bench: 6 runs: 6 passed" "$work/out" && grep -q "0 cells differ under icount" "$work/out"'
check "--repeat: one directory per repeat"     '[ -d "$work/o3/runs/cpuid-l2-nestlab-vmmcall-eager-n100/r3" ]'
FAKE_VARY=1 bench --experiments rep --out "$work/o4" --repeat 2 >"$work/out" 2>&1; rc=$?
check "--repeat: differing figures flagged"    '[ $rc -eq 1 ] && grep -q "DIFFER hypercall-l2-nestlab-vmmcall-eager-n100" "$work/out" && grep -q "Repeats differ under icount" "$work/o4/report.md"'

bench --experiments mix --plan "$work/p" --timeout 1 >"$work/out" 2>&1; rc=$?
check "--plan writes the plan and runs nothing" '[ $rc -eq 0 ] && [ $(wc -l < "$work/p/commands.txt") -eq 4 ] && [ ! -e "$work/p/collected.json" ] && grep -q "sbatch" "$work/out"'
check "--plan: a Slurm job array script"        'grep -q "^#SBATCH --array=1-4$" "$work/p/slurm.sbatch"'
if command -v parallel >/dev/null; then
	sh "$work/p/parallel.sh" >/dev/null 2>&1
	bench --collect "$work/p" >"$work/out" 2>&1; rc=$?
	check "--collect after GNU parallel: same summary" '[ $rc -eq 1 ] && grep -q "^bench: 4 runs: 2 passed, 1 failed, 1 timed out" "$work/out"'
	check "--collect: the same report as bench"        'diff <(strip "$work/o1/report.md") <(strip "$work/p/report.md") >"$work/out"'
	check "--collect: manifest says collect"           '[ "$(jq -r .mode "$work/p/manifest.json")" = collect ]'
else
	echo "SKIP: bench: GNU parallel not installed (make deps)"
fi

"$NESTLAB" bench-compare "$work/o1" "$work/o1" >"$work/out" 2>&1; rc=$?
check "bench-compare A A: no change, exit 0"   '[ $rc -eq 0 ] && grep -q "0 changed, 0 past 1.00%" "$work/out"'
cp -r "$work/o1" "$work/o1b"
jq '(.cells[] | select(.id == "cpuid-l2-nestlab-vmmcall-eager-n100") | .runs[0].figures.phases[0].tsc) |= . * 1.1' \
	"$work/o1/collected.json" > "$work/o1b/collected.json"
"$NESTLAB" bench-compare "$work/o1" "$work/o1b" >"$work/out" 2>&1; rc=$?
check "bench-compare: +10% tsc past 1%, exit 1" '[ $rc -eq 1 ] && grep -qE "^cpuid-l2-nestlab-vmmcall-eager-n100 +cpuid tsc +48000 +52800 +\+10.00%  !$" "$work/out"'
"$NESTLAB" bench-compare "$work/o1" "$work/o1b" --threshold 15 --changed >"$work/out" 2>&1; rc=$?
check "bench-compare --threshold 15: exit 0"    '[ $rc -eq 0 ] && [ $(grep -c "^cpuid" "$work/out") -eq 1 ]'
"$NESTLAB" bench-compare "$work/o1" "$work/o2" >"$work/out" 2>&1; rc=$?
check "bench-compare: kvm cell only in B counts, is not judged" '[ $rc -eq 0 ] && grep -q "0 cells regressed" "$work/out"'
"$NESTLAB" bench-compare "$work/o1" /nonexistent >"$work/out" 2>&1; rc=$?
check "bench-compare: no result set, exit 2"    '[ $rc -eq 2 ]'

printf '[experiment]\nname = bad\nquestion = Q?\n[case a]\nworkload = cpuidd\n' > "$work/exp/bad.ini"
bench --experiments bad --out "$work/o5" >"$work/out" 2>&1; rc=$?
check "bad experiment file: exit 2, file and line" "[ \$rc -eq 2 ] && grep -q \"^$work/exp/bad.ini:5: workload 'cpuidd'\" \"\$work/out\""
bench --experiments nosuch >"$work/out" 2>&1; rc=$?
check "unknown experiment: exit 2, names the others" '[ $rc -eq 2 ] && grep -q "no experiment .nosuch. (there are: bad, mix, rep)" "$work/out"'
rm "$work/exp/bad.ini"
bench --list >"$work/out" 2>&1; rc=$?
check "--list: name, cells, question"          '[ $rc -eq 0 ] && grep -qE "^mix +5 +5  Does the runner survive failures\?$" "$work/out"'
mkdir -p "$work/mine" && touch "$work/mine/keep"
bench --experiments rep --out "$work/mine" >"$work/out" 2>&1; rc=$?
check "refuses to overwrite a folder that is no result set" '[ $rc -eq 1 ] && [ -e "$work/mine/keep" ]'
"$NESTLAB" bench --jobs 0 >"$work/out" 2>&1; rc=$?
check "bad --jobs: exit 2"                     '[ $rc -eq 2 ] && grep -q "jobs .0.: want 1..256" "$work/out"'
"$NESTLAB" bench --out a --plan b >"$work/out" 2>&1; rc=$?
check "--out with --plan: exit 2"              '[ $rc -eq 2 ]'
"$NESTLAB" bench --help >"$work/out" 2>&1; rc=$?
check "--help: exit 0, usage"                  '[ $rc -eq 0 ] && grep -q "^usage: nestlab bench" "$work/out"'

[ "$fails" -eq 0 ]
