/*
 * Reverse mapping of anonymous folios (see rmap.h).
 */
#include "kernel/panic.h"
#include "kmalloc.h"
#include "mm.h"
#include "pgtable.h"
#include "rmap.h"

struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = kzalloc(sizeof(*av), GFP_KERNEL);
	if (!av)
		return NULL;
	spin_lock_init(&av->lock, "anon_vma");
	list_init(&av->vmas);
	atomic_set(&av->refcount, 1);
	return av;
}

void anon_vma_get(struct anon_vma *av)
{
	atomic_inc(&av->refcount);
}

void anon_vma_put(struct anon_vma *av)
{
	if (atomic_dec_and_test(&av->refcount)) {
		ASSERT(list_empty(&av->vmas));
		kfree(av);
	}
}

void anon_vma_attach(struct vma *vma, struct anon_vma *av)
{
	anon_vma_get(av);
	vma->anon_vma = av;
	spin_lock(&av->lock);
	list_add_tail(&vma->anon_vma_link, &av->vmas);
	spin_unlock(&av->lock);
}

void anon_vma_detach(struct vma *vma)
{
	struct anon_vma *av = vma->anon_vma;
	if (!av)
		return;
	spin_lock(&av->lock);
	list_del(&vma->anon_vma_link);
	list_init(&vma->anon_vma_link);
	spin_unlock(&av->lock);
	vma->anon_vma = NULL;
	anon_vma_put(av);
}

/* The folio holds a reference on its anon_vma until it is freed: an
 * rmap walk must find the structure even after every VMA went away. That
 * reference is dropped when the folio is freed (mm/folio.c). */
void folio_add_new_anon_rmap(struct folio *folio, struct vma *vma, unsigned long addr)
{
	unsigned long nr = folio_nr_pages(folio);
	anon_vma_get(vma->anon_vma);
	folio->page.mapping = vma->anon_vma;
	folio->page.index = addr >> PAGE_SHIFT;
	folio_set_anon(folio);
	folio_set_uptodate(folio);
	for (unsigned long i = 0; i < nr; i++)
		page_set_anon_exclusive(folio_page(folio, i));
}

static unsigned rmap_walk_vma(struct folio *folio, struct vma *v, struct rmap_walk_control *rwc,
			      bool *stop)
{
	unsigned long nr = folio_nr_pages(folio);
	unsigned visited = 0;

	for (unsigned long i = 0; i < nr && !*stop; i++) {
		unsigned long addr = (folio->page.index + i) << PAGE_SHIFT;
		if (addr < v->start || addr >= v->end)
			continue;
		pte_t pte = pgtable_read_pte(v->mm, addr);
		if (!pte_present(pte) || pte_pfn(pte) != folio_pfn(folio) + i)
			continue;
		visited++;
		*stop = !rwc->fn(folio, folio_page(folio, i), v->mm, addr, rwc->arg);
	}
	return visited;
}

unsigned rmap_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct anon_vma *av = folio->page.mapping;
	unsigned visited = 0;
	bool stop = false;
	struct vma *v;

	rwc->skipped = 0;
	if (!av || !folio_test_anon(folio))
		return 0;
	spin_lock(&av->lock);
	list_for_each_entry(v, &av->vmas, anon_vma_link) {
		bool held = v->mm == rwc->held;
		if (!held && !down_read_trylock(&v->mm->mmap_lock)) {
			rwc->skipped++;
			continue;
		}
		visited += rmap_walk_vma(folio, v, rwc, &stop);
		if (!held)
			up_read(&v->mm->mmap_lock);
		if (stop)
			break;
	}
	spin_unlock(&av->lock);
	return visited;
}
