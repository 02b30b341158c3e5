#!/bin/sh
# Faults during migrations between two daemons: each a virtqemud of its
# own root listening on loopback (plain TCP, ports of this run), driven
# by Debian's virsh, the guest a plain one (the test kernel, no VF) that
# takes seconds to send at 1 MiB/s. After each fault the guest runs on
# exactly one host, nothing of the job is left on either (no record, no
# incoming QEMU), and the next migration works:
#  0. (no fault) two p2p migrations from host 1 to host 2 use one
#     connection: the source daemon keeps it for the next one, with its
#     close callback registered once (calls seen through a proxy);
#  1. the source daemon SIGKILLed during the memory copy (p2p), then
#     restarted: the job is rolled back, the guest runs on the source;
#  2. the destination daemon SIGKILLed during the copy (p2p): the source
#     sees its connection go and cancels, the guest keeps running there;
#  3. the client SIGKILLed during a p2p migration: the source daemon
#     runs the job to its end, the guest runs on the destination;
#  4. the client SIGKILLed during a client-managed migration: both
#     daemons see their client go and roll back, the guest runs on the
#     source;
#  5. the destination daemon SIGKILLed while prepare starts its QEMU
#     (slow to start: the emulator is a wrapper that, for an incoming
#     guest, says so in a file and sleeps; prepare may have answered
#     already, since it does not wait for QEMU): the source keeps the
#     guest, and the restarted destination stops the QEMU it left behind;
#  6. the destination daemon SIGKILLed after the source completed (it
#     is SIGSTOPped during the copy, so finish cannot come): finish
#     fails, and the source, which cannot tell a destination that never
#     ran finish from one that died after it ran the guest, keeps it
#     paused and asks; the restarted destination, whose QEMU has the
#     whole guest, drops it (finish never came), and the source, told
#     so, resumes it;
#  7. the source daemon SIGKILLed after its QEMU completed (SIGSTOPped
#     during the copy; QEMU closing its migration stream says when it
#     completed): the destination drops its copy when the source's
#     connection goes; the restarted source asks the destination's
#     daemon, learns it has no guest, and resumes it;
#  8. both daemons SIGKILLed after the source completed, the source
#     restarted first: it cannot reach the destination and keeps the
#     guest paused (asking again); once the destination is back it drops
#     its copy, and the source, told so, resumes the guest, while a
#     client polls the guest's state on the source all along;
#  9. the same with no client talking to the source once it is back: it
#     asks the destination again by itself (1, 2, 4 ... s apart) and
#     settles the job when the destination's daemon is back;
# 10. the source daemon SIGKILLed between begin and perform (p2p), the
#     guest's QEMU one that came in by migration (it answers
#     query-migrate "completed" for that): the restarted source rolls
#     back at once;
# 11. the destination daemon SIGKILLed in finish after it decided to run
#     the guest, before its answer left (the same as 6, its record's
#     step set to "finish" while it is stopped): the source keeps the
#     guest paused; the restarted destination runs it, and the source,
#     told so, drops its copy (it used to resume it: the guest ran on
#     both hosts);
# 12. the same in a client-managed migration (Debian's virsh drives the
#     phases): the source learned the destination's daemon from the
#     cookie of prepare (<daemon uri=''/>), asks it, and drops its copy.
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

migpair_prefix=migfaults
. "$top/tests/migrationpair.sh"

"$dvirsh" -q -c "$(sockuri 1)" create "$base/g1.xml" >/dev/null && [ "$(state 1)" = running ] &&
    ok "g1 runs on host 1" || { notok "g1 runs on host 1"; exit 1; }

