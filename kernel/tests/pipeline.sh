#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input to the fetch/patch/build pipeline: each case must give one
# clear error line and leave nothing half-done behind.
set -uo pipefail	# no -e: each check runs a command meant to fail and reads its status
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Corrupt tarball: random bytes with a kernel-like name.
head -c 100000 /dev/urandom > "$tmp/linux-7.3.4.tar.xz"
out=$(KERNEL_TARBALL=$tmp/linux-7.3.4.tar.xz KERNEL_SRC=$tmp/src/linux TXTAP_CACHE=$tmp/cache \
	"$top/kernel/fetch" 2>&1); rc=$?
t_check "corrupt tarball: fails with one error line" \
	"$([ $rc != 0 ] && [ "$(echo "$out" | grep -c 'error:')" = 1 ] && [[ $out == *"corrupt or truncated"* ]]; echo $?)" "rc=$rc" "$out"
t_check "corrupt tarball: no tree left behind" \
	"$([ ! -e "$tmp/src/linux" ] && [ ! -e "$tmp/src/linux.tmp" ]; echo $?)" "$(ls "$tmp/src" 2>&1)"

# Checksum file that does not match.
mkdir -p "$tmp/t/linux-x"
echo x > "$tmp/t/linux-x/Makefile"
tar -C "$tmp/t" -cJf "$tmp/linux-x.tar.xz" linux-x
echo "0000000000000000000000000000000000000000000000000000000000000000  linux-x.tar.xz" > "$tmp/sha256sums"
out=$(KERNEL_TARBALL=$tmp/linux-x.tar.xz KERNEL_SRC=$tmp/src/linux TXTAP_CACHE=$tmp/cache \
	"$top/kernel/fetch" 2>&1); rc=$?
t_check "tarball with a wrong checksum: refused" \
	"$([ $rc != 0 ] && [[ $out == *"checksum does not match"* ]] && [ ! -e "$tmp/src/linux" ]; echo $?)" "rc=$rc" "$out"

# A tarball that is not a kernel tree.
rm "$tmp/sha256sums"
out=$(KERNEL_TARBALL=$tmp/linux-x.tar.xz KERNEL_SRC=$tmp/src/linux TXTAP_CACHE=$tmp/cache \
	"$top/kernel/fetch" 2>&1); rc=$?
t_check "tarball without a kernel tree: refused" \
	"$([ $rc != 0 ] && [[ $out == *"does not contain a kernel tree"* ]] && [ ! -e "$tmp/src/linux" ]; echo $?)" "rc=$rc" "$out"

# Missing tarball.
out=$(KERNEL_TARBALL=$tmp/nope.tar.xz KERNEL_SRC=$tmp/src/linux "$top/kernel/fetch" 2>&1); rc=$?
t_check "missing tarball: one error line" \
	"$([ $rc != 0 ] && [ "$(echo "$out" | wc -l)" = 1 ]; echo $?)" "rc=$rc" "$out"

# Unreachable mirror (a closed port on loopback).
out=$(TXTAP_MIRROR=http://127.0.0.1:9/debian KERNEL_SRC=$tmp/src/linux TXTAP_CACHE=$tmp/cache \
	timeout 120 "$top/kernel/fetch" 2>&1); rc=$?
t_check "unreachable mirror: clear error" \
	"$([ $rc != 0 ] && [[ $out == *"cannot reach the Debian mirror"* ]] && [ ! -e "$tmp/src/linux" ]; echo $?)" "rc=$rc" "$out"

# A patch that does not apply: a small tree with a txtap-base tag.
git init -q "$tmp/k"
(cd "$tmp/k" && printf 'all:\n' > Makefile && echo one > file &&
	git add -A && git -c user.name=t -c user.email=t@t commit -qm base && git tag txtap-base)
mkdir -p "$tmp/p"
cat > "$tmp/p/0001-bad.patch" <<'EOP'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: t <t@t>
Subject: [PATCH] bad

---
 file | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/file b/file
