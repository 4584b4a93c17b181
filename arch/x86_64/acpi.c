/*
 * Finding and checking ACPI tables. The chain is RSDP -> XSDT (64-bit
 * pointers, ACPI 2.0+) or RSDT (32-bit pointers, ACPI 1.0) -> tables. Every
 * structure carries a checksum (its bytes sum to zero); firmware bugs and
 * stray memory are real, so every table is checked before it is believed,
 * and a bad one is reported and skipped rather than parsed.
 */
#include <asm/page.h>
#include "acpi.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* The boot page tables map the first 4 GiB into the direct map. */
#define ACPI_MAP_LIMIT (4ull << 30)
#define ACPI_MAX_TABLE_LEN (16u << 20)

/* All set once by acpi_init() on the boot CPU before any AP runs, then
 * read-only: no lock. */
struct acpi_madt acpi_madt;
bool acpi_madt_found;
static const struct acpi_rsdp *rsdp_found;
static const struct acpi_sdt_header *root_table; /* XSDT or RSDT */
static bool root_is_xsdt;

static u8 acpi_sum(const void *p, u64 len)
{
	const u8 *b = p;
	u8 sum = 0;
	while (len--)
		sum = (u8)(sum + *b++);
	return sum;
}

static bool phys_mapped(u64 pa, u64 len)
{
	return pa < ACPI_MAP_LIMIT && len <= ACPI_MAP_LIMIT - pa;
}

const char *acpi_rsdp_check(const struct acpi_rsdp *r)
{
	if (memcmp(r->signature, "RSD PTR ", 8) != 0)
		return "no 'RSD PTR ' signature";
	if (acpi_sum(r, ACPI_RSDP_V1_LEN) != 0)
		return "bad checksum (ACPI 1.0 part)";
	if (r->revision < 2)
		return NULL;
	if (r->length < sizeof(*r) || r->length > 4096)
		return "bad length";
	if (acpi_sum(r, r->length) != 0)
		return "bad extended checksum (ACPI 2.0 part)";
	return NULL;
}

const char *acpi_table_check(const struct acpi_sdt_header *h, u64 avail)
{
	if (avail < sizeof(*h))
		return "truncated header";
	if (h->length < sizeof(*h))
		return "length shorter than its header";
	if (h->length > avail || h->length > ACPI_MAX_TABLE_LEN)
		return "length past the available memory";
	if (acpi_sum(h, h->length) != 0)
		return "bad checksum";
	return NULL;
}

/*
 * Map a table by physical address and check it. The header is checked
 * for reachability first, then the whole length it claims.
 */
static const struct acpi_sdt_header *acpi_map_table(u64 pa, const char *from)
{
	if (!pa || !phys_mapped(pa, sizeof(struct acpi_sdt_header))) {
		pr_warn("acpi: %s points to %#lx, outside the mapped 4 GiB; ignored\n", from,
			(unsigned long)pa);
		return NULL;
	}
	const struct acpi_sdt_header *h = phys_to_virt(pa);
	u64 avail = MIN((u64)ACPI_MAX_TABLE_LEN, ACPI_MAP_LIMIT - pa);
	const char *why = acpi_table_check(h, avail);
	if (why) {
		pr_err("acpi: table '%.4s' at %#lx (from %s, length %u) is malformed: %s; "
		       "ignored\n", h->signature, (unsigned long)pa, from, h->length, why);
		return NULL;
	}
	return h;
}

/* The BIOS puts the RSDP on a 16-byte boundary in the first KiB of the
 * EBDA (segment at 0x40e) or in the BIOS ROM area 0xe0000-0xfffff. */
