#!/bin/bash
# make matrix: every test (ktest=*) across machines a user can boot: RAM
# from 48 MiB to 4 GiB, 1 to 8 CPUs, pc and q35, several 64-bit CPU
# models, with and without disks, and the GRUB ISO through BIOS and UEFI;
# plus a CPU without long mode, which must be refused with a message.
# A configuration passes when the kernel powers off with success and no
# test says "not ok" (a missing requirement is a "# SKIP" with a reason).
# ARCH=arm64: QEMU virt with 1, 2, 4 and 8 CPUs, GICv2 and GICv3,
# cortex-a57 and max, legacy and modern virtio-mmio, entry at EL1 and EL2,
# the PSCI power-off (no semihosting), and the U-Boot boot; then QEMU's
# raspi3b (4 CPUs by spin table, ramswap, the Debian DTB of
# tools/rpi-dtb.sh: skipped, with the reason, when it cannot be fetched):
# every test but the demo, the demo, and a CPU that comes late.
# Prints TAP; logs in build/matrix-logs/ARCH/. ONLY=N runs configuration N.
set -u
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
export ARCH
logs=build/matrix-logs/$ARCH
rm -rf "$logs"
mkdir -p "$logs"
disk=build/blk-test/matrix.img
tools/swap-image.sh "$disk" 256M swaplab-matrix || exit 1
case $ARCH in
x86_64)
kernel=build/$ARCH/swaplab.elf
iso=build/$ARCH/matrix.iso
tools/mkiso.sh "$kernel" "$iso" 'ktest=*' >/dev/null || exit 1

