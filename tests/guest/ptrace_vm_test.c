// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_VM: the tags in the addr argument of the ptrace resume requests
 * (ptrace_vm.h), and PTRACE_SYSEMU, as seen by a tracer.
 *
 * Most tests fork a tracee that stops itself with SIGSTOP and then makes
 * exactly these system calls, recording in shared memory what they return:
 *
 *	mkdir(dir[0]); getppid(); mkdir(dir[1]); exit_group(0);
 *
 * The tracer tells a syscall-entry stop from an exit stop by counting them,
 * as strace does without PTRACE_GET_SYSCALL_INFO (which stock UML lacks),
 * and checks the count with rax, which is -ENOSYS at every entry stop on
 * x86_64.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/prctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#ifndef PTRACE_EVENTMSG_SYSCALL_EXIT
#define PTRACE_EVENTMSG_SYSCALL_EXIT 2
#endif

/*
 * The harness builds with warnings under -Wextra: its SIGALRM handler has
 * an unused parameter, and the wrapper of TEST_F() keeps a variable across
 * setjmp() that longjmp() may clobber, so that after a failed ASSERT_*() a
 * FIXTURE_TEARDOWN() may not run.  FIXTURE_TEARDOWN_PARENT() runs anyway.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <kselftest_harness.h>
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"

#include "ptrace_vm.h"

#define TIMEOUT		10	/* seconds, for a test that takes milliseconds */
#define MAX_STOPS	1000	/* stops before one of ours, however many libc makes */
#define SYSCALL_STOP	(SIGTRAP | 0x80)	/* with PTRACE_O_TRACESYSGOOD */
#define REG(r)		offsetof(struct user_regs_struct, r)
#define RESULT		4242	/* what a tracer makes a skipped call return */
#define NOBODY		65534
#define NOT_RETURNED	LONG_MIN
#define X86_CF		0x1L	/* the carry flag of eflags */

/* What a call of the tracee returned, as the tracee saw it. */
struct result {
	long ret;
	int err;
};

/* What the children saw, in memory shared with them. */
struct seen {
	struct result mkdir0;	/* the results of the tracee's calls */
	struct result getppid;
	struct result mkdir1;
	char why[256];		/* why a helper child failed */
};

/* One thread the test traces. */
struct tracee {
	pid_t tid;
	bool in_call;	/* at an entry stop that PTRACE_SYSCALL leaves for the exit */
};

FIXTURE(ptrace_vm) {
	struct tracee t;	/* the tracee, if the test started one */
	pid_t other[2];		/* other children, killed at the end */
	char dir[2][64];	/* what the tracee's two mkdir() calls make */
	struct seen *seen;
};

FIXTURE_SETUP(ptrace_vm)
{
	struct result none = { .ret = NOT_RETURNED };
	unsigned int i;

	self->seen = mmap(NULL, sizeof(*self->seen), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->seen) {
		TH_LOG("mmap: %m");
	}
	self->seen->mkdir0 = none;
	self->seen->getppid = none;
	self->seen->mkdir1 = none;
	for (i = 0; i < ARRAY_SIZE(self->dir); i++) {
		snprintf(self->dir[i], sizeof(self->dir[i]),
			 "/tmp/ptrace_vm_test.%d.%u", getpid(), i);
		rmdir(self->dir[i]);
	}
}

/*
 * Run once, in the test's process or in its parent (see above).  The
 * tracees die with their tracer anyway (PTRACE_O_EXITKILL), the other
 * children do not.
 */
FIXTURE_TEARDOWN_PARENT(ptrace_vm)
{
	unsigned int i;

	if (self->t.tid > 0)
		kill(self->t.tid, SIGKILL);
	for (i = 0; i < ARRAY_SIZE(self->other); i++)
		if (self->other[i] > 0)
			kill(self->other[i], SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	for (i = 0; i < ARRAY_SIZE(self->dir); i++)
		rmdir(self->dir[i]);
}

/* In a child, which must not use ASSERT_*(): say why it fails, and exit. */
static void __attribute__((noreturn, format(printf, 2, 3)))
child_fail(FIXTURE_DATA(ptrace_vm) *self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(self->seen->why, sizeof(self->seen->why), fmt, ap);
	va_end(ap);
	_exit(1);
}

#define RECORD(result, call)			\
	do {					\
		errno = 0;			\
		(result)->ret = (call);		\
		(result)->err = errno;		\
	} while (0)

/* The tracee: nothing but the calls above after its first stop. */
static void __attribute__((noreturn))
run_tracee(FIXTURE_DATA(ptrace_vm) *self)
{
	pid_t pid = getpid();

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(90);
	kill(pid, SIGSTOP);
	RECORD(&self->seen->mkdir0, syscall(SYS_mkdir, self->dir[0], 0700));
	RECORD(&self->seen->getppid, syscall(SYS_getppid));
	RECORD(&self->seen->mkdir1, syscall(SYS_mkdir, self->dir[1], 0700));
	_exit(0);
}

static const char *sys_name(long nr)
{
	switch (nr) {
	case SYS_mkdir:
		return "mkdir";
	case SYS_getppid:
		return "getppid";
	case SYS_exit_group:
		return "exit_group";
	}
	return "another call";
}

static const char *request_name(long request)
{
	switch (request) {
	case PTRACE_SYSCALL:
		return "PTRACE_SYSCALL";
	case PTRACE_CONT:
		return "PTRACE_CONT";
	case PTRACE_SINGLESTEP:
		return "PTRACE_SINGLESTEP";
	case PTRACE_SYSEMU:
		return "PTRACE_SYSEMU";
	case PTRACE_SYSEMU_SINGLESTEP:
		return "PTRACE_SYSEMU_SINGLESTEP";
	}
	return "a ptrace request";
}

/* A wait status in words, for the log, until the next call. */
static const char *describe(pid_t tid, int status)
{
	static char buf[128];
	const size_t size = sizeof(buf);

	if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFSTOPPED(status) && status >> 16)
		snprintf(buf, size, "stopped at PTRACE_EVENT %d",
			 status >> 16);
	else if (WIFSTOPPED(status) && WSTOPSIG(status) == SYSCALL_STOP)
		snprintf(buf, size,
			 "stopped at a syscall stop, orig_rax %ld, rax %ld",
			 ptrace(PTRACE_PEEKUSER, tid, REG(orig_rax), NULL),
			 ptrace(PTRACE_PEEKUSER, tid, REG(rax), NULL));
	else if (WIFSTOPPED(status))
		snprintf(buf, size, "stopped by signal %d (%s)",
			 WSTOPSIG(status), strsignal(WSTOPSIG(status)));
	else
		snprintf(buf, size, "has wait status %#x", status);
	return buf;
}

static bool dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int wait_for(struct __test_metadata *_metadata, pid_t tid)
{
	int status = 0;
	pid_t got;

	do
		got = waitpid(tid, &status, __WALL);
	while (got < 0 && errno == EINTR);
	ASSERT_EQ(tid, got) {
		TH_LOG("waitpid(%d): %m", tid);
	}
	return status;
}

static long peek_reg(struct __test_metadata *_metadata, pid_t tid,
		     size_t offset)
{
	long value;

	errno = 0;
	value = ptrace(PTRACE_PEEKUSER, tid, offset, NULL);
	ASSERT_EQ(0, errno) {
		TH_LOG("PTRACE_PEEKUSER of offset %zu: %m", offset);
	}
	return value;
}

static void poke_reg(struct __test_metadata *_metadata, pid_t tid,
		     size_t offset, long value)
{
	ASSERT_EQ(0, ptrace(PTRACE_POKEUSER, tid, offset, value)) {
		TH_LOG("PTRACE_POKEUSER of offset %zu: %m", offset);
	}
}

/* Resume @t with @request, @addr and no signal. */
static void resume(struct __test_metadata *_metadata, struct tracee *t,
		   long request, unsigned long addr)
{
	ASSERT_EQ(0, ptrace(request, t->tid, (void *)addr, NULL)) {
		TH_LOG("%s with addr %#lx: %m", request_name(request), addr);
	}
	/* From an entry stop, only these lead to the exit stop. */
	if (request != PTRACE_SYSCALL || (addr & PTRACE_SYSCALL_SKIPEXIT))
		t->in_call = false;
}

