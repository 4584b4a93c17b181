/*
 * The flattened device tree reader (see fdt.h). fdt_init() checks the
 * header and walks the structure block once; every other function goes
 * through fdt_next_tag(), which checks each token against the block's
 * bounds again, so a caller's bad node offset cannot lead a read outside
 * the blob either. Loops only move forward through the structure block
 * (each token is at least 4 bytes), and nothing recurses.
 */
#include "fdt.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

u32 fdt32_ld(const void *p)
{
	const u8 *b = p;
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

u64 fdt64_ld(const void *p)
{
	return (u64)fdt32_ld(p) << 32 | fdt32_ld((const u8 *)p + 4);
}

u64 fdt_read_cells(const void *p, unsigned cells)
{
	const u8 *b = p;
	u64 v = 0;
	for (unsigned i = 0; i < cells; i++)
		v = v << 32 | fdt32_ld(b + 4 * i);
	return v;
}

/* Are [off, off + len) inside the structure block? */
static bool fdt_struct_has(const struct fdt *f, u64 off, u64 len)
{
	return off <= f->size_struct && len <= f->size_struct - off;
}

static const u8 *fdt_struct_ptr(const struct fdt *f, u64 off)
{
	return f->blob + f->off_struct + off;
}

/* The NUL-terminated string at nameoff in the strings block, or NULL. */
static const char *fdt_string(const struct fdt *f, u32 nameoff)
{
	if (nameoff >= f->size_strings)
		return NULL;
	const char *s = (const char *)f->blob + f->off_strings + nameoff;
	return memchr(s, 0, f->size_strings - nameoff) ? s : NULL;
}

/*
 * The token at off and, in *next, the offset of the token after it (its
 * name or value skipped, aligned to 4). 0 for anything malformed: a
 * misaligned or out-of-block offset, an unknown token, a name without its
 * NUL or a property value running past the block.
 */
static u32 fdt_next_tag(const struct fdt *f, int off, int *next)
{
	if (off < 0 || (off & 3) || !fdt_struct_has(f, (u64)off, 4))
		return 0;
	u32 tag = fdt32_ld(fdt_struct_ptr(f, off));
	u64 end = (u64)off + 4;
	switch (tag) {
	case FDT_BEGIN_NODE: {
		const u8 *name = fdt_struct_ptr(f, end);
		const u8 *nul = memchr(name, 0, f->size_struct - end);
		if (!nul)
			return 0;
		end += (u64)(nul - name) + 1;
		break;
	}
	case FDT_PROP: {
		if (!fdt_struct_has(f, end, 8))
			return 0;
		u32 len = fdt32_ld(fdt_struct_ptr(f, end));
		end += 8;
		if (!fdt_struct_has(f, end, len))
			return 0;
		end += len;
		break;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return 0;
	}
	*next = (int)((end + 3) & ~3ull); /* size_struct < 2^31, checked by fdt_init */
	return tag;
}

/* One pass over the structure block: what every later walk relies on. */
static int fdt_check_struct(struct fdt *f)
{
	int off = 0, next = 0, depth = 0;
	bool seen_root = false;
	for (;;) {
		u32 tag = fdt_next_tag(f, off, &next);
		switch (tag) {
		case 0:
			if ((u64)off + 4 > f->size_struct)
				pr_err("fdt: structure block (%u bytes) ends without FDT_END\n",
				       f->size_struct);
			else
				pr_err("fdt: bad token %#x at structure offset %#x, or its name or "
				       "value runs past the block\n",
				       fdt32_ld(fdt_struct_ptr(f, off)), off);
			return -EINVAL;
		case FDT_BEGIN_NODE:
			if (depth == 0) {
				if (seen_root) {
					pr_err("fdt: a second root node at structure offset %#x\n",
					       off);
					return -EINVAL;
				}
				seen_root = true;
				f->root = off;
			}
			if (++depth > FDT_MAX_DEPTH) {
				pr_err("fdt: nodes nested deeper than %d at structure offset %#x\n",
				       FDT_MAX_DEPTH, off);
				return -EINVAL;
			}
			break;
		case FDT_END_NODE:
			if (depth == 0) {
				pr_err("fdt: FDT_END_NODE outside any node at structure offset "
				       "%#x\n",
				       off);
				return -EINVAL;
			}
			depth--;
			break;
		case FDT_PROP: {
			u32 nameoff = fdt32_ld(fdt_struct_ptr(f, (u64)off + 8));
			if (depth == 0) {
				pr_err("fdt: property outside any node at structure offset %#x\n",
				       off);
				return -EINVAL;
			}
			if (!fdt_string(f, nameoff)) {
				pr_err("fdt: property at structure offset %#x names string %u, "
				       "past "
				       "the strings block (%u bytes) or unterminated\n",
				       off, nameoff, f->size_strings);
				return -EINVAL;
			}
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0 || !seen_root) {
				pr_err("fdt: FDT_END at structure offset %#x %s\n", off,
				       seen_root ? "inside a node" : "before any node");
				return -EINVAL;
			}
			return 0;
		}
		off = next;
	}
}

/* The reservation block: (address, size) pairs ending in (0, 0). */
static int fdt_check_mem_rsv(struct fdt *f)
{
	if (f->off_mem_rsv & 7 || f->off_mem_rsv < FDT_V16_HEADER_SIZE) {
		pr_err("fdt: off_mem_rsvmap %#x misaligned or inside the header\n", f->off_mem_rsv);
		return -EINVAL;
	}
	for (u64 off = f->off_mem_rsv;; off += 16) {
		if (off + 16 > f->size) {
			pr_err("fdt: memory reservation block runs past totalsize %u without its "
			       "(0, 0) end\n",
			       f->size);
			return -EINVAL;
		}
		if (fdt64_ld(f->blob + off) == 0 && fdt64_ld(f->blob + off + 8) == 0)
			return 0;
		f->nr_mem_rsv++;
	}
}

static bool fdt_block_fits(u32 off, u32 size, u32 total)
{
	return (u64)off + size <= total;
}

int fdt_init(struct fdt *f, const void *blob, size_t max_size)
{
	memset(f, 0, sizeof(*f));
	if (!blob) {
		pr_err("fdt: no device tree (NULL pointer)\n");
		return -EINVAL;
	}
	if (max_size < FDT_V16_HEADER_SIZE) {
		pr_err("fdt: %lu bytes cannot hold a header\n", (unsigned long)max_size);
		return -EINVAL;
	}
	const u8 *h = blob;
	u32 magic = fdt32_ld(h), totalsize = fdt32_ld(h + 4);
	u32 version = fdt32_ld(h + 20), last_comp = fdt32_ld(h + 24);
	if (magic != FDT_MAGIC) {
		pr_err("fdt: bad magic %#x (want %#x)\n", magic, FDT_MAGIC);
		return -EINVAL;
	}
	if (version < 16 || last_comp > 17) {
		pr_err("fdt: version %u, last_comp_version %u: only 16 and 17 are read\n", version,
		       last_comp);
		return -EINVAL;
	}
	u32 hdr = version >= 17 ? FDT_HEADER_SIZE : FDT_V16_HEADER_SIZE;
	if (totalsize < hdr || totalsize > max_size) {
		pr_err("fdt: totalsize %u beyond the %lu bytes available, or below the header's "
		       "%u\n",
		       totalsize, (unsigned long)max_size, hdr);
		return -EINVAL;
	}
	f->blob = blob;
	f->size = totalsize;
	f->off_struct = fdt32_ld(h + 8);
	f->off_strings = fdt32_ld(h + 12);
	f->off_mem_rsv = fdt32_ld(h + 16);
	f->version = version;
	f->boot_cpuid_phys = fdt32_ld(h + 28);
	f->size_strings = fdt32_ld(h + 32);
	/* Version 16 has no size_dt_struct: the block may reach totalsize. */
	f->size_struct = version >= 17 ? fdt32_ld(h + 36) : totalsize - f->off_struct;
	if (f->off_struct < hdr || f->off_struct & 3 ||
	    !fdt_block_fits(f->off_struct, f->size_struct, totalsize) ||
	    f->size_struct > 0x7ffffff0u) {
		pr_err("fdt: structure block %#x+%#x misaligned or outside totalsize %u\n",
		       f->off_struct, f->size_struct, totalsize);
		return -EINVAL;
	}
	if (f->off_strings < hdr || !fdt_block_fits(f->off_strings, f->size_strings, totalsize)) {
		pr_err("fdt: strings block %#x+%#x outside totalsize %u\n", f->off_strings,
		       f->size_strings, totalsize);
		return -EINVAL;
	}
	int err = fdt_check_mem_rsv(f);
	if (!err)
		err = fdt_check_struct(f);
	if (err)
		memset(f, 0, sizeof(*f)); /* an unusable tree: every lookup fails */
	return err;
}

/* The offset just past the node's FDT_BEGIN_NODE and name, or -EINVAL. */
static int fdt_node_body(const struct fdt *f, int node)
{
	int next;
	if (fdt_next_tag(f, node, &next) != FDT_BEGIN_NODE)
		return -EINVAL;
	return next;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	int off = fdt_node_body(f, node), next;
	if (off < 0)
		return off;
	for (;; off = next) {
		switch (fdt_next_tag(f, off, &next)) {
		case FDT_PROP:
		case FDT_NOP:
			break;
		case FDT_BEGIN_NODE:
			if (depth)
				++*depth;
			return off;
		case FDT_END_NODE:
			if (depth && --*depth < 0)
				return -ENOENT;
			break;
		case FDT_END:
			return -ENOENT;
		default:
			return -EINVAL;
		}
	}
}

int fdt_first_subnode(const struct fdt *f, int node)
{
	int depth = 0;
	int off = fdt_next_node(f, node, &depth);
	if (off < 0 || depth != 1)
		return off < 0 && off != -ENOENT ? off : -ENOENT;
	return off;
}

int fdt_next_subnode(const struct fdt *f, int node)
{
	int depth = 1; /* the next sibling has the depth node has */
	do {
		node = fdt_next_node(f, node, &depth);
		if (node < 0 || depth < 1)
			return node < 0 && node != -ENOENT ? node : -ENOENT;
	} while (depth > 1);
	return node;
}

const char *fdt_get_name(const struct fdt *f, int node, int *len)
{
	if (fdt_node_body(f, node) < 0) {
		if (len)
			*len = -EINVAL;
		return NULL;
	}
	const char *name = (const char *)fdt_struct_ptr(f, (u64)node + 4); /* terminated */
	if (len)
		*len = (int)strlen(name);
	return name;
}

/* Does the node's name equal name[0..len), or, with unit_optional and no
 * '@' in name, name@something? */
static bool fdt_name_eq(const char *node_name, const char *name, size_t len, bool unit_optional)
{
	if (strncmp(node_name, name, len) != 0)
		return false;
	if (node_name[len] == '\0')
		return true;
	return unit_optional && node_name[len] == '@' && !memchr(name, '@', len);
}

static int fdt_subnode_namelen(const struct fdt *f, int parent, const char *name, size_t len,
			       bool unit_optional)
{
	int child;
	for (child = fdt_first_subnode(f, parent); child >= 0; child = fdt_next_subnode(f, child)) {
		const char *n = fdt_get_name(f, child, NULL);
		if (n && fdt_name_eq(n, name, len, unit_optional))
			return child;
	}
	return child;
}

int fdt_subnode_offset(const struct fdt *f, int parent, const char *name)
{
	return fdt_subnode_namelen(f, parent, name, strlen(name), true);
}

int fdt_path_offset(const struct fdt *f, const char *path)
{
	if (!f->size)
		return -EINVAL;
	if (!path || path[0] != '/')
		return -EINVAL;
	int node = f->root;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && *end != '/')
			end++;
		node = fdt_subnode_namelen(f, node, p, (size_t)(end - p), false);
		if (node < 0)
			return node;
		p = end;
	}
	return node;
}