# 0. a peer-to-peer source keeps its connection to the destination's
# daemon for the next migration there: host 1's daemon reaches host 2
# from the same local port for both migrations to it
# peerconn: the local ends of host 1's daemon's connections to host 2
peerconn() {
    ss -tnHp state established "( dport = :$port2 )" | grep "pid=$pid1," | awk '{ print $3 }'
}
# p2p FROM TO: g1 migrated from host FROM to host TO, peer-to-peer
p2p() {
    "$dvirsh" -c "$(tcpuri "$1")" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 \
        "$(tcpuri "$2")" >"$base/mig.out" 2>&1 || { cat "$base/mig.out"; return 1; }
}
if p2p 1 2; then
    first=$(peerconn)
    p2p 2 1 && p2p 1 2 && second=$(peerconn)
    [ -n "$first" ] && [ "$first" = "${second:-}" ] &&
        ok "a p2p source keeps its connection to the destination ($first)" ||
        notok "a p2p source keeps its connection: '$first', then '${second:-}'"
    p2p 2 1 || notok "g1 back on host 1"
else
    notok "p2p migration to host 2"
fi
settled "p2p migrations on a kept connection" 1

# 0b. a kept connection's close callback is registered once, when it
# opens, not by each migration: host 1's daemon reaches host 2's through
# a proxy that notes its calls (tests/rpccalls.py); the second migration
# over that connection makes neither CONNECT_REGISTER_CLOSE_CALLBACK
# (360) nor CONNECT_UNREGISTER_CLOSE_CALLBACK (361), only its
# PREPARE3_PARAMS (303) and FINISH3_PARAMS (306)
proxyport=$(freeport)
timeout 300 python3 "$top/tests/rpccalls.py" "$proxyport" "$port2" "$base/calls" \
    >"$base/proxy.out" 2>&1 &
proxypid=$!
viaproxy=qemu+tcp://127.0.0.1:$proxyport/system
# p2p_via: g1 migrated from host 1 to host 2 through the proxy
p2p_via() {
    "$dvirsh" -c "$(tcpuri 1)" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 \
        "$viaproxy" >"$base/mig.out" 2>&1 || { cat "$base/mig.out"; return 1; }
}
if until_ok 10 grep -q ready "$base/proxy.out" && p2p_via &&
    mark=$(wc -l < "$base/calls") && p2p 2 1 && p2p_via; then
    tail -n +"$((mark + 1))" "$base/calls" | cut -d' ' -f2 | tr '\n' ' ' > "$base/calls.second"
    [ "$(cut -d' ' -f1 "$base/calls" | sort -u)" = 1 ] &&
        ok "the second p2p migration through the proxy used the first one's connection" ||
        notok "one connection through the proxy: $(cut -d' ' -f1 "$base/calls" | sort -u | tr '\n' ' ')"
    [ "$(grep -c ' 360$' "$base/calls")" = 1 ] && ! grep -q ' 361$' "$base/calls" &&
        ok "the close callback registered once for the connection, never unregistered" ||
        notok "close callback calls: $(grep -E ' 36[01]$' "$base/calls" | tr '\n' ' ')"
    grep -qw 303 "$base/calls.second" && grep -qw 306 "$base/calls.second" &&
        ! grep -Eqw '36[01]' "$base/calls.second" &&
        ok "the second migration's calls to the destination: $(cat "$base/calls.second")" ||
        notok "the second migration's calls: $(cat "$base/calls.second")"
    p2p 2 1 || notok "g1 back on host 1"
else
    notok "p2p migrations through the proxy"; cat "$base/proxy.out"
fi
kill "$proxypid" 2>/dev/null
settled "p2p migrations through a proxy" 1

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

# qemus_of N: the QEMUs running under host N's root
qemus_of() {
    for _p in $(pgrep -f "qemu-system-x86_64.*$base/g1.console"); do
        ls -l "/proc/$_p/fd" 2>/dev/null | grep -q "$base/h$1/" && echo "$_p"
    done
}
# no_qemu_on N: host N runs no QEMU of g1
no_qemu_on() { [ -z "$(qemus_of "$1")" ]; }
# runs_on N: g1 runs on host N
runs_on() {
    [ "$(state "$1")" = running ]
}

# (the helper above sees QEMUs where they are)
[ -n "$(qemus_of 2)" ] && no_qemu_on 1 && ok "g1's QEMU is found on host 2, none on host 1" ||
    notok "g1's QEMU: host 1 '$(qemus_of 1)', host 2 '$(qemus_of 2)'"

