#!/bin/sh
# Separate "hosts" on one machine, for the tests and the demo of
# migrations between daemons: each host is a network namespace with its
# own address from 192.0.2.0/24 (TEST-NET-1, never routed), joined to the
# others by a veth pair on a bridge that lives in a namespace of its own,
# and its own root DIR/hN with a simulated SR-IOV PF and the active VF
# pool 'vfpool'. Nothing is added to the namespace the script runs in.
#
# As a command:
#   tests/nshosts.sh up DIR N VIRSH                  hosts 1..N under DIR
#   tests/nshosts.sh down DIR                        everything removed
#   tests/nshosts.sh start DIR N VIRTQEMUD VIRSH [ARGS...]   host N's daemon
#   tests/nshosts.sh stop DIR N [SIGNAL]             ... stopped (or killed)
#   tests/nshosts.sh link DIR N up|down              host N's link cut or back
# Sourced (sh), the same as nshosts_up / nshosts_down, plus
# nshosts_exec / nshosts_daemon_start / nshosts_daemon_stop / nshosts_link
# / nshosts_admin / nshosts_addr / nshosts_pools (below).
#
# The names of the namespaces are recorded in DIR/nshosts (one per line,
# the hub first), the pids of daemons started by nshosts_daemon_start in
# DIR/hN/daemon.pid: `down` removes exactly those, so that concurrent
# users of the script never touch each other's hosts. Needs root.
# shellcheck shell=sh

# sim_host (from a script in tests/, or this one run as a command; a
# script elsewhere sets nshosts_tests to the tests directory first)
. "${nshosts_tests:-$(dirname "$0")}/guest/testlib.sh"

# nshosts_addr N: the address of host N
nshosts_addr() { echo "192.0.2.$((10 + $1))"; }

# nshosts_ns DIR N: the namespace of host N (hub for N = 0)
nshosts_ns() { sed -n "$(($2 + 1))p" "$1/nshosts"; }

# nshosts_exec DIR N CMD...: CMD in host N's network namespace
nshosts_exec() {
    _d=$1 _n=$2
    shift 2
    ip netns exec "$(nshosts_ns "$_d" "$_n")" "$@"
}

# nshosts_up DIR N VIRSH: make hosts 1..N (DIR must exist and be empty of
# a previous run), their SR-IOV hosts by the virt-sriov-sim next to VIRSH
# (ours); 1 with a message on failure, after removing what was made
nshosts_up() {
    _d=$1 _count=$2 _virsh=$3
    _tag=vq$$
    [ -e "$_d/nshosts" ] && { echo "# $_d already holds hosts"; return 1; }
    : > "$_d/nshosts"
    _hub=${_tag}hub
    ip netns add "$_hub" && echo "$_hub" >> "$_d/nshosts" &&
        ip -n "$_hub" link add br0 type bridge &&
        ip -n "$_hub" link set br0 up || { nshosts_down "$_d"; return 1; }
    _i=1
    while [ "$_i" -le "$_count" ]; do
        _ns=${_tag}h$_i
        ip netns add "$_ns" && echo "$_ns" >> "$_d/nshosts" &&
            ip -n "$_ns" link set lo up &&
            # created in the host's namespace, its peer moved to the hub
            ip -n "$_ns" link add eth0 type veth peer name p$_i netns "$_hub" &&
            ip -n "$_ns" addr add "$(nshosts_addr "$_i")/24" dev eth0 &&
            ip -n "$_ns" link set eth0 up &&
            ip -n "$_hub" link set p$_i master br0 &&
            ip -n "$_hub" link set p$_i up || { nshosts_down "$_d"; return 1; }
        mkdir -p "$_d/h$_i/etc"
        sim_host "$_virsh" "$_d/h$_i" ens1f0 4 ||
            { echo "# cannot make the SR-IOV host of host $_i"; nshosts_down "$_d"; return 1; }
        _i=$((_i + 1))
    done
}

# nshosts_daemon_start DIR N VIRTQEMUD VIRSH [ARGS...]: virtqemud --root
# DIR/hN ARGS in host N's namespace (output to DIR/hN/daemon.log), until
# VIRSH gets an answer on its socket; 1 with the log if it does not
nshosts_daemon_start() {
    _d=$1 _n=$2 _bin=$3 _v=$4
    shift 4
    _r=$_d/h$_n
    # not through nshosts_exec: a function run in the background stays
    # as a shell waiting for the daemon, holding the caller's stdout
    ip netns exec "$(nshosts_ns "$_d" "$_n")" "$_bin" --root "$_r" --pid-file "$_r/daemon.pid" "$@" \
        >>"$_r/daemon.log" 2>&1 &
    _i=0
    while [ $_i -lt 100 ]; do
        [ -S "$_r/run/virtqemud-sock" ] &&
            "$_v" -c "qemu+unix:///system?socket=$_r/run/virtqemud-sock" uri >/dev/null 2>&1 &&
            return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# virtqemud of host $_n did not start:"; sed 's/^/#   /' "$_r/daemon.log"
    return 1
}

# nshosts_vfs_used DIR N VIRSH: the VFs of host N's pool 'vfpool' in use
# (asked of its daemon)
nshosts_vfs_used() {
    "$3" -q -c "qemu+unix:///system?socket=$1/h$2/run/virtqemud-sock" net-dumpxml vfpool |
        sed -n "s/^<network connections='\([0-9]*\)'.*/\1/p;t;s/^<network>$/0/p"
}