int fdt_parent_offset(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH]; /* stack[d]: the open node at depth d below the root */
	int depth = 0, off = f->root;
	if (fdt_node_body(f, node) < 0)
		return -EINVAL;
	if (node == f->root)
		return -ENOENT;
	stack[0] = off;
	for (;;) {
		off = fdt_next_node(f, off, &depth);
		if (off < 0 || depth < 1 || depth >= FDT_MAX_DEPTH)
			return off < 0 && off != -ENOENT ? off : -ENOENT;
		stack[depth] = off;
		if (off == node)
			return stack[depth - 1];
	}
}

/* Properties: the FDT_PROP tokens (NOPs skipped) before the first child. */
static int fdt_prop_from(const struct fdt *f, int off)
{
	int next;
	for (;; off = next) {
		switch (fdt_next_tag(f, off, &next)) {
		case FDT_NOP:
			break;
		case FDT_PROP:
			return off;
		case 0:
			return -EINVAL;
		default:
			return -ENOENT;
		}
	}
}

int fdt_first_property_offset(const struct fdt *f, int node)
{
	int off = fdt_node_body(f, node);
	return off < 0 ? off : fdt_prop_from(f, off);
}

int fdt_next_property_offset(const struct fdt *f, int prop)
{
	int next;
	if (fdt_next_tag(f, prop, &next) != FDT_PROP)
		return -EINVAL;
	return fdt_prop_from(f, next);
}

