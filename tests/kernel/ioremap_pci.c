/* Kernel only: arch_ioremap (4 KiB and 2 MiB paths) and PCI enumeration. */
#include <asm/io.h>
#include "drivers/pci.h"
#include "kernel/ktest.h"
#include "mm/page_alloc.h"

/* An ioremap alias of RAM must see what the direct map wrote, and the
 * other way round; the page offset of the physical address is kept. */
static void check_alias(struct ktest *t, unsigned order)
{
	size_t size = PAGE_SIZE << order;
	/* Mappings are permanent (asm/io.h): a new window may need a page
	 * table that stays. */
	ktest_allow_leak(t, "free_pages", "ioremap windows and their page tables are permanent");
	u32 *ram = alloc_pages_va(GFP_KERNEL | __GFP_NOWARN, order);
	if (!ram) {
		ktest_skip(t, order ? "no free block of 2 MiB (order 9) left to alias"
				    : "no free page left to alias");
		return;
	}
	for (size_t i = 0; i < size / 4; i += 1024)
		ram[i] = 0x5a000000u | (u32)i;
	ram[size / 4 - 1] = 0xfeedf00d;
	u8 *io = arch_ioremap(virt_to_phys(ram) + 12, size - 12);
	KT_ASSERT(t, io != NULL);
	KT_EXPECT_EQ(t, (unsigned long)io & (PAGE_SIZE - 1), 12);
	volatile u32 *a = (volatile u32 *)(io - 12);
	for (size_t i = 0; i < size / 4; i += 1024)
		KT_EXPECT_EQ(t, readl(&a[i]), 0x5a000000u | (u32)i);
	KT_EXPECT_EQ(t, readl(&a[size / 4 - 1]), 0xfeedf00d);
	writel(0x12345678, &a[1]);
	KT_EXPECT_EQ(t, ((volatile u32 *)ram)[1], 0x12345678);
	free_pages_va(ram, order);
}

KTEST(ioremap, small_mapping_aliases_ram)
{
	check_alias(t, 1);
}

KTEST(ioremap, large_aligned_mapping_aliases_ram)
{
	check_alias(t, 9); /* 2 MiB aligned: the 2 MiB-page path */
}

/* The PCI tests need a bus: none on arm64 yet (asm/pci.h). */
static bool pci_required(struct ktest *t)
{
	if (pci_present())
		return true;
	ktest_skip(t, "no PCI config space access on this arch/machine");
	return false;
}

KTEST(pci, host_bridge_is_first_function)
{
	if (!pci_required(t))
		return;
	KT_ASSERT(t, !list_empty(&pci_devices));
	struct pci_dev *d = list_first_entry(&pci_devices, struct pci_dev, link);
	KT_EXPECT_EQ(t, d->bus, 0);
	KT_EXPECT_EQ(t, d->dev, 0);
	KT_EXPECT_EQ(t, d->class, 0x06);    /* bridge */
	KT_EXPECT_EQ(t, d->subclass, 0x00); /* host bridge */
	KT_EXPECT_EQ(t, d->vendor, pci_read16(d, PCI_VENDOR_ID));
}

/* Sizes are powers of two and bases aligned to them (as the spec makes
 * them); a 64-bit BAR's upper half is not counted as a BAR of its own. */
KTEST(pci, bars_are_sized_and_aligned)
{
	if (!pci_required(t))
		return;
	struct pci_dev *d;
	unsigned seen = 0;
	list_for_each_entry (d, &pci_devices, link) {
		for (unsigned i = 0; i < 6; i++) {
			struct pci_bar *b = &d->bar[i];
			if (!b->size)
				continue;
			seen++;
			KT_EXPECT_EQ(t, b->size & (b->size - 1), 0);
			KT_EXPECT_EQ(t, b->base & (b->size - 1), 0);
			if (b->is64)
				KT_EXPECT_EQ(t, d->bar[i + 1].size, 0);
		}
	}
	KT_EXPECT(t, seen > 0);
}

/*
 * A 64-bit BAR above 4 GiB is reachable through arch_ioremap. tools/test.sh
 * attaches an ivshmem-plain device (1af4:1110) whose 1 GiB RAM-backed BAR 2
 * SeaBIOS cannot fit below 4 GiB; we write both ends through the mapping
 * and read them back.
 */
KTEST(pci, bar_above_4g_mapped_and_usable)
{
	struct pci_dev *d, *found = NULL;
	list_for_each_entry (d, &pci_devices, link)
		if (d->vendor == 0x1af4 && d->device == 0x1110)
			found = d;
	if (!found) {
		ktest_skip(t, "no ivshmem device (1af4:1110) attached");
		return;
	}
	struct pci_bar *b = &found->bar[2];
	KT_ASSERT(t, b->is64 && b->size >= (1ul << 20));
	ktest_allow_leak(t, "free_pages", "ioremap windows and their page tables are permanent");
	ktest_diag(t, "ivshmem bar2 at %#lx size %#lx", (unsigned long)b->base,
		   (unsigned long)b->size);
	KT_EXPECT(t, b->base >= (4ul << 30));
	pci_enable(found);
	volatile u8 *m = pci_map_bar(found, 2);
	KT_ASSERT(t, m != NULL);
	volatile u64 *first = (volatile u64 *)m, *last = (volatile u64 *)(m + b->size - 8);
	writeq(0x0123456789abcdefull, first);
	writeq(0xfedcba9876543210ull, last);
	KT_EXPECT_EQ(t, readq(first), 0x0123456789abcdefull);
	KT_EXPECT_EQ(t, readq(last), 0xfedcba9876543210ull);
	KT_EXPECT(t, pci_map_bar(found, 2) == m); /* mapped once */
}
