// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_fuzz: fires random ptrace requests at a traced child for a bounded
 * time, to shake the ptrace state machine and the PTRACE_VM tags (resume
 * requests with addr 0x2, 0x6 and stray bits, SYSEMU, single-stepping,
 * register writes at syscall stops, seccomp stops) until the kernel under
 * test panics, hangs or leaks.  It passes if it ends: a kernel that survives
 * gets a summary line and exit status 0.
 *
 * The child makes a mix of system calls (getpid, mkdir/rmdir in
 * $TMPDIR/fuzz-<pid> (/tmp by default), nanosleep, and getppid, which stops for seccomp).  When
 * it dies, of a poked register or a signal, a new one takes its place; some
 * children are traced with PTRACE_TRACEME, others with PTRACE_SEIZE, so that
 * PTRACE_INTERRUPT and PTRACE_LISTEN sometimes do something.
 *
 * The random part must not hurt the machine: the child runs under a seccomp
 * allowlist (a poked orig_rax cannot become kill(-1) or reboot), the tracer
 * never lets PTRACE_O_SUSPEND_SECCOMP through and always keeps
 * PTRACE_O_EXITKILL, and every pointer the kernel may write through points
 * into a scratch area walled by guard pages, or is invalid on purpose.
 * The seed makes the requests reproducible; what the child is doing when
 * each one arrives depends on timing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "ptrace_vm.h"

#ifndef __x86_64__
#error "ptrace_fuzz knows the x86_64 registers and system call numbers"
#endif

#ifndef PTRACE_OLDSETOPTIONS
#define PTRACE_OLDSETOPTIONS	21
#endif

#define DEFAULT_SECONDS		10
/* How long a resumed child may run before we stop it ourselves. */
#define STOP_WAIT_US		50000
/* How long a new child may take to reach its first stop. */
#define SETUP_WAIT_US		5000000
#define SCRATCH_SIZE		(256 * 1024)

/* Options the tracer always sets, and the one it never lets through. */
#define BASE_OPTIONS	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | \
			 PTRACE_O_EXITKILL)

/* Exit statuses of a child whose setup failed, before it was traced. */
#define CHILD_NO_DIR		90
#define CHILD_NO_TRACEME	91
#define CHILD_NO_SECCOMP	92

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define REG_OFFSET(reg)	offsetof(struct user, regs.reg)

enum request_kind {
	RESUME,		/* a resume request: addr carries the tags */
	USER_AREA,	/* PEEKUSER/POKEUSER: addr is an offset */
	BUFFER,		/* data points to a buffer the kernel fills or reads */
	MEMORY,		/* PEEK/POKE of the child's memory */
	OPTIONS,	/* data is a set of PTRACE_O_ options */
	PLAIN,		/* addr and data from the general mix */
	RANDOM,		/* a random request number */
};

struct fuzz_request {
	long request;
	const char *name;
	enum request_kind kind;
	int weight;
};

#define REQ(r, k, w)	{ r, #r, k, w }

static const struct fuzz_request requests[] = {
	REQ(PTRACE_SYSCALL,		RESUME,		140),
	REQ(PTRACE_CONT,		RESUME,		30),
	REQ(PTRACE_SINGLESTEP,		RESUME,		60),
	REQ(PTRACE_SYSEMU,		RESUME,		80),
	REQ(PTRACE_SYSEMU_SINGLESTEP,	RESUME,		50),
	REQ(PTRACE_SINGLEBLOCK,		RESUME,		10),
	REQ(PTRACE_LISTEN,		RESUME,		15),
	REQ(PTRACE_INTERRUPT,		PLAIN,		15),
	REQ(PTRACE_KILL,		PLAIN,		2),
	REQ(PTRACE_DETACH,		RESUME,		2),
	REQ(PTRACE_PEEKUSER,		USER_AREA,	100),
	REQ(PTRACE_POKEUSER,		USER_AREA,	80),
	REQ(PTRACE_GETREGS,		BUFFER,		50),
	REQ(PTRACE_SETREGS,		BUFFER,		15),
	REQ(PTRACE_GETFPREGS,		BUFFER,		30),
	REQ(PTRACE_SETFPREGS,		BUFFER,		5),
	REQ(PTRACE_GETSIGINFO,		BUFFER,		30),
	REQ(PTRACE_SETSIGINFO,		BUFFER,		10),
	REQ(PTRACE_GETEVENTMSG,		BUFFER,		10),
	REQ(PTRACE_GET_SYSCALL_INFO,	BUFFER,		30),
	REQ(PTRACE_GETREGSET,		BUFFER,		10),
	REQ(PTRACE_PEEKSIGINFO,		BUFFER,		10),
	REQ(PTRACE_GETSIGMASK,		BUFFER,		5),
	REQ(PTRACE_SETSIGMASK,		BUFFER,		5),
	REQ(PTRACE_PEEKDATA,		MEMORY,		40),
	REQ(PTRACE_PEEKTEXT,		MEMORY,		10),
	REQ(PTRACE_POKEDATA,		MEMORY,		10),
	REQ(PTRACE_SETOPTIONS,		OPTIONS,	30),
	REQ(0,				RANDOM,		60),
};

