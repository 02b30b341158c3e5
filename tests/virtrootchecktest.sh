#!/bin/sh
# virt-root-check on roots with one planted inconsistency each (no QEMU):
# each rule fails naming what is wrong, and passes again once the planted
# file or process is gone. Usage errors exit 2.
set -u
virsh=$1
rootcheck=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest/testlib.sh"
R=$(mktemp -d /tmp/rootchecktest.XXXXXX)
uri="qemu:///embed?root=$R"
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$R"' EXIT

# usage
"$rootcheck" >/dev/null 2>&1; [ $? = 2 ] && ok "no ROOT: exit 2" || notok "no ROOT: exit 2"
"$rootcheck" --bogus "$R" >/dev/null 2>&1; [ $? = 2 ] && ok "unknown option: exit 2" || notok "unknown option: exit 2"
"$rootcheck" "$R/missing" >/dev/null 2>&1; [ $? = 2 ] && ok "missing ROOT: exit 2" || notok "missing ROOT: exit 2"
"$rootcheck" --help | grep -q "^usage: virt-root-check" && ok "--help" || notok "--help"

sim_host "$virsh" "$R" ens1f0 2 || { notok "simulated host"; exit 1; }
uuid=5c7a0000-0000-4000-8000-000000000001
mkdir -p "$R/lib/qemu/domains" "$R/run/qemu" "$R/run/hostdev"
cat > "$R/lib/qemu/domains/d1.xml" <<XML
<domain type='qemu'>
  <name>d1</name>
  <uuid>$uuid</uuid>
  <memory unit='KiB'>32768</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
</domain>
XML
"$virsh" -q -c "$uri" list --all --name | grep -qx d1 || notok "d1 is a definition the driver reads"

out=$R/out
# expect_fail LABEL REGEX: the checker exits 1 and prints REGEX after FAIL
expect_fail() {
    "$rootcheck" "$R" > "$out" 2>&1
    rc=$?
    if [ $rc = 1 ] && grep -Eq "FAIL: $2" "$out"; then
        ok "$1: FAIL names it"
    else
        notok "$1: FAIL names it (exit $rc)"; cat "$out"
    fi
}
expect_pass() {
    "$rootcheck" -q "$R" > "$out" 2>&1 && ! grep -q "FAIL" "$out" && ok "$1: consistent" ||
        { notok "$1: consistent"; cat "$out"; }
}

expect_pass "fresh root with a domain and an active pool"
"$rootcheck" "$R" | grep -Eq "Checking that every VF has one live owner or is free +: PASS" &&
    ok "every rule is printed with its verdict" || notok "rules printed"

# definitions
echo "<domain type='qemu'><name>broken" > "$R/lib/qemu/domains/broken.xml"
expect_fail "unparsable definition" "domain definition $R/lib/qemu/domains/broken.xml does not parse"
rm "$R/lib/qemu/domains/broken.xml"
sed 's/<name>d1</<name>d2</' "$R/lib/qemu/domains/d1.xml" > "$R/lib/qemu/domains/d2.xml"
expect_fail "two names, one UUID" "domains 'd1' and 'd2' have the same UUID $uuid"
rm "$R/lib/qemu/domains/d2.xml"
cp "$R/lib/qemu/domains/d1.xml" "$R/lib/qemu/domains/d3.xml"
expect_fail "definition under another file name" "domain definition $R/lib/qemu/domains/d3.xml defines domain 'd1'"
rm "$R/lib/qemu/domains/d3.xml"
expect_pass "definitions repaired"

# temporary file of an atomic write
dead=$(sh -c 'echo $$')
cp "$R/lib/qemu/domains/d1.xml" "$R/lib/qemu/domains/d1.xml.tmp.$dead.1.Ab12Cd"
expect_fail "temporary file" "$R/lib/qemu/domains/d1.xml.tmp.$dead.1.Ab12Cd: temporary file of an interrupted write"
rm "$R/lib/qemu/domains/d1.xml.tmp.$dead.1.Ab12Cd"

# status files: a dead pid, a live process that is not the domain's QEMU
status() {  # status PID: d1's status file naming PID (with a start time
            # no process of that pid has: never the domain's QEMU)
    cat > "$R/run/qemu/d1.xml" <<XML
<domstatus state='paused' reason='1' pid='$1' starttime='1'>
  <monitor path='$R/run/qemu/d1.monitor'/>
  <domain type='qemu' id='1'>
    <name>d1</name>
    <uuid>$uuid</uuid>
    <memory unit='KiB'>32768</memory>
    <os><type arch='x86_64' machine='q35'>hvm</type></os>
  </domain>
</domstatus>
XML
}
sh -c 'exit 0' & dead=$!
wait $dead
status $dead
expect_fail "status of a dead QEMU" "domain 'd1': status file $R/run/qemu/d1.xml names pid $dead, which is gone"
sleep 60 & other=$!
pids="$pids $other"
status $other
expect_fail "status naming another process" "domain 'd1': status file $R/run/qemu/d1.xml names pid $other, which is not its QEMU"
kill $other
echo "<domstatus" > "$R/run/qemu/d1.xml"
expect_fail "unparsable status" "status file $R/run/qemu/d1.xml does not parse"
rm "$R/run/qemu/d1.xml"
expect_pass "status files repaired"

