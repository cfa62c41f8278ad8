#!/bin/bash
# Linux KVM as L1 (docs/kvm-l1.md): the L2 kernel under Debian's Linux KVM
# and nestlab's VMM, through the launcher (--l1 kvm, TCG with icount). The
# L1 Linux is built on first use (make kvm-l1: Debian's kernel and
# busybox-static fetched with apt-get download, cached in build/kvm-l1);
# when that cannot be done (no package, no network, not root for cpio) the
# script SKIPs with the reason. Each case boots Linux (~15 s or more), so
# there are three: cpuid (the phase must hold exactly the exits the
# workload's model gives, N cpuid exits, counted by the kvm_exit histogram),
# hypercall asked over vmmcall (the launcher must switch to the backdoor and
# say so; N ioio exits; the workload checks every status), and an L2 image
# that is not multiboot (bad_config from the VMM, with its reason). A
# fourth, bad command line (--l1 kvm --npt-lazy), boots nothing.
set -u
. "$(dirname "$0")/lib.sh"
lib_init kvm_l1
lib_require
N=1000

if ! make --no-print-directory BUILD="$BUILD" kvm-l1 >"$OUT/build.log" 2>&1; then
	skip "the L1 Linux cannot be built (make kvm-l1): $(grep -E 'kvm-l1:|deps:' \
		"$OUT/build.log" | tail -1)"
	exit 0
fi

# kvm_case NAME "EXPECT ARGS" RUN ARGS...: like lib_case, with the model's
# parameters apart from the run's (which add --l1 kvm).
kvm_case() {
	local name=$1 want=$2; shift 2
	# shellcheck disable=SC2086
	if ! "$NESTLAB" expect $want >"$OUT/$name.want" 2>&1; then
		fail "$name: nestlab expect $want failed"; show "$OUT/$name.want"; return
	fi
	lib_cases+=("$name")
	lib_spawn "$name" --l1 kvm "$@"
}

kvm_case cpuid "--workload cpuid --iterations $N --transport backdoor" \
	--workload cpuid --iterations $N
kvm_case hypercall "--workload hypercall --iterations $N --transport backdoor" \
	--workload hypercall --iterations $N --transport vmmcall
head -c 4096 /dev/zero >"$OUT/not-multiboot.bin"
lib_spawn badimage --l1 kvm --workload cpuid --iterations 1 --l2-image "$OUT/not-multiboot.bin"

"$NESTLAB" run --l1 kvm --workload cpuid --npt-lazy >"$OUT/usage.log" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--npt-lazy applies to --l1 nestlab only" "$OUT/usage.log"; then
	pass "usage: --l1 kvm --npt-lazy refused (exit 2)"
else
	fail "usage: --l1 kvm --npt-lazy: exit $rc"; show "$OUT/usage.log"
fi

# Linux as L1 takes its own timer interrupts (HZ) while L2 runs: each is an
# intr exit of L2 that the workload did not cause, and how many fall into a
# phase depends on where the phase lies against L1's tick. They are set
# apart (reported; at most one per 4*10^6 phase ticks, plus one: Debian's
# HZ=250 tick is 4 ms, 4*10^6 ticks under icount) before the phase is
# compared with the model.
wait
for name in cpuid hypercall; do
	j=$OUT/$name.json
	[ -s "$j" ] || continue
	cp "$j" "$OUT/$name.raw.json"
	read -r intr tsc < <(jq -r --arg w "$name" \
		'[.phases[] | select(.name == $w)][0] | "\(.exits.intr // 0) \(.tsc // 0)"' "$j")
	if [ "${intr:-0}" -gt 0 ]; then
		if [ "$intr" -gt $(( tsc / 4000000 + 1 )) ]; then
			fail "$name: $intr intr exits in a phase of $tsc ticks: more than L1 Linux's tick explains"
		else
			pass "$name: $intr intr exit(s) in the phase, L1 Linux's own timer, set apart"
		fi
		jq '(.phases[] | select(.exits.intr != null) | .exits) |= del(.intr)' \
			"$OUT/$name.raw.json" >"$j"
	fi
done
lib_check_all
for name in cpuid hypercall; do
	j=$OUT/$name.json
	[ -s "$j" ] || continue
	if [ "$(jq -r '.l1 + " " + .transport + " " + .producer' "$j")" != "kvm backdoor l1" ]; then
		fail "$name: JSON says l1/transport/producer $(jq -c '[.l1, .transport, .producer]' "$j")"
	elif ! grep -q '^nestlab-kvm-vmm: run ended with status 0' "$OUT/$name.log"; then
		fail "$name: no VMM end line"; show "$OUT/$name.log"
	else
		pass "$name: l1 kvm, $(jq -r '.phases[0].tsc' "$j") ticks in the phase"
	fi
done
if grep -q '^transport: backdoor, not vmmcall' "$OUT/hypercall.log"; then
	pass "hypercall: the launcher says vmmcall became backdoor"
else
	fail "hypercall: no note that vmmcall became backdoor"; show "$OUT/hypercall.log"
fi

want_exit=$(lib_qemu_exit BAD_CONFIG)
got=$(jq -r '[.status, .qemu_exit, .l1] | @tsv' "$OUT/badimage.json" 2>/dev/null)
if [ "$got" = "bad_config	$want_exit	kvm" ] &&
   jq -e '.errors | map(select(test("not a multiboot image"))) | length > 0' \
	"$OUT/badimage.json" >/dev/null; then
	pass "badimage: bad_config (QEMU exit $want_exit) with the loader's reason"
else
	fail "badimage: status/qemu_exit/l1 '$got', want bad_config/$want_exit/kvm and the reason"
	show "$OUT/badimage.log"
fi
lib_done
