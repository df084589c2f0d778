// SPDX-License-Identifier: GPL-2.0
/*
 * fp_threads [-t THREADS] [-n ROUNDS]
 *
 * The SSE registers of processes and threads stay theirs while UML moves
 * their FP state only when it must (issue 12): each thread, the main one
 * included, loads its own pattern into xmm8-xmm15, and in one asm block
 * makes a system call (sched_yield, which switches to another thread of
 * the same mm on the same host process; getppid; or nanosleep) and stores
 * the registers again.  Each round, a fork child checks that it started
 * with its parent's registers and exits with its own, a vfork child that
 * changes them and exits must not change the parent's, and a signal
 * handler that changes them must not change those of the code it
 * interrupted.  Prints "fp_threads: ok ..." or what went wrong; exit 0
 * only if every check held.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define NREGS 8

struct regs {
	uint64_t q[NREGS][2];
};

static int rounds = 200;
static volatile int failures;

static void pattern(struct regs *r, unsigned int seed)
{
	int i;

	for (i = 0; i < NREGS; i++) {
		r->q[i][0] = 0x0101010101010101ULL * (seed & 0xff) + i;
		r->q[i][1] = ((uint64_t)seed << 32) | (0xa5a50000 + i);
	}
}

/*
 * Load @in into xmm8-15, make system call @nr(@arg0, @arg1), store xmm8-15
 * into @out.  Nothing but the asm touches those registers in between.
 */
static long load_call_store(const struct regs *in, struct regs *out,
			    long nr, long arg0, long arg1)
{
	long ret;

	__asm__ __volatile__(
		"movdqu 0(%[in]), %%xmm8\n\t"
		"movdqu 16(%[in]), %%xmm9\n\t"
		"movdqu 32(%[in]), %%xmm10\n\t"
		"movdqu 48(%[in]), %%xmm11\n\t"
		"movdqu 64(%[in]), %%xmm12\n\t"
		"movdqu 80(%[in]), %%xmm13\n\t"
		"movdqu 96(%[in]), %%xmm14\n\t"
		"movdqu 112(%[in]), %%xmm15\n\t"
		"syscall\n\t"
		"movdqu %%xmm8, 0(%[out])\n\t"
		"movdqu %%xmm9, 16(%[out])\n\t"
		"movdqu %%xmm10, 32(%[out])\n\t"
		"movdqu %%xmm11, 48(%[out])\n\t"
		"movdqu %%xmm12, 64(%[out])\n\t"
		"movdqu %%xmm13, 80(%[out])\n\t"
		"movdqu %%xmm14, 96(%[out])\n\t"
		"movdqu %%xmm15, 112(%[out])\n\t"
		: "=a"(ret)
		: "0"(nr), "D"(arg0), "S"(arg1), [in] "r"(in), [out] "r"(out)
		: "rcx", "r11", "memory", "xmm8", "xmm9", "xmm10", "xmm11",
		  "xmm12", "xmm13", "xmm14", "xmm15");
	return ret;
}

static int check(const char *who, const char *after, const struct regs *want,
		 const struct regs *got)
{
	int i;

	if (!memcmp(want, got, sizeof(*want)))
		return 0;
	for (i = 0; i < NREGS && !memcmp(want->q[i], got->q[i], 16); i++)
		;
	printf("fp_threads: %s: xmm%d is %016llx%016llx after %s, not %016llx%016llx\n",
	       who, 8 + i, (unsigned long long)got->q[i][1],
	       (unsigned long long)got->q[i][0],
	       after, (unsigned long long)want->q[i][1],
	       (unsigned long long)want->q[i][0]);
	failures++;
	return 1;
}

static struct timespec short_sleep = { 0, 100 * 1000 };

/* Rounds of the three calls, with this thread's own pattern. */
static void *thread_rounds(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	struct regs want, got;
	char who[32];
	int n;

	snprintf(who, sizeof(who), "thread %u", seed);
	pattern(&want, seed);
	for (n = 0; n < rounds && !failures; n++) {
		load_call_store(&want, &got, SYS_sched_yield, 0, 0);
		if (check(who, "sched_yield", &want, &got))
			break;
		load_call_store(&want, &got, SYS_getppid, 0, 0);
		if (check(who, "getppid", &want, &got))
			break;
		load_call_store(&want, &got, SYS_nanosleep, (long)&short_sleep, 0);
		if (check(who, "nanosleep", &want, &got))
			break;
	}
	return NULL;
}

