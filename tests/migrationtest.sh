#!/bin/sh
# Live migration of a real net_failover guest between two embedded roots
# (two "hosts" on one machine, simulated SR-IOV on both), and its failures.
# After every failure the guest runs on exactly one side and nothing of the
# attempt is left in the destination's run/.
set -u
virsh=$1
top=$2
builddir=$3
guest=$builddir/guest
base=$(mktemp -d /tmp/migtest.XXXXXX)
A=$base/A B=$base/B
uA="qemu:///embed?root=$A" uB="qemu:///embed?root=$B"
. "$top/tests/guest/testlib.sh"
cleanup() {
    for u in "$uA" "$uB"; do
        for d in m1 m2 m3 m4 m5 m6 m7 m8 m9 m10 hog; do "$virsh" -q -c "$u" destroy $d >/dev/null 2>&1; done
    done
    rm -rf "$base"
}
trap cleanup EXIT

python3 "$top/tests/guest/mkguest.py" "$guest" || exit 1
mkdir -p "$A/etc"
printf 'migration_unplug_timeout = 3\nmigration_stall_timeout = 3\n' > "$A/etc/qemu.conf"
# both hosts have a pool 'vfpool'; B's PF sits on another bus, so its VFs
# have other addresses than A's
sim_host "$virsh" "$A" ens1f0 4 || { notok "simulated host A"; exit 1; }
sim_host "$virsh" "$B" spare 1 ens1f0 4 || { notok "simulated host B"; exit 1; }
vfA=0000:03:07.1 vfB=0000:04:07.1
macA=$(vf_mac "$A" $vfA) macB=$(vf_mac "$B" $vfB)
# the MAC comparisons below mean nothing if the simulator gave no MAC
is_mac "$macA" && is_mac "$macB" || { notok "the simulated VFs have MACs: '$macA' '$macB'"; exit 1; }

# pools NAME USED-ON-A USED-ON-B: the VFs are where the guest is
pools() {
    a=$(pool_used "$virsh" "$A") b=$(pool_used "$virsh" "$B")
    [ "$a" = "$2" ] && [ "$b" = "$3" ] && ok "$1: VFs in use A=$2 B=$3" ||
        notok "$1: VFs in use A=$a B=$b, expected A=$2 B=$3"
}

# defined_on URI NAME: NAME is in the list of defined domains, which virsh
# must have printed successfully (an absence from a failed list proves nothing)
defined_on() {
    _out=$("$virsh" -q -c "$1" list --all --name) || { echo "# virsh list failed on $1"; return 2; }
    echo "$_out" | grep -qx "$2"
}

# absent_from LOG PATTERN: LOG exists, holds the start of the guest (so it
# is the log the attempt would have written to) and has no PATTERN
absent_from() {
    [ -s "$1" ] && grep -q "starting up" "$1" || { echo "# $1 is missing or not the guest's log"; return 1; }
    ! grep -q "$2" "$1"
}

only_next_id() { [ -z "$(run_left "$1")" ]; }

boot() {  # boot NAME FUNC CMDLINE-EXTRA: define and start on A, wait for the bond
    guest_xml "$1" "$2" "$base/$1.console" "$guest" "guest.ping=10.0.2.2 $3" > "$base/$1.xml"
    "$virsh" -q -c "$uA" define "$base/$1.xml" >/dev/null && "$virsh" -q -c "$uA" start "$1" >/dev/null
}

state() { "$virsh" -q -c "$1" domstate "$2" 2>/dev/null | head -1; }

# 1. success: the VF leaves A, B's VF joins, traffic continues
boot m1 01 ""
defined_on "$uA" m1 && ok "m1 listed on A before migration" || notok "m1 listed on A before migration"
waitfor "$base/m1.console" "driver=e1000e master=eth" 60 && waitfor "$base/m1.console" "GUEST-PING ok" 30 ||
    notok "m1 bonds before migration"
[ "$(vf_mac "$A" $vfA)" = 52:54:00:7e:57:01 ] && ok "A's VF has the guest's MAC" || notok "A's VF has the guest's MAC"
# 32 MiB/s: QEMU 7.2 under TCG now and then corrupts a guest migrated at
# unlimited speed (docs/bench.rst), and the guest is checked afterwards
"$virsh" -c "$uA" migrate --live --verbose --persistent --undefinesource --bandwidth 32 m1 "$uB" \
    2>"$base/m1.migrate"
