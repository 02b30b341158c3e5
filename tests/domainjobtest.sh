#!/bin/sh
# Per-domain jobs with real QEMU (docs/hacking.rst "Threads and locks"):
#  1. a guest whose QEMU is stopped (SIGSTOP) blocks only work on that
#     guest: domstate (twice, in two processes at once) and dumpxml answer
#     within the bound, from the record or with a timeout error, while
#     define and start of another guest finish at once;
#  2. a change of the stopped guest waits for the job that talks to its
#     QEMU (another process) and, past job_wait_timeout, fails naming that
#     job (process, operation, since when);
#  3. two processes starting one guest at once: one starts it, the other
#     is refused as already running; one QEMU runs.
set -u
virsh=$1
root=$(mktemp -d /tmp/domainjobtest.XXXXXX)
uri="qemu:///embed?root=$root"
. "$(dirname "$0")/guest/testlib.sh"
stopped=
cleanup() {
    [ -n "$stopped" ] && kill -CONT "$stopped" 2>/dev/null
    for d in a b c; do "$virsh" -q -c "$uri" destroy "$d" >/dev/null 2>&1; done
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# elapsed CMD...: run CMD, print its exit status and seconds taken
elapsed() {
    s=$(date +%s)
    "$@" > "$root/out" 2> "$root/err"
    rc=$?
    echo "$rc $(( $(date +%s) - s ))"
}

# operations wait 3 s for another one on the same guest
mkdir -p "$root/etc" && echo "job_wait_timeout = 3" > "$root/etc/qemu.conf"
mkdomain a 6f0c1b52-0b1e-4c6e-9a55-0a0000000001
mkdomain b 6f0c1b52-0b1e-4c6e-9a55-0a0000000002
mkdomain c 6f0c1b52-0b1e-4c6e-9a55-0a0000000003
"$virsh" -q -c "$uri" define "$root/a.xml" >/dev/null &&
    "$virsh" -q -c "$uri" start a >/dev/null || { notok "start a"; exit 1; }
pid=$(head -n1 "$root/run/qemu/a.pid")
[ -n "$pid" ] && kill -0 "$pid" && ok "guest a runs (QEMU $pid)" || { notok "QEMU of a"; exit 1; }

# 1. QEMU of a stopped
kill -STOP "$pid" && stopped=$pid
# two queries in two processes at once, and a third one after them
"$virsh" -q -c "$uri" domstate a > "$root/q1" 2>&1 &
q1=$!
sleep 1
set -- $(elapsed "$virsh" -q -c "$uri" domstate a)
[ "$1" = 0 ] && grep -qx running "$root/out" && [ "$2" -le 3 ] &&
    ok "domstate while another one talks to the stopped QEMU: from the record at once ($2 s)" ||
    notok "second domstate: rc $1 in $2 s: $(cat "$root/out" "$root/err")"
set -- $(elapsed "$virsh" -q -c "$uri" dumpxml a)
[ "$1" = 0 ] && grep -q "<name>a</name>" "$root/out" && [ "$2" -le 3 ] &&
    ok "dumpxml meanwhile answers at once ($2 s)" ||
    notok "dumpxml: rc $1 in $2 s: $(cat "$root/err")"
set -- $(elapsed "$virsh" -q -c "$uri" define "$root/b.xml")
[ "$1" = 0 ] && [ "$2" -le 3 ] && ok "define of another guest is not blocked ($2 s)" ||
    notok "define b: rc $1 in $2 s: $(cat "$root/err")"
set -- $(elapsed "$virsh" -q -c "$uri" start b)
[ "$1" = 0 ] && [ "$2" -le 10 ] && ok "start of another guest is not blocked ($2 s)" ||
    notok "start b: rc $1 in $2 s: $(cat "$root/err")"
s=$(date +%s)
wait $q1
rc=$?
t=$(( $(date +%s) - s ))
[ "$rc" = 0 ] && grep -qx running "$root/q1" &&
    ok "the domstate that talked to the stopped QEMU answered from the record" ||
    notok "first domstate: rc $rc: $(cat "$root/q1")"

# 2. a change of the stopped guest waits for the job that talks to its
#    QEMU, up to job_wait_timeout, and then names it
"$virsh" -q -c "$uri" domstate a > /dev/null 2>&1 &
q2=$!
sleep 1
set -- $(elapsed "$virsh" -q -c "$uri" suspend a)
[ "$1" != 0 ] && [ "$2" -ge 2 ] && [ "$2" -le 6 ] &&
    ok "suspend of the guest in another process's job fails after the bound ($2 s)" ||
    notok "suspend a: rc $1 in $2 s: $(cat "$root/out" "$root/err")"
grep -Eq "Timed out during operation: cannot acquire state change lock \(held by another process: pid=[0-9]+ op=virDomainGetState since=[0-9T:-]+Z\) on domain 'a'" "$root/err" &&
    ok "the error names the holder: $(grep -o "cannot acquire.*" "$root/err")" ||
    notok "suspend error: $(cat "$root/err")"
kill -CONT "$pid" && stopped=
set -- $(elapsed "$virsh" -q -c "$uri" domstate a)
[ "$1" = 0 ] && grep -qx running "$root/out" && ok "continued: domstate a running" ||
    notok "domstate after SIGCONT: $(cat "$root/out" "$root/err")"

# 3. two processes start one guest at once
"$virsh" -q -c "$uri" define "$root/c.xml" >/dev/null || notok "define c"
"$virsh" -q -c "$uri" start c > "$root/s1" 2>&1 &
s1=$!
"$virsh" -q -c "$uri" start c > "$root/s2" 2>&1 &
s2=$!
wait $s1; r1=$?
wait $s2; r2=$?
printf '%s\n' 6f0c1b52-0b1e-4c6e-9a55-0a0000000003 > "$root/pattern"
n=$(grep -lzxF -f "$root/pattern" /proc/[0-9]*/cmdline 2>/dev/null | wc -l)
if [ $((r1 + r2)) -ne 0 ] && { [ "$r1" = 0 ] || [ "$r2" = 0 ]; } && [ "$n" = 1 ]; then
    ok "two starts of one guest: one started it, the other: $(cat "$root/s1" "$root/s2" | grep -v "^error: Failed" | grep -i error | head -n1)"
else
    notok "two starts: rc $r1 and $r2, $n QEMUs: $(cat "$root/s1" "$root/s2")"
fi
exit $fail