# 5. the destination daemon dies during prepare, its QEMU not up yet
touch "$base/slow"
rm -f "$base/incoming-wait" "$base/incoming-go"
"$dvirsh" -c "$(tcpuri 2)" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 "$(tcpuri 1)" \
    >"$base/mig.out" 2>&1 &
cpid=$!
if until_ok 20 test -e "$base/incoming-wait"; then
    ok "prepare starts the incoming QEMU (slowly)"
    crash 1
    rm -f "$base/slow"
    wait "$cpid" && notok "destination killed in prepare: the migration fails" ||
        ok "destination killed in prepare: the migration fails ($(grep error: "$base/mig.out" | head -n1))"
    cpid=
    runs_on 2 && ok "prepare failed: g1 kept running on the source" ||
        notok "prepare failed: g1 is '$(state 2)' on the source"
    # the leftover QEMU comes up (the worst case) before its daemon does
    until_ok 10 test -e "$base/incoming-go" || notok "the slow QEMU went on"
    sleep 1
    start 1 || notok "daemon 1 restarts"
    until_ok 10 no_qemu_on 1
    settled "destination daemon killed during prepare" 2
else
    notok "prepare started"; cat "$base/mig.out"
fi
rm -f "$base/slow"

# 6. the destination daemon dies after the source completed
if migrate_bg 50 2 1 --p2p; then
    kill -STOP "$pid1"
    if until_ok 30 grep -q '^phase=completed' "$base/h2/run/qemu/g1.job"; then
        ok "the source completed while the destination daemon is stopped"
    else
        notok "the source completed"; cat "$base/h2/run/qemu/g1.job"
    fi
    crash 1
    wait "$cpid" && notok "destination killed after completion: the migration fails" ||
        ok "destination killed after completion: the migration fails"
    cpid=
    [ "$(state 2)" = paused ] && ok "finish failed: the source keeps g1 paused" ||
        notok "finish failed: g1 is '$(state 2)' on the source"
    grep -q "finish failed on the destination .* until that daemon says" "$base/h2/log/g1.log" &&
        ok "finish failed: the source's log says why g1 stays paused" ||
        { notok "finish failed: the source's note"; tail -5 "$base/h2/log/g1.log"; }
    start 1 || notok "daemon 1 restarts"
    state 1 >/dev/null
    until_ok 10 no_qemu_on 1
    until_ok 40 runs_on 2 && ok "told the destination dropped its copy, the source resumed g1" ||
        notok "the source resumed g1: it is '$(state 2)'"
    settled "destination daemon killed after the source completed" 2
    grep -q "recovered: source has the guest.*destination has the guest.*rolled back" \
        "$base/h1/log/g1.log" && ok "the destination says why it dropped its copy" ||
        { notok "the destination's recovery note"; grep recovered "$base/h1/log/g1.log"; }
else
    notok "migration 6 started"; cat "$base/mig.out"
fi

# sending PID: QEMU PID has an established TCP connection (its
# migration stream: a guest without network traffic has no other)
sending() {
    ss -tnpH state established 2>/dev/null | grep -q "pid=$1,"
}
not_sending() { ! sending "$1"; }

# 7. the source daemon dies after its QEMU completed
if migrate_bg 50 2 1 --p2p; then
    kill -STOP "$pid2"
    # nothing of the source answers now: the copy ends by itself, and
    # QEMU closes its stream when it completed
    qpid=$(qemus_of 2)
    # (on a loaded host the copy may have ended already: the case holds)
    if [ -n "$qpid" ]; then
        ok "the source's QEMU ($qpid) is found"
        sending "$qpid" || echo "# the source's QEMU had completed before its daemon stopped"
    else
        notok "the source's QEMU is not found"
    fi
    until_ok 30 not_sending "$qpid" && ok "the source's QEMU closed its stream" ||
        notok "the source's QEMU still sends after 30 s"
    crash 2
    wait "$cpid" 2>/dev/null
    cpid=
    # the destination drops its copy once the source's connection is gone
    until_ok 10 no_qemu_on 1 && ok "the destination dropped its copy" ||
        notok "the destination dropped its copy"
    start 2 || notok "daemon 2 restarts"
    until_ok 20 runs_on 2
    settled "source daemon killed after its QEMU completed" 2
    grep -q "source sent the guest.*destination gone.*rolled back" "$base/h2/log/g1.log" &&
        ok "the source learned from the destination's daemon that it has no guest" ||
        { notok "the source's recovery note"; grep -i "recover" "$base/h2/log/g1.log"; }
