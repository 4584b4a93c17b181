/*
 * Death tests (host only): run fn in a forked child and pass when it
 * panicked (status 1) with the expected message. The child's console goes
 * to a pipe. Only the forking thread exists in the child, which is enough
 * for checks that panic before anything else has to run.
 */
#ifndef TESTS_HOST_DEATH_H
#define TESTS_HOST_DEATH_H

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kernel/ktest.h"

static inline void expect_panic_in_child(struct ktest *t, void (*fn)(void), const char *message)
{
	int fds[2];
	char out[8192];
	size_t len = 0;
	ssize_t n;

	fflush(stdout);
	KT_ASSERT(t, pipe(fds) == 0);
	pid_t pid = fork();
	KT_ASSERT(t, pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		fn();
		_exit(0); /* no panic: the test fails */
	}
	close(fds[1]);
	while (len < sizeof(out) - 1 && (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	KT_EXPECT(t, WIFEXITED(status) && WEXITSTATUS(status) == 1);
	if (!KT_EXPECT(t, strstr(out, message) != NULL))
		ktest_diag(t, "child said: %.300s", out);
}

#endif
