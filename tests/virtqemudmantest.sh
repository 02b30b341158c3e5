#!/bin/sh
# virtqemud's options (--help) and configuration keys (the sample
# virtqemud.conf) are all documented in virtqemud.8 and docs/daemon.rst,
# and the man page documents no option the daemon lacks.
set -u
virtqemud=$1
man=$2
daemonrst=$3
sample=$4
fail=0
opts=$("$virtqemud" --help | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}--\([a-z-]*\).*/\2/p') || exit 1
[ -n "$opts" ] || { echo "not ok - no option found in --help"; exit 1; }
for o in $opts; do
    grep -q -- "\`\`--$o\`\`" "$man" || { echo "not ok - option --$o not in the man page"; fail=1; }
done
for o in $(grep -o '``--[a-z-]*``' "$man" | tr -d '`' | sed 's/^--//' | sort -u); do
    echo "$opts" | grep -qx -- "$o" || { echo "not ok - the man page documents --$o, which virtqemud lacks"; fail=1; }
done
keys=$(sed -n 's/^#\([a-z_]*\) = .*/\1/p' "$sample")
[ -n "$keys" ] || { echo "not ok - no key found in $sample"; exit 1; }
for k in $keys; do
    grep -q "\`\`$k\`\`" "$man" || { echo "not ok - key $k not in the man page"; fail=1; }
    grep -q "\`\`$k\`\`" "$daemonrst" || { echo "not ok - key $k not in daemon.rst"; fail=1; }
done
[ $fail = 0 ] && echo "ok - $(echo $opts | wc -w) options and $(echo $keys | wc -w) keys documented"
exit $fail
