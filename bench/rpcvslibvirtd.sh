#!/bin/bash
# shellcheck source-path=SCRIPTDIR/..
# Our virtqemud against Debian's libvirtd 9.0, timed with the same client
# (build/bench/benchrpc, linked to Debian's libvirt.so.0, and Debian's
# /usr/bin/virsh), the goals of issue 15 printed next to the numbers:
#
#   1. virDomainGetState round trip on a defined domain: one client
#      (mean, p50, p99) and CLIENTS clients with a connection each (p99,
#      calls per second); goal: ours at least 3x better. For scale, the
#      round trip of virConnectGetLibVersion, which no driver answers
#   2. connection open to the first call answered (mean, p99) and the
#      daemon's CPU time per connection; goal: at most 1 ms of the daemon's
#   3. daemon VmRSS growth per idle connection, IDLE connections; goal: at
#      most 64 KiB
#   4. `virsh list --all` with DOMAINS defined domains, best and mean of
#      RUNS runs; goal: ours at least 5x faster
#
# usage: bench/rpcvslibvirtd.sh [BUILDDIR]      (default: build)
# Environment (defaults): CALLS=20000 CLIENTS=100 CCALLS=200 OPENS=300
# IDLE=1000 DOMAINS=1000 RUNS=5.
#
# Needs root (libvirtd runs in namespaces, tests/privatelibvirtd.sh).
# Prints numbers; it never fails on time. Exit 1 when a daemon or a call
# failed, 77 when libvirtd cannot run here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd) || exit 2
CALLS=${CALLS:-20000}
CLIENTS=${CLIENTS:-100}
CCALLS=${CCALLS:-200}
OPENS=${OPENS:-300}
IDLE=${IDLE:-1000}
DOMAINS=${DOMAINS:-1000}
RUNS=${RUNS:-5}

unset LD_LIBRARY_PATH
bench=$build/bench/benchrpc
virtqemud=$build/src/virtqemud
debvirsh=/usr/bin/virsh
# shellcheck source=tests/privatelibvirtd.sh
. "$here/../tests/privatelibvirtd.sh"
# shellcheck source=tests/guest/testlib.sh
. "$here/../tests/guest/testlib.sh"

[ -x "$bench" ] || { echo "no $bench: configure with libvirt-dev installed"; exit 2; }
[ -x "$virtqemud" ] || { echo "no $virtqemud"; exit 2; }
why=$(libvirtd_usable) || { echo "skipped: $why"; exit 77; }
# a file descriptor per connection, in the client and in both daemons
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((IDLE + 200)) ] || { echo "RLIMIT_NOFILE $(ulimit -n) is too low for IDLE=$IDLE"; exit 2; }

