#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check which transmit paths deliver packets to network taps (AF_PACKET
# ETH_P_ALL sockets) on the sending device, with net.core.bypass_xmit_tap
# off and on:
#
#   path                             hook off   hook on
#   pktgen start_xmit                   0          N
#   pktgen start_xmit, flag TAP         N          -
#   pktgen queue_xmit                   N          N (never 2N)
#   pktgen netif_receive                0          0 (seen as incoming)
#   AF_PACKET sendto()                  N          N
#   AF_PACKET PACKET_QDISC_BYPASS       0          N
#   AF_XDP copy mode                    0          N
#
# Topology: veth0 (198.18.0.1/24) in $NS_TX <-> veth1 (198.18.0.2/24) in
# $NS_RX. Every case also checks that all N frames arrived at veth1.
#
# Environment:
#   KSFT_LIB=DIR          tools/testing/selftests of a kernel tree, to run
#                         this directory from outside the kernel tree;
#                         default: the selftests tree this file sits in.
#   TXTAP_REQUIRE_HOOK=1  fail instead of skip when the kernel lacks the
#                         bypass tap support (sysctl, pktgen flag TAP).
#   NPKTS=N               frames per case (default 200).

dir=$(dirname "$(readlink -e "${BASH_SOURCE[0]}")")
ksft_lib=${KSFT_LIB:-$dir/../..}

if [ ! -e "$ksft_lib/net/lib.sh" ] ||
   [ ! -e "$ksft_lib/kselftest/ktap_helpers.sh" ]; then
	echo "1..0 # SKIP net/lib.sh not found in $ksft_lib, set KSFT_LIB"
	exit 4
fi
source "$ksft_lib/net/lib.sh"
source "$ksft_lib/kselftest/ktap_helpers.sh"

NPKTS=${NPKTS:-200}
PORT=47474
TX_IP=198.18.0.1
RX_IP=198.18.0.2
SYSCTL=/proc/sys/net/core/bypass_xmit_tap
REQUIRE_HOOK=${TXTAP_REQUIRE_HOOK:-0}

TAP_COUNT=$dir/tap_count
BYPASS_TX=$dir/bypass_tx

# bounds for every wait, in ms and s
READY_TIMEOUT_MS=5000
COUNT_TIMEOUT_MS=20000
SEND_TIMEOUT=30

NO_HOOK_MSG="net.core.bypass_xmit_tap missing (kernel without the series)"
NO_FLAG_MSG="pktgen flag TAP missing (kernel without the series)"
NO_PKTGEN_MSG="pktgen not available, CONFIG_NET_PKTGEN not enabled"

HAVE_SYSCTL=0
HAVE_PKTGEN=0
HAVE_PG_TAP=0
PG_DEV_ADDED=0

declare -A CNT_PID CNT_EXP CNT_VAL

TESTS=(
	sysctl_accepts_0_to_7
	"sysctl_rejects 8"
	"sysctl_rejects -1"
	"sysctl_rejects abc"
	"sysctl_rejects 4294967296"
	"traffic packet_sendto_hook_off 0 N N - tx packet"
	"traffic packet_sendto_hook_on 7 N N - tx packet"
	"traffic packet_qdisc_bypass_hook_off 0 0 N - tx packet-bypass"
	"traffic packet_qdisc_bypass_hook_on 2 N N - tx packet-bypass"
	"traffic packet_qdisc_bypass_other_bits 5 0 N - tx packet-bypass"
	"traffic xsk_copy_hook_off 0 0 N - tx xsk-copy"
	"traffic xsk_copy_hook_on 2 N N - tx xsk-copy"
	"traffic pktgen_start_xmit_hook_off 0 0 N - pg start_xmit"
	"traffic pktgen_start_xmit_hook_on 1 N N - pg start_xmit"
	"traffic pktgen_start_xmit_flag_tap 0 N N - pg start_xmit TAP"
	pktgen_flag_tap_listed
	pktgen_flag_tap_cleared
	pktgen_unknown_flag_rejected
	"traffic pktgen_queue_xmit_hook_off 0 N N - pg queue_xmit"
	"traffic pktgen_queue_xmit_hook_on 7 N N - pg queue_xmit"
	"traffic pktgen_netif_receive_hook_off 0 0 0 N pg netif_receive"
	"traffic pktgen_netif_receive_hook_on 7 0 0 N pg netif_receive"
)

