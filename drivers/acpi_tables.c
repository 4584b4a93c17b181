/*
 * Finding and checking ACPI tables. The chain is RSDP -> XSDT (64-bit
 * pointers, ACPI 2.0+) or RSDT (32-bit pointers, ACPI 1.0) -> tables. Every
 * structure carries a checksum (its bytes sum to zero); firmware bugs and
 * stray memory are real, so every table is checked before it is believed,
 * and a bad one is reported and skipped rather than parsed. Every read
 * goes through the phys_view (acpi_tables.h), so an address in a table
 * cannot make us read what the view does not cover.
 */
#include "acpi_tables.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u8 acpi_sum(const void *p, u64 len)
{
	const u8 *b = p;
	u8 sum = 0;
	while (len--)
		sum = (u8)(sum + *b++);
	return sum;
}

const char *acpi_rsdp_check(const struct acpi_rsdp *r, u64 avail)
{
	if (avail < ACPI_RSDP_V1_LEN)
		return "truncated";
	if (memcmp(r->signature, "RSD PTR ", 8) != 0)
		return "no 'RSD PTR ' signature";
	if (acpi_sum(r, ACPI_RSDP_V1_LEN) != 0)
		return "bad checksum (ACPI 1.0 part)";
	if (r->revision < 2 || avail < sizeof(*r))
		return NULL;
	if (r->length < sizeof(*r) || r->length > 4096 || r->length > avail)
		return "bad length";
	if (acpi_sum(r, r->length) != 0)
		return "bad extended checksum (ACPI 2.0 part)";
	return NULL;
}

