#!/bin/bash
# make matrix: every test (ktest=*) across machines a user can boot: RAM
# from 48 MiB to 4 GiB, 1 to 8 CPUs, pc and q35, several 64-bit CPU
# models, with and without disks, and the GRUB ISO through BIOS and UEFI;
# plus a CPU without long mode, which must be refused with a message.
# A configuration passes when the kernel powers off with success and no
# test says "not ok" (a missing requirement is a "# SKIP" with a reason).
# Prints TAP; logs in build/matrix-logs/. ONLY=N runs configuration N.
set -u
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
kernel=build/$ARCH/swaplab.elf
logs=build/matrix-logs
rm -rf "$logs"
mkdir -p "$logs"
disk=build/blk-test/matrix.img
tools/swap-image.sh "$disk" 256M swaplab-matrix || exit 1
iso=build/$ARCH/matrix.iso
tools/mkiso.sh "$kernel" "$iso" 'ktest=*' >/dev/null || exit 1

# name machine smp mem cpu qemu-run-args... -- cmdline...
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

set -f # ktest=* is an argument, not a file pattern
n=${#configs[@]}
echo "TAP version 13"
echo "1..$((n + 1))"
failed=0 i=0
for c in "${configs[@]}"; do
	i=$((i + 1))
	[ -n "${ONLY:-}" ] && [ "$ONLY" != $i ] && { echo "ok $i # SKIP ONLY=$ONLY"; continue; }
	IFS='|' read -r name machine smp mem cpu args <<<"$c"
	log=$logs/$name.log
	start=$(date +%s)
	# shellcheck disable=SC2086
	MACHINE=$machine SMP=$smp MEM=$mem CPU=$cpu TIMEOUT=900 tools/qemu-run.sh $args \
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
i=$((i + 1))
out=$(MACHINE=pc SMP=1 MEM=128M CPU=qemu32 TIMEOUT=60 tools/qemu-run.sh --kernel "$kernel" \
	-- 'ktest=*' 2>&1)
rc=$?
if [ $rc = 2 ] && grep -q 'no long mode' <<<"$out"; then
	echo "ok $i - qemu32 (no long mode): refused with a message"
else
	failed=$((failed + 1))
	echo "not ok $i - qemu32 (no long mode): exit $rc, wanted 2 and 'no long mode'"
fi
echo "# matrix: $((n + 1 - failed)) of $((n + 1)) configurations passed; logs in $logs/"
[ $failed = 0 ]