/*
 * Wait for the next stop of @t, which must be the entry stop (@entry) or
 * the exit stop of system call @nr; @after says what led to it.  Returns
 * rax there.
 */
static long expect_syscall_stop(struct __test_metadata *_metadata,
				struct tracee *t, bool entry, long nr,
				const char *after)
{
	const char *stop = entry ? "entry" : "exit";
	int status = wait_for(_metadata, t->tid);
	long orig_rax, rax;

	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SYSCALL_STOP &&
		    !(status >> 16)) {
		TH_LOG("after %s, wanted the %s stop of %s; the tracee %s",
		       after, stop, sys_name(nr), describe(t->tid, status));
	}
	orig_rax = peek_reg(_metadata, t->tid, REG(orig_rax));
	rax = peek_reg(_metadata, t->tid, REG(rax));
	ASSERT_EQ(nr, orig_rax) {
		TH_LOG("after %s, wanted the %s stop of %s (%ld), got a stop of %s (%ld) with rax %ld",
		       after, stop, sys_name(nr), nr, sys_name(orig_rax),
		       orig_rax, rax);
	}
	if (entry) {
		ASSERT_EQ(-ENOSYS, rax) {
			TH_LOG("after %s, wanted the entry stop of %s, but rax is %ld, not -ENOSYS: an exit stop?",
			       after, sys_name(nr), rax);
		}
	}
	t->in_call = entry;
	return rax;
}

/* Wait for the next stop of @t: a stop by @sig; @after says what led to it. */
static void expect_signal_stop(struct __test_metadata *_metadata,
			       struct tracee *t, int sig, const char *after)
{
	int status = wait_for(_metadata, t->tid);

	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == sig &&
		    !(status >> 16)) {
		TH_LOG("after %s, wanted a stop by signal %d (%s); the tracee %s",
		       after, sig, strsignal(sig), describe(t->tid, status));
	}
}

/* Wait for @t to exit with status 0; @after says what led to it. */
static void expect_exit(struct __test_metadata *_metadata, struct tracee *t,
			const char *after)
{
	int status = wait_for(_metadata, t->tid);

	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("after %s, wanted the tracee to exit with 0; it %s",
		       after, describe(t->tid, status));
	}
	t->tid = 0;
}

/*
 * Resume @t with PTRACE_SYSCALL, @addr the first time and 0 after, until
 * the entry stop of system call @nr, over any other call on the way.  The
 * message of a PTRACE_EVENT stop (a new thread's id) goes to *@event_msg.
 */
static void run_to_entry(struct __test_metadata *_metadata, struct tracee *t,
			 unsigned long addr, long nr, unsigned long *event_msg)
{
	int i, status;
	long rax;

	for (i = 0; i < MAX_STOPS; i++) {
		resume(_metadata, t, PTRACE_SYSCALL, i ? 0 : addr);
		status = wait_for(_metadata, t->tid);
		ASSERT_TRUE(WIFSTOPPED(status)) {
			TH_LOG("on the way to the entry stop of %s, the tracee %s",
			       sys_name(nr), describe(t->tid, status));
		}
		if (status >> 16) {
			if (event_msg)
				ptrace(PTRACE_GETEVENTMSG, t->tid, NULL,
				       event_msg);
			continue;
		}
		ASSERT_EQ(SYSCALL_STOP, WSTOPSIG(status)) {
			TH_LOG("on the way to the entry stop of %s, the tracee %s",
			       sys_name(nr), describe(t->tid, status));
		}
		t->in_call = !t->in_call;
		if (!t->in_call)
			continue;
		rax = peek_reg(_metadata, t->tid, REG(rax));
		ASSERT_EQ(-ENOSYS, rax) {
			TH_LOG("on the way to the entry stop of %s, rax is %ld, not -ENOSYS, at what should be an entry stop",
			       sys_name(nr), rax);
		}
		if (peek_reg(_metadata, t->tid, REG(orig_rax)) == nr)
			return;
	}
	ASSERT_LT(i, MAX_STOPS) {
		TH_LOG("no entry stop of %s in %d stops", sys_name(nr), i);
	}
}

/* Fork the tracee and take its first stop, the SIGSTOP it sends itself. */
static void start_tracee(struct __test_metadata *_metadata,
			 FIXTURE_DATA(ptrace_vm) *self)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid) {
		TH_LOG("fork: %m");
	}
	if (pid == 0)
		run_tracee(self);
	self->t.tid = pid;
	self->t.in_call = false;
	expect_signal_stop(_metadata, &self->t, SIGSTOP, "PTRACE_TRACEME");
	ASSERT_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) {
		TH_LOG("PTRACE_SETOPTIONS: %m");
	}
}

/*
 * Run the whole tracee with PTRACE_SYSCALL and @addr on every resume; it
 * must stop at the entry and at the exit of each call, and run them all.
 */
static void expect_all_stops(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ptrace_vm) *self, unsigned long addr)
{
	const struct {
		long nr;
		long ret;	/* rax at the exit stop */
	} calls[] = {
		{ SYS_mkdir, 0 },
		{ SYS_getppid, getpid() },
		{ SYS_mkdir, 0 },
		{ SYS_exit_group, 0 },	/* no exit stop */
	};
	char after[128];
	unsigned int i;
	long rax;

	start_tracee(_metadata, self);
	snprintf(after, sizeof(after), "PTRACE_SYSCALL with addr %#lx", addr);
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		resume(_metadata, &self->t, PTRACE_SYSCALL, addr);
		expect_syscall_stop(_metadata, &self->t, true, calls[i].nr,
				    after);
		if (calls[i].nr == SYS_exit_group)
			break;
		resume(_metadata, &self->t, PTRACE_SYSCALL, addr);
		rax = expect_syscall_stop(_metadata, &self->t, false,
					  calls[i].nr, after);
		EXPECT_EQ(calls[i].ret, rax) {
			TH_LOG("the exit stop of call #%u, %s, shows the wrong result",
			       i, sys_name(calls[i].nr));
		}
	}
	resume(_metadata, &self->t, PTRACE_SYSCALL, addr);
	expect_exit(_metadata, &self->t, "the entry stop of exit_group");
	EXPECT_TRUE(dir_exists(self->dir[0]) && dir_exists(self->dir[1])) {
		TH_LOG("the tracee's mkdir calls did not make %s and %s",
		       self->dir[0], self->dir[1]);
	}
}

TEST_F_TIMEOUT(ptrace_vm, syscall_gives_entry_and_exit_stops, TIMEOUT)
{
	expect_all_stops(_metadata, self, 0);
}

TEST_F_TIMEOUT(ptrace_vm, addr_1_from_gdb_changes_nothing, TIMEOUT)
{
	expect_all_stops(_metadata, self, 1);
}

TEST_F_TIMEOUT(ptrace_vm, cont_with_addr_1_from_gdb_runs_call, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_CONT, 1);
	expect_exit(_metadata, &self->t,
		    "PTRACE_CONT with addr 1 at the entry of mkdir");
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir, resumed with PTRACE_CONT and addr 1, did not run: it returned %ld (errno %d)",
		       self->seen->mkdir0.ret, self->seen->mkdir0.err);
	}
}

TEST_F_TIMEOUT(ptrace_vm, bits_outside_mask_change_nothing, TIMEOUT)
{
	expect_all_stops(_metadata, self, ~(unsigned long)PTRACE_SYSCALL_MASK);
}

TEST_F_TIMEOUT(ptrace_vm, skipexit_runs_call_without_exit_stop, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPEXIT);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + SKIPEXIT at the entry of mkdir");
	ASSERT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir resumed with SKIPEXIT did not run: no %s",
		       self->dir[0]);
	}
	EXPECT_EQ(0, self->seen->mkdir0.ret) {
		TH_LOG("mkdir resumed with SKIPEXIT failed: %s",
		       strerror(self->seen->mkdir0.err));
	}
}

