#!/bin/sh
# Real guests under TCG on a simulated SR-IOV host (VFs are emulated e1000e)
# whose primaries come from the hostdev network 'vfpool' (PF ens1f0, 4 VFs):
#  1. a teaming guest boots, its net_failover master enslaves the virtio
#     standby and the VF, traffic flows, domifteaming says negotiated yes;
#     the VF carries the guest's MAC while in use; destroy gives the VF back
#     with its MAC restored and leaves nothing in run/;
#  2. a guest without virtio_net never negotiates: negotiated no;
#  3. QEMU killed while no virsh runs: the next list shows it shut off,
#     run/ is cleaned and its VF is back in the pool;
#  4. two guests started at the same time by two virsh processes get two
#     different VFs; with every VF taken, a start fails naming the pool
#     and leaves nothing behind;
#  5. a process with a stale view of a dead guest does not stop the guest's
#     next run once it gets the root's lock.
set -u
virsh=$1
top=$2
builddir=$3
guest=$builddir/guest
root=$(mktemp -d /tmp/guesttest.XXXXXX)
uri="qemu:///embed?root=$root"
. "$top/tests/guest/testlib.sh"
trap 'for d in g1 g2 g3 g4 g5 g6 g7 g8; do "$virsh" -q -c "$uri" destroy $d >/dev/null 2>&1; done; rm -rf "$root"' EXIT

python3 "$top/tests/guest/mkguest.py" "$guest" || exit 1
sim_host "$virsh" "$root" ens1f0 4 || { notok "simulated host"; exit 1; }
vf1=0000:03:07.1
mac0=$(vf_mac "$root" $vf1)

mkxml() {  # mkxml NAME MACSUFFIX CMDLINE-EXTRA
    guest_xml "$1" "$2" "$root/$1.console" "$guest" "$3" > "$root/$1.xml"
}

# 1. negotiated pair, bond with both slaves, traffic
mkxml g1 01 "guest.ping=10.0.2.2"
"$virsh" -q -c "$uri" define "$root/g1.xml" && "$virsh" -q -c "$uri" start g1 || notok "start g1"
if waitfor "$root/g1.console" "driver=e1000e master=eth" 60 &&
   waitfor "$root/g1.console" "GUEST-PING ok" 30; then
    ok "guest bonds standby and VF, traffic flows"
else
    notok "guest bonds standby and VF"
fi
grep -q "mac=52:54:00:7e:57:01 driver=virtio_net master=eth" "$root/g1.console" &&
    ok "virtio standby enslaved with the shared MAC" || notok "virtio standby enslaved"
out=$("$virsh" -c "$uri" domifteaming g1)
echo "$out" | grep -Eq "^ ua-sb +hostdev0 +0000:03:07.1 +52:54:00:7e:57:01 +yes$" &&
    ok "domifteaming: negotiated yes" || { notok "domifteaming yes"; echo "$out"; }
"$virsh" -q -c "$uri" dumpxml g1 | grep -q "<teaming type='persistent' negotiated='yes'/>" &&
    ok "live XML shows negotiated='yes'" || notok "live XML negotiated"
grep -q "simulated SR-IOV host" "$root/log/g1.log" && ok "log says the host is simulated" || notok "log says simulated"
"$virsh" -q -c "$uri" dumpxml g1 | grep -A2 "<interface type='hostdev' managed='yes'>" | grep -q "<driver name='vfio'/>" &&
    "$virsh" -q -c "$uri" dumpxml --inactive g1 | grep -q "<source network='vfpool'/>" &&
    ok "live XML shows the VF, inactive XML the network" || notok "live/inactive interface type"
grep -q "<actual type='hostdev' managed='yes'>" "$root/run/qemu/g1.xml" && ok "status XML records <actual>" ||
    notok "status <actual>"
[ "$(pool_used "$virsh" "$root")" = 1 ] && ok "pool: one VF in use" || notok "pool connections while running"
[ "$(vf_mac "$root" $vf1)" = 52:54:00:7e:57:01 ] && ok "VF admin MAC is the guest's" ||
    notok "VF admin MAC set ($(vf_mac "$root" $vf1))"
