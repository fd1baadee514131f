# SPDX-License-Identifier: GPL-2.0
# pktgen helpers for txtap's guest-side scripts (demo, benchmarks, figures,
# race test), named after the kernel's samples/pktgen/functions.sh: pg_ctrl
# writes pgctrl, pg_thread a kpktgend_N thread, pg_set a device; a device
# command that pktgen does not answer "Result: OK" fails with pktgen's
# reason. The Python side is txtap_lib.Pktgen; the series' selftest keeps
# its own (upstream code).

# The kit's marker: IPv4/UDP to this port, what every counter and tap
# filter of the kit matches (pktgen, txgen, bypass_tx, tap_count, the
# driver tests and the series' selftest).
MARKER_PORT=47474

PG_DIR=/proc/net/pktgen

# pg_write FILE CMD...: write one command; 1 if the write is refused
pg_write() {
	local file=$PG_DIR/$1
	shift
	if ! { echo "$*" > "$file"; } 2>/dev/null; then
		echo "pktgen: '$*' rejected by $file" >&2
		return 1
	fi
}

# pg_ctrl CMD: start, stop, reset (pgctrl; start blocks until the run ends)
pg_ctrl() { pg_write pgctrl "$@"; }

# pg_thread N CMD: add_device DEV, rem_device_all on thread kpktgend_N
pg_thread() {
	local t=$1
	shift
	pg_write "kpktgend_$t" "$@"
}

# pg_set DEV CMD: one device command, checked against pktgen's Result line
# (read without a process: this runs in loops under TCG)
pg_set() {
	local dev=$1 line
	shift
	pg_write "$dev" "$@" || return 1
	while IFS= read -r line; do
		case $line in
		"Result: OK"*) return 0 ;;
		Result:*) echo "pktgen: '$*': $line" >&2; return 1 ;;
		esac
	done < "$PG_DIR/$dev"
	echo "pktgen: '$*': no Result line in $PG_DIR/$dev" >&2
	return 1
}

# pg_setup DEV DST_IP DST_MAC COUNT MODE [extra commands...]
# One pktgen device on thread 0 sending COUNT 60-byte UDP packets to the
# marker port.
pg_setup() {
	local dev=$1 dst=$2 mac=$3 count=$4 mode=$5 c
	shift 5
	[ -d $PG_DIR ] || { echo "pktgen: $PG_DIR missing (CONFIG_NET_PKTGEN)" >&2; return 1; }
	pg_thread 0 rem_device_all || return 1
	pg_thread 0 "add_device $dev" || return 1
	for c in "count $count" "pkt_size 60" "delay 0" "clone_skb 0" \
		 "dst $dst" "dst_mac $mac" "udp_dst_min $MARKER_PORT" \
		 "udp_dst_max $MARKER_PORT" "xmit_mode $mode" "$@"; do
		pg_set "$dev" "$c" || return 1
	done
}

# pg_run: run the configured devices to completion (pgctrl blocks).
pg_run() { pg_ctrl start; }

# pg_clear: remove every device from thread 0, quietly (cleanup)
pg_clear() { pg_thread 0 rem_device_all 2>/dev/null || :; }

# pg_field DEV NAME: a number from the device's /proc file ("sofar",
# "errors", "tapped", "pps", "usec": the run's time of "Result: OK: N(...").
pg_field() {
	local f=$PG_DIR/$1
	case $2 in
	sofar) awk '/pkts-sofar:/ { print $2 }' "$f" ;;
	errors) awk '/pkts-sofar:/ { print $4 }' "$f" ;;
	tapped) awk '/tapped:/ { print $2 }' "$f" ;;
	pps) sed -n 's/.* \([0-9][0-9]*\)pps .*/\1/p' "$f" ;;
	usec) sed -n 's/^Result: OK: \([0-9][0-9]*\)(.*/\1/p' "$f" ;;
	esac
}
