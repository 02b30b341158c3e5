#!/bin/sh
# Hotplug of a teaming pair into a running real guest (simulated SR-IOV):
# attach the standby then the primary (a VF of the pool 'vfpool', which
# takes the standby's MAC), the guest bonds them and negotiates failover;
# the standby cannot go while its primary is attached; detach the primary
# (the guest keeps the standby, the VF goes back), then the standby. Also: a primary naming a missing standby is refused,
# and --config changes the definition only. A `virsh event --all --loop`
# in another process (embedded, the same root) sees each device added
# and removed, the primary once the standby negotiated failover.
set -u
virsh=$1
top=$2
builddir=$3
guest=$builddir/guest
root=$(mktemp -d /tmp/hotplugtest.XXXXXX)
uri="qemu:///embed?root=$root"
. "$top/tests/guest/testlib.sh"
evpid=
trap '[ -n "$evpid" ] && kill "$evpid" 2>/dev/null; "$virsh" -q -c "$uri" destroy hp >/dev/null 2>&1; rm -rf "$root"' EXIT
python3 "$top/tests/guest/mkguest.py" "$guest" || exit 1
sim_host "$virsh" "$root" ens1f0 2 || { notok "simulated host"; exit 1; }
vf=0000:03:07.1
mac0=$(vf_mac "$root" $vf)
is_mac "$mac0" || { notok "the simulated VF has a MAC: '$mac0'"; exit 1; }
cat > "$root/hp.xml" <<XML
<domain type='qemu'>
  <name>hp</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <!-- two for the USB controller and the balloon, two for the pair -->
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <serial type='file'><source path='$root/console'/></serial>
  </devices>
</domain>
XML
cat > "$root/sb.xml" <<XML
<interface type='user'>
  <mac address='52:54:00:4b:00:01'/>
  <model type='virtio'/>
  <teaming type='persistent'/>
  <alias name='ua-sb'/>
</interface>
XML
cat > "$root/pr.xml" <<XML
<interface type='network'>
  <source network='vfpool'/>
  <teaming type='transient' persistent='ua-sb'/>
  <alias name='ua-vf'/>
</interface>
XML

"$virsh" -q -c "$uri" define "$root/hp.xml" && "$virsh" -q -c "$uri" start hp || notok "start"
waitfor "$root/console" "GUEST-READY" 60 || notok "guest boots"
"$virsh" -c "$uri" event --all --loop --timeout 300 >"$root/events" 2>&1 &
evpid=$!
sleep 1

"$virsh" -q -c "$uri" attach-device hp "$root/pr.xml" 2>"$root/err" && notok "primary without standby refused" ||
    { grep -q "no interface in this domain has <alias name='ua-sb'/>" "$root/err" &&
      ok "a primary naming a missing standby is refused" || { notok "refusal message"; cat "$root/err"; }; }
"$virsh" -q -c "$uri" attach-device hp "$root/sb.xml" && ok "standby attached" || notok "standby attached"
waitfor "$root/console" "mac=52:54:00:4b:00:01 driver=virtio_net master=eth" 20 && ok "guest enslaves the standby" ||
    notok "guest enslaves the standby"
"$virsh" -q -c "$uri" attach-device hp "$root/pr.xml" && ok "primary attached" || notok "primary attached"
waitfor "$root/console" "mac=52:54:00:4b:00:01 driver=e1000e master=eth" 30 &&
    ok "guest bonds the primary with the standby's MAC" || notok "guest bonds the primary"
out=$("$virsh" -c "$uri" domifteaming hp)
echo "$out" | grep -Eq "^ ua-sb +ua-vf +$vf +52:54:00:4b:00:01 +yes$" && ok "domifteaming: negotiated yes" ||
    { notok "domifteaming"; echo "$out"; }
[ "$(pool_used "$virsh" "$root")" = 1 ] && [ "$(vf_mac "$root" $vf)" = 52:54:00:4b:00:01 ] &&
    ok "the primary took a VF of the pool, with the guest's MAC" || notok "VF taken from the pool"
# the listener (another process) hears of the negotiated primary within
# its half-second sync: wait for it, as a change undone faster than that
# by another process would not be seen
for _ in $(seq 50); do
    grep -q "^event 'device-added' for domain 'hp': ua-vf$" "$root/events" && break
    sleep 0.1
done
"$virsh" -q -c "$uri" detach-device hp "$root/sb.xml" 2>"$root/err" && notok "standby with primary refused" ||
    { grep -q "still has its primary 'ua-vf' attached" "$root/err" && ok "standby with its primary cannot go" ||
      { notok "standby refusal message"; cat "$root/err"; }; }
