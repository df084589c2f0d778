/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the host side's own interface, between arch/um/os-Linux/ and
 * arch/x86/um/os-Linux/.  What the kernel side calls is in the shared
 * <sysptvm.h>.
 */
#ifndef __UM_OS_LINUX_SYSPTVM_HOST_H
#define __UM_OS_LINUX_SYSPTVM_HOST_H

#include <stdbool.h>
#include <sysptvm.h>

struct mm_id;
struct uml_pt_regs;

/*
 * How userspace() resumes a process (os_ptrace_prepare()): the request and
 * its addr, the mode they are of, and whether UML set the trap flag for a
 * single step.
 */
struct os_resume {
	int request;
	unsigned long addr;
	int mode;
	int forced_tf;
};

/* sysptvm.c */
void os_report_host_kernel(void);
void check_sysemu(void);
void check_sysptvm(void);
void os_drop_rseq(void);
void os_ptrace_prepare(int pid, int singlestep, unsigned long *gp,
		       struct os_resume *resume);
int os_ptrace_resume(int pid, struct mm_id *mm, struct os_resume *resume,
		     int *status);
void os_ptrace_stopped(const struct os_resume *resume, unsigned long *gp);

/* lazyfp.c */
int os_fp_load(int pid, struct mm_id *mm, struct uml_pt_regs *regs);
void os_fp_stopped(struct uml_pt_regs *regs);
void os_fp_host_clobbered(struct mm_id *mm);

/* arch/x86/um/os-Linux/singlestep.c */
bool os_arch_step_by_trap_flag(int pid, unsigned long *gp);
void os_arch_clear_trap_flag(unsigned long *gp);

#endif /* __UM_OS_LINUX_SYSPTVM_HOST_H */
