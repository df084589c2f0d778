// SPDX-License-Identifier: GPL-2.0
/*
 * Probes of the host's ptrace, run at boot (start_up.c), each in a child
 * of its own: which requests and tags the host has, and whether it names
 * syscall-entry and exit stops.
 *
 * A probe has three outcomes: the host does what it asks (OK), the host
 * answers as a kernel without the feature does (missing, unsupported), or
 * something else failed, a fork() or a wait, or the host answered in a way
 * no kernel should.  The last is not the host's answer: the probe keeps
 * what failed here and its caller prints it with probe_report_error(), as
 * the stock probes do.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <init.h>
#include <os.h>
#include <ptrace_user.h>
#include <sysdep/ptrace.h>
#include "internal.h"

#define PROBE_RESULT 4242

static char probe_error[160];

static void __init probe_failed(const char *fmt, ...)
{
	va_list ap;

	if (probe_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(probe_error, sizeof(probe_error), fmt, ap);
	va_end(ap);
}

/* Print and forget what failed in the probe @name. */
bool __init probe_report_error(const char *name)
{
	if (!probe_error[0])
		return false;
	os_warn("%s: the probe failed: %s\n", name, probe_error);
	probe_error[0] = '\0';
	return true;
}

/*
 * The child of a probe: exactly one getppid() for the tracer to act on,
 * then a call that says what it returned: getpid() for the result the
 * tracer set, getuid() for the parent's pid (the call ran), getgid() for
 * anything else (PROBE_SAW_* in internal.h).  The tracer reads only call
 * numbers, on any architecture.
 */
static void __init __noreturn probe_child(void)
{
	long parent = getppid(), ret;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(3);
	kill(getpid(), SIGSTOP);
	ret = syscall(__NR_getppid);
	syscall(ret == PROBE_RESULT ? PROBE_SAW_RESULT :
		ret == parent ? PROBE_SAW_CALL_RUN : PROBE_SAW_OTHER);
	_exit(0);
}