tmp=$(mktemp -d /tmp/rpcvslibvirtd.XXXXXX)
dpid=
cleanup() {
    libvirtd_stop
    if [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null; then
        kill -TERM "$dpid"
        wait "$dpid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

now_ns() { date +%s%N; }

# measure WHO URI PID: every metric into $tmp/WHO ("KEY VALUE" lines)
measure() {
    local who=$1 uri=$2 pid=$3 out=$tmp/out.$1 t0 t1 best='' sum=0 n cpu cpusum=0
    : > "$out"
    echo "== $who (pid $pid)" >&2
    # idle connections first: memory freed by the other steps would be
    # reused by them and hide their cost
    "$bench" "$uri" define 1 bench >> "$out" &&
        "$bench" "$uri" idle "$IDLE" "$pid" >> "$out" &&
        "$bench" "$uri" getstate bench0 "$CALLS" "$pid" >> "$out" &&
        "$bench" "$uri" concurrent bench0 "$CLIENTS" "$CCALLS" >> "$out" &&
        "$bench" "$uri" open "$OPENS" "$pid" >> "$out" || return 1
    "$bench" "$uri" define "$DOMAINS" many | sed 's/^define_ms/define_many_ms/' >> "$out" || return 1
    # the listing must be the domains defined, or its time means nothing
    n=$("$debvirsh" -q -c "$uri" list --all | grep -c ' many[0-9]* ')
    [ "$n" = "$DOMAINS" ] || { echo "$who: virsh list --all shows $n of $DOMAINS domains" >&2; return 1; }
    for _ in $(seq "$RUNS"); do
        t0=$(now_ns)
        # virsh's own CPU time (user + system, ms), which no daemon saves it
        cpu=$( { TIMEFORMAT='%U %S'; time "$debvirsh" -c "$uri" list --all > /dev/null 2> "$tmp/list.err"; } 2>&1) ||
            { cat "$tmp/list.err" >&2; return 1; }
        t1=$(now_ns)
        cpusum=$(awk "BEGIN { split(\"$cpu\", a, \" \"); print $cpusum + (a[1] + a[2]) * 1000 }")
        t1=$(((t1 - t0) / 1000))
        sum=$((sum + t1))
        [ -z "$best" ] || [ "$t1" -lt "$best" ] && best=$t1
    done
    echo "list_best_ms $(awk "BEGIN { printf \"%.1f\", $best / 1000 }")" >> "$out"
    echo "list_mean_ms $(awk "BEGIN { printf \"%.1f\", $sum / $RUNS / 1000 }")" >> "$out"
    echo "list_client_cpu_ms $(awk "BEGIN { printf \"%.1f\", $cpusum / $RUNS }")" >> "$out"
    cat "$out" >&2
}

# ours: a root of its own, clients limited only by the file descriptors
mkdir -p "$tmp/root/etc"
cat > "$tmp/root/etc/virtqemud.conf" <<EOF
max_clients = 5000
EOF
daemon_start "$virtqemud" "$tmp/root" "$debvirsh" || exit 1
measure ours "qemu+unix:///system?socket=$tmp/root/run/virtqemud-sock" "$dpid" || exit 1
kill -TERM "$dpid"
wait "$dpid" 2>/dev/null
dpid=

libvirtd_start "$tmp/libvirtd" "max_clients = 5000
max_anonymous_clients = 5000" || exit 1
[ "$(readlink "/proc/$libvirtd_pid/exe")" = "$libvirtd_bin" ] ||
    { echo "pid $libvirtd_pid is not libvirtd"; exit 1; }
measure libvirtd "$libvirtd_uri" "$libvirtd_pid" || exit 1
libvirtd_stop

# table: metric, ours, libvirtd, how much better ours is, the goal
val() { sed -n "s/^$2 //p" "$tmp/out.$1"; }
row() {  # KEY LABEL LOWER-IS-BETTER GOAL-KIND GOAL
    local ours lv ratio verdict=
    ours=$(val ours "$1")
    lv=$(val libvirtd "$1")
    ratio=$(awk "BEGIN { o = $ours; l = $lv; r = $3 ? (o > 0 ? l / o : 0) : (l > 0 ? o / l : 0); printf \"%.2f\", r }")
    case $4 in
    ratio) verdict=$(awk "BEGIN { print ($ratio >= $5) ? \"met\" : \"MISSED\" }")
           verdict="goal >= ${5}x: $verdict" ;;
    max)   verdict=$(awk "BEGIN { print ($ours <= $5) ? \"met\" : \"MISSED\" }")
           verdict="goal ours <= $5: $verdict" ;;
    esac
    printf '%-40s %12s %12s %8sx  %s\n' "$2" "$ours" "$lv" "$ratio" "$verdict"
}
printf '%-40s %12s %12s %9s  %s\n' "metric" "ours" "libvirtd" "better" "goal"
row getstate_mean_us "GetState 1 client mean (us)" 1 ratio 3
row getstate_p50_us "GetState 1 client p50 (us)" 1 ratio 3
row getstate_p99_us "GetState 1 client p99 (us)" 1 ratio 3
row getstate_client_cpu_us "GetState client CPU per call (us)" 1 -
row getstate_daemon_cpu_us "GetState daemon CPU per call (us)" 1 -
row libversion_mean_us "GetLibVersion 1 client mean (us)" 1 -
row libversion_p50_us "GetLibVersion 1 client p50 (us)" 1 -
row concurrent_p99_us "GetState $CLIENTS clients p99 (us)" 1 ratio 3
row concurrent_calls_per_s "GetState $CLIENTS clients (calls/s)" 0 ratio 3
row open_mean_ms "open + first call mean (ms)" 1 -
row open_p99_ms "open + first call p99 (ms)" 1 -
row open_daemon_cpu_ms "open+call+close daemon CPU (ms)" 1 max 1
row idle_kib_per_conn "RSS per idle connection (KiB, $IDLE)" 1 max 64
row define_many_ms "define $DOMAINS domains (ms)" 1 -
row list_best_ms "virsh list --all, $DOMAINS (ms, best)" 1 ratio 5
row list_mean_ms "virsh list --all, $DOMAINS (ms, mean)" 1 ratio 5
row list_client_cpu_ms "virsh list --all: virsh's CPU (ms, mean)" 1 -
# A round trip takes at least the client's CPU time, whatever the daemon
# does: the best ratio any daemon could reach against libvirtd here.
bound() {  # LABEL LIBVIRTD-KEY CLIENT-CPU-KEY
    awk -v l="$(val libvirtd "$2")" -v c="$(val ours "$3")" -v label="$1" \
        'BEGIN { if (c > 0) printf "%-40s %12s %12s %8.2fx  (libvirtd / client CPU alone)\n", label, "", "", l / c }'
}
bound "bound: GetState mean, a daemon of 0 CPU" getstate_mean_us getstate_client_cpu_us
bound "bound: virsh list --all, same" list_mean_ms list_client_cpu_ms
