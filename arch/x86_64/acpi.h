/*
 * ACPI on x86-64: the tables found once at boot, read in place through the
 * direct map. The firmware leaves them in reserved or ACPI memory, so
 * nothing here reserves or copies them. The parsing itself (RSDP, XSDT or
 * RSDT, MADT, MCFG) is fetch-free and lives in drivers/acpi_tables.c; this
 * file gives it the view of memory the boot page tables map.
 *
 * acpi_init() runs once on the boot CPU (from smp_init) before any other
 * CPU runs; afterwards everything here is read-only and needs no lock.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "drivers/acpi_tables.h"

struct bootinfo;

/* Filled by acpi_init(); acpi_madt_found says whether it is valid. */
extern struct acpi_madt acpi_madt;
extern bool acpi_madt_found;

/* Find and check the RSDP and root table, list the tables, parse the
 * MADT. Returns 0, or -ENOENT (no usable ACPI) after saying why. */
int acpi_init(const struct bootinfo *bi);

/* The first valid table with this 4-character signature, or NULL. */
const struct acpi_sdt_header *acpi_find_table(const char *signature);

/* The RSDP in use (the loader's copy or the one found in memory), and how
 * many bytes of it may be read; NULL without ACPI. */
const struct acpi_rsdp *acpi_rsdp(void);
u64 acpi_rsdp_len(void);

#endif
