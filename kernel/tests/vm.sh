#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/vm: exit status propagation, failure detection, bad input; igb,
# SMP guests, modules; tools/kselftest's bad input.
set -uo pipefail	# no -e: each check runs a command meant to fail and reads its status
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/lib/tap.sh"
# Every boot is bounded: a hung one costs minutes, not kernel/vm's 900 s.
vm=("$top/kernel/vm" --timeout 180)
image=${TXTAP_KERNEL:-$top/build/kernel-base/arch/x86/boot/bzImage}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# qemu processes started by this test (they inherit this variable), to
# check that none is left behind
export TXTAP_VMTEST_ID=$$.$RANDOM
vm_qemus() {
	local p
	for p in $(pgrep qemu-system); do
		tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -x "TXTAP_VMTEST_ID=$TXTAP_VMTEST_ID" > /dev/null &&
			printf '%s ' "$p"
	done
}
has_igb() { qemu-system-x86_64 -device help 2>/dev/null | grep '^name "igb"' > /dev/null; }

# Bad input first: these need no kernel.
out=$("${vm[@]}" --nic rtl9999 -- true 2>&1); rc=$?
t_check "unknown NIC model: exit 2, one line naming it" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *rtl9999* ]]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --kernel /nonexistent/bzImage -- true 2>&1); rc=$?
t_check "missing bzImage: exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"/nonexistent/bzImage"* ]]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --pair -- true 2>&1); rc=$?
t_check "--pair without a NIC model: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --timeout abc -- true 2>&1); rc=$?
t_check "non-numeric --timeout: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" 2>&1); rc=$?
t_check "no command: exit 2" "$([ $rc = 2 ]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --nic bogus --pair -- true 2>&1); rc=$?
t_check "--nic bogus: exit 2, one line naming it and igb among the models" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *bogus*igb* ]]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --nic virtio --pair --remote telnet -- true 2>&1); rc=$?
t_check "--remote telnet: exit 2, one line naming it and ssh" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *telnet*ssh* ]]; echo $?)" "rc=$rc out=$out"
out=$("${vm[@]}" --nic virtio --remote ssh -- true 2>&1); rc=$?
t_check "--remote ssh without --pair: exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *--pair* ]]; echo $?)" "rc=$rc out=$out"
# A QEMU without igb (QEMU 7.2): a wrapper that hides the device.
cat > "$tmp/qemu-no-igb" <<'EOQ'
#!/bin/bash
if [ "$*" = "-device help" ]; then
	qemu-system-x86_64 -device help 2>&1 | grep -v '^name "igb'
	exit 0
fi
[ "$*" = --version ] && { echo "QEMU emulator version 7.2.0 (fake)"; exit 0; }
echo "qemu-no-igb: must not be started" >&2
exit 1
EOQ
chmod +x "$tmp/qemu-no-igb"
: > "$tmp/bzImage"
out=$(TXTAP_QEMU=$tmp/qemu-no-igb "${vm[@]}" --kernel "$tmp/bzImage" --nic igb --pair -- true 2>&1); rc=$?
t_check "--nic igb with a QEMU without igb: exit 2, one line naming igb and the QEMU version" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"no igb"*"7.2.0"* || $out == *"7.2.0"*"no igb"* ]]; echo $?)" "rc=$rc out=$out"
out=$(TXTAP_QEMU=$tmp/qemu-no-igb "$top/selftests/run-vm" igb 2>&1); rc=$?
t_check "igb suite with a QEMU without igb: skipped as a whole with the reason" \
	"$([ $rc = 0 ] && [[ $out == "1..0 # SKIP QEMU 7.2.0 has no igb"* ]]; echo $?)" "rc=$rc out=$out"
mkdir -p "$tmp/nomods"
out=$("${vm[@]}" --kernel "$tmp/bzImage" --modules "$tmp/nomods/missing" -- true 2>&1); rc=$?
t_check "--modules with a missing directory: exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *missing* ]]; echo $?)" "rc=$rc out=$out"
# tools/kselftest: names are checked before anything is built or booted.
if [ -e "$top/build/src/linux/tools/testing/selftests/lib.mk" ]; then
	out=$("$top/tools/kselftest" net:no_such_test 2>&1); rc=$?
	t_check "kselftest name that does not exist: exit 2, one line naming it" \
		"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"net:no_such_test"*"does not exist"* ]]; echo $?)" "rc=$rc out=$out"
	out=$("$top/tools/kselftest" no_such_target:x 2>&1); rc=$?
	t_check "kselftest target that does not exist: exit 2, one line" \
		"$([ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *no_such_target* ]]; echo $?)" "rc=$rc out=$out"
else
	t_skip "kselftest name that does not exist" "no kernel tree (make kernel-src)"
	t_skip "kselftest target that does not exist" "no kernel tree (make kernel-src)"
fi
left=$(vm_qemus)
t_check "bad input leaves no qemu running" "$([ -z "$left" ]; echo $?)" "left: $left"

