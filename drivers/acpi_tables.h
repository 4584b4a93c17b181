/*
 * ACPI tables, read-only and fetch-free: finding the RSDP, checking the
 * root table (XSDT or RSDT) and the tables it lists, and parsing the MADT
 * and MCFG. Every byte is read through a struct phys_view: the arch gives
 * the view it has mapped (x86-64: the boot direct map of the first 4 GiB,
 * arch/x86_64/acpi.c), and tests/fuzz/fuzz_acpi.c a buffer. A table that
 * does not fit in the view, claims a bad length or fails its checksum is
 * reported and skipped, never parsed.
 *
 * Nothing here keeps state: the caller keeps the struct acpi_root.
 */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include "kernel/compiler.h"
#include "kernel/phys_view.h"
#include "kernel/types.h"

/* Root System Description Pointer (ACPI 1.0 is the first 20 bytes). */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;	   /* covers the first 20 bytes */
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (RSDT only); >= 2: has the XSDT */
	u32 rsdt_address;
	u32 length; /* ACPI 2.0+: of the whole structure */
	u64 xsdt_address;
	u8 extended_checksum; /* covers all "length" bytes */
	u8 reserved[3];
} __packed;

#define ACPI_RSDP_V1_LEN 20
#define ACPI_MAX_TABLE_LEN (16u << 20)

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

/* The RSDP in use and the root table it leads to (both checked). */
struct acpi_root {
	const struct acpi_rsdp *rsdp;
	u64 rsdp_phys;			     /* where it was found; 0 for the loader's copy */
	const struct acpi_sdt_header *table; /* the XSDT or the RSDT */
	bool is_xsdt;
};

/* Find the RSDP (the loader's copy of loader_len bytes when valid, else
 * the BIOS areas in mem) and its root table. 0, or -ENOENT after saying
 * why there is no usable ACPI. */
int acpi_root_find(const struct phys_view *mem, const void *loader_rsdp, u32 loader_len,
		   struct acpi_root *root);
/* The first valid table with this 4-character signature, or NULL. */
const struct acpi_sdt_header *acpi_root_find_table(const struct phys_view *mem,
						   const struct acpi_root *root, const char *sig);
/* Print every table the root lists (and why a bad one is ignored). */
void acpi_root_list(const struct phys_view *mem, const struct acpi_root *root);

/*
 * Validators, usable on any buffer (the tests feed them corrupted copies).
 * They return NULL when the structure is sound, otherwise the reason.
 * avail is how many bytes may be read at the address. An RSDP of revision
 * 2 or more with fewer than 36 bytes available (the 20-byte copy a loader
 * gives in multiboot2 tag 14) is checked, and used, as ACPI 1.0.
 */
const char *acpi_rsdp_check(const struct acpi_rsdp *rsdp, u64 avail);
bool acpi_rsdp_has_xsdt(const struct acpi_rsdp *rsdp, u64 avail);
const char *acpi_table_check(const struct acpi_sdt_header *h, u64 avail);

/* What the MADT says, parsed. CPUs are in MADT order. */
#define ACPI_MADT_MAX_CPUS 64
#define ACPI_MADT_MAX_IOAPICS 8
#define ACPI_MADT_MAX_OVERRIDES 16

struct acpi_madt_cpu {
	u32 apic_id;
	u32 acpi_uid;
	bool enabled;	     /* flags bit 0: usable now */
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
	u16 flags; /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct acpi_madt {
	u64 lapic_base;		 /* from the header, or the type 5 override */
	u32 flags;		 /* bit 0 PCAT_COMPAT: dual 8259 PICs present */
	unsigned nr_cpus;	 /* entries kept in cpus[] */
	unsigned nr_enabled;	 /* enabled CPUs, counted even past cpus[] */
	unsigned nr_cpu_entries; /* all usable (enabled or online-capable) entries */
	struct acpi_madt_cpu cpus[ACPI_MADT_MAX_CPUS];
	unsigned nr_ioapics;
	struct acpi_madt_ioapic ioapics[ACPI_MADT_MAX_IOAPICS];
	unsigned nr_overrides;
	struct acpi_madt_override overrides[ACPI_MADT_MAX_OVERRIDES];
};

/* Parse a (validated) MADT into *out; -EINVAL with a message when an entry
 * is malformed (length 0 or running past the table). */
int acpi_madt_parse(const struct acpi_sdt_header *h, struct acpi_madt *out);

/* One MCFG allocation: PCIe ECAM for buses start_bus..end_bus of a
 * segment, 1 MiB per bus from base. */
struct acpi_mcfg_entry {
	u64 base;
	u16 segment;
	u8 start_bus, end_bus;
	u32 reserved;
} __packed;

/* Copy at most max allocations of a (validated) MCFG to out; returns how
 * many, or -EINVAL with a message when the table is shorter than its fixed
 * part (44 bytes) or the rest is not whole 16-byte allocations. */
int acpi_mcfg_parse(const struct acpi_sdt_header *h, struct acpi_mcfg_entry *out, unsigned max);

#endif
