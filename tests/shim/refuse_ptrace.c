// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD shim for UML on the host: the ptrace() requests listed in
 * SYSPTVM_REFUSE_PTRACE (decimal numbers, separated by commas) fail with
 * EPERM, as a host that refuses them would.  A test uses it to make one of
 * UML's boot probes fail in a way no host kernel answers (tests/modes.sh).
 *
 *   cc -shared -fPIC -o refuse_ptrace.so refuse_ptrace.c -ldl
 *   LD_PRELOAD=./refuse_ptrace.so SYSPTVM_REFUSE_PTRACE=32 linux ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/types.h>

static int refused(long request)
{
	const char *list = getenv("SYSPTVM_REFUSE_PTRACE");
	char *end;

	while (list && *list) {
		if (strtol(list, &end, 10) == request && end != list)
			return 1;
		if (*end != ',')
			break;
		list = end + 1;
	}
	return 0;
}

long ptrace(enum __ptrace_request request, ...)
{
	static long (*real)(enum __ptrace_request, pid_t, void *, void *);
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (refused(request)) {
		errno = EPERM;
		return -1;
	}
	if (!real)
		real = (long (*)(enum __ptrace_request, pid_t, void *, void *))
			dlsym(RTLD_NEXT, "ptrace");
	return real(request, pid, addr, data);
}
