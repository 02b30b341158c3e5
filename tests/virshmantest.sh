#!/bin/sh
# Every virsh command is documented in docs/manpages/virsh.rst, and the man
# page documents no command virsh lacks.
set -u
virsh=$1
man=$2
fail=0
cmds=$("$virsh" --list-commands) || exit 1
for c in $cmds; do
    grep -qx "$c" "$man" || { echo "not in the man page: $c"; fail=1; }
done
# section titles of the COMMANDS part: a word line followed by a dash line
documented=$(awk 'prev ~ /^[a-z][a-z-]*$/ && $0 ~ /^-+$/ { print prev } { prev = $0 }' "$man")
for c in $documented; do
    echo "$cmds" | grep -qx "$c" || { echo "documented but not a command: $c"; fail=1; }
done
exit $fail
