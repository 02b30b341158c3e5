#!/bin/sh
# Which QEMU is a guest's, and which process may be signalled. Plain paused
# guests (no kernel, no disk: QEMU waits in -S), each run by a new virsh:
#  1. a guest named 'a,b' (its argv has 'guest=a,,b') survives list and
#     domstate from other processes and is destroyable;
#  2. a status file naming an unrelated process (a sleep holding the pid
#     QEMU had) never gets it signalled: the guest reads as shut off;
#  3. a status file damaged while its QEMU runs (truncated, garbage, or
#     naming a process that is gone): start never runs a second QEMU of the
#     guest and names the running one; destroy stops it;
#  4. a definition planted with the UUID of a running guest is skipped
#     with a warning naming both files; destroy of it cannot reach the
#     running guest;
#  5. a status file without a start time (older format) is not trusted:
#     its QEMU is not signalled, start is refused, destroy stops it.
set -u
virsh=$1
root=$(mktemp -d /tmp/identitytest.XXXXXX)
uri="qemu:///embed?root=$root"
sleeper=
. "$(dirname "$0")/guest/testlib.sh"
cleanup() {
    for d in a,b st c6 good old; do "$virsh" -q -c "$uri" destroy "$d" >/dev/null 2>&1; done
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

# qemus UUID: how many processes run with argument UUID (QEMU's -uuid);
# the pattern is read from a file, not given to grep as an argument
qemus() {
    printf '%s\n' "$1" > "$root/pattern"
    grep -lzxF -f "$root/pattern" /proc/[0-9]*/cmdline 2>/dev/null | wc -l
}

run() {  # run ARGS...: virsh, stdout in $root/out, stderr in $root/err
    "$virsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"
}

# 1. a name with a comma
u1=6a1d0e10-0000-4000-8000-000000000001
mkdomain a,b $u1
run define "$root/a,b.xml" && run start --paused a,b || notok "start a,b: $(cat "$root/err")"
pid=$(head -n1 "$root/run/qemu/a,b.pid")
[ "$(qemus $u1)" = 1 ] && [ "$(sed -n 2p "$root/run/qemu/a,b.pid")" = "$(starttime "$pid")" ] &&
    ok "pidfile records the pid and start time of QEMU" ||
    notok "pidfile identity ($(cat "$root/run/qemu/a,b.pid"))"
grep -q "pid='$pid' starttime='$(starttime "$pid")'" "$root/run/qemu/a,b.xml" &&
    ok "status records the pid and start time" || notok "status identity"
run list --all && grep -Eq "^ [0-9]+ +a,b +paused$" "$root/out" &&
    ok "list from another process: a,b paused" || notok "list a,b: $(cat "$root/out" "$root/err")"
run domstate a,b && [ "$(cat "$root/out")" = paused ] &&
    ok "domstate from another process: paused" || notok "domstate a,b: $(cat "$root/out")"
[ "$(qemus $u1)" = 1 ] && ok "the QEMU of a,b survived list and domstate" ||
    notok "QEMU of a,b killed by a query"
run destroy a,b && [ "$(qemus $u1)" = 0 ] && run domstate a,b && [ "$(cat "$root/out")" = "shut off" ] &&
    ok "a,b destroyed: QEMU gone, shut off" || notok "destroy a,b: $(cat "$root/err")"

# 2. a stale status naming another process: a sleep has the pid now
u2=6a1d0e10-0000-4000-8000-000000000002
mkdomain st $u2
run define "$root/st.xml" && run start --paused st || notok "start st"
qpid=$(head -n1 "$root/run/qemu/st.pid")
kill -9 "$qpid"
while [ "$(qemus $u2)" != 0 ]; do sleep 0.05; done
sleep 300 & sleeper=$!
sed -i "s/pid='$qpid'/pid='$sleeper'/" "$root/run/qemu/st.xml"
sed -i "1s/.*/$sleeper/" "$root/run/qemu/st.pid"
grep -q "pid='$sleeper'" "$root/run/qemu/st.xml" && kill -0 "$sleeper" &&
    ok "status of st names the live sleep $sleeper" || notok "status rewritten"
run list --all
grep -Eq "^ - +st +shut off$" "$root/out" && ok "st reads as shut off" ||
    notok "st state: $(cat "$root/out" "$root/err")"
kill -0 "$sleeper" 2>/dev/null && ok "list --all did not signal the unrelated process" ||
    notok "list --all killed the sleep"
grep -q "pid $sleeper belongs to another process now, which was not signalled" "$root/err" &&
    ok "a warning says it was left alone" || notok "warning: $(cat "$root/err")"
[ ! -e "$root/run/qemu/st.xml" ] && [ ! -e "$root/run/qemu/st.pid" ] &&
    ok "the stale records are gone" || notok "stale records left: $(ls "$root/run/qemu")"
# again with destroy as the first call to see it
run start --paused st || notok "restart st"
qpid=$(head -n1 "$root/run/qemu/st.pid")
kill -9 "$qpid"
while [ "$(qemus $u2)" != 0 ]; do sleep 0.05; done
sed -i "s/pid='$qpid'/pid='$sleeper'/" "$root/run/qemu/st.xml"
sed -i "1s/.*/$sleeper/" "$root/run/qemu/st.pid"
grep -q "pid='$sleeper'" "$root/run/qemu/st.xml" || notok "status rewritten again"
run destroy st
kill -0 "$sleeper" 2>/dev/null && ok "destroy did not signal the unrelated process" ||
    notok "destroy killed the sleep"
run domstate st && [ "$(cat "$root/out")" = "shut off" ] && ok "st shut off after destroy" ||
    notok "st after destroy: $(cat "$root/out")"
kill "$sleeper"; sleeper=

# 3. a status damaged while QEMU runs
u3=6a1d0e10-0000-4000-8000-000000000003
mkdomain c6 $u3
run define "$root/c6.xml" && run start --paused c6 || notok "start c6"
qpid=$(head -n1 "$root/run/qemu/c6.pid")
[ "$(qemus $u3)" = 1 ] && ok "one QEMU of c6" || notok "QEMUs of c6: $(qemus $u3)"
head -c 100 "$root/run/qemu/c6.xml" > "$root/trunc" && mv "$root/trunc" "$root/run/qemu/c6.xml"
run start c6 && notok "start with a truncated status succeeded" ||
    { grep -q "domain 'c6' is already running: a QEMU of this guest (pid $qpid) is alive" "$root/err" &&
      ok "truncated status: start refused naming pid $qpid" || notok "refusal: $(cat "$root/err")"; }
[ "$(qemus $u3)" = 1 ] && ok "truncated status: still one QEMU of c6" ||
    notok "truncated status: $(qemus $u3) QEMUs of c6"
# garbage in the status and the pidfile: the monitor still answers
printf 'garbage\n' > "$root/run/qemu/c6.xml"
printf 'garbage\n' > "$root/run/qemu/c6.pid"
run start c6 && notok "start with garbage records succeeded" ||
    { grep -q "a QEMU of this guest answers on its monitor" "$root/err" &&
      ok "garbage status and pidfile: start refused (the monitor answers)" ||
      notok "refusal: $(cat "$root/err")"; }
[ "$(qemus $u3)" = 1 ] && ok "garbage status: still one QEMU of c6" ||
    notok "garbage status: $(qemus $u3) QEMUs of c6"
run destroy c6 && [ "$(qemus $u3)" = 0 ] && ok "destroy stops the QEMU without a status" ||
    notok "destroy c6: $(cat "$root/err"), $(qemus $u3) QEMUs"
[ -z "$(ls "$root/run/qemu" | grep '^c6\.')" ] && ok "its records are gone" ||
    notok "records left: $(ls "$root/run/qemu")"
run start --paused c6 && [ "$(qemus $u3)" = 1 ] && ok "c6 starts again" || notok "restart c6"
run destroy c6

# a status (and pidfile) that still parse but name a process that is gone
# while the guest's QEMU runs: the QEMU is found on its monitor
run start --paused c6 || notok "start c6 for a wrong pid"
sh -c 'exit 0' & gone=$!
wait $gone
qpid=$(head -n1 "$root/run/qemu/c6.pid")
sed -i "s/pid='$qpid'/pid='$gone'/" "$root/run/qemu/c6.xml"
sed -i "1s/.*/$gone/" "$root/run/qemu/c6.pid"
grep -q "pid='$gone'" "$root/run/qemu/c6.xml" && ! kill -0 "$gone" 2>/dev/null ||
    notok "status names the gone pid $gone"
run list --all
grep -Eq "^ - +c6 +shut off$" "$root/out" &&
    grep -q "its status named process $gone, which is gone, but a QEMU of this guest answers on its monitor" "$root/err" &&
    [ "$(qemus $u3)" = 1 ] && ok "a status naming a gone pid: QEMU left running, with a warning" ||
    notok "wrong pid: $(cat "$root/out" "$root/err"), $(qemus $u3) QEMUs"
run start c6 && notok "start over a wrong-pid status succeeded" ||
    { grep -q "a QEMU of this guest answers on its monitor" "$root/err" &&
      ok "a status naming a gone pid: start refused" || notok "wrong pid refusal: $(cat "$root/err")"; }
[ "$(qemus $u3)" = 1 ] && ok "a status naming a gone pid: still one QEMU of c6" ||
    notok "wrong pid: $(qemus $u3) QEMUs of c6"
run destroy c6 && [ "$(qemus $u3)" = 0 ] && ok "a status naming a gone pid: destroy stops the QEMU" ||
    notok "wrong pid destroy: $(cat "$root/err"), $(qemus $u3) QEMUs"

# 4. a planted definition with the UUID of a running guest
u4=6a1d0e10-0000-4000-8000-000000000004
mkdomain good $u4
mkdomain aa $u4
mkdomain zz $u4
run define "$root/good.xml" && run start --paused good || notok "start good"
gpid=$(head -n1 "$root/run/qemu/good.pid")
cp "$root/aa.xml" "$root/zz.xml" "$root/lib/qemu/domains/"
run list --all
grep -Eq "^ [0-9]+ +good +paused$" "$root/out" && ok "the running guest is listed" ||
    notok "list: $(cat "$root/out")"
! grep -Eq " (aa|zz) " "$root/out" && ok "the planted definitions are not" ||
    notok "planted listed: $(cat "$root/out")"
grep -q "ignoring domain config '$root/lib/qemu/domains/aa.xml': its UUID $u4 is the UUID of domain 'good' ('$root/lib/qemu/domains/good.xml')" "$root/err" &&
    grep -q "ignoring domain config '$root/lib/qemu/domains/zz.xml': its UUID $u4" "$root/err" &&
    ok "warnings name both files" || notok "warnings: $(cat "$root/err")"
run destroy aa; run destroy zz
[ "$(qemus $u4)" = 1 ] && [ "$(head -n1 "$root/run/qemu/good.pid")" = "$gpid" ] &&
    run domstate good && [ "$(cat "$root/out")" = paused ] &&
    ok "destroy of the planted names leaves the running guest alone" ||
    notok "the running guest: $(qemus $u4) QEMUs, state $(cat "$root/out")"
run destroy good && [ "$(qemus $u4)" = 0 ] || notok "destroy good"
# stopped, the first file by name keeps the UUID: the same in every process
run list --all --name
grep -qx aa "$root/out" && ! grep -qx good "$root/out" && ! grep -qx zz "$root/out" &&
    ok "without a running guest the first file by name keeps the UUID" ||
    notok "load order: $(cat "$root/out")"
rm -f "$root/lib/qemu/domains/aa.xml" "$root/lib/qemu/domains/zz.xml"

# 5. a status file without a start time is not trusted
u5=6a1d0e10-0000-4000-8000-000000000005
mkdomain old $u5
run define "$root/old.xml" && run start --paused old || notok "start old"
sed -i "s/ starttime='[0-9]*'//" "$root/run/qemu/old.xml"
sed -i '2d' "$root/run/qemu/old.pid"
grep -q "<domstatus state='paused'" "$root/run/qemu/old.xml" && ! grep -q starttime "$root/run/qemu/old.xml" ||
    notok "old-format status written"
run list --all
grep -Eq "^ - +old +shut off$" "$root/out" && grep -q "lacks the start time of its QEMU process" "$root/err" &&
    ok "old format: shut off, with a warning" || notok "old format: $(cat "$root/out" "$root/err")"
[ "$(qemus $u5)" = 1 ] && ok "old format: its QEMU was not signalled" || notok "old format QEMU killed"
run start old && notok "start over an old-format status succeeded" ||
    { grep -q "domain 'old' is already running" "$root/err" && ok "old format: start refused" ||
      notok "old format refusal: $(cat "$root/err")"; }
run destroy old && [ "$(qemus $u5)" = 0 ] && ok "old format: destroy stops it" ||
    notok "old format destroy: $(cat "$root/err")"

exit $fail