# Skip a case whose kernel support is missing, or fail it if the caller
# insists on the support being there.
skip_or_fail()
{
	local desc=$1

	if [ "$REQUIRE_HOOK" = 1 ]; then
		ktap_test_fail "$desc; TXTAP_REQUIRE_HOOK=1"
	else
		ktap_test_skip "$desc"
	fi
}

# Set the hook sysctl in this netns and, if it is per netns, in $NS_TX.
set_hook()
{
	local val=$1

	[ "$HAVE_SYSCTL" = 1 ] || return 0
	echo "$val" > "$SYSCTL" || return 1
	if ip netns exec "$NS_TX" test -w "$SYSCTL"; then
		ip netns exec "$NS_TX" sh -c 'echo "$1" > "$2"' - "$val" \
			"$SYSCTL" || return 1
	fi
}

############################################################################
# pktgen

pg_write()
{
	local file=$1
	local cmd=$2

	timeout "$SEND_TIMEOUT" ip netns exec "$NS_TX" \
		sh -c 'echo "$1" > "/proc/net/pktgen/$2"' - "$cmd" "$file" \
		2> /dev/null
}

pg_read()
{
	ip netns exec "$NS_TX" cat /proc/net/pktgen/veth0
}

pg_result()
{
	pg_read | sed -n 's/^Result: //p'
}

pg_sofar()
{
	pg_read | sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p'
}

pg_tapped()
{
	pg_read | sed -n 's/^ *tapped: \([0-9]*\).*/\1/p'
}

pg_flag_listed()
{
	pg_read | grep '^ *Flags:' | grep -qw "$1"
}

pg_add_device()
{
	[ "$PG_DEV_ADDED" = 1 ] && return 0

	pg_write kpktgend_0 "add_device veth0" || return 1
	defer pg_write kpktgend_0 rem_device_all
	PG_DEV_ADDED=1
}

# Configure veth0 for one run: pg_setup XMIT_MODE [TAP]
pg_setup()
{
	local mode=$1
	local tap=${2:-}
	local cmd

	pg_add_device || return 1
	# "clear" first: a dead pktgen thread must not leave a stale count
	for cmd in clear_counters "count $NPKTS" "pkt_size 60" "delay 0" \
		   "clone_skb 0" \
		   "dst $RX_IP" "dst_mac $RX_MAC" \
		   "udp_dst_min $PORT" "udp_dst_max $PORT" \
		   "xmit_mode $mode"; do
		pg_write veth0 "$cmd" || return 1
		pg_result | grep -q '^OK' || return 1
	done

	if [ "$HAVE_PG_TAP" = 1 ]; then
		if [ -n "$tap" ]; then
			pg_write veth0 "flag TAP" || return 1
		else
			pg_write veth0 "flag !TAP" || return 1
		fi
	fi
}

# Send $NPKTS frames with pktgen configured by pg_setup, sets SENT.
send_pg()
{
	SENT=0
	# "start" returns once all threads are done
	if ! timeout "$SEND_TIMEOUT" ip netns exec "$NS_TX" \
		sh -c 'echo start > /proc/net/pktgen/pgctrl'; then
		pg_write pgctrl stop
		SEND_ERR="pktgen start failed or timed out"
		return 1
	fi
	SENT=$(pg_sofar)
	[ -n "$SENT" ] || SENT=none
}

############################################################################
# AF_PACKET and AF_XDP

# Send $NPKTS frames with bypass_tx, sets SENT. Returns 4 for "skip".
send_tx()
{
	local mode=$1
	local rc=0

	SENT=0
	timeout "$SEND_TIMEOUT" ip netns exec "$NS_TX" "$BYPASS_TX" \
		-i veth0 -m "$mode" -n "$NPKTS" -p "$PORT" -D "$RX_MAC" \
		2> "$TMPD/tx.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		SEND_ERR="bypass_tx -m $mode: $(tail -n 1 "$TMPD/tx.err")"
		return "$rc"
	fi
	SENT=$NPKTS
}

############################################################################
# tap counters

