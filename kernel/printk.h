/*
 * printk: formatted output to the console (COM1 on x86-64, stderr on the
 * host), with a level. Messages above the loglevel set on the command line
 * (loglevel=N, default 6 = info) are dropped. A whole message is written
 * under one lock, so lines from several CPUs never interleave.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "compiler.h"
#include "types.h"

enum log_level {
	LOG_EMERG = 0,
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_NOTICE = 5,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

extern int console_loglevel;

__printf(2, 3) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int snprintk(char *buf, size_t size, const char *fmt, ...);
/* Raw console output, bypassing levels: the TAP stream uses it. */
void console_write(const char *s, size_t len);

/* bust_spinlocks(1): the machine is dying (panic, hung-task report) or
 * other CPUs are printing from NMIs: until the matching bust_spinlocks(0)
 * (never, for a dying machine) the console waits only briefly for its
 * lock, then writes without it, so a report never blocks on a CPU that
 * is stuck holding it (Linux's bust_spinlocks and oops_in_progress). */
void bust_spinlocks(int yes);
/* debug.crash=stuck only: take the console lock and never give it back. */
void console_lock_forever(void);
extern int oops_in_progress;

#define pr_emerg(...) printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Provided by arch: write bytes to the console device. */
void arch_console_write(const char *s, size_t len);

#endif
