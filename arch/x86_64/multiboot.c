/*
 * Turn the loader's boot information into struct bootinfo. Both protocols
 * are parsed defensively: every length is checked against the structure
 * that contains it, because a malformed table must end in a message, not in
 * a fault in the middle of memory setup.
 */
#include <asm/page.h>
#include "boot.h"
#include "multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define INFO_LIMIT (4ull << 30) /* the boot page tables map 4 GiB */

static bool phys_range_ok(u64 addr, u64 len)
{
	return addr < INFO_LIMIT && len <= INFO_LIMIT - addr;
}

static const char *phys_string(u32 addr)
{
	if (!addr || !phys_range_ok(addr, 1))
		return "";
	return phys_to_virt(addr);
}

/* QEMU puts multiboot1 strings right after the kernel image, in memory
 * the map calls usable: keep them out of the page allocator's hands, since
 * bootinfo points at them for the life of the kernel. */
static const char *mb1_string(struct bootinfo *bi, u32 addr, const char *what)
{
	const char *s = phys_string(addr);
	if (*s)
		bootinfo_reserve(bi, addr, addr + strnlen(s, 4096) + 1, what);
	return s;
}

static void add_region(struct bootinfo *bi, u64 base, u64 len, u32 type)
{
	if (bi->nr_mem == BOOT_MAX_MEM_REGIONS) {
		pr_warn("boot: more than %d memory regions; ignoring %#lx+%#lx\n",
			BOOT_MAX_MEM_REGIONS, (unsigned long)base, (unsigned long)len);
		return;
	}
	if (type < BOOT_MEM_USABLE || type > BOOT_MEM_BAD)
		type = BOOT_MEM_RESERVED;
	bi->mem[bi->nr_mem++] = (struct boot_mem_region){ base, len, type };
}

static int mb1_parse(u64 info_phys, struct bootinfo *bi)
{
	if (!phys_range_ok(info_phys, sizeof(struct mb1_info))) {
		pr_err("boot: multiboot1 info at %#lx is outside the first 4 GiB\n",
		       (unsigned long)info_phys);
		return -EINVAL;
	}
	const struct mb1_info *mi = phys_to_virt(info_phys);
	bi->loader = "multiboot1";
	bootinfo_reserve(bi, info_phys, info_phys + sizeof(*mi), "multiboot1 info");
	if (mi->flags & MB1_INFO_CMDLINE)
		bi->cmdline = mb1_string(bi, mi->cmdline, "multiboot1 cmdline");
	if (mi->flags & MB1_INFO_LOADER_NAME)
		bi->loader_name = mb1_string(bi, mi->boot_loader_name, "multiboot1 loader name");
	if (mi->flags & MB1_INFO_MODS && mi->mods_count) {
		if (mi->mods_count > 64 ||
		    !phys_range_ok(mi->mods_addr, mi->mods_count * sizeof(struct mb1_module))) {
			pr_err("boot: multiboot1 module list is malformed (%u modules at %#x)\n",
			       mi->mods_count, mi->mods_addr);
			return -EINVAL;
		}
		const struct mb1_module *m = phys_to_virt(mi->mods_addr);
		for (u32 i = 0; i < mi->mods_count; i++)
			bootinfo_reserve(bi, m[i].start, m[i].end, "module");
	}
	if (!(mi->flags & MB1_INFO_MMAP)) {
		pr_err("boot: the multiboot1 loader gave no memory map (flags %#x)\n", mi->flags);
		return -EINVAL;
	}
	if (!phys_range_ok(mi->mmap_addr, mi->mmap_length) || mi->mmap_length > 64 * 1024) {
		pr_err("boot: multiboot1 memory map is malformed (%u bytes at %#x)\n",
		       mi->mmap_length, mi->mmap_addr);
		return -EINVAL;
	}
	const u8 *p = phys_to_virt(mi->mmap_addr), *end = p + mi->mmap_length;
	while (p + sizeof(struct mb1_mmap_entry) <= end) {
		const struct mb1_mmap_entry *e = (const void *)p;
		if (e->size < 20) {
			pr_err("boot: multiboot1 memory map entry of size %u\n", e->size);
			return -EINVAL;
		}
		add_region(bi, e->addr, e->len, e->type);
		p += e->size + 4;
	}
	return 0;
}