#define NR_REQUESTS	((int)ARRAY_SIZE(requests))

struct tracee {
	pid_t pid;		/* 0: none */
	bool seized;		/* PTRACE_SEIZE, not PTRACE_TRACEME */
	bool stopped;		/* in a stop that waitpid has reported */
};

struct fuzz_stats {
	unsigned long requests, succeeded, children, stops, kicks, kills;
	unsigned long errors[4096];
};

static const char *progname = "ptrace_fuzz";
static char fuzz_dir[256];
static unsigned char *scratch;		/* SCRATCH_SIZE bytes, guard pages around */
static unsigned char *guard;		/* the PROT_NONE page below scratch */
static uint64_t rng_state;
static bool verbose;
static struct fuzz_stats stats;
static volatile pid_t current_child;

/* splitmix64: small, good enough, and the same sequence everywhere. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long below(unsigned long n)
{
	return rnd() % n;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void pause_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void on_alarm(int sig)
{
	static const char msg[] = "ptrace_fuzz: overall deadline passed, the tracer is stuck; child killed\n";

	(void)sig;
	if (current_child > 0)
		kill(current_child, SIGKILL);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/*
 * The child's system calls, whatever its registers say.  Anything else
 * fails with EPERM; kill only to itself (its SIGSTOP), and getppid stops
 * for seccomp (SECCOMP_RET_TRACE), to mix seccomp stops into the tags.
 * Another architecture (int 0x80) kills it.
 */