lines=$(wc -l < "$root/console")
"$virsh" -q -c "$uri" detach-device hp "$root/pr.xml" && ok "primary detached" || notok "primary detached"
# the guest prints its whole list of NICs whenever it changes: the last
# list printed after the detach must have the standby and no e1000e
netlist() {  # netlist FROM-LINE: the last complete list after FROM-LINE
    tail -n +"$1" "$root/console" | awk '/^GUEST-NET /{cur = cur $0 "\n"} /^GUEST-NETS-END/{last = cur; cur = ""} END{printf "%s", last}'
}
_i=0
while [ $_i -lt 200 ]; do
    list=$(netlist "$lines")
    echo "$list" | grep -q "driver=virtio_net master=eth" && ! echo "$list" | grep -q "driver=e1000e" && break
    sleep 0.1
    _i=$((_i + 1))
done
if echo "$list" | grep -q "^GUEST-NET "; then
    echo "$list" | grep -q "driver=e1000e" && notok "e1000e gone from the guest" || ok "the VF is gone from the guest"
    echo "$list" | grep -q "driver=virtio_net master=eth" && ok "the guest keeps the standby" ||
        notok "the guest keeps the standby"
else
    notok "the guest lists its NICs after the detach"
fi
[ "$(pool_used "$virsh" "$root")" = 0 ] && [ "$(vf_mac "$root" $vf)" = "$mac0" ] &&
    ok "detached VF back in the pool with its MAC restored" || notok "detached VF released"
"$virsh" -q -c "$uri" detach-device hp "$root/sb.xml" && ok "standby detached" || notok "standby detached"
live=$("$virsh" -q -c "$uri" dumpxml hp) && echo "$live" | grep -q "<name>hp</name>" &&
    ! echo "$live" | grep -q "<interface" && ok "no interface left in the live XML" || notok "live XML"
# <link state='down'/> reaches the guest (QEMU takes it over QMP, not on
# its command line): next to a NIC whose link is up, it stays down
for l in up down; do
    mac=52:54:00:4b:00:2$([ $l = up ] && echo 1 || echo 2)
    printf "<interface type='user'>\n  <mac address='%s'/>\n  <model type='e1000e'/>\n  <link state='%s'/>\n</interface>\n" \
        "$mac" "$l" > "$root/link-$l.xml"
    "$virsh" -q -c "$uri" attach-device hp "$root/link-$l.xml" || notok "attach a NIC with link $l"
done
if waitfor "$root/console" "mac=52:54:00:4b:00:21 driver=e1000e master=none state=up" 20; then
    sleep 1
    last=$(grep "mac=52:54:00:4b:00:22 " "$root/console" | tail -n 1)
    echo "$last" | grep -q "state=down" && ok "the guest sees the link down" ||
        { notok "link down in the guest"; echo "# $last"; }
else
    notok "the NIC with its link up comes up"
fi
for l in up down; do "$virsh" -q -c "$uri" detach-device hp "$root/link-$l.xml" || notok "detach link $l"; done
# the listener syncs with the root every half second
sleep 2
kill -INT "$evpid"; wait "$evpid"; evpid=
grep "device-" "$root/events" >"$root/devevents"
cat >"$root/devevents.expected" <<EOF
event 'device-added' for domain 'hp': ua-sb
event 'device-added' for domain 'hp': ua-vf
event 'device-removed' for domain 'hp': ua-vf
event 'device-removed' for domain 'hp': ua-sb
EOF
if ! grep -q "^events received: " "$root/events"; then
    notok "virsh event ran"; sed 's/^/# /' "$root/events"
else
    # the two NICs of the link check: added and removed, aliases assigned
    grep -c "^event 'device-added' for domain 'hp': net" "$root/events" | grep -qx 2 &&
        grep -c "^event 'device-removed' for domain 'hp': net" "$root/events" | grep -qx 2 &&
        ok "event: the link NICs added and removed" ||
        { notok "event: link NICs"; sed 's/^/# /' "$root/events"; }
    if grep -v ": net[0-9]*$" "$root/devevents" | diff "$root/devevents.expected" - >"$root/ev.diff"; then
        ok "event: standby and primary added (once negotiated) and removed, from another process"
    else
        notok "event: teaming pair"; sed 's/^/# /' "$root/ev.diff"
    fi
fi
"$virsh" -q -c "$uri" attach-device --config hp "$root/sb.xml" && ok "--config attach" || notok "--config attach"
"$virsh" -q -c "$uri" dumpxml --inactive hp | grep -q "<alias name='ua-sb'/>" && ok "definition has the standby" || notok "definition"
if live=$("$virsh" -q -c "$uri" dumpxml hp) && echo "$live" | grep -q "<name>hp</name>"; then
    echo "$live" | grep -q "<alias name='ua-sb'/>" && notok "live unchanged by --config" || ok "live unchanged by --config"
else
    notok "live XML of hp after --config attach"
fi
exit $fail