rc=$?
[ $rc = 0 ] && ok "migration succeeds" || { notok "migration succeeds"; cat "$base/m1.migrate"; }
grep -q "wait-unplug (the guest is releasing hostdev0)" "$base/m1.migrate" && ok "--verbose shows wait-unplug" ||
    notok "--verbose shows wait-unplug"
grep -Eq "migration: setup .*UNPLUG_PRIMARY\(hostdev0\).* wait-unplug .*active.* completed" "$A/log/m1.log" &&
    ok "source log: MIGRATION sequence with UNPLUG_PRIMARY and wait-unplug" ||
    { notok "MIGRATION sequence"; grep migration: "$A/log/m1.log"; }
# each side's steps, in order, with the time since its first call
num='[0-9]+\.[0-9]'
grep -Eq "migration: this side's steps, ms since its first call: begin 0\.0, recorded $num, perform $num, migrating $num, completed $num, confirm $num, end $num$" "$A/log/m1.log" &&
    ok "source log: the steps of the migration, timed" ||
    { notok "source log: the steps"; grep "steps" "$A/log/m1.log"; }
grep -Eq "migration: this side's steps, ms since its first call: prepare 0\.0, recorded $num, prepared $num, spawned $num, ready $num, finishing $num, finish $num, resumed $num, end $num$" "$B/log/m1.log" &&
    ok "destination log: the steps of the migration, timed" ||
    { notok "destination log: the steps"; grep "steps" "$B/log/m1.log"; }
[ "$(state "$uB" m1)" = running ] && ok "running on B" || notok "running on B"
out=$("$virsh" -q -c "$uB" domjobinfo --completed m1)
echo "$out" | grep -Eq "^Job type: +Completed" && echo "$out" | grep -Eq "^Operation: +Incoming migration" &&
    "$virsh" -q -c "$uB" domjobinfo --completed --rawstats m1 | grep -Eq "^wait_unplug_ms: +[1-9]" &&
    ok "domjobinfo --completed on B: the incoming migration, with the source's wait-unplug time" ||
    { notok "domjobinfo --completed on B"; echo "$out"; "$virsh" -q -c "$uB" domjobinfo --completed --rawstats m1; }
[ "$("$virsh" -q -c "$uB" domstate --reason m1 | head -1)" = "running (migrated)" ] &&
    ok "domstate --reason on B: running (migrated)" ||
    notok "m1's reason on B: $("$virsh" -q -c "$uB" domstate --reason m1)"
defined_on "$uA" m1; [ $? = 1 ] && ok "undefined on A" || notok "undefined on A"
only_next_id "$A" && ok "A's run/ is empty" || { notok "A's run/ empty"; ls "$A/run/qemu"; }
lines=$(wc -l < "$base/m1.console")
waitafter "$base/m1.console" "$lines" "driver=e1000e master=eth" 20 &&
    ok "the guest enslaves B's VF with the same MAC" || notok "guest enslaves B's VF"
lines=$(wc -l < "$base/m1.console")
waitafter "$base/m1.console" "$lines" "GUEST-PING ok" 20 && ok "traffic flows after migration" ||
    { notok "traffic after migration"; tail -n 8 "$base/m1.console"; }
out=$("$virsh" -c "$uB" domifteaming m1)
echo "$out" | grep -Eq "^ ua-sb +hostdev0 +$vfB +52:54:00:7e:57:01 +yes$" &&
    ok "domifteaming on B: B's VF, negotiated yes" || { notok "negotiated on B"; echo "$out"; }
pools "after migration" 0 1
[ "$(vf_mac "$B" $vfB)" = 52:54:00:7e:57:01 ] && [ "$(vf_mac "$A" $vfA)" = "$macA" ] &&
    ok "B's VF has the guest's MAC, A's VF its own again" || notok "VF MACs after migration"
"$virsh" -q -c "$uB" dumpxml --inactive m1 | grep -q "<source network='vfpool'/>" &&
    ok "B's definition keeps the network interface" || notok "B's definition"
"$virsh" -q -c "$uB" list --all --persistent --name | grep -qx m1 && ok "persistent on B" || notok "persistent on B"
"$virsh" -q -c "$uB" destroy m1 >/dev/null
[ "$(vf_mac "$B" $vfB)" = "$macB" ] && ok "destroy on B restores its VF's MAC" ||
    notok "B's VF MAC after destroy: $(vf_mac "$B" $vfB), expected $macB"
