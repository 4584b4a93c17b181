/*
 * cmdline_parse_table() on any command line a loader could pass, over a
 * table with one key of each kind (number, boolean, string, function, enum) and
 * the kernel's buffer size. Accepted or refused, the parse must stay in
 * the line and the buffer, and a string value must be NUL-terminated inside
 * the buffer.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"

static u64 num;
static bool flag;
static const char *str;
static int mode;
static const struct kparam_choice mode_choices[] = { { "one", 1 }, { "two", 2 }, { "1", 1 } };

/* cmdline.c also refers to the kernel's own table (the "kparams" section,
 * which only exists with an entry in it); the target fuzzes the one below. */
static bool unused;
KPARAM_BOOL(fuzz_unused, "fuzz.unused", &unused, "keeps the kparams section");

static int parse_fn(const char *val, size_t len)
{
	return len > 0 && val[0] == 'x' ? 0 : -EINVAL;
}

static const struct kparam table[] = {
	{ .key = "n",
	  .kind = KPARAM_KIND_U64,
	  .var = &num,
	  .min = 1,
	  .max = 1u << 20,
	  .help = "a number" },
	{ .key = "mm.size", .kind = KPARAM_KIND_U64, .var = &num, .max = ~0ull, .help = "a size" },
	{ .key = "b", .kind = KPARAM_KIND_BOOL, .var = &flag, .max = 1, .help = "a boolean" },
	{ .key = "s", .kind = KPARAM_KIND_STR, .var = &str, .help = "a string" },
	{ .key = "f", .kind = KPARAM_KIND_FN, .parse = parse_fn, .help = "a function" },
	{ .key = "e",
	  .kind = KPARAM_KIND_ENUM,
	  .var = &mode,
	  .help = "an enum",
	  .choices = mode_choices,
	  .nr_choices = ARRAY_SIZE(mode_choices),
	  .var_size = sizeof(mode) },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1024];
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	str = NULL;
	if (cmdline_parse_table(line, table, table + ARRAY_SIZE(table), buf, sizeof(buf)) == 0 &&
	    str) {
		if (str < buf || str >= buf + sizeof(buf) ||
		    !memchr(str, '\0', buf + sizeof(buf) - str))
			abort();
	}
	free(line);
	return 0;
}
