/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the interface between the UML kernel (arch/um/kernel/) and the
 * host side (arch/um/os-Linux/).  Plain C types only: both sides include it.
 */
#ifndef __UM_SYSPTVM_H
#define __UM_SYSPTVM_H

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

/* os-Linux/sysptvm.c */
extern void os_report_host_kernel(void);
extern unsigned long os_probe_top_address(void);
extern void os_drop_rseq(void);
extern void check_sysemu(void);
extern void check_sysptvm(void);
struct mm_id;
extern void os_ptrace_prepare(int singlestep, unsigned long *gp,
			      struct os_resume *resume);
extern int os_ptrace_resume(int pid, struct mm_id *mm,
			    struct os_resume *resume, int *status);
extern void os_ptrace_stopped(const struct os_resume *resume,
			      unsigned long *gp);
extern int os_sysptvm_get(void);
extern int os_sysptvm_set(int on);
extern int os_sysemu_get(void);
extern int os_sysemu_set(int on);

/*
 * os-Linux/lazyfp.c: uml_pt_regs.fp_state (arch/um/kernel/lazyfp.c).
 */
#define UM_FP_VALID	1	/* fp holds the thread's FP state */
#define UM_FP_DIRTY	2	/* ... and its host process does not */

struct uml_pt_regs;
extern int os_fp_load(int pid, struct mm_id *mm, struct uml_pt_regs *regs);
extern void os_fp_stopped(struct uml_pt_regs *regs);
extern int os_fp_fetch(int pid, struct mm_id *mm, struct uml_pt_regs *regs);
extern void os_fp_host_clobbered(struct mm_id *mm);

/* os-Linux/x86/xstate.c */
extern unsigned long os_xstate_frame_size(unsigned long long xcr0,
					  unsigned long full,
					  unsigned long long *features,
					  unsigned long ends[64]);

#endif /* __UM_SYSPTVM_H */
