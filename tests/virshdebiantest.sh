#!/bin/bash
# Our virsh against Debian's virsh 9.0 (/usr/bin/virsh, libvirt-clients),
# both driving the same `virtqemud --root` (so this is also "our virsh
# against our daemon"): for each command below the two must print the
# same standard output and standard error, byte for byte, and exit with
# the same status. Each comparison also checks that the command did what
# it is for (exit status, a line it must print), so that two equal
# failures cannot pass.
#
# Normalised: only "CPU frequency:" of nodeinfo (the host may change it
# between the two calls). Nothing else: both libraries are 9.0.0, and the
# hostname, QEMU version and paths are the same daemon's.
#
# Covered: version (--daemon), hostname, nodeinfo, domiflist and
# domblklist (--inactive, --details, unknown domain), event (--list,
# errors, timeout, --all --loop through the life below), domjobinfo (no job,
# and every job type of a migration job record, with --anystats and
# --rawstats), autostart (dominfo, list --autostart/--no-autostart),
# detach-device-alias's error, --quiet (tables without headers, no blank
# lines), domstate --reason through a domain's life (defined,
# booted, user pause, unpaused, destroyed, crashed when QEMU is killed),
# batch mode (several commands in one string, quoting, comments, syntax
# errors, the exit status of the last command, argv mode where ';' is
# data), -r (read-only: on the read-only socket and on the read-write
# one, reads work and changes are refused with libvirt's message) and the
# node devices of the simulated host (nodedev-list with its filters and
# --tree, nodedev-dumpxml of the PF, a VF and the PF's interface, unknown
# names; nodedev-detach and nodedev-reattach of a VF with the simulated
# kernel serving, and their errors; python3-libvirt's listAllDevices,
# lookup, parent, listCaps, XMLDesc and the older listDevices/numOfDevices).
#
# usage: virshdebiantest.sh VIRTQEMUD VIRT-SRIOV-SIM OUR-VIRSH
set -u
virtqemud=$1
simtool=$2
ourvirsh=$3
debvirsh=${VIRTQEMUD_TEST_VIRSH:-/usr/bin/virsh}
# meson points LD_LIBRARY_PATH at our libvirt.so.0: Debian's virsh must
# load its own (ours finds ours through its rpath)
unset LD_LIBRARY_PATH
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if [ ! -x "$debvirsh" ]; then
    echo "1..0 # SKIP Debian's virsh is needed (.ci/install-deps installs libvirt-clients)"
    exit 77
fi
command -v flock >/dev/null || { echo "1..0 # SKIP flock(1) is needed"; exit 77; }

