#!/bin/sh
# One holder per host PCI device (ROOT/run/hostdev/ADDR.owner), on a
# simulated SR-IOV host (PF ens1f0, VFs 0000:03:07.1 and .2 in the pool
# 'vfpool'). Guests start paused and have no disk: QEMU runs, nothing boots.
#  a. pool guest a1 gets 07.1; h2 naming 07.1 directly is refused naming
#     a1 and the pool, and the VF keeps a1's MAC;
#  b. two guests naming the same VF (interface or plain <hostdev>): the
#     second start is refused naming the first;
#  c. a VF held by a guest naming it is skipped by the pool, and an
#     exhausted pool says VFs are held outside it;
#  d. hot-plug of a held VF is refused and changes nothing;
#  e. what a SIGKILLed attach-device --live leaves (saved VF settings, an
#     ownership record of a domain run that does not have the device) and
#     records of domain runs that are gone are undone by the next open;
#  f. the destination of a migration (a second root, host B, whose one
#     pool VF a local guest names directly) refuses to give the incoming
#     guest that VF: the migration fails before the source gives up
#     anything.
set -u
virsh=$1
top=$2
. "$top/tests/guest/testlib.sh"
need_qemu
root=$(mktemp -d /tmp/hostdevownertest.XXXXXX)
uri="qemu:///embed?root=$root"
rootB=$root/hostB
uriB="qemu:///embed?root=$rootB"
trap 'for d in a1 a5 h2 h3 p4 hp m; do "$virsh" -q -c "$uri" destroy $d >/dev/null 2>&1; done
      for d in d1 m; do "$virsh" -q -c "$uriB" destroy $d >/dev/null 2>&1; done; rm -rf "$root"' EXIT
v() { "$virsh" -q -c "$uri" "$@"; }

sim_host "$virsh" "$root" ens1f0 2 || { notok "simulated host"; exit 1; }
x=0000:03:07.1
y=0000:03:07.2
macx=$(vf_mac "$root" $x)
macy=$(vf_mac "$root" $y)
[ -n "$macx" ] && [ -n "$macy" ] && [ "$macx" != "$macy" ] && ok "simulated VFs have their own MACs" ||
    notok "simulated VFs' MACs ($macx, $macy)"

# domain NAME MAC-SUFFIX DEVICE-XML: a q35 guest with one device and two
# free root ports (for hot-plug)
domain() {
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    $3
  </devices>
</domain>
XML
    v define "$root/$1.xml" >/dev/null || notok "define $1"
}
pool_nic() { echo "<interface type='network'><mac address='52:54:00:0e:00:$1'/><source network='vfpool'/></interface>"; }
vf_nic() {  # vf_nic MAC-SUFFIX FUNCTION
    echo "<interface type='hostdev' managed='yes'><mac address='52:54:00:0e:00:$1'/><source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x$2'/></source></interface>"
}
plain() {  # plain FUNCTION
    echo "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x07' function='0x$1'/></source></hostdev>"
}
# refused NAME WHAT REGEX: starting NAME fails with an error matching REGEX
refused() {
    if v start --paused "$1" 2>"$root/err"; then
        notok "$2: the start succeeded"
    elif grep -Eq "$3" "$root/err"; then
        ok "$2"
    else
        notok "$2: wrong error"; sed 's/^/# /' "$root/err"
    fi
}
running() { v domstate "$1" 2>/dev/null | grep -q "^paused"; }

# a. a pool guest, then a guest naming its VF directly
domain a1 01 "$(pool_nic 01)"
domain h2 02 "$(vf_nic 02 1)"
v start --paused a1 && running a1 && ok "a1 started" || notok "a1 started"
v dumpxml a1 | grep -q "bus='0x03' slot='0x07' function='0x1'" && [ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:01 ] &&
    ok "a1 got $x from the pool, with its MAC" || notok "a1's VF"
grep -q "^holder=qemu/.*/52:54:00:0e:00:01$" "$root/run/hostdev/$x.owner" &&
    grep -q "^network=vfpool$" "$root/run/hostdev/$x.owner" &&
    ok "the ownership record of $x names a1's interface and the pool" || notok "record of $x"
refused h2 "a VF of a pool guest named directly is refused" \
    "PCI device $x is in use by domain 'a1' \(a VF of network 'vfpool'\)"
[ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:01 ] && ok "the refused start left a1's MAC on $x" ||
    notok "MAC of $x after the refused start: $(vf_mac "$root" $x)"
running a1 && ! running h2 && ok "a1 still runs, h2 does not" || notok "states after the refusal"
v destroy a1 >/dev/null || notok "destroy a1"
[ "$(vf_mac "$root" $x)" = "$macx" ] && [ ! -e "$root/run/hostdev/$x.owner" ] &&
    [ ! -e "$root/run/hostdev/$x.vf" ] && ok "destroy gives $x its MAC back and drops its records" ||
    notok "after destroy a1: MAC $(vf_mac "$root" $x), $(ls "$root/run/hostdev")"

