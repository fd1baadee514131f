#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test for txgen: two network namespaces joined by a veth pair; txgen
# sends in one, txrecv (the AF_PACKET receiver) counts at the peer.
# Needs root, veth and AF_XDP; exits 4 (skip) without them.
# Output: "ok N - name" / "not ok N - name" lines (tools/lib/tap.sh) and a final
# "N passed, N failed, N skipped" line. Exit 1 if anything failed.

set -uo pipefail	# no -e: each check runs a command meant to fail and reads its status

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../../tools/lib/common.sh"
. "$HERE/../../tools/lib/wait.sh"
. "$HERE/../../tools/lib/netns.sh"
. "$HERE/../../tools/lib/tap.sh"
TXGEN=${TXGEN:-$HERE/../txgen}
TXRECV=${TXRECV:-$HERE/../txrecv}
PKTSEND=${PKTSEND:-$HERE/pktsend}
N=10000
T=20	# per-command timeout, seconds

skip_all() {
	echo "SKIP: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit "$KSFT_SKIP"
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
[ -x "$TXGEN" ] || { echo "missing $TXGEN (run make)"; exit 1; }
[ -x "$TXRECV" ] || { echo "missing $TXRECV (run make)"; exit 1; }
[ -x "$PKTSEND" ] || { echo "missing $PKTSEND (run make)"; exit 1; }

to() { timeout 10 "$@"; }	# every setup command is bounded too

SUF=$(printf '%04x%04x' $RANDOM $RANDOM)
NSA=txga-$SUF
NSB=txgb-$SUF
VA=txa$SUF
VB=txb$SUF
WORK=$(mktemp -d)

RXPID=
cleanup() {
	[ -n "$RXPID" ] && kill "$RXPID" 2>/dev/null
	[ -n "${CAPPID:-}" ] && kill "$CAPPID" 2>/dev/null
	timeout 10 ip netns del "$NSA" 2>/dev/null
	timeout 10 ip netns del "$NSB" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

to ip netns add "$NSA" 2>/dev/null || skip_all "cannot create network namespaces"
to ip netns add "$NSB" || skip_all "cannot create network namespaces"
veth_pair --quiet --queues 2 "$NSA" "$VA" 198.18.0.1/24 "$NSB" "$VB" "" 2>/dev/null ||
	skip_all "cannot create a veth pair"
# The default frame's next hop: 198.18.0.2 is the peer, in the sender's
# neighbour table; 10.99.0.0/16 is routed through it.
MACB=$(cat /sys/class/net/"$VB"/address 2>/dev/null ||
       ip netns exec "$NSB" cat /sys/class/net/"$VB"/address)
to ip -n "$NSA" neigh add 198.18.0.2 lladdr "$MACB" dev "$VA" nud permanent
to ip -n "$NSA" route add 10.99.0.0/16 via 198.18.0.2 dev "$VA"
# A second pair left down, for the "interface down" case.
to ip -n "$NSA" link add "d$VA" type veth peer name "e$VA"

probe=$(timeout $T ip netns exec "$NSA" "$TXGEN" --dev "$VA" --mode copy --count 1 2>&1)
case "$probe" in
*"AF_XDP socket"*) skip_all "AF_XDP not available: $probe" ;;
esac


txa() { timeout $T ip netns exec "$NSA" "$TXGEN" --dev "$VA" "$@"; }

# Extract a numeric or string field from a one-line JSON object.
jget() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }

# Start txrecv at the peer and wait (bounded) until it is listening.
# rx_start COUNT [txrecv options]; COUNT "-" for none.
rx_start() {
	local count=$1; shift
	rm -f "$WORK/ready" "$WORK/rx.json"
	[ "$count" = - ] || set -- --count "$count" "$@"
	timeout $((T + 5)) ip netns exec "$NSB" "$TXRECV" --dev "$VB" \
		--duration "$T" --json --ready-file "$WORK/ready" "$@" \
		>"$WORK/rx.json" 2>"$WORK/rx.err" &
	RXPID=$!
	slowwait 5 rx_settled
	[ -f "$WORK/ready" ]
}
rx_settled() { [ -f "$WORK/ready" ] || pid_gone "$RXPID"; }
rx_wait() { wait "$RXPID"; RXRC=$?; RX=$(cat "$WORK/rx.json"); }

nothing_attached() {
	local link socks
	link=$(to ip -n "$NSA" link show dev "$VA")
	socks=$(to ip netns exec "$NSA" ss -H --xdp 2>/dev/null | wc -l)
	! grep -q "xdp" <<<"$link" && [ "$socks" -eq 0 ]
}