root=$(mktemp -d /tmp/vshdeb.XXXXXX)
sock=$root/run/virtqemud-sock
uri="qemu+unix:///system?socket=$sock"
rouri="qemu+unix:///system?socket=$sock-ro"
dpid=
cleanup() {
    "$ourvirsh" -q -c "qemu:///embed?root=$root" destroy d2 >/dev/null 2>&1
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too

"$simtool" --root "$root" --pf ens1f0 --vfs 2 >/dev/null || { notok "simulated host"; exit 1; }
"$virtqemud" --root "$root" >"$root/daemon.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do
    [ -S "$sock" ] && "$debvirsh" -c "$uri" uri >/dev/null 2>&1 && break
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.1
done
"$debvirsh" -c "$uri" uri >/dev/null 2>&1 ||
    { echo "Bail out! virtqemud did not start:"; cat "$root/daemon.log"; exit 1; }

# same NAME RC REGEX [-u URI] -- ARGS: both virshes with ARGS against URI
# (default the read-write socket): equal stdout, stderr and exit status;
# the exit status is RC and stdout (stderr when RC is 1) has a line
# matching REGEX
same() {
    local name=$1 rc=$2 re=$3 u=$uri
    shift 3
    [ "$1" = -u ] && { u=$2; shift 2; }
    shift
    "$debvirsh" -c "$u" "$@" >"$root/d.out" 2>"$root/d.err"
    echo "exit $?" >>"$root/d.out"
    "$ourvirsh" -c "$u" "$@" >"$root/o.out" 2>"$root/o.err"
    echo "exit $?" >>"$root/o.out"
    sed -i 's/^\(CPU frequency: *\).*/\1X/' "$root/d.out" "$root/o.out"
    local where=$root/o.out
    [ "$rc" = 1 ] && where=$root/o.err
    if ! grep -qx "exit $rc" "$root/o.out" || ! grep -Eq -- "$re" "$where"; then
        notok "$name: ours did not do it (want exit $rc, /$re/)"
        sed 's/^/#   /' "$root/o.out" "$root/o.err"
    elif cmp -s "$root/d.out" "$root/o.out" && cmp -s "$root/d.err" "$root/o.err"; then
        ok "$name"
    else
        notok "$name: differs from Debian's virsh"
        diff -u "$root/d.out" "$root/o.out" | sed 's/^/#   /'
        diff -u "$root/d.err" "$root/o.err" | sed 's/^/#   /'
    fi
}

cat >"$root/d1.xml" <<XML
<domain type='qemu'>
  <name>d1</name>
  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-00000000d101</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='$root/disk.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='block' device='disk'><source dev='/dev/null'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:d1:00:01'/><source network='vfpool'/><model type='virtio'/></interface>
    <interface type='bridge'><mac address='52:54:00:d1:00:02'/><source bridge='br0'/><model type='e1000'/></interface>
    <interface type='user'><mac address='52:54:00:d1:00:03'/></interface>
  </devices>
</domain>
XML
cat >"$root/d2.xml" <<XML
<domain type='qemu'>
  <name>d2</name>
  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-00000000d102</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
"$ourvirsh" -q -c "$uri" define "$root/d1.xml" >/dev/null &&
    "$ourvirsh" -q -c "$uri" define "$root/d2.xml" >/dev/null || { notok "define"; exit 1; }

# host
same "version" 0 '^Running hypervisor: QEMU [0-9]+\.[0-9]+\.[0-9]+$' -- version
same "version --daemon" 0 '^Running against daemon: 9\.0\.0$' -- version --daemon
grep -qx 'Using library: libvirt 9.0.0' "$root/o.out" && ok "our library is 9.0.0" ||
    notok "our library's version: $(grep 'Using library' "$root/o.out")"
same "hostname" 0 "^$(uname -n)\$" -- hostname
same "nodeinfo" 0 "^CPU\\(s\\): +$(getconf _NPROCESSORS_ONLN)\$" -- nodeinfo
same "nodeinfo --bogus" 1 "doesn't support option --bogus" -- nodeinfo --bogus

# devices
same "domiflist" 0 '^ -  +network +vfpool +virtio +52:54:00:d1:00:01$' -- domiflist d1
grep -q ' bridge  *br0  *e1000 ' "$root/o.out" && grep -q ' user  *-  *rtl8139 ' "$root/o.out" &&
    ok "domiflist: bridge and user rows" || notok "domiflist rows"
same "domiflist --inactive" 0 '52:54:00:d1:00:02' -- domiflist --inactive d1
same "domiflist, no interfaces" 0 '^ Interface +Type +Source +Model +MAC$' -- domiflist d2
same "domiflist unknown domain" 1 "failed to get domain 'nosuch'" -- domiflist nosuch
same "domblklist" 0 "^ vda +$root/disk.img\$" -- domblklist d1
grep -q '^ sda  *-$' "$root/o.out" && ok "domblklist: an empty cdrom is -" || notok "domblklist cdrom"
same "domblklist --details" 0 '^ block +disk +vdb +/dev/null$' -- domblklist --details d1
same "domblklist --inactive --details" 0 '^ file +cdrom +sda +-$' -- domblklist d1 --inactive --details
same "domblklist unknown domain" 1 "failed to get domain 'nosuch'" -- domblklist nosuch

# jobs: none, then a migration job's record as the driver keeps it while
# a migration runs (ROOT/run/qemu/NAME.job, held under NAME.joblock)
# a domain that does not run has no job: an error, as with libvirt
same "domjobinfo, not running" 1 "^error: Requested operation is not valid: domain 'd1' is not running: it has no job\$" \
    -- domjobinfo d1
job=$root/run/qemu/d1.job
exec 9>"$root/run/qemu/d1.joblock"
flock 9 || notok "job lock"
for type in 1 2 3 4 5; do
    cat >"$job" <<EOF
[job]
type=$type
operation=5
phase=perform
time_elapsed=1534
memory_total=2199023255552
memory_processed=1000
memory_remaining=54525952
downtime=300
setup_time=12
total_time=0
wait_unplug_ms=250
unplug_primary=hostdev0
errmsg=migration of domain 'd1' failed: test
EOF
    case $type in
    1|2) same "domjobinfo, job type $type" 0 '^Memory total: +2\.000 TiB$' -- domjobinfo d1 ;;
    *) same "domjobinfo, job type $type" 0 '^Operation: +Outgoing migration$' -- domjobinfo d1 ;;
    esac
    same "domjobinfo --anystats, job type $type" 0 "^Error message: +migration of domain 'd1' failed: test\$" \
        -- domjobinfo --anystats d1
    same "domjobinfo --rawstats, job type $type" 0 '^unplug_primary: hostdev0$' -- domjobinfo --rawstats d1
