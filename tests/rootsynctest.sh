#!/bin/sh
# A long-lived process (virtqemud) brings its view of a root up to date
# after other processes (embedded virsh) redefined guests with new UUIDs
# under the same or another name. What it loaded earlier is from another
# moment than what is on disk now: the status files and definitions it
# reads must be judged against each other, not against that old view.
#  1. d (UUID U1) seen by the daemon; undefined, defined with U2 and
#     started elsewhere: the daemon sees d running with U2;
#  2. the same again while the daemon saw d running (destroyed, undefined,
#     defined with U3, started elsewhere);
#  3. a transient guest created again with a new UUID;
#  4. e (U5) seen by the daemon, undefined; c (sorted before e) defined
#     with U5: the daemon lists c, not e;
#  5. e2 (U6) seen, undefined; b2 defined with U6 and started: the daemon
#     sees b2 running;
#  6. b2 destroyed elsewhere, then its QEMU killed and found dead
#     elsewhere: the daemon gives the reason the other process recorded
#     (destroyed, crashed), not "unknown";
# and the daemon warned about none of it (no file on disk is in conflict
# with another at any moment).
set -u
virtqemud=$1
virsh=$2
top=$3
. "$top/tests/guest/testlib.sh"
need_qemu

root=$(mktemp -d /tmp/rootsync.XXXXXX)
sock=$root/run/virtqemud-sock
embed="qemu:///embed?root=$root"
remote="qemu+unix:///system?socket=$sock"
dpid=
cleanup() {
    for d in d t b2; do "$virsh" -q -c "$embed" destroy $d >/dev/null 2>&1; done
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

e() { "$virsh" -q -c "$embed" "$@" >"$root/out" 2>"$root/err"; }   # another process
r() { "$virsh" -q -c "$remote" "$@" >"$root/out" 2>"$root/err"; }  # the daemon
# sees NAME STATE UUID WHAT: the daemon answers STATE and UUID for NAME
sees() {
    if r domstate "$1" && [ "$(cat "$root/out")" = "$2" ] &&
       r domuuid "$1" && [ "$(cat "$root/out")" = "$3" ]; then
        ok "$4"
    else
        notok "$4: $(cat "$root/out" "$root/err")"
    fi
}
u() { echo "7d3c1a52-0000-4000-8000-00000000000$1"; }

daemon_start "$virtqemud" "$root" "$virsh" || { notok "virtqemud starts"; exit 1; }

# 1. a stopped guest redefined with a new UUID and started elsewhere
mkdomain d "$(u 1)"
e define "$root/d.xml" || notok "define d: $(cat "$root/err")"
sees d "shut off" "$(u 1)" "the daemon sees d defined with U1"
mkdomain d "$(u 2)"
e undefine d && e define "$root/d.xml" && e start --paused d ||
    notok "redefine and start d elsewhere: $(cat "$root/err")"
sees d paused "$(u 2)" "d undefined, defined with U2 and started elsewhere: the daemon sees it paused with U2"

# 2. the same while the daemon saw it running
mkdomain d "$(u 3)"
e destroy d && e undefine d && e define "$root/d.xml" && e start --paused d ||
    notok "destroy, redefine and start d elsewhere: $(cat "$root/err")"
sees d paused "$(u 3)" "d seen running, then started elsewhere with U3: the daemon sees U3"
e destroy d

# 3. a transient guest created again with a new UUID
mkdomain t "$(u 4)"
e create --paused "$root/t.xml" || notok "create t: $(cat "$root/err")"
sees t paused "$(u 4)" "the daemon sees transient t with U4"
e destroy t
mkdomain t "$(u 7)"
e create --paused "$root/t.xml" || notok "create t again: $(cat "$root/err")"
sees t paused "$(u 7)" "t created again with U7 elsewhere: the daemon sees U7"
e destroy t

# 4. a UUID moves to a definition whose name sorts first
mkdomain e "$(u 5)"
e define "$root/e.xml" || notok "define e: $(cat "$root/err")"
sees e "shut off" "$(u 5)" "the daemon sees e with U5"
mkdomain c "$(u 5)"
e undefine e && e define "$root/c.xml" || notok "undefine e, define c: $(cat "$root/err")"
if r list --all --name && grep -qx c "$root/out" && ! grep -qx e "$root/out"; then
    ok "U5 moved from e to c elsewhere: the daemon lists c, not e"
else
    notok "list after U5 moved to c: $(cat "$root/out" "$root/err")"
fi

# 5. a UUID moves to a guest that is started
mkdomain e2 "$(u 6)"
e define "$root/e2.xml" || notok "define e2: $(cat "$root/err")"
sees e2 "shut off" "$(u 6)" "the daemon sees e2 with U6"
mkdomain b2 "$(u 6)"
e undefine e2 && e define "$root/b2.xml" && e start --paused b2 ||
    notok "undefine e2, define and start b2: $(cat "$root/err")"
sees b2 paused "$(u 6)" "U6 moved from e2 to b2, started elsewhere: the daemon sees b2 paused"

# 6. why a guest stopped elsewhere: the reason the stopping process
#    recorded, not "unknown"
e destroy b2 || notok "destroy b2 elsewhere: $(cat "$root/err")"
r domstate --reason b2 && [ "$(cat "$root/out")" = "shut off (destroyed)" ] &&
    ok "b2 destroyed elsewhere: the daemon says why" || notok "b2's reason: $(cat "$root/out" "$root/err")"
e start --paused b2 && r domstate --reason b2 && [ "$(cat "$root/out")" = "paused (user)" ] ||
    notok "b2 started again: $(cat "$root/out" "$root/err")"
! grep -q "^$(u 6) " "$root/run/qemu/stops" && ok "a new run forgets why the last one stopped" ||
    notok "b2's line left in stops after the start: $(cat "$root/run/qemu/stops")"
pid=$(head -n1 "$root/run/qemu/b2.pid")
kill -9 "$pid"
e list --all >/dev/null 2>&1   # another process finds it dead
r domstate --reason b2 && [ "$(cat "$root/out")" = "shut off (crashed)" ] &&
    ok "b2's QEMU killed, found dead elsewhere: the daemon says crashed" ||
    notok "b2's reason after the kill: $(cat "$root/out" "$root/err")"
grep -q "^$(u 6) 3$" "$root/run/qemu/stops" && e undefine b2 && ! grep -q "^$(u 6) " "$root/run/qemu/stops" &&
    ok "undefine forgets why b2 stopped" || notok "undefine b2: $(cat "$root/err" "$root/run/qemu/stops")"

# the daemon's notices are in its log (so its warnings would be), and no
# warning is
if grep -q "notice : virtqemud .* serving root $root\$" "$root/daemon.log"; then
    if grep -q 'ignoring' "$root/daemon.log"; then
        notok "the daemon warned:"; grep 'ignoring' "$root/daemon.log" | sed 's/^/#   /'
    else
        ok "the daemon did not warn about a status file or definition"
    fi
else
    notok "the daemon's log has its notice: $(cat "$root/daemon.log")"
fi
exit $fail