# 1. Copy mode: exactly N frames arrive at the peer, in order.
if rx_start $N; then
	TX=$(txa --mode copy --count $N --json 2>"$WORK/tx.err"); TXRC=$?
	grep 'warning' "$WORK/tx.err" >"$WORK/tx.err.warn"
	rx_wait
	if [ $TXRC -eq 0 ] && [ $RXRC -eq 0 ] &&
	   [ "$(jget "$RX" received)" = $N ] && [ "$(jget "$RX" lost)" = 0 ] &&
	   [ "$(jget "$RX" duplicates)" = 0 ] && [ "$(jget "$RX" restarts)" = 0 ] &&
	   [ "$(jget "$RX" reordered)" = 0 ] && [ "$(jget "$RX" last_seq)" = $((N - 1)) ] &&
	   [ "$(jget "$RX" first_seq)" = 0 ] && [ "$(jget "$RX" timed)" = $N ] &&
	   [ "$(jget "$RX" latency_negative)" = 0 ] &&
	   awk -v a="$(jget "$RX" lat_min_us)" -v b="$(jget "$RX" lat_p99_us)" \
	       -v c="$(jget "$RX" lat_max_us)" 'BEGIN { exit !(a >= 0 && a <= b && b <= c) }' &&
	   [ "$(jget "$TX" sent)" = $N ] && [ "$(jget "$TX" completed)" = $N ] &&
	   [ "$(jget "$TX" mode)" = copy ] && [ "$(jget "$RX" host)" = $N ] &&
	   [ "$(jget "$TX" dst_mac)" = "$MACB" ] &&
	   [ "$(jget "$TX" dst_mac_from)" = neighbour ] && [ ! -s "$WORK/tx.err.warn" ]; then
		t_ok "copy mode: $N sent, $N received at the peer in order"
	else
		t_notok "copy mode: $N sent, $N received at the peer in order" \
			"txgen rc=$TXRC $TX" "txrecv rc=$RXRC $RX" "$(cat "$WORK/tx.err")"
	fi
else
	t_notok "copy mode: receiver did not become ready" "$(cat "$WORK/rx.err")"
fi

# 1b. The default destination MAC is the next hop's: through a gateway (its
# entry) it is unicast; without a neighbour entry it is broadcast, with one
# warning line that says so.
if rx_start 1000; then
	TX=$(txa --mode copy --count 1000 --dst-ip 10.99.1.1 --json 2>"$WORK/tx.err"); TXRC=$?
	rx_wait
	if [ $TXRC -eq 0 ] && [ "$(jget "$RX" host)" = 1000 ] &&
	   [ "$(jget "$TX" dst_mac)" = "$MACB" ] && [ "$(jget "$TX" next_hop)" = 198.18.0.2 ] &&
	   grep -q "^summary: frame 60 bytes IPv4/UDP, .* > $MACB (neighbour 198.18.0.2), 198.18.0.1:9 > 10.99.1.1:9, no VLAN" "$WORK/tx.err"; then
		t_ok "default dst MAC via a gateway: the gateway's neighbour entry, 1000 unicast at the peer"
	else
		t_notok "default dst MAC via a gateway: the gateway's neighbour entry" \
			"txgen rc=$TXRC $TX" "rx $RX" "$(cat "$WORK/tx.err")"
	fi
else
	t_notok "default dst MAC via a gateway: receiver did not become ready"
fi
if rx_start 1000; then
	TX=$(txa --mode copy --count 1000 --dst-ip 198.18.0.77 --json 2>"$WORK/tx.err"); TXRC=$?
	rx_wait
	warn=$(grep -c '^txgen: warning: ' "$WORK/tx.err")
	if [ $TXRC -eq 0 ] && [ "$(jget "$RX" broadcast)" = 1000 ] && [ "$warn" = 1 ] &&
	   grep -q '^txgen: warning: no next-hop MAC for 198.18.0.77 on .*ff:ff:ff:ff:ff:ff.*--dst-mac' "$WORK/tx.err" &&
	   [ "$(jget "$TX" dst_mac)" = ff:ff:ff:ff:ff:ff ] && [ "$(jget "$TX" dst_mac_from)" = broadcast ]; then
		t_ok "no neighbour entry: broadcast, one warning naming --dst-mac, 1000 broadcast at the peer"
	else
		t_notok "no neighbour entry: broadcast with one warning" \
			"txgen rc=$TXRC $TX" "rx $RX" "$(cat "$WORK/tx.err")"
	fi
else
	t_notok "no neighbour entry: receiver did not become ready"
fi

# 2. Zero-copy on veth: refused, one error line, non-zero exit.
out=$(txa --mode zc --count 10 2>&1 >/dev/null); rc=$?
if [ $rc -ne 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
   grep -q '^txgen: error: zero-copy refused' <<<"$out"; then
	t_ok "zc mode on veth fails with the reason (rc=$rc)"
else
	t_notok "zc mode on veth fails with the reason" "rc=$rc" "$out"
fi

# 3. Auto mode falls back to copy and says why.
TX=$(txa --mode auto --count 1000 --json 2>"$WORK/tx.err"); rc=$?
if [ $rc -eq 0 ] && [ "$(jget "$TX" mode)" = copy ] &&
   grep -q '"mode_reason":"zero-copy refused by driver: ' <<<"$TX" &&
   grep -q 'copy mode (zero-copy refused by driver' "$WORK/tx.err"; then
	t_ok "auto mode falls back to copy with the reason"
else
	t_notok "auto mode falls back to copy with the reason" "rc=$rc $TX" "$(cat "$WORK/tx.err")"
fi

# 4. IPv6 with a VLAN tag and ranges arrives intact.
if rx_start 2000; then
	TX=$(txa --mode copy --count 2000 --ipv6 --vlan 5 --size 128 \
		--src-port 1000-1999 --dst-ip 2001:2::10-2001:2::1f --json 2>"$WORK/tx.err"); TXRC=$?
	rx_wait
	if [ $TXRC -eq 0 ] && [ "$(jget "$RX" received)" = 2000 ] && [ "$(jget "$RX" lost)" = 0 ]; then
		t_ok "ipv6 + vlan + ranges: 2000 received in order"
	else
		t_notok "ipv6 + vlan + ranges: 2000 received in order" "txgen rc=$TXRC $TX" "rx $RX"
	fi
else
	t_notok "ipv6 + vlan: receiver did not become ready"
fi

# streams_are JSON "ID:RECEIVED:LOST ...": txrecv's per-stream entries, in
# the order seen, with no duplicates, reordering or restarts in any.
streams_are() {
	[ "$(jq -r '[.streams[] | select(.duplicates == 0 and .reordered == 0 and
		.restarts == 0) | "\(.stream):\(.received):\(.lost)"] | sort | join(" ")' \
		<<<"$1" 2>/dev/null)" = "$2" ]
}

