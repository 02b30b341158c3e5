#!/bin/sh
# Live migration between two hosts that are really separate: two network
# namespaces on a bridge (tests/nshosts.sh, 192.0.2.11 and 192.0.2.12),
# each with its own root, simulated PF and VF pool, and its own virtqemud
# listening for TLS on 16514 with certificates made for this run by
# certtool (tests/tlscerts.sh): a server certificate naming the host's
# address and a client certificate (the source daemon is a TLS client of
# the destination in p2p mode) under ROOT/etc/pki, and qemu.conf
# migration_host = the host's address. Every client runs inside a host's
# namespace (nothing is sent to 192.0.2.0/24 from the test's own
# namespace) with ?pkipath= naming the administrator's certificate.
#  1. set-up: both daemons serve Debian's virsh over TLS from inside each
#     namespace, host 2 names itself with its host_uuid, the guests are
#     started paused on host 1;
#  2. a paused plain guest (no kernel, no disk) back and forth: Debian's
#     virsh p2p (the destination URI without pkipath: the source daemon
#     uses its own ROOT/etc/pki) and client-managed, again with
#     --persistent --undefinesource; python3-libvirt migrateToURI3 (p2p)
#     and migrate3 (client-managed); our virsh p2p and client-managed;
#     Debian's virsh p2p and ours client-managed with --tls (QEMU's
#     certificates in ROOT/etc/pki/qemu).
#     After each: the guest is paused on exactly one host (absent or shut
#     off on the other), domjobinfo --completed on the destination shows
#     the incoming migration, and its domain log that the source sent to
#     tcp:ITS-ADDRESS:PORT (migration_host, a port of 49152-49215);
#  3. with the test guest kernel (tests/guest/mkguest.py): a real teaming
#     guest A -> B (p2p) -> A (client-managed), its VF on the host it runs
#     on (pool counts on both), the bond up again;
#  3b. the same guest A -> B with B's daemon killed after A's QEMU
#     completed: A runs it again with its VF plugged back in, the bond
#     up, and B's restarted daemon drops its copy;
#  4. refused: the destination pool inactive, then full (a guest of host 2
#     holds its only VF): a clear error naming the pool, the guest still
#     running on the source, every VF accounted for on both hosts; host 2's
#     VF that cannot be set up, found after prepare answered (its IOMMU
#     group made not viable): the source's error says what the
#     destination found, the guest still runs on the source, the VF is
#     back in host 2's pool; host 2's
#     daemon refusing host 1's client certificate (tls_allowed_dn_list):
#     a clear error, the guest still on the source; host 2 with host 1's
#     host UUID (host_uuid, a cloned host): "Attempt to migrate guest to
#     the same host".
# Teardown leaves no namespace, daemon or QEMU behind.
# usage: migratehoststest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR BUILDDIR
set -u
virtqemud=$1
ourvirsh=$2
top=$3
builddir=$4
python=/usr/bin/python3
. "$top/tests/nshosts.sh"
. "$top/tests/tlscerts.sh"
need_debian_virsh
tls_need_certtool
need_qemu

nshosts_need

dir=$(mktemp -d /tmp/mighosts.XXXXXX)
pki=$dir/pki
certs=$dir/certs
dn="C=GB,ST=London,L=London,O=Test"
uuid2=5b8f0c2e-3d4a-4e6b-9c1d-2a3b4c5d6e7f

usock() { echo "qemu+unix:///system?socket=$dir/h$1/run/virtqemud-sock"; }
# the URI of host N for a client (with the administrator's certificate),
# and as the source daemon is given it in p2p mode (its own files)
tlsuri() { echo "qemu+tls://$(nshosts_addr "$1")/system?pkipath=$pki"; }
p2puri() { echo "qemu+tls://$(nshosts_addr "$1")/system"; }
# inhost N CMD...: CMD in host N's namespace, bounded
inhost() {
    _ih=$1
    shift
    nshosts_exec "$dir" "$_ih" timeout 180 "$@"
}

