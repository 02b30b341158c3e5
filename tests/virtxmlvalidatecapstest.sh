#!/bin/sh
# What "virsh capabilities" and "virsh domcapabilities" print validates
# against capability.rng and domaincaps.rng (probes the installed QEMU),
# chosen from the root element and by name.
set -u
vx=$1
virsh=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uri="qemu:///embed?root=$tmp/root"
fail=0

"$virsh" -q -c "$uri" capabilities > "$tmp/caps.xml" 2>"$tmp/err" && grep -q "<capabilities>" "$tmp/caps.xml" ||
    { echo "Bail out! virsh capabilities: $(cat "$tmp/err")"; exit 1; }
"$virsh" -q -c "$uri" domcapabilities > "$tmp/dcaps.xml" 2>"$tmp/err" && grep -q "<domainCapabilities>" "$tmp/dcaps.xml" ||
    { echo "Bail out! virsh domcapabilities: $(cat "$tmp/err")"; exit 1; }
for args in "caps.xml" "caps.xml capability" "caps.xml capabilities" \
            "dcaps.xml" "dcaps.xml domaincaps" "dcaps.xml domaincapabilities"; do
    set -- $args
    if "$vx" "$tmp/$1" ${2:-} 2>"$tmp/err" && grep -qx "$tmp/$1 validates" "$tmp/err"; then
        echo "ok - $args"
    else
        echo "not ok - $args: $(cat "$tmp/err")"; fail=1
    fi
done
# the schemas are not empty shells: the other document does not pass
"$vx" "$tmp/caps.xml" domaincaps 2>"$tmp/err"
[ $? = 3 ] && echo "ok - capabilities are not domain capabilities" || { echo "not ok - caps as domaincaps"; fail=1; }
exit $fail
