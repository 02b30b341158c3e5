#!/bin/sh
# virsh net-* commands against a temporary embedded root whose sysfs_root
# is a simulated SR-IOV host (virt-sriov-sim --sysfs-only: command lines
# keep vfio-pci): PF pf0 with 4 VFs 0000:03:07.1-4, PF pfbare without VFs.
set -u
virsh=$1
srcdir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
uri="qemu:///embed?root=$root"
fail=0

if ! "$(dirname "$virsh")/virt-sriov-sim" --root "$root" --sysfs-only \
        --pf pf0 --vfs 4 --pf pfbare --vfs 0 --totalvfs 8 >"$tmp/sim" 2>&1; then
    echo "not ok - virt-sriov-sim"; cat "$tmp/sim"
    exit 1
fi

cat > "$tmp/pool.xml" <<'XML'
<network>
  <name>vfpool</name>
  <uuid>4f509714-0cb7-4825-8209-cb960ac5b566</uuid>
  <forward mode='hostdev' managed='yes'>
    <pf dev='pf0'/>
  </forward>
</network>
XML
cat > "$tmp/bare.xml" <<'XML'
<network>
  <name>bare</name>
  <forward mode='hostdev'>
    <pf dev='pfbare'/>
  </forward>
</network>
XML
cat > "$tmp/twopf.xml" <<'XML'
<network>
  <name>twopf</name>
  <forward mode='hostdev'>
    <pf dev='a'/>
    <pf dev='b'/>
  </forward>
</network>
XML

# two failover pairs whose primaries come from the pool
cat > "$tmp/dom.xml" <<'XML'
<domain type='qemu'>
  <name>pooled</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <interface type='user'>
      <mac address='52:54:00:00:00:01'/><model type='virtio'/>
      <teaming type='persistent'/><alias name='ua-sb0'/>
    </interface>
    <interface type='network'>
      <source network='vfpool'/><teaming type='transient' persistent='ua-sb0'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:00:00:02'/><model type='virtio'/>
      <teaming type='persistent'/><alias name='ua-sb1'/>
    </interface>
    <interface type='network'>
      <source network='vfpool'/><teaming type='transient' persistent='ua-sb1'/>
    </interface>
  </devices>
</domain>
XML

check() {  # check NAME EXPECTED-RC EXPECTED-STDOUT-REGEX EXPECTED-STDERR-REGEX -- ARGS
    name=$1 rc=$2 out=$3 err=$4; shift 5
    "$virsh" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$rc" ] ||
       { [ -n "$out" ] && ! grep -Eq -- "$out" "$tmp/out"; } ||
       { [ -n "$err" ] && ! grep -Eq -- "$err" "$tmp/err"; }; then
        echo "not ok - $name (rc $got)"; echo "  stdout: $(cat "$tmp/out")"; echo "  stderr: $(cat "$tmp/err")"
        fail=1
    else
        echo "ok - $name"
    fi
}

# whole output of a command, compared exactly
check_exact() {  # check_exact NAME EXPECTED-FILE -- ARGS
    name=$1 expected=$2; shift 3
    if "$virsh" "$@" >"$tmp/out" 2>"$tmp/err" && cmp -s "$expected" "$tmp/out"; then
        echo "ok - $name"
    else
        echo "not ok - $name"; diff -u "$expected" "$tmp/out" | sed 's/^/  /'; cat "$tmp/err"
        fail=1
    fi
}

check_empty() {  # check_empty NAME -- ARGS: succeeds and prints nothing
    name=$1; shift 2
    if "$virsh" "$@" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/out" ]; then
        echo "ok - $name"
    else
        echo "not ok - $name"; echo "  stdout: $(cat "$tmp/out")"; echo "  stderr: $(cat "$tmp/err")"
        fail=1
    fi
}

