#include "printk.h"
#include "spinlock.h"
#include "string.h"

int console_loglevel = LOG_INFO;
static DEFINE_SPINLOCK(console_lock);

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_str(struct outbuf *o, const char *s, int prec, int width, bool left)
{
	int n = prec >= 0 ? (int)strnlen(s, (size_t)prec) : (int)strlen(s);
	if (!left)
		for (; n < width; width--)
			out_char(o, ' ');
	for (int i = 0; i < n; i++)
		out_char(o, s[i]);
	if (left)
		for (; n < width; width--)
			out_char(o, ' ');
}

static void out_num(struct outbuf *o, u64 v, unsigned base, bool neg, int width, bool zero,
		    bool left, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		width--;
	if (neg && zero)
		out_char(o, '-');
	if (!left)
		for (; width > n; width--)
			out_char(o, zero ? '0' : ' ');
	if (neg && !zero)
		out_char(o, '-');
	for (int i = n; i > 0; i--)
		out_char(o, tmp[i - 1]);
	if (left)
		for (; width > n; width--)
			out_char(o, ' ');
}

/*
 * A small vsnprintf: %d %i %u %x %X %p %s %c %% with l, ll, z flags, width,
 * precision for %s ('%.*s'), '0', '-' and '#'. Enough for every message in the tree; no floating
 * point (callers print fixed-point themselves).
 */
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int prec = -1;
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = lng ? va_arg(ap, long) : va_arg(ap, int);
			out_num(&o, v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, zero, left, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			if (alt && *fmt != 'u') {
				out_str(&o, "0x", -1, 0, false);
				width = width > 2 ? width - 2 : 0;
			}
			out_num(&o, v, *fmt == 'u' ? 10 : 16, false, width, zero, left,
				*fmt == 'X');
			break;
		}
		case 'p':
			out_str(&o, "0x", -1, 0, false);
			out_num(&o, (u64)(unsigned long)va_arg(ap, void *), 16, false, 16, true,
				false, false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			out_str(&o, s ? s : "(null)", prec, width, left);
			break;
		}
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* How long a dying machine's report waits for the console lock. */
#define CONSOLE_OOPS_WAIT_NS (100 * 1000 * 1000ull)

int oops_in_progress;
static bool console_lock_abandoned; /* one wait timed out: do not wait again */

void bust_spinlocks(int yes)
{
	if (__atomic_add_fetch(&oops_in_progress, yes ? 1 : -1, __ATOMIC_SEQ_CST) == 0)
		__atomic_store_n(&console_lock_abandoned, false, __ATOMIC_RELAXED);
}

/*
 * While the machine is dying (panic, a hung-task report, NMI backtraces)
 * the console lock may be held by a CPU that will never let go, or by
 * this very CPU (a panic or an NMI in the middle of a console write).
 * Wait a little for it, then write without it, as Linux's consoles do
 * under oops_in_progress: lines may interleave, but the report gets out.
 */
static void console_write_oops(const char *s, size_t len)
{
	unsigned long flags = arch_irq_save();
	bool locked = false;
	if (!spin_held_by_me(&console_lock)) {
		u64 end = arch_time_ns() + CONSOLE_OOPS_WAIT_NS;
		while (!(locked = spin_trylock(&console_lock)) &&
		       !__atomic_load_n(&console_lock_abandoned, __ATOMIC_RELAXED)) {
			if (arch_time_ns() >= end)
				__atomic_store_n(&console_lock_abandoned, true, __ATOMIC_RELAXED);
			arch_cpu_relax();
		}
	}
	arch_console_write(s, len);
	if (locked)
		spin_unlock(&console_lock);
	arch_irq_restore(flags);
}

void console_lock_forever(void)
{
	spin_lock(&console_lock);
}

void console_write(const char *s, size_t len)
{
	if (unlikely(__atomic_load_n(&oops_in_progress, __ATOMIC_RELAXED))) {
		console_write_oops(s, len);
		return;
	}
	unsigned long flags = spin_lock_irqsave(&console_lock);
	arch_console_write(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	size_t off = 0;

	if (level > console_loglevel)
		return;
	if (level <= LOG_ERR && level > LOG_EMERG)
		off = (size_t)snprintk(buf, sizeof(buf), "ERROR: ");
	else if (level == LOG_WARN)
		off = (size_t)snprintk(buf, sizeof(buf), "WARNING: ");
	int n = vsnprintk(buf + off, sizeof(buf) - off, fmt, ap);
	size_t len = off + (size_t)n;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	console_write(buf, len);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
