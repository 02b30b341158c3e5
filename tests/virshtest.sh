#!/bin/sh
# virsh: options, errors and the domain commands against a temporary
# embedded root (no QEMU is started).
set -u
virsh=$1
example=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
uri="qemu:///embed?root=$root"
# the default URI's root lives under XDG_DATA_HOME; a short one keeps
# its sockets within a socket address wherever the build tree is
XDG_DATA_HOME=$root/home
export XDG_DATA_HOME
fail=0

check() {  # check NAME EXPECTED-RC EXPECTED-STDOUT-REGEX EXPECTED-STDERR-REGEX -- ARGS
    name=$1 rc=$2 out=$3 err=$4; shift 5
    "$virsh" "$@" >"$root/out" 2>"$root/err"
    got=$?
    if [ "$got" != "$rc" ] ||
       { [ -n "$out" ] && ! grep -Eq -- "$out" "$root/out"; } ||
       { [ -n "$err" ] && ! grep -Eq -- "$err" "$root/err"; }; then
        echo "not ok - $name (rc $got)"; echo "  stdout: $(cat "$root/out")"; echo "  stderr: $(cat "$root/err")"
        fail=1
    else
        echo "ok - $name"
    fi
}

check "unknown command" 1 '' "^error: unknown command: 'frobnicate'$" -- -c "$uri" frobnicate
check "missing argument" 1 '' "^error: command 'define' requires <file> option$" -- -c "$uri" define
check "unknown option" 1 '' "^error: command 'list' doesn't support option --bogus$" -- -c "$uri" list --bogus
check "bad uri" 1 '' "^error: failed to connect to the hypervisor$" -- -c "qemu:///bogus" list
check "no daemon" 1 '' "^error: Failed to connect socket to '/nonexistent/sock': No such file or directory$" -- -c "qemu+unix:///system?socket=/nonexistent/sock" list
# like libvirt's virsh: the connection fails before the command, so no
# blank line follows
if [ -s "$root/out" ]; then
    echo "not ok - no daemon: stdout has $(od -An -c "$root/out")"; fail=1
else
    echo "ok - no daemon: nothing on stdout"
