/* Multiboot1 and multiboot2 information structures (the parts we read). */
#ifndef ARCH_X86_64_MULTIBOOT_H
#define ARCH_X86_64_MULTIBOOT_H

#include "kernel/types.h"
#include "kernel/compiler.h"

struct bootinfo;
struct phys_view;

struct mb1_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

#define MB1_INFO_MEM (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER_NAME (1u << 9)

struct mb1_mmap_entry {
	u32 size; /* of the rest of the entry */
	u64 addr, len;
	u32 type;
} __packed;

struct mb1_module {
	u32 start, end, string, reserved;
} __packed;

struct mb2_tag {
	u32 type, size;
} __packed;

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_tag_mmap {
	u32 type, size, entry_size, entry_version;
	/* entries follow: u64 addr, u64 len, u32 type, u32 reserved */
} __packed;

struct mb2_tag_module {
	u32 type, size, mod_start, mod_end;
	/* string follows */
} __packed;

/* Parse the loader's info at info_phys, read through mem, into bootinfo;
 * returns 0 or -EINVAL after printing what is wrong. The strings and the
 * RSDP copy bootinfo gets point into mem. */
int multiboot_parse(u32 magic, u64 info_phys, const struct phys_view *mem, struct bootinfo *bi);

#endif
