// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: host-side (os-Linux) support.
 *
 * Which ptrace interface UML can drive its guest processes with depends on
 * the host kernel, so the boot log names it next to the probe results.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/rseq.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <init.h>
#include <mm_id.h>
#include <os.h>
#include <ptrace_user.h>
#include <sysdep/ptrace.h>
#include "sysptvm_host.h"

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

/*
 * How UML drives its processes through the host (DESIGN.md section 3):
 *
 *   sysptvm  PTRACE_SYSCALL, resumed from each entry stop with SKIPCALL
 *   sysemu   PTRACE_SYSEMU
 *   ptrace   PTRACE_SYSCALL; the call is nullified at its entry stop and
 *            its result written at its exit stop
 *
 * The first two give one stop per system call of a UML process, the last
 * two.  The best one the host has is the default; boot parameters rule
 * modes out and /proc/sysptvm and /proc/sysemu switch at run time.
 */
#ifndef PTRACE_SYSCALL_SKIPEXIT
#define PTRACE_SYSCALL_SKIPEXIT	0x2
#define PTRACE_SYSCALL_SKIPCALL	0x6
#endif
#ifndef PTRACE_EVENTMSG_SYSCALL_ENTRY
#define PTRACE_EVENTMSG_SYSCALL_ENTRY	1
#define PTRACE_EVENTMSG_SYSCALL_EXIT	2
#endif

/* What the probes found. */
static bool host_has_sysemu;
static bool host_has_sysptvm;
/*
 * Whether PTRACE_GETEVENTMSG tells a syscall-entry stop from an exit stop
 * (Linux 5.3 and later).  Without it, a stop left by one mode cannot be
 * told apart by another, so the mode cannot change at run time.
 */
static bool host_names_syscall_stops;

/* Boot parameters. */
static bool nosysemu;
static bool nosysptvm;
static bool usesysemu;

/*
 * The switches of /proc/sysptvm and /proc/sysemu.  The mode is the first
 * of sysptvm, sysemu and ptrace whose switch is on; a switch can only be
 * on while its mode is available.  UML runs the kernel on one host thread,
 * so userspace() reads these between two resumes, never during one.
 */
static int use_sysptvm;
static int use_sysemu;

enum sysptvm_mode { MODE_PTRACE, MODE_SYSEMU, MODE_SYSPTVM };

static const char * const mode_names[] = {
	[MODE_PTRACE] = "PTRACE_SYSCALL, two stops per call (ptrace)",
	[MODE_SYSEMU] = "PTRACE_SYSEMU (sysemu)",
	[MODE_SYSPTVM] = "PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)",
};

static bool sysptvm_available(void)
{
	return host_has_sysptvm && !nosysptvm;
}

static bool sysemu_available(void)
{
	return host_has_sysemu && !nosysemu;
}

static enum sysptvm_mode current_mode(void)
{
	if (use_sysptvm)
		return MODE_SYSPTVM;
	if (use_sysemu)
		return MODE_SYSEMU;
	return MODE_PTRACE;
}

/* A parameter without a value sets @flag; one with a value is refused. */
static int __init flag_setup(const char *name, char *str, bool *flag)
{
	if (*str)
		os_warn("%s takes no value, ignoring '%s%s'\n", name, name, str);
	else
		*flag = true;
	return 0;
}

static int __init nosysptvm_setup(char *str, int *add)
{
	return flag_setup("nosysptvm", str, &nosysptvm);
}
__uml_setup("nosysptvm", nosysptvm_setup,
"nosysptvm\n"
"    Never drive processes with the PTRACE_VM tags (PTRACE_SYSCALL +\n"
"    PTRACE_SYSCALL_SKIPCALL), even if the host supports them: use\n"
"    PTRACE_SYSEMU, or plain PTRACE_SYSCALL without it.  /proc/sysptvm\n"
"    then refuses to switch them on.\n\n");