# the QEMUs of this run
kill_qemus() {
    for _pid in $(nshosts_qemus "$dir"); do
        kill -KILL "$_pid"
    done
}
cleanup() {
    for h in 1 2; do
        [ -S "$dir/h$h/run/virtqemud-sock" ] || continue
        for d in p1 t1 hog; do
            "$dvirsh" -q -c "$(usock $h)" destroy $d >/dev/null 2>&1
        done
    done
    nshosts_down "$dir"
    kill_qemus
    rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 1" INT TERM

# teardown: cleanup, checked (before the files of the run go)
teardown() {
    _names=$(cat "$dir/nshosts") _pids=$(cat "$dir"/h*/daemon.pid)
    _qemus=
    for _f in "$dir"/h*/run/qemu/*.pid; do
        [ -f "$_f" ] && _qemus="$_qemus $(head -n1 "$_f")"
    done
    [ "$(echo "$_names" | wc -l)" = 3 ] && [ "$(echo "$_pids" | wc -w)" = 2 ] ||
        notok "teardown: the hosts are recorded ($_names; $_pids)"
    for _h in 1 2; do
        for _d in p1 t1 hog; do
            "$dvirsh" -q -c "$(usock $_h)" destroy $_d >/dev/null 2>&1
        done
    done
    nshosts_down "$dir"
    _left=
    for _ns in $_names; do
        ip netns list | grep -qw "$_ns" && _left="$_left namespace $_ns"
    done
    for _p in $_pids $_qemus; do
        kill -0 "$_p" 2>/dev/null && _left="$_left pid $_p"
    done
    pgrep -f "qemu-system.*$dir/" >/dev/null && _left="$_left QEMUs: $(pgrep -f "qemu-system.*$dir/" | tr '\n' ' ')"
    [ -z "$_left" ] && ok "teardown: no namespace, daemon or QEMU of the run left" ||
        notok "teardown left:$_left"
    # a sanitizer build's daemons report at exit
    for _h in 1 2; do
        nshosts_sanitized "$dir" $_h >"$dir/san" ||
            { notok "host $_h's daemon: sanitizer report"; sed 's/^/#   /' "$dir/san"; }
    done
}

# 1. Set-up.
if nshosts_up "$dir" 2 "$ourvirsh"; then
    ok "two hosts made"
else
    notok "two hosts made"
    exit 1
fi
tls_admin_pki "$certs" "$pki" || { echo "Bail out! certtool failed"; exit 1; }
for h in 1 2; do
    r=$dir/h$h addr=$(nshosts_addr $h)
    # QEMU's too, for --tls (migrate_tls_x509_cert_dir: ROOT/etc/pki/qemu)
    tls_host_pki "$certs" "$r" "host$h" "$addr" || { echo "Bail out! certtool failed"; exit 1; }
    printf 'migration_host = "%s"\nmigration_unplug_timeout = 10\n' "$addr" >> "$r/etc/qemu.conf"
    printf 'listen_addr = "%s"\n' "$addr" > "$r/etc/virtqemud.conf"
done
printf 'host_uuid = "%s"\n' "$uuid2" >> "$dir/h2/etc/virtqemud.conf"
cp "$dir/h2/etc/virtqemud.conf" "$dir/h2.conf"

started=0
for h in 1 2; do
    nshosts_daemon_start "$dir" $h "$virtqemud" "$dvirsh" --listen && started=$((started + 1))
done
[ $started = 2 ] && ok "a virtqemud --listen runs in each host" ||
    { notok "a virtqemud --listen runs in each host ($started of 2)"; exit 1; }
for h in 1 2; do
    grep -q "listening for TLS on $(nshosts_addr $h) port 16514" "$dir/h$h/daemon.log" ||
        notok "host $h's daemon does not say it listens for TLS"
done

# Debian's virsh reaches each daemon over TLS from each namespace; the
# guests are defined there and only there
root=$dir
mkdomain p1 3f6a2c1e-8b4d-4c7a-9e2f-1d0c3b4a5e6f
served=0
for from in 1 2; do
    for to in 1 2; do
        if inhost $from "$dvirsh" -c "$(tlsuri $to)" list --all --name >"$dir/out" 2>&1 &&
           [ -z "$(grep -v '^$' "$dir/out")" ]; then
            served=$((served + 1))
        else
            echo "# from host $from to host $to:"; sed 's/^/#   /' "$dir/out"
        fi
    done
done
[ $served = 4 ] && ok "Debian's virsh lists each daemon's (empty) domains over TLS from inside each host" ||
    notok "Debian's virsh over TLS between the hosts ($served of 4)"
inhost 1 "$dvirsh" -c "$(tlsuri 2)" capabilities >"$dir/out" 2>&1
grep -q "<uuid>$uuid2</uuid>" "$dir/out" && ok "host 2 names itself with its host_uuid ($uuid2)" ||
    { notok "host 2's host_uuid"; sed 's/^/#   /' "$dir/out"; }
inhost 2 "$dvirsh" -c "$(tlsuri 1)" capabilities >"$dir/out" 2>&1
uuid1=$(sed -n '/<host>/,/<\/host>/s|^ *<uuid>\(.*\)</uuid>$|\1|p' "$dir/out")
[ -n "$uuid1" ] && [ "$uuid1" != "$uuid2" ] && ok "host 1 has another host UUID ($uuid1)" ||
    { notok "host 1's host UUID: '$uuid1'"; sed 's/^/#   /' "$dir/out"; }

cp "$dir/p1.xml" "$dir/h1/p1.xml"
if inhost 1 "$dvirsh" -c "$(tlsuri 1)" define "$dir/h1/p1.xml" >"$dir/out" 2>&1 &&
   inhost 1 "$dvirsh" -c "$(tlsuri 1)" start --paused p1 >>"$dir/out" 2>&1; then
    ok "p1 defined and started paused on host 1 over TLS"
else
    notok "p1 defined and started paused on host 1 over TLS"; sed 's/^/#   /' "$dir/out"
fi
# ... and every client sees it there from host 2
if inhost 2 "$dvirsh" -c "$(tlsuri 1)" list --name >"$dir/out" 2>&1 && grep -qx p1 "$dir/out" &&
   inhost 2 "$ourvirsh" -c "$(tlsuri 1)" list --name >"$dir/out" 2>&1 && grep -qx p1 "$dir/out" &&
   inhost 2 "$python" -c 'import sys, libvirt
print("\n".join(d.name() for d in libvirt.open(sys.argv[1]).listAllDomains()))' "$(tlsuri 1)" \
       >"$dir/out" 2>&1 && grep -qx p1 "$dir/out"; then
    ok "Debian's virsh, ours and python3-libvirt list p1 on host 1 from host 2 over TLS"
else
    notok "the clients list p1 on host 1 from host 2 over TLS"; sed 's/^/#   /' "$dir/out"
fi

# state N NAME: NAME's state on host N as its daemon says it: "absent"
# when a list that succeeded does not have it, "?" when the list failed
state() {
    _l=$("$dvirsh" -q -c "$(usock "$1")" list --all --name 2>&1) || { echo "?"; return; }
    echo "$_l" | grep -qx "$2" || { echo absent; return; }
    "$dvirsh" -q -c "$(usock "$1")" domstate "$2" 2>&1 | head -1
}
# where NAME: the host on which NAME runs or is paused (0: none)
where() {
    for _h in 1 2; do
        case $(state $_h "$1") in running|paused) echo $_h; return ;; esac
    done
    echo 0
}
# only_on N NAME STATE TITLE: NAME is STATE on host N, absent or shut off
# on the other
only_on() {
    _o=$((3 - $1))
    _s=$(state "$1" "$2") _t=$(state $_o "$2")
    if [ "$_s" = "$3" ] && { [ "$_t" = absent ] || [ "$_t" = "shut off" ]; }; then
        ok "$4: $2 $3 on host $1, $_t on host $_o"
    else
        notok "$4: $2 is '$_s' on host $1 (expected $3), '$_t' on host $_o"
    fi
}
# completed N NAME TITLE: host N's completed job for NAME is an incoming
# migration
completed() {
    "$dvirsh" -c "$(usock "$1")" domjobinfo --completed "$2" >"$dir/job" 2>&1
    if grep -Eq "^Job type: +Completed" "$dir/job" && grep -Eq "^Operation: +Incoming migration" "$dir/job"; then
        ok "$3: domjobinfo --completed on host $1: incoming migration completed"
    else
        notok "$3: domjobinfo --completed on host $1"; sed 's/^/#   /' "$dir/job"
    fi
}
# pools TITLE USED-1 USED-2: the VFs in use on hosts 1 and 2
pools() { nshosts_pools "$dir" "$dvirsh" "$@"; }
# mark: remember where the daemons' logs end; logs: what they said since
mark() {
    mark1=$(wc -l < "$dir/h1/daemon.log") mark2=$(wc -l < "$dir/h2/daemon.log")
}
logs() {
    echo "# host 1's daemon log:"
    tail -n +"$((mark1 + 1))" "$dir/h1/daemon.log" | sed 's/^/#   /'
    echo "# host 2's daemon log:"
    tail -n +"$((mark2 + 1))" "$dir/h2/daemon.log" | sed 's/^/#   /'
}

# sent_to N NAME TITLE [TLS]: the last incoming migration of NAME on host
# N was sent to host N's migration_host and a port of the range (over
# TLS if TLS is given), as its domain log says
sent_to() {
    _l=$(grep "migration: incoming, the source sends to" "$dir/h$1/log/$2.log" 2>/dev/null | tail -n1)
    if echo "$_l" | grep -Eq "sends to tcp:$(nshosts_addr "$1"):(4915[2-9]|491[6-9][0-9]|4920[0-9]|4921[0-5]), QEMU listens on .*[0-9]${4:+ over TLS}\$"; then
        ok "$3: sent to tcp:$(nshosts_addr "$1"):PORT${4:+ over TLS}"
    else
        notok "$3: where the source sent to: '$_l'"
    fi
    # the host's QEMU directory has its dh-params.pem (tls_host_pki)
    if [ -n "${4:-}" ] && grep -q "dh-params.pem is missing" "$dir/h$1/log/$2.log"; then
        notok "$3: no note of a missing dh-params.pem"
    fi
}

# migrate TITLE NAME STATE CMD...: CMD (run in the namespace of the
# guest's host, $from) moves NAME from $from to $to; NAME is then STATE
# on $to only, with the incoming migration completed there
migrate() {
    _mt=$1 _mn=$2 _mst=$3
    shift 3
    mark
    if inhost "$from" "$@" >"$dir/mig.out" 2>&1; then
        ok "$_mt: host $from -> host $to"
        only_on "$to" "$_mn" "$_mst" "$_mt"
        completed "$to" "$_mn" "$_mt"
        case " $* " in
        *" --tls "*) sent_to "$to" "$_mn" "$_mt" tls ;;
        *) sent_to "$to" "$_mn" "$_mt" ;;
        esac
        return 0
    fi
    notok "$_mt: host $from -> host $to failed"
    sed 's/^/#   /' "$dir/mig.out"
    logs
    return 1
}
# next NAME: $from = the host of NAME, $to = the other
next() {
    from=$(where "$1")
    [ "$from" = 0 ] && { notok "$1 runs on no host"; from=1; }
    to=$((3 - from))
}

# python3-libvirt: p2p with migrateToURI3 (the destination URI as the
# source daemon takes it), client-managed with migrate3
pymig='import sys, libvirt
src, dst, dconnuri, name, mode = sys.argv[1:6]
conn = libvirt.open(src)
dom = conn.lookupByName(name)
flags = libvirt.VIR_MIGRATE_LIVE
if mode == "p2p":
    dom.migrateToURI3(dconnuri, {}, flags | libvirt.VIR_MIGRATE_PEER2PEER)
else:
    dconn = libvirt.open(dst)
    ddom = dom.migrate3(dconn, {}, flags)
    if ddom is None or ddom.name() != name:
        sys.exit("migrate3 returned no domain " + name)
    print("migrated to", dconn.getURI(), ddom.UUIDString())'

# 2. The paused plain guest, back and forth.
next p1
if migrate "Debian's virsh, p2p" p1 paused \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --p2p --verbose p1 "$(p2puri $to)"; then
    grep -q "Migration: \[100 %\]" "$dir/mig.out" && ok "--verbose printed Migration: [100 %]" ||
        { notok "--verbose progress"; sed 's/^/#   /' "$dir/mig.out"; }
    [ "$(state $from p1)" = "shut off" ] && ok "p1 stays defined (shut off) on host $from" ||
        notok "p1 on host $from: $(state $from p1)"
fi
next p1
migrate "Debian's virsh, client-managed" p1 paused \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live p1 "$(tlsuri $to)"
# persistent_only N NAME TITLE: NAME is persistent on host N and not
# defined on the other
persistent_only() {
    _o=$((3 - $1))
    if "$dvirsh" -q -c "$(usock "$1")" list --persistent --name >"$dir/out" 2>&1 &&
       grep -qx "$2" "$dir/out" && [ "$(state $_o "$2")" = absent ]; then
        ok "$3: $2 persistent on host $1, undefined on host $_o"
    else
        notok "$3: $2 persistent on host $1 ($(tr '\n' ' ' < "$dir/out")), on host $_o: $(state $_o "$2")"
    fi
}
next p1
migrate "Debian's virsh, p2p --persistent --undefinesource" p1 paused \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --p2p --persistent --undefinesource p1 "$(p2puri $to)" &&
    persistent_only $to p1 "p2p --persistent --undefinesource"
next p1
migrate "Debian's virsh, client-managed --persistent --undefinesource" p1 paused \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --persistent --undefinesource p1 "$(tlsuri $to)" &&
    persistent_only $to p1 "client-managed --persistent --undefinesource"
next p1
migrate "python3-libvirt migrateToURI3 (p2p)" p1 paused \
    "$python" -c "$pymig" "$(tlsuri $from)" "$(tlsuri $to)" "$(p2puri $to)" p1 p2p
next p1
migrate "python3-libvirt migrate3 (client-managed)" p1 paused \
    "$python" -c "$pymig" "$(tlsuri $from)" "$(tlsuri $to)" "$(p2puri $to)" p1 managed
next p1
migrate "our virsh, p2p" p1 paused \
    "$ourvirsh" -c "$(tlsuri $from)" migrate --live --p2p --verbose p1 "$(p2puri $to)"
next p1
migrate "our virsh, client-managed" p1 paused \
    "$ourvirsh" -c "$(tlsuri $from)" migrate --live p1 "$(tlsuri $to)"
# the migration data over TLS too (QEMU's certificates in ROOT/etc/pki/qemu)
next p1
migrate "Debian's virsh, p2p --tls" p1 paused \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --p2p --tls p1 "$(p2puri $to)"
next p1
migrate "our virsh, client-managed --tls" p1 paused \
    "$ourvirsh" -c "$(tlsuri $from)" migrate --live --tls p1 "$(tlsuri $to)"

# 4c. host 2's daemon refuses host 1's client certificate: the source
# daemon cannot reach it, the guest stays where it is
stop_daemon() {
    _pid=$(cat "$dir/h$1/daemon.pid" 2>/dev/null)
    [ -n "$_pid" ] && kill -TERM "$_pid" 2>/dev/null
    _i=0
    while [ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null && [ $_i -lt 100 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}
next p1
if [ "$from" = 2 ]; then
    # back to host 1 first (the case needs p1 there)
    inhost 2 "$dvirsh" -c "$(tlsuri 2)" migrate --live p1 "$(tlsuri 1)" >/dev/null 2>&1
    next p1
fi
if [ "$from" = 1 ]; then
    stop_daemon 2
    printf 'tls_allowed_dn_list = ["%s,CN=admin"]\n' "$dn" >> "$dir/h2/etc/virtqemud.conf"
    if nshosts_daemon_start "$dir" 2 "$virtqemud" "$dvirsh" --listen &&
       inhost 1 "$dvirsh" -c "$(tlsuri 2)" list --all --name >"$dir/out" 2>&1; then
        ok "host 2's daemon, allowing the administrator's DN only, serves the administrator over TLS"
        mark
        if inhost 1 "$dvirsh" -c "$(tlsuri 1)" migrate --live --p2p p1 "$(p2puri 2)" >"$dir/mig.out" 2>&1; then
            notok "p2p migration with the source's certificate refused: it succeeded"
        elif grep -q "server verification (of our certificate or IP address) failed" "$dir/mig.out" &&
             tail -n +"$((mark2 + 1))" "$dir/h2/daemon.log" |
                 grep -qF "client DN '$dn,CN=host1' is not in tls_allowed_dn_list"; then
            ok "p2p with the source's certificate refused: clear error, host 2 logs the DN"
        else
            notok "certificate refused: the error"; sed 's/^/#   /' "$dir/mig.out"; logs
        fi
        only_on 1 p1 paused "certificate refused"
    else
        notok "host 2's daemon with tls_allowed_dn_list"; sed 's/^/#   /' "$dir/out"
    fi
    # 4d. host 2 a clone of host 1: the same host UUID
    stop_daemon 2
    sed "s/^host_uuid = .*/host_uuid = \"$uuid1\"/" "$dir/h2.conf" > "$dir/h2/etc/virtqemud.conf"
    if nshosts_daemon_start "$dir" 2 "$virtqemud" "$dvirsh" --listen &&
       inhost 1 "$dvirsh" -c "$(tlsuri 2)" capabilities >"$dir/out" 2>&1 &&
       grep -q "<uuid>$uuid1</uuid>" "$dir/out"; then
        mark
        if inhost 1 "$dvirsh" -c "$(tlsuri 1)" migrate --live --p2p p1 "$(p2puri 2)" >"$dir/mig.out" 2>&1; then
            notok "p2p migration to a host with the same host UUID: it succeeded"
        elif grep -qF "Attempt to migrate guest to the same host $uuid1" "$dir/mig.out"; then
            ok "p2p to a host with the same host UUID refused: $(head -n1 "$dir/mig.out")"
        else
            notok "same host UUID: the error"; sed 's/^/#   /' "$dir/mig.out"; logs
        fi
        only_on 1 p1 paused "same host UUID"
    else
        notok "host 2's daemon with host 1's host UUID"; sed 's/^/#   /' "$dir/out"
    fi
    stop_daemon 2
    cp "$dir/h2.conf" "$dir/h2/etc/virtqemud.conf"
    nshosts_daemon_start "$dir" 2 "$virtqemud" "$dvirsh" --listen ||
        notok "host 2's daemon restarted"
else
    notok "p1 is on no host for the certificate case"
fi
"$dvirsh" -q -c "$(usock "$(where p1)")" destroy p1 >/dev/null 2>&1

# 3. and 4. A real teaming guest, with the test guest's kernel.
guest=$builddir/guest
if ! "$python" "$top/tests/guest/mkguest.py" "$guest" >"$dir/mkguest.out" 2>&1; then
    echo "# skipped the teaming guest: $(tail -n1 "$dir/mkguest.out")"
    teardown
    exit $fail
fi
guest_xml t1 41 "$dir/t1.console" "$guest" "guest.ping=10.0.2.2" > "$dir/h1/t1.xml"
if inhost 1 "$dvirsh" -c "$(tlsuri 1)" define "$dir/h1/t1.xml" >"$dir/out" 2>&1 &&
   inhost 1 "$dvirsh" -c "$(tlsuri 1)" start t1 >>"$dir/out" 2>&1 &&
   waitfor "$dir/t1.console" "driver=e1000e master=eth" 60; then
    ok "teaming guest t1 runs on host 1 with its VF enslaved"
else
    notok "teaming guest t1 on host 1"; sed 's/^/#   /' "$dir/out"
fi
pools "t1 started" 1 0
# given_back N COUNT: host N's log of t1 has more than COUNT lines saying
# that a stop gave its VF back after the call answered
given_back() {
    [ "$(grep -c "stop: 1 host device(s) given back .* after the stop, in a thread of their own" \
        "$dir/h$1/log/t1.log")" -gt "$2" ]
}
# teaming TITLE CMD...: migrate t1 with CMD ($from, $to set); then its
# bond enslaves the destination's VF and traffic flows through it. t1
# migrates at 32 MiB/s: QEMU 7.2 under TCG now and then corrupts a guest
# migrated at unlimited speed (docs/bench.rst)
teaming() {
    _tt=$1
    shift
    _tl=$(wc -l < "$dir/t1.console")
    _gl=$(grep -c "host device(s) given back" "$dir/h$from/log/t1.log")
    migrate "$_tt" t1 running "$@" || return 1
    # the source gives its VF back after Confirm answered, holding the
    # root's lock until it is back: a look at its pool right after the
    # call (through its daemon) already finds it free, and its log says so
    if [ "$to" = 2 ]; then pools "$_tt: right after the call" 0 1; else
        pools "$_tt: right after the call" 1 0; fi
    until_ok 10 given_back "$from" "$_gl" &&
        ok "host $from gave t1's VF back after the call answered" ||
        notok "host $from's log does not say that t1's VF was given back"
    waitafter "$dir/t1.console" "$_tl" "driver=e1000e master=eth" 60 &&
        ok "t1 enslaves host $to's VF" || notok "t1 enslaves host $to's VF"
    _tl=$(wc -l < "$dir/t1.console")
    waitafter "$dir/t1.console" "$_tl" "GUEST-PING ok" 30 &&
        ok "traffic flows through t1's bond on host $to" ||
        { notok "traffic through t1's bond on host $to"; tail -n 8 "$dir/t1.console" | sed 's/^/#   /'; }
}
next t1
teaming "teaming guest, Debian's virsh p2p" \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --bandwidth 32 --p2p --verbose t1 "$(p2puri $to)"
if [ "$(where t1)" = 2 ]; then pools "t1 p2p" 0 1; else pools "t1 p2p failed" 1 0; fi
next t1
teaming "teaming guest, Debian's virsh client-managed" \
    "$dvirsh" -c "$(tlsuri $from)" migrate --live --bandwidth 32 t1 "$(tlsuri $to)"
if [ "$(where t1)" = 1 ]; then pools "t1 back" 1 0; else pools "t1 back failed" 0 1; fi

# 3b. The destination fails after the source completed: host 2's daemon
# stopped once the copy runs and its QEMU is up, killed once host 1's
# QEMU completed, so Finish cannot come. Host 1 cannot tell that from a
# destination killed after Finish ran the guest: it keeps t1 paused and
# asks host 2's daemon. That daemon, back, drops its copy and its VF
# (Finish never came) and says so; host 1 runs t1 again and gets QEMU
# to plug its primary back in (QEMU does not after a completed
# migration); the bond enslaves host 1's VF again and traffic flows.
# t1_settled: t1 runs on host 1, and host 2 has none (absent or shut off)
t1_settled() {
    [ "$(state 1 t1)" = running ] || return 1
    case $(state 2 t1) in absent|"shut off") return 0 ;; esac
    return 1
}
# qmp_ready_after N: host 2's QEMU of t1 answered QMP after line N of
# its domain log (from then on it takes the migration in without its
# daemon: a daemon stopped before it spawned that QEMU stalls the copy)
qmp_ready_after() {
    tail -n +"$(($1 + 1))" "$dir/h2/log/t1.log" 2>/dev/null | grep -q ": QMP ready"
}
late_rollback() {
    _p2=$(cat "$dir/h2/daemon.pid")
    _ll=$(cat "$dir/h2/log/t1.log" 2>/dev/null | wc -l)
    inhost 1 "$dvirsh" -c "$(tlsuri 1)" migrate --live --bandwidth 32 --p2p t1 "$(p2puri 2)" >"$dir/mig.out" 2>&1 &
    _mp=$!
    if ! until_ok 30 grep -Eq '^phase=(wait-unplug|active)' "$dir/h1/run/qemu/t1.job" ||
        ! until_ok 30 qmp_ready_after "$_ll"; then
        notok "late rollback: the migration started"; sed 's/^/#   /' "$dir/mig.out"
        wait "$_mp"
        return
    fi
    kill -STOP "$_p2"
    until_ok 60 grep -q '^phase=completed' "$dir/h1/run/qemu/t1.job" &&
        ok "late rollback: host 1's QEMU completed while host 2's daemon is stopped" ||
        notok "late rollback: host 1's QEMU completed"
    kill -KILL "$_p2"
    rm -f "$dir/h2/daemon.pid"
    wait "$_mp" && notok "late rollback: the migration succeeded" ||
        ok "late rollback: the migration fails ($(grep error: "$dir/mig.out" | head -n1))"
    [ "$(state 1 t1)" = paused ] && ok "late rollback: host 1 keeps t1 paused while host 2 is down" ||
        notok "late rollback: t1 is '$(state 1 t1)' on host 1 while host 2 is down"
    # the guest is paused: what its console says from here on, it says
    # once it runs again
    _tl=$(wc -l < "$dir/t1.console")
    nshosts_daemon_start "$dir" 2 "$virtqemud" "$dvirsh" --listen ||
        notok "late rollback: host 2's daemon restarts"
    waitafter "$dir/t1.console" "$_tl" "driver=e1000e master=eth" 60 &&
        ok "late rollback: t1 enslaves host 1's VF again" ||
        { notok "late rollback: t1 enslaves host 1's VF again"; tail -n 8 "$dir/t1.console" | sed 's/^/#   /'; }
    _tl=$(wc -l < "$dir/t1.console")
    waitafter "$dir/t1.console" "$_tl" "GUEST-PING ok" 30 &&
        ok "late rollback: traffic flows through t1's bond on host 1" ||
        notok "late rollback: traffic through t1's bond on host 1"
    until_ok 30 grep -q "primaries plugged back in by QEMU after a migration to nowhere .* failed" "$dir/h1/log/t1.log" &&
        ok "late rollback: host 1's log says QEMU plugged the primary back" ||
        { notok "late rollback: host 1's log"; grep "migration" "$dir/h1/log/t1.log" | tail -n 5 | sed 's/^/#   /'; }
    until_ok 20 t1_settled
    only_on 1 t1 running "late rollback"
    pools "late rollback" 1 0
}
if [ "$(where t1)" = 1 ]; then
    late_rollback
fi

# refused TITLE NEEDLE: migrating t1 from host 1 to host 2 (p2p) fails
# with NEEDLE, t1 still running on host 1
refused() {
    mark
    if inhost 1 "$dvirsh" -c "$(tlsuri 1)" migrate --live --p2p t1 "$(p2puri 2)" >"$dir/mig.out" 2>&1; then
        notok "$1: the migration succeeded"
    elif grep -qF -- "$2" "$dir/mig.out"; then
        ok "$1: refused ($(head -n1 "$dir/mig.out"))"
    else
        notok "$1: the error lacks '$2'"; sed 's/^/#   /' "$dir/mig.out"; logs
    fi
    only_on 1 t1 running "$1"
}
if [ "$(where t1)" = 1 ]; then
    # 4a. inactive
    u2=$(usock 2)
    if "$dvirsh" -q -c "$u2" net-destroy vfpool >/dev/null &&
       "$dvirsh" -q -c "$u2" net-list --inactive --name | grep -qx vfpool; then
        refused "host 2's pool inactive" "vfpool"
        pools "host 2's pool inactive" 1 0
        "$dvirsh" -q -c "$u2" net-start vfpool >/dev/null || notok "host 2's pool started again"
    else
        notok "host 2's pool made inactive"
    fi
    # 4b. full: a one-VF pool whose VF a paused guest of host 2 holds
    vf=$(basename "$(readlink "$dir/h2/sim/sys/class/net/ens1f0/device/virtfn0")")
    dom=${vf%%:*} rest=${vf#*:}
    bus=${rest%%:*} rest=${rest#*:}
    slot=${rest%%.*} func=${rest#*.}
    sed "s|<pf dev='ens1f0'/>|<address type='pci' domain='0x$dom' bus='0x$bus' slot='0x$slot' function='0x$func'/>|" \
        "$dir/h2/vfpool.xml" > "$dir/small.xml"
    guest_xml hog 70 "$dir/hog.console" "$guest" "" > "$dir/hog.xml"
    if grep -q "<address type='pci'" "$dir/small.xml" &&
       "$dvirsh" -q -c "$u2" net-destroy vfpool >/dev/null &&
       "$dvirsh" -q -c "$u2" net-define "$dir/small.xml" >/dev/null &&
       "$dvirsh" -q -c "$u2" net-start vfpool >/dev/null &&
       "$dvirsh" -q -c "$u2" create --paused "$dir/hog.xml" >/dev/null; then
        pools "host 2's one-VF pool taken by a guest of its own" 1 1
        refused "host 2's pool full" "vfpool"
        pools "host 2's pool full" 1 1
        "$dvirsh" -q -c "$u2" destroy hog >/dev/null
    else
        notok "host 2's pool made full (VF '$vf')"
    fi
    # 4c. host 2 reserves its VF, answers prepare, and only then finds
    # that the VF cannot be set up (its IOMMU group not viable: host 2's
    # PF, bound to its host driver, put in it)
    pf=$(basename "$(readlink "$dir/h2/sim/sys/class/net/ens1f0/device")")
    gdir=$dir/h2/sim/sys/kernel/iommu_groups/$(basename "$(readlink "$dir/h2/sim/sys/bus/pci/devices/$vf/iommu_group")")/devices
    if [ -d "$gdir" ] && ln -s "../../../../devices/pci0000:00/$pf" "$gdir/$pf"; then
        refused "host 2's VF cannot be set up after prepare" "; operation failed: the destination could not start domain 't1' after it prepared: Requested operation is not valid: PCI device $vf cannot be given to a guest: IOMMU group"
        pools "host 2's VF cannot be set up after prepare" 1 0
        grep -q "migration: the incoming guest could not be started: .*PCI device $vf" "$dir/h2/log/t1.log" &&
            ok "host 2's log says why it could not start t1" ||
            { notok "host 2's log on the failed start"; tail -n 5 "$dir/h2/log/t1.log" | sed 's/^/#   /'; }
        rm -f "$gdir/$pf"
    else
        notok "host 2's VF group made not viable ('$gdir', PF '$pf')"
    fi
else
    notok "t1 is not on host 1 for the refusals"
fi

# Teardown: the guests destroyed, the daemons stopped, the namespaces
# removed; no QEMU of this run is left
teardown
exit $fail
