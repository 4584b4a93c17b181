/*
 * Turn the loader's boot information into struct bootinfo. Both protocols
 * are parsed defensively: every length is checked against the structure
 * that contains it, because a malformed table must end in a message, not in
 * a fault in the middle of memory setup.
 *
 * The parser reads physical memory only through a struct phys_view (the
 * boot direct map in the kernel, a buffer in tests/fuzz/fuzz_multiboot*.c),
 * so a pointer in the info cannot send it outside what the view covers.
 */
#include "boot.h"
#include "multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/phys_view.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define MB_STRING_MAX 4096 /* longest loader string we accept, NUL included */

static u32 rd32(const u8 *p)
{
	u32 v;
	memcpy(&v, p, 4);
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;
	memcpy(&v, p, 8);
	return v;
}

/*
 * A multiboot1 string: NUL-terminated within MB_STRING_MAX bytes and the
 * view, or NULL after saying what is wrong (everything after it would
 * strlen() it). QEMU puts these strings right after the kernel image, in
 * memory the map calls usable: keep them out of the page allocator's hands,
 * since bootinfo points at them for the life of the kernel.
 */
static const char *mb1_string(const struct phys_view *mem, struct bootinfo *bi, u32 addr,
			      const char *what)
{
	if (!addr)
		return "";
	u64 max = MIN((u64)MB_STRING_MAX, phys_view_avail(mem, addr));
	const char *s = phys_view_ptr(mem, addr, max);
	size_t len = s ? strnlen(s, max) : max;
	if (!s || len == max) {
		pr_err("boot: multiboot1 %s at %#x is not a string of less than %u bytes in "
		       "memory\n",
		       what, addr, MB_STRING_MAX);
		return NULL;
	}
	bootinfo_reserve(bi, addr, addr + len + 1, what);
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

static int mb1_parse_mods(const struct phys_view *mem, const struct mb1_info *mi,
			  struct bootinfo *bi)
{
	const struct mb1_module *m = NULL;
	if (mi->mods_count <= 64)
		m = phys_view_ptr(mem, mi->mods_addr, (u64)mi->mods_count * sizeof(*m));
	if (!m) {
		pr_err("boot: multiboot1 module list is malformed (%u modules at %#x)\n",
		       mi->mods_count, mi->mods_addr);
		return -EINVAL;
	}
	for (u32 i = 0; i < mi->mods_count; i++)
		bootinfo_reserve(bi, m[i].start, m[i].end, "module");
	return 0;
}

/* Entries are (size, addr, len, type), each followed by the next at
 * size + 4 bytes: offsets, not pointers, so a huge size cannot wrap. */
static int mb1_parse_mmap(const struct phys_view *mem, const struct mb1_info *mi,
			  struct bootinfo *bi)
{
	const u8 *p = NULL;
	if (mi->mmap_length <= 64 * 1024)
		p = phys_view_ptr(mem, mi->mmap_addr, mi->mmap_length);
	if (!p) {
		pr_err("boot: multiboot1 memory map is malformed (%u bytes at %#x)\n",
		       mi->mmap_length, mi->mmap_addr);
		return -EINVAL;
	}
	for (u64 off = 0; off + sizeof(struct mb1_mmap_entry) <= mi->mmap_length;) {
		const struct mb1_mmap_entry *e = (const void *)(p + off);
		if (e->size < 20) {
			pr_err("boot: multiboot1 memory map entry of size %u\n", e->size);
			return -EINVAL;
		}
		add_region(bi, e->addr, e->len, e->type);
		off += (u64)e->size + 4;
	}
	return 0;
}

static int mb1_parse(const struct phys_view *mem, u64 info_phys, struct bootinfo *bi)
{
	const struct mb1_info *mi = phys_view_ptr(mem, info_phys, sizeof(*mi));
	if (!mi) {
		pr_err("boot: multiboot1 info at %#lx is outside the first 4 GiB\n",
		       (unsigned long)info_phys);
		return -EINVAL;
	}
	bi->loader = "multiboot1";
	bootinfo_reserve(bi, info_phys, info_phys + sizeof(*mi), "multiboot1 info");
	if (mi->flags & MB1_INFO_CMDLINE)
		bi->cmdline = mb1_string(mem, bi, mi->cmdline, "multiboot1 cmdline");
	if (mi->flags & MB1_INFO_LOADER_NAME)
		bi->loader_name =
			mb1_string(mem, bi, mi->boot_loader_name, "multiboot1 loader name");
	if (!bi->cmdline || !bi->loader_name)
		return -EINVAL;
	if (mi->flags & MB1_INFO_MODS && mi->mods_count && mb1_parse_mods(mem, mi, bi))
		return -EINVAL;
	if (!(mi->flags & MB1_INFO_MMAP)) {
		pr_err("boot: the multiboot1 loader gave no memory map (flags %#x)\n", mi->flags);
		return -EINVAL;
	}
	return mb1_parse_mmap(mem, mi, bi);
}

/* The fixed part (16 bytes) is checked against the tag's size before
 * entry_size is believed: a short tag at the end of the info would
 * otherwise be read past. */
static int mb2_parse_mmap(const u8 *t, u32 size, struct bootinfo *bi)
{
	u32 entry_size = size >= sizeof(struct mb2_tag_mmap) ? rd32(t + 8) : 0;
	if (entry_size < 24) {
		pr_err("boot: multiboot2 memory map tag of size %u with entry size %u\n", size,
		       entry_size);
		return -EINVAL;
	}
	for (u32 off = sizeof(struct mb2_tag_mmap); entry_size <= size - off; off += entry_size) {
		const u8 *e = t + off;
		add_region(bi, rd64(e), rd64(e + 8), rd32(e + 16));
	}
	return 0;
}

/* One tag of the given size (at least 8, within the info). Returns 1 at
 * the end tag, 0 to go on, -EINVAL when the tag is malformed. */
static int mb2_parse_tag(const u8 *p, u32 type, u32 size, struct bootinfo *bi, bool *have_mmap)
{
	switch (type) {
	case MB2_TAG_END:
		return 1;
	case MB2_TAG_CMDLINE:
		if (size > 8 && p[size - 1] == '\0')
			bi->cmdline = (const char *)(p + 8);
		break;
	case MB2_TAG_LOADER_NAME:
		if (size > 8 && p[size - 1] == '\0')
			bi->loader_name = (const char *)(p + 8);
		break;
	case MB2_TAG_MODULE:
		if (size >= sizeof(struct mb2_tag_module))
			bootinfo_reserve(bi, rd32(p + 8), rd32(p + 12), "module");
		break;
	case MB2_TAG_MMAP:
		if (mb2_parse_mmap(p, size, bi))
			return -EINVAL;
		*have_mmap = true;
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0 RSDP (tag 15) when both are given; the
		 * copy is only as long as its tag, and ACPI checks it so. */
		if (size >= 8 + 20 && (!bi->rsdp || type == MB2_TAG_ACPI_NEW)) {
			bi->rsdp = p + 8;
			bi->rsdp_len = size - 8;
		}
		break;
	}
	return 0;
}

static int mb2_parse(const struct phys_view *mem, u64 info_phys, struct bootinfo *bi)
{
	const u8 *base = (info_phys & 7) ? NULL : phys_view_ptr(mem, info_phys, 8);
	if (!base) {
		pr_err("boot: multiboot2 info at %#lx is unusable\n", (unsigned long)info_phys);
		return -EINVAL;
	}
	u32 total = rd32(base);
	if (total < 16 || total > (1u << 20) || !phys_view_ptr(mem, info_phys, total)) {
		pr_err("boot: multiboot2 info has total size %u\n", total);
		return -EINVAL;
	}
	bi->loader = "multiboot2";
	bootinfo_reserve(bi, info_phys, info_phys + total, "multiboot2 info");
	bool have_mmap = false;
	int ret = 0;
	for (u32 off = 8; ret == 0 && off + sizeof(struct mb2_tag) <= total;) {
		u32 type = rd32(base + off), size = rd32(base + off + 4);
		if (size < 8 || size > total - off) {
			pr_err("boot: multiboot2 tag %u has size %u (%u bytes left)\n", type, size,
			       total - off);
			return -EINVAL;
		}
		ret = mb2_parse_tag(base + off, type, size, bi, &have_mmap);
		off += ALIGN_UP(size, 8u);
	}
	if (ret < 0)
		return ret;
	if (ret == 0) {
		pr_err("boot: multiboot2 info has no end tag\n");
		return -EINVAL;
	}
	if (!have_mmap) {
		pr_err("boot: the multiboot2 loader gave no memory map\n");
		return -EINVAL;
	}
	return 0;
}

int multiboot_parse(u32 magic, u64 info_phys, const struct phys_view *mem, struct bootinfo *bi)
{
	bi->cmdline = "";
	bi->loader_name = "";
	if (magic == MB1_BOOT_MAGIC)
		return mb1_parse(mem, info_phys, bi);
	if (magic == MB2_BOOT_MAGIC)
		return mb2_parse(mem, info_phys, bi);
	pr_err("boot: loaded by an unknown loader (magic %#x): swaplab needs multiboot1 "
	       "(QEMU -kernel) or multiboot2 (GRUB)\n",
	       magic);
	return -EINVAL;
}
