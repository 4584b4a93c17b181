/*
 * The ACPI parsers (drivers/acpi_tables.c) on tables built in a buffer
 * that stands for physical memory from address 0: a sound chain is found
 * and parsed, and the malformed ones the fuzz target (tests/fuzz/
 * fuzz_acpi.c) is about are refused without reading past the buffer.
 */
#include "drivers/acpi_tables.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "tests/test_kit.h"

static u8 acpi_mem_buf[1024] __aligned(16);

static void fix_sum(u32 off, u32 len, u32 sum_off)
{
	u8 sum = 0;
	acpi_mem_buf[sum_off] = 0;
	for (u32 i = 0; i < len; i++)
		sum = (u8)(sum + acpi_mem_buf[off + i]);
	acpi_mem_buf[sum_off] = (u8)-sum;
}

/* A table at off: signature, length (the body is left as it is). */
static void make_table(u32 off, const char *sig, u32 len)
{
	memcpy(acpi_mem_buf + off, sig, 4);
	test_put_u32(acpi_mem_buf, off + 4, len);
	fix_sum(off, len, off + 9);
}

/* RSDP (revision 0) at 0 -> RSDT at 0x40 listing one table at 0x100. */
static void make_chain(const char *sig, u32 table_len)
{
	memset(acpi_mem_buf, 0, sizeof(acpi_mem_buf));
	memcpy(acpi_mem_buf, "RSD PTR ", 8);
	test_put_u32(acpi_mem_buf, 16, 0x40);
	fix_sum(0, ACPI_RSDP_V1_LEN, 8);
	test_put_u32(acpi_mem_buf, 0x40 + 36, 0x100);
	make_table(0x40, "RSDT", 40);
	make_table(0x100, sig, table_len);
}

static int find_quietly(const struct phys_view *mem, const void *copy, u32 copy_len,
			struct acpi_root *root)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusals below are expected */
	int err = acpi_root_find(mem, copy, copy_len, root);
	console_loglevel = saved;
	return err;
}

KTEST(acpi_tables, loader_rsdp_leads_to_the_table)
{
	const struct phys_view mem = { acpi_mem_buf, sizeof(acpi_mem_buf) };
	struct acpi_root root;
	make_chain("FACP", 36);
	KT_ASSERT_EQ(t, find_quietly(&mem, acpi_mem_buf, ACPI_RSDP_V1_LEN, &root), 0);
	KT_EXPECT(t, !root.is_xsdt);
	KT_EXPECT(t, acpi_root_find_table(&mem, &root, "FACP") == (void *)(acpi_mem_buf + 0x100));
	KT_EXPECT(t, acpi_root_find_table(&mem, &root, "APIC") == NULL);
}

/* Found by review for the fuzz target: an MCFG shorter than its fixed part
 * made (length - 44) wrap, and pci_config.c read billions of entries. */
KTEST(acpi_tables, mcfg_shorter_than_fixed_part_is_refused)
{
	static struct acpi_mcfg_entry e[4];
	make_chain("MCFG", 40);
	const struct acpi_sdt_header *h = (const void *)(acpi_mem_buf + 0x100);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, acpi_mcfg_parse(h, e, 4), -EINVAL);
	make_table(0x100, "MCFG", 44 + 16 + 8); /* half an allocation at the end */
	KT_EXPECT_EQ(t, acpi_mcfg_parse(h, e, 4), -EINVAL);
	console_loglevel = saved;
	make_table(0x100, "MCFG", 44 + 16);
	KT_EXPECT_EQ(t, acpi_mcfg_parse(h, e, 4), 1);
}

/* A loader's 20-byte copy (multiboot2 tag 14) of a revision-2 RSDP: the
 * old check read the length and the XSDT address past the copy. */
KTEST(acpi_tables, short_copy_of_revision2_rsdp_uses_the_rsdt)
{
	const struct phys_view mem = { acpi_mem_buf, sizeof(acpi_mem_buf) };
	static u8 copy[ACPI_RSDP_V1_LEN];
	struct acpi_root root;
	make_chain("FACP", 36);
	acpi_mem_buf[15] = 2; /* revision */
	fix_sum(0, ACPI_RSDP_V1_LEN, 8);
	memcpy(copy, acpi_mem_buf, sizeof(copy));
	KT_EXPECT(t, acpi_rsdp_check((const void *)copy, sizeof(copy)) == NULL);
	KT_EXPECT(t, !acpi_rsdp_has_xsdt((const void *)copy, sizeof(copy)));
	KT_ASSERT_EQ(t, find_quietly(&mem, copy, sizeof(copy), &root), 0);
	KT_EXPECT(t, !root.is_xsdt);
	KT_EXPECT(t, acpi_rsdp_check((const void *)copy, 19) != NULL);
}

KTEST(acpi_tables, tables_outside_memory_are_ignored)
{
	struct acpi_root root;
	make_chain("FACP", 36);
	/* The view ends inside the listed table: its header would be read past. */
	const struct phys_view short_mem = { acpi_mem_buf, 0x100 + 20 };
	KT_ASSERT_EQ(t, find_quietly(&short_mem, acpi_mem_buf, ACPI_RSDP_V1_LEN, &root), 0);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT(t, acpi_root_find_table(&short_mem, &root, "FACP") == NULL);
	console_loglevel = saved;
	/* An RSDT claiming more than the view holds is refused, and so is ACPI. */
	const struct phys_view tiny = { acpi_mem_buf, 0x50 };
	KT_EXPECT_EQ(t, find_quietly(&tiny, acpi_mem_buf, ACPI_RSDP_V1_LEN, &root), -ENOENT);
	/* No loader copy and a view that ends before the BIOS area: no RSDP. */
	const struct phys_view mem = { acpi_mem_buf, sizeof(acpi_mem_buf) };
	KT_EXPECT_EQ(t, find_quietly(&mem, NULL, 0, &root), -ENOENT);
}
