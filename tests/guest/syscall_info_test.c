// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_GET_SYSCALL_INFO as a tracer sees it at each kind of stop:
 * syscall entry and exit (PTRACE_O_TRACESYSGOOD), seccomp
 * (SECCOMP_RET_TRACE with PTRACE_O_TRACESECCOMP), and a signal-delivery
 * stop, which is none of them.  Every field is checked against what
 * PTRACE_GETREGS says at the same stop, and against what the tracee
 * passed: the same program runs natively, as the reference, and in the
 * guest (tests/ptrace_vm.sh).
 *
 * The tracee stops itself with SIGSTOP, installs a filter that traces
 * getppid with data 0x1234, and makes
 *
 *	getppid(1, 2, 3, 4, 5, 6);   entry, seccomp and exit stops
 *	close(-1);                   entry and exit (-EBADF, an error)
 *	exit_group(0);
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <kselftest_harness.h>
#pragma GCC diagnostic ignored "-Wsign-compare"

#define RET_DATA 0x1234

static void tracee(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | RET_DATA),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(10);
	raise(SIGSTOP);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		_exit(11);
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(12);
	syscall(__NR_getppid, 1, 2, 3, 4, 5, 6);
	syscall(__NR_close, -1);
	_exit(0);
}

/* The size PTRACE_GET_SYSCALL_INFO returns for each kind of stop. */
static const size_t info_size[] = {
	[PTRACE_SYSCALL_INFO_NONE] = offsetof(struct __ptrace_syscall_info, entry),
	[PTRACE_SYSCALL_INFO_ENTRY] = offsetof(struct __ptrace_syscall_info, entry.args) +
				      sizeof(((struct __ptrace_syscall_info *)0)->entry.args),
	[PTRACE_SYSCALL_INFO_EXIT] = offsetof(struct __ptrace_syscall_info, exit.is_error) +
				     sizeof(((struct __ptrace_syscall_info *)0)->exit.is_error),
	[PTRACE_SYSCALL_INFO_SECCOMP] = offsetof(struct __ptrace_syscall_info, seccomp.ret_data) +
					sizeof(((struct __ptrace_syscall_info *)0)->seccomp.ret_data),
};

TEST(syscall_info_at_every_kind_of_stop)
{
	int status, entries = 0, exits = 0, seccomps = 0, nones = 0;
	struct __ptrace_syscall_info info;
	struct user_regs_struct regs;
	bool in_call = false;
	long size;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		tracee();

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	/* A signal-delivery stop: no call, but arch, ip and sp. */
	memset(&info, 0xa5, sizeof(info));
	size = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
	ASSERT_EQ((long)info_size[PTRACE_SYSCALL_INFO_NONE], size) {
		TH_LOG("PTRACE_GET_SYSCALL_INFO at a signal stop: %s", strerror(errno));
	}
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &regs));
	EXPECT_EQ(PTRACE_SYSCALL_INFO_NONE, info.op);
	EXPECT_EQ(AUDIT_ARCH_X86_64, info.arch);
	EXPECT_EQ(regs.rip, info.instruction_pointer);
	EXPECT_EQ(regs.rsp, info.stack_pointer);
	nones++;
	ASSERT_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, 0,
			    PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL));

	for (;;) {
		ASSERT_EQ(0, ptrace(PTRACE_SYSCALL, pid, 0, 0));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFEXITED(status))
			break;
		ASSERT_TRUE(WIFSTOPPED(status)) {
			TH_LOG("the tracee ended with status %#x", status);
		}
		ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &regs));
		memset(&info, 0xa5, sizeof(info));
		size = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
		ASSERT_LT(0, size) {
			TH_LOG("PTRACE_GET_SYSCALL_INFO: %s", strerror(errno));
		}
		ASSERT_GE(PTRACE_SYSCALL_INFO_SECCOMP, info.op);
		EXPECT_EQ((long)info_size[info.op], size);
		EXPECT_EQ(AUDIT_ARCH_X86_64, info.arch);
		EXPECT_EQ(regs.rip, info.instruction_pointer);
		EXPECT_EQ(regs.rsp, info.stack_pointer);

		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			if (!in_call) {
				EXPECT_EQ(PTRACE_SYSCALL_INFO_ENTRY, info.op);
				EXPECT_EQ(regs.orig_rax, info.entry.nr);
				EXPECT_EQ(regs.rdi, info.entry.args[0]);
				EXPECT_EQ(regs.rsi, info.entry.args[1]);
				EXPECT_EQ(regs.rdx, info.entry.args[2]);
				EXPECT_EQ(regs.r10, info.entry.args[3]);
				EXPECT_EQ(regs.r8, info.entry.args[4]);
				EXPECT_EQ(regs.r9, info.entry.args[5]);
				entries++;
			} else {
				EXPECT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
				EXPECT_EQ((int64_t)regs.rax, info.exit.rval);
				EXPECT_EQ((unsigned long)regs.rax >= -4095UL, info.exit.is_error);
				if (regs.orig_rax == __NR_close)
					EXPECT_TRUE(info.exit.is_error && info.exit.rval == -EBADF);
				exits++;
			}
			in_call = !in_call;
		} else if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			/* Between the entry and the exit stop of getppid. */
			EXPECT_TRUE(in_call);
			EXPECT_EQ(PTRACE_SYSCALL_INFO_SECCOMP, info.op);
			EXPECT_EQ(__NR_getppid, info.seccomp.nr);
			for (int i = 0; i < 6; i++)
				EXPECT_EQ((uint64_t)i + 1, info.seccomp.args[i]);
			EXPECT_EQ(RET_DATA, info.seccomp.ret_data);
			seccomps++;
		} else {
			TH_LOG("unexpected stop, status %#x", status);
			ASSERT_TRUE(false);
		}
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* prctl, seccomp, getppid, close; exit_group has no exit stop. */
	EXPECT_LE(5, entries);
	EXPECT_EQ(entries - 1, exits);
	EXPECT_EQ(1, seccomps);
	EXPECT_EQ(1, nones);
	TH_LOG("%d entry, %d exit, %d seccomp and %d signal stops", entries, exits, seccomps, nones);
}

TEST_HARNESS_MAIN