static int install_allowlist(long pid)
{
	static const unsigned int allowed[] = {
		SYS_getpid, SYS_mkdir, SYS_rmdir, SYS_nanosleep,
		SYS_clock_nanosleep, SYS_sched_yield, SYS_rt_sigreturn,
		SYS_restart_syscall, SYS_exit, SYS_exit_group,
	};
	struct sock_filter filter[4 + 2 * ARRAY_SIZE(allowed) + 7], *f = filter;
	struct sock_fprog prog = { .filter = filter };
	unsigned int i;

	*f++ = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, arch));
	*f++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					    AUDIT_ARCH_X86_64, 1, 0);
	*f++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	*f++ = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, nr));
	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		*f++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    allowed[i], 0, 1);
		*f++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	*f++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1);
	*f++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 1);
	*f++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kill, 0, 3);
	/* kill(pid_t, int): the low half of args[0] (little endian). */
	*f++ = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, args[0]));
	*f++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)pid, 0, 1);
	*f++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	*f++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	prog.len = f - filter;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static _Noreturn void child_main(bool seized)
{
	static const struct timespec zero;
	long pid = syscall(SYS_getpid);
	char name[32];
	unsigned long i;

	snprintf(name, sizeof(name), "d%ld", pid);
	if (chdir(fuzz_dir))
		_exit(CHILD_NO_DIR);
	if (!seized && ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
		_exit(CHILD_NO_TRACEME);
	if (install_allowlist(pid))
		_exit(CHILD_NO_SECCOMP);
	/* Traced: a signal-delivery stop.  To be seized: a group stop. */
	syscall(SYS_kill, pid, SIGSTOP);
	for (i = 0;; i++) {
		switch (i % 5) {
		case 0:
			syscall(SYS_getpid);
			break;
		case 1:
			syscall(SYS_mkdir, name, 0700);
			break;
		case 2:
			syscall(SYS_nanosleep, &zero, NULL);
			break;
		case 3:
			syscall(SYS_rmdir, name);
			break;
		case 4:
			syscall(SYS_getppid);
			break;
		}
	}
}

static const char *child_setup_failure(int code)
{
	switch (code) {
	case CHILD_NO_DIR:
		return "chdir to the fuzz directory";
	case CHILD_NO_TRACEME:
		return "PTRACE_TRACEME";
	case CHILD_NO_SECCOMP:
		return "installing the seccomp allowlist (CONFIG_SECCOMP_FILTER?)";
	}
	return NULL;
}

static void forget_child(struct tracee *t)
{
	t->pid = 0;
	t->stopped = false;
	current_child = 0;
}

/* Records what waitpid said: a stop, or the end of the child. */
static void note_status(struct tracee *t, int status)
{
	if (WIFSTOPPED(status)) {
		t->stopped = true;
		stats.stops++;
	} else if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (verbose)
			fprintf(stderr, "child %d %s %d\n", t->pid,
				WIFEXITED(status) ? "exited, status" : "killed by signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		forget_child(t);
	}
}

/*
 * Polls the child for up to limit_us.  Returns false if it is still
 * running (no report) at the end.  flags: __WALL, plus WUNTRACED for a
 * child that is not traced yet.
 */
static bool poll_child(struct tracee *t, long limit_us, int flags)
{
	long long deadline = now_us() + limit_us;
	long sleep_us = 20;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(t->pid, &status, flags | WNOHANG);
		if (r == t->pid) {
			note_status(t, status);
			return true;
		}
		if (r == -1) {		/* ECHILD: cannot happen, but do not spin */
			forget_child(t);
			return true;
		}
		if (now_us() >= deadline)
			return false;
		pause_us(sleep_us);
		if (sleep_us < 2000)
			sleep_us *= 2;
	}
}

/*
 * SIGKILL alone does not end a tracee that is already exiting and sits in
 * its PTRACE_EVENT_EXIT stop (the signal is dropped): it waits there for
 * us.  So resume it as well, until it is gone.  A tracee with SIGKILL
 * pending refuses the PTRACE_CONT (ESRCH), which is fine.
 */
static void kill_child(struct tracee *t)
{
	int status;
	pid_t r;

	if (!t->pid)
		return;
	kill(t->pid, SIGKILL);
	for (;;) {
		syscall(SYS_ptrace, PTRACE_CONT, t->pid, 0, 0);
		r = waitpid(t->pid, &status, __WALL | WNOHANG);
		if (r == -1 ||
		    (r == t->pid && (WIFEXITED(status) || WIFSIGNALED(status))))
			break;
		if (r == 0)
			pause_us(1000);
	}
	forget_child(t);
}

/* Waits for a resumed child to stop; stops it, then kills it, if it does not. */
static void await_stop(struct tracee *t)
{
	if (poll_child(t, STOP_WAIT_US, __WALL))
		return;
	stats.kicks++;
	if (verbose)
		fprintf(stderr, "kick: child %d did not stop\n", t->pid);
	if (!t->seized || syscall(SYS_ptrace, PTRACE_INTERRUPT, t->pid, 0, 0) == -1)
		kill(t->pid, SIGSTOP);
	if (poll_child(t, STOP_WAIT_US, __WALL))
		return;
	if (verbose)
		fprintf(stderr, "kill: child %d did not stop when kicked\n", t->pid);
	stats.kills++;
	kill_child(t);
}

