#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# Our overhead on a live migration between two daemons over TLS, next to
# Debian's libvirtd 9.0 doing the same (issue 16's goals: wall time of the
# migrate call minus QEMU's own total-time at most 20 ms, and at most a
# fifth of libvirtd's). In a network namespace of its own: two virtqemud,
# each with its own root, then two libvirtd (tests/privatelibvirtd.sh),
# all listening for TLS on 127.0.0.1 with certificates made by certtool.
# A paused plain guest of 64 MiB is migrated back and forth by
# build/bench/benchmigrate --daemons (a client on our library, the same
# for both), peer-to-peer and client-managed, the data in plain TCP and
# then with --tls (VIR_MIGRATE_TLS). QEMU's total-time comes from the
# source's domain log (ours) or libvirtd's debug log of its monitor.
# First, for each kind of daemon, what opening a TLS connection costs
# (the source daemon of the first peer-to-peer migration to a host pays
# it). After each series, the CPU time both daemons used during it, per
# migration (/proc/PID/stat): their own work, as against the overhead,
# which also counts their waits for a CPU, the disk and each other.
# Prints numbers; never fails on time.
#
# Then the issue's own case between our two daemons: the tests' real
# teaming guest (net_failover, wait-unplug included), TEAMING_RUNS times
# each way (default 4; 0 skips it), at TEAMING_BANDWIDTH MiB/s (default
# 32; 0: unlimited).
#
# Each daemon's runtime state is on a tmpfs, as on a host: our ROOT/run
# is a link into one, as the system root's is to /run/libvirt/virtqemud
# (docs/daemon.rst; the daemon makes the link's target), and libvirtd's
# /run is one. RUN_TMPFS=0 keeps both on the disk under /tmp, the layout
# of our earlier versions (on ext4 each record written costs a new inode
# and a flush of the old one).
#
# usage: bench/migratedaemons.sh [BUILDDIR] [RUNS]   (default: build, 20)
# KEEP=1 keeps the roots (daemon and domain logs) for a look afterwards;
# LIBVIRTD=0 skips libvirtd. Needs root (namespaces).
# Exit 1 when a daemon or a migration failed, 77 when certtool, QEMU or
# root is missing.
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
# shellcheck source=tests/privatelibvirtd.sh
. "$top/tests/privatelibvirtd.sh"
command -v certtool >/dev/null 2>&1 || { echo "certtool (gnutls-bin) is needed"; exit 77; }
command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 is needed"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "a network namespace needs root"; exit 77; }

base=$(mktemp -d /tmp/migratedaemons.XXXXXX)
ns=vqbench$$
pids=
cleanup() {
    # libvirtd's QEMUs first, while it can still stop them
    for s in "$base"/lv*/ns/run/libvirt/libvirt-sock; do
        [ -S "$s" ] && env -u LD_LIBRARY_PATH /usr/bin/virsh -q -c "qemu+unix:///system?socket=$s" \
            destroy bm >/dev/null 2>&1
    done
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    pkill -9 -f "qemu-system-x86_64.*$base" 2>/dev/null
    # the simulated kernels end with their trees, which KEEP keeps
    for f in "$base"/h*/sim/serve.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    # libvirtd's QEMUs (their paths are inside its mount namespace)
    for f in "$base"/lv*/ns/run/libvirt/qemu/*.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
    done
    ip netns del "$ns" 2>/dev/null
    for d in "$base"/tmpfs "$base"/lv*/ns/run; do
        mountpoint -q "$d" && umount -l "$d"
    done
    if [ -n "${KEEP:-}" ]; then echo "# kept $base"; else rm -rf "$base"; fi
}
trap cleanup EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
in_ns() { ip netns exec "$ns" "$@"; }

