#!/bin/sh
# Probe the installed QEMU for real (no recording): the capabilities the
# project relies on must be found; a probe never outlives its prober.
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

# An emulator that never answers: the prober is SIGKILLed while it waits,
# and the probe process must go with it (nothing else would end it).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho $$ > "%s/pid"\nexec sleep 300\n' "$tmp" > "$tmp/fake-qemu"
chmod +x "$tmp/fake-qemu"
"$probe" "$tmp/fake-qemu" >/dev/null 2>&1 &
prober=$!
i=0
while [ ! -s "$tmp/pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fake=$(cat "$tmp/pid" 2>/dev/null)
if [ -z "$fake" ] || ! kill -0 "$fake" 2>/dev/null; then
    echo "not ok - the fake emulator did not start"; kill -9 $prober; exit 1
fi
kill -9 $prober
wait $prober 2>/dev/null
i=0
while kill -0 "$fake" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$fake" 2>/dev/null; then
    echo "not ok - the probe process $fake outlived its SIGKILLed prober"
    kill -9 "$fake"; exit 1
fi
echo "ok - a probe dies with the process that probes"
