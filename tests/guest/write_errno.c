// SPDX-License-Identifier: GPL-2.0
/*
 * write_errno FILE (-s STRING | -z | -j BYTES)
 *
 * One write(2) of STRING, of nothing (-z) or of BYTES bytes of junk (-j)
 * to FILE, opened O_WRONLY.  Prints "ok" or the failing call and the errno
 * name (e.g. "write: EINVAL"), so that a test can check the error of a
 * write that a shell would only report in words.  Exit status 0 if the
 * write succeeded, 1 if it failed, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int report(const char *call)
{
	printf("%s: %s\n", call, strerrorname_np(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *data = NULL;
	size_t len = 0;
	char *junk;
	ssize_t n;
	int fd;

	if (argc == 4 && !strcmp(argv[2], "-s")) {
		data = argv[3];
		len = strlen(data);
	} else if (argc == 3 && !strcmp(argv[2], "-z")) {
		data = "";
	} else if (argc == 4 && !strcmp(argv[2], "-j")) {
		len = strtoul(argv[3], NULL, 0);
		junk = malloc(len ? len : 1);
		if (!junk)
			return report("malloc");
		for (size_t i = 0; i < len; i++)
			junk[i] = 'A' + i % 26;
		data = junk;
	} else {
		fprintf(stderr, "usage: write_errno FILE (-s STRING | -z | -j BYTES)\n");
		return 2;
	}

	fd = open(argv[1], O_WRONLY);
	if (fd < 0)
		return report("open");
	n = write(fd, data, len);
	if (n < 0)
		return report("write");
	if ((size_t)n != len) {
		printf("write: short, %zd of %zu bytes\n", n, len);
		return 1;
	}
	printf("ok\n");
	return 0;
}
