# shellcheck shell=bash
# The partial virtual machine (partialvm/, docs/partialvm.md): its scenario
# list (partialvm/tests/scenarios.sh) run by each tracer where it can run,
# bookworm's proot as the reference of behaviour, and the tests that show
# these can fail.  make check-partialvm runs the rest of the matrix.
PVM_BIN=build/guest/bin
PROOT_EXPECTED=partialvm/tests/proot.expected

# The scenarios of TRACERS, one after the other, in one run of PLACE
# (native: on this machine); their TAP, each tracer's under a header.
pvm_scenarios_cmd() {	# DIR TRACER...
	local dir=$1 t cmd=
	shift
	for t in "$@"; do
		if [ "$t" = proot ]; then
			cmd+="echo '=== partialvm/proot'; $dir/partialvm-scenarios --proot; "
		else
			cmd+="echo '=== partialvm/$t'; $dir/partialvm-scenarios --tracer $t; "
		fi
	done
	echo "$cmd"
}

# The TAP of one tracer's list, from the output of pvm_scenarios_cmd.
pvm_section() {	# TRACER
	awk -v h="=== partialvm/$1" '$0 == h { on = 1; next } /^=== partialvm\// { on = 0 } on'
}

# Report each tracer's scenarios as cases PLACE/TRACER/NAME.  A tracer
# whose list did not run to its end ("1..N") fails.
pvm_report() {	# PLACE OUTPUT TRACER...
	local place=$1 out=$2 t tap
	shift 2
	for t in "$@"; do
		tap=$(pvm_section "$t" <<<"$out")
		echo "=== $place/$t"
		report_tap "partialvm/$place/$t" <<<"$tap"
		grep -qE '^1\.\.[0-9]+' <<<"$tap" ||
			echo "FAIL partialvm/$place/$t/ran-to-its-end" >>"$SYSPTVM_SUBRESULTS"
	done
}

# proot against ours in one place: every case where their verdicts differ
# must be listed, with the reason, in partialvm/tests/proot.expected; a
# listed difference that did not occur fails too (the reference changed),
# unless the case was skipped here (fanotify is not in the guest's kernel).
pvm_compare_proot() {	# PLACE OUTPUT OURS-TRACER
	local place=$1 ours theirs diffs listed name o p
	ours=$(pvm_section "$3" <<<"$2" | tap_verdicts)
	theirs=$(pvm_section proot <<<"$2" | tap_verdicts)
	if grep -q '^1\.\.0 # SKIP' <<<"$2"; then
		echo "skip partialvm/$place/proot-reference (no proot in this place)" >>"$SYSPTVM_SUBRESULTS"
		return
	fi
	diffs=$(join -j 1 <(sort <<<"$ours") <(sort <<<"$theirs") | awk '$2 != $3 && $3 != "skip" { print $1, $3 }')
	listed=$(awk '!/^#/ && NF >= 3 { print $1, $2 }' "$PROOT_EXPECTED" | sort)
	echo "--- $place: where proot differs from ours ($3): case, proot's verdict"
	printf '%s\n' "${diffs:-none}"
	while read -r name p; do
		[ -n "$name" ] || continue
		if grep -qx "$name $p" <<<"$listed"; then
			echo "ok partialvm/$place/proot-differs/$name ($(awk -v n="$name" '$1 == n { $1 = $2 = ""; sub(/^ */, ""); print }' "$PROOT_EXPECTED"))"
		else
			echo "FAIL partialvm/$place/proot-differs/$name (proot: $p, ours: ok; not in $PROOT_EXPECTED)"
		fi
	done <<<"$diffs" >>"$SYSPTVM_SUBRESULTS"
	while read -r name o; do
		[ -n "$name" ] || continue
		# A case that one of the two skipped here shows nothing.
		grep -qx "$name skip" <<<"$ours$(printf '\n%s' "$theirs")" && continue
		grep -qx "$name $o" <<<"$diffs" ||
			echo "FAIL partialvm/$place/proot-listed/$name (listed in $PROOT_EXPECTED, but proot's verdict here is not $o)"
	done <<<"$listed" >>"$SYSPTVM_SUBRESULTS"
}