TEST_F_TIMEOUT(ptrace_vm, skipcall_skips_call_and_exit_stop, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPCALL);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + SKIPCALL at the entry of mkdir");
	ASSERT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir resumed with SKIPCALL ran: it made %s",
		       self->dir[0]);
	}
}

TEST_F_TIMEOUT(ptrace_vm, skipcall_keeps_tracer_result, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	poke_reg(_metadata, self->t.tid, REG(rax), RESULT);
	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPCALL);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + SKIPCALL at the entry of mkdir");
	EXPECT_EQ(RESULT, self->seen->mkdir0.ret) {
		TH_LOG("the tracer set rax to %d at the entry of mkdir and skipped it; the tracee's mkdir returned %ld (errno %d)",
		       RESULT, self->seen->mkdir0.ret,
		       self->seen->mkdir0.err);
	}
}

TEST_F_TIMEOUT(ptrace_vm, skipcall_untouched_returns_enosys, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPCALL);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + SKIPCALL at the entry of mkdir");
	EXPECT_TRUE(self->seen->mkdir0.ret == -1 &&
		    self->seen->mkdir0.err == ENOSYS) {
		TH_LOG("a skipped mkdir with rax untouched returned %ld (errno %d), not -1 with ENOSYS",
		       self->seen->mkdir0.ret, self->seen->mkdir0.err);
	}
}

/*
 * Not a PTRACE_VM rule, but what a UML inside UML relies on when it
 * returns from a signal handler: the tracer sets the flags, it does not
 * merely add to them.
 */
TEST_F_TIMEOUT(ptrace_vm, tracer_can_clear_eflags, TIMEOUT)
{
	long flags;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	flags = peek_reg(_metadata, self->t.tid, REG(eflags));
	poke_reg(_metadata, self->t.tid, REG(eflags), flags | X86_CF);
	ASSERT_EQ(X86_CF, peek_reg(_metadata, self->t.tid, REG(eflags)) & X86_CF) {
		TH_LOG("setting CF in eflags (%#lx) did not stick", flags);
	}
	poke_reg(_metadata, self->t.tid, REG(eflags), flags & ~X86_CF);
	EXPECT_EQ(0, peek_reg(_metadata, self->t.tid, REG(eflags)) & X86_CF) {
		TH_LOG("clearing CF in eflags did not stick: the tracer can only add flags");
	}
}

TEST_F_TIMEOUT(ptrace_vm, cont_with_skipcall_skips_call, TIMEOUT)
{
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_CONT, PTRACE_SYSCALL_SKIPCALL);
	expect_exit(_metadata, &self->t,
		    "PTRACE_CONT + SKIPCALL at the entry of mkdir");
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir resumed with PTRACE_CONT + SKIPCALL ran: it made %s",
		       self->dir[0]);
	}
	EXPECT_TRUE(dir_exists(self->dir[1])) {
		TH_LOG("the next mkdir, which had no entry stop, did not run: no %s",
		       self->dir[1]);
	}
}

TEST_F_TIMEOUT(ptrace_vm, entry_tag_decides_not_older_tag, TIMEOUT)
{
	long rax;

	start_tracee(_metadata, self);
	/* SKIPCALL at the signal stop, 0 at the entry: mkdir runs. */
	run_to_entry(_metadata, &self->t, PTRACE_SYSCALL_SKIPCALL, SYS_mkdir,
		     NULL);
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	rax = expect_syscall_stop(_metadata, &self->t, false, SYS_mkdir,
				  "SKIPCALL at the signal stop, 0 at the entry of mkdir");
	EXPECT_EQ(0, rax);
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir, resumed with 0 from its entry stop, did not run: no %s",
		       self->dir[0]);
	}

	/* SKIPEXIT for getppid, 0 for the next call: it has its exit stop. */
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + 0 at the exit of mkdir");
	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPEXIT);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSCALL + SKIPEXIT at the entry of getppid");
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	rax = expect_syscall_stop(_metadata, &self->t, false, SYS_mkdir,
				  "SKIPEXIT for getppid, 0 at the entry of the next mkdir");
	EXPECT_EQ(0, rax);
}

TEST_F_TIMEOUT(ptrace_vm, tag_without_entry_stop_skips_nothing, TIMEOUT)
{
	start_tracee(_metadata, self);
	resume(_metadata, &self->t, PTRACE_CONT, PTRACE_SYSCALL_SKIPCALL);
	expect_exit(_metadata, &self->t,
		    "PTRACE_CONT + SKIPCALL at the signal stop");
	EXPECT_TRUE(dir_exists(self->dir[0]) && dir_exists(self->dir[1])) {
		TH_LOG("calls without an entry stop were skipped: mkdir returned %ld and %ld",
		       self->seen->mkdir0.ret, self->seen->mkdir1.ret);
	}
	EXPECT_EQ(getpid(), self->seen->getppid.ret) {
		TH_LOG("a call without an entry stop was skipped: getppid returned %ld",
		       self->seen->getppid.ret);
	}
}

TEST_F_TIMEOUT(ptrace_vm, bits_outside_mask_keep_the_tag, TIMEOUT)
{
	unsigned long others = ~(unsigned long)PTRACE_SYSCALL_MASK;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_SYSCALL,
	       others | PTRACE_SYSCALL_SKIPEXIT);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + ~MASK + SKIPEXIT at the entry of mkdir");
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir resumed with ~MASK + SKIPEXIT did not run: no %s",
		       self->dir[0]);
	}
	resume(_metadata, &self->t, PTRACE_SYSCALL,
	       others | PTRACE_SYSCALL_SKIPCALL);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSCALL + ~MASK + SKIPCALL at the entry of getppid");
	EXPECT_TRUE(self->seen->getppid.ret == -1 &&
		    self->seen->getppid.err == ENOSYS) {
		TH_LOG("getppid resumed with ~MASK + SKIPCALL returned %ld (errno %d), not -1 with ENOSYS",
		       self->seen->getppid.ret, self->seen->getppid.err);
	}
}

/*
 * 0x4 alone is no tag (SKIPCALL implies SKIPEXIT): the request fails with
 * EIO, the tracee stays in its stop, and the next request decides.
 */
TEST_F_TIMEOUT(ptrace_vm, undefined_tag_is_refused_and_changes_nothing, TIMEOUT)
{
	int status;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_SYSCALL, self->t.tid, (void *)4UL, NULL)) {
		TH_LOG("PTRACE_SYSCALL with addr 0x4 at the entry of mkdir was accepted");
	}
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, waitpid(self->t.tid, &status, WNOHANG | __WALL)) {
		TH_LOG("the tracee left its entry stop after a refused request");
	}
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	expect_syscall_stop(_metadata, &self->t, false, SYS_mkdir,
			    "PTRACE_SYSCALL after a refused 0x4 at the entry of mkdir");
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir did not run after a refused tag and a plain resume: no %s",
		       self->dir[0]);
	}
}

TEST_F_TIMEOUT(ptrace_vm, detach_at_entry_stop_runs_call, TIMEOUT)
{
	start_tracee(_metadata, self);
	/* At the entry stop, the tag from the signal stop is stored... */
	run_to_entry(_metadata, &self->t, PTRACE_SYSCALL_SKIPCALL, SYS_mkdir,
		     NULL);
	/* ... and detaching must forget it. */
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, self->t.tid, NULL, NULL)) {
		TH_LOG("PTRACE_DETACH: %m");
	}
	expect_exit(_metadata, &self->t, "PTRACE_DETACH at the entry of mkdir");
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir, detached at its entry stop, did not run: it returned %ld (errno %d)",
		       self->seen->mkdir0.ret, self->seen->mkdir0.err);
	}
}

