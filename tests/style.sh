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
	local pristine f p ignore bad=0
	pristine=$(bash -c '. scripts/lib.sh && pristine_tree')
	while read -r f; do
		# The warnings this patch keeps, with their reasons, are listed.
		ignore=$(awk -v p="$f" '$1 == p { print $2 }' patches/checkpatch-exceptions | paste -sd,)
		echo "checkpatch: patches/$f${ignore:+ (kept, see patches/checkpatch-exceptions: $ignore)}"
		# On stdin: checkpatch takes a file that git tracks for a source file.
		"$pristine/scripts/checkpatch.pl" --no-tree -q ${ignore:+--ignore "$ignore"} - <"patches/$f" ||
			bad=$((bad + 1))
	done < <(bash -c '. scripts/lib.sh && series_patches')
	# The project's own files are new files of the series: --strict, with
	# the exceptions of the patch that adds each.
	while read -r f; do
		p=$(awk -v f="$f" '$1 == f { print $2 }' patches/files)
		ignore=$(awk -v p="$p" '$1 == p { print $2 }' patches/checkpatch-exceptions | paste -sd,)
		echo "checkpatch --strict: $f${ignore:+ (kept: $ignore)}"
		"$pristine/scripts/checkpatch.pl" --no-tree -q --strict ${ignore:+--ignore "$ignore"} -f "$f" ||
			bad=$((bad + 1))
	done < <(git ls-files 'arch-um/*.[ch]' 'os-Linux/*.[ch]')
	assert_eq 0 "$bad" "files with checkpatch complaints"
}

# The README's lists of patches are those the series has now
# (scripts/series-list.sh), and every patch number it names is in the
# series.
test_readme_lists_the_series_as_it_is() {
	local n bad=0 ref
	scripts/series-list.sh --check README.md || fail "README.md: run scripts/series-list.sh --update README.md"
	n=$(bash -c '. scripts/lib.sh && series_patches' | wc -l)
	[ "$n" -gt 10 ] || fail "only $n patches in the series"
	while read -r ref; do
		ls patches/"$ref"-*.patch >/dev/null 2>&1 || { echo "README.md names patch $ref, which is not in patches/"; bad=$((bad + 1)); }
	done < <(grep -oE '(patches/|`)00[0-9][0-9]\b' README.md | grep -oE '[0-9]{4}' | sort -u)
	assert_eq 0 "$bad" "patch numbers in README.md that the series lacks"
}
