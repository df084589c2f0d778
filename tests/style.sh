# shellcheck shell=bash
# The project's code meets the conventions it claims (STYLE.md).

test_shell_scripts_pass_shellcheck() {
	local files
	mapfile -t files < <(git ls-files '*.sh' boot.sh tests/run .ci/run \
		rootfs/overlay/usr/sbin/sysptvm-init host/init | sort -u)
	[ ${#files[@]} -gt 5 ] || fail "found only ${#files[@]} shell scripts"
	shellcheck -x "${files[@]}"
}

test_patches_and_sources_pass_checkpatch() {
	local pristine f ignore bad=0
	pristine=$(bash -c '. scripts/lib.sh && pristine_tree')
	while read -r f; do
		# The warnings this patch keeps, with their reasons, are listed.
		ignore=$(awk -v p="$f" '$1 == p { print $2 }' patches/checkpatch-exceptions | paste -sd,)
		echo "checkpatch: patches/$f${ignore:+ (kept, see patches/checkpatch-exceptions: $ignore)}"
		# On stdin: checkpatch takes a file that git tracks for a source file.
		"$pristine/scripts/checkpatch.pl" --no-tree -q ${ignore:+--ignore "$ignore"} - <"patches/$f" ||
			bad=$((bad + 1))
	done < <(bash -c '. scripts/lib.sh && series_patches')
	while read -r f; do
		echo "checkpatch: $f"
		"$pristine/scripts/checkpatch.pl" --no-tree -q -f "$f" || bad=$((bad + 1))
	done < <(git ls-files 'arch-um/*.[ch]' 'os-Linux/*.[ch]')
	assert_eq 0 "$bad" "files with checkpatch complaints"
}
