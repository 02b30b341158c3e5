#!/bin/sh
# The main demo: a guest with a virtio-net standby and an SR-IOV VF primary
# taken from a hostdev network pool (simulated host: the VF is an emulated
# e1000e) bonded by net_failover,
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

echo "== virt-sriov-sim: this host has no SR-IOV hardware, simulate a PF with 4 VFs"
"$build/tools/virt-sriov-sim" --root "$root" --pf ens1f0 --vfs 4
cat > "$root/vfpool.xml" <<XML
<network>
  <name>vfpool</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='ens1f0'/>
  </forward>
</network>
XML
echo "== virsh net-define + net-start: an SR-IOV pool on the PF"
"$virsh" -c "$uri" net-define "$root/vfpool.xml"
"$virsh" -c "$uri" net-start vfpool
"$virsh" -c "$uri" net-dumpxml vfpool

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
    <interface type='network'>
      <source network='vfpool'/>
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
"$virsh" -c "$uri" dumpxml demo | grep -E "teaming|<interface|<mac|<driver name|bus=.0x03. slot=.0x07."
echo "== virsh domifteaming demo (the primary is a VF of the pool)"
"$virsh" -c "$uri" domifteaming demo
echo "== the pool while the guest runs"
"$virsh" -c "$uri" net-dumpxml vfpool | head -n 1
"$virsh" -c "$uri" destroy demo
echo "== the pool after destroy (the VF is back)"
"$virsh" -c "$uri" net-dumpxml vfpool | head -n 1
"$virsh" -c "$uri" undefine demo
