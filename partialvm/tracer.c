// SPDX-License-Identifier: GPL-2.0
/*
 * The tracers: how the tool stops at a call and how it lets the call run,
 * skips it or asks for its exit.  One struct tracer each, side by side,
 * chosen once at start; the rest of the tool sees only the verdict.
 *
 *   ptvm         PTRACE_SYSCALL, resumed from each entry stop with a
 *                PTRACE_VM tag: SKIPEXIT (run, one stop), SKIPCALL (the
 *                tool's result, one stop), or none (exit stop).
 *   seccomp      a filter returns SECCOMP_RET_TRACE for the calls the
 *                tool handles and lets the rest run unseen; at a seccomp
 *                stop, PTRACE_CONT (no exit stop) or PTRACE_SYSCALL (an
 *                exit stop); a call is skipped by setting its number to
 *                -1.  PRoot's way.
 *   seccomp-all  the same with a filter that traces every call: VUOS's.
 *   ptrace       plain PTRACE_SYSCALL: two stops per call, a call skipped
 *                by number -1 and its result set at the exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "partialvm.h"
#include "../tests/guest/ptrace_vm.h"

const struct tracer *tracer;

/* ptvm */

#define PROBE_RESULT 4242

/*
 * Whether the kernel has the PTRACE_VM tags: a child stops at the entry
 * of getppid(), which is resumed with SKIPCALL and a result.  With the
 * tags, the child sees the result and no exit stop comes; a kernel
 * without them refuses the tag (EIO) or ignores it and stops at the exit.
 */
static bool ptvm_probe(char *why, size_t len)
{
	int status, n;
	bool ok = false;
	pid_t pid;
	long nr;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork failed: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		long parent = getppid(), ret;

		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(3);
		kill(getpid(), SIGSTOP);
		/* One call for the tracer to act on, then one that tells the
		 * tracer what it returned. */
		ret = syscall(SYS_getppid);
		syscall(ret == PROBE_RESULT ? SYS_getpid :
			ret == parent ? SYS_getuid : SYS_getgid);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		snprintf(why, len, "expected the probe child to stop, got status = %#x", status);
		goto out;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) < 0 ||
	    ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0) {
		snprintf(why, len, "ptrace failed: %s", strerror(errno));
		goto out;
	}
	n = waitpid(pid, &status, 0);
	if (n != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		snprintf(why, len, "expected the entry stop of getppid, got status = %#x", status);
		goto out;
	}
	if (ptrace(PTRACE_POKEUSER, pid, offsetof(struct user_regs_struct, rax),
		   PROBE_RESULT) < 0) {
		snprintf(why, len, "PTRACE_POKEUSER failed: %s", strerror(errno));
		goto out;
	}
	if (ptrace(PTRACE_SYSCALL, pid, PTRACE_SYSCALL_SKIPCALL, 0) < 0) {
		snprintf(why, len, errno == EIO ? "the kernel refuses the tags (EIO)" :
			 "PTRACE_SYSCALL failed: %s", strerror(errno));
		goto out;
	}
	n = waitpid(pid, &status, 0);
	if (n != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		snprintf(why, len, "expected a syscall stop after getppid, got status = %#x", status);
		goto out;
	}
	errno = 0;
	nr = ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, orig_rax), 0);
	if (nr == SYS_getpid)
		ok = true;
	else if (nr == SYS_getppid)
		snprintf(why, len, "the kernel ignores the tags: getppid stopped at its exit");
	else if (nr == SYS_getuid)
		snprintf(why, len, "the kernel ran getppid, skipped with a tag");
	else
		snprintf(why, len, "getppid returned the wrong value (then call %ld)", nr);
out:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ok;
}

static int ptvm_resume_entry(struct tracee *t, struct user_regs_struct *r, bool changed)
{
	unsigned long tag = PTRACE_SYSCALL_SKIPEXIT;

	switch (t->verdict) {
	case CALL_ANSWERED:
		REG_RESULT(r) = t->result;
		changed = true;
		tag = PTRACE_SYSCALL_SKIPCALL;
		break;
	case CALL_FIXUP:
		tag = 0;
		t->in_syscall = true;
		break;
	default:
		break;
	}
#ifdef PARTIALVM_DROP_TAGS
	/* partialvm-test-notags, which must fail the stop counts. */
	tag = 0;
#endif
	if (changed && tracee_setregs(t, r))
		return -1;
	return ptrace(PTRACE_SYSCALL, t->pid, tag, 0);
}

static int syscall_resume(struct tracee *t, int sig)
{
	return ptrace(PTRACE_SYSCALL, t->pid, 0, sig);
}

/* ptrace: every call to its exit stop, where the tool's result goes. */
static bool always(char *why, size_t len)
{
	(void)why; (void)len;
	return true;
}

static int ptrace_resume_entry(struct tracee *t, struct user_regs_struct *r, bool changed)
{
	if (t->verdict == CALL_ANSWERED) {
		REG_NR(r) = -1;
		changed = true;
	}
	t->in_syscall = true;
	if (changed && tracee_setregs(t, r))
		return -1;
	return ptrace(PTRACE_SYSCALL, t->pid, 0, 0);
}

