// SPDX-License-Identifier: GPL-2.0
/*
 * The rseq registration that a new host process of UML's inherits.
 */

#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

/*
 * Called in a new process of UML's, the clone of a UML thread, before
 * it unmaps everything below TASK_SIZE.  The clone keeps the thread's
 * rseq registration, whose area is in glibc's thread data; with four-level
 * page tables that lies below TASK_SIZE, and once it is unmapped the host
 * faults the stub at the next preemption (SIGSEGV, "wait_stub_done:
 * failed to wait for SIGTRAP").  The kernel wants the length that was
 * registered, sizeof(struct rseq); glibc publishes __rseq_size, which may
 * be less (20 on this project's Debian 12 hosts, where glibc registers 32).
 */
void os_drop_rseq(void)
{
	void *area;

	if (__rseq_size == 0)
		return;
	area = (char *)__builtin_thread_pointer() + __rseq_offset;
	if (syscall(__NR_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0)
		return;
	syscall(__NR_rseq, area, sizeof(struct rseq), RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}
