// SPDX-License-Identifier: GPL-2.0
/*
 * The binds: -b HOST:GUEST shows HOST's tree at GUEST, as a bind mount
 * would.  A path the tracee gives is resolved here as the kernel would
 * resolve it in the tracee's view: component by component, "..", and
 * every symlink followed, each read through the binds.  What comes out is
 * the canonical guest path and, by the binds, the host path the call is
 * given instead.  The way back (getcwd, readlink of /proc's links) maps a
 * host path to the guest path of the bind that holds it.
 *
 * /proc is not resolved: its links (/proc/self, /proc/PID/cwd, fd/N) name
 * objects, not paths, and the kernel follows them right in the tracee's
 * own context.  A path under /proc keeps its components as given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "partialvm.h"

#define MAX_BINDS 64
#define MAX_LINKS 40	/* the kernel's MAXSYMLINKS */

static struct bind binds[MAX_BINDS];
static int nbinds;

int bind_count(void)
{
	return nbinds;
}

const struct bind *bind_get(int i)
{
	return &binds[i];
}

/* Whether @path is @prefix or lies under it. */
static bool under(const char *path, const char *prefix, size_t len)
{
	if (len == 1)	/* "/" */
		return path[0] == '/';
	return !strncmp(path, prefix, len) && (path[len] == '\0' || path[len] == '/');
}

/* The bind whose guest (or host) side holds @path, the deepest; or NULL. */
static const struct bind *bind_holding(const char *path, bool host_side)
{
	const struct bind *best = NULL;
	size_t len;
	int i;

	for (i = 0; i < nbinds; i++) {
		len = host_side ? binds[i].host_len : binds[i].guest_len;
		if (under(path, host_side ? binds[i].host : binds[i].guest, len) &&
		    (!best || len > (host_side ? best->host_len : best->guest_len)))
			best = &binds[i];
	}
	return best;
}

static const struct bind *bind_of_guest(const char *guest)
{
	return bind_holding(guest, false);
}

bool bind_touches(const char *guest)
{
	return bind_of_guest(guest) != NULL;
}

static void replace_prefix(const char *path, size_t old_len, const char *new,
			   char *out, size_t size)
{
	const char *rest = path + old_len;

	if (!strcmp(new, "/") && *rest == '/')
		snprintf(out, size, "%s", rest);
	else
		snprintf(out, size, "%s%s", new, rest);
	if (!*out)
		snprintf(out, size, "/");
}

void guest_to_host(const char *guest, char *host, size_t size)
{
	const struct bind *b = bind_of_guest(guest);

	if (b)
		replace_prefix(guest, b->guest_len, b->host, host, size);
	else
		snprintf(host, size, "%s", guest);
}

void host_to_guest(const char *host, char *guest, size_t size)
{
	const struct bind *b = bind_holding(host, true);

	if (b)
		replace_prefix(host, b->host_len, b->guest, guest, size);
	else
		snprintf(guest, size, "%s", host);
}