pools "after destroy on B" 0 0

# 2. a guest that never negotiated failover is refused
boot m2 02 "guest.novirtionet=1"
waitfor "$base/m2.console" "GUEST-READY" 60
"$virsh" -q -c "$uA" migrate --live m2 "$uB" 2>"$base/m2.migrate" && notok "non-negotiated refused" ||
    { grep -q "has not negotiated failover" "$base/m2.migrate" && ok "non-negotiated guest refused with a reason" ||
      { notok "refusal message"; cat "$base/m2.migrate"; }; }
[ "$(state "$uA" m2)" = running ] && only_next_id "$B" && ok "m2 still on A only" || notok "m2 on A only"
pools "m2 failed" 1 0
"$virsh" -q -c "$uA" destroy m2 >/dev/null

# 3. a guest that ignores the unplug request: bounded wait, cancelled
boot m3 03 "acpiphp.disable=1"
# without ACPI hotplug the guest negotiates but never sees (nor releases) the VF
waitfor "$base/m3.console" "GUEST-READY" 60 && sleep 2
t0=$(date +%s)
"$virsh" -q -c "$uA" migrate --live m3 "$uB" 2>"$base/m3.migrate" && notok "ignored unplug fails" ||
    { grep -q "did not release its VF" "$base/m3.migrate" && ok "ignored unplug: cancelled after migration_unplug_timeout" ||
      { notok "unplug timeout message"; cat "$base/m3.migrate"; }; }
echo "# gave up after $(( $(date +%s) - t0 )) s"
[ "$(state "$uA" m3)" = running ] && ok "m3 keeps running on A" || notok "m3 on A"
only_next_id "$B" && ok "nothing of m3 left on B" || { notok "B clean after m3"; ls "$B/run/qemu"; }
pools "m3 failed" 1 0
"$virsh" -q -c "$uA" destroy m3 >/dev/null

# 4. user abort (slow migration, domjobabort from another process)
boot m4 04 ""
waitfor "$base/m4.console" "driver=e1000e master=eth" 60
"$virsh" -q -c "$uA" migrate --live --bandwidth 1 m4 "$uB" 2>"$base/m4.migrate" & p=$!
sleep 2
"$virsh" -q -c "$uA" domjobinfo m4 | grep -q "Unbounded" && ok "domjobinfo shows the running migration" || notok "domjobinfo"
# a query from another process answers while the migration holds the root
[ "$(state "$uA" m4)" = running ] && kill -0 $p 2>/dev/null &&
    ok "domstate answers during the migration" || notok "domstate during the migration"
"$virsh" -q -c "$uA" domjobabort m4 || notok "domjobabort"
wait $p && notok "aborted migration fails" ||
    { grep -q "canceled by client" "$base/m4.migrate" && ok "abort cancels the migration" || { notok "abort message"; cat "$base/m4.migrate"; }; }
[ "$(state "$uA" m4)" = running ] && ok "m4 keeps running on A" || notok "m4 on A"
only_next_id "$B" && ok "nothing of m4 left on B" || { notok "B clean after m4"; ls "$B/run/qemu"; }
pools "m4 failed" 1 0
"$virsh" -q -c "$uA" destroy m4 >/dev/null

# 5. the destination QEMU dies during the migration
boot m5 05 ""
waitfor "$base/m5.console" "driver=e1000e master=eth" 60
"$virsh" -q -c "$uA" migrate --live --bandwidth 1 m5 "$uB" 2>"$base/m5.migrate" & p=$!
waitfor "$B/run/qemu/m5.pid" "[0-9]" 20 && sleep 1 && kill -9 "$(head -n1 "$B/run/qemu/m5.pid")"
wait $p && notok "migration to a dead destination fails" || ok "migration to a dead destination fails"
[ "$(state "$uA" m5)" = running ] && ok "m5 keeps running on A" || notok "m5 on A"
only_next_id "$B" && ok "nothing of m5 left on B" || { notok "B clean after m5"; ls "$B/run/qemu"; }
pools "m5 failed" 1 0
"$virsh" -q -c "$uA" destroy m5 >/dev/null

