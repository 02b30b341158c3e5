#!/bin/sh
# Makes this run's certificates with certtool (tests/tlscerts.sh) and runs
# a test program on them (virnettlscontexttest, virnetclientopentest),
# their directory in TLS_CERT_DIR.
# usage: virnettlscontexttest.sh TEST-PROGRAM TOP-SRCDIR
set -u
test=$1
top=$2
. "$top/tests/tlscerts.sh"
tls_need_certtool
dir=$(mktemp -d /tmp/tlsctx.XXXXXX)
trap 'rm -rf "$dir"' EXIT
tls_mkca "$dir" ca && tls_mkca "$dir" otherca &&
    tls_mkcert "$dir" server ca server 127.0.0.1 &&
    tls_mkcert "$dir" client ca client clientA &&
    tls_mkcert "$dir" expired ca client clientA \
        'activation_date = "2019-01-01 00:00:00 UTC"' 'expiration_date = "2020-01-01 00:00:00 UTC"' &&
    tls_mkcert "$dir" future ca client clientA \
        'activation_date = "2036-01-01 00:00:00 UTC"' 'expiration_date = "2037-01-01 00:00:00 UTC"' &&
    tls_mkcert "$dir" wrongca otherca client clientA ||
    { echo "Bail out! certtool failed:"; cat "$dir"/*.log; exit 1; }
TLS_CERT_DIR=$dir "$test"
