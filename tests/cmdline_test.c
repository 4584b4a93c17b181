/* Command-line parsing over a private table of keys. */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u64 t_num;
static bool t_flag;
static const char *t_str;
static int t_fn_calls;

static int t_fn(const char *val, size_t len)
{
	t_fn_calls++;
	return len == 2 && val[0] == 'o' && val[1] == 'k' ? 0 : -EINVAL;
}

static const struct kparam t_params[] = {
	{ "num", KPARAM_KIND_U64, &t_num, 1, 1000, NULL, "a number" },
	{ "swap.flag", KPARAM_KIND_BOOL, &t_flag, 0, 1, NULL, "a flag" },
	{ "str", KPARAM_KIND_STR, &t_str, 0, 0, NULL, "a string" },
	{ "fn", KPARAM_KIND_FN, NULL, 0, 0, t_fn, "a custom parser" },
};

static int parse(const char *line)
{
	static char buf[256];
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* refusals are expected here */
	int err = cmdline_parse_table(line, t_params, t_params + ARRAY_SIZE(t_params), buf,
				      sizeof(buf));
	console_loglevel = saved;
	return err;
}

KTEST(cmdline, values_are_set)
{
	t_num = 0, t_flag = false, t_str = NULL, t_fn_calls = 0;
	KT_ASSERT_EQ(t, parse("/boot/swaplab.elf num=0x20 swap.flag=1 str=a*b fn=ok"), 0);
	KT_EXPECT_EQ(t, t_num, 32);
	KT_EXPECT(t, t_flag);
	KT_EXPECT(t, t_str && strcmp(t_str, "a*b") == 0);
	KT_EXPECT_EQ(t, t_fn_calls, 1);
}

KTEST(cmdline, suffixes_and_extra_spaces)
{
	t_num = 0;
	KT_EXPECT_EQ(t, parse("  num=1K   "), -EINVAL); /* 1024 > max 1000 */
	KT_ASSERT_EQ(t, parse("  num=999   str=x  "), 0);
	KT_EXPECT_EQ(t, t_num, 999);
	KT_EXPECT(t, strcmp(t_str, "x") == 0);
}

KTEST(cmdline, refusals)
{
	KT_EXPECT_EQ(t, parse("unknown=1"), -EINVAL);
	KT_EXPECT_EQ(t, parse("num=0"), -EINVAL);    /* below min */
	KT_EXPECT_EQ(t, parse("num=1001"), -EINVAL); /* above max */
	KT_EXPECT_EQ(t, parse("num=12abc"), -EINVAL);
	KT_EXPECT_EQ(t, parse("num="), -EINVAL);
	KT_EXPECT_EQ(t, parse("swap.flag=2"), -EINVAL);
	KT_EXPECT_EQ(t, parse("fn=bad"), -EINVAL);
	KT_EXPECT_EQ(t, parse("num=5 stray"), -EINVAL);
}

KTEST(cmdline, empty_line_and_path_only)
{
	KT_EXPECT_EQ(t, parse(""), 0);
	KT_EXPECT_EQ(t, parse("/boot/swaplab.elf"), 0);
}