# 5. Two queues, one socket and thread each, with and without shared UMEM:
# each queue is a stream of its own (its number in the header), numbered
# from 0, so that txrecv accounts each exactly.
for shared in "" "--shared-umem"; do
	name="--queues 2 $shared: $N received, 2 streams of $((N / 2)), lost 0, duplicates 0"
	if rx_start $N; then
		TX=$(txa --mode copy --queues 2 $shared --count $N --json 2>"$WORK/tx.err"); TXRC=$?
		rx_wait
		if [ $TXRC -eq 0 ] && [ "$(jget "$RX" received)" = $N ] &&
		   [ "$(jget "$TX" completed)" = $N ] && grep -q '"queues":\[0,1\]' <<<"$TX" &&
		   [ "$(jget "$RX" lost)" = 0 ] && [ "$(jget "$RX" duplicates)" = 0 ] &&
		   [ "$(jget "$RX" reordered)" = 0 ] && [ "$(jget "$RX" restarts)" = 0 ] &&
		   streams_are "$RX" "0:$((N / 2)):0 1:$((N / 2)):0" &&
		   ! grep -q warning "$WORK/rx.err"; then
			t_ok "$name"
		else
			t_notok "$name" "txgen rc=$TXRC $TX" "rx $RX" "$(cat "$WORK/tx.err" "$WORK/rx.err")"
		fi
	else
		t_notok "$name: receiver did not become ready"
	fi
done

# 5a. A planted loss: with a destination port per frame (--dst-port range,
# sequential in each queue), an XDP filter on the peer drops port 3000, the
# 2001st frame of each queue, before txrecv's tap sees it: each stream has
# lost exactly 1.
name="--queues 2, port 3000 dropped at the peer: each stream lost 1"
if ! command -v xdp-filter >/dev/null; then
	t_skip "$name" "no xdp-filter (xdp-tools)"
