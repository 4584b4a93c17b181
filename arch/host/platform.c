/*
 * Host platform set-up: what the kernel's start_kernel does before tests,
 * done for the host program. The fake firmware memory map is deliberately
 * untidy, like real ones: a hole below 1 MiB, a reserved hole in the
 * middle, an unsorted entry and a zero-length one, plus reserved ranges
 * for a "kernel image" and "boot info", so page_alloc_init's region
 * processing runs its real paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <asm/page.h>
#include "kernel/bootinfo.h"
#include "kernel/sched.h"
#include "mm/page_alloc.h"

#define HOST_PHYS_SIZE (256ul << 20)
#define MiB (1ul << 20)

void host_phys_init(size_t bytes);

static void add_mem(struct bootinfo *bi, u64 base, u64 len, u32 type)
{
	bi->mem[bi->nr_mem++] = (struct boot_mem_region){ base, len, type };
}

void host_platform_init(void)
{
	struct bootinfo *bi = &bootinfo;

	host_phys_init(HOST_PHYS_SIZE);
	bi->loader = "host";
	bi->loader_name = "";
	bi->cmdline = "";
	add_mem(bi, 0, 0x9fc00, BOOT_MEM_USABLE);
	add_mem(bi, 0x9fc00, 0x60400, BOOT_MEM_RESERVED);
	add_mem(bi, 100 * MiB, HOST_PHYS_SIZE - 100 * MiB, BOOT_MEM_USABLE); /* unsorted */
	add_mem(bi, MiB, 96 * MiB - MiB, BOOT_MEM_USABLE);
	add_mem(bi, 96 * MiB, 4 * MiB, BOOT_MEM_RESERVED); /* a hole */
	add_mem(bi, 50 * MiB, 0, BOOT_MEM_USABLE);	   /* zero length */
	bootinfo_reserve(bi, MiB, 3 * MiB, "kernel image");
	bootinfo_reserve(bi, 0x8000, 0x9000, "boot info");
	bootinfo_reserve(bi, 0, MiB, "low memory");
	if (page_alloc_init(bi) != 0) {
		fprintf(stderr, "host: page_alloc_init failed\n");
		exit(2);
	}
	sched_init();
}
