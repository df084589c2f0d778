#!/bin/bash
# count-host-calls [-t SECONDS] [-w PID] DIR UMID WORKLOAD:COUNT...
#
# Count, from outside, the host calls that a UML makes for the rounds of
# hostcall_workload DIR WORKLOAD:COUNT... running in it: strace (without
# -f) on the UML's kernel thread (found by umid=UMID on its command line;
# UMID may be a unique prefix of the umid) from the first phase until the
# UML ends, the phases cut out of that trace.  A workload given twice,
# with two COUNTs, gives one line
#   hostcalls WORKLOAD PER-ROUND CALL=PER-ROUND... irq=PER-ROUND
# the difference of the two phases' calls over the difference of their
# rounds (what a phase costs besides its rounds cancels out), per system
# call and per ptrace request, most frequent first; the calls of the UML's
# interrupts (its timer and I/O signals, and the stops of the guest
# process that its timer causes) are not among them, but counted apart as
# irq.  The traces stay in DIR (trace; trace.N for the phases).
# -t: give up waiting for a phase after SECONDS (default 600); -w: give up
# as soon as process PID (the UML, or what runs it) is gone.
set -uo pipefail

limit=600
watch=
while [ $# -gt 0 ]; do
	case "$1" in
	-t) limit=$2; shift 2 ;;
	-w) watch=$2; shift 2 ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || { echo "usage: count-host-calls [-t SECONDS] [-w PID] DIR UMID WORKLOAD:COUNT..." >&2; exit 2; }
dir=$1 umid=$2
shift 2
command -v strace >/dev/null || { echo "count-host-calls: strace is not installed" >&2; exit 1; }

strace_pid=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ -z "$strace_pid" ] || kill -INT "$strace_pid" 2>/dev/null
}
trap cleanup EXIT