# 10. the destination QEMU stops taking data (SIGSTOP) during the
#     migration: cancelled after migration_stall_timeout instead of a
#     migration that never ends
boot m10 10 ""
waitfor "$base/m10.console" "driver=e1000e master=eth" 60
"$virsh" -q -c "$uA" migrate --live --bandwidth 1 m10 "$uB" 2>"$base/m10.migrate" & p=$!
waitfor "$B/run/qemu/m10.pid" "[0-9]" 20 && sleep 1 && kill -STOP "$(head -n1 "$B/run/qemu/m10.pid")"
wait $p && notok "a stalled destination fails the migration" ||
    { grep -q "took no data for 3 s" "$base/m10.migrate" && ok "stalled destination: cancelled after migration_stall_timeout" ||
      { notok "stall message"; cat "$base/m10.migrate"; }; }
[ "$(state "$uA" m10)" = running ] && ok "m10 keeps running on A" || notok "m10 on A"
only_next_id "$B" && ok "nothing of m10 left on B" || { notok "B clean after m10"; ls "$B/run/qemu"; }
pools "m10 stalled" 1 0
"$virsh" -q -c "$uA" destroy m10 >/dev/null

# 6. the source QEMU dies during the migration
boot m6 06 ""
waitfor "$base/m6.console" "driver=e1000e master=eth" 60
"$virsh" -q -c "$uA" migrate --live --bandwidth 1 m6 "$uB" 2>"$base/m6.migrate" & p=$!
sleep 2
kill -9 "$(head -n1 "$A/run/qemu/m6.pid")"
wait $p && notok "migration of a dead source fails" || ok "migration of a dead source fails"
"$virsh" -q -c "$uA" list --all | grep -Eq "^ - +m6 +shut off$" && ok "m6 shown shut off on A" || notok "m6 shut off on A"
only_next_id "$A" && only_next_id "$B" && ok "nothing of m6 left on A or B" ||
    { notok "clean after m6"; ls "$A/run/qemu" "$B/run/qemu"; }
pools "m6 failed with its source" 0 0

# 8. (before 7, which fills B's pool) the guest was paused behind our back
#    (raw QMP): begin goes by the recorded state, which says running and
#    negotiated; the
#    live check, made while B prepares, refuses before the source does
#    anything, and B's prepared QEMU and VF are given back
boot m8 08 ""
waitfor "$base/m8.console" "driver=e1000e master=eth" 60
# the operator looks before migrating: the negotiation is now on record
"$virsh" -c "$uA" domifteaming m8 | grep -q "yes" || notok "m8 negotiated on record"
python3 - "$A/run/qemu/$("$virsh" -q -c "$uA" domuuid m8 | tr -d -).qmp" <<'PY' || notok "raw QMP stop"
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for cmd in ("qmp_capabilities", "stop"):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while "return" not in json.loads(f.readline()):
        pass
PY
"$virsh" -q -c "$uA" migrate --live m8 "$uB" 2>"$base/m8.migrate" && notok "paused behind our back: refused" ||
    { grep -q "is paused" "$base/m8.migrate" && ok "a guest paused behind our back is refused by the live check" ||
      { notok "live check message"; cat "$base/m8.migrate"; }; }
[ "$(state "$uA" m8)" = paused ] && ok "m8 is shown paused on A" || notok "m8 paused on A: $(state "$uA" m8)"
absent_from "$A/log/m8.log" "UNPLUG_PRIMARY" && ok "m8: the source unplugged nothing" ||
    notok "m8: the source unplugged nothing"
grep -q "starting up" "$B/log/m8.log" 2>/dev/null && ok "B had prepared m8 (the check ran in parallel)" ||
    notok "B prepared m8"
only_next_id "$B" && ok "nothing of m8 left on B" || { notok "B clean after m8"; ls "$B/run/qemu"; }
pools "m8 refused" 1 0
"$virsh" -q -c "$uA" destroy m8 >/dev/null

# 7. the destination's pool has no free VF: refused before the source
#    unplugs anything
sed "s/ens1f0/spare/" "$B/vfpool.xml" > "$base/small.xml"
"$virsh" -q -c "$uB" net-destroy vfpool >/dev/null &&
    "$virsh" -q -c "$uB" net-define "$base/small.xml" >/dev/null &&
    "$virsh" -q -c "$uB" net-start vfpool >/dev/null || notok "one-VF pool on B"
