// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_bench [-n GETPIDS] [-f FORKS] [-e EXECS]
 * syscall_bench -w WORKLOAD [-n COUNT] [-d DIR]
 *
 * Times, with CLOCK_MONOTONIC, things whose cost under UML is the way UML
 * drives its processes through the host.  The first form times a getpid()
 * loop, fork() + _exit() + waitpid(), and fork() + execve("/bin/true") +
 * waitpid(), and prints one line:
 *   getpid_ns=N fork_wait_us=N fork_exec_us=N
 * The second times COUNT rounds of one WORKLOAD and prints
 *   result WORKLOAD VALUE UNIT
 * getpid (ns per call), pipe (us per round trip between two processes),
 * fork (us per fork + exit + wait), exec (us per fork + exec of /bin/true
 * + wait), file (us per 64 KiB file written, read back and removed in DIR).
 * A benchmark: it reports what it measured and judges nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
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

/* COUNT round trips of one byte between two processes over two pipes. */
static int pipe_ping_pong(long count)
{
	int to_child[2], to_parent[2], status;
	char byte = 'x';
	pid_t pid;
	long i;

	if (pipe(to_child) || pipe(to_parent))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		for (i = 0; i < count; i++) {
			if (read(to_child[0], &byte, 1) != 1 ||
			    write(to_parent[1], &byte, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < count; i++) {
		if (write(to_child[1], &byte, 1) != 1 ||
		    read(to_parent[0], &byte, 1) != 1)
			return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	return 0;
}

#define FILE_SIZE (64 * 1024)

/* Write a file, read it back and compare, remove it. */
static int file_round(const char *dir, long i)
{
	static char out[FILE_SIZE], in[FILE_SIZE];
	char path[4096];
	int fd;

	memset(out, 'a' + i % 26, sizeof(out));
	snprintf(path, sizeof(path), "%s/syscall_bench.%ld", dir, i);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || write(fd, out, sizeof(out)) != sizeof(out) || close(fd))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, in, sizeof(in)) != sizeof(in) || close(fd))
		return -1;
	if (memcmp(in, out, sizeof(in)) || unlink(path))
		return -1;
	return 0;
}

static int run_workload(const char *name, long count, const char *dir)
{
	double t = now_ns(), per;
	const char *unit = "us";
	long i;

	if (!strcmp(name, "getpid")) {
		for (i = 0; i < count; i++)
			syscall(SYS_getpid);
		unit = "ns";
	} else if (!strcmp(name, "pipe")) {
		if (pipe_ping_pong(count))
			goto failed;
	} else if (!strcmp(name, "fork") || !strcmp(name, "exec")) {
		for (i = 0; i < count; i++)
			if (fork_and_wait(name[0] == 'e'))
				goto failed;
	} else if (!strcmp(name, "file")) {
		for (i = 0; i < count; i++)
			if (file_round(dir, i))
				goto failed;
	} else {
		fprintf(stderr, "syscall_bench: unknown workload '%s' (getpid, pipe, fork, exec, file)\n",
			name);
		return 2;
	}
	per = (now_ns() - t) / count;
	printf("result %s %.1f %s\n", name, unit[0] == 'n' ? per : per / 1e3,
	       unit);
	return 0;
failed:
	fprintf(stderr, "syscall_bench: workload %s failed\n", name);
	return 1;
}

int main(int argc, char **argv)
{
	long getpids = 2000, forks = 100, execs = 50, i;
	const char *workload = NULL, *dir = "/tmp";
	double t;
	int opt;

	while ((opt = getopt(argc, argv, "n:f:e:w:d:")) != -1) {
		switch (opt) {
		case 'n': getpids = atol(optarg); break;
		case 'f': forks = atol(optarg); break;
		case 'e': execs = atol(optarg); break;
		case 'w': workload = optarg; break;
		case 'd': dir = optarg; break;
		default:
			fprintf(stderr, "usage: syscall_bench [-n GETPIDS] [-f FORKS] [-e EXECS]\n"
				"       syscall_bench -w getpid|pipe|fork|exec|file [-n COUNT] [-d DIR]\n");
			return 2;
		}
	}
	if (getpids < 1 || forks < 1 || execs < 1) {
		fprintf(stderr, "syscall_bench: counts must be at least 1\n");
		return 2;
	}
	if (workload)
		return run_workload(workload, getpids, dir);

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