const void *fdt_getprop_by_offset(const struct fdt *f, int prop, const char **name, u32 *len)
{
	int next;
	if (fdt_next_tag(f, prop, &next) != FDT_PROP)
		return NULL;
	const char *n = fdt_string(f, fdt32_ld(fdt_struct_ptr(f, (u64)prop + 8)));
	if (!n)
		return NULL;
	if (name)
		*name = n;
	if (len)
		*len = fdt32_ld(fdt_struct_ptr(f, (u64)prop + 4));
	return fdt_struct_ptr(f, (u64)prop + 12);
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name, u32 *len)
{
	for (int p = fdt_first_property_offset(f, node); p >= 0;
	     p = fdt_next_property_offset(f, p)) {
		const char *n;
		const void *v = fdt_getprop_by_offset(f, p, &n, len);
		if (v && strcmp(n, name) == 0)
			return v;
	}
	return NULL;
}

/* Is str one of the NUL-terminated strings in [list, list + len)? An
 * unterminated last string matches nothing. */
static bool fdt_stringlist_contains(const char *list, u32 len, const char *str)
{
	size_t want = strlen(str);
	while (len > 0) {
		const char *nul = memchr(list, 0, len);
		if (!nul)
			return false;
		size_t l = (size_t)(nul - list);
		if (l == want && memcmp(list, str, want) == 0)
			return true;
		list = nul + 1;
		len -= (u32)l + 1;
	}
	return false;
}

