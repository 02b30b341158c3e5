#!/bin/sh
# Many callers while one guest's QEMU is stopped (SIGSTOP), on a simulated
# SR-IOV host (guests take VFs of the pool 'vfpool'). Guests start without
# a kernel: QEMU runs, nothing boots.
#  1. the guest 'frozen' (running, one VF) has its QEMU stopped;
#  2. at the same time 8 threads of one API client (concurrencyclient, one
#     connection) and 4 virsh processes each define, start, query
#     (state, XML, info, list), destroy and undefine their own guests, a
#     few rounds, and query 'frozen' (domstate, dumpxml, dominfo) every
#     round;
#  3. every call returns within BOUND seconds (a watchdog fails the test
#     naming the call still running, it never hangs); their own guests
#     answer right; a query of 'frozen' answers its recorded state
#     (running) or fails with an error naming it; no caller warns (a
#     warning here means a view of the root out of step with another
#     process);
#  4. after SIGCONT 'frozen' answers 'running', only it is left defined,
#     one QEMU and one VF are in use; destroyed, no QEMU of this root is
#     left, every VF is back in the pool with its MAC, run/ is empty.
# BOUND is a bound on a hang (correctness), not a speed target.
set -u
virsh=$1
client=$2
top=$3
BOUND=${CONCURRENCY_BOUND:-60}
THREADS=8
PROCS=4
ROUNDS=3
VFS=16
root=$(mktemp -d /tmp/concurrencytest.XXXXXX)
uri="qemu:///embed?root=$root"
. "$top/tests/guest/testlib.sh"
fpid=
bg=

