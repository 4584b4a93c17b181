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

/* Values unlike the rows' indexes, so that storing an index fails. */
enum t_mode { T_MODE_UNSET = 0, T_SLOW = 5, T_FAST = 7 };
static enum t_mode t_mode;
static const struct kparam_choice t_mode_choices[] = {
	{ "slow", T_SLOW }, { "fast", T_FAST }, { "1", T_FAST }, /* an alias */
};
static bool t_inverted;
static const struct kparam_choice t_check_choices[] = {
	{ "correct", false },
	{ "inverted", true },
};

static const struct kparam t_params[] = {
	{ .key = "num",
	  .kind = KPARAM_KIND_U64,
	  .var = &t_num,
	  .min = 1,
	  .max = 1000,
	  .help = "a number" },
	{ .key = "swap.flag",
	  .kind = KPARAM_KIND_BOOL,
	  .var = &t_flag,
	  .max = 1,
	  .help = "a flag" },
	{ .key = "str", .kind = KPARAM_KIND_STR, .var = &t_str, .help = "a string" },
	{ .key = "fn", .kind = KPARAM_KIND_FN, .parse = t_fn, .help = "a custom parser" },
	{ .key = "mode",
	  .kind = KPARAM_KIND_ENUM,
	  .var = &t_mode,
	  .help = "slow or fast (1)",
	  .choices = t_mode_choices,
	  .nr_choices = ARRAY_SIZE(t_mode_choices),
	  .var_size = sizeof(t_mode) },
	{ .key = "check",
	  .kind = KPARAM_KIND_ENUM,
	  .var = &t_inverted,
	  .help = "correct|inverted",
	  .choices = t_check_choices,
	  .nr_choices = ARRAY_SIZE(t_check_choices),
	  .var_size = sizeof(t_inverted) },
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

KTEST(cmdline, enum_words_are_set)
{
	t_mode = T_MODE_UNSET;
	KT_ASSERT_EQ(t, parse("mode=slow"), 0);
	KT_EXPECT_EQ(t, t_mode, T_SLOW);
	KT_ASSERT_EQ(t, parse("mode=fast"), 0);
	KT_EXPECT_EQ(t, t_mode, T_FAST);
	/* The last word for a key wins, as for the other kinds. */
	KT_ASSERT_EQ(t, parse("mode=fast mode=slow"), 0);
	KT_EXPECT_EQ(t, t_mode, T_SLOW);
}

KTEST(cmdline, enum_into_a_bool)
{
	t_inverted = false;
	KT_ASSERT_EQ(t, parse("check=inverted"), 0);
	KT_EXPECT(t, t_inverted);
	KT_ASSERT_EQ(t, parse("check=correct"), 0);
	KT_EXPECT(t, !t_inverted);
}

KTEST(cmdline, enum_alias_sets_the_same_value)
{
	t_mode = T_SLOW;
	KT_ASSERT_EQ(t, parse("mode=1"), 0);
	KT_EXPECT_EQ(t, t_mode, T_FAST);
	/* A value's name is its first row, never the alias. */
	KT_EXPECT(t, strcmp(kparam_choice_name(t_mode_choices, ARRAY_SIZE(t_mode_choices), T_FAST),
			    "fast") == 0);
	KT_EXPECT(t, strcmp(kparam_choice_name(t_mode_choices, ARRAY_SIZE(t_mode_choices), 3),
			    "?") == 0);
}

KTEST(cmdline, enum_refusals_leave_the_variable)
{
	t_mode = T_FAST;
	t_inverted = true;
	KT_EXPECT_EQ(t, parse("mode=medium"), -EINVAL);
	KT_EXPECT_EQ(t, parse("mode="), -EINVAL);
	KT_EXPECT_EQ(t, parse("mode=slo"), -EINVAL);	/* a prefix of a word */
	KT_EXPECT_EQ(t, parse("mode=slower"), -EINVAL); /* a word as prefix */
	KT_EXPECT_EQ(t, parse("mode=SLOW"), -EINVAL);	/* case matters */
	KT_EXPECT_EQ(t, parse("mode=0"), -EINVAL);	/* only the listed alias */
	KT_EXPECT_EQ(t, parse("check=1"), -EINVAL);
	KT_EXPECT_EQ(t, t_mode, T_FAST);
	KT_EXPECT(t, t_inverted);
}
