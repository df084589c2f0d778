// SPDX-License-Identifier: GPL-2.0
/*
 * The calls the tool handles: one table, one row per call and feature,
 * that says what the tool does with the call and which test covers it.
 * Each call takes one of the paths of seed 001 (umview):
 *
 *   answered    the tool computes the result; the call does not run
 *               (CALL_ANSWERED: PTRACE_SYSCALL_SKIPCALL with ptvm);
 *   rewritten   its path arguments now name the host's files; it runs,
 *               and its result needs no change (CALL_REWRITTEN: SKIPEXIT);
 *   fixed up    it runs, and its result is changed at the exit stop
 *               (CALL_FIXUP: getcwd, readlink of /proc's links);
 *   run         every other call, and a handled one that the options or
 *               its arguments leave alone (CALL_RUN: SKIPEXIT).
 *
 * A rewritten path goes below the tracee's red zone, and the argument
 * register keeps pointing there after the call: x86_64's system call
 * ABI preserves the argument registers, but no C library reuses a path's
 * register after the call, and PRoot's seccomp mode relies on the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include "partialvm.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#define IN_DONT_FOLLOW_BIT	0x02000000
#define UMOUNT_NOFOLLOW_BIT	0x8
#define FAN_MARK_DONT_FOLLOW_BIT 0x4
#define MOVE_MOUNT_F_SYMLINKS_BIT 0x1
#define MOVE_MOUNT_T_SYMLINKS_BIT 0x10

/* How the last component of a path argument is treated. */
enum follow {
	FOLLOW,		/* a symlink there is followed */
	NOFOLLOW,	/* it is not, unless the path ends in '/' (lstat) */
	CREATE,		/* it is not, even then: the calls that create or
			 * remove the last component (the kernel says ENOTDIR
			 * or EEXIST) */
	FLAG_NOFOLLOW,	/* followed unless the flags argument has .bit */
	FLAG_FOLLOW,	/* followed only if the flags argument has .bit */
	OPEN_FLAGS,	/* open(2)'s: O_NOFOLLOW, or O_CREAT | O_EXCL */
	OPEN_HOW,	/* openat2(2)'s: the same, in struct open_how */
};

struct path_arg {
	signed char dirfd;	/* the argument with the directory fd, or -1 */
	signed char path;	/* the argument with the path, or -1: none */
	signed char flags;	/* the argument FLAG_* and OPEN_* read */
	unsigned char follow;
	unsigned long bit;
};

/* What a row needs of the options to be in force. */
enum needs { BINDS = 1, FAKE_ROOT = 2, HOSTNAME = 4 };

struct call;
typedef enum verdict (*entry_fn)(struct tracee *t, struct user_regs_struct *r,
				 const struct call *c, bool *changed);

struct call {
	long nr;
	const char *name;
	enum needs needs;
	entry_fn entry;
	struct path_arg path[2];
	const char *does;
	const char *test;
};

static enum verdict path_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict readlink_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict getcwd_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict exec_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict id_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict getres_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict chown_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict uname_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);
static enum verdict sethostname_entry(struct tracee *, struct user_regs_struct *, const struct call *, bool *);

#define P(path)			{ -1, path, -1, FOLLOW, 0 }
#define PN(path)		{ -1, path, -1, NOFOLLOW, 0 }
#define PC(path)		{ -1, path, -1, CREATE, 0 }
#define ATC(fd, path)		{ fd, path, -1, CREATE, 0 }
#define AT(fd, path)		{ fd, path, -1, FOLLOW, 0 }
#define ATN(fd, path)		{ fd, path, -1, NOFOLLOW, 0 }
#define ATF(fd, path, f, how, b) { fd, path, f, how, b }
#define NONE			{ -1, -1, -1, FOLLOW, 0 }
#define PATHS(a, b)		{ a, b }

/*
 * The rows.  Where a call has rows for two features, the later row in
 * force wins: -0's chown also resolves its path through the binds.
 * "test" names the cases that cover the row: "calls: NAME" in
 * partialvm/tests/calls.c, "scenario NAME" in partialvm/tests/scenarios.sh.
 */
