#!/bin/sh
# The host UUID a virtqemud names its host with (virsh capabilities
# <host><uuid>, the <hostuuid> of migration cookies), from virtqemud.conf
# as libvirtd takes it: host_uuid, else host_uuid_source = "smbios" (the
# firmware's, under qemu.conf sysfs_root; the default) or "machine-id"
# (ROOT/etc/machine-id for a --root daemon). Seen by Debian's virsh over
# the daemon's UNIX socket. A bad value stops the daemon with an error
# naming the key and the value.
# usage: daemonhostuuidtest.sh VIRTQEMUD
set -u
virtqemud=$1
. "$(dirname "$0")/guest/testlib.sh"
need_debian_virsh

base=$(mktemp -d /tmp/hostuuid.XXXXXX)
dpid=
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    rm -rf "$base"
}
trap cleanup EXIT

smbios=4c4c4544-0031-3510-8052-b4c04f4e3732
given=0a1b2c3d-4e5f-4a1b-8c9d-0e1f2a3b4c5d
machineid=9f0b3c1d2e4a4b5c8d6e7f8091a2b3c4

# mkroot NAME CONF-LINES: a root whose firmware UUID is $smbios, with
# virtqemud.conf holding CONF-LINES
mkroot() {
    _r=$base/$1
    mkdir -p "$_r/etc" "$_r/sys/devices/virtual/dmi/id"
    echo "$smbios" > "$_r/sys/devices/virtual/dmi/id/product_uuid"
    printf 'sysfs_root = "%s"\n' "$_r/sys" > "$_r/etc/qemu.conf"
    printf '%s\n' "$2" > "$_r/etc/virtqemud.conf"
}

# hostuuid NAME: the <uuid> of the host in the capabilities of the
# daemon of root NAME, as Debian's virsh gets them
hostuuid() {
    "$dvirsh" -c "qemu+unix:///system?socket=$base/$1/run/virtqemud-sock" capabilities \
        >"$base/caps" 2>&1 || { sed 's/^/#   /' "$base/caps"; return 1; }
    sed -n '/<host>/,/<\/host>/s|^ *<uuid>\(.*\)</uuid>$|\1|p' "$base/caps"
}

# served NAME EXPECTED TITLE: the daemon of root NAME says EXPECTED
served() {
    if daemon_start "$virtqemud" "$base/$1" "$dvirsh"; then
        _got=$(hostuuid "$1")
        [ "$_got" = "$2" ] && ok "$3: $2" || notok "$3: '$_got', expected $2"
        kill "$dpid" && wait "$dpid" 2>/dev/null
    else
        notok "$3: the daemon did not start"
    fi
    dpid=
}

# refused NAME NEEDLE TITLE: the daemon of root NAME exits non-zero and
# says NEEDLE
refused() {
    if timeout 20 "$virtqemud" --root "$base/$1" >"$base/$1.out" 2>&1; then
        notok "$3: the daemon ran"
    elif grep -qF -- "$2" "$base/$1.out"; then
        ok "$3: refused ($2)"
    else
        notok "$3: no '$2'"; sed 's/^/#   /' "$base/$1.out"
    fi
}

echo "1..6"
mkroot default ""
served default "$smbios" "no setting: the firmware's UUID under sysfs_root"
mkroot given "host_uuid = \"$given\""
served given "$given" "host_uuid, over the firmware's"
mkroot machine "host_uuid_source = \"machine-id\""
echo "$machineid" > "$base/machine/etc/machine-id"
served machine 9f0b3c1d-2e4a-4b5c-8d6e-7f8091a2b3c4 "host_uuid_source = \"machine-id\": ROOT/etc/machine-id"
mkroot same 'host_uuid = "11111111-1111-1111-1111-111111111111"'
refused same "host_uuid = \"11111111-1111-1111-1111-111111111111\" is not a valid UUID" \
    "a host_uuid of 16 equal bytes"
mkroot nomachine "host_uuid_source = \"machine-id\""
refused nomachine "host_uuid_source = \"machine-id\": cannot read '$base/nomachine/etc/machine-id'" \
    "machine-id without the file"
mkroot badsource "host_uuid_source = \"dmi\""
refused badsource "host_uuid_source = \"dmi\" is not supported" "an unknown host_uuid_source"
exit $fail
