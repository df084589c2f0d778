// SPDX-License-Identifier: GPL-2.0
/*
 * partialvm-calls: one case for each row of the tool's table of calls
 * (partialvm --calls), run under the tool:
 *
 *   PVM_HOST=H PVM_GUEST=G partialvm -b H:G -- partialvm-calls
 *	the path calls, as root: each makes its call on a path under G
 *	through syscall(2), so that the C library cannot pick another
 *	call, and checks the effect on H's files through their host paths;
 *   PVM_FAKE=1 PVM_HOSTNAME=N ... partialvm -0 -n N -b H:G -- partialvm-calls
 *	the calls of -0 and -n, as a user that is not root.
 *
 * G does not exist on the host, so without the tool (or with a tracer
 * that lets a call through untranslated) every path case fails with
 * ENOENT, and as a user that is not root every -0 case fails with EPERM
 * or a uid that is not 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fanotify.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <utime.h>
#include "kselftest_harness.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static const char *G, *H;

/* Called as an exec's target (execve, execveat, the #! script). */
__attribute__((constructor)) static void exec_target(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "exit42"))
		_exit(42);
	/* The #! case: interpreter, its argument, the script, "arg". */
	if (argc == 4 && !strcmp(argv[1], "iarg") && strstr(argv[2], "/script") &&
	    !strcmp(argv[3], "arg"))
		_exit(43);
}

static const char *path(const char *base, const char *name)
{
	static char bufs[8][PATH_MAX];
	static int n;
	char *b = bufs[n++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", base, name);
	return b;
}
#define gp(name) path(G, name)
#define hp(name) path(H, name)

static void mkfile(const char *p, const char *content)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, content, strlen(content)) < 0)
			perror(p);
		close(fd);
	}
}

static bool exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* The uid this process really has: /proc is not the tool's to change. */
static long real_euid(void)
{
	char line[256];
	long uid = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %*d %ld", &uid) == 1)
			break;
	if (f)
		fclose(f);
	return uid;
}

static bool fake_mode(void)
{
	return getenv("PVM_FAKE") != NULL;
}

#define BINDS_ONLY() do { \
	if (fake_mode()) \
		SKIP(return, "the path calls run without PVM_FAKE"); \
} while (0)
#define AS_ROOT() do { \
	BINDS_ONLY(); \
	if (real_euid() != 0) \
		SKIP(return, "needs root"); \
} while (0)
#define FAKE_ONLY() do { \
	if (!fake_mode()) \
		SKIP(return, "runs with PVM_FAKE, under -0 as a user not root"); \
	if (real_euid() == 0) \
		SKIP(return, "must not be root to show -0"); \
} while (0)
/* The kernel found the path: any answer but ENOENT.  Kernels without
 * the call (ENOSYS) prove nothing. */
#define FOUND(ret) do { \
	long _r = (ret); int _e = errno; \
	if (_r < 0 && _e == ENOSYS) \
		SKIP(return, "this kernel does not have the call"); \
	ASSERT_FALSE(_r < 0 && _e == ENOENT) TH_LOG("ENOENT: the path was not translated"); \
} while (0)

/* This program, copied under the bind: an exec's target. */
static int copy_self(const char *dest)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	out = open(dest, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	return close(out) || n < 0 ? -1 : 0;
}

static int dir_fd(void)
{
	int fd = open(G, O_RDONLY | O_DIRECTORY);

	/* Without the tool there is no G: a case must not pass on EBADF. */
	if (fd < 0) {
		fprintf(stderr, "# open(%s): %s\n", G, strerror(errno));
		exit(KSFT_FAIL);
	}
	return fd;
}

TEST(sys_open)
{
	char buf[8] = "";
	int fd;

	BINDS_ONLY();
	mkfile(hp("open.f"), "open");
	fd = syscall(SYS_open, gp("open.f"), O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("open(%s): %s", gp("open.f"), strerror(errno));
	ASSERT_EQ(4, read(fd, buf, sizeof(buf) - 1));
	ASSERT_STREQ("open", buf);
}

TEST(sys_creat)
{
	BINDS_ONLY();
	ASSERT_LE(0, syscall(SYS_creat, gp("creat.f"), 0644)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("creat.f")));
}

TEST(sys_stat)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("stat.f"), "12345");
	ASSERT_EQ(0, syscall(SYS_stat, gp("stat.f"), &st)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(5, st.st_size);
}