# the VF went to vfio-pci for QEMU (the simulated kernel did the binding
# the daemon asked for), recording the driver it had
vf_driver() { basename "$(readlink "$root/sim/sys/bus/pci/devices/$1/driver")" 2>/dev/null; }
[ "$(vf_driver $vf1)" = vfio-pci ] && [ -e "$root/sim/dev/vfio/$(vf_group $vf1)" ] &&
    grep -qx "driver=iavf" "$root/run/hostdev/$vf1.bind" &&
    ok "the VF is on vfio-pci while the guest runs, iavf recorded" ||
    { notok "the VF's driver: '$(vf_driver $vf1)'"; tail -5 "$root/sim/serve.log"; }
# QEMU locks the guest's memory: its limit is the guest's memory + 1 GiB,
# or it has CAP_IPC_LOCK (root whose container cannot raise limits)
qpid=$(head -n1 "$root/run/qemu/g1.pid")
kib=$("$virsh" -q -c "$uri" dumpxml g1 | sed -n "s|.*<memory unit='KiB'>\([0-9]*\)</memory>.*|\1|p")
want=$(( (kib + 1048576) * 1024 ))
have=$(awk '/^Max locked memory/ { print $4 }' "/proc/$qpid/limits")
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$qpid/status")
if [ "$have" = "$want" ]; then
    ok "QEMU's locked-memory limit is the guest's memory + 1 GiB ($want)"
elif [ $(( 0x$capeff >> 14 & 1 )) = 1 ] && grep -q "locked memory not limited: QEMU has CAP_IPC_LOCK" "$root/log/g1.log"; then
    ok "QEMU locks memory with CAP_IPC_LOCK (this host cannot raise limits; limit $have)"
else
    notok "QEMU's locked memory: limit $have, want $want, CapEff $capeff"
fi
"$virsh" -q -c "$uri" destroy g1 || notok "destroy g1"
[ -z "$(run_left "$root")" ] && [ -z "$(ls "$root/run/hostdev")" ] &&
    ok "nothing left in run/ after destroy" || { notok "run/ cleaned"; ls "$root/run/qemu" "$root/run/hostdev"; }
[ "$(vf_driver $vf1)" = iavf ] && [ ! -e "$root/sim/dev/vfio/$(vf_group $vf1)" ] &&
    ok "the VF is back on iavf after destroy" || notok "the VF's driver after destroy: '$(vf_driver $vf1)'"
[ "$(pool_used "$virsh" "$root")" = 0 ] && [ "$(vf_mac "$root" $vf1)" = "$mac0" ] &&
    ok "VF back in the pool with its MAC restored" || notok "VF released and restored"

# 2. a guest without virtio_net never negotiates
mkxml g2 02 "guest.novirtionet=1"
"$virsh" -q -c "$uri" define "$root/g2.xml" && "$virsh" -q -c "$uri" start g2 || notok "start g2"
if waitfor "$root/g2.console" "GUEST-READY" 60; then
    sleep 1
    out=$("$virsh" -c "$uri" domifteaming g2)
    echo "$out" | grep -Eq "^ ua-sb .* no$" && ok "domifteaming: negotiated no" || { notok "negotiated no"; echo "$out"; }
else
    notok "g2 boots"
fi
"$virsh" -q -c "$uri" destroy g2

# 3. QEMU dies while nobody watches
mkxml g3 03 ""
"$virsh" -q -c "$uri" define "$root/g3.xml" && "$virsh" -q -c "$uri" start g3 || notok "start g3"
pid=$(head -n1 "$root/run/qemu/g3.pid")
kill -9 "$pid"
sleep 0.3
"$virsh" -c "$uri" list --all | grep -Eq "^ -    g3 +shut off$" && ok "killed guest shown shut off" || notok "killed guest shut off"
[ ! -e "$root/run/qemu/g3.xml" ] && ok "status of the dead guest removed" || notok "dead guest status removed"
[ "$(pool_used "$virsh" "$root")" = 0 ] && ok "the dead guest's VF is back in the pool" || notok "dead guest VF released"

# a process that died between taking a VF and recording it: the next
# process to open the root gives the VF back
"$virsh" -q -c "$uri" start --paused g3 >/dev/null || notok "start g3 again"
kill -9 "$(head -n1 "$root/run/qemu/g3.pid")"
rm -f "$root/run/qemu/g3.xml" "$root/run/qemu/g3.pid"   # as if never recorded
[ "$(pool_used "$virsh" "$root")" = 0 ] && ok "an unrecorded VF goes back when the root is opened" ||
    notok "unrecorded VF reconciled"
