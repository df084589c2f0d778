// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_bench [-n GETPIDS] [-f FORKS] [-e EXECS]
 *
 * Times, with CLOCK_MONOTONIC, three things whose cost under UML is the
 * way UML drives its processes through the host: a getpid() loop,
 * fork() + _exit() + waitpid(), and fork() + execve("/bin/true") +
 * waitpid().  Prints one line:
 *   getpid_ns=N fork_wait_us=N fork_exec_us=N
 * A benchmark: it reports what it measured and judges nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int fork_and_wait(int exec_true)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (exec_true)
			execl("/bin/true", "true", (char *)NULL);
		_exit(exec_true ? 127 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long getpids = 2000, forks = 100, execs = 50, i;
	double t;
	int opt;

	while ((opt = getopt(argc, argv, "n:f:e:")) != -1) {
		switch (opt) {
		case 'n': getpids = atol(optarg); break;
		case 'f': forks = atol(optarg); break;
		case 'e': execs = atol(optarg); break;
		default:
			fprintf(stderr, "usage: syscall_bench [-n GETPIDS] [-f FORKS] [-e EXECS]\n");
			return 2;
		}
	}
	if (getpids < 1 || forks < 1 || execs < 1) {
		fprintf(stderr, "syscall_bench: counts must be at least 1\n");
		return 2;
	}

	t = now_ns();
	for (i = 0; i < getpids; i++)
		syscall(SYS_getpid);
	printf("getpid_ns=%.0f", (now_ns() - t) / getpids);

	t = now_ns();
	for (i = 0; i < forks; i++) {
		if (fork_and_wait(0)) {
			fprintf(stderr, "\nsyscall_bench: fork + wait failed\n");
			return 1;
		}
	}
	printf(" fork_wait_us=%.0f", (now_ns() - t) / forks / 1e3);

	t = now_ns();
	for (i = 0; i < execs; i++) {
		if (fork_and_wait(1)) {
			fprintf(stderr, "\nsyscall_bench: fork + exec of /bin/true failed\n");
			return 1;
		}
	}
	printf(" fork_exec_us=%.0f\n", (now_ns() - t) / execs / 1e3);
	return 0;
}
