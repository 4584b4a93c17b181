/*
 * The ACPI tables as firmware (or stray memory) could leave them: RSDP,
 * XSDT/RSDT, then the MADT and MCFG they list. Input: a mode byte, a
 * length byte, that many bytes of a loader's RSDP copy (used when mode bit
 * 0 is set, as multiboot2 tags 14/15 give it), then a physical memory
 * image. With mode bit 1 the image sits at 0xe0000 (the BIOS area the RSDP
 * scan reads, zeroes below it); otherwise at address 0. Tables point at
 * addresses in the image. Every buffer is exactly as long as its data, so
 * ASan sees any read past it; the parsers must refuse what is malformed.
 */
#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/acpi_tables.h"

#define BIOS_AREA 0xe0000u
#define MAX_IMAGE 65536u /* make fuzz passes -max_len=16384 */

/*
 * Memory with the image at BIOS_AREA: one buffer, zero below the image
 * (never written), kept between runs because clearing 896 KiB each time
 * made the target a hundred times slower. What lies past the image is
 * poisoned, so ASan still reports a read beyond the view's end.
 */
static u8 *bios_image(const u8 *img, size_t len)
{
	static u8 *buf;
	const size_t size = BIOS_AREA + MAX_IMAGE;
	if (!buf)
		buf = calloc(1, size);
	ASAN_UNPOISON_MEMORY_REGION(buf + BIOS_AREA, MAX_IMAGE);
	memcpy(buf + BIOS_AREA, img, len);
	ASAN_POISON_MEMORY_REGION(buf + BIOS_AREA + len, MAX_IMAGE - len);
	return buf;
}

static struct acpi_madt madt;
static struct acpi_mcfg_entry mcfg[16];

static void parse_tables(const struct phys_view *mem, const struct acpi_root *root)
{
	acpi_root_list(mem, root);
	const struct acpi_sdt_header *h = acpi_root_find_table(mem, root, "APIC");
	if (h && acpi_madt_parse(h, &madt) == 0) {
		if (madt.nr_cpus > ACPI_MADT_MAX_CPUS || madt.nr_ioapics > ACPI_MADT_MAX_IOAPICS ||
		    madt.nr_overrides > ACPI_MADT_MAX_OVERRIDES ||
		    madt.nr_cpus > madt.nr_cpu_entries)
			abort();
	}
	h = acpi_root_find_table(mem, root, "MCFG");
	if (h && acpi_mcfg_parse(h, mcfg, 16) > 16)
		abort();
	acpi_root_find_table(mem, root, "FACP");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 < data[1] || size - 2 - data[1] > MAX_IMAGE)
		return 0;
	u8 mode = data[0];
	u32 copy_len = data[1];
	const u8 *img = data + 2 + copy_len;
	size_t img_len = size - 2 - copy_len;
	u8 *copy = malloc(copy_len + 1);
	memcpy(copy, data + 2, copy_len);
	u8 *phys = mode & 2 ? bios_image(img, img_len) : malloc(img_len + 1);
	size_t at = mode & 2 ? BIOS_AREA : 0;
	if (!(mode & 2))
		memcpy(phys, img, img_len);

	const struct phys_view mem = { phys, at + img_len };
	struct acpi_root root;
	if (acpi_root_find(&mem, mode & 1 ? copy : NULL, copy_len, &root) == 0)
		parse_tables(&mem, &root);
	if (!(mode & 2))
		free(phys);
	free(copy);
	return 0;
}