--- a/file
+++ b/file
@@ -1 +1 @@
-not what is there
+two
EOP
echo 0001-bad.patch > "$tmp/p/series"
out=$(KERNEL_SRC=$tmp/k PATCHES=$tmp/p "$top/kernel/patch" 2>&1); rc=$?
t_check "patch that does not apply: named in the error" \
	"$([ $rc = 2 ] && [[ $(echo "$out" | tail -1) == *"0001-bad.patch does not apply"* ]]; echo $?)" "rc=$rc" "$out"
t_check "patch that does not apply: tree back at txtap-base, clean" \
	"$([ "$(git -C "$tmp/k" rev-parse HEAD)" = "$(git -C "$tmp/k" rev-parse txtap-base)" ] &&
	   [ -z "$(git -C "$tmp/k" status --porcelain)" ] && [ ! -d "$tmp/k/.git/rebase-apply" ]; echo $?)"
echo 0002-missing.patch > "$tmp/p/series"
out=$(KERNEL_SRC=$tmp/k PATCHES=$tmp/p "$top/kernel/patch" 2>&1); rc=$?
t_check "series naming a missing patch: error" \
	"$([ $rc = 2 ] && [[ $out == *"0002-missing.patch"* ]]; echo $?)" "$out"

out=$(KCONFIG=huge "$top/kernel/build" 2>&1); rc=$?
t_check "unknown KCONFIG: one error line" \
	"$([ $rc != 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *huge* ]]; echo $?)" "$out"

# The kernel config carries what every selftest's config fragment asks for.
missing=
for frag in $(cd "$top" && git ls-files 'selftests/*config' | grep '/config$'); do
	while IFS= read -r line; do
		case $line in CONFIG_*=[ym]) ;; *) continue ;; esac
		grep -qx -- "${line%=m}=y" "$top/kernel/configs/base.config" ||
			grep -qx -- "$line" "$top/kernel/configs/base.config" ||
			missing="$missing $frag:$line"
	done < "$top/$frag"
done
t_check "kernel/configs/base.config covers the selftests' config fragments" 	"$([ -z "$missing" ]; echo $?)" "missing:$missing"

# tools/install-deps is quiet and fast once everything is there (make check
# runs it first), with a QEMU that has igb unless backports was unreachable.
t0=$(date +%s)
out=$("$top/tools/install-deps" 2>&1); rc=$?
t=$(( $(date +%s) - t0 ))
t_check "install-deps with everything installed: exit 0, silent, under 10 s" \
	"$([ $rc = 0 ] && [ -z "$out" ] && [ $t -lt 10 ]; echo $?)" "rc=$rc ${t}s" "$out"
if [ -f /var/lib/txtap/bookworm-backports-unreachable ]; then
	t_skip "QEMU has igb" "bookworm-backports was unreachable when install-deps ran"
else
	t_check "QEMU has igb ($(qemu-system-x86_64 --version 2>/dev/null | head -1))" \
		"$(qemu-system-x86_64 -device help 2>/dev/null | grep '^name "igb"' > /dev/null; echo $?)"
fi

# The built kernel's modules are installed where kernel/vm finds them.
kout=$top/build/kernel-base
if [ -f "$kout/include/config/kernel.release" ] && [ -d "$kout/modroot" ]; then
	rel=$(cat "$kout/include/config/kernel.release")
	mdir=$kout/modroot/lib/modules/$rel
	t_check "modules of $rel installed under build/, pktgen among them (modules.dep)" \
		"$([ -f "$mdir/kernel/net/core/pktgen.ko" ] && grep -q 'net/core/pktgen.ko:' "$mdir/modules.dep"; echo $?)" \
		"$(ls "$kout/modroot/lib/modules" 2>&1)"
else
	t_skip "modules installed under build/" "no kernel built with modules (make kernel)"
fi

# The real tree, if fetched, is a git tree at txtap-base plus the series.
src=$top/build/src/linux
if [ -d "$src/.git" ]; then
	. "$top/kernel/series.sh"
	n=$(series_files "$top/patches" | grep -vc '0000-cover-letter.patch$')
	have=$(git -C "$src" rev-list --count txtap-base..HEAD)
	t_check "kernel tree carries the $n patches of the series" "$([ "$have" = "$n" ]; echo $?)" "have $have"
else
	t_skip "kernel tree carries the series" "no kernel tree (make kernel)"
fi
t_done
