#!/bin/sh
# Autostart through virtqemud, driven by Debian's virsh (libvirt-clients
# 9.0), on a simulated SR-IOV host. Guests have no kernel or disk: QEMU
# runs, nothing boots.
#  - `autostart` marks a defined domain (a link in ROOT/lib/qemu/autostart,
#    relative, to its definition), dominfo and list --autostart show it,
#    a transient domain cannot be marked, undefine removes the mark;
#  - the first process to open the root after the host booted starts the
#    networks and then the domains marked autostart: the daemon restarted
#    in the same boot starts nothing; after a "reboot" (the markers in
#    ROOT/run name another boot id than the kernel's) it starts the pool
#    network and the marked guest, which gets its VF; not the unmarked
#    one; and an embedded connection (no daemon) does the same;
#  - the daemon listens before it autostarts: while a guest whose QEMU
#    takes seconds to come up is autostarted, clients are answered;
#  - detach-device-alias over the wire (DOMAIN_DETACH_DEVICE_ALIAS);
#  - a root whose run/ is a link into a tmpfs, which a reboot empties (all
#    of the runtime state is gone, the link stays): the daemon makes the
#    link's target again and autostarts the network and the marked guest.
set -u
virtqemud=$1
virsh=$2          # ours: the simulated host is set up through it
top=$3
. "$top/tests/guest/testlib.sh"
need_debian_virsh
need_qemu
[ -r /proc/sys/kernel/random/boot_id ] || { echo "1..0 # SKIP the kernel has no boot id"; exit 77; }