bool acpi_rsdp_has_xsdt(const struct acpi_rsdp *r, u64 avail)
{
	return r->revision >= 2 && avail >= sizeof(*r) && r->xsdt_address;
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

/* A table by physical address, checked: reachability of the header first,
 * then the whole length it claims. */
static const struct acpi_sdt_header *acpi_map_table(const struct phys_view *mem, u64 pa,
						    const char *from)
{
	const struct acpi_sdt_header *h = pa ? phys_view_ptr(mem, pa, sizeof(*h)) : NULL;
	if (!h) {
		pr_warn("acpi: %s points to %#lx, outside mapped memory; ignored\n", from,
			(unsigned long)pa);
		return NULL;
	}
	const char *why =
		acpi_table_check(h, MIN((u64)ACPI_MAX_TABLE_LEN, phys_view_avail(mem, pa)));
	if (why) {
		pr_err("acpi: table '%.4s' at %#lx (from %s, length %u) is malformed: %s; "
		       "ignored\n",
		       h->signature, (unsigned long)pa, from, h->length, why);
		return NULL;
	}
	return h;
}

/* The BIOS puts the RSDP on a 16-byte boundary in the first KiB of the
 * EBDA (segment at 0x40e) or in the BIOS ROM area 0xe0000-0xfffff. */
static const struct acpi_rsdp *rsdp_scan(const struct phys_view *mem, u64 start, u64 len,
					 struct acpi_root *root)
{
	for (u64 pa = ALIGN_UP(start, 16ull); pa + ACPI_RSDP_V1_LEN <= start + len; pa += 16) {
		const struct acpi_rsdp *r = phys_view_ptr(mem, pa, ACPI_RSDP_V1_LEN);
		if (!r)
			return NULL;
		if (memcmp(r->signature, "RSD PTR ", 8) != 0)
			continue;
		const char *why = acpi_rsdp_check(r, phys_view_avail(mem, pa));
		if (!why) {
			root->rsdp_phys = pa;
			return r;
		}
		pr_warn("acpi: RSDP candidate at %#lx rejected: %s\n", (unsigned long)pa, why);
	}
	return NULL;
}

/* Sets root->rsdp; the length of what it points to comes back in *avail. */
static void rsdp_find(const struct phys_view *mem, const void *copy, u32 copy_len,
		      struct acpi_root *root, u64 *avail)
{
	if (copy) {
		const char *why = acpi_rsdp_check(copy, copy_len);
		if (!why) {
			root->rsdp = copy;
			*avail = copy_len;
			pr_info("acpi: RSDP from the boot loader (revision %u)\n",
				root->rsdp->revision);
			return;
		}
		pr_warn("acpi: the loader's RSDP copy is invalid (%s); searching memory\n", why);
	}
	const u8 *bda = phys_view_ptr(mem, 0x40e, 2);
	u64 ebda = bda ? (u64)(bda[0] | bda[1] << 8) << 4 : 0;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		root->rsdp = rsdp_scan(mem, ebda, 1024, root);
	if (!root->rsdp)
		root->rsdp = rsdp_scan(mem, 0xe0000, 0x20000, root);
	if (root->rsdp) {
		*avail = phys_view_avail(mem, root->rsdp_phys);
		pr_info("acpi: RSDP at %#lx (revision %u)\n", (unsigned long)root->rsdp_phys,
			root->rsdp->revision);
	}
}

static unsigned root_entries(const struct acpi_root *root)
{
	unsigned size = root->is_xsdt ? 8 : 4;
	return (root->table->length - sizeof(*root->table)) / size;
}

/* XSDT entries are only 4-byte aligned: read them bytewise. */
static u64 root_entry(const struct acpi_root *root, unsigned i)
{
	const u8 *p = (const u8 *)(root->table + 1);
	u64 v = 0;
	if (root->is_xsdt)
		memcpy(&v, p + 8 * i, 8);
	else
		memcpy(&v, p + 4 * i, 4);
	return v;
}

int acpi_root_find(const struct phys_view *mem, const void *loader_rsdp, u32 loader_len,
		   struct acpi_root *root)
{
	u64 avail = 0;
	memset(root, 0, sizeof(*root));
	rsdp_find(mem, loader_rsdp, loader_len, root, &avail);
	if (!root->rsdp) {
		pr_warn("acpi: no valid RSDP (loader tag, EBDA or 0xe0000-0xfffff)\n");
		return -ENOENT;
	}
	if (acpi_rsdp_has_xsdt(root->rsdp, avail)) {
		root->table = acpi_map_table(mem, root->rsdp->xsdt_address, "RSDP");
		root->is_xsdt = root->table != NULL;
	}
	if (!root->table)
		root->table = acpi_map_table(mem, root->rsdp->rsdt_address, "RSDP");
	if (!root->table) {
		pr_warn("acpi: neither the XSDT nor the RSDT is usable\n");
		return -ENOENT;
	}
	pr_info("acpi: %s with %u tables\n", root->is_xsdt ? "XSDT" : "RSDT", root_entries(root));
	return 0;
}

const struct acpi_sdt_header *acpi_root_find_table(const struct phys_view *mem,
						   const struct acpi_root *root, const char *sig)
{
	if (!root->table)
		return NULL;
	for (unsigned i = 0; i < root_entries(root); i++) {
		u64 pa = root_entry(root, i);
		const struct acpi_sdt_header *h = phys_view_ptr(mem, pa, sizeof(*h));
		if (!h || memcmp(h->signature, sig, 4) != 0)
			continue;
		h = acpi_map_table(mem, pa, root->is_xsdt ? "XSDT" : "RSDT");
		if (h)
			return h;
	}
	return NULL;
}

void acpi_root_list(const struct phys_view *mem, const struct acpi_root *root)
{
	for (unsigned i = 0; i < root_entries(root); i++) {
		u64 pa = root_entry(root, i);
		const struct acpi_sdt_header *h =
			acpi_map_table(mem, pa, root->is_xsdt ? "XSDT" : "RSDT");
		if (h)
			pr_info("acpi:   %.4s at %#lx, %u bytes, revision %u, OEM '%.6s'\n",
				h->signature, (unsigned long)pa, h->length, h->revision, h->oem_id);
	}
}

/* The MCFG: the header, 8 reserved bytes, then 16-byte allocations. */
#define MCFG_FIXED_LEN (sizeof(struct acpi_sdt_header) + 8)

int acpi_mcfg_parse(const struct acpi_sdt_header *h, struct acpi_mcfg_entry *out, unsigned max)
{
	if (h->length < MCFG_FIXED_LEN ||
	    (h->length - MCFG_FIXED_LEN) % sizeof(struct acpi_mcfg_entry)) {
		pr_err("acpi: MCFG of length %u is not %zu bytes plus 16-byte allocations; "
		       "ignored\n",
		       h->length, MCFG_FIXED_LEN);
		return -EINVAL;
	}
	unsigned n = (h->length - MCFG_FIXED_LEN) / sizeof(struct acpi_mcfg_entry);
	n = MIN(n, max);
	memcpy(out, (const u8 *)h + MCFG_FIXED_LEN, n * sizeof(*out));
	return (int)n;
}
