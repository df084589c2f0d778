// SPDX-License-Identifier: GPL-2.0
/*
 * Resuming a process of UML's and waiting for its next stop, in the mode
 * chosen at boot (start_up.c) or at run time:
 *
 *   sysptvm  PTRACE_SYSCALL, resumed from each entry stop with SKIPCALL
 *   sysemu   PTRACE_SYSEMU
 *   ptrace   PTRACE_SYSCALL; the call is handled at its entry stop, where
 *            orig_ax = -1 keeps the host from running it, and the process
 *            then runs to the exit stop with the result already in ax
 *
 * Each gives one stop that UML acts on per system call of a process.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <mm_id.h>
#include <os.h>
#include "internal.h"

/* How userspace() resumes processes: read at each resume, never during one. */
enum ptrace_mode ptrace_mode;

/* The kind of stop the process is in (PTRACE_EVENTMSG_*), or 0. */
static unsigned long stop_kind(int pid)
{
	unsigned long msg;

	if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) < 0)
		return 0;
	return msg;
}

/* Wait for the next stop of the process; 0 or a negative errno. */
static int wait_stop(int pid, int *status)
{
	int n;

	CATCH_EINTR(n = waitpid(pid, status, WUNTRACED | __WALL));
	if (n < 0) {
		n = -errno;
		os_warn("%s: wait for process %d failed, errno = %d\n",
			__func__, pid, -n);
		return n;
	}
	return 0;
}

static int resume_process(int pid, int request, unsigned long addr)
{
	int err;

	if (ptrace(request, pid, addr, 0) < 0) {
		err = -errno;
		os_warn("%s: ptrace request %d (addr %#lx) on process %d failed, errno = %d\n",
			__func__, request, addr, pid, -err);
		return err;
	}
	return 0;
}

/*
 * Ptrace mode: the process sits in the entry stop of a call that UML
 * handled, made in mode @made_by.  PTRACE_SETREGS gave it orig_ax = -1,
 * so the host runs no call, and the result in ax, which the host leaves
 * as it is for call -1.  Run it to the exit stop of that call; 1 if it got
 * there, 0 if it stopped otherwise (@status says how), or a negative
 * errno.
 *
 * From an entry stop of PTRACE_SYSCALL the exit stop follows.  From one of
 * PTRACE_SYSEMU (a switch from sysemu mode) it does too on today's hosts,
 * but the host names the stop (PTRACE_GETEVENTMSG) where run-time
 * switching is possible at all, so ask it rather than assume.
 */
static int run_to_exit_stop(int pid, int made_by, int *status)
{
	int err = resume_process(pid, PTRACE_SYSCALL, 0);

	if (!err)
		err = wait_stop(pid, status);
	if (err)
		return err;
	if (!WIFSTOPPED(*status) || WSTOPSIG(*status) != (SIGTRAP | 0x80))
		return 0;
	if (made_by == MODE_SYSEMU &&
	    stop_kind(pid) == PTRACE_EVENTMSG_SYSCALL_ENTRY)
		return 0;
	return 1;
}

/*
 * Resume the process as prepare_resume() (skas/process.c) said and wait
 * for its next stop (@status).  Each mode gives one syscall stop per call
 * to userspace(), an entry stop, and @mm records it: in sysemu and sysptvm
 * modes the next resume ends it without more; in ptrace mode the process
 * first runs to the exit stop of the call it stopped for, here.
 *
 * A process may sit in an entry stop that another mode made, or the stub
 * may have run since (mem.c then clears mm->syscall_stop).  A PTRACE_SYSEMU
 * or SKIPCALL resume ends any entry stop; orig_ax is -1, so no call runs.
 *
 * Returns 0, or a negative errno, which it has told.
 */
int os_ptrace_resume(int pid, struct mm_id *mm, struct os_resume *resume,
		     int *status)
{
	int err;

	if (resume->mode == MODE_PTRACE && mm->syscall_stop) {
		err = run_to_exit_stop(pid, mm->syscall_stop - 1, status);
		if (err < 0)
			return err;
		if (!err)
			goto stopped;
	}
	err = resume_process(pid, resume->request, resume->addr);
	if (!err)
		err = wait_stop(pid, status);
	if (err)
		return err;
stopped:
	mm->syscall_stop = WIFSTOPPED(*status) &&
			   WSTOPSIG(*status) == (SIGTRAP | 0x80) ?
			   resume->mode + 1 : 0;
	return 0;
}
