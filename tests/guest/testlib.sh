# Shared by the shell integration tests that run the test guest.
# shellcheck shell=sh

fail=0
# meson stops a test that ran out of time with SIGTERM: exit then, so
# that the script's EXIT trap stops what it started (daemons, QEMUs)
trap 'exit 1' INT TERM
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }

# mkdomain NAME UUID: $root/NAME.xml, a guest without kernel or disk
mkdomain() {
    cat > "$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
}

# need_debian_virsh: Debian's virsh (libvirt-clients) in $dvirsh, else
# the test is skipped. LD_LIBRARY_PATH, which meson points at our
# libvirt.so.0, is unset: Debian's virsh loads its own library (ours
# finds ours through its rpath).
need_debian_virsh() {
    dvirsh=${VIRTQEMUD_TEST_VIRSH:-/usr/bin/virsh}
    unset LD_LIBRARY_PATH
    if [ ! -x "$dvirsh" ]; then
        echo "1..0 # SKIP Debian's virsh is needed (.ci/install-deps installs it)"
        exit 77
    fi
}

# need_qemu: QEMU is installed, else the test is skipped
need_qemu() {
    [ -x /usr/bin/qemu-system-x86_64 ] || { echo "1..0 # SKIP no QEMU"; exit 77; }
}

# run_left ROOT: the files of ROOT/run/qemu that belong to a domain's run
# (not the root's own records: the next run id, the boot the autostart
# was done in, why runs stopped), one per line
run_left() {
    for _f in "$1"/run/qemu/*; do
        [ -e "$_f" ] || continue
        case ${_f##*/} in
        next-id|autostarted|stops) ;;
        *) echo "${_f##*/}" ;;
        esac
    done
}

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

# starttime PID: field 22 of /proc/PID/stat (after the last ")"): with
# the pid, what names a process (empty once it is gone)
starttime() {
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 20
}

# until_ok SECONDS COMMAND...: until COMMAND succeeds (1 if it never
# does within SECONDS)
until_ok() {
    _n=$(($1 * 10))
    shift
    while [ "$_n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        _n=$((_n - 1))
    done
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

# sim_host VIRSH ROOT [PF VFS]...: a simulated SR-IOV host for ROOT (PFs
# with VFs, see virt-sriov-sim) and the active hostdev network 'vfpool' on
# the last PF given. Settings already in ROOT/etc/qemu.conf are kept.
sim_host() {
    _virsh=$1 _root=$2
    shift 2
    _args= _pf=
    while [ $# -ge 2 ]; do
        _args="$_args --pf $1 --vfs $2"
        _pf=$1
        shift 2
    done
    # shellcheck disable=SC2086
    "$(dirname "$_virsh")/virt-sriov-sim" --root "$_root" $_args >/dev/null || return 1
    cat > "$_root/vfpool.xml" <<XML
<network>
  <name>vfpool</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='$_pf'/>
  </forward>
</network>
XML
    "$_virsh" -q -c "qemu:///embed?root=$_root" net-define "$_root/vfpool.xml" >/dev/null &&
        "$_virsh" -q -c "qemu:///embed?root=$_root" net-start vfpool >/dev/null
}

# sim_serve VIRSH ROOT: the simulated kernel of ROOT's host
# (virt-sriov-sim --serve, next to VIRSH) running in the background, so
# that writes to its bind, unbind, driver_override and drivers_probe files
# act; returns once it serves (ROOT/sim/serve.pid holds its pid). It ends
# by itself when ROOT/sim is removed. 1 with a message if it fails.
sim_serve() {
    "$(dirname "$1")/virt-sriov-sim" --root "$2" --serve >"$2/serve.out" 2>&1 &
    _spid=$!
    _i=0
    while [ $_i -lt 200 ]; do
        [ "$(cat "$2/sim/serve.pid" 2>/dev/null)" = "$_spid" ] && return 0
        kill -0 "$_spid" 2>/dev/null || break
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# virt-sriov-sim --serve did not start:"
    sed 's/^/#   /' "$2/serve.out"
    return 1
}

# pool_used VIRSH ROOT: how many VFs of 'vfpool' are in use
pool_used() {
    "$1" -q -c "qemu:///embed?root=$2" net-dumpxml vfpool |
        sed -n "s/^<network connections='\([0-9]*\)'.*/\1/p;t;s/^<network>$/0/p"
}

# vf_mac ROOT VF: the admin MAC the simulated host gives VF (0000:BB:SS.F)
vf_mac() {
    cat "$1/sim/sys/bus/pci/devices/$2/sim_admin_mac"
}

# vf_group VF: the IOMMU group of VF (0000:BB:SS.F) on the simulated host
# of $root
vf_group() {
    basename "$(readlink "$root/sim/sys/bus/pci/devices/$1/iommu_group")"
}

# is_mac STRING: STRING is a MAC address (a value worth comparing)
is_mac() {
    echo "$1" | grep -Eqx '([0-9a-f]{2}:){5}[0-9a-f]{2}'
}

# guest_xml NAME MAC-SUFFIX CONSOLE GUESTDIR CMDLINE-EXTRA: a q35 teaming
# guest on stdout: virtio standby ua-sb, primary a VF of network 'vfpool'
guest_xml() {
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$4/vmlinux</kernel>
    <initrd>$4/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet $5</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <interface type='user'>
      <mac address='52:54:00:7e:57:$2'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-sb'/>
    </interface>
    <interface type='network'>
      <source network='vfpool'/>
      <teaming type='transient' persistent='ua-sb'/>
    </interface>
    <serial type='file'><source path='$3'/></serial>
  </devices>
</domain>
XML
}

# daemon_start VIRTQEMUD ROOT VIRSH [ARGS...]: virtqemud --root ROOT ARGS
# in the background (pid in $dpid, output appended to ROOT/daemon.log),
# until VIRSH (any client) gets an answer on ROOT/run/virtqemud-sock
daemon_start() {
    _d=$1 _r=$2 _v=$3
    shift 3
    "$_d" --root "$_r" "$@" >>"$_r/daemon.log" 2>&1 &
    dpid=$!
    _i=0
    while [ $_i -lt 100 ]; do
        [ -S "$_r/run/virtqemud-sock" ] &&
            "$_v" -c "qemu+unix:///system?socket=$_r/run/virtqemud-sock" uri >/dev/null 2>&1 && return 0
        kill -0 "$dpid" 2>/dev/null || break
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# virtqemud did not start:"; sed 's/^/#   /' "$_r/daemon.log"
    return 1
}
