// SPDX-License-Identifier: GPL-2.0
/*
 * partialvm [options] -- CMD [ARGS...]: run CMD, and every process it
 * starts, in a partial virtual machine.  This file has the options, the
 * start of CMD, the loop over the stops that waitpid() returns, the exit
 * status and --stats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include "partialvm.h"
#include "sysnames.h"

/* Exit statuses of the tool's own, as env(1) has them. */
#define EXIT_TOOL	125
#define EXIT_CANNOT_RUN	126
#define EXIT_NOT_FOUND	127

struct options opt;

void pvm_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("partialvm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs(
"Usage: partialvm [OPTIONS] -- CMD [ARGS...]\n"
"       partialvm [OPTIONS] -p PID\n"
"Run CMD and every process it starts in a partial virtual machine: each\n"
"system call is let run, run with its paths rewritten, answered by the\n"
"tool, or run and its result changed, decided call by call.\n"
"\n"
"  -b, --bind HOST:GUEST  show the host's HOST at GUEST, as a bind mount\n"
"                         would (repeatable; -b PATH: the same on both sides)\n"
"  -0, --root-id          fake root: the id calls say 0, chown succeeds and\n"
"                         changes nothing\n"
"  -n, --hostname NAME    a virtual hostname, for uname and sethostname\n"
"      --tracer NAME      how calls are stopped (default: ptvm where the\n"
"                         kernel has the PTRACE_VM tags, else seccomp):\n", f);
	fflush(f);
	if (f == stdout)
		tracer_list();
	fputs(
"  -p, --pid PID          virtualize the running process PID and its threads\n"
"                         instead of starting CMD; it is never killed: the\n"
"                         tool's end, Ctrl-C or SIGTERM detach it\n"
"      --detach-after S   detach after S seconds and leave the processes\n"
"                         running natively; SIGUSR1 to the tool does too\n"
"                         (ptvm and ptrace only: a seccomp filter stays)\n"
"  -v, --verbose          say which tracer runs and why, and the binds\n"
"      --stats            on exit, the stops that waitpid() returned, per call\n"
"      --calls            list the calls the tool handles, and exit\n"
"  -h, --help             this text\n"
"\n"
"The exit status is CMD's (PID's), 128+N if a signal N ended it, 0 after a\n"
"detach from PID; 125 if the tool itself failed, 126 if CMD cannot run,\n"
"127 if it is not found.\n"
"More: docs/partialvm.md.\n", f);
}

/* --stats */
static unsigned long call_stops[STOP_KINDS][PVM_MAX_SYSCALL + 1];
static unsigned long sig_stops, group_stops, event_stops, first_stops, exits;

void stats_count(enum stop_kind kind, long nr)
{
	if (nr < 0 || nr >= PVM_MAX_SYSCALL)
		nr = PVM_MAX_SYSCALL;
	call_stops[kind][nr]++;
}

static const char *syscall_name(long nr, char *buf, size_t len)
{
	if (nr >= 0 && nr < (long)(sizeof(sysnames) / sizeof(sysnames[0])) && sysnames[nr])
		return sysnames[nr];
	snprintf(buf, len, nr == PVM_MAX_SYSCALL ? "(other)" : "syscall_%ld", nr);
	return buf;
}

static void stats_print(void)
{
	unsigned long total = sig_stops + group_stops + event_stops + first_stops + exits;
	char buf[32];
	long nr;

	fprintf(stderr, "partialvm: stats: stops that waitpid() returned, tracer %s\n", tracer->name);
	fprintf(stderr, "partialvm: stats: %-20s %10s %10s %10s %s\n", "call", "entry", "exit", "seccomp", "handled");
	for (nr = 0; nr <= PVM_MAX_SYSCALL; nr++) {
		unsigned long e = call_stops[STOP_ENTRY][nr], x = call_stops[STOP_EXIT][nr];
		unsigned long s = call_stops[STOP_SECCOMP][nr];

		if (!e && !x && !s)
			continue;
		total += e + x + s;
		fprintf(stderr, "partialvm: stats: %-20s %10lu %10lu %10lu %s\n",
			syscall_name(nr, buf, sizeof(buf)), e, x, s,
			call_handled(nr) ? "yes" : "no");
	}
	fprintf(stderr, "partialvm: stats: other stops: signal %lu, group-stop %lu, event %lu, first %lu; exits %lu\n",
		sig_stops, group_stops, event_stops, first_stops, exits);
	fprintf(stderr, "partialvm: stats: total %lu\n", total);
}

