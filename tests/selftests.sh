# shellcheck shell=bash
# The kernel's own ptrace, seccomp and syscall_user_dispatch selftests
# (scripts/selftests.sh) inside UML, case by case against the native
# reference: the same static programs on build/bzImage-stock under qemu,
# the same 6.12 source (selftest_reference).  Every case that passes
# natively must pass in the guest.  tests/selftests.expected lists the
# differences that are expected, each with its reason; a difference that is
# not listed fails, and so does a listed one that is gone.
#
# The guest reaches build/selftests through hostfs (run_in --share); a
# nested UML sees it through its hostfs root.
SELFTEST_EXPECTED=tests/selftests.expected

# Listed lines "CASE HERE NATIVELY" on stdin whose CASE is a glob (a *):
# each difference of DIFFS it matches, with the same verdicts; a glob that
# matches none stays as it is, so that it fails as a listed difference
# that did not occur.
selftest_expand_globs() {	# DIFFS
	local name o r n dn dr hit
	while read -r name o r; do
		case "$name" in
		*'*'*)
			hit=0
			while read -r n dn dr; do
				# shellcheck disable=SC2053 # a glob on purpose
				[[ -n "$n" && "$n" == $name && "$dn" == "$o" && "$dr" == "$r" ]] || continue
				echo "$n $dn $dr"
				hit=1
			done <<<"$1"
			[ "$hit" = 1 ] || echo "$name $o $r"
			;;
		*) echo "$name $o $r" ;;
		esac
	done
}
# PLACE VERDICTS REFERENCE: one subresult per program, with its TAP totals
# beside the reference's and the differences, then one per listed
# difference that did not occur.
selftest_compare() {	# PLACE VERDICTS REFERENCE [RAW-OUTPUT]
	local place=$1 ours=$2 ref=$3 raw=${4:-} diffs listed prog line totals rtotals unlisted n reftotals own
	[ -n "$ours" ] || fail "no selftest output in $place"
	# name ours theirs, for every case whose verdicts differ (absent: -;
	# "in" first: reading r[n] would make it)
	diffs=$(awk 'NR == FNR { r[$1] = $2; next } { o[$1] = $2; seen[$1] = 1 }
		END { for (n in seen) { rv = (n in r) ? r[n] : "-"; if (o[n] != rv) print n, o[n], rv }
			for (n in r) if (!(n in seen)) print n, "-", r[n] }' \
		<(printf '%s\n' "$ref") <(printf '%s\n' "$ours") | sort)
	# The entries of this place: PLACE CASE OURS THEIRS REASON...
	listed=$(awk -v p="$place" '!/^#/ && NF >= 5 && ($1 == p || $1 == "*") { print $2, $3, $4 }' "$SELFTEST_EXPECTED" |
		selftest_expand_globs "$diffs" | sort)
	echo "--- $place: differences from the reference (case, here, reference)"
	printf '%s\n' "${diffs:-none}"
	reftotals=$(selftest_totals <<<"$ref")
	while read -r prog line; do
		rtotals=$(awk -v p="$prog" '$1 == p { $1 = ""; print substr($0, 2) }' <<<"$reftotals")
		totals="$line; reference ${rtotals:-absent}"
		unlisted=$(comm -23 <(printf '%s\n' "$diffs" | grep "^$prog/" || true) <(printf '%s\n' "$listed"))
		n=$(printf '%s\n' "$diffs" | grep -c "^$prog/" || true)
		if [ -z "$unlisted" ]; then
			echo "ok selftests/$place/$prog ($totals; $n expected difference(s))"
		else
			# A case that is missing here ran or not: the program's
			# own count (kselftest's "# Totals") tells which.
			own=$(awk -v p="$prog" '$1 == "===" { inp = ($2 ~ "/" p "$") && NF == 2 }
				inp && /^# Totals: / { sub(/^# /, ""); print }' <<<"$raw")
			echo "FAIL selftests/$place/$prog ($totals${own:+; its own $own}; not in $SELFTEST_EXPECTED: $(tr '\n' ' ' <<<"$unlisted"))"
		fi
	done < <(selftest_totals <<<"$ours") >>"$SYSPTVM_SUBRESULTS"
	# Listed differences that are gone (or changed) fail too.
	comm -13 <(printf '%s\n' "$diffs") <(printf '%s\n' "$listed") | while read -r name o r; do
		[ -n "$name" ] || continue
		echo "FAIL selftests/$place/listed:$name (listed as '$o' here and '$r' natively, but it is not)"
	done >>"$SYSPTVM_SUBRESULTS"
}
# Run CMD in one place in the background, build/selftests at /selftests:
# DIR/PLACE.out (the command's output) and DIR/PLACE.console (every
# console, the outer UML's and a nested one's).
selftest_boot() {	# DIR PLACE CMD
	run_in "$2" -m 768M -M 384M -V --share "$SELFTEST_DIR:/selftests" -- "$3" \
		>"$1/$2.out" 2>"$1/$2.console" </dev/null || true
}
selftest_mode_is() {	# TEXT MODE-LINE PLACE
	assert_contains "$1" "Driving processes with $2" "the mode of '$3'"
}
selftest_console_is_quiet() {	# CONSOLE PLACE
	# A nested UML's stub ends each batch with int3 (patches/0032).
	assert_not_contains "$1" "Attempted to relay unknown signal" "the console of '$2'"
}
selftest_check() {	# DIR PLACE MODE-LINE REFERENCE
	local out console where
	out=$(cat "$1/$2.out") console=$(cat "$1/$2.console")
	echo "=== $2: console"; echo "$console"; echo "=== $2: output"; echo "$out"
	# Nested, the inner UML's boot log follows the outer's on the console:
	# the last mode line is the inner one's.
	where=$(grep 'Driving processes with' <<<"$console" | tail -n 1)
	run_case "selftests/$2/mode" selftest_mode_is "$where" "$3" "$2"
	run_case "selftests/$2/console" selftest_console_is_quiet "$console" "$2"
	selftest_compare "$2" "$(selftest_parse <<<"$out")" "$4" "$out"
}

# All places at once: the selftests mostly wait (seccomp_bpf sleeps for
# about 35 s of its 40 natively), so the guests share the two cores well.
#   sysemu          the outer UML in sysemu mode (the default on a host
#                   without PTRACE_VM)
#   ptrace          the outer UML in ptrace mode
#   nested-sysptvm  a UML nested in ours, in sysptvm mode: ours is its
#                   host.  Its boot log (-v) says the mode.
# And natively on the runner's own host, for the record: not compared (its
# kernel is not 6.12 and differs from one runner to the next), but every
# program must have run.
# timeout: 1300 s
test_selftests_in_every_mode() {
	local dir ref out prog missing run
	ref=$(selftest_reference)
	dir=$(tmpdir)
	selftest_boot "$dir" sysemu "$SELFTEST_RUN" &
	selftest_boot "$dir" ptrace "$SELFTEST_RUN" &
	BOOT_TIMEOUT=1100 selftest_boot "$dir" nested-sysptvm "$SELFTEST_RUN" &
	if [ "$(id -u)" = 0 ]; then
		read -ra run <<<"$SELFTEST_RUN"
		sh "build/guest/bin/${run[0]}" -d "$SELFTEST_DIR" "${run[@]:1}" \
			>"$dir/this-host.out" 2>&1 </dev/null || true
	fi
	wait
	selftest_check "$dir" sysemu "PTRACE_SYSEMU (sysemu)" "$ref"
	selftest_check "$dir" ptrace "PTRACE_SYSCALL, two stops" "$ref"
	selftest_check "$dir" nested-sysptvm "PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)" "$ref"
	if [ -e "$dir/this-host.out" ]; then
		out=$(cat "$dir/this-host.out")
		echo "=== this host ($(uname -r))"; echo "$out"
		missing=
		while read -r prog; do
			grep -q "^=== $prog exit [0-9]*$" <<<"$out" || missing+=" $prog"
		done < <(grep -vxF "$SELFTEST_SKIP" "$SELFTEST_DIR/programs")
		if [ -z "$missing" ]; then
			echo "ok selftests/this-host-$(uname -r) (for the record, not compared: $(selftest_parse <<<"$out" | selftest_totals | tr '\n' ';'))"
		else
			echo "FAIL selftests/this-host-$(uname -r) (did not run:$missing)"
		fi >>"$SYSPTVM_SUBRESULTS"
	else
		echo "skip selftests/this-host (the selftests want root)" >>"$SYSPTVM_SUBRESULTS"
	fi
	rm -rf "$dir"
}
# The comparison can fail: build/linux-stock has no syscall user dispatch,
# so sud_test and get_set_sud differ from the reference there, and those
# differences are listed nowhere.
test_selftests_comparison_fails_on_stock() {
	local out ref results progs="ptrace/get_set_sud syscall_user_dispatch/sud_test"
	ref=$(selftest_reference | grep -E '^(get_set_sud|sud_test)/')
	out=$(run_in stock --share "$SELFTEST_DIR:/selftests" -- "run-selftests $progs") || true
	echo "$out"
	results=$(tmpdir)/results
	(SYSPTVM_SUBRESULTS=$results selftest_compare stock "$(selftest_parse <<<"$out")" "$ref")
	cat "$results"
	assert_matches "$(cat "$results")" '^FAIL selftests/stock/get_set_sud ' "the comparison of get_set_sud on linux-stock"
	assert_matches "$(cat "$results")" '^FAIL selftests/stock/sud_test ' "the comparison of sud_test on linux-stock"
}
# The comparison itself, on made-up verdicts: a listed difference passes,
# an unlisted one fails, and so does a listed one that did not occur.
test_selftest_comparison_rules() {
	local dir ref ours raw
	dir=$(tmpdir)
	ref=$'p/a ok\np/b ok\np/c skip\np/g1 FAIL\np/g2 FAIL\np/exit-status ok'
	ours=$'p/a ok\np/b FAIL\np/c ok\np/e ok\np/g1 ok\np/g2 ok\np/exit-status FAIL'
	printf '%s\n' '# made up' 'here p/b FAIL ok a listed difference' 'here p/exit-status FAIL ok another' \
		'here p/e ok - a listed case the reference does not have' \
		'here p/d ok - a listed one that does not occur' \
		'here p/g* ok FAIL a glob for two differences' \
		'here p/z* ok FAIL a glob that matches none' >"$dir/expected"
	raw=$'=== s/p\n# Totals: pass:2 fail:1 skip:0\n=== s/p exit 1\n=== s/q\n# Totals: pass:7\n=== s/q exit 0'
	(SYSPTVM_SUBRESULTS=$dir/results SELFTEST_EXPECTED=$dir/expected selftest_compare here "$ours" "$ref" "$raw")
	cat "$dir/results"
	assert_matches "$(cat "$dir/results")" '^FAIL selftests/here/p \(pass 5 fail 1 skip 0; reference pass 2 fail 2 skip 1; its own Totals: pass:2 fail:1 skip:0; not in .*: p/c ok skip \)$' \
		"the unlisted difference p/c, with the program's own count"
	assert_matches "$(cat "$dir/results")" "^FAIL selftests/here/listed:p/d " "the listed difference that did not occur"
	assert_matches "$(cat "$dir/results")" "^FAIL selftests/here/listed:p/z\\* " "the listed glob that matched nothing"
	assert_eq 3 "$(wc -l <"$dir/results")" "the number of results (p/g1 and p/g2 covered by their glob)"
	rm -rf "$dir"
}
