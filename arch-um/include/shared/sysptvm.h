/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the interface between the UML kernel (arch/um/kernel/) and the
 * host side (arch/um/os-Linux/).  Plain C types only: both sides include it.
 */
#ifndef __UM_SYSPTVM_H
#define __UM_SYSPTVM_H

/*
 * How userspace() resumed a process: the request and its addr, and whether
 * a syscall-entry stop that follows is to be nullified and run to its exit
 * stop (ptrace mode) or left for UML to end at the next resume.
 */
struct os_resume {
	int request;
	unsigned long addr;
	int follow_to_exit;
	int forced_tf;		/* single step: UML set the trap flag */
};

/* os-Linux/sysptvm.c */
extern void os_report_host_kernel(void);
extern unsigned long os_probe_top_address(void);
extern void check_sysemu(void);
extern void check_sysptvm(void);
extern int os_ptrace_resume(int pid, int singlestep, unsigned long *gp,
			    struct os_resume *resume);
extern void os_ptrace_stopped(const struct os_resume *resume,
			      unsigned long *gp);
extern int os_ptrace_syscall_stop(int pid, const struct os_resume *resume,
				  unsigned long *gp);
extern int os_sysptvm_get(void);
extern int os_sysptvm_set(int on);
extern int os_sysemu_get(void);
extern int os_sysemu_set(int on);

/* os-Linux/x86/xstate.c */
extern unsigned long os_xstate_frame_size(unsigned long long xcr0,
					  unsigned long full,
					  unsigned long long *features,
					  unsigned long ends[64]);

#endif /* __UM_SYSPTVM_H */
