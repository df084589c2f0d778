// SPDX-License-Identifier: GPL-2.0
/*
 * Built with -fsanitize=address: it runs only where ASan can place its
 * shadow memory, up to 16 TiB, and its allocator, at 96 TiB.  Allocates,
 * uses and frees memory correctly, and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *p = malloc(4096);

	if (!p)
		return 2;
	memset(p, 'x', 4096);
	printf("asan_hello: heap at %p, stack at %p: ok\n", (void *)p, (void *)&p);
	free(p);
	return 0;
}