# b. two guests naming the same VF
domain h3 03 "$(vf_nic 03 1)"
domain p4 04 "$(plain 1)"
v start --paused h2 && running h2 && [ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:02 ] &&
    ok "h2 started naming $x" || notok "h2 started"
refused h3 "a second interface naming the VF is refused" "PCI device $x is in use by domain 'h2'; "
refused p4 "a plain <hostdev> naming the VF is refused" "PCI device $x is in use by domain 'h2'; "
[ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:02 ] && ok "$x keeps h2's MAC" || notok "MAC of $x: $(vf_mac "$root" $x)"

# c. the pool skips the VF h2 holds
v start --paused a1 && v dumpxml a1 | grep -q "bus='0x03' slot='0x07' function='0x2'" &&
    ok "the pool gives a1 $y, not the $x h2 holds" || notok "a1's VF with $x held"
domain a5 05 "$(pool_nic 05)"
refused a5 "an exhausted pool says a VF is held outside it" \
    "network 'vfpool' has no free VF: 1 of its 2 VFs are in use by its guests and 1 held outside the pool"
v destroy a1 >/dev/null || notok "destroy a1 (c)"

# d. hot-plug of the VF h2 holds into a running guest
domain hp 06 ""
v start --paused hp && running hp || notok "hp started"
vf_nic 06 1 > "$root/hp-nic.xml"
plain 1 > "$root/hp-plain.xml"
for dev in nic plain; do
    if v attach-device hp "$root/hp-$dev.xml" --live 2>"$root/err"; then
        notok "hot-plug ($dev) of a held VF: attached"
    elif grep -q "PCI device $x is in use by domain 'h2'" "$root/err"; then
        ok "hot-plug ($dev) of a held VF is refused naming h2"
    else
        notok "hot-plug ($dev): wrong error"; sed 's/^/# /' "$root/err"
    fi
done
v dumpxml hp > "$root/hp-live.xml" && grep -q "<name>hp</name>" "$root/hp-live.xml" &&
    ! grep -q "bus='0x03' slot='0x07' function='0x1'" "$root/hp-live.xml" &&
    [ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:02 ] &&
    grep -q "^domain=h2$" "$root/run/hostdev/$x.owner" &&
    ok "the refused hot-plugs changed neither the VF nor hp" || notok "after the refused hot-plugs"
# a free VF hot-plugs, and detach gives it back
vf_nic 07 2 > "$root/hp-free.xml"
v attach-device hp "$root/hp-free.xml" --live && [ "$(vf_mac "$root" $y)" = 52:54:00:0e:00:07 ] &&
    grep -q "^domain=hp$" "$root/run/hostdev/$y.owner" && ok "hot-plug of a free VF records hp" ||
    notok "hot-plug of a free VF"
# (no detach: without a guest nobody confirms an unplug; stopping hp
# releases what it holds)
v destroy hp >/dev/null
[ "$(vf_mac "$root" $y)" = "$macy" ] && [ ! -e "$root/run/hostdev/$y.owner" ] &&
    ok "stopping hp gives $y back" || notok "after hp stopped: $(ls "$root/run/hostdev")"
v destroy h2 >/dev/null || notok "destroy h2"
[ -z "$(ls "$root/run/hostdev")" ] && [ "$(vf_mac "$root" $x)" = "$macx" ] &&
    ok "nothing left in run/hostdev, $x has its MAC" || notok "left: $(ls "$root/run/hostdev")"

# e. a SIGKILLed attach-device --live: hp runs, $y has hp's MAC, saved
# settings and a record naming this run of hp, but hp's status has no such
# device; a record of a domain run that is gone holds $x
v start --paused hp && running hp || notok "hp started (e)"
uuid=$(v domuuid hp)
id=$(v domid hp)
printf '[vf]\nmac=%s\nvlan=0\n' "$macy" > "$root/run/hostdev/$y.vf"
printf '[owner]\nholder=qemu/%s/%s/52:54:00:0e:00:08\ndomain=hp\n' "$uuid" "$id" > "$root/run/hostdev/$y.owner"
echo 52:54:00:0e:00:08 > "$root/sim/sys/bus/pci/devices/$y/sim_admin_mac"
printf '[owner]\nholder=qemu/%s/%s/hostdev\ndomain=gone\n' 7b1f4a2e-5c3d-4e6f-8a9b-0c1d2e3f4a5b 4 > "$root/run/hostdev/$x.owner"
[ "$(vf_mac "$root" $y)" = 52:54:00:0e:00:08 ] && [ -s "$root/run/hostdev/$y.vf" ] &&
    [ -s "$root/run/hostdev/$x.owner" ] && ok "planted a half-done hot-plug and a dead holder" ||
    notok "planting"