/* The loop */
static pid_t main_pid;
static int main_status = -1;

/*
 * A call rewritten with no exit stop keeps its arguments pointing into the
 * scratch space.  If a signal interrupts it and it is restarted, a signal
 * frame may have been written over that space: the restart gets the
 * program's own arguments back, and is translated again.  A restart has
 * the same number, rip and rsp, and an argument in the scratch space.
 */
static bool restore_restarted(struct tracee *t, struct user_regs_struct *r)
{
	bool restart = false;
	int i;

	if (!t->scratch_high || REG_NR(r) != REG_NR(&t->rewritten) ||
	    r->rip != t->rewritten.rip || REG_SP(r) != REG_SP(&t->rewritten))
		return false;
	for (i = 0; i < 6; i++)
		restart |= reg_arg(r, i) >= t->scratch_low && reg_arg(r, i) < t->scratch_high;
	if (restart)
		reg_copy_args(r, &t->rewritten);
	return restart;
}

/* An entry stop: decide, and resume as the tracer does. */
static enum verdict enter_call(struct tracee *t, struct user_regs_struct *r, bool *changed)
{
	bool restored = restore_restarted(t, r);
	enum verdict v;

	t->entry = *r;
	t->scratch = 0;
	t->exec_seen = false;
	v = call_entry(t, r, changed);
	*changed |= restored;
	/* Kept until the next rewritten call: the handler's own calls come
	 * between the call and its restart.  Below the red zone, no pointer
	 * of the program's own can be. */
	if (v == CALL_REWRITTEN && t->scratch) {
		t->rewritten = t->entry;
		t->scratch_low = t->scratch;
		t->scratch_high = REG_SP(&t->entry) - 128;
	}
	return v;
}

static void handle_entry(struct tracee *t, enum stop_kind kind)
{
	struct user_regs_struct r;
	bool changed;

	if (tracee_getregs(t, &r))
		return;		/* killed meanwhile: its exit comes next */
	stats_count(kind, REG_NR(&r));
	t->verdict = enter_call(t, &r, &changed);
	if (tracer->resume_entry(t, &r, changed) < 0 && errno != ESRCH)
		pvm_warn("cannot resume %d after its entry stop: %s", t->pid, strerror(errno));
}

/* An exit stop we asked for: the result and the registers; false if the
 * tracee is gone. */
static bool finish_exit(struct tracee *t)
{
	struct user_regs_struct r;
	bool changed = false;

	t->in_syscall = false;
	if (tracee_getregs(t, &r))
		return false;
	stats_count(STOP_EXIT, REG_NR(&t->entry));
	if (t->verdict == CALL_ANSWERED) {
		REG_RESULT(&r) = t->result;	/* ptrace: the call was -1 */
		changed = true;
	} else if (t->verdict == CALL_FIXUP) {
		call_exit(t, &r);
		changed = true;
	}
	/* Where the exit stop comes anyway, the program gets its own
	 * argument registers back. */
	if ((t->verdict == CALL_REWRITTEN || t->verdict == CALL_FIXUP) && !t->exec_seen) {
		reg_copy_args(&r, &t->entry);
		changed = true;
	}
	return !changed || !tracee_setregs(t, &r);
}

static void handle_exit(struct tracee *t)
{
	if (finish_exit(t))
		tracer->resume(t, 0);
}

static void handle_event(struct tracee *t, int event)
{
	unsigned long msg = 0;

	event_stops++;
	ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg);
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (msg && !tracee_find(msg))
			tracee_add(msg);
		break;
	case PTRACE_EVENT_EXEC:
		/* A thread that execs takes the leader's pid; the leader's
		 * record goes, the thread's moves. */
		if ((pid_t)msg != t->pid) {
			struct tracee *old = tracee_find(msg);

			if (old) {
				t->in_syscall = old->in_syscall;
				t->verdict = old->verdict;
				tracee_remove(old);
			}
		}
		t->exec_seen = true;
		break;
	}
	tracer->resume(t, 0);
}