if [ ! -f "$image" ]; then
	for t in true false "exit 3" pair warn crash timeout "igb pair" "nproc 1" "nproc 2" modprobe \
		"modules missing"; do
		t_skip "guest: $t" "no kernel image at $image (make kernel)"
	done
	t_done
	exit
fi
# The KVM probe (once a host boot) before the checks, so that its warning,
# if any, is not in the output of one.
echo "# guests run under $("$top/kernel/vm" --kernel "$image" --accel)"
export TXTAP_VM_QUIET=1
runs_before=$(ls "$top/build/vm" 2>/dev/null | grep '^run\.' | sort)
# Boots are the cost of this suite (~9 s each): where one boot can answer
# two checks it does ('true' is nproc's exit status, modprobe runs in the
# --cpus 2 boot).
t0=$(date +%s.%N)
out=$("${vm[@]}" --kernel "$image" --cpus 1 -- nproc 2>&1 | tr -d '\r'); rc=$?
t=$(echo "$(date +%s.%N) - $t0" | bc)
t_check "guest 'true' exits 0" "$([ $rc = 0 ]; echo $?)" "rc=$rc"
t_check "--cpus 1: nproc in the guest is 1" "$([ $rc = 0 ] && [ "$out" = 1 ]; echo $?)" "rc=$rc out=$out"
printf '# --cpus 1: boot, nproc, power off in %.1f s\n' "$t"
"${vm[@]}" --kernel "$image" -- false; rc=$?
t_check "guest 'false' exits 1" "$([ $rc = 1 ]; echo $?)" "rc=$rc"
"${vm[@]}" --kernel "$image" -- sh -c 'exit 3'; rc=$?
t_check "guest 'exit 3' exits 3" "$([ $rc = 3 ]; echo $?)" "rc=$rc"
out=$("${vm[@]}" --kernel "$image" --nic e1000e --pair -- sh -c \
	'echo "$NETIF $REMOTE_TYPE $REMOTE_ARGS $LOCAL_V4 $REMOTE_V4"; ping -c 1 -W 5 "$REMOTE_V4" >/dev/null && echo pinged' 2>&1); rc=$?
t_check "e1000e pair: variables exported, remote answers ping" \
	"$([ $rc = 0 ] && [[ $out == *"netns txtap-remote 192.0.2.1 192.0.2.2"* ]] && [[ $out == *pinged* ]]; echo $?)" "rc=$rc" "$out"
if has_igb; then
	out=$("${vm[@]}" --kernel "$image" --nic igb --pair -- sh -c \
		'ethtool -i "$NETIF"; ip netns exec "$REMOTE_ARGS" ethtool -i "$TXTAP_REMOTE_IF"; ping -c 1 -W 5 "$REMOTE_V4" >/dev/null && echo pinged' 2>&1 | tr -d '\r'); rc=$?
	t_check "igb pair: ethtool -i \$NETIF reports driver igb, so does the remote, ping answers" \
		"$([ $rc = 0 ] && [ "$(echo "$out" | grep -c '^driver: igb$')" = 2 ] && [[ $out == *pinged* ]]; echo $?)" "rc=$rc" "$out"
else
	t_skip "igb pair: ethtool -i reports igb" "QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') has no igb"
fi
t0=$(date +%s.%N)
out=$("${vm[@]}" --kernel "$image" --cpus 2 -- sh -c 'nproc; modprobe pktgen && grep "^pktgen " /proc/modules && ls /proc/net/pktgen/pgctrl' 2>&1 | tr -d '\r'); rc=$?
t=$(echo "$(date +%s.%N) - $t0" | bc)
t_check "--cpus 2: nproc in the guest is 2" "$([ "$(head -1 <<< "$out")" = 2 ]; echo $?)" "out=$out"
printf '# --cpus 2: boot, nproc, modprobe, power off in %.1f s\n' "$t"
t_check "modprobe pktgen works in the guest (a module, /proc/net/pktgen there)" \
	"$([ $rc = 0 ] && [[ $out == *"pktgen "*pgctrl* ]]; echo $?)" "rc=$rc" "$out"
out=$("${vm[@]}" --kernel "$image" --modules "$tmp/nomods" -- true 2>&1); rc=$?
t_check "modules that do not load: one warning naming pktgen, the run goes on" \
	"$([ $rc = 0 ] && [ "$(echo "$out" | grep -c 'modprobe pktgen failed')" = 1 ]; echo $?)" "rc=$rc" "$out"
