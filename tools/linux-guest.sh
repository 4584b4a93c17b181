#!/bin/bash
# Build make compare-linux's Debian Linux guest from Debian's own packages,
# without installing them: nothing goes into /boot or /lib/modules.
#   build/linux-guest/vmlinuz     the kernel of the package linux-image-amd64 depends on
#   build/linux-guest/initrd.gz   cpio newc + gzip: a static busybox (busybox-static),
#                                 the virtio modules, tests/linux/swap_bench_linux
#                                 (gcc -static) and tests/linux/init as /init
#   build/linux-guest/info        package versions and modules, printed by compare-linux
#   build/linux-guest/debs/       the downloaded .deb files (kept for rebuilds)
# It rebuilds only when the packages' versions or the guest's sources change.
# Everything is built in a temporary folder under build/ and moved into
# place at the end; on any failure it says what is missing and leaves no
# half-built guest behind.
set -u -o pipefail
cd "$(dirname "$0")/.."
out=build/linux-guest
src=(tests/linux/swap_bench_linux.c tests/linux/init tools/linux-guest.sh)

die() { echo "linux-guest: $*" >&2; exit 1; }
for cmd in apt-get apt-cache dpkg-deb gcc objcopy gzip sha256sum; do
	command -v $cmd >/dev/null 2>&1 || die "cannot find '$cmd' (Debian's apt, dpkg, gcc, binutils and gzip are needed)"
done

# The kernel package is whatever linux-image-amd64 depends on now
# (linux-image-6.1.0-NN-amd64 on Debian 12). apt-cache reads the local
# package lists: without them (a fresh machine) run apt-get update once.
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
candidate() { # candidate PACKAGE: the version apt-get download would fetch
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}
kpkg=$(kernel_pkg)
if [ -z "$kpkg" ] || [ -z "$(candidate busybox-static)" ] || [ "$(candidate busybox-static)" = "(none)" ]; then
	echo "linux-guest: Debian's package lists do not name linux-image-amd64 or busybox-static; running apt-get update" >&2
	[ "$(id -u)" = 0 ] || die "apt-get update needs root: run it as root, then make compare-linux again"
	# Its warnings and errors (a repository it could not reach) are shown.
	apt-get update -q 2>&1 | grep -E '^(W|E|Err):' >&2
	[ "${PIPESTATUS[0]}" = 0 ] || die "apt-get update failed (no network, or the Debian repositories unreachable)"
	kpkg=$(kernel_pkg)
fi
[ -n "$kpkg" ] || die "cannot find the kernel package: apt-cache shows no 'linux-image-*' dependency of linux-image-amd64 (did apt-get update reach Debian's repositories? no network?)"
kver=$(candidate "$kpkg")
bver=$(candidate busybox-static)
[ -n "$kver" ] && [ "$kver" != "(none)" ] || die "no installable version of $kpkg in the package lists"
[ -n "$bver" ] && [ "$bver" != "(none)" ] || die "no installable version of busybox-static in the package lists"

# Up to date? The stamp names the packages and hashes the sources.
stamp="$kpkg $kver busybox-static $bver $(cat "${src[@]}" | sha256sum | cut -c1-16)"
if [ -f $out/stamp ] && [ "$(cat $out/stamp)" = "$stamp" ] && [ -f $out/vmlinuz ] && [ -f $out/initrd.gz ]; then
	exit 0
fi
echo "linux-guest: building $out from $kpkg $kver and busybox-static $bver"