done
rm -f "$job"
exec 9>&-

# event: the list, the errors, a one-shot that times out; then both
# listen (--all --loop) through the life below until interrupted
same "event --list" 0 '^device-removal-failed$' -- event --list
same "event without a type" 1 'one of --list, --all, or --event <type> is required' -- event
# (nothing on stderr: compared here rather than by same)
"$debvirsh" -c "$uri" event --event lifecycle --domain d1 --timeout 1 >"$root/tmo.d" 2>&1
echo "exit $?" >>"$root/tmo.d"
"$ourvirsh" -c "$uri" event --event lifecycle --domain d1 --timeout 1 >"$root/tmo.o" 2>&1
echo "exit $?" >>"$root/tmo.o"
if ! grep -qx 'event loop timed out' "$root/tmo.o" || ! grep -qx 'exit 1' "$root/tmo.o"; then
    notok "event --timeout 1: ours did not time out"; sed 's/^/#   /' "$root/tmo.o"
elif cmp -s "$root/tmo.d" "$root/tmo.o"; then
    ok "event --event lifecycle --domain --timeout 1, nothing happens: as Debian's virsh"
else
    notok "event timeout differs"; diff -u "$root/tmo.d" "$root/tmo.o" | sed 's/^/#   /'
fi
"$debvirsh" -c "$uri" event --all --loop --timeout 120 >"$root/ev.d" 2>&1 &
evd=$!
"$ourvirsh" -c "$uri" event --all --loop --timeout 120 >"$root/ev.o" 2>&1 &
evo=$!
sleep 1

