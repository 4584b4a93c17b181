/* Host stand-ins for printk and panic in the fuzz targets (see fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/panic.h"
#include "kernel/printk.h"

int console_loglevel = LOG_DEBUG;

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void console_write(const char *s, size_t len)
{
	if (getenv("FUZZ_VERBOSE"))
		fwrite(s, 1, len, stderr);
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (level <= console_loglevel && n > 0)
		console_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
