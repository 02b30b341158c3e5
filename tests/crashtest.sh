#!/bin/sh
# Crash consistency: random SIGKILLs of virsh operations (define, undefine,
# start, destroy, net-start, attach-device, detach-device, migrate) at
# random delays, and of QEMU, on two embedded roots with simulated SR-IOV.
# After each kill the next normal operation opens the roots (which repairs
# what the dead process left), then virt-root-check must find both roots
# consistent.
#
#   VIR_TEST_CRASH_ITERATIONS  operations (default 40)
#   VIR_TEST_CRASH_SEED        replay a run (the seed is printed)
#   VIR_TEST_CRASH_SECONDS     stop starting new operations after this long
#                              (default 150; 0: no limit)
#
# Guests are paused, without a kernel (QEMU starts in a fraction of a
# second): "tp" guests have a teaming pair on pool 'vfpool' (their
# migration is --unsafe and waits for an unplug the paused guest never
# does: it is cancelled after migration_unplug_timeout, the rollback path,
# with a VF on each root), "np" guests have no VF (their migration
# succeeds and moves the definition), "hd1" names the last VF of the pool
# directly (<interface type='hostdev'>: the pool must not hand it out
# while hd1 runs, nor hd1 take it while a pool guest has it).
set -u
virsh=$1
rootcheck=$2
base=$(mktemp -d /tmp/crashtest.XXXXXX)
A=$base/A B=$base/B
uA="qemu:///embed?root=$A" uB="qemu:///embed?root=$B"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest/testlib.sh"
guests="tp1 tp2 np1 np2 hd1"
cleanup() {
    for u in "$uA" "$uB"; do
        for d in $guests; do "$virsh" -q -c "$u" destroy $d >/dev/null 2>&1; done
    done
    # QEMUs a defect left without a status file (their output goes to
    # the roots' logs)
    for f in /proc/[0-9]*/fd/1; do
        case $(readlink "$f" 2>/dev/null) in
        "$base"/*) p=${f#/proc/}; kill -9 "${p%/fd/1}" 2>/dev/null ;;
        esac
    done
    rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

iterations=${VIR_TEST_CRASH_ITERATIONS:-40}
seconds=${VIR_TEST_CRASH_SECONDS:-150}
seed=${VIR_TEST_CRASH_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}
echo "# seed $seed (replay: VIR_TEST_CRASH_SEED=$seed VIR_TEST_CRASH_ITERATIONS=$iterations)"
rnd=$seed
# rand N: a number from 0 to N-1 in $r (an LCG: the same seed, the same run)
rand() {
    rnd=$(( (rnd * 1103515245 + 12345) % 2147483648 ))
    r=$(( (rnd / 65536) % $1 ))
}

for R in "$A" "$B"; do
    mkdir -p "$R/etc"
    printf 'migration_unplug_timeout = 1\nmigration_stall_timeout = 2\n' > "$R/etc/qemu.conf"
done
sim_host "$virsh" "$A" ens2f0 2 ens1f0 4 || { notok "simulated host A"; exit 1; }
sim_host "$virsh" "$B" ens2f0 2 ens1f0 4 || { notok "simulated host B"; exit 1; }
# a second pool, started and stopped by the test
for R in "$A" "$B"; do
    sed 's/vfpool/pool2/; s/ens1f0/ens2f0/' "$R/vfpool.xml" > "$R/pool2.xml"
done
"$virsh" -q -c "$uA" net-define "$A/pool2.xml" >/dev/null &&
    "$virsh" -q -c "$uB" net-define "$B/pool2.xml" >/dev/null || notok "define pool2"

n=0
for g in $guests; do
    n=$((n + 1))
    case $g in
    tp*) nets="
    <interface type='user'>
      <mac address='52:54:00:c7:00:0$n'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-sb'/>
    </interface>
    <interface type='network'>
      <source network='vfpool'/>
      <teaming type='transient' persistent='ua-sb'/>
    </interface>" ;;
    hd*) nets="
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:c7:00:0$n'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x04' slot='0x07' function='0x4'/>
      </source>
    </interface>" ;;
    *) nets="
    <interface type='user'>
      <mac address='52:54:00:c7:00:0$n'/>
    </interface>" ;;
    esac
    cat > "$base/$g.xml" <<XML
<domain type='qemu'>
  <name>$g</name>
  <uuid>5c7a0000-0000-4000-8000-00000000000$n</uuid>
  <memory unit='MiB'>32</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>$nets
  </devices>
</domain>
XML
    cat > "$base/$g.hot.xml" <<XML
<interface type='network'>
  <mac address='52:54:00:c7:02:0$n'/>
  <source network='vfpool'/>
</interface>
XML
done

# check LABEL: both roots consistent; prints only the problems not seen
# before (a leftover nothing repairs stays), and remembers which
# operation first showed each
seen=$base/seen summary=$base/summary
: > "$seen"
: > "$summary"
check() {
    bad=0 new=0
    for R in "$A" "$B"; do
        out=$("$rootcheck" --quiet "$R" 2>&1)
        rc=$?
        if [ $rc = 0 ]; then
            continue
        fi
        bad=1
        [ $rc = 1 ] || echo "# $1: virt-root-check exited $rc: $out"
        echo "$out" | grep -E "^ +(FAIL|WARN): " |
            sed "s|$base/||g; s/pid [0-9][0-9]*/pid N/g; s/^ *//" > "$base/lines"
        while read -r key; do
            grep -qxF "$key" "$seen" && continue
            echo "$key" >> "$seen"
            echo "# $1: $key"
            echo "$1 -> $key" >> "$summary"
            new=1
        done < "$base/lines"
    done
    if [ $bad = 0 ]; then
        ok "$1: both roots consistent"
    elif [ $new = 1 ]; then
        notok "$1: virt-root-check finds a root inconsistent"
    else
        notok "$1: problems reported above persist (nothing repairs them)"
    fi
}

