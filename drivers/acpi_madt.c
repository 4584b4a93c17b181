/*
 * The MADT ("APIC" table): a header with the local APIC address and flags,
 * then variable-length entries, each starting with (type, length). We read
 * the entry types SMP and interrupt routing need:
 *   0 local APIC     (8-bit APIC id)         9 local x2APIC (32-bit id)
 *   1 I/O APIC                                2 interrupt source override
 *   5 local APIC address override (64-bit)
 * Unknown types are skipped by their length. An entry whose length is 0 or
 * runs past the table would make the walk loop forever or read beyond the
 * table, so it ends the parse with an error instead.
 */
#include "acpi_tables.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

struct madt_header {
	struct acpi_sdt_header sdt;
	u32 lapic_address;
	u32 flags;
} __packed;

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_ADDRESS 5
#define MADT_X2APIC 9

#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

static u32 rd32(const u8 *p)
{
	u32 v;
	memcpy(&v, p, 4);
	return v;
}

static u16 rd16(const u8 *p)
{
	u16 v;
	memcpy(&v, p, 2);
	return v;
}

/* An x2APIC entry may repeat a CPU already listed as a local APIC. */
static bool madt_has_cpu(const struct acpi_madt *m, u32 apic_id)
{
	for (unsigned i = 0; i < m->nr_cpus; i++)
		if (m->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

static void madt_add_cpu(struct acpi_madt *m, u32 apic_id, u32 uid, u32 flags)
{
	bool enabled = flags & MADT_CPU_ENABLED;
	bool capable = flags & MADT_CPU_ONLINE_CAPABLE;

	if (!enabled && !capable)
		return;
	if (madt_has_cpu(m, apic_id))
		return;
	m->nr_cpu_entries++;
	if (enabled)
		m->nr_enabled++;
	if (m->nr_cpus == ACPI_MADT_MAX_CPUS)
		return;
	m->cpus[m->nr_cpus++] = (struct acpi_madt_cpu){ apic_id, uid, enabled, capable };
}

/* Returns false when the entry is too short for its type. */
static bool madt_entry(struct acpi_madt *m, const u8 *e)
{
	u8 type = e[0], len = e[1];

	switch (type) {
	case MADT_LAPIC:
		if (len < 8)
			return false;
		madt_add_cpu(m, e[3], e[2], rd32(e + 4));
		break;
	case MADT_X2APIC:
		if (len < 16)
			return false;
		madt_add_cpu(m, rd32(e + 4), rd32(e + 12), rd32(e + 8));
		break;
	case MADT_IOAPIC:
		if (len < 12)
			return false;
		if (m->nr_ioapics < ACPI_MADT_MAX_IOAPICS)
			m->ioapics[m->nr_ioapics++] =
				(struct acpi_madt_ioapic){ e[2], rd32(e + 4), rd32(e + 8) };
		break;
	case MADT_OVERRIDE:
		if (len < 10)
			return false;
		if (m->nr_overrides < ACPI_MADT_MAX_OVERRIDES)
			m->overrides[m->nr_overrides++] =
				(struct acpi_madt_override){ e[2], e[3], rd32(e + 4), rd16(e + 8) };
		break;
	case MADT_LAPIC_ADDRESS:
		if (len < 12)
			return false;
		m->lapic_base = (u64)rd32(e + 4) | ((u64)rd32(e + 8) << 32);
		break;
	}
	return true;
}

int acpi_madt_parse(const struct acpi_sdt_header *h, struct acpi_madt *out)
{
	const struct madt_header *mh = (const void *)h;

	memset(out, 0, sizeof(*out));
	if (memcmp(h->signature, "APIC", 4) != 0 || h->length < sizeof(*mh)) {
		pr_err("acpi: MADT malformed: signature '%.4s', length %u\n", h->signature,
		       h->length);
		return -EINVAL;
	}
	out->lapic_base = mh->lapic_address;
	out->flags = mh->flags;
	const u8 *p = (const u8 *)(mh + 1), *end = (const u8 *)h + h->length;
	while (p < end) {
		unsigned off = (unsigned)(p - (const u8 *)h);
		if (end - p < 2 || p[1] < 2 || p[1] > end - p) {
			pr_err("acpi: MADT entry at offset %u has length %u (%u bytes left in the "
			       "table); MADT ignored\n",
			       off, end - p >= 2 ? p[1] : 0, (unsigned)(end - p));
			return -EINVAL;
		}
		if (!madt_entry(out, p)) {
			pr_err("acpi: MADT entry type %u at offset %u is too short (%u bytes); "
			       "MADT ignored\n",
			       p[0], off, p[1]);
			return -EINVAL;
		}
		p += p[1];
	}
	return 0;
}