# On this machine: the tracers its kernel has (ptvm only where it has the
# tags), and proot.  As root: the scenarios need it.
test_partialvm_natively() {
	local out tracers="seccomp seccomp-all ptrace"
	[ "$(id -u)" = 0 ] || skip "the scenarios run as root"
	"$PVM_BIN/partialvm" --tracer=ptvm -- true 2>/dev/null && tracers="ptvm $tracers"
	command -v proot >/dev/null || fail "no proot on this machine: 'make deps' installs it"
	# shellcheck disable=SC2086 # a word list
	out=$(bash -c "$(pvm_scenarios_cmd "$TOP/$PVM_BIN" $tracers proot)" 2>&1) || true
	# shellcheck disable=SC2086
	pvm_report native "$out" $tracers
	pvm_compare_proot native "$out" seccomp
}

# In our guest, every tracer (ours gives its processes the tags), and
# proot; in the mode this host gives the outer UML.
# timeout: 600 s
test_partialvm_in_guest() {
	local out
	out=$(run_in uml -- "$(pvm_scenarios_cmd /usr/local/bin ptvm seccomp seccomp-all ptrace proot)" 2>&1) || true
	pvm_report guest "$out" ptvm seccomp seccomp-all ptrace
	pvm_compare_proot guest "$out" ptvm
}

# In ours-7.3 (issue 31): every tracer (0023-0025 give its processes the
# tags) and proot; in its ptrace mode here, with seccomp=on in make
# check-7.3.
pvm_in_ours_73() {	# MODE BOOT-ARGS
	local out
	out=$(run_in uml --kernel build/7.3/linux ${2:+-a "$2"} -- \
		"$(pvm_scenarios_cmd /usr/local/bin ptvm seccomp seccomp-all ptrace proot)" 2>&1) || true
	pvm_report "ours-7.3-$1" "$out" ptvm seccomp seccomp-all ptrace
	pvm_compare_proot "ours-7.3-$1" "$out" ptvm
}
# timeout: 600 s
test_partialvm_in_ours_73_ptrace_mode() {
	pvm_in_ours_73 ptrace ''
}

# On the host kernel under qemu (the tags natively), in the guests' image.
# timeout: 900 s
test_partialvm_on_qemu_host() {
	local out
	out=$(run_in qemu-rootfs -t 800 -- "$(pvm_scenarios_cmd /usr/local/bin ptvm)" 2>&1) || true
	pvm_report qemu "$out" ptvm
}

# The tests can fail: ptvm where the kernel lacks the tags (stock 6.12
# under qemu) is refused with the reason; and a build of the tool that
# drops the tags (partialvm-test-notags: ptvm resumes every entry with
# tag 0) fails the stop counts in the guest, where ptvm runs.
test_partialvm_ptvm_refused_on_stock_host() {
	local out rc=0
	out=$(run_in qemu-stock -- 'partialvm --tracer=ptvm -- echo ran' 2>&1) || rc=$?
	echo "$out"
	assert_eq 125 "$rc" "the exit status of --tracer=ptvm on the stock bzImage"
	assert_contains "$out" "--tracer=ptvm: this kernel cannot: the kernel ignores the tags" "the reason"
	assert_not_contains "$out" "ran" "the command's output"
	out=$(run_in qemu-stock -- 'partialvm -v -- echo ran' 2>&1) || true
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...unsupported" "the probe line of -v"
	assert_contains "$out" "(seccomp) (the kernel lacks the PTRACE_VM tags)" "the default tracer and why"
}
test_partialvm_stop_counts_fail_without_tags() {
	local out
	out=$(run_in uml -- 'partialvm-scenarios --tool /usr/local/bin/partialvm-test-notags --tracer ptvm --only stop-counts' 2>&1) || true
	echo "$out"
	assert_matches "$out" '^not ok [0-9]+ stop-counts' "the stop counts of the build without the tags"
	out=$(run_in uml -- 'partialvm-scenarios --tracer ptvm --only stop-counts' 2>&1) || true
	assert_matches "$out" '^ok [0-9]+ stop-counts' "the stop counts of the tool itself, same boot kind"
}

