#!/bin/bash
# shellcheck source-path=SCRIPTDIR/..
# Our virsh against Debian's libvirtd 9.0 over qemu+unix://: every command
# must print what Debian's virsh prints against the same daemon, with the
# same exit code.
#
# The daemon is private (tests/privatelibvirtd.sh): its own namespaces and
# directories, nothing of the host's libvirt is touched. Needs root;
# skipped (77) when libvirtd is not installed or namespaces are refused.
#
# usage: remoteoracletest.sh OUR_VIRSH REMOTEEVENTCLIENT
set -u
virsh=$1
client=$2
# meson points LD_LIBRARY_PATH at our libvirt.so.0, which Debian's
# libvirtd and virsh must not load (ours find theirs by their rpath)
unset LD_LIBRARY_PATH
debvirsh=/usr/bin/virsh
# shellcheck source=tests/privatelibvirtd.sh
. "$(dirname "$0")/privatelibvirtd.sh"

skip() { echo "1..0 # SKIP $*"; exit 77; }
why=$(libvirtd_usable) || skip "$why"
qemu=$(command -v qemu-system-x86_64)

tmp=$(mktemp -d /tmp/remoteoracle.XXXXXX)
cleanup() {
    libvirtd_stop
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too
libvirtd_start "$tmp" || exit 1
uri=$libvirtd_uri

cat > "$tmp/d.xml" <<EOF
<domain type='qemu'>
  <name>oracle-rmt</name>
  <uuid>5e7f2a51-0c7a-4d3e-9a55-3b1e2f0c9d01</uuid>
  <memory unit='KiB'>65536</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>$qemu</emulator></devices>
</domain>
EOF

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

# Output and exit code of one virsh command; values that change from one
# run to the next (CPU time) are masked.
run() {
    local which=$1; shift
    "$which" -c "${runuri:-$uri}" "$@" > "$tmp/out" 2>&1
    echo "exit $?" >> "$tmp/out"
    sed -e 's/^\(CPU time: *\).*/\1X/' -e 's/^\(CPU frequency: *\).*/\1X/' "$tmp/out"
}

# A command that changes nothing: ours and Debian's at the same state.
same() {
    local ours theirs
    ours=$(run "$virsh" "$@")
    theirs=$(run "$debvirsh" "$@")
    if [ "$ours" = "$theirs" ]; then
        ok "$*"
    else
        notok "$*"
        diff -u <(echo "$theirs") <(echo "$ours") | sed 's/^/# /'
    fi
}

# A command that changes the state: ours runs it, Debian's undoes it with
# @undo and runs it again; both outputs must match.
change() {
    local undo=$1; shift
    local ours theirs
    ours=$(run "$virsh" "$@")
    "$debvirsh" -q -c "$uri" $undo >/dev/null 2>&1
    theirs=$(run "$debvirsh" "$@")
    if [ "$ours" = "$theirs" ]; then
        ok "$* (state change)"
    else
        notok "$* (state change)"
        diff -u <(echo "$theirs") <(echo "$ours") | sed 's/^/# /'
    fi
}

dom=oracle-rmt

# The commands themselves must work, or equal outputs prove nothing.
"$virsh" -c "$uri" version > "$tmp/version" 2>&1 &&
    grep -q '^Running hypervisor: QEMU [0-9]' "$tmp/version" &&
    ok "our virsh reaches libvirtd" || { notok "our virsh reaches libvirtd"; cat "$tmp/version"; }
# version: the library lines name our version; the layout and the
# hypervisor's version are the daemon's
ours=$(run "$virsh" version | sed -e '1,3s/[0-9][0-9.]*$/V/')
theirs=$(run "$debvirsh" version | sed -e '1,3s/[0-9][0-9.]*$/V/')
[ "$ours" = "$theirs" ] && ok "version" || { notok "version"; diff -u <(echo "$theirs") <(echo "$ours") | sed 's/^/# /'; }

same list --all
same net-list
same net-list --all
change "undefine $dom" define "$tmp/d.xml"
"$virsh" -c "$uri" list --all | grep -q " $dom .*shut off" && ok "the domain defined is listed" ||
    notok "the domain defined is listed"
same list --all
same dumpxml $dom
same dumpxml --inactive $dom
same domstate $dom
same domstate --reason $dom
same dominfo $dom
# the commands scripts use, on a domain with devices
cat > "$tmp/dev.xml" <<EOF
<domain type='qemu'>
  <name>oracle-dev</name>
  <memory unit='KiB'>65536</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>$qemu</emulator>
    <disk type='file' device='disk'><source file='$tmp/disk.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:0d:00:01'/><source network='vfpool'/><model type='virtio'/></interface>
    <interface type='bridge'><mac address='52:54:00:0d:00:02'/><source bridge='br0'/><model type='e1000'/></interface>
  </devices>
</domain>
EOF
"$debvirsh" -q -c "$uri" define "$tmp/dev.xml" >/dev/null && ok "define oracle-dev" || notok "define oracle-dev"
same domiflist oracle-dev
grep -Eq ' network +vfpool +virtio +52:54:00:0d:00:01$' "$tmp/out" && ok "domiflist lists the interfaces" ||
    { notok "domiflist lists the interfaces"; sed 's/^/# /' "$tmp/out"; }
same domiflist --inactive oracle-dev
same domblklist oracle-dev
same domblklist --details oracle-dev
grep -Eq '^ file +cdrom +sda +-$' "$tmp/out" && ok "domblklist --details lists the disks" ||
    { notok "domblklist --details lists the disks"; sed 's/^/# /' "$tmp/out"; }
same domiflist nosuch
same domjobinfo $dom
grep -q 'domain is not running' "$tmp/out" && ok "domjobinfo: an inactive domain has no job" ||
    { notok "domjobinfo of an inactive domain"; sed 's/^/# /' "$tmp/out"; }
same hostname
grep -qx "$(uname -n)" "$tmp/out" && ok "hostname" || notok "hostname"
same nodeinfo
grep -q '^CPU model: ' "$tmp/out" && ok "nodeinfo" || notok "nodeinfo"
same version --daemon
grep -q '^Running against daemon: 9\.0\.0$' "$tmp/out" && ok "version --daemon: libvirtd 9.0.0" ||
    { notok "version --daemon"; sed 's/^/# /' "$tmp/out"; }
# batch mode: several commands, the status of the last
same "domstate $dom --reason; hostname; domiflist oracle-dev"
same "hostname; domstate nosuch"
"$debvirsh" -q -c "$uri" undefine oracle-dev >/dev/null && ok "undefine oracle-dev" || notok "undefine oracle-dev"
# read-only, on the daemon's read-only socket: what can be read is the
# same, changes are refused with the same words
runuri="$uri-ro" same -r list --all
runuri="$uri-ro" same -r dominfo $dom
runuri="$uri-ro" same -r dumpxml $dom
runuri="$uri-ro" same -r start $dom
runuri="$uri-ro" same -r undefine $dom
runuri="$uri-ro" same -r define "$tmp/d.xml"
"$virsh" -r -c "$uri-ro" start $dom > "$tmp/ro" 2>&1
grep -q "read only access prevents virDomainCreate" "$tmp/ro" && ok "a read-only start is refused" ||
    { notok "a read-only start is refused"; sed 's/^/# /' "$tmp/ro"; }
# events: a client of our library listens while the domain starts and
# stops; the close callback hears the daemon go away at the end
"$client" "$uri" events 120 > "$tmp/events" 2>&1 &
evpid=$!
for _ in $(seq 100); do grep -q '^ready$' "$tmp/events" && break; sleep 0.1; done
grep -q '^ready$' "$tmp/events" && ok "event client registered" || notok "event client registered"

change "destroy $dom" start $dom
"$virsh" -c "$uri" domstate $dom | grep -qx running && ok "the domain started runs" ||
    notok "the domain started runs"
same list
same list --all
same domstate $dom
same dominfo $dom
change "start $dom" destroy $dom
"$virsh" -c "$uri" domstate $dom | grep -qx "shut off" && ok "the domain destroyed is shut off" ||
    notok "the domain destroyed is shut off"
same domstate $dom
# STARTED (2) BOOTED (0) and STOPPED (5) DESTROYED (1), as libvirtd sent them
for _ in $(seq 50); do grep -q "^lifecycle $dom 5 1$" "$tmp/events" && break; sleep 0.1; done
grep -q "^lifecycle $dom 2 0$" "$tmp/events" && ok "started event delivered" ||
    { notok "started event delivered"; sed 's/^/# /' "$tmp/events"; }
grep -q "^lifecycle $dom 5 1$" "$tmp/events" && ok "destroyed event delivered" ||
    { notok "destroyed event delivered"; sed 's/^/# /' "$tmp/events"; }

# host-level calls, checked against Debian's virsh on the same daemon
"$client" "$uri" info > "$tmp/info" 2>&1 || { notok "info calls"; sed 's/^/# /' "$tmp/info"; }
"$debvirsh" -c "$uri" nodeinfo > "$tmp/nodeinfo"
field() { sed -n "s/^$1: *//p" "$tmp/nodeinfo"; }
[ -n "$(field 'CPU model')" ] &&
    grep -qx "model $(field 'CPU model')" "$tmp/info" &&
    grep -qx "cpus $(field 'CPU(s)')" "$tmp/info" &&
    grep -qx "memory $(field 'Memory size' | sed 's/ KiB//')" "$tmp/info" &&
    grep -qx "threads $(field 'Thread(s) per core')" "$tmp/info" &&
    ok "virNodeGetInfo answers what Debian's virsh nodeinfo shows" ||
    { notok "virNodeGetInfo"; sed 's/^/# /' "$tmp/info" "$tmp/nodeinfo"; }
grep -qx "inactive 1" "$tmp/info" && grep -qx "defined $dom" "$tmp/info" &&
    grep -qx "active 0" "$tmp/info" && grep -qx "alive 1" "$tmp/info" &&
    ok "domain counts and lists" || { notok "domain counts and lists"; sed 's/^/# /' "$tmp/info"; }

change "define $tmp/d.xml" undefine $dom
"$virsh" -c "$uri" list --all | grep -q " $dom " && notok "the domain undefined is gone" ||
    ok "the domain undefined is gone"
same list --all

# errors: same message, same exit code
same dominfo nosuch
same domstate nosuch
same dumpxml nosuch
same start nosuch
same destroy nosuch
same undefine nosuch
same define "$tmp/missing.xml"
"$virsh" -c "$uri" dominfo nosuch > "$tmp/err" 2>&1
grep -q "failed to get domain 'nosuch'" "$tmp/err" && ok "an unknown domain is named in the error" ||
    notok "an unknown domain is named in the error"

# a socket nobody listens on
runuri="qemu+unix:///system?socket=$tmp/nosuch-sock" same list

# the daemon goes away: the event client's close callback runs (EOF)
kill -TERM "$libvirtd_pid"
for _ in $(seq 100); do grep -q '^closed' "$tmp/events" && break; sleep 0.1; done
grep -qx 'closed 1' "$tmp/events" && ok "close callback: end of file" ||
    { notok "close callback"; sed 's/^/# /' "$tmp/events"; }
# its loop (virEventRunDefaultImpl) returns once the close callback ran:
# it exits at once, not at its 120 s timeout
for _ in $(seq 50); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$evpid" 2>/dev/null; then
    notok "event client exits within 5 s of the close callback"
    kill "$evpid"; wait "$evpid"
else
    ok "event client exits within 5 s of the close callback"
    wait "$evpid" && ok "event client exits cleanly" || notok "event client exits cleanly"
fi

echo "1..$n"
exit $fail
