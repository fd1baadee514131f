#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The exit-code convention of tools/lib/common.sh on the user-facing
# scripts: bad input is refused with exit 2, one line "PROG: error: WHY" on
# stderr and nothing on stdout, before anything is built or booted. Cheap:
# no kernel tree, image or VM is needed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# refused PROG [VAR=VALUE...] [-- ARGS...]: run $top/PROG with the
# environment and arguments given; exit 2, one error line, empty stdout
refused() {
	local prog=$1 rc=0 envs=() err lines name
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	env "${envs[@]}" TXTAP_CACHE="$tmp/cache" timeout 60 "$top/$prog" "$@" \
		> "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	err=$(cat "$tmp/err")
	lines=$(wc -l < "$tmp/err")
	name="$prog${envs[*]:+ ${envs[*]}}${*:+ $*}"
	t_check "${name//$tmp/TMP}: exit 2, one '$prog: error:' line" \
		"$([ $rc = 2 ] && [ "$lines" = 1 ] && [[ $err == "$prog: error: "* ]] &&
		   [ ! -s "$tmp/out" ]; echo $?)" \
		"rc=$rc, $lines line(s) on stderr, $(wc -c < "$tmp/out") bytes on stdout" "$err"
}

none=$tmp/none
refused kernel/vm -- --bogus
refused kernel/vm -- --nic rtl9999 -- true
refused kernel/build KCONFIG=huge
refused kernel/fetch KERNEL_TARBALL="$none.tar.xz" KERNEL_SRC="$tmp/src/linux"
refused kernel/patch KERNEL_SRC="$none"
refused kernel/patches-lint KERNEL_SRC="$none"
refused kernel/patches-export KERNEL_SRC="$none"
refused kernel/patches-selftests-match PATCHES="$none"
refused selftests/run-vm -- rtl9999
refused tools/bad-input DEBUG_KERNEL="$none"
refused tools/bench BENCH_KERNEL="$none"
refused tools/bench-senders -- --bogus
refused tools/callgraph CG_KERNEL="$none"
refused tools/check SUITES=bogus
refused tools/cost COST_NIC=bogus
refused tools/cost COST_PKTS=x
refused tools/cost KCONFIG=debug
refused tools/cost-o2
refused tools/cost COST_PROFILE=yes
refused tools/cost-profile -- "$none"
refused tools/cost-profile -- "$tmp"
refused tools/kselftest
refused tools/kselftest -- --bogus
refused tools/tap-race RACE_SECONDS=x
# guest and helper sides: their input is checked before the guest is used
refused selftests/run-vm-guest -- rtl9999
refused tools/bench-guest
refused tools/lib/qemu-icount TXTAP_ICOUNT_QEMU= -- -version
refused tools/tap-race-guest RACE_SECONDS=x
t_done