static int mb2_parse_mmap(const struct mb2_tag_mmap *t, struct bootinfo *bi)
{
	if (t->entry_size < 24 || t->size < sizeof(*t)) {
		pr_err("boot: multiboot2 memory map with entry size %u\n", t->entry_size);
		return -EINVAL;
	}
	const u8 *p = (const u8 *)(t + 1), *end = (const u8 *)t + t->size;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const u64 *e = (const u64 *)p;
		add_region(bi, e[0], e[1], *(const u32 *)(p + 16));
	}
	return 0;
}

static int mb2_parse(u64 info_phys, struct bootinfo *bi)
{
	if (!phys_range_ok(info_phys, 8) || (info_phys & 7)) {
		pr_err("boot: multiboot2 info at %#lx is unusable\n", (unsigned long)info_phys);
		return -EINVAL;
	}
	const u8 *base = phys_to_virt(info_phys);
	u32 total = *(const u32 *)base;
	if (total < 16 || total > (1u << 20) || !phys_range_ok(info_phys, total)) {
		pr_err("boot: multiboot2 info has total size %u\n", total);
		return -EINVAL;
	}
	bi->loader = "multiboot2";
	bootinfo_reserve(bi, info_phys, info_phys + total, "multiboot2 info");
	bool have_mmap = false, have_end = false;
	const u8 *p = base + 8, *end = base + total;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;
		if (t->size < 8 || t->size > (u64)(end - p)) {
			pr_err("boot: multiboot2 tag %u has size %u (%lu bytes left)\n", t->type,
			       t->size, (unsigned long)(end - p));
			return -EINVAL;
		}
		switch (t->type) {
		case MB2_TAG_END:
			have_end = true;
			break;
		case MB2_TAG_CMDLINE:
			if (t->size > 8 && p[t->size - 1] == '\0')
				bi->cmdline = (const char *)(p + 8);
			break;
		case MB2_TAG_LOADER_NAME:
			if (t->size > 8 && p[t->size - 1] == '\0')
				bi->loader_name = (const char *)(p + 8);
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)t;
			if (t->size >= sizeof(*m))
				bootinfo_reserve(bi, m->mod_start, m->mod_end, "module");
			break;
		}
		case MB2_TAG_MMAP:
			if (mb2_parse_mmap((const void *)t, bi))
				return -EINVAL;
			have_mmap = true;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 RSDP (tag 15) when both are given. */
			if (t->size >= 8 + 20 && (!bi->rsdp || t->type == MB2_TAG_ACPI_NEW))
				bi->rsdp = p + 8;
			break;
		}
		if (have_end)
			break;
		p += ALIGN_UP(t->size, 8u);
	}
	if (!have_end) {
		pr_err("boot: multiboot2 info has no end tag\n");
		return -EINVAL;
	}
	if (!have_mmap) {
		pr_err("boot: the multiboot2 loader gave no memory map\n");
		return -EINVAL;
	}
	return 0;
}

int multiboot_parse(u32 magic, u64 info_phys, struct bootinfo *bi)
{
	bi->cmdline = "";
	bi->loader_name = "";
	if (magic == MB1_BOOT_MAGIC)
		return mb1_parse(info_phys, bi);
	if (magic == MB2_BOOT_MAGIC)
		return mb2_parse(info_phys, bi);
	pr_err("boot: loaded by an unknown loader (magic %#x): swaplab needs multiboot1 "
	       "(QEMU -kernel) or multiboot2 (GRUB)\n", magic);
	return -EINVAL;
}
