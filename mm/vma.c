/*
 * VMAs in an AVL tree plus an address-ordered list; see mm/vma.h. The
 * tree functions are the textbook recursive ones (depth is O(log n), a
 * few dozen frames at most); VMAs never overlap, so ordering by start is
 * also ordering by end.
 */
#include <asm/page.h>
#include "kernel/compiler.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kmalloc.h"
#include "vma.h"

/* --- AVL tree ---------------------------------------------------------------- */

static int height(const struct vma *n)
{
	return n ? n->height : 0;
}

static void fix_height(struct vma *n)
{
	n->height = 1 + MAX(height(n->left), height(n->right));
}

static struct vma *rotate_right(struct vma *y)
{
	struct vma *x = y->left;
	y->left = x->right;
	x->right = y;
	fix_height(y);
	fix_height(x);
	return x;
}

static struct vma *rotate_left(struct vma *x)
{
	struct vma *y = x->right;
	x->right = y->left;
	y->left = x;
	fix_height(x);
	fix_height(y);
	return y;
}

/* Restore |height(left) - height(right)| <= 1 at n after one insert or
 * remove below it; returns the subtree's new root. */
static struct vma *rebalance(struct vma *n)
{
	fix_height(n);
	int balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct vma *tree_insert(struct vma *n, struct vma *v)
{
	if (!n)
		return v;
	if (v->start < n->start)
		n->left = tree_insert(n->left, v);
	else
		n->right = tree_insert(n->right, v);
	return rebalance(n);
}

static struct vma *tree_remove_min(struct vma *n, struct vma **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = tree_remove_min(n->left, min);
	return rebalance(n);
}

static struct vma *tree_remove(struct vma *n, struct vma *v)
{
	ASSERT(n); /* v must be in the tree */
	if (v->start < n->start) {
		n->left = tree_remove(n->left, v);
	} else if (v->start > n->start) {
		n->right = tree_remove(n->right, v);
	} else {
		ASSERT(n == v);
		struct vma *l = n->left, *r = n->right, *min;
		if (!r)
			return l;
		r = tree_remove_min(r, &min);
		min->left = l;
		min->right = r;
		return rebalance(min);
	}
	return rebalance(n);
}

static void tree_link(struct vma_set *set, struct vma *v)
{
	v->left = v->right = NULL;
	v->height = 1;
	set->root = tree_insert(set->root, v);
}

/* --- the set ------------------------------------------------------------------- */

void vma_set_init(struct vma_set *set)
{
	set->root = NULL;
	list_init(&set->list);
	set->count = 0;
}

void vma_set_destroy(struct vma_set *set)
{
	struct vma *v, *n;
	list_for_each_entry_safe (v, n, &set->list, node) {
		vma_remove(set, v);
		vma_free(v);
	}
	ASSERT_EQ(set->count, 0);
	ASSERT(!set->root);
}

struct vma *vma_alloc(unsigned long start, unsigned long end, unsigned prot, unsigned flags)
{
	if (start >= end || !IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE))
		return NULL;
	struct vma *v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	list_init(&v->node);
	list_init(&v->anon_vma_link);
	return v;
}

void vma_free(struct vma *vma)
{
	kfree(vma);
}

struct vma *vma_find(struct vma_set *set, unsigned long addr)
{
	struct vma *best = NULL;
	for (struct vma *n = set->root; n;) {
		if (n->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_lookup(struct vma_set *set, unsigned long addr)
{
	struct vma *v = vma_find(set, addr);
	return v && v->start <= addr ? v : NULL;
}

/* The new VMA goes before the first one that ends above its start; it
 * overlaps that one unless it also ends at or before its start. */
int vma_insert(struct vma_set *set, struct vma *vma)
{
	ASSERT(vma->start < vma->end);
	struct vma *next = vma_find(set, vma->start);
	if (next && next->start < vma->end)
		return -EEXIST;
	list_add_tail(&vma->node, next ? &next->node : &set->list);
	tree_link(set, vma);
	set->count++;
	return 0;
}

void vma_remove(struct vma_set *set, struct vma *vma)
{
	ASSERT(set->count > 0);
	set->root = tree_remove(set->root, vma);
	list_del(&vma->node);
	vma->left = vma->right = NULL;
	set->count--;
}

struct vma *vma_split(struct vma_set *set, struct vma *vma, unsigned long addr)
{
	ASSERT(vma->start < addr && addr < vma->end && IS_ALIGNED(addr, PAGE_SIZE));
	struct vma *tail = vma_alloc(addr, vma->end, vma->prot, vma->flags);
	if (!tail)
		return NULL;
	vma->end = addr; /* keeps its place: its start did not change */
	list_add(&tail->node, &vma->node);
	tree_link(set, tail);
	set->count++;
	return tail;
}

struct vma *vma_first(struct vma_set *set)
{
	return list_empty(&set->list) ? NULL : list_first_entry(&set->list, struct vma, node);
}

struct vma *vma_next(struct vma_set *set, struct vma *vma)
{
	return vma->node.next == &set->list ? NULL : list_entry(vma->node.next, struct vma, node);
}

int vma_set_height(const struct vma_set *set)
{
	return height(set->root);
}

/* --- verification ---------------------------------------------------------------- */

/* Checks the subtree and counts its nodes; *problems grows per fault. */
static unsigned long verify_tree(const struct vma *n, unsigned long lo, unsigned long hi,
				 int *problems)
{
	if (!n)
		return 0;
	if (n->start < lo || n->end > hi || n->start >= n->end) {
		pr_err("mm: vma [%#lx, %#lx) out of order in the tree\n", n->start, n->end);
		(*problems)++;
	}
	int lh = height(n->left), rh = height(n->right);
	if (n->height != 1 + MAX(lh, rh) || lh - rh > 1 || rh - lh > 1) {
		pr_err("mm: vma [%#lx, %#lx) height %d, children %d and %d\n", n->start, n->end,
		       n->height, lh, rh);
		(*problems)++;
	}
	return 1 + verify_tree(n->left, lo, n->start, problems) +
	       verify_tree(n->right, n->end, hi, problems);
}

int vma_set_verify(struct vma_set *set)
{
	int problems = 0;
	unsigned long in_tree = verify_tree(set->root, 0, ~0ul, &problems);
	unsigned long in_list = 0, prev_end = 0;
	struct vma *v;
	for_each_vma (set, v) {
		if (v->start < prev_end) {
			pr_err("mm: vma [%#lx, %#lx) overlaps or precedes the one before\n",
			       v->start, v->end);
			problems++;
		}
		if (vma_lookup(set, v->start) != v) {
			pr_err("mm: vma [%#lx, %#lx) listed but not found in the tree\n", v->start,
			       v->end);
			problems++;
		}
		prev_end = v->end;
		in_list++;
	}
	if (in_tree != set->count || in_list != set->count) {
		pr_err("mm: vma count %lu, %lu in the tree, %lu in the list\n", set->count, in_tree,
		       in_list);
		problems++;
	}
	return problems;
}
