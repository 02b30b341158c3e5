#!/bin/sh
# virt-xml-validate on every XML file of the tests' data directories:
# valid documents validate; invalid ones fail (status 3) with the message
# their golden .err file expects when the schema accepts them (the
# semantic rules refuse them), or with the schema's messages otherwise.
# Then libvirt's exit statuses and --explain.
set -u
vx=$1
top=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

notok() { echo "not ok - $1"; sed 's/^/  /' "$tmp/err"; fail=1; }

valid() {  # valid FILE
    n=$((n + 1))
    "$vx" "$1" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc = 0 ] && grep -qxF "$1 validates" "$tmp/err" || notok "$1 must validate ($rc)"
}

# invalid FILE RNG ERRFILE: the last line of ERRFILE is the expected
# message when RNG accepts FILE
invalid() {
    n=$((n + 1))
    "$vx" "$1" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc != 3 ] || ! grep -qxF "$1 fails to validate" "$tmp/err" &&
       ! grep -qxF "$vx: cannot determine schema type for $1" "$tmp/err"; then
        notok "$1 must fail to validate ($rc)"
        return
    fi
    if xmllint --noout --relaxng "$2" "$1" 2>/dev/null; then
        want=$(tail -n 1 "$3")
        grep -qF -- "$1: $want" "$tmp/err" || { notok "$1: expected '$want'"; return; }
    elif xmllint --noout "$1" 2>/dev/null; then
        grep -q "^$1: .*(at /[a-zA-Z].*)$" "$tmp/err" || { notok "$1: no schema message with its element"; return; }
    else
        grep -qxF "$vx: cannot determine schema type for $1" "$tmp/err" || { notok "$1: not well-formed"; return; }
    fi
}

drng=$top/src/conf/schemas/domain.rng
nrng=$top/src/conf/schemas/network.rng

for f in "$top"/tests/genericxml2xmlindata/*.xml; do
    name=$(basename "$f" .xml)
    case $name in
        invalid-*) invalid "$f" "$drng" "$top/tests/genericxml2xmloutdata/$name.err" ;;
        *) valid "$f" ;;
    esac
done
for f in "$top"/tests/genericxml2xmloutdata/*.xml "$top"/tests/fuzz/corpus/*.xml; do
    [ -f "$f" ] && valid "$f"
done

# The QEMU driver refuses some of these at start (their .err files): only
# the ones whose .err is a rule of the domain itself fail here, and then
# with that message; the rest are valid definitions, except the ones the
# schema is stricter about than the driver (and libvirt) are: those that
# tests/domainschemadata.list says the schema rejects fail with a schema
# message.
semantic=0
for f in "$top"/tests/qemuxml2argvdata/*.xml; do
    err=${f%.xml}.x86_64-7.2.0.err
    n=$((n + 1))
    if "$vx" "$f" >"$tmp/out" 2>"$tmp/err"; then
        continue
    fi
    if [ ! -f "$err" ] &&
       grep -qxF "reject qemuxml2argvdata/$(basename "$f")" "$top/tests/domainschemadata.list"; then
        grep -q "^$f: .*(at /[a-zA-Z].*)$" "$tmp/err" && grep -qxF "$f fails to validate" "$tmp/err" ||
            notok "$f: no schema message with its element"
        continue
    fi
    semantic=$((semantic + 1))
    [ -f "$err" ] && grep -qF -- "$f: $(tail -n 1 "$err")" "$tmp/err" &&
        grep -qxF "$f fails to validate" "$tmp/err" || notok "$f failed without the message of $err"
done
[ $semantic -ge 2 ] || { echo "not ok - only $semantic qemuxml2argvdata documents refused, expected the teaming ones"; fail=1; }

for f in "$top"/tests/networkxml2xmlin/*.xml "$top"/tests/networkxml2xmlout/*.xml; do
    name=$(basename "$f" .xml)
    case $name in
        invalid-*) invalid "$f" "$nrng" "$top/tests/networkxml2xmlout/$name.err" ;;
        live-*)   # live XML: connections= cannot be defined
            n=$((n + 1))
            "$vx" "$f" >"$tmp/out" 2>"$tmp/err"
            [ $? = 3 ] && grep -qF "connections= is a live, read-only value" "$tmp/err" ||
                notok "$f: live XML is not a definition" ;;
        *) valid "$f" ;;
    esac
done
echo "ok - $n documents of tests/ checked"

# -- the location of a teaming error in a file of ours
cat > "$tmp/t.xml" <<'XML'
<domain type='kvm'>
  <name>t</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <interface type='user'>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-sb'/>
    </interface>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <interface type='hostdev'>
      <source>
        <address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/>
      </source>
      <teaming type='transient' persistent='ua-sb'/>
    </interface>
    <hostdev mode='subsystem' type='pci'>
      <source>
        <address domain='0x0000' bus='0x03' slot='0x07' function='0x2'/>
      </source>
      <teaming type='transient' persistent='ua-sb'/>
    </hostdev>
  </devices>
</domain>
XML
"$vx" "$tmp/t.xml" >"$tmp/out" 2>"$tmp/err"
[ $? = 3 ] && grep -q "standby interface 'ua-sb' has two teaming primaries.* (at /domain/devices/hostdev/teaming, line 29)$" "$tmp/err" &&
    echo "ok - teaming error with element path and line" || notok "teaming error location"

# -- exit statuses of libvirt's tool
cp "$top/tests/genericxml2xmlindata/minimal.xml" "$tmp/ok.xml"
printf '<domain>\n' > "$tmp/broken.xml"
printf '<pool/>\n' > "$tmp/pool.xml"
status() {  # status WANT GREP-STDERR ARGS...
    want=$1 pat=$2; shift 2
    "$vx" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc = "$want" ] && grep -q -- "$pat" "$tmp/err" && echo "ok - status $want: $*" ||
        notok "status $want: $* (got $rc)"
}
status 1 "^syntax: .* XMLFILE \[TYPE\]$"
status 1 "unrecognized option '--bogus'" --bogus
status 2 "document $tmp/nothere.xml does not exist" "$tmp/nothere.xml"
status 2 "document $tmp does not exist" "$tmp"
status 3 "cannot determine schema type for $tmp/pool.xml" "$tmp/pool.xml"
status 3 "cannot determine schema type for $tmp/broken.xml" "$tmp/broken.xml"
status 1 "Premature end of data" "$tmp/broken.xml" domain
status 3 "Expecting element network, got domain" "$tmp/ok.xml" network
status 4 "schema .*/nosuch.rng does not exist" "$tmp/ok.xml" nosuch
status 0 "validates" "$tmp/ok.xml" domain
"$vx" --version | grep -q "(libvirt) [0-9]" && echo "ok - --version" || { echo "not ok - --version"; fail=1; }
"$vx" --help | grep -q "XML-FILE \[SCHEMA-NAME\]" && echo "ok - --help" || { echo "not ok - --help"; fail=1; }
out=$("$vx" --explain)
[ $? = 0 ] && echo "$out" | grep -q "^  same-mac$" && echo "$out" | grep -q "^  hot-unpluggable$" &&
    echo "ok - --explain" || { echo "not ok - --explain: $out"; fail=1; }

exit $fail