TEST_F_TIMEOUT(ptrace_vm, singlestep_trap_delivered_with_skipexit, TIMEOUT)
{
	long rax;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	resume(_metadata, &self->t, PTRACE_SINGLESTEP, PTRACE_SYSCALL_SKIPEXIT);
	expect_signal_stop(_metadata, &self->t, SIGTRAP,
			   "PTRACE_SINGLESTEP + SKIPEXIT at the entry of mkdir");
	rax = peek_reg(_metadata, self->t.tid, REG(rax));
	EXPECT_EQ(0, rax) {
		TH_LOG("at the single-step trap after mkdir, rax is not its result");
	}
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir, single-stepped with SKIPEXIT, did not run: no %s",
		       self->dir[0]);
	}
}

TEST_F_TIMEOUT(ptrace_vm, sysemu_reports_entry_and_skips_call, TIMEOUT)
{
	start_tracee(_metadata, self);
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSEMU at the signal stop");
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSEMU at the entry of mkdir");
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir under PTRACE_SYSEMU ran: it made %s",
		       self->dir[0]);
	}
	EXPECT_TRUE(self->seen->mkdir0.ret == -1 &&
		    self->seen->mkdir0.err == ENOSYS) {
		TH_LOG("mkdir under PTRACE_SYSEMU returned %ld (errno %d), not -1 with ENOSYS",
		       self->seen->mkdir0.ret, self->seen->mkdir0.err);
	}
}

TEST_F_TIMEOUT(ptrace_vm, sysemu_keeps_tracer_result, TIMEOUT)
{
	start_tracee(_metadata, self);
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSEMU at the signal stop");
	poke_reg(_metadata, self->t.tid, REG(rax), RESULT);
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSEMU at the entry of mkdir");
	EXPECT_EQ(RESULT, self->seen->mkdir0.ret) {
		TH_LOG("the tracer set rax to %d at the entry of mkdir under PTRACE_SYSEMU; mkdir returned %ld (errno %d)",
		       RESULT, self->seen->mkdir0.ret,
		       self->seen->mkdir0.err);
	}
}

TEST_F_TIMEOUT(ptrace_vm, sysemu_singlestep_reports_step_not_exit, TIMEOUT)
{
	long rax;

	start_tracee(_metadata, self);
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSEMU at the signal stop");
	resume(_metadata, &self->t, PTRACE_SYSEMU_SINGLESTEP, 0);
	expect_signal_stop(_metadata, &self->t, SIGTRAP,
			   "PTRACE_SYSEMU_SINGLESTEP at the entry of mkdir");
	rax = peek_reg(_metadata, self->t.tid, REG(rax));
	EXPECT_EQ(-ENOSYS, rax) {
		TH_LOG("at the single-step trap after an emulated mkdir, rax is not -ENOSYS");
	}
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir under PTRACE_SYSEMU_SINGLESTEP ran: it made %s",
		       self->dir[0]);
	}
}

/* As on native x86_64: the resume from the entry stop decides the exit. */
TEST_F_TIMEOUT(ptrace_vm, sysemu_entry_resumed_with_syscall_stops_at_exit, TIMEOUT)
{
	unsigned long msg = 0;

	start_tracee(_metadata, self);
	resume(_metadata, &self->t, PTRACE_SYSEMU, 0);
	expect_syscall_stop(_metadata, &self->t, true, SYS_mkdir,
			    "PTRACE_SYSEMU at the signal stop");
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	expect_syscall_stop(_metadata, &self->t, false, SYS_mkdir,
			    "PTRACE_SYSCALL at the PTRACE_SYSEMU entry of mkdir");
	ASSERT_EQ(0, ptrace(PTRACE_GETEVENTMSG, self->t.tid, NULL, &msg));
	EXPECT_EQ((unsigned long)PTRACE_EVENTMSG_SYSCALL_EXIT, msg) {
		TH_LOG("the stop after PTRACE_SYSCALL at a PTRACE_SYSEMU entry stop is no exit stop (event message %lu)",
		       msg);
	}
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir, emulated at its entry stop, ran: it made %s",
		       self->dir[0]);
	}
}

/*
 * A prefixed syscall instruction (rex.W syscall) is still a system call.
 * Single-stepped, it must reach UML like any other, not run on the host:
 * UML must not resume a stepping process with the host's
 * PTRACE_SINGLESTEP, which has no syscall-entry stop.
 */
TEST_F_TIMEOUT(ptrace_vm, singlestep_over_prefixed_syscall_runs_in_uml, TIMEOUT)
{
	int status, steps;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		long ret;

		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		asm volatile(".byte 0x48, 0x0f, 0x05"
			     : "=a" (ret)
			     : "a" ((long)SYS_mkdir), "D" (self->dir[0]),
			       "S" (0700L)
			     : "rcx", "r11", "memory");
		_exit(ret == 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	for (steps = 0; steps < 100000; steps++) {
		ASSERT_EQ(0, ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (!WIFSTOPPED(status))
			break;
		ASSERT_EQ(SIGTRAP, WSTOPSIG(status)) {
			TH_LOG("single-stepping, the child stopped with signal %d",
			       WSTOPSIG(status));
		}
	}
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("the single-stepped child did not exit (status 0x%x)",
		       status);
	}
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("mkdir by a single-stepped prefixed syscall failed");
	}
	EXPECT_TRUE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir by a single-stepped prefixed syscall made no %s inside UML",
		       self->dir[0]);
	}
}

/* The second thread of the tracee of tags_are_per_thread. */
static void *thread_main(void *arg)
{
	FIXTURE_DATA(ptrace_vm) *self = arg;

	RECORD(&self->seen->mkdir1, syscall(SYS_mkdir, self->dir[1], 0700));
	for (;;)
		pause();
	return NULL;
}

/* The tracee of tags_are_per_thread: each thread makes one directory. */
static void __attribute__((noreturn))
run_threads(FIXTURE_DATA(ptrace_vm) *self)
{
	pid_t pid = getpid();
	pthread_t thread;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(90);
	kill(pid, SIGSTOP);
	if (pthread_create(&thread, NULL, thread_main, self))
		_exit(91);
	RECORD(&self->seen->mkdir0, syscall(SYS_mkdir, self->dir[0], 0700));
	RECORD(&self->seen->getppid, syscall(SYS_getppid));
	for (;;)
		pause();
}

TEST_F_TIMEOUT(ptrace_vm, tags_are_per_thread, TIMEOUT)
{
	struct tracee thread = { 0 };
	unsigned long new_tid = 0;
	pid_t pid;
	long rax;

	pid = fork();
	ASSERT_LE(0, pid) {
		TH_LOG("fork: %m");
	}
	if (pid == 0)
		run_threads(self);
	self->t.tid = pid;
	expect_signal_stop(_metadata, &self->t, SIGSTOP, "PTRACE_TRACEME");
	ASSERT_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
			    PTRACE_O_TRACECLONE)) {
		TH_LOG("PTRACE_SETOPTIONS: %m");
	}

	/* The main thread to the entry of its mkdir, past pthread_create. */
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, &new_tid);
	ASSERT_NE(0UL, new_tid) {
		TH_LOG("no PTRACE_EVENT_CLONE before the main thread's mkdir");
	}
	/* The new thread, stopped since it began, to the entry of its own. */
	thread.tid = new_tid;
	expect_signal_stop(_metadata, &thread, SIGSTOP,
			   "PTRACE_O_TRACECLONE, in the new thread");
	run_to_entry(_metadata, &thread, 0, SYS_mkdir, NULL);

	resume(_metadata, &self->t, PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPCALL);
	resume(_metadata, &thread, PTRACE_SYSCALL, 0);

	rax = expect_syscall_stop(_metadata, &thread, false, SYS_mkdir,
				  "PTRACE_SYSCALL + 0 at the entry of the thread's mkdir");
	EXPECT_EQ(0, rax);
	expect_syscall_stop(_metadata, &self->t, true, SYS_getppid,
			    "PTRACE_SYSCALL + SKIPCALL at the entry of the main thread's mkdir");
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("the main thread's mkdir, resumed with SKIPCALL, ran");
	}
	EXPECT_TRUE(dir_exists(self->dir[1])) {
		TH_LOG("the other thread's mkdir, resumed with 0, did not run");
	}
}

