/* The default job's self-check: small, quick, and meaningful on every boot. */
#include "kernel/ktest.h"
#include "kernel/string.h"

KTEST(smoke, string_parse)
{
	u64 v = 0;
	KT_EXPECT_EQ(t, str_parse_u64("512M", 4, &v, true), 0);
	KT_EXPECT_EQ(t, v, 512ull << 20);
	KT_EXPECT(t, str_parse_u64("12x", 3, &v, false) < 0);
	KT_EXPECT(t, glob_match("swap*.alloc?", "swap_table.alloc1"));
	KT_EXPECT(t, !glob_match("swap*.alloc?", "swap_table.free1"));
}
