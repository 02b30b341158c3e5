#!/bin/sh
# TLS between virtqemud --listen and libvirt clients, on 127.0.0.1 only.
# Certificates are made by certtool for this run: the server's in
# ROOT/etc/pki (libvirt's layout under a --root), each client's in a
# pkipath= directory.
#  - a daemon with --listen and no PKI files exits non-zero naming the
#    missing file;
#  - Debian's virsh (libvirt-clients 9.0) and ours: list, define,
#    dumpxml, undefine over qemu+tls://127.0.0.1:PORT/system;
#  - refused, each with its reason (client side on stderr, server side in
#    the daemon's log), and each followed by a good client that is still
#    served: an expired client certificate, a client certificate of
#    another CA, a server of another CA, a host name the server
#    certificate does not name (no_verify=1 lets it through), a client DN
#    not in tls_allowed_dn_list;
#  - on the wire: TLS 1.3, the confirmation byte, no session ticket;
#  - plain TCP is off unless listen_tcp = 1, and then warned about;
#  - as root, our virsh against Debian's libvirtd (tests/privatelibvirtd.sh)
#    over TLS with the same certificates: served, and refused for a DN
#    not in its tls_allowed_dn_list.
# usage: tlstest.sh VIRTQEMUD OUR-VIRSH TOP-SRCDIR
set -u
virtqemud=$1
virsh=$2
top=$3
. "$top/tests/guest/testlib.sh"
. "$top/tests/tlscerts.sh"
. "$top/tests/privatelibvirtd.sh"
need_debian_virsh
tls_need_certtool

root=$(mktemp -d /tmp/tlstest.XXXXXX)
certs=$root/certs
dpid=
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    libvirtd_stop
    rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$certs"

