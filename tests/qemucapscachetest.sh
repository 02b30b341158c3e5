#!/bin/sh
# The capabilities cache of a root: written on first use (mode 0600),
# trusted while valid, and a corrupt or foreign file is replaced, never
# trusted and never fatal.
set -u
virsh=$1
[ -x /usr/bin/qemu-system-x86_64 ] || { echo "no QEMU"; exit 77; }
root=$(mktemp -d /tmp/capscache.XXXXXX)
trap 'rm -rf "$root"' EXIT
uri="qemu:///embed?root=$root"
fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }

"$virsh" -q -c "$uri" version >/dev/null || notok "first use"
f=$(ls "$root"/cache/capabilities/*.xml 2>/dev/null | head -1)
[ -n "$f" ] && ok "cache file written" || { notok "cache file"; exit 1; }
[ "$(stat -c %a "$f")" = 600 ] && ok "mode 0600" || notok "mode 0600"
grep -q "<flag name='virtio-net.failover'/>" "$f" && ok "cache has the failover flag" || notok "failover flag"

echo "this is not XML" > "$f"
"$virsh" -q -c "$uri" version | grep -q "Running hypervisor" && ok "corrupt cache is not fatal" || notok "corrupt cache"
grep -q "<qemuCaps>" "$f" && ok "corrupt cache replaced" || notok "corrupt cache replaced"

sed -i "s|<emulator>.*</emulator>|<emulator>/usr/bin/some-other-qemu</emulator>|" "$f"
"$virsh" -q -c "$uri" version >/dev/null || notok "foreign cache"
grep -q "<emulator>/usr/bin/qemu-system-x86_64</emulator>" "$f" && ok "foreign cache replaced" || notok "foreign cache replaced"

sed -i "s|<flag name='virtio-net.failover'/>||; s|<selfvers>.*</selfvers>|<selfvers>an-older-build</selfvers>|" "$f"
"$virsh" -q -c "$uri" domcapabilities | grep -q "<teaming supported='yes'/>" && ok "cache of another build is re-probed" ||
    notok "another build re-probed"
# a rebuild of ours (here: only the library's ctime changes, as when it is
# relinked) re-probes even though the configured BUILD_ID stays the same
lib=$(ldd "$virsh" | sed -n 's|.*libvirt\.so\.0 => \(.*\) (.*|\1|p')
if [ -n "$lib" ] && [ -w "$lib" ]; then
    before=$(grep -o '<selfvers>.*</selfvers>' "$f")
    chmod u+w "$lib"
    "$virsh" -q -c "$uri" version >/dev/null || notok "after a rebuild"
    [ "$(grep -o '<selfvers>.*</selfvers>' "$f")" != "$before" ] && ok "rebuild of ours re-probes" ||
        notok "rebuild of ours re-probes"
else
    echo "ok - rebuild of ours re-probes # SKIP library not found or not writable"
fi
exit $fail
