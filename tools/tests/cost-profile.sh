#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/cost's per-function profile (COST_PROFILE=1) without a kernel: the
# tbcount plugin builds with the project's warnings, QEMU loads it and
# takes a snapshot when the vCPU enters the mark (here the reset vector
# of the firmware), and tools/cost-profile attributes the blocks of two
# made-up kernels to their functions, skips the boot's snapshot and a
# failed run, and prints the one function that differs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

so=$tmp/tbcount.so
rc=0
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -fanalyzer -fvisibility=hidden -shared -fPIC \
	-o "$so" "$top/tools/lib/tbcount.c" > "$tmp/cc" 2>&1 || rc=$?
t_check "tbcount.c builds with -Wall -Wextra -Werror -fanalyzer" $rc "$(head -5 "$tmp/cc")"

if ! qemu=$(command -v qemu-system-x86_64); then
	t_skip "QEMU loads tbcount.so and snapshots at the mark" "qemu-system-x86_64 not installed (make deps)"
elif [ $rc != 0 ]; then
	t_skip "QEMU loads tbcount.so and snapshots at the mark" "tbcount.so did not build"
else
	# the first block the vCPU runs is the reset vector's: 0xfffffff0,
	# one instruction (a jump), entered once; QEMU exits on SIGTERM and
	# the plugin writes its file at exit
	timeout -s TERM 3 "$qemu" -machine pc -display none -nodefaults -icount shift=0,sleep=off \
		-plugin "$so,out=$tmp/reset.tb,mark=0xfffffff0" > "$tmp/qemu.log" 2>&1 || true
	t_check "QEMU loads tbcount.so and snapshots at the mark" \
		"$(grep -qx 'snapshot 0' "$tmp/reset.tb" 2>/dev/null &&
		   grep -qx 'fffffff0 1 1' "$tmp/reset.tb"; echo $?)" \
		"$(head -3 "$tmp/reset.tb" 2>/dev/null)" "$(grep -v 'terminating on signal' "$tmp/qemu.log" | head -3)"
	bad=0
	"$qemu" -machine none -display none -plugin "$so,out=$tmp/x.tb" > "$tmp/bad.log" 2>&1 < /dev/null && bad=1
	t_check "tbcount.so without mark= is refused" \
		"$([ $bad = 0 ] && grep -q 'mark=ADDR are needed' "$tmp/bad.log"; echo $?)" "$(head -3 "$tmp/bad.log")"
fi

# Two kernels, a run of variant v (100 packets), one of w (10 packets)
# and a failed run of x; the blocks: func_a 4 instructions (at its first
# address), func_b 3 (at +4), the module's func_c 2 (at +0x10), a
# user-space block of 5. The patched kernel runs func_b's block 100 times
# more in v: +3.00 instructions/packet, func_b only; w is func_a's 100
# entries, 40.0 instructions/packet, in both.
work=$tmp/work
mkdir -p "$work"
for k in unpatched:105 patched:205; do
	tag=${k%%:*} b=${k#*:}
	printf '%s\n' 'ffffffff81000000 T func_a' 'ffffffff81000100 t func_b' \
		'ffffffff81000200 t func_c	[mod]' > "$work/runs-$tag-1.jsonl.kallsyms"
	printf '%s\n' 'v #1 start' 'v #1 end' 'w #1 start' 'w #1 end' 'x #1 start' 'x #1 end' \
		> "$work/runs-$tag-1.jsonl.marks"
	printf '%s\n' '{"variant":"v","rep":1,"status":"ok","packets":100}' \
		'{"variant":"w","rep":1,"status":"ok","packets":10}' \
		'{"variant":"x","rep":1,"status":"fail","reason":"x"}' > "$work/runs-$tag-1.jsonl"
	printf '%s\n' 'snapshot 0' 'ffffffff81000000 4 10' \
		'snapshot 1' 'ffffffff81000000 4 20' 'ffffffff81000104 3 5' \
		'snapshot 2' 'ffffffff81000000 4 220' 'ffffffff81000104 3 '"$b" \
		'ffffffff81000210 2 50' '555555554000 5 10' \
		'snapshot 3' 'ffffffff81000000 4 230' \
		'snapshot 4' 'ffffffff81000000 4 330' \
		'snapshot 5' 'ffffffff81000000 4 400' \
		'snapshot 6' 'ffffffff81000000 4 999' > "$work/profile-$tag-1.tb"
done
rc=0
"$top/tools/cost-profile" "$work" > "$tmp/out" 2>&1 || rc=$?
out=$(cat "$tmp/out")
t_check "cost-profile: totals per packet (12.5, 15.5) and the difference (+3.00)" \
	"$([ $rc = 0 ] && grep -q '^== v: instructions/packet, unpatched 12.5 (1 runs), patched 15.5 (1 runs)$' <<< "$out" &&
	   grep -q '^   patched - unpatched: +3.00$' <<< "$out"; echo $?)" "$out"
t_check "cost-profile: the difference is func_b's, 3.00 -> 6.00, and no other function's" \
	"$(grep -Eq '^   func_b +3\.00 +6\.00 +\+3\.00 +0\.00$' <<< "$out" &&
	   [ "$(grep -Ec '^   (func_|\[user)' <<< "$out")" = 1 ]; echo $?)" "$out"
t_check "cost-profile: each run from its own start snapshot (w: 40.0 in both)" \
	"$(grep -q '^== w: instructions/packet, unpatched 40.0 (1 runs), patched 40.0 (1 runs)$' <<< "$out"; echo $?)" "$out"
t_check "cost-profile: the exact differences list func_b's +3.00 in v and nothing else" \
	"$(sed -n '/^== exact/,/^$/p' <<< "$out" | grep -Eq '^   patched - unpatched  v +func_b +\+3\.00$' &&
	   [ "$(sed -n '/^== exact/,/^$/p' <<< "$out" | grep -c '^   ')" = 1 ]; echo $?)" "$out"
t_check "cost-profile: a failed run has no profile" "$(! grep -q '^== x' <<< "$out"; echo $?)" "$out"
rc=0
"$top/tools/cost-profile" --min 0 "$work" > "$tmp/out0" 2>&1 || rc=$?
t_check "cost-profile --min 0: blocks attributed (func_a 8.00, func_c [mod] 1.00, user space 0.50)" \
	"$([ $rc = 0 ] && grep -Eq '^   func_a +8\.00 +8\.00 ' "$tmp/out0" &&
	   grep -Eq '^   func_c \[mod\] +1\.00 +1\.00 ' "$tmp/out0" &&
	   grep -Eq '^   \[user space\] +0\.50 +0\.50 ' "$tmp/out0"; echo $?)" "$(cat "$tmp/out0")"
t_done
