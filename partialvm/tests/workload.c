// SPDX-License-Identifier: GPL-2.0
/*
 * partialvm-workload: the programs the scenarios, the stop counts and the
 * benchmarks run under the tool.
 *
 *   getpid N            N getpid() calls: a call nobody handles
 *   uname N             N uname() calls: answered by the tool under -n
 *   stat N PATH         N stat() calls of PATH: rewritten under a bind
 *   forkexec N PROG...  N times fork, exec PROG, wait
 *   threads N FILE      N threads, each prints FILE's first line and the
 *                       nodename it sees
 *   signals             a handler runs, and a sleep is interrupted
 *   watch FILE SECONDS [THREADS]
 *                       every 0.1 s, in each of THREADS threads (1), the
 *                       line of threads, for SECONDS (attach and detach)
 *   filter-alone PATH   install a filter that traces stat(), as the
 *                       seccomp tracers do, with no tracer: stat(PATH)
 *                       then fails with ENOSYS, what a process would see
 *                       if such a tracer detached
 *
 * The counted loops print the time per call in nanoseconds on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *what, long n, double t0)
{
	fprintf(stderr, "%s: %ld calls, %.1f ns per call\n", what, n, (now() - t0) * 1e9 / n);
}

/* FILE's first line (or the error) and the nodename, as this thread sees them. */
static void seen(const char *file, char *out, size_t len)
{
	char line[128] = "";
	struct utsname u;
	FILE *f = fopen(file, "r");

	if (!f)
		snprintf(line, sizeof(line), "(%s)", strerror(errno));
	else {
		if (!fgets(line, sizeof(line), f))
			snprintf(line, sizeof(line), "(empty)");
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
	}
	uname(&u);
	snprintf(out, len, "%s %s", line, u.nodename);
}

static const char *thread_file;

static void *thread_main(void *arg)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char buf[256];

	seen(thread_file, buf, sizeof(buf));
	pthread_mutex_lock(&lock);
	printf("thread %ld: %s\n", (long)arg, buf);
	fflush(stdout);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static const char *watch_file;
static double watch_end;

static void *watch_main(void *arg)
{
	char buf[256];

	while (now() < watch_end) {
		seen(watch_file, buf, sizeof(buf));
		printf("%ld: %s\n", (long)arg, buf);
		usleep(100000);
	}
	return NULL;
}

static int filter_alone(const char *path)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_stat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct stat st;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("seccomp");
		return 1;
	}
	printf("stat %s: %s\n", path, syscall(SYS_stat, path, &st) ? strerror(errno) : "ok");
	return 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static int signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts = { 10, 0 }, rem;
	double t0;
	int ret;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	kill(getpid(), SIGUSR1);
	printf("handler: %s\n", caught == SIGUSR1 ? "caught SIGUSR1" : "not run");
	caught = 0;
	alarm(1);
	t0 = now();
	ret = nanosleep(&ts, &rem);
	printf("sleep: %s after %.0f s, %s\n", ret < 0 && errno == EINTR ? "interrupted (EINTR)" : "not interrupted",
	       now() - t0, caught == SIGALRM ? "caught SIGALRM" : "no SIGALRM");
	return 0;
}

int main(int argc, char **argv)
{
	long i, n = argc > 2 ? atol(argv[2]) : 0;
	struct utsname u;
	struct stat st;
	double t0;

	if (argc < 2) {
		fprintf(stderr, "usage: see the comment at the top of partialvm/tests/workload.c\n");
		return 2;
	}
	t0 = now();
	if (!strcmp(argv[1], "getpid") && n > 0) {
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		report("getpid", n, t0);
	} else if (!strcmp(argv[1], "uname") && n > 0) {
		for (i = 0; i < n; i++)
			syscall(SYS_uname, &u);
		report("uname", n, t0);
	} else if (!strcmp(argv[1], "stat") && n > 0 && argc == 4) {
		for (i = 0; i < n; i++)
			if (syscall(SYS_stat, argv[3], &st)) {
				perror(argv[3]);
				return 1;
			}
		report("stat", n, t0);
	} else if (!strcmp(argv[1], "forkexec") && n > 0 && argc >= 4) {
		for (i = 0; i < n; i++) {
			int status;
			pid_t pid = fork();

			if (pid == 0) {
				execv(argv[3], argv + 3);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, &status, 0) != pid || status) {
				fprintf(stderr, "forkexec: %s failed, status %#x\n", argv[3], status);
				return 1;
			}
		}
		report("forkexec", n, t0);
	} else if (!strcmp(argv[1], "threads") && n > 0 && argc == 4) {
		pthread_t *th = calloc(n, sizeof(*th));

		thread_file = argv[3];
		for (i = 0; i < n; i++)
			pthread_create(&th[i], NULL, thread_main, (void *)i);
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	} else if (!strcmp(argv[1], "signals")) {
		return signals();
	} else if (!strcmp(argv[1], "watch") && (argc == 4 || argc == 5)) {
		long nthreads = argc == 5 ? atol(argv[4]) : 1;
		pthread_t th;

		setvbuf(stdout, NULL, _IOLBF, 0);
		watch_file = argv[2];
		watch_end = now() + atof(argv[3]);
		for (i = 1; i < nthreads; i++)
			pthread_create(&th, NULL, watch_main, (void *)i);
		watch_main((void *)0);
		sleep(1);
	} else if (!strcmp(argv[1], "filter-alone") && argc == 3) {
		return filter_alone(argv[2]);
	} else {
		fprintf(stderr, "partialvm-workload: bad arguments; see partialvm/tests/workload.c\n");
		return 2;
	}
	return 0;
}
