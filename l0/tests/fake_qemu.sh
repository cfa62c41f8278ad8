#!/bin/bash
# A stand-in for qemu-system-x86_64 used by run_fake.sh: it reads the two
# "-serial file:PATH" arguments the launcher passes (console, then results)
# and plays the scenario named by $FAKE_MODE, so the launcher's run, verdict,
# table and JSON paths are tested without booting anything.
con=""; res=""; prev=""
for a in "$@"; do
	if [ "$prev" = -serial ]; then
		if [ -z "$con" ]; then con=${a#file:}; else res=${a#file:}; fi
	fi
	prev=$a
done
printf '%s\n' "$@" > "$(dirname "$con")/fake-argv"
for i in $(seq 1 40); do echo "console line $i"; done > "$con"
case "${FAKE_MODE:-pass}" in
pass)
	printf 'nestlab-results 1 producer=l1\nphase 0 cpuid tsc=5000\nexit 0 cpuid 1000 85000\nexit total cpuid 1004 85400\nstatus 0\nend\n' > "$res"
	exit 1 ;;
shutdown)
	printf 'nestlab-results 1 producer=l1\nphase 0 triplefault tsc=5\nexit total shutdown 1 10\nerror L2 triple fault at rip 0x1000\nstatus 2\nend\n' > "$res"
	exit 5 ;;
triple1)
	exit 0 ;;
incomplete)
	printf 'nestlab-results 1 producer=l2\nphase 0 cpuid tsc=5\n' > "$res"
	exit 1 ;;
qemuerr)
	echo "qemu-system-x86_64: -kernel /x: could not load kernel" >&2
	exit 1 ;;
hang)
	exec sleep 60 ;;
esac
exit 3