c="-c $uri"
check "net-define" 0 "^Network vfpool defined from $tmp/pool.xml$" '' -- $c net-define "$tmp/pool.xml"
check "net-define --validate" 0 "^Network vfpool defined from " '' -- $c net-define --validate "$tmp/pool.xml"
check "net-define two pf" 1 '' "more than one <pf>" -- $c net-define "$tmp/twopf.xml"
check "net-list (active only)" 0 '^ Name   State   Autostart   Persistent$' '' -- $c net-list
check "net-list --all" 0 '^ vfpool   inactive   no          yes$' '' -- $c net-list --all
check "net-start" 0 '^Network vfpool started$' '' -- $c net-start vfpool
check "net-start again" 1 '' "already active" -- $c net-start vfpool
check_exact "net-dumpxml (live)" "$srcdir/tests/networkdriverdata/virsh-live.xml" -- -q $c net-dumpxml vfpool
check_exact "net-dumpxml --inactive" "$srcdir/tests/networkdriverdata/virsh-inactive.xml" -- -q $c net-dumpxml --inactive vfpool
check_exact "net-list --all table" "$srcdir/tests/networkdriverdata/virsh-list.txt" -- $c net-list --all
check "net-uuid" 0 '^4f509714-0cb7-4825-8209-cb960ac5b566$' '' -- $c net-uuid vfpool
check "net-name" 0 '^vfpool$' '' -- $c net-name 4f509714-0cb7-4825-8209-cb960ac5b566
check "net-autostart" 0 '^Network vfpool marked as autostarted$' '' -- $c net-autostart vfpool
check "net-list --autostart --name" 0 '^vfpool$' '' -- $c net-list --autostart --name
check "net-autostart --disable" 0 '^Network vfpool unmarked as autostarted$' '' -- $c net-autostart --disable vfpool
check "net-list --no-autostart --uuid" 0 '^4f509714-0cb7-4825-8209-cb960ac5b566$' '' -- $c net-list --no-autostart --uuid
check "net-info" 0 '^Active:         yes$' '' -- $c net-info vfpool
check "unknown network" 1 '' "^error: failed to get network 'nosuch'$" -- $c net-dumpxml nosuch
check "unknown network reason" 1 '' "^error: Network not found: no network with matching name 'nosuch'$" -- $c net-start nosuch
# domxml-to-native shows the VFs a start would take, and takes none
check "domxml-to-native: first pool VF" 0 '"driver":"vfio-pci","host":"0000:03:07.[1-4]","id":"hostdev0","failover_pair_id":"ua-sb0"' '' -- $c domxml-to-native qemu-argv "$tmp/dom.xml"
check "domxml-to-native: second pool VF" 0 '"host":"0000:03:07.[1-4]","id":"hostdev1","failover_pair_id":"ua-sb1"' '' -- $c domxml-to-native qemu-argv "$tmp/dom.xml"
vfs=$(grep -Eo '"host":"0000:03:07.[1-4]"' "$tmp/out" | sort -u | wc -l)
first=$(grep -Eo '"host":"0000:03:07.[1-4]","id":"hostdev0"' "$tmp/out" | head -1 | grep -Eo '07.[1-4]' | cut -c4)
[ "$vfs" = 2 ] && echo "ok - domxml-to-native: two different VFs" || { echo "not ok - domxml-to-native: $vfs VFs"; fail=1; }
check "domxml-to-native takes no VF" 0 "^<network>$" '' -- $c net-dumpxml vfpool

# the NIC model of interfaces without <model>, decided at define as
# libvirt 9.0 does (its dumpxml --inactive of the same XML): rtl8139 (on
# q35 behind a pcie-to-pci-bridge) unless the interface is a VF: hostdev,
# or a network that is an SR-IOV pool when the domain is defined
cat > "$tmp/brnet.xml" <<'XML'
<network>
  <name>brnet</name>
  <forward mode='bridge'/>
  <bridge name='br0'/>
</network>
XML
cat > "$tmp/nics.xml" <<'XML'
<domain type='qemu'>
  <name>nics</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <interface type='user'><mac address='52:54:00:00:01:01'/></interface>
    <interface type='network'><mac address='52:54:00:00:01:02'/><source network='vfpool'/></interface>
    <interface type='network'><mac address='52:54:00:00:01:03'/><source network='brnet'/></interface>
    <interface type='network'><mac address='52:54:00:00:01:04'/><source network='nosuch'/></interface>
    <interface type='hostdev' managed='yes'><mac address='52:54:00:00:01:05'/>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x2'/></source></interface>
    <interface type='user'><mac address='52:54:00:00:01:06'/><model type='e1000e'/></interface>
  </devices>
</domain>
XML
cat > "$tmp/nics-expected.txt" <<'TXT'
52:54:00:00:01:01 rtl8139 0x02:0x01
52:54:00:00:01:02 none 0x03:0x00
52:54:00:00:01:03 rtl8139 0x02:0x02
52:54:00:00:01:04 rtl8139 0x02:0x03
52:54:00:00:01:05 none 0x06:0x00
52:54:00:00:01:06 e1000e 0x04:0x00
TXT
check "net-define bridge network" 0 '' '' -- $c net-define "$tmp/brnet.xml"
check "define without NIC models" 0 '' '' -- $c define "$tmp/nics.xml"
"$virsh" $c dumpxml --inactive nics >"$tmp/nics-out.xml" 2>"$tmp/err"
# one line per interface: MAC, model (or none), PCI bus:slot
sed -n "/<interface /,/<\/interface>/{
    s/.*<mac address='\([^']*\)'.*/M \1/p
    s/.*<model type='\([^']*\)'.*/T \1/p
    s/.*<address type='pci' domain='[^']*' bus='\([^']*\)' slot='\([^']*\)'.*/A \1:\2/p
    s/.*<\/interface>.*/E/p
}" "$tmp/nics-out.xml" |
    awk '$1 == "M" { mac = $2; model = "none" } $1 == "T" { model = $2 }
         $1 == "A" { addr = $2 } $1 == "E" { print mac, model, addr }' >"$tmp/nics-got.txt"
