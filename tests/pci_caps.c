/*
 * PCI capability parsing on config spaces built in a buffer
 * (drivers/pci_caps.c, drivers/virtio_pci_caps.c): the layout QEMU's
 * virtio-blk gives is accepted, and what tests/fuzz/fuzz_pci_caps.c is
 * about (lists that loop, ranges past a BAR) is refused.
 */
#include "drivers/pci.h"
#include "drivers/pci_caps.h"
#include "drivers/virtio_pci_caps.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "tests/test_kit.h"

static u8 cfg[PCI_CFG_SIZE];
static const u64 bars[6] = { 0, 0x1000, 0, 0, 0x4000, 0 };

static void vcap(u8 off, u8 next, u8 type, u8 bar, u32 offset, u32 length, u8 len)
{
	cfg[off] = PCI_CAP_ID_VNDR;
	cfg[off + 1] = next;
	cfg[off + 2] = len;
	cfg[off + 3] = type;
	cfg[off + 4] = bar;
	test_put_u32(cfg, off + 8, offset);
	test_put_u32(cfg, off + 12, length);
}

/* QEMU's modern virtio-blk: MSI-X at 0xb8 (table in BAR 1), then common,
 * ISR, device and notify in BAR 4, and a PCI-config-access capability. */
static void make_virtio_blk(void)
{
	memset(cfg, 0, sizeof(cfg));
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAP_PTR] = 0xb8;
	cfg[0xb8] = PCI_CAP_ID_MSIX;
	cfg[0xb9] = 0x88;
	cfg[0xba] = 1;		    /* 2 entries */
	test_put_u32(cfg, 0xbc, 1); /* BIR 1, offset 0 */
	vcap(0x88, 0x70, VIRTIO_PCI_CAP_COMMON, 4, 0, 0x1000, 16);
	vcap(0x70, 0x58, VIRTIO_PCI_CAP_ISR, 4, 0x1000, 0x1000, 16);
	vcap(0x58, 0x40, VIRTIO_PCI_CAP_DEVICE, 4, 0x2000, 0x1000, 16);
	vcap(0x40, 0xa0, VIRTIO_PCI_CAP_NOTIFY, 4, 0x3000, 0x1000, 20);
	test_put_u32(cfg, 0x50, 4); /* notify_off_multiplier */
	vcap(0xa0, 0, 5, 0, 0, 0, 20);
}

static int parse_quietly(struct virtio_pci_layout *l)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusals below are expected */
	int err = virtio_pci_parse_caps(cfg, bars, "00:03.0", l);
	console_loglevel = saved;
	return err;
}

KTEST(pci_caps, virtio_blk_layout_parsed)
{
	static struct virtio_pci_layout l;
	struct pci_msix_info m;
	u32 off;
	make_virtio_blk();
	u8 msix = pci_cap_find(cfg, PCI_CAP_ID_MSIX, 0);
	KT_ASSERT_EQ(t, msix, 0xb8);
	KT_ASSERT_EQ(t, pci_msix_parse(cfg, msix, bars, "00:03.0", &m), 0);
	KT_EXPECT_EQ(t, m.nr, 2);
	KT_EXPECT_EQ(t, m.bir, 1);
	KT_ASSERT_EQ(t, parse_quietly(&l), 0);
	KT_EXPECT_EQ(t, l.common.offset, 0);
	KT_EXPECT_EQ(t, l.isr.offset, 0x1000);
	KT_EXPECT(t, l.has_device);
	KT_EXPECT_EQ(t, l.notify.offset, 0x3000);
	KT_EXPECT_EQ(t, l.notify_mult, 4);
	KT_ASSERT_EQ(t, virtio_pci_notify_offset(&l, 3, &off), 0);
	KT_EXPECT_EQ(t, off, 12);
}

/* Found by the fuzz target's seed: a vendor capability whose next points
 * to itself gave map_caps the same capability forever (a boot hang). */
KTEST(pci_caps, looping_vendor_list_ends)
{
	static struct virtio_pci_layout l;
	make_virtio_blk();
	cfg[0x41] = 0x40;		       /* notify -> notify -> ... */
	KT_EXPECT_EQ(t, parse_quietly(&l), 0); /* common, ISR, device came first */
	cfg[PCI_CAP_PTR] = 0x40;
	KT_EXPECT_EQ(t, parse_quietly(&l), -ENODEV);
}

KTEST(pci_caps, ranges_past_their_bar_are_refused)
{
	static struct virtio_pci_layout l;
	struct pci_msix_info m;
	u32 off;
	make_virtio_blk();
	cfg[0xba] = 0xff; /* 256 MSI-X entries: 4 KiB, the whole BAR 1 */
	KT_EXPECT_EQ(t, pci_msix_parse(cfg, 0xb8, bars, "00:03.0", &m), 0);
	test_put_u32(cfg, 0xbc, 1 | 0x10); /* the same table 16 bytes further: past the end */
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, pci_msix_parse(cfg, 0xb8, bars, "00:03.0", &m), -EINVAL);
	test_put_u32(cfg, 0xbc, 6); /* BIR 6 does not exist */
	KT_EXPECT_EQ(t, pci_msix_parse(cfg, 0xb8, bars, "00:03.0", &m), -EINVAL);
	console_loglevel = saved;

	test_put_u32(cfg, 0x88 + 8, 0x3800); /* common config running past BAR 4 */
	KT_EXPECT_EQ(t, parse_quietly(&l), -ENODEV);
	make_virtio_blk();
	test_put_u32(cfg, 0x70 + 12, 0); /* an ISR region of no bytes */
	KT_EXPECT_EQ(t, parse_quietly(&l), -ENODEV);
	make_virtio_blk();
	cfg[0x40 + 2] = 16; /* a notify capability without its multiplier */
	KT_EXPECT_EQ(t, parse_quietly(&l), -ENODEV);
	make_virtio_blk();
	KT_ASSERT_EQ(t, parse_quietly(&l), 0);
	KT_EXPECT_EQ(t, virtio_pci_notify_offset(&l, 0x3ff, &off), 0);
	KT_EXPECT_EQ(t, virtio_pci_notify_offset(&l, 0x400, &off), -EINVAL);
	l.notify_mult = 0x80000000u;
	KT_EXPECT_EQ(t, virtio_pci_notify_offset(&l, 0xffff, &off), -EINVAL);
}
