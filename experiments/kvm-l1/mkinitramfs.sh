#!/bin/bash
# Builds the L1 Linux of `nestlab run --l1 kvm` (docs/kvm-l1.md) into OUT
# (default build/kvm-l1): OUT/vmlinuz, Debian's kernel, and
# OUT/initramfs.cpio (newc, uncompressed: TCG unpacks it fastest) holding
# busybox-static as /bin/sh and its tools, the kernel's kvm and kvm-amd
# modules with their dependencies (read from each module's .modinfo
# "depends="), the VMM and init.sh as /init. The L2 kernel is not in it:
# the launcher appends a small cpio with it per run.
#
# The Debian packages (the kernel, default: what linux-image-amd64
# depends on; busybox-static) are fetched with `apt-get download` into
# OUT/debs and unpacked there with dpkg-deb, never installed: a kernel
# package's maintainer scripts would rebuild this machine's initramfs and
# boot loader, and busybox-static conflicts with busybox. Cached: nothing
# is fetched or rebuilt when OUT/manifest (package versions, checksums of
# the VMM, init.sh and this script) is unchanged.
#
#   mkinitramfs.sh [--out DIR] [--vmm FILE] [--kernel-pkg linux-image-6.1.0-N-amd64]
# Exit 0 built or up to date; 1 with the reason (no package, no network,
# no cpio) on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=build/kvm-l1
vmm=build/kvm-l1/nestlab-kvm-vmm
kpkg=""
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--vmm) vmm=$2; shift 2 ;;
	--kernel-pkg) kpkg=$2; shift 2 ;;
	*) echo "usage: mkinitramfs.sh [--out DIR] [--vmm FILE] [--kernel-pkg PKG]" >&2; exit 2 ;;
	esac
done
die() { echo "kvm-l1: $*" >&2; exit 1; }
say() { echo "kvm-l1: $*"; }

command -v cpio >/dev/null || die "cpio not installed (scripts/deps.sh kvm-l1, or apt-get install cpio)"
[ -x "$vmm" ] || die "$vmm not built (make $vmm)"
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)

# The candidate version of a package, from the apt lists (refreshed once
# if the package is unknown to them).
apt_updated=0
candidate() {
	local v
	v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	if { [ -z "$v" ] || [ "$v" = "(none)" ]; } && [ $apt_updated = 0 ] && [ "$(id -u)" = 0 ]; then
		apt_updated=1
		apt-get update -q >"$out/apt-update.log" 2>&1 || true
		v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	fi
	[ "$v" = "(none)" ] && v=""
	echo "$v"
}

# fetch PKG: OUT/debs/PKG.deb at the candidate version (kept if already
# there; used as it is when apt knows no candidate, e.g. offline).
fetch() {
	local pkg=$1 ver have=""
	ver=$(candidate "$pkg")
	[ -f "$out/debs/$pkg.deb" ] && have=$(dpkg-deb -f "$out/debs/$pkg.deb" Version)
	if [ -z "$ver" ]; then
		[ -n "$have" ] || die "no Debian package $pkg in the apt lists and none cached in $out/debs"
		say "$pkg: apt knows no candidate, using the cached $have"
		return
	fi
	[ "$have" = "$ver" ] && return
	say "fetching $pkg $ver (apt-get download)"
	rm -rf "$out/debs/tmp" && mkdir -p "$out/debs/tmp"
	(cd "$out/debs/tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver") \
		>"$out/debs/apt-download.log" 2>&1 ||
		die "apt-get download $pkg=$ver failed: $(tail -1 "$out/debs/apt-download.log")"
	mv "$out/debs/tmp/"*.deb "$out/debs/$pkg.deb"
	rmdir "$out/debs/tmp"
}

if [ -z "$kpkg" ]; then
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	       sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1)
	if [ -z "$kpkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >"$out/apt-update.log" 2>&1 || true
		apt_updated=1
		kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		       sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1)
	fi
	if [ -z "$kpkg" ]; then
		# Offline with a cache: the kernel package fetched before.
		kpkg=$(cd "$out/debs" && ls linux-image-*-amd64.deb 2>/dev/null | head -1 | sed 's/\.deb$//')
	fi
	[ -n "$kpkg" ] || die "cannot tell which kernel linux-image-amd64 stands for (apt lists missing? run apt-get update)"