mkdir -p build
tmp=$(mktemp -d "$PWD/build/linux-guest.tmp.XXXXXX") || die "cannot make a temporary folder in build/"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# 1. The packages, kept in build/linux-guest/debs when already there.
mkdir -p "$tmp/debs"
deb_of() { # deb_of PACKAGE VERSION: its .deb file name as apt-get download names it
	local v=${2//:/%3a}
	echo "$1_${v}_amd64.deb"
}
for p in "$kpkg:$kver" "busybox-static:$bver"; do
	name=${p%%:*} ver=${p#*:} f=$(deb_of "${p%%:*}" "${p#*:}")
	if [ -f "$out/debs/$f" ]; then
		cp "$out/debs/$f" "$tmp/debs/"
		continue
	fi
	echo "linux-guest: apt-get download $name=$ver"
	# APT::Sandbox::User=root: the download goes straight into build/ (apt's
	# _apt user may not be able to write there).
	(cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "$name=$ver" >/dev/null) ||
		die "apt-get download $name=$ver failed (no network? the Debian repositories unreachable? run 'apt-get update')"
	[ -f "$tmp/debs/$f" ] || die "apt-get download $name gave no $f"
done

# 2. Extract them (only into the temporary folder).
root=$tmp/root
for f in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$f" "$root" || die "dpkg-deb -x $(basename "$f") failed"
done
vmlinuz=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "$kpkg has no /boot/vmlinuz-*"
krel=${vmlinuz##*/vmlinuz-}
moddir=$root/lib/modules/$krel
config=$root/boot/config-$krel
[ -x "$root/bin/busybox" ] || die "busybox-static has no /bin/busybox"

# 3. The initramfs tree.
ird=$tmp/initramfs
mkdir -p "$ird/bin" "$ird/lib/modules" || die "cannot make $ird"
cp "$root/bin/busybox" "$ird/bin/busybox"
cp tests/linux/init "$ird/init" && chmod 755 "$ird/init"
echo "linux-guest: gcc -static tests/linux/swap_bench_linux.c"
gcc -static -O2 -Wall -Wextra -Werror -o "$ird/swap_bench_linux" tests/linux/swap_bench_linux.c ||
	die "gcc -static failed (glibc's static libraries come with Debian's libc6-dev)"

# The drivers for a virtio-blk PCI disk: built in (=y) needs nothing,
# built as modules (=m, as Debian does) they go into the initramfs with
# what they depend on, in dependency order (read from each module's
# .modinfo "depends=": the package ships no modules.dep, depmod makes it
# at install time).
modfile() { # modfile NAME: the module's file in the package
	find "$moddir/kernel" \( -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" \) | head -n 1
}
modinfo_depends() { # modinfo_depends FILE: the names it depends on, one a line
	local f=$1 plain=$tmp/mod.ko
	case "$f" in
	*.xz) xz -dc "$f" >"$plain" || die "cannot unpack $f (xz-utils)" ;;
	*.zst) zstd -qdc "$f" >"$plain" || die "cannot unpack $f (zstd)" ;;
	*) plain=$f ;;
	esac
	objcopy -O binary --only-section=.modinfo "$plain" /dev/stdout | tr '\0' '\n' |
		sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
}
declare -A seen=()
order=()
add_module() { # add_module NAME: its dependencies first, then itself
	local name=$1 f dep
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	f=$(modfile "$name")
	[ -n "$f" ] || die "module $name not found under $moddir/kernel"
	for dep in $(modinfo_depends "$f"); do
		add_module "$dep"
	done
	order+=("$f")
}
need_modules=()
for opt in VIRTIO_PCI:virtio_pci VIRTIO_BLK:virtio_blk; do
	case "$(grep "^CONFIG_${opt%%:*}=" "$config" 2>/dev/null)" in
	*=y) ;;
	*=m) need_modules+=("${opt#*:}") ;;
	*) die "the kernel $krel has no CONFIG_${opt%%:*} (neither built in nor a module)" ;;
	esac
done
for m in "${need_modules[@]}"; do
	add_module "$m"
done
: >"$ird/lib/modules/order"
for f in "${order[@]}"; do
	base=$(basename "$f")
	case "$base" in
	*.xz) xz -dc "$f" >"$ird/lib/modules/${base%.xz}"; base=${base%.xz} ;;
	*.zst) zstd -qdc "$f" >"$ird/lib/modules/${base%.zst}"; base=${base%.zst} ;;
	*) cp "$f" "$ird/lib/modules/$base" ;;
	esac || die "cannot copy $base"
	echo "$base" >>"$ird/lib/modules/order"
done

# 4. cpio newc + gzip, with the host's cpio or else the package's busybox
# (a static binary that runs here too).
if command -v cpio >/dev/null 2>&1; then
	cpio_cmd=(cpio --quiet -o -H newc)
else
	cpio_cmd=("$root/bin/busybox" cpio -o -H newc)
fi
(cd "$ird" && find . | LC_ALL=C sort | "${cpio_cmd[@]}") | gzip -9 >"$tmp/initrd.gz" ||
	die "making the initramfs (cpio | gzip) failed"

# 5. Into place: build/linux-guest is replaced whole.
mkdir -p "$tmp/out"
mv "$tmp/debs" "$tmp/out/debs"
cp "$vmlinuz" "$tmp/out/vmlinuz"
mv "$tmp/initrd.gz" "$tmp/out/initrd.gz"
{
	echo "kernel: $kpkg $kver ($krel)"
	echo "busybox: busybox-static $bver"
	echo "modules: $(tr '\n' ' ' <"$ird/lib/modules/order")"
	echo "initrd: $(stat -c %s "$tmp/out/initrd.gz") bytes"
} >"$tmp/out/info"
echo "$stamp" >"$tmp/out/stamp"
rm -rf "$out.old"
[ ! -e "$out" ] || mv "$out" "$out.old"
mv "$tmp/out" "$out" || die "cannot move the guest into $out"
rm -rf "$out.old"
sed 's/^/linux-guest: /' "$out/info"
