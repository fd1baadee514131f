# SPDX-License-Identifier: GPL-2.0
# Waiting for an event, for txtap's shell scripts (guest side, host tests):
# a bounded poll and "start a capture and wait until it listens". The
# series' selftest runs next to the kernel's net/lib.sh and uses its
# slowwait/busywait; slowwait here has the same name, arguments and step.

# slowwait SECS CMD...: run CMD every 0.1 s until it succeeds; fails if SECS
# seconds pass first
slowwait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# settled TRIES STEP CMD...: run CMD every STEP seconds until it prints the
# same twice in a row, at most TRIES times; prints the last output (a
# counter or a file that has stopped moving)
settled() {
	local tries=$1 step=$2 a b
	shift 2
	a=$("$@")
	while [ "$tries" -gt 0 ]; do
		sleep "$step"
		b=$("$@")
		[ "$a" = "$b" ] && break
		a=$b
		tries=$((tries - 1))
	done
	echo "$a"
}

# pid_gone PID: true once process PID has exited
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# capture_start PIDVAR ERRFILE CMD...: start the capture CMD (tcpdump, or
# "ip netns exec NS tcpdump", "timeout N tcpdump") in the background with its
# stderr in ERRFILE and its pid in the variable PIDVAR (the process that gets
# the signals: CMD is a simple command); wait up to CAPTURE_WAIT seconds
# (30) until it listens: tcpdump prints "listening on" once its socket is
# bound and its filter attached. Fails at once if the capture exits first.
capture_start() {
	local _cs_err=$2 _cs_pid
	"${@:3}" 2> "$_cs_err" &
	_cs_pid=$!
	printf -v "$1" %s "$_cs_pid"	# (the caller's variable, even a local one)
	slowwait "${CAPTURE_WAIT:-30}" _capture_settled "$_cs_err" "$_cs_pid"
	grep -q 'listening on' "$_cs_err"
}
_capture_settled() { grep -q 'listening on' "$1" || pid_gone "$2"; }