out=$("${vm[@]}" --kernel "$image" -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at txtap/test.c:1 fake" > /dev/kmsg' 2>&1); rc=$?
t_check "a WARN in the guest kernel log fails the run" \
	"$([ $rc != 0 ] && [[ $out == *"reported a problem"* ]]; echo $?)" "rc=$rc" "$out"
# An RCU stall stops the guest at once (--timeout 120 only bounds the old
# behaviour, which sat there until the timeout).
t0=$(date +%s)
out=$("${vm[@]}" --kernel "$image" --timeout 120 -- sh -c \
	'echo "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:" > /dev/kmsg; sleep 600' 2>&1); rc=$?
t=$(($(date +%s) - t0))
t_check "an RCU stall in the command stops the guest at once: exit 1 well before --timeout" \
	"$([ $rc = 1 ] && [ $t -lt 90 ] && [[ $out == *"RCU stall, guest stopped"* ]]; echo $?)" "rc=$rc after ${t}s" "$out"
# A stall while booting is retried once: a QEMU that prints a stall on the
# console and hangs the first time it is started, then is the real one.
cat > "$tmp/qemu-stall-once" <<'EOQ'
#!/bin/bash
for a; do case $a in file:*) con=${a#file:} ;; esac; done
if [ -n "${con:-}" ] && [ ! -e "${0%/*}/stalled-once" ]; then
	: > "${0%/*}/stalled-once"
	echo "[   23.000000] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:" > "$con"
	exec sleep 600
fi
exec qemu-system-x86_64 "$@"
EOQ
chmod +x "$tmp/qemu-stall-once"
t0=$(date +%s)
out=$(TXTAP_QEMU=$tmp/qemu-stall-once "${vm[@]}" --kernel "$image" --timeout 120 -- true 2>&1); rc=$?
t=$(($(date +%s) - t0))
t_check "a stall while booting is booted again once, with one warning, and the command's status counts" \
	"$([ $rc = 0 ] && [ $t -lt 90 ] && [ "$(grep -c 'stalled while booting.*booting again (once)' <<< "$out")" = 1 ]; echo $?)" "rc=$rc after ${t}s" "$out"
# A /dev/kvm that runs a real-mode ROM but not Linux (seen on a nested
# host with kvm-pvm): a QEMU that passes a ROM probe (exit 3) and hangs
# silent when it boots a kernel under KVM; under TCG it is the real one.
cat > "$tmp/qemu-kvm-no-linux" <<'EOQ'
#!/bin/bash
case "$*" in --version) echo "QEMU emulator version 10.0.2 (fake: KVM without Linux)"; exit 0 ;; esac
case "$*" in
*accel=kvm*-bios*) exit 3 ;;
*accel=kvm*) echo kvm >> "${0%/*}/kvm-boots"; exec sleep 600 ;;
esac
exec qemu-system-x86_64 "$@"
EOQ
chmod +x "$tmp/qemu-kvm-no-linux"
: > "$tmp/kvm"
# (a 3 s probe instead of 20: the fake never prints a banner)
kvm_vm() { TXTAP_QEMU=$tmp/qemu-kvm-no-linux TXTAP_KVM_DEV=$tmp/kvm TXTAP_KVM_PROBE=3 env -u TXTAP_NO_KVM "${vm[@]}" --kernel "$image" --timeout 120 "$@"; }
t0=$(date +%s)
out=$(kvm_vm -- true 2>&1); rc=$?
t=$(($(date +%s) - t0))
t_check "KVM that boots no Linux: TCG after the probe, one warning, exit 0" \
	"$([ $rc = 0 ] && [ $t -lt 90 ] && [ "$(grep -c 'does not boot under KVM' <<< "$out")" = 1 ]; echo $?)" "rc=$rc after ${t}s" "$out"
out=$(kvm_vm --accel 2>&1); rc=$?
t_check "the verdict is kept: the next guest gets TCG without a probe or a warning" \
	"$([ $rc = 0 ] && [ "$(wc -l < "$tmp/kvm-boots")" = 1 ] && [ "$out" = tcg ]; echo $?)" "rc=$rc kvm boots: $(wc -l < "$tmp/kvm-boots" 2>/dev/null)" "$out"
rm -f "$top/build/vm/kvm-$(cat /proc/sys/kernel/random/boot_id)-$(printf %s "$("$tmp/qemu-kvm-no-linux" --version)" | cksum | cut -d' ' -f1)"
out=$("${vm[@]}" --kernel "$image" -- sh -c 'echo c > /proc/sysrq-trigger' 2>&1); rc=$?
t_check "a guest kernel crash fails the run" "$([ $rc != 0 ]; echo $?)" "rc=$rc"
# 15 s: killed at boot or in the sleep, the same hung run to the runner
out=$("${vm[@]}" --kernel "$image" --timeout 15 -- sleep 600 2>&1); rc=$?
t_check "a hung guest is killed at --timeout (exit 124)" "$([ $rc = 124 ]; echo $?)" "rc=$rc" "$out"
left=$(comm -13 <(echo "$runs_before") <(ls "$top/build/vm" 2>/dev/null | grep '^run\.' | sort))
t_check "no run directories left behind" "$([ -z "$left" ]; echo $?)" "left: $left"
left=$(vm_qemus)
t_check "no qemu left running" "$([ -z "$left" ]; echo $?)" "left: $left"
t_done