# domstate --reason through a life
same "domstate --reason, defined" 0 '^shut off \(unknown\)$' -- domstate --reason d2
"$ourvirsh" -q -c "$uri" start d2 >/dev/null || notok "start d2"
same "domstate --reason, started" 0 '^running \(booted\)$' -- domstate --reason d2
same "domjobinfo, running, no job" 0 '^Job type: +None +$' -- domjobinfo d2
same "domjobinfo --rawstats, running, no job" 0 '^Job type: 0$' -- domjobinfo --rawstats d2
"$ourvirsh" -q -c "$uri" suspend d2 >/dev/null || notok "suspend d2"
same "domstate --reason, suspended" 0 '^paused \(user\)$' -- domstate --reason d2
"$ourvirsh" -q -c "$uri" resume d2 >/dev/null || notok "resume d2"
same "domstate --reason, resumed" 0 '^running \(unpaused\)$' -- domstate --reason d2
"$ourvirsh" -q -c "$uri" destroy d2 >/dev/null || notok "destroy d2"
same "domstate --reason, destroyed" 0 '^shut off \(destroyed\)$' -- domstate --reason d2
"$ourvirsh" -q -c "$uri" start d2 >/dev/null || notok "start d2 again"
qpid=$(head -n1 "$root/run/qemu/d2.pid" 2>/dev/null)
# the pid file is this root's: the QEMU is ours
if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null && grep -aq 'guest=d2,' "/proc/$qpid/cmdline"; then
    kill -KILL "$qpid"
    for _ in $(seq 100); do
        "$debvirsh" -c "$uri" domstate d2 2>/dev/null | grep -qx 'shut off' && break
        sleep 0.1
    done
    same "domstate --reason, QEMU killed" 0 '^shut off \(crashed\)$' -- domstate --reason d2
else
    notok "the QEMU of d2 ($qpid) is not running"
fi

sleep 1
kill -INT "$evd" "$evo"
wait "$evd"; echo "exit $?" >>"$root/ev.d"
wait "$evo"; echo "exit $?" >>"$root/ev.o"
if ! grep -qx "event 'lifecycle' for domain 'd2': Started Booted" "$root/ev.o" ||
    ! grep -qx 'exit 0' "$root/ev.o"; then
    notok "event --all --loop: ours saw no start"; sed 's/^/#   /' "$root/ev.o"
elif cmp -s "$root/ev.d" "$root/ev.o"; then
    ok "event --all --loop through a life, interrupted: as Debian's virsh"
else
    notok "event --all --loop differs from Debian's virsh"; diff -u "$root/ev.d" "$root/ev.o" | sed 's/^/#   /'
fi

# batch mode
same "batch: two commands" 0 '^shut off \(crashed\)$' -- 'hostname; domstate d2 --reason'
grep -qx "$(uname -n)" "$root/o.out" && ok "batch: the first command ran too" || notok "batch: first command"
same "batch: newline, empty commands" 0 '^qemu\+unix://' -- 'hostname;;
uri'
same "batch: a failing command, then one that works" 0 "^$(uname -n)\$" -- 'domstate nosuch; hostname'
grep -q "failed to get domain 'nosuch'" "$root/o.err" && ok "batch: the failure is reported" ||
    notok "batch: failure reported"
same "batch: the last command fails" 1 "failed to get domain 'nosuch'" -- 'hostname; domstate nosuch'
grep -qx "$(uname -n)" "$root/o.out" && ok "batch: the command before the failure ran" ||
    notok "batch: command before failure"
same "batch: an unknown command runs none" 1 "^error: unknown command: 'bogus'\$" -- 'hostname; bogus; uri'
! grep -qx "$(uname -n)" "$root/o.out" &&
    ok "batch: nothing ran before the unknown command" || notok "batch: something ran"
same "batch: a bad option runs none" 1 "doesn't support option --foo" -- 'hostname --foo; uri'
same "batch: quoting" 0 '^shut off$' -- "domstate 'd1' # a comment; uri"
sed -n 1p "$root/o.out" | grep -qx 'shut off' && ! grep -q qemu+unix "$root/o.out" &&
    ok "batch: the comment hid the rest of the line" || notok "batch: comment"
same "batch: double quotes and escapes" 0 '^shut off \(crashed\)$' -- 'domstate "d\2" --reason; domstate d\2'
same "batch: single quotes are literal" 1 "failed to get domain 'd\\\\2'" -- "domstate 'd\\2'"
same "batch: missing quote" 1 '^error: missing "$' -- 'domstate "d2'
same "batch: dangling backslash" 1 '^error: dangling \\$' -- 'domstate d2\'
same "batch: --opt=value" 0 '^shut off$' -- 'domstate --domain=d2; uri'
same "batch: = after a boolean" 1 "invalid '=' after option --reason" -- 'domstate d2 --reason=x'
same "batch: blank string" 0 '' -- ' '
[ ! -s "$root/o.err" ] && ok "batch: a blank string prints nothing" || notok "blank string"
same "batch: a failed connection ends it" 1 '^error: failed to connect to the hypervisor$' \
    -u "qemu+unix:///system?socket=$root/nosuch-sock" -- 'hostname; uri'
