#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# --help, the man page and README.md name the same options: every long
# option of --help (generated from the option table) is described in the man
# page and shown in the README's usage, every enum value of --help is in the
# man page, and neither document names an option that does not exist.
# TOOL=txgen (default) or txrecv; the README's usage of txgen is its
# "## Usage" section, of another tool the section "## TOOL: ...".
# Output: "ok N - name" / "not ok N - name" lines (tools/lib/tap.sh) and a final
# "N passed, N failed, N skipped" line. Exit 1 if anything failed.

set -uo pipefail	# no -e: every check runs and reports

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOL=${TOOL:-txgen}
BIN=${BIN:-$HERE/../$TOOL}
MAN=${MAN:-$HERE/../$TOOL.8}
README=${README:-$HERE/../README.md}

. "$HERE/../../tools/lib/tap.sh"
# check NAME MISSING: ok when the list MISSING is empty, else each item
check() {
	# shellcheck disable=SC2086 # the list
	t_check "$1" "$([ -z "$2" ]; echo $?)" $2
}

help=$("$BIN" --help) || { t_notok "$TOOL --help"; t_done; exit; }
opts=$(sed -n 's/^ *\(-., \)\{0,1\}--\([a-z0-9-]*\).*/\2/p' <<<"$help" | sort -u)
[ -n "$opts" ] || { t_notok "--help lists options"; t_done; exit; }
# The man page's option headings (the line after each .TP of OPTIONS) write
# "--ring-size" as "\-\-ring\-size".
man_opts=$(awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") } in_opts && tp { print } { tp = /^\.TP/ }' "$MAN" |
	grep -o '\\-\\-[a-z0-9\\-]*[a-z0-9]' | sed 's/\\-/-/g; s/^--//' | sort -u)
# The README's usage block: from its heading to the next one.
if [ "$TOOL" = txgen ]; then heading='## Usage'; else heading="## $TOOL: "; fi
readme_usage=$(awk -v h="$heading" 'index($0, h) == 1 { on = 1; next } /^## / { on = 0 } on' "$README")
readme_opts=$(grep -o -- '--[a-z0-9][a-z0-9-]*' <<<"$readme_usage" | sed 's/^--//' | sort -u)

missing=
for o in $opts; do grep -qx -- "$o" <<<"$man_opts" || missing+=" --$o"; done
check "every $TOOL --help option is in $TOOL.8" "$missing"

missing=
for o in $opts; do
	case $o in help|verbose) continue ;; esac
	grep -qx -- "$o" <<<"$readme_opts" || missing+=" --$o"
done
check "every $TOOL --help option is in README.md's usage" "$missing"

missing=
for o in $man_opts $readme_opts; do grep -qx -- "$o" <<<"$opts" || missing+=" --$o"; done
check "$TOOL.8 and README.md name no option $TOOL --help lacks" "$missing"

missing=
for vals in $(grep -o ' [a-z]*|[a-z|]*' <<<"$help" | tr -d ' ' | sort -u); do
	grep -qF -- "$vals" "$MAN" || missing+=" $vals"
done
check "every enum of $TOOL --help (a|b|c) is in $TOOL.8" "$missing"

t_done
