#!/bin/sh
# virt-sriov-sim --serve as a process: a root with the PF ens1f0 and two
# VFs (0000:03:07.1 in IOMMU group 825, .2), a foreign device in the first
# VF's group; plain shell writes (echo ADDR > FILE) have the kernel's
# effects; a rerun of the tool keeps a VF on vfio-pci; SIGTERM ends the
# server with status 0 and removing the root ends it too; a host made
# without --serve or --no-serve gets its server in the background. Waits are
# bounded polls of the files the server changes.
# usage: virtsriovsimtest.sh VIRT-SRIOV-SIM
set -u
sim=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
root=$tmp/root
sys=$root/sim/sys
dev=$root/sim/dev
vf=0000:03:07.1
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

# wait (at most 20 s) until the shell test $1 holds
waitfor() {
    i=0
    while [ $i -lt 200 ]; do
        eval "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# alive PID: a process that has not exited (a zombie whose parent is
# not ours, e.g. init, may linger: it counts as exited)
alive() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'; }

driver() { basename "$(readlink "$sys/bus/pci/devices/$1/driver")" 2>/dev/null; }

serve() {
    "$sim" --root "$root" --serve >"$tmp/serve.out" 2>&1 &
    pid=$!
    if waitfor '[ -s "$root/sim/serve.pid" ]' &&
       [ "$(cat "$root/sim/serve.pid")" = "$pid" ]; then
        ok "the server writes its pid once it serves"
    else
        notok "the server writes its pid"; cat "$tmp/serve.out"
    fi
}

if ! "$sim" --root "$root" --pf ens1f0 --vfs 2 --group-with "$vf" --no-serve >"$tmp/make" 2>&1; then
    echo "not ok 1 - virt-sriov-sim"; cat "$tmp/make"
    exit 1
fi
foreign=$(sed -n 's/^foreign device \([^ ]*\) .*/\1/p' "$tmp/make")
if [ "$foreign" = 0000:f0:00.0 ] && [ "$(driver "$foreign")" = e1000e ] &&
   [ -L "$sys/kernel/iommu_groups/825/devices/$foreign" ] &&
   [ "$(readlink "$sys/bus/pci/devices/$foreign/iommu_group")" = ../../../kernel/iommu_groups/825 ]; then
    ok "--group-with puts an e1000e device in the VF's group"
else
    notok "--group-with: '$foreign'"; cat "$tmp/make"
fi
if grep -qx "devfs_root = \"$dev\"" "$root/etc/qemu.conf" && [ -e "$dev/vfio/vfio" ]; then
    ok "devfs_root names the simulated /dev"
else
    notok "devfs_root"; cat "$root/etc/qemu.conf"
fi

serve
if "$sim" --root "$root" --serve >"$tmp/second" 2>&1; then
    notok "a second server of the same root is refused"
else
    grep -q "already served" "$tmp/second" && ok "a second server of the same root is refused" ||
        { notok "a second server: message"; cat "$tmp/second"; }
fi

echo "$vf" > "$sys/bus/pci/devices/$vf/driver/unbind"
if waitfor '[ ! -L "$sys/bus/pci/devices/$vf/driver" ]' &&
   [ ! -e "$sys/bus/pci/drivers/iavf/$vf" ]; then
    ok "unbind removes the driver link"
else
    notok "unbind"; cat "$root/sim/serve.log"
fi

echo vfio-pci > "$sys/bus/pci/devices/$vf/driver_override"
echo "$vf" > "$sys/bus/pci/drivers_probe"
if waitfor '[ "$(driver $vf)" = vfio-pci ]' && waitfor '[ -e "$dev/vfio/825" ]' &&
   [ ! -s "$sys/bus/pci/drivers_probe" ]; then
    ok "driver_override and drivers_probe bind to vfio-pci and make /dev/vfio/825"
else
    notok "probe to vfio-pci"; cat "$root/sim/serve.log"
fi

if "$sim" --root "$root" --pf ens1f0 --vfs 2 --no-serve >/dev/null 2>&1 &&
   [ "$(driver $vf)" = vfio-pci ] && [ -e "$dev/vfio/825" ] &&
   [ "$(cat "$sys/bus/pci/devices/$vf/driver_override")" = vfio-pci ]; then
    ok "a rerun of the tool keeps the VF on vfio-pci"
else
    notok "rerun moved the VF: $(driver $vf)"
fi

echo "$vf" > "$sys/bus/pci/drivers/vfio-pci/unbind"
echo > "$sys/bus/pci/devices/$vf/driver_override"
echo "$vf" > "$sys/bus/pci/drivers_probe"
if waitfor '[ "$(driver $vf)" = iavf ]' && [ ! -e "$dev/vfio/825" ] &&
   [ "$(cat "$sys/bus/pci/devices/$vf/driver_override")" = "(null)" ]; then
    ok "unbind, cleared override and drivers_probe: back on iavf"
else
    notok "back to iavf"; cat "$root/sim/serve.log"
fi

# fault knob: the probe is refused (logged) and the VF stays unbound
"$sim" --root "$root" --fail-bind "$vf" >/dev/null
echo "$vf" > "$sys/bus/pci/devices/$vf/driver/unbind"
echo "$vf" > "$sys/bus/pci/drivers_probe"
if waitfor 'grep -qx "drivers_probe $vf: refused: in fail-bind" "$root/sim/serve.log"' &&
   [ -z "$(driver $vf)" ]; then
    ok "--fail-bind: binds of the VF are refused"
else
    notok "--fail-bind"; cat "$root/sim/serve.log"
fi

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc = 0 ] && [ ! -e "$root/sim/serve.pid" ]; then
    ok "SIGTERM: exit 0, pid file removed"
else
    notok "SIGTERM: exit $rc"
fi

serve
rm -rf "$root"
if waitfor '! kill -0 "$pid" 2>/dev/null'; then
    wait "$pid"
    rc=$?
    pid=
    [ $rc = 0 ] && ok "removing the root ends the server" || notok "removed root: exit $rc"
else
    notok "the server outlives its root"
fi

# without --serve or --no-serve, a new host is served in the background
# (detached: this test's output is not held), until its root goes
root2=$tmp/root2
if "$sim" --root "$root2" --pf ens1f0 --vfs 1 >"$tmp/bg" 2>&1 &&
   bg=$(cat "$root2/sim/serve.pid" 2>/dev/null) && alive "$bg"; then
    echo 0000:03:07.1 > "$root2/sim/sys/bus/pci/drivers/iavf/unbind"
    waitfor '[ ! -L "$root2/sim/sys/bus/pci/devices/0000:03:07.1/driver" ]' &&
        ok "a new host is served in the background" ||
        { notok "the background server does not serve"; cat "$root2/sim/serve.log"; }
    "$sim" --root "$root2" --pf ens1f0 --vfs 1 >/dev/null 2>&1 &&
        [ "$(cat "$root2/sim/serve.pid")" = "$bg" ] &&
        [ "$(pgrep -fc "virt-sriov-sim --root $root2 --serve")" = 1 ] &&
        ok "a rerun keeps the one server" || notok "a rerun started another server"
    rm -rf "$root2"
    waitfor '! alive "$bg"' && ok "removing its root ends the background server" ||
        notok "the background server outlives its root"
else
    notok "no background server"; cat "$tmp/bg"
fi

echo "1..$n"
exit $fail
