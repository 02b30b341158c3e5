#!/bin/sh
# A start whose process dies before it completes is undone by the next
# process that opens the root: its QEMU is stopped, its run/ files and its
# start record removed, the domain reads as shut off.
#  1. virsh start killed by its own emulator (a wrapper that SIGKILLs its
#     parent, the starting virsh, then runs QEMU): the QEMU runs, its
#     start never completed;
#  2. the state a start leaves when killed between spawning QEMU and
#     writing its pidfile: a QEMU answering on its monitor, a start record,
#     neither pidfile nor status file: found by the monitor (query-uuid);
#  3. virsh migrate killed by the destination's emulator (the same
#     wrapper) while the destination QEMU starts: the next open of the
#     destination stops it, the guest keeps running on the source. Since
#     prepare answers before its QEMU is spawned, the source may have sent
#     the whole (paused, small) guest before the kill: the next opens then
#     complete the migration and the guest runs on the destination only.
#     Either way one QEMU runs it and no start record is left;
#  4. a start killed between the unbind of its managed VF from iavf and
#     its bind to vfio-pci (on a simulated host whose kernel refuses the
#     VF's probe meanwhile, so the start waits there): the next open puts
#     the VF back on iavf and drops its records.
set -u
virsh=$1
rootcheck=$2
sriovsim=$3
root=$(mktemp -d /tmp/startcrash.XXXXXX)
uri="qemu:///embed?root=$root"
uriB="qemu:///embed?root=$root/B"
fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }
cleanup() {
    for d in k1 k2 k3; do "$virsh" -q -c "$uri" destroy "$d" >/dev/null 2>&1; done
    "$virsh" -q -c "$uriB" destroy k3 >/dev/null 2>&1
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too

# qemus UUID: how many processes run with argument UUID (QEMU's -uuid)
qemus() {
    printf '%s\n' "$1" > "$root/pattern"
    grep -lzxF -f "$root/pattern" /proc/[0-9]*/cmdline 2>/dev/null | wc -l
}
run() {  # run ARGS...: virsh, stdout in $root/out, stderr in $root/err
    "$virsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"
}
# mkdomain NAME UUID [EMULATOR]
mkdomain() {
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>${3:-/usr/bin/qemu-system-x86_64}</emulator></devices>
</domain>
XML
}

# 1. the starting process killed while QEMU starts
cat > "$root/qemu-killer" <<SH
#!/bin/sh
case " \$* " in
*" -uuid "*) if rm "$root/kill-starter" 2>/dev/null; then kill -9 \$PPID; fi ;;
esac
exec /usr/bin/qemu-system-x86_64 "\$@"
SH
chmod +x "$root/qemu-killer"
u1=5c7a2f30-0000-4000-8000-000000000001
mkdomain k1 $u1 "$root/qemu-killer"
run define "$root/k1.xml" || notok "define k1: $(cat "$root/err")"
: > "$root/kill-starter"
run start --paused k1
rc=$?
# QEMU outlives its starter: wait until it is up (its -uuid argv is there)
i=0
while [ "$(qemus $u1)" = 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ $rc = 137 ] && [ ! -e "$root/kill-starter" ] && [ "$(qemus $u1)" = 1 ] &&
    [ -e "$root/run/qemu/k1.starting" ] &&
    ok "start k1 killed while its QEMU starts: QEMU runs, start record left" ||
    notok "start k1 killed (rc $rc, $(qemus $u1) QEMU): $(cat "$root/err"; ls "$root/run/qemu")"
run list --all && grep -Eq "^ -  +k1 +shut off$" "$root/out" && [ "$(qemus $u1)" = 0 ] &&
    ok "the next open stops the QEMU of the interrupted start: k1 shut off" ||
    notok "after list: $(qemus $u1) QEMU of k1: $(cat "$root/out" "$root/err")"
grep -q "k1.*did not complete\|k1.*died before" "$root/err" &&
    ok "a warning names the undone start" || notok "no warning: $(cat "$root/err")"
ls "$root/run/qemu" > "$root/ls"
[ -s "$root/ls" ] || echo "(run/qemu is empty)" > "$root/ls"
! grep -q "^k1\.\|$u1" "$root/ls" &&
    ok "no run/ file of k1 is left" || notok "left in run/qemu: $(cat "$root/ls")"
"$rootcheck" -q "$root" > "$root/check" 2>&1 && ok "virt-root-check passes" ||
    notok "virt-root-check: $(cat "$root/check")"
run start --paused k1 && [ "$(qemus $u1)" = 1 ] && run destroy k1 && [ "$(qemus $u1)" = 0 ] &&
    ok "k1 starts and stops again" || notok "restart k1: $(cat "$root/err")"

# 2. killed before the pidfile: only the start record and the monitor
u2=5c7a2f30-0000-4000-8000-000000000002
mkdomain k2 $u2
run define "$root/k2.xml" && run start --paused k2 && [ "$(qemus $u2)" = 1 ] &&
    [ -e "$root/run/qemu/k2.xml" ] && [ -e "$root/run/qemu/k2.pid" ] &&
    [ ! -e "$root/run/qemu/k2.starting" ] &&
    ok "k2 started: status and pidfile, no start record" || notok "start k2: $(cat "$root/err")"
