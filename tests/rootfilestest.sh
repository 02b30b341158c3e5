#!/bin/sh
# Files and sockets under a root, whatever the guests are called (issue 13).
# Guests here start paused without a kernel: QEMU runs, nothing boots.
#  1. a 200-character name defines and starts: the monitor socket is
#     ROOT/run/qemu/UUID.qmp (32 hex digits), recorded in the status;
#     destroy cleans;
#  2. a guest started with the older layout (ROOT/run/qemu/NAME.monitor,
#     recorded in its status) is still driven and cleaned up;
#  3. a root too long for the socket address of its guests is refused
#     when it is opened, with a message that says how long it may be;
#  4. a symlink planted as ROOT/log/NAME.log: start fails naming the link,
#     the link's target is untouched and nothing of the guest is left;
#  5. virt-sriov-sim writes etc/qemu.conf with mode 0600, keeping the
#     settings already there.
set -u
virsh=$1
top=$2
. "$top/tests/guest/testlib.sh"
root=$(mktemp -d /tmp/rootfiles.XXXXXX)
uri="qemu:///embed?root=$root"
trap 'for d in $("$virsh" -q -c "$uri" list --name 2>/dev/null); do "$virsh" -q -c "$uri" destroy "$d" >/dev/null 2>&1; done; rm -rf "$root"' EXIT

mkdom() {  # mkdom NAME: a minimal domain on stdout
    printf "<domain type='qemu'>\n  <name>%s</name>\n  <memory unit='MiB'>64</memory>\n" "$1"
    printf "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n</domain>\n"
}

# 1. a long name starts
long=$(printf 'n%.0s' $(seq 200))
mkdom "$long" > "$root/long.xml"
if "$virsh" -q -c "$uri" define "$root/long.xml" >/dev/null &&
   "$virsh" -q -c "$uri" start --paused "$long" >"$root/out" 2>&1 &&
   [ "$("$virsh" -q -c "$uri" domstate "$long")" = paused ]; then
    ok "a 200-character name starts"
else
    notok "a 200-character name starts: $(cat "$root/out")"
fi
qmp=$root/run/qemu/$("$virsh" -q -c "$uri" domuuid "$long" | tr -d -).qmp
[ -S "$qmp" ] && grep -q "<monitor path='$qmp'/>" "$root/run/qemu/$long.xml" &&
    ok "monitor socket named by UUID and recorded in the status" ||
    { notok "monitor socket by UUID"; ls "$root/run/qemu"; }
"$virsh" -q -c "$uri" destroy "$long" >/dev/null || notok "destroy the long name"
[ -z "$(run_left "$root")" ] && ok "nothing left in run/ after destroy" ||
    { notok "run/ cleaned"; ls "$root/run/qemu"; }

# 2. the older layout: NAME.monitor recorded in the status
mkdom old1 > "$root/old1.xml"
"$virsh" -q -c "$uri" define "$root/old1.xml" >/dev/null &&
    "$virsh" -q -c "$uri" start --paused old1 >/dev/null || notok "start old1"
qmp=$root/run/qemu/$("$virsh" -q -c "$uri" domuuid old1 | tr -d -).qmp
if [ -S "$qmp" ] && mv "$qmp" "$root/run/qemu/old1.monitor" &&
   sed "s|$qmp|$root/run/qemu/old1.monitor|" "$root/run/qemu/old1.xml" >"$root/status.new" &&
   grep -q "<monitor path='$root/run/qemu/old1.monitor'/>" "$root/status.new" &&
   mv "$root/status.new" "$root/run/qemu/old1.xml"; then
    "$virsh" -q -c "$uri" resume old1 >/dev/null &&
        [ "$("$virsh" -q -c "$uri" domstate old1)" = running ] &&
        ok "a guest of the older layout is driven through its recorded monitor" ||
        notok "resume through NAME.monitor"
    "$virsh" -q -c "$uri" destroy old1 >/dev/null &&
        [ ! -e "$root/run/qemu/old1.monitor" ] && [ ! -e "$root/run/qemu/old1.xml" ] &&
        ok "destroy removes the older layout's socket" || { notok "old socket removed"; ls "$root/run/qemu"; }
