# Test certificates made with certtool (gnutls-bin) for the TLS tests.
# shellcheck shell=sh
#
# tls_need_certtool: certtool is installed, else the test is skipped
# tls_mkkey FILE: an RSA key
# tls_mkca DIR NAME: DIR/NAME.pem self-signed CA (key DIR/NAME-key.pem)
# tls_mkcert DIR NAME CA KIND CN [TEMPLATE-LINES]: DIR/NAME.pem signed by
#   DIR/CA.pem, KIND server (TLS WWW server, IP 127.0.0.1 only in its
#   subjectAltName: "localhost" does not match) or client (TLS WWW
#   client), with the
#   DN C=GB,ST=London,L=London,O=Test,CN=CN; DIR/NAME-key.pem its key.
#   Extra template lines (e.g. activation_date / expiration_date) may
#   follow, one per argument.
# tls_dh_params DIR: DIR/dh-params.pem, a well-known group of RFC 7919
#   (what docs/migration.rst has a host's QEMU directory hold)

tls_need_certtool() {
    command -v certtool >/dev/null 2>&1 ||
        { echo "1..0 # SKIP certtool is needed (gnutls-bin; .ci/install-deps installs it)"; exit 77; }
}

tls_mkkey() {
    certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$1" >/dev/null 2>&1
}

tls_mkca() {
    _dir=$1 _name=$2
    tls_mkkey "$_dir/$_name-key.pem" || return 1
    cat > "$_dir/$_name.tmpl" <<EOF
cn = "$_name"
organization = "Test"
ca
cert_signing_key
expiration_days = 30
EOF
    certtool --generate-self-signed --load-privkey "$_dir/$_name-key.pem" \
        --template "$_dir/$_name.tmpl" --outfile "$_dir/$_name.pem" >/dev/null 2>&1
}

tls_mkcert() {
    _dir=$1 _name=$2 _ca=$3 _kind=$4 _cn=$5
    shift 5
    tls_mkkey "$_dir/$_name-key.pem" || return 1
    {
        echo 'country = "GB"'
        echo 'state = "London"'
        echo 'locality = "London"'
        echo 'organization = "Test"'
        echo "cn = \"$_cn\""
        if [ "$_kind" = server ]; then
            echo 'ip_address = "127.0.0.1"'
            echo 'tls_www_server'
        else
            echo 'tls_www_client'
        fi
        echo 'encryption_key'
        echo 'signing_key'
        for _l in "$@"; do echo "$_l"; done
        case " $* " in *expiration_date*) ;; *) echo 'expiration_days = 30' ;; esac
    } > "$_dir/$_name.tmpl"
    certtool --generate-certificate --load-privkey "$_dir/$_name-key.pem" \
        --load-ca-certificate "$_dir/$_ca.pem" --load-ca-privkey "$_dir/$_ca-key.pem" \
        --template "$_dir/$_name.tmpl" --outfile "$_dir/$_name.pem" >"$_dir/$_name.log" 2>&1
}

tls_dh_params() {
    certtool --get-dh-params --bits 2048 --outfile "$1/dh-params.pem" >/dev/null 2>&1
}

# tls_admin_pki CERTS PKI: a CA CERTS/ca.pem for a run of namespace hosts
# and the administrator's certificate (client, CN admin) in PKI as a
# client's ?pkipath= wants it (cacert.pem, clientcert.pem, clientkey.pem)
tls_admin_pki() {
    _c=$1 _p=$2
    mkdir -p "$_c" "$_p" &&
        tls_mkca "$_c" ca &&
        tls_mkcert "$_c" admin ca client admin || { cat "$_c"/*.log 2>/dev/null; return 1; }
    cp "$_c/ca.pem" "$_p/cacert.pem" &&
        cp "$_c/admin.pem" "$_p/clientcert.pem" &&
        cp "$_c/admin-key.pem" "$_p/clientkey.pem"
}

# tls_host_pki CERTS ROOT NAME ADDR: the certificates of the daemon of
# root ROOT, reached at ADDR, signed by CERTS/ca.pem: a server one naming
# ADDR and a client one (CN NAME: the source daemon of a p2p migration is
# a client of the destination) under ROOT/etc/pki as libvirt lays them
# out, and the same for QEMU's migration over TLS (--tls) in
# ROOT/etc/pki/qemu, with its dh-params.pem
tls_host_pki() {
    _c=$1 _r=$2 _n=$3 _a=$4
    tls_mkcert "$_c" "server-$_n" ca server "$_a" "ip_address = \"$_a\"" &&
        tls_mkcert "$_c" "client-$_n" ca client "$_n" || { cat "$_c"/*.log; return 1; }
    mkdir -p "$_r/etc/pki/CA" "$_r/etc/pki/libvirt/private" "$_r/etc/pki/qemu" &&
        cp "$_c/ca.pem" "$_r/etc/pki/CA/cacert.pem" &&
        cp "$_c/server-$_n.pem" "$_r/etc/pki/libvirt/servercert.pem" &&
        cp "$_c/server-$_n-key.pem" "$_r/etc/pki/libvirt/private/serverkey.pem" &&
        cp "$_c/client-$_n.pem" "$_r/etc/pki/libvirt/clientcert.pem" &&
        cp "$_c/client-$_n-key.pem" "$_r/etc/pki/libvirt/private/clientkey.pem" &&
        cp "$_c/ca.pem" "$_r/etc/pki/qemu/ca-cert.pem" &&
        cp "$_c/server-$_n.pem" "$_r/etc/pki/qemu/server-cert.pem" &&
        cp "$_c/server-$_n-key.pem" "$_r/etc/pki/qemu/server-key.pem" &&
        cp "$_c/client-$_n.pem" "$_r/etc/pki/qemu/client-cert.pem" &&
        cp "$_c/client-$_n-key.pem" "$_r/etc/pki/qemu/client-key.pem" &&
        tls_dh_params "$_r/etc/pki/qemu"
}