# a QEMU of this root without a status file
# (what identifies one: its output goes to the domain's log)
mkdir -p "$R/log"
sleep 60 >> "$R/log/d9.log" 2>&1 &
orphan=$!
pids="$pids $orphan"
# the child redirects its output after the shell has gone on: wait for it
writes_log() { [ "$(readlink "/proc/$orphan/fd/1")" = "$R/log/d9.log" ]; }
until_ok 5 writes_log || notok "the fake QEMU runs"
expect_fail "QEMU without status" "pid $orphan writes to $R/log/d9.log \\(a QEMU of domain 'd9'\\?\\) but no status file of this root names it"
kill $orphan
wait $orphan 2>/dev/null
expect_pass "orphan gone"

# files of stopped domains, migration jobs
echo 123 > "$R/run/qemu/d1.pid"
"$rootcheck" "$R" > "$out" 2>&1 && grep -q "WARN: $R/run/qemu/d1.pid is left from domain 'd1'" "$out" &&
    ok "a pidfile without status warns (exit 0)" || { notok "pidfile warns"; cat "$out"; }
rm "$R/run/qemu/d1.pid"
printf '[job]\ntype=2\nphase=active\n' > "$R/run/qemu/d1.job"
expect_fail "job of a domain not running" "domain 'd1': job file $R/run/qemu/d1.job is left, the domain is not running"
rm "$R/run/qemu/d1.job"
: > "$R/run/qemu/d1.incoming"
expect_fail "incoming socket left (old name)" "$R/run/qemu/d1.incoming of a migration is left, its domain is not running"
rm "$R/run/qemu/d1.incoming"
hex=$(echo $uuid | tr -d -)
: > "$R/run/qemu/$hex.mig"
expect_fail "incoming socket left" "$R/run/qemu/$hex.mig of a migration is left, its domain is not running"
rm "$R/run/qemu/$hex.mig"

# VFs: saved settings or a recorded driver without a user, a pool record
# without its owner
printf '[vf]\nmac=52:54:00:00:00:01\nvlan=0\n' > "$R/run/hostdev/0000:03:07.1.vf"
expect_fail "saved VF settings without a user" "VF 0000:03:07.1: saved settings $R/run/hostdev/0000:03:07.1.vf, but no running domain uses it"
rm "$R/run/hostdev/0000:03:07.1.vf"
printf '[bind]\ndriver=iavf\n' > "$R/run/hostdev/0000:03:07.1.bind"
expect_fail "recorded host driver without a user" "PCI device 0000:03:07.1: its host driver is recorded in $R/run/hostdev/0000:03:07.1.bind, but no running domain uses it"
rm "$R/run/hostdev/0000:03:07.1.bind"
printf '[owner]\nholder=qemu/%s/1/hostdev\ndomain=d1\n' $uuid > "$R/run/hostdev/0000:03:07.2.owner"
expect_fail "ownership record of a domain not running" "VF 0000:03:07.2 is recorded as held by 'qemu/$uuid/1/hostdev' \\(domain 'd1'\\), which is not a running domain using it"
echo "[owner" > "$R/run/hostdev/0000:03:07.2.owner"
expect_fail "unreadable ownership record" "ownership record $R/run/hostdev/0000:03:07.2.owner is unreadable"
rm "$R/run/hostdev/0000:03:07.2.owner"
pool=$R/run/network/vfpool/vfpool/vfpool.vfpool
[ -s "$pool" ] || notok "the pool has its records file"
python3 - "$pool" "$uuid" <<'PY'
import sys
path, uuid = sys.argv[1], sys.argv[2]
rec = ("0000:03:07.1 qemu/%s/1/52:54:00:00:00:01\n" % uuid).encode()
with open(path, "r+b") as f:
    f.write(rec + b"\0" * (256 - len(rec)))
PY
expect_fail "VF recorded for a domain not running" "VF 0000:03:07.1 of network 'vfpool' is recorded for 'qemu/$uuid/1/52:54:00:00:00:01', which is not a running domain"
# the checker changed nothing; opening the root gives the VF back (the
# repair the checker leaves to it)
grep -q "qemu/$uuid" "$pool" && ok "the checker left the record alone" || notok "the checker left the record alone"
"$virsh" -q -c "$uri" list --all >/dev/null
grep -q "qemu/$uuid" "$pool" && notok "opening the root released the VF" || ok "opening the root released the VF"
expect_pass "VF given back"

exit $fail