[ "$(grep -c 'failed to connect' "$root/o.err")" = 1 ] && ok "batch: one connection attempt" ||
    notok "batch: connection attempts: $(cat "$root/o.err")"
same "argv mode: ';' is data" 1 "^error: unexpected data ';'\$" -- domstate d2 ';' hostname

# list order: running domains by id, then the others by name ignoring
# case
"$ourvirsh" -q -c "$uri" start d2 >/dev/null || notok "start d2 for list"
sed 's/<name>d2</<name>Bz</; /<uuid>/d' "$root/d2.xml" >"$root/Bz.xml"
sed 's/<name>d2</<name>aa</; /<uuid>/d' "$root/d2.xml" >"$root/aa.xml"
"$ourvirsh" -q -c "$uri" define "$root/Bz.xml" >/dev/null &&
    "$ourvirsh" -q -c "$uri" define "$root/aa.xml" >/dev/null || notok "define Bz, aa"
same "list --all order" 0 '^ [0-9]+ +d2 +running$' -- list --all
[ "$(sed -n '3,6s/^ [-0-9]* *\([a-zA-Z0-9]*\) .*/\1/p' "$root/o.out" | tr '\n' ' ')" = "d2 aa Bz d1 " ] &&
    ok "list --all: d2 aa Bz d1" || notok "list order: $(cat "$root/o.out")"
same "list --all --name order" 0 '^Bz$' -- list --all --name
"$ourvirsh" -q -c "$uri" destroy d2 >/dev/null || notok "destroy d2 after list"

# autostart (setting it twice, as each comparison does, is no change)
same "dominfo, no autostart" 0 '^Autostart: +disable$' -- dominfo d1
same "autostart" 0 "^Domain 'd1' marked as autostarted\$" -- autostart d1
same "dominfo, autostart" 0 '^Autostart: +enable$' -- dominfo d1
same "list --autostart" 0 '^ -  +d1 +shut off$' -- list --all --autostart
grep -q ' d2 ' "$root/o.out" && notok "list --autostart lists d2" || ok "list --autostart: d1 only"
same "list --no-autostart" 0 '^ -  +d2 +shut off$' -- list --all --no-autostart
grep -q ' d1 ' "$root/o.out" && notok "list --no-autostart lists d1" || ok "list --no-autostart: d2 only"
same "autostart --disable" 0 "^Domain 'd1' unmarked as autostarted\$" -- autostart --disable d1
same "dominfo, autostart disabled" 0 '^Autostart: +disable$' -- dominfo d1
same "autostart of an unknown domain" 1 "failed to get domain 'nosuch'" -- autostart nosuch
same "detach-device-alias, no such alias" 1 '^error: device not found: no device found with alias ua-nope' \
    -- detach-device-alias d1 ua-nope --config

# domxml-to-native over the wire (CONNECT_DOMAIN_XML_TO_NATIVE)
same "domxml-to-native" 0 ' /usr/bin/qemu-system-x86_64 -name guest=d2,debug-threads=on ' \
    -- domxml-to-native qemu-argv "$root/d2.xml"
same "domxml-to-native, unknown format" 1 "unsupported native format 'bogus'" \
    -- domxml-to-native bogus "$root/d2.xml"