macs=$(cat "$root"/sim/sys/bus/pci/devices/*/sim_admin_mac)
[ "$(echo "$macs" | wc -l)" = 4 ] && ! echo "$macs" | grep -q "52:54:00:7e:57:03" &&
    ok "the unrecorded VF got its own MAC back" || notok "the unrecorded VF got its own MAC back"
[ -z "$(ls "$root/run/hostdev")" ] && ok "no saved VF settings left behind" || notok "run/hostdev empty"

# 4. two starts at once from two processes
mkxml g4 04 ""
mkxml g5 05 ""
"$virsh" -q -c "$uri" define "$root/g4.xml" && "$virsh" -q -c "$uri" define "$root/g5.xml"
"$virsh" -q -c "$uri" start g4 & p1=$!
"$virsh" -q -c "$uri" start g5 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] && ok "concurrent starts succeed" || notok "concurrent starts"
n=$("$virsh" -c "$uri" list | grep -c running)
[ "$n" = 2 ] && ok "both guests running" || { notok "both running"; "$virsh" -c "$uri" list; }
ids=$("$virsh" -c "$uri" list | awk 'NR>2 && $1 != "" {print $1}' | sort -u | wc -l)
[ "$ids" = 2 ] && ok "distinct ids" || notok "distinct ids"
vfs=$("$virsh" -c "$uri" domifteaming g4; "$virsh" -c "$uri" domifteaming g5)
[ "$(echo "$vfs" | grep -Eo '0000:03:07\.[1-4]' | sort -u | wc -l)" = 2 ] && ok "concurrent starts got two VFs" ||
    { notok "two VFs"; echo "$vfs"; }
# take the last two VFs with paused guests, then one start too many
mkxml g6 06 ""
mkxml g7 07 ""
mkxml g8 08 ""
for d in g6 g7 g8; do "$virsh" -q -c "$uri" define "$root/$d.xml" >/dev/null; done
"$virsh" -q -c "$uri" start --paused g6 >/dev/null && "$virsh" -q -c "$uri" start --paused g7 >/dev/null ||
    notok "start g6 g7"
"$virsh" -q -c "$uri" start g8 2>"$root/g8.err" && notok "start with an empty pool fails" ||
    { grep -q "vfpool" "$root/g8.err" && ok "empty pool: start fails naming the network" ||
      { notok "empty pool message"; cat "$root/g8.err"; }; }
[ "$("$virsh" -q -c "$uri" domstate g8)" = "shut off" ] && [ "$(pool_used "$virsh" "$root")" = 4 ] &&
    [ ! -e "$root/run/qemu/g8.xml" ] && ok "failed start left nothing behind" || notok "failed start clean"
for d in g6 g7; do "$virsh" -q -c "$uri" destroy $d >/dev/null; done

# 5. a process that read run/ before another cleaned up a dead guest and
#    started it again must not stop the new run (nor free its VF) once it
#    gets the root's lock
before=$(pool_used "$virsh" "$root")
"$virsh" -q -c "$uri" start --paused g3 >/dev/null || notok "start g3 for the stale reaper"
kill -9 "$(head -n1 "$root/run/qemu/g3.pid")"
sleep 0.3
flock "$root/lib/qemu/domains.lock" sleep 1.5 & holder=$!
sleep 0.3
"$virsh" -q -c "$uri" list --all >/dev/null 2>&1 & stale=$!
sleep 0.5
kill -STOP $stale       # it has read the dead g3 and waits for the lock
wait $holder
"$virsh" -q -c "$uri" list --all >/dev/null           # cleans up g3
"$virsh" -q -c "$uri" start --paused g3 >/dev/null || notok "restart g3"
pid=$(head -n1 "$root/run/qemu/g3.pid")
kill -CONT $stale; wait $stale
[ -e "$root/run/qemu/g3.xml" ] && [ "$("$virsh" -q -c "$uri" domstate g3)" = paused ] &&
    [ "$(pool_used "$virsh" "$root")" = $((before + 1)) ] && grep -q "52:54:00:7e:57:03" "$root"/sim/sys/bus/pci/devices/*/sim_admin_mac &&
    ok "a stale view of a dead guest leaves its new run and VF alone" ||
    { notok "stale reaper"; ls "$root/run/qemu"; }
kill -0 "$pid" 2>/dev/null || notok "the new QEMU of g3 survived"
"$virsh" -q -c "$uri" destroy g3 >/dev/null
"$virsh" -q -c "$uri" destroy g4
"$virsh" -q -c "$uri" destroy g5
exit $fail