# The checker itself: it passes a fresh root and fails where it must
"$rootcheck" "$A" > "$base/out" 2>&1 && grep -q "Checking that every VF has one live owner or is free *: PASS" "$base/out" &&
    ok "virt-root-check passes a fresh root" || { notok "virt-root-check passes a fresh root"; cat "$base/out"; }
"$virsh" -q -c "$uA" define "$base/tp1.xml" >/dev/null && "$virsh" -q -c "$uA" start --paused tp1 >/dev/null ||
    notok "start tp1"
pid=$(head -n 1 "$A/run/qemu/tp1.pid")
kill -0 "$pid" && kill -9 "$pid"
sleep 0.2
"$rootcheck" "$A" > "$base/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "domain 'tp1': status file .* names pid $pid, which is gone" "$base/out" &&
    grep -q "VF 0000:04:07.1 of network 'vfpool' is recorded for 'qemu/.*', which is not a running domain" "$base/out" &&
    ok "virt-root-check names a dead QEMU's status file and its VF (exit 1)" ||
    { notok "virt-root-check names a dead QEMU (exit $rc)"; cat "$base/out"; }
"$virsh" -q -c "$uA" list --all >/dev/null
"$rootcheck" -q "$A" > "$base/out" 2>&1 && ok "opening the root repairs it" ||
    { notok "opening the root repairs it"; cat "$base/out"; }

# the run starts with every guest defined on A, and two of them running
for g in $guests; do
    "$virsh" -q -c "$uA" define "$base/$g.xml" >/dev/null || notok "define $g"
done
"$virsh" -q -c "$uA" start --paused tp2 >/dev/null && "$virsh" -q -c "$uA" start --paused np1 >/dev/null ||
    notok "start tp2 and np1"