# nshosts_pools DIR VIRSH TITLE USED-1 USED-2: a test line, ok when
# hosts 1 and 2 use that many VFs of their pools
nshosts_pools() {
    _a=$(nshosts_vfs_used "$1" 1 "$2") _b=$(nshosts_vfs_used "$1" 2 "$2")
    [ "$_a" = "$4" ] && [ "$_b" = "$5" ] && ok "$3: VFs in use host1=$4 host2=$5" ||
        notok "$3: VFs in use host1='$_a' host2='$_b', expected host1=$4 host2=$5"
}

# nshosts_daemon_stop DIR N [SIGNAL]: SIGNAL (TERM by default) to the
# virtqemud that nshosts_daemon_start started for host N, if it still
# runs with that root, then until it is gone (SIGKILL after 5 seconds);
# its pid file is removed
nshosts_daemon_stop() {
    _sr=$1/h$2
    _pid=$(cat "$_sr/daemon.pid" 2>/dev/null)
    # only a virtqemud of this root
    case $(tr '\0' ' ' < "/proc/${_pid:-0}/cmdline" 2>/dev/null) in
    *virtqemud*" --root $_sr "*)
        kill -"${3:-TERM}" "$_pid" 2>/dev/null
        _i=0
        while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 50 ]; do
            sleep 0.1
            _i=$((_i + 1))
        done
        kill -KILL "$_pid" 2>/dev/null ;;
    esac
    rm -f "$_sr/daemon.pid"
}

# nshosts_admin DIR: the address of an administrator's station,
# 192.0.2.2, on the bridge in the hub namespace, for clients run there
# (nshosts_exec DIR 0 ...): they reach every host, and keep reaching the
# others while one host's link is cut
nshosts_admin() {
    ip -n "$(nshosts_ns "$1" 0)" addr add 192.0.2.2/24 dev br0
}

# nshosts_link DIR N up|down: host N's link to the bridge
nshosts_link() {
    ip -n "$(nshosts_ns "$1" "$2")" link set eth0 "$3"
}

# nshosts_need: skip the test (77) unless it may make network namespaces
# (root) and python3-libvirt is there for its clients
nshosts_need() {
    if [ "$(id -u)" != 0 ] || ! ip netns add vqprobe$$ 2>/dev/null; then
        echo "1..0 # SKIP network namespaces need root"
        exit 77
    fi
    ip netns del vqprobe$$
    /usr/bin/python3 -c 'import libvirt' 2>/dev/null ||
        { echo "1..0 # SKIP python3-libvirt is needed (.ci/install-deps installs it)"; exit 77; }
}

# nshosts_qemus DIR: the pids of the QEMUs of the hosts' roots (those of
# their pid files; a QEMU's argv does not name its root), one per line
nshosts_qemus() {
    for _f in "$1"/h*/run/qemu/*.pid; do
        [ -f "$_f" ] || continue
        _pid=$(head -n1 "$_f")
        case $(tr '\0' ' ' < "/proc/$_pid/cmdline" 2>/dev/null) in
        *qemu-system*) echo "$_pid" ;;
        esac
    done
}

# nshosts_sanitized DIR N: 1 with the report when host N's daemon log
# has one of a sanitizer (a sanitizer build's daemons report at exit)
nshosts_sanitized() {
    ! grep -E -A20 "(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:" "$1/h$2/daemon.log"
}

# nshosts_down DIR: stop the daemons, remove the namespaces (which takes
# their veths and the bridge along) and the list
nshosts_down() {
    _d=$1
    for _pidfile in "$_d"/h*/daemon.pid; do
        [ -f "$_pidfile" ] || continue
        _h=${_pidfile%/daemon.pid}
        nshosts_daemon_stop "$_d" "${_h##*/h}"
    done
    [ -f "$_d/nshosts" ] || return 0
    # hosts first, the hub last
    tac "$_d/nshosts" | while read -r _ns; do
        ip netns del "$_ns" 2>/dev/null
    done
    rm -f "$_d/nshosts"
}

case ${0##*/} in
nshosts.sh)
    set -u
    case ${1:-} in
    up)   [ $# -eq 4 ] || { echo "usage: $0 up DIR N VIRSH" >&2; exit 2; }
          mkdir -p "$2" && nshosts_up "$2" "$3" "$4" ;;
    down) [ $# -eq 2 ] || { echo "usage: $0 down DIR" >&2; exit 2; }
          nshosts_down "$2" ;;
    start) [ $# -ge 5 ] || { echo "usage: $0 start DIR N VIRTQEMUD VIRSH [ARGS...]" >&2; exit 2; }
          shift
          nshosts_daemon_start "$@" ;;
    stop) [ $# -ge 3 ] || { echo "usage: $0 stop DIR N [SIGNAL]" >&2; exit 2; }
          nshosts_daemon_stop "$2" "$3" "${4:-TERM}" ;;
    link) [ $# -eq 4 ] || { echo "usage: $0 link DIR N up|down" >&2; exit 2; }
          nshosts_link "$2" "$3" "$4" ;;
    *)    echo "usage: $0 up DIR N VIRSH | down DIR | start DIR N VIRTQEMUD VIRSH [ARGS...]" \
               "| stop DIR N [SIGNAL] | link DIR N up|down" >&2; exit 2 ;;
    esac ;;
esac
