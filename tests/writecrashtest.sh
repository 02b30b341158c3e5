#!/bin/sh
# A write of a whole file killed half-way leaves its temporary file, whose
# name carries the writer's identity (NAME.tmp.PID.START.XXXXXX); the next
# process that opens the root removes it once the writer is gone, and
# never the temporary file of a live writer. The kill is deterministic: a
# file size limit makes the kernel kill virsh (SIGXFSZ) when its write
# passes the limit, below the size of the definition written.
set -u
virsh=$1
rootcheck=$2
root=$(mktemp -d /tmp/writecrash.XXXXXX)
uri="qemu:///embed?root=$root"
sleeper=
fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }
cleanup() {
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too
run() {  # run ARGS...: virsh, stdout in $root/out, stderr in $root/err
    "$virsh" -q -c "$uri" "$@" >"$root/out" 2>"$root/err"
}
# temps DIR: the files in DIR other than w0.xml (whatever their name)
temps() {
    ls "$1" | grep -vx 'w0\.xml'
}
mkdomain() {
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
}
dir=$root/lib/qemu/domains

# a first definition: the capabilities are cached, the root exists
mkdomain w0
run define "$root/w0.xml" && [ -s "$dir/w0.xml" ] && [ -z "$(temps "$dir")" ] &&
    ok "w0 defined, no temporary file" || notok "define w0: $(cat "$root/err")"

# 1. define killed while it writes the definition
mkdomain w1
prlimit --fsize=200 "$virsh" -q -c "$uri" define "$root/w1.xml" >/dev/null 2>&1
rc=$?
left=$(temps "$dir")
[ $rc = 153 ] && [ -n "$left" ] && [ ! -e "$dir/w1.xml" ] &&
    ok "define killed by SIGXFSZ while writing: $left left" ||
    notok "define w1 under a size limit: rc $rc, left '$left'"
"$rootcheck" -q "$root" > "$root/check" 2>&1
grep -q "$left: temporary file of an interrupted write" "$root/check" &&
    ok "virt-root-check names the temporary file" || notok "virt-root-check: $(cat "$root/check")"
run list --all && grep -Eq "^ -  +w0 +shut off$" "$root/out" && [ -n "$left" ] &&
    [ -z "$(temps "$dir")" ] &&
    ok "the next open removes it" || notok "after list: $(ls "$dir") $(cat "$root/err")"
"$rootcheck" -q "$root" > "$root/check" 2>&1 && ok "virt-root-check passes" ||
    notok "virt-root-check: $(cat "$root/check")"

# 2. the temporary file of a live writer stays; once it is gone, not
sleep 60 &
sleeper=$!
start=$(sed 's/.*) //' "/proc/$sleeper/stat" | cut -d' ' -f20)
live="w2.xml.tmp.$sleeper.$start.Ab12Cd"
echo "<domain" > "$dir/$live"
run list --all && [ -e "$dir/$live" ] && "$rootcheck" -q "$root" >/dev/null 2>&1 &&
    ok "a live writer's temporary file stays, virt-root-check passes" ||
    notok "live writer's file: $(ls "$dir"; cat "$root/err")"
kill $sleeper
wait $sleeper 2>/dev/null
sleeper=
run list --all && [ ! -e "$dir/$live" ] &&
    ok "removed once its writer is gone" || notok "dead writer's file: $(ls "$dir")"
# pid reuse: a live process with another start time is not the writer
other="w2.xml.tmp.$$.1.Ab12Cd"
echo "<domain" > "$dir/$other"
run list --all && [ ! -e "$dir/$other" ] &&
    ok "a live pid with another start time is not the writer: removed" ||
    notok "pid reuse: $(ls "$dir")"

exit $fail
