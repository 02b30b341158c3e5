#!/bin/sh
# Tuning a migration through the daemon, as Nova does, with the two
# daemons of tests/migrationpair.sh (the guest takes seconds to send at
# 1 MiB/s and, dirtying its memory, never ends at that speed):
#  1. before a migration, with nothing set, migrate-getspeed reads
#     8796093022207 (unlimited, as libvirt: the most QEMU takes) and
#     --postcopy 0; Debian's virsh sets the speed, the downtime
#     limit and the post-copy speed of the running guest and reads them
#     back; QEMU itself (query-migrate-parameters on its QMP socket)
#     holds them; our virsh (our remote driver) reads and sets the same;
#  2. the speed set (1 MiB/s) is the one of the next migration without
#     --bandwidth: migrate-getspeed during it reads QEMU's 1; raised by
#     another virsh process, the migration ends; on the destination,
#     where nothing was set, g1 reads unlimited again;
#  3. python3-libvirt on one connection, as Nova does: migrateToURI3 at
#     1 MiB/s in a thread, and from another thread on the same
#     connection migrateGetMaxSpeed (1), migrateSetMaxDowntime /
#     migrateGetMaxDowntime and migrateSetMaxSpeed: the migration ends;
#     back on host 1, where 4000 was set in its last stay, the transient
#     g1 reads unlimited (as libvirt, whose domain object went with it),
#     and so does a transient domain created again after a speed was set
#     in its last run;
#  4. a speed whose bytes per second overflow, and a downtime above
#     QEMU's maximum, are refused and change nothing.
# usage: migratetunetest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR BUILDDIR
set -u
virtqemud=$1
ourvirsh=$2
top=$3
builddir=$4
guest=$builddir/guest
. "$top/tests/guest/testlib.sh"
need_debian_virsh
need_qemu
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || { echo "1..0 # SKIP no python3-libvirt"; exit 77; }

migpair_prefix=migtune
. "$top/tests/migrationpair.sh"

# expect NAME WANT HOST VIRSH-ARGS...: Debian's virsh prints WANT
expect() {
    _name=$1 _want=$2 _h=$3
    shift 3
    _got=$("$dvirsh" -q -c "$(sockuri "$_h")" "$@" 2>&1)
    [ "$_got" = "$_want" ] && ok "$_name: $_want" || notok "$_name: '$_got', not '$_want'"
}
# qmp_params HOST: QEMU's migration parameters of g1 on HOST, read on its
# own monitor (no job of the daemon holds it then)
qmp_params() {
    _uuid=$("$dvirsh" -q -c "$(sockuri "$1")" domuuid g1 | tr -d -)
    python3 - "$base/h$1/run/qemu/$_uuid.qmp" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for cmd in ("qmp_capabilities", "query-migrate-parameters"):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            break
p = r["return"]
print(p["max-bandwidth"], p["downtime-limit"], p["max-postcopy-bandwidth"])
PY
}
# finished TIMEOUT: the background migration ended (the bound only
# detects a hang: at 1 MiB/s it never ends)
finished() {
    _n=$(($1 * 10))
    while [ $_n -gt 0 ] && kill -0 "$cpid" 2>/dev/null; do sleep 0.1; _n=$((_n - 1)); done
    ! kill -0 "$cpid" 2>/dev/null
}

"$dvirsh" -q -c "$(sockuri 1)" create "$base/g1.xml" >/dev/null && [ "$(state 1)" = running ] &&
    ok "g1 runs on host 1" || { notok "g1 runs on host 1"; exit 1; }

# 1. before a migration
expect "migrate-getspeed: unlimited, as libvirt" 8796093022207 1 migrate-getspeed g1
expect "migrate-getspeed --postcopy: QEMU's default (none)" 0 1 migrate-getspeed --postcopy g1
expect "migrate-getmaxdowntime: QEMU's default" 300 1 migrate-getmaxdowntime g1
"$dvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 7 &&
    "$dvirsh" -q -c "$(sockuri 1)" migrate-setmaxdowntime g1 450 &&
    "$dvirsh" -q -c "$(sockuri 1)" migrate-setspeed --postcopy g1 20 &&
    ok "set speed, downtime and post-copy speed" || notok "set speed, downtime and post-copy speed"
