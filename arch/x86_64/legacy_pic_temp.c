/*
 * TEMPORARY until the LAPIC/SMP work is merged: the BIOS leaves the 8259
 * PICs delivering the PIT's IRQ 0 at vector 8 (the double-fault vector).
 * Kernel threads run with interrupts enabled, so remap the PICs above the
 * exceptions (0x20-0x2f) and mask every line.
 */
#include "io.h"

void legacy_pic_disable_temp(void)
{
	outb(0x20, 0x11); /* ICW1: init, expect ICW4 */
	outb(0xa0, 0x11);
	outb(0x21, 0x20); /* ICW2: master vectors 0x20.. */
	outb(0xa1, 0x28); /* slave vectors 0x28.. */
	outb(0x21, 0x04); /* ICW3: slave on IRQ 2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff); /* mask all */
	outb(0xa1, 0xff);
}