TEST(sys_lstat)
{
	struct stat st;

	BINDS_ONLY();
	ASSERT_EQ(0, symlink("nowhere", hp("lstat.l")));
	ASSERT_EQ(0, syscall(SYS_lstat, gp("lstat.l"), &st)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(S_ISLNK(st.st_mode));
}

TEST(sys_access)
{
	BINDS_ONLY();
	mkfile(hp("access.f"), "");
	ASSERT_EQ(0, syscall(SYS_access, gp("access.f"), R_OK)) TH_LOG("%s", strerror(errno));
}

TEST(sys_truncate)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("truncate.f"), "12345");
	ASSERT_EQ(0, syscall(SYS_truncate, gp("truncate.f"), 2)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("truncate.f"), &st));
	ASSERT_EQ(2, st.st_size);
}

TEST(sys_chdir)
{
	char cwd[PATH_MAX];

	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("chdir.d"), 0755));
	ASSERT_EQ(0, syscall(SYS_chdir, gp("chdir.d"))) TH_LOG("%s", strerror(errno));
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	ASSERT_STREQ(gp("chdir.d"), cwd);
	/* A relative path from a cwd under the bind. */
	mkfile(hp("chdir.d/f"), "");
	ASSERT_EQ(0, syscall(SYS_access, "f", F_OK));
	ASSERT_EQ(0, syscall(SYS_access, "../chdir.d/f", F_OK));
}

TEST(sys_getcwd)
{
	char cwd[PATH_MAX];
	long n;

	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("getcwd.d"), 0755));
	ASSERT_EQ(0, chdir(gp("getcwd.d")));
	n = syscall(SYS_getcwd, cwd, sizeof(cwd));
	ASSERT_EQ((long)strlen(gp("getcwd.d")) + 1, n);
	ASSERT_STREQ(gp("getcwd.d"), cwd);
	/* The guest path's length decides ERANGE. */
	ASSERT_EQ(-1, syscall(SYS_getcwd, cwd, strlen(gp("getcwd.d"))));
	ASSERT_EQ(ERANGE, errno);
}

/* Outside the binds getcwd's result is the kernel's own: the length
 * with its NUL. */
TEST(getcwd_outside_the_binds)
{
	char cwd[PATH_MAX];

	BINDS_ONLY();
	ASSERT_EQ(0, chdir("/"));
	ASSERT_EQ(2, syscall(SYS_getcwd, cwd, sizeof(cwd)));
	ASSERT_STREQ("/", cwd);
}

/* The calls that create or remove the last component do not follow a
 * symlink there, even with a trailing slash: ENOTDIR, EEXIST. */
TEST(create_calls_keep_trailing_slash)
{
	char l[PATH_MAX];

	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("ts.d"), 0755));
	ASSERT_EQ(0, symlink("ts.d", hp("ts.l")));
	ASSERT_EQ(0, symlink("ts.nothere", hp("ts.dangling")));
	snprintf(l, sizeof(l), "%s/", gp("ts.l"));
	ASSERT_EQ(-1, syscall(SYS_rmdir, l));
	ASSERT_EQ(ENOTDIR, errno);
	ASSERT_TRUE(exists(hp("ts.d")));
	snprintf(l, sizeof(l), "%s/", gp("ts.dangling"));
	ASSERT_EQ(-1, syscall(SYS_mkdir, l, 0755));
	ASSERT_EQ(EEXIST, errno);
	ASSERT_FALSE(exists(hp("ts.nothere")));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * An open of a FIFO under the bind blocks; a SA_RESTART handler runs, its
 * signal frame over the stack below the red zone, and the open restarts:
 * it must still open the FIFO.
 */
TEST(restarted_open_after_handler)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	pid_t writer;
	int fd, status;

	BINDS_ONLY();
	ASSERT_EQ(0, mkfifo(hp("restart.fifo"), 0644));
	writer = fork();
	if (writer == 0) {
		/* A writer that gives up when no reader comes. */
		sleep(2);
		for (int i = 0; i < 50; i++) {
			fd = open(hp("restart.fifo"), O_WRONLY | O_NONBLOCK);
			if (fd >= 0)
				_exit(write(fd, "x", 1) != 1);
			usleep(100000);
		}
		_exit(1);
	}
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	fd = syscall(SYS_openat, AT_FDCWD, gp("restart.fifo"), O_RDONLY);
	if (fd < 0)
		kill(writer, SIGKILL);
	ASSERT_EQ(writer, waitpid(writer, &status, 0));
	ASSERT_LE(0, fd) TH_LOG("the restarted open: %s", strerror(errno));
	ASSERT_EQ(0, status);
}

