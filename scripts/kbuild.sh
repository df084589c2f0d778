# shellcheck shell=bash
# The one kernel build layer: configure a kernel tree and build in it, for
# every kernel this project makes (the UMLs of scripts/kernel.sh, the host
# kernels of scripts/host-kernel.sh, the 32-bit UML and compile test, every
# step of make check-series).  A build script only chooses its inputs: the
# tree, the object directory, ARCH and SUBARCH, the base config, the
# fragments, and what to build.  Sourced after lib.sh, never run.
#
#   kbuild_target WHO TREE O ARCH [SUBARCH]   the build to act on
#   kbuild_config BASE [--fragment FILE] [--require LINE] [--localversion V]
#                 (BASE: a defconfig target, or a whole .config file)
#   kbuild_make LOG [--werror] [--cflags FLAGS] TARGET...
#   kbuild_install FILE OUTPUT
#
# Every command is printed before it runs; a failure names the log.

# One kernel build at a time, whoever starts it (make, a test of the build
# scripts, a second make in another shell): the builds share the cached
# trees, and two at once on a small machine would slow each other down.
# The lock is held until the calling script exits; taking it again is a
# no-op (a second open file would wait for the first: flock(2)).
KB_LOCK_FD=
kernel_build_lock() {	# WHO
	[ -z "$KB_LOCK_FD" ] || return 0
	mkdir -p "$SYSPTVM_CACHE"
	exec {KB_LOCK_FD}>>"$SYSPTVM_CACHE/kernel-build.lock"
	if ! flock -n "$KB_LOCK_FD"; then
		say "$1: waiting for another kernel build to end ($SYSPTVM_CACHE/kernel-build.lock)"
		flock "$KB_LOCK_FD"
	fi
}

# The environment of every kernel build, UML or native: one ccache for all
# trees (kbuild's relative paths make their command lines alike), fixed
# build user and host.  Sets KERNEL_CC.
kernel_build_env() {
	export CCACHE_DIR="${CCACHE_DIR:-$SYSPTVM_CACHE/ccache}"
	export CCACHE_BASEDIR="$SYSPTVM_CACHE"
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-4G}"
	export KBUILD_BUILD_USER=sysptvm KBUILD_BUILD_HOST=sysptvm
	KERNEL_CC=gcc
	if command -v ccache >/dev/null; then KERNEL_CC="ccache gcc"; fi
}

# merge_config.sh only warns: say which options of a config FRAGMENT did not
# stick in the .config CONFIG (on stderr), and print how many.
fragment_misses() {	# FRAGMENT CONFIG
	local line name missing=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) name=${line%%=*} ;;
		"# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *}; line="# $name is not set" ;;
		*) continue ;;
		esac
		if ! grep -qxF "$line" "$2"; then
			if [ "${line#\#}" != "$line" ] && ! grep -q "^$name=" "$2"; then
				continue	# absent counts as not set
			fi
			echo "  warning: $line requested, .config has: $(grep -E "^$name=|^# $name is not set" "$2" || echo '(absent)')" >&2
			missing=$((missing + 1))
		fi
	done <"$1"
	echo "$missing"
}

# The build the functions below act on.  Objects go to TREE/O, a relative
# O, so that kbuild uses the relative srctree ".." and every tree's command
# lines are alike for ccache.  Takes the build lock and sets the build's
# environment.
kbuild_target() {	# WHO TREE O ARCH [SUBARCH]
	KB_WHO=$1 KB_TREE=$2 KB_O=$3 KB_ARCH=$4 KB_SUBARCH=${5:-}
	KB_OBJ=$KB_TREE/$KB_O
	KB_VARS=(O="$KB_O" ARCH="$KB_ARCH")
	[ -z "$KB_SUBARCH" ] || KB_VARS+=(SUBARCH="$KB_SUBARCH")
	kernel_build_lock "$KB_WHO"
	kernel_build_env
}

# The files of the tree that make its configs: every Kconfig file and
# every defconfig and config fragment of its own.  A patch that changes a
# Kconfig default (0028 makes four page table levels the default) changes
# them; olddefconfig would not apply it to a .config that has the old one.
kbuild_config_sources() {
	(cd "$KB_TREE" && find . \( -path './_build*' -o -name .git \) -prune -o -type f \
		\( -name 'Kconfig*' -o -path '*/configs/*' \) -print | LC_ALL=C sort)
}

