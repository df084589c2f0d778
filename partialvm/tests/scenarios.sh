#!/bin/bash
# partialvm-scenarios: the scenario list of partialvm (docs/partialvm.md),
# as TAP, for one tracer in the place it runs in: natively, in the guest,
# on the host kernel under qemu, in a nested UML.
#
#   partialvm-scenarios [--tracer NAME] [--tool PATH] [--only NAMES]
#   partialvm-scenarios --proot     the same list under Debian's proot,
#                                   the reference of behaviour
#
# It runs as root (the calls that need it, and 'nobody' for -0).  The
# fixture is a tree H in a new directory; the tool shows it at G, a path
# that does not exist on the host, so that a call the tool misses fails.
# Its siblings partialvm, partialvm-workload and partialvm-calls are taken
# from its own directory.  Nothing is left behind.
set -u

here=$(cd "$(dirname "$0")" && pwd)
tool=$here/partialvm tracer='' proot=0 only=''
while [ $# -gt 0 ]; do
	case $1 in
	--tracer) tracer=$2; shift 2 ;;
	--tool) tool=$2; shift 2 ;;
	--proot) proot=1; shift ;;
	--only) only=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "partialvm-scenarios: unknown argument '$1'; see --help" >&2; exit 2 ;;
	esac
done
workload=$here/partialvm-workload calls=$here/partialvm-calls

n=0 failed=0
result() {	# NAME STATUS [REASON]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1${3:+ # $3}"
	else
		echo "not ok $n $1${3:+ # $3}"
		failed=$((failed + 1))
	fi
}
skip() {	# NAME REASON
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}
diag() {
	sed 's/^/# /'
}
# Compare what a scenario printed with what it should have; show both.
expect_output() {	# NAME WANTED GOT [NOTE]
	if [ "$2" = "$3" ]; then
		result "$1" 0 "${4:-}"
	else
		{ echo "wanted:"; echo "$2"; echo "got:"; echo "$3"; } | diag
		result "$1" 1 "the output differs${4:+; $4}"
	fi
}
wanted() {	# NAME: whether --only lets it run
	[ -z "$only" ] || [[ " $only " == *" $1 "* ]]
}

