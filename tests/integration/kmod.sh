#!/bin/bash
# The L2 kernel's module (--l2-module, include/nestlab/kmod.h): the hello
# module at level 1 and level 2 prints its line from mod_init and the
# kernel reports it loaded with init's 42; with a module a measured phase
# stays exactly the model's (getpid under lazy NPT: no exit) and the MBEC
# policy makes the module's code supervisor-executable; a truncated module
# ends the run bad_config with the loader's message at both levels, and L1
# refuses an empty module and one larger than L2 RAM, also bad_config; a
# module whose init returns -5 ends it workload_fail; the launcher refuses
# --l2-module with --l1 kvm.
set -u
. "$(dirname "$0")/lib.sh"
lib_init kmod
lib_require l1
HELLO=$BUILD/guests/modules/hello.ko
[ -f "$HELLO" ] || { fail "$HELLO not built (make build-tests)"; exit 1; }

head -c 300 "$HELLO" >"$OUT/trunc.ko"
: >"$OUT/empty.ko"
head -c $((9 << 20)) /dev/zero >"$OUT/big.ko"

lib_spawn hello-l1 --workload null --iterations 10 --level 1 --l2-module "$HELLO"
lib_spawn hello-l2 --workload null --iterations 10 --l2-module "$HELLO"
lib_spawn getpid-lazy --workload getpid --iterations 100 --npt-lazy --l2-module "$HELLO"
lib_spawn mbec --workload getpid --iterations 100 --mbec exec-fault --l2-module "$HELLO"
lib_spawn trunc-l1 --workload null --iterations 10 --level 1 --l2-module "$OUT/trunc.ko"
lib_spawn trunc-l2 --workload null --iterations 10 --l2-module "$OUT/trunc.ko"
lib_spawn empty-l2 --workload null --iterations 10 --l2-module "$OUT/empty.ko"
lib_spawn big-l2 --workload null --iterations 10 --l2mem 8 --l2-module "$OUT/big.ko"
lib_spawn initfail-l1 --workload null --iterations 10 --level 1 \
	--l2-module "$BUILD/guests/tests/kmod/initfail.o"
wait

# kmod_expect NAME STATUS REGEX...: the run's JSON status and each REGEX
# (extended) in its output.
kmod_expect() {
	local name=$1 want=$2 got re; shift 2
	got=$(jq -r .status "$OUT/$name.json" 2>/dev/null)
	if [ "$got" != "$want" ]; then
		fail "$name: status ${got:-none}, want $want"; show "$OUT/$name.log"; return
	fi
	for re in "$@"; do
		if ! grep -Eq -- "$re" "$OUT/$name.log"; then
			fail "$name: output lacks /$re/"; show "$OUT/$name.log"; return
		fi
	done
	pass "$name: status $want, its $# lines"
}

loaded='nestlab-l2: module hello loaded at 0x[0-9a-f]+ \(3 pages\), init returned 42[[:space:]]*$'
said='kmod hello: hello from a kernel module \(init call 1\)[[:space:]]*$'
kmod_expect hello-l1 pass "$loaded" "$said" 'workload null iterations 10: PASS'
kmod_expect hello-l2 pass "$loaded" "$said" \
	'^nestlab-l1: L2 module loaded at [0-9a-f]+-[0-9a-f]+ \([0-9]+ bytes\)[[:space:]]*$'
kmod_expect getpid-lazy pass "$loaded"
if [ "$(jq -c '[.phases[] | select(.name == "getpid")][0].exits' "$OUT/getpid-lazy.json")" = '{}' ]; then
	pass "getpid-lazy: the module leaves the phase exit-free"
else
	fail "getpid-lazy: phase exits $(jq -c '.phases[0].exits' "$OUT/getpid-lazy.json")"
fi
kmod_expect mbec pass "$loaded" 'mbec: module hello text 1 pages super-exec[[:space:]]*$'
trunc='module: refused: section header table at 0x[0-9a-f]+ \(24 entries\) beyond the end of the file \(300 bytes\)'
kmod_expect trunc-l1 bad_config "$trunc" 'KMOD_E_TRUNC'
kmod_expect trunc-l2 bad_config "$trunc" 'KMOD_E_TRUNC'
kmod_expect empty-l2 bad_config "the L2 kernel's module is empty"
kmod_expect initfail-l1 workload_fail 'initfail: failing' \
	'nestlab-l2: module initfail: syscall_entry at 0x[0-9a-f]+' \
	'module initfail: mod_init returned -5'
kmod_expect big-l2 bad_config "the L2 kernel's module is 9216 KiB, more than L2 RAM holds"

"$NESTLAB" run --workload null --l1 kvm --l2-module "$HELLO" >"$OUT/kvm.log" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q -- '--l2-module applies to --level 1 and to --l1 nestlab only' "$OUT/kvm.log"; then
	pass "--l2-module with --l1 kvm: refused, exit 2"
else
	fail "--l2-module with --l1 kvm: exit $rc"; show "$OUT/kvm.log"
fi
lib_done
