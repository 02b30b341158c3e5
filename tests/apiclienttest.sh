#!/bin/sh
# The public-API client runs against our library, and the very same source
# compiles and links against Debian's libvirt-dev.
set -eu
client=$1
src=$2
example=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$client" "$tmp/root" "$example")
echo "$out"
echo "$out" | grep -q "^name=team-valid uuid=6f1c3a6e-1d2b-4c5e-9a7b-000000000001$"
echo "$out" | grep -q "^xml has teaming: yes$"
echo "$out" | grep -q "^inactive domains: 1$"
echo "$out" | grep -q "^missing: Domain not found: "
echo "$out" | grep -q "^undefined$"

if pkg-config --exists libvirt 2>/dev/null; then
    # shellcheck disable=SC2046
    cc -Wall -Werror -o "$tmp/apiclient-libvirt" "$src" $(pkg-config --cflags --libs libvirt)
    echo "compiles and links against libvirt $(pkg-config --modversion libvirt)"
else
    echo "libvirt-dev not installed: compatibility not checked"
    exit 77
fi
