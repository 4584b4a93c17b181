#!/bin/sh
# Build a GRUB rescue ISO (BIOS and UEFI) that boots swaplab through
# multiboot2. Usage: mkiso.sh KERNEL.elf OUT.iso "CMDLINE"
set -e
kernel=$1 out=$2 cmdline=$3
dir=$(dirname "$out")/iso-root.$$
rm -rf "$dir"
mkdir -p "$dir/boot/grub"
# GRUB's multiboot2 loader also reads every non-allocated ELF section
# (.symtab, .strtab, debug info) into memory. Under OVMF that read fails
# ("failure reading sector ... from cd0"): seen when .symtab began exactly
# on a 2 KiB boundary of the file, so it came and went with the kernel's
# size (likely GRUB 2.06 reading whole sectors straight into a buffer the
# firmware's SATA driver finds misaligned). The ISO therefore carries only
# the loadable segment: gdb uses build/ARCH/swaplab.elf, and backtraces use
# the kernel's own symbol table, which is allocated data.
objcopy --strip-all "$kernel" "$dir/boot/swaplab.elf"
cat > "$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_output serial
set timeout=0
set default=0
set fallback=1
menuentry "swaplab" {
	multiboot2 /boot/swaplab.elf $cmdline
	boot
}
# Reached only when the kernel cannot be loaded: say so and power off
# instead of waiting at a prompt nobody sees.
menuentry "swaplab: load failed" {
	echo "grub: could not load /boot/swaplab.elf; powering off"
	halt
}
CFG
if ! grub-file --is-x86-multiboot2 "$kernel"; then
	echo "mkiso: $kernel has no valid multiboot2 header" >&2
	exit 1
fi
grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
rm -rf "$dir" "$dir.log"
echo "mkiso: $out (BIOS + UEFI, cmdline '$cmdline')"