expect "migrate-getspeed" 7 1 migrate-getspeed g1
expect "migrate-getmaxdowntime" 450 1 migrate-getmaxdowntime g1
expect "migrate-getspeed --postcopy" 20 1 migrate-getspeed --postcopy g1
got=$(qmp_params 1)
[ "$got" = "$((7 * 1048576)) 450 $((20 * 1048576))" ] && ok "QEMU holds them: $got" ||
    notok "QEMU's parameters: '$got'"
# our virsh through our remote driver: the same procedures
for c in "7 migrate-getspeed" "450 migrate-getmaxdowntime" "20 migrate-getspeed --postcopy"; do
    set -- $c
    _want=$1
    shift
    _got=$("$ourvirsh" -q -c "$(sockuri 1)" "$@" g1 2>&1)
    [ "$_got" = "$_want" ] && ok "our virsh: $*: $_got" || notok "our virsh: $*: '$_got', not '$_want'"
done
"$ourvirsh" -q -c "$(sockuri 1)" migrate-setmaxdowntime g1 460 >/dev/null &&
    "$ourvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 8 >/dev/null &&
    ok "our virsh sets speed and downtime" || notok "our virsh sets speed and downtime"
expect "Debian's virsh reads ours: migrate-getmaxdowntime" 460 1 migrate-getmaxdowntime g1
expect "Debian's virsh reads ours: migrate-getspeed" 8 1 migrate-getspeed g1
"$ourvirsh" -q -c "$(sockuri 1)" migrate-setmaxdowntime g1 450 >/dev/null &&
    "$ourvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 7 >/dev/null ||
    notok "our virsh sets them back"

# 4. refused, nothing changed
"$dvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 8796093022208 >"$base/err" 2>&1 &&
    notok "an overflowing speed is refused" ||
    { grep -q "numerical overflow: .* must be less than 8796093022208" "$base/err" &&
          ok "an overflowing speed is refused" || { notok "overflow: the error"; cat "$base/err"; }; }
"$dvirsh" -q -c "$(sockuri 1)" migrate-setmaxdowntime g1 2000001 >"$base/err" 2>&1 &&
    notok "a downtime above QEMU's maximum is refused" ||
    { grep -q "QEMU takes at most 2000000 ms" "$base/err" &&
          ok "a downtime above QEMU's maximum is refused" || { notok "downtime: the error"; cat "$base/err"; }; }
expect "after the refusals: migrate-getspeed" 7 1 migrate-getspeed g1
got=$(qmp_params 1)
[ "$got" = "$((7 * 1048576)) 450 $((20 * 1048576))" ] && ok "after the refusals, QEMU's are the same" ||
    notok "after the refusals, QEMU's parameters: '$got'"

# 2. the remembered speed is the next migration's; raised, it ends
"$dvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 1 || notok "migrate-setspeed g1 1"
if migrate_bg - 1 2 --p2p; then
    expect "during the migration: migrate-getspeed (QEMU's)" 1 1 migrate-getspeed g1
    expect "during the migration: migrate-getmaxdowntime" 450 1 migrate-getmaxdowntime g1
    "$dvirsh" -q -c "$(sockuri 1)" migrate-setspeed g1 4000 && ok "speed raised during the migration" ||
        notok "speed raised during the migration"
    if finished 60 && wait "$cpid"; then
        ok "the migration raised from 1 MiB/s ended"
    else
        notok "the migration raised from 1 MiB/s ended"; cat "$base/mig.out"
    fi
    cpid=
    settled "after the raised migration" 2
    expect "on the destination, nothing set: migrate-getspeed" 8796093022207 2 migrate-getspeed g1
