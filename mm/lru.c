/*
 * The anon LRU lists (see lru.h).
 */
#include "folio.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
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

/* --- per-CPU add batches (Linux's cpu_fbatches.lru_add) ----------------------- */

/*
 * Every fault on every CPU used to take lru_lock for its one new folio.
 * A batch of 15 (Linux's PAGEVEC_SIZE before 6.5) takes it once for 15.
 * The batch's own lock is, in practice, only ever taken by its CPU; it
 * exists so that lru_add_drain_all and folio_free can reach another CPU's
 * batch (as mm/pcp.c's per-CPU page lists do). irqsave: folio_free may
 * run in an interrupt (a swap write's completion drops a reference).
 */
#define FOLIO_BATCH_SIZE 15

struct folio_batch {
	unsigned nr;
	struct folio *folios[FOLIO_BATCH_SIZE];
};

struct lru_add_batch {
	spinlock_t lock;
	struct folio_batch fbatch; /* lock; each folio has PG_lru_batch */
};

static DEFINE_PER_CPU(struct lru_add_batch, lru_add_batches) = {
	[0 ... NR_CPUS_MAX - 1] = { .val = { .lock = SPINLOCK_INIT("lru_batch") } },
};

DEFINE_STAT_COUNTER(lru_add_batched); /* folios that went through a batch */
DEFINE_STAT_COUNTER(lru_add_drains);  /* batches moved onto the lists */
DEFINE_STAT_COUNTER(lru_batch_frees); /* folios freed while in a batch */

/*
 * Move the batch's folios onto their lists under one lru_lock acquisition
 * (Linux's folio_batch_move_lru); the batch's lock held, so interrupts are
 * off. A folio may be dying (count 0, its folio_free waiting for this
 * batch's lock): it goes on a list all the same, and folio_free, finding
 * PG_lru_batch gone, takes it off the list (PG_lru is set first).
 */
static void lru_batch_move(struct lru_add_batch *b)
{
	lockdep_assert_held(&b->lock);
	if (!b->fbatch.nr)
		return;
	spin_lock(&lru_lock);
	for (unsigned i = 0; i < b->fbatch.nr; i++) {
		struct folio *folio = b->fbatch.folios[i];
		lru_link(folio, folio_test_active(folio));
		folio_clear_lru_batch(folio);
	}
	spin_unlock(&lru_lock);
	b->fbatch.nr = 0;
	stat_inc(lru_add_drains);
}

/*
 * A large folio moves the batch at once (as Linux's
 * folio_batch_add_and_move): 15 of them could hide thousands of pages
 * from reclaim.
 */
void lru_add(struct folio *folio, bool active)
{
	ASSERT(!folio_test_lru(folio) && !folio_test_lru_batch(folio));
	if (active) /* the folio is ours alone until it is on a list */
		folio_set_active(folio);
	else
		folio_clear_active(folio);
	unsigned long irq = arch_irq_save();
	struct lru_add_batch *b = &this_cpu(lru_add_batches);
	spin_lock(&b->lock);
	folio_set_lru_batch(folio);
	b->fbatch.folios[b->fbatch.nr++] = folio;
	if (b->fbatch.nr == FOLIO_BATCH_SIZE || folio_test_large(folio))
		lru_batch_move(b);
	spin_unlock(&b->lock);
	arch_irq_restore(irq);
	stat_inc(lru_add_batched);
}

static void lru_add_drain_cpu(unsigned cpu)
{
	struct lru_add_batch *b = &per_cpu(lru_add_batches, cpu);
	unsigned long irq = spin_lock_irqsave(&b->lock);
	lru_batch_move(b);
	spin_unlock_irqrestore(&b->lock, irq);
}

void lru_add_drain(void)
{
	lru_add_drain_cpu(arch_cpu_id());
}

void lru_add_drain_all(void)
{
	unsigned cpu;
	for_each_online_cpu (cpu)
		lru_add_drain_cpu(cpu);
}

/* folio_free of a folio in some CPU's batch: take it out. False when a
 * drain moved it onto a list first (then PG_lru is set). */
static bool lru_batch_del(struct folio *folio)
{
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		struct lru_add_batch *b = &per_cpu(lru_add_batches, cpu);
		unsigned long irq = spin_lock_irqsave(&b->lock);
		for (unsigned i = 0; i < b->fbatch.nr; i++) {
			if (b->fbatch.folios[i] != folio)
				continue;
			b->fbatch.folios[i] = b->fbatch.folios[--b->fbatch.nr];
			folio_clear_lru_batch(folio);
			spin_unlock_irqrestore(&b->lock, irq);
			stat_inc(lru_batch_frees);
			return true;
		}
		spin_unlock_irqrestore(&b->lock, irq);
	}
	return false;
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
	if (folio_test_lru_batch(folio))
		lru_add_drain_all(); /* its batch may be another CPU's */
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

/* The isolation references are dropped after lru_lock: a last one frees
 * the folio, and folio_free takes lru_lock to unlink it. */
#define LRU_PUTBACK_BATCH 32

void lru_putback_list(struct list_head *list)
{
	while (!list_empty(list)) {
		struct folio *put[LRU_PUTBACK_BATCH];
		unsigned n = 0;
		unsigned long irq = spin_lock_irqsave(&lru_lock);
		while (n < LRU_PUTBACK_BATCH && !list_empty(list)) {
			struct folio *folio =
				(struct folio *)list_first_entry(list, struct page, folio_lru);
			list_del(&folio->page.folio_lru);
			lru_link(folio, folio_test_active(folio));
			put[n++] = folio;
		}
		spin_unlock_irqrestore(&lru_lock, irq);
		for (unsigned i = 0; i < n; i++)
			folio_put(put[i]);
	}
}

/*
 * The count is 0: nobody can isolate the folio (that takes a reference),
 * so PG_lru changes now only here or in a drain of the batch it waits in,
 * and a look without the lock is enough to skip folios that were never on
 * a list. The batch first: a drain sets PG_lru before it clears
 * PG_lru_batch, under the batch's lock, so a folio no batch holds any more
 * shows PG_lru if it is on a list.
 */
void lru_del_on_free(struct folio *folio)
{
	if (folio_test_lru_batch(folio) && lru_batch_del(folio))
		return;
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
