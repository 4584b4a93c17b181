#!/bin/bash
# Bad device trees for tests/boot/bad-input.t (arm64), made at test time
# from QEMU virt's own: dumped (-machine virt,dumpdtb=, 2 CPUs, GICv3),
# decompiled with dtc, edited, recompiled. Writes into DIR:
#   good.dtb     the tree as QEMU made it, plus bootargs
#   nomem.dtb    no /memory node
#   gic9.dtb     the GIC's compatible is "arm,gic-v9-unknown"
#   nopsci.dtb   no /psci node (no CPU_ON, no SYSTEM_OFF)
#   spintable.dtb  cpu@1 started by spin table (release word at 0x44100000):
#                QEMU's CPU 1 is powered off and never reads it
#   badmagic.dtb good.dtb with its magic's last byte changed
#   trunc.dtb    good.dtb with totalsize halved (the blocks run past it)
# and stub-ADDR.bin: a 32-byte loader that jumps to the Image at 0x44200000
# with x0 = ADDR (ldr x0, =ADDR; ldr x1, =0x44200000; br x1), for the
# ADDRs given after DIR; an ADDR@IMAGE gives stub-ADDR@IMAGE.bin, which
# jumps to an Image loaded at IMAGE instead.
#
# Why a loader of our own: with -kernel, QEMU fixes up any -dtb it is given
# (its own /memory, /psci and bootargs) and refuses a blob libfdt cannot
# open, so a kernel booted by QEMU never sees a bad tree. Instead
# bad-input.t loads the stub, the Image and the tree with -device loader
# (no -kernel) and starts the CPU in the stub.
#   arm64-dtbs.sh DIR BOOTARGS [STUB-ADDR...]
set -eu
dir=$1 bootargs=$2
shift 2
mkdir -p "$dir"
cd "$dir"

qemu-system-aarch64 -machine virt,gic-version=3,dumpdtb=virt.dtb -cpu max -m 512M -smp 2 \
	-nodefaults -display none >/dev/null 2>&1
dtc -q -I dtb -O dts -o virt.dts virt.dtb
# QEMU's tree has a /chosen node (stdout-path): give it our bootargs.
sed "s|^\tchosen {\$|&\n\t\tbootargs = \"$bootargs\";|" virt.dts >good.dts
grep -q bootargs good.dts

variant() { # variant NAME SED-SCRIPT: good.dts edited, must differ
	sed "$2" good.dts >"$1.dts"
	! cmp -s good.dts "$1.dts" || { echo "arm64-dtbs: '$2' changed nothing" >&2; exit 1; }
	dtc -q -I dts -O dtb -o "$1.dtb" "$1.dts"
}
dtc -q -I dts -O dtb -o good.dtb good.dts
variant nomem '/^\tmemory@/,/^\t};/d'
variant gic9 's/compatible = "arm,gic-v3";/compatible = "arm,gic-v9-unknown";/'
variant nopsci '/^\tpsci {/,/^\t};/d'
variant spintable '/^\t\tcpu@1 {/,/^\t\t};/s/enable-method = "psci";/enable-method = "spin-table";\n\t\t\tcpu-release-addr = <0x00 0x44100000>;/'

# Binary edits of good.dtb: dtc writes totalsize = the file's size.
bytes() { # bytes B0 B1 ...: those bytes, raw
	local b
	for b in "$@"; do printf "$(printf '\\x%02x' $((b & 255)))"; done
}
le32() { bytes $(($1)) $(($1 >> 8)) $(($1 >> 16)) $(($1 >> 24)); }
be32() { bytes $(($1 >> 24)) $(($1 >> 16)) $(($1 >> 8)) $(($1)); }
cp good.dtb badmagic.dtb
printf '\xee' | dd of=badmagic.dtb bs=1 seek=3 conv=notrunc status=none
cp good.dtb trunc.dtb
be32 $(($(stat -c %s good.dtb) / 2)) | dd of=trunc.dtb bs=1 seek=4 conv=notrunc status=none

for stub in "$@"; do
	addr=${stub%@*} image=0x44200000
	[ "$addr" = "$stub" ] || image=${stub#*@}
	{
		le32 0x58000080 # ldr x0, [pc, #16]
		le32 0x580000a1 # ldr x1, [pc, #20]
		le32 0xd61f0020 # br x1
		le32 0xd503201f # nop
		le32 $((addr & 0xffffffff)); le32 $((addr >> 32))
		le32 $((image & 0xffffffff)); le32 $((image >> 32))
	} >"stub-$stub.bin"
done