# qemus: pids of the QEMUs of this root (their stderr is its log/)
qemus() {
    for _p in $(pgrep -x qemu-system-x86); do
        case "$(readlink "/proc/$_p/fd/2" 2>/dev/null)" in
            "$root"/log/*) echo "$_p" ;;
        esac
    done
}

cleanup() {
    [ -n "$fpid" ] && kill -CONT "$fpid" 2>/dev/null
    for p in $bg; do kill "$p" 2>/dev/null; done
    for d in $(timeout 60 "$virsh" -q -c "$uri" list --name 2>/dev/null); do
        timeout 60 "$virsh" -q -c "$uri" destroy "$d" >/dev/null 2>&1
    done
    for p in $(qemus); do echo "# killing QEMU $p left behind"; kill -9 "$p"; done
    rm -rf "$root"
}
trap cleanup EXIT

# v ARGS...: virsh with a watchdog; stdout in $root/out, stderr in $root/err
v() {
    timeout -k 5 "$BOUND" "$virsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"
}

mkdom() {  # mkdom NAME: a guest with one VF of the pool, on stdout
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='network'><source network='vfpool'/></interface>
  </devices>
</domain>
XML
}

sim_host "$virsh" "$root" ens1f0 $VFS || { notok "simulated host"; exit 1; }
i=0
while [ $i -lt $VFS ]; do
    vf=0000:03:$(printf '%02x.%x' $((7 + (i + 1) / 8)) $(((i + 1) % 8)))
    echo "$vf $(vf_mac "$root" "$vf")" >> "$root/macs"
    i=$((i + 1))
done
[ "$(wc -l < "$root/macs")" = $VFS ] && ! grep -qv ' ..:..:..:..:..:..$' "$root/macs" ||
    { notok "the simulated VFs have MACs: $(cat "$root/macs")"; exit 1; }

# 1. the stopped guest
mkdom frozen > "$root/frozen.xml"
v define "$root/frozen.xml" && v start frozen && v domstate frozen && [ "$(cat "$root/out")" = running ] ||
    { notok "start frozen: $(cat "$root/err")"; exit 1; }
fpid=$(head -n1 "$root/run/qemu/frozen.pid")
[ "$(qemus)" = "$fpid" ] && [ "$(pool_used "$virsh" "$root")" = 1 ] ||
    { notok "frozen runs as QEMU $fpid with one VF (QEMUs: $(qemus))"; exit 1; }
kill -STOP "$fpid" && grep -q '^State:.*T' "/proc/$fpid/status" &&
    ok "the QEMU of 'frozen' ($fpid) is stopped" || { notok "SIGSTOP $fpid"; exit 1; }

# 2. the callers: a process of threads and virsh processes
worker() {  # worker NAME: rounds on guest NAME, then query frozen; ok/not ok lines
    _n=$1 _ans=0 _ref=0 _bad=0
    mkdom "$_n" > "$root/$_n.xml"
    w() {  # w ARGS...: one virsh call of this worker, named when stuck
        timeout -k 5 "$BOUND" "$virsh" -q -c "$uri" "$@" >"$root/$_n.out" 2>"$root/$_n.err"
        _rc=$?
        if [ $_rc = 124 ] || [ $_rc = 137 ]; then
            echo "not ok - $_n stuck: virsh $* has not returned after $BOUND s"
            exit 1  # the worker: what it would do next may wait as long
        fi
        if grep -q '^warning:' "$root/$_n.err"; then
            echo "not ok - $_n: virsh $* warned: $(grep '^warning:' "$root/$_n.err" | head -n 3)"
            _bad=1
        fi
        return $_rc
    }
    bad() { echo "not ok - $_n: $1: $(cat "$root/$_n.out" "$root/$_n.err")"; _bad=1; }
    _r=0
    while [ $_r -lt $ROUNDS ] && [ $_bad = 0 ]; do
        _r=$((_r + 1))
        w define "$root/$_n.xml" || { bad "define"; break; }
        w start --paused "$_n" || { bad "start"; break; }
        w domstate "$_n" && [ "$(cat "$root/$_n.out")" = paused ] || bad "domstate"
        w dumpxml "$_n" && grep -q "<name>$_n</name>" "$root/$_n.out" &&
            grep -q "<interface type='hostdev'" "$root/$_n.out" || bad "dumpxml (name and VF)"
        w dominfo "$_n" && grep -Eq '^State: +paused$' "$root/$_n.out" || bad "dominfo"
        w list --all && grep -Eq " $_n +paused$" "$root/$_n.out" &&
            grep -Eq " frozen +" "$root/$_n.out" || bad "list --all"
        for q in domstate dumpxml dominfo; do
            if w $q frozen; then
                case $q in
                    domstate) [ "$(cat "$root/$_n.out")" = running ] ;;
                    dumpxml) grep -q "<name>frozen</name>" "$root/$_n.out" ;;
                    dominfo) grep -Eq '^State: +running$' "$root/$_n.out" ;;
                esac && _ans=$((_ans + 1)) || bad "$q frozen answered wrong"
            elif grep -q "frozen" "$root/$_n.err"; then
                _ref=$((_ref + 1))
            else
                bad "$q frozen failed without naming it"
            fi
        done
        w destroy "$_n" || { bad "destroy"; break; }
        w domstate "$_n" && [ "$(cat "$root/$_n.out")" = "shut off" ] || bad "domstate after destroy"
        w undefine "$_n" || { bad "undefine"; break; }
    done
    [ $_bad = 0 ] &&
        echo "ok - $_n: $ROUNDS rounds, every virsh returned within $BOUND s; frozen queries: $_ans answered from the record, $_ref refused naming it"
    return $_bad
}

start=$(date +%s)
"$client" "$uri" frozen $THREADS $ROUNDS "$BOUND" > "$root/client.log" 2>&1 &
cpid=$!
bg="$cpid"
j=0
while [ $j -lt $PROCS ]; do
    worker "p$j" > "$root/p$j.log" 2>&1 &
    bg="$bg $!"
    eval "wpid$j=$!"
    j=$((j + 1))
done

# every caller watches its own calls; this bounds the wait for the
# callers themselves
limit=$((BOUND * 10))
while :; do
    running=
    for p in $bg; do kill -0 "$p" 2>/dev/null && running="$running $p"; done
    [ -z "$running" ] && break
    if [ $(($(date +%s) - start)) -gt $limit ]; then
        notok "callers still running after $limit s:$running"
        for f in "$root"/client.log "$root"/p*.log; do echo "# last of $f: $(tail -n1 "$f")"; done
        exit 1
    fi
    sleep 0.5
done
wait "$cpid"
crc=$?
stuck=0
cat "$root/client.log"
[ $crc = 0 ] && grep -q "^ok - " "$root/client.log" || { notok "the API client (exit $crc)"; stuck=1; }
# nothing here is worth a warning: one would be a view of the root out of
# step with what another process did (a guest's old UUID, say)
! grep -q '^warning:' "$root/client.log" && ok "the API client printed no warning" ||
    notok "the API client warned: $(grep '^warning:' "$root/client.log" | head -n 3)"
j=0
while [ $j -lt $PROCS ]; do
    eval "wait \$wpid$j"
    wrc=$?
    cat "$root/p$j.log"
    [ $wrc = 0 ] && grep -q "^ok - p$j:" "$root/p$j.log" || { notok "virsh process p$j (exit $wrc)"; stuck=1; }
    j=$((j + 1))
done
grep -q "^not ok" "$root"/client.log "$root"/p*.log && fail=1

# 4. SIGCONT: everything consistent
grep -q '^State:.*T' "/proc/$fpid/status" && ok "frozen was stopped the whole time" ||
    notok "frozen QEMU was not stopped any more"
kill -CONT "$fpid"
v domstate frozen && [ "$(cat "$root/out")" = running ] && ok "after SIGCONT frozen is running" ||
    notok "frozen after SIGCONT: $(cat "$root/out" "$root/err")"
if [ $stuck != 0 ]; then
    echo "# callers failed: their guests were left mid-way, no check of what is left"
    exit 1
fi
v list --all --name && [ "$(grep -c . "$root/out")" = 1 ] && grep -qx frozen "$root/out" &&
    ok "only frozen is left defined" || notok "guests left: $(tr '\n' ' ' < "$root/out") $(cat "$root/err")"
[ "$(qemus)" = "$fpid" ] && ok "one QEMU runs: frozen's" || notok "QEMUs of the root: $(qemus | tr '\n' ' '), frozen is $fpid"
[ "$(pool_used "$virsh" "$root")" = 1 ] && ok "one VF in use" || notok "VFs in use: $(pool_used "$virsh" "$root")"
v destroy frozen || notok "destroy frozen: $(cat "$root/err")"
fpid=
[ -z "$(qemus)" ] && ok "no QEMU of this root is left" || notok "QEMUs left: $(qemus | tr '\n' ' ')"
[ "$(pool_used "$virsh" "$root")" = 0 ] && ok "every VF is back in the pool" ||
    notok "VFs in use: $(pool_used "$virsh" "$root")"
while read -r vf mac; do
    [ "$(vf_mac "$root" "$vf")" = "$mac" ] || echo "$vf has MAC $(vf_mac "$root" "$vf"), had $mac"
done < "$root/macs" > "$root/macdiff"
[ ! -s "$root/macdiff" ] && ok "the $VFS VFs have their MACs back" || notok "VF MACs: $(tr '\n' ' ' < "$root/macdiff")"
left=$(run_left "$root")
[ -d "$root/run/qemu" ] && [ -z "$left" ] && ok "nothing of a guest is left in run/" ||
    notok "left in run/: $(echo "$left" | tr '\n' ' ')"
exit $fail
