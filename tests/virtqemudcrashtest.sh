#!/bin/sh
# virtqemud SIGKILLed with guests of a simulated SR-IOV pool, driven by
# Debian's virsh (libvirt-clients 9.0): the restarted daemon's view, the
# guests' QEMUs and the pool's VFs agree. Guests have no kernel or disk:
# QEMU runs, nothing boots.
#  1. while a guest runs with a VF of the pool: the restarted daemon
#     lists it running (same QEMU, same VF, one ownership record naming
#     it), drives its monitor (suspend, resume) and destroys it, which
#     gives the VF back; killed again, its QEMU killed after the
#     restart is seen as a crash and its VF given back;
#  2. while a start is in flight: the guest's emulator is a wrapper that,
#     for the start (not the capability probe), says so and then waits to
#     be released before it runs QEMU, so the daemon is killed exactly
#     while it waits for QEMU, with the VF taken and the start record,
#     pidfile and status written. Once with the daemon restarted before
#     the wrapper is released (QEMU never ran), once after (QEMU runs with
#     nobody connected): the restarted daemon undoes the start: the guest
#     is shut off (failed), no process of it is left, its VF is back in
#     the pool with its own MAC, no record of the run is left
#     (virt-root-check passes), and the guest starts and stops again.
#     Once more with the kill while the changed emulator is probed for its
#     capabilities (the VF taken, no QEMU of the guest spawned): the probe
#     dies with the daemon, the VF goes back, the guest is shut off.
set -u
virtqemud=$1
virsh=$2          # ours: the simulated host is set up through it
top=$3
rootcheck=$4
. "$top/tests/guest/testlib.sh"
need_debian_virsh
need_qemu

root=$(mktemp -d /tmp/vqdcrash.XXXXXX)
sock=$root/run/virtqemud-sock
uri="qemu+unix:///system?socket=$sock"
dpid=
startpid=

# procs UUID: the pids of processes with the argument UUID (QEMU's -uuid;
# also the wrapper before it runs QEMU)
procs() {
    printf '%s\n' "$1" > "$root/pattern"
    for f in $(grep -lzxF -f "$root/pattern" /proc/[0-9]*/cmdline 2>/dev/null); do
        f=${f#/proc/}
        echo "${f%/cmdline}"
    done
}

# alive PID [START]: PID is a process that has not exited (an orphan's
# zombie waits for init to reap it) and, with START, the one that started
# then: once a process is gone its pid may name the next one at once
# (seen under load: a short-lived process had it a second later)
alive() {
    _stat=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$_stat" ] && [ "${_stat%% *}" != Z ] &&
        { [ -z "${2:-}" ] || [ "$(starttime "$1")" = "$2" ]; }
}

cleanup() {
    [ -n "$startpid" ] && kill "$startpid" 2>/dev/null
    : > "$root/go"
    for d in g1 g2; do
        "$virsh" -q -c "qemu:///embed?root=$root" destroy $d >/dev/null 2>&1
    done
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    for u in $u1 $u2; do
        for p in $(procs $u); do echo "# killing $p left behind"; kill -9 "$p"; done
    done
    rm -rf "$root"
}
u1=4e9b7c10-0000-4000-8000-000000000001
u2=4e9b7c10-0000-4000-8000-000000000002
trap cleanup EXIT

start_daemon() { daemon_start "$virtqemud" "$root" "$dvirsh"; }
kill_daemon() {
    kill -9 "$dpid" && wait "$dpid" 2>/dev/null
    dpid=
}
d() { "$dvirsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"; }

# owners: the ownership records of host devices, "VF holder" per line
owners() {
    for f in "$root"/run/hostdev/*.owner; do
        [ -e "$f" ] || continue
        echo "$(basename "$f" .owner) $(sed -n 's/^holder=//p' "$f")"
    done
}
# used: VFs of the pool in use, as Debian's virsh reads them from the daemon
used() {
    d net-dumpxml vfpool &&
        sed -n "s/^<network connections='\([0-9]*\)'.*/\1/p;t;s/^<network>$/0/p" "$root/out"
}

mkdomain() {  # mkdomain NAME UUID MAC-SUFFIX EMULATOR
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>$4</emulator>
    <interface type='network'>
      <mac address='52:54:00:4e:00:$3'/>
      <source network='vfpool'/>
    </interface>
  </devices>
</domain>
XML
}

# the emulator of g2: for the start (and for a capability probe while
# ROOT/block-probe exists), says so and waits for ROOT/go. Its sleep
# writes nowhere: one that outlives the killed wrapper for its 0.1 s
# would otherwise hold the domain's log and look like a QEMU of g2 to
# virt-root-check.
cat > "$root/qemu-wait" <<SH
#!/bin/sh
case " \$* " in
*" -uuid "*) : > "$root/reached" ;;
*) [ -e "$root/block-probe" ] || exec /usr/bin/qemu-system-x86_64 "\$@"
   echo \$\$ > "$root/probe-pid"; : > "$root/reached" ;;
esac
i=0
while [ ! -e "$root/go" ] && [ \$i -lt 600 ]; do sleep 0.1 >/dev/null 2>&1; i=\$((i + 1)); done
exec /usr/bin/qemu-system-x86_64 "\$@"
SH
chmod +x "$root/qemu-wait"

