# SPDX-License-Identifier: GPL-2.0
# Minimal TAP helpers for txtap's own host-side tests.
t_n=0 t_pass=0 t_fail=0 t_skip=0

t_ok() { t_n=$((t_n + 1)); t_pass=$((t_pass + 1)); echo "ok $t_n - $*"; }
t_notok() { t_n=$((t_n + 1)); t_fail=$((t_fail + 1)); echo "not ok $t_n - $*"; }
t_skip() { t_n=$((t_n + 1)); t_skip=$((t_skip + 1)); echo "ok $t_n - $1 # SKIP $2"; }
# t_check NAME COND-RESULT [diagnostic...]
t_check() {
	local name=$1 rc=$2
	shift 2
	if [ "$rc" = 0 ]; then
		t_ok "$name"
	else
		t_notok "$name"
		[ $# -gt 0 ] && printf '# %s\n' "$@"
	fi
}
t_done() {
	echo "$t_pass passed, $t_fail failed, $t_skip skipped"
	[ $t_fail = 0 ]
}