# name machine smp mem cpu qemu-run-args... -- cmdline...
# (on arm64, machine is the qemu-run environment: GIC=, EL2=, ...)
configs=(
	"q35-1cpu-48M-qemu64|q35|1|48M|qemu64|--kernel $kernel -- ktest=*"
	"pc-1cpu-64M-disk|pc|1|64M|qemu64|--kernel $kernel --disk $disk -- ktest=*"
	"q35-3cpu-96M-nehalem-disk|q35|3|96M|Nehalem|--kernel $kernel --disk $disk -- ktest=*"
	"q35-2cpu-128M-max|q35|2|128M|max|--kernel $kernel -- ktest=*"
	"pc-4cpu-256M-haswell|pc|4|256M|Haswell|--kernel $kernel -- ktest=*"
	"q35-4cpu-512M-max-disk|q35|4|512M|max|--kernel $kernel --disk $disk -- ktest=*"
	"q35-6cpu-768M-intx|q35|6|768M|max|--kernel $kernel --disk $disk -- ktest=* pci.msix=0"
	"q35-2cpu-1G-skylake-ramswap|q35|2|1G|Skylake-Client|--kernel $kernel --disk $disk -- ktest=* ramswap.size=64M"
	"pc-8cpu-2G-epyc-disk|pc|8|2G|EPYC|--kernel $kernel --disk $disk -- ktest=*"
	"q35-8cpu-4G-epyc|q35|8|4G|EPYC|--kernel $kernel -- ktest=*"
	"q35-5cpu-192M-ticket|q35|5|192M|qemu64|--kernel $kernel -- ktest=* spinlock=ticket"
	"iso-bios-pc-2cpu-256M|pc|2|256M|max|--iso $iso"
	"iso-uefi-q35-2cpu-512M|q35|2|512M|max|--uefi --iso $iso"
)
;;
arm64)
kernel=build/arm64/Image
configs=(
	"virt-gic3-1cpu-64M-max-disk|GIC=3|1|64M|max|--kernel $kernel --disk $disk -- ktest=*"
	"virt-gic2-1cpu-256M-a57|GIC=2|1|256M|cortex-a57|--kernel $kernel -- ktest=*"
	"virt-gic3-2cpu-512M-a57-modern-disk|GIC=3 VIRTIO_MMIO=modern|2|512M|cortex-a57|--kernel $kernel --disk $disk -- ktest=*"
	"virt-gic2-4cpu-1G-max-disk|GIC=2|4|1G|max|--kernel $kernel --disk $disk -- ktest=*"
	"virt-gic3-4cpu-2G-max-el2-ramswap|GIC=3 EL2=1|4|2G|max|--kernel $kernel -- ktest=* ramswap.size=64M"
	"virt-gic3-8cpu-1G-max-modern-disk|GIC=3 VIRTIO_MMIO=modern|8|1G|max|--kernel $kernel --disk $disk -- ktest=*"
	"virt-gic2-8cpu-768M-a57-el2|GIC=2 EL2=1|8|768M|cortex-a57|--kernel $kernel -- ktest=*"
	"virt-gic2-2cpu-256M-psci-off|GIC=2 SEMIHOSTING=0|2|256M|max|--kernel $kernel -- ktest=*"
	"uboot-gic3-2cpu-512M-max-disk|GIC=3|2|512M|max|--uboot --kernel $kernel --disk $disk -- ktest=*"
	"uboot-gic2-4cpu-1G-a57-el2|GIC=2 EL2=1|4|1G|cortex-a57|--uboot --kernel $kernel -- ktest=*"
	"raspi3b-4cpu-1G-ramswap|MACHINE=raspi3b TIMEOUT=1200|4|1G|cortex-a53|--kernel $kernel -- ktest=*,-demo.*"
	"raspi3b-4cpu-demo-mem512M-ramswap|MACHINE=raspi3b TIMEOUT=1200|4|1G|cortex-a53|--kernel $kernel -- ktest=demo.*"
	"raspi3b-late-spin-table-cpu|MACHINE=raspi3b|4|1G|cortex-a53|--kernel $kernel -- ktest=smp.*,arm64bcm.*,arm64psci.a_late_cpu_is_parked smp.late_cpu=2"
)
rpi_skip=""
# The device tree is fetched (once) only when a raspi3b boot will run.
rpi_first=$(( ${#configs[@]} - 2 ))
[ -n "${ONLY:-}" ] && [ "$ONLY" -lt "$rpi_first" ] 2>/dev/null ||
	tools/rpi-dtb.sh >"$logs/rpi-dtb.log" 2>&1 ||
	rpi_skip="no Raspberry Pi device tree: tools/rpi-dtb.sh failed (no network? see $logs/rpi-dtb.log)"
;;
*) echo "matrix: ARCH must be x86_64 or arm64 (got '$ARCH')" >&2; exit 2 ;;
esac

set -f # ktest=* is an argument, not a file pattern
n=${#configs[@]}
# x86-64 adds one refused configuration (a CPU without long mode).
total=$n
[ "$ARCH" = x86_64 ] && total=$((n + 1))
echo "TAP version 13"
echo "1..$total"
failed=0 i=0
for c in "${configs[@]}"; do
	i=$((i + 1))
	[ -n "${ONLY:-}" ] && [ "$ONLY" != $i ] && { echo "ok $i # SKIP ONLY=$ONLY"; continue; }
	IFS='|' read -r name machine smp mem cpu args <<<"$c"
	if [[ $name = raspi3b-* ]] && [ -n "${rpi_skip:-}" ]; then
		echo "ok $i - $name # SKIP $rpi_skip"
		continue
	fi
	log=$logs/$name.log
	start=$(date +%s)
	envs=(MACHINE="$machine")
	# arm64: the field holds qemu-run's settings, VAR=VALUE words.
	# shellcheck disable=SC2206
	[ "$ARCH" = arm64 ] && envs=($machine)
	# shellcheck disable=SC2086
	env TIMEOUT=900 "${envs[@]}" SMP=$smp MEM=$mem CPU=$cpu tools/qemu-run.sh $args \
		>"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	bad=$(grep -ac 'not ok' "$log")
	skips=$(grep -ac '# SKIP' "$log")
	oks=$(grep -acE '^ +ok ' "$log")
	if [ $rc = 0 ] && [ "$bad" = 0 ]; then
		echo "ok $i - $name: $oks ok, $skips skipped ($secs s)"
	else
		failed=$((failed + 1))
		echo "not ok $i - $name: exit $rc, $bad not ok ($secs s); log $log"
		grep -aE 'not ok|# FAIL|PANIC|hung: |guest hung' "$log" | head -10 | sed 's/^/#   /'
	fi
done
if [ "$ARCH" = x86_64 ]; then
	i=$((i + 1))
	if [ -n "${ONLY:-}" ] && [ "$ONLY" != $i ]; then
		echo "ok $i # SKIP ONLY=$ONLY"
	else
		out=$(MACHINE=pc SMP=1 MEM=128M CPU=qemu32 TIMEOUT=60 tools/qemu-run.sh --kernel "$kernel" \
			-- 'ktest=*' 2>&1)
		rc=$?
		if [ $rc = 2 ] && grep -q 'no long mode' <<<"$out"; then
			echo "ok $i - qemu32 (no long mode): refused with a message"
		else
			failed=$((failed + 1))
			echo "not ok $i - qemu32 (no long mode): exit $rc, wanted 2 and 'no long mode'"
		fi
	fi
fi
echo "# matrix ($ARCH): $((total - failed)) of $total configurations passed; logs in $logs/"
[ $failed = 0 ]
