// SPDX-License-Identifier: GPL-2.0
/*
 * Built with -fsanitize=address: writes one byte past a 16-byte heap
 * block, which ASan must report (heap-buffer-overflow, WRITE of size 1,
 * in main at the line below) before it exits with status 1.
 */
#include <stdlib.h>

int main(int argc, char **argv)
{
	volatile char *p = malloc(16);
	int i = 16 + (argc > 1 ? atoi(argv[1]) : 0);

	p[i] = 1;	/* the overflow */
	free((void *)p);
	return 0;
}
