# Shared by the shell integration tests that run the test guest.
# shellcheck shell=sh

fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }

# waitfor FILE REGEX SECONDS: until a line of FILE matches
waitfor() {
    _i=0
    while [ $_i -lt $(($3 * 10)) ]; do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# timed out waiting for '$2' in $1"
    return 1
}

# waitafter FILE LINE REGEX SECONDS: until a line after LINE of FILE matches
waitafter() {
    _i=0
    while [ $_i -lt $(($4 * 10)) ]; do
        tail -n +"$2" "$1" 2>/dev/null | grep -Eq "$3" && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# timed out waiting for '$3' after line $2 of $1"
    return 1
}

# guest_xml NAME MAC-SUFFIX VF-FUNCTION CONSOLE GUESTDIR CMDLINE-EXTRA:
# a q35 teaming guest (virtio standby ua-sb + hostdev primary) on stdout
guest_xml() {
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$5/vmlinux</kernel>
    <initrd>$5/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet $6</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <interface type='user'>
      <mac address='52:54:00:7e:57:$2'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-sb'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x$3'/></source>
      <teaming type='transient' persistent='ua-sb'/>
    </interface>
    <serial type='file'><source path='$4'/></serial>
  </devices>
</domain>
XML
}