fi
check "relative root" 1 '' "must be an absolute path" -- -c "qemu:///embed?root=relative" list
check "missing file" 1 '' "^error: Failed to open file '/nonexistent.xml': No such file or directory$" -- -c "$uri" define /nonexistent.xml
check "define" 0 "^Domain 'team-valid' defined from " '' -- -c "$uri" define "$example"
check "define --validate" 0 "^Domain 'team-valid' defined from " '' -- -c "$uri" define --validate "$example"
check "list --all" 0 '^ -    team-valid   shut off$' '' -- -c "$uri" list --all
check "list header" 0 '^ Id   Name         State$' '' -- -c "$uri" list --all
check "list running" 0 '^--------------------$' '' -- -c "$uri" list
check "list --name" 0 '^team-valid$' '' -- -c "$uri" list --all --name
check "domuuid" 0 '^6f1c3a6e-1d2b-4c5e-9a7b-000000000001$' '' -- -c "$uri" domuuid team-valid
check "domname by uuid" 0 '^team-valid$' '' -- -c "$uri" domname 6f1c3a6e-1d2b-4c5e-9a7b-000000000001
check "domid inactive" 0 '^-$' '' -- -c "$uri" domid team-valid
check "domstate" 0 '^shut off$' '' -- -c "$uri" domstate team-valid
check "dumpxml --inactive" 0 "<teaming type='transient' persistent='ua-backup0'/>" '' -- -c "$uri" dumpxml --inactive team-valid
check "dumpxml: QEMU's default CPU, as libvirt records it" 0 "^    <model fallback='forbid'>qemu64</model>$" '' -- -c "$uri" dumpxml --inactive team-valid
check "dumpxml addresses" 0 "<controller type='pci' index='5' model='pcie-root-port'>" '' -- -c "$uri" dumpxml team-valid
check "dominfo" 0 '^Persistent:     yes$' '' -- -c "$uri" dominfo team-valid
# like libvirt's virsh: a blank line after the XML, none with --quiet
"$virsh" -c "$uri" dumpxml team-valid | tail -c 11 | od -An -c | tr -d ' ' >"$root/tail"
"$virsh" -q -c "$uri" dumpxml team-valid | tail -c 10 | od -An -c | tr -d ' ' >>"$root/tail"
if [ "$(cat "$root/tail")" = '</domain>\n\n
</domain>\n' ]; then
    echo "ok - dumpxml ends like libvirt's"
else
    printf "not ok - dumpxml ends with: %s\n" "$(cat "$root/tail")"; fail=1
fi
check "unknown domain" 1 '' "^error: failed to get domain 'nosuch'$" -- -c "$uri" dumpxml nosuch
check "quiet define" 0 '' '' -- -q -c "$uri" define "$example"
# like libvirt's virsh, --quiet drops the confirmation lines
if [ -s "$root/out" ]; then
    echo "not ok - quiet define printed: $(cat "$root/out")"; fail=1
else
    echo "ok - quiet define prints nothing"
fi
# the persistent primary has no alias: the refusal names its host device
cat > "$root/standby.xml" <<'XML'
<interface type='user'>
  <mac address='52:54:00:aa:bb:cc'/>
  <model type='virtio'/>
  <teaming type='persistent'/>
  <alias name='ua-backup0'/>
</interface>
XML
check "standby with its primary stays" 1 '' "^error: .*standby 'ua-backup0' still has its primary \(host device 0000:03:07.1\) attached: detach the primary first" -- -c "$uri" detach-device --config team-valid "$root/standby.xml"
check "standby still defined" 0 "<teaming type='persistent'/>" '' -- -c "$uri" dumpxml --inactive team-valid
# migration tuning of a domain that does not run: the speed is
# remembered (by the root: another process reads it), the rest needs QEMU
check "migrate-getspeed: unlimited, as libvirt" 0 '^8796093022207$' '' -- -c "$uri" migrate-getspeed team-valid
check "migrate-setspeed, not running" 0 '' '' -- -c "$uri" migrate-setspeed team-valid 100
check "migrate-getspeed: remembered" 0 '^100$' '' -- -c "$uri" migrate-getspeed team-valid
check "migrate-setspeed: -1 is the largest" 1 '' "^error: numerical overflow: bandwidth 18446744073709551615 MiB/s for domain 'team-valid' is too large: it must be less than 8796093022208$" -- -c "$uri" migrate-setspeed team-valid -1
check "migrate-setspeed: the largest" 0 '' '' -- -c "$uri" migrate-setspeed team-valid 8796093022207
check "migrate-getspeed: the largest" 0 '^8796093022207$' '' -- -c "$uri" migrate-getspeed team-valid
# (the largest is also the default: a speed of its own to forget)
check "migrate-setspeed: one to forget" 0 '' '' -- -c "$uri" migrate-setspeed team-valid 100
check "migrate-setspeed: not a number" 1 '' "^error: Numeric value 'abc' for <bandwidth> option is malformed or out of range$" -- -c "$uri" migrate-setspeed team-valid abc
check "migrate-getspeed --postcopy: not running" 1 '' "^error: Requested operation is not valid: domain 'team-valid' is not running$" -- -c "$uri" migrate-getspeed team-valid --postcopy
check "migrate-setspeed --postcopy: not running" 1 '' "^error: Requested operation is not valid: domain 'team-valid' is not running$" -- -c "$uri" migrate-setspeed team-valid 10 --postcopy
# a failed migration's error is printed once, as by libvirt's virsh
check "migrate: not running" 1 '' "^error: Requested operation is not valid: domain 'team-valid' is not running$" -- -c "$uri" migrate --live team-valid "qemu:///embed?root=$root/B"
if [ "$(wc -l < "$root/err")" = 1 ]; then
    echo "ok - migrate: one error line"
else
    echo "not ok - migrate: $(wc -l < "$root/err") error lines: $(cat "$root/err")"; fail=1
fi
check "migrate-setmaxdowntime: not running" 1 '' "^error: Requested operation is not valid: domain 'team-valid' is not running$" -- -c "$uri" migrate-setmaxdowntime team-valid 400
check "migrate-getmaxdowntime: not running" 1 '' "^error: Requested operation is not valid: domain 'team-valid' is not running$" -- -c "$uri" migrate-getmaxdowntime team-valid
check "migrate-setmaxdowntime: 0" 1 '' "^error: migrate: Invalid downtime$" -- -c "$uri" migrate-setmaxdowntime team-valid 0
check "migrate-setmaxdowntime: negative" 1 '' "^error: Numeric value '-1' for <downtime> option is malformed or out of range$" -- -c "$uri" migrate-setmaxdowntime team-valid -1
check "migrate-setmaxdowntime: too long" 1 '' "^error: invalid argument: downtime 2000001 ms for domain 'team-valid' is out of range: QEMU takes at most 2000000 ms$" -- -c "$uri" migrate-setmaxdowntime team-valid 2000001
check "undefine" 0 "^Domain 'team-valid' has been undefined$" '' -- -c "$uri" undefine team-valid
check "define again" 0 "^Domain 'team-valid' defined from " '' -- -c "$uri" define "$example"
check "migrate-getspeed: forgotten with the definition" 0 '^8796093022207$' '' -- -c "$uri" migrate-getspeed team-valid
check "undefine once more" 0 "^Domain 'team-valid' has been undefined$" '' -- -c "$uri" undefine team-valid
check "undefine again" 1 '' "^error: failed to get domain 'team-valid'$" -- -c "$uri" undefine team-valid
check "survives the process" 0 '' '' -- -c "$uri" list --all
check "default uri" 0 '^ Id   Name   State$' '' -- list
badroot=$root/badconf
mkdir -p "$badroot/etc"
printf 'migration_stall_timeout = 0\n' > "$badroot/etc/qemu.conf"
check "qemu.conf: timeout out of range" 1 '' "migration_stall_timeout must be from 1 to 3600 seconds" -- \
    -c "qemu:///embed?root=$badroot" list
printf 'keepalive_interval = 0\n' > "$badroot/etc/qemu.conf"
check "qemu.conf: keepalive_interval out of range" 1 '' \
    "keepalive_interval must be -1 .no keepalive. or from 1 to 3600 seconds" -- \
    -c "qemu:///embed?root=$badroot" list
printf 'keepalive_count = 101\n' > "$badroot/etc/qemu.conf"
check "qemu.conf: keepalive_count out of range" 1 '' "keepalive_count must be from 0 to 100" -- \
    -c "qemu:///embed?root=$badroot" list
# names with control characters are refused with libvirt's code and
# wording (issue 13); the same domain with a plain name is accepted
mkdom() {  # mkdom NAME [UUID]: a minimal domain, printed
    printf "<domain type='qemu'>\n  <name>%s</name>\n" "$1"
    [ -n "${2:-}" ] && printf "  <uuid>%s</uuid>\n" "$2"
    printf "  <memory>131072</memory>\n  <os><type>hvm</type></os>\n</domain>\n"
}
mkdom nl > "$root/plain.xml"
mkdom "$(printf 'nl\nx')" > "$root/nl.xml"
check "plain twin of the newline name" 0 "^Domain 'nl' defined from " '' -- -c "$uri" define "$root/plain.xml"
check "newline in a name" 1 '' "^error: invalid char in name: control character 0x0a in 'nl\\\\x0ax'" -- -c "$uri" define "$root/nl.xml"
check "nothing defined for it" 0 '^nl$' '' -- -c "$uri" list --all --name
if [ "$(grep -c . "$root/out")" = 1 ]; then echo "ok - only 'nl' listed"; else echo "not ok - list: $(cat "$root/out")"; fail=1; fi
check "undefine plain twin" 0 '' '' -- -c "$uri" undefine nl
# a given UUID is kept even when it is all zeros or all ff: defining the
# same file twice is a redefinition, as for any other UUID
for u in 00000000-0000-0000-0000-000000000000 ffffffff-ffff-ffff-ffff-ffffffffffff; do
    mkdom "u${u%%-*}" "$u" > "$root/u.xml"
    check "define uuid $u" 0 "^Domain 'u${u%%-*}' defined from " '' -- -c "$uri" define "$root/u.xml"
    check "uuid $u kept" 0 "^$u\$" '' -- -c "$uri" domuuid "u${u%%-*}"
    check "define uuid $u again" 0 "^Domain 'u${u%%-*}' defined from " '' -- -c "$uri" define "$root/u.xml"
    check "lookup by uuid $u" 0 "^u${u%%-*}\$" '' -- -c "$uri" domname "$u"
done
exit $fail