static int __init usesysemu_setup(char *str, int *add)
{
	return flag_setup("usesysemu", str, &usesysemu);
}
__uml_setup("usesysemu", usesysemu_setup,
"usesysemu\n"
"    Start with PTRACE_SYSEMU even if the host supports the PTRACE_VM\n"
"    tags.  Unlike nosysptvm, the tags stay available: writing 1 to\n"
"    /proc/sysptvm switches to them at run time.  Ignored, with a\n"
"    warning, where PTRACE_SYSEMU cannot be used (nosysemu, or a host\n"
"    without it).\n\n");

static int __init nosysemu_setup(char *str, int *add)
{
	return flag_setup("nosysemu", str, &nosysemu);
}
__uml_setup("nosysemu", nosysemu_setup,
"nosysemu\n"
"    Never drive processes with PTRACE_SYSEMU, even if the host supports\n"
"    it.  Without the PTRACE_VM tags (or with nosysptvm) UML then uses\n"
"    plain PTRACE_SYSCALL: two stops per system call, the call nullified\n"
"    at its entry.  /proc/sysemu then refuses to switch PTRACE_SYSEMU on.\n\n");

/* The kind of stop the process is in (PTRACE_EVENTMSG_*), or 0. */
static unsigned long stop_kind(int pid)
{
	unsigned long msg;

	if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) < 0)
		return 0;
	return msg;
}

#define PROBE_RESULT 4242

/*
 * A probe has three outcomes: the host does what it asks (OK), the host
 * answers as a kernel without the feature does (missing, unsupported), or
 * something else failed, a fork() or a wait, or the host answered in a way
 * no kernel should.  The last is not the host's answer: the probe keeps
 * what failed here and its caller prints it, as the stock probes do.
 */
static char probe_error[160];

