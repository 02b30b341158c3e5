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
chmod 644 "$f"
"$virsh" -q -c "$uri" version | grep -q "Running hypervisor" && ok "corrupt cache is not fatal" || notok "corrupt cache"
grep -q "<qemuCaps>" "$f" && ok "corrupt cache replaced" || notok "corrupt cache replaced"
[ "$(stat -c %a "$f")" = 600 ] && ok "replacement is mode 0600" || notok "replacement is mode 0600"

sed -i "s|<emulator>.*</emulator>|<emulator>/usr/bin/some-other-qemu</emulator>|" "$f"
"$virsh" -q -c "$uri" version >/dev/null || notok "foreign cache"
grep -q "<emulator>/usr/bin/qemu-system-x86_64</emulator>" "$f" && ok "foreign cache replaced" || notok "foreign cache replaced"

sed -i "s|<flag name='virtio-net.failover'/>||; s|<selfvers>.*</selfvers>|<selfvers>an-older-build</selfvers>|" "$f"
"$virsh" -q -c "$uri" domcapabilities | grep -q "<teaming supported='yes'/>" && ok "cache of another build is re-probed" ||
    notok "another build re-probed"
# re-probed when the emulator's ctime or size changes, or the KVM decision
emu="$root/qemu-wrapper"
printf '#!/bin/sh\nexec /usr/bin/qemu-system-x86_64 "$@"\n' > "$emu"
chmod 755 "$emu"
"$virsh" -q -c "$uri" domcapabilities --emulatorbin "$emu" >/dev/null || notok "wrapper emulator"
w=$(grep -l "<emulator>$emu</emulator>" "$root"/cache/capabilities/*.xml)
[ -n "$w" ] && ok "cache for a second emulator" || { notok "cache for a second emulator"; exit 1; }
same() { [ "$(stat -c %i "$w")" = "$1" ]; }
ino=$(stat -c %i "$w")
"$virsh" -q -c "$uri" domcapabilities --emulatorbin "$emu" >/dev/null
same "$ino" && ok "valid cache trusted" || notok "valid cache trusted"
chmod 700 "$emu"
"$virsh" -q -c "$uri" domcapabilities --emulatorbin "$emu" >/dev/null
same "$ino" && notok "ctime change re-probes" || ok "ctime change re-probes"
ino=$(stat -c %i "$w")
echo "# bigger" >> "$emu"
"$virsh" -q -c "$uri" domcapabilities --emulatorbin "$emu" >/dev/null
grep -q "<size>$(stat -c %s "$emu")</size>" "$w" && ! same "$ino" && ok "size change re-probes" ||
    notok "size change re-probes"
want=no; grep -q "<kvm usable='no'/>" "$w" && want=yes
[ "$want" = yes ] && echo "kvm_usable = 1" > "$root/etc/qemu.conf" || echo "kvm_usable = 0" > "$root/etc/qemu.conf"
"$virsh" -q -c "$uri" domcapabilities --emulatorbin "$emu" --virttype qemu >/dev/null
grep -q "<kvm usable='$want'/>" "$w" && ok "KVM decision change re-probes" || notok "KVM decision change re-probes"
rm -f "$root/etc/qemu.conf"

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