else
    notok "migration 7 started"; cat "$base/mig.out"
fi

# 8. both daemons die after the source completed; the source comes back
# first and cannot reach the destination, then the destination does
if migrate_bg 50 2 1 --p2p; then
    kill -STOP "$pid1"
    until_ok 30 grep -q '^phase=completed' "$base/h2/run/qemu/g1.job" &&
        ok "both killed: the source completed" || notok "both killed: the source completed"
    crash 2
    crash 1
    wait "$cpid" 2>/dev/null
    cpid=
    start 2 || notok "daemon 2 restarts"
    # the destination's daemon is down: nothing can be decided
    sleep 2
    _s=$(state 2)
    [ "$_s" = paused ] && ok "destination down: the source keeps g1 paused" ||
        notok "destination down: g1 is '$_s' on the source"
    grep -q "asking the destination .* where the guest is" "$base/h2/log/g1.log" &&
        grep -q "answered after .*: unreachable" "$base/h2/log/g1.log" &&
        ok "destination down: the source asked it and logged that it is unreachable" ||
        { notok "destination down: the source's question"; grep recovery "$base/h2/log/g1.log"; }
    # meanwhile a client polls the source as an orchestrator does: its
    # queries must not keep the recovery from settling the job
    python3 -c '
import libvirt, sys, time
conn = libvirt.open(sys.argv[1])
end = time.monotonic() + 30
while time.monotonic() < end:
    try:
        conn.lookupByName("g1").state()
    except libvirt.libvirtError:
        pass
' "$(sockuri 2)" 2>/dev/null &
    ppid_=$!
    start 1 || notok "daemon 1 restarts"
    until_ok 20 runs_on 2 ||
        grep -h "recover" "$base/h2/log/g1.log" "$base/h1/log/g1.log" | sed 's/^/#   /'
    kill "$ppid_" 2>/dev/null
    wait "$ppid_" 2>/dev/null
    settled "both daemons killed after the source completed" 2
else
    notok "migration 8 started"; cat "$base/mig.out"
fi

# 9. the same, but nobody talks to the source once it is back: it asks
# the destination again by itself and settles the job when it can
# (its log says so; no command of ours drives it)
# h2count PATTERN: the lines of host 2's log of g1 that match
h2count() { grep -c "$1" "$base/h2/log/g1.log"; }
# h2more PATTERN N: more than N such lines
h2more() { [ "$(h2count "$1")" -gt "$2" ]; }
decided="source sent the guest.*rolled back"
unreachable="answered after .*: unreachable"
if migrate_bg 50 2 1 --p2p; then
    kill -STOP "$pid1"
    until_ok 30 grep -q '^phase=completed' "$base/h2/run/qemu/g1.job" ||
        notok "nobody asks: the source completed"
    crash 2
    crash 1
    wait "$cpid" 2>/dev/null
    cpid=
    n0=$(h2count "$decided")
    u0=$(h2count "$unreachable")
    start 2 || notok "daemon 2 restarts"
    until_ok 10 h2more "$unreachable" "$u0" ||
        notok "nobody asks: the source asked the destination while it was down"
    start 1 || notok "daemon 1 restarts"
    until_ok 20 h2more "$decided" "$n0" &&
        ok "nobody asks: the source asked again by itself and resumed the guest" ||
        { notok "nobody asks: the source settled the job by itself";
          grep -h "recover" "$base/h2/log/g1.log" | tail -5 | sed 's/^/#   /'; }
    settled "both daemons killed, nobody asking the source" 2
else
    notok "migration 9 started"; cat "$base/mig.out"
fi

