# shellcheck shell=bash
# What ./boot.sh shows on a terminal: the probe and mode lines, warnings
# and errors and the prompt, with the whole kernel log in a file; --verbose
# shows it all.  The terminal is a tmux pane of the test's own tmux server.

PROMPT_RE='root@sysptvm:[^#]*# *$'
# A first boot shows at most this many lines before its prompt (issue 27).
QUIET_MAX_LINES=20

# term_boot DIR [BOOT-ARGS...]: boot.sh in a new 120x40 pane of a tmux
# server whose socket is in DIR; the pane's last line gets boot.sh's exit
# status ("boot.sh-exit N") and the pane stays.
term_boot() {
	local dir=$1
	shift
	tmux -S "$dir/tmux" -f /dev/null new-session -d -x 120 -y 40 \
		"cd $TOP && ${BOOT[*]} --timeout $BOOT_TIMEOUT $*; echo boot.sh-exit \$?; sleep 600"
	tmux -S "$dir/tmux" set-option -g history-limit 5000 >/dev/null
}
term_screen() {	# DIR: the pane's history and screen, without trailing blank lines
	tmux -S "$1/tmux" capture-pane -p -J -S - | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
term_size() {	# DIR: the pane's ROWSxCOLUMNS, as stty size gives them
	tmux -S "$1/tmux" display-message -p '#{pane_height}x#{pane_width}'
}
term_end() {	# DIR
	tmux -S "$1/tmux" kill-server 2>/dev/null || true
}
# The screen is read whole before it is searched: grep -q or awk that
# stop early would end term_screen with SIGPIPE, which pipefail counts.
# Wait until the screen has a line matching EXTENDED-REGEX; fail with the
# screen after SECONDS.
term_wait_for() {	# DIR EXTENDED-REGEX SECONDS WHAT
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -qE -- "$2" <<<"$(term_screen "$1")" && return 0
		sleep 0.2
	done
	echo "--- the terminal:" >&2
	term_screen "$1" >&2
	term_end "$1"
	fail "$4: no line matching '$2' after $3 s"
}
term_send() {	# DIR KEYS...
	local dir=$1
	shift
	tmux -S "$dir/tmux" send-keys "$@"
}
# Power the guest off and end the terminal; prints the screen, whose last
# line gives boot.sh's status.
term_poweroff() {	# DIR
	term_send "$1" poweroff Enter
	term_wait_for "$1" '^boot\.sh-exit ' 60 "poweroff"
	term_screen "$1"
	term_end "$1"
	rm -rf "$1"
}
# The lines above the first prompt.
lines_before_prompt() {	# DIR
	awk -v re="$PROMPT_RE" '$0 ~ re { exit } { n++ } END { print n + 0 }' <<<"$(term_screen "$1")"
}

test_first_boot_shows_few_lines_and_keeps_the_log() {
	command -v tmux >/dev/null || fail "tmux is missing (make deps installs it)"
	local dir n screen log
	dir=$(tmpdir)
	term_boot "$dir"
	term_wait_for "$dir" "$PROMPT_RE" "$BOOT_TIMEOUT" "boot to the prompt"
	screen=$(term_screen "$dir")
	echo "--- the terminal up to the prompt:"
	echo "$screen"
	n=$(lines_before_prompt "$dir")
	echo "$n lines before the prompt"
	log=$(sed -n 's/^boot\.sh: the kernel log goes to \([^;]*\);.*/\1/p' <<<"$screen")
	screen=$(term_poweroff "$dir")
	[ "$n" -le "$QUIET_MAX_LINES" ] || fail "$n lines before the prompt, more than $QUIET_MAX_LINES"
	assert_matches "$screen" '^Checking syscall emulation for ptrace\.\.\.' "the SYSEMU probe's line"
	assert_matches "$screen" '^Driving processes with ' "the mode line"
	assert_not_contains "$screen" "winch_thread" "the terminal"
	assert_contains "$screen" "boot.sh-exit 0" "boot.sh's status after poweroff"
	[ -n "$log" ] || fail "boot.sh named no log file"
	[ -s "$log" ] || fail "the log $log is missing or empty"
	# The whole log: what the terminal did not show is there.
	assert_matches "$(cat "$log")" '^Linux version 6\.12' "the log $log"
	assert_matches "$(cat "$log")" '^Driving processes with ' "the log $log"
	assert_matches "$(cat "$log")" '^Run /sbin/sysptvm-init as init process' "the log $log"
}

test_verbose_boot_shows_the_whole_log() {
	local dir n
	dir=$(tmpdir)
	term_boot "$dir" --verbose
	term_wait_for "$dir" "$PROMPT_RE" "$BOOT_TIMEOUT" "boot --verbose to the prompt"
	n=$(lines_before_prompt "$dir")
	# Not anchored: with --verbose, UML's own lines and printk's share
	# stderr, and a printk line may land after a probe's "Checking ...".
	grep -qE 'Linux version 6\.12' <<<"$(term_screen "$dir")" ||
		{ term_screen "$dir" >&2; term_end "$dir"; fail "no 'Linux version' line on the terminal with --verbose"; }
	assert_contains "$(term_poweroff "$dir")" "boot.sh-exit 0" "boot.sh's status after poweroff"
	echo "$n lines before the prompt with --verbose"
	# The count above can fail: --verbose goes past it.
	[ "$n" -gt "$QUIET_MAX_LINES" ] || fail "only $n lines before the prompt with --verbose"
}

# shellcheck disable=SC2016 # for the guest's shell
GUEST_SIZE='echo size-$(stty size | tr " " x)'

# The guest's terminal follows the host's: UML must get SIGWINCH, which it
# does only as the terminal's foreground process group.
test_guest_terminal_follows_a_resize() {
	local dir want
	dir=$(tmpdir)
	term_boot "$dir"
	term_wait_for "$dir" "$PROMPT_RE" "$BOOT_TIMEOUT" "boot to the prompt"
	want=$(term_size "$dir")
	term_send "$dir" "$GUEST_SIZE" Enter
	term_wait_for "$dir" "^size-$want\$" 30 "the guest's terminal size at boot (the pane's: $want)"
	tmux -S "$dir/tmux" resize-window -x 100 -y 30
	want=$(term_size "$dir")
	[ "$want" != "40x120" ] || fail "tmux did not resize its window"
	sleep 1
	term_send "$dir" "$GUEST_SIZE" Enter
	term_wait_for "$dir" "^size-$want\$" 30 "the guest's terminal size after a resize (the pane's: $want)"
	assert_contains "$(term_poweroff "$dir")" "boot.sh-exit 0" "boot.sh's status after poweroff"
}

# Without --run and without a terminal: a guest that dies at boot still
# says why, and names the log (init= is the last on the command line, so
# this one wins).
test_failed_quiet_boot_names_its_cause() {
	local out rc=0
	out=$("${BOOT[@]}" --timeout "$BOOT_TIMEOUT" init=/no/such/init </dev/null 2>&1) || rc=$?
	echo "$out"
	assert_eq 125 "$rc" "boot.sh's status when the guest reached no shell"
	assert_contains "$out" "the guest did not reach its shell" "boot.sh's output"
	assert_matches "$out" '^  \| .*Kernel panic' "the kernel's cause lines"
	assert_matches "$out" '^  \| .*/no/such/init' "the failed init among the cause lines"
	assert_matches "$out" '^boot\.sh: the whole log: build/boot-logs/boot-.*\.log$' "the log's name"
}

# UML's console and serial line drivers claimed every boot parameter that
# begins with "con" or "ssl" (patches/0038; the check is in tests/lib.sh):
# printk's console_msg_format= never took effect, and the quiet console
# above reads the levels it adds.
test_kernel_takes_console_msg_format() {
	kernel_takes_its_console_parameters build/linux
	# Stock must fail the same check.
	if (kernel_takes_its_console_parameters build/linux-stock) >/dev/null 2>&1; then
		fail "linux-stock passed: the check cannot tell the bug"
	fi
}
