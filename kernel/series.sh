# SPDX-License-Identifier: GPL-2.0
#
# Sourced by kernel/patch, kernel/patches-lint and kernel/patches-selftests-match:
# the layout of patches/. patches/series lists the series directories in the
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
