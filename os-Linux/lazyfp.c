// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the host calls that move a UML process's FP state between its
 * host process and regs->fp, only when needed (see arch/um/kernel/lazyfp.c
 * for the rules).
 */

#include <errno.h>
#include <init.h>
#include <mm_id.h>
#include <os.h>
#include <registers.h>
#include <sysdep/ptrace.h>
#include "internal.h"

/*
 * Before a resume: the host process gets this thread's state unless it
 * holds it already, unchanged.
 */
int os_fp_load(int pid, struct mm_id *mm, struct uml_pt_regs *regs)
{
	int err;

	if (mm->fp_id == regs->fp_id && !(regs->fp_state & UM_FP_DIRTY))
		return 0;
	if (!(regs->fp_state & UM_FP_VALID))
		/* Held by neither: a bug of the bookkeeping, not the process's. */
		os_warn("%s: the FP state of a process was lost\n", __func__);
	err = put_fp_registers(pid, regs->fp);
	if (err)
		return err;
	mm->fp_id = regs->fp_id;
	regs->fp_state = UM_FP_VALID;
	return 0;
}

/* After a stop: the process may have changed its state in the host. */
void os_fp_stopped(struct uml_pt_regs *regs)
{
	regs->fp_state &= ~UM_FP_VALID;
}

/* Read the state out of the host process into regs->fp; errors are told. */
int os_fp_fetch(int pid, struct mm_id *mm, struct uml_pt_regs *regs)
{
	int err;

	if (regs->fp_state & UM_FP_VALID)
		return 0;
	if (mm->fp_id != regs->fp_id) {
		os_warn("%s: the host process holds another thread's FP state\n",
			__func__);
		regs->fp_state |= UM_FP_VALID;
		return 0;
	}
	err = get_fp_registers(pid, regs->fp);
	if (err) {
		os_warn("%s: reading the FP state of process %d failed, errno = %d\n",
			__func__, pid, -err);
		return err;
	}
	regs->fp_state |= UM_FP_VALID;
	return 0;
}

/* The stub ran a signal handler in the host process: its state is gone. */
void os_fp_host_clobbered(struct mm_id *mm)
{
	mm->fp_id = 0;
}
