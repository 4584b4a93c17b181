/*
 * multiboot_parse() on crafted loader structures: well-formed ones give the
 * expected bootinfo, malformed ones are refused with -EINVAL (the message
 * is printed, and start_kernel powers off cleanly in a real boot). The
 * structures live in mb_buf, seen as physical memory from address 0, so the
 * tests run on the host too.
 */
#include "boot.h"
#include "multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/phys_view.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u8 mb_buf[4096] __aligned(8);
static struct bootinfo test_bi;

struct mb2_builder {
	u32 len;
};

static void *mb2_begin(struct mb2_builder *b)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	b->len = 8;
	return mb_buf;
}

static u8 *mb2_tag(struct mb2_builder *b, u32 type, u32 size)
{
	u8 *p = mb_buf + b->len;
	((u32 *)p)[0] = type;
	((u32 *)p)[1] = size;
	b->len += ALIGN_UP(size, 8u);
	return p;
}

static void mb2_end(struct mb2_builder *b, bool with_end_tag)
{
	if (with_end_tag)
		mb2_tag(b, MB2_TAG_END, 8);
	((u32 *)mb_buf)[0] = b->len;
}

static void mb2_add_mmap(struct mb2_builder *b)
{
	u8 *t = mb2_tag(b, MB2_TAG_MMAP, 16 + 2 * 24);
	((u32 *)t)[2] = 24; /* entry size */
	u64 *e = (u64 *)(t + 16);
	e[0] = 0;
	e[1] = 0x9f000;
	((u32 *)&e[2])[0] = 1;
	e[3] = 0x100000;
	e[4] = 0x7f00000;
	((u32 *)&e[5])[0] = 1;
}

/* The "physical address" of a place in mb_buf. */
static u32 mb_phys(const void *p)
{
	return (u32)((const u8 *)p - mb_buf);
}

static int parse_view_quietly(u32 magic, u64 view_size)
{
	const struct phys_view mem = { mb_buf, view_size };
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusals below are expected */
	memset(&test_bi, 0, sizeof(test_bi));
	int err = multiboot_parse(magic, 0, &mem, &test_bi);
	console_loglevel = saved;
	return err;
}

static int parse_quietly(u32 magic)
{
	return parse_view_quietly(magic, sizeof(mb_buf));
}

KTEST(multiboot, mb2_well_formed)
{
	struct mb2_builder b;
	mb2_begin(&b);
	u8 *c = mb2_tag(&b, MB2_TAG_CMDLINE, 8 + 8);
	memcpy(c + 8, "ktest=x", 8);
	mb2_add_mmap(&b);
	u8 *acpi1 = mb2_tag(&b, MB2_TAG_ACPI_OLD, 8 + 20);
	u8 *acpi2 = mb2_tag(&b, MB2_TAG_ACPI_NEW, 8 + 36);
	mb2_end(&b, true);
	KT_ASSERT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), 0);
	KT_EXPECT(t, strcmp(test_bi.loader, "multiboot2") == 0);
	KT_EXPECT(t, strcmp(test_bi.cmdline, "ktest=x") == 0);
	KT_ASSERT_EQ(t, test_bi.nr_mem, 2);
	KT_EXPECT_EQ(t, test_bi.mem[1].base, 0x100000);
	KT_EXPECT_EQ(t, test_bi.mem[1].len, 0x7f00000);
	KT_EXPECT_EQ(t, test_bi.mem[1].type, BOOT_MEM_USABLE);
	/* ACPI 2.0 RSDP preferred; bootinfo points into the info, with its length */
	KT_EXPECT(t, test_bi.rsdp == acpi2 + 8);
	KT_EXPECT_EQ(t, test_bi.rsdp_len, 36);
	(void)acpi1;
}

KTEST(multiboot, mb2_without_end_tag_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_add_mmap(&b);
	mb2_end(&b, false);
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb2_tag_past_end_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_add_mmap(&b);
	u8 *bad = mb2_tag(&b, MB2_TAG_CMDLINE, 16);
	mb2_end(&b, true);
	((u32 *)bad)[1] = 4000; /* claims to run past total_size */
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb2_tag_size_below_header_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	u8 *bad = mb2_tag(&b, MB2_TAG_CMDLINE, 8);
	mb2_add_mmap(&b);
	mb2_end(&b, true);
	((u32 *)bad)[1] = 4; /* would loop forever if accepted */
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb2_without_memory_map_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_end(&b, true);
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb2_absurd_total_size_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_add_mmap(&b);
	mb2_end(&b, true);
	((u32 *)mb_buf)[0] = 4; /* smaller than the fixed header */
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb1_memory_map_parsed)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	struct mb1_info *mi = (struct mb1_info *)mb_buf;
	struct mb1_mmap_entry *e = (struct mb1_mmap_entry *)(mb_buf + 512);
	e[0] = (struct mb1_mmap_entry){ 20, 0, 0x9fc00, 1 };
	e[1] = (struct mb1_mmap_entry){ 20, 0x100000, 0x1000000, 1 };
	e[2] = (struct mb1_mmap_entry){ 20, 0xfffc0000, 0x40000, 2 };
	mi->flags = MB1_INFO_MMAP;
	mi->mmap_addr = mb_phys(e);
	mi->mmap_length = 3 * sizeof(*e);
	KT_ASSERT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), 0);
	KT_ASSERT_EQ(t, test_bi.nr_mem, 3);
	KT_EXPECT_EQ(t, test_bi.mem[2].type, BOOT_MEM_RESERVED);
	KT_EXPECT_EQ(t, test_bi.mem[1].len, 0x1000000);
}