W=$(mktemp -d /tmp/pvm-scenarios.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
H=$W/host/tree G=$W/guest
mkdir -p "$H/dir/sub" "$H/bin" "$H/tar/d"
echo "hello from the bind" >"$H/dir/file"
echo "deep" >"$H/dir/sub/deep.txt"
echo "a" >"$H/dir/a.txt"
ln -s file "$H/dir/link"
ln -s "$G/dir/sub" "$H/dir/abslink"
# The interpreter is named sh: busybox, where /bin/sh is busybox, runs
# the applet its name says.
cp -L /bin/sh "$H/bin/sh"
# shellcheck disable=SC2016 # the script's own $0 and $@
printf '#!%s\necho script-ran "$0" "$@"\n' "$G/bin/sh" >"$H/bin/script"
chmod 755 "$H/bin/script"
for i in 1 2 3 4 5; do echo "file $i" >"$H/tar/d/f$i"; done
ln -s f1 "$H/tar/d/l1"
touch -d '2020-01-01 00:00:00' "$H/tar/d" "$H/tar/d"/* "$H/tar"
chmod -R a+rX "$W"
mkdir -p "$H/calls" "$H/fake"
chmod 1777 "$H/calls" "$H/fake"
touch "$H/fake/owned"
chown 65534 "$H/fake/owned"
host_hostname=$(hostname)

as_nobody() {
	if command -v setpriv >/dev/null && setpriv --help 2>&1 | grep -q -- --reuid; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		su -s /bin/sh nobody -c "$(printf '%q ' "$@")"
	fi
}

# The command line of the tool, or of proot: OPTIONS -- CMD...
# proot has -b and -0, and no virtual hostname.
vm() {
	local args=()
	if [ "$proot" = 1 ]; then
		while [ "$1" != -- ]; do
			case $1 in
			-b) args+=(-b "$2"); shift ;;
			-0) args+=(-0) ;;
			-n) shift ;;
			esac
			shift
		done
		shift
		proot "${args[@]}" "$@"
	else
		"$tool" ${tracer:+--tracer="$tracer"} "$@"
	fi
}
tool_cmd=("$tool" ${tracer:+--tracer="$tracer"})
# What -n NAME gives: NAME with the tool, the host's name with proot.
virt=pvm-virt
[ "$proot" = 1 ] && virt=$host_hostname

# partialvm-calls' cases, one line each: calls/NAME (root) and
# calls-fake-root/NAME (nobody, -0 -n).
calls_cases() {	# PREFIX OUTPUT
	local line name cases=0
	while read -r line; do
		name=${line#*global.} name=${name%% *}
		case $line in
		# A case of the other run (root, or -0 as nobody) is not listed.
		*"# SKIP the path calls run without PVM_FAKE"*|*"# SKIP runs with PVM_FAKE"*) ;;
		"ok "*"# SKIP"*) skip "$1/$name" "${line#*# SKIP }" ;;
		"ok "*) result "$1/$name" 0 ;;
		"not ok "*) result "$1/$name" 1 ;;
		*) continue ;;
		esac
		cases=$((cases + 1))
	done <<<"$(echo "$2" | grep -E '^(not )?ok [0-9]+ global\.')"
	if [ "$cases" = 0 ] || ! echo "$2" | grep -q '^# Totals'; then
		result "$1" 1 "partialvm-calls did not run to its end"
	fi
}

scenario_calls() {
	local out
	out=$(cd "$W" && PVM_HOST=$H/calls PVM_GUEST=$G/calls vm -b "$H:$G" -- "$calls" 2>&1)
	echo "$out" | grep -B3 '^not ok' | grep -v '^#  RUN\|^#.*FAIL\|^not ok' | diag
	calls_cases calls "$out"
}

scenario_calls_fake_root() {
	local out
	out=$(cd "$W" && PVM_FAKE=1 PVM_HOSTNAME=$virt PVM_HOST=$H/fake PVM_GUEST=$G/fake \
		as_nobody "$tool" ${tracer:+--tracer="$tracer"} -0 -n "$virt" -b "$H:$G" -- "$calls" 2>&1)
	echo "$out" | grep -B3 '^not ok' | grep -v '^#  RUN\|^#.*FAIL\|^not ok' | diag
	calls_cases calls-fake-root "$out"
}

scenario_fake_root() {
	local out uid want cmd
	if [ "$proot" = 1 ]; then
		cmd=("$(command -v proot)" -0 -b "$H:$G")
	else
		cmd=("$tool" ${tracer:+--tracer="$tracer"} -0 -n "$virt" -b "$H:$G" --)
	fi
	out=$(cd "$W" && as_nobody "${cmd[@]}" \
		sh -c "id -u; hostname; chown root $G/fake/owned && echo chown-ok" 2>&1)
	want=$(printf '0\n%s\nchown-ok' "$virt")
	uid=$(stat -c %u "$H/fake/owned")
	[ "$uid" = 0 ] && out="$out (the host file's owner changed to 0)"
	[ "$(hostname)" = "$host_hostname" ] || out="$out (the host's hostname changed)"
	expect_output fake-root "$want" "$out"
}

scenario_sethostname() {
	local out
	out=$(vm -0 -n "$virt" -- sh -c "hostname pvm-new && hostname" 2>&1)
	[ "$(hostname)" = "$host_hostname" ] || out="$out (the host's hostname changed)"
	expect_output sethostname "pvm-new" "$out"
}

scenario_bind_read() {
	local out want
	out=$(vm -b "$H:$G" -- sh -c "cat $G/dir/file; ls -l $G/dir; find $G/dir | sort" 2>&1)
	want=$(sh -c "cat $H/dir/file; ls -l $H/dir; find $H/dir | sort" 2>&1 | sed "s|$H|$G|g")
	expect_output bind-read "$want" "$out"
}

scenario_cd_pwd() {
	local out want
	out=$(cd "$W" && vm -b "$H:$G" -- sh -c "cd $G/dir/sub && pwd && /bin/pwd && readlink /proc/self/cwd &&
		cd .. && /bin/pwd && cd -P $G/dir/abslink && /bin/pwd && cd $G/.. && /bin/pwd" 2>&1)
	want=$(printf '%s\n' "$G/dir/sub" "$G/dir/sub" "$G/dir/sub" "$G/dir" "$G/dir/sub" "$W")
	expect_output cd-pwd "$want" "$out"
}

scenario_script() {
	local out
	out=$(vm -b "$H:$G" -- sh -c "$G/bin/script a 'b c'; $G/bin/sh -c 'echo direct'" 2>&1)
	expect_output script "$(printf 'script-ran %s a b c\ndirect' "$G/bin/script")" "$out"
}

scenario_loop_pipeline() {
	local out
	out=$(vm -b "$H:$G" -- sh -c "for i in 1 2 3; do cat $G/dir/file; done | wc -l;
		cat $G/dir/file | tr a-z A-Z | grep -c HELLO" 2>&1)
	expect_output loop-pipeline "$(printf '3\n1')" "$(echo "$out" | tr -d ' ')"
}

# Every thread and every child says what it sees: an untraced one sees
# no file at G and the host's name.
scenario_threads_storm() {
	local out want i
	out=$(vm -n "$virt" -b "$H:$G" -- sh -c "$workload threads 8 $G/dir/file;
		for i in \$(seq 20); do (cat $G/dir/file; hostname) & done; wait" 2>&1)
	want=$(for i in $(seq 0 7); do echo "thread $i: hello from the bind $virt"; done
		for i in $(seq 20); do echo "hello from the bind"; echo "$virt"; done)
	expect_output threads-storm "$(echo "$want" | sort)" "$(echo "$out" | sort)"
}

scenario_signals() {
	local out want
	want=$("$workload" signals 2>&1)
	out=$(vm -b "$H:$G" -- "$workload" signals 2>&1)
	expect_output signals "$want" "$out"
}

scenario_tar_gzip() {
	local out want
	want=$(tar -C "$H/tar" -cf - d | gzip -n | sha256sum)
	out=$(vm -b "$H:$G" -- sh -c "tar -C $G/tar -cf - d | gzip -n | sha256sum" 2>&1)
	expect_output tar-gzip "$want" "$out"
}

# The exit status is the command's, 128+N for a signal N.
scenario_exit_status() {
	local got=
	vm -- sh -c 'exit 7'; got="$got $?"
	vm -- sh -c 'kill -TERM $$'; got="$got $?"
	vm -- sh -c 'sh -c "exit 3" & wait $!'; got="$got $?"
	expect_output exit-status " 7 143 3" "$got"
}

# Bad input: a clear message and a non-zero status, and nothing run.
scenario_bad_input() {
	local out got='' msgs=''
	out=$("$tool" --no-such-option -- true 2>&1); got="$got $?"; msgs="$msgs|$out"
	out=$("$tool" -b "$W/missing:$G" -- true 2>&1); got="$got $?"; msgs="$msgs|$out"
	out=$("$tool" -b "$H:relative" -- true 2>&1); got="$got $?"; msgs="$msgs|$out"
	out=$("$tool" -- "$W/no-such-command" 2>&1); got="$got $?"; msgs="$msgs|$out"
	out=$("$tool" --tracer=nonesuch -- true 2>&1); got="$got $?"; msgs="$msgs|$out"
	echo "$msgs" | tr '|' '\n' | diag
	expect_output bad-input " 125 125 125 127 125" "$got"
	local m
	for m in "unrecognized option" "the host side $W/missing: No such file" \
		"is not an absolute path" "no-such-command: No such file" "no such tracer"; do
		[[ "$msgs" == *"$m"* ]] || { result "bad-input-message" 1 "no '$m'"; return; }
	done
	result bad-input-message 0
}

# --stats: the stops per call.  The counts of N and 3N calls differ by
# 2N: ptvm stops once at each call, ptrace twice, seccomp only at the
# calls its filter traces (stat under a bind, uname with -n), seccomp-all
# once at every call.
stops_of() {	# CALL N ARGS...: "entry exit seccomp" of CALL's row
	local call=$1; shift
	vm --stats -n "$virt" -b "$H:$G" -- "$workload" "$@" 2>&1 >/dev/null |
		awk -v c="$call" '$2 == "stats:" && $3 == c { print $4, $5, $6 }'
}
scenario_stop_counts() {
	local call args a b d want got=''
	for call in getpid uname stat; do
		args=
		[ "$call" = stat ] && args=$G/dir/file
		# shellcheck disable=SC2086
		a=$(stops_of "$call" "$call" 1000 $args) b=$(stops_of "$call" "$call" 3000 $args)
		read -r -a A <<<"${a:-0 0 0}"; read -r -a B <<<"${b:-0 0 0}"
		d="$((B[0] - A[0])) $((B[1] - A[1])) $((B[2] - A[2]))"
		got="$got $call:$d"
	done
	case ${tracer:-default} in
	ptvm) want=" getpid:2000 0 0 uname:2000 0 0 stat:2000 0 0" ;;
	ptrace) want=" getpid:2000 2000 0 uname:2000 2000 0 stat:2000 2000 0" ;;
	seccomp) want=" getpid:0 0 0 uname:0 0 2000 stat:0 0 2000" ;;
	seccomp-all) want=" getpid:0 0 2000 uname:0 0 2000 stat:0 0 2000" ;;
	*) skip stop-counts "needs --tracer"; return ;;
	esac
	expect_output stop-counts "$want" "$got" "entry, exit and seccomp stops for 2000 calls"
}

# Attach and detach (ptvm and ptrace).  A loop in 3 threads prints what
# each sees every 0.1 s: native (no file at G, the host's name), then
# virtual after -p, then native again after the detach; it must still
# be running at the end.  PHASES: each thread's run of kinds, N and V.
phases() {	# FILE
	awk '{ k = ($0 ~ /No such file/) ? "N" : "V"; t = $1
		if (k != last[t]) { seq[t] = seq[t] k; last[t] = k } }
		END { for (t in seq) print t, seq[t] }' "$1" | sort
}
watch_start() {	# OUT SECONDS
	"$workload" watch "$G/dir/file" "$2" 3 >"$1" &
	watcher=$!
	sleep 1
}
watch_check() {	# NAME OUT STATUS [WHAT]
	local alive=no
	kill -0 "$watcher" 2>/dev/null && alive=yes
	wait "$watcher"
	expect_output "$1" "$(printf '0: NVN\n1: NVN\n2: NVN\nalive: yes\ntool: %s' "$3")" \
		"$(phases "$2"; echo "alive: $alive"; echo "tool: ${4:-}")"
}

scenario_attach_detach_after() {
	local rc=0
	watch_start "$W/watch1" 5
	vm -n "$virt" -b "$H:$G" --detach-after 2 -p "$watcher" || rc=$?
	watch_check attach-detach-after "$W/watch1" 0 "$rc"
}

scenario_attach_sigusr1() {
	local rc=0 t
	watch_start "$W/watch2" 5
	"${tool_cmd[@]}" -n "$virt" -b "$H:$G" -p "$watcher" &
	t=$!
	sleep 2
	kill -USR1 "$t"
	wait "$t" || rc=$?
	watch_check attach-sigusr1 "$W/watch2" 0 "$rc"
}

# The attached process is never killed: Ctrl-C detaches it, and so does
# the tool's own death.
scenario_attach_never_killed() {
	local out=''
	"$workload" watch "$G/dir/file" 4 >/dev/null &
	watcher=$!
	"${tool_cmd[@]}" -b "$H:$G" -p "$watcher" &
	sleep 1
	kill -INT $!
	wait $! || true
	kill -0 "$watcher" 2>/dev/null && out="alive after Ctrl-C"
	"${tool_cmd[@]}" -b "$H:$G" -p "$watcher" &
	sleep 1
	kill -KILL $!
	wait $! 2>/dev/null || true
	kill -0 "$watcher" 2>/dev/null && out="$out, alive after SIGKILL"
	wait "$watcher" || out="$out, then its status $?"
	expect_output attach-never-killed "alive after Ctrl-C, alive after SIGKILL" "$out"
}

# A stopped process, attached and detached, is stopped still.
scenario_attach_stopped() {
	local state got=''
	"$workload" watch "$G/dir/file" 6 >/dev/null &
	watcher=$!
	kill -STOP "$watcher"
	sleep 0.5
	"${tool_cmd[@]}" -b "$H:$G" --detach-after 1 -p "$watcher"
	got="tool:$?"
	sleep 0.5
	state=$(awk '{ print $3 }' "/proc/$watcher/stat")
	got="$got state:$state"
	kill -CONT "$watcher"
	sleep 0.3
	kill -0 "$watcher" 2>/dev/null && got="$got alive"
	kill "$watcher" 2>/dev/null
	wait "$watcher" 2>/dev/null
	expect_output attach-stopped "tool:0 state:T alive" "$got"
}

# A command started by the tool, detached: it goes on natively, and the
# tool gives its status.
scenario_detach_command() {
	local out rc=0
	out=$(vm -b "$H:$G" --detach-after 1 -- sh -c "cat $G/dir/file; sleep 2; cat $G/dir/file 2>/dev/null || echo native; exit 3" 2>&1) || rc=$?
	expect_output detach-command "$(printf 'hello from the bind\nnative\nstatus 3')" "$(printf '%s\nstatus %s' "$out" "$rc")"
}

# The seccomp tracers refuse -p, --detach-after and SIGUSR1, and say why:
# the filter would stay, and a process with a filter that traces and no
# tracer gets ENOSYS from every call it traces.
scenario_seccomp_cannot_detach() {
	local out got='' rc
	"$workload" watch "$G/dir/file" 2 >/dev/null &
	watcher=$!
	out=$(vm -p "$watcher" 2>&1); rc=$?; got="$got -p:$rc"
	wait "$watcher"
	[[ "$out" == *"stays when the tracer is gone"*"ENOSYS"* ]] && got="$got(why)"
	out=$(vm --detach-after 1 -- true 2>&1); rc=$?; got="$got detach-after:$rc"
	[[ "$out" == *"fails with ENOSYS"* ]] && got="$got(why)"
	# shellcheck disable=SC2016 # the inner shell's $PPID: the tool
	out=$(vm -- sh -c 'kill -USR1 $PPID; sleep 1; echo still-traced' 2>&1); rc=$?
	[[ "$out" == *"cannot detach"*"still tracing"*"still-traced"* ]] && got="$got usr1:$rc(why)"
	out=$("$workload" filter-alone "$H/dir/file" 2>&1)
	echo "$out" | diag
	[[ "$out" == *"Function not implemented"* ]] && got="$got orphan-filter:ENOSYS"
	expect_output seccomp-cannot-detach " -p:125(why) detach-after:125(why) usr1:0(why) orphan-filter:ENOSYS" "$got"
}

scenarios="calls calls_fake_root fake_root sethostname bind_read cd_pwd script loop_pipeline threads_storm signals tar_gzip exit_status bad_input stop_counts"
case ${tracer:-} in
seccomp*) scenarios="$scenarios seccomp_cannot_detach" ;;
*) scenarios="$scenarios attach_detach_after attach_sigusr1 attach_never_killed attach_stopped detach_command" ;;
esac
if [ "$proot" = 1 ]; then
	command -v proot >/dev/null || { echo "1..0 # SKIP no proot here"; exit 0; }
	# proot has no -n, no --stats, and bad input of its own.
	scenarios="calls fake_root bind_read cd_pwd script loop_pipeline threads_storm signals tar_gzip exit_status"
else
	[ -x "$tool" ] || { echo "partialvm-scenarios: no tool at $tool" >&2; exit 2; }
fi
echo "# partialvm scenarios: ${tracer:+--tracer=$tracer }$([ "$proot" = 1 ] && echo "proot ($(proot --version 2>&1 | grep -om1 'v[0-9.]*'))"); $(uname -r)"
for s in $scenarios; do
	wanted "${s//_/-}" || continue
	"scenario_$s"
done
echo "1..$n"
[ "$failed" = 0 ]