static const struct acpi_rsdp *rsdp_scan(u64 start, u64 len)
{
	for (u64 pa = ALIGN_UP(start, 16ull); pa + ACPI_RSDP_V1_LEN <= start + len; pa += 16) {
		const struct acpi_rsdp *r = phys_to_virt(pa);
		if (memcmp(r->signature, "RSD PTR ", 8) != 0)
			continue;
		const char *why = acpi_rsdp_check(r);
		if (!why)
			return r;
		pr_warn("acpi: RSDP candidate at %#lx rejected: %s\n", (unsigned long)pa, why);
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(const struct bootinfo *bi)
{
	if (bi && bi->rsdp) {
		const char *why = acpi_rsdp_check(bi->rsdp);
		if (!why) {
			pr_info("acpi: RSDP from the boot loader (revision %u)\n",
				((const struct acpi_rsdp *)bi->rsdp)->revision);
			return bi->rsdp;
		}
		pr_warn("acpi: the loader's RSDP copy is invalid (%s); searching memory\n", why);
	}
	u64 ebda = (u64)(*(const u16 *)phys_to_virt(0x40e)) << 4;
	const struct acpi_rsdp *r = NULL;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = rsdp_scan(ebda, 1024);
	if (!r)
		r = rsdp_scan(0xe0000, 0x20000);
	if (r)
		pr_info("acpi: RSDP at %#lx (revision %u)\n",
			(unsigned long)virt_to_phys(r), r->revision);
	return r;
}

static unsigned root_entries(void)
{
	unsigned size = root_is_xsdt ? 8 : 4;
	return (root_table->length - sizeof(*root_table)) / size;
}

static u64 root_entry(unsigned i)
{
	const u8 *p = (const u8 *)(root_table + 1);
	if (root_is_xsdt) {
		u64 v;
		memcpy(&v, p + 8 * i, 8); /* XSDT entries are only 4-byte aligned */
		return v;
	}
	return ((const u32 *)p)[i];
}

const struct acpi_sdt_header *acpi_find_table(const char *signature)
{
	if (!root_table)
		return NULL;
	for (unsigned i = 0; i < root_entries(); i++) {
		u64 pa = root_entry(i);
		if (!phys_mapped(pa, sizeof(struct acpi_sdt_header)))
			continue;
		const struct acpi_sdt_header *h = phys_to_virt(pa);
		if (memcmp(h->signature, signature, 4) != 0)
			continue;
		h = acpi_map_table(pa, root_is_xsdt ? "XSDT" : "RSDT");
		if (h)
			return h;
	}
	return NULL;
}

const struct acpi_rsdp *acpi_rsdp(void)
{
	return rsdp_found;
}

static void acpi_list_tables(void)
{
	for (unsigned i = 0; i < root_entries(); i++) {
		u64 pa = root_entry(i);
		const struct acpi_sdt_header *h = acpi_map_table(pa, root_is_xsdt ? "XSDT" : "RSDT");
		if (h)
			pr_info("acpi:   %.4s at %#lx, %u bytes, revision %u, OEM '%.6s'\n",
				h->signature, (unsigned long)pa, h->length, h->revision, h->oem_id);
	}
}

int acpi_init(const struct bootinfo *bi)
{
	rsdp_found = rsdp_find(bi);
	if (!rsdp_found) {
		pr_warn("acpi: no valid RSDP (loader tag, EBDA or 0xe0000-0xfffff)\n");
		return -ENOENT;
	}
	if (rsdp_found->revision >= 2 && rsdp_found->xsdt_address) {
		root_table = acpi_map_table(rsdp_found->xsdt_address, "RSDP");
		root_is_xsdt = root_table != NULL;
	}
	if (!root_table)
		root_table = acpi_map_table(rsdp_found->rsdt_address, "RSDP");
	if (!root_table) {
		pr_warn("acpi: neither the XSDT nor the RSDT is usable\n");
		return -ENOENT;
	}
	pr_info("acpi: %s with %u tables\n", root_is_xsdt ? "XSDT" : "RSDT", root_entries());
	acpi_list_tables();

	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	if (!madt) {
		pr_warn("acpi: no valid MADT ('APIC' table)\n");
		return 0;
	}
	acpi_madt_found = acpi_madt_parse(madt, &acpi_madt) == 0;
	if (acpi_madt_found)
		pr_info("acpi: MADT: %u CPUs enabled (%u usable entries), %u I/O APICs, "
			"%u overrides, local APIC at %#lx\n", acpi_madt.nr_enabled,
			acpi_madt.nr_cpu_entries, acpi_madt.nr_ioapics, acpi_madt.nr_overrides,
			(unsigned long)acpi_madt.lapic_base);
	return 0;
}