# Configure the build, when any input of its config changed since the last
# time: BASE (a defconfig target), the fragments merged onto it, the lines
# it requires, the LOCALVERSION and the tree's config sources (above).  An
# option of a fragment that does not stick is named, with what the .config
# has; a --require line that does not stick stops the build.
kbuild_config() {	# BASE [--fragment FILE] [--require LINE] [--localversion V]
	local base=$1 frags=() reqs=() lv='' want stamp f missing=0
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--fragment) [ -r "$2" ] || die "$KB_WHO: no config fragment $2"; frags+=("$2") ;;
		--require) reqs+=("$2") ;;
		--localversion) lv=$2 ;;
		*) die "kbuild_config: unknown option $1" ;;
		esac
		shift 2
	done
	want=$( (echo "${KB_VARS[*]} $base localversion=$lv"
		[ ! -f "$base" ] || cat "$base"
		printf '%s\n' "${reqs[@]}"
		for f in "${frags[@]}"; do echo "== ${f##*/}"; cat "$f"; done
		kbuild_config_sources | (cd "$KB_TREE" && xargs -d '\n' cat)) |
		sha256sum | cut -c1-16) || die "$KB_WHO: cannot read the inputs of the config in $KB_TREE"
	stamp=$KB_OBJ/.sysptvm-config
	if [ -e "$KB_OBJ/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	say "$KB_WHO: configuring ($base${frags[*]:+ + ${frags[*]##*/}}${reqs[*]:+ + ${reqs[*]}})"
	mkdir -p "$KB_OBJ"
	rm -f "$stamp"
	if [ ${#reqs[@]} -gt 0 ]; then
		printf '%s\n' "${reqs[@]}" >"$KB_OBJ/sysptvm-required.config"
		frags+=("$KB_OBJ/sysptvm-required.config")
	fi
	if [ -f "$base" ]; then
		run cp "$base" "$KB_OBJ/.config"
	else
		run make -s -C "$KB_TREE" "${KB_VARS[@]}" "$base" ||
			die "$KB_WHO: 'make $base' failed in $KB_TREE"
	fi
	if [ ${#frags[@]} -gt 0 ]; then
		run "$KB_TREE/scripts/kconfig/merge_config.sh" -m -O "$KB_OBJ" "$KB_OBJ/.config" \
			"${frags[@]}" >/dev/null || die "$KB_WHO: merging ${frags[*]##*/} failed"
	fi
	if [ -n "$lv" ]; then
		run "$KB_TREE/scripts/config" --file "$KB_OBJ/.config" --set-str LOCALVERSION "$lv"
	fi
	run make -s -C "$KB_TREE" "${KB_VARS[@]}" olddefconfig ||
		die "$KB_WHO: 'make olddefconfig' failed in $KB_TREE"
	for f in "${frags[@]}"; do
		if [ "$f" = "$KB_OBJ/sysptvm-required.config" ]; then
			[ "$(fragment_misses "$f" "$KB_OBJ/.config")" -eq 0 ] ||
				die "$KB_WHO: a required option was not taken (above); see $KB_OBJ/.config"
		else
			missing=$((missing + $(fragment_misses "$f" "$KB_OBJ/.config")))
		fi
	done
	[ "$missing" -eq 0 ] || say "$KB_WHO: $missing option(s) of the fragments not taken (dependencies)"
	echo "$want" >"$stamp"
}

# Build TARGETs, the whole output in LOG and a count every 250 files on
# the terminal.  On failure: the lines around the errors, a line that
# names LOG, and status 1 (the caller decides whether to go on).  --werror also fails on a compiler warning;
# --cflags adds to the compiler's command (-m32).
kbuild_make() {	# LOG [--werror] [--cflags FLAGS] TARGET...
	local log=$1 werror=0 cc=$KERNEL_CC start rc=0 extra=()
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--werror) werror=1; extra+=(KCFLAGS=-Werror); shift ;;
		--cflags) cc+=" $2"; shift 2 ;;
		*) break ;;
		esac
	done
	mkdir -p "$(dirname "$log")"
	start=$(date +%s)
	local cmd=(make -C "$KB_TREE" "${KB_VARS[@]}" -j"$(($(nproc) + 1))" CC="$cc" "${extra[@]}" "$@")
	# On the terminal, not in the log (run's line would go down the pipe).
	printf '  $ %s\n' "${cmd[*]}" >&2
	"${cmd[@]}" 2>&1 | tee "$log" | kbuild_progress || rc=$?
	if [ "$rc" != 0 ]; then
		grep -E -B2 -A8 'error|Error' "$log" | tail -60 >&2 || tail -60 "$log" >&2
		printf '%s: error: the build failed; full log: %s\n' "$KB_WHO" "$log" >&2
		return 1
	fi
	if [ "$werror" = 1 ] && grep -q 'warning:' "$log"; then
		grep -B2 -A6 'warning:' "$log" | head -60 >&2
		printf '%s: error: compiler warnings (above); full log: %s\n' "$KB_WHO" "$log" >&2
		return 1
	fi
	say "$KB_WHO: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$log" || true) files compiled; log $log)"
}
kbuild_progress() {
	local line n=0
	while IFS= read -r line; do
		case "$line" in
		"  CC "*) n=$((n + 1)); [ $((n % 250)) -ne 0 ] || echo "  ... $n files compiled" >&2 ;;
		esac
	done
}

# Copy FILE of the build (relative to the objects) to OUTPUT, renamed into
# place; an unchanged file only gets a new mtime, for make.
kbuild_install() {	# FILE OUTPUT
	local src=$KB_OBJ/$1
	[ -e "$src" ] || die "$KB_WHO: the build made no $src"
	mkdir -p "$(dirname "$2")"
	if cmp -s "$src" "$2"; then
		touch "$2"
	else
		cp "$src" "$2.new"
		mv -f "$2.new" "$2"
	fi
	say "$KB_WHO: $2 ($(du -h "$2" | cut -f1))"
}
