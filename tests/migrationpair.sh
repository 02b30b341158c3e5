# Two daemons on loopback and a migrating guest, for the tests of
# migrations between daemons (sourced; tests/guest/testlib.sh first, with
# $virtqemud, $top, $builddir and $guest set and need_debian_virsh and
# need_qemu passed; $migpair_prefix names the run's directory under /tmp):
# each daemon a virtqemud of its own root $base/hN listening on loopback
# (plain TCP, ports of this run), driven by Debian's virsh ($dvirsh); the
# guest g1 a plain one (the test kernel, no VF) that takes seconds to send
# at 1 MiB/s, defined in $base/g1.xml. Its emulator is a wrapper of QEMU
# that starts an incoming guest slowly while $base/slow exists (it says so
# in $base/incoming-wait first, and in $base/incoming-go once it goes
# on). The EXIT trap stops the daemons and the run's QEMUs.
base=$(mktemp -d "/tmp/$migpair_prefix.XXXXXX")
pid1= pid2= cpid=
cleanup() {
    [ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null
    for n in 1 2; do
        "$dvirsh" -c "$(sockuri $n)" destroy g1 >/dev/null 2>&1
    done
    [ -n "$pid1" ] && kill -CONT "$pid1" 2>/dev/null && kill "$pid1" 2>/dev/null
    [ -n "$pid2" ] && kill -CONT "$pid2" 2>/dev/null && kill "$pid2" 2>/dev/null
    wait 2>/dev/null
    # QEMUs of this run only (their argv names our roots)
    pkill -9 -f "qemu-system-x86_64.*$base" 2>/dev/null
    rm -rf "$base"
}
trap cleanup EXIT

freeport() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port1=$(freeport) port2=$(freeport)
sockuri() { echo "qemu+unix:///system?socket=$base/h$1/run/virtqemud-sock"; }
tcpuri() { eval "echo qemu+tcp://127.0.0.1:\$port$1/system"; }

# start N: host N's daemon (pid in pidN)
start() {
    daemon_start "$virtqemud" "$base/h$1" "$dvirsh" --listen || return 1
    eval "pid$1=\$dpid"
}
# crash N: SIGKILL host N's daemon (its QEMUs live on)
crash() {
    eval "kill -9 \$pid$1; wait \$pid$1 2>/dev/null; pid$1="
}

python3 "$top/tests/guest/mkguest.py" "$guest" || exit 1
# the emulator: QEMU, slow to start an incoming guest while $base/slow
# exists (it says so in $base/incoming-wait first, and in
# $base/incoming-go once it goes on)
qemu=$(command -v qemu-system-x86_64)
mkdir -p "$base/bin"
cat > "$base/bin/qemu-system-x86_64" <<EOF
#!/bin/sh
case " \$* " in
*" -incoming "*)
    if [ -e "$base/slow" ]; then
        touch "$base/incoming-wait"
        sleep 4
        touch "$base/incoming-go"
    fi;;
esac
exec "$qemu" "\$@"
EOF
chmod +x "$base/bin/qemu-system-x86_64"
for n in 1 2; do
    mkdir -p "$base/h$n/etc"
    eval "p=\$port$n"
    printf 'listen_tcp = 1\nlisten_tls = 0\ntcp_port = "%s"\nlisten_addr = "127.0.0.1"\n' "$p" \
        > "$base/h$n/etc/virtqemud.conf"
    start $n || { notok "daemon $n starts"; exit 1; }
done
ok "two daemons listen on loopback"
guest_xml g1 01 "$base/g1.console" "$guest" "" |
    sed -e '/<interface type=.network.>/,/<\/interface>/d' -e '/<teaming/d' \
        -e "s|<devices>|<devices><emulator>$base/bin/qemu-system-x86_64</emulator>|" > "$base/g1.xml"

# state N: g1's state on host N, "absent" when it has no g1
state() {
    _s=$("$dvirsh" -q -c "$(sockuri "$1")" domstate g1 2>/dev/null | head -1)
    echo "${_s:-absent}"
}
# settled NAME RUNS-ON: g1 runs on host RUNS-ON only, neither host has a
# record of a job or another QEMU of it
settled() {
    _other=$((3 - $2))
    _on=$(state "$2") _off=$(state $_other)
    if [ "$_on" != running ] || { [ "$_off" != absent ] && [ "$_off" != "shut off" ]; }; then
        notok "$1: g1 is '$_on' on host $2, '$_off' on host $_other"; return
    fi
    ok "$1: g1 runs on host $2 only"
    left=$(ls "$base"/h1/run/qemu/*.job "$base"/h2/run/qemu/*.job 2>/dev/null)
    [ -z "$left" ] && ok "$1: no job record left" || notok "$1: records left: $left"
    n=$(pgrep -fc "qemu-system-x86_64.*$base/g1.console" || true)
    [ "$n" = 1 ] && ok "$1: one QEMU of g1" || notok "$1: $n QEMUs of g1"
}
# migrate_bg MIB/S FROM TO VIRSH-OPTIONS: a migration in the background
# (pid in cpid), returning once the source reports data sent; at 1 MiB/s
# it would not end (the guest dirties its memory faster). MIB/S "-": no
# --bandwidth (the speed set for the domain, or the default)
migrate_bg() {
    _bw=$1 _from=$2 _to=$3
    shift 3
    [ "$_bw" = - ] || set -- "$@" --bandwidth "$_bw"
    "$dvirsh" -c "$(tcpuri "$_from")" migrate --live "$@" \
        --migrateuri tcp://127.0.0.1 g1 "$(tcpuri "$_to")" >"$base/mig.out" 2>&1 &
    cpid=$!
    _i=0
    while [ $_i -lt 200 ]; do
        "$dvirsh" -q -c "$(sockuri "$_from")" domjobinfo --rawstats g1 2>/dev/null |
            grep -Eq "^memory_processed: [1-9]" && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

# migpair_stop: the end of a run: g1 destroyed on host 1, both daemons
# stopped, and what a sanitizer build's daemons report at exit fails it
migpair_stop() {
    "$dvirsh" -c "$(sockuri 1)" destroy g1 >/dev/null 2>&1
    for n in 1 2; do
        eval "p=\$pid$n"
        kill "$p" && wait "$p"
        grep -E -A20 "(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:" "$base/h$n/daemon.log" \
            >"$base/san" && { notok "daemon $n: sanitizer report"; sed 's/^/#   /' "$base/san"; }
    done
    pid1= pid2=
}
