#!/usr/bin/env bash
# make check-series: build every step of the exported series (make series)
# and run checkpatch on every patch.
#
#   scripts/check-series.sh [--fixes] [FIRST [LAST]]
#                        steps FIRST..LAST (1-based; default: all of them)
#                        of the series, or of the fixes alone (make
#                        series-fixes); SYSPTVM_KERNEL_LINE=7.3 for the 7.3 line
#
# For every step: the 64-bit UML (x86_64_defconfig + arch-um/sysptvm.config,
# as build/linux), and the trimmed x86_64 host kernel (as build/bzImage) for
# every step that touches a file outside arch/um/ and arch/x86/um/ (such as
# kernel/entry/, kernel/ptrace.c, include/ or the rest of arch/x86/).  The
# builds are incremental, one step after the other, in object trees of
# their own in the series' tree, with the shared ccache.  checkpatch runs
# on every patch (with the exceptions that patches/checkpatch-exceptions
# keeps; patches-7.3/ for 7.3), and with --strict on every file that a patch adds.  The report
# (one line per step) goes to build/series-check.txt
# (build/7.3/series-check.txt, build/7.3/series-fixes-check.txt); the exit status is
# that of the worst step.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"

fixes=()
if [ "${1:-}" = --fixes ]; then
	fixes=(--fixes)
	shift
fi
first=${1:-1}
last=${2:-0}
out_dir=$SYSPTVM_TOP/build${LINE_SUFFIX:+/$SYSPTVM_KERNEL_LINE}
series_dir=$out_dir/series${fixes:+-fixes}
report=$out_dir/series${fixes:+-fixes}-check.txt
exceptions=$PATCH_DIR/checkpatch-exceptions
[ -e "$exceptions" ] || exceptions=/dev/null
logs=$SYSPTVM_CACHE/series$LINE_SUFFIX
mapfile -t fragments < <(uml_config_fragments)

"$SYSPTVM_TOP/scripts/series.sh" "${fixes[@]}" -o "$series_dir"
repo=$("$SYSPTVM_TOP/scripts/series.sh" --tree)
pristine=$(pristine_tree)
mapfile -t commits < <(git -C "$repo" rev-list --reverse base..HEAD)
[ "$last" -gt 0 ] || last=${#commits[@]}
# In the tree, as kernel.sh and host-kernel.sh build theirs (the build
# layer, scripts/kbuild.sh): kbuild then uses the relative srctree "..",
# so a step whose files are those of build/linux-stock (step 1) or
# build/linux (the last) finds its objects in the shared ccache, and so
# does every file a step leaves as they are.  The config is made again
# where a step changes a Kconfig file or a defconfig.
head=$(git -C "$repo" rev-parse HEAD)
kernel_build_lock series

# Configure and build one kernel of the current step, its log LOG.
step_build() {	# LOG O ARCH [SUBARCH]
	local log=$1
	kbuild_target "series step $i" "$repo" "${@:2}"
	if [ "$3" = um ]; then
		kbuild_config x86_64_defconfig "${fragments[@]}"
		kbuild_make "$log" all
	else
		kbuild_config tinyconfig --fragment "$SYSPTVM_TOP/host/x86_64.config"
		kbuild_make "$log" bzImage
	fi
}

mkdir -p "$(dirname "$report")"
: >"$report"
bad=0
start_all=$(date +%s)
for i in $(seq "$first" "$last"); do
	c=${commits[$((i - 1))]}
	subject=$(git -C "$repo" log -1 --format=%s "$c")
	git -C "$repo" checkout -q -f --detach "$c"
	step_start=$(date +%s)
	verdict=ok notes=()

	# checkpatch on the patch, with the exceptions patches/checkpatch-exceptions
	# keeps for it (the same file name: patches/ is written by
	# git format-patch too), and --strict on each file it adds.
	patch=$(ls "$series_dir"/"$(printf '%04d' "$i")"-*.patch)
	ignore=$(awk -v p="${patch##*/}" '$1 == p { print $2 }' \
		"$exceptions" | paste -sd,)
	cp_log="$logs/checkpatch-$i.log"
	: >"$cp_log"
	# On stdin: checkpatch takes a file that git tracks for a source file.
	"$pristine/scripts/checkpatch.pl" --no-tree -q ${ignore:+--ignore "$ignore"} - \
		<"$patch" >>"$cp_log" 2>&1 || true
	added=$(git -C "$repo" diff --name-only --diff-filter=A "$c~1" "$c")
	for f in $added; do
		# Under its own name: checkpatch reads the extension.
		rm -rf "$logs/new"
		mkdir -p "$logs/new/$(dirname "$f")"
		git -C "$repo" show "$c:$f" >"$logs/new/$f"
		(cd "$logs/new" &&
			"$pristine/scripts/checkpatch.pl" --no-tree -q --strict \
				${ignore:+--ignore "$ignore"} -f "$f") \
			>>"$cp_log" 2>&1 || true
	done
	n_cp=$(grep -cE '^(WARNING|ERROR|CHECK)' "$cp_log" || true)
	if [ "$n_cp" -gt 0 ]; then
		verdict=FAIL
		notes+=("checkpatch: $n_cp complaint(s) (log: $cp_log)")
	else
		notes+=("checkpatch clean${added:+ (--strict on $(wc -w <<<"$added") new file(s))}")
	fi

	# UML, every step.
	if step_build "$repo/_build-um/step-$i.log" _build-um um x86_64; then
		notes+=("UML built")
	else
		verdict=FAIL
		notes+=("UML FAILED (log: $repo/_build-um/step-$i.log)")
	fi

	# The host kernel, where the step touches it.
	if git -C "$repo" diff --name-only "$c~1" "$c" | grep -qvE '^arch/(x86/)?um/'; then
		if step_build "$repo/_build-x86_64/step-$i.log" _build-x86_64 x86_64; then
			notes+=("host kernel built")
		else
			verdict=FAIL
			notes+=("host kernel FAILED (log: $repo/_build-x86_64/step-$i.log)")
		fi
	fi
	[ "$verdict" = ok ] || bad=$((bad + 1))
	joined=$(printf '%s; ' "${notes[@]}")
	line=$(printf '%-4s %2d/%d %s: %s (%d s)' "$verdict" "$i" "${#commits[@]}" "$subject" \
		"${joined%; }" "$(($(date +%s) - step_start))")
	printf '%s\n' "$line" | tee -a "$report"
done
git -C "$repo" checkout -q -f --detach "$head"
printf 'series check: %d step(s) failed of %d, in %d s\n' "$bad" $((last - first + 1)) \
	"$(($(date +%s) - start_all))" | tee -a "$report"
[ "$bad" -eq 0 ]
