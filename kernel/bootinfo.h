/*
 * What the boot loader told us, in a loader-neutral form. The arch code
 * fills it from multiboot1, multiboot2 (x86-64) or a device tree (arm64);
 * kernel/main and the physical memory setup only read it.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "types.h"

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	u64 base;
	u64 len;
	u32 type; /* enum boot_mem_type */
};

/* A physical range that must not be handed out: the kernel image, the
 * loader's info structure, modules, the AP trampoline. */
struct boot_reserved {
	u64 start, end;
	const char *what;
};

/*
 * A memory-mapped device the firmware described (a device tree node on
 * arm64; none on x86-64, where devices are found on PCI): what it is
 * (its first "compatible" string), its register window and its interrupt
 * line as the arch's interrupt controller numbers it (arm64: the GIC
 * INTID, SPI n being 32 + n), for arch_irq_route. Drivers (virtio-mmio)
 * pick their devices from this list.
 */
struct boot_device {
	char compatible[32];
	u64 base, size;
	bool has_irq;
	u32 irq;	/* struct arch_irq_line.gsi */
	bool irq_level; /* level-triggered */
};

#define BOOT_MAX_MEM_REGIONS 64
#define BOOT_MAX_RESERVED 32
#define BOOT_MAX_DEVICES 64

struct bootinfo {
	const char *loader;	 /* "multiboot1", "multiboot2", "devicetree" */
	const char *loader_name; /* as the loader names itself, or "" */
	const char *cmdline;
	struct boot_mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned nr_mem;
	struct boot_reserved reserved[BOOT_MAX_RESERVED];
	unsigned nr_reserved;
	/* ACPI RSDP: a pointer to a copy (multiboot2 tags 14/15) or NULL,
	 * and how many bytes of it the loader gave (the tag's payload). */
	const void *rsdp;
	u32 rsdp_len;
	struct boot_device devices[BOOT_MAX_DEVICES];
	unsigned nr_devices;
};

extern struct bootinfo bootinfo;

void bootinfo_reserve(struct bootinfo *bi, u64 start, u64 end, const char *what);
const char *boot_mem_type_name(u32 type);

#endif
