#!/bin/sh
# The network between two hosts cut in the middle of a peer-to-peer
# migration. Two network namespaces on a bridge (tests/nshosts.sh,
# 192.0.2.11 and .12), each with its own root and virtqemud listening on
# plain TCP; qemu.conf of the source: keepalive_interval = 1,
# keepalive_count = 3, and a migration_stall_timeout (60 s) far above
# that, so that it is the keepalive that notices. The guest is a teaming
# guest (the test kernel, its primary a VF of host 1's pool 'vfpool')
# sent at 1 MiB/s, so the copy is still on when host 2's eth0 goes down
# (nothing is refused: packets just stop).
#  1. the source's keepalive finds the destination gone within a few
#     seconds: the migration is cancelled (QEMU's stream, hung on the
#     dead link, too) and the client gets the error, in a bounded time;
#     the guest keeps running on the source, QEMU plugs its primary back
#     and the guest enslaves it again;
#  2. once the link is back, the destination drops its incoming guest
#     (its QEMU goes, no record is left, the VF it reserved goes back to
#     its pool) and the guest runs on host 1 only, with one QEMU;
#  3. a migration over the restored link works, there and back, the VF
#     counts following the guest.
# Skipped (77) without root/network namespaces.
# usage: migrationnetfaultstest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR BUILDDIR
set -u
virtqemud=$1
ourvirsh=$2
top=$3
builddir=$4
guest=$builddir/guest
. "$top/tests/nshosts.sh"
need_debian_virsh
need_qemu

if [ "$(id -u)" != 0 ] || ! ip netns add vqprobe$$ 2>/dev/null; then
    echo "1..0 # SKIP network namespaces need root"
    exit 77
fi
ip netns del vqprobe$$