else
    notok "move old1 to the older layout"
fi

# 3. a root too long for any socket of its guests
longroot=$root/$(printf 'r%.0s' $(seq 60))
"$virsh" -c "qemu:///embed?root=$longroot" list >"$root/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "root directory '$longroot' is too long: the sockets of its guests" "$root/out" &&
   grep -Eq "use a root of at most [0-9]+ characters" "$root/out" && [ ! -e "$longroot/run" ]; then
    ok "an over-long root is refused at open"
else
    notok "over-long root refused (rc $rc): $(cat "$root/out")"
fi
# and the longest root it allows works
max=$(sed -n 's/.*use a root of at most \([0-9]*\) characters.*/\1/p' "$root/out")
okroot=$root/$(printf 'r%.0s' $(seq $((max - ${#root} - 1))))
[ ${#okroot} = "$max" ] && "$virsh" -q -c "qemu:///embed?root=$okroot" define "$root/old1.xml" >/dev/null &&
    "$virsh" -q -c "qemu:///embed?root=$okroot" start --paused old1 >/dev/null &&
    "$virsh" -q -c "qemu:///embed?root=$okroot" destroy old1 >/dev/null &&
    ok "a root of the largest length allowed ($max) starts guests" || notok "root of $max characters"

# 4. a symlink planted as the guest's log
mkdom lg > "$root/lg.xml"
"$virsh" -q -c "$uri" define "$root/lg.xml" >/dev/null || notok "define lg"
printf 'secret\n' > "$root/target"
ln -s "$root/target" "$root/log/lg.log"
if "$virsh" -q -c "$uri" start --paused lg >"$root/out" 2>&1; then
    notok "start through a planted log symlink succeeded"
else
    grep -q "log file '$root/log/lg.log' is a symbolic link" "$root/out" &&
        ok "start refuses a planted log symlink" || notok "start error: $(cat "$root/out")"
fi
[ "$(cat "$root/target")" = secret ] && ok "the symlink's target is untouched" ||
    notok "target written: $(cat "$root/target")"
[ "$("$virsh" -q -c "$uri" domstate lg)" = "shut off" ] && [ -z "$(run_left "$root")" ] &&
    ok "nothing of the refused start is left" || { notok "refused start leaves state"; ls "$root/run/qemu"; }
rm "$root/log/lg.log"
"$virsh" -q -c "$uri" start --paused lg >/dev/null && "$virsh" -q -c "$uri" destroy lg >/dev/null &&
    [ -f "$root/log/lg.log" ] && [ ! -L "$root/log/lg.log" ] && ok "starts once the link is gone" ||
    notok "start lg without the link"

# 5. virt-sriov-sim writes qemu.conf 0600
simroot=$root/sim
mkdir -p "$simroot/etc"
printf 'migration_unplug_timeout = 30\n' > "$simroot/etc/qemu.conf"
chmod 644 "$simroot/etc/qemu.conf"
if "$(dirname "$virsh")/virt-sriov-sim" --root "$simroot" --pf ens1f0 --vfs 2 >/dev/null &&
   grep -q '^hostdev_simulate = "e1000e"$' "$simroot/etc/qemu.conf"; then
    [ "$(stat -c %a "$simroot/etc/qemu.conf")" = 600 ] && ok "virt-sriov-sim writes qemu.conf 0600" ||
        notok "qemu.conf mode $(stat -c %a "$simroot/etc/qemu.conf")"
    grep -q '^migration_unplug_timeout = 30$' "$simroot/etc/qemu.conf" && ok "virt-sriov-sim keeps other settings" ||
        notok "qemu.conf lost a setting"
else
    notok "virt-sriov-sim"
fi
exit $fail
