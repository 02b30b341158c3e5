# Debian's libvirtd 9.0 on a private root, for the tests and benchmarks that
# compare with it (sourced; bash or sh).
#
# The daemon runs in its own mount and network namespaces (unshare), with
# /etc/libvirt, /run, /var/lib/libvirt, /var/cache/libvirt and
# /var/log/libvirt bound to directories under DIR/ns, so nothing of the
# host's libvirt is touched. Needs root (namespaces, QEMU as root).
# shellcheck shell=sh

libvirtd_bin=/usr/sbin/libvirtd

# libvirtd_usable: why a private libvirtd cannot run here (on stdout,
# status 1), or nothing (status 0)
libvirtd_usable() {
    [ -x "$libvirtd_bin" ] && [ -x /usr/bin/virsh ] ||
        { echo "Debian's libvirt-daemon and libvirt-clients are not installed"; return 1; }
    [ "$(id -u)" = 0 ] || { echo "a private libvirtd needs root"; return 1; }
    unshare --mount --net --propagation private true 2>/dev/null ||
        { echo "mount/network namespaces refused"; return 1; }
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 is not installed"; return 1; }
}

# libvirtd_start DIR [CONF-LINES]: start libvirtd with its state under
# DIR/ns, CONF-LINES appended to its libvirtd.conf, and the options in
# $libvirtd_args (e.g. --listen) if set; sets libvirtd_pid (the
# daemon's own pid), libvirtd_sock and libvirtd_uri (qemu+unix:// of the
# read-write socket). With $libvirtd_netns set it joins that network
# namespace (ip netns) instead of a new one, so that two daemons reach
# each other; $libvirtd_qemu_conf, if set, is appended to its qemu.conf;
# $libvirtd_log_outputs replaces its log_outputs (default: warnings and
# errors into DIR/ns/log/libvirtd.log); with $libvirtd_run_tmpfs set its
# /run (DIR/ns/run) is a tmpfs, as on a host (the caller unmounts it).
# Its output goes to DIR/libvirtd.out. Returns when
# Debian's virsh gets an answer, 1 (output printed as TAP diagnostics) if it
# does not within 30 s.
libvirtd_start() {
    _ns=$1/ns
    libvirtd_sock=$_ns/run/libvirt/libvirt-sock
    libvirtd_uri="qemu+unix:///system?socket=$libvirtd_sock"
    mkdir -p "$_ns/etc" "$_ns/run" "$_ns/lib" "$_ns/cache" "$_ns/log"
    if [ -n "${libvirtd_run_tmpfs:-}" ]; then
        mount -t tmpfs -o mode=0755 libvirtd-run "$_ns/run" || return 1
    fi
    cp -a /etc/libvirt/. "$_ns/etc/"
    # no stock NAT network: it would want a bridge and dnsmasq
    rm -rf "$_ns/etc/qemu/networks/autostart" "$_ns/etc/qemu/networks/default.xml"
    cat > "$_ns/etc/libvirtd.conf" <<CONF
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "${libvirtd_log_outputs:-3:file:/var/log/libvirt/libvirtd.log}"
${2:-}
CONF
    cat > "$_ns/etc/qemu.conf" <<'CONF'
stdio_handler = "file"
user = "root"
group = "root"
cgroup_controllers = [ ]
security_driver = "none"
namespaces = [ ]
remember_owner = 0
dynamic_ownership = 0
CONF
    [ -z "${libvirtd_qemu_conf:-}" ] || echo "$libvirtd_qemu_conf" >> "$_ns/etc/qemu.conf"
    # meson points LD_LIBRARY_PATH at our libvirt.so.0, which Debian's
    # libvirtd and virsh must not load
    if [ -n "${libvirtd_netns:-}" ]; then
        _netns="ip netns exec $libvirtd_netns" _unshare="--mount"
    else
        _netns='' _unshare="--mount --net"
    fi
    # the mount points: libvirt-daemon-system, which makes them, is not
    # installed, and a clean machine has none of them
    mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
    # shellcheck disable=SC2086 # $_netns and $_unshare are lists of words
    env -u LD_LIBRARY_PATH setsid $_netns unshare $_unshare --propagation private /bin/sh -c "
        set -e
        mount --bind '$_ns/etc'   /etc/libvirt
        mount --bind '$_ns/run'   /run
        mount --bind '$_ns/lib'   /var/lib/libvirt
        mount --bind '$_ns/cache' /var/cache/libvirt
        mount --bind '$_ns/log'   /var/log/libvirt
        ip link set lo up 2>/dev/null || true
        exec $libvirtd_bin -f /etc/libvirt/libvirtd.conf ${libvirtd_args:-}
    " </dev/null >"$1/libvirtd.out" 2>&1 &
    libvirtd_pid=$!
    _i=0
    while [ $_i -lt 300 ]; do
        [ -S "$libvirtd_sock" ] &&
            env -u LD_LIBRARY_PATH /usr/bin/virsh -q -c "$libvirtd_uri" version >/dev/null 2>&1 &&
            return 0
        kill -0 "$libvirtd_pid" 2>/dev/null || break
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "Bail out! libvirtd did not come up:"
    sed 's/^/# /' "$1/libvirtd.out"
    return 1
}

# libvirtd_stop: SIGTERM, then SIGKILL after 10 s
libvirtd_stop() {
    if [ -n "${libvirtd_pid:-}" ] && kill -0 "$libvirtd_pid" 2>/dev/null; then
        kill -TERM "$libvirtd_pid"
        _i=0
        while [ $_i -lt 100 ] && kill -0 "$libvirtd_pid" 2>/dev/null; do
            sleep 0.1
            _i=$((_i + 1))
        done
        kill -KILL "$libvirtd_pid" 2>/dev/null
    fi
    libvirtd_pid=
}
