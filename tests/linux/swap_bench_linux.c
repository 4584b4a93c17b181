/*
 * The swap benchmark of make bench (tests/kernel/swap_bench.c), as a
 * Linux program: make compare-linux (tools/compare-linux.sh) builds it
 * static and runs it as the only job of a Debian Linux guest booted under
 * the same QEMU settings as swaplab, so the two print comparable lines.
 *
 * One process writes a pattern over a region larger than RAM (the write
 * pass, swapping out), reads every page back in order, then in random
 * order (the same xorshift64 seed and shuffle as swaplab), verifying each
 * page. The first touch of every page is timed with clock_gettime. Per
 * pass it prints, in swaplab's format, MiB/s, the first-touch mean, p50
 * and p99 in microseconds, the pages swapped out and in (/proc/vmstat),
 * and the "# hist" line (log2 buckets of microseconds).
 *
 *   swap_bench_linux [--mib N] [--dev NAME] [--exit]
 *   swap_bench_linux --verdict N     (only report N through isa-debug-exit)
 *
 * --exit reports the verdict through QEMU's isa-debug-exit port (0xf4),
 * as swaplab does, so tools/qemu-run.sh gives the same exit status: 0
 * when every page verified, 1 otherwise. /init uses --verdict 2 when it
 * cannot set the guest up (no swap device, a module that does not load).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE 4096ul

struct swap_bench {
	unsigned long npages;
	unsigned char *region;
	uint32_t *lat_us; /* first-touch latency of each page, this pass */
	uint32_t *order;  /* page visiting order, this pass */
	unsigned long bad;
	uint64_t pass_ns;
};

/* The pattern and the PRNG of swaplab's benchmark (tests/test_kit.h). */
static uint64_t bench_word(unsigned long page, unsigned w)
{
	return (page << 20) ^ ((uint64_t)w << 3) ^ 0x5bd1e9955bd1e995ull;
}

static uint64_t test_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One pass over the pages in b->order: write or read-and-verify. */
static void bench_pass(struct swap_bench *b, int write)
{
	uint64_t start = now_ns();
	for (unsigned long k = 0; k < b->npages; k++) {
		unsigned long p = b->order[k];
		volatile uint64_t *w = (volatile uint64_t *)(b->region + p * PAGE_SIZE);
		uint64_t t0 = now_ns();
		if (write)
			w[0] = bench_word(p, 0);
		else
			b->bad += w[0] != bench_word(p, 0);
		uint64_t dt = (now_ns() - t0) / 1000;
		b->lat_us[k] = dt > 0xffffffffull ? 0xffffffffu : (uint32_t)dt;
		for (unsigned i = 1; i < PAGE_SIZE / 8; i++) {
			if (write)
				w[i] = bench_word(p, i);
			else
				b->bad += w[i] != bench_word(p, i);
		}
	}
	b->pass_ns = now_ns() - start;
}

/* pswpout or pswpin from /proc/vmstat (0 when it cannot be read). */
static unsigned long vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	unsigned long v, found = 0;
	if (!f)
		return 0;
	while (fscanf(f, "%63s %lu", key, &v) == 2) {
		if (strcmp(key, name) == 0) {
			found = v;
			break;
		}
	}
	fclose(f);
	return found;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The "# hist" line of a pass, from its latencies sorted ascending. */
static void bench_hist(const uint32_t *sorted, unsigned long n, const char *dev, const char *pass)
{
	printf("# hist %s 0 ", dev);
	for (const char *c = pass; *c; c++)
		putchar(*c == ' ' ? '-' : *c);
	unsigned long k = 0;
	while (k < n) {
		uint32_t lo = sorted[k] ? 1u << (31 - __builtin_clz(sorted[k])) : 0;
		uint64_t hi = lo ? 2ull * lo : 1;
		unsigned long count = 0;
		for (; k < n && sorted[k] < hi; k++)
			count++;
		printf(" %u:%lu", lo, count);
	}
	printf("\n");
}

