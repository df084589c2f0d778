// SPDX-License-Identifier: GPL-2.0
/*
 * hostcall_workload DIR WORKLOAD:COUNT...
 *
 * The guest side of host-calls (tests/guest/host-calls.sh), which counts
 * from outside the host calls a UML makes.  For each argument i in turn:
 * create DIR/ready.i, wait for DIR/go.i (the counter is attached), run
 * COUNT rounds of WORKLOAD, create DIR/done.i, wait for DIR/ack.i (the
 * counter is detached).  DIR is a directory the counter sees too (hostfs).
 *
 *   getpid    one getpid() system call
 *   forkexec  fork(), execve("/bin/true") in the child, waitpid()
 *   fault     a write to a page of an anonymous mapping not touched before
 *
 * It prints nothing but errors and judges nothing: the counter takes the
 * difference between two COUNTs of a workload, so that what a phase costs
 * besides its rounds (the markers, the mapping) cancels out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Long enough for a counter that attaches under a slow nested UML. */
#define WAIT_SECONDS 300

static const char *dir;

static void marker(const char *what, int i)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.%d", dir, what, i);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "hostcall_workload: cannot create %s: %s\n",
			path, strerror(errno));
		exit(1);
	}
	close(fd);
}


static void wait_for(const char *what, int i)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char path[4096];
	struct stat st;
	long n;

	snprintf(path, sizeof(path), "%s/%s.%d", dir, what, i);
	for (n = 0; n < WAIT_SECONDS * 50L; n++) {
		if (stat(path, &st) == 0)
			return;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "hostcall_workload: no %s after %d s\n", path,
		WAIT_SECONDS);
	exit(1);
}

static int run(const char *workload, long count)
{
	long page = sysconf(_SC_PAGESIZE), i;
	int status;
	char *p;

	if (!strcmp(workload, "getpid")) {
		for (i = 0; i < count; i++)
			syscall(SYS_getpid);
		return 0;
	}
	if (!strcmp(workload, "forkexec")) {
		for (i = 0; i < count; i++) {
			pid_t pid = fork();

			if (pid < 0)
				return -1;
			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				return -1;
		}
		return 0;
	}
	if (!strcmp(workload, "fault")) {
		p = mmap(NULL, count * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		for (i = 0; i < count; i++)
			p[i * page] = 1;
		munmap(p, count * page);
		return 0;
	}
	fprintf(stderr, "hostcall_workload: unknown workload '%s'\n", workload);
	exit(2);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: hostcall_workload DIR WORKLOAD:COUNT...\n");
		return 2;
	}
	dir = argv[1];
	for (i = 2; i < argc; i++) {
		char *colon = strchr(argv[i], ':'), *end;
		long count;

		if (!colon || (count = strtol(colon + 1, &end, 10)) < 0 || *end) {
			fprintf(stderr, "hostcall_workload: bad phase '%s' (WORKLOAD:COUNT)\n",
				argv[i]);
			return 2;
		}
		*colon = '\0';
		marker("ready", i - 2);
		wait_for("go", i - 2);
		if (run(argv[i], count)) {
			fprintf(stderr, "hostcall_workload: %s failed: %s\n",
				argv[i], strerror(errno));
			return 1;
		}
		marker("done", i - 2);
		wait_for("ack", i - 2);
	}
	return 0;
}
