// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_vm_bench: what a tracer pays per traced system call, with and
 * without PTRACE_VM.  A child makes N getpid() calls under four tracers:
 *
 *   syscall   PTRACE_SYSCALL, an entry and an exit stop per call;
 *   skipexit  PTRACE_SYSCALL resumed with PTRACE_SYSCALL_SKIPEXIT: the call
 *             runs, one stop;
 *   skipcall  PTRACE_SYSCALL resumed with PTRACE_SYSCALL_SKIPCALL: the call
 *             is not run, the tracer writes the result, one stop;
 *   sysemu    PTRACE_SYSEMU, the tracer writes the result, one stop.
 *
 * The child checks every result against its real pid, and the tracer counts
 * the stops, so a broken mechanism is an error and not a number: a kernel
 * that ignores the tags gives two stops per call and fails skipexit and
 * skipcall.  At every entry stop the tracer reads orig_rax, as a tracer
 * that decides call by call must.  Only the tracing loop is timed, not the
 * fork and the setup.  One line per mode, then the ratios against plain
 * PTRACE_SYSCALL:
 *
 *   mode=syscall calls=2000 stops=4002 ns_per_call=71234
 *   ratio syscall/skipexit=1.93
 *
 * Exit status 0 only if every selected mode worked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "ptrace_vm.h"

#ifndef __x86_64__
#error "ptrace_vm_bench reads x86_64 registers"
#endif

#define DEFAULT_CALLS		2000
/* Stops besides the calls: the child's SIGSTOP and its exit_group entry. */
#define SETUP_STOPS		2
/* Tolerated unexpected stops (a stray signal), beyond SETUP_STOPS. */
#define STOP_SLACK		4

/* Child exit statuses, chosen so they cannot be mistaken for each other. */
#define CHILD_OK		0
#define CHILD_WRONG_RESULT	42
#define CHILD_NO_TRACEME	43

#define REG_OFFSET(reg)	offsetof(struct user, regs.reg)

struct bench_mode {
	const char *name;
	enum __ptrace_request request;	/* the resume request of the loop */
	unsigned long tag;		/* addr when resuming a getpid entry */
	bool emulate;			/* the tracer writes getpid's result */
	int stops_per_call;
};

