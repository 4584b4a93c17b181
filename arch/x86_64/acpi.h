/*
 * ACPI tables, read-only: just enough to find the CPUs and interrupt
 * controllers (the MADT, signature "APIC") and, later, other tables by
 * signature (PCI will look up "MCFG"). The firmware leaves the tables in
 * reserved or ACPI memory, so nothing here reserves or copies them; we read
 * them in place through the direct map.
 *
 * acpi_init() runs once on the boot CPU (from smp_init) before any other
 * CPU runs; afterwards everything here is read-only and needs no lock.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct bootinfo;

/* Root System Description Pointer (ACPI 1.0 is the first 20 bytes). */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;       /* covers the first 20 bytes */
	char oem_id[6];
	u8 revision;       /* 0: ACPI 1.0 (RSDT only); >= 2: has the XSDT */
	u32 rsdt_address;
	u32 length;        /* ACPI 2.0+: of the whole structure */
	u64 xsdt_address;
	u8 extended_checksum; /* covers all "length" bytes */
	u8 reserved[3];
} __packed;

#define ACPI_RSDP_V1_LEN 20

/* The header every System Description Table starts with. */
struct acpi_sdt_header {
	char signature[4];
	u32 length; /* of the whole table, header included */
	u8 revision;
	u8 checksum; /* all "length" bytes sum to 0 (mod 256) */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

/* What the MADT says, parsed. CPUs are in MADT order. */
#define ACPI_MADT_MAX_CPUS 64
#define ACPI_MADT_MAX_IOAPICS 8
#define ACPI_MADT_MAX_OVERRIDES 16

struct acpi_madt_cpu {
	u32 apic_id;
	u32 acpi_uid;
	bool enabled;        /* flags bit 0: usable now */
	bool online_capable; /* flags bit 1: may be enabled (hot-added) later */
};

struct acpi_madt_ioapic {
	u32 id;
	u32 address;  /* physical MMIO base */
	u32 gsi_base; /* first global system interrupt it serves */
};

/* An ISA IRQ routed to another GSI, or with other polarity/trigger. */
struct acpi_madt_override {
	u8 bus, source; /* source: the ISA IRQ number */
	u32 gsi;
	u16 flags;      /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct acpi_madt {
	u64 lapic_base; /* from the header, or the type 5 override */
	u32 flags;      /* bit 0 PCAT_COMPAT: dual 8259 PICs present */
	unsigned nr_cpus;       /* entries kept in cpus[] */
	unsigned nr_enabled;    /* enabled CPUs, counted even past cpus[] */
	unsigned nr_cpu_entries; /* all usable (enabled or online-capable) entries */
	struct acpi_madt_cpu cpus[ACPI_MADT_MAX_CPUS];
	unsigned nr_ioapics;
	struct acpi_madt_ioapic ioapics[ACPI_MADT_MAX_IOAPICS];
	unsigned nr_overrides;
	struct acpi_madt_override overrides[ACPI_MADT_MAX_OVERRIDES];
};

/* Filled by acpi_init(); acpi_madt_found says whether it is valid. */
extern struct acpi_madt acpi_madt;
extern bool acpi_madt_found;

/* Find and check the RSDP and root table, list the tables, parse the
 * MADT. Returns 0, or -ENOENT (no usable ACPI) after saying why. */
int acpi_init(const struct bootinfo *bi);

/* The first valid table with this 4-character signature, or NULL. */
const struct acpi_sdt_header *acpi_find_table(const char *signature);

/* Where the RSDP was found (0 for a loader-provided copy), and the root. */
const struct acpi_rsdp *acpi_rsdp(void);

/*
 * Validators, usable on any buffer (the tests feed them corrupted copies).
 * They return NULL when the structure is sound, otherwise the reason.
 * avail is how many bytes may be read at the address.
 */
const char *acpi_rsdp_check(const struct acpi_rsdp *rsdp);
const char *acpi_table_check(const struct acpi_sdt_header *h, u64 avail);

/* Parse a (validated) MADT into *out; -EINVAL with a message when an entry
 * is malformed (length 0 or running past the table). */
int acpi_madt_parse(const struct acpi_sdt_header *h, struct acpi_madt *out);

#endif
