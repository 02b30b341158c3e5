#!/bin/sh
# virtqemud driven by unmodified libvirt clients: Debian's /usr/bin/virsh
# (libvirt-clients 9.0) and python3-libvirt, over
# qemu+unix:///system?socket=ROOT/run/virtqemud-sock, on a simulated
# SR-IOV host. Guests are plain paused-at-boot QEMUs (no kernel, no disk).
#  1. sockets and their modes, pid file, the emulator's capabilities
#     probed at start, version, list, define, dumpxml,
#     start, domstate, dominfo, suspend/resume, shutdown, destroy,
#     undefine (and virsh event --all --loop seeing each change with
#     libvirtd's details),
#     domcapabilities, net-define/net-start/net-list/net-dumpxml;
#  2. a python3-libvirt script: open, lookupByName, XMLDesc, createXML,
#     the older listing calls, close; lifecycle events; the older
#     domainEventRegister, directly and as a client of a server without
#     callback events (feature 14 hidden by rpchidefeature.py: procedures
#     105/106 and DOMAIN_EVENT_LIFECYCLE messages); a call on a handle
#     whose domain was undefined meanwhile gets libvirtd's error, field by
#     field; a live detach the guest never answers (it is paused at boot)
#     fails after its wait and listeners get device-removal-failed;
#  3. the read-only socket refuses a define with libvirt's message and
#     still lists;
#  4. the daemon SIGKILLed while a guest runs: restarted, the guest is
#     still listed running and can be destroyed;
#  5. a second daemon of the same root is refused; SIGTERM exits cleanly
#     and removes sockets and pid file; --timeout exits when idle;
#     --daemon returns once listening; unix_sock_rw_perms from the
#     configuration file;
#  6. socket activation (systemd-socket-activate passes the sockets).
set -u
virtqemud=$1
simtool=$2
ourvirsh=$3
virsh=${VIRTQEMUD_TEST_VIRSH:-/usr/bin/virsh}
python=/usr/bin/python3
. "$(dirname "$0")/guest/testlib.sh"
# meson points LD_LIBRARY_PATH at our libvirt.so.0: Debian's clients must
# load their own (ours is found by our tools through their rpath)
unset LD_LIBRARY_PATH

if [ ! -x "$virsh" ] || ! "$python" -c 'import libvirt' 2>/dev/null; then
    echo "1..0 # SKIP Debian's virsh and python3-libvirt are needed (.ci/install-deps installs them)"
    exit 77
fi

root=$(mktemp -d /tmp/vqd.XXXXXX)
sock=$root/run/virtqemud-sock
uri="qemu+unix:///system?socket=$sock"
rouri="qemu+unix:///system?socket=$sock-ro"
dpid=
evpid=
proxypid=

