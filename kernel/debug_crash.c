/*
 * debug.crash=panic|fault|ud|assert: crash on purpose right after boot, to
 * see (and test) what a failure report looks like: the reason, the
 * registers, a symbolic backtrace, and a power-off with a failure status.
 */
#include "cmdline.h"
#include "errno.h"
#include "panic.h"
#include "printk.h"
#include "string.h"

enum crash_kind { CRASH_NONE, CRASH_PANIC, CRASH_FAULT, CRASH_UD, CRASH_ASSERT };
static enum crash_kind crash_kind;

static int debug_crash_parse(const char *val, size_t len)
{
	static const char *const names[] = { "", "panic", "fault", "ud", "assert" };
	for (unsigned i = 1; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && strncmp(val, names[i], len) == 0) {
			crash_kind = (enum crash_kind)i;
			return 0;
		}
	return -EINVAL;
}
KPARAM_FN(debug_crash, "debug.crash", debug_crash_parse,
	  "crash on purpose after boot: panic|fault|ud|assert (to see a failure report)");

/* noinline so the backtrace shows a frame of its own. */
static __attribute__((noinline)) void debug_crash_now(void)
{
	switch (crash_kind) {
	case CRASH_PANIC:
		panic("debug.crash=panic asked for it");
	case CRASH_FAULT:
	{
		/* Through a volatile pointer so the compiler cannot see the
		 * constant and refuse (or drop) the access. */
		volatile unsigned long *volatile bad = (unsigned long *)0x10;
		pr_info("debug: reading address 0x10 (nothing is mapped there)\n");
		(void)*bad;
		break;
	}
	case CRASH_UD:
		__builtin_trap();
	case CRASH_ASSERT:
		ASSERT_EQ(crash_kind, CRASH_NONE);
		break;
	case CRASH_NONE:
		break;
	}
}

void debug_crash_if_asked(void)
{
	if (crash_kind != CRASH_NONE)
		debug_crash_now();
}