/* Says why a child that never reached its first stop ended. */
static void report_setup_failure(pid_t pid, int status)
{
	const char *what = NULL;

	if (WIFEXITED(status))
		what = child_setup_failure(WEXITSTATUS(status));
	if (what)
		fprintf(stderr, "%s: child %d failed its setup: %s\n",
			progname, pid, what);
	else if (WIFEXITED(status))
		fprintf(stderr, "%s: child %d exited in its setup, status %d\n",
			progname, pid, WEXITSTATUS(status));
	else
		fprintf(stderr, "%s: child %d died in its setup, signal %d\n",
			progname, pid, WTERMSIG(status));
}

/*
 * Starts a child and brings it to its first ptrace stop.  Returns -1 if
 * that cannot work: no child would ever do better.
 */
static int start_child(struct tracee *t)
{
	long long deadline;
	int status = 0, flags;
	pid_t pid, r;

	t->seized = below(3) == 0;
	t->stopped = false;
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_main(t->seized);
	t->pid = pid;
	current_child = pid;
	stats.children++;

	/* Its SIGSTOP: a ptrace stop (TRACEME), or a plain group stop. */
	flags = t->seized ? WUNTRACED : __WALL;
	deadline = now_us() + SETUP_WAIT_US;
	while ((r = waitpid(pid, &status, flags | WNOHANG)) == 0 &&
	       now_us() < deadline)
		pause_us(1000);
	if (r != pid) {
		fprintf(stderr, "%s: child %d did not stop after its setup\n",
			progname, pid);
		kill_child(t);
		return -1;
	}
	if (!WIFSTOPPED(status)) {
		forget_child(t);
		report_setup_failure(pid, status);
		return -1;
	}

	if (!t->seized) {
		t->stopped = true;
		stats.stops++;
		if (syscall(SYS_ptrace, PTRACE_SETOPTIONS, pid, 0, BASE_OPTIONS) == -1) {
			fprintf(stderr, "%s: PTRACE_SETOPTIONS: %s\n",
				progname, strerror(errno));
			kill_child(t);
			return -1;
		}
		return 0;
	}
	if (syscall(SYS_ptrace, PTRACE_SEIZE, pid, 0, BASE_OPTIONS) == -1) {
		fprintf(stderr, "%s: PTRACE_SEIZE: %s\n", progname, strerror(errno));
		kill_child(t);
		return -1;
	}
	/* Seized in its group stop, it re-traps into PTRACE_EVENT_STOP. */
	await_stop(t);
	return 0;
}

static unsigned long scratch_pointer(void)
{
	return (unsigned long)scratch + (below(4) ? 0 : below(SCRATCH_SIZE / 2) & ~7UL);
}

/* Pointers that are wrong on purpose: the kernel must say EFAULT or EIO. */
static unsigned long bad_pointer(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(4095);
	case 2:
		return (unsigned long)guard + below(4096);
	case 3:
		return (unsigned long)&child_main;	/* text: read-only here */
	case 4:
		return ~0UL - below(4096);
	default:
		return rnd();
	}
}

/* The general mix, for addr and data alike. */
static unsigned long any_value(void)
{
	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		return below(65);		/* a signal number */
	case 2:
		return below(4096);
	case 3:
		return (rnd() & ~(unsigned long)PTRACE_SYSCALL_MASK) |
		       (below(2) ? PTRACE_SYSCALL_SKIPEXIT : PTRACE_SYSCALL_SKIPCALL);
	case 4:
		return ~0UL;
	case 5:
		return scratch_pointer();
	case 6:
		return bad_pointer();
	default:
		return rnd();
	}
}

static unsigned long resume_addr(void)
{
	static const unsigned long tags[] = {
		0, 0, PTRACE_SYSCALL_SKIPEXIT, PTRACE_SYSCALL_SKIPEXIT,
		PTRACE_SYSCALL_SKIPCALL, PTRACE_SYSCALL_SKIPCALL,
		1,				/* what gdb passes */
		PTRACE_SYSCALL_SKIPEXIT | 1, 4, PTRACE_SYSCALL_MASK | 0x100,
	};

	if (below(8))
		return tags[below(ARRAY_SIZE(tags))];
	return any_value();
}