static void handler(int sig)
{
	struct regs mine, got;

	(void)sig;
	pattern(&mine, 0xee);
	load_call_store(&mine, &got, SYS_getppid, 0, 0);
}

/* A signal handler's registers are its own. */
static void signal_round(void)
{
	struct regs want, got;

	pattern(&want, 0x51);
	/* The handler runs before kill() returns. */
	load_call_store(&want, &got, SYS_kill, getpid(), SIGUSR1);
	check("main", "a signal handler", &want, &got);
}

/* fork: the child starts with the parent's registers. */
static void fork_round(void)
{
	struct regs want, got;
	int status;
	long pid;

	pattern(&want, 0x77);
	pid = load_call_store(&want, &got, SYS_fork, 0, 0);
	if (pid == 0) {
		struct regs mine, again;

		if (memcmp(&want, &got, sizeof(want)))
			_exit(3);
		pattern(&mine, 0x78);
		load_call_store(&mine, &again, SYS_getppid, 0, 0);
		_exit(memcmp(&mine, &again, sizeof(mine)) ? 4 : 0);
	}
	check("main", "fork", &want, &got);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("fp_threads: fork child: %s\n",
		       pid < 0 ? "fork failed" :
		       WIFEXITED(status) && WEXITSTATUS(status) == 3 ?
		       "did not start with its parent's registers" :
		       "lost its own registers");
		failures++;
	}
}

/*
 * vfork: the child shares the host process; the parent keeps its own
 * registers.  One asm block from vfork to the child's exit: the child
 * must not return through (or call into) frames it shares with its parent.
 */
static void vfork_round(void)
{
	struct regs want, got, mine;
	int status;
	long pid;

	pattern(&want, 0x99);
	pattern(&mine, 0x9a);
	__asm__ __volatile__(
		"movdqu 0(%[in]), %%xmm8\n\t"
		"movdqu 112(%[in]), %%xmm15\n\t"
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"movdqu 0(%[child]), %%xmm8\n\t"
		"movdqu 112(%[child]), %%xmm15\n\t"
		"mov %[getppid], %%eax\n\t"
		"syscall\n\t"
		"mov %[exit], %%eax\n\t"
		"xor %%edi, %%edi\n\t"
		"syscall\n\t"
		"1:\n\t"
		"movdqu %%xmm8, 0(%[out])\n\t"
		"movdqu %%xmm15, 112(%[out])\n\t"
		: "=a"(pid)
		: "0"((long)SYS_vfork), [in] "r"(&want), [out] "r"(&got),
		  [child] "r"(&mine), [getppid] "i"(SYS_getppid),
		  [exit] "i"(SYS_exit)
		: "rcx", "rdi", "r11", "memory", "xmm8", "xmm15");
	/* Only xmm8 and xmm15 went through vfork. */
	memcpy(got.q[1], want.q[1], 6 * 16);
	check("main", "vfork", &want, &got);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("fp_threads: vfork failed\n");
		failures++;
	}
}

int main(int argc, char **argv)
{
	pthread_t tid[16];
	int threads = 3, opt, i, n;

	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		if (opt == 't')
			threads = atoi(optarg);
		else if (opt == 'n')
			rounds = atoi(optarg);
		else {
			fprintf(stderr, "usage: fp_threads [-t THREADS] [-n ROUNDS]\n");
			return 2;
		}
	}
	if (threads < 0 || threads > 16 || rounds < 1) {
		fprintf(stderr, "fp_threads: 0 to 16 threads, at least 1 round\n");
		return 2;
	}
	signal(SIGUSR1, handler);
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, thread_rounds,
				   (void *)(uintptr_t)(i + 1))) {
			printf("fp_threads: pthread_create failed\n");
			return 1;
		}
	for (n = 0; n < rounds / 10 + 1 && !failures; n++) {
		struct regs want, got;

		pattern(&want, 0x40);
		load_call_store(&want, &got, SYS_sched_yield, 0, 0);
		check("main", "sched_yield", &want, &got);
		signal_round();
		fork_round();
		vfork_round();
	}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	if (failures) {
		printf("fp_threads: FAILED (%d check(s))\n", failures);
		return 1;
	}
	printf("fp_threads: ok (%d threads, %d rounds)\n", threads, rounds);
	return 0;
}
