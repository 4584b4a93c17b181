#!/bin/bash
# Boot swaplab in QEMU and return its verdict.
#   qemu-run.sh [--debug] [--iso ISO | --kernel ELF [--initrd FILE]] [--timeout S] [--uefi]
#               [--uboot]
#               [--disk-cache MODE] [--disk IMG] [--disk-blkdebug CONF IMG]
#               [--disk-props PROPS] -- CMDLINE...
# --disk attaches a raw image as a virtio-blk PCI disk (vda, vdb, ... in
# order); --disk-blkdebug does the same through QEMU's blkdebug driver with
# the error-injection rules in CONF; --disk-props adds device properties
# (e.g. disable-legacy=on, event_idx=off) to the disks that follow;
# --disk-cache sets QEMU's cache mode of the disks that follow (default
# writeback; the swap benchmark uses unsafe, as its Linux reference did).
# --initrd loads FILE as the initial RAM disk of a Linux --kernel (the
# Debian guest of make compare-linux, tools/linux-guest.sh): the same QEMU
# settings boot it, and its /init reports through isa-debug-exit as swaplab.
# Environment: ARCH SMP MEM MACHINE ACCEL CPU (TCG's -cpu, default max) QEMU_EXTRA.
# ARCH=arm64: qemu-system-aarch64 -machine virt; GIC (2 or 3, default 3),
# EL2=1 (virtualization=on: the kernel enters at EL2 and drops to EL1),
# SEMIHOSTING (default 1: -semihosting and semihosting=1 on the command
# line, so the kernel's exit status is QEMU's; 0: PSCI SYSTEM_OFF, and the
# status is read from the console's "swaplab: exit status N" line).
# Disks are virtio-mmio (virtio-blk-device), legacy (version 1, QEMU's
# default) unless VIRTIO_MMIO=modern (version 2: -global
# virtio-mmio.force-legacy=false). Without --kernel, QEMU_EXTRA loads the
# guest (-device loader). A kernel that cannot power off ends with a
# "swaplab: halted" line: QEMU is stopped.
# --uboot (arm64): boot the --kernel Image through U-Boot instead of QEMU's
# -kernel: -bios UBOOT_BIN (default Debian's u-boot-qemu,
# /usr/lib/u-boot/qemu_arm64/u-boot.bin), a FAT boot disk made by
# tools/uboot-image.sh (the Image and extlinux/extlinux.conf whose APPEND
# line is the command line) on an AHCI controller, U-Boot's scsi0, where
# its own distro boot finds it and starts the Image with booti. The kernel
# does not see that disk (no PCI on arm64 yet); it is removed afterwards.
# U-Boot that stops at its prompt (nothing to boot) exits 2.
# ARCH=arm64 MACHINE=raspi3b: QEMU's Raspberry Pi 3 Model B instead (4
# Cortex-A53s, 1 GiB: SMP must be 4, MEM is ignored), with the
# device tree tools/rpi-dtb.sh takes from Debian's arm64 kernel package
# (-dtb build/rpi/bcm2837-rpi-3-b.dtb; fetched on first use), the Image at
# 0x200000 (QEMU's Linux boot protocol), the console on the PL011
# (-serial stdio). It has no virtio: --disk is ignored, and swap is a RAM
# device: when the command line names none (no ramswap.size= or swap=),
# RPI_SWAP (default "mem=512M ramswap.size=320M swap=ramswap0
# swap.format=1") is added; and spinlock=tas unless the line sets
# spinlock=: QEMU's vCPUs are host threads the host preempts, which a fair
# (ticket) lock turns into convoys, and the board's tree cannot say it is
# emulated as QEMU virt's does ("linux,dummy-virt" makes spinlock=auto
# choose test-and-set there).
# Exit status: 0 when the kernel powered off with success, 1 on a test
# failure or panic, 2 on a boot-time configuration error, 124 on timeout.
set -u
ARCH=${ARCH:-x86_64}
SMP=${SMP:-4}
MEM=${MEM:-512M}
MACHINE=${MACHINE:-q35}
ACCEL=${ACCEL:-}
TIMEOUT=${TIMEOUT:-300}
kernel="" initrd="" iso="" debug=0 uefi=0 uboot=0 disk_props="" ndisks=0 disk_cache=writeback
disk_args=()
disk_dev=virtio-blk-pci
[ "$ARCH" = arm64 ] && disk_dev=virtio-blk-device
add_disk() { # add_disk DRIVE-OPTIONS
	local id=vd$ndisks
	disk_args+=(-drive "if=none,id=$id,format=raw,cache=$disk_cache,$1"
		-device "$disk_dev,drive=$id${disk_props:+,$disk_props}")
	ndisks=$((ndisks + 1))
}
while [ $# -gt 0 ]; do
	case "$1" in
	--disk) [ -e "$2" ] || { echo "qemu-run: no disk image '$2'" >&2; exit 2; }
		add_disk "file=$2"; shift 2 ;;
	--disk-blkdebug) [ -e "$3" ] || { echo "qemu-run: no disk image '$3'" >&2; exit 2; }
		add_disk "file.driver=blkdebug,file.config=$2,file.image.filename=$3"; shift 3 ;;
	--disk-props) disk_props=$2; shift 2 ;;
	--disk-cache) disk_cache=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initrd) [ -e "$2" ] || { echo "qemu-run: no initrd '$2'" >&2; exit 2; }
		initrd=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--debug) debug=1; shift ;;
	--uefi) uefi=1; shift ;;
	--uboot) uboot=1; shift ;;
	--) shift; break ;;
	*) echo "qemu-run: unknown option $1" >&2; exit 2 ;;
	esac
