# The one place that knows how to boot the guest and reach its prompt.
# Every step has a time-out and, when it fails, a message that names the
# step and the configuration (the boot.sh arguments), then exits non-zero.

# Bash may put control sequences before the prompt, hence no anchor.
set prompt {root@sysptvm:[^\r\n]*# $}
set config ""
# A guest command may print more than expect's default 2000-byte buffer.
match_max -d 1000000
set step_started 0

proc now_ms {} { return [clock milliseconds] }

proc step_fail {step why {console ""}} {
	global config
	puts stderr "\nexpect: step '$step' failed ($why); configuration: $config"
	# boot.sh names the kernel's cause lines itself when a guest dies at
	# boot ("the guest did not reach its shell"); show its last lines.
	if {$console ne ""} {
		set lines [split [string trimright [string map {"\r" ""} $console]] "\n"]
		puts stderr "expect: the end of boot.sh's output:"
		foreach line [lrange $lines end-14 end] { puts stderr "  > $line" }
	}
	exit 1
}

# boot BOOTARGS: start boot.sh with the list BOOTARGS, wait for the root
# prompt.  Returns the time to the prompt in milliseconds.
proc boot {bootargs {secs 120}} {
	global prompt config spawn_id top
	if {$config eq ""} { set config "boot.sh $bootargs" }
	set t0 [now_ms]
	spawn -noecho {*}[list $top/boot.sh --no-build] {*}$bootargs
	set timeout $secs
	expect {
		-re $prompt {}
		timeout { step_fail "boot to the shell prompt" "no prompt after $secs s" }
		eof { step_fail "boot to the shell prompt" "boot.sh ended first" $expect_out(buffer) }
	}
	return [expr {[now_ms] - $t0}]
}

# guest CMD: run a shell command, wait for the prompt, return its output.
proc guest {cmd {secs 60}} {
	global prompt
	set timeout $secs
	send -- "$cmd\r"
	expect {
		-re "(.*)\r\n\[^\r\n\]*$prompt" { set out $expect_out(1,string) }
		timeout { step_fail "run '$cmd'" "no prompt after $secs s" }
		eof { step_fail "run '$cmd'" "the guest went away" }
	}
	# Drop the echoed command line and terminal control sequences (bash
	# brackets each command with bracketed-paste on/off).
	regsub {^[^\n]*\n} $out {} out
	regsub -all {\x1b\[[0-9;?]*[a-zA-Z]} $out {} out
	regsub -all {\r} $out {} out
	return [string trim $out]
}

# poweroff: ask the guest to power off; boot.sh must end with status 0.
# Returns the time until boot.sh ended, in milliseconds.
proc poweroff {{secs 30}} {
	set t0 [now_ms]
	set timeout $secs
	send -- "poweroff\r"
	expect {
		eof {}
		timeout { step_fail "poweroff" "boot.sh still running after $secs s" }
	}
	set status [lindex [wait] 3]
	if {$status != 0} { step_fail "poweroff" "boot.sh exited with status $status" }
	return [expr {[now_ms] - $t0}]
}
