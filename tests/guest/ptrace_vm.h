/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PTRACE_VM tags, for programs built against headers that do not have them
 * (Debian's glibc and linux-libc-dev).  A tag goes in the addr argument of
 * PTRACE_SYSCALL, PTRACE_CONT, PTRACE_SINGLESTEP, PTRACE_SYSEMU or
 * PTRACE_SYSEMU_SINGLESTEP.  The tag of the request that resumes the tracee
 * from a syscall-entry stop decides for that system call:
 *
 *   PTRACE_SYSCALL_SKIPEXIT  run the call, but do not stop at its exit;
 *   PTRACE_SYSCALL_SKIPCALL  do not run the call, nor stop at its exit: the
 *                            tracee sees the registers as the tracer left
 *                            them, -ENOSYS unless the tracer wrote a result.
 *
 * Only the bits of PTRACE_SYSCALL_MASK carry meaning; the others are
 * ignored (gdb resumes with addr 1).  Spelt as in <linux/ptrace.h>, so that
 * both may be included in either order.
 */
#ifndef PTRACE_VM_H
#define PTRACE_VM_H

#ifndef PTRACE_SYSCALL_SKIPEXIT
#define PTRACE_SYSCALL_SKIPEXIT		0x2
#endif
#ifndef PTRACE_SYSCALL_SKIPCALL
#define PTRACE_SYSCALL_SKIPCALL		0x6
#endif
#ifndef PTRACE_SYSCALL_MASK
#define PTRACE_SYSCALL_MASK		0x6
#endif

#endif /* PTRACE_VM_H */
