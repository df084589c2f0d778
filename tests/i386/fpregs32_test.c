// SPDX-License-Identifier: GPL-2.0
/*
 * fpregs32_test: the FP state of a 32-bit process as its tracer and its
 * signal handlers see it, for a 32-bit UML (tests/check-i386/i386.sh) and natively
 * (a 32-bit process on the x86_64 host: the reference).
 *
 *   fpregs32_test
 *
 * It prints TAP, as the kernel's selftests do: "ok N NAME" or
 * "not ok N NAME # why" per case, then the plan and the line
 * "# fpregs32_test: N passed, N failed"; the exit status is 0 only if
 * none failed.  Run as process 1 it is the 32-bit UML's init: it mounts
 * /proc and powers the machine off at the end instead of exiting.
 *
 * Built with gcc -m32 -static -mno-sse.  The test keeps values in xmm0
 * and on the x87 stack across system calls on purpose, so nothing may use
 * them in between: the compiler makes no SSE code, every value is set and
 * read in asm, and between setting a value and reading it back the test
 * makes its system calls itself (int $0x80), not through the C library,
 * whose string functions use SSE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef __i386__
#error "fpregs32_test is a 32-bit program: build it with gcc -m32"
#endif

static int passed, failed;

static void result(const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!fmt) {
		passed++;
		printf("ok %d %s\n", passed + failed, name);
		return;
	}
	failed++;
	printf("not ok %d %s # ", passed + failed, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

struct xmm { uint32_t w[4]; };

static void set_xmm0(const struct xmm *v)
{
	asm volatile("movdqu %0, %%xmm0" : : "m" (*v));
}

static void get_xmm0(struct xmm *v)
{
	asm volatile("movdqu %%xmm0, %0" : "=m" (*v));
}

/* A system call that touches no FP or SSE register: int $0x80. */
static long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80" : "=a" (ret) : "0" (nr), "b" (a), "c" (b), "d" (c)
		     : "memory");
	return ret;
}

static long sys4(long nr, long a, long b, long c, long d)
{
	long ret;

	asm volatile("int $0x80" : "=a" (ret) : "0" (nr), "b" (a), "c" (b), "d" (c), "S" (d)
		     : "memory");
	return ret;
}

/* kill(getpid(), sig), without the C library. */
static void raw_raise(int sig)
{
	sys3(SYS_kill, sys3(SYS_getpid, 0, 0, 0), sig, 0);
}

/* ptrace(), without the C library: 0 or -errno. */
static long raw_ptrace(long req, pid_t pid, void *data)
{
	return sys4(SYS_ptrace, req, pid, 0, (long)data);
}

/* Empty the x87 stack, then push one value: it is st(0). */
static void set_st0(double d)
{
	asm volatile("fninit\n\tfldl %0" : : "m" (d));
}

/* st(0) without popping it. */
static double get_st0(void)
{
	double d;

	asm volatile("fstl %0" : "=m" (d));
	return d;
}

static void set_cw(uint16_t cw)
{
	asm volatile("fldcw %0" : : "m" (cw));
}

/* An 80-bit x87 value as a double; enough for the values used here. */
static double ext_to_double(const unsigned char *p)
{
	long double ld = 0;

	memcpy(&ld, p, 10);
	return (double)ld;
}

static void double_to_ext(double d, unsigned char *p)
{
	long double ld = d;

	memcpy(p, &ld, 10);
}

static const struct xmm child_xmm = { { 0x11111111, 0x22222222, 0x33333333, 0x44444444 } };
static const struct xmm tracer_xmm = { { 0xdeadbeef, 0xcafef00d, 0x01234567, 0x89abcdef } };
static const struct xmm new_xmm = { { 0x55555555, 0x66666666, 0x77777777, 0x88888888 } };
#define CHILD_ST0	1.5
#define NEW_ST0		2.5
#define CHILD_CW	0x027f	/* precision: 53 bits */

/*
 * The child sets its state, stops, and then reports by its exit status
 * whether it finds the state its tracer set: 0 yes, 1 the xmm0, 2 the st0.
 */
static int child_body(void)
{
	struct xmm x;
	double st0;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		return 10;
	set_st0(CHILD_ST0);
	set_cw(CHILD_CW);
	set_xmm0(&child_xmm);
	raw_raise(SIGSTOP);
	get_xmm0(&x);
	st0 = get_st0();
	if (memcmp(&x, &new_xmm, sizeof(x)))
		return 1;
	if (st0 != NEW_ST0)
		return 2;
	return 0;
}