TEST_F_TIMEOUT(ptrace_vm, tracee_killed_at_entry_stop, TIMEOUT)
{
	int status;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	ASSERT_EQ(0, kill(self->t.tid, SIGKILL)) {
		TH_LOG("kill: %m");
	}
	status = wait_for(_metadata, self->t.tid);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		TH_LOG("SIGKILL at the entry of mkdir: the tracee %s",
		       describe(self->t.tid, status));
	}
	self->t.tid = 0;
	EXPECT_FALSE(dir_exists(self->dir[0])) {
		TH_LOG("mkdir ran after SIGKILL at its entry stop: it made %s",
		       self->dir[0]);
	}
}

#define NR_ADDRS	48

/* addr values for the resume requests: the tags, gdb's 1 and noise. */
static void fill_addrs(unsigned long addrs[NR_ADDRS])
{
	static const unsigned long fixed[] = {
		0, 1, PTRACE_SYSCALL_SKIPEXIT, PTRACE_SYSCALL_SKIPCALL,
		4, 8, 0x9, 0xdeadbeef, 1UL << 63, ~0UL,
		~(unsigned long)PTRACE_SYSCALL_MASK,
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;	/* xorshift64, fixed seed */
	unsigned int i;

	for (i = 0; i < NR_ADDRS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		addrs[i] = i < ARRAY_SIZE(fixed) ? fixed[i] : x;
	}
}

static void drop_privileges(FIXTURE_DATA(ptrace_vm) *self)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		child_fail(self, "becoming uid %d: %m", NOBODY);
}

/* Wait for a helper child, which must exit with 0. */
static void expect_child_success(struct __test_metadata *_metadata,
				 FIXTURE_DATA(ptrace_vm) *self, pid_t pid,
				 const char *what)
{
	int status = wait_for(_metadata, pid);

	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("%s %s: %s", what, describe(pid, status),
		       self->seen->why[0] ? self->seen->why : "");
	}
}

/* As uid NOBODY: resume requests on @pid, not our tracee, all fail. */
static void __attribute__((noreturn))
resume_others_tracee(FIXTURE_DATA(ptrace_vm) *self, pid_t pid)
{
	static const long requests[] = {
		PTRACE_SYSCALL, PTRACE_CONT, PTRACE_SINGLESTEP,
		PTRACE_SYSEMU, PTRACE_SYSEMU_SINGLESTEP,
	};
	pid_t targets[] = { pid, getppid() };
	unsigned long addrs[NR_ADDRS];
	unsigned int i, j, k;
	long ret;

	fill_addrs(addrs);
	drop_privileges(self);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		for (j = 0; j < ARRAY_SIZE(requests); j++) {
			for (k = 0; k < NR_ADDRS; k++) {
				errno = 0;
				ret = ptrace(requests[j], targets[i],
					     (void *)addrs[k], NULL);
				if (ret == -1 && errno == ESRCH)
					continue;
				child_fail(self,
					   "as uid %d, %s of pid %d (not its tracee) with addr %#lx returned %ld (%m), not -1 with ESRCH",
					   NOBODY, request_name(requests[j]),
					   targets[i], addrs[k], ret);
			}
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(ptrace_vm, unprivileged_non_tracee_gets_esrch, TIMEOUT)
{
	pid_t pid;
	long rax;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", NOBODY);
	/* Its targets: our tracee, stopped at an entry stop, and us. */
	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	pid = fork();
	ASSERT_LE(0, pid) {
		TH_LOG("fork: %m");
	}
	if (pid == 0)
		resume_others_tracee(self, self->t.tid);
	self->other[0] = pid;
	expect_child_success(_metadata, self, pid, "the unprivileged child");
	self->other[0] = 0;

	/* Our tracee is still at the entry of mkdir, with no tag. */
	resume(_metadata, &self->t, PTRACE_SYSCALL, 0);
	rax = expect_syscall_stop(_metadata, &self->t, false, SYS_mkdir,
				  "the unprivileged requests, then PTRACE_SYSCALL + 0");
	EXPECT_EQ(0, rax);
}

/*
 * As uid NOBODY: trace a child that calls getppid() in a loop, resume it
 * with every addr value (the undefined tag 0x4 must be refused) and a
 * request that makes it stop again; at last, PTRACE_CONT, and the tracee
 * must still be alive to be killed.
 */
static void __attribute__((noreturn))
resume_own_tracee(FIXTURE_DATA(ptrace_vm) *self)
{
	static const long requests[] = {
		PTRACE_SYSCALL, PTRACE_SINGLESTEP,
		PTRACE_SYSEMU, PTRACE_SYSEMU_SINGLESTEP,
	};
	unsigned long addrs[NR_ADDRS], cont_addr;
	unsigned int i;
	int status = 0;
	long request;
	pid_t pid;

	fill_addrs(addrs);
	drop_privileges(self);
	pid = fork();
	if (pid < 0)
		child_fail(self, "fork: %m");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(90);
		kill(getpid(), SIGSTOP);
		for (;;)
			syscall(SYS_getppid);
	}
	if (waitpid(pid, &status, __WALL) != pid ||
	    !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		child_fail(self, "its tracee's first stop: the tracee %s",
			   describe(pid, status));
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))
		child_fail(self, "PTRACE_SETOPTIONS: %m");

	for (i = 0; i < NR_ADDRS; i++) {
		request = requests[i % ARRAY_SIZE(requests)];
		/* 0x4 alone is no tag: refused, and the tracee stays put. */
		if ((addrs[i] & PTRACE_SYSCALL_MASK) == 4) {
			if (ptrace(request, pid, (void *)addrs[i], NULL) != -1 ||
			    errno != EIO)
				child_fail(self,
					   "as uid %d, %s with the undefined tag in addr %#lx: not EIO",
					   NOBODY, request_name(request), addrs[i]);
			continue;
		}
		if (ptrace(request, pid, (void *)addrs[i], NULL))
			child_fail(self,
				   "as uid %d, %s of its own tracee with addr %#lx: %m",
				   NOBODY, request_name(request), addrs[i]);
		if (waitpid(pid, &status, __WALL) != pid ||
		    !WIFSTOPPED(status))
			child_fail(self,
				   "after %s with addr %#lx, the tracee %s",
				   request_name(request), addrs[i],
				   describe(pid, status));
	}
	/* The last addr, with a defined tag in place of the undefined one. */
	cont_addr = addrs[NR_ADDRS - 1];
	if ((cont_addr & PTRACE_SYSCALL_MASK) == 4)
		cont_addr ^= 4;
	if (ptrace(PTRACE_CONT, pid, (void *)cont_addr, NULL))
		child_fail(self,
			   "as uid %d, PTRACE_CONT of its own tracee with addr %#lx: %m",
			   NOBODY, cont_addr);
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, __WALL) != pid ||
	    !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		child_fail(self,
			   "the tracee, resumed with PTRACE_CONT and sent SIGKILL, %s",
			   describe(pid, status));
	_exit(0);
}

TEST_F_TIMEOUT(ptrace_vm, unprivileged_own_tracee_accepts_every_tag, TIMEOUT)
{
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", NOBODY);
	pid = fork();
	ASSERT_LE(0, pid) {
		TH_LOG("fork: %m");
	}
	if (pid == 0)
		resume_own_tracee(self);
	self->other[0] = pid;
	expect_child_success(_metadata, self, pid, "the unprivileged tracer");
	self->other[0] = 0;
}

