#!/bin/busybox sh
# /init of the test guest. Prints machine-readable markers on the serial
# console (ttyS0):
#   GUEST-READY                      modules loaded, links up
#   GUEST-NET name= mac= driver= master= state=   one line per netdev,
#   GUEST-NETS-END                   ... printed again whenever they change
#   GUEST-PING ok|fail               result of each ping when guest.ping=IP
# Kernel command line switches:
#   guest.novirtionet=1   do not load virtio_net (never negotiates failover)
#   guest.ping=IP         ping IP every 200 ms over the failover master
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

arg() {
    for w in $(cat /proc/cmdline); do
        case "$w" in "guest.$1="*) echo "${w#*=}";; esac
    done
}

for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover; do
    insmod /lib/modules/$m.ko
done
[ "$(arg novirtionet)" = 1 ] || insmod /lib/modules/virtio_net.ko
# e1000e must be loaded before the primary is hot-plugged: there is no modprobe
insmod /lib/modules/e1000e.ko
ip link set lo up
echo "GUEST-READY"

pingto=$(arg ping)
configured=""
prev=""
while true; do
    cur=""
    master=""
    for d in /sys/class/net/*; do
        n=${d##*/}
        [ "$n" = lo ] && continue
        ip link set "$n" up 2>/dev/null
        drv=none
        [ -e "$d/device/driver" ] && drv=$(basename "$(readlink "$d/device/driver")")
        [ -e "$d/phys_port_name" ] || true
        m=none
        [ -e "$d/master" ] && m=$(basename "$(readlink "$d/master")")
        [ "$m" != none ] && master=$m
        cur="$cur
GUEST-NET name=$n mac=$(cat "$d/address") driver=$drv master=$m state=$(cat "$d/operstate")"
    done
    if [ "$cur" != "$prev" ]; then
        echo "$cur" | grep GUEST-NET
        echo "GUEST-NETS-END"
        prev=$cur
    fi
    if [ -n "$pingto" ] && [ -n "$master" ] && [ "$configured" != "$master" ]; then
        ip addr add 10.0.2.15/24 dev "$master" 2>/dev/null
        ip route add default via 10.0.2.2 dev "$master" 2>/dev/null
        configured=$master
    fi
    if [ -n "$pingto" ] && [ -n "$configured" ]; then
        if ping -c 1 -W 1 "$pingto" >/dev/null 2>&1; then
            echo "GUEST-PING ok"
        else
            echo "GUEST-PING fail"
        fi
    fi
    sleep 0.2
done