static const struct call calls[] = {
	/* Paths: rewritten when they resolve under a bind. */
	{ SYS_open, "open", BINDS, path_entry, PATHS(ATF(-1, 0, 1, OPEN_FLAGS, 0), NONE), "rewrites the path", "calls: sys_open" },
	{ SYS_creat, "creat", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_creat" },
	{ SYS_stat, "stat", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_stat" },
	{ SYS_lstat, "lstat", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_lstat" },
	{ SYS_access, "access", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_access" },
	{ SYS_truncate, "truncate", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_truncate" },
	{ SYS_chdir, "chdir", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_chdir" },
	{ SYS_mkdir, "mkdir", BINDS, path_entry, PATHS(PC(0), NONE), "rewrites the path", "calls: sys_mkdir" },
	{ SYS_rmdir, "rmdir", BINDS, path_entry, PATHS(PC(0), NONE), "rewrites the path", "calls: sys_rmdir, create_calls_keep_trailing_slash" },
	{ SYS_rename, "rename", BINDS, path_entry, PATHS(PC(0), PC(1)), "rewrites both paths", "calls: sys_rename" },
	{ SYS_link, "link", BINDS, path_entry, PATHS(PN(0), PC(1)), "rewrites both paths", "calls: sys_link" },
	{ SYS_unlink, "unlink", BINDS, path_entry, PATHS(PC(0), NONE), "rewrites the path", "calls: sys_unlink" },
	{ SYS_symlink, "symlink", BINDS, path_entry, PATHS(PC(1), NONE), "rewrites the link's path; its target is text, kept", "calls: sys_symlink" },
	{ SYS_chmod, "chmod", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_chmod" },
	{ SYS_chown, "chown", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_chown" },
	{ SYS_lchown, "lchown", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_lchown" },
	{ SYS_utime, "utime", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_utime" },
	{ SYS_utimes, "utimes", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_utimes" },
	{ SYS_mknod, "mknod", BINDS, path_entry, PATHS(PC(0), NONE), "rewrites the path", "calls: sys_mknod" },
	{ SYS_statfs, "statfs", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_statfs" },
	{ SYS_chroot, "chroot", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_chroot" },
	{ SYS_acct, "acct", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_acct" },
	{ SYS_swapon, "swapon", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_swapon" },
	{ SYS_swapoff, "swapoff", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_swapoff" },
	{ SYS_mount, "mount", BINDS, path_entry, PATHS(P(1), NONE), "rewrites the mount point (the source may be no path)", "calls: sys_mount" },
	{ SYS_umount2, "umount2", BINDS, path_entry, PATHS(ATF(-1, 0, 1, FLAG_NOFOLLOW, UMOUNT_NOFOLLOW_BIT), NONE), "rewrites the path", "calls: sys_umount2" },
	{ SYS_pivot_root, "pivot_root", BINDS, path_entry, PATHS(P(0), P(1)), "rewrites both paths", "calls: sys_pivot_root" },
	{ SYS_quotactl, "quotactl", BINDS, path_entry, PATHS(P(1), NONE), "rewrites the device's path", "calls: sys_quotactl" },
	{ SYS_setxattr, "setxattr", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_setxattr" },
	{ SYS_lsetxattr, "lsetxattr", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_lsetxattr" },
	{ SYS_getxattr, "getxattr", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_getxattr" },
	{ SYS_lgetxattr, "lgetxattr", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_lgetxattr" },
	{ SYS_listxattr, "listxattr", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_listxattr" },
	{ SYS_llistxattr, "llistxattr", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_llistxattr" },
	{ SYS_removexattr, "removexattr", BINDS, path_entry, PATHS(P(0), NONE), "rewrites the path", "calls: sys_removexattr" },
	{ SYS_lremovexattr, "lremovexattr", BINDS, path_entry, PATHS(PN(0), NONE), "rewrites the path", "calls: sys_lremovexattr" },
	{ SYS_inotify_add_watch, "inotify_add_watch", BINDS, path_entry, PATHS(ATF(-1, 1, 2, FLAG_NOFOLLOW, IN_DONT_FOLLOW_BIT), NONE), "rewrites the path", "calls: sys_inotify_add_watch" },
	{ SYS_fanotify_mark, "fanotify_mark", BINDS, path_entry, PATHS(ATF(3, 4, 1, FLAG_NOFOLLOW, FAN_MARK_DONT_FOLLOW_BIT), NONE), "rewrites the path", "calls: sys_fanotify_mark" },
	/* The *at family: a relative path starts at the directory fd. */
	{ SYS_openat, "openat", BINDS, path_entry, PATHS(ATF(0, 1, 2, OPEN_FLAGS, 0), NONE), "rewrites the path", "calls: sys_openat, restarted_open_after_handler" },
	{ SYS_openat2, "openat2", BINDS, path_entry, PATHS(ATF(0, 1, 2, OPEN_HOW, 0), NONE), "rewrites the path", "calls: sys_openat2" },
	{ SYS_mkdirat, "mkdirat", BINDS, path_entry, PATHS(ATC(0, 1), NONE), "rewrites the path", "calls: sys_mkdirat" },
	{ SYS_mknodat, "mknodat", BINDS, path_entry, PATHS(ATC(0, 1), NONE), "rewrites the path", "calls: sys_mknodat" },
	{ SYS_fchownat, "fchownat", BINDS, path_entry, PATHS(ATF(0, 1, 4, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_fchownat" },
	{ SYS_futimesat, "futimesat", BINDS, path_entry, PATHS(AT(0, 1), NONE), "rewrites the path", "calls: sys_futimesat" },
	{ SYS_newfstatat, "newfstatat", BINDS, path_entry, PATHS(ATF(0, 1, 3, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_newfstatat" },
	{ SYS_unlinkat, "unlinkat", BINDS, path_entry, PATHS(ATC(0, 1), NONE), "rewrites the path", "calls: sys_unlinkat" },
	{ SYS_renameat, "renameat", BINDS, path_entry, PATHS(ATC(0, 1), ATC(2, 3)), "rewrites both paths", "calls: sys_renameat" },
	{ SYS_renameat2, "renameat2", BINDS, path_entry, PATHS(ATC(0, 1), ATC(2, 3)), "rewrites both paths", "calls: sys_renameat2" },
	{ SYS_linkat, "linkat", BINDS, path_entry, PATHS(ATF(0, 1, 4, FLAG_FOLLOW, AT_SYMLINK_FOLLOW), ATC(2, 3)), "rewrites both paths", "calls: sys_linkat" },
	{ SYS_symlinkat, "symlinkat", BINDS, path_entry, PATHS(ATC(1, 2), NONE), "rewrites the link's path; its target is text, kept", "calls: sys_symlinkat" },
	{ SYS_fchmodat, "fchmodat", BINDS, path_entry, PATHS(AT(0, 1), NONE), "rewrites the path", "calls: sys_fchmodat" },
	{ SYS_fchmodat2, "fchmodat2", BINDS, path_entry, PATHS(ATF(0, 1, 3, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_fchmodat2" },
	{ SYS_faccessat, "faccessat", BINDS, path_entry, PATHS(AT(0, 1), NONE), "rewrites the path", "calls: sys_faccessat" },
	{ SYS_faccessat2, "faccessat2", BINDS, path_entry, PATHS(ATF(0, 1, 3, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_faccessat2" },
	{ SYS_utimensat, "utimensat", BINDS, path_entry, PATHS(ATF(0, 1, 3, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path (none: the fd's file)", "calls: sys_utimensat" },
	{ SYS_name_to_handle_at, "name_to_handle_at", BINDS, path_entry, PATHS(ATF(0, 1, 4, FLAG_FOLLOW, AT_SYMLINK_FOLLOW), NONE), "rewrites the path", "calls: sys_name_to_handle_at" },
	{ SYS_statx, "statx", BINDS, path_entry, PATHS(ATF(0, 1, 2, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_statx" },
	{ SYS_open_tree, "open_tree", BINDS, path_entry, PATHS(ATF(0, 1, 2, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_open_tree" },
	{ SYS_move_mount, "move_mount", BINDS, path_entry, PATHS(ATF(0, 1, 4, FLAG_FOLLOW, MOVE_MOUNT_F_SYMLINKS_BIT), ATF(2, 3, 4, FLAG_FOLLOW, MOVE_MOUNT_T_SYMLINKS_BIT)), "rewrites both paths", "calls: sys_move_mount" },
	{ SYS_mount_setattr, "mount_setattr", BINDS, path_entry, PATHS(ATF(0, 1, 2, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "rewrites the path", "calls: sys_mount_setattr" },
	/* Paths whose result tells a path: fixed up at the exit stop. */
	{ SYS_readlink, "readlink", BINDS, readlink_entry, PATHS(PN(0), NONE), "rewrites the path; a link of /proc gets its target mapped back at the exit", "calls: sys_readlink; scenario cd-pwd" },
	{ SYS_readlinkat, "readlinkat", BINDS, readlink_entry, PATHS(ATN(0, 1), NONE), "as readlink", "calls: sys_readlinkat" },
	{ SYS_getcwd, "getcwd", BINDS, getcwd_entry, PATHS(NONE, NONE), "runs; a cwd under a bind is mapped back at the exit", "calls: sys_getcwd, getcwd_outside_the_binds, symlinks_and_dotdot; scenario cd-pwd" },
	/* exec: the program, and a #! script's interpreter, under a bind. */
	{ SYS_execve, "execve", BINDS, exec_entry, PATHS(P(0), NONE), "rewrites the path; a #! script whose interpreter is under a bind runs that interpreter", "calls: sys_execve, execve_script; scenario script" },
	{ SYS_execveat, "execveat", BINDS, exec_entry, PATHS(ATF(0, 1, 4, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "as execve", "calls: sys_execveat" },
	/* -0: fake root. */
	{ SYS_getuid, "getuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_getuid; scenario fake-root" },
	{ SYS_geteuid, "geteuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_geteuid; scenario fake-root" },
	{ SYS_getgid, "getgid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_getgid" },
	{ SYS_getegid, "getegid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_getegid" },
	{ SYS_getresuid, "getresuid", FAKE_ROOT, getres_entry, PATHS(NONE, NONE), "answers 0, 0, 0", "calls: sys_getresuid" },
	{ SYS_getresgid, "getresgid", FAKE_ROOT, getres_entry, PATHS(NONE, NONE), "answers 0, 0, 0", "calls: sys_getresgid" },
	{ SYS_setuid, "setuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0: root may", "calls: sys_setuid" },
	{ SYS_setgid, "setgid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setgid" },
	{ SYS_setreuid, "setreuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setreuid" },
	{ SYS_setregid, "setregid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setregid" },
	{ SYS_setresuid, "setresuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setresuid" },
	{ SYS_setresgid, "setresgid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setresgid" },
	{ SYS_setfsuid, "setfsuid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0, the fsuid before", "calls: sys_setfsuid" },
	{ SYS_setfsgid, "setfsgid", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setfsgid" },
	{ SYS_setgroups, "setgroups", FAKE_ROOT, id_entry, PATHS(NONE, NONE), "answers 0", "calls: sys_setgroups" },
	{ SYS_chown, "chown", FAKE_ROOT, chown_entry, PATHS(P(0), NONE), "answers 0 if the file exists; the file is not changed", "calls: fake_chown; scenario fake-root" },
	{ SYS_lchown, "lchown", FAKE_ROOT, chown_entry, PATHS(PN(0), NONE), "as chown", "calls: fake_lchown" },
	{ SYS_fchown, "fchown", FAKE_ROOT, chown_entry, PATHS(NONE, NONE), "as chown, for an open fd", "calls: fake_fchown" },
	{ SYS_fchownat, "fchownat", FAKE_ROOT, chown_entry, PATHS(ATF(0, 1, 4, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW), NONE), "as chown", "calls: fake_fchownat" },
	/* -n: a virtual hostname. */
	{ SYS_uname, "uname", HOSTNAME, uname_entry, PATHS(NONE, NONE), "answers the host's, with the virtual nodename", "calls: sys_uname; scenario hostname" },
	{ SYS_sethostname, "sethostname", HOSTNAME, sethostname_entry, PATHS(NONE, NONE), "answers 0 (EPERM unless root or -0) and changes the virtual hostname", "calls: sys_sethostname; scenario hostname" },
};

#define NCALLS (sizeof(calls) / sizeof(calls[0]))

/* The row in force for each call number, set by calls_setup(). */
static const struct call *handler[PVM_MAX_SYSCALL];
char virtual_hostname[65];
/* The answer to uname: the kernel's, read once, with the virtual name. */
static struct utsname uts_answer;

void calls_setup(const struct options *o)
{
	unsigned int have = (bind_count() ? BINDS : 0) |
		(o->fake_root ? FAKE_ROOT : 0) | (o->hostname ? HOSTNAME : 0);
	size_t i;

	for (i = 0; i < NCALLS; i++)
		if ((calls[i].needs & have) == calls[i].needs &&
		    calls[i].nr >= 0 && calls[i].nr < PVM_MAX_SYSCALL)
			handler[calls[i].nr] = &calls[i];
	if (o->hostname) {
		snprintf(virtual_hostname, sizeof(virtual_hostname), "%s", o->hostname);
		uname(&uts_answer);
		snprintf(uts_answer.nodename, sizeof(uts_answer.nodename), "%s", o->hostname);
	}
}

bool call_handled(long nr)
{
	return nr >= 0 && nr < PVM_MAX_SYSCALL && handler[nr];
}

void calls_print_table(void)
{
	size_t i;

	printf("%-18s %-8s %-70s %s\n", "call", "with", "what the tool does", "covered by");
	for (i = 0; i < NCALLS; i++)
		printf("%-18s %-8s %-70s %s\n", calls[i].name,
		       calls[i].needs == BINDS ? "-b" :
		       calls[i].needs == FAKE_ROOT ? "-0" : "-n",
		       calls[i].does, calls[i].test);
}

/*
 * Whether a path argument's last component is followed: 1, 0 (unless the
 * path ends in '/'), or -1 (never: CREATE).
 */
static int follows(struct tracee *t, struct user_regs_struct *r, const struct path_arg *a)
{
	unsigned long flags = a->flags >= 0 ? reg_arg(r, a->flags) : 0;
	unsigned long long how_flags;

	switch (a->follow) {
	case CREATE:
		return -1;
	case NOFOLLOW:
		return 0;
	case FLAG_NOFOLLOW:
		return !(flags & a->bit);
	case FLAG_FOLLOW:
		return !!(flags & a->bit);
	case OPEN_HOW:
		if (tracee_read(t, flags, &how_flags, sizeof(how_flags)))
			return true;
		flags = how_flags;
		/* fall through */
	case OPEN_FLAGS:
		return !(flags & O_NOFOLLOW) &&
			(flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	default:
		return 1;
	}
}

/*
 * @path, which the tracee gave with @dirfd, resolved in its view: the
 * guest path in @g, the host path in @h (PATH_MAX bytes each).  0, with
 * *touched set when the walk went under a bind; the walk's -errno (ELOOP,
 * ENAMETOOLONG); or, with *no_start, the error of the directory that a
 * relative path starts from.
 */
static int resolve(struct tracee *t, int dirfd, const char *path, int follow,
		   char *g, char *h, bool *touched, bool *no_start)
{
	char start[PATH_MAX];
	int err;

	*touched = false;
	*no_start = false;
	if (path[0] == '/') {
		strcpy(start, "/");
	} else {
		err = tracee_guest_dir(t, dirfd, start, sizeof(start));
		if (err) {
			*no_start = true;
			return err;
		}
	}
	err = guest_canonical(start, path, follow, g, PATH_MAX, touched);
	if (err)
		return err;
	guest_to_host(g, h, PATH_MAX);
	return 0;
}

/*
 * Resolve one path argument through the binds.  The guest path in
 * @guest and the host path in @host, if not NULL.  1 if the argument
 * now points to the host path, 0 if the kernel's own resolution is the
 * same (nothing under a bind) or the path cannot be read (the kernel says
 * EFAULT), -errno for the call to return.
 */
static int translate(struct tracee *t, struct user_regs_struct *r, const struct path_arg *a,
		     int follow, char *guest, char *host)
{
	char path[PATH_MAX], g[PATH_MAX], h[PATH_MAX];
	unsigned long addr = reg_arg(r, a->path);
	int dirfd = a->dirfd >= 0 ? (int)reg_arg(r, a->dirfd) : AT_FDCWD;
	bool touched, no_start;
	int err;

	if (!addr)
		return 0;
	err = tracee_read_string(t, addr, path, sizeof(path));
	if (err)
		return err == -ENAMETOOLONG ? err : 0;
	if (!path[0])
		return 0;	/* AT_EMPTY_PATH, or the kernel's ENOENT */
	err = resolve(t, dirfd, path, follow, g, h, &touched, &no_start);
	if (err)
		return no_start ? 0 : err;
	if (strlen(h) >= PATH_MAX - 1)
		return -ENAMETOOLONG;
	if (guest)
		strcpy(guest, g);
	if (host)
		strcpy(host, h);
	if (!touched)
		return 0;
	addr = tracee_push(t, h, strlen(h) + 1);
	if (!addr)
		return -EFAULT;
	reg_set_arg(r, a->path, addr);
	return 1;
}

/* Rewrite every path argument of the call; the verdict. */
static enum verdict translate_all(struct tracee *t, struct user_regs_struct *r,
				  const struct call *c, bool *changed)
{
	int i, ret;

	for (i = 0; i < 2 && c->path[i].path >= 0; i++) {
		ret = translate(t, r, &c->path[i], follows(t, r, &c->path[i]), NULL, NULL);
		if (ret < 0) {
			t->result = ret;
			return CALL_ANSWERED;
		}
		if (ret)
			*changed = true;
	}
	return *changed ? CALL_REWRITTEN : CALL_RUN;
}

static enum verdict path_entry(struct tracee *t, struct user_regs_struct *r,
			       const struct call *c, bool *changed)
{
	return translate_all(t, r, c, changed);
}

/*
 * Keep the buffer a call will fill, so that where the guest path is
 * shorter than the host's, the bytes after it are as the program left
 * them: the kernel writes only the path.
 */
static void save_buffer(struct tracee *t, unsigned long buf, size_t size)
{
	if (size > PATH_MAX)
		size = PATH_MAX;
	if (!t->saved)
		t->saved = malloc(PATH_MAX);
	t->saved_len = t->saved && !tracee_read(t, buf, t->saved, size) ? size : 0;
}

/* Write @guest (@n bytes) where the kernel wrote @host_len bytes. */
static long put_path(struct tracee *t, unsigned long buf, const char *guest, size_t n,
		     size_t host_len)
{
	if (tracee_write(t, buf, guest, n))
		return -EFAULT;
	if (host_len > t->saved_len)
		host_len = t->saved_len;
	if (host_len > n && tracee_write(t, buf + n, t->saved + n, host_len - n))
		return -EFAULT;
	return n;
}

/*
 * A host path of @len bytes in the buffer the call filled: the guest's
 * instead.  The call's new result: the length, with the NUL for getcwd
 * (@nul), whether the path changed or not.
 */
static long map_back(struct tracee *t, unsigned long buf, long len, size_t size,
		     bool nul)
{
	char host[PATH_MAX + 1], guest[PATH_MAX];
	long same = len + (nul ? 1 : 0);
	size_t n;

	if (len <= 0 || len > PATH_MAX || tracee_read(t, buf, host, len))
		return same;
	host[len] = '\0';
	if (host[0] != '/')
		return same;
	host_to_guest(host, guest, sizeof(guest));
	if (!strcmp(guest, host))
		return same;
	n = strlen(guest) + (nul ? 1 : 0);
	if (n > size) {
		if (nul)
			return -ERANGE;
		n = size;	/* readlink truncates */
	}
	return put_path(t, buf, guest, n, same);
}

/*
 * The kernel filled the buffer with a host path.  A full buffer may hold
 * only the start of it, which cannot be mapped: the tool then reads the
 * link itself, in the tracee's /proc.
 */
static void readlink_exit(struct tracee *t, struct user_regs_struct *r)
{
	int at = REG_NR(&t->entry) == SYS_readlinkat;
	unsigned long buf = reg_arg(&t->entry, at + 1);
	size_t size = reg_arg(&t->entry, at + 2);
	char link[PATH_MAX], host[PATH_MAX], guest[PATH_MAX];
	long n = REG_RESULT(r);
	size_t len;

	if (n <= 0)
		return;
	if ((size_t)n < size || !t->link) {
		REG_RESULT(r) = map_back(t, buf, n, size, false);
		return;
	}
	if (!strncmp(t->link, "/proc/self/", 11))
		snprintf(link, sizeof(link), "/proc/%ld/%s", tracee_tgid(t), t->link + 11);
	else if (!strncmp(t->link, "/proc/thread-self/", 18))
		snprintf(link, sizeof(link), "/proc/%ld/task/%d/%s", tracee_tgid(t), t->pid,
			 t->link + 18);
	else
		snprintf(link, sizeof(link), "%s", t->link);
	n = readlink(link, host, sizeof(host) - 1);
	if (n <= 0)
		return;
	host[n] = '\0';
	host_to_guest(host, guest, sizeof(guest));
	len = strlen(guest);
	if (len > size)
		len = size;
	REG_RESULT(r) = put_path(t, buf, guest, len, size);
}

static enum verdict readlink_entry(struct tracee *t, struct user_regs_struct *r,
				   const struct call *c, bool *changed)
{
	char guest[PATH_MAX];
	int ret;

	guest[0] = '\0';
	ret = translate(t, r, &c->path[0], 0, guest, NULL);
	if (ret < 0) {
		t->result = ret;
		return CALL_ANSWERED;
	}
	*changed = ret;
	if (!strncmp(guest, "/proc/", 6)) {
		int at = REG_NR(r) == SYS_readlinkat;

		free(t->link);
		t->link = strdup(guest);
		save_buffer(t, reg_arg(r, at + 1), reg_arg(r, at + 2));
		t->fixup = readlink_exit;
		return CALL_FIXUP;
	}
	return ret ? CALL_REWRITTEN : CALL_RUN;
}

static void getcwd_exit(struct tracee *t, struct user_regs_struct *r)
{
	long len = REG_RESULT(r);

	/* The kernel's length counts the NUL. */
	if (len > 0)
		REG_RESULT(r) = map_back(t, reg_arg(&t->entry, 0), len - 1,
					 reg_arg(&t->entry, 1), true);
}

static enum verdict getcwd_entry(struct tracee *t, struct user_regs_struct *r,
				 const struct call *c, bool *changed)
{
	(void)c; (void)changed;
	save_buffer(t, reg_arg(r, 0), reg_arg(r, 1));
	t->fixup = getcwd_exit;
	return CALL_FIXUP;
}

/*
 * exec.  The kernel reads a #! line and resolves its interpreter in its
 * own view: an interpreter under a bind would not be found.  So the tool
 * does what the kernel does, in the guest's view: it execs the
 * interpreter's host path with the argv the kernel would have built
 * (interpreter as written, its argument, the script's path as given, the
 * script's arguments).  An interpreter that is itself a script is taken
 * the same way, up to the kernel's depth.
 */
#define SHEBANG_DEPTH 4
static int shebang(const char *host, char *interp, size_t isize, char *arg, size_t asize)
{
	char line[256], *p, *end;
	struct stat st;
	ssize_t n;
	/* Not a FIFO's open that waits, nor a device's that acts. */
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	end = strchrnul(line, '\n');
	*end = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return 0;
	end = p + strcspn(p, " \t");
	snprintf(interp, isize, "%.*s", (int)(end - p), p);
	for (p = end; *p == ' ' || *p == '\t'; p++)
		;
	/* The kernel passes the rest as one argument, trailing blanks cut. */
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	snprintf(arg, asize, "%.*s", (int)(end - p), p);
	return 1;
}

static enum verdict exec_entry(struct tracee *t, struct user_regs_struct *r,
			       const struct call *c, bool *changed)
{
	int at = REG_NR(r) == SYS_execveat, argv_reg = at + 1, depth, ret, i;
	char guest[PATH_MAX], host[PATH_MAX], interp[256], iarg[256];
	char ig[PATH_MAX], ih[PATH_MAX];
	unsigned long script_ptr = reg_arg(r, c->path[0].path);
	unsigned long *ptrs = NULL, old_argv, p, path_ptr, argv_ptr;
	unsigned long heads[SHEBANG_DEPTH][2];
	size_t nargs = 0, cap = 0;
	int nheads = 0;
	bool touched, no_start, under_bind = false;

	guest[0] = '\0';
	ret = translate(t, r, &c->path[0], follows(t, r, &c->path[0]), guest, host);
	if (ret < 0) {
		t->result = ret;
		return CALL_ANSWERED;
	}
	*changed = ret;
	if (!guest[0])
		return ret ? CALL_REWRITTEN : CALL_RUN;

	/* Follow the #! chain while an interpreter lies under a bind. */
	for (depth = 0; depth < SHEBANG_DEPTH && shebang(host, interp, sizeof(interp), iarg, sizeof(iarg)); depth++) {
		if (resolve(t, AT_FDCWD, interp, 1, ig, ih, &touched, &no_start))
			break;
		under_bind |= touched;
		heads[nheads][0] = tracee_push(t, interp, strlen(interp) + 1);
		heads[nheads][1] = iarg[0] ? tracee_push(t, iarg, strlen(iarg) + 1) : 0;
		if (!heads[nheads][0] || (iarg[0] && !heads[nheads][1]))
			goto fault;
		nheads++;
		strcpy(host, ih);
	}
	if (!under_bind)
		return ret ? CALL_REWRITTEN : CALL_RUN;

	/* argv: the innermost interpreter first, each with its argument,
	 * then the script as the program named it, then its arguments. */
	cap = 64;
	ptrs = malloc(cap * sizeof(*ptrs));
	if (!ptrs)
		goto fault;
	for (i = nheads - 1; i >= 0; i--) {
		ptrs[nargs++] = heads[i][0];
		if (heads[i][1])
			ptrs[nargs++] = heads[i][1];
	}
	ptrs[nargs++] = script_ptr;
	old_argv = reg_arg(r, argv_reg);
	/* argv[0] is the interpreter's now; the rest follow, if any. */
	p = 0;
	if (old_argv && tracee_read(t, old_argv, &p, sizeof(p)))
		goto fault;
	for (i = 1; old_argv && p; i++) {
		if (tracee_read(t, old_argv + i * sizeof(long), &p, sizeof(p)))
			goto fault;
		if (!p)
			break;
		if (nargs + 1 >= cap) {
			unsigned long *bigger = realloc(ptrs, 2 * cap * sizeof(*ptrs));

			if (!bigger)
				goto fault;
			ptrs = bigger;
			cap *= 2;
		}
		ptrs[nargs++] = p;
	}
	ptrs[nargs++] = 0;
	path_ptr = tracee_push(t, host, strlen(host) + 1);
	argv_ptr = tracee_push(t, ptrs, nargs * sizeof(long));
	if (!path_ptr || !argv_ptr)
		goto fault;
	free(ptrs);
	reg_set_arg(r, argv_reg, argv_ptr);
	reg_set_arg(r, c->path[0].path, path_ptr);
	if (at)	/* the path is absolute now: neither fd nor flags apply */
		reg_set_arg(r, 4, reg_arg(r, 4) & ~AT_EMPTY_PATH);
	*changed = true;
	return CALL_REWRITTEN;
fault:
	/* No room on its stack for the new argv: the exec fails as one
	 * with a bad pointer would, rather than run the wrong program. */
	free(ptrs);
	t->result = -EFAULT;
	return CALL_ANSWERED;
}

/* -0 */
static enum verdict id_entry(struct tracee *t, struct user_regs_struct *r,
			     const struct call *c, bool *changed)
{
	(void)r; (void)c; (void)changed;
	t->result = 0;
	return CALL_ANSWERED;
}

static enum verdict getres_entry(struct tracee *t, struct user_regs_struct *r,
				 const struct call *c, bool *changed)
{
	unsigned int zero = 0;
	int i;

	(void)c; (void)changed;
	t->result = 0;
	for (i = 0; i < 3; i++)
		if (tracee_write(t, reg_arg(r, i), &zero, sizeof(zero)))
			t->result = -EFAULT;
	return CALL_ANSWERED;
}

/* chown as root: the file must be there; it is left as it is. */
/* What fchown of @fd answers: 0 if the tracee has it open. */
static long fd_answer(struct tracee *t, int fd)
{
	char link[64];
	struct stat st;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->pid, fd);
	return stat(link, &st) ? -EBADF : 0;
}

static enum verdict chown_entry(struct tracee *t, struct user_regs_struct *r,
				const struct call *c, bool *changed)
{
	char host[PATH_MAX], path[PATH_MAX], g[PATH_MAX];
	bool touched, no_start;
	struct stat st;
	int ret, dirfd, follow;

	(void)changed;
	if (REG_NR(r) == SYS_fchown) {
		t->result = fd_answer(t, (int)reg_arg(r, 0));
		return CALL_ANSWERED;
	}
	follow = follows(t, r, &c->path[0]);
	/* The path as the tracee names it, resolved by its own view. */
	ret = tracee_read_string(t, reg_arg(r, c->path[0].path), path, sizeof(path));
	if (ret) {
		t->result = ret == -ENAMETOOLONG ? ret : -EFAULT;
		return CALL_ANSWERED;
	}
	dirfd = c->path[0].dirfd >= 0 ? (int)reg_arg(r, c->path[0].dirfd) : AT_FDCWD;
	if (!path[0]) {
		t->result = REG_NR(r) == SYS_fchownat && (reg_arg(r, 4) & AT_EMPTY_PATH) ?
			fd_answer(t, dirfd) : -ENOENT;
		return CALL_ANSWERED;
	}
	ret = resolve(t, dirfd, path, follow, g, host, &touched, &no_start);
	if (ret) {
		t->result = no_start && dirfd != AT_FDCWD ? -EBADF : ret;
		return CALL_ANSWERED;
	}
	t->result = (follow > 0 ? stat(host, &st) : lstat(host, &st)) ? -errno : 0;
	return CALL_ANSWERED;
}

/* -n */
static enum verdict uname_entry(struct tracee *t, struct user_regs_struct *r,
				const struct call *c, bool *changed)
{
	(void)c; (void)changed;
	t->result = tracee_write(t, reg_arg(r, 0), &uts_answer, sizeof(uts_answer)) ? -EFAULT : 0;
	return CALL_ANSWERED;
}

static enum verdict sethostname_entry(struct tracee *t, struct user_regs_struct *r,
				      const struct call *c, bool *changed)
{
	long len = (long)reg_arg(r, 1);
	char name[65];

	(void)c; (void)changed;
	if (len < 0 || len > 64)
		t->result = -EINVAL;
	else if (!opt.fake_root && tracee_euid(t) != 0)
		t->result = -EPERM;
	else if (tracee_read(t, reg_arg(r, 0), name, len))
		t->result = -EFAULT;
	else {
		name[len] = '\0';
		snprintf(virtual_hostname, sizeof(virtual_hostname), "%s", name);
		snprintf(uts_answer.nodename, sizeof(uts_answer.nodename), "%s", name);
		t->result = 0;
	}
	return CALL_ANSWERED;
}

enum verdict call_entry(struct tracee *t, struct user_regs_struct *r, bool *changed)
{
	long nr = REG_NR(r);

	*changed = false;
	t->fixup = NULL;
	if (!call_handled(nr))
		return CALL_RUN;
	/* An i386 call (int 0x80) has numbers of its own: let it be.  A
	 * seccomp filter already lets those through untraced. */
	if (!tracer->x86_64_only && !tracee_call_is_x86_64(t))
		return CALL_RUN;
	return handler[nr]->entry(t, r, handler[nr], changed);
}

void call_exit(struct tracee *t, struct user_regs_struct *r)
{
	if (t->verdict == CALL_FIXUP && t->fixup && !t->exec_seen)
		t->fixup(t, r);
}