static void __init probe_failed(const char *fmt, ...)
{
	va_list ap;

	if (probe_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(probe_error, sizeof(probe_error), fmt, ap);
	va_end(ap);
}

/* Print and forget what failed in the probe @name. */
static bool __init probe_report_error(const char *name)
{
	if (!probe_error[0])
		return false;
	os_warn("%s: the probe failed: %s\n", name, probe_error);
	probe_error[0] = '\0';
	return true;
}

/*
 * The child of a probe: exactly one getppid() for the tracer to act on,
 * then a call that says what it returned: getpid() for the result the
 * tracer set, getuid() for the parent's pid (the call ran), getgid() for
 * anything else.  The tracer reads only call numbers, on any architecture.
 */
#define PROBE_SAW_RESULT	__NR_getpid
#define PROBE_SAW_CALL_RUN	__NR_getuid
#define PROBE_SAW_OTHER		__NR_getgid

static void __init __noreturn probe_child(void)
{
	long parent = getppid(), ret;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(3);
	kill(getpid(), SIGSTOP);
	ret = syscall(__NR_getppid);
	syscall(ret == PROBE_RESULT ? PROBE_SAW_RESULT :
		ret == parent ? PROBE_SAW_CALL_RUN : PROBE_SAW_OTHER);
	_exit(0);
}

/* Start a probe child and wait for its SIGSTOP; its pid, or -1. */
static int __init probe_start(void)
{
	int pid, n, status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		probe_child();
	if (pid < 0) {
		probe_failed("fork failed, errno = %d", errno);
		return -1;
	}

	CATCH_EINTR(n = waitpid(pid, &status, WUNTRACED));
	if (n < 0)
		probe_failed("waitpid failed, errno = %d", errno);
	else if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		probe_failed("expected SIGSTOP from the child, got status = %#x",
			     status);
	else if (ptrace(PTRACE_SETOPTIONS, pid, 0,
			(void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		probe_failed("PTRACE_SETOPTIONS failed, errno = %d", errno);
	else
		return pid;

	kill(pid, SIGKILL);
	CATCH_EINTR(waitpid(pid, &status, __WALL));
	return -1;
}

static void __init probe_end(int pid)
{
	int status;

	kill(pid, SIGKILL);
	CATCH_EINTR(waitpid(pid, &status, __WALL));
}

/*
 * Wait for a syscall stop of the probe child; the number of its call, or
 * -1 after a stop of another kind (@status), or a failed wait.
 */
static long __init probe_wait_syscall(int pid, int *status)
{
	int n;
	long nr;

	CATCH_EINTR(n = waitpid(pid, status, __WALL));
	if (n < 0) {
		probe_failed("waitpid failed, errno = %d", errno);
		return -1;
	}
	if (!WIFSTOPPED(*status) || WSTOPSIG(*status) != (SIGTRAP | 0x80))
		return -1;
	errno = 0;
	nr = ptrace(PTRACE_PEEKUSER, pid, (void *) PT_SYSCALL_NR_OFFSET, 0);
	if (errno) {
		probe_failed("PTRACE_PEEKUSER failed, errno = %d", errno);
		return -1;
	}
	return nr;
}

/* A host without a ptrace request or tag refuses it with EIO. */
static bool __init probe_refused(const char *what, int err)
{
	if (err != EIO)
		probe_failed("%s failed, errno = %d", what, err);
	return false;
}

/*
 * Run the probe child to the entry stop of getppid() with @request,
 * resume it from there with @request and @tag (first setting the result
 * if @set_result), and check that the next stop is the entry of the call
 * @want_call (no exit stop of getppid), which says whether the call ran
 * and what it returned.
 *
 * A host without @request refuses it (EIO); one without the tags refuses
 * @tag or ignores it, and then stops at the exit of getppid().
 */
static bool __init probe_call(int request, const char *name,
			      unsigned long tag, bool set_result,
			      long want_call)
{
	bool ok = false;
	int pid = probe_start(), status;
	long nr;

	if (pid < 0)
		return false;
	if (ptrace(request, pid, 0, 0) < 0) {
		probe_refused(name, errno);
		goto out;
	}
	nr = probe_wait_syscall(pid, &status);
	if (nr != __NR_getppid) {
		probe_failed("expected the entry stop of getppid, got %s %#x",
			     nr < 0 ? "status =" : "call", nr < 0 ? status : (int) nr);
		goto out;
	}
	if (set_result &&
	    ptrace(PTRACE_POKEUSER, pid, (void *) PT_SYSCALL_RET_OFFSET,
		   (void *) PROBE_RESULT) < 0) {
		probe_failed("PTRACE_POKEUSER failed, errno = %d", errno);
		goto out;
	}
	if (ptrace(request, pid, (void *) tag, 0) < 0) {
		probe_refused(name, errno);
		goto out;
	}
	nr = probe_wait_syscall(pid, &status);
	if (nr == __NR_getppid && tag)
		goto out;	/* the exit stop: the host ignored the tag */
	ok = nr == want_call;
	if (ok)
		goto out;
	if (nr == PROBE_SAW_CALL_RUN)
		probe_failed("getppid ran");
	else if (nr == PROBE_SAW_RESULT || nr == PROBE_SAW_OTHER)
		probe_failed("getppid returned the wrong value");
	else
		probe_failed("expected the call that follows getppid, got %s %#x",
			     nr < 0 ? "status =" : "call", nr < 0 ? status : (int) nr);
out:
	probe_end(pid);
	return ok;
}

/* Single steps up to getppid(): traps first, then its entry stop. */
static bool __init probe_sysemu_singlestep(void)
{
	int pid = probe_start(), steps, status = 0;
	bool ok = false;
	long nr = -1;

	if (pid < 0)
		return false;
	for (steps = 0; steps < 100000; steps++) {
		if (ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, 0, 0) < 0) {
			probe_refused("PTRACE_SYSEMU_SINGLESTEP", errno);
			goto out;
		}
		nr = probe_wait_syscall(pid, &status);
		if (nr >= 0)
			break;
		if (probe_error[0] || !WIFSTOPPED(status) ||
		    WSTOPSIG(status) != SIGTRAP)
			break;
	}
	if (steps > 0 && nr == __NR_getppid)
		ok = true;
	else
		probe_failed("PTRACE_SYSEMU_SINGLESTEP: expected SIGTRAPs, then the entry stop of getppid; got status = %#x after %d step(s)",
			     status, steps);
out:
	probe_end(pid);
	return ok;
}

/*
 * Whether PTRACE_GETEVENTMSG tells the entry stop of a call from its exit
 * stop (Linux 5.3 and later); without it the mode cannot change at run time.
 */
static bool __init probe_stop_names(void)
{
	int pid = probe_start(), status;
	unsigned long msg;
	bool ok = false;

	if (pid < 0)
		return false;
	if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0)
		probe_failed("PTRACE_SYSCALL failed, errno = %d", errno);
	else if (probe_wait_syscall(pid, &status) != __NR_getppid)
		probe_failed("expected the entry stop of getppid, got status = %#x",
			     status);
	else if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) < 0)
		probe_failed("PTRACE_GETEVENTMSG failed, errno = %d", errno);
	else
		ok = msg == PTRACE_EVENTMSG_SYSCALL_ENTRY;
	probe_end(pid);
	return ok;
}

