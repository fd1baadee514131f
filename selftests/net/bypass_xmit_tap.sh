#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check which transmissions network taps (AF_PACKET ETH_P_ALL sockets) see
# on the sending device. net.core.bypass_xmit_tap is per netns; bit 0x1
# makes __dev_direct_xmit() (PACKET_QDISC_BYPASS, AF_XDP copy mode), bit
# 0x2 generic XDP_TX/redirect and bit 0x8 native XDP_REDIRECT into a device
# (ndo_xdp_xmit()) visible; pktgen start_xmit is visible with the device's
# "flag TAP" only. Every case sends N frames and wants exactly 0 or N of
# them (never 2N) at each tap. Bit 0x4 (AF_XDP zero-copy) needs a driver
# with zero-copy support, which veth is not.
#
# veth0 (198.18.0.1, $NS_TX) <-> veth1 (198.18.0.2, $NS_RX); dummy0 in
# $NS_TX for pktgen burst and clone_skb, which veth does not allow;
# veth2 <-> veth3 in $NS_RX, veth2 the target of native XDP_REDIRECT from
# veth1.

# tests_run calls the tests, lib.sh defines RET, retmsg and ksft_*
# shellcheck disable=SC1091,SC2154,SC2317,SC2329

ALL_TESTS="
	sysctl_per_netns
	sysctl_invalid
	packet_sendto
	qdisc_bypass_off
	qdisc_bypass_on
	qdisc_bypass_other_bit
	xsk_copy_off
	xsk_copy_on
	xsk_copy_cooked
	generic_xdp_tx_off
	generic_xdp_tx_on
	generic_xdp_tx_other_bit
	xdp_redirect_off
	xdp_redirect_on
	xdp_redirect_other_bit
	xdp_redirect_cooked
	pktgen_start_xmit
	pktgen_start_xmit_tap
	pktgen_queue_xmit
	pktgen_burst
	pktgen_clone_skb
	pktgen_generic_xdp
	holding_tap
	netns_isolation
	netns_exit
"

source lib.sh
source ../kselftest/ktap_helpers.sh

N=200
PORT=47474
TX_IP=198.18.0.1
RX_IP=198.18.0.2
SYSCTL=/proc/sys/net/core/bypass_xmit_tap
TAP_TIMEOUT_MS=20000

declare -A TAP_PID TAP_STOP CNT

# Report the calling test from RET and retmsg of lib.sh.
log_ktap()
{
	local current_test=${FUNCNAME[1]}

	[ -n "$retmsg" ] && ktap_print_msg "$current_test: $retmsg"
	if ((RET == ksft_skip)); then
		ktap_test_skip "$current_test"
	elif ((RET == ksft_pass)); then
		ktap_test_pass "$current_test"
	else
		ktap_test_fail "$current_test"
	fi
	EXIT_STATUS=$(ksft_exit_status_merge "$EXIT_STATUS" "$RET")
	RET=0
	retmsg=
}

# need hook|pktgen|tap|redirect: false, and the test skips, without the support
need()
{
	local msg

	case $1 in
	hook) [ "$HAVE_HOOK" = 1 ] && return 0
	      msg="no per-netns net.core.bypass_xmit_tap" ;;
	pktgen) [ "$HAVE_PKTGEN" = 1 ] && return 0
		msg="no pktgen (CONFIG_NET_PKTGEN)" ;;
	tap) [ "$HAVE_PG_TAP" = 1 ] && return 0
	     msg="no pktgen flag TAP" ;;
	redirect) [ "$HAVE_REDIRECT" = 1 ] && return 0
		  msg="no bpftool or ethtool" ;;
	esac
	ret_set_ksft_status "$ksft_skip" "$msg"
	return 1
}

# hook NS VALUE: set net.core.bypass_xmit_tap in NS; prints the error
hook()
{
	{ echo "$2" | ip netns exec "$1" tee "$SYSCTL" > /dev/null; } 2>&1
}

hook_get()
{
	ip netns exec "$1" cat "$SYSCTL"
}

# hooks TX_VALUE RX_VALUE: set the values of $NS_TX and $NS_RX
hooks()
{
	[ "$HAVE_HOOK" = 1 ] || return 0
	hook "$NS_TX" "$1" > /dev/null && hook "$NS_RX" "$2" > /dev/null
	check_err $? "cannot set bypass_xmit_tap to $1 ($NS_TX), $2 ($NS_RX)"
}

