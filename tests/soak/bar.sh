# shellcheck shell=bash
# The bar of make soak for every guest (issue 13), in one place: the parts
# apply it (soak_bar in tests/soak/parts.sh), scripts/soak.sh writes it
# into the report.
# shellcheck disable=SC2034 # used by the files that source this one

# The lines of a guest's log that break the bar.
SOAK_OOPS_RE='Oops|BUG:|WARNING:|general protection fault|cut here ]|Call Trace:'
SOAK_PANIC_RE='Kernel panic'
SOAK_CRASH_RE='did not run the command to the end|exited with status [0-9]* after the command|Segmentation fault'
# Lines that match SOAK_OOPS_RE and report no fault: the pr_warn() banner
# of fs/namespace.c for a mount with MS_MANDLOCK (trinity makes such calls;
# a native kernel prints the same).  A WARN() prints "WARNING: CPU: ...".
SOAK_BENIGN_RE='^WARNING: The mand mount option has been deprecated'