/* The end of a probe's boot line; the stock probes say "missing". */
static const char * __init probe_verdict(bool supported, bool disabled,
					 const char *missing)
{
	if (!supported)
		return missing;
	return disabled ? "(disabled)\n" : "OK\n";
}

/* Whether a probe failed rather than found the feature missing. */
static bool sysemu_probe_failed;
static bool sysptvm_probe_failed;

/* Called by check_ptrace(): without PTRACE_SYSEMU, UML uses another mode. */
void __init check_sysemu(void)
{
	os_info("Checking syscall emulation for ptrace...");
	host_has_sysemu = probe_call(PTRACE_SYSEMU, "PTRACE_SYSEMU", 0,
				     true, PROBE_SAW_RESULT) &&
			  probe_sysemu_singlestep();
	os_info("%s", probe_verdict(host_has_sysemu, nosysemu, "missing\n"));
	sysemu_probe_failed = probe_report_error("check_sysemu");
}

/* Why a mode better than the one chosen is not used. */
static const char * __init sysptvm_unused(void)
{
	if (!host_has_sysptvm)
		return sysptvm_probe_failed ? "its probe failed" :
					      "the host lacks the PTRACE_VM tags";
	if (nosysptvm)
		return "disabled by nosysptvm";
	return "usesysemu";
}

static const char * __init sysemu_unused(void)
{
	if (!host_has_sysemu)
		return sysemu_probe_failed ? "its probe failed" :
					     "the host lacks PTRACE_SYSEMU";
	return "disabled by nosysemu";
}