# counter_start ID NS DEV DIR EXPECTED
counter_start()
{
	local id=$1
	local ns=$2
	local dev=$3
	local dir=$4
	local exp=$5

	rm -f "$TMPD/$id".*
	timeout $((COUNT_TIMEOUT_MS / 1000 + 5)) \
		ip netns exec "$ns" "$TAP_COUNT" -i "$dev" -p "$PORT" \
		-d "$dir" -n "$exp" -t "$COUNT_TIMEOUT_MS" \
		-r "$TMPD/$id.ready" > "$TMPD/$id.out" 2> "$TMPD/$id.err" &
	CNT_PID[$id]=$!
	CNT_EXP[$id]=$exp
}

counters_ready()
{
	local id

	for id in "${!CNT_PID[@]}"; do
		busywait "$READY_TIMEOUT_MS" test -e "$TMPD/$id.ready" ||
			return 1
	done
}

# Collect all counters into CNT_VAL. The ones expecting frames end by
# themselves (N frames plus a settle time, bounded by their timeout), the
# ones expecting none are stopped afterwards: by then all frames went
# through the transmit path.
counters_collect()
{
	local ret=0
	local id

	for id in "${!CNT_PID[@]}"; do
		[ "${CNT_EXP[$id]}" -gt 0 ] || continue
		wait "${CNT_PID[$id]}" || ret=1
	done
	for id in "${!CNT_PID[@]}"; do
		[ "${CNT_EXP[$id]}" -gt 0 ] && continue
		kill -TERM "${CNT_PID[$id]}" 2> /dev/null
		wait "${CNT_PID[$id]}" || ret=1
	done
	for id in "${!CNT_PID[@]}"; do
		CNT_VAL[$id]=$(tail -n 1 "$TMPD/$id.out")
		[ -n "${CNT_VAL[$id]}" ] || CNT_VAL[$id]=none
		if [ -s "$TMPD/$id.err" ]; then
			ktap_print_msg "$id: $(cat "$TMPD/$id.err")"
			ret=1
		fi
	done
	CNT_PID=()
	CNT_EXP=()
	return $ret
}

counters_abort()
{
	local id

	for id in "${!CNT_PID[@]}"; do
		kill -TERM "${CNT_PID[$id]}" 2> /dev/null
		wait "${CNT_PID[$id]}"
	done
	CNT_PID=()
	CNT_EXP=()
}

# Number of "protocol XXXX is buggy" complaints of dev_queue_xmit_nit()
# in the kernel log: a tap must get a frame with sane headers.
buggy_count()
{
	dmesg 2> /dev/null | grep -c 'protocol [0-9a-f]* is buggy'
}

############################################################################
# test cases