# bpffs for xdp-filter's pins, in this command's mount namespace only: the
# program stays attached after it.
elif ! out=$(to ip netns exec "$NSB" sh -c "mount -t bpf bpf /sys/fs/bpf &&
	     xdp-filter load -m native -f udp $VB && xdp-filter port -m dst -p udp 3000" 2>&1); then
	t_skip "$name" "xdp-filter cannot load on veth: $(head -1 <<<"$out")"
else
	if rx_start $((N - 2)); then
		TX=$(txa --mode copy --queues 2 --dst-port 1000-$((1000 + N / 2 - 1)) --count $N \
			--json 2>"$WORK/tx.err"); TXRC=$?
		rx_wait
		drops=$(to ip netns exec "$NSB" ethtool -S "$VB" |
			awk '/xdp_drops:/ { n += $2 } END { print n + 0 }')
		if [ $TXRC -eq 0 ] && [ "$drops" = 2 ] &&
		   [ "$(jget "$RX" received)" = $((N - 2)) ] && [ "$(jget "$RX" lost)" = 2 ] &&
		   streams_are "$RX" "0:$((N / 2 - 1)):1 1:$((N / 2 - 1)):1"; then
			t_ok "$name"
		else
			t_notok "$name" "txgen rc=$TXRC, XDP drops $drops" "rx $RX" "$(cat "$WORK/rx.err")"
		fi
	else
		t_notok "$name: receiver did not become ready"
	fi
	to ip -n "$NSB" link set dev "$VB" xdp off
fi

# 5b. Kick after every batch, busy-poll socket options, small batches.
name="--no-need-wakeup --busy-poll --batch 16 --random: $N received"
if rx_start $N; then
	TX=$(txa --mode copy --no-need-wakeup --busy-poll --batch 16 --random \
		--dst-port 1-50000 --count $N --json 2>"$WORK/tx.err"); TXRC=$?
	rx_wait
	if [ $TXRC -eq 0 ] && [ "$(jget "$RX" received)" = $N ] &&
	   [ "$(jget "$RX" lost)" = 0 ] && [ "$(jget "$TX" completed)" = $N ]; then
		t_ok "$name"
	else
		t_notok "$name" "txgen rc=$TXRC $TX" "rx $RX" "$(cat "$WORK/tx.err")"
	fi
else
	t_notok "$name: receiver did not become ready"
fi

# 5c. The receiver's accounting on crafted sequences (tests/pktsend --seq:
# one send time for the whole list, as a reordered stream has): exact loss,
# duplicates, reordering; 2^32 - 1 -> 0 is one step; a sender that starts
# again later is a restart, not duplicates.
# rx_case NAME COUNT "KEY=VALUE..." [STREAM:]SEQLIST...: one pktsend per list,
# with --stream STREAM when given.
rx_case() {
	local name=$1 count=$2 want=$3 kv bad= rc list
	shift 3
	if ! rx_start "$count"; then
		t_notok "txrecv: $name: receiver did not become ready" "$(cat "$WORK/rx.err")"
		return
	fi
	for list in "$@"; do
		stream=0
		case $list in *:*) stream=${list%%:*}; list=${list#*:} ;; esac
		timeout $T ip netns exec "$NSA" "$PKTSEND" --dev "$VA" --dst-mac "$MACB" \
			--batch 16 --stream "$stream" --seq "$list" >/dev/null 2>>"$WORK/tx.err" ||
			bad+=" pktsend failed"
	done
	rx_wait
	for kv in $want; do
		[ "$(jget "$RX" "${kv%%=*}")" = "${kv#*=}" ] || bad+=" want $kv"
	done
	if [ $RXRC -eq 0 ] && [ -z "$bad" ]; then
		t_ok "txrecv: $name"
	else
		t_notok "txrecv: $name" "rc=$RXRC$bad" "$RX" "$(cat "$WORK/rx.err")"
	fi
}
: >"$WORK/tx.err"
rx_case "200 in order: lost 0, duplicates 0, reordered 0" 200 \
	"received=200 lost=0 duplicates=0 reordered=0 max_displacement=0 restarts=0 first_seq=0 last_seq=199 host=200 timed=200 latency_negative=0" \
	0-199
rx_case "gaps 50-51 filled late, 60-61 twice, 200-204 lost" 207 \
	"received=207 lost=5 duplicates=2 reordered=2 max_displacement=49 restarts=0 first_seq=0 last_seq=209 highest_seq=209" \
	0-49,52-99,50,51,60,61,100-199,205-209
rx_case "across 2^32: one late, one duplicate, one lost" 11 \
	"received=11 lost=1 duplicates=1 reordered=1 max_displacement=3 restarts=0 first_seq=4294967290 last_seq=1 highest_seq=4" \
	4294967290-4294967295,2-4,4294967295,1
rx_case "a sender restart: a new stream, no duplicates" 110 \
	"received=110 lost=0 duplicates=0 reordered=0 restarts=1 highest_seq=9" \
	0-99 0-9
if grep -q '^txrecv: warning: 1 sequence restarts: a sender that started again, or several senders' "$WORK/rx.err"; then
	t_ok "txrecv: a restart is reported with a warning"
else
	t_notok "txrecv: a restart is reported with a warning" "$(cat "$WORK/rx.err")"
fi
rx_case "streams 1 and 4095 both from 0: stream 4095 lost 50, stream 1 none" 350 \
	"received=350 lost=50 duplicates=0 reordered=0 restarts=0 untracked=0" \
	1:0-99 4095:0-49,100-199 1:100-199
if streams_are "$RX" "1:200:0 4095:150:50" &&
   grep -q '^summary: 2 streams: lost 50, duplicates 0, reordered 0 (max displacement 0), restarts 0$' "$WORK/rx.err" &&
   grep -q '^summary: stream 4095: 150 frames, seq 0\.\.199: lost 50,' "$WORK/rx.err"; then
	t_ok "txrecv: per-stream summary and JSON"
else
	t_notok "txrecv: per-stream summary and JSON" "$RX" "$(cat "$WORK/rx.err")"
fi

# 5d. Stops: SIGTERM ends the run with the report (exit 0 without --count);
# --duration with a --count not reached exits 1, complete false.
if rx_start -; then
	timeout $T ip netns exec "$NSA" "$PKTSEND" --dev "$VA" --dst-mac "$MACB" \
		--seq 0-299 >/dev/null 2>"$WORK/tx.err"
	kill -TERM "$RXPID"
	rx_wait
	if [ $RXRC -eq 0 ] && [ "$(jget "$RX" received)" = 300 ] &&
	   [ "$(jget "$RX" complete)" = true ] &&
	   grep -q '^summary: .*: 300 pktgen frames in ' "$WORK/rx.err" &&
	   grep -q '^summary: seq 0\.\.299: lost 0, duplicates 0, reordered 0 (max displacement 0), restarts 0$' "$WORK/rx.err"; then
		t_ok "txrecv: SIGTERM: the report of the 300 frames received, exit 0"
	else
		t_notok "txrecv: SIGTERM: the report of the 300 frames received" "rc=$RXRC $RX" "$(cat "$WORK/rx.err")"
	fi
else
	t_notok "txrecv: SIGTERM: receiver did not become ready" "$(cat "$WORK/rx.err")"
fi
if rx_start 1000 --duration 1; then
	timeout $T ip netns exec "$NSA" "$PKTSEND" --dev "$VA" --dst-mac "$MACB" \
		--seq 0-9 >/dev/null 2>"$WORK/tx.err"
	rx_wait
	if [ $RXRC -eq 1 ] && [ "$(jget "$RX" received)" = 10 ] &&
	   [ "$(jget "$RX" complete)" = false ]; then
		t_ok "txrecv: --duration before --count: exit 1, 10 received, complete false"
	else
		t_notok "txrecv: --duration before --count: exit 1" "rc=$RXRC $RX" "$(cat "$WORK/rx.err")"
	fi
else
	t_notok "txrecv: --duration: receiver did not become ready" "$(cat "$WORK/rx.err")"
fi

# 6. Rate limiting: 50k frames at 50 kpps take one second (+-2%). Timing on
# a shared machine can be disturbed by other load: one retry is allowed.
rate_case() {
	local name=$1 rate=$2 try secs rc TX
	for try in 1 2; do
		TX=$(txa --mode copy --rate "$rate" --count 50000 --json 2>/dev/null); rc=$?
		secs=$(jget "$TX" seconds)
		if [ $rc -eq 0 ] && awk -v s="$secs" 'BEGIN { exit !(s >= 0.98 && s <= 1.02) }'; then
			t_ok "$name: 50000 frames in ${secs}s (try $try)"
			return
		fi
		echo "# try $try: rc=$rc seconds=$secs"
	done
	t_notok "$name: 50000 frames in 1s +-2%" "rc=$rc $TX"
}
rate_case "--rate 50kpps" 50kpps
rate_case "--rate 24Mbit (60-byte frames = 50 kpps)" 24Mbit

# 7. pcap output: 1 in 10 of 1000 frames, readable by tcpdump.
rm -f "$WORK/out.pcap"
txa --mode copy --count 1000 --pcap "$WORK/out.pcap" --pcap-sample 10 2>"$WORK/pcap.err"; rc=$?
size=$(stat -c %s "$WORK/out.pcap" 2>/dev/null || echo 0)
if [ $rc -eq 0 ] && [ "$size" -eq $((24 + 100 * (16 + 60))) ]; then
	if command -v tcpdump >/dev/null; then
		cnt=$(timeout $T tcpdump -nr "$WORK/out.pcap" 2>/dev/null | grep -c 'UDP')
		if [ "$cnt" -eq 100 ]; then
			t_ok "--pcap --pcap-sample 10: 100 frames, tcpdump reads them"
		else
			t_notok "--pcap: tcpdump reads 100 UDP frames" "got $cnt"
		fi
	else
		t_ok "--pcap --pcap-sample 10: 100 frames (tcpdump not installed)"
	fi
else
	t_notok "--pcap --pcap-sample 10" "rc=$rc size=$size: $(tail -2 "$WORK/pcap.err")"
fi

# 8. SIGTERM stops cleanly with a summary; nothing stays attached.
out=$(timeout --preserve-status -s TERM 1 ip netns exec "$NSA" "$TXGEN" --dev "$VA" --mode copy \
	--rate 100kpps 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ] && grep -q '^summary:' <<<"$out" && nothing_attached; then
	t_ok "SIGTERM: clean stop, summary printed, nothing attached"
else
	t_notok "SIGTERM: clean stop, summary printed, nothing attached" "rc=$rc" "$out"
fi

# 8b. No carrier (the peer is down) and --link-wait 0 (send at once): the
# kernel drops every frame (NET_XMIT_DROP, sendto EBUSY); they are counted as
# dropped, never as sent.
to ip -n "$NSB" link set "$VB" down
TX=$(txa --mode copy --count 1000 --link-wait 0 --json 2>"$WORK/tx.err"); rc=$?
to ip -n "$NSB" link set "$VB" up
if [ $rc -eq 0 ] && [ "$(jget "$TX" dropped)" = 1000 ] && [ "$(jget "$TX" sent)" = 0 ] &&
   [ "$(jget "$TX" submitted)" = 1000 ] && [ "$(jget "$TX" completed)" = 0 ] &&
   grep -q '^txgen: warning: 1000 of 1000 frames dropped by the kernel' "$WORK/tx.err"; then
	t_ok "no carrier: 1000 counted as dropped, 0 as sent, one warning"
else
	t_notok "no carrier: 1000 counted as dropped, 0 as sent" "rc=$rc $TX" "$(cat "$WORK/tx.err")"
fi

# 8c. A program left by a killed run (libxdp's xsk_def_prog, no socket
# bound) is reported with how to remove it, and left alone; a foreign
# program is not reported and left alone too.
bpfobj() {
	local f
	for f in /usr/lib/*/bpf/"$1" /usr/lib/bpf/"$1" /usr/local/lib/bpf/"$1"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
xdp_id() { to ip -n "$NSA" -d link show dev "$VA" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
if ! command -v xdp-loader >/dev/null || ! XSKOBJ=$(bpfobj xsk_def_xdp_prog.o) ||
   ! FOREIGN=$(bpfobj xdpfilt_alw_all.o); then
	t_skip "left-over xsk_def_prog reported" "xdp-loader or libxdp's BPF objects not installed"
elif ! to ip netns exec "$NSA" xdp-loader load -m skb "$VA" "$XSKOBJ" >/dev/null 2>&1; then
	t_skip "left-over xsk_def_prog reported" "xdp-loader cannot attach xsk_def_prog here"
else
	id=$(xdp_id)
	TX=$(txa --mode copy --count 100 --json 2>"$WORK/tx.err"); rc=$?
	warn=$(grep -c '^txgen: warning: ' "$WORK/tx.err")
	if [ $rc -eq 0 ] && [ "$warn" = 1 ] && [ -n "$id" ] && [ "$(xdp_id)" = "$id" ] &&
	   grep -q "^txgen: warning: $VA has libxdp's AF_XDP program attached (xsk_def_prog, id $id, generic mode.*\(no AF_XDP socket is bound\|cannot list AF_XDP sockets\).*'xdp-loader unload $VA --all' or 'ip link set $VA xdpgeneric off'" "$WORK/tx.err"; then
		t_ok "left-over xsk_def_prog (id $id): one warning with how to remove it, left attached"
	else
		t_notok "left-over xsk_def_prog: one warning with how to remove it, left attached" \
			"rc=$rc id=$id now=$(xdp_id)" "$(cat "$WORK/tx.err")"
	fi
	# The removal the warning suggests works.
	to ip -n "$NSA" link set "$VA" xdpgeneric off
	if [ -z "$(xdp_id)" ]; then
		t_ok "'ip link set DEV xdpgeneric off' removes it"
	else
		t_notok "'ip link set DEV xdpgeneric off' removes it" "$(xdp_id)"
	fi
	if to ip netns exec "$NSA" xdp-loader load -m skb "$VA" "$FOREIGN" >/dev/null 2>&1; then
		id=$(xdp_id)
		TX=$(txa --mode copy --count 100 --json 2>"$WORK/tx.err"); rc=$?
		if [ $rc -eq 0 ] && ! grep -q 'warning' "$WORK/tx.err" && [ -n "$id" ] &&
		   [ "$(xdp_id)" = "$id" ]; then
			t_ok "a foreign XDP program: no warning, left attached"
		else
			t_notok "a foreign XDP program: no warning, left attached" \
				"rc=$rc id=$id now=$(xdp_id)" "$(cat "$WORK/tx.err")"
		fi
		to ip -n "$NSA" link set "$VA" xdpgeneric off
	else
		t_skip "a foreign XDP program: no warning" "xdp-loader cannot attach xdpfilt_alw_all"
	fi
fi

# 9. Bad input: exit code 2, exactly one "TOOL: error:" line, nothing on
# stdout. bad_input NS TOOL LABEL NAME CMD...
bad_input() {
	local ns=$1 tool=$2 label=$3 name=$4 out rc
	shift 4
	out=$(timeout $T ip netns exec "$ns" "$@" 2>&1 >"$WORK/bad.out"); rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
	   grep -q "^$tool: error: " <<<"$out" && [ ! -s "$WORK/bad.out" ]; then
		t_ok "$label: $name -> $out"
	else
		t_notok "$label: $name" "rc=$rc" "$out"
	fi
}
bad() { bad_input "$NSA" txgen "bad input" "$@"; }
bad "unknown interface" "$TXGEN" --dev nosuch$SUF --count 1
bad "interface down" "$TXGEN" --dev "d$VA" --count 1
bad "queue id >= tx queues" "$TXGEN" --dev "$VA" --queue 2 --count 1
bad "--queues past the last queue" "$TXGEN" --dev "$VA" --queue 1 --queues 2 --count 10
bad "size < 60" "$TXGEN" --dev "$VA" --size 59 --count 1
bad "size > MTU+14" "$TXGEN" --dev "$VA" --size 1515 --count 1
bad "malformed MAC" "$TXGEN" --dev "$VA" --dst-mac 02:00:00:00:00 --count 1
bad "malformed IP" "$TXGEN" --dev "$VA" --src-ip 198.18.0.300 --count 1
bad "reversed IP range" "$TXGEN" --dev "$VA" --dst-ip 198.18.0.9-198.18.0.1 --count 1
bad "malformed port range" "$TXGEN" --dev "$VA" --src-port 10-5 --count 1
bad "rate 0" "$TXGEN" --dev "$VA" --rate 0 --count 1
bad "negative rate" "$TXGEN" --dev "$VA" --rate -10kpps --count 1
bad "unknown mode" "$TXGEN" --dev "$VA" --mode fast --count 1
bad "unknown attach mode" "$TXGEN" --dev "$VA" --attach hw --count 1
bad "--attach with --mode copy" "$TXGEN" --dev "$VA" --mode copy --attach none --count 1
bad "unknown option" "$TXGEN" --dev "$VA" --frobnicate
if command -v setpriv >/dev/null; then
	bad "missing privileges" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$TXGEN" --dev "$VA" --count 1
else
	t_skip "bad input: missing privileges" "setpriv not installed"
fi

# 9b. txrecv's bad input, the same way.
rx_bad() { bad_input "$NSB" txrecv "txrecv bad input" "$@"; }
rx_bad "no --dev" "$TXRECV" --count 1
rx_bad "unknown interface" "$TXRECV" --dev nosuch$SUF
rx_bad "--count 0" "$TXRECV" --dev "$VB" --count 0
rx_bad "--duration 0" "$TXRECV" --dev "$VB" --duration 0
rx_bad "unknown option" "$TXRECV" --dev "$VB" --frobnicate
rx_bad "unwritable ready file" "$TXRECV" --dev "$VB" --count 1 --ready-file "$WORK/no/such/dir"
if command -v setpriv >/dev/null; then
	rx_bad "missing privileges" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$TXRECV" --dev "$VB" --count 1
else
	t_skip "txrecv bad input: missing privileges" "setpriv not installed"
fi

# 9c. Size mixes and pcap replay, checked in a capture at the peer (tcpdump;
# it counts frame lengths and shows the bytes).
CAPPID=
# cap_start FILE: capture the UDP frames arriving at the peer into FILE and
# wait (bounded) until tcpdump listens.
cap_start() {
	rm -f "$1" "$WORK/cap.err"
	capture_start CAPPID "$WORK/cap.err" timeout $((T + 5)) ip netns exec "$NSB" \
		tcpdump -i "$VB" -Q in -U -B 65536 -s 0 -w "$1" udp
}
# cap_has FILE N: FILE holds N frames
cap_has() { [ "$(tcpdump -r "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }
# cap_stop FILE N: wait (bounded) until FILE holds N frames, stop tcpdump.
cap_stop() {
	slowwait 10 cap_has "$1" "$2"
	kill -INT $CAPPID 2>/dev/null
	wait $CAPPID
	CAPPID=
}
# "COUNT LENGTH" per frame length in a capture, by length.
cap_lengths() {
	tcpdump -r "$1" -nn -e 2>/dev/null | sed -n 's/.*, length \([0-9]*\):.*/\1/p' |
		sort -n | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
# Every frame of a capture as hex, without time stamps.
cap_hex() { tcpdump -r "$1" -nn -t -xx 2>/dev/null; }

# mix_case NAME "TXGEN OPTIONS" COUNT "LEN:N ..." JSON_SIZES
mix_case() {
	local name=$1 opts=$2 count=$3 want=$4 wjson=$5 TX rc got
	if ! cap_start "$WORK/mix.pcap"; then
		t_notok "$name: tcpdump did not start" "$(cat "$WORK/cap.err")"
		return
	fi
	# shellcheck disable=SC2086
	TX=$(txa --mode copy $opts --count "$count" --rate 100kpps --json 2>"$WORK/tx.err"); rc=$?
	cap_stop "$WORK/mix.pcap" "$count"
	got=$(cap_lengths "$WORK/mix.pcap")
	if [ $rc -eq 0 ] && [ "$got" = "$want" ] && [ "$(jget "$TX" sent)" = "$count" ] &&
	   grep -qF "\"sizes\":[$wjson]" <<<"$TX"; then
		t_ok "$name: $count frames, captured at the peer by length: $got"
	else
		t_notok "$name: captured at the peer by length $want" "got: $got" \
			"txgen rc=$rc $TX" "$(cat "$WORK/tx.err" "$WORK/cap.err")"
	fi
}
if ! command -v tcpdump >/dev/null; then
	t_skip "size mixes and replay, captured at the peer" "tcpdump not installed"
else
	mix_case "--size imix" "--size imix" 3000 "64:1750 576:1000 1500:250" \
		'{"size":64,"weight":7,"submitted":1750},{"size":576,"weight":4,"submitted":1000},{"size":1500,"weight":1,"submitted":250}'
	mix_case "--size 60,1514 --weights 6,2 (gcd 2), 2 queues" \
		"--size 60,1514 --weights 6,2 --queues 2" 1000 "60:750 1514:250" \
		'{"size":60,"weight":3,"submitted":750},{"size":1514,"weight":1,"submitted":250}'

	# A pcap written by txgen (three sizes, every frame distinct: sequence
	# numbers, ports), replayed twice: the capture at the peer holds the
	# file's frames twice, byte for byte, in order.
	txa --mode copy --count 300 --size 64,300,1514 --src-port 1000-1299 \
		--pcap "$WORK/gen.pcap" >/dev/null 2>"$WORK/gen.err"
	name="--replay FILE --loop 2: 600 frames at the peer, byte-identical, in order"
	if ! cap_start "$WORK/replay.pcap"; then
		t_notok "$name: tcpdump did not start" "$(cat "$WORK/cap.err")"
	else
		TX=$(txa --mode copy --replay "$WORK/gen.pcap" --loop 2 --json 2>"$WORK/tx.err"); rc=$?
		cap_stop "$WORK/replay.pcap" 600
		cap_hex "$WORK/gen.pcap" >"$WORK/want.hex"
		cap_hex "$WORK/gen.pcap" >>"$WORK/want.hex"
		cap_hex "$WORK/replay.pcap" >"$WORK/got.hex"
		if [ $rc -eq 0 ] && [ "$(jget "$TX" sent)" = 600 ] &&
		   [ "$(grep -c '^IP ' "$WORK/got.hex")" = 600 ] &&
		   cmp -s "$WORK/want.hex" "$WORK/got.hex" &&
		   grep -q '"replay":{"file":"[^"]*gen.pcap","frames":300,"min_len":64,"max_len":1514,"loop":2}' <<<"$TX" &&
		   grep -q '^summary: replay .*gen.pcap: 300 frames of 64..1514 bytes, loop 2$' "$WORK/tx.err"; then
			t_ok "$name"
		else
			t_notok "$name" "txgen rc=$rc $TX" "$(cat "$WORK/tx.err")" \
				"$(diff "$WORK/want.hex" "$WORK/got.hex" | head -5)"
		fi
	fi
fi

# Bad replay input: one error line, exit 2, nothing attached.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
	$(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# mkpcap FILE LINKTYPE CAPLEN LEN [DATA BYTES]: one record of zeros.
mkpcap() {
	# shellcheck disable=SC2059
	{ printf "$(le32 0xa1b2c3d4)\\x02\\x00\\x04\\x00$(le32 0)$(le32 0)$(le32 65535)$(le32 "$2")"
	  printf "$(le32 1)$(le32 0)$(le32 "$3")$(le32 "$4")"
	  head -c "${5:-$3}" /dev/zero; } >"$1"
}
mkpcap "$WORK/sll.pcap" 113 60 60
mkpcap "$WORK/trunc.pcap" 1 60 60 50
mkpcap "$WORK/caplen.pcap" 1 60 61
mkpcap "$WORK/mtu.pcap" 1 1515 1515
# bad_says NAME TEXT CMD...: bad input whose one error line contains TEXT.
bad_says() {
	local name=$1 text=$2 out rc; shift 2
	out=$(timeout $T ip netns exec "$NSA" "$@" 2>&1 >"$WORK/bad.out"); rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q "^txgen: error: " <<<"$out" &&
	   grep -qF -- "$text" <<<"$out" && [ ! -s "$WORK/bad.out" ] && nothing_attached; then
		t_ok "bad input: $name -> $out"
	else
		t_notok "bad input: $name (want '$text', nothing attached)" "rc=$rc" "$out"
	fi
}
bad_says "--replay unreadable file" "cannot read pcap file $WORK/no-such.pcap" \
	"$TXGEN" --dev "$VA" --replay "$WORK/no-such.pcap"
bad_says "--replay non-Ethernet link type" "link type 113 is not Ethernet" \
	"$TXGEN" --dev "$VA" --replay "$WORK/sll.pcap"
bad_says "--replay truncated record" "record 1: truncated" \
	"$TXGEN" --dev "$VA" --replay "$WORK/trunc.pcap"
bad_says "--replay caplen != len" "60 of 61 bytes captured (caplen != len)" \
	"$TXGEN" --dev "$VA" --replay "$WORK/caplen.pcap"
bad_says "--replay frame over MTU+14" "1515-byte frame exceeds MTU 1500" \
	"$TXGEN" --dev "$VA" --replay "$WORK/mtu.pcap"
bad_says "--replay with --size" "--size conflicts with --replay" \
	"$TXGEN" --dev "$VA" --replay "$WORK/mtu.pcap" --size 64
bad_says "--weights without a --size list" "--weights needs a --size list" \
	"$TXGEN" --dev "$VA" --weights 7,4,1
bad_says "--weights count != sizes" "3 weights for 2 sizes" \
	"$TXGEN" --dev "$VA" --size 64,576 --weights 7,4,1
bad_says "--weights with a zero weight" "0 is out of range" \
	"$TXGEN" --dev "$VA" --size 64,576 --weights 7,0
bad_says "--size list over MTU+14" "--size 1515 exceeds MTU 1500" \
	"$TXGEN" --dev "$VA" --size 64,1515 --count 1

# 9b. No carrier (the second pair up on one end only): --link-wait gives up
# with one error line, exit 1; and a carrier that comes during the wait
# starts the run: every frame at the peer (its rx_packets), none lost to a
# link that was not up yet.
to ip -n "$NSA" link set "d$VA" up
out=$(timeout $T ip netns exec "$NSA" "$TXGEN" --dev "d$VA" --mode copy --count 10 \
	--dst-mac 02:00:00:00:00:02 --link-wait 1 2>&1 >"$WORK/nc.out"); rc=$?
if [ $rc -eq 1 ] && [ "$(grep -c '^txgen: error: ' <<<"$out")" = 1 ] &&
   grep -q "^txgen: error: no carrier on d$VA after 1000 ms$" <<<"$out" &&
   grep -q "^txgen: d$VA has no carrier; waiting up to 1 s" <<<"$out"; then
	t_ok "no carrier: --link-wait 1 gives up with one error line naming d$VA (rc=$rc)"
else
	t_notok "no carrier: --link-wait 1 gives up with one error line" "rc=$rc" "$out"
fi
rm -f "$WORK/lw.err"
timeout $T ip netns exec "$NSA" "$TXGEN" --dev "d$VA" --mode copy --count 100 \
	--dst-mac 02:00:00:00:00:02 --link-wait 10 --json 2>"$WORK/lw.err" >"$WORK/lw.json" &
TXPID=$!
lw_waiting() { grep -q 'has no carrier; waiting' "$WORK/lw.err" 2>/dev/null || pid_gone "$TXPID"; }
slowwait 10 lw_waiting
to ip -n "$NSA" link set "e$VA" up
wait $TXPID; rc=$?
got=$(ip netns exec "$NSA" cat "/sys/class/net/e$VA/statistics/rx_packets")
if [ $rc -eq 0 ] && [ "$got" = 100 ] && [ "$(jget "$(cat "$WORK/lw.json")" sent)" = 100 ] &&
   grep -q "^txgen: d$VA: carrier up after " "$WORK/lw.err"; then
	t_ok "carrier during --link-wait: the run starts, 100 of 100 at the peer"
else
	t_notok "carrier during --link-wait: the run starts, 100 of 100 at the peer" \
		"rc=$rc rx_packets=$got" "$(cat "$WORK/lw.json")" "$(cat "$WORK/lw.err")"
fi
to ip -n "$NSA" link set "d$VA" down

# 10. The device goes down during a run: one error line naming it, exit 1.
# (Last: taking $VA down flushes its neighbour entries and routes.)
rm -f "$WORK/down.err"
timeout $T ip netns exec "$NSA" "$TXGEN" --dev "$VA" --mode copy --rate 20kpps \
	--duration 15 2>"$WORK/down.err" >/dev/null &
TXPID=$!
tx_running() { grep -q 'copy mode (' "$WORK/down.err" 2>/dev/null || pid_gone "$TXPID"; }
slowwait 10 tx_running
to ip -n "$NSA" link set "$VA" down
wait $TXPID; rc=$?
to ip -n "$NSA" link set "$VA" up
errs=$(grep -c '^txgen: error: ' "$WORK/down.err")
if [ $rc -eq 1 ] && [ "$errs" = 1 ] &&
   grep -q "^txgen: error: $VA went down during the run" "$WORK/down.err"; then
	t_ok "device down during the run: one error line naming $VA (rc=$rc)"
else
	t_notok "device down during the run: one error line naming $VA" "rc=$rc" "$(cat "$WORK/down.err")"
fi

if nothing_attached; then
	t_ok "nothing left attached to $VA after all runs"
else
	t_notok "nothing left attached to $VA after all runs" "$(ip -n "$NSA" link show dev "$VA")"
fi

t_done