int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat)
{
	u32 len;
	const char *list = fdt_getprop(f, node, "compatible", &len);
	if (!list)
		return -ENOENT;
	return fdt_stringlist_contains(list, len, compat) ? 0 : 1;
}

int fdt_node_offset_by_compatible(const struct fdt *f, int start, const char *compat)
{
	int node = start;
	if (start == -1) {
		node = f->root;
		if (fdt_node_check_compatible(f, node, compat) == 0)
			return node;
	}
	for (;;) {
		node = fdt_next_node(f, node, NULL);
		if (node < 0)
			return node;
		if (fdt_node_check_compatible(f, node, compat) == 0)
			return node;
	}
}

int fdt_node_offset_by_phandle(const struct fdt *f, u32 phandle)
{
	if (phandle == 0 || phandle == 0xffffffffu)
		return -ENOENT;
	for (int node = f->root; node >= 0; node = fdt_next_node(f, node, NULL)) {
		u32 len;
		const void *p = fdt_getprop(f, node, "phandle", &len);
		if (!p)
			p = fdt_getprop(f, node, "linux,phandle", &len);
		if (p && len == 4 && fdt32_ld(p) == phandle)
			return node;
	}
	return -ENOENT;
}

/* A one-cell property of node, or def when absent or not one cell. */
static u32 fdt_getprop_u32(const struct fdt *f, int node, const char *name, u32 def)
{
	u32 len;
	const void *p = fdt_getprop(f, node, name, &len);
	return p && len == 4 ? fdt32_ld(p) : def;
}

u32 fdt_address_cells(const struct fdt *f, int node)
{
	int parent = fdt_parent_offset(f, node);
	return parent < 0 ? 2 : fdt_getprop_u32(f, parent, "#address-cells", 2);
}