# --quiet: no table headers (nor their widths), no blank line after a
# command
same "-q list --all" 0 '^ -   d1   shut off$' -- -q list --all
same "-q domiflist" 0 '^ -   network   vfpool   virtio    52:54:00:d1:00:01$' -- -q domiflist d1
same "-q dominfo" 0 '^Security DOI: +0$' -- -q dominfo d1
same "-q domstate --reason" 0 '^shut off \(destroyed\)$' -- -q domstate --reason d2
same "-q autostart" 0 '^exit 0$' -- -q autostart --disable d1
same "-q, a failed command" 1 "failed to get domain 'nosuch'" -- -q domstate nosuch

# node devices: the simulated PF 0000:03:00.0 (ens1f0) with its 2 VFs
same "nodedev-list" 0 '^pci_0000_03_07_2$' -- nodedev-list
same "nodedev-list --cap pci" 0 '^pci_0000_03_00_0$' -- nodedev-list --cap pci
same "nodedev-list --cap net,system" 0 '^computer$' -- nodedev-list --cap net,system
same "nodedev-list --cap bogus" 1 '^error: Invalid capability type$' -- nodedev-list --cap bogus
same "nodedev-list --inactive" 0 '^exit 0$' -- nodedev-list --inactive
same "nodedev-list --all --cap pci" 0 '^pci_0000_03_07_1$' -- nodedev-list --all --cap pci
same "nodedev-list --tree" 0 '^  \+- pci_0000_03_00_0$' -- nodedev-list --tree
same "nodedev-list --tree --cap pci" 1 'incompatible' -- nodedev-list --tree --cap pci
same "nodedev-dumpxml of the PF" 0 "^    <capability type='virt_functions' maxCount='2'>\$" \
    -- nodedev-dumpxml pci_0000_03_00_0
same "nodedev-dumpxml of a VF" 0 "^    <capability type='phys_function'>\$" -- nodedev-dumpxml pci_0000_03_07_1
pfnet=$("$ourvirsh" -c "$uri" nodedev-list --cap net | grep '^net_ens1f0_')
same "nodedev-dumpxml of the PF's interface" 0 '^  <parent>pci_0000_03_00_0</parent>$' \
    -- nodedev-dumpxml "$pfnet"
same "nodedev-dumpxml unknown" 1 "^error: Could not find matching device 'nosuch'$" -- nodedev-dumpxml nosuch
same "-r nodedev-list" 0 '^pci_0000_03_07_1$' -u "$rouri" -- -r nodedev-list --cap pci

# detach and reattach need the simulated kernel (it stops when the root
# goes)
"$simtool" --root "$root" --serve >"$root/serve.out" 2>&1 &
spid=$!
for _ in $(seq 100); do
    [ "$(cat "$root/sim/serve.pid" 2>/dev/null)" = "$spid" ] && break
    sleep 0.1
done
vfdriver() { readlink "$root/sim/sys/bus/pci/devices/0000:03:07.1/driver" | sed 's|.*/||'; }
same "nodedev-detach" 0 '^Device pci_0000_03_07_1 detached$' -- nodedev-detach pci_0000_03_07_1
[ "$(vfdriver)" = vfio-pci ] && ok "nodedev-detach: the VF is on vfio-pci" ||
    notok "nodedev-detach: the VF is on '$(vfdriver)'"
same "nodedev-reattach" 0 '^Device pci_0000_03_07_1 re-attached$' -- nodedev-reattach pci_0000_03_07_1
[ "$(vfdriver)" = iavf ] && ok "nodedev-reattach: the VF is on iavf" ||
    notok "nodedev-reattach: the VF is on '$(vfdriver)'"
same "nodedev-detach --driver vfio" 0 '^Device pci_0000_03_07_1 detached$' \
    -- nodedev-detach pci_0000_03_07_1 --driver vfio
same "nodedev-reattach again" 0 're-attached' -- nodedev-reattach pci_0000_03_07_1
same "nodedev-detach --driver kvm" 1 'KVM device assignment is no longer supported' \
    -- nodedev-detach pci_0000_03_07_1 --driver kvm