/* The signal to deliver: mostly none, seldom one that kills the child. */
static unsigned long resume_data(void)
{
	static const unsigned long harmless[] = {
		SIGCHLD, SIGCONT, SIGWINCH, SIGURG, SIGSTOP, SIGTSTP,
	};

	switch (below(40)) {
	case 0 ... 3:
		return harmless[below(ARRAY_SIZE(harmless))];
	case 4:
		return below(65);
	case 5:
		return any_value();
	default:
		return 0;
	}
}

static unsigned long user_offset(void)
{
	static const unsigned long regs[] = {
		REG_OFFSET(orig_rax), REG_OFFSET(rax), REG_OFFSET(rdi),
		REG_OFFSET(rsi), REG_OFFSET(rip), REG_OFFSET(eflags),
	};

	switch (below(5)) {
	case 0:
	case 1:
		return regs[below(ARRAY_SIZE(regs))];
	case 2:
		return below(sizeof(struct user) / 8 + 8) * 8;
	case 3:
		return below(sizeof(struct user) + 64);
	default:
		return any_value();
	}
}

/* Mostly values a tracer would write at a syscall stop; some anything. */
static unsigned long poke_value(void)
{
	static const long values[] = {
		0, -ENOSYS, -EPERM, 1, SYS_getpid, SYS_getppid, SYS_mkdir,
		SYS_exit_group, -1, 0x40000000 | SYS_getpid,
	};

	if (below(2))
		return values[below(ARRAY_SIZE(values))];
	return any_value();
}

static unsigned long random_request(void)
{
	unsigned long r;

	do {
		switch (below(4)) {
		case 0:
			r = below(0x40);
			break;
		case 1:
			r = 0x4200 + below(0x20);
			break;
		case 2:
			r = (unsigned long)(long)(int)rnd();
			break;
		default:
			r = rnd();
		}
	} while (r == PTRACE_TRACEME);	/* it would trace us, not the child */
	return r;
}

static const struct fuzz_request *pick_request(void)
{
	static int total;
	int i, w;

	if (!total)
		for (i = 0; i < NR_REQUESTS; i++)
			total += requests[i].weight;
	w = below(total);
	for (i = 0; w >= requests[i].weight; i++)
		w -= requests[i].weight;
	return &requests[i];
}

static bool is_resume(unsigned long request)
{
	switch (request) {
	case PTRACE_SYSCALL:
	case PTRACE_CONT:
	case PTRACE_SINGLESTEP:
	case PTRACE_SYSEMU:
	case PTRACE_SYSEMU_SINGLESTEP:
	case PTRACE_SINGLEBLOCK:
	case PTRACE_LISTEN:
	case PTRACE_KILL:
		return true;
	}
	return false;
}

/*
 * What keeps the fuzzing inside the child: the options never suspend its
 * seccomp filter and always kill it with us, and a regset iovec read from
 * scratch points back into scratch (GETREGSET writes through it).
 */
static void make_safe(unsigned long request, unsigned long *data)
{
	unsigned long p = *data, room;
	struct iovec *iov;

	if (request == PTRACE_SETOPTIONS || request == PTRACE_OLDSETOPTIONS ||
	    request == PTRACE_SEIZE)
		*data = (*data & ~(unsigned long)PTRACE_O_SUSPEND_SECCOMP) |
			PTRACE_O_EXITKILL;
	if (p >= (unsigned long)scratch &&
	    p <= (unsigned long)scratch + SCRATCH_SIZE - sizeof(*iov)) {
		iov = (struct iovec *)p;
		room = (unsigned long)scratch + SCRATCH_SIZE - (p + sizeof(*iov));
		iov->iov_base = (void *)(p + sizeof(*iov));
		iov->iov_len = below(room + 64);	/* sometimes past the end */
	}
}

static const char *request_name(unsigned long request)
{
	static char buf[32];
	int i;

	for (i = 0; i < NR_REQUESTS; i++)
		if (requests[i].kind != RANDOM &&
		    (unsigned long)requests[i].request == request)
			return requests[i].name;
	snprintf(buf, sizeof(buf), "%#lx", request);
	return buf;
}