static void bench_report(struct swap_bench *b, const char *dev, const char *pass, unsigned long out,
			 unsigned long in)
{
	uint64_t sum = 0;
	for (unsigned long k = 0; k < b->npages; k++)
		sum += b->lat_us[k];
	qsort(b->lat_us, b->npages, sizeof(uint32_t), cmp_u32);
	uint64_t bytes = (uint64_t)b->npages * PAGE_SIZE;
	uint64_t pass_us = b->pass_ns / 1000 ? b->pass_ns / 1000 : 1;
	uint64_t centi_mib_s = (bytes >> 10) * 100 * 1000000 / pass_us / 1024;
	printf("bench: swap %-8s order 0 %-11s %4lu MiB in %5lu ms: %5lu.%02lu MiB/s; first "
	       "touch mean %lu us, p50 %u us, p99 %u us; pswpout %lu pswpin %lu\n",
	       dev, pass, (unsigned long)(bytes >> 20), (unsigned long)(b->pass_ns / 1000000),
	       (unsigned long)(centi_mib_s / 100), (unsigned long)(centi_mib_s % 100),
	       (unsigned long)(sum / b->npages), b->lat_us[b->npages / 2],
	       b->lat_us[b->npages * 99 / 100], out, in);
	bench_hist(b->lat_us, b->npages, dev, pass);
	fflush(stdout);
}

/* Power QEMU off with status v through isa-debug-exit (QEMU exits 2v+1). */
static void verdict(int v)
{
	fflush(stdout);
	fflush(stderr);
	/* The console is a serial port: wait until the UART has sent every
	 * byte written so far, or QEMU stops before the last lines are out. */
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
	sync();
	if (ioperm(0xf4, 4, 1) == 0)
		outl((unsigned)v, 0xf4);
	fprintf(stderr, "swap_bench_linux: no isa-debug-exit port (%s)\n", strerror(errno));
}

int main(int argc, char **argv)
{
	unsigned long mib = 512;
	const char *dev = "vda";
	int do_exit = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
			mib = strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--dev") == 0 && i + 1 < argc) {
			dev = argv[++i];
		} else if (strcmp(argv[i], "--exit") == 0) {
			do_exit = 1;
		} else if (strcmp(argv[i], "--verdict") == 0 && i + 1 < argc) {
			verdict(atoi(argv[++i]));
			return 1;
		} else {
			fprintf(stderr, "usage: %s [--mib N] [--dev NAME] [--exit] | --verdict N\n",
				argv[0]);
			return 2;
		}
	}
	if (mib == 0) {
		fprintf(stderr, "swap_bench_linux: --mib must be at least 1\n");
		return 2;
	}

	struct swap_bench b = { .npages = (mib << 20) / PAGE_SIZE };
	b.lat_us = malloc(b.npages * sizeof(uint32_t));
	b.order = malloc(b.npages * sizeof(uint32_t));
	b.region = mmap(NULL, b.npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!b.lat_us || !b.order || b.region == MAP_FAILED) {
		fprintf(stderr, "swap_bench_linux: cannot allocate %lu MiB: %s\n", mib,
			strerror(errno));
		if (do_exit)
			verdict(1);
		return 1;
	}
	/* swaplab keeps these tables in kernel memory: here they stay in RAM too. */
	if (mlock(b.lat_us, b.npages * sizeof(uint32_t)) ||
	    mlock(b.order, b.npages * sizeof(uint32_t)))
		fprintf(stderr, "swap_bench_linux: mlock of the tables failed: %s\n",
			strerror(errno));

	static const char *const passes[] = { "write", "seq read", "random read" };
	uint64_t seed = 0x2545f4914f6cdd1dull;
	for (unsigned pass = 0; pass < 3; pass++) {
		for (unsigned long k = 0; k < b.npages; k++)
			b.order[k] = (uint32_t)k;
		if (pass == 2) {
			for (unsigned long k = b.npages - 1; k > 0; k--) {
				unsigned long j = test_rand(&seed) % (k + 1);
				uint32_t x = b.order[k];
				b.order[k] = b.order[j];
				b.order[j] = x;
			}
		}
		unsigned long out = vmstat("pswpout"), in = vmstat("pswpin");
		bench_pass(&b, pass == 0);
		bench_report(&b, dev, passes[pass], vmstat("pswpout") - out, vmstat("pswpin") - in);
	}
	if (b.bad)
		printf("swap_bench_linux: %lu words read back wrong\n", b.bad);
	else
		printf("swap_bench_linux: every page read back intact\n");
	if (do_exit)
		verdict(b.bad ? 1 : 0);
	return b.bad ? 1 : 0;
}
