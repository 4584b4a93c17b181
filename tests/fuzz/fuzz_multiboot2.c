/*
 * multiboot_parse() with a multiboot2 info structure: the input is
 * physical memory from address 0 with the info (total size, reserved, then
 * tags) at its start. A copy is made into an 8-byte aligned buffer of
 * exactly the input's size, as the protocol guarantees the alignment and
 * ASan then sees the end of the image. Malformed info must be refused with
 * -EINVAL; what is accepted is read the way the kernel reads it next.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "arch/x86_64/boot.h"
#include "arch/x86_64/multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/phys_view.h"

static struct bootinfo bi;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1); /* malloc aligns to 16 */
	memcpy(img, data, size);
	const struct phys_view mem = { img, size };
	memset(&bi, 0, sizeof(bi));
	if (multiboot_parse(MB2_BOOT_MAGIC, 0, &mem, &bi) == 0) {
		volatile size_t n = strlen(bi.cmdline) + strlen(bi.loader_name);
		volatile uint8_t sum = 0;
		for (uint32_t i = 0; bi.rsdp && i < bi.rsdp_len; i++)
			sum += ((const uint8_t *)bi.rsdp)[i];
		(void)n;
		(void)sum;
	}
	free(img);
	return 0;
}
