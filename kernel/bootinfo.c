#include "bootinfo.h"
#include "printk.h"

struct bootinfo bootinfo;

void bootinfo_reserve(struct bootinfo *bi, u64 start, u64 end, const char *what)
{
	if (end <= start)
		return;
	if (bi->nr_reserved == BOOT_MAX_RESERVED) {
		pr_warn("boot: too many reserved ranges; %s at %#lx..%#lx not recorded\n", what,
			(unsigned long)start, (unsigned long)end);
		return;
	}
	bi->reserved[bi->nr_reserved++] = (struct boot_reserved){ start, end, what };
}

const char *boot_mem_type_name(u32 type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI tables";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad";
	default:
		return "reserved";
	}
}
