// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: host-side (os-Linux) support.
 *
 * Which ptrace interface UML can drive its guest processes with depends on
 * the host kernel, so the boot log names it next to the probe results.
 */

#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/user.h>
#include <init.h>
#include <os.h>
#include <ptrace_user.h>
#include <sysptvm.h>

void __init os_report_host_kernel(void)
{
	struct utsname host;

	if (uname(&host) < 0) {
		os_info("Host kernel: unknown (uname failed, errno = %d)\n",
			errno);
		return;
	}
	os_info("Host kernel: %s %s %s\n", host.sysname, host.release,
		host.machine);
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The x86_64 user address space with 4-level host page tables. */
#define TOP_ADDRESS_LIMIT (1UL << 47)

/* A page below the top is free or in use; above it, mmap() fails. */
static bool page_below_top(unsigned long addr)
{
	void *p = mmap((void *) addr, UM_KERN_PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, UM_KERN_PAGE_SIZE);
	return p == (void *) addr;
}

/*
 * The top of the address space this process can map.  On an x86_64 host it
 * is just below 128 TiB; inside a UML it is the task size of that UML, which
 * ends below its own stub.  A UML that assumes a fixed top cannot map its
 * stub there, so nested UMLs need the top probed.
 */
unsigned long __init os_probe_top_address(void)
{
	int on_stack;
	unsigned long below = (unsigned long) &on_stack & ~(UM_KERN_PAGE_SIZE - 1);
	unsigned long above = TOP_ADDRESS_LIMIT;

	os_info("Checking the top of the address space...");
	while (above - below > UM_KERN_PAGE_SIZE) {
		unsigned long mid = below + ((above - below) / 2 &
					     ~(UM_KERN_PAGE_SIZE - 1));

		if (page_below_top(mid))
			below = mid;
		else
			above = mid;
	}
	os_info("0x%lx\n", above);
	return above;
}

/*
 * How UML drives its processes through the host (DESIGN.md section 3).
 * sysptvm: PTRACE_SYSCALL, resumed from each entry stop with SKIPCALL;
 * sysemu: PTRACE_SYSEMU.  Both give one stop per guest system call.
 */
#ifndef PTRACE_SYSCALL_SKIPEXIT
#define PTRACE_SYSCALL_SKIPEXIT	0x2
#define PTRACE_SYSCALL_SKIPCALL	0x6
#endif

static bool sysptvm_disabled;	/* nosysptvm */
static bool sysptvm_prefer_sysemu;	/* usesysemu */
static bool use_sysptvm;

/* A parameter without a value sets @flag; one with a value is refused. */
static int __init flag_setup(const char *name, char *str, bool *flag)
{
	if (*str)
		os_warn("%s takes no value, ignoring '%s'\n", name, str);
	else
		*flag = true;
	return 0;
}

static int __init nosysptvm_setup(char *str, int *add)
{
	return flag_setup("nosysptvm", str, &sysptvm_disabled);
}
__uml_setup("nosysptvm", nosysptvm_setup,
"nosysptvm\n"
"    Do not drive processes with the PTRACE_VM tags (PTRACE_SYSCALL +\n"
"    PTRACE_SYSCALL_SKIPCALL), even if the host supports them: use\n"
"    PTRACE_SYSEMU.\n\n");

static int __init usesysemu_setup(char *str, int *add)
{
	return flag_setup("usesysemu", str, &sysptvm_prefer_sysemu);
}
__uml_setup("usesysemu", usesysemu_setup,
"usesysemu\n"
"    Start with PTRACE_SYSEMU even if the host supports the PTRACE_VM\n"
"    tags.\n\n");

#define PROBE_RESULT 4242
#define USER_REG(r) offsetof(struct user_regs_struct, r)

/*
 * The child of a probe: exactly one getppid() for the tracer to act on,
 * then exit_group() with a status that says what the call returned.
 */
static void __noreturn probe_child(void)
{
	long parent = getppid(), ret;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(3);
	kill(getpid(), SIGSTOP);
	ret = syscall(__NR_getppid);
	_exit(ret == PROBE_RESULT ? 0 : ret == parent ? 1 : 2);
}

/* Wait for a syscall stop of the probe child; its number, or -1. */
static long probe_wait_syscall(int pid)
{
	int status, n;

	CATCH_EINTR(n = waitpid(pid, &status, __WALL));
	if (n < 0 || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != (SIGTRAP | 0x80))
		return -1;
	return ptrace(PTRACE_PEEKUSER, pid,
		      (void *) USER_REG(orig_rax), 0);
}

/*
 * Resume the child from the entry stop of getppid() with @tag, and check
 * that the next stop is the entry of exit_group() (no exit stop of
 * getppid) with the status that says whether the call ran.
 */
static bool __init probe_tag(unsigned long tag, long want_status)
{
	bool ok = false;
	int pid, status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		probe_child();
	if (pid < 0)
		return false;

	CATCH_EINTR(waitpid(pid, &status, WUNTRACED));
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		goto out;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   (void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		goto out;
	if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0 ||
	    probe_wait_syscall(pid) != __NR_getppid)
		goto out;
	if (tag == PTRACE_SYSCALL_SKIPCALL &&
	    ptrace(PTRACE_POKEUSER, pid, (void *) USER_REG(rax),
		   (void *) PROBE_RESULT) < 0)
		goto out;
	/* A host without the tags ignores addr, or refuses it. */
	if (ptrace(PTRACE_SYSCALL, pid, (void *) tag, 0) < 0)
		goto out;
	if (probe_wait_syscall(pid) != __NR_exit_group)
		goto out;
	ok = ptrace(PTRACE_PEEKUSER, pid, (void *) USER_REG(rdi), 0)
		== want_status;
out:
	kill(pid, SIGKILL);
	CATCH_EINTR(waitpid(pid, &status, __WALL));
	return ok;
}

void __init check_sysptvm(void)
{
	const char *why;
	bool host_supported;

	os_info("Checking ptrace new tags for syscall emulation...");
	host_supported = probe_tag(PTRACE_SYSCALL_SKIPEXIT, 1) &&
			 probe_tag(PTRACE_SYSCALL_SKIPCALL, 0);
	if (!host_supported) {
		os_info("unsupported\n");
		why = "the host lacks the PTRACE_VM tags";
	} else if (sysptvm_disabled) {
		os_info("(disabled)\n");
		why = "disabled by nosysptvm";
	} else if (sysptvm_prefer_sysemu) {
		os_info("OK\n");
		why = "usesysemu";
	} else {
		os_info("OK\n");
		use_sysptvm = true;
		why = "the host supports the PTRACE_VM tags";
	}
	os_info("Driving processes with %s (%s)\n",
		use_sysptvm ? "PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)"
			    : "PTRACE_SYSEMU (sysemu)", why);
}

/*
 * The one place that picks the request that resumes a process, and its
 * addr.  A single step keeps PTRACE_SYSEMU_SINGLESTEP: PTRACE_SINGLESTEP
 * has no syscall-entry stop, so the host would run the process's call.
 */
int os_ptrace_resume_request(int singlestep, unsigned long *addr)
{
	*addr = 0;
	if (singlestep)
		return PTRACE_SYSEMU_SINGLESTEP;
	if (use_sysptvm) {
		*addr = PTRACE_SYSCALL_SKIPCALL;
		return PTRACE_SYSCALL;
	}
	return PTRACE_SYSEMU;
}
