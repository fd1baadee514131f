# SPDX-License-Identifier: GPL-2.0
#
# Sourced by kernel/patch, kernel/patches-lint, kernel/patches-selftests-match,
# kernel/build-unpatched and tools/cost-o2: the layout of patches/, and the
# reference kernels built from part of it. patches/series lists the series directories in the
# order they are applied (net: the fixes, net-next: the feature); each has a
# series file of its own listing its cover letter and patches. A series file
# may also list patch files directly.

# series_files PATCHES [DIR]: print the patch files (cover letters
# included) as paths relative to PATCHES, in order. Returns 1 with a message
# on stderr if a series file is missing or names a file that does not exist.
series_files() {
	local top=$1 dir=${2:-} p
	if [ ! -f "$top/${dir}series" ]; then
		echo "${dir:-patches/}series missing" >&2
		return 1
	fi
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		if [ -d "$top/$dir$p" ]; then
			series_files "$top" "$dir$p/" || return 1
		elif [ -f "$top/$dir$p" ]; then
			echo "$dir$p"
		else
			echo "${dir:-patches/}series lists $p, which does not exist" >&2
			return 1
		fi
	done < "$top/${dir}series"
}

# series_dirs PATCHES: the series directories, in order ("." for a flat list).
series_dirs() {
	local top=$1 p found=0
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		[ -d "$top/$p" ] && { echo "$p"; found=1; }
	done < "$top/series"
	[ $found = 1 ] || echo .
}

# The reference kernels of make cost (kernel/build-unpatched): the base with
# none of the series (unpatched), with patches/net (net) or with patches/net
# and patches/net-next (series), each exported (git archive) to a tree of its
# own. ref_kernel TOP KIND sets REF_EXP (the export), REF_OUT (its build
# directory, before a KCONFIG suffix), REF_TARGET (its make target) and
# REF_DIRS (the series directories applied); returns 1 for another KIND.
ref_kernel() {
	case $2 in
	unpatched) REF_EXP=$1/build/src/linux-unpatched REF_DIRS=() ;;
	net) REF_EXP=$1/build/src/linux-netfix REF_DIRS=(net/) ;;
	series) REF_EXP=$1/build/src/linux-series REF_DIRS=(net/ net-next/) ;;
	*) return 1 ;;
	esac
	REF_TARGET=kernel-${REF_EXP##*/linux-}
	REF_OUT=$1/build/$REF_TARGET
}

# ref_kind_of BUILDDIR: the KIND of a reference kernel's build directory
# (build/kernel-netfix-o2: net).
ref_kind_of() {
	case ${1##*/} in
	kernel-netfix*) echo net ;;
	kernel-series*) echo series ;;
	*) echo unpatched ;;
	esac
}

# ref_patches TOP KIND: sets REF_PATCHES, the patch files (relative to
# patches/, no cover letters) applied to the reference kernel KIND, after
# ref_kernel; returns 1 with the reason in REF_ERR if a series file is
# broken.
ref_patches() {
	local l list='' d p
	ref_kernel "$1" "$2" || { REF_ERR="unknown reference kernel '$2'"; return 1; }
	REF_PATCHES=()
	for d in "${REF_DIRS[@]}"; do
		l=$(series_files "$1/patches" "$d" 2>&1) || { REF_ERR=$l; return 1; }
		list+="$l"$'\n'
	done
	while read -r p; do
		case $p in ''|*/0000-*) ;; *) REF_PATCHES+=("$p") ;; esac
	done <<< "$list"
	[ ${#REF_DIRS[@]} = 0 ] || [ ${#REF_PATCHES[@]} -gt 0 ] ||
		{ REF_ERR="patches/${REF_DIRS[*]} list no patches"; return 1; }
}

# ref_stamp TOP BASE: what an up-to-date export of the kind ref_patches was
# given records in its .txtap-base: the base commit BASE and, if patches are
# applied, a hash of them.
ref_stamp() {
	if [ ${#REF_PATCHES[@]} = 0 ]; then
		echo "$2"
	else
		echo "$2 $(cd "$1/patches" && cat "${REF_PATCHES[@]}" | sha256sum | cut -c1-16)"
	fi
}