guest_xml hog 70 "$base/hog.console" "$guest" "" > "$base/hog.xml"
"$virsh" -q -c "$uB" create --paused "$base/hog.xml" >/dev/null || notok "a guest on B takes its only VF"
boot m7 07 ""
waitfor "$base/m7.console" "driver=e1000e master=eth" 60
"$virsh" -q -c "$uA" migrate --live m7 "$uB" 2>"$base/m7.migrate" && notok "migration to an empty pool fails" ||
    { grep -q "network 'vfpool'" "$base/m7.migrate" && ok "empty destination pool: refused naming the network" ||
      { notok "empty pool message"; cat "$base/m7.migrate"; }; }
[ "$(state "$uA" m7)" = running ] && ok "m7 keeps running on A" || notok "m7 on A"
absent_from "$A/log/m7.log" "UNPLUG_PRIMARY" && ok "the source unplugged nothing" || notok "the source unplugged nothing"
pools "m7 refused" 1 1
"$virsh" -q -c "$uA" destroy m7 >/dev/null
"$virsh" -q -c "$uB" destroy hog >/dev/null
# B refused in its start, after the incoming socket's place was chosen
only_next_id "$B" && ok "nothing of m7 left on B, no incoming socket either" ||
    { notok "B clean after m7"; ls "$B/run/qemu"; }

# 9. a guest without teaming that is paused migrates paused: the
#    destination, told to run it, leaves it as the source had it
guest_xml m9 09 "$base/m9.console" "$guest" "" |
    sed -e '/<interface type=.network.>/,/<\/interface>/d' -e '/<teaming/d' > "$base/m9.xml"
"$virsh" -q -c "$uA" create "$base/m9.xml" >/dev/null && "$virsh" -q -c "$uA" suspend m9 >/dev/null ||
    notok "m9 started and paused"
defined_on "$uA" m9 && ok "m9 listed on A before migration" || notok "m9 listed on A before migration"
# its QEMU is left in "postmigrate" as by a migration that completed and
# was rolled back (raw QMP: migrated to a socket that takes everything)
python3 - "$A/run/qemu/$("$virsh" -q -c "$uA" domuuid m9 | tr -d -).qmp" "$base/m9.sink" <<'PY' ||
import json, socket, sys, threading, time
sink = socket.socket(socket.AF_UNIX)
sink.bind(sys.argv[2])
sink.listen(1)
def drain():
    c, _ = sink.accept()
    while c.recv(65536):
        pass
