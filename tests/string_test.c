/* The freestanding string helpers and number parsing. */
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

KTEST(string, parse_numbers)
{
	u64 v;
	KT_EXPECT_EQ(t, str_parse_u64("0", 1, &v, false), 0);
	KT_EXPECT_EQ(t, v, 0);
	KT_EXPECT_EQ(t, str_parse_u64("0xFfff", 6, &v, false), 0);
	KT_EXPECT_EQ(t, v, 0xffff);
	KT_EXPECT_EQ(t, str_parse_u64("2G", 2, &v, true), 0);
	KT_EXPECT_EQ(t, v, 2ull << 30);
	KT_EXPECT_EQ(t, str_parse_u64("2G", 2, &v, false), -EINVAL);
	KT_EXPECT_EQ(t, str_parse_u64("18446744073709551616", 20, &v, false), -ERANGE);
	KT_EXPECT_EQ(t, str_parse_u64("0x", 2, &v, false), -EINVAL);
	KT_EXPECT_EQ(t, str_parse_u64("", 0, &v, false), -EINVAL);
}

KTEST(string, glob)
{
	KT_EXPECT(t, glob_match("*", ""));
	KT_EXPECT(t, glob_match("*", "anything.at_all"));
	KT_EXPECT(t, glob_match("page_alloc.*", "page_alloc.split"));
	KT_EXPECT(t, !glob_match("page_alloc.*", "kmalloc.split"));
	KT_EXPECT(t, glob_match("*.split*", "page_alloc.split_and_merge"));
	KT_EXPECT(t, glob_match("a?c", "abc"));
	KT_EXPECT(t, !glob_match("a?c", "ac"));
}

KTEST(string, mem_functions)
{
	char a[32], b[32];
	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	KT_EXPECT_EQ(t, memcmp(a, b, sizeof(a)), 0);
	b[31] = 'y';
	KT_EXPECT(t, memcmp(a, b, sizeof(a)) < 0);
	memcpy(a, "0123456789", 11);
	memmove(a + 2, a, 8);
	KT_EXPECT_EQ(t, memcmp(a, "0101234567", 10), 0);
	memmove(a, a + 2, 8);
	KT_EXPECT_EQ(t, memcmp(a, "0123456767", 10), 0);
	KT_EXPECT(t, memchr(a, '5', 10) == a + 5);
	KT_EXPECT_EQ(t, strlen("swap"), 4);
	KT_EXPECT(t, strncmp("swap_in", "swap_out", 5) == 0);
	KT_EXPECT(t, strcmp("a", "b") < 0);
}

/* Aligned and unaligned copies and fills at every small offset and length. */
KTEST(string, word_paths_match_byte_semantics)
{
	static u8 src[96] __aligned(8), dst[96] __aligned(8);
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7 + 1);
	for (unsigned off = 0; off < 9; off++)
		for (unsigned len = 0; len < 40; len++) {
			memset(dst, 0xee, sizeof(dst));
			memcpy(dst + off, src + off, len);
			for (unsigned i = 0; i < sizeof(dst); i++) {
				u8 want = (i >= off && i < off + len) ? src[i] : 0xee;
				if (dst[i] != want) {
					ktest_fail(t,
						   "memcpy off %u len %u: byte %u is %u, want %u",
						   off, len, i, dst[i], want);
					return;
				}
			}
			memset(dst + off, 0x5a, len);
			for (unsigned i = off; i < off + len; i++)
				if (dst[i] != 0x5a) {
					ktest_fail(t, "memset off %u len %u: byte %u", off, len, i);
					return;
				}
		}
	/* overlapping moves both ways */
	for (unsigned i = 0; i < sizeof(dst); i++)
		dst[i] = (u8)i;
	memmove(dst + 8, dst, 64);
	for (unsigned i = 0; i < 64; i++)
		KT_ASSERT_EQ(t, dst[8 + i], i);
	memmove(dst, dst + 8, 64);
	for (unsigned i = 0; i < 64; i++)
		KT_ASSERT_EQ(t, dst[i], i);
}
