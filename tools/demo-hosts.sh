#!/bin/sh
# The demo between two hosts on one machine: two network namespaces
# (tests/nshosts.sh: host 1 or A 192.0.2.11, host 2 or B 192.0.2.12, on a bridge),
# each with its own root, its own simulated SR-IOV PF and VF pool, and its
# own virtqemud listening for TLS with certificates made by certtool for
# this run. From an administrator's station (192.0.2.2, on the bridge)
# Debian's virsh boots the net_failover guest on host A and migrates it
# live to host B with --p2p --tls --verbose; the guest's bond is shown
# before and after, with the host VF it uses on each host. Everything is
# removed at the end. Needs root (network namespaces).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
ourvirsh=$build/tools/virsh
virtqemud=$build/src/virtqemud
dvirsh=/usr/bin/virsh
nshosts_tests=$top/tests
. "$top/tests/nshosts.sh"
. "$top/tests/tlscerts.sh"
# Debian's virsh and python use Debian's libvirt.so.0
unset LD_LIBRARY_PATH

die() { echo "demo-hosts: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "network namespaces need root"
[ -x "$virtqemud" ] && [ -x "$ourvirsh" ] || die "build first: meson setup build && meson compile -C build"
[ -x "$dvirsh" ] || die "Debian's virsh is needed (libvirt-clients; .ci/install-deps installs it)"
command -v certtool >/dev/null || die "certtool is needed (gnutls-bin; .ci/install-deps installs it)"

dir=$(mktemp -d /tmp/virt-demo-hosts.XXXXXX)
pki=$dir/pki
teardown() {
    for h in 1 2; do
        "$dvirsh" -q -c "qemu+unix:///system?socket=$dir/h$h/run/virtqemud-sock" destroy demo \
            >/dev/null 2>&1
    done
    pids=$(nshosts_qemus "$dir")
    nshosts_down "$dir"
    for p in $pids; do
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap teardown EXIT
trap 'exit 1' INT TERM

# admin CMD...: CMD on the administrator's station
admin() { nshosts_exec "$dir" 0 "$@"; }
uri() { echo "qemu+tls://$(nshosts_addr "$1")/system?pkipath=$pki"; }
A=$(uri 1) B=$(uri 2)

python3 "$top/tests/guest/mkguest.py" "$dir/guest" || die "cannot make the test guest"

echo "== two hosts: network namespaces on a bridge, each with a simulated PF (4 VFs) and the pool vfpool"
nshosts_up "$dir" 2 "$ourvirsh" && nshosts_admin "$dir" || die "cannot make the hosts"
for h in 1 2; do
    echo "host $h: namespace $(nshosts_ns "$dir" $h), address $(nshosts_addr $h), root $dir/h$h"
done
echo "administrator's station: namespace $(nshosts_ns "$dir" 0), address 192.0.2.2"

echo "== certificates (certtool): a CA, a server and a client certificate per host, the administrator's"
tls_admin_pki "$dir/certs" "$pki" || die "certtool failed"
for h in 1 2; do
    r=$dir/h$h addr=$(nshosts_addr $h)
    tls_host_pki "$dir/certs" "$r" "host$h" "$addr" || die "certtool failed"
    printf 'migration_host = "%s"\n' "$addr" >> "$r/etc/qemu.conf"
    printf 'listen_addr = "%s"\n' "$addr" > "$r/etc/virtqemud.conf"
    echo "host $h: ROOT/etc/pki/ $(cd "$r/etc/pki" && find . -type f | sort | sed 's|^\./||' | tr '\n' ' ')"
done

echo "== virtqemud --listen on each host"
for h in 1 2; do
    nshosts_daemon_start "$dir" $h "$virtqemud" "$dvirsh" --listen || die "host $h's daemon did not start"
    grep "listening for TLS" "$dir/h$h/daemon.log" | sed "s|^.*: |host $h: |"
done

guest_xml demo 01 "$dir/demo-console.log" "$dir/guest" "guest.ping=10.0.2.2" > "$dir/demo.xml"
echo "== Debian's virsh -c $A define + start demo"
admin "$dvirsh" -c "$A" define "$dir/demo.xml" && admin "$dvirsh" -c "$A" start demo ||
    die "cannot start the guest on host 1"
echo "== waiting for the guest to bond its NICs"
waitfor "$dir/demo-console.log" "driver=e1000e master=" 120 || die "the guest did not bond"
waitfor "$dir/demo-console.log" "GUEST-PING ok" 30 || die "no traffic through the bond"

# show H: the guest on host H: its bond (serial console), its primary's
# VF (a VF of host H's PF), both pools
show() {
    echo "-- the guest's network devices (its serial console):"
    grep "GUEST-NET" "$dir/demo-console.log" | tail -n 3
    tail -n 20 "$dir/demo-console.log" | grep -q "GUEST-PING ok" &&
        echo "traffic over the failover master: ping ok"
    echo "-- virsh -c $(uri "$1") domifteaming demo (the primary is a VF of host $1's PF):"
    admin "$ourvirsh" -c "$(uri "$1")" domifteaming demo
    for h in 1 2; do
        echo "-- host $h's pool: $(admin "$dvirsh" -c "$(uri $h)" net-dumpxml vfpool | head -n 1)"
    done
}
echo "== the guest on host 1 (A)"
show 1

lines=$(wc -l < "$dir/demo-console.log")
echo "== Debian's virsh -c $A migrate --live --p2p --tls --verbose demo qemu+tls://$(nshosts_addr 2)/system"
admin "$dvirsh" -c "$A" migrate --live --p2p --tls --verbose demo "qemu+tls://$(nshosts_addr 2)/system" ||
    die "the migration failed"
echo "== virsh list on each host"
for h in 1 2; do
    echo "host $h: $(admin "$dvirsh" -c "$(uri $h)" list --all | sed -n 's/^ *[0-9-]\+ \+demo \+//p')"
done
echo "== waiting for the guest to bond host 2's VF"
waitafter "$dir/demo-console.log" "$lines" "driver=e1000e master=" 120 || die "the guest did not bond again"
lines=$(wc -l < "$dir/demo-console.log")
waitafter "$dir/demo-console.log" "$lines" "GUEST-PING ok" 30 || die "no traffic through the bond"
echo "== the guest on host 2 (B)"
show 2
echo "== virsh -c $B domjobinfo --completed demo"
admin "$dvirsh" -c "$B" domjobinfo --completed demo

echo "== teardown"
trap - EXIT
names=$(cat "$dir/nshosts")
teardown
left=
for ns in $names; do
    ip netns list | grep -qw "$ns" && left="$left $ns"
done
[ -z "$left" ] && [ ! -e "$dir" ] && echo "nothing left: namespaces, daemons, QEMUs and $dir removed" ||
    die "left behind:$left"