dir=$(mktemp -d /tmp/mignetfaults.XXXXXX)
cpid=
usock() { echo "qemu+unix:///system?socket=$dir/h$1/run/virtqemud-sock"; }
tcpuri() { echo "qemu+tcp://$(nshosts_addr "$1")/system"; }
inhost() {
    _ih=$1
    shift
    nshosts_exec "$dir" "$_ih" timeout 120 "$@"
}
kill_qemus() {
    for _p in $(pgrep -f "qemu-system-x86_64.*$dir/g1.console"); do
        kill -KILL "$_p" 2>/dev/null
    done
}
cleanup() {
    [ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null
    nshosts_down "$dir"
    kill_qemus
    rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 1" INT TERM

# state N: g1's state on host N, "absent" when it has no g1
state() {
    _s=$("$dvirsh" -q -c "$(usock "$1")" domstate g1 2>/dev/null | head -1)
    echo "${_s:-absent}"
}
# no_qemu_on N: host N runs no QEMU of g1
no_qemu_on() { [ -z "$(qemus_of "$1")" ]; }
runs_on() { [ "$(state "$1")" = running ]; }
not_paused_on() { [ "$(state "$1")" != paused ]; }
# qemus_of N: the QEMUs of g1 in host N's namespace
qemus_of() {
    for _p in $(ip netns pids "$(nshosts_ns "$dir" "$1")"); do
        case $(tr '\0' ' ' < "/proc/$_p/cmdline" 2>/dev/null) in
        *qemu-system*"$dir/g1.console"*) echo "$_p" ;;
        esac
    done
}
# settled WHAT: g1 runs on host 1 only, one QEMU, no record on either
settled() {
    _on=$(state 1) _off=$(state 2)
    if [ "$_on" != running ] || { [ "$_off" != absent ] && [ "$_off" != "shut off" ]; }; then
        notok "$1: g1 is '$_on' on host 1, '$_off' on host 2"
    else
        ok "$1: g1 runs on host 1 only"
    fi
    _left=$(ls "$dir"/h1/run/qemu/*.job "$dir"/h2/run/qemu/*.job 2>/dev/null)
    [ -z "$_left" ] && ok "$1: no job record left" || notok "$1: records left: $_left"
    _n=$(pgrep -fc "qemu-system-x86_64.*$dir/g1.console" || true)
    [ "$_n" = 1 ] && [ -n "$(qemus_of 1)" ] && ok "$1: one QEMU of g1, on host 1" ||
        notok "$1: $_n QEMUs of g1 (host 1: $(qemus_of 1), host 2: $(qemus_of 2))"
}

python3 "$top/tests/guest/mkguest.py" "$guest" >"$dir/mkguest.out" 2>&1 ||
    { echo "Bail out! mkguest: $(tail -n1 "$dir/mkguest.out")"; exit 1; }
nshosts_up "$dir" 2 "$ourvirsh" && ok "two hosts made" || { notok "two hosts made"; exit 1; }
for h in 1 2; do
    addr=$(nshosts_addr $h)
    printf 'migration_host = "%s"\nkeepalive_interval = 1\nkeepalive_count = 3\nmigration_stall_timeout = 60\n' \
        "$addr" >> "$dir/h$h/etc/qemu.conf"
    printf 'listen_tcp = 1\nlisten_tls = 0\nlisten_addr = "%s"\n' "$addr" > "$dir/h$h/etc/virtqemud.conf"
    nshosts_daemon_start "$dir" $h "$virtqemud" "$dvirsh" --listen ||
        { notok "host $h's daemon starts"; exit 1; }
done
ok "a virtqemud --listen (TCP) runs in each host"

# pools TITLE USED-1 USED-2: the VFs in use on hosts 1 and 2
pools() { nshosts_pools "$dir" "$dvirsh" "$@"; }

guest_xml g1 01 "$dir/g1.console" "$guest" "" > "$dir/g1.xml"
if "$dvirsh" -q -c "$(usock 1)" create "$dir/g1.xml" >/dev/null && runs_on 1 &&
   waitfor "$dir/g1.console" "driver=e1000e master=eth" 60; then
    ok "teaming guest g1 runs on host 1 with its VF enslaved"
else
    notok "teaming guest g1 on host 1"; exit 1
fi
pools "g1 started" 1 0

# 1. the link goes down during the copy
inhost 1 "$dvirsh" -c "$(tcpuri 1)" migrate --live --p2p --verbose --bandwidth 1 g1 "$(tcpuri 2)" \
    >"$dir/mig.out" 2>&1 &
cpid=$!
if until_ok 30 sh -c "\"$dvirsh\" -q -c \"$(usock 1)\" domjobinfo --rawstats g1 2>/dev/null |
                     grep -Eq '^memory_processed: [1-9]'"; then
    ok "the copy runs"
    [ -n "$(qemus_of 2)" ] && ok "host 2 has the incoming QEMU" || notok "host 2 has the incoming QEMU"
    pools "during the copy" 1 1
    line=$(wc -l < "$dir/g1.console")
    ip -n "$(nshosts_ns "$dir" 2)" link set eth0 down
    cut=$(date +%s)
    if until_ok 40 sh -c "! kill -0 $cpid 2>/dev/null"; then
        took=$(($(date +%s) - cut))
        # keepalive 1 s x 3, then the cancel (bounded at 10 s)
        [ "$took" -le 15 ] && ok "the client got an answer $took s after the cut" ||
            notok "the client got an answer only $took s after the cut"
    else
        notok "the client got no answer within 40 s of the cut"
    fi
    wait "$cpid" && notok "link cut: the migration fails" ||
        { grep -q "the connection to the destination of domain 'g1' closed" "$dir/mig.out" &&
              ok "link cut: the migration fails, saying why" ||
              { notok "link cut: the error"; sed 's/^/#   /' "$dir/mig.out"; }; }
    cpid=
    runs_on 1 && ok "link cut: g1 keeps running on the source" ||
        notok "link cut: g1 is '$(state 1)' on the source"
    waitafter "$dir/g1.console" "$line" "driver=e1000e master=eth" 30 &&
        ok "link cut: g1 got its primary back and enslaved it" ||
        notok "link cut: g1 enslaves its primary again"
    grep -q "migration:.*cancelled" "$dir/h1/log/g1.log" &&
        ok "link cut: the source's QEMU says its migration was cancelled" ||
        { notok "link cut: the source's migration note"; tail -n3 "$dir/h1/log/g1.log" | sed 's/^/#   /'; }

    # 2. the link comes back: the destination drops its incoming guest
    sleep 2
    # cut off, the destination cannot know yet
    [ -n "$(qemus_of 2)" ] && ok "link still cut: host 2 still holds its incoming QEMU" ||
        notok "link still cut: host 2 has no incoming QEMU"
    ip -n "$(nshosts_ns "$dir" 2)" link set eth0 up
    back=$(date +%s)
    if until_ok 60 no_qemu_on 2; then
        ok "link back: the destination dropped its incoming QEMU ($(($(date +%s) - back)) s later)"
    else
        notok "link back: host 2 still runs QEMU $(qemus_of 2)"
    fi
    until_ok 10 not_paused_on 2
    settled "network cut during the copy"
    pools "network cut during the copy" 1 0
else
    notok "the copy runs"; sed 's/^/#   /' "$dir/mig.out"
fi

# 3. over the restored link, a migration (there and back) works; at
#    32 MiB/s: QEMU 7.2 under TCG now and then corrupts a guest migrated
#    at unlimited speed (docs/bench.rst), and a corrupted guest may no
#    longer answer the unplug request of the migration back
if inhost 1 "$dvirsh" -c "$(tcpuri 1)" migrate --live --p2p --bandwidth 32 g1 "$(tcpuri 2)" >"$dir/mig.out" 2>&1 &&
   runs_on 2 && pools "over the restored link" 0 1 &&
   inhost 2 "$dvirsh" -c "$(tcpuri 2)" migrate --live --p2p --bandwidth 32 g1 "$(tcpuri 1)" >>"$dir/mig.out" 2>&1; then
    ok "a migration over the restored link works, there and back"
else
    notok "a migration over the restored link"; sed 's/^/#   /' "$dir/mig.out"
    echo "# the guest's console, last lines:"; tail -n 25 "$dir/g1.console" | sed 's/^/#   /'
    for h in 1 2; do
        echo "# host $h's QEMU log, last lines:"; tail -n 5 "$dir/h$h/log/g1.log" | sed 's/^/#   /'
    done
fi
settled "after the cut"
pools "after the cut" 1 0
"$dvirsh" -q -c "$(usock 1)" destroy g1 >/dev/null 2>&1
# a sanitizer build's daemons report at exit
nshosts_down "$dir"
for h in 1 2; do
    grep -E -A20 "(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:" "$dir/h$h/daemon.log" \
        >"$dir/san" && { notok "host $h's daemon: sanitizer report"; sed 's/^/#   /' "$dir/san"; }
done
exit $fail