void __init check_sysptvm(void)
{
	enum sysptvm_mode mode;

	os_info("Checking ptrace new tags for syscall emulation...");
	host_has_sysptvm = probe_call(PTRACE_SYSCALL, "PTRACE_SYSCALL",
				      PTRACE_SYSCALL_SKIPEXIT, false,
				      PROBE_SAW_CALL_RUN) &&
			   probe_call(PTRACE_SYSCALL, "PTRACE_SYSCALL",
				      PTRACE_SYSCALL_SKIPCALL, true,
				      PROBE_SAW_RESULT);
	os_info("%s", probe_verdict(host_has_sysptvm, nosysptvm,
				    "unsupported\n"));
	sysptvm_probe_failed = probe_report_error("check_sysptvm");

	os_info("Checking that ptrace names syscall-entry and exit stops...");
	host_names_syscall_stops = probe_stop_names();
	os_info("%s", host_names_syscall_stops ? "OK\n" :
		"missing (Linux 5.3 has it): the mode cannot change at run time\n");
	probe_report_error("check_sysptvm");

	if (usesysemu && !sysemu_available()) {
		os_warn("usesysemu ignored: %s\n", sysemu_unused());
		usesysemu = false;
	} else if (usesysemu && nosysptvm) {
		os_warn("usesysemu has no effect with nosysptvm\n");
	}

	use_sysptvm = sysptvm_available() && !usesysemu;
	use_sysemu = sysemu_available();
	mode = current_mode();
	if (mode == MODE_SYSPTVM)
		os_info("Driving processes with %s (the host supports the PTRACE_VM tags)\n",
			mode_names[mode]);
	else if (mode == MODE_SYSEMU)
		os_info("Driving processes with %s (%s)\n", mode_names[mode],
			sysptvm_unused());
	else
		os_info("Driving processes with %s (sysptvm: %s; sysemu: %s)\n",
			mode_names[mode], sysptvm_unused(), sysemu_unused());
}

/* /proc/sysptvm and /proc/sysemu; -EOPNOTSUPP for a mode not available. */
static int set_switch(int *use, bool available, int on)
{
	if (on && !available)
		return -EOPNOTSUPP;
	if (!!on != *use && !host_names_syscall_stops)
		return -EOPNOTSUPP;
	*use = !!on;
	return 0;
}

int os_sysptvm_get(void)
{
	return use_sysptvm;
}

int os_sysptvm_set(int on)
{
	return set_switch(&use_sysptvm, sysptvm_available(), on);
}

int os_sysemu_get(void)
{
	return use_sysemu;
}

int os_sysemu_set(int on)
{
	return set_switch(&use_sysemu, sysemu_available(), on);
}

/* Wait for the next stop of the process; 0 or a negative errno. */
static int wait_stop(int pid, int *status)
{
	int n;

	CATCH_EINTR(n = waitpid(pid, status, WUNTRACED | __WALL));
	if (n < 0) {
		n = -errno;
		os_warn("%s: wait for process %d failed, errno = %d\n",
			__func__, pid, -n);
		return n;
	}
	return 0;
}

static int resume_process(int pid, int request, unsigned long addr)
{
	int err;

	if (ptrace(request, pid, addr, 0) < 0) {
		err = -errno;
		os_warn("%s: ptrace request %d (addr %#lx) on process %d failed, errno = %d\n",
			__func__, request, addr, pid, -err);
		return err;
	}
	return 0;
}

/*
 * Before PTRACE_SETREGS: how to resume the process, from the mode of this
 * moment.  @resume keeps it, so that the stop that follows is read the
 * same way, whatever the mode is by then.
 *
 * Single steps: sysemu mode has PTRACE_SYSEMU_SINGLESTEP.  The others
 * cannot use PTRACE_SINGLESTEP, which has no syscall-entry stop: the host
 * would run any call the step makes (a prefixed syscall, or one after a
 * mov to %ss, whose trap comes an instruction late).  They resume as usual,
 * so every call still stops at its entry, with the trap flag set in the
 * registers that PTRACE_SETREGS writes, so that the CPU traps after one
 * instruction.  UML's own trap follows a call.  The flag is taken out
 * again after the step, unless the instruction stepped set it itself.
 */
void os_ptrace_prepare(int pid, int singlestep, unsigned long *gp,
		       struct os_resume *resume)
{
	enum sysptvm_mode mode = current_mode();

	resume->mode = mode;
	resume->addr = 0;
	resume->forced_tf = 0;
	if (mode == MODE_SYSEMU) {
		resume->request = singlestep ? PTRACE_SYSEMU_SINGLESTEP
					     : PTRACE_SYSEMU;
		return;
	}
	resume->request = PTRACE_SYSCALL;
	if (mode == MODE_SYSPTVM)
		resume->addr = PTRACE_SYSCALL_SKIPCALL;
	if (singlestep)
		resume->forced_tf = os_arch_step_by_trap_flag(pid, gp);
}