TEST(sys_mkdir)
{
	struct stat st;

	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_mkdir, gp("mkdir.d"), 0755)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("mkdir.d"), &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
}

TEST(sys_rmdir)
{
	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("rmdir.d"), 0755));
	ASSERT_EQ(0, syscall(SYS_rmdir, gp("rmdir.d"))) TH_LOG("%s", strerror(errno));
	ASSERT_FALSE(exists(hp("rmdir.d")));
}

TEST(sys_rename)
{
	BINDS_ONLY();
	mkfile(hp("rename.a"), "");
	ASSERT_EQ(0, syscall(SYS_rename, gp("rename.a"), gp("rename.b"))) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("rename.b")));
}

TEST(sys_link)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("link.a"), "");
	ASSERT_EQ(0, syscall(SYS_link, gp("link.a"), gp("link.b"))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("link.a"), &st));
	ASSERT_EQ(2, st.st_nlink);
}

TEST(sys_unlink)
{
	BINDS_ONLY();
	mkfile(hp("unlink.f"), "");
	ASSERT_EQ(0, syscall(SYS_unlink, gp("unlink.f"))) TH_LOG("%s", strerror(errno));
	ASSERT_FALSE(exists(hp("unlink.f")));
}

TEST(sys_symlink)
{
	char buf[64] = "";

	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_symlink, "target-text", gp("symlink.l"))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(11, readlink(hp("symlink.l"), buf, sizeof(buf) - 1));
	ASSERT_STREQ("target-text", buf);
}

TEST(sys_chmod)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("chmod.f"), "");
	ASSERT_EQ(0, syscall(SYS_chmod, gp("chmod.f"), 0600)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("chmod.f"), &st));
	ASSERT_EQ(0600, st.st_mode & 0777);
}

TEST(sys_chown)
{
	struct stat st;

	AS_ROOT();
	mkfile(hp("chown.f"), "");
	ASSERT_EQ(0, syscall(SYS_chown, gp("chown.f"), 1, 1)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("chown.f"), &st));
	ASSERT_EQ(1, st.st_uid);
}

TEST(sys_lchown)
{
	struct stat st;

	AS_ROOT();
	/* hostfs (a nested UML's root) changes no symlink's owner. */
	ASSERT_EQ(0, symlink("nowhere", hp("lchown.probe")));
	ASSERT_EQ(0, lchown(hp("lchown.probe"), 1, 1));
	ASSERT_EQ(0, lstat(hp("lchown.probe"), &st));
	if (st.st_uid != 1)
		SKIP(return, "this file system keeps a symlink's owner");
	ASSERT_EQ(0, symlink("nowhere", hp("lchown.l")));
	ASSERT_EQ(0, syscall(SYS_lchown, gp("lchown.l"), 1, 1)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, lstat(hp("lchown.l"), &st));
	ASSERT_EQ(1, st.st_uid);
}

TEST(sys_utime)
{
	struct utimbuf t = { 1000, 1000 };
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("utime.f"), "");
	ASSERT_EQ(0, syscall(SYS_utime, gp("utime.f"), &t)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("utime.f"), &st));
	ASSERT_EQ(1000, st.st_mtime);
}

TEST(sys_utimes)
{
	struct timeval tv[2] = { { 2000, 0 }, { 2000, 0 } };
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("utimes.f"), "");
	ASSERT_EQ(0, syscall(SYS_utimes, gp("utimes.f"), tv)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("utimes.f"), &st));
	ASSERT_EQ(2000, st.st_mtime);
}

TEST(sys_mknod)
{
	struct stat st;

	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_mknod, gp("mknod.p"), S_IFIFO | 0644, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("mknod.p"), &st));
	ASSERT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(sys_statfs)
{
	struct statfs sf;

	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_statfs, G, &sf)) TH_LOG("%s", strerror(errno));
}

TEST(sys_chroot)
{
	AS_ROOT();
	ASSERT_EQ(0, mkdir(hp("chroot.d"), 0755));
	ASSERT_EQ(0, syscall(SYS_chroot, gp("chroot.d"))) TH_LOG("%s", strerror(errno));
}

TEST(sys_acct)
{
	long ret;

	AS_ROOT();
	mkfile(hp("acct.f"), "");
	ret = syscall(SYS_acct, gp("acct.f"));
	FOUND(ret);
	if (ret == 0)
		syscall(SYS_acct, NULL);
}

