# shellcheck shell=bash
# The project's code meets the conventions it claims (STYLE.md).

test_shell_scripts_pass_shellcheck() {
	local files
	mapfile -t files < <(git ls-files '*.sh' boot.sh tests/run .ci/run \
		rootfs/overlay/usr/sbin/sysptvm-init host/init | sort -u)
	[ ${#files[@]} -gt 5 ] || fail "found only ${#files[@]} shell scripts"
	shellcheck -x "${files[@]}"
}

# The patches of one kernel line (SYSPTVM_KERNEL_LINE), with that line's
# checkpatch; prints the number that it complains about.
line_checkpatch() {
	local pristine f ignore bad=0
	pristine=$(pristine_tree) || exit 1
	while read -r f; do
		# The warnings this patch keeps, with their reasons, are listed.
		ignore=$(awk -v p="$f" '$1 == p { print $2 }' "$PATCH_DIR/checkpatch-exceptions" | paste -sd,)
		echo "checkpatch ($SYSPTVM_KERNEL_LINE): $PATCH_REL/$f${ignore:+ (kept, see $PATCH_REL/checkpatch-exceptions: $ignore)}" >&2
		# On stdin: checkpatch takes a file that git tracks for a source file.
		"$pristine/scripts/checkpatch.pl" --no-tree -q ${ignore:+--ignore "$ignore"} - <"$PATCH_DIR/$f" >&2 ||
			bad=$((bad + 1))
	done < <(series_patches)
	echo "$bad"
}

test_patches_and_sources_pass_checkpatch() {
	local pristine f p ignore bad
	bad=$(line_checkpatch)
	bad=$((bad + $(SYSPTVM_KERNEL_LINE=7.3 bash -c '. scripts/lib.sh && . tests/style.sh && line_checkpatch')))
	pristine=$(pristine_tree)
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

# The lists of patches that scripts/series-list.sh makes (in README.md and
# docs/*.md) are those the series has now, and every patch number and patch
# file these pages name is in the series.
test_readme_and_docs_list_and_name_only_the_series_patches() {
	local n f ref bad=0 pages=(README.md docs/*.md) lists=()
	n=$(series_patches | wc -l)
	[ "$n" -gt 10 ] || fail "only $n patches in the series"
	for f in "${pages[@]}"; do
		grep -q '^<!-- series-list ' "$f" || continue
		lists+=("$f")
		scripts/series-list.sh --check "$f" || fail "$f: run scripts/series-list.sh --update $f"
	done
	# Both lists are shown somewhere: a page that drops one fails here.
	[ ${#lists[@]} -gt 0 ] || fail "no page has a series list"
	for ref in table host; do
		grep -qx "<!-- series-list $ref -->" "${lists[@]}" || fail "no page has the series list '$ref'"
	done
	while read -r ref; do
		ls patches/"$ref"-*.patch >/dev/null 2>&1 || { echo "a page names patch $ref, which is not in patches/"; bad=$((bad + 1)); }
	done < <(grep -ohE '(patches/|`)00[0-9][0-9]\b' "${pages[@]}" | grep -oE '[0-9]{4}' | sort -u)
	while read -r ref; do
		[ -e "$ref" ] || { echo "a page names $ref, which does not exist"; bad=$((bad + 1)); }
	done < <(grep -ohE 'patches/[0-9]{4}-[A-Za-z0-9._-]+\.patch' "${pages[@]}" | sort -u)
	assert_eq 0 "$bad" "patches named in README.md and docs/*.md that the series lacks"
}

# --help prints a usage text and no code (a fixed range of header lines
# printed code once the header changed; usage_text in scripts/lib.sh takes
# the whole first comment block instead).
test_help_prints_the_usage_text_and_no_code() {
	local f out bad=0 n=0 code='^(set -|\. |source |if |fi$|done$|esac$|[a-z_]+\(\) *\{|#!)'
	while read -r f; do
		n=$((n + 1))
		out=$("./$f" --help 2>&1) || { echo "$f --help: status $?"; bad=$((bad + 1)); continue; }
		if grep -qE "$code" <<<"$out"; then
			echo "$f --help prints code: $(grep -m1 -E "$code" <<<"$out")"
			bad=$((bad + 1))
		fi
	done < <(grep -lE -- '-h\|--help[|)]' scripts/*.sh tests/run boot.sh tests/guest/*.sh)
	[ "$n" -ge 8 ] || fail "found only $n scripts with --help"
	echo "$n scripts' --help checked"
	assert_eq 0 "$bad" "scripts whose --help prints code"
}