/* A child that reads the pipe @fds until it ends; a tracee if @traced. */
static pid_t start_reader(struct __test_metadata *_metadata, int fds[2],
			  bool traced)
{
	pid_t pid = fork();
	char c;

	ASSERT_LE(0, pid) {
		TH_LOG("fork: %m");
	}
	if (pid == 0) {
		close(fds[1]);
		if (traced && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(90);
		if (traced)
			kill(getpid(), SIGSTOP);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	return pid;
}

TEST_F_TIMEOUT(ptrace_vm, sysemu_on_untraced_or_running_child_fails, TIMEOUT)
{
	const long requests[] = { PTRACE_SYSEMU, PTRACE_SYSEMU_SINGLESTEP };
	const unsigned long addrs[] = { 0, PTRACE_SYSCALL_SKIPCALL };
	static const char *const what[] = {
		"an untraced child", "a running tracee",
	};
	struct tracee running = { 0 };
	unsigned int i, j, k;
	int fds[2];
	long ret;

	ASSERT_EQ(0, pipe(fds)) {
		TH_LOG("pipe: %m");
	}
	self->other[0] = start_reader(_metadata, fds, false);
	self->other[1] = start_reader(_metadata, fds, true);
	running.tid = self->other[1];
	expect_signal_stop(_metadata, &running, SIGSTOP, "PTRACE_TRACEME");
	resume(_metadata, &running, PTRACE_CONT, 0);

	for (i = 0; i < ARRAY_SIZE(what); i++) {
		for (j = 0; j < ARRAY_SIZE(requests); j++) {
			for (k = 0; k < ARRAY_SIZE(addrs); k++) {
				errno = 0;
				ret = ptrace(requests[j], self->other[i],
					     (void *)addrs[k], NULL);
				EXPECT_TRUE(ret == -1 && errno == ESRCH) {
					TH_LOG("%s of %s with addr %#lx returned %ld (%m), not -1 with ESRCH",
					       request_name(requests[j]),
					       what[i], addrs[k], ret);
				}
			}
		}
	}
}

/*
 * A raw system call: between setting a wrong FS base of its own and
 * restoring it, the tracer of arch_prctl_acts_on_the_tracee must not touch
 * thread-local storage, which libc's syscall() does (errno).
 */
static long raw_syscall4(long nr, long a, long b, long c, long d)
{
	register long r10 asm("r10") = d;
	long ret;

	asm volatile("syscall"
		     : "=a" (ret)
		     : "a" (nr), "D" (a), "S" (b), "d" (c), "r" (r10)
		     : "rcx", "r11", "memory");
	return ret;
}

#ifndef PTRACE_ARCH_PRCTL
#define PTRACE_ARCH_PRCTL 30
#endif
#define TRACEE_FS_BASE 0x12345000UL

/* Debian's UML 6.1 sets the FS base of its processes this way. */
TEST_F_TIMEOUT(ptrace_vm, arch_prctl_acts_on_the_tracee, TIMEOUT)
{
	unsigned long own_before = 0, own_after = 0, got = 0;
	long set, get;

	start_tracee(_metadata, self);
	raw_syscall4(SYS_arch_prctl, ARCH_GET_FS, (long)&own_before, 0, 0);
	set = raw_syscall4(SYS_ptrace, PTRACE_ARCH_PRCTL, self->t.tid,
			   TRACEE_FS_BASE, ARCH_SET_FS);
	raw_syscall4(SYS_arch_prctl, ARCH_GET_FS, (long)&own_after, 0, 0);
	raw_syscall4(SYS_arch_prctl, ARCH_SET_FS, own_before, 0, 0);
	get = raw_syscall4(SYS_ptrace, PTRACE_ARCH_PRCTL, self->t.tid,
			   (long)&got, ARCH_GET_FS);

	ASSERT_EQ(0, set) {
		TH_LOG("PTRACE_ARCH_PRCTL ARCH_SET_FS on the tracee failed");
	}
	EXPECT_EQ(own_before, own_after) {
		TH_LOG("PTRACE_ARCH_PRCTL ARCH_SET_FS on the tracee set the tracer's own FS base");
	}
	EXPECT_EQ(0, get);
	EXPECT_EQ(TRACEE_FS_BASE, got) {
		TH_LOG("PTRACE_ARCH_PRCTL ARCH_GET_FS does not give the FS base just set");
	}
	EXPECT_EQ(TRACEE_FS_BASE,
		  (unsigned long)peek_reg(_metadata, self->t.tid, REG(fs_base))) {
		TH_LOG("the tracee's fs_base is not the one set by PTRACE_ARCH_PRCTL");
	}
}

/*
 * Not a PTRACE_VM rule either: a segment or base that the host would
 * refuse to load is refused when the tracer writes it, with EIO, as on
 * x86_64.  UML took a null CS or SS and a base in the kernel's half; the
 * host then refused the registers when the tracee ran, and UML queued a
 * fatal SIGSEGV that a tracer could discard, which aborted all of UML.  A
 * value that was taken is put back before the tracee runs again, so that
 * a UML without the fix fails this case and lives.
 */
TEST_F_TIMEOUT(ptrace_vm, values_the_host_refuses_give_eio, TIMEOUT)
{
	static const struct {
		const char *what;
		size_t offset;
		unsigned long value;
	} bad[] = {
		{ "a null CS", REG(cs), 0 },
		{ "a null SS", REG(ss), 0 },
		{ "an FS base in the kernel's half", REG(fs_base), 0xffff800000000000UL },
		{ "a GS base above 4-level user space", REG(gs_base), 1UL << 47 },
	};
	unsigned int i;
	long before, after, ret;
	int err;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		before = peek_reg(_metadata, self->t.tid, bad[i].offset);
		errno = 0;
		ret = ptrace(PTRACE_POKEUSER, self->t.tid, bad[i].offset, bad[i].value);
		err = errno;
		after = peek_reg(_metadata, self->t.tid, bad[i].offset);
		if (after != before)
			poke_reg(_metadata, self->t.tid, bad[i].offset, before);
		EXPECT_EQ(-1, ret) {
			TH_LOG("POKEUSER of %s (%#lx) was taken: the host refuses it when the tracee runs",
			       bad[i].what, bad[i].value);
		}
		EXPECT_EQ(EIO, err) {
			TH_LOG("POKEUSER of %s: %s, not EIO", bad[i].what, strerror(err));
		}
		EXPECT_EQ(before, after) {
			TH_LOG("POKEUSER of %s changed the register (%#lx -> %#lx)",
			       bad[i].what, before, after);
		}
	}
	/* The tracee runs on, to its end. */
	resume(_metadata, &self->t, PTRACE_CONT, 0);
	expect_exit(_metadata, &self->t, "the refused values");
}

/*
 * getppid() through a syscall instruction of its own (with @arg in rdi),
 * and the address after that instruction: where the kernel says the call
 * was made.
 */
extern long site_getppid(long arg);
extern char site_after[];
asm(".pushsection .text\n"
    ".globl site_getppid\n"
    "site_getppid:\n\t"
    "mov $110, %eax\n\t"
    "syscall\n"
    ".globl site_after\n"
    "site_after:\n\t"
    "ret\n"
    ".popsection");

#define SITE_ERRNO 77
static volatile unsigned long sigsys_call_addr;

static volatile unsigned long sigsys_rax;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	sigsys_call_addr = (unsigned long)si->si_call_addr;
	sigsys_rax = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RAX];
}

/*
 * Not a PTRACE_VM rule either: a seccomp filter sees the address of the
 * call in seccomp_data.instruction_pointer, and SIGSYS gives it in
 * si_call_addr, as on x86; the trapped call is rolled back, so that the
 * SIGSYS frame has its number in rax, as on x86.  UML gave the kernel's own address of the
 * task's last switch, so a filter that lets through the calls of one
 * page (UML's seccomp mode does that for its stub) refused them all, and
 * a UML in seccomp mode could not run inside UML.  The child exits with
 * 0, or with the number of the check that failed.
 */