threading.Thread(target=drain, daemon=True).start()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
def cmd(name, args=None):
    f.write(json.dumps({"execute": name, "arguments": args or {}}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r
cmd("qmp_capabilities")
cmd("migrate", {"uri": "unix:" + sys.argv[2]})
for _ in range(300):
    if cmd("query-migrate")["return"].get("status") == "completed":
        break
    time.sleep(0.05)
sys.exit(0 if cmd("query-status")["return"]["status"] == "postmigrate" else 1)
PY
    notok "m9's QEMU left in postmigrate"
"$virsh" -q -c "$uA" migrate --live m9 "$uB" 2>"$base/m9.migrate" &&
    ok "a paused guest migrates (from postmigrate too)" ||
    { notok "paused guest migrates"; cat "$base/m9.migrate"; }
grep -q "QEMU was in postmigrate" "$A/log/m9.log" && ok "A's log says it left postmigrate" ||
    notok "A's log says it left postmigrate"
[ "$("$virsh" -q -c "$uB" domstate --reason m9 | head -1)" = "paused (user)" ] &&
    ok "it is paused on B" || notok "m9 paused on B: $("$virsh" -q -c "$uB" domstate --reason m9)"
defined_on "$uA" m9; [ $? = 1 ] && ok "m9 gone from A" || notok "m9 gone from A"
"$virsh" -q -c "$uB" resume m9 >/dev/null && [ "$(state "$uB" m9)" = running ] &&
    ok "and runs on B once resumed" || notok "m9 resumes on B"

# 11. peer-to-peer (B runs the whole job and opens A itself), the data
#     over TCP on loopback as the source asked, not a socket of the roots,
#     encrypted: first without the certificates, then with A's from
#     another CA, then right
"$virsh" -q -c "$uB" suspend m9 >/dev/null || notok "m9 paused again on B"
"$virsh" -q -c "$uB" migrate --live --p2p --tls --migrateuri tcp://127.0.0.1 m9 "$uA" 2>"$base/m9.tls" &&
    notok "--tls without certificates refused" ||
    { grep -q "$B/etc/pki/qemu/ca-cert.pem.*missing" "$base/m9.tls" &&
          ok "--tls without certificates: refused naming the file" || { notok "missing file message"; cat "$base/m9.tls"; }; }
. "$top/tests/tlscerts.sh"
if command -v certtool >/dev/null 2>&1; then
    pki=$base/pki
    mkdir -p "$pki" "$A/etc/pki/qemu" "$B/etc/pki/qemu"
    tls_mkca "$pki" ca && tls_mkca "$pki" otherca &&
        tls_mkcert "$pki" server ca server 127.0.0.1 && tls_mkcert "$pki" client ca client migsrc &&
        tls_mkcert "$pki" otherserver otherca server 127.0.0.1 || notok "certificates made"
    cp "$pki/ca.pem" "$B/etc/pki/qemu/ca-cert.pem"
    cp "$pki/client.pem" "$B/etc/pki/qemu/client-cert.pem"
    cp "$pki/client-key.pem" "$B/etc/pki/qemu/client-key.pem"
    cp "$pki/otherca.pem" "$A/etc/pki/qemu/ca-cert.pem"
    cp "$pki/otherserver.pem" "$A/etc/pki/qemu/server-cert.pem"
    cp "$pki/otherserver-key.pem" "$A/etc/pki/qemu/server-key.pem"
    "$virsh" -q -c "$uB" migrate --live --p2p --tls --migrateuri tcp://127.0.0.1 m9 "$uA" 2>"$base/m9.tls" &&
        notok "--tls to a certificate of another CA fails" ||
        { [ "$(state "$uB" m9)" = paused ] && ok "--tls to a certificate of another CA fails, m9 stays on B" ||
              { notok "m9 after a refused handshake: $(state "$uB" m9)"; cat "$base/m9.tls"; }; }
    defined_on "$uA" m9; [ $? = 1 ] && ok "nothing of m9 left on A" || notok "nothing of m9 left on A"
    cp "$pki/ca.pem" "$A/etc/pki/qemu/ca-cert.pem"
    cp "$pki/server.pem" "$A/etc/pki/qemu/server-cert.pem"
    cp "$pki/server-key.pem" "$A/etc/pki/qemu/server-key.pem"
    tls=--tls
else
    echo "# certtool missing: the TLS cases are skipped"
    tls=
fi
"$virsh" -q -c "$uB" migrate --live --p2p $tls --migrateuri tcp://127.0.0.1 m9 "$uA" 2>"$base/m9.p2p" &&
    ok "p2p migration back to A" || { notok "p2p migration back to A"; cat "$base/m9.p2p"; }
[ -z "$tls" ] || { grep -q -- "-global migration.tls-creds=objlibvirt_migrate_tls0" "$A/log/m9.log" &&
    grep -q -- "-incoming tcp:fd:4" "$A/log/m9.log" &&
    ok "over TLS: A's QEMU had its credentials before it accepted the connection" ||
    notok "A's QEMU started with its TLS credentials and the daemon's socket"; }
[ "$("$virsh" -q -c "$uA" domstate --reason m9 | head -1)" = "paused (user)" ] &&
    ok "p2p: paused on A" || notok "m9 after p2p on A: $("$virsh" -q -c "$uA" domstate --reason m9)"
defined_on "$uB" m9; [ $? = 1 ] && ok "p2p: m9 gone from B" || notok "p2p: m9 gone from B"
grep -Eq -- "migration: incoming, the source sends to tcp://127.0.0.1:4915[0-9], QEMU listens on tcp:[^ ]*:4915[0-9]${tls:+ over TLS}\$" "$A/log/m9.log" &&
    ok "p2p: A listened on TCP from the port range" || { notok "TCP incoming on A"; grep incoming "$A/log/m9.log"; }
[ -z "$tls" ] || { grep -qF -- "migration: $A/etc/pki/qemu/dh-params.pem is missing, so QEMU generates Diffie-Hellman parameters" "$A/log/m9.log" &&
    grep -qF -- "'certtool --get-dh-params --bits 2048 --outfile $A/etc/pki/qemu/dh-params.pem'" "$A/log/m9.log" &&
    ok "over TLS: A's domain log names the missing dh-params.pem and how to make it" ||
    { notok "note of the missing dh-params.pem"; grep migration: "$A/log/m9.log"; }; }
"$virsh" -q -c "$uA" destroy m9 >/dev/null
exit $fail
