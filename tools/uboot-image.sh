#!/bin/bash
# The boot disk of the U-Boot boot (qemu-run.sh --uboot): a raw image with
# an MBR partition table and one FAT16 partition holding
#   /Image                     the kernel (Linux arm64 Image)
#   /extlinux/extlinux.conf    LABEL swaplab / KERNEL /Image / APPEND CMDLINE
# U-Boot's distro boot (bootcmd=run distro_bootcmd) finds it on virtio0,
# "sysboot"s the extlinux.conf and starts the Image with booti. There is no
# FDT or FDTDIR line: U-Boot's PXE code then passes ${fdt_addr} (0x40000000,
# where QEMU put its own device tree, the one U-Boot itself runs on), and
# booti copies it and writes the APPEND line into /chosen/bootargs.
# Made without root: the MBR with printf, the file system with mtools
# (mformat, mmd, mcopy at the partition's offset).
#   uboot-image.sh IMAGE-FILE OUTPUT CMDLINE...
set -eu
[ $# -ge 2 ] || { echo "usage: uboot-image.sh IMAGE-FILE OUTPUT [CMDLINE...]" >&2; exit 2; }
kernel=$1 out=$2
shift 2
cmdline="$*"
[ -f "$kernel" ] || { echo "uboot-image: no kernel Image '$kernel'" >&2; exit 2; }
for t in mformat mmd mcopy; do
	command -v $t >/dev/null || { echo "uboot-image: $t missing (Debian package mtools; tools/deps.sh installs it)" >&2; exit 2; }
done
# U-Boot's extlinux parser takes the APPEND line as it is: one line, no quotes needed.
case "$cmdline" in *$'\n'*) echo "uboot-image: the command line must be one line" >&2; exit 2 ;; esac

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
rm -f "$tmp"
# 32 MiB: the partition starts at 1 MiB (sector 2048) and fills the rest.
sectors=$((32 * 2048)) start=2048
part=$((sectors - start))
truncate -s $((sectors * 512)) "$tmp"
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }
# Partition entry 1 at 446: bootable, CHS unused (fe ff ff), type 0x0e
# (FAT16, LBA), first sector, number of sectors; then the 55 aa signature.
{
	printf '\x80\xfe\xff\xff\x0e\xfe\xff\xff'
	le32 $start
	le32 $part
} | dd of="$tmp" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$tmp" bs=1 seek=510 conv=notrunc status=none
fs="$tmp@@$((start * 512))"
# -T total sectors, -h/-s a geometry mtools accepts for any size, -H the
# hidden sectors before the partition (the BPB says where it starts).
MTOOLS_SKIP_CHECK=1 mformat -i "$fs" -T $part -h 64 -s 32 -H $start -v SWAPLAB ::
MTOOLS_SKIP_CHECK=1 mmd -i "$fs" ::/extlinux
MTOOLS_SKIP_CHECK=1 mcopy -i "$fs" "$kernel" ::/Image
conf=$(mktemp /tmp/swaplab-extlinux.XXXXXX)
printf 'DEFAULT swaplab\nTIMEOUT 0\nLABEL swaplab\n\tKERNEL /Image\n\tAPPEND %s\n' "$cmdline" > "$conf"
MTOOLS_SKIP_CHECK=1 mcopy -i "$fs" "$conf" ::/extlinux/extlinux.conf
rm -f "$conf"
mv "$tmp" "$out"
