#!/bin/sh
# Faults during migrations between two daemons: each a virtqemud of its
# own root listening on loopback (plain TCP, ports of this run), driven
# by Debian's virsh, the guest a plain one (the test kernel, no VF) that
# takes seconds to send at 1 MiB/s. After each fault the guest runs on
# exactly one host, nothing of the job is left on either (no record, no
# incoming QEMU), and the next migration works:
#  1. the source daemon SIGKILLed during the memory copy (p2p), then
#     restarted: the job is rolled back, the guest runs on the source;
#  2. the destination daemon SIGKILLed during the copy (p2p): the source
#     sees its connection go and cancels, the guest keeps running there;
#  3. the client SIGKILLed during a p2p migration: the source daemon
#     runs the job to its end, the guest runs on the destination;
#  4. the client SIGKILLed during a client-managed migration: both
#     daemons see their client go and roll back, the guest runs on the
#     source.
# usage: migrationfaultstest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR BUILDDIR
set -u
virtqemud=$1
ourvirsh=$2
top=$3
builddir=$4
guest=$builddir/guest
. "$top/tests/guest/testlib.sh"
need_debian_virsh
need_qemu

base=$(mktemp -d /tmp/migfaults.XXXXXX)
pid1= pid2= cpid=
cleanup() {
    [ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null
    for n in 1 2; do
        "$dvirsh" -c "$(sockuri $n)" destroy g1 >/dev/null 2>&1
    done
    [ -n "$pid1" ] && kill "$pid1" 2>/dev/null
    [ -n "$pid2" ] && kill "$pid2" 2>/dev/null
    wait 2>/dev/null
    # QEMUs of this run only (their argv names our roots)
    pkill -9 -f "qemu-system-x86_64.*$base" 2>/dev/null
    rm -rf "$base"
}
trap cleanup EXIT

freeport() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port1=$(freeport) port2=$(freeport)
sockuri() { echo "qemu+unix:///system?socket=$base/h$1/run/virtqemud-sock"; }
tcpuri() { eval "echo qemu+tcp://127.0.0.1:\$port$1/system"; }

# start N: host N's daemon (pid in pidN)
start() {
    daemon_start "$virtqemud" "$base/h$1" "$dvirsh" --listen || return 1
    eval "pid$1=\$dpid"
}
# crash N: SIGKILL host N's daemon (its QEMUs live on)
crash() {
    eval "kill -9 \$pid$1; wait \$pid$1 2>/dev/null; pid$1="
}

python3 "$top/tests/guest/mkguest.py" "$guest" || exit 1
for n in 1 2; do
    mkdir -p "$base/h$n/etc"
    eval "p=\$port$n"
    printf 'listen_tcp = 1\nlisten_tls = 0\ntcp_port = "%s"\nlisten_addr = "127.0.0.1"\n' "$p" \
        > "$base/h$n/etc/virtqemud.conf"
    start $n || { notok "daemon $n starts"; exit 1; }
done
ok "two daemons listen on loopback"
guest_xml g1 01 "$base/g1.console" "$guest" "" |
    sed -e '/<interface type=.network.>/,/<\/interface>/d' -e '/<teaming/d' > "$base/g1.xml"

# state N: g1's state on host N, "absent" when it has no g1
state() {
    _s=$("$dvirsh" -q -c "$(sockuri "$1")" domstate g1 2>/dev/null | head -1)
    echo "${_s:-absent}"
}
# settled NAME RUNS-ON: g1 runs on host RUNS-ON only, neither host has a
# record of a job or another QEMU of it
settled() {
    _other=$((3 - $2))
    _on=$(state "$2") _off=$(state $_other)
    if [ "$_on" != running ] || { [ "$_off" != absent ] && [ "$_off" != "shut off" ]; }; then
        notok "$1: g1 is '$_on' on host $2, '$_off' on host $_other"; return
    fi
    ok "$1: g1 runs on host $2 only"
    left=$(ls "$base"/h1/run/qemu/*.job "$base"/h2/run/qemu/*.job 2>/dev/null)
    [ -z "$left" ] && ok "$1: no job record left" || notok "$1: records left: $left"
    n=$(pgrep -fc "qemu-system-x86_64.*g1" || true)
    [ "$n" = 1 ] && ok "$1: one QEMU of g1" || notok "$1: $n QEMUs of g1"
}
# migrate_bg MIB/S FROM TO VIRSH-OPTIONS: a migration in the background
# (pid in cpid), returning once the source reports data sent; at 1 MiB/s
# it would not end (the guest dirties its memory faster)
migrate_bg() {
    _bw=$1 _from=$2 _to=$3
    shift 3
    "$dvirsh" -c "$(tcpuri "$_from")" migrate --live "$@" --bandwidth "$_bw" \
        --migrateuri tcp://127.0.0.1 g1 "$(tcpuri "$_to")" >"$base/mig.out" 2>&1 &
    cpid=$!
    _i=0
    while [ $_i -lt 200 ]; do
        "$dvirsh" -q -c "$(sockuri "$_from")" domjobinfo --rawstats g1 2>/dev/null |
            grep -Eq "^memory_processed: [1-9]" && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

"$dvirsh" -q -c "$(sockuri 1)" create "$base/g1.xml" >/dev/null && [ "$(state 1)" = running ] &&
    ok "g1 runs on host 1" || { notok "g1 runs on host 1"; exit 1; }

# 1. the source daemon dies during the copy
if migrate_bg 1 1 2 --p2p; then
    crash 1
    wait "$cpid" && notok "the client saw the migration fail" || ok "the client saw the migration fail"
    cpid=
    start 1 || notok "daemon 1 restarts"
    settled "source daemon killed during the copy" 1
else
    notok "migration 1 started"; cat "$base/mig.out"
fi

# 2. the destination daemon dies during the copy
if migrate_bg 1 1 2 --p2p; then
    crash 2
    wait "$cpid" && notok "destination killed: the migration fails" ||
        { grep -q "the connection to the destination of domain 'g1' closed" "$base/mig.out" &&
              ok "destination killed: the migration fails, saying why" ||
              { notok "destination killed: the error"; cat "$base/mig.out"; }; }
    cpid=
    start 2 || notok "daemon 2 restarts"
    settled "destination daemon killed during the copy" 1
else
    notok "migration 2 started"; cat "$base/mig.out"
fi

# 3. the client dies during a p2p migration: the job goes on
if migrate_bg 50 1 2 --p2p; then
    kill -9 "$cpid"
    wait "$cpid" 2>/dev/null
    cpid=
    _i=0
    while [ $_i -lt 300 ] && [ "$(state 2)" != running ]; do sleep 0.1; _i=$((_i + 1)); done
    settled "client killed during a p2p migration" 2
else
    notok "migration 3 started"; cat "$base/mig.out"
fi

# 4. the client dies during a client-managed migration: rolled back
if migrate_bg 1 2 1; then
    kill -9 "$cpid"
    wait "$cpid" 2>/dev/null
    cpid=
    _i=0
    while [ $_i -lt 300 ] && settled x 2 | grep -q "^not ok"; do sleep 0.1; _i=$((_i + 1)); done
    settled "client killed during a client-managed migration" 2
else
    notok "migration 4 started"; cat "$base/mig.out"
fi

# and after all that, a migration works
"$dvirsh" -c "$(tcpuri 2)" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 "$(tcpuri 1)" \
    >"$base/mig.out" 2>&1 && ok "a migration after the faults succeeds" ||
    { notok "a migration after the faults"; cat "$base/mig.out"; }
settled "after the faults" 1
exit $fail
