/* SPDX-License-Identifier: GPL-2.0 */
/*
 * partialvm: a partial virtual machine.  It runs a command under ptrace
 * and decides call by call what to do with each system call: let it run,
 * run it with rewritten arguments (a path under a bind), answer it itself
 * (fake root, a virtual hostname), or let it run and change its result.
 *
 * The layers, lowest first:
 *   tracer.c   how stops arrive and how a call is skipped or let run: one
 *              struct tracer per way (the PTRACE_VM tags, seccomp, plain
 *              ptrace), chosen once at start.  Nothing above it knows
 *              which one runs.
 *   tracee.c   one traced thread: its registers, its memory, scratch
 *              space on its stack.
 *   path.c     the binds: a path as the tracee sees it, to the host's and
 *              back.
 *   calls.c    the table of the calls the tool handles, and what it does
 *              at their entry and exit.
 *   main.c     options, starting the command, the loop over stops, the
 *              exit status.
 */
#ifndef PARTIALVM_H
#define PARTIALVM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

#define PVM_MAX_SYSCALL 512

/* What the tool does with one system call, decided at its entry stop. */
enum verdict {
	CALL_RUN,		/* run as it is, no exit stop */
	CALL_REWRITTEN,		/* run with changed arguments, no exit stop */
	CALL_ANSWERED,		/* not run: the result is the tool's */
	CALL_FIXUP,		/* run, then change its result at the exit stop */
};

struct tracee;
typedef void (*exit_fixup)(struct tracee *t, struct user_regs_struct *regs);

/* One traced thread. */
struct tracee {
	pid_t pid;
	bool seen;		/* has had its first stop */
	bool in_syscall;	/* between an entry and the exit stop we asked for */
	bool exec_seen;		/* an exec replaced its memory since that entry */
	bool attached;		/* by -p: detached, never killed, when we end */
	bool released;		/* let go by a detach; kept so that its
				 * parent's fork event does not add it again */
	enum verdict verdict;
	long result;		/* CALL_ANSWERED: what the call returns */
	exit_fixup fixup;	/* CALL_FIXUP: what changes the result */
	struct user_regs_struct entry;	/* the registers the program gave */
	char *link;		/* readlink of /proc: the link, for the exit */
	char *saved;		/* CALL_FIXUP: the buffer as it was at the entry */
	size_t saved_len;
	/* The last call rewritten with no exit stop, to tell its restart
	 * (a signal came; rip and the number are the same, an argument
	 * points into the scratch space) from a new call. */
	struct user_regs_struct rewritten;
	unsigned long scratch_low, scratch_high;
	unsigned long scratch;	/* the next free byte below the red zone */
	struct tracee *next;
};

/* tracee.c */
struct tracee *tracee_find(pid_t pid);
struct tracee *tracee_add(pid_t pid);
void tracee_remove(struct tracee *t);
int tracee_count(void);
void tracee_for_each(void (*fn)(struct tracee *t));
int tracee_getregs(struct tracee *t, struct user_regs_struct *regs);
int tracee_setregs(struct tracee *t, struct user_regs_struct *regs);
int tracee_read(struct tracee *t, unsigned long addr, void *buf, size_t len);
int tracee_write(struct tracee *t, unsigned long addr, const void *buf, size_t len);
int tracee_read_string(struct tracee *t, unsigned long addr, char *buf, size_t size);
unsigned long tracee_push(struct tracee *t, const void *data, size_t len);
long tracee_tgid(struct tracee *t);
bool tracee_call_is_x86_64(struct tracee *t);
int tracee_euid(struct tracee *t);

/* The system call's number, arguments and result, x86_64. */
#define REG_NR(r)	((r)->orig_rax)
#define REG_RESULT(r)	((r)->rax)
#define REG_SP(r)	((r)->rsp)
unsigned long reg_arg(const struct user_regs_struct *r, int i);
void reg_set_arg(struct user_regs_struct *r, int i, unsigned long v);
void reg_copy_args(struct user_regs_struct *to, const struct user_regs_struct *from);

/* path.c */
struct bind {
	char *host;	/* canonical, on this machine */
	char *guest;	/* canonical, as the tracee sees it */
	size_t host_len, guest_len;
};
int bind_add(const char *spec, char *err, size_t errlen);
int bind_count(void);
const struct bind *bind_get(int i);
bool bind_touches(const char *guest);
void guest_to_host(const char *guest, char *host, size_t size);
void host_to_guest(const char *host, char *guest, size_t size);
int guest_canonical(const char *start, const char *path, int follow_last,
		    char *out, size_t size, bool *touched);
int tracee_guest_dir(struct tracee *t, int dirfd, char *out, size_t size);

/* calls.c */
struct options;
void calls_setup(const struct options *o);
bool call_handled(long nr);
const char *call_name(long nr);
enum verdict call_entry(struct tracee *t, struct user_regs_struct *regs,
			bool *changed);
void call_exit(struct tracee *t, struct user_regs_struct *regs);
void calls_print_table(void);

/* tracer.c */
struct tracer {
	const char *name;
	const char *how;		/* for -v: the requests it uses */
	unsigned long options;		/* PTRACE_O_* beyond the common ones */
	bool attaches;			/* can take -p and detach */
	bool x86_64_only;		/* stops only at x86_64 calls (a filter
					 * that checks the ABI) */
	/* Whether this kernel has what it needs; why not, in @why. */
	bool (*probe)(char *why, size_t len);
	/* In the child, before it execs the command. */
	int (*child_setup)(void);
	/* Resume from an entry stop, as the verdict in @t says. */
	int (*resume_entry)(struct tracee *t, struct user_regs_struct *regs,
			    bool changed);
	/* Resume from any other stop, delivering @sig. */
	int (*resume)(struct tracee *t, int sig);
};
const struct tracer *tracer_by_name(const char *name);
const struct tracer *tracer_default(bool verbose, bool attaching, char *why, size_t len);
void tracer_list(void);
extern const struct tracer *tracer;

/* The options, set once by main.c. */
struct options {
	bool fake_root;			/* -0 */
	const char *hostname;		/* -n */
	bool verbose;			/* -v */
	bool stats;			/* --stats */
};
extern struct options opt;
extern char virtual_hostname[65];

/* main.c: --stats */
enum stop_kind { STOP_ENTRY, STOP_EXIT, STOP_SECCOMP, STOP_KINDS };
void stats_count(enum stop_kind kind, long nr);

void pvm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PARTIALVM_H */
