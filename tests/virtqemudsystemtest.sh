#!/bin/sh
# virtqemud without --root (system mode), found by Debian's stock virsh
# at qemu:///system, run in a private mount namespace so that nothing of
# the host's /run, /etc/libvirt or /var/lib/libvirt is read or changed
# (and a libvirtd of the host is not reached): empty tmpfs are mounted
# over them there. Checks that the daemon listens on
# /run/libvirt/virtqemud-sock (-ro), writes /run/virtqemud.pid, keeps its
# state in /var/lib/libvirt/virtqemud, and serves list, define, dumpxml
# and a read-only list through the default sockets (and our virsh finds
# the daemon there too); SIGTERM removes them. The root's run/ is a link
# to /run/libvirt/virtqemud, where a started guest's status and monitor
# socket are; after a reboot (the tmpfs emptied) the daemon makes it
# again; a run/ directory of an older version is kept while its markers
# name this boot (guests of it may run) and replaced by the link once they
# name an earlier one.
set -u
virtqemud=$1
ourvirsh=$2
dvirsh=${VIRTQEMUD_TEST_VIRSH:-/usr/bin/virsh}
# meson points LD_LIBRARY_PATH at our libvirt.so.0: Debian's virsh must
# load its own
unset LD_LIBRARY_PATH

if [ "${3:-}" != --inside ]; then
    if [ ! -x "$dvirsh" ]; then
        echo "1..0 # SKIP Debian's virsh is needed (.ci/install-deps installs it)"
        exit 77
    fi
    if ! unshare -m true 2>"${TMPDIR:-/tmp}/vqdsys.$$"; then
        echo "1..0 # SKIP a private mount namespace is not permitted here (unshare -m: $(cat "${TMPDIR:-/tmp}/vqdsys.$$")); it needs root or CAP_SYS_ADMIN"
        rm -f "${TMPDIR:-/tmp}/vqdsys.$$"
        exit 77
    fi
    rm -f "${TMPDIR:-/tmp}/vqdsys.$$"
    # mounts made inside stay inside (unshare makes them private)
    exec unshare -m --propagation private sh "$0" "$virtqemud" "$ourvirsh" --inside
fi

fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }
tmp=$(mktemp -d /tmp/vqdsys.XXXXXX)
dpid=
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too

# the system directories, empty and private: /run whole (the pid file is
# there), the libvirt ones where they exist; /var/lib when there is no
# /var/lib/libvirt, so that none is created on the host; and the
# directories of a /usr/local install, so that a daemon that uses them
# instead fails here without writing there
mounted=
for dir in /run /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt \
           /var/local /usr/local/etc /usr/local/var; do
    [ -d "$dir" ] || continue
    mount -t tmpfs -o mode=0755 vqdsys "$dir" || { notok "mount a tmpfs on $dir"; exit 1; }
    mounted="$mounted $dir"
done
if [ ! -d /var/lib/libvirt ]; then
    mount -t tmpfs -o mode=0755 vqdsys /var/lib && mkdir /var/lib/libvirt ||
        { notok "mount a tmpfs on /var/lib"; exit 1; }
    mounted="$mounted /var/lib"
fi
mkdir -p /run/libvirt
[ -z "$(ls -A /run/libvirt)" ] && [ -z "$(ls -A /var/lib/libvirt)" ] &&
    ok "private and empty:$mounted" || notok "private mounts: $(ls -A /run/libvirt /var/lib/libvirt)"

"$virtqemud" >"$tmp/daemon.log" 2>&1 &
dpid=$!
i=0
while [ ! -S /run/libvirt/virtqemud-sock ] && kill -0 "$dpid" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
if [ -S /run/libvirt/virtqemud-sock ] && [ -S /run/libvirt/virtqemud-sock-ro ]; then
    ok "virtqemud without --root listens on /run/libvirt/virtqemud-sock and -sock-ro"
else
    notok "no socket in /run/libvirt ($(ls -A /run/libvirt)): $(cat "$tmp/daemon.log")"
    exit 1
fi
[ "$(cat /run/virtqemud.pid 2>/dev/null)" = "$dpid" ] && ok "pid file /run/virtqemud.pid" ||
    notok "pid file: $(ls -A /run)"

cat > "$tmp/s1.xml" <<XML
<domain type='qemu'>
  <name>s1</name>
  <uuid>0b5e7d22-0000-4000-8000-000000000001</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