if cmp -s "$tmp/nics-expected.txt" "$tmp/nics-got.txt" &&
   grep -q "model='pcie-to-pci-bridge'" "$tmp/nics-out.xml"; then
    echo "ok - default NIC models and their addresses"
else
    echo "not ok - default NIC models and their addresses"
    diff -u "$tmp/nics-expected.txt" "$tmp/nics-got.txt" | sed 's/^/  /'; cat "$tmp/err"
    fail=1
fi
check "undefine nics" 0 '' '' -- $c undefine nics
check "net-undefine bridge network" 0 '' '' -- $c net-undefine brnet
# a domain that also passes the VF the pool would give it as a fixed
# <hostdev>: the start is refused before anything is changed on the VF
cat > "$tmp/dup.xml" <<XML
<domain type='qemu'>
  <name>pooled</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <interface type='user'>
      <mac address='52:54:00:00:00:01'/><model type='virtio'/>
      <teaming type='persistent'/><alias name='ua-sb0'/>
    </interface>
    <interface type='network'>
      <source network='vfpool'/><teaming type='transient' persistent='ua-sb0'/>
    </interface>
    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0x0000' bus='0x03' slot='0x07' function='0x$first'/></source>
    </hostdev>
  </devices>
</domain>
XML
check "define with a fixed VF of the pool" 0 '' '' -- $c define "$tmp/dup.xml"
check "pool VF already fixed in the domain" 1 '' "host PCI device 0000:03:07.$first is assigned twice" -- $c start pooled
check "refused start takes no VF" 0 "^<network>$" '' -- $c net-dumpxml vfpool
check "undefine" 0 '' '' -- $c undefine pooled
check "PF without VFs" 1 '' "network 'bare': physical function 'pfbare' has no VFs" -- $c net-create "$tmp/bare.xml"
check "net-destroy" 0 '^Network vfpool destroyed$' '' -- $c net-destroy vfpool
check "net-destroy inactive" 1 '' "^error: Requested operation is not valid: network 'vfpool' is not active$" -- $c net-destroy vfpool
check_empty "quiet" -- -q $c net-start vfpool
check "net-undefine active" 0 '^Network vfpool has been undefined$' '' -- $c net-undefine vfpool
check "transient after undefine" 0 '^ vfpool   active   no          no$' '' -- $c net-list --transient
check "net-destroy transient" 0 '^Network vfpool destroyed$' '' -- $c net-destroy vfpool
printf ' Name   State   Autostart   Persistent\n----------------------------------------\n\n' > "$tmp/empty-list.txt"
check_exact "gone" "$tmp/empty-list.txt" -- $c net-list --all
# names with control characters are refused, libvirt's code and wording
# (issue 13); a given all-zero or all-ff UUID is kept, so defining the
# same file twice redefines the network
mknet() {  # mknet NAME [UUID]
    printf "<network>\n  <name>%s</name>\n" "$1"
    [ -n "${2:-}" ] && printf "  <uuid>%s</uuid>\n" "$2"
    printf "  <bridge name='virbr7'/>\n</network>\n"
}
mknet "$(printf 'n\nx')" > "$tmp/nl.xml"
mknet n > "$tmp/plain.xml"
check "net-define plain twin" 0 "^Network n defined from " '' -- $c net-define "$tmp/plain.xml"
check "net-define newline name" 1 '' "^error: invalid char in name: control character 0x0a in 'n\\\\x0ax'" -- $c net-define "$tmp/nl.xml"
check "net-undefine plain twin" 0 '' '' -- $c net-undefine n
for u in 00000000-0000-0000-0000-000000000000 ffffffff-ffff-ffff-ffff-ffffffffffff; do
    mknet "u${u%%-*}" "$u" > "$tmp/u.xml"
    check "net-define uuid $u" 0 "^Network u${u%%-*} defined from " '' -- $c net-define "$tmp/u.xml"
    check "net uuid $u kept" 0 "^$u\$" '' -- $c net-uuid "u${u%%-*}"
    check "net-define uuid $u again" 0 "^Network u${u%%-*} defined from " '' -- $c net-define "$tmp/u.xml"
    check "net-undefine uuid $u" 0 '' '' -- $c net-undefine "u${u%%-*}"
done
check_exact "none left" "$tmp/empty-list.txt" -- $c net-list --all
exit $fail