done
cmdline="$*"

# KVM only with real hardware virtualization: /dev/kvm may be a software
# hypervisor (kvm_pvm) that is far slower than TCG for this kernel.
if [ -z "$ACCEL" ]; then
	ACCEL=tcg
	if [ "$ARCH" = x86_64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
		grep -qwE 'vmx|svm' /proc/cpuinfo; then
		ACCEL=kvm
	fi
fi
case "$ACCEL" in
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel tcg -cpu "${CPU:-max}") ;;
*) echo "qemu-run: ACCEL must be kvm or tcg, not '$ACCEL'" >&2; exit 2 ;;
esac

SEMIHOSTING=${SEMIHOSTING:-1}
if [ "$ARCH" = arm64 ]; then
	[ -n "$iso" ] && { echo "qemu-run: no ISO boot on arm64" >&2; exit 2; }
	command -v qemu-system-aarch64 >/dev/null ||
		{ echo "qemu-run: qemu-system-aarch64 missing (Debian package qemu-system-arm; tools/deps.sh installs it with ARCH=arm64)" >&2; exit 2; }
	if [ "$MACHINE" = raspi3b ]; then
		# The board fixes the CPUs and the RAM; -cpu too (Cortex-A53).
		[ "$SMP" = 4 ] || { echo "qemu-run: raspi3b has 4 CPUs (SMP=$SMP)" >&2; exit 2; }
		[ "$MEM" = 1G ] || echo "qemu-run: raspi3b: -m 1G, the board's RAM (MEM=$MEM not used; mem= on the command line limits the kernel)" >&2
		MEM=1G
		if [ $ndisks -gt 0 ]; then
			echo "qemu-run: raspi3b has no virtio: the $ndisks --disk image(s) are not attached (swap on ramswap0)" >&2
			disk_args=() ndisks=0
		fi
		dtb=build/rpi/bcm2837-rpi-3-b.dtb
		tools/rpi-dtb.sh || exit 2
		case " $cmdline " in
		*" ramswap.size="*|*" swap="*) ;;
		*) cmdline="${cmdline:+$cmdline }${RPI_SWAP:-mem=512M ramswap.size=320M swap=ramswap0 swap.format=1}" ;;
		esac
		case " $cmdline " in
		*" spinlock="*) ;;
		*) cmdline="$cmdline spinlock=tas" ;;
		esac
		accel_args=(-accel tcg)
		args=(qemu-system-aarch64 -machine raspi3b "${accel_args[@]}" -m "$MEM" -smp "$SMP"
			-dtb "$dtb" -nodefaults -no-reboot -display none -serial stdio)
	else
		MACHINE="virt,gic-version=${GIC:-3}"
		[ "${EL2:-0}" = 1 ] && MACHINE="$MACHINE,virtualization=on"
		args=(qemu-system-aarch64 -machine "$MACHINE" "${accel_args[@]}" -m "$MEM" -smp "$SMP"
			-nodefaults -no-reboot -display none -serial stdio)
		case ${VIRTIO_MMIO:-legacy} in
		legacy) ;;
		modern) args+=(-global virtio-mmio.force-legacy=false) ;;
		*) echo "qemu-run: VIRTIO_MMIO must be legacy or modern, not '$VIRTIO_MMIO'" >&2; exit 2 ;;
		esac
	fi
	if [ "$SEMIHOSTING" = 1 ]; then
		args+=(-semihosting)
		cmdline="${cmdline:+$cmdline }semihosting=1"
	fi