freeport() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The certificates.
dn="C=GB,ST=London,L=London,O=Test"
tls_mkca "$certs" ca && tls_mkca "$certs" otherca &&
    tls_mkcert "$certs" server ca server 127.0.0.1 &&
    tls_mkcert "$certs" client ca client clientA &&
    tls_mkcert "$certs" mallory ca client mallory &&
    tls_mkcert "$certs" expired ca client clientA \
        'activation_date = "2019-01-01 00:00:00 UTC"' 'expiration_date = "2020-01-01 00:00:00 UTC"' &&
    tls_mkcert "$certs" wrongca otherca client clientA ||
    { echo "Bail out! certtool failed"; cat "$certs"/*.log; exit 1; }

# pki NAME CA CLIENT: $root/pki-NAME with CA's cacert.pem and CLIENT's
# certificate and key
pki() {
    mkdir -p "$root/pki-$1"
    cp "$certs/$2.pem" "$root/pki-$1/cacert.pem"
    cp "$certs/$3.pem" "$root/pki-$1/clientcert.pem"
    cp "$certs/$3-key.pem" "$root/pki-$1/clientkey.pem"
}
pki good ca client
pki mallory ca mallory
pki expired ca expired
pki wrongca ca wrongca
pki otherca otherca client

# --listen without the PKI files: the daemon says which file and exits.
mkdir -p "$root/nopki/etc"
printf 'listen_addr = "127.0.0.1"\ntls_port = "%s"\n' "$(freeport)" > "$root/nopki/etc/virtqemud.conf"
if "$virtqemud" --root "$root/nopki" --listen >"$root/nopki.out" 2>&1; then
    notok "virtqemud --listen without PKI files exited 0"
elif grep -q "$root/nopki/etc/pki/CA/cacert.pem" "$root/nopki.out"; then
    ok "--listen without PKI files: exits non-zero naming cacert.pem"
else
    notok "--listen without PKI files: no file named"; sed 's/^/#   /' "$root/nopki.out"
fi

# The daemon.
port=$(freeport)
mkdir -p "$root/d/etc/pki/CA" "$root/d/etc/pki/libvirt/private"
cp "$certs/ca.pem" "$root/d/etc/pki/CA/cacert.pem"
cp "$certs/server.pem" "$root/d/etc/pki/libvirt/servercert.pem"
cp "$certs/server-key.pem" "$root/d/etc/pki/libvirt/private/serverkey.pem"
cat > "$root/d/etc/virtqemud.conf" <<EOF
listen_addr = "127.0.0.1"
tls_port = "$port"
tls_allowed_dn_list = ["$dn,CN=client*"]
EOF
log=$root/d/daemon.log
daemon_start "$virtqemud" "$root/d" "$virsh" --listen || exit 1
grep -q "listening for TLS on 127.0.0.1 port $port" "$log" ||
    { notok "the daemon does not say it listens for TLS"; sed 's/^/#   /' "$log"; }

uri() { echo "qemu+tls://${2:-127.0.0.1}:$port/system?pkipath=$root/pki-$1${3:-}"; }
mkdomain t1 7c1f0b8e-2a5d-4d1e-9b9a-1f2e3d4c5b6a

# life VIRSH WHO: define, list, dumpxml, undefine over TLS
life() {
    _v=$1 _who=$2 _u=$(uri good)
    if "$_v" -c "$_u" define "$root/t1.xml" >"$root/out" 2>&1 &&
       "$_v" -c "$_u" list --all --name >"$root/out" 2>&1 && grep -qx t1 "$root/out" &&
       "$_v" -c "$_u" dumpxml t1 >"$root/out" 2>&1 &&
       grep -q "<uuid>7c1f0b8e-2a5d-4d1e-9b9a-1f2e3d4c5b6a</uuid>" "$root/out" &&
       "$_v" -c "$_u" undefine t1 >"$root/out" 2>&1 &&
       "$_v" -c "$_u" list --all --name >"$root/out" 2>&1 && ! grep -qx t1 "$root/out"; then
        ok "$_who virsh: define, list, dumpxml, undefine over TLS"
    else
        notok "$_who virsh over TLS"; sed 's/^/#   /' "$root/out"
    fi
}
life "$dvirsh" "Debian's"
life "$virsh" our
# a host and no transport means TLS, for both
for v in "$dvirsh" "$virsh"; do
    if "$v" -c "qemu://127.0.0.1:$port/system?pkipath=$root/pki-good" uri >"$root/out" 2>&1 &&
       grep -q "^qemu://127.0.0.1:$port/system" "$root/out"; then
        ok "$v: qemu://HOST:PORT/system is TLS"
    else
        notok "$v: qemu://HOST:PORT/system"; sed 's/^/#   /' "$root/out"
    fi
done

# good VIRSH: a good client is served (the daemon survived what came
# before)
good() {
    "$1" -c "$(uri good)" uri >"$root/out" 2>&1 && grep -q "^qemu+t[lc][sp]://" "$root/out"
}

# refused NAME VIRSH URI CLIENT-NEEDLE [LOG-NEEDLE]: VIRSH fails on URI
# with CLIENT-NEEDLE on its stderr, LOG-NEEDLE (if any) appears in the
# daemon's log, and a good client is served right after (and was just
# before)
refused() {
    _n=$1 _v=$2 _u=$3 _c=$4 _l=${5:-}
    if ! good "$_v"; then
        notok "$_n: the good client is not served before"; sed 's/^/#   /' "$root/out"
        return
    fi
    _before=$(wc -l < "$log")
    if "$_v" -c "$_u" list >"$root/out" 2>"$root/err"; then
        notok "$_n: accepted"
        return
    fi
    if ! grep -qF -- "$_c" "$root/err"; then
        notok "$_n: client error lacks '$_c'"; sed 's/^/#   /' "$root/err"
        return
    fi
    if [ -n "$_l" ] && ! tail -n +"$((_before + 1))" "$log" | grep -qF -- "$_l"; then
        notok "$_n: daemon log lacks '$_l'"; tail -n +"$((_before + 1))" "$log" | sed 's/^/#   /'
        return
    fi
    if ! good "$_v"; then
        notok "$_n: the daemon does not serve the next good client"; sed 's/^/#   /' "$root/out"
        return
    fi
    ok "$_n: refused ($_c)"
}

# The client's own checks make ours refuse its bad files before
# connecting; no_sanity=1 sends them anyway so that the server refuses.
refused "expired client certificate, ours, load" "$virsh" "$(uri expired)" \
    "clientcert.pem' expired on 2020-01-01 00:00:00 UTC"
refused "expired client certificate, Debian's, server refuses" "$dvirsh" \
    "$(uri expired 127.0.0.1 '&no_sanity=1')" "Unable to read TLS confirmation" \
    "TLS: the client certificate '$dn,CN=clientA' expired on 2020-01-01 00:00:00 UTC; closing the connection"
refused "expired client certificate, ours, server refuses" "$virsh" \
    "$(uri expired 127.0.0.1 '&no_sanity=1')" "server verification (of our certificate or IP address) failed" \
    "expired on 2020-01-01 00:00:00 UTC"
refused "client certificate of another CA, Debian's" "$dvirsh" \
    "$(uri wrongca 127.0.0.1 '&no_sanity=1')" "Unable to read TLS confirmation" \
    "TLS: the client sent no certificate: a certificate signed by a CA of '$root/d/etc/pki/CA/cacert.pem' is required"
refused "client certificate of another CA, ours" "$virsh" "$(uri wrongca)" \
    "clientcert.pem' does not verify: it is not signed by a CA of '$root/pki-wrongca/cacert.pem'"
refused "server of another CA, ours" "$virsh" "$(uri otherca 127.0.0.1 '&no_sanity=1')" \
    "the server certificate '$dn,CN=127.0.0.1' failed validation: it is not signed by a CA of '$root/pki-otherca/cacert.pem'"
refused "server of another CA, Debian's" "$dvirsh" "$(uri otherca 127.0.0.1 '&no_sanity=1')" \
    "known issuer"
refused "host name mismatch, ours" "$virsh" "$(uri good localhost)" \
    "the server certificate '$dn,CN=127.0.0.1' does not match the host name 'localhost'"
refused "host name mismatch, Debian's" "$dvirsh" "$(uri good localhost)" \
    "does not match the hostname localhost"
refused "client DN not allowed, ours" "$virsh" "$(uri mallory)" \
    "server verification (of our certificate or IP address) failed" \
    "client DN '$dn,CN=mallory' is not in tls_allowed_dn_list"
refused "client DN not allowed, Debian's" "$dvirsh" "$(uri mallory)" \
    "Unable to read TLS confirmation" "client DN '$dn,CN=mallory' is not in tls_allowed_dn_list"

# On the wire (openssl s_client -msg, TLS 1.3): the handshake, then one
# application byte 0x01 from the server and no NewSessionTicket.
if command -v openssl >/dev/null; then
    (sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -msg \
        -CAfile "$certs/ca.pem" -cert "$certs/client.pem" -key "$certs/client-key.pem" \
        >"$root/ossl" 2>&1
    if ! grep -q "<<< TLS 1.3, Handshake .*, Finished" "$root/ossl" ||
       ! grep -q "Verify return code: 0 (ok)" "$root/ossl"; then
        notok "openssl s_client: no TLS 1.3 handshake"; tail -5 "$root/ossl" | sed 's/^/#   /'
    elif grep -q NewSessionTicket "$root/ossl"; then
        notok "the server sent a TLS 1.3 session ticket"
    elif [ "$(tr -dc '\001' < "$root/ossl" | wc -c)" -lt 1 ]; then
        notok "no confirmation byte 0x01 after the handshake"
    else
        ok "TLS 1.3 handshake, confirmation byte 0x01, no session ticket"
    fi
fi

# no_verify=1: the host name mismatch is a warning, the call works
for v in "$dvirsh" "$virsh"; do
    if "$v" -c "$(uri good localhost '&no_verify=1')" uri >"$root/out" 2>&1 &&
       grep -q "^qemu+t[lc][sp]://" "$root/out"; then
        ok "no_verify=1 lets $v through a host name mismatch"
    else
        notok "no_verify=1 with $v"; sed 's/^/#   /' "$root/out"
    fi
done

# Plain TCP: off by default; with listen_tcp = 1 served, and warned about.
tport=$(freeport)
if "$virsh" -c "qemu+tcp://127.0.0.1:$tport/system" uri >"$root/out" 2>&1; then
    notok "plain TCP answered without listen_tcp"
elif good "$virsh"; then
    ok "plain TCP is off by default"
else
    notok "no good client after the TCP attempt"
fi
kill "$dpid" && wait "$dpid" 2>/dev/null
dpid=
printf 'listen_tcp = 1\ntcp_port = "%s"\nlisten_tls = 0\n' "$tport" >> "$root/d/etc/virtqemud.conf"
daemon_start "$virtqemud" "$root/d" "$virsh" --listen || exit 1
if "$dvirsh" -c "qemu+tcp://127.0.0.1:$tport/system" uri >"$root/out" 2>&1 &&
   grep -q "^qemu+t[lc][sp]://" "$root/out" &&
   "$virsh" -c "qemu+tcp://127.0.0.1:$tport/system" uri >"$root/out" 2>&1 &&
   grep -q "^qemu+t[lc][sp]://" "$root/out" &&
   grep -q "warning : listen_tcp = 1: listening on 127.0.0.1 port $tport without TLS: the traffic is unencrypted and unauthenticated" "$log"; then
    ok "listen_tcp = 1: both virshes over plain TCP, with the warning in the log"
else
    notok "listen_tcp = 1"; sed 's/^/#   /' "$root/out"; tail -5 "$log" | sed 's/^/#   /'
fi

# Our client against Debian's libvirtd over TLS (root only: the daemon
# runs in namespaces of its own, tests/privatelibvirtd.sh; our virsh joins
# its network namespace, where it listens on 127.0.0.1).
if why=$(libvirtd_usable) && command -v nsenter >/dev/null; then
    kill "$dpid" && wait "$dpid" 2>/dev/null
    dpid=
    lport=$(freeport)
    libvirtd_args=--listen
    if libvirtd_start "$root/lv" "listen_tls = 1
listen_tcp = 0
listen_addr = \"127.0.0.1\"
tls_port = \"$lport\"
auth_tls = \"none\"
ca_file = \"$certs/ca.pem\"
cert_file = \"$certs/server.pem\"
key_file = \"$certs/server-key.pem\"
tls_allowed_dn_list = [\"$dn,CN=client*\"]"; then
        lvuri="qemu+tls://127.0.0.1:$lport/system?pkipath=$root/pki"
        innet() { nsenter --net="/proc/$libvirtd_pid/ns/net" "$@"; }
        if innet "$virsh" -c "$lvuri-good" define "$root/t1.xml" >"$root/out" 2>&1 &&
           innet "$virsh" -c "$lvuri-good" list --all --name >"$root/out" 2>&1 &&
           grep -qx t1 "$root/out" &&
           innet "$virsh" -c "$lvuri-good" undefine t1 >"$root/out" 2>&1; then
            ok "our virsh against Debian's libvirtd over TLS: define, list, undefine"
        else
            notok "our virsh against Debian's libvirtd over TLS"; sed 's/^/#   /' "$root/out"
        fi
        if innet "$virsh" -c "$lvuri-mallory" list >"$root/out" 2>&1; then
            notok "Debian's libvirtd accepted a DN not in its list"
        elif grep -q "server verification (of our certificate or IP address) failed" "$root/out" &&
             innet "$virsh" -c "$lvuri-good" list >/dev/null 2>&1; then
            ok "Debian's libvirtd refuses our client's DN not in its list, as ours does"
        else
            notok "refusal by Debian's libvirtd"; sed 's/^/#   /' "$root/out"
        fi
        innet "$virsh" -c "$lvuri-good" list >/dev/null 2>&1 ||
            notok "good client after the refusal by libvirtd"
    fi
    libvirtd_stop
else
    echo "# skipped our client against Debian's libvirtd: ${why:-nsenter is missing}"
fi

exit $fail
