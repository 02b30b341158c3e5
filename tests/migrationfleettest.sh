#!/bin/sh
# A fleet: four namespace hosts (tests/nshosts.sh, 192.0.2.11-14), each
# with its own root, simulated PF, VF pool 'vfpool' and virtqemud
# listening for TLS (certificates of this run, tests/tlscerts.sh), and an
# administrator's station in the hub namespace (192.0.2.2) from which
# python3-libvirt (tests/migrationfleet.py, the orchestrator) creates a
# real teaming guest (the test guest kernel: virtio standby, VF primary
# from vfpool) and four paused plain guests, then migrates a random guest
# to a random host, p2p or client-managed, FLEET_STEPS times (default 40)
# with random faults: daemons restarted (SIGTERM, SIGKILL) before or
# during a migration, a host's link cut during one, the client killed.
# After each step: each guest runs on exactly one host, no VF is held by
# nothing or by two, no job is left behind (see migrationfleet.py). The
# seed is printed; FLEET_SEED=N repeats a run. Teardown leaves no
# namespace, daemon or QEMU behind.
# usage: migrationfleettest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR BUILDDIR
set -u
virtqemud=$1
ourvirsh=$2
top=$3
builddir=$4
python=/usr/bin/python3
hosts=4
. "$top/tests/nshosts.sh"
. "$top/tests/tlscerts.sh"
need_debian_virsh
tls_need_certtool
need_qemu

nshosts_need

dir=$(mktemp -d /tmp/migfleet.XXXXXX)
guest=$builddir/guest

qemus() { nshosts_qemus "$dir"; }
cleanup() {
    nshosts_down "$dir"
    for p in $(qemus); do
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 1" INT TERM

if ! "$python" "$top/tests/guest/mkguest.py" "$guest" >"$dir/mkguest.out" 2>&1; then
    echo "1..0 # SKIP no test guest: $(tail -n1 "$dir/mkguest.out")"
    exit 77
fi
nshosts_up "$dir" $hosts "$ourvirsh" && nshosts_admin "$dir" ||
    { notok "$hosts hosts made"; exit 1; }
ok "$hosts hosts made, the administrator's station at 192.0.2.2"
tls_admin_pki "$dir/certs" "$dir/pki" || { echo "Bail out! certtool failed"; exit 1; }
h=1
while [ $h -le $hosts ]; do
    r=$dir/h$h addr=$(nshosts_addr $h)
    tls_host_pki "$dir/certs" "$r" "host$h" "$addr" || { echo "Bail out! certtool failed"; exit 1; }
    printf 'migration_host = "%s"\nmigration_unplug_timeout = 10\n' "$addr" >> "$r/etc/qemu.conf"
    printf 'listen_addr = "%s"\n' "$addr" > "$r/etc/virtqemud.conf"
    nshosts_daemon_start "$dir" $h "$virtqemud" "$dvirsh" --listen ||
        { notok "host $h's daemon started"; exit 1; }
    h=$((h + 1))
done
ok "a virtqemud --listen runs in each host"

root=$dir
guest_xml t1 51 "$dir/t1.console" "$guest" "guest.ping=10.0.2.2" > "$dir/t1.xml"
paused=
for i in 1 2 3 4; do
    mkdomain p$i "6c1e2a3b-4d5e-4f60-8a7b-9c0d1e2f30$i$i"
    paused="$paused $dir/p$i.xml"
done

# the orchestrator, from the administrator's station
# shellcheck disable=SC2086
nshosts_exec "$dir" 0 "$python" "$top/tests/migrationfleet.py" run "$dir" "$top/tests/nshosts.sh" \
    "$virtqemud" "$dvirsh" $hosts "$dir/pki" "$dir/t1.xml" $paused || fail=1

# teardown, checked: no namespace, daemon or QEMU of the run is left
names=$(cat "$dir/nshosts") pids=$(cat "$dir"/h*/daemon.pid 2>/dev/null)
running=$(qemus | tr '\n' ' ')
[ -n "$running" ] && [ "$(echo "$names" | wc -l)" = $((hosts + 1)) ] ||
    notok "teardown: the QEMUs ($running) and hosts ($names) of the run are known"
h=1
while [ $h -le $hosts ]; do
    nshosts_sanitized "$dir" $h >"$dir/san" ||
        { notok "host $h's daemon: sanitizer report"; sed 's/^/#   /' "$dir/san"; }
    h=$((h + 1))
done
# the guests destroyed through their daemons, then the hosts removed
h=1
while [ $h -le $hosts ]; do
    u="qemu+unix:///system?socket=$dir/h$h/run/virtqemud-sock"
    for d in $("$dvirsh" -q -c "$u" list --name 2>/dev/null); do
        "$dvirsh" -q -c "$u" destroy "$d" >/dev/null || notok "host $h: destroy $d"
    done
    h=$((h + 1))
done
nshosts_down "$dir"
left=
for ns in $names; do
    ip netns list | grep -qw "$ns" && left="$left namespace $ns"
done
for p in $pids $running $(qemus); do
    kill -0 "$p" 2>/dev/null && left="$left pid $p"
done
[ -z "$left" ] && ok "teardown: no namespace, daemon or QEMU of the run left" ||
    notok "teardown left:$left"
exit $fail
