#!/bin/sh
# /init of the KVM-as-L1 initramfs (docs/kvm-l1.md), run by busybox sh as
# PID 1 of the L1 Linux: mount what the VMM needs (proc for its command
# line, sysfs, devtmpfs for /dev/kvm and /dev/ttyS1, tracefs for the
# kvm_exit histogram), load KVM (kvm_amd with nested=1, the modules listed
# in /lib/modules/nestlab.load in dependency order), then run the VMM,
# which ends the machine through isa-debug-exit with the run's status. A
# module that does not load is reported and the VMM still runs: it then
# fails on /dev/kvm with a status and a results stream of its own. If the
# VMM itself cannot end the machine, poweroff does (QEMU exit 0: the
# launcher's "no_status").
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing
echo "nestlab-kvm-init: Linux $(cat /proc/sys/kernel/osrelease) up after $(cut -d' ' -f1 /proc/uptime) s"
while read -r mod args; do
	[ -n "$mod" ] || continue
	# shellcheck disable=SC2086
	insmod "/lib/modules/$mod.ko" $args ||
		echo "nestlab-kvm-init: insmod $mod.ko $args failed"
done </lib/modules/nestlab.load
[ -e /dev/kvm ] || echo "nestlab-kvm-init: no /dev/kvm after loading KVM (does the CPU offer SVM and NPT?)"
/bin/nestlab-kvm-vmm
rc=$?
echo "nestlab-kvm-init: the VMM returned $rc without ending the machine"
/bin/nestlab-kvm-vmm --exit 5
poweroff -f