TEST(sys_swapon)
{
	AS_ROOT();
	mkfile(hp("swapon.f"), "not a swap file");
	FOUND(syscall(SYS_swapon, gp("swapon.f"), 0));
}

TEST(sys_swapoff)
{
	AS_ROOT();
	mkfile(hp("swapoff.f"), "");
	FOUND(syscall(SYS_swapoff, gp("swapoff.f")));
}

/* The mount cases work in a mount namespace of their own. */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

TEST(sys_mount)
{
	struct stat st, parent;

	AS_ROOT();
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir(hp("mount.d"), 0755));
	ASSERT_EQ(0, syscall(SYS_mount, "none", gp("mount.d"), "tmpfs", 0, NULL)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("mount.d"), &st));
	ASSERT_EQ(0, stat(H, &parent));
	ASSERT_NE(parent.st_dev, st.st_dev);
}

TEST(sys_umount2)
{
	AS_ROOT();
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir(hp("umount2.d"), 0755));
	ASSERT_EQ(0, mount("none", hp("umount2.d"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, syscall(SYS_umount2, gp("umount2.d"), 0)) TH_LOG("%s", strerror(errno));
}

TEST(sys_pivot_root)
{
	AS_ROOT();
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir(hp("pivot.d"), 0755));
	ASSERT_EQ(0, mount("none", hp("pivot.d"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, mkdir(hp("pivot.d/old"), 0755));
	/* An initramfs root cannot be pivoted (EINVAL): both paths were
	 * found all the same. */
	FOUND(syscall(SYS_pivot_root, gp("pivot.d"), gp("pivot.d/old")));
}

TEST(sys_quotactl)
{
	int fmt;

	BINDS_ONLY();
	mkfile(hp("quotactl.f"), "");
	FOUND(syscall(SYS_quotactl, QCMD(Q_GETFMT, USRQUOTA), gp("quotactl.f"), 0, &fmt));
}

/* Extended attributes: user.* may be refused (ENOTSUP on an initramfs,
 * EPERM on a symlink), but only after the path was found. */
#define XATTR_CASE(name, call, ...) \
TEST(name) \
{ \
	char buf[64]; \
	(void)buf; \
	BINDS_ONLY(); \
	mkfile(hp(#name ".f"), ""); \
	if (symlink(#name ".f", hp(#name ".l"))) \
		perror("symlink"); \
	FOUND(syscall(call, __VA_ARGS__)); \
}
XATTR_CASE(sys_setxattr, SYS_setxattr, gp("sys_setxattr.f"), "user.pvm", "v", 1, 0)
XATTR_CASE(sys_lsetxattr, SYS_lsetxattr, gp("sys_lsetxattr.l"), "user.pvm", "v", 1, 0)
XATTR_CASE(sys_getxattr, SYS_getxattr, gp("sys_getxattr.f"), "user.pvm", buf, sizeof(buf))
XATTR_CASE(sys_lgetxattr, SYS_lgetxattr, gp("sys_lgetxattr.l"), "user.pvm", buf, sizeof(buf))
XATTR_CASE(sys_listxattr, SYS_listxattr, gp("sys_listxattr.f"), buf, sizeof(buf))
XATTR_CASE(sys_llistxattr, SYS_llistxattr, gp("sys_llistxattr.l"), buf, sizeof(buf))
XATTR_CASE(sys_removexattr, SYS_removexattr, gp("sys_removexattr.f"), "user.pvm")
XATTR_CASE(sys_lremovexattr, SYS_lremovexattr, gp("sys_lremovexattr.l"), "user.pvm")

TEST(sys_inotify_add_watch)
{
	int fd = inotify_init1(IN_CLOEXEC);

	BINDS_ONLY();
	if (fd < 0 && errno == ENOSYS)
		SKIP(return, "this kernel has no inotify");
	ASSERT_LE(0, fd);
	mkfile(hp("inotify.f"), "");
	ASSERT_LE(0, syscall(SYS_inotify_add_watch, fd, gp("inotify.f"), IN_MODIFY)) TH_LOG("%s", strerror(errno));
}

TEST(sys_fanotify_mark)
{
	int fd;

	AS_ROOT();
	fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	if (fd < 0)
		SKIP(return, "fanotify_init: %s", strerror(errno));
	mkfile(hp("fanotify.f"), "");
	ASSERT_EQ(0, syscall(SYS_fanotify_mark, fd, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, gp("fanotify.f"))) TH_LOG("%s", strerror(errno));
}

/* The *at family: relative paths from a directory fd into the bind. */
TEST(sys_openat)
{
	int dfd, fd;

	BINDS_ONLY();
	mkfile(hp("openat.f"), "");
	dfd = dir_fd();
	ASSERT_LE(0, dfd) TH_LOG("%s: %s", G, strerror(errno));
	fd = syscall(SYS_openat, dfd, "openat.f", O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	fd = syscall(SYS_openat, AT_FDCWD, gp("openat.f"), O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	/* O_NOFOLLOW on a symlink: ELOOP, as the kernel says it. */
	ASSERT_EQ(0, symlink("openat.f", hp("openat.l")));
	ASSERT_EQ(-1, syscall(SYS_openat, dfd, "openat.l", O_RDONLY | O_NOFOLLOW));
	ASSERT_EQ(ELOOP, errno);
}

TEST(sys_openat2)
{
	struct open_how how = { .flags = O_RDONLY };
	int dfd;

	BINDS_ONLY();
	dfd = dir_fd();
	mkfile(hp("openat2.f"), "");
	FOUND(syscall(SYS_openat2, dfd, "openat2.f", &how, sizeof(how)));
	ASSERT_LE(0, syscall(SYS_openat2, AT_FDCWD, gp("openat2.f"), &how, sizeof(how)));
}

TEST(sys_mkdirat)
{
	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_mkdirat, dir_fd(), "mkdirat.d", 0755)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("mkdirat.d")));
}

TEST(sys_mknodat)
{
	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_mknodat, dir_fd(), "mknodat.p", S_IFIFO | 0644, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("mknodat.p")));
}

TEST(sys_fchownat)
{
	struct stat st;

	AS_ROOT();
	mkfile(hp("fchownat.f"), "");
	ASSERT_EQ(0, syscall(SYS_fchownat, dir_fd(), "fchownat.f", 2, 2, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("fchownat.f"), &st));
	ASSERT_EQ(2, st.st_uid);
}

TEST(sys_futimesat)
{
	struct timeval tv[2] = { { 3000, 0 }, { 3000, 0 } };
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("futimesat.f"), "");
	ASSERT_EQ(0, syscall(SYS_futimesat, dir_fd(), "futimesat.f", tv)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("futimesat.f"), &st));
	ASSERT_EQ(3000, st.st_mtime);
}

TEST(sys_newfstatat)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("newfstatat.f"), "123");
	ASSERT_EQ(0, symlink("newfstatat.f", hp("newfstatat.l")));
	ASSERT_EQ(0, syscall(SYS_newfstatat, dir_fd(), "newfstatat.l", &st, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(3, st.st_size);
	ASSERT_EQ(0, syscall(SYS_newfstatat, dir_fd(), "newfstatat.l", &st, AT_SYMLINK_NOFOLLOW));
	ASSERT_TRUE(S_ISLNK(st.st_mode));
}

TEST(sys_unlinkat)
{
	BINDS_ONLY();
	mkfile(hp("unlinkat.f"), "");
	ASSERT_EQ(0, syscall(SYS_unlinkat, dir_fd(), "unlinkat.f", 0)) TH_LOG("%s", strerror(errno));
	ASSERT_FALSE(exists(hp("unlinkat.f")));
}

TEST(sys_renameat)
{
	int dfd;

	BINDS_ONLY();
	dfd = dir_fd();
	mkfile(hp("renameat.a"), "");
	ASSERT_EQ(0, syscall(SYS_renameat, dfd, "renameat.a", dfd, "renameat.b")) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("renameat.b")));
}