/* Drop the last component of the canonical path @p ("/a/b" -> "/a"). */
static void drop_last(char *p)
{
	char *slash = strrchr(p, '/');

	if (slash == p)
		p[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/*
 * Resolve @path from the canonical guest directory @start, as the kernel
 * would in the tracee's view, into the canonical guest path @out.  The
 * last component is followed if it is a symlink and @follow_last is 1, or
 * it is 0 and the path ends in '/' (-1: never, for the calls that create
 * or remove it).  *@touched is set when the walk passed under a bind:
 * only then does the host's own resolution differ.  A component that does
 * not exist ends the resolution there; the rest is kept, and the call
 * fails as it would have.  0, or -ELOOP, -ENAMETOOLONG.
 */
int guest_canonical(const char *start, const char *path, int follow_last,
		    char *out, size_t size, bool *touched)
{
	char cur[PATH_MAX], rest[2 * PATH_MAX], link[PATH_MAX], host[PATH_MAX];
	char tmp[2 * PATH_MAX];
	bool trailing = path[0] && path[strlen(path) - 1] == '/';
	bool missing = false;
	int links = 0;
	char *p;

	if (strlen(path) >= PATH_MAX || strlen(start) >= PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(cur, sizeof(cur), "%s", path[0] == '/' ? "/" : start);
	snprintf(rest, sizeof(rest), "%s", path);
	*touched |= bind_touches(cur);
	p = rest;
	for (;;) {
		char *comp, *end;
		size_t len, curlen;
		bool last;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		end = strchrnul(p, '/');
		len = end - comp;
		p = end;
		while (*p == '/')
			p++;
		last = !*p;

		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			drop_last(cur);
			*touched |= bind_touches(cur);
			continue;
		}
		curlen = strlen(cur);
		if (curlen + 1 + len >= sizeof(cur))
			return -ENAMETOOLONG;
		if (!strcmp(cur, "/proc") && !bind_touches("/proc")) {
			/* /proc's links are the kernel's to follow. */
			snprintf(tmp, sizeof(tmp), "/proc/%.*s%s%s", (int)len, comp,
				 *p ? "/" : "", p);
			if (strlen(tmp) >= sizeof(cur))
				return -ENAMETOOLONG;
			snprintf(cur, sizeof(cur), "%s", tmp);
			trailing = false;
			break;
		}
		snprintf(cur + curlen, sizeof(cur) - curlen, "%s%.*s",
			 curlen > 1 ? "/" : "", (int)len, comp);
		*touched |= bind_touches(cur);
		if (missing || (last && (follow_last < 0 || (!follow_last && !trailing))))
			continue;
		guest_to_host(cur, host, sizeof(host));
		n = readlink(host, link, sizeof(link) - 1);
		if (n < 0) {
			/* Not a link; a missing one ends the resolution. */
			missing = errno != EINVAL;
			continue;
		}
		if (++links > MAX_LINKS)
			return -ELOOP;
		link[n] = '\0';
		if (snprintf(tmp, sizeof(tmp), "%s%s%s", link, *p ? "/" : "", p) >= (int)sizeof(rest))
			return -ENAMETOOLONG;
		strcpy(rest, tmp);
		p = rest;
		drop_last(cur);
		if (link[0] == '/')
			snprintf(cur, sizeof(cur), "/");
		*touched |= bind_touches(cur);
	}
	if (trailing && strcmp(cur, "/"))
		snprintf(out, size, "%s/", cur);
	else
		snprintf(out, size, "%s", cur);
	return strlen(cur) + 1 >= size ? -ENAMETOOLONG : 0;
}

/*
 * The guest path of the directory a relative path starts from: the cwd
 * (AT_FDCWD) or the directory @dirfd, read from /proc.  -errno if there is
 * none that a path can name (a deleted directory, a socket); the call is
 * then left to the kernel.
 */
int tracee_guest_dir(struct tracee *t, int dirfd, char *out, size_t size)
{
	char link[64], host[PATH_MAX];
	ssize_t n;

	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", t->pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->pid, dirfd);
	n = readlink(link, host, sizeof(host) - 1);
	if (n < 0)
		return -errno;
	host[n] = '\0';
	if (host[0] != '/' || (n > 10 && !strcmp(host + n - 10, " (deleted)")))
		return -ENOENT;
	host_to_guest(host, out, size);
	return 0;
}

/* "a//b/./c/" -> "/a/b/c", lexically: for a bind's guest side. */
static void lexical_clean(const char *in, char *out, size_t size)
{
	char buf[PATH_MAX], *save, *comp;

	snprintf(buf, sizeof(buf), "%s", in);
	snprintf(out, size, "/");
	for (comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			drop_last(out);
			continue;
		}
		if (strlen(out) > 1)
			strncat(out, "/", size - strlen(out) - 1);
		strncat(out, comp, size - strlen(out) - 1);
	}
}

/*
 * -b HOST:GUEST, or -b PATH for the same path on both sides.  HOST must
 * exist; GUEST is resolved through the binds given before it, as a mount
 * point is, and must be absolute and neither "/" nor under /proc.
 */
int bind_add(const char *spec, char *err, size_t errlen)
{
	char host[PATH_MAX], clean[PATH_MAX], guest[PATH_MAX], *colon, *h;
	bool touched = false;
	struct bind *b;
	int ret;

	if (nbinds == MAX_BINDS) {
		snprintf(err, errlen, "-b %s: more than %d binds", spec, MAX_BINDS);
		return -1;
	}
	h = strdup(spec);
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	colon = strchr(h, ':');
	if (colon)
		*colon++ = '\0';
	else
		colon = h;
	if (!*h || !*colon) {
		snprintf(err, errlen, "-b '%s': expected HOST:GUEST or PATH", spec);
		goto fail;
	}
	if (!realpath(h, host)) {
		snprintf(err, errlen, "-b %s: the host side %s: %s", spec, h, strerror(errno));
		goto fail;
	}
	/* Every host path would be shown under GUEST, getcwd's too. */
	if (!strcmp(host, "/")) {
		snprintf(err, errlen, "-b %s: the host side cannot be /", spec);
		goto fail;
	}
	if (colon[0] != '/') {
		snprintf(err, errlen, "-b %s: the guest side '%s' is not an absolute path",
			 spec, colon);
		goto fail;
	}
	lexical_clean(colon, clean, sizeof(clean));
	ret = guest_canonical("/", clean, 1, guest, sizeof(guest), &touched);
	if (ret) {
		snprintf(err, errlen, "-b %s: the guest side: %s", spec, strerror(-ret));
		goto fail;
	}
	if (!strcmp(guest, "/") || under(guest, "/proc", 5)) {
		snprintf(err, errlen, "-b %s: the guest side cannot be %s",
			 spec, !strcmp(guest, "/") ? "/" : "under /proc");
		goto fail;
	}
	b = &binds[nbinds++];
	b->host = strdup(host);
	b->guest = strdup(guest);
	if (!b->host || !b->guest) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	b->host_len = strlen(b->host);
	b->guest_len = strlen(b->guest);
	free(h);
	return 0;
fail:
	free(h);
	return -1;
}