wait_file() {	# FILE WHAT
	local n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		if [ "$n" -gt $((limit * 10)) ]; then
			echo "count-host-calls: no $2 ($1) after $limit s" >&2
			exit 1
		fi
		if [ -n "$watch" ] && ! kill -0 "$watch" 2>/dev/null; then
			echo "count-host-calls: no $2 ($1): process $watch (the UML) ended" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# The calls of one trace, "NAME COUNT" per line, ptrace calls by request;
# those of the UML's interrupts are counted apart, as "irq:NAME": the
# calls of its signal handlers (timer, I/O; through their rt_sigreturn)
# and the I/O, timer and clock calls right after them (the work a handler
# leaves to UML), a call that a signal interrupted (it is made again), and
# the round trip
# of a guest process that the timer stopped (SIGCHLD with si_status=
# SIGALRM): from the wait4 that reaps that stop to the request that
# resumes it.
calls_of() {	# TRACE
	awk '
		function count(name, irq) { n[(irq ? "irq:" : "") name]++ }
		/^--- SIG(ALRM|IO|WINCH|USR1|USR2) / { in_handler = 1; next }
		/^--- SIGCHLD .*si_status=SIGALRM/ {
			# Reaped already (the last call was its wait4), or next.
			if (last == "wait4" && !last_irq) {
				n["wait4"]--; count("wait4", 1); irq_cycle = 2
			} else
				irq_cycle = 1
			next
		}
		/^(---|\+\+\+) / || /^<\.\.\. / { next }
		{
			name = $0
			sub(/\(.*/, "", name)
			if (name == "ptrace") {
				name = $0
				sub(/^ptrace\(/, "", name)
				sub(/[,)].*/, "", name)
			}
			if (name == "") next
			irq = in_handler || / = \? ERESTART/
			# The work an interrupt handler left for UML to do after
			# it: the I/O, and the timer and the clock of the tick.
			if (after_handler && name ~ /^(epoll_wait|read|write|clock_gettime|timer_(settime|gettime)|rt_sigprocmask)$/) irq = 1
			else after_handler = 0
			if (in_handler && name == "rt_sigreturn") {
				in_handler = 0
				after_handler = 1
			}
			if (!irq && irq_cycle == 1 && name == "wait4") irq_cycle = 2
			if (!irq && irq_cycle == 2) {
				irq = 1
				if (name ~ /^PTRACE_(SYSEMU|SYSCALL|CONT|SINGLESTEP|SYSEMU_SINGLESTEP)$/)
					irq_cycle = 0
			}
			count(name, irq)
			last = name; last_irq = irq
		}
		END { for (k in n) if (n[k]) print k, n[k] }' "$1"
}

# The UML's kernel thread: the tracer of the host processes of its guest,
# which share its command line (a time-out wrapper may share it too).
uml_kernel_thread() {
	local p tracer candidates
	candidates=" $(pgrep -f -- "umid=$umid" | tr '\n' ' ') "
	for p in $candidates; do
		tracer=$(awk '/^TracerPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		if [ -n "$tracer" ] && [ "$tracer" != 0 ] && [[ "$candidates" == *" $tracer "* ]]; then
			echo "$tracer"
			return 0
		fi
	done
	return 1
}

# One strace session from the first phase to the UML's end: strace, when
# it detaches from a process that a signal is being delivered to, can lose
# the signal (a UML waiting for its timer then waits for ever), so it never
# detaches while the UML runs.  The phases are cut out of the one trace at
# the UML's own calls on the markers: from its first look at go.N that
# finds it to its openat of done.N.
wait_file "$dir/ready.0" "ready marker of phase 0 ($1)"
uml=$(uml_kernel_thread) ||
	{ echo "count-host-calls: no running UML with umid=$umid" >&2; exit 1; }
rm -f "$dir/trace" "$dir/strace.log" "$dir/phases"
strace -o "$dir/trace" -p "$uml" 2>"$dir/strace.log" &
strace_pid=$!
n=0
until grep -q attached "$dir/strace.log" 2>/dev/null; do
	n=$((n + 1))
	if [ "$n" -gt 300 ] || ! kill -0 "$strace_pid" 2>/dev/null; then
		echo "count-host-calls: strace did not attach to $uml:" >&2
		cat "$dir/strace.log" >&2
		exit 1
	fi
	sleep 0.1
done
i=0
for phase; do
	wait_file "$dir/ready.$i" "ready marker of phase $i ($phase)"
	: >"$dir/go.$i"
	wait_file "$dir/done.$i" "done marker of phase $i ($phase)"
	: >"$dir/ack.$i"
	i=$((i + 1))
done
# strace ends with the UML, which powers off after the last phase.
n=0
while kill -0 "$strace_pid" 2>/dev/null; do
	n=$((n + 1))
	if [ "$n" -gt $((limit * 10)) ]; then
		echo "count-host-calls: the UML did not end within $limit s of the last phase; detaching" >&2
		kill -INT "$strace_pid"
		break
	fi
	sleep 0.1
done
wait "$strace_pid"
strace_pid=
awk -v base="/$(basename "$dir")/" -v out="$dir/trace." '
	BEGIN { cur = -1; next_phase = 0 }
	cur < 0 && index($0, base "go." next_phase "\"") && / = 0$/ {
		cur = next_phase
		file = out cur
		printf "" >file
	}
	cur >= 0 { print >>file }
	cur >= 0 && /^openat\(/ && index($0, base "done." cur "\"") {
		close(file)
		cur = -1
		next_phase++
	}' "$dir/trace"
i=0
for phase; do
	[ -s "$dir/trace.$i" ] ||
		{ echo "count-host-calls: phase $i ($phase) is not in the trace ($dir/trace)" >&2; exit 1; }
	calls_of "$dir/trace.$i" >"$dir/calls.$i"
	echo "${phase%%:*} ${phase#*:} $dir/calls.$i" >>"$dir/phases"
	i=$((i + 1))
done

# Per workload: the first two phases, the larger count minus the smaller,
# over the difference of their rounds; the interrupts' calls apart.
awk '
	function load(file, sign,    line, f) {
		while ((getline line < file) > 0) {
			split(line, f, " ")
			if (!(f[1] in calls)) names[++m] = f[1]
			calls[f[1]] += sign * f[2]
		}
		close(file)
	}
	{ w[NR] = $1; n[NR] = $2; file[NR] = $3 }
	END {
		for (i = 1; i <= NR; i++) {
			if (done[w[i]]) continue
			for (j = i + 1; j <= NR && w[j] != w[i]; j++) ;
			if (j > NR || n[j] == n[i]) continue
			done[w[i]] = 1
			hi = n[j] > n[i] ? j : i; lo = hi == j ? i : j
			rounds = n[hi] - n[lo]
			m = 0; delete calls; delete names
			load(file[hi], 1); load(file[lo], -1)
			total = 0; irqs = 0
			for (x = 1; x <= m; x++)
				if (names[x] ~ /^irq:/) irqs += calls[names[x]]
				else total += calls[names[x]]
			# Most frequent first (a selection sort: the lists are short).
			out = ""; delete used
			for (x = 1; x <= m; x++) {
				best = 0
				for (y = 1; y <= m; y++)
					if (!(y in used) && names[y] !~ /^irq:/ &&
					    (best == 0 || calls[names[y]] > calls[names[best]])) best = y
				if (best == 0) break
				used[best] = 1
				v = calls[names[best]] / rounds
				if (v >= 0.005 || v <= -0.005) out = out sprintf(" %s=%.2f", names[best], v)
			}
			printf "hostcalls %s %.2f%s irq=%.2f\n", w[i], total / rounds, out, irqs / rounds
		}
	}' "$dir/phases"
