#!/bin/sh
# Install what swaplab needs from Debian 12's own packages, saying what and
# why. Runs as root (apt-get); does nothing when everything is present.
set -e
need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
want() { # want PACKAGE CHECK-COMMAND-OR-FILE (a file may be a glob)
	case "$2" in
	/*) ls $2 >/dev/null 2>&1 || need="$need $1" ;;
	*) have_cmd "$2" || need="$need $1" ;;
	esac
}
want gcc gcc
want make make
want binutils ld
want qemu-system-x86 qemu-system-x86_64
want qemu-utils qemu-img
want grub-common grub-file
want grub-pc-bin /usr/lib/grub/i386-pc/multiboot2.mod
want grub-efi-amd64-bin /usr/lib/grub/x86_64-efi/multiboot2.mod
want xorriso xorriso
want mtools mformat
want ovmf /usr/share/OVMF/OVMF_CODE.fd
want util-linux mkswap
want perl prove
# make fuzz: clang with libFuzzer's runtime (its path names clang's full version).
want clang clang
want libclang-rt-14-dev "/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a"
# make compare-linux builds its Linux guest's benchmark with gcc -static:
# glibc's static libraries.
want libc6-dev /usr/lib/x86_64-linux-gnu/libc.a
# arm64 (make ARCH=arm64 ..., and make test, which tests both): the cross
# compiler and binutils, the emulator, U-Boot for QEMU (the U-Boot boot:
# qemu-run.sh --uboot; mtools above makes its FAT disk), and gdb-multiarch
# for make debug ARCH=arm64. Not for ARCH=x86_64: an x86-64-only user does
# not need them.
case "${ARCH:-x86_64}" in
x86_64) ;;
arm64|all)
	want gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc
	want binutils-aarch64-linux-gnu aarch64-linux-gnu-objcopy
	want qemu-system-arm qemu-system-aarch64
	want u-boot-qemu /usr/lib/u-boot/qemu_arm64/u-boot.bin
	want gdb-multiarch gdb-multiarch
	# tests/boot/bad-input.t edits QEMU virt's own device tree into bad ones.
	want device-tree-compiler dtc
	;;
*) echo "deps: ARCH must be x86_64 or arm64, not '$ARCH'" >&2; exit 2 ;;
esac
# make bench PLOT=1 and make compare-linux PLOT=1: gnuplot draws the PNGs
# (installed only when plots are asked for).
[ "${PLOT:-0}" = 1 ] && want gnuplot-nox gnuplot
[ -z "$need" ] && exit 0
echo "deps: installing from Debian's packages:$need"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to run apt-get; run as root: apt-get install$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || apt-get update
apt-get install -y -qq --no-install-recommends $need >/dev/null || \
	apt-get install -y --no-install-recommends $need
echo "deps: done"
