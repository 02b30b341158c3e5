#!/bin/sh
# The main demo: a guest with a virtio-net standby and an SR-IOV VF primary
# (simulated host: the VF is an emulated e1000e) bonded by net_failover,
# run by the embedded driver. Prints the domain XML and the guest's view of
# its failover bond.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
virsh=$build/tools/virsh
root=$(mktemp -d /tmp/virt-demo.XXXXXX)
uri="qemu:///embed?root=$root"
guest=$root/guest
trap 'rm -rf "$root"' EXIT

python3 "$top/tests/guest/mkguest.py" "$guest"

mkdir -p "$root/etc"
cat > "$root/etc/qemu.conf" <<CONF
# This host has no SR-IOV hardware: present VFs as emulated NICs.
hostdev_simulate = "e1000e"
CONF

cat > "$root/demo.xml" <<XML
<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet guest.ping=10.0.2.2</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <interface type='user'>
      <mac address='52:54:00:de:40:01'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-backup0'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/></source>
      <teaming type='transient' persistent='ua-backup0'/>
    </interface>
    <serial type='file'><source path='$root/demo-console.log'/></serial>
  </devices>
</domain>
XML

echo "== virsh define (the primary takes the standby's MAC)"
"$virsh" -c "$uri" define "$root/demo.xml"
echo "== virsh dumpxml --inactive demo"
"$virsh" -c "$uri" dumpxml --inactive demo
echo "== virsh start demo"
"$virsh" -c "$uri" start demo
echo "== waiting for the guest to bond its NICs"
for i in $(seq 1 200); do
    if grep -q "driver=e1000e master=" "$root/demo-console.log" 2>/dev/null &&
       grep -q "GUEST-PING ok" "$root/demo-console.log" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
echo "== the guest's network devices (serial console markers)"
grep "GUEST-NET" "$root/demo-console.log" | tail -n 3
grep -q "GUEST-PING ok" "$root/demo-console.log" && echo "traffic over the failover master: ping ok"
echo "== virsh dumpxml demo (live)"
"$virsh" -c "$uri" dumpxml demo | grep -E "teaming|<interface|<mac"
"$virsh" -c "$uri" destroy demo
"$virsh" -c "$uri" undefine demo