TEST(sys_renameat2)
{
	int dfd;

	BINDS_ONLY();
	dfd = dir_fd();
	mkfile(hp("renameat2.a"), "");
	ASSERT_EQ(0, syscall(SYS_renameat2, dfd, "renameat2.a", AT_FDCWD, gp("renameat2.b"), 0)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("renameat2.b")));
}

TEST(sys_linkat)
{
	int dfd;

	BINDS_ONLY();
	dfd = dir_fd();
	mkfile(hp("linkat.a"), "");
	ASSERT_EQ(0, syscall(SYS_linkat, dfd, "linkat.a", dfd, "linkat.b", 0)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(exists(hp("linkat.b")));
}

TEST(sys_symlinkat)
{
	char buf[16] = "";

	BINDS_ONLY();
	ASSERT_EQ(0, syscall(SYS_symlinkat, "text", dir_fd(), "symlinkat.l")) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(4, readlink(hp("symlinkat.l"), buf, sizeof(buf) - 1));
}

TEST(sys_readlink)
{
	char buf[PATH_MAX] = "";
	int fd;

	BINDS_ONLY();
	ASSERT_EQ(0, symlink("some-target", hp("readlink.l")));
	ASSERT_EQ(11, syscall(SYS_readlink, gp("readlink.l"), buf, sizeof(buf))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, strncmp(buf, "some-target", 11));
	/* /proc's links name guest paths. */
	mkfile(hp("readlink.f"), "");
	fd = open(gp("readlink.f"), O_RDONLY);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	{
		char target[PATH_MAX] = "";
		long n = syscall(SYS_readlink, buf, target, sizeof(target) - 1);

		ASSERT_LT(0, n);
		target[n] = '\0';
		ASSERT_STREQ(gp("readlink.f"), target);
		/* A short buffer gets the start of the guest path. */
		memset(target, 0, sizeof(target));
		ASSERT_EQ(4, syscall(SYS_readlink, buf, target, 4));
		ASSERT_EQ(0, strncmp(target, G, 4));
	}
}

TEST(sys_readlinkat)
{
	char buf[64] = "";

	BINDS_ONLY();
	ASSERT_EQ(0, symlink("at-target", hp("readlinkat.l")));
	ASSERT_EQ(9, syscall(SYS_readlinkat, dir_fd(), "readlinkat.l", buf, sizeof(buf))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, chdir(gp(".")));
	memset(buf, 0, sizeof(buf));
	ASSERT_LT(0, syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/cwd", buf, sizeof(buf) - 1));
	ASSERT_STREQ(G, buf);
}

TEST(sys_fchmodat)
{
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("fchmodat.f"), "");
	ASSERT_EQ(0, syscall(SYS_fchmodat, dir_fd(), "fchmodat.f", 0640)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("fchmodat.f"), &st));
	ASSERT_EQ(0640, st.st_mode & 0777);
}

