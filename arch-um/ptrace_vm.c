// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_VM and PTRACE_SYSEMU for processes inside UML.
 *
 * ptrace_resume() records the PTRACE_VM tag of every resume request in
 * current->ptrace.  The one that counts for a system call is the tag of the
 * request that resumed us from its entry stop: it is read here right after
 * that stop, and what it says about the exit report is latched in
 * TIF_SYSCALL_SKIPEXIT, because other stops (an exec event, a seccomp event)
 * may come between entry and exit and be resumed with other tags.
 *
 * PTRACE_SYSEMU behaves as on native x86_64: entry report, the call is not
 * run.  As on native, whether the call is emulated is decided by the
 * request that resumed us *into* the call, and whether its exit is reported
 * by the request that resumed us from its entry stop: PTRACE_SYSCALL (with
 * no tag) reports it, PTRACE_SYSEMU does not.
 */

#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include "ptrace_vm.h"

/* At every system call entry: the exit decision of the last one is not ours. */
void ptrace_vm_syscall_begin(void)
{
	clear_thread_flag(TIF_SYSCALL_SKIPEXIT);
}

/*
 * Called after the syscall-entry report, with what the report said (false:
 * we were killed while stopped) and whether the call is emulated, as the
 * request that resumed us into it said.  Returns nonzero when the call must
 * not be run.
 */
int ptrace_vm_syscall_entry(bool permit, bool emulated)
{
	unsigned int tag = current->ptrace & PT_SYSCALL_TAG_MASK;

	if (!permit || tag == PT_SYSCALL_SKIPCALL || tag == PT_SYSCALL_SKIPEXIT)
		set_thread_flag(TIF_SYSCALL_SKIPEXIT);
	return !permit || emulated || tag == PT_SYSCALL_SKIPCALL;
}

static void send_sigtrap(struct uml_pt_regs *regs)
{
	/* Send us the fake single-step SIGTRAP */
	force_sig_fault(SIGTRAP, TRAP_BRKPT,
			UPT_IS_USER(regs) ? (void __user *)UPT_IP(regs) : NULL);
}

void ptrace_vm_syscall_exit(struct pt_regs *regs)
{
	bool skip_exit = test_and_clear_thread_flag(TIF_SYSCALL_SKIPEXIT);
	int ptraced = current->ptrace;

	/*
	 * The single-step trap is no exit report: it comes with SKIPEXIT too.
	 * Under PTRACE_SYSEMU_SINGLESTEP the entry stop was the report, as
	 * on native x86_64.
	 */
	if (test_thread_flag(TIF_SINGLESTEP) &&
	    !test_thread_flag(TIF_SYSCALL_EMU))
		send_sigtrap(&regs->regs);

	if (skip_exit || !test_thread_flag(TIF_SYSCALL_TRACE))
		return;

	ptrace_report_syscall_exit(regs, 0);
	/* force do_signal() --> is_syscall() */
	if (ptraced & PT_PTRACED)
		set_thread_flag(TIF_SIGPENDING);
}