else
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "qemu-run: qemu-system-x86_64 missing (Debian package qemu-system-x86; tools/deps.sh installs it)" >&2; exit 2; }
	args=(qemu-system-x86_64 -machine "$MACHINE" "${accel_args[@]}" -m "$MEM" -smp "$SMP"
		-nodefaults -no-reboot -display none -serial stdio
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
fi
if [ $uboot = 1 ]; then
	[ "$ARCH" = arm64 ] || { echo "qemu-run: --uboot is an arm64 boot (ARCH=arm64)" >&2; exit 2; }
	[ -n "$kernel" ] && [ -z "$initrd" ] ||
		{ echo "qemu-run: --uboot needs --kernel IMAGE (and no --initrd)" >&2; exit 2; }
	UBOOT_BIN=${UBOOT_BIN:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
	[ -r "$UBOOT_BIN" ] ||
		{ echo "qemu-run: no U-Boot at $UBOOT_BIN (Debian package u-boot-qemu; tools/deps.sh installs it with ARCH=arm64)" >&2; exit 2; }
	tools=$(dirname "$0")
	mkdir -p "$tools/../build/uboot"
	bootdisk=$(mktemp "$tools/../build/uboot/boot.XXXXXX")
	trap 'rm -f "$bootdisk" "$bootdisk.tmp"' EXIT
	"$tools/uboot-image.sh" "$kernel" "$bootdisk" "$cmdline" || exit 2
	# The boot disk on an AHCI controller (PCI): U-Boot's distro boot
	# scans scsi0 before virtio0, and the kernel, with no PCI on arm64
	# (and no AHCI driver), never sees it, so its virtio disks stay as
	# they are (vda is the first --disk).
	args+=(-drive "if=none,id=uboot,format=raw,file=$bootdisk"
		-device ich9-ahci,id=ahci -device ide-hd,bus=ahci.0,drive=uboot)
	args+=(-bios "$UBOOT_BIN")
	via_uboot=" via U-Boot ($UBOOT_BIN)"
elif [ -n "$iso" ]; then
	args+=(-cdrom "$iso")
	if [ $uefi = 1 ]; then
		vars=$(mktemp /tmp/swaplab-ovmf-vars.XXXXXX)
		cp /usr/share/OVMF/OVMF_VARS.fd "$vars"
		args+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd
			-drive if=pflash,format=raw,file="$vars")
	fi
elif [ -z "$kernel" ] && [ "$ARCH" = arm64 ]; then
	# No --kernel: QEMU_EXTRA loads the guest itself (-device loader, as
	# tests/boot/bad-input.t does to hand the kernel a DTB of its own), and
	# the command line is that DTB's bootargs.
	:
else
	args+=(-kernel "$kernel" ${initrd:+-initrd "$initrd"} -append "$cmdline")
fi
if [ "$ARCH" = arm64 ] && [ $ndisks -gt 1 ]; then
	# QEMU virt gives the first virtio-blk-device the highest virtio-mmio
	# transport, and the kernel (like U-Boot and Linux) numbers them from
	# the lowest address: plug the disks last to first so that the first
	# --disk is vda, as on x86-64 (make test's stress boots swap on vda
	# and swap vdb off and on).
	rev=()
	for ((i = ${#disk_args[@]} - 4; i >= 0; i -= 4)); do
		rev+=("${disk_args[@]:i:4}")
	done
	disk_args=("${rev[@]}")
fi
args+=("${disk_args[@]}")
# shellcheck disable=SC2206
args+=(${QEMU_EXTRA:-})

echo "qemu-run: $ARCH $MACHINE smp=$SMP${via_uboot:-} mem=$MEM accel=$ACCEL cpu=${accel_args[3]:-board}${initrd:+ initrd=$initrd}${cmdline:+ cmdline='$cmdline'}" >&2
if [ $ndisks -gt 0 ]; then
	echo "qemu-run: disks: ${disk_args[*]}" >&2
fi
if [ $debug = 1 ]; then
	echo "qemu-run: halted with a gdb stub on :1234. In another terminal:" >&2
	if [ "$ARCH" = arm64 ]; then
		# The ELF's symbols, whichever file QEMU booted (the Image has none).
		echo "    gdb-multiarch -ex 'target remote :1234' -ex 'symbol-file build/arm64/swaplab.elf' -ex 'hbreak start_kernel' -ex continue" >&2
	else
		echo "    gdb -ex 'target remote :1234' -ex 'symbol-file ${kernel:-build/$ARCH/swaplab.elf}' -ex 'hbreak start_kernel' -ex continue" >&2
	fi
	# (Not exec with --uboot: the EXIT trap removes its boot disk.)
	[ $uboot = 1 ] && { "${args[@]}" -s -S; exit $?; }
	exec "${args[@]}" -s -S
fi

start=$(date +%s%N)
if [ "$ARCH" = arm64 ]; then
	# The console is kept: its last "swaplab: exit status N" line is the
	# verdict when nothing else carries it (PSCI SYSTEM_OFF exits 0).
	# A kernel that cannot power off (no PSCI) says "swaplab: halted"
	# last: QEMU is stopped then, not left to the timeout.
	console=$(mktemp /tmp/swaplab-console.XXXXXX)
	watcher=
	if [ $uboot = 1 ]; then
		# U-Boot that finds nothing to boot ends at its "=>" prompt and
		# waits for a key: stop QEMU there (by its pid file) and say why,
		# a configuration error rather than a hang.
		args+=(-pidfile "$console.pid")
		(
			while sleep 1; do
				if grep -aqE '^=> |EXTLINUX FAILED|SCRIPT FAILED|Bad Linux ARM64 Image magic' "$console"; then
					: > "$console.uboot-failed"
					[ -s "$console.pid" ] && kill "$(cat "$console.pid")"
					exit 0
				fi
				grep -aq 'Starting kernel' "$console" && exit 0
			done
		) &
		watcher=$!
	fi
	{ echo "$BASHPID" >"$console.tpid"; exec timeout --foreground -k 5 "$TIMEOUT" "${args[@]}"; } |
		while IFS= read -r line || [ -n "$line" ]; do
			printf '%s\n' "$line"
			printf '%s\n' "$line" >>"$console"
			case $line in
			"swaplab: halted"*) kill "$(cat "$console.tpid")" 2>/dev/null ;;
			esac
		done
	rc=${PIPESTATUS[0]}
	[ -n "$watcher" ] && { kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null; }
	status=$(tr -d '\r' < "$console" | sed -n 's/^swaplab: exit status \([0-9]*\)$/\1/p' | tail -n 1)
	if { [ "$rc" = 143 ] || [ "$rc" = 0 ]; } && grep -q '^swaplab: halted' "$console"; then
		echo "qemu-run: the kernel halted without powering off; QEMU stopped" >&2
		rc=0
	fi
	uboot_failed=0
	[ -e "$console.uboot-failed" ] && uboot_failed=1
	rm -f "$console" "$console.pid" "$console.tpid" "$console.uboot-failed"
	if [ $uboot_failed = 1 ]; then
		echo "qemu-run: U-Boot did not start the kernel (no bootable virtio0, or booti refused the Image): stopped at its prompt" >&2
		exit 2
	fi
else
	timeout --foreground -k 5 "$TIMEOUT" "${args[@]}"
	rc=$?
fi
end=$(date +%s%N)
wall_ms=$(( (end - start) / 1000000 ))
echo "qemu-run: QEMU start to power-off: $((wall_ms / 1000)).$(printf %03d $((wall_ms % 1000))) s wall ($MACHINE smp=$SMP accel=$ACCEL)" >&2
if [ "$ARCH" = arm64 ] && [ $rc != 124 ] && [ $rc != 137 ]; then
	# Semihosting SYS_EXIT: QEMU's exit code is the status. Either way the
	# console line must agree, or the kernel never gave its verdict (QEMU
	# also exits 0 when the guest resets or dies quietly).
	if [ -z "$status" ]; then
		echo "qemu-run: QEMU exited (status $rc) without the kernel's verdict (no exit status line)" >&2
		exit 1
	fi
	# QEMU exits 0 after PSCI SYSTEM_OFF: also with semihosting, when the
	# kernel stopped before it read semihosting=1 (a bad command line).
	if [ "$rc" != 0 ] && [ "$rc" != "$status" ]; then
		echo "qemu-run: QEMU exited $rc but the kernel said status $status" >&2
		exit 1
	fi
	case $status in 0|1|2) exit "$status" ;; *) exit 1 ;; esac
fi
case $rc in
1) exit 0 ;;            # isa-debug-exit status 0: success
3) exit 1 ;;            # status 1: a test failed or the kernel panicked
5) exit 2 ;;            # status 2: bad boot input or command line
124|137) echo "qemu-run: guest did not power off within ${TIMEOUT}s: killed (hang)" >&2
	# Not "Bail out!": that would stop every later test file of a prove run.
	echo "not ok - guest hung: killed after ${TIMEOUT}s"; exit 124 ;;
0) echo "qemu-run: QEMU exited without the kernel's verdict (no isa-debug-exit write)" >&2; exit 1 ;;
*) echo "qemu-run: QEMU failed (exit $rc)" >&2; exit 1 ;;
esac
