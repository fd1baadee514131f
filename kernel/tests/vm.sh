#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/vm: exit status propagation, failure detection, bad input.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/kernel/tests/lib.sh"
vm=$top/kernel/vm
image=${TXTAP_KERNEL:-$top/build/kernel-base/arch/x86/boot/bzImage}

# Bad input first: these need no kernel.
out=$("$vm" --nic rtl9999 -- true 2>&1); rc=$?
t_check "unknown NIC model: exit 2, one line naming it" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *rtl9999* ]]; echo $?)" "rc=$rc out=$out"
out=$("$vm" --kernel /nonexistent/bzImage -- true 2>&1); rc=$?
t_check "missing bzImage: exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"/nonexistent/bzImage"* ]]; echo $?)" "rc=$rc out=$out"
out=$("$vm" --pair -- true 2>&1); rc=$?
t_check "--pair without a NIC model: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"
out=$("$vm" --timeout abc -- true 2>&1); rc=$?
t_check "non-numeric --timeout: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"
out=$("$vm" 2>&1); rc=$?
t_check "no command: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"

if [ ! -f "$image" ]; then
	for t in true false "exit 3" pair warn crash timeout; do
		t_skip "guest: $t" "no kernel image at $image (make kernel)"
	done
	t_done
	exit
fi
export TXTAP_VM_QUIET=1
runs_before=$(ls "$top/build/vm" 2>/dev/null | grep '^run\.' | sort)
"$vm" --kernel "$image" -- true; rc=$?
t_check "guest 'true' exits 0" "$([ $rc = 0 ]; echo $?)" "rc=$rc"
"$vm" --kernel "$image" -- false; rc=$?
t_check "guest 'false' exits 1" "$([ $rc = 1 ]; echo $?)" "rc=$rc"
"$vm" --kernel "$image" -- sh -c 'exit 3'; rc=$?
t_check "guest 'exit 3' exits 3" "$([ $rc = 3 ]; echo $?)" "rc=$rc"
out=$("$vm" --kernel "$image" --nic e1000e --pair -- sh -c \
	'echo "$NETIF $REMOTE_TYPE $REMOTE_ARGS $LOCAL_V4 $REMOTE_V4"; ping -c 1 -W 5 "$REMOTE_V4" >/dev/null && echo pinged' 2>&1); rc=$?
t_check "e1000e pair: variables exported, remote answers ping" \
	"$([ $rc = 0 ] && [[ $out == *"netns txtap-remote 192.0.2.1 192.0.2.2"* ]] && [[ $out == *pinged* ]]; echo $?)" "rc=$rc" "$out"
out=$("$vm" --kernel "$image" -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at txtap/test.c:1 fake" > /dev/kmsg' 2>&1); rc=$?
t_check "a WARN in the guest kernel log fails the run" \
	"$([ $rc != 0 ] && [[ $out == *"reported a problem"* ]]; echo $?)" "rc=$rc" "$out"
out=$("$vm" --kernel "$image" -- sh -c 'echo c > /proc/sysrq-trigger' 2>&1); rc=$?
t_check "a guest kernel crash fails the run" "$([ $rc != 0 ]; echo $?)" "rc=$rc"
out=$("$vm" --kernel "$image" --timeout 40 -- sleep 600 2>&1); rc=$?
t_check "a hung guest is killed at --timeout (exit 124)" "$([ $rc = 124 ]; echo $?)" "rc=$rc" "$out"
left=$(comm -13 <(echo "$runs_before") <(ls "$top/build/vm" 2>/dev/null | grep '^run\.' | sort))
t_check "no run directories left behind" "$([ -z "$left" ]; echo $?)" "left: $left"
t_done
