/* vsnprintk: every conversion the tree uses, truncation and padding. */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static bool formats_as(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return strcmp(buf, want) == 0;
}

KTEST(printk, integers)
{
	KT_EXPECT(t, formats_as("0 -1 42", "%d %d %u", 0, -1, 42u));
	KT_EXPECT(t, formats_as("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1)));
	KT_EXPECT(t, formats_as("18446744073709551615", "%lu", ~0ul));
	KT_EXPECT(t, formats_as("ff FF 0xff", "%x %X %#x", 255u, 255u, 255u));
	KT_EXPECT(t, formats_as("ffffffffffffffff", "%lx", ~0ul));
}

KTEST(printk, width_and_padding)
{
	KT_EXPECT(t, formats_as("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42));
	KT_EXPECT(t, formats_as("-0042", "%05d", -42));
	KT_EXPECT(t, formats_as("  ab|ab  ", "%4s|%-4s", "ab", "ab"));
	KT_EXPECT(t, formats_as("0x0000000000001000", "%p", (void *)0x1000));
}

KTEST(printk, strings_and_precision)
{
	KT_EXPECT(t, formats_as("abc", "%.*s", 3, "abcdef"));
	KT_EXPECT(t, formats_as("(null)", "%s", (char *)NULL));
	KT_EXPECT(t, formats_as("x%y", "%c%%%c", 'x', 'y'));
}

KTEST(printk, truncation_reports_full_length)
{
	char buf[8];
	int n = snprintk(buf, sizeof(buf), "%s", "0123456789");
	KT_EXPECT_EQ(t, n, 10);
	KT_EXPECT(t, strcmp(buf, "0123456") == 0);
}