static void test_tracer(void)
{
	struct user_fpxregs_struct fpx, bad, set;
	struct user_fpregs_struct fp;
	long r_setx, r_getf, r_cont, r_wait;
	struct xmm mine;
	int status = 0;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(child_body());
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		result("tracer_sees_child", "the child did not stop (status %#x)", status);
		return;
	}

	if (ptrace(PTRACE_GETFPXREGS, pid, 0, &fpx)) {
		result("getfpxregs_gives_the_child_state", "PTRACE_GETFPXREGS: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	if (memcmp(&fpx.xmm_space[0], &child_xmm, sizeof(child_xmm)))
		result("getfpxregs_gives_the_child_state",
		       "xmm0 is %08lx %08lx %08lx %08lx, the child set %08x %08x %08x %08x",
		       fpx.xmm_space[0], fpx.xmm_space[1], fpx.xmm_space[2], fpx.xmm_space[3],
		       child_xmm.w[0], child_xmm.w[1], child_xmm.w[2], child_xmm.w[3]);
	else if (fpx.cwd != CHILD_CW)
		result("getfpxregs_gives_the_child_state", "cwd is %#x, the child set %#x",
		       fpx.cwd, CHILD_CW);
	else
		result("getfpxregs_gives_the_child_state", NULL);

	if (ptrace(PTRACE_GETFPREGS, pid, 0, &fp))
		result("getfpregs_gives_the_child_state", "PTRACE_GETFPREGS: %s", strerror(errno));
	else if ((fp.cwd & 0xffff) != CHILD_CW)
		result("getfpregs_gives_the_child_state", "cwd is %#lx, the child set %#x",
		       fp.cwd, CHILD_CW);
	else if (ext_to_double((unsigned char *)fp.st_space) != CHILD_ST0)
		result("getfpregs_gives_the_child_state", "st(0) is %g, the child pushed %g",
		       ext_to_double((unsigned char *)fp.st_space), CHILD_ST0);
	/* One value pushed: st(0) valid, the other seven empty. */
	else if ((fp.twd & 0xffff) != (0xffff & ~(3u << (2 * ((fp.swd >> 11) & 7)))))
		result("getfpregs_gives_the_child_state", "twd is %#lx with top %lu",
		       fp.twd & 0xffff, (fp.swd >> 11) & 7);
	else
		result("getfpregs_gives_the_child_state", NULL);

	bad = fpx;
	bad.mxcsr |= 1u << 31;
	errno = 0;
	if (ptrace(PTRACE_SETFPXREGS, pid, 0, &bad) != -1 || errno != EINVAL)
		result("setfpxregs_refuses_reserved_mxcsr_bits",
		       "PTRACE_SETFPXREGS with MXCSR %#lx gave %s", bad.mxcsr,
		       errno ? strerror(errno) : "success");
	else
		result("setfpxregs_refuses_reserved_mxcsr_bits", NULL);

	/*
	 * The tracer's own xmm0 across two requests, made with int $0x80:
	 * a request must act on the child, not on the caller.
	 */
	set = fpx;
	memcpy(&set.xmm_space[0], &new_xmm, sizeof(new_xmm));
	set_xmm0(&tracer_xmm);
	r_setx = raw_ptrace(PTRACE_SETFPXREGS, pid, &set);
	r_getf = raw_ptrace(PTRACE_GETFPREGS, pid, &fp);
	get_xmm0(&mine);
	if (memcmp(&mine, &tracer_xmm, sizeof(mine)))
		result("tracer_keeps_its_state",
		       "the tracer's xmm0 is %08x %08x %08x %08x after the requests",
		       mine.w[0], mine.w[1], mine.w[2], mine.w[3]);
	else
		result("tracer_keeps_its_state", NULL);
	if (r_setx || r_getf) {
		result("set_reaches_the_child", "PTRACE_SETFPXREGS: %ld, PTRACE_GETFPREGS: %ld",
		       r_setx, r_getf);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	/* After the FXSAVE area, so that the i387 layout is converted in. */
	double_to_ext(NEW_ST0, (unsigned char *)fp.st_space);
	if (ptrace(PTRACE_SETFPREGS, pid, 0, &fp)) {
		result("set_reaches_the_child", "PTRACE_SETFPREGS: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}

	set_xmm0(&tracer_xmm);
	r_cont = raw_ptrace(PTRACE_CONT, pid, 0);
	r_wait = sys3(SYS_waitpid, pid, (long)&status, 0);
	get_xmm0(&mine);
	if (r_cont || r_wait != pid || !WIFEXITED(status))
		result("set_reaches_the_child", "PTRACE_CONT %ld, waitpid %ld, status %#x",
		       r_cont, r_wait, status);
	else if (WEXITSTATUS(status) == 1)
		result("set_reaches_the_child", "the child's xmm0 is not what PTRACE_SETFPXREGS set");
	else if (WEXITSTATUS(status) == 2)
		result("set_reaches_the_child", "the child's st(0) is not what PTRACE_SETFPREGS set");
	else if (WEXITSTATUS(status))
		result("set_reaches_the_child", "the child exited with %d", WEXITSTATUS(status));
	else
		result("set_reaches_the_child", NULL);

	if (memcmp(&mine, &tracer_xmm, sizeof(mine)))
		result("tracer_keeps_its_state_while_the_child_runs",
		       "the tracer's xmm0 is %08x %08x %08x %08x",
		       mine.w[0], mine.w[1], mine.w[2], mine.w[3]);
	else
		result("tracer_keeps_its_state_while_the_child_runs", NULL);
}

/* What the handler found in its frame, and what it wrote there. */
static struct xmm frame_xmm;
static double frame_st0;
static int frame_magic = -1;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct _libc_fpstate *fs = uc->uc_mcontext.fpregs;
	static const struct xmm clobber = { { 1, 2, 3, 4 } };

	(void)sig;
	(void)si;
	/* The 32-bit frame: the FSAVE part, then status, magic, FXSAVE. */
	frame_magic = fs->status >> 16;
	frame_st0 = ext_to_double((unsigned char *)&fs->_st[0]);
	memcpy(&frame_xmm, (char *)fs + 112 + 160, sizeof(frame_xmm));
	if (uc->uc_flags & 0x10000)	/* asked to change the state */
		memcpy((char *)fs + 112 + 160, &new_xmm, sizeof(new_xmm));
	set_xmm0(&clobber);
	set_st0(9.0);
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	struct xmm x;

	double st0;

	sigaction(SIGUSR1, &sa, NULL);
	set_st0(CHILD_ST0);
	set_xmm0(&child_xmm);
	raw_raise(SIGUSR1);
	get_xmm0(&x);
	st0 = get_st0();
	if (memcmp(&frame_xmm, &child_xmm, sizeof(x)))
		result("signal_frame_has_the_state", "the frame's xmm0 is %08x %08x %08x %08x",
		       frame_xmm.w[0], frame_xmm.w[1], frame_xmm.w[2], frame_xmm.w[3]);
	else if (frame_st0 != CHILD_ST0)
		result("signal_frame_has_the_state", "the frame's st(0) is %g", frame_st0);
	else if (frame_magic != 0)
		result("signal_frame_has_the_state", "the frame's magic is %#x, not X86_FXSR_MAGIC",
		       frame_magic);
	else
		result("signal_frame_has_the_state", NULL);
	if (memcmp(&x, &child_xmm, sizeof(x)) || st0 != CHILD_ST0)
		result("sigreturn_restores_the_state",
		       "after the handler xmm0 is %08x %08x %08x %08x, st(0) %g",
		       x.w[0], x.w[1], x.w[2], x.w[3], st0);
	else
		result("sigreturn_restores_the_state", NULL);
}

/*
 * A handler that changes the frame's xmm0: rt_sigreturn must load it.
 * The flag in uc_flags is read by the handler only; sigreturn ignores it.
 */
static void handler_change(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_flags |= 0x10000;
	handler(sig, si, ucv);
	uc->uc_flags &= ~0x10000;
}

static void test_signal_change(void)
{
	struct sigaction sa = { .sa_sigaction = handler_change, .sa_flags = SA_SIGINFO };
	struct xmm x;

	sigaction(SIGUSR2, &sa, NULL);
	set_xmm0(&child_xmm);
	raw_raise(SIGUSR2);
	get_xmm0(&x);
	if (memcmp(&x, &new_xmm, sizeof(x)))
		result("sigreturn_takes_the_handlers_change", "xmm0 is %08x %08x %08x %08x",
		       x.w[0], x.w[1], x.w[2], x.w[3]);
	else
		result("sigreturn_takes_the_handlers_change", NULL);
}

int main(void)
{
	int init = getpid() == 1;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	if (init)
		mount("proc", "/proc", "proc", 0, NULL);
	test_tracer();
	test_signals();
	test_signal_change();
	printf("1..%d\n# fpregs32_test: %d passed, %d failed\n", passed + failed, passed, failed);
	if (init) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return failed ? 1 : 0;
}