/* seccomp, seccomp-all */
static bool seccomp_probe(char *why, size_t len)
{
	unsigned int action = SECCOMP_RET_TRACE;

	if (prctl(PR_GET_SECCOMP) < 0) {
		snprintf(why, len, "the kernel has no seccomp (%s)", strerror(errno));
		return false;
	}
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		snprintf(why, len, "the kernel has no SECCOMP_RET_TRACE (%s)", strerror(errno));
		return false;
	}
	return true;
}

static int install_filter(bool all)
{
	struct sock_filter f[2 * PVM_MAX_SYSCALL + 8];
	struct sock_fprog prog;
	int n = 0;
	long nr;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	/* A call of another ABI (int 0x80) has numbers of its own: let it be. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (!all) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, nr));
		for (nr = 0; nr < PVM_MAX_SYSCALL; nr++)
			if (call_handled(nr)) {
				f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
				f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
			}
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	} else {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	prog.len = n;
	prog.filter = f;
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	return -1;
}

static int seccomp_setup(void)
{
	return install_filter(false);
}

static int seccomp_all_setup(void)
{
	return install_filter(true);
}

static int seccomp_resume_entry(struct tracee *t, struct user_regs_struct *r, bool changed)
{
	int req = PTRACE_CONT;

	switch (t->verdict) {
	case CALL_ANSWERED:
		/* Number -1 at a seccomp stop: skipped, returning rax. */
		REG_NR(r) = -1;
		REG_RESULT(r) = t->result;
		changed = true;
		break;
	case CALL_FIXUP:
		/* The entry stop has passed: the next syscall stop is the exit. */
		req = PTRACE_SYSCALL;
		t->in_syscall = true;
		break;
	default:
		break;
	}
	if (changed && tracee_setregs(t, r))
		return -1;
	return ptrace(req, t->pid, 0, 0);
}

static int cont_resume(struct tracee *t, int sig)
{
	/* An event stop (fork, exec) inside a call whose exit we want. */
	return ptrace(t->in_syscall ? PTRACE_SYSCALL : PTRACE_CONT, t->pid, 0, sig);
}

static const struct tracer tracers[] = {
	{ "ptvm", "PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL/SKIPEXIT", 0, true, false,
	  ptvm_probe, NULL, ptvm_resume_entry, syscall_resume },
	{ "seccomp", "a seccomp filter that traces the calls the tool handles",
	  PTRACE_O_TRACESECCOMP, false, true,
	  seccomp_probe, seccomp_setup, seccomp_resume_entry, cont_resume },
	{ "seccomp-all", "a seccomp filter that traces every call",
	  PTRACE_O_TRACESECCOMP, false, true,
	  seccomp_probe, seccomp_all_setup, seccomp_resume_entry, cont_resume },
	{ "ptrace", "PTRACE_SYSCALL, two stops", 0, true, false,
	  always, NULL, ptrace_resume_entry, syscall_resume },
};

#define NTRACERS (sizeof(tracers) / sizeof(tracers[0]))

const struct tracer *tracer_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NTRACERS; i++)
		if (!strcmp(tracers[i].name, name))
			return &tracers[i];
	return NULL;
}

void tracer_list(void)
{
	size_t i;

	for (i = 0; i < NTRACERS; i++)
		printf("  %-12s %s\n", tracers[i].name, tracers[i].how);
}

/*
 * The default: ptvm where the kernel has the tags, else seccomp (not when
 * attaching or detaching), else plain ptrace.  Each probe prints a line
 * with -v, as UML's boot does.
 */
const struct tracer *tracer_default(bool verbose, bool attaching, char *why, size_t len)
{
	static const char *order[] = { "ptvm", "seccomp", "ptrace" };
	char reason[200];
	size_t i;

	why[0] = '\0';
	for (i = 0; i < 3; i++) {
		const struct tracer *tr = tracer_by_name(order[i]);

		/* -p and detaching never fall back to a filter. */
		if (attaching && !tr->attaches)
			continue;
		reason[0] = '\0';
		if (tr->probe(reason, sizeof(reason))) {
			if (verbose && i < 2)
				fprintf(stderr, "partialvm: Checking %s...OK\n",
					i == 0 ? "ptrace new tags for syscall emulation" :
					"seccomp filters that trace calls");
			if (!why[0])
				snprintf(why, len, "the kernel has %s",
					 i == 0 ? "the PTRACE_VM tags" : "SECCOMP_RET_TRACE");
			return tr;
		}
		if (verbose)
			fprintf(stderr, "partialvm: Checking %s...unsupported (%s)\n",
				i == 0 ? "ptrace new tags for syscall emulation" :
				"seccomp filters that trace calls", reason);
		if (!why[0])
			snprintf(why, len, attaching ?
				 "the kernel lacks the PTRACE_VM tags, and a seccomp filter cannot detach" :
				 "the kernel lacks the PTRACE_VM tags");
		else if (i == 1)
			snprintf(why, len, "the kernel lacks the PTRACE_VM tags and SECCOMP_RET_TRACE");
	}
	return tracer_by_name("ptrace");
}
