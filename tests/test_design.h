/*
 * The seeds' design switches (README, "Command line"), as a test sees
 * them: test_design_defaults saves every one, sets the default (the
 * correct design) and puts the boot's values back when the test ends.
 * swap_path_begin calls it, and so does every seed test (nested calls
 * are fine: the first saves, the last restore puts back), which then flips
 * the one switch its twin is about, so that a boot with some switch on
 * (swap.exclusive_bit=0, swap.table_alloc=static...) still runs every
 * scenario as written.
 */
#ifndef TESTS_TEST_DESIGN_H
#define TESTS_TEST_DESIGN_H

#include "kernel/ktest.h"

/* False (the test failed) only when the restore could not be deferred. */
bool test_design_defaults(struct ktest *t);

#endif
