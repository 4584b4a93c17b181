/*
 * multiboot_parse() with a multiboot1 info structure a loader (or a
 * corrupted memory image) could hand over. The input is physical memory
 * from address 0, the info structure at its start; the pointers inside it
 * (command line, loader name, modules, memory map) are addresses in the
 * same image. The parser must refuse what is malformed with -EINVAL and
 * read nothing outside the image.
 */
#include <string.h>
#include "fuzz.h"
#include "arch/x86_64/boot.h"
#include "arch/x86_64/multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/phys_view.h"

static struct bootinfo bi;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct phys_view mem = { data, size };
	memset(&bi, 0, sizeof(bi));
	if (multiboot_parse(MB1_BOOT_MAGIC, 0, &mem, &bi) == 0) {
		/* What start_kernel would read next: the strings, whole. */
		volatile size_t n = strlen(bi.cmdline) + strlen(bi.loader_name);
		(void)n;
	}
	return 0;
}
