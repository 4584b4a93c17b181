# Shared by tools/bench.sh and tools/compare-linux.sh (sourced, not run):
# the swap benchmark's boots of swaplab and of the Debian Linux guest under
# the same QEMU settings, and the parsing of their "bench: swap" lines.
#
# The swap benchmark's QEMU settings (the README's "Linux reference"):
# machine pc, CPU qemu64 (under TCG), -m 256M -smp 2, a 1 GiB mkswap image
# as virtio-blk with cache=unsafe. MEM and SMP may be changed for a quick
# check or a CPU sweep; the rest stays.
# ARCH=arm64 (make bench ARCH=arm64): machine virt with GICv3, CPU max
# (hardware access/dirty flags), the same RAM, CPUs, image and cache mode,
# the image as virtio-blk-device on virtio-mmio (legacy, QEMU's default).
SWAPBENCH_MACHINE=pc
SWAPBENCH_CPU=qemu64
SWAPBENCH_CACHE=unsafe
SWAPBENCH_IMG_SIZE=1G
SWAPBENCH_KERNEL=build/x86_64/swaplab.elf
if [ "${ARCH:-x86_64}" = arm64 ]; then
	SWAPBENCH_MACHINE=virt,gic-version=3
	SWAPBENCH_CPU=max
	SWAPBENCH_KERNEL=build/arm64/Image
	export GIC=3
fi

# fresh_swap_img PATH: a new sparse 1 GiB image with a mkswap header, made
# under a temporary name and moved into place. Each boot of a comparison
# gets a fresh one, so neither starts on blocks the other already wrote.
fresh_swap_img() {
	local img=$1 mkswap
	mkswap=$(command -v mkswap || echo /sbin/mkswap)
	rm -f "$img" "$img.tmp"
	truncate -s $SWAPBENCH_IMG_SIZE "$img.tmp" && chmod 600 "$img.tmp" &&
		"$mkswap" -L swapbench "$img.tmp" >/dev/null 2>&1 && mv "$img.tmp" "$img" || {
		rm -f "$img.tmp"
		echo "bench: cannot make the swap image $img (mkswap from util-linux)" >&2
		return 1
	}
}

# qemu_settings SMP MEM: the settings line printed before the results
# (the accelerator chosen as tools/qemu-run.sh chooses it).
qemu_settings() {
	local accel=${ACCEL:-} cpu=$SWAPBENCH_CPU
	if [ -z "$accel" ]; then
		accel=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
			accel=kvm
		fi
	fi
	local qemu=qemu-system-x86_64 dev=virtio-blk-pci
	if [ "${ARCH:-x86_64}" = arm64 ]; then
		qemu=qemu-system-aarch64 dev="virtio-blk-device (virtio-mmio, legacy)" accel=tcg
	fi
	[ "$accel" = tcg ] || cpu=host
	echo "$qemu -machine $SWAPBENCH_MACHINE -accel $accel -cpu $cpu -m $2 -smp $1," \
		"a $SWAPBENCH_IMG_SIZE mkswap image as $dev with cache=$SWAPBENCH_CACHE" \
		"($($qemu --version | head -n 1))"
}

# boot_swaplab LOG SMP MEM IMG KERNEL-ARGS...: swaplab's swap benchmark
# boot, its whole output into LOG; returns qemu-run.sh's status (2: the
# kernel refused its command line).
boot_swaplab() {
	local log=$1 smp=$2 mem=$3 img=$4
	shift 4
	MACHINE=$SWAPBENCH_MACHINE SMP=$smp MEM=$mem CPU=$SWAPBENCH_CPU TIMEOUT=${TIMEOUT:-1800} \
		tools/qemu-run.sh --kernel "$SWAPBENCH_KERNEL" \
		--disk-cache $SWAPBENCH_CACHE ${img:+--disk "$img"} -- "$@" >"$log" 2>&1
}

# boot_linux LOG SMP MEM IMG MIB PAGE-CLUSTER THP: the Debian Linux guest
# (build/linux-guest, tools/linux-guest.sh) running the same benchmark.
boot_linux() {
	local log=$1 smp=$2 mem=$3 img=$4 mib=$5 pc=$6 thp=$7
	MACHINE=$SWAPBENCH_MACHINE SMP=$smp MEM=$mem CPU=$SWAPBENCH_CPU TIMEOUT=${TIMEOUT:-1800} \
		tools/qemu-run.sh --kernel build/linux-guest/vmlinuz --initrd build/linux-guest/initrd.gz \
		--disk-cache $SWAPBENCH_CACHE --disk "$img" -- console=ttyS0 quiet loglevel=3 panic=-1 \
		swapbench.mib="$mib" swapbench.page_cluster="$pc" swapbench.thp="$thp" >"$log" 2>&1
}

# refusal LOG: the reason a swaplab boot gave for refusing its command
# line (its ERROR lines, less the list of known keys).
refusal() {
	grep '^ERROR:' "$1" | grep -v -e 'known keys' -e '^ERROR: cmdline:   ' |
		grep -v 'powering off' | head -n 3 | sed 's/^ERROR: //'
}

# bench_rows LOG DEV ORDER: the three passes of one benchmark case, one line
# each (a pass's own line, "... N MiB in T ms: ..."; the overhead and
# readahead lines after it are left out): "PASS MIB/S MEAN P50 P99 PSWPOUT PSWPIN" (PASS: write, seq-read,
# random-read). Serial output of Linux ends lines with CR: stripped.
bench_rows() {
	tr -d '\r' <"$1" | sed -e 's/ seq read / seq-read /' -e 's/ random read / random-read /' |
		awk -v dev="$2" -v order="$3" '
		$1 == "bench:" && $2 == "swap" && $3 == dev && $4 == "order" && $5 == order && / MiB in / {
			print $6, $12, $17, $20, $23, $26, $28
		}'
}