static void handle_stop(struct tracee *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		if (t->in_syscall)
			handle_exit(t);
		else
			handle_entry(t, STOP_ENTRY);
	} else if (event == PTRACE_EVENT_SECCOMP) {
		handle_entry(t, STOP_SECCOMP);
	} else if (event == PTRACE_EVENT_STOP) {
		bool stop_signal = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;

		if (!t->seen && !(t->attached && stop_signal)) {
			first_stops++;
			tracer->resume(t, 0);
		} else if (stop_signal) {
			/* A group-stop: the tracee stays stopped until SIGCONT. */
			group_stops++;
			ptrace(PTRACE_LISTEN, t->pid, 0, 0);
		} else {
			tracer->resume(t, 0);
		}
	} else if (event) {
		handle_event(t, event);
	} else {
		sig_stops++;
		tracer->resume(t, sig);
	}
	t->seen = true;
}

/*
 * Detach (SIGUSR1, --detach-after, and with -p Ctrl-C and SIGTERM): every
 * tracee is stopped with PTRACE_INTERRUPT and let go at that stop.  A call
 * at its entry stop gets what the tool decides for it first: rewritten
 * arguments, or skipped by number -1 with the tool's result, which needs
 * no tag; one whose result must be fixed up goes on to its exit stop.
 */
static volatile sig_atomic_t detach_requested;
static bool detaching;

static void request_detach(int sig)
{
	(void)sig;
	detach_requested = 1;
}

static int active;	/* tracees not let go yet, while detaching */

static void let_go(struct tracee *t, int sig)
{
	if (ptrace(PTRACE_DETACH, t->pid, 0, sig) < 0 && errno != ESRCH)
		pvm_warn("cannot detach %d: %s", t->pid, strerror(errno));
	if (!t->released)
		active--;
	t->released = true;
}

static void interrupt(struct tracee *t)
{
	active++;
	ptrace(PTRACE_INTERRUPT, t->pid, 0, 0);
}

static void stop_detaching(struct tracee *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;
	struct user_regs_struct r;
	unsigned long msg;
	bool changed;

	if (t->released)
		return;
	if (sig == (SIGTRAP | 0x80) && t->in_syscall) {
		/* Let go right at its exit: the interrupt may be spent. */
		finish_exit(t);
		let_go(t, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		if (tracee_getregs(t, &r))
			return;
		t->verdict = enter_call(t, &r, &changed);
		if (t->verdict == CALL_FIXUP) {
			t->in_syscall = true;
			if ((!changed || !tracee_setregs(t, &r)) &&
			    ptrace(PTRACE_SYSCALL, t->pid, 0, 0) == 0)
				return;
		}
		if (t->verdict == CALL_ANSWERED) {
			REG_NR(&r) = -1;
			REG_RESULT(&r) = t->result;
			changed = true;
		}
		if (changed)
			tracee_setregs(t, &r);
		sig = 0;
	} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
		   event == PTRACE_EVENT_CLONE) {
		/* Its child stops too, and is let go then. */
		if (!ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg) && msg && !tracee_find(msg)) {
			tracee_add(msg);
			active++;
		}
		sig = 0;
	} else if (event) {
		sig = 0;	/* PTRACE_INTERRUPT's stop, a group-stop, exec */
	}
	let_go(t, sig);
}

static void start_detach(void)
{
	detaching = true;
	tracee_for_each(interrupt);
	if (opt.verbose)
		pvm_warn("detaching from %d process(es)", tracee_count());
}

static void trace_loop(void)
{
	struct tracee *t;
	int status;
	pid_t pid;

	for (;;) {
		if (detach_requested && !detaching && !tracer->attaches) {
			pvm_warn("SIGUSR1: --tracer=%s cannot detach: its filter would stay, and every call "
				 "it traces would fail with ENOSYS; still tracing", tracer->name);
			detach_requested = 0;
		}
		if (detach_requested && !detaching)
			start_detach();
		if (detaching && active <= 0)
			return;
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				pvm_warn("waitpid failed: %s", strerror(errno));
			return;
		}
		t = tracee_find(pid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			exits++;
			if (pid == main_pid)
				main_status = status;
			if (t && detaching && !t->released)
				active--;
			if (t)
				tracee_remove(t);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		/* A new child's first stop may come before its parent's event. */
		if (!t) {
			t = tracee_add(pid);
			if (detaching)
				active++;
		}
		if (detaching)
			stop_detaching(t, status);
		else
			handle_stop(t, status);
	}
}

/* What /proc says of a thread PTRACE_SEIZE refused: ours already (1), a
 * zombie or gone (2), or traced by another (0). */