# tap ID NS DEV in|out EXPECTED [tap_count options]: start a counting tap
tap()
{
	local id=$1 ns=$2 dev=$3 dir=$4 exp=$5

	shift 5
	rm -f "$TMPD/$id".*
	ip netns exec "$ns" ./tap_count -i "$dev" -p "$PORT" -d "$dir" \
		-n "$exp" -t "$TAP_TIMEOUT_MS" -r "$TMPD/$id.ready" "$@" \
		> "$TMPD/$id.out" 2> "$TMPD/$id.err" &
	TAP_PID[$id]=$!
	# a tap expecting frames stops by itself, after a settle time
	TAP_STOP[$id]=0
	[[ "$exp" = 0 || " $* " = *" -H "* ]] && TAP_STOP[$id]=1
}

# send CMD...: run the sender once all taps are ready, then collect the
# counts into CNT. The taps expecting none (or holding) are stopped once
# the others are done: the frames they wait for have passed them by then.
send()
{
	local id rc=0
	local msg=counted

	for id in "${!TAP_PID[@]}"; do
		busywait 5000 test -e "$TMPD/$id.ready" || rc=1
	done
	if ((rc)); then
		check_err 1 "a tap did not get ready"
	else
		"$@"
		rc=$?
	fi
	for id in "${!TAP_PID[@]}"; do
		((rc)) && kill -TERM "${TAP_PID[$id]}" 2> /dev/null
		[ "${TAP_STOP[$id]}" = 1 ] || wait "${TAP_PID[$id]}"
	done
	for id in "${!TAP_PID[@]}"; do
		[ "${TAP_STOP[$id]}" = 1 ] || continue
		kill -TERM "${TAP_PID[$id]}" 2> /dev/null
		wait "${TAP_PID[$id]}"
	done
	for id in $(printf '%s\n' "${!TAP_PID[@]}" | sort); do
		CNT[$id]=$(tail -n 1 "$TMPD/$id.out")
		if [ -s "$TMPD/$id.err" ]; then
			ktap_print_msg "$id: $(cat "$TMPD/$id.err")"
			CNT[$id]=error
		fi
		msg+=" $id ${CNT[$id]:=none}"
	done
	ktap_print_msg "$msg"
	TAP_PID=()
	TAP_STOP=()
	return "$rc"
}

# want ID N: the tap ID must have counted exactly N frames
want()
{
	[ "${CNT[$1]}" = "$2" ]
	check_err $? "$1 tap counted ${CNT[$1]}, want $2"
}

# bypass_tx MODE: send N frames from veth0, exits 4 without AF_XDP
bypass_tx()
{
	timeout 60 ip netns exec "$NS_TX" ./bypass_tx -i veth0 -m "$1" \
		-n "$N" -p "$PORT" -D "$RX_MAC"
}

# tx_case MODE TX_HOOK RX_HOOK WANT: N frames from veth0 with bypass_tx
# MODE, WANT of them at its tap, all at veth1
tx_case()
{
	local rc

	hooks "$2" "$3"
	tap out "$NS_TX" veth0 out "$4"
	tap peer "$NS_RX" veth1 in "$N"
	send bypass_tx "$1"
	rc=$?
	if ((rc == ksft_skip)); then
		ret_set_ksft_status "$ksft_skip" "bypass_tx -m $1: no AF_XDP"
		return
	fi
	check_err "$rc" "bypass_tx -m $1 failed"
	want out "$4"
	want peer "$N"
	hooks 0 0
}

# xdp_tx_case TX_HOOK RX_HOOK WANT: veth1 sends the N frames of veth0 back
# with generic XDP_TX, WANT of them at its tap, all back at veth0
xdp_tx_case()
{
	ip -n "$NS_RX" link set dev veth1 xdpgeneric obj xdp_tx.bpf.o sec xdp
	check_err $? "cannot attach xdp_tx.bpf.o to veth1 in generic mode"
	hooks "$1" "$2"
	tap out "$NS_RX" veth1 out "$3"
	tap back "$NS_TX" veth0 in "$N"
	send bypass_tx packet
	check_err $? "bypass_tx -m packet failed"
	want out "$3"
	want back "$N"
	ip -n "$NS_RX" link set dev veth1 xdpgeneric off
	hooks 0 0
}