v list >/dev/null || notok "list"
[ "$(vf_mac "$root" $y)" = "$macy" ] && [ ! -e "$root/run/hostdev/$y.vf" ] &&
    [ ! -e "$root/run/hostdev/$y.owner" ] &&
    ok "the next open restores the half-assigned VF and drops its record" ||
    notok "half-assigned $y: MAC $(vf_mac "$root" $y), $(ls "$root/run/hostdev")"
[ ! -e "$root/run/hostdev/$x.owner" ] && ok "the record of a holder that is gone is dropped" ||
    notok "dead holder's record of $x kept"
running hp && ok "hp still runs" || notok "hp stopped by the reconcile"
# a saved setting nobody holds, and the records of a running guest, kept
v start --paused h2 >/dev/null || notok "h2 started (e)"
printf '[vf]\nmac=%s\nvlan=0\n' "$macy" > "$root/run/hostdev/$y.vf"
echo 52:54:00:0e:00:09 > "$root/sim/sys/bus/pci/devices/$y/sim_admin_mac"
v list >/dev/null
[ "$(vf_mac "$root" $y)" = "$macy" ] && [ ! -e "$root/run/hostdev/$y.vf" ] &&
    ok "saved settings without a holder are put back" || notok "orphan saved settings of $y"
[ -e "$root/run/hostdev/$x.owner" ] && [ -e "$root/run/hostdev/$x.vf" ] &&
    [ "$(vf_mac "$root" $x)" = 52:54:00:0e:00:02 ] &&
    ok "a running guest's record and saved settings are kept" || notok "h2's records"
v destroy h2 >/dev/null
v destroy hp >/dev/null
[ -z "$(ls "$root/run/hostdev")" ] && ok "run/hostdev empty at the end" ||
    notok "left: $(ls "$root/run/hostdev")"

# f. migration destination: B's only pool VF is held by d1, which names it
mkdir -p "$rootB/etc"
echo 'migration_unplug_timeout = 2' > "$root/etc/qemu.conf.new"
cat "$root/etc/qemu.conf" >> "$root/etc/qemu.conf.new" && mv "$root/etc/qemu.conf.new" "$root/etc/qemu.conf"
sim_host "$virsh" "$rootB" ens1f0 1 || notok "simulated host B"
macB=$(vf_mac "$rootB" $x)
cat > "$rootB/d1.xml" <<XML
<domain type='qemu'>
  <name>d1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>$(vf_nic 11 1)</devices>
</domain>
XML
"$virsh" -q -c "$uriB" define "$rootB/d1.xml" >/dev/null && "$virsh" -q -c "$uriB" start --paused d1 &&
    [ "$(vf_mac "$rootB" $x)" = 52:54:00:0e:00:11 ] && ok "host B: d1 runs on $x" || notok "d1 on host B"
domain m 12 "<interface type='user'><mac address='52:54:00:0e:00:12'/><model type='virtio'/>
      <teaming type='persistent'/><alias name='ua-sb'/></interface>
    <interface type='network'><source network='vfpool'/><teaming type='transient' persistent='ua-sb'/></interface>"
v start --paused m && running m || notok "m started"
if "$virsh" -q -c "$uri" migrate --live --unsafe m "$uriB" 2>"$root/err"; then
    notok "migration to a host whose VF is held: it succeeded"
elif grep -q "network 'vfpool' has no free VF: 0 of its 1 VFs are in use by its guests and 1 held outside the pool" "$root/err"; then
    ok "the destination refuses the VF d1 holds, naming why"
else
    notok "migration to a host whose VF is held: wrong error"; sed 's/^/# /' "$root/err"
fi
running m && "$virsh" -q -c "$uriB" list --all --name > "$root/listB" && grep -qx d1 "$root/listB" &&
    ! grep -qx m "$root/listB" && ok "m stays on host A, host B has no m" || notok "where m is"
[ "$(vf_mac "$rootB" $x)" = 52:54:00:0e:00:11 ] && grep -q "^domain=d1$" "$rootB/run/hostdev/$x.owner" &&
    ok "host B: $x keeps d1's MAC and record" || notok "host B's $x: MAC $(vf_mac "$rootB" $x)"
v destroy m >/dev/null
"$virsh" -q -c "$uriB" destroy d1 >/dev/null
[ "$(vf_mac "$rootB" $x)" = "$macB" ] && [ -z "$(ls "$rootB/run/hostdev")" ] &&
    ok "host B: d1 stopped, $x has its MAC back" || notok "host B after d1: $(ls "$rootB/run/hostdev")"
exit $fail