/*
 * Ptrace mode: the process sits in the entry stop of a call that UML
 * handled, made in mode @made_by.  PTRACE_SETREGS gave it orig_ax = -1,
 * so the host runs no call, and the result in ax, which the host leaves
 * as it is for call -1.  Run it to the exit stop of that call; 1 if it got
 * there, 0 if it stopped otherwise (@status says how), or a negative
 * errno.
 *
 * From an entry stop of PTRACE_SYSCALL the exit stop follows.  From one of
 * PTRACE_SYSEMU (a switch from sysemu mode) it does too on today's hosts,
 * but the host names the stop (PTRACE_GETEVENTMSG) where run-time
 * switching is possible at all, so ask it rather than assume.
 */
static int run_to_exit_stop(int pid, int made_by, int *status)
{
	int err = resume_process(pid, PTRACE_SYSCALL, 0);

	if (!err)
		err = wait_stop(pid, status);
	if (err)
		return err;
	if (!WIFSTOPPED(*status) || WSTOPSIG(*status) != (SIGTRAP | 0x80))
		return 0;
	if (made_by == MODE_SYSEMU &&
	    stop_kind(pid) == PTRACE_EVENTMSG_SYSCALL_ENTRY)
		return 0;
	return 1;
}

/*
 * Resume the process as os_ptrace_prepare() said and wait for its next
 * stop (@status).  Each mode gives one syscall stop per call to
 * userspace(), an entry stop, and @mm records it: in sysemu and sysptvm
 * modes the next resume ends it without more; in ptrace mode the process
 * first runs to the exit stop of the call it stopped for, here.
 *
 * A process may sit in an entry stop that another mode made, or the stub
 * may have run since (mem.c then clears mm->syscall_stop).  A PTRACE_SYSEMU
 * or SKIPCALL resume ends any entry stop; orig_ax is -1, so no call runs.
 *
 * Returns 0, or a negative errno, which it has told.
 */
int os_ptrace_resume(int pid, struct mm_id *mm, struct os_resume *resume,
		     int *status)
{
	int err;

	if (resume->mode == MODE_PTRACE && mm->syscall_stop) {
		err = run_to_exit_stop(pid, mm->syscall_stop - 1, status);
		if (err < 0)
			return err;
		if (!err)
			goto stopped;
	}
	err = resume_process(pid, resume->request, resume->addr);
	if (!err)
		err = wait_stop(pid, status);
	if (err)
		return err;
stopped:
	mm->syscall_stop = WIFSTOPPED(*status) &&
			   WSTOPSIG(*status) == (SIGTRAP | 0x80) ?
			   resume->mode + 1 : 0;
	return 0;
}

/* After a stop: the process's flags, as it set them. */
void os_ptrace_stopped(const struct os_resume *resume, unsigned long *gp)
{
	if (resume->forced_tf)
		os_arch_clear_trap_flag(gp);
}

/*
 * Called in a new process of UML's, the clone of a UML thread, before
 * it unmaps everything below TASK_SIZE.  The clone keeps the thread's
 * rseq registration, whose area is in glibc's thread data; with four-level
 * page tables that lies below TASK_SIZE, and once it is unmapped the host
 * faults the stub at the next preemption (SIGSEGV, "wait_stub_done:
 * failed to wait for SIGTRAP").  The kernel wants the length that was
 * registered, sizeof(struct rseq); glibc publishes __rseq_size, which may
 * be less (20 on this project's Debian 12 hosts, where glibc registers 32).
 */
void os_drop_rseq(void)
{
	void *area;

	if (__rseq_size == 0)
		return;
	area = (char *)__builtin_thread_pointer() + __rseq_offset;
	if (syscall(__NR_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0)
		return;
	syscall(__NR_rseq, area, sizeof(struct rseq), RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}
