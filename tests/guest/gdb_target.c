// SPDX-License-Identifier: GPL-2.0
/*
 * A target for the gdb test in the guest: one getpid system call made by
 * a syscall instruction with a label, so that gdb can break on it, stepi
 * over it and read the result in rax.  Prints the pid and that result.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

static long __attribute__((noinline)) raw_getpid(void)
{
	long ret;

	asm volatile(".globl syscall_insn\n"
		     "syscall_insn: syscall"
		     : "=a" (ret)
		     : "a" ((long)SYS_getpid)
		     : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	long ret = raw_getpid();

	printf("pid=%d ret=%ld\n", (int)getpid(), ret);
	return ret == getpid() ? 0 : 1;
}
