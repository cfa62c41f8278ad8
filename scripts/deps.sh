#!/bin/sh
# Install the Debian packages nestlab needs, only those missing. Idempotent
# and silent when everything is present; called by `make deps` and by the
# `test`, `run` and `bench` targets before they build.
#   deps.sh          the packages every build and test needs
#   deps.sh kvm-l1   also those of the KVM-as-L1 reference (make kvm-l1,
#                    nestlab run --l1 kvm; docs/kvm-l1.md): cpio, which
#                    builds its initramfs. The Debian kernel and
#                    busybox-static it packs are fetched by
#                    experiments/kvm-l1/mkinitramfs.sh with `apt-get
#                    download` and unpacked under build/kvm-l1, not installed.
set -e
PKGS="gcc make binutils libc6-dev qemu-system-x86 libcriterion-dev libzydis-dev \
clang llvm lld libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config \
liblttng-ust-dev lttng-tools babeltrace2 libbabeltrace2-dev jq \
libjansson-dev libinih-dev python3 python3-pandas python3-matplotlib parallel \
slurmctld slurmd slurm-client munge"
[ "${1:-}" = kvm-l1 ] && PKGS="$PKGS cpio"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "nestlab deps: installing missing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "nestlab deps: not root; run 'sudo make deps' (apt-get install$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when a first install attempt cannot find them.
if ! apt-get install -y -q --no-install-recommends $missing >/tmp/nestlab-apt.log 2>&1; then
	apt-get update -q >/tmp/nestlab-apt-update.log 2>&1 || true
	apt-get install -y -q --no-install-recommends $missing >/tmp/nestlab-apt.log 2>&1 || {
		echo "nestlab deps: apt-get install failed; see /tmp/nestlab-apt.log" >&2
		tail -20 /tmp/nestlab-apt.log >&2
		exit 1
	}
fi
echo "nestlab deps: done"
