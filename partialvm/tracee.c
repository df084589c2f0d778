// SPDX-License-Identifier: GPL-2.0
/*
 * One traced thread: the table of them, their registers, their memory and
 * the scratch space on their stacks where rewritten arguments go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <linux/audit.h>
#include "partialvm.h"

#define TRACEE_BUCKETS 256
/* x86_64's red zone: a leaf function may use these bytes below its stack
 * pointer without moving it, so scratch space starts below them. */
#define RED_ZONE 128

static struct tracee *buckets[TRACEE_BUCKETS];
static int ntracees;

struct tracee *tracee_find(pid_t pid)
{
	struct tracee *t;

	for (t = buckets[pid % TRACEE_BUCKETS]; t; t = t->next)
		if (t->pid == pid)
			return t;
	return NULL;
}

struct tracee *tracee_add(pid_t pid)
{
	struct tracee *t = calloc(1, sizeof(*t));

	if (!t) {
		pvm_warn("out of memory for a new tracee (%d)", pid);
		exit(1);
	}
	t->pid = pid;
	t->next = buckets[pid % TRACEE_BUCKETS];
	buckets[pid % TRACEE_BUCKETS] = t;
	ntracees++;
	return t;
}

void tracee_remove(struct tracee *t)
{
	struct tracee **p;

	for (p = &buckets[t->pid % TRACEE_BUCKETS]; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			ntracees--;
			free(t->link);
			free(t->saved);
			free(t);
			return;
		}
}

int tracee_count(void)
{
	return ntracees;
}

void tracee_for_each(void (*fn)(struct tracee *t))
{
	struct tracee *t, *next;
	int i;

	for (i = 0; i < TRACEE_BUCKETS; i++)
		for (t = buckets[i]; t; t = next) {
			next = t->next;
			fn(t);
		}
}

int tracee_getregs(struct tracee *t, struct user_regs_struct *regs)
{
	return ptrace(PTRACE_GETREGS, t->pid, 0, regs) < 0 ? -errno : 0;
}

int tracee_setregs(struct tracee *t, struct user_regs_struct *regs)
{
	return ptrace(PTRACE_SETREGS, t->pid, 0, regs) < 0 ? -errno : 0;
}

unsigned long reg_arg(const struct user_regs_struct *r, int i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->r10;
	case 4: return r->r8;
	default: return r->r9;
	}
}

void reg_set_arg(struct user_regs_struct *r, int i, unsigned long v)
{
	switch (i) {
	case 0: r->rdi = v; break;
	case 1: r->rsi = v; break;
	case 2: r->rdx = v; break;
	case 3: r->r10 = v; break;
	case 4: r->r8 = v; break;
	default: r->r9 = v; break;
	}
}

/* The six argument registers of @from into @to. */
void reg_copy_args(struct user_regs_struct *to, const struct user_regs_struct *from)
{
	int i;

	for (i = 0; i < 6; i++)
		reg_set_arg(to, i, reg_arg(from, i));
}

/*
 * Memory goes through process_vm_readv() and process_vm_writev(), one
 * call for a whole buffer.  A kernel without them (CROSS_MEMORY_ATTACH
 * off) gets the word-by-word ptrace requests instead.
 */
static bool no_vm_calls;

static int peek_copy(struct tracee *t, unsigned long addr, void *buf, size_t len)
{
	unsigned long word, base;
	size_t done = 0, off, n;

	while (done < len) {
		base = (addr + done) & ~(sizeof(long) - 1);
		off = addr + done - base;
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, t->pid, (void *)base, 0);
		if (errno)
			return -errno;
		n = sizeof(long) - off;
		if (n > len - done)
			n = len - done;
		memcpy((char *)buf + done, (char *)&word + off, n);
		done += n;
	}
	return 0;
}

static int poke_copy(struct tracee *t, unsigned long addr, const void *buf, size_t len)
{
	unsigned long word, base;
	size_t done = 0, off, n;

	while (done < len) {
		base = (addr + done) & ~(sizeof(long) - 1);
		off = addr + done - base;
		n = sizeof(long) - off;
		if (n > len - done)
			n = len - done;
		if (off || n < sizeof(long)) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, t->pid, (void *)base, 0);
			if (errno)
				return -errno;
		}
		memcpy((char *)&word + off, (const char *)buf + done, n);
		if (ptrace(PTRACE_POKEDATA, t->pid, (void *)base, (void *)word) < 0)
			return -errno;
		done += n;
	}
	return 0;
}

/* One copy between us and the tracee, @write or not. */
static int vm_copy(struct tracee *t, unsigned long addr, void *buf, size_t len, bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };
	ssize_t n;

	if (!no_vm_calls) {
		n = write ? process_vm_writev(t->pid, &local, 1, &remote, 1, 0) :
			process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			return -EFAULT;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_vm_calls = true;
	}
	return write ? poke_copy(t, addr, buf, len) : peek_copy(t, addr, buf, len);
}

int tracee_read(struct tracee *t, unsigned long addr, void *buf, size_t len)
{
	return vm_copy(t, addr, buf, len, false);
}

int tracee_write(struct tracee *t, unsigned long addr, const void *buf, size_t len)
{
	return vm_copy(t, addr, (void *)buf, len, true);
}

/*
 * A NUL-terminated string, read up to each page's end at a time: the
 * string may end just before an unmapped page.  -ENAMETOOLONG if it does
 * not fit in @size.
 */
int tracee_read_string(struct tracee *t, unsigned long addr, char *buf, size_t size)
{
	size_t done = 0, n;
	int err;

	while (done < size) {
		n = 4096 - ((addr + done) & 4095);
		if (n > size - done)
			n = size - done;
		err = tracee_read(t, addr + done, buf + done, n);
		if (err)
			return err;
		if (memchr(buf + done, '\0', n))
			return 0;
		done += n;
	}
	return -ENAMETOOLONG;
}

/*
 * Copy @data below the tracee's red zone and return its address there:
 * the scratch space of the call at hand, given back at the next entry.
 * 0 if the write fails.
 */
unsigned long tracee_push(struct tracee *t, const void *data, size_t len)
{
	unsigned long addr;

	if (!t->scratch)
		t->scratch = REG_SP(&t->entry) - RED_ZONE;
	addr = (t->scratch - len) & ~15UL;
	if (tracee_write(t, addr, data, len))
		return 0;
	t->scratch = addr;
	return addr;
}

/* A field of /proc/PID/status, as a number; -1 if it cannot be read. */
static long status_field(pid_t pid, const char *field, int column)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			char *p = line + flen + 1;

			while (column-- > 0)
				strtol(p, &p, 10);
			v = strtol(p, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

long tracee_tgid(struct tracee *t)
{
	return status_field(t->pid, "Tgid", 0);
}

int tracee_euid(struct tracee *t)
{
	return status_field(t->pid, "Uid", 1);
}

/*
 * Whether the call at this entry stop is an x86_64 one: an int 0x80 from
 * a 64-bit process uses i386's numbers.  Asked only for the calls the tool
 * handles; a kernel without PTRACE_GET_SYSCALL_INFO (before 5.3) is taken
 * at its number.
 */
bool tracee_call_is_x86_64(struct tracee *t)
{
	struct __ptrace_syscall_info info;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, sizeof(info), &info) <= 0)
		return true;
	return info.arch == AUDIT_ARCH_X86_64;
}