TEST(sys_fchmodat2)
{
	BINDS_ONLY();
	mkfile(hp("fchmodat2.f"), "");
	FOUND(syscall(SYS_fchmodat2, dir_fd(), "fchmodat2.f", 0640, 0));
}

TEST(sys_faccessat)
{
	BINDS_ONLY();
	mkfile(hp("faccessat.f"), "");
	ASSERT_EQ(0, syscall(SYS_faccessat, dir_fd(), "faccessat.f", R_OK)) TH_LOG("%s", strerror(errno));
}

TEST(sys_faccessat2)
{
	BINDS_ONLY();
	mkfile(hp("faccessat2.f"), "");
	FOUND(syscall(SYS_faccessat2, dir_fd(), "faccessat2.f", R_OK, 0));
}

TEST(sys_utimensat)
{
	struct timespec ts[2] = { { 4000, 0 }, { 4000, 0 } };
	struct stat st;

	BINDS_ONLY();
	mkfile(hp("utimensat.f"), "");
	ASSERT_EQ(0, syscall(SYS_utimensat, dir_fd(), "utimensat.f", ts, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(hp("utimensat.f"), &st));
	ASSERT_EQ(4000, st.st_mtime);
}

TEST(sys_name_to_handle_at)
{
	struct { unsigned int bytes; int type; unsigned char h[128]; } fh = { 128, 0, { 0 } };
	int mount_id;

	BINDS_ONLY();
	mkfile(hp("handle.f"), "");
	FOUND(syscall(SYS_name_to_handle_at, dir_fd(), "handle.f", &fh, &mount_id, 0));
}

TEST(sys_statx)
{
	struct statx stx;

	BINDS_ONLY();
	mkfile(hp("statx.f"), "1234");
	FOUND(syscall(SYS_statx, dir_fd(), "statx.f", 0, STATX_SIZE, &stx));
	ASSERT_EQ(4, stx.stx_size);
}

TEST(sys_open_tree)
{
	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("open_tree.d"), 0755));
	FOUND(syscall(SYS_open_tree, dir_fd(), "open_tree.d", 0));
}

TEST(sys_move_mount)
{
	int fd;

	AS_ROOT();
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir(hp("move.src"), 0755));
	ASSERT_EQ(0, mkdir(hp("move.dst"), 0755));
	ASSERT_EQ(0, mount("none", hp("move.src"), "tmpfs", 0, NULL));
	fd = syscall(SYS_open_tree, AT_FDCWD, gp("move.src"), OPEN_TREE_CLONE);
	if (fd < 0 && errno == EINVAL)
		SKIP(return, "open_tree(OPEN_TREE_CLONE): EINVAL here");
	FOUND(fd);
	FOUND(syscall(SYS_move_mount, fd, "", AT_FDCWD, gp("move.dst"), MOVE_MOUNT_F_EMPTY_PATH));
}

