/*
 * The stand-in swap-count table (see swap_count.h): type 0, offsets
 * 0..SWAP_FAKE_SLOTS-1, one counter each under one lock. Replaced by the
 * swap table; only the interface is meant to stay.
 */
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "swap_count.h"

static DEFINE_SPINLOCK(swap_fake_lock);
static int swap_fake_counts[SWAP_FAKE_SLOTS]; /* swap_fake_lock */

static int *swap_fake_slot(swp_entry_t e)
{
	if (swp_type(e) != 0 || swp_offset(e) >= SWAP_FAKE_SLOTS)
		return NULL;
	return &swap_fake_counts[swp_offset(e)];
}

int swap_dup(swp_entry_t entry)
{
	int *c = swap_fake_slot(entry);
	int err = -ENOENT;
	unsigned long irq = spin_lock_irqsave(&swap_fake_lock);
	if (c && *c > 0) {
		(*c)++;
		err = 0;
	}
	spin_unlock_irqrestore(&swap_fake_lock, irq);
	return err;
}

/* Entries outside the fake's range are not tracked (tests of the page
 * tables write made-up swap PTEs): their puts are ignored. */
void swap_put(swp_entry_t entry)
{
	int *c = swap_fake_slot(entry);
	if (!c)
		return;
	unsigned long irq = spin_lock_irqsave(&swap_fake_lock);
	if (*c <= 0)
		panic("swap: put of unused swap entry type %u offset %#lx", swp_type(entry),
		      (unsigned long)swp_offset(entry));
	(*c)--;
	spin_unlock_irqrestore(&swap_fake_lock, irq);
}

int swap_count(swp_entry_t entry)
{
	int *c = swap_fake_slot(entry);
	unsigned long irq = spin_lock_irqsave(&swap_fake_lock);
	int n = c ? *c : 0;
	spin_unlock_irqrestore(&swap_fake_lock, irq);
	return n;
}

int swap_count_fake_set(swp_entry_t entry, int count)
{
	int *c = swap_fake_slot(entry);
	if (!c || count < 0)
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&swap_fake_lock);
	*c = count;
	spin_unlock_irqrestore(&swap_fake_lock, irq);
	return 0;
}

unsigned long swap_count_fake_in_use(void)
{
	unsigned long n = 0;
	unsigned long irq = spin_lock_irqsave(&swap_fake_lock);
	for (unsigned i = 0; i < SWAP_FAKE_SLOTS; i++)
		n += swap_fake_counts[i] > 0;
	spin_unlock_irqrestore(&swap_fake_lock, irq);
	return n;
}
