// SPDX-License-Identifier: GPL-2.0
/*
 * popf_step_test: a tracer single-steps its child over a popf that sets
 * the trap flag, and over one that clears it.
 *
 * When a tracer single-steps, the kernel sets the trap flag (TF) for the
 * step and clears it again afterwards, unless the stepped instruction
 * (popf, iret) set or cleared it itself: then the flag is the process's
 * (x86's TIF_FORCED_TF).  Checked here:
 *   - after stepping a popf that sets TF, the tracer sees TF set, and the
 *     child, continued, gets the SIGTRAP of its own flag;
 *   - after stepping a popf that clears TF, TF is clear and the child runs
 *     to its exit;
 *   - after stepping an ordinary instruction, TF is clear.
 * Prints one line per check, "ok ..." or "not ok ...", and ends with
 * "popf_step_test: ok" or "popf_step_test: N failed".  Exit status 0 only
 * if all passed.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define TF 0x100UL

extern char set_popf[], clear_popf[];

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failed++;
}

/* The child: stops at int3, then sets or clears TF with popf. */
static void __attribute__((noreturn, noinline)) child(int set)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(10);
	if (set)
		asm volatile("int3\n\t"
			     "pushfq\n\t"
			     "orq $0x100, (%%rsp)\n\t"
			     "set_popf: popfq\n\t"
			     "nop\n\t"
			     "nop\n\t"
			     "pushfq\n\t"
			     "andq $~0x100, (%%rsp)\n\t"
			     "popfq\n\t" ::: "memory", "cc");
	else
		asm volatile("int3\n\t"
			     "pushfq\n\t"
			     "andq $~0x100, (%%rsp)\n\t"
			     "clear_popf: popfq\n\t"
			     "nop\n\t" ::: "memory", "cc");
	_exit(0);
}

/* Wait for the child's next stop; its signal, or -1 if it ended. */
static int next_stop(pid_t pid, int *status)
{
	if (waitpid(pid, status, 0) != pid || !WIFSTOPPED(*status))
		return -1;
	return WSTOPSIG(*status);
}

static int step(pid_t pid, struct user_regs_struct *regs)
{
	int status;

	if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0 ||
	    next_stop(pid, &status) != SIGTRAP ||
	    ptrace(PTRACE_GETREGS, pid, 0, regs) < 0)
		return -1;
	return 0;
}

static void run(int set)
{
	struct user_regs_struct regs;
	char what[160];
	unsigned long popf = (unsigned long)(set ? set_popf : clear_popf);
	const char *name = set ? "sets" : "clears";
	int status, i, sig;
	pid_t pid = fork();

	if (pid == 0)
		child(set);
	if (next_stop(pid, &status) != SIGTRAP) {	/* the int3 */
		check(0, "the child stops at its int3");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	/* pushfq and the or/and: two ordinary instructions. */
	for (i = 0; i < 2; i++)
		if (step(pid, &regs) < 0)
			break;
	snprintf(what, sizeof(what), "two steps reach the popf that %s TF (ip %#llx, popf at %#lx)",
		 name, i == 2 ? regs.rip : 0ULL, popf);
	check(i == 2 && regs.rip == popf, what);
	snprintf(what, sizeof(what), "TF is clear after stepping an ordinary instruction (eflags %#llx)",
		 regs.eflags);
	check(i == 2 && !(regs.eflags & TF), what);
	if (i == 2 && step(pid, &regs) == 0) {
		snprintf(what, sizeof(what), "after stepping the popf that %s TF, TF is %s (eflags %#llx)",
			 name, set ? "set" : "clear", regs.eflags);
		check(!!(regs.eflags & TF) == set, what);
	} else {
		check(0, "the step over the popf");
	}
	ptrace(PTRACE_CONT, pid, 0, 0);
	sig = next_stop(pid, &status);
	if (set) {
		snprintf(what, sizeof(what), "continued, the child gets the SIGTRAP of its own TF (stop signal %d)",
			 sig);
		check(sig == SIGTRAP, what);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	} else {
		snprintf(what, sizeof(what), "continued, the child runs to its exit (status %#x)", status);
		check(sig == -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, what);
		if (sig != -1) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run(1);
	run(0);
	if (failed)
		printf("popf_step_test: %d failed\n", failed);
	else
		printf("popf_step_test: ok\n");
	return failed ? 1 : 0;
}
