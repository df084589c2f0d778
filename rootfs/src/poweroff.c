// SPDX-License-Identifier: GPL-2.0
/*
 * poweroff, halt and reboot for the sysptvm guest.  Its init is a shell
 * script, with no daemon to ask, so these act at once, like "poweroff -f":
 * sync, then reboot(2).  Installed in /usr/local/sbin, ahead of any other.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/reboot.h>

int main(int argc, char *argv[])
{
	const char *name = basename(argv[0]);
	int cmd = RB_POWER_OFF;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: %s [-f]\nSync the disks and %s the guest now.\n",
		       name, name);
		return 0;
	}
	if (strcmp(name, "reboot") == 0)
		cmd = RB_AUTOBOOT;
	else if (strcmp(name, "halt") == 0)
		cmd = RB_HALT_SYSTEM;

	sync();
	reboot(cmd);
	perror(name);
	return 1;
}
