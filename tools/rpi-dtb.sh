#!/bin/bash
# The Raspberry Pi 3 Model B device tree for QEMU's raspi3b machine, which
# has none of its own: build/rpi/bcm2837-rpi-3-b.dtb, taken from Debian
# 12's arm64 kernel package (linux-image-6.1.0-NN-arm64 ships
# /usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb, built from Linux's
# arch/arm64/boot/dts/broadcom/bcm2837-rpi-3-b.dts).
#   build/rpi/bcm2837-rpi-3-b.dtb   the tree (qemu-run.sh MACHINE=raspi3b passes it with -dtb)
#   build/rpi/bcm2711-rpi-4-b.dtb   the Pi 4's, from the same package (README: untested)
#   build/rpi/info                  which package and version it came from
#   build/rpi/apt/                  a private apt state: arm64 package lists, the .deb
# How: apt-get with its own state in build/rpi/apt (APT::Architecture=arm64,
# this machine's /etc/apt sources, i.e. deb.debian.org bookworm and
# bookworm-security): "apt-get update" there fetches the arm64 package
# lists (about 10 MB, signed by the Debian archive key apt already trusts),
# then "apt-get download" the kernel package linux-image-arm64 depends on
# (about 60 MB; its hash is checked against those lists). Nothing is
# installed and the system's dpkg/apt state is not touched (no dpkg
# --add-architecture). Runs once: an existing DTB is kept.
set -u -o pipefail
cd "$(dirname "$0")/.."
out=build/rpi
dtb=$out/bcm2837-rpi-3-b.dtb

die() { echo "rpi-dtb: $*" >&2; exit 1; }
[ -f "$dtb" ] && exit 0
for cmd in apt-get apt-cache dpkg-deb tar; do
	command -v $cmd >/dev/null 2>&1 || die "cannot find '$cmd' (Debian's apt and dpkg are needed)"
done

state=$PWD/$out/apt
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" || die "cannot create $state"
[ -f "$state/status" ] || : >"$state/status"
apt_opts=(-o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
	-o Dir::State::status="$state/status" -o APT::Architecture=arm64
	-o APT::Architectures::=arm64 -o APT::Sandbox::User=root)

echo "rpi-dtb: fetching Debian's arm64 package lists into $state (apt-get update, ~10 MB)" >&2
offline="no network, or the Debian mirror in /etc/apt unreachable. Offline, copy bcm2837-rpi-3-b.dtb (from any Debian or Ubuntu arm64 kernel package, or a Raspberry Pi OS boot partition) to $dtb"
# apt-get update exits 0 when it could not fetch (it warns): its messages decide.
msgs=$(apt-get "${apt_opts[@]}" update -q 2>&1) || die "apt-get update for arm64 failed: $offline"
if grep -qE '^(E:|W: Failed to fetch)' <<<"$msgs"; then
	grep -E '^(W|E|Err):' <<<"$msgs" >&2
	die "apt-get update for arm64 could not fetch the package lists: $offline"
fi
kpkg=$(apt-cache "${apt_opts[@]}" depends linux-image-arm64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || die "the arm64 package lists name no linux-image-* dependency of linux-image-arm64"
kver=$(apt-cache "${apt_opts[@]}" policy "$kpkg" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
[ -n "$kver" ] && [ "$kver" != "(none)" ] || die "no downloadable version of $kpkg"

tmp=$(mktemp -d "$PWD/build/rpi-dtb.tmp.XXXXXX") || die "cannot make a temporary folder in build/"
trap 'rm -rf "$tmp"' EXIT
echo "rpi-dtb: apt-get download $kpkg=$kver (arm64, ~60 MB) for its broadcom/ device trees" >&2
(cd "$tmp" && apt-get "${apt_opts[@]}" download -q "$kpkg=$kver" >/dev/null) ||
	die "apt-get download $kpkg=$kver failed (no network? the Debian mirror unreachable?)"
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download gave no .deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards \
	'./usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb' \
	'./usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb' ||
	die "$kpkg $kver has no broadcom/bcm2837-rpi-3-b.dtb"
cp "$tmp"/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb "$out/" &&
	echo "$kpkg $kver (arm64) from $(apt-cache "${apt_opts[@]}" policy "$kpkg" |
		awk '/^ *[0-9]+ http/ { print $2, $3; exit }')" >"$out/info" &&
	cp "$tmp"/usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb "$dtb.tmp" &&
	mv "$dtb.tmp" "$dtb" || die "cannot write $dtb"
echo "rpi-dtb: $dtb from $(cat "$out/info")" >&2
