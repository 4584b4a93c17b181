#!/bin/bash
# Bad input at boot must end in a clear message and a clean power-off with
# the right status, never a hang: each case boots the kernel and checks
# the exit status of tools/qemu-run.sh (2 = refused at boot, 1 = failed)
# and that the console says why. ARCH=x86_64 or ARCH=arm64 runs one
# architecture's cases; unset, both (arm64's when build/arm64/Image is
# built and qemu-system-aarch64 and dtc are installed, else skipped).
cd "$(dirname "$0")/../.." || exit 1
n=0 failed=0

# verdict DESCRIPTION EXPECTED-STATUS MESSAGE-REGEX STATUS OUTPUT [MAX-SECONDS SECONDS]
verdict() {
	local desc=$1 want=$2 regex=$3 rc=$4 out=${5//$'\r'/} max=${6:-} secs=${7:-0}
	n=$((n + 1))
	if [ "$rc" = "$want" ] && grep -qzP "$regex" <<<"$out" && { [ -z "$max" ] || [ "$secs" -le "$max" ]; }; then
		echo "ok $n - $desc (status $rc${max:+, ${secs} s})"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc: wanted status $want${max:+ within $max s} and /$regex/, got status $rc${max:+ after $secs s}"
		sed 's/^/# /' <<<"$out" | tail -15
	fi
}

check() { # check DESCRIPTION EXPECTED-STATUS MESSAGE-REGEX SMP CMDLINE... (x86-64)
	local desc=$1 want=$2 regex=$3 smp=$4
	shift 4
	out=$(ARCH=x86_64 SMP=$smp MACHINE=q35 TIMEOUT=60 tools/qemu-run.sh \
		--kernel build/x86_64/swaplab.elf -- "$@" 2>&1)
	verdict "$desc" "$want" "$regex" $? "$out"
}

want_arch() { [ -z "${ARCH:-}" ] || [ "$ARCH" = "$1" ]; }

echo "TAP version 13"
if want_arch x86_64; then
check "unknown command-line key is refused" 2 "unknown key 'nosuchkey'" 1 nosuchkey=1
check "out-of-range value is refused" 2 "loglevel=99: expected a number in 0..7" 1 loglevel=99
check "non-numeric value is refused" 2 "loglevel=abc: expected a number" 1 loglevel=abc
check "word without '=' is refused" 2 "'justaword' is not key=value" 1 ktest=smoke.* justaword
check "ktest= matching nothing fails the boot" 1 "no test matches 'no.such.test'" 1 ktest=no.such.test
MEM=3M check "too little RAM for the page array is refused" 2 "mm: only [0-9]+ pages left after the page array" 1
check "more CPUs than NR_CPUS_MAX are refused" 2 "swaplab supports at most NR_CPUS_MAX = 8" 9 ktest=smoke.*

# Failure reports: a panic, a fault and an invalid instruction each print
# the reason, registers and a symbolic backtrace, then power off failing.
check "panic prints registers and a symbolic backtrace" 1 "(?s)PANIC on cpu 0: debug.crash=panic.*rsp [0-9a-f]{16}.*debug_crash_now\+0x" 1 debug.crash=panic
check "kernel page fault reports address, error code and rip" 1 "(?s)page fault at address 0x10 \(read not-present\), error code 0x0, rip 0xffffffff8.*\\(debug_crash_now\\+0x.*cr2 0000000000000010" 1 debug.crash=fault
check "invalid opcode reports vector 6 and rip" 1 "trap: invalid opcode \(vector 6, error code 0x0\) at rip 0xffffffff8" 1 debug.crash=ud
check "a CPU stuck with interrupts off holding the console lock: the hung report gets out, shows it by NMI and fails the boot" 1 "(?s)hung: no task has run for.*nmi: cpu 0 was at debug_stuck_fn.*interrupts off.*hung: powering off \(failure\)" 2 debug.crash=stuck debug.hung=2
check "a spinlock left held by a task that ended: the lockup report names it and the CPU that took it, and panics" 1 "(?s)spinlock: lockup suspected on cpu 0: waited [0-9]+ ms.*next 1, owner 0, holder word 2 .*the lock is 'debug_lost_lock', taken on cpu 1 .*nmi: cpu 1 was at .*PANIC on cpu 0: spinlock lockup on 'debug_lost_lock'" 2 debug.crash=lockup debug.spin_lockup=2
check "failed assertion prints both values" 1 "assertion failed at kernel/debug_crash.c:[0-9]+: crash_kind == CRASH_NONE \(0x4 != 0x0\)" 1 debug.crash=assert
check "an mTHP order above 9 is refused" 2 "mthp=10: bad value" 1 mthp=10
check "a swap cluster size that is not a power of two is refused" 2 "swap.cluster_slots=100: must be a power of two from 64 to 4096" 1 swap.cluster_slots=100
check "an unknown swap table mode is refused" 2 "swap.table_alloc=sometimes: expected one of static, dynamic\n.*swap.table_alloc: static \\(every cluster" 1 swap.table_alloc=sometimes
check "an unknown stable-writes check is refused, naming the valid ones" 2 "swap.stable_writes_check=backwards: expected one of correct, inverted\n.*swap.stable_writes_check: correct\\|inverted" 1 swap.stable_writes_check=backwards
check "a malformed stable-writes device is refused" 2 "blk.stable_writes: 'vda:2' is not NAME, NAME:0 or NAME:1" 1 blk.stable_writes=vda:2
check "a stable-writes name no device has stops the boot, listing the devices" 2 "blk.stable_writes=vdz: no block device has that name; the devices are: ramswap0" 1 ramswap.size=4M blk.stable_writes=vdz
check "blk.stable_writes= clears ramswap0's flag" 0 "blockdev: ramswap0: 8192 sectors \\(4 MiB\\), block size 512, synchronous\\n" 1 "ktest=smoke.*" ramswap.size=4M blk.stable_writes=ramswap0:0
check "an unknown swap-in bypass design is refused, the valid ones listed" 2 "swap.bypass_sync_cache=pinned: expected one of off, nopin, pin-sleep, pin-spin, fallback-cache, bump, bump-checked, 0 \\(= off\\), 1 \\(= pin-sleep\\)" 1 swap.bypass_sync_cache=pinned
check "fork.clear_swp_exclusive=0 without the exclusive bit is refused with the reason" 2 "fork.clear_swp_exclusive=0 needs swap.exclusive_bit=1" 1 fork.clear_swp_exclusive=0 swap.exclusive_bit=0
check "the inverted stable-writes check without the exclusive bit is refused with the reason" 2 "swap.stable_writes_check=inverted needs swap.exclusive_bit=1" 1 swap.stable_writes_check=inverted swap.exclusive_bit=0
check "the v3 fallback with static swap tables is refused with the reason" 2 "swap.table_alloc_fallback=percpu needs swap.table_alloc=dynamic" 1 swap.table_alloc_fallback=percpu swap.table_alloc=static
check "an unknown table-allocation fallback is refused, naming the valid ones" 2 "swap.table_alloc_fallback=bogus: expected one of isolated, percpu\n.*isolated, default.*\\(percpu\\)" 1 swap.table_alloc_fallback=bogus
check "a bad boolean design switch is refused" 2 "swap.exclusive_bit=2: expected 0 or 1" 1 swap.exclusive_bit=2
check "an unknown ttu.sync is refused, the valid ones listed" 2 "ttu.sync=2: expected one of 0, 1, giveup\n.*ttu.sync: .*1 \\(default\\) takes the PTL before the first PTE \\(TTU_SYNC\\)" 1 ttu.sync=2
check "an unknown swap readahead mode is refused, the valid ones listed" 2 "swap.readahead=sideways: expected one of off, cluster, vma\n.*swap.readahead: off\\|cluster\\|vma" 1 swap.readahead=sideways
check "a swap readahead window above 2^5 pages is refused with the valid range" 2 "swap.page_cluster=6: expected 0..5" 1 swap.page_cluster=6
check "a swap readahead window that is not a number is refused with the valid range" 2 "swap.page_cluster=-1: expected 0..5" 1 swap.page_cluster=-1
check "an unknown spinlock mode is refused" 2 "spinlock=fifo: expected one of auto, ticket, tas" 1 spinlock=fifo
check "an unknown virtio notify mode is refused, the valid ones listed" 2 "virtio.notify_always=2: expected one of 0, 1, auto" 1 virtio.notify_always=2
check "an unknown crash kind is refused, the valid ones listed" 2 "debug.crash=oops: expected one of panic, fault, ud, assert, stuck, lockup" 1 debug.crash=oops
check "an unknown fault-injection option is refused" 2 "fault_inject: fail.swap_read: bad option 'nosuch=1'" 1 fail.swap_read=nosuch=1
check "a fault probability above 100% is refused" 2 "fault_inject: fail.page_alloc: bad option 'probability=101'.*\n.*cmdline: fail.page_alloc=probability=101,seed=1: bad value" 1 fail.page_alloc=probability=101,seed=1
check "allocator-only fault options are refused elsewhere" 2 "fault_inject: fail.swap_write: bad option 'min_order=1'" 1 fail.swap_write=min_order=1
check "a profile rate that is not a multiple of 100 is refused with the valid ones" 2 "profile: profile.hz=150: must be a multiple of 100 from 100 to 1000" 1 profile=1 profile.hz=150
check "a profile rate above 1000 is refused" 2 "profile.hz=5000: must be a multiple of 100 from 100 to 1000" 1 profile.hz=5000
check "a profile report of no functions is refused" 2 "profile.top=0: expected a number in 1..200" 1 profile.top=0
check "more concurrent direct reclaimers than 64 are refused" 2 "reclaim.direct_max=65: expected a number in 0..64" 1 reclaim.direct_max=65
check "a bad lockstat switch is refused" 2 "lockstat=on: expected 0 or 1" 1 lockstat=on
check "profile=1 lockstat=1 print the top functions and the lock table" 0 "(?s)lapic: timer runs at .* at 200 Hz \\(tick 100 Hz\\).*lock_stat: class .*profile: top 5 functions.*profile:   1 " 2 "ktest=smoke.*" profile=1 profile.hz=200 profile.top=5 lockstat=1
check "mthp= orders run the mm tests" 0 "ok [0-9]+ mm_cow" 2 "ktest=mm_cow.*" mthp=0,2,4,9
fi

# arm64: the device tree is the boot input. Cases before it is read also
# check the power-off that works without it (psci.c's blind SYSTEM_OFF):
# each must stop within 15 s (TIMEOUT 30: a hang fails, it does not wait).
arm64_dir=build/arm64/bad-input
arm64_image=build/arm64/Image
check_arm64() { # check_arm64 DESCRIPTION EXPECTED-STATUS MESSAGE-REGEX SMP QEMU-RUN-ARGS...
	local desc=$1 want=$2 regex=$3 smp=$4 start=$SECONDS
	shift 4
	out=$(ARCH=arm64 SMP=$smp SEMIHOSTING=0 TIMEOUT=30 tools/qemu-run.sh "$@" 2>&1)
	local rc=$?
	# A halt instead of a power-off passes only where the case says so.
	[[ $regex != *halted* ]] && grep -q '^swaplab: halted' <<<"$out" && rc="$rc (halted)"
	verdict "$desc" "$want" "$regex" "$rc" "$out" 15 $((SECONDS - start))
}
# stub_boot DTB X0 [IMAGE]: QEMU_EXTRA that loads the Image at IMAGE
# (0x44200000), DTB (none: nothing) at X0 and tests/boot/arm64-dtbs.sh's
# stub, which enters the Image with X0.
stub_boot() {
	local dtb=$1 x0=$2 image=${3:-0x44200000} stub=$2${3:+@$3}
	[ "$dtb" = none ] || echo "-device loader,file=$arm64_dir/$dtb,addr=$x0,force-raw=on"
	echo "-device loader,file=$arm64_image,addr=$image,force-raw=on" \
		"-device loader,file=$arm64_dir/stub-$stub.bin,addr=0x44000000,force-raw=on,cpu-num=0"
}
arm64_skip=""
if ! want_arch arm64; then
	arm64_skip=-
elif [ ! -e "$arm64_image" ]; then
	arm64_skip="$arm64_image is not built (make ARCH=arm64)"
elif ! command -v qemu-system-aarch64 >/dev/null || ! command -v dtc >/dev/null; then
	arm64_skip="no qemu-system-aarch64 or dtc (ARCH=arm64 tools/deps.sh)"
elif ! tests/boot/arm64-dtbs.sh "$arm64_dir" "ktest=arm64gic.bad_routes_are_refused" \
	0x44010000 0x44010004 0x10000000000 0x7ffff000 0@0x80200000; then
	arm64_skip="tests/boot/arm64-dtbs.sh failed"
fi
if [ "$arm64_skip" = - ]; then
	:
elif [ -n "$arm64_skip" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP arm64 bad-input boots: $arm64_skip"
else
	refused='\nERROR: boot: cannot continue without a valid device tree \(x0 = 0x[0-9a-f]+\); powering off\nswaplab: exit status 2'
	QEMU_EXTRA=$(stub_boot none 0x44010000) check_arm64 \
		"arm64: no device tree at x0 (zeroed RAM) is refused, powered off before PSCI is known" 2 \
		"fdt: bad magic 0x0 \(want 0xd00dfeed\)$refused" 1
	QEMU_EXTRA=$(stub_boot badmagic.dtb 0x44010000) check_arm64 \
		"arm64: a device tree with a bad magic is refused" 2 \
		"fdt: bad magic 0xd00dfeee \(want 0xd00dfeed\)$refused" 1
	EL2=1 QEMU_EXTRA=$(stub_boot badmagic.dtb 0x44010000) check_arm64 \
		"arm64: the same, entered at EL2: powered off by a blind SMC (no EL3), not a blind HVC" 2 \
		"fdt: bad magic 0xd00dfeee \(want 0xd00dfeed\)$refused" 1
	QEMU_EXTRA=$(stub_boot trunc.dtb 0x44010000) check_arm64 \
		"arm64: a device tree whose totalsize is too small for its blocks is refused" 2 \
		"fdt: structure block 0x38\+0x[0-9a-f]+ misaligned or outside totalsize [0-9]+$refused" 1
	QEMU_EXTRA=$(stub_boot nomem.dtb 0x44010000) check_arm64 \
		"arm64: a device tree without memory is refused" 2 \
		"fdt: no memory: no enabled node with device_type \"memory\" and a non-empty reg$refused" 1
	QEMU_EXTRA=$(stub_boot good.dtb 0x44010004) check_arm64 \
		"arm64: a DTB address that is not 8-byte aligned is refused" 2 \
		"boot: DTB address 0x44010004 in x0 is not 8-byte aligned \(booting.rst\)$refused" 1
	QEMU_EXTRA=$(stub_boot none 0x10000000000) check_arm64 \
		"arm64: a DTB address above the direct map is refused (boot.S maps nothing for it)" 2 \
		"boot: DTB address 0x10000000000 in x0 lies above the direct map's 512 GiB$refused" 1
	MEM=2G QEMU_EXTRA=$(stub_boot none 0 0x80200000) check_arm64 \
		"arm64: x0 = 0 with the image outside QEMU virt's first GiB: no guess at a tree" 2 \
		"boot: no DTB address in x0, and the image is not in QEMU virt's first GiB of RAM, where an ELF boot finds the tree$refused" 1
	QEMU_EXTRA=$(stub_boot gic9.dtb 0x44010000) check_arm64 \
		"arm64: an interrupt controller swaplab does not drive is refused, named" 2 \
		"gic: the interrupt controller is 'arm,gic-v9-unknown', not one swaplab drives \(arm,gic-v3, arm,gic-400, arm,cortex-a15-gic, arm,cortex-a9-gic, each with its reg\); powering off\nswaplab: exit status 2" 1
	GIC=3 check_arm64 "arm64: more CPUs than NR_CPUS_MAX are refused" 2 \
		"smp: the device tree lists 9 CPUs but swaplab supports at most NR_CPUS_MAX = 8; run with fewer CPUs \(QEMU: -smp 8\). Powering off" \
		9 --kernel "$arm64_image" -- "ktest=smoke.*"
	QEMU_EXTRA=$(stub_boot good.dtb 0x44010000) check_arm64 \
		"arm64: a CPU that PSCI CPU_ON refuses (the tree has 2, QEMU 1) is left out, the boot goes on" 0 \
		"(?s)smp: PSCI CPU_ON of MPIDR 0x1 failed \(-2\); continuing without it\nsmp: 1 CPUs online.*ok 1 arm64gic\n.*swaplab: exit status 0" 1
	QEMU_EXTRA=$(stub_boot spintable.dtb 0x44010000) check_arm64 \
		"arm64: a spin-table CPU that never leaves its loop is given up on after 1 s, the boot goes on" 0 \
		"(?s)smp: cpu 1 \(MPIDR 0x1\) did not start within 1000 ms; continuing without it.*\nsmp: 1 CPUs online \(GICv3, spin table\).*ok 1 arm64gic\n.*swaplab: exit status 0" 2
	GIC=3 check_arm64 "arm64: a CPU that comes 1.5 s after CPU_ON (smp.late_cpu=1) is parked, not run as the CPU that took its number" 0 \
		"(?s)smp: cpu 1 \(MPIDR 0x1\) did not start within 1000 ms.*\nsmp: 2 CPUs online.*ok 1 arm64psci.a_late_cpu_is_parked\n.*swaplab: exit status 0" \
		3 --kernel "$arm64_image" -- ktest=arm64psci.a_late_cpu_is_parked smp.late_cpu=1
	QEMU_EXTRA=$(stub_boot nopsci.dtb 0x44010000) check_arm64 \
		"arm64: without /psci: one CPU, and a halt with the reason that qemu-run.sh stops at" 0 \
		"(?s)boot: no PSCI in the device tree \(no /psci node\): no CPU_ON, no SYSTEM_OFF\n.*swaplab: exit status 0\nswaplab: halted, not powered off: the device tree has no /psci node \(or an unknown method\), so no PSCI SYSTEM_OFF\n.*qemu-run: the kernel halted without powering off; QEMU stopped" 2
	check_arm64 "arm64: without semihosting=1 no HLT runs (QEMU without -semihosting would trap it): PSCI powers off" 0 \
		"(?s)swaplab: command line 'ktest=arm64gic.bad_routes_are_refused'\n.*swaplab: exit status 0\n(?!.*(trap:|PANIC))" \
		1 --kernel "$arm64_image" -- ktest=arm64gic.bad_routes_are_refused
	check_arm64 "arm64: semihosting=1 without QEMU's -semihosting: the HLT traps, PSCI powers off" 0 \
		"(?s)swaplab: exit status 0\nsemihosting: SYS_EXIT trapped as an undefined instruction \\(QEMU without -semihosting\\?\\); powering off through PSCI\n(?!.*(trap:|PANIC))" \
		1 --kernel "$arm64_image" -- ktest=arm64gic.bad_routes_are_refused semihosting=1
	MEM=2G QEMU_EXTRA=$(stub_boot good.dtb 0x7ffff000) check_arm64 \
		"arm64: a DTB that crosses a GiB boundary is read whole (its bootargs lie past it)" 0 \
		"(?s)swaplab: command line 'ktest=arm64gic.bad_routes_are_refused'\n.*boot:   reserved 000000007ffff000-0000000080000[0-9a-f]{3} dtb\n.*ok 1 arm64gic\n.*swaplab: exit status 0" 2
fi
echo "1..$n" # the plan at the end: no count to keep in step
exit $((failed > 0))