TEST(sys_mount_setattr)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	struct statfs sf;

	AS_ROOT();
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir(hp("setattr.d"), 0755));
	ASSERT_EQ(0, mount("none", hp("setattr.d"), "tmpfs", 0, NULL));
	FOUND(syscall(SYS_mount_setattr, AT_FDCWD, gp("setattr.d"), 0, &attr, sizeof(attr)));
	ASSERT_EQ(0, statfs(hp("setattr.d"), &sf));
	ASSERT_TRUE(sf.f_flags & ST_RDONLY);
}

/* Fork, exec @name in the child through @nr, and its exit status; 99
 * if the exec failed with ENOENT (the path was not translated). */
static int exec_status(long nr, const char *name, char *arg)
{
	char *argv[] = { (char *)name, arg, NULL };
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		if (nr == SYS_execveat)
			syscall(nr, dir_fd(), name, argv, environ, 0);
		else
			syscall(nr, gp(name), argv, environ);
		_exit(errno == ENOENT ? 99 : 98);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(sys_execve)
{
	BINDS_ONLY();
	ASSERT_EQ(0, copy_self(hp("exe.copy")));
	ASSERT_EQ(42, exec_status(SYS_execve, "exe.copy", "exit42")) TH_LOG("99: ENOENT, not translated");
}

TEST(execve_script)
{
	char line[PATH_MAX + 32];

	BINDS_ONLY();
	ASSERT_EQ(0, copy_self(hp("interp")));
	snprintf(line, sizeof(line), "#!%s iarg\n", gp("interp"));
	mkfile(hp("script"), line);
	ASSERT_EQ(0, chmod(hp("script"), 0755));
	/* The kernel would run: interp iarg G/script arg. */
	ASSERT_EQ(43, exec_status(SYS_execve, "script", "arg")) TH_LOG("99: ENOENT, the interpreter was not found");
}

TEST(sys_execveat)
{
	BINDS_ONLY();
	ASSERT_EQ(0, copy_self(hp("exeat.copy")));
	ASSERT_EQ(42, exec_status(SYS_execveat, "exeat.copy", "exit42")) TH_LOG("99: ENOENT, not translated");
}

/* A symlink under the bind that points to an absolute guest path, and
 * ".." out of the bind: resolved as in a real mount. */
TEST(symlinks_and_dotdot)
{
	struct stat st;

	BINDS_ONLY();
	ASSERT_EQ(0, mkdir(hp("sd.d"), 0755));
	mkfile(hp("sd.d/f"), "12");
	ASSERT_EQ(0, symlink(gp("sd.d"), hp("sd.abs")));
	ASSERT_EQ(0, syscall(SYS_stat, gp("sd.abs/f"), &st)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(2, st.st_size);
	/* G/sd.d/../sd.d/f, and G/.. is G's parent, not H's. */
	ASSERT_EQ(0, syscall(SYS_stat, gp("sd.d/../sd.d/f"), &st));
	ASSERT_EQ(0, chdir(gp("sd.d")));
	ASSERT_EQ(0, syscall(SYS_stat, "../sd.d/f", &st));
	{
		char parent[PATH_MAX], *slash;
		struct stat a, b;

		snprintf(parent, sizeof(parent), "%s", G);
		slash = strrchr(parent, '/');
		*(slash == parent ? slash + 1 : slash) = '\0';
		ASSERT_EQ(0, stat(parent, &a));
		ASSERT_EQ(0, syscall(SYS_stat, "../..", &b));
		ASSERT_EQ(a.st_ino, b.st_ino) TH_LOG("%s/.. is not %s", G, parent);
	}
}

/* -0 */
#define ID_CASE(name, nr) \
TEST(name) \
{ \
	FAKE_ONLY(); \
	ASSERT_EQ(0, syscall(nr)); \
}
ID_CASE(sys_getuid, SYS_getuid)
ID_CASE(sys_geteuid, SYS_geteuid)
ID_CASE(sys_getgid, SYS_getgid)
ID_CASE(sys_getegid, SYS_getegid)

TEST(sys_getresuid)
{
	unsigned int r = 1, e = 1, s = 1;

	FAKE_ONLY();
	ASSERT_EQ(0, syscall(SYS_getresuid, &r, &e, &s));
	ASSERT_EQ(0, r + e + s);
}

TEST(sys_getresgid)
{
	unsigned int r = 1, e = 1, s = 1;

	FAKE_ONLY();
	ASSERT_EQ(0, syscall(SYS_getresgid, &r, &e, &s));
	ASSERT_EQ(0, r + e + s);
}

#define SETID_CASE(name, ...) \
TEST(name) \
{ \
	FAKE_ONLY(); \
	ASSERT_EQ(0, syscall(__VA_ARGS__)) TH_LOG("%s", strerror(errno)); \
	ASSERT_NE(0, real_euid()); \
}
SETID_CASE(sys_setuid, SYS_setuid, 0)
SETID_CASE(sys_setgid, SYS_setgid, 0)
SETID_CASE(sys_setreuid, SYS_setreuid, 0, 0)
SETID_CASE(sys_setregid, SYS_setregid, 0, 0)
SETID_CASE(sys_setresuid, SYS_setresuid, 0, 0, 0)
SETID_CASE(sys_setresgid, SYS_setresgid, 0, 0, 0)
SETID_CASE(sys_setfsuid, SYS_setfsuid, 0)
SETID_CASE(sys_setfsgid, SYS_setfsgid, 0)
SETID_CASE(sys_setgroups, SYS_setgroups, 0, NULL)

#define FAKE_CHOWN_CASE(name, make, ...) \
TEST(name) \
{ \
	struct stat before, after; \
	FAKE_ONLY(); \
	make; \
	ASSERT_EQ(0, lstat(hp(#name ".f"), &before)); \
	ASSERT_EQ(0, syscall(__VA_ARGS__)) TH_LOG("%s", strerror(errno)); \
	ASSERT_EQ(0, lstat(hp(#name ".f"), &after)); \
	ASSERT_EQ(before.st_uid, after.st_uid); \
}
FAKE_CHOWN_CASE(fake_chown, mkfile(hp("fake_chown.f"), ""), SYS_chown, gp("fake_chown.f"), 0, 0)
FAKE_CHOWN_CASE(fake_lchown, ASSERT_EQ(0, symlink("x", hp("fake_lchown.f"))), SYS_lchown, gp("fake_lchown.f"), 0, 0)
FAKE_CHOWN_CASE(fake_fchown, mkfile(hp("fake_fchown.f"), ""), SYS_fchown, open(gp("fake_fchown.f"), O_RDONLY), 0, 0)
FAKE_CHOWN_CASE(fake_fchownat, mkfile(hp("fake_fchownat.f"), ""), SYS_fchownat, dir_fd(), "fake_fchownat.f", 0, 0, 0)

TEST(fake_chown_missing)
{
	FAKE_ONLY();
	ASSERT_EQ(-1, syscall(SYS_chown, gp("no-such-file"), 0, 0));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(-1, syscall(SYS_fchown, 999, 0, 0));
	ASSERT_EQ(EBADF, errno);
}

/* -n */
TEST(sys_uname)
{
	struct utsname u;

	FAKE_ONLY();
	ASSERT_EQ(0, syscall(SYS_uname, &u));
	ASSERT_STREQ(getenv("PVM_HOSTNAME"), u.nodename);
}

TEST(sys_sethostname)
{
	char host[128] = "", longname[80];
	struct utsname u;
	FILE *f;

	FAKE_ONLY();
	ASSERT_EQ(0, syscall(SYS_sethostname, "pvm-renamed", 11)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, syscall(SYS_uname, &u));
	ASSERT_STREQ("pvm-renamed", u.nodename);
	memset(longname, 'x', sizeof(longname));
	ASSERT_EQ(-1, syscall(SYS_sethostname, longname, 65));
	ASSERT_EQ(EINVAL, errno);
	/* The host's hostname, which /proc tells, is unchanged. */
	f = fopen("/proc/sys/kernel/hostname", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(host, sizeof(host), f));
	fclose(f);
	ASSERT_EQ(NULL, strstr(host, "pvm-renamed"));
}

int main(int argc, char **argv)
{
	G = getenv("PVM_GUEST");
	H = getenv("PVM_HOST");
	if ((!G || !H) && !(argc == 2 && !strcmp(argv[1], "-l"))) {
		fprintf(stderr, "partialvm-calls: set PVM_GUEST and PVM_HOST (see the comment at its top)\n");
		return 2;
	}
	return test_harness_run(argc, argv);
}