static const struct bench_mode modes[] = {
	{ "syscall",  PTRACE_SYSCALL, 0,			  false, 2 },
	{ "skipexit", PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPEXIT, false, 1 },
	{ "skipcall", PTRACE_SYSCALL, PTRACE_SYSCALL_SKIPCALL, true,  1 },
	{ "sysemu",   PTRACE_SYSEMU,  0,			  true,  1 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_MODES	((int)ARRAY_SIZE(modes))

struct bench_result {
	long stops;		/* every ptrace stop, setup and exit included */
	long getpid_entries;	/* entry stops of getpid, as the tracer saw them */
	double ns_per_call;
};

static const char *progname = "ptrace_vm_bench";
static volatile pid_t current_child;

static void on_alarm(int sig)
{
	static const char msg[] = ": timed out, child killed\n";

	(void)sig;
	if (current_child > 0)
		kill(current_child, SIGKILL);
	if (write(STDERR_FILENO, progname, strlen(progname)) < 0 ||
	    write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(2);
}

/*
 * The traced child.  Raw syscall(SYS_getpid): glibc's getpid() is a plain
 * system call today, but the loop must not depend on that.  Nothing but
 * getpid runs between the SIGSTOP and exit_group, so that the tracer can
 * count stops exactly; the verdict goes out as the exit_group argument,
 * where the tracer reads it even when it emulates exit_group away (sysemu).
 */
static _Noreturn void child_main(long calls)
{
	long pid = syscall(SYS_getpid);
	long i, wrong = 0;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
		syscall(SYS_exit_group, CHILD_NO_TRACEME);
	syscall(SYS_kill, pid, SIGSTOP);
	for (i = 0; i < calls; i++)
		if (syscall(SYS_getpid) != pid)
			wrong++;
	syscall(SYS_exit_group, wrong ? CHILD_WRONG_RESULT : CHILD_OK);
	_exit(CHILD_WRONG_RESULT);	/* not reached */
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *request_name(enum __ptrace_request request)
{
	return request == PTRACE_SYSEMU ? "PTRACE_SYSEMU" : "PTRACE_SYSCALL";
}

/* Waits for a child we killed (or that exits) to be gone. */
static void reap(pid_t child, int *status)
{
	while (waitpid(child, status, __WALL) == child &&
	       !WIFEXITED(*status) && !WIFSIGNALED(*status))
		;
}

/* Explains a child's end; returns 0 if it reported that all results were right. */
static int check_verdict(const struct bench_mode *m, int verdict)
{
	switch (verdict) {
	case CHILD_OK:
		return 0;
	case CHILD_WRONG_RESULT:
		fprintf(stderr, "%s: %s: the child got a wrong getpid() result\n",
			progname, m->name);
		break;
	case CHILD_NO_TRACEME:
		fprintf(stderr, "%s: %s: PTRACE_TRACEME failed in the child\n",
			progname, m->name);
		break;
	default:
		fprintf(stderr, "%s: %s: the child exited with status %d\n",
			progname, m->name, verdict);
	}
	return -1;
}

/*
 * Traces one child through its calls.  Stops are told apart by the
 * tracer's own bookkeeping (in_call), as a real tracer would, not by asking
 * the kernel: a kernel that ignores the tags then shows up as twice the
 * expected number of getpid entries.
 */
static int run_mode(const struct bench_mode *m, long calls, unsigned int timeout,
		    struct bench_result *res)
{
	enum __ptrace_request request = m->request;
	unsigned long addr = 0;
	long sig = 0, done = 0, expected;
	long long start, end = 0;
	bool in_call = false, verdict_known = false;
	int status = 0, verdict = -1;
	pid_t pid, child;

	memset(res, 0, sizeof(*res));
	fflush(NULL);
	child = fork();
	if (child == -1) {
		fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
		return -1;
	}
	if (child == 0)
		child_main(calls);
	current_child = child;
	alarm(timeout);

	pid = waitpid(child, &status, __WALL);
	if (pid != child || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		fprintf(stderr, "%s: %s: expected the child's SIGSTOP, got status = 0x%x\n",
			progname, m->name, status);
		goto fail;
	}
	res->stops = 1;
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) == -1) {
		fprintf(stderr, "%s: %s: PTRACE_SETOPTIONS: %s\n",
			progname, m->name, strerror(errno));
		goto fail;
	}

	start = now_ns();
	for (;;) {
		long nr;

		if (ptrace(request, child, (void *)addr, (void *)sig) == -1) {
			if (request == PTRACE_SYSEMU && errno == EIO)
				fprintf(stderr, "%s: %s: PTRACE_SYSEMU not supported (EIO)\n",
					progname, m->name);
			else
				fprintf(stderr, "%s: %s: %s(addr=%#lx): %s\n",
					progname, m->name, request_name(request),
					addr, strerror(errno));
			goto fail;
		}
		sig = 0;
		addr = 0;
		request = m->request;

		if (waitpid(child, &status, __WALL) != child) {
			fprintf(stderr, "%s: %s: waitpid: %s\n",
				progname, m->name, strerror(errno));
			goto fail;
		}
		if (!WIFSTOPPED(status))
			break;
		res->stops++;

		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* Not ours: pass the signal on and carry on. */
			sig = WSTOPSIG(status);
			continue;
		}
		if (in_call) {		/* the exit stop of a call let through */
			in_call = false;
			if (++done == calls)
				end = now_ns();
			continue;
		}

		errno = 0;
		nr = ptrace(PTRACE_PEEKUSER, child, (void *)REG_OFFSET(orig_rax), NULL);
		if (errno) {
			fprintf(stderr, "%s: %s: PTRACE_PEEKUSER orig_rax: %s\n",
				progname, m->name, strerror(errno));
			goto fail;
		}
		if (nr == SYS_exit_group) {
			errno = 0;
			verdict = ptrace(PTRACE_PEEKUSER, child,
					 (void *)REG_OFFSET(rdi), NULL);
			verdict_known = !errno;
			if (m->request == PTRACE_SYSEMU) {
				/* An emulated exit_group exits nothing: end it here. */
				kill(child, SIGKILL);
				reap(child, &status);
				break;
			}
			continue;
		}
		if (nr != SYS_getpid) {
			fprintf(stderr, "%s: %s: unexpected system call %ld in the child\n",
				progname, m->name, nr);
			goto fail;
		}

		res->getpid_entries++;
		if (m->emulate &&
		    ptrace(PTRACE_POKEUSER, child, (void *)REG_OFFSET(rax),
			   (void *)(long)child) == -1) {
			fprintf(stderr, "%s: %s: PTRACE_POKEUSER rax: %s\n",
				progname, m->name, strerror(errno));
			goto fail;
		}
		addr = m->tag;
		if (m->stops_per_call == 2)
			in_call = true;
		else if (++done == calls)
			end = now_ns();
	}
	alarm(0);
	current_child = 0;

	/* The verdict is the exit_group argument, or else the exit status. */
	if (!verdict_known && WIFEXITED(status)) {
		verdict = WEXITSTATUS(status);
	} else if (!verdict_known) {
		fprintf(stderr, "%s: %s: the child was killed by signal %d\n",
			progname, m->name, WTERMSIG(status));
		return -1;
	}
	if (check_verdict(m, verdict))
		return -1;

	expected = SETUP_STOPS + m->stops_per_call * calls;
	if (m->tag && res->getpid_entries == 2 * calls) {
		fprintf(stderr, "%s: %s: %ld stops for %ld calls: the kernel ignores PTRACE_VM tags\n",
			progname, m->name, res->stops, calls);
		return -1;
	}
	if (res->getpid_entries != calls || !end ||
	    res->stops < expected || res->stops > expected + STOP_SLACK) {
		fprintf(stderr, "%s: %s: %ld stops (%ld at getpid entry) for %ld calls, expected %ld\n",
			progname, m->name, res->stops, res->getpid_entries,
			calls, expected);
		return -1;
	}
	res->ns_per_call = (double)(end - start) / calls;
	return 0;

fail:
	alarm(0);
	current_child = 0;
	kill(child, SIGKILL);
	reap(child, &status);
	return -1;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-n CALLS] [-m MODE[,MODE...]]...\n"
		"Time a tracer through CALLS getpid() calls of a child (default %d)\n"
		"in each MODE: syscall (PTRACE_SYSCALL, two stops per call),\n"
		"skipexit (PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPEXIT), skipcall\n"
		"(PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL, the tracer emulates\n"
		"getpid) and sysemu (PTRACE_SYSEMU, likewise).  Default: all four.\n"
		"Prints one line per mode, then syscall/MODE ratios of the time per\n"
		"call.  Exits 0 only if every selected mode behaved as it should.\n",
		progname, DEFAULT_CALLS);
}