# xdp_redirect_case RX_HOOK WANT [tap_count options]: veth1's native XDP
# program redirects the N frames of veth0 into veth2, WANT of them at
# veth2's tap, all at veth3
xdp_redirect_case()
{
	local idx

	read -ra idx <<< "$(le32 "$(ip netns exec "$NS_RX" \
		cat /sys/class/net/veth2/ifindex)")"
	ip -n "$NS_RX" link set dev veth1 xdpdrv \
		obj xdp_redirect.bpf.o sec xdp &&
	ip netns exec "$NS_RX" bpftool map update name redirect_dev \
		key 0 0 0 0 value "${idx[@]}"
	check_err $? "cannot attach xdp_redirect.bpf.o to veth1 for veth2"
	hooks 0 "$1"
	tap out "$NS_RX" veth2 out "$2" "${@:3}"
	tap fwd "$NS_RX" veth3 in "$N"
	send bypass_tx packet
	check_err $? "bypass_tx -m packet failed"
	want out "$2"
	want fwd "$N"
	ip -n "$NS_RX" link set dev veth1 xdpdrv off
	hooks 0 0
}

# le32 N: N as the 4 bytes of a little-endian u32, for bpftool
le32()
{
	printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}

# pg DEV CMD...: write pktgen commands for DEV in $NS_TX
pg()
{
	local dev=$1 cmd

	shift
	for cmd; do
		echo "$cmd" | timeout 30 ip netns exec "$NS_TX" \
			tee "/proc/net/pktgen/$dev" > /dev/null 2>&1 || return 1
	done
}

# pg_setup DEV CMD...: N frames from DEV to veth1, then CMD...
pg_setup()
{
	local rc

	pg kpktgend_0 rem_device_all "add_device $1" &&
	pg "$1" "count $N" "delay 0" "pkt_size 60" "dst $RX_IP" \
		"dst_mac $RX_MAC" "udp_dst_min $PORT" "udp_dst_max $PORT" \
		"${@:2}"
	rc=$?
	check_err $rc "pktgen $1: ${*:2}: $(pg_show "$1" Result '.*')"
	return $rc
}

# pg_show DEV FIELD [REGEX]: the value of FIELD in /proc/net/pktgen/DEV
pg_show()
{
	ip netns exec "$NS_TX" sed -n "s/.*$2: *\(${3:-[^ ]*}\).*/\1/p" \
		"/proc/net/pktgen/$1"
}

pg_start()
{
	echo start | timeout 60 ip netns exec "$NS_TX" \
		tee /proc/net/pktgen/pgctrl > /dev/null
}

# pg_case DEV MODE WANT TAPPED [CMD...]: N frames from pktgen MODE on DEV,
# WANT of them at its tap (a holding one with HOLD=1), all at veth1; the
# "tapped:" line of DEV must say TAPPED (absent is 0, - for any)
pg_case()
{
	local dev=$1 mode=$2 want=$3 want_tapped=$4 sent tapped

	shift 4
	pg_setup "$dev" "xmit_mode $mode" "$@" || return
	hooks 3 3
	tap out "$NS_TX" "$dev" out "$want" ${HOLD:+-H}
	[ "$dev" = veth0 ] && tap peer "$NS_RX" veth1 in "$N"
	send pg_start
	check_err $? "pktgen start failed"
	want out "$want"
	[ "$dev" = veth0 ] && want peer "$N"
	sent=$(pg_show "$dev" pkts-sofar)
	[ "$sent" = "$N" ]
	check_err $? "pktgen sent ${sent:-none}, want $N"
	tapped=$(pg_show "$dev" tapped)
	[ "$want_tapped" = - ] || [ "${tapped:-0}" = "$want_tapped" ]
	check_err $? "pktgen tapped: ${tapped:-none}, want $want_tapped"
	hooks 0 0
}

sysctl_per_netns()
{
	local v init got

	need hook || { log_ktap; return; }
	init=$(cat "$SYSCTL" 2> /dev/null)
	[ "$(hook_get "$NS_TX") $(hook_get "$NS_RX")" = "0 0" ]
	check_err $? "default in a new netns is not 0"
	for v in 0 1 2 3 4 8 15; do
		hook "$NS_TX" "$v" > /dev/null &&
		hook "$NS_RX" $((15 - v)) > /dev/null
		check_err $? "cannot write $v or $((15 - v))"
		got="$(hook_get "$NS_TX") $(hook_get "$NS_RX")"
		[ "$got" = "$v $((15 - v))" ]
		check_err $? "wrote $v and $((15 - v)), read back $got"
	done
	[ "$(cat "$SYSCTL" 2> /dev/null)" = "$init" ]
	check_err $? "the init netns value changed from $init"
	hooks 0 0
	log_ktap
}

