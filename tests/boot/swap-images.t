#!/bin/bash
# Swap images checked at boot: each bad image is refused with its own
# message and is bit-for-bit unchanged afterwards (sha256 before and
# after); a good one is accepted; swap.format=1 formats an unsigned one;
# a missing or too small device is reported. Images are made here with
# util-linux mkswap.
cd "$(dirname "$0")/../.." || exit 1
kernel=build/${ARCH:-x86_64}/swaplab.elf
d=build/swap-images
mkswap=$(command -v mkswap || echo /usr/sbin/mkswap)
rm -rf "$d"
mkdir -p "$d"
n=0 failed=0

mkimg() { # mkimg FILE SIZE [mkswap]
	truncate -s "$2" "$1" && chmod 600 "$1"
	[ "${3:-}" = mkswap ] && "$mkswap" -L t "$1" >/dev/null 2>&1
	return 0
}

# boot IMAGE EXPECTED-REGEX UNCHANGED(1/0) DESCRIPTION CMDLINE...
boot() {
	local img=$1 regex=$2 unchanged=$3 desc=$4
	shift 4
	n=$((n + 1))
	local before after out rc
	before=$(sha256sum < "$img")
	out=$(SMP=1 MACHINE=q35 TIMEOUT=60 tools/qemu-run.sh --kernel "$kernel" --disk "$img" \
		-- 'ktest=smoke.*' "$@" 2>&1)
	rc=$?
	out=${out//$'\r'/}
	after=$(sha256sum < "$img")
	local why=""
	[ $rc = 0 ] || why="exit status $rc"
	grep -qE "$regex" <<<"$out" || why="${why:+$why, }no /$regex/ on the console"
	if [ "$unchanged" = 1 ] && [ "$before" != "$after" ]; then
		why="${why:+$why, }image changed (sha256 ${before%% *} -> ${after%% *})"
	fi
	if [ -z "$why" ]; then
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc: $why"
		grep -aE 'swap|blockdev|virtio' <<<"$out" | sed 's/^/# /' | tail -8
	fi
}

echo "TAP version 13"
echo "1..8"
mkimg "$d/nosig.img" 64M
printf 'not a swap area' | dd of="$d/nosig.img" bs=1 seek=4000 conv=notrunc status=none
boot "$d/nosig.img" "swap: vda: refused: no swap signature: the last 10 bytes of page 0 are not SWAPSPACE2" 1 \
	"no signature: refused, image unchanged"

mkimg "$d/truncated.img" 128M mkswap
truncate -s 64M "$d/truncated.img"
boot "$d/truncated.img" "swap: vda: refused: truncated swap area: the header says last_page 32767 \(32768 pages\) but the device has only 16384 pages" 1 \
	"truncated (last_page past the device): refused, image unchanged"

mkimg "$d/version.img" 64M mkswap
printf '\002\000\000\000' | dd of="$d/version.img" bs=1 seek=1024 conv=notrunc status=none
boot "$d/version.img" "swap: vda: refused: wrong swap header version 2 \(expected 1\)" 1 \
	"wrong version: refused, image unchanged"

mkimg "$d/good.img" 64M mkswap
uuid=$(blkid -p -o value -s UUID "$d/good.img" 2>/dev/null)
boot "$d/good.img" "swap: vda: swap area v1, 16384 pages \(16383 usable, 0 bad\), uuid ${uuid:-[0-9a-f-]+}, label 't'" 1 \
	"mkswap image accepted with its uuid and label, not written"

mkimg "$d/format.img" 64M
boot "$d/format.img" "swap: vda: formatted \(swap.format=1\)" 0 \
	"swap.format=1 formats an unsigned image" swap.format=1
n=$((n + 1))
if [ "$(blkid -p -o value -s TYPE "$d/format.img" 2>/dev/null)" = swap ] &&
	[ "$(dd if="$d/format.img" bs=1 skip=4086 count=10 status=none)" = SWAPSPACE2 ]; then
	echo "ok $n - the formatted image is a swap area for blkid (SWAPSPACE2 at 4086)"
else
	failed=$((failed + 1))
	echo "not ok $n - the formatted image is not recognised as swap"
fi

mkimg "$d/tiny.img" 4K
boot "$d/tiny.img" "swap: vda: unusable: 4096 bytes is too small for a swap area" 1 \
	"a device of one page is reported unusable"

boot "$d/good.img" "swap: no block device 'vdb' \(swap=vdb\); running without swap" 1 \
	"a missing device is reported" swap=vdb
exit $((failed > 0))