# 10. the source daemon dies between begin and perform (p2p; its QEMU
# stopped, so that the checks begin started, which perform waits for,
# cannot end), its record still at "begin". g1's QEMU came in by
# migration and has sent the guest and kept it since (cases 3, 6-9), so
# QEMU answers query-migrate "completed": the restarted source must still
# see that it sent nothing in this job, and roll back at once (it knows
# no destination to ask)
begun="step 'begin'.*source has the guest.*rolled back"
n0=$(h2count "$begun")
qpid=$(qemus_of 2)
kill -STOP "$qpid"
"$dvirsh" -c "$(tcpuri 2)" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 "$(tcpuri 1)" \
    >"$base/mig.out" 2>&1 &
cpid=$!
if until_ok 20 grep -q '^step=begin' "$base/h2/run/qemu/g1.job"; then
    crash 2
    kill -CONT "$qpid"
    wait "$cpid" 2>/dev/null
    cpid=
    start 2 || notok "daemon 2 restarts"
    state 2 >/dev/null
    until_ok 10 h2more "$begun" "$n0" &&
        ok "source killed before perform: the restarted source kept the guest, saying why" ||
        { notok "source killed before perform: the source's recovery";
          grep -h "recover" "$base/h2/log/g1.log" | tail -5 | sed 's/^/#   /'; }
    until_ok 10 no_qemu_on 1 || notok "source killed before perform: the destination's QEMU stays"
    settled "source daemon killed before perform" 2
else
    kill -CONT "$qpid"
    notok "migration 10 began"; cat "$base/mig.out"
fi

# 11, 12. the destination daemon dies in finish after it decided to run
# the guest: its record says "finish" (set while it is stopped, a kill
# that lands in that window otherwise takes luck)
# killed_in_finish TITLE FROM TO VIRSH-OPTIONS
killed_in_finish() {
    _t=$1 _src=$2 _dst=$3
    shift 3
    if ! migrate_bg 50 "$_src" "$_dst" "$@"; then
        notok "$_t: the migration started"; cat "$base/mig.out"; return
    fi
    eval "kill -STOP \$pid$_dst"
    until_ok 30 grep -q '^phase=completed' "$base/h$_src/run/qemu/g1.job" ||
        notok "$_t: the source completed"
    # a client-managed source has it from the cookie of prepare
    grep -q "^peer_uri=$(tcpuri "$_dst")$" "$base/h$_src/run/qemu/g1.job" &&
        ok "$_t: the source's record names the destination's daemon" ||
        { notok "$_t: the source's record names the destination"; cat "$base/h$_src/run/qemu/g1.job"; }
    sed -i 's/^step=.*/step=finish/' "$base/h$_dst/run/qemu/g1.job"
    crash "$_dst"
    wait "$cpid" && notok "$_t: the migration fails" || ok "$_t: the migration fails"
    cpid=
    [ "$(state "$_src")" = paused ] && ok "$_t: the source keeps g1 paused" ||
        notok "$_t: g1 is '$(state "$_src")' on the source"
    start "$_dst" || notok "$_t: the destination's daemon restarts"
    until_ok 40 runs_on "$_dst" && ok "$_t: the restarted destination runs g1" ||
        notok "$_t: g1 is '$(state "$_dst")' on the destination"
    until_ok 40 no_qemu_on "$_src" && ok "$_t: told so, the source dropped its copy" ||
        notok "$_t: g1 is '$(state "$_src")' on the source"
    settled "$_t" "$_dst"
    grep -q "source sent the guest.*destination has the guest.*completed" "$base/h$_src/log/g1.log" &&
        ok "$_t: the source's log says why it completed" ||
        { notok "$_t: the source's recovery note"; grep -i "recover" "$base/h$_src/log/g1.log" | tail -5; }
}
killed_in_finish "p2p, destination killed in finish" 2 1 --p2p
killed_in_finish "client-managed, destination killed in finish" 1 2

# and after all that, a migration works
"$dvirsh" -c "$(tcpuri 2)" migrate --live --p2p --migrateuri tcp://127.0.0.1 g1 "$(tcpuri 1)" \
    >"$base/mig.out" 2>&1 && ok "a migration after the faults succeeds" ||
    { notok "a migration after the faults"; cat "$base/mig.out"; }
settled "after the faults" 1
migpair_stop
exit $fail