sysctl_invalid()
{
	local v err got

	need hook || { log_ktap; return; }
	hooks 1 0
	for v in 16 255 -1 abc 4294967296; do
		err=$(hook "$NS_TX" "$v")
		[[ "$err" = *"Invalid argument"* ]]
		check_err $? "write $v: ${err:-no error}, want EINVAL"
		got=$(hook_get "$NS_TX")
		[ "$got" = 1 ]
		check_err $? "write $v changed the value from 1 to $got"
	done
	hooks 0 0
	log_ktap
}

# sendto() goes through dev_queue_xmit(): tapped once, whatever the sysctl
packet_sendto() { tx_case packet 3 3 "$N"; log_ktap; }

qdisc_bypass_off() { need hook && tx_case packet-bypass 0 0 0; log_ktap; }
qdisc_bypass_on() { need hook && tx_case packet-bypass 1 0 "$N"; log_ktap; }
qdisc_bypass_other_bit()
{
	need hook && tx_case packet-bypass 2 0 0
	log_ktap
}

xsk_copy_off() { need hook && tx_case xsk-copy 0 0 0; log_ktap; }
xsk_copy_on() { need hook && tx_case xsk-copy 1 0 "$N"; log_ktap; }

# A cooked (SOCK_DGRAM) tap gets skb->protocol and the frame from the
# network header on: both must be right for AF_XDP copy-mode skbs.
xsk_copy_cooked()
{
	need hook && hooks 1 0 && {
		tap cooked "$NS_TX" veth0 out "$N" -c -S "$TX_IP" -D "$RX_IP"
		send bypass_tx xsk-copy
		check_err $? "bypass_tx -m xsk-copy failed"
		want cooked "$N"
		hooks 0 0
	}
	log_ktap
}

# The frames are reflected by veth1, its netns's value counts.
generic_xdp_tx_off() { need hook && xdp_tx_case 0 0 0; log_ktap; }
generic_xdp_tx_on() { need hook && xdp_tx_case 0 2 "$N"; log_ktap; }
generic_xdp_tx_other_bit() { need hook && xdp_tx_case 0 1 0; log_ktap; }

# The frames leave through veth2, its netns's value counts.
xdp_redirect_off()
{
	need hook && need redirect && xdp_redirect_case 0 0
	log_ktap
}

xdp_redirect_on()
{
	need hook && need redirect && xdp_redirect_case 8 "$N"
	log_ktap
}

xdp_redirect_other_bit()
{
	need hook && need redirect && xdp_redirect_case 7 0
	log_ktap
}

# The copy is an skb of its own: a cooked tap needs its protocol and
# network header.
xdp_redirect_cooked()
{
	need hook && need redirect &&
		xdp_redirect_case 8 "$N" -c -S "$TX_IP" -D "$RX_IP"
	log_ktap
}

# pktgen has no sysctl bit: start_xmit is tapped with flag TAP only
pktgen_start_xmit()
{
	need pktgen && pg_case veth0 start_xmit 0 0
	log_ktap
}

pktgen_start_xmit_tap()
{
	need tap && pg_case veth0 start_xmit "$N" "$N" "flag TAP"
	log_ktap
}

# through xmit_one(): always tapped, once, also with flag TAP
pktgen_queue_xmit()
{
	need pktgen && {
		pg_case veth0 queue_xmit "$N" -
		[ "$HAVE_PG_TAP" = 0 ] ||
		pg_case veth0 queue_xmit "$N" - "flag TAP"
	}
	log_ktap
}

pktgen_burst()
{
	need tap && pg_case dummy0 start_xmit "$N" "$N" "flag TAP" "burst 8"
	log_ktap
}

pktgen_clone_skb()
{
	need tap &&
	pg_case dummy0 start_xmit "$N" "$N" "flag TAP" "clone_skb 10"
	log_ktap
}

# pktgen's default (SHARED) settings into veth0, whose peer sends the
# frames back with generic XDP_TX: veth cannot take shared skbs, and
# generic XDP writes to the head of what it gets
pktgen_generic_xdp()
{
	need pktgen && {
		ip -n "$NS_RX" link set dev veth1 xdpgeneric \
			obj xdp_tx.bpf.o sec xdp
		check_err $? "cannot attach xdp_tx.bpf.o to veth1 (generic)"
		pg_setup veth0 "xmit_mode start_xmit" && {
			tap back "$NS_TX" veth0 in "$N"
			send pg_start
			check_err $? "pktgen start failed"
			want back "$N"
		}
		ip -n "$NS_RX" link set dev veth1 xdpgeneric off
	}
	log_ktap
}

