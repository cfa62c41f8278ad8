#!/bin/bash
# Integration test of the real `nestlab` binary's command line: bad command
# lines must print the usage synopsis and exit 2; --help must exit 0 and
# document every option. Prints PASS:/FAIL: lines; exits non-zero on failure.
set -u
NESTLAB=${NESTLAB:-${BUILD:-build}/nestlab}
fails=0
out=$(mktemp); trap 'rm -f "$out"' EXIT

# expect STATUS PATTERN DESCRIPTION -- ARGS...: exit status and output match.
expect() {
	local want=$1 pattern=$2 what=$3; shift 4
	"$NESTLAB" "$@" >"$out" 2>&1; local rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $what: exit $rc, want $want"; sed 's/^/    /' "$out" | head -5
		fails=$((fails + 1))
	elif ! grep -qE -- "$pattern" "$out"; then
		echo "FAIL: $what: output lacks /$pattern/"; sed 's/^/    /' "$out" | head -5
		fails=$((fails + 1))
	else
		echo "PASS: $what"
	fi
}

if [ ! -x "$NESTLAB" ]; then
	echo "FAIL: $NESTLAB not built"; exit 1
fi

U='usage: nestlab run'
expect 2 "$U" "no subcommand"               --
expect 2 "unknown command"                  "unknown subcommand" -- frob
expect 2 "unknown option '--frob'"          "unknown option" -- run --workload cpuid --frob
expect 2 "$U"                               "unknown option prints usage" -- run --workload cpuid --frob
expect 2 "unknown workload 'nosuch'"        "unknown workload" -- run --workload nosuch
expect 2 "--workload is required"           "missing --workload" -- run --iterations 5
expect 2 "--iterations '0'"                 "--iterations 0" -- run --workload cpuid --iterations 0
expect 2 "--iterations 'abc'"               "--iterations abc" -- run --workload cpuid --iterations abc
expect 2 "--iterations '100000001'"         "--iterations too big" -- run --workload cpuid --iterations 100000001
expect 2 "--level '3': want 1 or 2"         "--level 3" -- run --workload cpuid --level 3
expect 2 "--accel 'xen'"                    "--accel xen" -- run --workload cpuid --accel xen
expect 2 "--transport 'vmcall'"             "--transport vmcall" -- run --workload cpuid --transport vmcall
expect 2 "needs a value"                    "option without its value" -- run --workload
expect 2 "applies to --level 2 only"        "--npt-lazy at level 1" -- run --workload cpuid --level 1 --npt-lazy
expect 2 "L2 kernel image .*not found.*" "missing image names make" -- run --workload cpuid --level 1 --l2-image /nonexistent/l2.bin
expect 2 "build it with 'make'"             "missing image hint" -- run --workload cpuid --level 1 --l2-image /nonexistent/l2.bin
expect 2 "--l2-module /nonexistent/m.ko not found" "missing --l2-module" -- run --workload null --level 1 --l2-module /nonexistent/m.ko
expect 2 "--l2-module applies to --level 1 and to --l1 nestlab only" "--l2-module with --l1 kvm" -- run --workload null --l1 kvm --l2-module m.ko
expect 2 "--procs 'cpuid,frob': unknown program 'frob'" "--procs unknown program" -- run --workload multi --procs cpuid,frob
expect 2 "--procs '': empty program name"    "--procs empty list" -- run --workload multi --procs ''
expect 2 "too many processes"               "--procs too many" -- run --workload multi --procs null,null,null,null,null,null,null,null,null
expect 2 "applies to --workload multi only" "--procs without multi" -- run --workload cpuid --procs cpuid
expect 2 "--timer-hz '0': want an integer in 100..100000" "--timer-hz 0" -- run --workload timer --timer-hz 0
expect 2 "--timer-hz '100001'"              "--timer-hz too big" -- run --workload timer --timer-hz 100001
expect 2 "applies to --workload timer only" "--timer-hz without timer" -- run --workload cpuid --timer-hz 1000
expect 2 "$U"                               "bad --procs prints usage" -- run --workload multi --procs frob
expect 2 "--mbec applies to --level 2 with --l1 nestlab only" "--mbec intercept at level 1" -- run --workload getpid --level 1 --mbec intercept
expect 2 "--mbec applies to --level 2 with --l1 nestlab only" "--mbec at level 1" -- run --workload getpid --level 1 --mbec exec-fault
expect 2 "--mbec-violation applies with --mbec exec-fault or intercept only" "--mbec-violation without --mbec" -- run --workload getpid --mbec-violation inject
expect 0 "usage: nestlab run"               "nestlab --help" -- --help
expect 0 "^ +nestlab expect --workload"      "nestlab --help lists expect" -- --help
E='usage: nestlab expect'
expect 2 "$E"                               "expect without --workload" -- expect
expect 2 "unknown workload 'nosuch'"        "expect: unknown workload" -- expect --workload nosuch
expect 2 "$E"                               "expect: unknown option prints usage" -- expect --workload cpuid --json x
expect 2 "--iterations 'x'"                 "expect: --iterations x" -- expect --workload cpuid --iterations x
expect 2 "applies to --level 2 only"        "expect: --npt-lazy at level 1" -- expect --workload cpuid --level 1 --npt-lazy
expect 0 "^ +--list"                        "expect --help documents --list" -- expect --help
expect 0 '"exits": \{"cpuid": 5\}'           "expect cpuid 5" -- expect --workload cpuid --iterations 5
expect 0 '"exits": \{"cpuid": 10, "ioio": 5\}, "checks": 3' "expect multi sums its programs" -- expect --workload multi --iterations 5 --procs cpuid,pio,cpuid
expect 0 '"exits": \{"npf": 7, "intr": 7\}, "checks": 2' "expect timer 7" -- expect --workload timer --iterations 7 --timer-hz 1000
expect 2 "unknown program 'x'"              "expect: --procs unknown program" -- expect --workload multi --procs x
expect 2 "--timer-hz '5'"                   "expect: --timer-hz out of range" -- expect --workload timer --timer-hz 5
expect 0 "^syscall-mix$"                    "expect --list" -- expect --list
expect 0 "syscall-mix"                      "nestlab run --help lists workloads" -- run --help
for opt in --workload --iterations --level --accel --transport --npt-lazy --json \
	   --timeout --l2mem --mem --qemu --no-icount --l1-image --l2-image --l2-module --keep \
	   --verbose --quiet --procs --timer-hz --mbec --mbec-tlb --mbec-violation --help; do
	expect 0 "^ *(-., )?$opt" "run --help documents $opt" -- run --help
done

[ "$fails" -eq 0 ]