rm "$root/run/qemu/k2.xml" "$root/run/qemu/k2.pid"
printf '%s' $u2 > "$root/run/qemu/k2.starting"
run list --all && grep -Eq "^ -  +k2 +shut off$" "$root/out" && [ "$(qemus $u2)" = 0 ] &&
    [ ! -e "$root/run/qemu/k2.starting" ] &&
    ok "a start record without pidfile: its QEMU is found by its monitor and stopped" ||
    notok "k2: $(qemus $u2) QEMU: $(cat "$root/out" "$root/err"; ls "$root/run/qemu")"

# 3. the destination of a migration
u3=5c7a2f30-0000-4000-8000-000000000003
mkdomain k3 $u3 "$root/qemu-killer"
run define "$root/k3.xml" && run start --paused k3 && [ "$(qemus $u3)" = 1 ] ||
    notok "start k3: $(cat "$root/err")"
"$virsh" -q -c "$uriB" list --all >/dev/null 2>&1
: > "$root/kill-starter"
"$virsh" -q -c "$uri" migrate --live k3 "$uriB" >"$root/out" 2>"$root/err"
rc=$?
i=0
while [ "$(qemus $u3)" = 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ $rc = 137 ] && [ ! -e "$root/kill-starter" ] && [ "$(qemus $u3)" = 2 ] &&
    [ -e "$root/B/run/qemu/k3.starting" ] &&
    ok "migrate killed while the destination QEMU starts: two QEMUs, start record left" ||
    notok "migrate k3 killed (rc $rc, $(qemus $u3) QEMU): $(cat "$root/err"; ls "$root/B/run/qemu")"
"$virsh" -q -c "$uriB" list --all >"$root/out" 2>"$root/err"
"$virsh" -q -c "$uri" list --all >>"$root/out" 2>>"$root/err"
# stateof URI: k3's state there, "absent" when it is not defined there
stateof() {
    "$virsh" -q -c "$1" domstate k3 2>/dev/null || echo absent
}
sA=$(stateof "$uri") sB=$(stateof "$uriB")
if [ "$(qemus $u3)" = 1 ] && [ ! -e "$root/B/run/qemu/k3.starting" ]; then
    case "$sA/$sB" in
    paused/absent|paused/"shut off"|running/absent|running/"shut off")
        ok "the next open stops the destination QEMU; k3 still runs on the source" ;;
    "shut off"/paused|"shut off"/running|absent/paused|absent/running)
        ok "the source had sent all of k3 before the kill: the next opens complete the migration, k3 runs on the destination only" ;;
    *)
        notok "after list: k3 is '$sA' on the source, '$sB' on the destination" ;;
    esac
else
    notok "after list: $(qemus $u3) QEMU of k3: $(cat "$root/out" "$root/err"; ls "$root/B/run/qemu")"
fi
"$rootcheck" -q "$root/B" > "$root/check" 2>&1 && "$rootcheck" -q "$root" >> "$root/check" 2>&1 &&
    ok "virt-root-check passes on both roots" || notok "virt-root-check: $(cat "$root/check")"

# 4. killed between unbind and bind of a managed VF
rootV=$root/V
uriV="qemu:///embed?root=$rootV"
vf=0000:03:07.1
vfdir=$rootV/sim/sys/bus/pci/devices/$vf
vfdriver() { basename "$(readlink "$vfdir/driver")" 2>/dev/null; }
"$sriovsim" --root "$rootV" --pf ens1f0 --vfs 2 --fail-bind "$vf" >/dev/null ||
    notok "simulated host"
cat > "$rootV/k4.xml" <<XML
<domain type='qemu'>
  <name>k4</name>
  <uuid>5c7a2f30-0000-4000-8000-000000000004</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:5c:00:04'/>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/></source>
    </interface>
  </devices>
</domain>
XML
"$virsh" -q -c "$uriV" define "$rootV/k4.xml" >/dev/null || notok "define k4"
"$virsh" -q -c "$uriV" start k4 >"$root/out" 2>"$root/err" &
spid=$!
i=0
until grep -q "drivers_probe $vf: refused" "$rootV/sim/serve.log" 2>/dev/null || [ $i -ge 100 ]; do
    sleep 0.1; i=$((i + 1))
done
kill -9 $spid 2>/dev/null
wait $spid 2>/dev/null
rm -f "$rootV/sim/fail-bind"
[ $i -lt 100 ] && [ -z "$(vfdriver)" ] && grep -qx "driver=iavf" "$rootV/run/hostdev/$vf.bind" &&
    ok "start k4 killed between unbind and bind: VF without a driver, iavf recorded" ||
    notok "k4 killed (after $i polls): driver '$(vfdriver)', $(ls "$rootV/run/hostdev" 2>&1; cat "$root/err")"
"$virsh" -q -c "$uriV" list --all >"$root/out" 2>"$root/err"
[ "$(vfdriver)" = iavf ] && [ "$(cat "$vfdir/driver_override")" = "(null)" ] &&
    [ -z "$(ls "$rootV/run/hostdev")" ] && grep -Eq "^ -  +k4 +shut off$" "$root/out" &&
    ok "the next open puts the VF back on iavf and drops its records" ||
    notok "after list: driver '$(vfdriver)', records '$(ls "$rootV/run/hostdev")': $(cat "$root/out" "$root/err")"

exit $fail
