# SPDX-License-Identifier: GPL-2.0
# Network namespaces, NICs in them and veth pairs, for txtap's shell
# scripts: the guest's NIC pair (kernel/guest-net.sh), the benchmarks, the
# race test, the host tests. The series' selftest keeps its own (upstream code:
# net/lib.sh's setup_ns). Every command is bounded (timeout 10); a function
# returns non-zero at the first command that fails.

# net_endpoint NS DEV [ADDR/PREFIX...]: DEV moved into netns NS (made if
# missing; NS "" keeps DEV here) with the addresses (IPv6 ones without
# duplicate address detection), up, and the loopback of NS up
net_endpoint() {
	local ns=$1 dev=$2 a ip=(timeout 10 ip)
	shift 2
	if [ -n "$ns" ]; then
		[ -e "/run/netns/$ns" ] || "${ip[@]}" netns add "$ns" || return 1
		"${ip[@]}" link set "$dev" netns "$ns" || return 1
		ip+=(-n "$ns")
		"${ip[@]}" link set lo up || return 1
	fi
	for a in "$@"; do
		case $a in
		*:*) "${ip[@]}" addr add "$a" dev "$dev" nodad || return 1 ;;
		*) "${ip[@]}" addr add "$a" dev "$dev" || return 1 ;;
		esac
	done
	"${ip[@]}" link set "$dev" up
}

# veth_pair [--quiet] [--queues N] NS_A DEV_A ADDRS_A NS_B DEV_B ADDRS_B:
# a veth pair, DEV_A in netns NS_A and DEV_B in NS_B (each as net_endpoint;
# ADDRS a space-separated list, "" for none). --quiet: IPv6 off in both
# netns first, so that nothing but what the script sends crosses the link
# (no router solicitation, MLD or DAD); --queues N: N queues on each end.
veth_pair() {
	local quiet=0 q=() ns
	while :; do
		case $1 in
		--quiet) quiet=1; shift ;;
		--queues) q=(numtxqueues "$2" numrxqueues "$2"); shift 2 ;;
		*) break ;;
		esac
	done
	for ns in "$1" "$4"; do
		[ -n "$ns" ] || continue
		[ -e "/run/netns/$ns" ] || timeout 10 ip netns add "$ns" || return 1
		[ $quiet = 0 ] || timeout 10 ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
			return 1
	done
	timeout 10 ip link add "$2" "${q[@]}" type veth peer name "$5" "${q[@]}" || return 1
	# shellcheck disable=SC2086 # the address lists
	net_endpoint "$1" "$2" $3 && net_endpoint "$4" "$5" $6
}