sim_host "$virsh" "$root" ens1f0 1 || { notok "simulated host"; exit 1; }
vf=0000:03:07.1
vfmac=$(vf_mac "$root" $vf)
is_mac "$vfmac" || { notok "the simulated VF has a MAC ($vfmac)"; exit 1; }
mkdomain g1 $u1 01 /usr/bin/qemu-system-x86_64
mkdomain g2 $u2 02 "$root/qemu-wait"
start_daemon || { notok "virtqemud starts"; exit 1; }
d define "$root/g1.xml" && d define "$root/g2.xml" || { notok "define: $(cat "$root/err")"; exit 1; }

# 1. SIGKILL while a guest runs
d start g1 && d domstate g1 && [ "$(cat "$root/out")" = running ] ||
    { notok "start g1: $(cat "$root/out" "$root/err")"; exit 1; }
qpid=$(procs $u1)
holder=$(owners)
d domid g1; id=$(cat "$root/out")
[ -n "$qpid" ] && [ "$(vf_mac "$root" $vf)" = 52:54:00:4e:00:01 ] &&
    echo "$holder" | grep -Eqx "$vf qemu/$u1/$id/52:54:00:4e:00:01" && [ "$(used)" = 1 ] &&
    ok "g1 runs (QEMU $qpid, id $id) with $vf of the pool, recorded as its holder" ||
    notok "g1's VF: QEMU '$qpid', MAC $(vf_mac "$root" $vf), owners '$holder', used $(used)"
kill_daemon
alive "$qpid" && ok "g1's QEMU outlives the SIGKILLed daemon" ||
    notok "g1's QEMU $qpid gone with the daemon"
start_daemon && ok "the daemon restarts" || { notok "restart"; exit 1; }
d list && grep -Eqx " $id +g1 +running" "$root/out" &&
    ok "the restarted daemon lists g1 running with id $id" || notok "list: $(cat "$root/out" "$root/err")"
d domstate --reason g1 && [ "$(cat "$root/out")" = "running (booted)" ] &&
    ok "domstate --reason: running (booted)" || notok "domstate: $(cat "$root/out" "$root/err")"
[ "$(procs $u1)" = "$qpid" ] && [ "$(owners)" = "$holder" ] && [ "$(used)" = 1 ] &&
    [ "$(vf_mac "$root" $vf)" = 52:54:00:4e:00:01 ] &&
    ok "the same QEMU, the same one ownership record, one VF in use, g1's MAC" ||
    notok "after restart: QEMU '$(procs $u1)', owners '$(owners)', used $(used), MAC $(vf_mac "$root" $vf)"
d dumpxml g1 && grep -A 2 '^      <source>$' "$root/out" |
    grep -q "^        <address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/>$" &&
    ok "dumpxml shows g1's VF $vf" || notok "dumpxml g1: $(cat "$root/out" "$root/err")"
d suspend g1 && d domstate g1 && [ "$(cat "$root/out")" = paused ] &&
    d resume g1 && d domstate g1 && [ "$(cat "$root/out")" = running ] &&
    ok "the restarted daemon drives g1's monitor (suspend, resume)" ||
    notok "suspend/resume after restart: $(cat "$root/out" "$root/err")"
d destroy g1 && [ -z "$(procs $u1)" ] && [ -z "$(owners)" ] && [ "$(used)" = 0 ] &&
    [ "$(vf_mac "$root" $vf)" = "$vfmac" ] &&
    ok "destroy after the restart stops QEMU and gives $vf back with its MAC" ||
    notok "destroy g1: QEMU '$(procs $u1)', owners '$(owners)', used $(used), MAC $(vf_mac "$root" $vf), $(cat "$root/err")"
# ... and a QEMU that dies after the restart is noticed as a crash
d start g1 && qpid=$(procs $u1) && [ -n "$qpid" ] || notok "start g1 again: $(cat "$root/err")"
kill_daemon
start_daemon || { notok "restart"; exit 1; }
d domstate g1 && [ "$(cat "$root/out")" = running ] && kill -9 "$qpid" &&
    d domstate --reason g1 && [ "$(cat "$root/out")" = "shut off (crashed)" ] &&
    [ -z "$(owners)" ] && [ "$(used)" = 0 ] && [ "$(vf_mac "$root" $vf)" = "$vfmac" ] &&
    ok "g1's QEMU killed after a restart: shut off (crashed), $vf back with its MAC" ||
    notok "g1 crashed after restart: $(cat "$root/out" "$root/err"), owners '$(owners)', used $(used)"

