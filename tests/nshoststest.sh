#!/bin/sh
# tests/nshosts.sh: three namespace "hosts" reach each other on
# 192.0.2.0/24, the test's own namespace is left as it was, each has its
# own host UUID, with a daemon of its own and its own
# simulated VF pool; `down` leaves nothing behind (namespaces, daemons,
# interfaces).
set -u
virtqemud=$1
ourvirsh=$2
virsh=/usr/bin/virsh
python=/usr/bin/python3
here=$(dirname "$0")
. "$here/nshosts.sh"
unset LD_LIBRARY_PATH

if [ "$(id -u)" != 0 ] || ! ip netns add vqprobe$$ 2>/dev/null; then
    echo "1..0 # SKIP network namespaces need root"
    exit 77
fi
ip netns del vqprobe$$
need_debian_virsh "$virsh"

dir=$(mktemp -d /tmp/nshosts.XXXXXX)
fail=0
cleanup() {
    nshosts_down "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # meson's timeout: clean up too

# connects FROM-HOST ADDR: a TCP connection from host FROM-HOST to
# ADDR:7777, where host 2 listens
connects() {
    _code="import socket,sys
s=socket.socket(); s.settimeout(2)
try:
    s.connect((sys.argv[1], 7777)); print(s.recv(16).decode())
except OSError as e:
    print('refused:', e)"
    nshosts_exec "$dir" "$1" "$python" -c "$_code" "$2"
}

echo "1..10"
ip -o link | sed 's/^[0-9]*: //' | cut -d' ' -f1 | sort > "$dir/links.before"
ip -o addr | awk '{ print $2, $4 }' | sort > "$dir/addrs.before"
if nshosts_up "$dir" 3 "$ourvirsh"; then
    ok "three hosts made"
else
    notok "three hosts made"
    exit 1
fi

# host 2 answers on its address, once per connection
nshosts_exec "$dir" 2 "$python" -c "import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$(nshosts_addr 2)', 7777)); s.listen(4); s.settimeout(20)
for _ in range(3):
    c, _ = s.accept(); c.send(b'host2'); c.close()" &
listener=$!
waitfor_listen=0
while [ $waitfor_listen -lt 50 ] &&
      ! nshosts_exec "$dir" 2 ss -ltn 2>/dev/null | grep -q ":7777 "; do
    sleep 0.1
    waitfor_listen=$((waitfor_listen + 1))
done
out1=$(connects 1 "$(nshosts_addr 2)")
out3=$(connects 3 "$(nshosts_addr 2)")
if [ "$out1" = host2 ] && [ "$out3" = host2 ]; then
    ok "hosts 1 and 3 reach host 2 at $(nshosts_addr 2)"
else
    notok "hosts 1 and 3 reach host 2 at $(nshosts_addr 2)"; echo "# from 1: $out1; from 3: $out3"
fi
# ... and the namespace the script ran in is as it was (no traffic is
# sent from it: on this kind of machine 192.0.2.0/24 may be a real LAN)
ip -o link | sed 's/^[0-9]*: //' | cut -d' ' -f1 | sort > "$dir/links.after"
ip -o addr | awk '{ print $2, $4 }' | sort > "$dir/addrs.after"
if cmp -s "$dir/links.before" "$dir/links.after" && cmp -s "$dir/addrs.before" "$dir/addrs.after"; then
    ok "the test's namespace has the same links and addresses as before"
else
    notok "the test's namespace has the same links and addresses as before"
    diff "$dir/links.before" "$dir/links.after" | sed 's/^/# /'
    diff "$dir/addrs.before" "$dir/addrs.after" | sed 's/^/# /'
fi
# one last connection releases the listener
connects 1 "$(nshosts_addr 2)" >/dev/null
wait $listener

# a daemon per host, each with its own pool
started=0
for h in 1 2 3; do
    nshosts_daemon_start "$dir" $h "$virtqemud" "$virsh" && started=$((started + 1))
done
[ $started = 3 ] && ok "a virtqemud runs in each host" || notok "a virtqemud runs in each host ($started of 3)"
pools=0
for h in 1 2 3; do
    "$virsh" -q -c "qemu+unix:///system?socket=$dir/h$h/run/virtqemud-sock" net-list |
        grep -Eq '^ *vfpool +active' && pools=$((pools + 1))
done
[ $pools = 3 ] && ok "each daemon serves its own active vfpool" || notok "each daemon serves its own active vfpool ($pools of 3)"
# each host names itself with its own UUID (its simulated SMBIOS one)
uuids=
for h in 1 2 3; do
    uuids="$uuids $("$virsh" -c "qemu+unix:///system?socket=$dir/h$h/run/virtqemud-sock" capabilities |
                    sed -n 's|^ *<uuid>\(.*\)</uuid>$|\1|p' | head -1)"
done
if [ "$(echo $uuids | wc -w)" = 3 ] && [ "$(echo $uuids | tr ' ' '\n' | sort -u | wc -l)" = 3 ]; then
    ok "three host UUIDs, all different:$uuids"
else
    notok "three host UUIDs, all different:$uuids"
fi
# the daemon runs in its host's namespace
pid2=$(cat "$dir/h2/daemon.pid")
if [ "$(readlink "/proc/$pid2/ns/net")" = "$(nshosts_exec "$dir" 2 readlink /proc/self/ns/net)" ] &&
   [ "$(readlink "/proc/$pid2/ns/net")" != "$(readlink /proc/self/ns/net)" ]; then
    ok "host 2's daemon (pid $pid2) runs in host 2's namespace"
else
    notok "host 2's daemon (pid $pid2) runs in host 2's namespace"
fi

# down: nothing left
names=$(cat "$dir/nshosts")
pids=$(cat "$dir"/h*/daemon.pid)
[ "$(echo "$names" | wc -l)" = 4 ] && [ "$(echo "$pids" | wc -w)" = 3 ] ||
    notok "the hosts are recorded ($names; $pids)"
nshosts_down "$dir"
left=
for ns in $names; do
    ip netns list | grep -qw "$ns" && left="$left $ns"
done
[ -z "$left" ] && ok "down removed the 4 namespaces" || notok "down removed the namespaces (left:$left)"
alive=
for p in $pids; do
    kill -0 "$p" 2>/dev/null && alive="$alive $p"
done
[ -z "$alive" ] && ok "down stopped the 3 daemons" || notok "down stopped the daemons (alive:$alive)"
mkdir "$dir/again"
if nshosts_up "$dir/again" 1 "$ourvirsh" && [ -n "$(nshosts_ns "$dir/again" 1)" ] &&
   nshosts_down "$dir/again" && [ ! -e "$dir/again/nshosts" ]; then
    ok "hosts are made and removed again"
else
    notok "hosts are made and removed again"
fi
exit $fail
