/*
 * ACPI tables on x86-64, through the view the boot page tables give: the
 * first 4 GiB of physical memory at the direct map. The finding and
 * checking is drivers/acpi_tables.c.
 */
#include <asm/page.h>
#include "acpi.h"
#include "kernel/bootinfo.h"
#include "kernel/printk.h"

/* All set once by acpi_init() on the boot CPU before any AP runs, then
 * read-only: no lock. */
struct acpi_madt acpi_madt;
bool acpi_madt_found;
static struct acpi_root root;
static struct phys_view acpi_mem;
static u64 rsdp_len;

const struct acpi_sdt_header *acpi_find_table(const char *signature)
{
	return acpi_root_find_table(&acpi_mem, &root, signature);
}

const struct acpi_rsdp *acpi_rsdp(void)
{
	return root.rsdp;
}

u64 acpi_rsdp_len(void)
{
	return rsdp_len;
}

int acpi_init(const struct bootinfo *bi)
{
	acpi_mem = (struct phys_view){ phys_to_virt(0), 4ull << 30 };
	int err = acpi_root_find(&acpi_mem, bi ? bi->rsdp : NULL, bi ? bi->rsdp_len : 0, &root);
	if (err)
		return err;
	rsdp_len = root.rsdp_phys ? phys_view_avail(&acpi_mem, root.rsdp_phys) : bi->rsdp_len;
	acpi_root_list(&acpi_mem, &root);
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	if (!madt) {
		pr_warn("acpi: no valid MADT ('APIC' table)\n");
		return 0;
	}
	acpi_madt_found = acpi_madt_parse(madt, &acpi_madt) == 0;
	if (acpi_madt_found)
		pr_info("acpi: MADT: %u CPUs enabled (%u usable entries), %u I/O APICs, "
			"%u overrides, local APIC at %#lx\n",
			acpi_madt.nr_enabled, acpi_madt.nr_cpu_entries, acpi_madt.nr_ioapics,
			acpi_madt.nr_overrides, (unsigned long)acpi_madt.lapic_base);
	return 0;
}