/* Start a probe child and wait for its SIGSTOP; its pid, or -1. */
static int __init probe_start(void)
{
	int pid, n, status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		probe_child();
	if (pid < 0) {
		probe_failed("fork failed, errno = %d", errno);
		return -1;
	}

	CATCH_EINTR(n = waitpid(pid, &status, WUNTRACED));
	if (n < 0)
		probe_failed("waitpid failed, errno = %d", errno);
	else if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		probe_failed("expected SIGSTOP from the child, got status = %#x",
			     status);
	else if (ptrace(PTRACE_SETOPTIONS, pid, 0,
			(void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		probe_failed("PTRACE_SETOPTIONS failed, errno = %d", errno);
	else
		return pid;

	kill(pid, SIGKILL);
	CATCH_EINTR(waitpid(pid, &status, __WALL));
	return -1;
}

static void __init probe_end(int pid)
{
	int status;

	kill(pid, SIGKILL);
	CATCH_EINTR(waitpid(pid, &status, __WALL));
}

/*
 * Wait for a syscall stop of the probe child; the number of its call, or
 * -1 after a stop of another kind (@status), or a failed wait.
 */
static long __init probe_wait_syscall(int pid, int *status)
{
	int n;
	long nr;

	CATCH_EINTR(n = waitpid(pid, status, __WALL));
	if (n < 0) {
		probe_failed("waitpid failed, errno = %d", errno);
		return -1;
	}
	if (!WIFSTOPPED(*status) || WSTOPSIG(*status) != (SIGTRAP | 0x80))
		return -1;
	errno = 0;
	nr = ptrace(PTRACE_PEEKUSER, pid, (void *)PT_SYSCALL_NR_OFFSET, 0);
	if (errno) {
		probe_failed("PTRACE_PEEKUSER failed, errno = %d", errno);
		return -1;
	}
	return nr;
}

/* A host without a ptrace request or tag refuses it with EIO. */
static bool __init probe_refused(const char *what, int err)
{
	if (err != EIO)
		probe_failed("%s failed, errno = %d", what, err);
	return false;
}

/*
 * Run the probe child to the entry stop of getppid() with @request,
 * resume it from there with @request and @tag (first setting the result
 * if @set_result), and check that the next stop is the entry of the call
 * @want_call (no exit stop of getppid), which says whether the call ran
 * and what it returned.
 *
 * A host without @request refuses it (EIO); one without the tags refuses
 * @tag or ignores it, and then stops at the exit of getppid().
 */
bool __init probe_call(int request, const char *name, unsigned long tag,
		       bool set_result, long want_call)
{
	bool ok = false;
	int pid = probe_start(), status;
	long nr;

	if (pid < 0)
		return false;
	if (ptrace(request, pid, 0, 0) < 0) {
		probe_refused(name, errno);
		goto out;
	}
	nr = probe_wait_syscall(pid, &status);
	if (nr != __NR_getppid) {
		probe_failed("expected the entry stop of getppid, got %s %#x",
			     nr < 0 ? "status =" : "call", nr < 0 ? status : (int)nr);
		goto out;
	}
	if (set_result &&
	    ptrace(PTRACE_POKEUSER, pid, (void *)PT_SYSCALL_RET_OFFSET,
		   (void *)PROBE_RESULT) < 0) {
		probe_failed("PTRACE_POKEUSER failed, errno = %d", errno);
		goto out;
	}
	if (ptrace(request, pid, (void *)tag, 0) < 0) {
		probe_refused(name, errno);
		goto out;
	}
	nr = probe_wait_syscall(pid, &status);
	if (nr == __NR_getppid && tag)
		goto out;	/* the exit stop: the host ignored the tag */
	ok = nr == want_call;
	if (ok)
		goto out;
	if (nr == PROBE_SAW_CALL_RUN)
		probe_failed("getppid ran");
	else if (nr == PROBE_SAW_RESULT || nr == PROBE_SAW_OTHER)
		probe_failed("getppid returned the wrong value");
	else
		probe_failed("expected the call that follows getppid, got %s %#x",
			     nr < 0 ? "status =" : "call", nr < 0 ? status : (int)nr);
out:
	probe_end(pid);
	return ok;
}

/* Single steps up to getppid(): traps first, then its entry stop. */
bool __init probe_sysemu_singlestep(void)
{
	int pid = probe_start(), steps, status = 0;
	bool ok = false;
	long nr = -1;

	if (pid < 0)
		return false;
	for (steps = 0; steps < 100000; steps++) {
		if (ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, 0, 0) < 0) {
			probe_refused("PTRACE_SYSEMU_SINGLESTEP", errno);
			goto out;
		}
		nr = probe_wait_syscall(pid, &status);
		if (nr >= 0)
			break;
		if (probe_error[0] || !WIFSTOPPED(status) ||
		    WSTOPSIG(status) != SIGTRAP)
			break;
	}
	if (steps > 0 && nr == __NR_getppid)
		ok = true;
	else
		probe_failed("PTRACE_SYSEMU_SINGLESTEP gave status = %#x after %d step(s)",
			     status, steps);
out:
	probe_end(pid);
	return ok;
}

/*
 * Whether PTRACE_GETEVENTMSG tells the entry stop of a call from its exit
 * stop (Linux 5.3 and later); without it the mode cannot change at run time.
 */
bool __init probe_stop_names(void)
{
	int pid = probe_start(), status;
	unsigned long msg;
	bool ok = false;

	if (pid < 0)
		return false;
	if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0)
		probe_failed("PTRACE_SYSCALL failed, errno = %d", errno);
	else if (probe_wait_syscall(pid, &status) != __NR_getppid)
		probe_failed("expected the entry stop of getppid, got status = %#x",
			     status);
	else if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) < 0)
		probe_failed("PTRACE_GETEVENTMSG failed, errno = %d", errno);
	else
		ok = msg == PTRACE_EVENTMSG_SYSCALL_ENTRY;
	probe_end(pid);
	return ok;
}