else
    notok "migration at the remembered speed started"; cat "$base/mig.out"
fi

# 3. Nova's way: one connection, the migration in a thread
timeout 120 /usr/bin/python3 - "$(sockuri 2)" "$(tcpuri 1)" >"$base/py.out" 2>&1 <<'PY'
import sys, threading, time
import libvirt

conn = libvirt.open(sys.argv[1])
dom = conn.lookupByName("g1")
result = {}

def migrate():
    try:
        dom.migrateToURI3(sys.argv[2], {
            libvirt.VIR_MIGRATE_PARAM_URI: "tcp://127.0.0.1",
            libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: 1,
        }, libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER)
        result["ok"] = True
    except libvirt.libvirtError as e:
        result["error"] = str(e)

# Calls follow each other 0.2 s apart, as Nova's monitor spaces them:
# Debian's libvirt 9.0 client sometimes never sends a call made right
# after the previous one while another thread (the migration) waits on
# the same connection (seen with rpc-trace: no frame leaves the client).
# It is the client's: the thread waiting for the migration's reply is
# woken for the new call but polls the socket for input only, so the
# call leaves once something arrives (the migration's reply; with an
# event loop, the daemon's keepalive PING). libvirtd 9.0 gives the same
# stall with a long qemu-monitor-command in the other thread.
t = threading.Thread(target=migrate)
t.start()
for _ in range(200):
    stats = dom.jobStats()
    if stats.get("memory_processed", 0) > 0:
        break
    time.sleep(0.1)
else:
    print("not ok - the migration sends data")
    sys.exit(1)
print("ok - python: the migration sends data")
time.sleep(0.2)
speed = dom.migrateGetMaxSpeed()
print(("ok" if speed == 1 else "not ok") + " - python: migrateGetMaxSpeed during it: %d" % speed)
time.sleep(0.2)
dom.migrateSetMaxDowntime(800)
time.sleep(0.2)
downtime = dom.migrateGetMaxDowntime()
print(("ok" if downtime == 800 else "not ok") + " - python: migrateGetMaxDowntime: %d" % downtime)
time.sleep(0.2)
dom.migrateSetMaxSpeed(4000)
t.join(60)
if t.is_alive():
    print("not ok - python: the migration raised to 4000 MiB/s did not end within 60 s")
    sys.exit(1)
print(("ok" if result.get("ok") else "not ok") +
      " - python: the migration raised from 1 MiB/s ended %s" % result.get("error", ""))
PY
rc=$?
cat "$base/py.out"
grep -q "^not ok" "$base/py.out" && fail=1
[ $rc = 0 ] || notok "python3-libvirt client (exit $rc)"
settled "after python's migration" 1
# g1, transient, arrived afresh: not the speed of its stay before
expect "back on host 1: migrate-getspeed (not the 4000 of its last stay)" 8796093022207 1 \
    migrate-getspeed g1

# a transient domain created again (the same UUID) starts afresh too
cat > "$base/t2.xml" <<XML
<domain type='qemu'>
  <name>t2</name>
  <uuid>5c7a2f30-0000-4000-8000-0000000000f2</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
if "$dvirsh" -q -c "$(sockuri 2)" create --paused "$base/t2.xml" >/dev/null &&
   "$dvirsh" -q -c "$(sockuri 2)" migrate-setspeed t2 9 &&
   "$dvirsh" -q -c "$(sockuri 2)" destroy t2 >/dev/null &&
   "$dvirsh" -q -c "$(sockuri 2)" create --paused "$base/t2.xml" >/dev/null; then
    expect "a transient domain created again: migrate-getspeed (not the 9 of its last run)" \
        8796093022207 2 migrate-getspeed t2
else
    notok "transient t2 created, given a speed, destroyed and created again"
fi
"$dvirsh" -q -c "$(sockuri 2)" destroy t2 >/dev/null 2>&1
migpair_stop
exit $fail
