// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the FP state of UML processes, read from and written to their
 * host processes only when needed (the kernel side; the host calls are in
 * arch/um/os-Linux/lazyfp.c).
 *
 * While a process runs, its FP state is in its host process, and it stays
 * there when the process stops: UML's kernel uses no FP registers.  UML
 * reads it into regs.fp only when it needs it (a signal frame, sigreturn,
 * a tracer's FP request or regset, a core dump, a fork, the stub's fault
 * handler), and writes regs.fp back only when it changed or when another
 * thread ran in the host process since.  A system call then costs no FP
 * host call, where it cost two, of up to 11 KiB each on a host with AMX.
 *
 *   regs.fp_state & UM_FP_VALID	regs.fp holds the thread's state
 *   regs.fp_state & UM_FP_DIRTY	... and the host process does not
 *   regs.fp_id				the thread, never reused
 *   mm->context.id.fp_id		the thread whose state the host process
 *					holds, or 0
 *
 * The state of a thread without UM_FP_VALID is in the host process of its
 * mm, and must be read out before another thread of that mm runs there:
 * um_fp_switch_out() does it when the thread stops running while other
 * tasks share its mm.
 */

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <asm/lazyfp.h>
#include <os.h>

/* The last fp_id given to a thread; 0 is no thread's. */
static atomic_long_t last_fp_id = ATOMIC_LONG_INIT(0);

static struct uml_pt_regs *fp_regs_of(struct task_struct *t)
{
	return &t->thread.regs.regs;
}

int um_fp_sync(struct task_struct *t)
{
	struct uml_pt_regs *regs = fp_regs_of(t);
	struct mm_id *id;

	if (regs->fp_state & UM_FP_VALID)
		return 0;
	/*
	 * Without an mm (after exit_mm()) the task never runs or stops for
	 * a tracer again: what regs.fp holds is all there is.
	 */
	if (!t->mm) {
		regs->fp_state |= UM_FP_VALID;
		return 0;
	}
	id = &t->mm->context.id;
	return os_fp_fetch(id->pid, id, regs);
}

void um_fp_changed(struct task_struct *t)
{
	fp_regs_of(t)->fp_state = UM_FP_VALID | UM_FP_DIRTY;
}

void um_fp_new_thread(struct task_struct *p)
{
	struct uml_pt_regs *regs = fp_regs_of(p);

	regs->fp_id = atomic_long_inc_return(&last_fp_id);
	regs->fp_state = UM_FP_VALID | UM_FP_DIRTY;
}

/*
 * A thread alone in its mm finds its state where it left it when it runs
 * again.  With others there (threads, a vfork child, a reader of its
 * memory), one of them may run in the host process first, so read the
 * state out now: once per switch of a thread that ran since.
 */
void um_fp_switch_out(struct task_struct *prev)
{
	struct mm_struct *mm = prev->mm;
	int err;

	if (!mm || (fp_regs_of(prev)->fp_state & UM_FP_VALID) ||
	    atomic_read(&mm->mm_users) <= 1)
		return;
	err = um_fp_sync(prev);
	if (err)
		pr_warn_ratelimited("sysptvm: cannot save the FP state of %s[%d], errno = %d\n",
				    prev->comm, prev->pid, -err);
}