# traffic NAME HOOK OUT PEER IN tx|pg MODE [TAP]
#   HOOK: sysctl value, OUT/PEER/IN: expected frames (N, 0 or - for "do
#   not count") seen outgoing on veth0, incoming on veth1, incoming on
#   veth0.
traffic()
{
	local name=$1
	local hook=$2
	local out=${3/N/$NPKTS}
	local peer=${4/N/$NPKTS}
	local in=${5/N/$NPKTS}
	local how=$6
	local mode=$7
	local tap=${8:-}
	local missing=""
	local note=""
	local buggy
	local res
	local rc=0

	if [ "$how" = pg ] && [ "$HAVE_PKTGEN" != 1 ]; then
		ktap_test_skip "$name: $NO_PKTGEN_MSG"
		return
	fi
	if [ "$hook" != 0 ] && [ "$HAVE_SYSCTL" != 1 ]; then
		missing=$NO_HOOK_MSG
	fi
	if [ -n "$tap" ] && [ "$HAVE_PG_TAP" != 1 ]; then
		missing=$NO_FLAG_MSG
	fi
	# without TXTAP_REQUIRE_HOOK=1 missing support skips, with it the
	# case runs and fails
	if [ -n "$missing" ]; then
		if [ "$REQUIRE_HOOK" != 1 ]; then
			ktap_test_skip "$name: $missing"
			return
		fi
		note="; $missing, TXTAP_REQUIRE_HOOK=1"
	fi

	if ! set_hook "$hook"; then
		ktap_test_fail "$name: cannot set bypass_xmit_tap=$hook"
		return
	fi

	# configure pktgen before the counters start: it is slow under
	# emulation, and the counters' timeout starts with them
	if [ "$how" = pg ] && ! pg_setup "$mode" "$tap"; then
		ktap_test_fail "$name: pktgen setup failed: $(pg_result)"
		return
	fi

	buggy=$(buggy_count)
	counter_start out "$NS_TX" veth0 out "$out"
	counter_start peer "$NS_RX" veth1 in "$peer"
	[ "$in" != - ] && counter_start in "$NS_TX" veth0 in "$in"
	if ! counters_ready; then
		counters_abort
		ktap_test_fail "$name: tap_count did not get ready"
		return
	fi

	SEND_ERR=""
	if [ "$how" = pg ]; then
		send_pg || rc=$?
	else
		send_tx "$mode" || rc=$?
	fi
	if [ "$rc" -ne 0 ]; then
		counters_abort
		if [ "$rc" -eq "$ksft_skip" ]; then
			ktap_test_skip "$name: $SEND_ERR"
		else
			ktap_test_fail "$name: $SEND_ERR"
		fi
		return
	fi

	counters_collect || rc=1
	res="sent $SENT tapped ${CNT_VAL[out]}"
	[ "$in" != - ] && res+=" incoming ${CNT_VAL[in]}"
	res+=" received ${CNT_VAL[peer]}"

	[ "$SENT" = "$NPKTS" ] || rc=1
	[ "${CNT_VAL[out]}" = "$out" ] || rc=1
	[ "${CNT_VAL[peer]}" = "$peer" ] || rc=1
	[ "$in" = - ] || [ "${CNT_VAL[in]}" = "$in" ] || rc=1
	if [ "$rc" -ne 0 ]; then
		res+=", want tapped $out"
		[ "$in" != - ] && res+=" incoming $in"
		res+=" received $peer"
	fi
	if [ "$(buggy_count)" -gt "$buggy" ]; then
		note+="; kernel log: protocol is buggy, dev veth0"
		rc=1
	fi
	if [ "$rc" -eq 0 ] && [ -z "$note" ]; then
		ktap_test_pass "$name: $res"
	else
		ktap_test_fail "$name: $res$note"
	fi
}

sysctl_accepts_0_to_7()
{
	local name=sysctl_accepts_0_to_7
	local v

	if [ "$HAVE_SYSCTL" != 1 ]; then
		skip_or_fail "$name: $NO_HOOK_MSG"
		return
	fi
	for v in 0 1 2 3 4 5 6 7; do
		echo "$v" > "$SYSCTL"
		if [ "$(cat "$SYSCTL")" != "$v" ]; then
			ktap_test_fail "$name: value $v not accepted"
			return
		fi
	done
	ktap_test_pass "$name"
}

sysctl_rejects()
{
	local bad=$1
	local name="sysctl_rejects_$bad"
	local err
	local val

	if [ "$HAVE_SYSCTL" != 1 ]; then
		skip_or_fail "$name: $NO_HOOK_MSG"
		return
	fi
	echo 5 > "$SYSCTL"
	err=$( { echo "$bad" > "$SYSCTL"; } 2>&1 )
	val=$(cat "$SYSCTL")
	if [[ "$err" != *"Invalid argument"* ]]; then
		ktap_test_fail "$name: no EINVAL on write: ${err:-success}"
	elif [ "$val" != 5 ]; then
		ktap_test_fail "$name: value changed from 5 to $val"
	else
		ktap_test_pass "$name: EINVAL, value kept"
	fi
}

pktgen_flag_tap_listed()
{
	local name=pktgen_flag_tap_listed
	local tapped

	if [ "$HAVE_PKTGEN" != 1 ]; then
		ktap_test_skip "$name: $NO_PKTGEN_MSG"
		return
	fi
	if [ "$HAVE_PG_TAP" != 1 ]; then
		skip_or_fail "$name: $NO_FLAG_MSG"
		return
	fi
	# state left by pktgen_start_xmit_flag_tap
	tapped=$(pg_tapped)
	if ! pg_flag_listed TAP; then
		ktap_test_fail "$name: TAP not in Flags: line"
	elif [ "$tapped" != "$NPKTS" ]; then
		ktap_test_fail "$name: tapped: ${tapped:-none}, want $NPKTS"
	else
		ktap_test_pass "$name: Flags: TAP, tapped: $tapped"
	fi
}

