# SPDX-License-Identifier: GPL-2.0
#
# Sourced by every txtap shell script (host and guest side): how a script
# reports an error and which exit code it gives.
#
# Exit codes:
#   0  done.
#   1  what was asked failed: a build, a guest run, a measurement, a check
#      that found a problem (die).
#   2  bad input, refused before anything was done: an unknown option or
#      value, a file or prerequisite the user has to provide first (no
#      kernel tree, no image, a tool not installed, not root) (bad_input).
#   4  skipped, in the scripts that are kselftests (KSFT_SKIP, as
#      tools/testing/selftests/kselftest/ktap_helpers.sh and net/lib.sh).
# An error is one line "PROG: error: WHY" on stderr, printed once, where the
# script gives up; "PROG: warning: WHY" says what is wrong while it goes on.
# PROG is the script's path under the repository (kernel/vm, tools/bench);
# a script that is known by another name sets PROG after sourcing this file
# (the environment's PROG is not used).

# shellcheck disable=SC2034 # for the scripts that source this file
KSFT_SKIP=4

PROG=$(realpath -m "$0")
PROG=${PROG#"$(realpath -m "$(dirname "${BASH_SOURCE[0]}")/../..")"/}

# die WHY...: what was asked failed (exit 1)
die() { echo "$PROG: error: $*" >&2; exit 1; }
# bad_input WHY...: refused, nothing was done (exit 2)
bad_input() { echo "$PROG: error: $*" >&2; exit 2; }
# warn WHY...: a problem the script goes on with
warn() { echo "$PROG: warning: $*" >&2; }
# usage_from_header: a script's --help, its header comment from the line
# after the SPDX tag and the blank '#' to its first 'set' line
usage_from_header() { sed -n '4,/^set /p' "$0" | sed -e '/^set /d' -e 's/^# \{0,1\}//'; }