/* Marks the modes named in a comma-separated list; -1 on an unknown name. */
static int select_modes(char *list, bool *selected)
{
	char *name, *save = NULL;
	int i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_MODES; i++)
			if (strcmp(name, modes[i].name) == 0)
				break;
		if (i == NR_MODES) {
			fprintf(stderr, "%s: unknown mode '%s' (syscall, skipexit, skipcall, sysemu)\n",
				progname, name);
			return -1;
		}
		selected[i] = true;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct bench_result results[NR_MODES];
	bool selected[NR_MODES] = { false }, any = false, ok[NR_MODES] = { false };
	long calls = DEFAULT_CALLS;
	unsigned int timeout;
	int i, opt, failed = 0;
	char *end;

	while ((opt = getopt(argc, argv, "n:m:h")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			calls = strtol(optarg, &end, 0);
			if (errno || *end || calls < 1 || calls > 1000000000L) {
				fprintf(stderr, "%s: -n wants a number of calls, got '%s'\n",
					progname, optarg);
				return 2;
			}
			break;
		case 'm':
			if (select_modes(optarg, selected))
				return 2;
			any = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		print_usage(stderr);
		return 2;
	}
	if (!any)
		for (i = 0; i < NR_MODES; i++)
			selected[i] = true;

	/* Generous: a nested guest may take milliseconds per stop. */
	timeout = 30 + calls / 200;
	signal(SIGALRM, on_alarm);

	for (i = 0; i < NR_MODES; i++) {
		if (!selected[i])
			continue;
		if (run_mode(&modes[i], calls, timeout, &results[i])) {
			failed++;
			continue;
		}
		ok[i] = true;
		printf("mode=%s calls=%ld stops=%ld ns_per_call=%.0f\n",
		       modes[i].name, calls, results[i].stops,
		       results[i].ns_per_call);
		fflush(stdout);
	}
	for (i = 1; i < NR_MODES; i++)
		if (ok[0] && ok[i])
			printf("ratio %s/%s=%.2f\n", modes[0].name, modes[i].name,
			       results[0].ns_per_call / results[i].ns_per_call);
	if (failed)
		fprintf(stderr, "%s: %d of the selected modes failed\n",
			progname, failed);
	return failed ? 1 : 0;
}
