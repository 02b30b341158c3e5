#!/bin/sh
# Probe the installed QEMU for real (no recording): the capabilities the
# project relies on must be found.
set -u
probe=$1
qemu=/usr/bin/qemu-system-x86_64
[ -x "$qemu" ] || { echo "no $qemu"; exit 77; }
out=$("$probe" "$qemu") || exit 1
for want in '"execute":"query-version"' '"execute":"query-qmp-schema"' \
            '"name":"failover"' '"json-cli-hotplug"' '"wait-unplug"' \
            '"UNPLUG_PRIMARY"' '"FAILOVER_NEGOTIATED"' '"alias":"q35"'; do
    echo "$out" | grep -q "$want" || { echo "probe reply lacks $want"; exit 1; }
    echo "ok - $want"
done
