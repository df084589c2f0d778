# shellcheck shell=bash
# The documentation cannot rot silently: every relative link in the README
# and docs/ leads to a file (and to a heading, where it names one), and
# every `make TARGET` it names is a target of the Makefile.

doc_files() {
	git ls-files --cached --others --exclude-standard README.md BENCHMARKS.md SOAK.md 'docs/*.md'
}

# GitHub's anchor of a heading: lower case, punctuation but '-' and '_'
# dropped, spaces to '-'.
heading_anchors() {	# FILE
	sed -n 's/^#\{1,6\} \{1,\}//p' "$1" | tr '[:upper:]' '[:lower:]' |
		sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'
}

# shellcheck disable=SC2016 # backquotes, not an expansion
DROP_CODE_SPANS='s/`[^`]*`//g'

# One line per problem: FILE: what is wrong.
doc_problems() {	# MAKEFILE FILE...
	local makefile=$1 f dir link path anchor target
	shift
	for f in "$@"; do
		dir=$(dirname "$f")
		# Inline links [text](target), outside code spans and blocks.
		while read -r link; do
			case "$link" in
			http://* | https://* | mailto:*) continue ;;
			esac
			path=${link%%#*}
			anchor=
			[ "$path" = "$link" ] || anchor=${link#*#}
			if [ -z "$path" ]; then
				path=$f
			else
				path=$dir/$path
			fi
			if [ ! -e "$path" ]; then
				echo "$f: the link '$link' leads to no file ($path)"
			elif [ -n "$anchor" ] && ! grep -qxF -- "$anchor" <<<"$(heading_anchors "$path")"; then
				echo "$f: the link '$link': $path has no heading '#$anchor'"
			fi
		done < <(awk '/^```/ { code = !code; next } !code' "$f" | sed "$DROP_CODE_SPANS" |
			grep -oE '\]\([^) ]+\)' | sed -e 's/^](//' -e 's/)$//')
		# `make TARGET ...` in code spans, and lines of code blocks that
		# start with make.
		while read -r target; do
			grep -qE "^([^:#=]* )?$target( [^:#=]*)?:([^=]|$)" "$makefile" ||
				echo "$f: names 'make $target', which $makefile does not have"
		done < <({
			grep -oE '`make [a-z][a-z0-9_.-]*' "$f"
			awk '/^```/ { code = !code; next } code' "$f" | grep -oE '^ *(\$ )?make [a-z][a-z0-9_.-]*'
		} | sed -e 's/.*make //' -e 's/[.]$//' | sort -u)
	done
}

test_doc_links_and_make_targets_resolve() {
	local files problems
	mapfile -t files < <(doc_files)
	[ ${#files[@]} -ge 3 ] || fail "found only ${#files[@]} documentation files"
	echo "checked: ${files[*]}"
	problems=$(doc_problems Makefile "${files[@]}")
	[ -z "$problems" ] || fail "$(printf '%s\n' "$problems" | wc -l) problems:"$'\n'"$problems"
}

# The check above on a made-up page: each kind of fault is found.
test_doc_check_finds_planted_faults() {
	local dir out
	dir=$(tmpdir)
	mkdir -p "$dir/docs"
	printf 'all:\n\t@true\nhelp check:\n\t@true\n' >"$dir/Makefile"
	cat >"$dir/docs/page.md" <<-'EOF'
	# A page
	## The real heading
	Good: [self](#the-real-heading), [other](other.md#other-things), `make check`, `make help`.
	Bad: [gone](missing.md), [bad anchor](other.md#no-such-heading), [bad self](#nowhere).
	Run `make no-such-target` and `make all`.
	```sh
	make also-missing
	```
	EOF
	printf '# Other things\n' >"$dir/docs/other.md"
	out=$(doc_problems "$dir/Makefile" "$dir/docs/page.md" "$dir/docs/other.md")
	rm -rf "$dir"
	echo "$out"
	assert_eq 5 "$(printf '%s\n' "$out" | grep -c .)" "problems found"
	assert_contains "$out" "'missing.md' leads to no file" "the missing file"
	assert_contains "$out" "has no heading '#no-such-heading'" "the missing heading in another file"
	assert_contains "$out" "has no heading '#nowhere'" "the missing heading in the same file"
	assert_contains "$out" "'make no-such-target'" "the missing make target"
	assert_contains "$out" "'make also-missing'" "the missing make target in a code block"
}

# Every SYSPTVM_* variable of the code is in the table of the testing docs.
test_every_sysptvm_variable_is_documented() {
	local v bad=0 n=0
	while read -r v; do
		n=$((n + 1))
		grep -qF "\`$v\`" docs/testing.md || { echo "$v is not in docs/testing.md"; bad=$((bad + 1)); }
	done < <(git grep -ohE 'SYSPTVM_[A-Z0-9_]+' -- ':!*.md' | sort -u)
	[ "$n" -ge 5 ] || fail "found only $n SYSPTVM_ variables"
	echo "$n SYSPTVM_ variables"
	assert_eq 0 "$bad" "SYSPTVM_ variables missing from docs/testing.md"
}
