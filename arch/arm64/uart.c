/*
 * The console: an Arm PL011 UART, polled (printk works from any context,
 * panic included). Its address comes from the device tree's "arm,pl011"
 * node (setup.c); until the tree is read, uart_init_early() uses QEMU
 * virt's fixed UART at 0x09000000, so the first messages (and a bad DTB's
 * report) are visible there, but only when the image was loaded in virt's
 * RAM (from 0x40000000): on a Raspberry Pi (RAM from 0, the Image at
 * 0x80000 or QEMU's 0x200000) 0x09000000 is RAM, and its console (PL011
 * at 0x3f201000 on a Pi 3) comes only from the tree.
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include "arm64.h"
#include "kernel/printk.h"

#define QEMU_VIRT_PL011 0x09000000ul
#define QEMU_VIRT_RAM_BASE 0x40000000ul
#define UART_DR 0x00
#define UART_FR 0x18
#define FR_TXFF (1u << 5)
#define UART_CR 0x30
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static volatile u8 *uart;
static u64 uart_phys;

void uart_init(u64 base)
{
	if (base == uart_phys && uart)
		return;
	volatile u8 *regs = arch_ioremap(base, 0x1000);
	if (!regs)
		return;
	/* Firmware (or QEMU's reset) has set the baud rate; make sure the
	 * transmitter is on without changing the line settings. */
	u32 cr = readl(regs + UART_CR);
	if ((cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE))
		writel(cr | CR_UARTEN | CR_TXE | CR_RXE, regs + UART_CR);
	uart_phys = base;
	uart = regs;
}

void uart_init_early(u64 image_phys)
{
	if (image_phys >= QEMU_VIRT_RAM_BASE)
		uart_init(QEMU_VIRT_PL011);
}

static void uart_putc(char c)
{
	for (int i = 0; i < 100000 && (readl(uart + UART_FR) & FR_TXFF); i++)
		arch_cpu_relax();
	writel((u8)c, uart + UART_DR);
}

void arch_console_write(const char *s, size_t len)
{
	if (!uart)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}