cleanup() {
    for d in d1 d2 t1 r1; do
        "$ourvirsh" -q -c "qemu:///embed?root=$root" destroy $d >/dev/null 2>&1
    done
    [ -n "$evpid" ] && kill "$evpid" 2>/dev/null
    [ -n "$proxypid" ] && kill "$proxypid" 2>/dev/null
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    [ -f "$root/run/virtqemud.pid" ] && kill "$(cat "$root/run/virtqemud.pid")" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

# start_daemon [ARGS]: virtqemud --root ROOT ARGS, until its socket answers
start_daemon() { daemon_start "$virtqemud" "$root" "$virsh" "$@"; }

check() {  # check NAME EXPECTED-RC STDOUT-REGEX STDERR-REGEX -- VIRSH-ARGS
    name=$1 rc=$2 out=$3 err=$4; shift 5
    "$virsh" "$@" >"$root/out" 2>"$root/err"
    got=$?
    if [ "$got" != "$rc" ] ||
       { [ -n "$out" ] && ! grep -Eq -- "$out" "$root/out"; } ||
       { [ -n "$err" ] && ! grep -Eq -- "$err" "$root/err"; }; then
        notok "$name (rc $got)"; echo "#   stdout: $(cat "$root/out")"; echo "#   stderr: $(cat "$root/err")"
    else
        ok "$name"
    fi
}

mkdomain d1 6f1c3a6e-1d2b-4c5e-9a7b-000000000901
mkdomain d2 6f1c3a6e-1d2b-4c5e-9a7b-000000000902
cat > "$root/vfpool.xml" <<XML
<network>
  <name>vfpool</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='ens1f0'/>
  </forward>
</network>
XML

# a simulated SR-IOV host in the root, before the daemon reads it
"$simtool" --root "$root" --pf ens1f0 --vfs 2 >/dev/null || { notok "simulated host"; exit 1; }

# 1. the daemon and Debian's virsh
start_daemon || { notok "virtqemud starts"; exit 1; }
ok "virtqemud starts and answers on $sock"
# the emulator's capabilities are probed once the daemon runs, not by the
# first call that needs them (no client asked for anything yet)
capsprobed() { ls "$root"/cache/capabilities/*.xml >/dev/null 2>&1; }
until_ok 30 capsprobed && ok "capabilities probed at start, before any call" ||
    notok "no capabilities cache 30 s after the daemon started"
[ "$(stat -c %a "$sock")" = 600 ] && [ "$(stat -c %a "$sock-ro")" = 777 ] &&
    ok "read-write socket 0600, read-only socket 0777" ||
    notok "socket modes $(stat -c %a "$sock") $(stat -c %a "$sock-ro")"
[ "$(cat "$root/run/virtqemud.pid")" = "$dpid" ] && ok "pid file" || notok "pid file"

# lifecycle events of everything below, as Debian's virsh shows them
"$virsh" -c "$uri" event --all --loop --timeout 120 >"$root/events" 2>&1 &
evpid=$!
sleep 1
check "version" 0 '^Running hypervisor: QEMU [0-9]' '' -- -c "$uri" version
check "uri" 0 "^qemu\+unix:///system\?socket=$sock\$" '' -- -c "$uri" uri
check "list --all, empty" 0 '^ Id   Name   State$' '' -- -c "$uri" list --all
check "define" 0 "^Domain 'd1' defined from " '' -- -c "$uri" define "$root/d1.xml"
check "list --all" 0 '^ -    d1     shut off$' '' -- -c "$uri" list --all
check "define again (update)" 0 "^Domain 'd1' defined from " '' -- -c "$uri" define "$root/d1.xml"
check "dumpxml" 0 '^  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-000000000901</uuid>$' '' -- -c "$uri" dumpxml d1
check "domuuid" 0 '^6f1c3a6e-1d2b-4c5e-9a7b-000000000901$' '' -- -c "$uri" domuuid d1
check "start" 0 "^Domain 'd1' started$" '' -- -c "$uri" start d1
check "domstate" 0 '^running$' '' -- -c "$uri" domstate d1
check "domstate --reason" 0 '^running \(booted\)$' '' -- -c "$uri" domstate --reason d1
check "dominfo" 0 '^State:          running$' '' -- -c "$uri" dominfo d1
grep -q '^Persistent:     yes$' "$root/out" && ok "dominfo: persistent" || notok "dominfo: persistent"
id=$(sed -n 's/^Id: *//p' "$root/out")
check "domname by id" 0 '^d1$' '' -- -c "$uri" domname "$id"
check "list" 0 "^ $id +d1 +running\$" '' -- -c "$uri" list
check "suspend" 0 "^Domain 'd1' suspended$" '' -- -c "$uri" suspend d1
check "domstate paused" 0 '^paused \(user\)$' '' -- -c "$uri" domstate --reason d1
check "resume" 0 "^Domain 'd1' resumed$" '' -- -c "$uri" resume d1
check "domstate resumed" 0 '^running \(unpaused\)$' '' -- -c "$uri" domstate --reason d1
check "shutdown (procedure 33)" 0 "^Domain 'd1' is being shutdown$" '' -- -c "$uri" shutdown d1
check "shutdown --mode acpi (procedure 258)" 0 "^Domain 'd1' is being shutdown$" '' -- -c "$uri" shutdown --mode acpi d1
check "destroy" 0 "^Domain 'd1' destroyed$" '' -- -c "$uri" destroy d1
check "domstate destroyed" 0 '^shut off \(destroyed\)$' '' -- -c "$uri" domstate --reason d1
check "undefine" 0 "^Domain 'd1' has been undefined$" '' -- -c "$uri" undefine d1
check "list --all after undefine" 0 '^ Id   Name   State$' '' -- -c "$uri" list --all
grep -q 'd1' "$root/out" && notok "d1 still listed" || ok "d1 no longer listed"
sleep 1
kill "$evpid"; wait "$evpid" 2>/dev/null; evpid=
cat > "$root/events.expected" <<EOF
event 'lifecycle' for domain 'd1': Defined Added
event 'lifecycle' for domain 'd1': Defined Updated
event 'lifecycle' for domain 'd1': Started Booted
event 'lifecycle' for domain 'd1': Suspended Paused
event 'lifecycle' for domain 'd1': Resumed Unpaused
event 'lifecycle' for domain 'd1': Shutdown Finished after host request
event 'lifecycle' for domain 'd1': Stopped Destroyed
event 'lifecycle' for domain 'd1': Undefined Removed
EOF
if diff "$root/events.expected" "$root/events" >"$root/events.diff"; then
    ok "virsh event --all --loop: define, redefine, start, suspend, resume, destroy, undefine"
else
    notok "virsh event --all --loop"; sed 's/^/#   /' "$root/events.diff"
fi
check "unknown domain" 1 '' "^error: failed to get domain 'd1'$" -- -c "$uri" dominfo d1
check "nodeinfo" 0 "^CPU\(s\): +$(getconf _NPROCESSORS_ONLN)\$" '' -- -c "$uri" nodeinfo
grep -Eq "^Memory size: +$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo) KiB$" "$root/out" &&
    ok "nodeinfo: memory is MemTotal" || notok "nodeinfo memory: $(grep Memory "$root/out")"
check "domcapabilities (procedure 342)" 0 '^  <domain>qemu</domain>$' '' -- -c "$uri" domcapabilities
check "net-define" 0 "^Network vfpool defined from " '' -- -c "$uri" net-define "$root/vfpool.xml"
check "net-start" 0 "^Network vfpool started$" '' -- -c "$uri" net-start vfpool
check "net-list" 0 '^ vfpool +active +no +yes$' '' -- -c "$uri" net-list
check "net-dumpxml" 0 "^    <pf dev='ens1f0'/>$" '' -- -c "$uri" net-dumpxml vfpool

# 2. python3-libvirt
cat > "$root/client.py" <<'PY'
import sys
import libvirt

conn = libvirt.open(sys.argv[1])
conn.defineXML(open(sys.argv[2]).read())
dom = conn.lookupByName('d2')
assert '<name>d2</name>' in dom.XMLDesc(0)
print('defined', dom.name(), dom.isActive(), conn.numOfDefinedDomains(), conn.listDefinedDomains())
xml = open(sys.argv[2]).read().replace('<name>d2<', '<name>t1<').replace('0902', '0903')
t = conn.createXML(xml, 0)
print('created', t.name(), t.ID() > 0, t.isPersistent(), conn.listDomainsID() == [t.ID()],
      conn.lookupByID(t.ID()).name())
t.destroy()
try:
    conn.lookupByName('t1')
except libvirt.libvirtError as e:
    print('gone', e.get_error_code())
dom.undefine()
print('type', conn.getType(), 'uri', conn.getURI().startswith('qemu+unix:///system'))
conn.close()

# events, with libvirt's default event loop
import threading
import time
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
seen = []
done = threading.Event()
def lifecycle(conn, dom, event, detail, opaque):
    seen.append((dom.name(), event, detail))
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
        done.set()
cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, None)
def loop():
    while not done.is_set():
        libvirt.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
t = conn.createXML(xml, 0)
time.sleep(1.5)
t.destroy()
done.wait(10)
conn.domainEventDeregisterAny(cb)
print('events', seen)
conn.close()
PY
if "$python" "$root/client.py" "$uri" "$root/d2.xml" >"$root/out" 2>"$root/err"; then
    grep -qx "defined d2 0 1 \['d2'\]" "$root/out" && ok "python: defineXML, lookupByName, XMLDesc" ||
        notok "python: define ($(cat "$root/out"))"
    grep -qx "created t1 True 0 True t1" "$root/out" && ok "python: createXML, listDomainsID, lookupByID" ||
        notok "python: createXML ($(cat "$root/out"))"
    grep -qx "gone 42" "$root/out" && grep -qx "type QEMU uri True" "$root/out" &&
        ok "python: destroyed transient domain gone (VIR_ERR_NO_DOMAIN), close" || notok "python: end"
    grep -qx "events \[('t1', 2, 0), ('t1', 6, 2), ('t1', 5, 1)\]" "$root/out" &&
        ok "python: lifecycle events with virEventRegisterDefaultImpl (started, shutdown host, destroyed)" ||
        notok "python events: $(grep '^events' "$root/out")"
else
    notok "python3-libvirt client"; sed 's/^/#   /' "$root/out" "$root/err"
fi

# the older interface: one callback per function, lifecycle events of
# every domain until it is deregistered
cat > "$root/legacy.py" <<'PY'
import sys
import threading
import time
import libvirt

libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
xml = open(sys.argv[2]).read().replace('<name>d2<', '<name>l1<').replace('0902', '0904')
seen = []
def lifecycle(conn, dom, event, detail, opaque):
    seen.append((dom.name(), event, detail, opaque))
def wait_for(n):
    end = time.monotonic() + 10
    while len(seen) < n and time.monotonic() < end:
        time.sleep(0.05)
def loop():
    while True:
        libvirt.virEventRunDefaultImpl()
conn.domainEventRegister(lifecycle, 'op')
threading.Thread(target=loop, daemon=True).start()
dom = conn.defineXML(xml)
wait_for(1)
dom.undefine()
wait_for(2)
conn.domainEventDeregister(lifecycle)
conn.defineXML(xml).undefine()
time.sleep(1)
print('legacy', seen)
conn.close()
PY
"$python" "$(dirname "$0")/rpchidefeature.py" "$root/nofeature14" "$sock" 14 2>"$root/proxy.err" &
proxypid=$!
i=0
while [ ! -S "$root/nofeature14" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
for via in direct nofeature14; do
    u=$uri
    [ $via = nofeature14 ] && u="qemu+unix:///system?socket=$root/nofeature14"
    if "$python" "$root/legacy.py" "$u" "$root/d2.xml" >"$root/out" 2>"$root/err" &&
       grep -qx "legacy \[('l1', 0, 0, 'op'), ('l1', 1, 0, 'op')\]" "$root/out"; then
        ok "python: domainEventRegister/domainEventDeregister ($via)"
    else
        notok "python: domainEventRegister ($via)"; sed 's/^/#   /' "$root/out" "$root/err"
    fi
done
kill "$proxypid"; wait "$proxypid" 2>/dev/null; proxypid=

# a stale handle: the error libvirtd 9.0 sends (observed), every field
cat > "$root/stale.py" <<'PY'
import sys
import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open(sys.argv[1])
xml = open(sys.argv[2]).read().replace('<name>d2<', '<name>s1<').replace('0902', '0905')
dom = conn.defineXML(xml)
conn.lookupByName('s1').undefine()
for call in (lambda: dom.info(), lambda: dom.XMLDesc(0), lambda: dom.create(), lambda: dom.state()):
    try:
        call()
        print('no error')
    except libvirt.libvirtError as e:
        print(e.get_error_message(), e.get_error_code(), e.get_error_domain(), e.get_error_level(),
              e.get_str1(), e.get_str2(), e.get_str3(), e.get_int1(), e.get_int2(), sep='|')
conn.close()
PY
stale="no domain with matching uuid '6f1c3a6e-1d2b-4c5e-9a7b-000000000905' (s1)"
if "$python" "$root/stale.py" "$uri" "$root/d2.xml" >"$root/out" 2>"$root/err" &&
   [ "$(grep -cxF "Domain not found: $stale|42|10|2|Domain not found: %s|$stale|None|-1|-1" "$root/out")" = 4 ]; then
    ok "python: a stale domain handle gets libvirtd's error (info, XMLDesc, create, state)"
else
    notok "python: stale domain handle"; sed 's/^/#   /' "$root/out" "$root/err"
fi

# a detach the guest does not answer: device-removal-failed
cat > "$root/removal.py" <<'PY'
import sys
import threading
import time
import libvirt

libvirt.virEventRegisterDefaultImpl()
libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open(sys.argv[1])
xml = open(sys.argv[2]).read().replace('<name>d2<', '<name>r1<').replace('0902', '0906')
xml = xml.replace('</os>', '</os><features><acpi/></features><devices><interface type="user">'
                  '<mac address="52:54:00:7e:00:06"/><alias name="ua-net6"/></interface></devices>')
seen = []
def failed(conn, dom, alias, opaque):
    seen.append((dom.name(), alias))
def loop():
    while True:
        libvirt.virEventRunDefaultImpl()
cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, failed, None)
threading.Thread(target=loop, daemon=True).start()
dom = conn.createXML(xml, 0)
try:
    dom.detachDeviceAlias('ua-net6', libvirt.VIR_DOMAIN_AFFECT_LIVE)
    print('detached')
except libvirt.libvirtError as e:
    print('error', e.get_error_code(), e.get_error_message(), file=sys.stderr)
    print('error', e.get_error_code())
end = time.monotonic() + 5
while not seen and time.monotonic() < end:
    time.sleep(0.05)
print('removal-failed', seen)
conn.domainEventDeregisterAny(cb)
dom.destroy()
conn.close()
PY
if "$python" "$root/removal.py" "$uri" "$root/d2.xml" >"$root/out" 2>"$root/err" &&
   grep -qx "error 68" "$root/out" && grep -qx "removal-failed \[('r1', 'ua-net6')\]" "$root/out"; then
    ok "python: a detach the guest does not answer gives device-removal-failed"
else
    notok "python: device-removal-failed"; sed 's/^/#   /' "$root/out" "$root/err"
fi

# 3. the read-only socket
check "read-only socket lists" 0 '^ vfpool +active' '' -- -c "$rouri" net-list
check "read-only socket refuses define" 1 '' \
    '^error: operation forbidden: read only access prevents virDomainDefineXML$' -- -c "$rouri" define "$root/d1.xml"
check "read-write socket still defines" 0 "^Domain 'd1' defined from " '' -- -c "$uri" define "$root/d1.xml"

# 4. SIGKILL while a guest runs
check "start before the kill" 0 "^Domain 'd1' started$" '' -- -c "$uri" start d1
qemupid=$(cat "$root/run/qemu/d1.pid" 2>/dev/null | head -n 1)
kill -9 "$dpid"; wait "$dpid" 2>/dev/null; dpid=
if [ -n "$qemupid" ] && kill -0 "$qemupid" 2>/dev/null; then
    ok "the guest outlives the SIGKILLed daemon"
else
    notok "guest QEMU ($qemupid) alive after the daemon's SIGKILL"
fi
start_daemon && ok "restart on the SIGKILLed daemon's sockets and pid file" || notok "restart after SIGKILL"
check "guest still running after the restart" 0 '^ [0-9]+ +d1 +running$' '' -- -c "$uri" list
check "destroy after the restart" 0 "^Domain 'd1' destroyed$" '' -- -c "$uri" destroy d1

# 5. one daemon per root; clean exit; --timeout; --daemon; configuration
if "$virtqemud" --root "$root" >"$root/second" 2>&1; then
    notok "a second daemon of the same root ran"
else
    grep -q "another virtqemud is running with pid file '$root/run/virtqemud.pid' (pid $dpid)" "$root/second" &&
        ok "a second daemon of the same root is refused" ||
        { notok "second daemon's message"; sed 's/^/#   /' "$root/second"; }
fi
[ -S "$sock" ] && "$virsh" -c "$uri" list >/dev/null 2>&1 &&
    ok "the first daemon still serves" || notok "first daemon after the second's attempt"
kill -TERM "$dpid"; wait "$dpid"; rc=$?; dpid=
[ $rc = 0 ] && [ ! -e "$sock" ] && [ ! -e "$sock-ro" ] && [ ! -e "$root/run/virtqemud.pid" ] &&
    ok "SIGTERM: exit 0, sockets and pid file removed" || notok "SIGTERM exit (rc $rc)"

start_daemon --timeout 1 || notok "start with --timeout"
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$dpid" 2>/dev/null; then
    notok "--timeout 1: still running after 5 s"
else
    wait "$dpid"; rc=$?; dpid=
    [ $rc = 0 ] && ok "--timeout: exits when idle" || notok "--timeout exit status $rc"
fi

mkdir -p "$root/etc"
printf 'unix_sock_rw_perms = "0660"\nlog_level = 2\nlog_outputs = "2:file:%s/run/vqd.log"\n' "$root" > "$root/etc/virtqemud.conf"
if "$virtqemud" --root "$root" --daemon >"$root/out" 2>&1; then
    if [ -S "$sock" ] && "$virsh" -c "$uri" list >/dev/null 2>&1; then
        ok "--daemon returns once the daemon listens"
    else
        notok "--daemon: no socket after the parent returned"
    fi
    [ "$(stat -c %a "$sock")" = 660 ] && ok "unix_sock_rw_perms from virtqemud.conf" ||
        notok "rw socket mode $(stat -c %a "$sock") with unix_sock_rw_perms 0660"
    grep -q 'RPC client [0-9]* connected: pid [0-9]* uid' "$root/run/vqd.log" &&
        ok "log_outputs file: clients logged with their credentials" || notok "log file"
    pid=$(cat "$root/run/virtqemud.pid")
    kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && notok "daemonized virtqemud stops on SIGTERM" ||
        ok "daemonized virtqemud stops on SIGTERM"
else
    notok "--daemon"; sed 's/^/#   /' "$root/out"
fi

# 6. socket activation: the daemon uses the sockets it is given (the
# read-only one by its path), and leaves them to their owner at exit
if command -v systemd-socket-activate >/dev/null; then
    rm -f "$root/etc/virtqemud.conf"
    systemd-socket-activate -l "$sock" -l "$sock-ro" "$virtqemud" --root "$root" \
        >>"$root/daemon.log" 2>&1 &
    dpid=$!
    i=0
    while [ ! -S "$sock-ro" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    check "socket activation: read-only socket lists" 0 '^ vfpool +active' '' -- -c "$rouri" net-list
    check "socket activation: read-only socket refuses define" 1 '' \
        'read only access prevents virDomainDefineXML$' -- -c "$rouri" define "$root/d2.xml"
    check "socket activation: read-write socket defines" 0 "^Domain 'd2' defined from " '' -- \
        -c "$uri" define "$root/d2.xml"
    grep -q 'listening on .*/virtqemud-sock-ro (read-only) (socket activation)' "$root/daemon.log" &&
        ok "socket activation: inherited sockets used" || notok "socket activation log"
    kill -TERM "$dpid"; wait "$dpid"; dpid=
    [ -S "$sock" ] && ok "socket activation: inherited sockets left to their owner" ||
        notok "inherited socket removed by the daemon"
else
    echo "not ok - systemd-socket-activate (package systemd) is needed"; fail=1
fi

exit $fail