/* One random request; updates what we know of the child's state. */
static void fire_request(struct tracee *t)
{
	const struct fuzz_request *fr = pick_request();
	unsigned long request = fr->request, addr, data;
	long ret;
	int err;

	switch (fr->kind) {
	case RESUME:
		addr = resume_addr();
		data = resume_data();
		break;
	case USER_AREA:
		addr = user_offset();
		data = request == PTRACE_POKEUSER ? poke_value() :
		       below(10) ? scratch_pointer() : bad_pointer();
		break;
	case BUFFER:
		addr = below(3) ? below(1024) : any_value();
		data = below(10) ? scratch_pointer() : bad_pointer();
		break;
	case MEMORY:
		addr = below(2) ? scratch_pointer() :
		       below(2) ? (unsigned long)&child_main + below(65536) : any_value();
		data = request == PTRACE_POKEDATA ? rnd() :
		       below(10) ? scratch_pointer() : bad_pointer();
		break;
	case OPTIONS:
		addr = below(4) ? 0 : any_value();
		data = below(2) ? BASE_OPTIONS | (rnd() & PTRACE_O_MASK) : rnd();
		break;
	case RANDOM:
		request = random_request();
		/* fall through */
	default:
		addr = any_value();
		data = any_value();
	}
	make_safe(request, &data);

	ret = syscall(SYS_ptrace, request, t->pid, addr, data);
	err = ret == -1 ? errno : 0;
	stats.requests++;
	if (verbose)
		fprintf(stderr, "%lu: %s pid=%d addr=%#lx data=%#lx = %ld %s\n",
			stats.requests, request_name(request), t->pid, addr, data,
			ret, err ? strerrorname_np(err) : "");
	if (err) {
		stats.errors[err < 4096 ? err : 0]++;
		return;
	}
	stats.succeeded++;
	if (request == PTRACE_DETACH) {
		/* Untraced, it would run on unwatched: end it. */
		kill_child(t);
	} else if (is_resume(request)) {
		t->stopped = false;
	}
}

static void remove_fuzz_dir(void)
{
	struct dirent *d;
	DIR *dir = opendir(fuzz_dir);

	if (dir) {
		while ((d = readdir(dir)))
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				unlinkat(dirfd(dir), d->d_name, AT_REMOVEDIR);
		closedir(dir);
	}
	if (rmdir(fuzz_dir))
		fprintf(stderr, "%s: warning: cannot remove %s: %s\n",
			progname, fuzz_dir, strerror(errno));
}