same "nodedev-detach of an interface" 1 'is not a PCI device' -- nodedev-detach "$pfnet"
same "nodedev-detach unknown" 1 "^error: Could not find matching device 'nosuch'$" -- nodedev-detach nosuch
same "-r nodedev-detach" 1 'read only access prevents virNodeDeviceDettach' \
    -u "$rouri" -- -r nodedev-detach pci_0000_03_07_1
[ "$(vfdriver)" = iavf ] && ok "the VF is back on iavf" || notok "the VF is on '$(vfdriver)'"

if /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
    out=$(/usr/bin/python3 - "$uri" <<'PY' 2>"$root/py.err"
import sys, libvirt
libvirt.registerErrorHandler(lambda ctx, err: None, None)
c = libvirt.open(sys.argv[1])
pci = sorted(d.name() for d in c.listAllDevices(libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV))
print("pci", " ".join(pci))
vf = c.nodeDeviceLookupByName("pci_0000_03_07_2")
print("vf", vf.name(), vf.parent(), vf.listCaps(), vf.numOfCaps())
print("computer", c.nodeDeviceLookupByName("computer").parent())
print("xml", "<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>" in vf.XMLDesc(0))
print("old", sorted(c.listDevices("pci", 0)) == pci, c.numOfDevices("pci", 0))
try:
    c.nodeDeviceLookupByName("pci_0000_09_00_0")
except libvirt.libvirtError as e:
    print("error", e.get_error_code(), e.get_error_domain())
PY
)
    expect="pci pci_0000_03_00_0 pci_0000_03_07_1 pci_0000_03_07_2
vf pci_0000_03_07_2 computer ['pci'] 1
computer None
xml True
old True 3
error 53 22"
    [ "$out" = "$expect" ] && ok "python3-libvirt: node devices" ||
        { notok "python3-libvirt: node devices"; cat - "$root/py.err" <<<"$out" | sed 's/^/#   /'; }
else
    notok "python3-libvirt is needed (.ci/install-deps installs it)"
fi

# read-only connections
for u in "$rouri" "$uri"; do
    which=read-only; [ "$u" = "$uri" ] && which=read-write
    same "-r on the $which socket: list" 0 '^ -  +d1 +shut off$' -u "$u" -- -r list --all
    same "-r on the $which socket: domstate --reason" 0 '^shut off \(destroyed\)$' -u "$u" -- -r domstate --reason d2
    same "-r on the $which socket: domiflist" 0 'vfpool' -u "$u" -- -r domiflist d1
    same "-r on the $which socket: nodeinfo" 0 '^CPU model: ' -u "$u" -- -r nodeinfo
    same "-r on the $which socket: start refused" 1 \
        '^error: operation forbidden: read only access prevents virDomainCreate$' -u "$u" -- -r start d2
    same "-r on the $which socket: define refused" 1 \
        '^error: operation forbidden: read only access prevents virDomainDefineXML' -u "$u" -- -r define "$root/d2.xml"
    same "-r on the $which socket: batch, a read then a refused change" 1 'read only access prevents' \
        -u "$u" -- -r 'domstate d2; undefine d1'
    same "-r on the $which socket: domxml-to-native refused" 1 \
        '^error: operation forbidden: read only access prevents virConnectDomainXMLToNative$' \
        -u "$u" -- -r domxml-to-native qemu-argv "$root/d2.xml"
    same "-r on the $which socket: autostart refused" 1 \
        '^error: operation forbidden: read only access prevents virDomainSetAutostart$' -u "$u" -- -r autostart d1
    same "-r on the $which socket: detach-device-alias refused" 1 \
        '^error: operation forbidden: read only access prevents virDomainDetachDeviceAlias$' \
        -u "$u" -- -r detach-device-alias d1 ua-x --config
done
"$ourvirsh" -c "$uri" domstate d2 | grep -qx 'shut off' && "$ourvirsh" -c "$uri" list --all | grep -q ' d1 ' &&
    ok "the refused changes changed nothing" || notok "a read-only change happened"

echo "1..$n"
exit $fail
