/*
 * The swap path on virtio-blk (asynchronous writes and reads, completions
 * from the interrupt handler), on the boot's swap disk (vda): the same
 * cases as tests/swap_path.c runs on a RAM device. Skipped when no disk
 * is attached.
 */
#include "tests/swap_path_test.h"

KTEST(swap_virtio, pageout_then_fault_back_base)
{
	swap_path_pageout_then_fault_back(t, NULL, 0, 0);
}

KTEST(swap_virtio, pageout_then_fault_back_mthp)
{
	swap_path_pageout_then_fault_back(t, NULL, 0, 4);
}

KTEST(swap_virtio, fork_shares_swap_each_side_copies_base)
{
	swap_path_fork_shares_swap(t, NULL, 0, 0);
}

KTEST(swap_virtio, fork_shares_swap_each_side_copies_mthp)
{
	swap_path_fork_shares_swap(t, NULL, 0, 4);
}
