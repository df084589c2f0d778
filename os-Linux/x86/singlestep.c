// SPDX-License-Identifier: GPL-2.0
/*
 * Single steps by the trap flag, on x86 (host side).
 *
 * sysptvm and ptrace modes cannot use PTRACE_SINGLESTEP, which has no
 * syscall-entry stop (see prepare_resume() in
 * arch/um/os-Linux/skas/process.c).  They set the trap flag in the
 * registers that PTRACE_SETREGS writes instead, and take it out again
 * after the step.
 */

#include <errno.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <os.h>
#include <sysdep/ptrace.h>

#define X86_EFLAGS_TF 0x100

/*
 * Whether the instruction at @ip sets the trap flag itself: popf or iret,
 * after any prefixes.  The bytes come from the process (two
 * PTRACE_PEEKTEXTs, on single steps only); what cannot be read is taken
 * for an ordinary instruction.
 */
static bool insn_sets_tf(int pid, unsigned long ip)
{
	union {
		long word[2];
		unsigned char byte[2 * sizeof(long)];
	} insn;
	int i, n;

	for (n = 0; n < 2; n++) {
		errno = 0;
		insn.word[n] = ptrace(PTRACE_PEEKTEXT, pid,
				      (void *)(ip + n * sizeof(long)), 0);
		if (errno)
			break;
	}
	for (i = 0; i < n * sizeof(long); i++) {
		switch (insn.byte[i]) {
		case 0x9d:	/* popf */
		case 0xcf:	/* iret */
			return true;
		case 0x26: case 0x2e: case 0x36: case 0x3e:	/* segment */
		case 0x64: case 0x65:
		case 0x66: case 0x67:	/* operand and address size */
		case 0xf0: case 0xf2: case 0xf3:	/* lock, repeats */
			continue;
#ifdef __x86_64__
		case 0x40 ... 0x4f:	/* REX */
			continue;
#endif
		default:
			return false;
		}
	}
	return false;
}

/*
 * Make the next resume of process @pid a single step: set the trap flag in
 * its registers @gp.  Whether UML must take the flag out after the step:
 * not if the process had set it, nor if the instruction stepped sets it
 * itself, so that the process keeps the flags it set, as on native x86
 * (TIF_FORCED_TF).
 */
int os_arch_step_by_trap_flag(int pid, unsigned long *gp)
{
	if (REGS_EFLAGS(gp) & X86_EFLAGS_TF)
		return 0;
	REGS_EFLAGS(gp) |= X86_EFLAGS_TF;
	return !insn_sets_tf(pid, REGS_IP(gp));
}

/* After the step: take out the trap flag that UML set. */
void os_arch_clear_trap_flag(unsigned long *gp)
{
	REGS_EFLAGS(gp) &= ~X86_EFLAGS_TF;
}