fi
fetch "$kpkg"
fetch busybox-static

kver=$(dpkg-deb -f "$out/debs/$kpkg.deb" Version)
bver=$(dpkg-deb -f "$out/debs/busybox-static.deb" Version)
manifest="kernel $kpkg $kver
busybox-static $bver
vmm $(sha256sum <"$vmm" | cut -d' ' -f1)
init $(sha256sum <"$here/init.sh" | cut -d' ' -f1)
script $(sha256sum <"$here/mkinitramfs.sh" | cut -d' ' -f1)"
if [ -f "$out/manifest" ] && [ "$(cat "$out/manifest")" = "$manifest" ] &&
   [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio" ]; then
	say "up to date ($kpkg $kver)"
	exit 0
fi

say "building the initramfs from $kpkg $kver, busybox-static $bver"
work="$out/work"
rm -rf "$work"
mkdir -p "$work/pkg" "$work/bb" "$work/root"/{bin,dev,proc,sys,lib/modules,nestlab}
# The kernel, its config and the module trees KVM's modules come from.
dpkg-deb --fsys-tarfile "$out/debs/$kpkg.deb" |
	tar -x -C "$work/pkg" --wildcards './boot/vmlinuz-*' './boot/config-*' \
	    './lib/modules/*/kernel/arch/x86/kvm/*' './lib/modules/*/kernel/virt/*' \
	    './lib/modules/*/kernel/drivers/crypto/ccp/*'
modroot=$(echo "$work"/pkg/lib/modules/*/kernel)
[ -d "$modroot/arch/x86/kvm" ] || die "$kpkg has no kernel/arch/x86/kvm modules"
grep -q '^CONFIG_HIST_TRIGGERS=y' "$work"/pkg/boot/config-* ||
	die "$kpkg is built without CONFIG_HIST_TRIGGERS: the VMM counts exits with a kvm_exit histogram"

# Modules in dependency order, each after what its .modinfo depends= names.
load_order=()
declare -A seen=()
modfile() {  # a module name (- and _ alike) -> its file under modroot
	local pat
	pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
	find "$modroot" -regextype posix-extended -regex ".*/${pat}\.ko(\.xz|\.zst)?" | head -1
}
add_module() {
	local name=$1 f deps d
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	f=$(modfile "$name")
	[ -n "$f" ] || die "module $name (needed by KVM) is not in $kpkg's kvm, virt or ccp trees"
	case "$f" in
	*.xz) xz -dc "$f" >"$work/root/lib/modules/$name.ko" ;;
	*.zst) zstd -qdc "$f" >"$work/root/lib/modules/$name.ko" ;;
	*) cp "$f" "$work/root/lib/modules/$name.ko" ;;
	esac
	deps=$(strings -a "$work/root/lib/modules/$name.ko" | sed -n 's/^depends=//p' | head -1)
	for d in ${deps//,/ }; do add_module "$d"; done
	load_order+=("$name")
}
add_module kvm-amd
for m in "${load_order[@]}"; do
	if [ "$m" = kvm-amd ]; then echo "$m nested=1"; else echo "$m"; fi
done >"$work/root/lib/modules/nestlab.load"

dpkg-deb --fsys-tarfile "$out/debs/busybox-static.deb" | tar -x -C "$work/bb" ./bin/busybox
cp "$work/bb/bin/busybox" "$work/root/bin/busybox"
for a in sh mount insmod poweroff cat cut echo ls dmesg; do ln -s busybox "$work/root/bin/$a"; done
cp "$vmm" "$work/root/bin/nestlab-kvm-vmm"
cp "$here/init.sh" "$work/root/init"
chmod 755 "$work/root/init" "$work/root/bin/nestlab-kvm-vmm"
# The kernel opens /dev/console for /init before anything is mounted.
[ "$(id -u)" = 0 ] && mknod "$work/root/dev/console" c 5 1
find "$work/root" -exec touch -h -d @0 {} +
(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out/initramfs.cpio.tmp"
cp "$work"/pkg/boot/vmlinuz-* "$out/vmlinuz.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$manifest" >"$out/manifest"
rm -rf "$work"
say "built $out/vmlinuz and $out/initramfs.cpio ($(du -k "$out/initramfs.cpio" | cut -f1) KiB; modules: ${load_order[*]})"
