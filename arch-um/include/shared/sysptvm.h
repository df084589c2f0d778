/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: what the UML kernel (arch/um/kernel/, arch/x86/um/) calls on
 * the host side (arch/um/os-Linux/, arch/x86/um/os-Linux/).  Plain C types
 * only: both sides include it.  The host side's own interface is in
 * arch/um/os-Linux/sysptvm_host.h.
 */
#ifndef __UM_SYSPTVM_H
#define __UM_SYSPTVM_H

/* os-Linux/sysptvm.c: /proc/sysptvm and /proc/sysemu */
extern int os_sysptvm_get(void);
extern int os_sysptvm_set(int on);
extern int os_sysemu_get(void);
extern int os_sysemu_set(int on);

/*
 * os-Linux/lazyfp.c: uml_pt_regs.fp_state (arch/um/kernel/lazyfp.c).
 */
#define UM_FP_VALID	1	/* fp holds the thread's FP state */
#define UM_FP_DIRTY	2	/* ... and its host process does not */

struct mm_id;
struct uml_pt_regs;
extern int os_fp_fetch(int pid, struct mm_id *mm, struct uml_pt_regs *regs);

/* os-Linux/x86/xstate.c */
extern unsigned long os_xstate_frame_size(unsigned long long xcr0,
					  unsigned long full,
					  unsigned long long *features,
					  unsigned long ends[64]);

#endif /* __UM_SYSPTVM_H */
