# SPDX-License-Identifier: GPL-2.0
# Sourced in the guest before the command when kernel/vm was given --pair:
# the two back-to-back NICs become a local interface and a remote endpoint in
# a network namespace, described with the variables the upstream driver
# selftests (tools/testing/selftests/drivers/net) read.
# Bash (sourced by the command's shell), not Python: under TCG a python3
# start took 2.3 s against 0.27 s for "bash -c :" (10 warm runs each).
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib/wait.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib/netns.sh"

txtap_net_setup() {
	local local_dev remote_dev
	local_dev=$(awk '$1 == "local" { print $2 }' /tmp/.txtap/nics)
	remote_dev=$(awk '$1 == "remote" { print $2 }' /tmp/.txtap/nics)
	if [ -z "$local_dev" ] || [ -z "$remote_dev" ]; then
		echo "txtap guest: NIC pair not found" >&2
		return 1
	fi
	export NETIF=$local_dev REMOTE_TYPE=netns REMOTE_ARGS=txtap-remote
	export LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2
	export LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2
	export TXTAP_REMOTE_IF=$remote_dev
	net_endpoint "$REMOTE_ARGS" "$remote_dev" "$REMOTE_V4/24" "$REMOTE_V6/64" || return 1
	net_endpoint "" "$local_dev" "$LOCAL_V4/24" "$LOCAL_V6/64" || return 1
	# Wait (bounded) for carrier on both ends: igb reports the link from
	# its watchdog, seconds after it is up under TCG.
	slowwait 30 txtap_carrier "$local_dev" "$remote_dev" && return 0
	echo "txtap guest: no carrier on $local_dev/$remote_dev" >&2
	return 1
}

# txtap_carrier LOCAL REMOTE: both ends of the pair have carrier
txtap_carrier() {
	grep -qx 1 "/sys/class/net/$1/carrier" 2>/dev/null &&
		ip netns exec "$REMOTE_ARGS" grep -qx 1 "/sys/class/net/$2/carrier" 2>/dev/null
}

# REMOTE_TYPE=ssh (kernel/vm --remote ssh): the remote endpoint is reached
# the way a lab reaches a second host, through an sshd running in its
# netns, over a management link of its own (a veth pair, 198.51.100.0/24)
# so that the NIC pair under test carries only the tests' frames. Host and
# client keys are made for the run in the guest's /tmp (a tmpfs that ends
# with the VM). root's home is the host's, read-only, and its shell
# startup files (sourced for every ssh command) are the host's: sshd gets
# an empty tmpfs home in a mount namespace of its own, with the authorized
# key in ~/.ssh as on a lab host; on the client side ssh and scp are
# wrappers that add -F, first in PATH.
TXTAP_MGMT_LOCAL=198.51.100.1 TXTAP_MGMT_REMOTE=198.51.100.2
txtap_ssh_setup() {
	local d=/tmp/.txtap/ssh addr=$TXTAP_MGMT_REMOTE home i
	ip link add txtap-mgmt type veth peer name txtap-mgmt netns "$REMOTE_ARGS" &&
		ip addr add "$TXTAP_MGMT_LOCAL/24" dev txtap-mgmt &&
		ip link set txtap-mgmt up &&
		ip -n "$REMOTE_ARGS" addr add "$addr/24" dev txtap-mgmt &&
		ip -n "$REMOTE_ARGS" link set txtap-mgmt up || {
		echo "txtap guest: cannot set up the management veth pair" >&2
		return 1
	}
	mkdir -p "$d/bin" /run/sshd || return 1
	chmod 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -C txtap-host -f "$d/host_key" &&
		ssh-keygen -q -t ed25519 -N '' -C txtap-client -f "$d/id_ed25519" ||
		return 1
	echo "$addr $(cut -d' ' -f1,2 "$d/host_key.pub")" > "$d/known_hosts"
	cat > "$d/sshd_config" <<-EOF
		ListenAddress $addr
		HostKey $d/host_key
		PidFile $d/sshd.pid
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		Subsystem sftp internal-sftp
		LogLevel ERROR
	EOF
	# one connection per test program: every command after the first
	# saves its key exchange (seconds under TCG)
	cat > "$d/ssh_config" <<-EOF
		Host $addr
		User root
		IdentityFile $d/id_ed25519
		IdentitiesOnly yes
		UserKnownHostsFile $d/known_hosts
		StrictHostKeyChecking yes
		BatchMode yes
		LogLevel ERROR
		ControlMaster auto
		ControlPath $d/cm-%C
		ControlPersist 600
	EOF
	for i in ssh scp; do
		printf '#!/bin/sh\nexec /usr/bin/%s -F %s "$@"\n' "$i" "$d/ssh_config" > "$d/bin/$i"
		chmod 755 "$d/bin/$i"
	done
	home=$(getent passwd root | cut -d: -f6)
	# (ip netns exec runs it in a new mount namespace already)
	ip netns exec "$REMOTE_ARGS" sh -c 'mount -n -t tmpfs -o mode=700 tmpfs "$1" &&
		mkdir -m 700 "$1/.ssh" && cp "$2/id_ed25519.pub" "$1/.ssh/authorized_keys" &&
		exec /usr/sbin/sshd -f "$2/sshd_config" -E "$2/sshd.log"' sh "$home" "$d" || {
		echo "txtap guest: sshd did not start: $(cat "$d/sshd.log" 2>/dev/null)" >&2
		return 1
	}
	# sshd writes its pid file once it listens (bounded wait)
	slowwait 10 test -s "$d/sshd.pid"
	export PATH="$d/bin:$PATH" REMOTE_TYPE=ssh REMOTE_ARGS="root@$addr"
	if ! err=$(ssh "$REMOTE_ARGS" true 2>&1); then
		echo "txtap guest: ssh $REMOTE_ARGS failed: $err $(cat "$d/sshd.log" 2>/dev/null)" >&2
		return 1
	fi
}

txtap_net_setup || exit 1
if [ "${TXTAP_REMOTE_MODE:-netns}" = ssh ]; then
	txtap_ssh_setup || exit 1
fi