static int drop_privileges(uid_t uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		fprintf(stderr, "%s: cannot become uid %u: %s\n",
			progname, uid, strerror(errno));
		return -1;
	}
	if (getuid() != uid || geteuid() != uid) {
		fprintf(stderr, "%s: still uid %u after setuid(%u)\n",
			progname, geteuid(), uid);
		return -1;
	}
	/* setuid made us undumpable: PEEKDATA and SEIZE would fail on that. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

static void print_summary(uint64_t seed, long seconds)
{
	const char *name;
	int e;

	printf("fuzz: seed=%llu seconds=%ld requests=%lu ok=%lu children=%lu stops=%lu kicks=%lu kills=%lu errors:",
	       (unsigned long long)seed, seconds, stats.requests, stats.succeeded,
	       stats.children, stats.stops, stats.kicks, stats.kills);
	for (e = 0; e < 4096; e++) {
		if (!stats.errors[e])
			continue;
		name = e ? strerrorname_np(e) : NULL;
		if (name)
			printf(" %s=%lu", name, stats.errors[e]);
		else
			printf(" E%d=%lu", e, stats.errors[e]);
	}
	printf("\n");
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-t SECONDS] [-n REQUESTS] [-s SEED] [-u UID] [-v]\n"
		"Fire random ptrace requests at a traced child for SECONDS (default %d),\n"
		"or until REQUESTS requests were made if that comes first, starting a\n"
		"new child whenever one dies, then print a summary:\n"
		"  fuzz: seed=S seconds=T requests=N ok=N children=N stops=N kicks=N kills=N errors: EIO=N ...\n"
		"kicks: a resumed child had to be stopped with SIGSTOP or PTRACE_INTERRUPT;\n"
		"kills: it had to be killed.  Exits 0 when the time is up, 1 if no child\n"
		"could be set up, 3 if the tracer got stuck (a child that would not die),\n"
		"4 if -n REQUESTS were asked for and the time ran out before them.\n"
		"  -s SEED  the random sequence (default: from the clock; printed first)\n"
		"  -u UID   become UID (and GID UID, no groups) before tracing anything\n"
		"  -v       log every request to stderr\n",
		progname, DEFAULT_SECONDS);
}

int main(int argc, char *argv[])
{
	struct tracee t = { 0 };
	long seconds = DEFAULT_SECONDS;
	unsigned long max_requests = 0;
	long long deadline;
	bool race = false, have_seed = false, have_uid = false;
	uint64_t seed = 0;
	uid_t uid = 0;
	const char *tmpdir;
	char *end;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "t:n:s:u:vh")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			max_requests = strtoul(optarg, &end, 0);
			if (errno || *end || !*optarg || *optarg == '-' || !max_requests) {
				fprintf(stderr, "%s: -n wants a count of requests (1 or more), got '%s'\n",
					progname, optarg);
				return 2;
			}
			break;
		case 't':
			errno = 0;
			seconds = strtol(optarg, &end, 0);
			if (errno || *end || seconds < 1 || seconds > 86400) {
				fprintf(stderr, "%s: -t wants seconds (1..86400), got '%s'\n",
					progname, optarg);
				return 2;
			}
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "%s: -s wants a number, got '%s'\n",
					progname, optarg);
				return 2;
			}
			have_seed = true;
			break;
		case 'u':
			errno = 0;
			uid = strtoul(optarg, &end, 0);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "%s: -u wants a numeric uid, got '%s'\n",
					progname, optarg);
				return 2;
			}
			have_uid = true;
			break;
		case 'v':
			verbose = true;
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
	if (!have_seed)
		seed = (uint64_t)now_us() ^ ((uint64_t)getpid() << 32);
	rng_state = seed;

	if (have_uid && drop_privileges(uid))
		return 1;

	guard = mmap(NULL, SCRATCH_SIZE + 2 * 4096, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED ||
	    mprotect(guard + 4096, SCRATCH_SIZE, PROT_READ | PROT_WRITE)) {
		fprintf(stderr, "%s: scratch area: %s\n", progname, strerror(errno));
		return 1;
	}
	scratch = guard + 4096;

	tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fuzz-%d", tmpdir, getpid()) >=
	    (int)sizeof(fuzz_dir)) {
		fprintf(stderr, "%s: TMPDIR is too long: %s\n", progname, tmpdir);
		return 2;
	}
	if (mkdir(fuzz_dir, 0700)) {
		fprintf(stderr, "%s: mkdir %s: %s\n", progname, fuzz_dir, strerror(errno));
		return 1;
	}

	printf("fuzz: seed=%llu seconds=%ld uid=%u\n",
	       (unsigned long long)seed, seconds, getuid());
	fflush(stdout);

	/* A backstop: the loop checks the time, but a wait could still hang. */
	signal(SIGALRM, on_alarm);
	alarm(seconds + 30);
	deadline = now_us() + seconds * 1000000LL;

	while (now_us() < deadline &&
	       (!max_requests || stats.requests < max_requests)) {
		if (!t.pid) {
			if (start_child(&t) == 0)
				continue;
			ret = 1;
			break;
		}
		if (!t.stopped) {
			poll_child(&t, 0, __WALL);
			if (!t.pid)
				continue;
			/* Sometimes fire at a running child, to race its stop. */
			if (!t.stopped && !race) {
				await_stop(&t);
				continue;
			}
		}
		fire_request(&t);
		race = !t.stopped && below(8) == 0;
	}

	kill_child(&t);
	alarm(0);
	remove_fuzz_dir();
	print_summary(seed, seconds);
	if (!ret && max_requests && stats.requests < max_requests) {
		fprintf(stderr, "%s: the time ran out after %lu of the %lu requests asked for\n",
			progname, stats.requests, max_requests);
		ret = 4;
	}
	return ret;
}
