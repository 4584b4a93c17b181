/*
 * ACPI table discovery and validation (x86-64). The validators are tested
 * on copies in a buffer, so corrupting them cannot hurt the real tables.
 */
#ifdef ARCH_x86_64
#include "arch/x86_64/acpi.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

static u8 table_copy[4096] __aligned(8);

/* Machines without ACPI (QEMU pc with -no-acpi) skip rather than fail. */
static bool have_acpi(struct ktest *t)
{
	if (acpi_rsdp())
		return true;
	ktest_skip(t, "no ACPI on this machine");
	return false;
}

static void fix_checksum(struct acpi_sdt_header *h)
{
	u8 sum = 0;
	h->checksum = 0;
	for (u32 i = 0; i < h->length; i++)
		sum = (u8)(sum + ((u8 *)h)[i]);
	h->checksum = (u8)-sum;
}

/* A copy of the firmware's MADT in table_copy, or NULL (test skipped). */
static struct acpi_sdt_header *madt_copy(struct ktest *t)
{
	if (!have_acpi(t))
		return NULL;
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	if (!madt || madt->length > sizeof(table_copy)) {
		ktest_skip(t, "no MADT that fits the test buffer");
		return NULL;
	}
	memcpy(table_copy, madt, madt->length);
	return (struct acpi_sdt_header *)table_copy;
}

KTEST(acpi, rsdp_found_and_valid)
{
	const struct acpi_rsdp *r = acpi_rsdp();
	if (!have_acpi(t))
		return;
	KT_ASSERT(t, r != NULL);
	KT_EXPECT(t, acpi_rsdp_check(r, acpi_rsdp_len()) == NULL);
	KT_EXPECT(t, r->rsdt_address != 0 || r->xsdt_address != 0);
}

KTEST(acpi, madt_found_with_valid_checksum)
{
	if (!have_acpi(t))
		return;
	const struct acpi_sdt_header *h = acpi_find_table("APIC");
	KT_ASSERT(t, h != NULL);
	KT_EXPECT(t, memcmp(h->signature, "APIC", 4) == 0);
	KT_EXPECT(t, acpi_table_check(h, h->length) == NULL);
	KT_EXPECT(t, acpi_madt_found);
	KT_EXPECT(t, acpi_madt.nr_enabled >= 1);
	KT_EXPECT(t, acpi_madt.nr_cpus >= acpi_madt.nr_enabled ||
			     acpi_madt.nr_cpus == ACPI_MADT_MAX_CPUS);
	KT_EXPECT(t, acpi_madt.lapic_base != 0 && (acpi_madt.lapic_base & 0xfff) == 0);
	KT_EXPECT(t, acpi_madt.nr_ioapics >= 1);
	/* The FADT exists on every PC firmware and has a valid checksum too. */
	const struct acpi_sdt_header *fadt = acpi_find_table("FACP");
	KT_ASSERT(t, fadt != NULL);
	KT_EXPECT(t, acpi_table_check(fadt, fadt->length) == NULL);
	KT_EXPECT(t, acpi_find_table("NONE") == NULL);
}

KTEST(acpi, corrupted_table_copy_rejected)
{
	struct acpi_sdt_header *h = madt_copy(t);
	if (!h)
		return;
	u32 len = h->length;
	KT_EXPECT(t, acpi_table_check(h, len) == NULL);

	table_copy[len / 2] ^= 0x40; /* one flipped bit anywhere breaks the sum */
	KT_EXPECT(t, acpi_table_check(h, len) != NULL);
	table_copy[len / 2] ^= 0x40;
	KT_EXPECT(t, acpi_table_check(h, len) == NULL);

	KT_EXPECT(t, acpi_table_check(h, len - 1) != NULL); /* claims more than exists */
	h->length = sizeof(*h) - 1;
	KT_EXPECT(t, acpi_table_check(h, len) != NULL);
	h->length = len;
}

KTEST(acpi, rsdp_corruption_rejected)
{
	if (!have_acpi(t))
		return;
	const struct acpi_rsdp *r = acpi_rsdp();
	KT_ASSERT(t, r != NULL);
	struct acpi_rsdp copy;
	memset(&copy, 0, sizeof(copy));
	u64 len = MIN(acpi_rsdp_len(), sizeof(copy));
	memcpy(&copy, r, len);
	KT_EXPECT(t, acpi_rsdp_check(&copy, len) == NULL);
	copy.oem_id[0] ^= 1;
	KT_EXPECT(t, acpi_rsdp_check(&copy, len) != NULL);
	copy.oem_id[0] ^= 1;
	copy.signature[0] = 'X';
	KT_EXPECT(t, acpi_rsdp_check(&copy, len) != NULL);
}

KTEST(acpi, madt_bad_entry_length_rejected)
{
	static struct acpi_madt parsed_madt;
	struct acpi_madt *parsed = &parsed_madt;
	struct acpi_sdt_header *h = madt_copy(t);
	if (!h)
		return;
	KT_ASSERT_EQ(t, acpi_madt_parse(h, parsed), 0);
	KT_EXPECT_EQ(t, parsed->nr_enabled, acpi_madt.nr_enabled);
	KT_EXPECT_EQ(t, parsed->lapic_base, acpi_madt.lapic_base);

	u8 *first = (u8 *)h + sizeof(*h) + 8; /* entries follow address + flags */
	u8 saved = first[1];
	first[1] = 0; /* would loop forever */
	fix_checksum(h);
	KT_EXPECT(t, acpi_table_check(h, h->length) == NULL);
	KT_EXPECT_EQ(t, acpi_madt_parse(h, parsed), -EINVAL);
	first[1] = 0xff; /* runs past the table */
	fix_checksum(h);
	KT_EXPECT_EQ(t, acpi_madt_parse(h, parsed), -EINVAL);
	first[1] = saved;
	fix_checksum(h);
	KT_EXPECT_EQ(t, acpi_madt_parse(h, parsed), 0);
}
#endif