TEST_F_TIMEOUT(ptrace_vm, seccomp_sees_the_address_of_the_call, TIMEOUT)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned long site = (unsigned long)site_after;
		struct sock_filter filter[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, instruction_pointer) + 4),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, site >> 32, 0, 6),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, instruction_pointer)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)site, 0, 4),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, args[0])),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SITE_ERRNO),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {
			.len = ARRAY_SIZE(filter),
			.filter = filter,
		};
		struct sigaction sa = { .sa_flags = SA_SIGINFO };
		long ret;

		sa.sa_sigaction = on_sigsys;
		if (sigaction(SIGSYS, &sa, NULL) ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(90);
		/* The call from the site: the filter knows its address. */
		ret = site_getppid(0);
		if (ret != -SITE_ERRNO)
			_exit(1);
		/* The same call elsewhere: allowed. */
		if (syscall(SYS_getppid) != getppid())
			_exit(2);
		/* From the site with rdi = 1: SIGSYS, with the site's address. */
		site_getppid(1);
		if (sigsys_call_addr != site)
			_exit(3);
		/* The call was rolled back: its number is in the frame's rax. */
		if (sigsys_rax != SYS_getppid)
			_exit(4);
		_exit(0);
	}
	self->other[0] = pid;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("the child with the filter: %s", describe(pid, status));
	}
	ASSERT_NE(90, WEXITSTATUS(status)) {
		TH_LOG("the child could not install its seccomp filter");
	}
	EXPECT_NE(1, WEXITSTATUS(status)) {
		TH_LOG("the filter did not see the address of the call in instruction_pointer");
	}
	EXPECT_NE(2, WEXITSTATUS(status)) {
		TH_LOG("a call from another address was not let through");
	}
	EXPECT_NE(3, WEXITSTATUS(status)) {
		TH_LOG("SIGSYS did not give the address of the call in si_call_addr");
	}
	EXPECT_NE(4, WEXITSTATUS(status)) {
		TH_LOG("the SIGSYS frame's rax is not the call's number (%lu): the call was not rolled back",
		       (unsigned long)SYS_getppid);
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * Not a PTRACE_VM rule either: PTRACE_GETREGS and PTRACE_SETREGS fail
 * with EFAULT on a buffer that runs into an unmapped page, and SETREGS
 * with EIO on a value the kernel refuses, as on x86 (strace's own test
 * suite, tests/ptrace.c, walks a buffer towards an unmapped page).
 */
TEST_F_TIMEOUT(ptrace_vm, getregs_setregs_report_faults_and_refused_values, TIMEOUT)
{
	const size_t size = sizeof(struct user_regs_struct);
	long page = sysconf(_SC_PAGESIZE), cs;
	struct user_regs_struct regs, bad;
	char *area, *end;

	area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	ASSERT_EQ(0, mprotect(area + page, page, PROT_NONE));
	end = area + page;

	start_tracee(_metadata, self);
	run_to_entry(_metadata, &self->t, 0, SYS_mkdir, NULL);
	cs = peek_reg(_metadata, self->t.tid, REG(cs));

	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_GETREGS, self->t.tid, NULL, end - size + 8));
	EXPECT_EQ(EFAULT, errno) {
		TH_LOG("PTRACE_GETREGS into a buffer whose last word is unmapped: %m");
	}
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, self->t.tid, NULL, end - size)) {
		TH_LOG("PTRACE_GETREGS into a mapped buffer: %m");
	}
	memcpy(&regs, end - size, size);
	EXPECT_EQ(cs, (long)regs.cs);

	/* Good values but for the last one, gs, which is not mapped. */
	memcpy(end - size + 8, &regs, size - 8);
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_SETREGS, self->t.tid, NULL, end - size + 8));
	EXPECT_EQ(EFAULT, errno) {
		TH_LOG("PTRACE_SETREGS from a buffer whose last word is unmapped: %m");
	}
	bad = regs;
	bad.cs = 0;
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_SETREGS, self->t.tid, NULL, &bad));
	EXPECT_EQ(EIO, errno) {
		TH_LOG("PTRACE_SETREGS with a null CS: %m");
	}
	EXPECT_EQ(cs, peek_reg(_metadata, self->t.tid, REG(cs)));
	EXPECT_EQ(0, ptrace(PTRACE_SETREGS, self->t.tid, NULL, &regs)) {
		TH_LOG("PTRACE_SETREGS of the registers just read: %m");
	}
	munmap(area, 2 * page);
}

/*
 * x86 parity (issue 30): a new program, a process's own trap flag, signal
 * handlers and call numbers without a call, as x86_64 gives them.  The
 * kernel's x86 selftests (check_initial_reg_state, single_step_syscall,
 * syscall_nt, syscall_numbering) check the same from the process's side;
 * these say which register or field is wrong.
 */

#define X86_TF		0x100UL
#define X86_DF		0x400UL
#define X86_INIT_FLAGS	0x202UL	/* what start_thread() gives: IF, and bit 1 */

/*
 * At the stop after execve(), a tracer sees what x86's start_thread() and
 * ELF_PLAT_INIT() give a new program: the flags 0x202, every general
 * register but rsp and rip 0, no FS or GS base, and execve's number.
 */
TEST_F_TIMEOUT(ptrace_vm, exec_gives_the_registers_of_x86, TIMEOUT)
{
	struct user_regs_struct r;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { "ptrace_vm_test-exec", NULL };

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(90);
		execv("/proc/self/exe", argv);
		_exit(91);
	}
	self->other[0] = pid;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP) {
		TH_LOG("expected the SIGTRAP of execve(), got %s",
		       describe(pid, status));
	}
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, NULL, &r));
	EXPECT_EQ(X86_INIT_FLAGS, r.eflags);
	EXPECT_EQ(SYS_execve, (long)r.orig_rax);
	EXPECT_EQ(0ULL, r.fs_base) {
		TH_LOG("a new program starts with an FS base");
	}
	EXPECT_EQ(0ULL, r.gs_base);
	EXPECT_EQ(0ULL, r.rax | r.rbx | r.rcx | r.rdx | r.rsi | r.rdi | r.rbp |
		     r.r8 | r.r9 | r.r10 | r.r11 | r.r12 | r.r13 | r.r14 | r.r15) {
		TH_LOG("a general register is not 0 at exec");
	}
	kill(pid, SIGKILL);
}

/* What the handlers of the trap-flag cases saw, in memory shared with the test. */
struct traps {
	int count;		/* SIGTRAPs handled */
	int bad_code;		/* how many had another si_code than TRAP_TRACE */
	int bad_addr;		/* how many had si_addr other than the frame's rip */
	int tf_in_handler;	/* how many handlers ran with the trap flag set */
	unsigned long flags;	/* the flags a SIGUSR1 handler ran with */
	long ill_addr;		/* si_addr of the SIGILL, and the frame's rip */
	long ill_ip;
};
static struct traps *traps;

static unsigned long read_flags(void)
{
	unsigned long flags;

	asm volatile("pushfq; popq %0" : "=r" (flags));
	return flags;
}

/* Counts the process's own traps; its third clears the flag in the frame. */
static void on_trap(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	(void)sig;
	if (read_flags() & X86_TF)
		traps->tf_in_handler++;
	if (si->si_code != TRAP_TRACE)
		traps->bad_code++;
	if ((long)si->si_addr != ctx->uc_mcontext.gregs[REG_RIP])
		traps->bad_addr++;
	if (++traps->count == 3)
		ctx->uc_mcontext.gregs[REG_EFL] &= ~X86_TF;
}

static void on_usr1(int sig, siginfo_t *si, void *ctx_void)
{
	(void)sig, (void)si, (void)ctx_void;
	traps->flags = read_flags();
}

static void on_ill(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	(void)sig;
	traps->ill_addr = (long)si->si_addr;
	traps->ill_ip = ctx->uc_mcontext.gregs[REG_RIP];
	ctx->uc_mcontext.gregs[REG_RIP] += 2;	/* over the ud2 */
}

static int set_handler(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };

	return sigaction(sig, &sa, NULL);
}

/*
 * A process that sets the trap flag itself (pushf; or; popf) gets a
 * SIGTRAP after each instruction, in its handler, which starts with the
 * flag clear; si_code is TRAP_TRACE and si_addr the rip of the frame, as
 * x86 gives them.  The handler clears the flag in the frame at its third
 * trap.  Run in a child: without the fix, the handler's first instruction
 * traps again, and the blocked SIGTRAP kills it.
 */