# one CA; a server certificate for 127.0.0.1 and a client one, used by
# every daemon; the client's (admin) in a pkipath directory
certs=$base/certs pki=$base/pki qemupki=$base/qemupki
mkdir -p "$certs" "$pki" "$qemupki"
tls_mkca "$certs" ca && tls_mkcert "$certs" admin ca client admin &&
    tls_mkcert "$certs" server ca server 127.0.0.1 && tls_mkcert "$certs" client ca client host ||
    { echo "certtool failed"; cat "$certs"/*.log; exit 1; }
cp "$certs/ca.pem" "$pki/cacert.pem"
cp "$certs/admin.pem" "$pki/clientcert.pem"
cp "$certs/admin-key.pem" "$pki/clientkey.pem"
# QEMU's layout, for --tls
cp "$certs/ca.pem" "$qemupki/ca-cert.pem"
for kind in server client; do
    cp "$certs/$kind.pem" "$qemupki/$kind-cert.pem"
    cp "$certs/$kind-key.pem" "$qemupki/$kind-key.pem"
done
tls_dh_params "$qemupki" || { echo "certtool --get-dh-params failed"; exit 1; }
freeport() {
    in_ns python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cat > "$base/bm.xml" <<XML
<domain type='qemu'>
  <name>bm</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices><interface type='user'><mac address='52:54:00:be:00:02'/><model type='virtio'/></interface></devices>
</domain>
XML

# cpu_ms PID...: the CPU time (user + system) the processes used so far,
# in ms (clock ticks of 10 ms on most kernels)
cpu_ms() {
    _t=0
    for _p in "$@"; do
        _t=$((_t + $(awk '{print $14 + $15}' "/proc/$_p/stat")))
    done
    echo $((_t * 1000 / $(getconf CLK_TCK)))
}

# timed_bench N PID... -- BENCH-ARGS: benchmigrate in the namespace, then
# the CPU time the daemons PID... used meanwhile, per migration (N of
# them): how much of the overhead is their own work, not waiting
timed_bench() {
    _n=$1
    shift
    _dp=
    while [ "$1" != -- ]; do _dp="$_dp $1"; shift; done
    shift
    # shellcheck disable=SC2086
    _c0=$(cpu_ms $_dp)
    in_ns "$bench" "$@" || return 1
    # shellcheck disable=SC2086
    _c1=$(cpu_ms $_dp)
    echo "CPU time of both daemons: $((_c1 - _c0)) ms over $_n migrations," \
        "$(((_c1 - _c0) / _n)) ms per migration"
}

# run_bench WHO PIDS URI-1 LOG-1 URI-2 LOG-2: the guest is paused on host 1
run_bench() {
    _who=$1 _pids=$2
    shift 2
    echo "# $_who: $runs migrations of each kind over TLS (127.0.0.1), a paused 64 MiB guest"
    # shellcheck disable=SC2086
    timed_bench $((2 * runs)) $_pids -- --daemons "$@" bm "$runs" || return 1
    echo "# $_who: the same with the migration data over TLS too (--tls)"
    # shellcheck disable=SC2086
    timed_bench $((2 * runs)) $_pids -- --daemons "$@" bm "$runs" tls
}

# 1. ours
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$ns" "$virtqemud" > "$base/virtqemud-ns"
chmod +x "$base/virtqemud-ns"
for h in 1 2; do
    r=$base/h$h
    port=$(freeport)
    eval "port$h=$port"
    mkdir -p "$r/etc/pki/CA" "$r/etc/pki/libvirt/private"
    cp "$certs/ca.pem" "$r/etc/pki/CA/cacert.pem"
    cp "$certs/server.pem" "$r/etc/pki/libvirt/servercert.pem"
    cp "$certs/server-key.pem" "$r/etc/pki/libvirt/private/serverkey.pem"
    cp -r "$qemupki" "$r/etc/pki/qemu"
    if [ "${RUN_TMPFS:-1}" != 0 ]; then
        if ! mountpoint -q "$base/tmpfs"; then
            mkdir -p "$base/tmpfs" && mount -t tmpfs -o mode=0755 vqbench-run "$base/tmpfs" || exit 1
        fi
        ln -s "$base/tmpfs/h$h" "$r/run" || exit 1
    fi
    printf 'listen_tls = 1\ntls_port = "%s"\nlisten_addr = "127.0.0.1"\nhost_uuid = "%s"\n' \
        "$port" "$(cat /proc/sys/kernel/random/uuid)" > "$r/etc/virtqemud.conf"
    # its SR-IOV host and pool 'vfpool', for the teaming guest
    sim_host "$ourvirsh" "$r" ens1f0 4 || { echo "cannot make the SR-IOV host of $r"; exit 1; }
    daemon_start "$base/virtqemud-ns" "$r" "$ourvirsh" --listen || exit 1
    pids="$pids $dpid"
done
uri() { eval "echo qemu+tls://127.0.0.1:\$port$1/system?pkipath=$pki"; }
if [ "${RUN_TMPFS:-1}" != 0 ]; then
    echo "# each daemon's runtime state on a tmpfs, as on a host (RUN_TMPFS=0: on the disk)"
else
    echo "# each daemon's runtime state on the disk ($(df --output=fstype "$base" | tail -n 1); RUN_TMPFS=0)"
fi
# open_bench WHO URI PID: a TLS connection opened, its first call answered
# and closed, 50 times, by Debian's libvirt client (build/bench/benchrpc)
open_bench() {
    echo "# $1: TLS connection open to the first call answered, Debian's libvirt client"
    in_ns "$build/bench/benchrpc" "$2" open 50 "$3" | grep -E '^open_(mean|p99)_ms'
}
# shellcheck disable=SC2086
open_bench virtqemud "$(uri 1)" $(echo $pids | cut -d' ' -f1)
in_ns "$ourvirsh" -q -c "$(uri 1)" create --paused "$base/bm.xml" >/dev/null ||
    { echo "our guest did not start"; exit 1; }
run_bench virtqemud "$pids" "$(uri 1)" "$base/h1/log/bm.log" "$(uri 2)" "$base/h2/log/bm.log" || exit 1

# 1b. ours, the issue's case: the tests' real net_failover guest (256 MiB,
# running), its primary a VF of each host's pool, so that the
# destination's QEMU starts while the source waits for the guest to
# release its VF; BENCHMIGRATE_SETTLE lets it bond the new VF in between.
# At 32 MiB/s (TEAMING_BANDWIDTH, 0: unlimited): QEMU 7.2 under TCG now
# and then corrupts a guest migrated at unlimited speed (docs/bench.rst),
# and the next migration then waits in vain for its unplug; the limit
# lengthens QEMU's own time, not the overhead
truns=${TEAMING_RUNS:-4}
if [ "$truns" -gt 0 ]; then
    for h in 1 2; do in_ns "$ourvirsh" -q -c "$(uri $h)" destroy bm >/dev/null 2>&1; done
    python3 "$top/tests/guest/mkguest.py" "$build/tests/guest" >/dev/null ||
        { echo "cannot build the test guest"; exit 1; }
    guest_xml tm 42 "$base/tm.console" "$build/tests/guest" "" > "$base/tm.xml"
    in_ns "$ourvirsh" -q -c "$(uri 1)" create "$base/tm.xml" >/dev/null ||
        { echo "our teaming guest did not start"; exit 1; }
    waitfor "$base/tm.console" "driver=e1000e master=eth" 90 || exit 1
    sleep 1
    for data in "" tls; do
        echo "# virtqemud: $truns migrations of each kind of a teaming guest over TLS (127.0.0.1)${data:+, the data over TLS too}"
        # shellcheck disable=SC2086
        BENCHMIGRATE_SETTLE=3 BENCHMIGRATE_CONSOLE=$base/tm.console \
            BENCHMIGRATE_BANDWIDTH=${TEAMING_BANDWIDTH:-32} timed_bench $((2 * truns)) $pids -- \
            --daemons "$(uri 1)" "$base/h1/log/tm.log" "$(uri 2)" "$base/h2/log/tm.log" tm "$truns" $data ||
            exit 1
    done
fi
for p in $pids; do kill "$p"; done
wait 2>/dev/null
pids=
pkill -9 -f "qemu-system-x86_64.*$base/h" 2>/dev/null

# 2. libvirtd
[ "${LIBVIRTD:-1}" = 0 ] && exit 0
if ! why=$(libvirtd_usable); then
    echo "# libvirtd skipped: $why"
    exit 0
fi
libvirtd_netns=$ns libvirtd_args=--listen
[ "${RUN_TMPFS:-1}" = 0 ] || libvirtd_run_tmpfs=1
libvirtd_log_outputs="1:file:/var/log/libvirt/libvirtd.log"
libvirtd_qemu_conf="migrate_tls_x509_cert_dir = \"$qemupki\""
lsock1=
for h in 1 2; do
    port=$(freeport)
    eval "lport$h=$port"
    libvirtd_start "$base/lv$h" "listen_tls = 1
listen_tcp = 0
tls_port = \"$port\"
listen_addr = \"127.0.0.1\"
ca_file = \"$certs/ca.pem\"
cert_file = \"$certs/server.pem\"
key_file = \"$certs/server-key.pem\"
host_uuid = \"$(cat /proc/sys/kernel/random/uuid)\"
log_filters = \"1:qemu.qemu_monitor_json\"" || exit 1
    pids="$pids $libvirtd_pid"
    eval "lsock$h=\$libvirtd_uri"
done
luri() { eval "echo qemu+tls://127.0.0.1:\$lport$1/system?pkipath=$pki"; }
# shellcheck disable=SC2086
open_bench libvirtd "$(luri 1)" $(echo $pids | cut -d' ' -f1)
env -u LD_LIBRARY_PATH /usr/bin/virsh -q -c "$lsock1" create --paused "$base/bm.xml" >/dev/null ||
    { echo "libvirtd's guest did not start"; exit 1; }
run_bench libvirtd "$pids" "$(luri 1)" "$base/lv1/ns/log/libvirtd.log" \
    "$(luri 2)" "$base/lv2/ns/log/libvirtd.log" || exit 1
