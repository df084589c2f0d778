// SPDX-License-Identifier: GPL-2.0
/*
 * Which mode drives UML's processes (ptrace_resume.c): chosen at boot from
 * what the host has (the probes of start_up.c) and the boot parameters
 * nosysptvm, nosysemu and usesysemu; switched at run time by /proc/sysptvm
 * and /proc/sysemu (arch/um/kernel/sysptvm.c).  The best mode the host has
 * is the default.
 */

#include <errno.h>
#include <stdbool.h>
#include <init.h>
#include <os.h>
#include "internal.h"

/* What the probes found. */
static struct ptrace_probes host;

/* Boot parameters. */
static bool nosysemu;
static bool nosysptvm;
static bool usesysemu;

/*
 * The switches of /proc/sysptvm and /proc/sysemu.  The mode is the first
 * of sysptvm, sysemu and ptrace whose switch is on; a switch can only be
 * on while its mode is available.  UML runs the kernel on one host thread,
 * so userspace() reads ptrace_mode between two resumes, never during one.
 */
static int use_sysptvm;
static int use_sysemu;

static const char * const mode_names[] = {
	[MODE_PTRACE] = "PTRACE_SYSCALL, two stops per call (ptrace)",
	[MODE_SYSEMU] = "PTRACE_SYSEMU (sysemu)",
	[MODE_SYSPTVM] = "PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)",
};

static bool sysptvm_available(void)
{
	return host.sysptvm && !nosysptvm;
}

static bool sysemu_available(void)
{
	return host.sysemu && !nosysemu;
}

static void update_mode(void)
{
	if (use_sysptvm)
		ptrace_mode = MODE_SYSPTVM;
	else if (use_sysemu)
		ptrace_mode = MODE_SYSEMU;
	else
		ptrace_mode = MODE_PTRACE;
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

/* Whether a boot parameter rules @mode out, for the probes' boot lines. */
bool __init ptrace_mode_ruled_out(enum ptrace_mode mode)
{
	if (mode == MODE_SYSPTVM)
		return nosysptvm;
	return mode == MODE_SYSEMU && nosysemu;
}

/* Why a mode better than the one chosen is not used. */
static const char * __init sysptvm_unused(void)
{
	if (!host.sysptvm)
		return host.sysptvm_failed ? "its probe failed" :
					     "the host lacks the PTRACE_VM tags";
	if (nosysptvm)
		return "disabled by nosysptvm";
	return "usesysemu";
}

static const char * __init sysemu_unused(void)
{
	if (!host.sysemu)
		return host.sysemu_failed ? "its probe failed" :
					    "the host lacks PTRACE_SYSEMU";
	return "disabled by nosysemu";
}

/* At boot, after the probes: choose the mode and say which, and why. */
void __init os_ptrace_modes_init(const struct ptrace_probes *found)
{
	host = *found;
	if (usesysemu && !sysemu_available()) {
		os_warn("usesysemu ignored: %s\n", sysemu_unused());
		usesysemu = false;
	} else if (usesysemu && nosysptvm) {
		os_warn("usesysemu has no effect with nosysptvm\n");
	}

	use_sysptvm = sysptvm_available() && !usesysemu;
	use_sysemu = sysemu_available();
	update_mode();
	if (ptrace_mode == MODE_SYSPTVM)
		os_info("Driving processes with %s (the host supports the PTRACE_VM tags)\n",
			mode_names[ptrace_mode]);
	else if (ptrace_mode == MODE_SYSEMU)
		os_info("Driving processes with %s (%s)\n",
			mode_names[ptrace_mode], sysptvm_unused());
	else
		os_info("Driving processes with %s (sysptvm: %s; sysemu: %s)\n",
			mode_names[ptrace_mode], sysptvm_unused(),
			sysemu_unused());
}

/*
 * /proc/sysptvm and /proc/sysemu: -EOPNOTSUPP for a mode not available,
 * or for any change where the host cannot tell a stop that one mode left
 * from one of another.
 */
static int set_switch(int *use, bool available, int on)
{
	if (on && !available)
		return -EOPNOTSUPP;
	if (!!on != *use && !host.stop_names)
		return -EOPNOTSUPP;
	*use = !!on;
	update_mode();
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