static int seize_refused_why(pid_t tid)
{
	char path[64], line[128];
	int why = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return 2;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6) && strchr(line, 'Z'))
			why = 2;
		if (!strncmp(line, "TracerPid:", 10) && atoi(line + 10) == getpid())
			why = 1;
	}
	fclose(f);
	return why;
}

/*
 * -p: seize every thread of @pid, until a pass over /proc/PID/task finds
 * none that is new, and stop each; their first stops start the tracing.
 */
static void attach_process(pid_t pid)
{
	unsigned long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC |
		PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	char dir[64];
	bool added;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	do {
		struct dirent *d;
		DIR *tasks = opendir(dir);

		if (!tasks) {
			pvm_warn("-p %d: no such process", pid);
			exit(EXIT_TOOL);
		}
		added = false;
		while ((d = readdir(tasks))) {
			pid_t tid = atoi(d->d_name);
			struct tracee *t;
			int why;

			if (tid <= 0 || tracee_find(tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0, options) < 0) {
				if (errno == ESRCH)
					continue;	/* the thread ended */
				/* A thread started since the last pass is
				 * ours already (PTRACE_O_TRACECLONE); a
				 * zombie leader cannot be seized. */
				if (errno == EPERM && (why = seize_refused_why(tid))) {
					if (why == 1 && !tracee_find(tid))
						tracee_add(tid)->attached = true;
					continue;
				}
				pvm_warn("-p %d: cannot attach to thread %d: %s", pid, tid,
					 strerror(errno));
				exit(EXIT_TOOL);
			}
			t = tracee_add(tid);
			t->attached = true;
			ptrace(PTRACE_INTERRUPT, tid, 0, 0);
			added = true;
		}
		closedir(tasks);
	} while (added);
	if (opt.verbose)
		pvm_warn("attached to %d thread(s) of %d", tracee_count(), pid);
}

/* Start CMD stopped, attach to it, and let it exec. */
static pid_t start_command(char **argv)
{
	unsigned long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC |
		PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		PTRACE_O_EXITKILL | tracer->options;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pvm_warn("fork failed: %s", strerror(errno));
		exit(EXIT_TOOL);
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		kill(getpid(), SIGSTOP);
		if (tracer->child_setup && tracer->child_setup() < 0) {
			pvm_warn("--tracer=%s: cannot install the seccomp filter: %s",
				 tracer->name, strerror(errno));
			_exit(EXIT_TOOL);
		}
		execvp(argv[0], argv);
		pvm_warn("%s: %s", argv[0], strerror(errno));
		_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		pvm_warn("the command's process did not stop (status %#x)", status);
		exit(EXIT_TOOL);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, options) < 0) {
		pvm_warn("PTRACE_SEIZE failed: %s", strerror(errno));
		kill(pid, SIGKILL);
		exit(EXIT_TOOL);
	}
	/* End the group-stop of its SIGSTOP, or a detach would leave it
	 * stopped; the SIGCONT it gets is let through. */
	kill(pid, SIGCONT);
	tracee_add(pid);
	return pid;
}