# partialvm-calls fails without the tool: every path case on ENOENT, every
# -0 case as a user that is not root; the only cases that pass are the
# guards that check what native does (getcwd_outside_the_binds;
# fake_chown_missing, where the directory lets nobody in).
pvm_passing() {
	{ grep -E '^ok ' || true; } | { grep -v '# SKIP' || true; } | sed 's/^ok [0-9]* global\.//' | tr '\n' ' '
}
test_partialvm_calls_fail_without_the_tool() {
	local dir out passing
	dir=$(tmpdir)
	mkdir -p "$dir/h"
	chmod 1777 "$dir/h"
	out=$(PVM_HOST=$dir/h PVM_GUEST=$dir/g "$PVM_BIN/partialvm-calls" 2>&1) || true
	echo "$out" | grep -E '^# Totals'
	passing=$(pvm_passing <<<"$out")
	assert_eq "getcwd_outside_the_binds " "$passing" "the path cases that pass without the tool, as root"
	assert_matches "$out" '^# Totals: pass:1 fail:[1-9][0-9]' "partialvm-calls without the tool, as root"
	rm -rf "${dir:?}/h"/*
	out=$(PVM_FAKE=1 PVM_HOSTNAME=x PVM_HOST=$dir/h PVM_GUEST=$dir/g \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$PVM_BIN/partialvm-calls" 2>&1) || true
	echo "$out" | grep -E '^# Totals'
	passing=$(pvm_passing <<<"$out")
	[ -z "$passing" ] || [ "$passing" = "fake_chown_missing " ] ||
		fail "-0 cases that pass without the tool: $passing"
	assert_matches "$out" '^# Totals: pass:[01] fail:2[0-9]' "partialvm-calls -0 cases without the tool"
}

# The table of calls (--calls) names a case of partialvm-calls or a
# scenario for every row, and each named case exists.
test_partialvm_table_names_its_tests() {
	local table cases missing='' t
	table=$("$PVM_BIN/partialvm" --calls)
	echo "$table"
	cases=$({ "$PVM_BIN/partialvm-calls" -l 2>&1 || true; } | awk '{ print $NF }')
	[ -n "$cases" ] || fail "partialvm-calls -l lists no case"
	for t in $(sed -n 's/.*calls: \([^;]*\).*/\1/p' <<<"$table" | tr ',' ' '); do
		grep -qx "$t" <<<"$cases" || missing+=" $t"
	done
	[ -z "$missing" ] || fail "the table names cases that partialvm-calls does not have:$missing"
	[ "$(grep -c 'calls: ' <<<"$table")" = "$(($(wc -l <<<"$table") - 1))" ] ||
		fail "a row of the table names no case of partialvm-calls"
}

# The benchmark's harness (make bench runs it in full): in every place
# every configuration gives a number for every workload, or says why not;
# ptvm gives numbers where the tags are (the guest, qemu).
# timeout: 900 s
test_partialvm_bench_smoke() {
	local dir place rows nas
	dir=$(tmpdir)
	scripts/partialvm-bench.sh --smoke -o "$dir" || fail "scripts/partialvm-bench.sh --smoke failed"
	for place in native guest qemu; do
		rows=$(grep -c '^row ' "$dir/$place.txt" || true)
		nas=$(grep -c '^na ' "$dir/$place.txt" || true)
		echo "$place: $rows figures, $nas without, of 45"
		[ $((rows + nas)) -eq 45 ] || fail "$place: $rows figures and $nas reasons, not 45 (9 configurations, 5 workloads)"
		grep '^na ' "$dir/$place.txt" | grep -vE '^na [a-z]+ [A-Za-z-]+ [a-z-]+ .{8,}' &&
			fail "$place: a configuration without a figure gives no reason"
		grep -qE '^row [a-z]+ none tar-gzip ' "$dir/$place.txt" || fail "$place: no uninstrumented figures"
	done
	for place in guest qemu; do
		[ "$(grep -c "^row $place partialvm-ptvm " "$dir/$place.txt")" = 5 ] ||
			fail "$place: ptvm does not give all five figures"
	done
	cat "$dir/report.md"
}