u32 fdt_size_cells(const struct fdt *f, int node)
{
	int parent = fdt_parent_offset(f, node);
	return parent < 0 ? 1 : fdt_getprop_u32(f, parent, "#size-cells", 1);
}

int fdt_read_reg(const struct fdt *f, int node, unsigned idx, u64 *base, u64 *size)
{
	u32 ac = fdt_address_cells(f, node), sc = fdt_size_cells(f, node), len;
	const char *name = fdt_get_name(f, node, NULL);
	if (!name)
		return -EINVAL;
	if (ac == 0 || ac > FDT_MAX_NCELLS || sc > FDT_MAX_NCELLS) {
		pr_err("fdt: %s: #address-cells %u or #size-cells %u out of range\n", name, ac, sc);
		return -EINVAL;
	}
	const u8 *reg = fdt_getprop(f, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	u32 entry = (ac + sc) * 4;
	if (len % entry) {
		pr_err("fdt: %s: reg is %u bytes, not a multiple of %u\n", name, len, entry);
		return -EINVAL;
	}
	if (idx >= len / entry)
		return -ENOENT;
	reg += (size_t)idx * entry;
	if (base)
		*base = fdt_read_cells(reg, ac);
	if (size)
		*size = fdt_read_cells(reg + ac * 4, sc);
	return 0;
}

/*
 * A bus address as the CPU sees it: through the "ranges" of every bus from
 * the node's parent up to the root (Linux's of_translate_address). An
 * empty "ranges" is the identity; a missing one means the bus's addresses
 * are not CPU addresses. The Raspberry Pi's /soc maps its VideoCore bus
 * addresses 0x7e000000.. to the CPU's 0x3f000000.. this way; QEMU virt
 * has no translating bus.
 */
int fdt_translate_address(const struct fdt *f, int node, u64 *addr)
{
	for (int bus = fdt_parent_offset(f, node); bus >= 0 && bus != f->root;
	     bus = fdt_parent_offset(f, bus)) {
		u32 cac = fdt_getprop_u32(f, bus, "#address-cells", 2);
		u32 csc = fdt_getprop_u32(f, bus, "#size-cells", 1);
		u32 pac = fdt_address_cells(f, bus), len;
		const u8 *ranges = fdt_getprop(f, bus, "ranges", &len);
		if (!ranges)
			return -ENOENT;
		if (len == 0)
			continue;
		if (cac == 0 || cac > FDT_MAX_NCELLS || pac == 0 || pac > FDT_MAX_NCELLS ||
		    csc > FDT_MAX_NCELLS || len % ((cac + pac + csc) * 4)) {
			pr_err("fdt: %s: ranges is %u bytes, not entries of %u+%u+%u cells\n",
			       fdt_get_name(f, bus, NULL), len, cac, pac, csc);
			return -EINVAL;
		}
		bool found = false;
		for (u32 off = 0; off < len && !found; off += (cac + pac + csc) * 4) {
			u64 child = fdt_read_cells(ranges + off, cac);
			u64 parent = fdt_read_cells(ranges + off + cac * 4, pac);
			u64 size = fdt_read_cells(ranges + off + (cac + pac) * 4, csc);
			if (*addr >= child && *addr - child < size) {
				*addr = parent + (*addr - child);
				found = true;
			}
		}
		if (!found)
			return -ENOENT;
	}
	return 0;
}

bool fdt_node_is_enabled(const struct fdt *f, int node)
{
	u32 len;
	const char *s = fdt_getprop(f, node, "status", &len);
	if (!s)
		return true;
	size_t l = strnlen(s, len);
	return (l == 4 && memcmp(s, "okay", 4) == 0) || (l == 2 && memcmp(s, "ok", 2) == 0);
}

int fdt_num_mem_rsv(const struct fdt *f)
{
	return (int)f->nr_mem_rsv;
}

int fdt_get_mem_rsv(const struct fdt *f, unsigned idx, u64 *addr, u64 *size)
{
	if (idx >= f->nr_mem_rsv)
		return -ENOENT;
	const u8 *e = f->blob + f->off_mem_rsv + (size_t)idx * 16; /* checked by fdt_init */
	*addr = fdt64_ld(e);
	*size = fdt64_ld(e + 8);
	return 0;
}
