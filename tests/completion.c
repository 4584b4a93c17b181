/* Completions: counting, complete_all, and the timeout variant. */
#include "kernel/completion.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "test_cpus.h"

KTEST(completion, timeout_expires)
{
	DECLARE_COMPLETION(c);
	u64 start = arch_time_ns();
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, 20 * TEST_MS), -ETIMEDOUT);
	u64 waited = arch_time_ns() - start;
	KT_EXPECT(t, waited >= 20 * TEST_MS);
	KT_EXPECT(t, waited < 5 * TEST_SEC);
	KT_EXPECT(t, !completion_done(&c));

	complete(&c);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, 20 * TEST_MS), 0);
	KT_EXPECT(t, !completion_done(&c)); /* consumed */
}

static int complete_later(void *arg)
{
	u64 start = arch_time_ns();
	while (arch_time_ns() - start < 5 * TEST_MS)
		yield();
	complete(arg);
	return 0;
}

KTEST(completion, complete_before_timeout_wakes)
{
	DECLARE_COMPLETION(c);
	struct task *tk = kthread_create_on_cpu(complete_later, &c, test_other_cpu(), "later");
	KT_ASSERT(t, tk != NULL);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, 10 * TEST_SEC), 0);
	kthread_join(tk);
}

KTEST(completion, counts_and_complete_all)
{
	DECLARE_COMPLETION(c);
	complete(&c);
	complete(&c);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, TEST_MS), 0);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, TEST_MS), 0);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, TEST_MS), -ETIMEDOUT);
	complete_all(&c);
	for (int i = 0; i < 5; i++)
		KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, TEST_MS), 0);
	reinit_completion(&c);
	KT_EXPECT(t, !completion_done(&c));
}
