/* Constants shared by boot.S, the linker script and C. */
#ifndef ARCH_X86_64_BOOT_H
#define ARCH_X86_64_BOOT_H

#ifndef KERNEL_VMA
#define KERNEL_VMA 0xffffffff80000000
#endif
#define KERNEL_PHYS 0x100000

#define MB1_MAGIC 0x1BADB002
#define MB1_BOOT_MAGIC 0x2BADB002
/* page-align modules, want memory info, header has the address fields */
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))
#define MB2_MAGIC 0xE85250D6
#define MB2_BOOT_MAGIC 0x36d76289

#endif