check() {  # check NAME STDOUT-REGEX -- VIRSH-ARGS: exit 0 and a line matching
    name=$1 out=$2; shift 3
    if "$dvirsh" "$@" >"$tmp/out" 2>"$tmp/err" && grep -Eq -- "$out" "$tmp/out"; then
        ok "$name"
    else
        notok "$name"; sed 's/^/#   /' "$tmp/out" "$tmp/err"
    fi
}
check "virsh -c qemu:///system uri" '^qemu:///system$' -- -c qemu:///system uri
check "list --all, empty" '^ Id   Name   State$' -- -c qemu:///system list --all
check "define" "^Domain 's1' defined from " -- -c qemu:///system define "$tmp/s1.xml"
check "list --all" '^ -    s1     shut off$' -- -c qemu:///system list --all
check "dumpxml" '^  <uuid>0b5e7d22-0000-4000-8000-000000000001</uuid>$' -- -c qemu:///system dumpxml s1
check "read-only list (virsh -r: -sock-ro)" '^ -    s1     shut off$' -- -r -c qemu:///system list --all
if "$ourvirsh" -c qemu:///system list --all >"$tmp/out" 2>"$tmp/err" &&
   grep -Eq '^ -    s1     shut off$' "$tmp/out"; then
    ok "our virsh -c qemu:///system finds the same daemon"
else
    notok "our virsh -c qemu:///system"; sed 's/^/#   /' "$tmp/out" "$tmp/err"
fi
[ -f /var/lib/libvirt/virtqemud/lib/qemu/domains/s1.xml ] &&
    ok "the definition is in /var/lib/libvirt/virtqemud" ||
    notok "state: $(find /var/lib/libvirt | head -n 20)"

# the runtime state on the tmpfs
sysrun=/var/lib/libvirt/virtqemud/run
[ "$(readlink $sysrun)" = /run/libvirt/virtqemud ] && [ -d /run/libvirt/virtqemud/qemu ] &&
    ok "$sysrun links to /run/libvirt/virtqemud" || notok "run/: $(ls -ld $sysrun 2>&1)"
check "start s1" "^Domain 's1' started" -- -c qemu:///system start s1
[ -f /run/libvirt/virtqemud/qemu/s1.xml ] && [ -S /run/libvirt/virtqemud/qemu/0b5e7d22000040008000000000000001.qmp ] &&
    ok "s1's status and monitor socket are in /run/libvirt/virtqemud/qemu" ||
    notok "s1's runtime state: $(ls -A /run/libvirt/virtqemud/qemu | tr "\n" " ")"
check "destroy s1" "^Domain 's1' destroyed" -- -c qemu:///system destroy s1

# restart DESCRIPTION: stop the daemon, run what follows, start it again
restart() {
    kill -TERM "$dpid"; wait "$dpid"; dpid=
    "$@"
    "$virtqemud" >>"$tmp/daemon.log" 2>&1 &
    dpid=$!
    i=0
    until "$dvirsh" -c qemu:///system list --all >/dev/null 2>&1 || [ $i -ge 100 ]; do
        kill -0 "$dpid" 2>/dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    "$dvirsh" -c qemu:///system list --all >/dev/null 2>&1 ||
        { notok "virtqemud restarts: $(tail -n 5 "$tmp/daemon.log")"; exit 1; }
}
reboot_tmpfs() { rm -rf /run/libvirt/virtqemud; }
restart reboot_tmpfs
[ -L $sysrun ] && [ -d /run/libvirt/virtqemud/qemu ] && [ -f /run/libvirt/virtqemud/qemu/autostarted ] &&
    ok "after a reboot emptied /run, the daemon makes /run/libvirt/virtqemud again" ||
    notok "after the reboot: $(ls -ld $sysrun /run/libvirt/virtqemud 2>&1)"

# an older version's run/, a directory on the disk, its markers of this boot
older_run() {  # older_run BOOT-ID
    rm -rf $sysrun && mkdir -p $sysrun/qemu $sysrun/network &&
        echo "$1" > $sysrun/qemu/autostarted && echo "$1" > $sysrun/network/autostarted &&
        echo '<domstatus/>' > $sysrun/qemu/old.xml
}
this_boot() { older_run "$(cat /proc/sys/kernel/random/boot_id)"; }
restart this_boot
[ -d $sysrun ] && [ ! -L $sysrun ] && [ -f $sysrun/qemu/old.xml ] &&
    ok "an older run/ of this boot stays on the disk, as it is" || notok "older run/ of this boot: $(ls -ld $sysrun)"
earlier_boot() { older_run 00000000-0000-0000-0000-000000000000; }
restart earlier_boot
[ "$(readlink $sysrun)" = /run/libvirt/virtqemud ] && [ ! -e /var/lib/libvirt/virtqemud/run.earlier-boot ] &&
    [ ! -e /run/libvirt/virtqemud/qemu/old.xml ] &&
    ok "an older run/ of an earlier boot is removed, replaced by the link" ||
    notok "older run/ of an earlier boot: $(ls -ld $sysrun /var/lib/libvirt/virtqemud/run.earlier-boot 2>&1)"
check "the definition survives it" '^ -    s1     shut off$' -- -c qemu:///system list --all

kill -TERM "$dpid"; wait "$dpid"; rc=$?; dpid=
[ $rc = 0 ] && [ ! -e /run/libvirt/virtqemud-sock ] && [ ! -e /run/virtqemud.pid ] &&
    ok "SIGTERM: exit 0, sockets and pid file removed" || notok "SIGTERM (rc $rc): $(ls -A /run /run/libvirt)"
exit $fail