TEST_F_TIMEOUT(ptrace_vm, own_trap_flag_gives_handled_traps, TIMEOUT)
{
	int status;
	pid_t pid;

	traps = mmap(NULL, sizeof(*traps), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, traps);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (set_handler(SIGTRAP, on_trap))
			_exit(90);
		asm volatile("pushfq\n\t"
			     "orq $0x100, (%%rsp)\n\t"
			     "popfq\n\t"
			     "nop\n\t"
			     "nop\n\t"
			     "nop\n\t"
			     "nop\n\t"
			     "nop\n\t" ::: "memory", "cc");
		_exit(read_flags() & X86_TF ? 91 : 0);
	}
	self->other[0] = pid;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("the child that set the trap flag: %s",
		       describe(pid, status));
	}
	EXPECT_EQ(3, traps->count);
	EXPECT_EQ(0, traps->tf_in_handler) {
		TH_LOG("a SIGTRAP handler started with the trap flag set");
	}
	EXPECT_EQ(0, traps->bad_code) {
		TH_LOG("a trap of the trap flag without si_code TRAP_TRACE");
	}
	EXPECT_EQ(0, traps->bad_addr) {
		TH_LOG("a trap of the trap flag whose si_addr is not the frame's rip");
	}
	munmap(traps, sizeof(*traps));
}

/*
 * A handler starts with the direction flag clear, as the ABI wants at a
 * function's entry, even when the signal came while it was set; sigreturn
 * gives it back.  And a SIGILL (ud2) has the instruction's address in
 * si_addr, as x86 gives it.
 */
TEST_F_TIMEOUT(ptrace_vm, handler_starts_with_clear_flags_and_fault_address, TIMEOUT)
{
	unsigned long after;
	long pid = getpid(), ret;

	traps = mmap(NULL, sizeof(*traps), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, traps);
	ASSERT_EQ(0, set_handler(SIGUSR1, on_usr1));
	ASSERT_EQ(0, set_handler(SIGILL, on_ill));
	/* kill(getpid(), SIGUSR1) with DF set; the handler runs on its return. */
	asm volatile("std\n\t"
		     "syscall\n\t"
		     "pushfq\n\t"
		     "popq %%rdx\n\t"
		     "cld"
		     : "=a" (ret), "=d" (after)
		     : "a" ((long)SYS_kill), "D" (pid), "S" ((long)SIGUSR1)
		     : "rcx", "r11", "memory", "cc");
	asm volatile("ud2" ::: "memory");
	signal(SIGUSR1, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0UL, traps->flags & X86_DF) {
		TH_LOG("the handler started with the direction flag set (flags %#lx)",
		       traps->flags);
	}
	EXPECT_EQ(X86_DF, after & X86_DF) {
		TH_LOG("sigreturn did not give the direction flag back");
	}
	EXPECT_NE(0, traps->ill_ip);
	EXPECT_EQ(traps->ill_ip, traps->ill_addr) {
		TH_LOG("SIGILL: si_addr %#lx, the ud2 at %#lx",
		       traps->ill_addr, traps->ill_ip);
	}
	munmap(traps, sizeof(*traps));
}

/* Numbers with no call: the x32 bit, past the table, -2, high bits; and -1. */
static const long no_call[] = {
	0x40000000L | SYS_getpid, 1000, -2L & 0xffffffffL,
	(1L << 32) | 1000, -1,
};
#define MARKER	-9999L	/* what the tracer writes to rax at each entry */

/*
 * A number that has no call gets -ENOSYS, whatever the tracer wrote to the
 * result at its entry stop; -1, a call skipped, keeps what the tracer
 * wrote.  The tracer sees each number as it was given, high bits and all.
 */
TEST_F_TIMEOUT(ptrace_vm, numbers_without_a_call_give_enosys, TIMEOUT)
{
	struct user_regs_struct r;
	long *ret, seen[ARRAY_SIZE(no_call)];
	unsigned int i, n = 0;
	bool entry = true;
	int status;
	pid_t pid;

	ret = mmap(NULL, sizeof(no_call), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ret);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(90);
		raw_syscall4(SYS_kill, raw_syscall4(SYS_getpid, 0, 0, 0, 0),
			     SIGSTOP, 0, 0);
		for (i = 0; i < ARRAY_SIZE(no_call); i++)
			ret[i] = raw_syscall4(no_call[i], 0, 0, 0, 0);
		raw_syscall4(SYS_exit_group, 0, 0, 0, 0);
	}
	self->other[0] = pid;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	ASSERT_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    (void *)PTRACE_O_TRACESYSGOOD));
	while (n < ARRAY_SIZE(no_call)) {
		ASSERT_EQ(0, ptrace(PTRACE_SYSCALL, pid, NULL, NULL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SYSCALL_STOP) {
			TH_LOG("%s", describe(pid, status));
		}
		if (entry) {
			ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, NULL, &r));
			seen[n++] = r.orig_rax;
			r.rax = MARKER;
			ASSERT_EQ(0, ptrace(PTRACE_SETREGS, pid, NULL, &r));
		}
		entry = !entry;
	}
	ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, NULL, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("%s", describe(pid, status));
	}
	for (i = 0; i < ARRAY_SIZE(no_call); i++) {
		EXPECT_EQ(no_call[i], seen[i]) {
			TH_LOG("the tracer saw number %#lx as %#lx",
			       no_call[i], seen[i]);
		}
		EXPECT_EQ(no_call[i] == -1 ? MARKER : -ENOSYS, ret[i]) {
			TH_LOG("number %#lx returned %ld", no_call[i], ret[i]);
		}
	}
	munmap(ret, sizeof(no_call));
}

/* What the SIGSEGV handler of the int $0x80 case saw. */
static struct {
	int code;
	long ip, ax, trapno, err;
} gp_seen;

static void on_segv(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	(void)sig;
	gp_seen.code = si->si_code;
	gp_seen.ip = ctx->uc_mcontext.gregs[REG_RIP];
	gp_seen.ax = ctx->uc_mcontext.gregs[REG_RAX];
	gp_seen.trapno = ctx->uc_mcontext.gregs[REG_TRAPNO];
	gp_seen.err = ctx->uc_mcontext.gregs[REG_ERR];
	ctx->uc_mcontext.gregs[REG_RIP] += 2;	/* over the int $0x80 */
	ctx->uc_mcontext.gregs[REG_RAX] = -1;
}

/*
 * int $0x80 from a 64-bit process is i386's getpid() (eax 20) on x86_64
 * with IA32 emulation, and a #GP without it: SIGSEGV (SI_KERNEL) at the
 * instruction, trap 13, an error code that names an IDT gate, eax as it
 * was.
 * Never the x86_64 call of number 20 (writev).
 */
TEST_F_TIMEOUT(ptrace_vm, int80_is_i386_getpid_or_a_general_protection_fault, TIMEOUT)
{
	extern char int80_insn[];
	long ret;

	ASSERT_EQ(0, set_handler(SIGSEGV, on_segv));
	memset(&gp_seen, 0, sizeof(gp_seen));
	asm volatile("int80_insn: int $0x80"
		     : "=a" (ret) : "a" (20L), "D" (-1L), "S" (0L), "d" (1L)
		     : "r8", "r9", "r10", "r11", "memory");
	signal(SIGSEGV, SIG_DFL);
	if (gp_seen.ip == 0) {
		EXPECT_EQ(getpid(), ret) {
			TH_LOG("int $0x80 with eax 20 returned %ld, neither i386's getpid() nor a SIGSEGV", ret);
		}
		return;
	}
	EXPECT_EQ((long)int80_insn, gp_seen.ip) {
		TH_LOG("the SIGSEGV of int $0x80 is not at the instruction");
	}
	EXPECT_EQ(SI_KERNEL, gp_seen.code);
	EXPECT_EQ(20, gp_seen.ax);
	EXPECT_EQ(13, gp_seen.trapno);
	/* An IDT gate (bit 1); hardware gives 0x402, qemu's TCG 0x802. */
	EXPECT_EQ(2, gp_seen.err & 7) {
		TH_LOG("error code %#lx does not name an IDT gate", gp_seen.err);
	}
}

TEST_HARNESS_MAIN
