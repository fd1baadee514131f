# SPDX-License-Identifier: GPL-2.0
# TAP lines for txtap's own tests (kernel/tests, xdp/tests): "ok N - name",
# "not ok N - name" with "# " diagnostics, "ok N - name # SKIP why", and a
# last line "N passed, N failed, N skipped", what tools/check counts.
t_n=0 t_pass=0 t_fail=0 t_skip=0

t_ok() { t_n=$((t_n + 1)); t_pass=$((t_pass + 1)); echo "ok $t_n - $*"; }
# t_notok NAME [diagnostic...]
t_notok() {
	t_n=$((t_n + 1)) t_fail=$((t_fail + 1))
	echo "not ok $t_n - $1"
	shift
	[ $# -gt 0 ] && printf '# %s\n' "$@"
	return 0
}
t_skip() { t_n=$((t_n + 1)); t_skip=$((t_skip + 1)); echo "ok $t_n - $1 # SKIP $2"; }
# t_check NAME COND-RESULT [diagnostic...]
t_check() {
	local name=$1 rc=$2
	shift 2
	if [ "$rc" = 0 ]; then
		t_ok "$name"
	else
		t_notok "$name" "$@"
	fi
}
t_done() {
	echo "$t_pass passed, $t_fail failed, $t_skip skipped"
	[ $t_fail = 0 ]
}