# 2. SIGKILL while a start is in flight
# inflight WHAT: start g2 and kill the daemon while its emulator waits;
# with WHAT=running the emulator then runs QEMU before the restart; with
# WHAT=probing it is the capability probe of the (changed) emulator that
# waits, after the VF was taken and before QEMU is spawned
inflight() {
    rm -f "$root/reached" "$root/go"
    if [ "$1" = probing ]; then
        : > "$root/block-probe"
        touch "$root/qemu-wait"   # a new ctime: probed again
    fi
    "$dvirsh" -c "$uri" start g2 >"$root/start.out" 2>"$root/start.err" &
    startpid=$!
    _i=0
    while [ ! -e "$root/reached" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
    if [ "$1" = probing ]; then
        _wpid=$(cat "$root/probe-pid" 2>/dev/null)
        _wstart=$(starttime "$_wpid")
        if [ -e "$root/reached" ] && [ -n "$_wpid" ] && alive "$_wpid" &&
           [ -e "$root/run/qemu/g2.starting" ] && [ ! -e "$root/run/qemu/g2.pid" ] &&
           owners | grep -Eqx "$vf qemu/$u2/[0-9]+/52:54:00:4e:00:02"; then
            ok "$1: g2's start waits for the probe ($_wpid) with $vf taken and its start record, no QEMU yet"
        else
            notok "$1: start in flight: probe '$_wpid', $(ls "$root/run/qemu"), owners '$(owners)'"
        fi
    else
        _wpid=$(procs $u2)
        _wstart=$(starttime "$_wpid")
        if [ -e "$root/reached" ] && [ -n "$_wpid" ] && [ -e "$root/run/qemu/g2.starting" ] &&
           owners | grep -Eqx "$vf qemu/$u2/[0-9]+/52:54:00:4e:00:02" &&
           [ "$(head -n 1 "$root/run/qemu/g2.pid")" = "$_wpid" ]; then
            ok "$1: g2's start waits for its emulator ($_wpid) with $vf taken, start record and pidfile written"
        else
            notok "$1: start in flight: wrapper '$_wpid', $(ls "$root/run/qemu"), owners '$(owners)'"
        fi
    fi
    kill_daemon
    wait "$startpid"; _rc=$?; startpid=
    [ $_rc != 0 ] && grep -q "^error: Failed to start domain 'g2'" "$root/start.err" &&
        ok "$1: the client's start fails when the daemon dies" ||
        notok "$1: virsh start rc $_rc: $(cat "$root/start.out" "$root/start.err")"
    if [ "$1" = running ]; then
        : > "$root/go"
        _i=0
        while [ "$(cat "/proc/$_wpid/comm" 2>/dev/null)" != qemu-system-x86 ] && [ $_i -lt 100 ]; do
            sleep 0.1; _i=$((_i + 1))
        done
        [ "$(cat "/proc/$_wpid/comm" 2>/dev/null)" = qemu-system-x86 ] &&
            ok "$1: QEMU runs ($_wpid) with no daemon" || notok "$1: QEMU $_wpid did not come up"
    fi
    lines=$(wc -l < "$root/daemon.log")
    start_daemon || { notok "$1: restart"; exit 1; }
    d list --all && grep -Eqx " - +g2 +shut off" "$root/out" &&
        ok "$1: the restarted daemon lists g2 shut off" || notok "$1: list: $(cat "$root/out" "$root/err")"
    if [ "$1" != probing ]; then
        d domstate --reason g2 && [ "$(cat "$root/out")" = "shut off (failed)" ] &&
            ok "$1: domstate --reason: shut off (failed)" || notok "$1: domstate: $(cat "$root/out" "$root/err")"
        tail -n +"$((lines + 1))" "$root/daemon.log" | grep -q "domain 'g2': its start did not complete" &&
            ok "$1: the daemon warns that it undid g2's start" ||
            notok "$1: no warning: $(tail -n +"$((lines + 1))" "$root/daemon.log")"
    fi
    [ -z "$(procs $u2)" ] && ! alive "$_wpid" "$_wstart" &&
        ok "$1: no process of g2 is left" || notok "$1: left: $(procs $u2) $(cat "/proc/$_wpid/stat")"
    [ -z "$(owners)" ] && [ "$(used)" = 0 ] && [ "$(vf_mac "$root" $vf)" = "$vfmac" ] &&
        ok "$1: $vf is back in the pool with its own MAC, no ownership record" ||
        notok "$1: owners '$(owners)', used $(used), MAC $(vf_mac "$root" $vf)"
    ls "$root/run/qemu" > "$root/ls"
    ! grep -q "^g2\.\|$u2" "$root/ls" && "$rootcheck" -q "$root" >"$root/check" 2>&1 &&
        ok "$1: no record of g2's run is left, virt-root-check passes" ||
        notok "$1: run/qemu: $(cat "$root/ls"); $(cat "$root/check")"
    : > "$root/go"
    sleep 1
    [ -z "$(procs $u2)" ] && ! alive "$_wpid" "$_wstart" && ok "$1: released, nothing of g2 runs" ||
        notok "$1: after the release: $(procs $u2) $_wpid"
    rm -f "$root/block-probe"
}
inflight waiting
inflight running
inflight probing

: > "$root/go"
d start g2 && d domstate g2 && [ "$(cat "$root/out")" = running ] && [ "$(used)" = 1 ] &&
    d destroy g2 && [ -z "$(procs $u2)" ] && [ "$(used)" = 0 ] &&
    ok "g2 starts with the VF and stops again" || notok "g2 again: $(cat "$root/out" "$root/err")"
exit $fail
