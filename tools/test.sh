#!/bin/bash
# make test: the host tests and the in-kernel tests in several boot
# configurations, the GRUB ISO (BIOS and UEFI), and the bad-input boots,
# all through Debian's prove. Exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
kernel=build/$ARCH/swaplab.elf
host=build/host/swaplab-host-tests
t=build/tests
rm -rf "$t" build/test-logs
mkdir -p "$t" build/test-logs

# Each generated .t file is a shell script; perl (prove's default
# interpreter) execs the interpreter named on a #! line that is not perl.
mk() { # mk NAME COMMAND...
	{ echo '#!/bin/bash'; echo "cd '$PWD'"; echo "$2"; } > "$t/$1.t"
	chmod +x "$t/$1.t"
}

mk 00-host "$host '*' 2>&1 | tee build/test-logs/host.log; exit \${PIPESTATUS[0]}"
for machine in q35 pc; do
	for smp in 1 4; do
		mk "10-kernel-$machine-smp$smp" \
			"MACHINE=$machine SMP=$smp MEM=512M TIMEOUT=600 tools/boot-test.sh kernel-$machine-smp$smp --kernel $kernel -- ktest=* ${CMDLINE:-}"
	done
done
tools/mkiso.sh "$kernel" "build/$ARCH/test.iso" 'ktest=*' >/dev/null || exit 1
mk 20-iso-bios "MACHINE=pc SMP=2 TIMEOUT=300 tools/boot-test.sh iso-bios --iso build/$ARCH/test.iso"
if [ -e /usr/share/OVMF/OVMF_CODE.fd ]; then
	mk 21-iso-uefi "MACHINE=q35 SMP=2 TIMEOUT=300 tools/boot-test.sh iso-uefi --uefi --iso build/$ARCH/test.iso"
fi
cp tests/boot/bad-input.t "$t/30-bad-input.t"

prove -v "$t"/*.t
rc=$?
oks=$(cat build/test-logs/*.log 2>/dev/null | grep -cE '^\s*ok ')
echo "test: $oks 'ok' lines across host and kernel runs (nested suite cases included); logs in build/test-logs/"
exit $rc
