/*
 * TEMPORARY, until drivers/fdt.c (branch fdt) is merged: the least device
 * tree reading that boots QEMU virt: /memory's "reg" (2 address cells, 2
 * size cells, as QEMU writes them) and /chosen's "bootargs". Everything
 * else is QEMU virt's fixed layout (setup.c). Bounds-checked, but not the
 * parser: it goes away with the merge.
 */
#include <asm/page.h>
#include "kernel/bootinfo.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

int dtb_temporary_parse(const u8 *blob, u32 room, struct bootinfo *bi)
{
	if (room < 40 || be32(blob) != 0xd00dfeedu)
		return -1;
	u32 total = be32(blob + 4), off_struct = be32(blob + 8), off_strings = be32(blob + 12);
	if (total > room || off_struct >= total || off_strings >= total)
		return -1;
	const char *node = "";
	int depth = 0;
	for (u32 off = off_struct; off + 4 <= total;) {
		u32 token = be32(blob + off);
		off += 4;
		if (token == 1) { /* FDT_BEGIN_NODE */
			node = (const char *)blob + off;
			size_t n = strnlen(node, total - off);
			off += (u32)ALIGN_UP(n + 1, 4);
			depth++;
		} else if (token == 2) { /* FDT_END_NODE */
			depth--;
		} else if (token == 3) { /* FDT_PROP */
			if (off + 8 > total)
				return -1;
			u32 len = be32(blob + off), nameoff = be32(blob + off + 4);
			const u8 *val = blob + off + 8;
			if (off + 8 + len > total || off_strings + nameoff >= total)
				return -1;
			const char *name = (const char *)blob + off_strings + nameoff;
			if (depth == 2 && strncmp(node, "memory@", 7) == 0 &&
			    strcmp(name, "reg") == 0) {
				for (u32 i = 0; i + 16 <= len && bi->nr_mem < BOOT_MAX_MEM_REGIONS;
				     i += 16) {
					u64 base = (u64)be32(val + i) << 32 | be32(val + i + 4);
					u64 size =
						(u64)be32(val + i + 8) << 32 | be32(val + i + 12);
					bi->mem[bi->nr_mem++] =
						(struct boot_mem_region){ base, size,
									  BOOT_MEM_USABLE };
				}
			}
			if (depth == 2 && strcmp(node, "chosen") == 0 &&
			    strcmp(name, "bootargs") == 0 && len > 0 && val[len - 1] == 0)
				bi->cmdline = (const char *)val;
			off += 8 + (u32)ALIGN_UP(len, 4);
		} else if (token == 9) { /* FDT_END */
			break;
		} else if (token != 4) {
			return -1;
		}
	}
	if (!bi->cmdline)
		bi->cmdline = "";
	return bi->nr_mem ? 0 : -1;
}
