#include "cmdline.h"
#include "errno.h"
#include "printk.h"
#include "string.h"

extern const struct kparam __start_kparams[], __stop_kparams[];

static char saved_line[1024];

struct kparam_table {
	const struct kparam *begin, *end;
};

static const struct kparam *kparam_find(const struct kparam_table *tab, const char *key, size_t len)
{
	for (const struct kparam *p = tab->begin; p < tab->end; p++)
		if (strlen(p->key) == len && strncmp(p->key, key, len) == 0)
			return p;
	return NULL;
}

static void kparam_list_known(const struct kparam_table *tab)
{
	pr_err("cmdline: known keys:\n");
	for (const struct kparam *p = tab->begin; p < tab->end; p++)
		pr_err("cmdline:   %-24s %s\n", p->key, p->help);
}

const char *kparam_choice_name(const struct kparam_choice *choices, unsigned nr, int value)
{
	for (unsigned i = 0; i < nr; i++)
		if (choices[i].value == value)
			return choices[i].name;
	return "?";
}

/*
 * An ENUM key's value: an exact match with one of its words, else a
 * refusal that lists every word (an alias with the name it stands for)
 * and the key's help, which says what each one means.
 */
static int kparam_set_enum(const struct kparam *p, const char *val, size_t len)
{
	for (unsigned i = 0; i < p->nr_choices; i++) {
		const struct kparam_choice *c = &p->choices[i];
		if (strlen(c->name) != len || memcmp(c->name, val, len) != 0)
			continue;
		if (p->var_size == sizeof(int))
			*(int *)p->var = c->value; /* an enum: see KPARAM_ENUM */
		else
			*(bool *)p->var = c->value != 0;
		return 0;
	}
	char words[256] = ""; /* the longest list today is about 100 characters */
	size_t n = 0;
	for (unsigned i = 0; i < p->nr_choices && n < sizeof(words); i++) {
		const struct kparam_choice *c = &p->choices[i];
		const char *name = kparam_choice_name(p->choices, p->nr_choices, c->value);
		n += (size_t)snprintk(words + n, sizeof(words) - n, "%s%s", i ? ", " : "", c->name);
		if (name != c->name && n < sizeof(words))
			n += (size_t)snprintk(words + n, sizeof(words) - n, " (= %s)", name);
	}
	pr_err("cmdline: %s=%.*s: expected one of %s\n", p->key, (int)len, val, words);
	pr_err("cmdline:   %s: %s\n", p->key, p->help);
	return -EINVAL;
}

static int kparam_set(const struct kparam *p, const char *val, size_t len)
{
	u64 v;
	int err;

	switch (p->kind) {
	case KPARAM_KIND_U64:
		err = str_parse_u64(val, len, &v, true);
		if (err || v < p->min || v > p->max) {
			pr_err("cmdline: %s=%.*s: expected a number in %lu..%lu\n", p->key,
			       (int)len, val, (unsigned long)p->min, (unsigned long)p->max);
			return -EINVAL;
		}
		*(u64 *)p->var = v;
		return 0;
	case KPARAM_KIND_BOOL:
		if (len == 1 && (val[0] == '0' || val[0] == '1')) {
			*(bool *)p->var = val[0] == '1';
			return 0;
		}
		pr_err("cmdline: %s=%.*s: expected 0 or 1\n", p->key, (int)len, val);
		return -EINVAL;
	case KPARAM_KIND_STR:
		/* Points into the parse buffer, which outlives the value; cut
		 * the word at its space. */
		*(const char **)p->var = val;
		((char *)val)[len] = '\0';
		return 0;
	case KPARAM_KIND_FN:
		err = p->parse(val, len);
		if (err)
			pr_err("cmdline: %s=%.*s: bad value\n", p->key, (int)len, val);
		return err;
	case KPARAM_KIND_ENUM:
		return kparam_set_enum(p, val, len);
	}
	return -EINVAL;
}

/*
 * Loaders put the kernel's path first (QEMU's multiboot1 does, GRUB may):
 * a first word without '=' is that path and is skipped. Every other word
 * must be key=value with a known key.
 */
int cmdline_parse_table(const char *line, const struct kparam *begin, const struct kparam *end,
			char *buf, size_t bufsize)
{
	const struct kparam_table table = { begin, end }, *tab = &table;
	size_t n = strnlen(line, bufsize - 1);
	char *s = buf;
	bool first = true;

	if (line[n] != '\0') {
		pr_err("cmdline: longer than %zu bytes\n", bufsize - 1);
		return -E2BIG;
	}
	memcpy(buf, line, n + 1);
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		char *word = s;
		while (*s && *s != ' ')
			s++;
		size_t wlen = (size_t)(s - word);
		char *eq = memchr(word, '=', wlen);
		bool at_end = *s == '\0';
		if (!eq) {
			if (first) {
				first = false;
				continue;
			}
			pr_err("cmdline: '%.*s' is not key=value\n", (int)wlen, word);
			kparam_list_known(tab);
			return -EINVAL;
		}
		first = false;
		const struct kparam *p = kparam_find(tab, word, (size_t)(eq - word));
		if (!p) {
			pr_err("cmdline: unknown key '%.*s'\n", (int)(eq - word), word);
			kparam_list_known(tab);
			return -EINVAL;
		}
		int err = kparam_set(p, eq + 1, wlen - (size_t)(eq - word) - 1);
		if (err)
			return err;
		if (!at_end)
			s++; /* a STR value may have cut the word with a NUL */
	}
	return 0;
}

int cmdline_parse(const char *line)
{
	return cmdline_parse_table(line, __start_kparams, __stop_kparams, saved_line,
				   sizeof(saved_line));
}