# A tap that reads nothing while pktgen runs keeps the clones of its
# shared skb queued; short frames, as with padding drivers.
holding_tap()
{
	need tap && {
		HOLD=1 pg_case veth0 start_xmit "$N" "$N" "flag TAP" \
			"pkt_size 42"
		HOLD=1 pg_case veth0 queue_xmit "$N" - "flag TAP" "pkt_size 42"
	}
	log_ktap
}

# The value of the device's netns counts, not another netns's.
netns_isolation()
{
	need hook && {
		tx_case packet-bypass 0 3 0
		xdp_tx_case 3 0 0
	}
	log_ktap
}

# A netns that exits with the hook on does not disturb the others. (The
# static key's count it drops is not visible here: a leak only leaves the
# patched-out branch on, a double drop WARNs.)
netns_exit()
{
	need hook || { log_ktap; return; }
	setup_ns NS_X && hook "$NS_X" 3 > /dev/null
	check_err $? "cannot set bypass_xmit_tap in a third netns"
	cleanup_ns "$NS_X"
	tx_case packet-bypass 1 0 "$N"
	tx_case packet-bypass 0 0 0
	log_ktap
}

setup()
{
	TMPD=$(mktemp -d) || return 1
	defer rm -rf "$TMPD"
	[ -d /proc/net/pktgen ] || modprobe -q pktgen

	setup_ns NS_TX NS_RX || return 1
	defer cleanup_ns "$NS_TX" "$NS_RX"
	ip link add veth0 netns "$NS_TX" type veth \
		peer name veth1 netns "$NS_RX" &&
	ip -n "$NS_TX" addr add "$TX_IP/24" dev veth0 &&
	ip -n "$NS_RX" addr add "$RX_IP/24" dev veth1 &&
	ip -n "$NS_TX" link set veth0 up &&
	ip -n "$NS_RX" link set veth1 up &&
	ip -n "$NS_TX" link add dummy0 type dummy &&
	ip -n "$NS_TX" link set dummy0 up &&
	ip -n "$NS_RX" link add veth2 type veth peer name veth3 &&
	ip -n "$NS_RX" link set veth2 up &&
	ip -n "$NS_RX" link set veth3 up || return 1
	HAVE_REDIRECT=0
	if command -v bpftool > /dev/null && command -v ethtool > /dev/null
	then
		# veth3 takes ndo_xdp_xmit() frames only with its NAPI on (GRO)
		ip netns exec "$NS_RX" ethtool -K veth3 gro on > /dev/null ||
			return 1
		HAVE_REDIRECT=1
	fi
	RX_MAC=$(ip netns exec "$NS_RX" cat /sys/class/net/veth1/address)

	HAVE_HOOK=0
	ip netns exec "$NS_TX" test -w "$SYSCTL" && HAVE_HOOK=1
	HAVE_PKTGEN=0
	HAVE_PG_TAP=0
	if ip netns exec "$NS_TX" test -w /proc/net/pktgen/kpktgend_0; then
		HAVE_PKTGEN=1
		defer pg kpktgend_0 rem_device_all
		pg kpktgend_0 "add_device veth0" && pg veth0 "flag TAP" &&
		[[ " $(pg_show veth0 Flags '.*') " = *" TAP "* ]] &&
		HAVE_PG_TAP=1
	fi
}

cleanup()
{
	local pid

	for pid in "${TAP_PID[@]}"; do
		kill "$pid" 2> /dev/null
	done
	defer_scopes_cleanup
}

ktap_print_header
if [ "$(id -u)" -ne 0 ]; then
	ktap_skip_all "must be run as root"
	exit "$ksft_skip"
fi
for f in ./tap_count ./bypass_tx xdp_tx.bpf.o xdp_redirect.bpf.o; do
	if [ ! -e "$f" ]; then
		ktap_skip_all "$f not built"
		exit "$ksft_skip"
	fi
done

trap cleanup EXIT
setup || ktap_exit_fail_msg "setup failed"
ktap_set_plan "$(wc -w <<< "${TESTS:-$ALL_TESTS}")"
tests_run
ktap_finished
