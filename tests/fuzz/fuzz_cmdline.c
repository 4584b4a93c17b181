/*
 * cmdline_parse_table() on any command line a loader could pass, over a
 * table with one key of each kind (number, boolean, string, function) and
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

/* cmdline.c also refers to the kernel's own table (the "kparams" section,
 * which only exists with an entry in it); the target fuzzes the one below. */
static bool unused;
KPARAM_BOOL(fuzz_unused, "fuzz.unused", &unused, "keeps the kparams section");

static int parse_fn(const char *val, size_t len)
{
	return len > 0 && val[0] == 'x' ? 0 : -EINVAL;
}

static const struct kparam table[] = {
	{ "n", KPARAM_KIND_U64, &num, 1, 1u << 20, NULL, "a number" },
	{ "mm.size", KPARAM_KIND_U64, &num, 0, ~0ull, NULL, "a size" },
	{ "b", KPARAM_KIND_BOOL, &flag, 0, 1, NULL, "a boolean" },
	{ "s", KPARAM_KIND_STR, &str, 0, 0, NULL, "a string" },
	{ "f", KPARAM_KIND_FN, NULL, 0, 0, parse_fn, "a function" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1024];
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	str = NULL;
	if (cmdline_parse_table(line, table, table + 5, buf, sizeof(buf)) == 0 && str) {
		if (str < buf || str >= buf + sizeof(buf) ||
		    !memchr(str, '\0', buf + sizeof(buf) - str))
			abort();
	}
	free(line);
	return 0;
}