KTEST(multiboot, mb1_without_memory_map_is_refused)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	((struct mb1_info *)mb_buf)->flags = MB1_INFO_MEM;
	KT_EXPECT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb1_bad_entry_size_is_refused)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	struct mb1_info *mi = (struct mb1_info *)mb_buf;
	struct mb1_mmap_entry *e = (struct mb1_mmap_entry *)(mb_buf + 512);
	e[0] = (struct mb1_mmap_entry){ 4, 0, 0x9fc00, 1 };
	mi->flags = MB1_INFO_MMAP;
	mi->mmap_addr = mb_phys(e);
	mi->mmap_length = sizeof(*e);
	KT_EXPECT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, unknown_loader_magic_is_refused)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	KT_EXPECT_EQ(t, parse_quietly(0x12345678), -EINVAL);
}

/* The findings the fuzz targets (tests/fuzz/fuzz_multiboot*.c) are about:
 * each was read past the info (or the 4 GiB the kernel maps) before. */

KTEST(multiboot, mb1_unterminated_cmdline_is_refused)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	struct mb1_info *mi = (struct mb1_info *)mb_buf;
	mi->flags = MB1_INFO_CMDLINE;
	mi->cmdline = sizeof(mb_buf) - 8;
	memset(mb_buf + mi->cmdline, 'x', 8); /* no NUL before the end of memory */
	KT_EXPECT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), -EINVAL);
	mi->cmdline = sizeof(mb_buf) + 64; /* outside memory altogether */
	KT_EXPECT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), -EINVAL);
}

KTEST(multiboot, mb1_huge_entry_size_ends_the_map)
{
	memset(mb_buf, 0, sizeof(mb_buf));
	struct mb1_info *mi = (struct mb1_info *)mb_buf;
	struct mb1_mmap_entry *e = (struct mb1_mmap_entry *)(mb_buf + 512);
	e[0] = (struct mb1_mmap_entry){ 0xfffffff0u, 0x100000, 0x1000000, 1 };
	e[1] = (struct mb1_mmap_entry){ 20, 0, 0x9fc00, 1 };
	mi->flags = MB1_INFO_MMAP;
	mi->mmap_addr = mb_phys(e);
	mi->mmap_length = 2 * sizeof(*e);
	KT_ASSERT_EQ(t, parse_quietly(MB1_BOOT_MAGIC), 0);
	KT_EXPECT_EQ(t, test_bi.nr_mem, 1); /* the next entry is past the map */
}

KTEST(multiboot, mb2_short_mmap_tag_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_tag(&b, MB2_TAG_MMAP, 8); /* no room for entry_size */
	mb2_end(&b, true);
	KT_EXPECT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), -EINVAL);
	/* The same tag as the last bytes of memory: entry_size would be read
	 * past the end. */
	mb2_begin(&b);
	mb2_tag(&b, MB2_TAG_MMAP, 8);
	((u32 *)mb_buf)[0] = b.len;
	KT_EXPECT_EQ(t, parse_view_quietly(MB2_BOOT_MAGIC, b.len), -EINVAL);
}

KTEST(multiboot, mb2_acpi_copy_is_only_as_long_as_its_tag)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_add_mmap(&b);
	u8 *acpi1 = mb2_tag(&b, MB2_TAG_ACPI_OLD, 8 + 20);
	mb2_end(&b, true);
	KT_ASSERT_EQ(t, parse_quietly(MB2_BOOT_MAGIC), 0);
	KT_EXPECT(t, test_bi.rsdp == acpi1 + 8);
	KT_EXPECT_EQ(t, test_bi.rsdp_len, 20);
}

KTEST(multiboot, info_outside_memory_is_refused)
{
	struct mb2_builder b;
	mb2_begin(&b);
	mb2_add_mmap(&b);
	mb2_end(&b, true);
	KT_EXPECT_EQ(t, parse_view_quietly(MB2_BOOT_MAGIC, 4), -EINVAL);
	KT_EXPECT_EQ(t, parse_view_quietly(MB2_BOOT_MAGIC, b.len - 8), -EINVAL);
	KT_EXPECT_EQ(t, parse_view_quietly(MB1_BOOT_MAGIC, 16), -EINVAL);
}
