/*
 * The anon LRU lists (see lru.h).
 */
#include "folio.h"
#include "kernel/panic.h"
#include "kernel/race.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "lru.h"

static DEFINE_SPINLOCK(lru_lock);
static LIST_HEAD(lru_active);	   /* lru_lock */
static LIST_HEAD(lru_inactive);	   /* lru_lock */
static unsigned long lru_pages[2]; /* [active] (lru_lock) */

DEFINE_STAT_COUNTER(lru_deactivated);

static struct list_head *lru_list(bool active)
{
	return active ? &lru_active : &lru_inactive;
}

/* lru_lock held (asserted, as in every function below that says so). */
static void lru_link(struct folio *folio, bool active)
{
	lockdep_assert_held(&lru_lock);
	ASSERT(!folio_test_lru(folio));
	list_add(&folio->page.folio_lru, lru_list(active));
	lru_pages[active] += folio_nr_pages(folio);
	if (active)
		folio_set_active(folio);
	else
		folio_clear_active(folio);
	folio_set_lru(folio);
}

static void lru_unlink(struct folio *folio)
{
	lockdep_assert_held(&lru_lock);
	bool active = folio_test_active(folio);
	list_del(&folio->page.folio_lru);
	lru_pages[active] -= folio_nr_pages(folio);
	folio_clear_lru(folio);
}

void lru_add(struct folio *folio, bool active)
{
	unsigned long irq = spin_lock_irqsave(&lru_lock);
	lru_link(folio, active);
	spin_unlock_irqrestore(&lru_lock, irq);
}

/*
 * Move a folio to the head of the other list (lru_lock held), with PG_lru
 * set throughout. folio_free looks at PG_lru without the lock
 * (lru_del_on_free), and a folio whose last reference has just gone is
 * still on a list: were PG_lru clear for a moment here, folio_free would
 * skip the unlink and free the pages while this put them back on a list
 * (tests/lru_race.c). The LRU and the page allocator's free lists then
 * share the pages' link words; a walk that takes a list head for a folio
 * sets "flags" in the words before it, and 16 bytes before lru_active
 * is lru_lock: the OOM test's hang, a CPU spinning on a lock no CPU held,
 * fits that.
 */
static void lru_move(struct folio *folio, bool active)
{
	lockdep_assert_held(&lru_lock);
	unsigned long nr = folio_nr_pages(folio);
	ASSERT(folio_test_lru(folio));
	list_del(&folio->page.folio_lru);
	lru_pages[folio_test_active(folio)] -= nr;
	race_point("lru:moving");
	list_add(&folio->page.folio_lru, lru_list(active));
	lru_pages[active] += nr;
	if (active)
		folio_set_active(folio);
	else
		folio_clear_active(folio);
}

/* Move folios from the active tail to the inactive head until the
 * inactive list holds at least as many pages (lru_lock held). Their
 * accessed bits decide on the inactive list whether they come back. The
 * folios may be dying (count 0, folio_free waiting for lru_lock). */
static void lru_refill_inactive(unsigned long want)
{
	lockdep_assert_held(&lru_lock);
	while (lru_pages[0] < lru_pages[1] && want && !list_empty(&lru_active)) {
		struct folio *f =
			(struct folio *)list_last_entry(&lru_active, struct page, folio_lru);
		lru_move(f, false);
		want--;
		stat_inc(lru_deactivated);
	}
}

unsigned long lru_isolate(unsigned long nr, struct list_head *list)
{
	unsigned long taken = 0, scanned = 0;
	unsigned long irq = spin_lock_irqsave(&lru_lock);
	lru_refill_inactive(nr * 2);
	if (list_empty(&lru_inactive))
		lru_refill_inactive(~0ul);
	while (taken < nr && scanned++ < nr * 4 && !list_empty(&lru_inactive)) {
		struct folio *f =
			(struct folio *)list_last_entry(&lru_inactive, struct page, folio_lru);
		if (!folio_try_get(f)) {
			/* Its last reference is going: folio_free takes it off. */
			list_move(&f->page.folio_lru, &lru_inactive);
			continue;
		}
		lru_unlink(f);
		list_add_tail(&f->page.folio_lru, list);
		taken++;
	}
	spin_unlock_irqrestore(&lru_lock, irq);
	return taken;
}

bool lru_isolate_folio(struct folio *folio)
{
	bool taken = false;
	if (!folio_test_lru(folio))
		return false;
	unsigned long irq = spin_lock_irqsave(&lru_lock);
	if (folio_test_lru(folio) && folio_try_get(folio)) {
		lru_unlink(folio);
		taken = true;
	}
	spin_unlock_irqrestore(&lru_lock, irq);
	return taken;
}

void lru_putback(struct folio *folio, bool active)
{
	unsigned long irq = spin_lock_irqsave(&lru_lock);
	lru_link(folio, active); /* at the head: scanned last */
	spin_unlock_irqrestore(&lru_lock, irq);
	folio_put(folio);
}

/*
 * The count is 0: nobody can isolate the folio (that takes a reference),
 * so PG_lru changes now only here, and a look without the lock is enough
 * to skip folios that were never on a list.
 */
void lru_del_on_free(struct folio *folio)
{
	bool on_lru = folio_test_lru(folio);
	race_point("lru:free-looked");
	if (!on_lru)
		return;
	unsigned long irq = spin_lock_irqsave(&lru_lock);
	ASSERT(folio_test_lru(folio));
	lru_unlink(folio);
	spin_unlock_irqrestore(&lru_lock, irq);
	folio_clear_active(folio);
}

unsigned long lru_nr_pages(bool active)
{
	return __atomic_load_n(&lru_pages[active], __ATOMIC_RELAXED);
}