int main(int argc, char **argv)
{
	enum { OPT_TRACER = 256, OPT_STATS, OPT_CALLS, OPT_DETACH_AFTER };
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "root-id", no_argument, NULL, '0' },
		{ "hostname", required_argument, NULL, 'n' },
		{ "tracer", required_argument, NULL, OPT_TRACER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "calls", no_argument, NULL, OPT_CALLS },
		{ "pid", required_argument, NULL, 'p' },
		{ "detach-after", required_argument, NULL, OPT_DETACH_AFTER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *forced = NULL;
	char err[PATH_MAX + 200], why[256];
	bool list_calls = false;
	long detach_after = 0;
	pid_t attach_pid = 0;
	char *end;
	int c, i;

	while ((c = getopt_long(argc, argv, "+b:0n:p:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (bind_add(optarg, err, sizeof(err))) {
				pvm_warn("%s", err);
				return EXIT_TOOL;
			}
			break;
		case '0':
			opt.fake_root = true;
			break;
		case 'n':
			if (!*optarg || strlen(optarg) > 64) {
				pvm_warn("-n '%s': a hostname has 1 to 64 characters", optarg);
				return EXIT_TOOL;
			}
			opt.hostname = optarg;
			break;
		case OPT_TRACER:
			if (!tracer_by_name(optarg)) {
				pvm_warn("--tracer=%s: no such tracer; there are:", optarg);
				fflush(stderr);
				dup2(2, 1);
				tracer_list();
				return EXIT_TOOL;
			}
			forced = optarg;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case OPT_STATS:
			opt.stats = true;
			break;
		case OPT_CALLS:
			list_calls = true;
			break;
		case 'p':
			attach_pid = strtol(optarg, &end, 10);
			if (*end || attach_pid <= 0) {
				pvm_warn("-p '%s': a process id, a number above 0", optarg);
				return EXIT_TOOL;
			}
			break;
		case OPT_DETACH_AFTER:
			detach_after = strtol(optarg, &end, 10);
			if (*end || detach_after <= 0) {
				pvm_warn("--detach-after '%s': a number of seconds, at least 1", optarg);
				return EXIT_TOOL;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("partialvm: see 'partialvm --help'\n", stderr);
			return EXIT_TOOL;
		}
	}
	if (list_calls) {
		calls_print_table();
		return 0;
	}
	if (optind >= argc && !attach_pid) {
		pvm_warn("no command: partialvm [OPTIONS] -- CMD [ARGS...], or -p PID");
		return EXIT_TOOL;
	}
	if (optind < argc && attach_pid) {
		pvm_warn("-p %d and a command: one or the other", attach_pid);
		return EXIT_TOOL;
	}
	calls_setup(&opt);

	if (forced) {
		tracer = tracer_by_name(forced);
		if (!tracer->probe(why, sizeof(why))) {
			pvm_warn("--tracer=%s: this kernel cannot: %s", forced, why);
			return EXIT_TOOL;
		}
		snprintf(why, sizeof(why), "--tracer=%s", forced);
	} else {
		tracer = tracer_default(opt.verbose, attach_pid || detach_after, why, sizeof(why));
	}
	if (!tracer->attaches && (attach_pid || detach_after)) {
		pvm_warn("%s: --tracer=%s cannot: a seccomp filter is installed by the process itself, "
			 "before it runs the command, and stays when the tracer is gone, and then every "
			 "call it traces fails with ENOSYS; use --tracer=ptvm or ptrace",
			 attach_pid ? "-p" : "--detach-after", tracer->name);
		return EXIT_TOOL;
	}
	if (opt.verbose) {
		pvm_warn("Tracing with %s (%s) (%s)", tracer->how, tracer->name, why);
		for (i = 0; i < bind_count(); i++)
			pvm_warn("%s shows %s", bind_get(i)->guest, bind_get(i)->host);
		if (opt.fake_root)
			pvm_warn("fake root: the id calls say 0");
		if (opt.hostname)
			pvm_warn("hostname: %s", opt.hostname);
	}

	/*
	 * The terminal's signals are the command's to act on; its death ends
	 * the tool's loop.  A process attached with -p is not the tool's: the
	 * signals that end the tool detach it instead.
	 */
	{
		struct sigaction sa = { .sa_handler = request_detach };

		/* No SA_RESTART: the request must end the wait. */
		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGALRM, &sa, NULL);
		if (attach_pid) {
			sigaction(SIGINT, &sa, NULL);
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGHUP, &sa, NULL);
		} else {
			signal(SIGINT, SIG_IGN);
			signal(SIGQUIT, SIG_IGN);
		}
	}
	if (attach_pid) {
		main_pid = attach_pid;
		attach_process(attach_pid);
	} else {
		main_pid = start_command(argv + optind);
	}
	if (detach_after)
		alarm(detach_after);
	trace_loop();
	if (detaching) {
		if (opt.stats)
			stats_print();
		if (attach_pid)
			return 0;
		/* CMD runs on natively: its status is still ours to give. */
		while (waitpid(main_pid, &main_status, 0) < 0 && errno == EINTR)
			;
		main_status = main_status < 0 ? 0 : main_status;
		return WIFSIGNALED(main_status) ? 128 + WTERMSIG(main_status) :
			WEXITSTATUS(main_status);
	}
	if (opt.stats)
		stats_print();
	if (main_status < 0) {
		pvm_warn("lost the command's process");
		return EXIT_TOOL;
	}
	if (WIFSIGNALED(main_status))
		return 128 + WTERMSIG(main_status);
	return WEXITSTATUS(main_status);
}
