# shellcheck shell=bash
# Host calls per guest call (issue 12), counted from outside the UML by
# scripts/host-calls.sh, against the counts committed in
# tests/host-calls.expected: a change that makes UML call its host more
# often per getpid, fork + exec or page fault fails here.

EXPECTED_HOST_CALLS=tests/host-calls.expected

# The PER-ROUND of WORKLOAD at PLACE in a host-calls output.
counted() {	# OUTPUT PLACE WORKLOAD
	awk -v p="$2" -v w="$3" '$1 == "hostcalls" && $2 == p && $3 == w { print $4 }' <<<"$1"
}

# Each count of PLACE in OUTPUT against its expected number: getpid and
# page faults may exceed it by the counter's noise, 0.5 calls; fork + exec,
# hundreds of calls a round, by 5%.
assert_counts_within() {	# OUTPUT PLACE
	local out=$1 place=$2 workload limit got bound
	grep -q "^hostcalls $place getpid " <<<"$out" ||
		fail "no count for $place; the counter said: $(tail -n 5 <<<"$out")"
	while read -r workload limit; do
		got=$(counted "$out" "$place" "$workload")
		[ -n "$got" ] || fail "$place: no count for $workload"
		bound=$(awk -v l="$limit" -v w="$workload" 'BEGIN { print w == "forkexec" ? l * 1.05 : l + 0.5 }')
		echo "$place $workload: $got host calls per round (expected at most $limit, bound $bound)"
		awk -v g="$got" -v b="$bound" 'BEGIN { exit !(g <= b) }' ||
			fail "$place: $got host calls per $workload, more than the $limit of $EXPECTED_HOST_CALLS (bound $bound): $(grep "^hostcalls $place $workload " <<<"$out")"
	done < <(awk -v p="$place" '!/^#/ && $1 == p { print $2, $3 }' "$EXPECTED_HOST_CALLS")
}

count_case() {	# PLACE
	local out
	out=$(scripts/host-calls.sh --out build/test-logs/host-calls "$1" 2>&1) || true
	echo "$out"
	assert_counts_within "$out" "$1"
}

# timeout: 1500 s
test_host_calls_per_guest_call_within_expected() {
	local place
	for place in $(awk '!/^#/ && NF { print $1 }' "$EXPECTED_HOST_CALLS" | uniq); do
		run_case "$place" count_case "$place"
	done
}

# The comparison can fail: stock's counts, which move the FP state on every
# round trip, exceed what sysemu mode is allowed.
test_host_call_limits_refuse_stock_counts() {
	local out
	out=$(scripts/host-calls.sh --out build/test-logs/host-calls-stock stock 2>&1) || fail "no count for stock: $out"
	echo "$out"
	if (assert_counts_within "${out//hostcalls stock /hostcalls sysemu }" sysemu); then
		fail "stock's counts passed as sysemu's"
	fi
}