# where NAME is: "running", "defined" (shut off) or "" on root URI
where() {
    case $("$virsh" -q -c "$1" domstate "$2" 2>/dev/null | head -1) in
    running|paused) echo running ;;
    "") echo "" ;;
    *) echo defined ;;
    esac
}

# op: a random operation that makes sense now, mostly: its virsh
# arguments in $cmd ("qemu": SIGKILL of the guest's QEMU), on root $u
# ($src: A or B; $dst the other root's URI)
op() {
    rand 5; g=$(echo $guests | cut -d' ' -f$((r + 1)))
    sA=$(where "$uA" $g) sB=$(where "$uB" $g)
    if [ "$sB" = running ] || { [ "$sA" != running ] && [ -n "$sB" ]; }; then
        u=$uB src=B dst=$uA s=$sB
    else
        u=$uA src=A dst=$uB s=$sA
    fi
    rand 8
    if [ "$r" = 7 ]; then
        rand 2; [ $r = 0 ] && cmd="net-start pool2" || cmd="net-destroy pool2"
        return
    fi
    case $s in
    running)
        rand 6
        case $r in
        0) cmd="destroy $g" ;;
        1) cmd="attach-device --live $g $base/$g.hot.xml" ;;
        2) cmd="detach-device --live $g $base/$g.hot.xml" ;;
        3|4) case $g in
           tp*) cmd="migrate --live --unsafe $g $dst" ;;
           *) cmd="migrate --live --persistent --undefinesource $g $dst" ;;
           esac ;;
        5) cmd=qemu ;;
        esac ;;
    defined)
        rand 4; [ $r = 0 ] && cmd="undefine $g" || cmd="start --paused $g" ;;
    *)
        cmd="define $base/$g.xml" ;;
    esac
}

start=$(date +%s)
i=0
while [ $i -lt "$iterations" ]; do
    i=$((i + 1))
    if [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ]; then
        i=$((i - 1))
        echo "# stopped after $i operations: VIR_TEST_CRASH_SECONDS=$seconds reached"
        break
    fi
    op
    if [ "$cmd" = qemu ]; then
        R=$A; [ $src = B ] && R=$B
        pid=$(head -n 1 "$R/run/qemu/$g.pid" 2>/dev/null)
        if [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; then
            what="SIGKILL of the QEMU of $g on $src"
        else
            what="(no QEMU of $g on $src to kill)"
        fi
    else
        # not killed (one in four), or killed after 0-29, 0-149 or
        # 0-999 ms (most operations take 20 to 300 ms; a migration that
        # is cancelled about 1.5 s)
        rand 4
        case $r in
        0) delay=none ;;
        1) rand 30; delay=$r ;;
        2) rand 150; delay=$r ;;
        3) rand 1000; delay=$r ;;
        esac
        # shellcheck disable=SC2086
        "$virsh" -q -c "$u" $cmd >"$base/op.out" 2>&1 &
        p=$!
        if [ $delay = none ]; then
            wait $p
            what="$src: virsh $cmd (exit $?, not killed)"
        else
            sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
            if kill -9 $p 2>/dev/null; then
                what="$src: virsh $cmd, SIGKILL after $delay ms"
            else
                what="$src: virsh $cmd (finished before $delay ms)"
            fi
            wait $p 2>/dev/null
        fi
    fi
    what=$(echo "$what" | sed "s|$base/||g")
    # the next normal operation on each root
    "$virsh" -q -c "$uA" list --all >/dev/null 2>&1
    "$virsh" -q -c "$uB" list --all >/dev/null 2>&1
    check "$i: $what"
done

echo "# seed $seed: $i operations in $(( $(date +%s) - start )) s"
if [ $fail != 0 ]; then
    echo "# problems, each with the operation that first showed it:"
    sed 's/^/#   /' "$summary"
    echo "# replay: VIR_TEST_CRASH_SEED=$seed VIR_TEST_CRASH_ITERATIONS=$iterations"
fi
exit $fail
