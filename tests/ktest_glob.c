/* ktest_glob.*: how ktest= selects tests (kernel/ktest.c). */
#include "kernel/ktest.h"

KTEST(ktest_glob, alternatives_and_exclusions)
{
	KT_EXPECT(t, ktest_name_matches("demo", "four_tasks", "*"));
	KT_EXPECT(t, ktest_name_matches("demo", "four_tasks", "smoke.*,demo.*"));
	KT_EXPECT(t, ktest_name_matches("demo", "four_tasks", "demo")); /* a suite by name */
	KT_EXPECT(t, !ktest_name_matches("demo", "four_tasks", "smoke.*"));
	/* '-' excludes, wherever it stands. */
	KT_EXPECT(t, !ktest_name_matches("demo", "four_tasks", "*,-demo.*"));
	KT_EXPECT(t, !ktest_name_matches("demo", "four_tasks", "-demo.*,*"));
	KT_EXPECT(t, ktest_name_matches("smoke", "boots", "*,-demo.*"));
	KT_EXPECT(t, !ktest_name_matches("smoke", "boots", "-demo.*")); /* nothing included */
	KT_EXPECT(t, !ktest_name_matches("swap_table", "x", "swap*,-swap_table"));
	KT_EXPECT(t, ktest_name_matches("swap_path", "x", "swap*,-swap_table"));
}
