# SPDX-License-Identifier: GPL-2.0
# pktgen helpers for txtap's guest-side scripts (demo, benchmarks, figures).

# pg_cmd FILE COMMAND: write one pktgen command, fail with pktgen's reason.
pg_cmd() {
	local file=$1 cmd=$2
	if ! echo "$cmd" > "$file" 2>/dev/null; then
		echo "pktgen: '$cmd' rejected by $file" >&2
		return 1
	fi
	if [ "${file##*/}" != pgctrl ] && [[ ${file##*/} != kpktgend_* ]] &&
	   ! grep -q '^Result: OK' "$file"; then
		echo "pktgen: '$cmd': $(grep '^Result:' "$file")" >&2
		return 1
	fi
}

# pg_setup DEV DST_IP DST_MAC COUNT MODE [extra commands...]
# One pktgen device on thread 0 sending COUNT 60-byte UDP packets to port 9.
pg_setup() {
	local dev=$1 dst=$2 mac=$3 count=$4 mode=$5 c
	shift 5
	[ -d /proc/net/pktgen ] || { echo "pktgen: /proc/net/pktgen missing (CONFIG_NET_PKTGEN)" >&2; return 1; }
	pg_cmd /proc/net/pktgen/kpktgend_0 rem_device_all || return 1
	pg_cmd /proc/net/pktgen/kpktgend_0 "add_device $dev" || return 1
	for c in "count $count" "pkt_size 60" "delay 0" "clone_skb 0" \
		 "dst $dst" "dst_mac $mac" "udp_dst_min 9" "udp_dst_max 9" \
		 "xmit_mode $mode" "$@"; do
		pg_cmd "/proc/net/pktgen/$dev" "$c" || return 1
	done
}

# pg_run: run the configured devices to completion (pgctrl blocks).
pg_run() {
	echo start > /proc/net/pktgen/pgctrl
}

pg_clear() {
	echo rem_device_all > /proc/net/pktgen/kpktgend_0 2>/dev/null
	return 0
}

# pg_field DEV NAME: a number from the device's /proc file ("sofar", "tapped", "pps").
pg_field() {
	local f=/proc/net/pktgen/$1
	case $2 in
	sofar) awk '/pkts-sofar:/ { print $2 }' "$f" ;;
	errors) awk '/pkts-sofar:/ { print $4 }' "$f" ;;
	tapped) awk '/tapped:/ { print $2 }' "$f" ;;
	pps) sed -n 's/.* \([0-9][0-9]*\)pps .*/\1/p' "$f" ;;
	esac
}