root=$(mktemp -d /tmp/autostart.XXXXXX)
sock=$root/run/virtqemud-sock
uri="qemu+unix:///system?socket=$sock"
embed="qemu:///embed?root=$root"
dpid=
cleanup() {
    for g in a1 a2 t1 s1; do
        "$virsh" -q -c "$embed" destroy $g >/dev/null 2>&1
    done
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

start_daemon() { daemon_start "$virtqemud" "$root" "$dvirsh"; }
stop_daemon() {
    kill "$dpid" && wait "$dpid" 2>/dev/null
    dpid=
}
d() { "$dvirsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"; }
state() { d domstate "$1" && cat "$root/out"; }
# wait_state NAME STATE: up to 30 s (autostart runs after the daemon listens)
wait_state() {
    _i=0
    while [ "$(state "$1")" != "$2" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
    [ "$(state "$1")" = "$2" ]
}
# reboot: what the root's markers say is another boot than this one
reboot() {
    for m in "$root/run/qemu/autostarted" "$root/run/network/autostarted"; do
        [ -e "$m" ] || { echo "# no marker $m"; return 1; }
        echo 00000000-0000-0000-0000-000000000000 > "$m"
    done
}

mkguest() {  # mkguest NAME UUID MAC-SUFFIX
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:a5:00:$3'/>
      <source network='vfpool'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:a5:01:$3'/>
      <alias name='ua-user$3'/>
    </interface>
  </devices>
</domain>
XML
}

sim_host "$virsh" "$root" ens1f0 2 || { notok "simulated host"; exit 1; }
mkguest a1 a5a5a5a5-0000-4000-8000-000000000001 01
mkguest a2 a5a5a5a5-0000-4000-8000-000000000002 02
sed 's/<name>a2</<name>t1</; s/000000000002</000000000003</; s/:02</:03</g' "$root/a2.xml" > "$root/t1.xml"
start_daemon || { notok "virtqemud starts"; exit 1; }
d define "$root/a1.xml" && d define "$root/a2.xml" || { notok "define: $(cat "$root/err")"; exit 1; }

# marking
d autostart a1 && d net-autostart vfpool && d dominfo a1 && grep -Eqx 'Autostart: +enable' "$root/out" &&
    [ "$(readlink "$root/lib/qemu/autostart/a1.xml")" = ../domains/a1.xml ] &&
    ok "autostart a1: dominfo says enable, the mark links to its definition" ||
    notok "autostart a1: $(cat "$root/out" "$root/err"), link '$(readlink "$root/lib/qemu/autostart/a1.xml")'"
d list --all --autostart --name && [ "$(cat "$root/out")" = a1 ] &&
    d list --all --no-autostart --name && [ "$(cat "$root/out")" = a2 ] &&
    ok "list --autostart: a1; --no-autostart: a2" || notok "list --autostart: $(cat "$root/out" "$root/err")"
if d create "$root/t1.xml"; then
    d autostart t1
    grep -q "cannot set autostart for transient domain 't1'" "$root/err" && [ ! -e "$root/lib/qemu/autostart/t1.xml" ] &&
        ok "a transient domain cannot be marked" || notok "autostart t1: $(cat "$root/out" "$root/err")"
    d destroy t1
else
    notok "create t1: $(cat "$root/err")"
fi

# the same boot: a restarted daemon starts nothing
stop_daemon
start_daemon || { notok "virtqemud restarts"; exit 1; }
[ "$(state a1)" = "shut off" ] && [ "$(state a2)" = "shut off" ] &&
    ok "restarted in the same boot: nothing started" || notok "same boot: a1 $(state a1), a2 $(state a2)"

# a reboot: the pool network first, then a1 with a VF of it
d net-destroy vfpool || notok "net-destroy vfpool: $(cat "$root/err")"
stop_daemon
reboot || notok "markers"
start_daemon || { notok "virtqemud starts after the reboot"; exit 1; }
d net-info vfpool && grep -Eqx 'Active: +yes' "$root/out" &&
    ok "after the reboot the pool network is active again" || notok "net-info vfpool: $(cat "$root/out" "$root/err")"
wait_state a1 running
d net-dumpxml vfpool && grep -q "<network connections='1'" "$root/out" &&
    [ "$(state a1)" = running ] && [ "$(state a2)" = "shut off" ] &&
    ok "after the reboot a1 runs with a VF of the pool, a2 is shut off" ||
    notok "after the reboot: a1 $(state a1), a2 $(state a2), $(head -1 "$root/out")"
grep -q "$(cat /proc/sys/kernel/random/boot_id)" "$root/run/qemu/autostarted" &&
    ok "the marker names this boot" || notok "marker: $(cat "$root/run/qemu/autostarted")"
d domstate --reason a1 && grep -qx 'running (booted)' "$root/out" &&
    ok "a1 was booted" || notok "a1 reason: $(cat "$root/out")"

# over the wire: detach-device-alias
d detach-device-alias a2 ua-user02 --config && d dumpxml --inactive a2 &&
    grep -q "<interface type='network'>" "$root/out" && ! grep -q "ua-user02" "$root/out" &&
    ok "detach-device-alias --config through the daemon" ||
    notok "detach-device-alias: $(cat "$root/err")"
d detach-device-alias a2 ua-user02 --config
grep -q 'no device found with alias ua-user02' "$root/err" &&
    ok "a detached alias is not found again" || notok "detach again: $(cat "$root/err")"

# undefine removes the mark
d destroy a1 && d undefine a1 && [ ! -e "$root/lib/qemu/autostart/a1.xml" ] && [ ! -L "$root/lib/qemu/autostart/a1.xml" ] &&
    ok "undefine removes the autostart mark" || notok "undefine a1: $(cat "$root/err")"

# embedded: the first open after a reboot starts a2 (marked now)
d autostart a2 || notok "autostart a2: $(cat "$root/err")"
stop_daemon
reboot || notok "markers"
"$virsh" -q -c "$embed" list --name > "$root/out" 2>"$root/err"
grep -qx a2 "$root/out" && ok "an embedded open after a reboot starts a2" ||
    notok "embedded after the reboot: $(cat "$root/out" "$root/err")"
"$virsh" -q -c "$embed" destroy a2 >/dev/null 2>&1
"$virsh" -q -c "$embed" list --name > "$root/out" 2>&1
grep -q a2 "$root/out" && notok "a second embedded open started a2 again" ||
    ok "a second embedded open in the same boot starts nothing"

# a slow autostart: QEMU of s1 comes up after 5 s; the daemon answers
# meanwhile (it used to open its socket only after the autostart)
cat > "$root/slowqemu" <<SH
#!/bin/sh
case " \$* " in
*" -name "*) touch "$root/slow.starting"; sleep 5; rm -f "$root/slow.starting" ;;
esac
exec /usr/bin/qemu-system-x86_64 "\$@"
SH
chmod +x "$root/slowqemu"
cat > "$root/s1.xml" <<XML
<domain type='qemu'>
  <name>s1</name>
  <uuid>a5a5a5a5-0000-4000-8000-000000000005</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>$root/slowqemu</emulator>
  </devices>
</domain>
XML
"$virsh" -q -c "$embed" autostart --disable a2 >/dev/null 2>&1
if "$virsh" -q -c "$embed" define "$root/s1.xml" >/dev/null 2>"$root/err" &&
   "$virsh" -q -c "$embed" autostart s1 >/dev/null 2>>"$root/err"; then
    reboot || notok "markers"
    start_daemon || { notok "virtqemud starts during a slow autostart"; exit 1; }
    first=$(state s1)
    if [ -n "$first" ] && [ "$first" != running ]; then
        ok "clients are answered while the autostart of s1 runs (s1: $first)"
    else
        notok "answered only after the autostart (s1: '$first' $(cat "$root/err"))"
    fi
    wait_state s1 running && ok "s1 is autostarted" || notok "s1 after the autostart: $(state s1)"
    d destroy s1
else
    notok "define s1: $(cat "$root/err")"
fi

# run/ linked into a "tmpfs" (as the system root's, docs/daemon.rst); a
# reboot empties it: nothing of the runtime state is left, the link is
stop_daemon
for g in $("$virsh" -q -c "$embed" list --name 2>/dev/null); do
    "$virsh" -q -c "$embed" destroy "$g" >/dev/null 2>&1
done
"$virsh" -q -c "$embed" autostart a2 >/dev/null 2>&1 || notok "autostart a2 (embedded)"
mkdir -p "$root/tmpfs" && mv "$root/run" "$root/tmpfs/virtqemud" &&
    ln -s "$root/tmpfs/virtqemud" "$root/run" || notok "run/ linked into the tmpfs"
rm -rf "$root/tmpfs/virtqemud"
start_daemon || { notok "virtqemud starts on a run/ linking to nothing"; exit 1; }
wait_state a2 running
[ -L "$root/run" ] && [ -d "$root/tmpfs/virtqemud/qemu" ] &&
    ok "the link stays, its target is made again" || notok "run/: $(ls -ld "$root/run" "$root/tmpfs/virtqemud" 2>&1)"
d net-dumpxml vfpool && grep -q "<network connections='1'" "$root/out" && [ "$(state a2)" = running ] &&
    grep -q "$(cat /proc/sys/kernel/random/boot_id)" "$root/tmpfs/virtqemud/qemu/autostarted" &&
    ok "after the reboot of the tmpfs the pool is active and a2 runs with a VF of it" ||
    notok "after the reboot of the tmpfs: a2 $(state a2), $(head -1 "$root/out") $(cat "$root/err")"
d destroy a2

exit $fail
