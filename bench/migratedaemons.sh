#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# Our overhead on a live migration between two daemons over TLS (issue
# 16's goal: wall time of the migrate call minus QEMU's own total-time at
# most 20 ms): two virtqemud, each with its own root and certificates
# (certtool), listening for TLS on 127.0.0.1; a paused plain guest of
# 64 MiB migrated back and forth by build/bench/benchmigrate --daemons,
# peer-to-peer and client-managed, first with the data in plain TCP,
# then with --tls (VIR_MIGRATE_TLS). Prints numbers; never fails on time.
#
# usage: bench/migratedaemons.sh [BUILDDIR] [RUNS]   (default: build, 20)
# KEEP=1 keeps the roots (daemon and domain logs) for a look afterwards.
# Exit 1 when a daemon or a migration failed, 77 when certtool or QEMU
# is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
runs=${2:-20}
virtqemud=$build/src/virtqemud
ourvirsh=$build/tools/virsh
bench=$build/bench/benchmigrate
. "$top/tests/guest/testlib.sh"
. "$top/tests/tlscerts.sh"
command -v certtool >/dev/null 2>&1 || { echo "certtool (gnutls-bin) is needed"; exit 77; }
command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 is needed"; exit 77; }

base=$(mktemp -d /tmp/migratedaemons.XXXXXX)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    pkill -9 -f "qemu-system-x86_64.*$base" 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "# kept $base"; else rm -rf "$base"; fi
}
trap cleanup EXIT

freeport() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
certs=$base/certs pki=$base/pki
mkdir -p "$certs" "$pki"
tls_mkca "$certs" ca && tls_mkcert "$certs" admin ca client admin &&
    tls_mkcert "$certs" server ca server 127.0.0.1 && tls_mkcert "$certs" client ca client host ||
    { echo "certtool failed"; cat "$certs"/*.log; exit 1; }
cp "$certs/ca.pem" "$pki/cacert.pem"
cp "$certs/admin.pem" "$pki/clientcert.pem"
cp "$certs/admin-key.pem" "$pki/clientkey.pem"
for h in 1 2; do
    r=$base/h$h
    port=$(freeport)
    eval "port$h=$port"
    mkdir -p "$r/etc/pki/CA" "$r/etc/pki/libvirt/private" "$r/etc/pki/qemu"
    cp "$certs/ca.pem" "$r/etc/pki/CA/cacert.pem"
    cp "$certs/server.pem" "$r/etc/pki/libvirt/servercert.pem"
    cp "$certs/server-key.pem" "$r/etc/pki/libvirt/private/serverkey.pem"
    cp "$certs/client.pem" "$r/etc/pki/libvirt/clientcert.pem"
    cp "$certs/client-key.pem" "$r/etc/pki/libvirt/private/clientkey.pem"
    cp "$certs/ca.pem" "$r/etc/pki/qemu/ca-cert.pem"
    for kind in server client; do
        cp "$certs/$kind.pem" "$r/etc/pki/qemu/$kind-cert.pem"
        cp "$certs/$kind-key.pem" "$r/etc/pki/qemu/$kind-key.pem"
    done
    printf 'listen_tls = 1\ntls_port = "%s"\nlisten_addr = "127.0.0.1"\nhost_uuid = "%s"\n' \
        "$port" "$(cat /proc/sys/kernel/random/uuid)" > "$r/etc/virtqemud.conf"
    daemon_start "$virtqemud" "$r" "$ourvirsh" --listen || exit 1
    pids="$pids $dpid"
done
uri() { eval "echo qemu+tls://127.0.0.1:\$port$1/system?pkipath=$pki"; }

cat > "$base/bm.xml" <<XML
<domain type='qemu'>
  <name>bm</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices><interface type='user'><mac address='52:54:00:be:00:02'/><model type='virtio'/></interface></devices>
</domain>
XML
"$ourvirsh" -q -c "$(uri 1)" create --paused "$base/bm.xml" >/dev/null ||
    { echo "the guest did not start"; exit 1; }
echo "# $runs migrations of each kind between two virtqemud over TLS (127.0.0.1), a paused 64 MiB guest"
"$bench" --daemons "$(uri 1)" "$base/h1" "$(uri 2)" "$base/h2" bm "$runs" || exit 1
echo "# the same with the migration data over TLS too (--tls)"
"$bench" --daemons "$(uri 1)" "$base/h1" "$(uri 2)" "$base/h2" bm "$runs" tls || exit 1
