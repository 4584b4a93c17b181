/*
 * The OOM killer: choose the largest address space, kill its tasks, reap
 * its memory (see oom_kill.h).
 */
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "mm.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "page_io.h"

DEFINE_STAT_COUNTER(oom_kills);	       /* mms killed, and tasks ended with nothing to kill */
DEFINE_STAT_COUNTER(oom_reaped_pages); /* present PTEs the reaper zapped */
DEFINE_STAT_COUNTER(oom_reaped_swap);  /* swap entries the reaper dropped */

/* One kill at a time (Linux's oom_lock): a second task out of memory
 * waits, then finds oom_kill_seq moved and retries instead of killing
 * again. */
static DEFINE_MUTEX(oom_lock);
static atomic_long_t oom_seq; /* kills completed; written under oom_lock */

unsigned long oom_kill_seq(void)
{
	return (unsigned long)atomic_long_read(&oom_seq);
}

bool mm_is_oom_victim(const struct mm *mm)
{
	return mm_flag_test(mm, MMF_OOM_VICTIM);
}

long oom_badness(struct mm *mm)
{
	unsigned long mem = get_mm_counter(mm, MM_ANONPAGES) + get_mm_counter(mm, MM_SWAPENTS);
	/* An empty mm's root table is not worth a kill. */
	if (mm_flag_test(mm, MMF_OOM_SKIP) || !mem)
		return -1;
	return (long)mem + atomic_long_read(&mm->nr_pgtables);
}

struct oom_tasks {
	struct mm *mm;
	bool kill;
	unsigned long n;
};

/* Linux's mark_oom_victim: the task ends at its next fault. */
static void mark_oom_victim(struct task *t)
{
	__atomic_store_n(&t->oom_victim, 1, __ATOMIC_RELEASE);
}

/* sched_for_each_task callback (task list lock held, nothing may sleep). */
static void oom_task_visit(struct task *t, void *arg)
{
	struct oom_tasks *ot = arg;
	if (t->mm != ot->mm || task_state(t) == TASK_DEAD)
		return;
	ot->n++;
	if (ot->kill)
		mark_oom_victim(t);
}

static unsigned long oom_tasks_of(struct mm *mm, bool kill)
{
	struct oom_tasks ot = { mm, kill, 0 };
	sched_for_each_task(oom_task_visit, &ot);
	return ot.n;
}

/*
 * Linux's select_bad_process: the mm with the highest oom_badness among
 * those some task runs in (an mm without tasks belongs to code that will
 * use it again; Linux, too, can only choose processes). The kernel's own
 * root is no struct mm and never on the list. Returns it with a
 * reference, or NULL.
 */
static struct mm *oom_select_victim(void)
{
	struct mm *mm = NULL, *chosen = NULL;
	long best = 0;

	while ((mm = mm_list_next(mm))) {
		long score = oom_badness(mm);
		if (score <= best || !oom_tasks_of(mm, false))
			continue;
		if (chosen)
			mm_put(chosen);
		mm_get(mm);
		chosen = mm;
		best = score;
	}
	return chosen;
}

/*
 * Linux's oom_reap_task_mm, under the mmap lock for write as munmap and
 * exit take it: faults (readers) are out, rmap walks (trylock) skip the
 * mm, swap-in and swapoff's unuse wait. The zap is mm_destroy's
 * (mm_unmap_all). A folio under writeback keeps its swap-cache slots
 * until its write ends, whose own reference frees it then (page_io.c,
 * swap_write_done); a folio another CPU holds locked (reclaim) loses its
 * mappings here and its slots when that CPU is done with it.
 */
static void oom_reap_task_mm(struct mm *mm, struct oom_control *oc)
{
	mutex_assert_held(&oom_lock);
	down_write(&mm->mmap_lock);
	unsigned long pages = get_mm_counter(mm, MM_ANONPAGES);
	unsigned long swap = get_mm_counter(mm, MM_SWAPENTS);
	long tables = atomic_long_read(&mm->nr_pgtables);
	mm_unmap_all(mm);
	oc->reaped_pages = pages - get_mm_counter(mm, MM_ANONPAGES);
	oc->reaped_swap = swap - get_mm_counter(mm, MM_SWAPENTS);
	oc->reaped_tables = (unsigned long)(tables - atomic_long_read(&mm->nr_pgtables));
	mm_flag_set(mm, MMF_OOM_SKIP);
	up_write(&mm->mmap_lock);
	stat_add(oom_reaped_pages, oc->reaped_pages);
	stat_add(oom_reaped_swap, oc->reaped_swap);
	race_point("oom:reap-done");
}

/*
 * Linux's __oom_kill_process: the mm first (from now on its faults fail,
 * so nothing repopulates it), then every task in it; tasks sleeping for
 * swap writes in their allocation are woken to see their kill.
 */
static void __oom_kill_process(struct mm *mm, struct oom_control *oc)
{
	mutex_assert_held(&oom_lock);
	oc->victim_id = mm->id;
	oc->rss_pages = get_mm_counter(mm, MM_ANONPAGES);
	oc->swap_entries = get_mm_counter(mm, MM_SWAPENTS);
	mm_flag_set(mm, MMF_OOM_VICTIM);
	oc->victim_tasks = oom_tasks_of(mm, true);
	swap_io_wake_waiters();
}

/* Kill, reap at once, and say what was freed. */
static void oom_kill_process(struct mm *mm, struct oom_control *oc)
{
	__oom_kill_process(mm, oc);
	oom_reap_task_mm(mm, oc);
	stat_inc(oom_kills);
	struct task *me = current;
	pr_err("oom: %s %s (id %lu): killed mm %lu (%lu tasks): %lu KiB in RAM, "
	       "%lu KiB in swap; reaped %lu KiB RAM, %lu swap slots, %lu page tables; %lu pages "
	       "free\n",
	       oc->mm ? "out of memory in" : "kill asked by", me ? me->name : "?",
	       me ? (unsigned long)me->id : 0ul, oc->victim_id, oc->victim_tasks,
	       oc->rss_pages * (PAGE_SIZE / 1024), oc->swap_entries * (PAGE_SIZE / 1024),
	       oc->reaped_pages * (PAGE_SIZE / 1024), oc->reaped_swap, oc->reaped_tables,
	       nr_free_pages());
}

enum oom_result out_of_memory(struct oom_control *oc)
{
	mutex_lock(&oom_lock);
	if (oom_kill_seq() != oc->seq) {
		/* Someone killed while our allocation was failing: look again. */
		mutex_unlock(&oom_lock);
		return OOM_RETRY;
	}
	struct mm *victim = oom_select_victim();
	if (!victim) {
		mutex_unlock(&oom_lock);
		return OOM_NO_VICTIM;
	}
	oom_kill_process(victim, oc);
	atomic_long_add(&oom_seq, 1);
	mutex_unlock(&oom_lock);
	enum oom_result res = victim == oc->mm ? OOM_KILLED_SELF : OOM_RETRY;
	mm_put(victim);
	return res;
}