pktgen_flag_tap_cleared()
{
	local name=pktgen_flag_tap_cleared

	if [ "$HAVE_PKTGEN" != 1 ]; then
		ktap_test_skip "$name: $NO_PKTGEN_MSG"
		return
	fi
	if [ "$HAVE_PG_TAP" != 1 ]; then
		skip_or_fail "$name: $NO_FLAG_MSG"
		return
	fi
	if ! pg_write veth0 "flag !TAP" || pg_flag_listed TAP; then
		ktap_test_fail "$name: TAP still in Flags: line"
		return
	fi
	# a run without the flag and with the hook off is not tapped
	traffic "$name" 0 0 N - pg start_xmit
}

pktgen_unknown_flag_rejected()
{
	local name=pktgen_unknown_flag_rejected
	local flag=TXTAP_NO_SUCH_FLAG

	if [ "$HAVE_PKTGEN" != 1 ]; then
		ktap_test_skip "$name: $NO_PKTGEN_MSG"
		return
	fi
	if ! pg_add_device; then
		ktap_test_fail "$name: cannot add veth0 to pktgen"
		return
	fi
	if ! pg_write veth0 "flag $flag"; then
		ktap_test_pass "$name: write failed"
	elif pg_result | grep -q "Flag -:$flag:- unknown"; then
		ktap_test_pass "$name: Result: unknown flag"
	elif pg_flag_listed "$flag"; then
		ktap_test_fail "$name: $flag accepted and listed"
	else
		ktap_test_fail "$name: Result: $(pg_result | head -n 1)"
	fi
}

############################################################################
# setup

setup()
{
	local old

	if [ -e "$SYSCTL" ]; then
		HAVE_SYSCTL=1
		old=$(cat "$SYSCTL")
		defer sh -c 'echo "$1" > "$2"' - "$old" "$SYSCTL"
	fi

	[ -d /proc/net/pktgen ] || modprobe -q pktgen 2> /dev/null

	TMPD=$(mktemp -d) || return 1
	defer rm -rf "$TMPD"

	setup_ns NS_TX NS_RX || return 1
	defer cleanup_ns "$NS_TX" "$NS_RX"

	ip link add veth0 netns "$NS_TX" type veth \
		peer name veth1 netns "$NS_RX" || return 1
	ip -n "$NS_TX" addr add "$TX_IP/24" dev veth0 || return 1
	ip -n "$NS_RX" addr add "$RX_IP/24" dev veth1 || return 1
	ip -n "$NS_TX" link set veth0 up || return 1
	ip -n "$NS_RX" link set veth1 up || return 1
	RX_MAC=$(ip netns exec "$NS_RX" cat /sys/class/net/veth1/address)
	[ -n "$RX_MAC" ] || return 1

	# pktgen is per netns: veth0 is driven from $NS_TX
	if ip netns exec "$NS_TX" test -w /proc/net/pktgen/kpktgend_0; then
		HAVE_PKTGEN=1
		pg_add_device || return 1
		pg_write veth0 "flag TAP"
		if pg_result | grep -q '^OK' && pg_flag_listed TAP; then
			HAVE_PG_TAP=1
			pg_write veth0 "flag !TAP"
		fi
	fi
}

ktap_print_header

if [ "$(id -u)" -ne 0 ]; then
	ktap_skip_all "must be run as root"
	exit "$KSFT_SKIP"
fi
for prog in ip timeout "$TAP_COUNT" "$BYPASS_TX"; do
	if ! command -v "$prog" > /dev/null; then
		ktap_skip_all "$prog not found (run make first)"
		exit "$KSFT_SKIP"
	fi
done

trap defer_scopes_cleanup EXIT

ktap_set_plan "${#TESTS[@]}"

setup || ktap_exit_fail_msg "setup failed"
ktap_print_msg "sysctl: $([ "$HAVE_SYSCTL" = 1 ] && echo yes || echo no)" \
	"pktgen: $([ "$HAVE_PKTGEN" = 1 ] && echo yes || echo no)" \
	"flag TAP: $([ "$HAVE_PG_TAP" = 1 ] && echo yes || echo no)"

for t in "${TESTS[@]}"; do
	# word splitting of the case description is intended
	# shellcheck disable=SC2086
	$t
done

ktap_finished
