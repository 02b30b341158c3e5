#!/bin/sh
# virsh edit, net-edit, define --validate and net-define --validate against
# a temporary embedded root, with scripted editors (no QEMU is started).
# The answers to "Failed. Try again?" come from stdin.
set -u
virsh=$1
srcdir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uri="qemu:///embed?root=$tmp/root"
fail=0
unset VISUAL

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; echo "  stdout: $(cat "$tmp/out")"; echo "  stderr: $(cat "$tmp/err")"; fail=1; }

# run ANSWERS EDITOR-SCRIPT ARGS...: virsh with $EDITOR and the answers on stdin
run() {
    run_answers=$1 run_editor=$2; shift 2
    printf '%s' "$run_answers" | EDITOR=$run_editor "$virsh" -c "$uri" "$@" >"$tmp/out" 2>"$tmp/err"
}

# An editor is a script: it applies sed expressions from $tmp/sedN (N is
# the call number), keeps a copy of what it saved, counts its calls.
cat > "$tmp/editor.sh" <<EOF
#!/bin/sh
n=\$(( \$(cat "$tmp/calls" 2>/dev/null || echo 0) + 1 ))
echo \$n > "$tmp/calls"
[ -f "$tmp/sed\$n" ] && sed -i -f "$tmp/sed\$n" "\$1"
cp "\$1" "$tmp/saved.xml"
exit 0
EOF
chmod +x "$tmp/editor.sh"
editor="$tmp/editor.sh"
edits() {  # edits SED1 [SED2]: what the editor's calls will do
    rm -f "$tmp/calls" "$tmp/sed1" "$tmp/sed2" "$tmp/saved.xml"
    [ $# -ge 1 ] && printf '%s\n' "$1" > "$tmp/sed1"
    [ $# -ge 2 ] && printf '%s\n' "$2" > "$tmp/sed2"
    true
}
memory() { "$virsh" -q -c "$uri" dumpxml --inactive team-valid | sed -n "s|.*<memory unit='KiB'>\([0-9]*\)<.*|\1|p"; }

"$virsh" -q -c "$uri" define "$srcdir/tests/qemuxml2argvdata/q35-teaming-hostdev.xml" >/dev/null 2>"$tmp/err" ||
    { echo "Bail out! define failed: $(cat "$tmp/err")"; exit 1; }
[ "$(memory)" = 262144 ] || { echo "Bail out! memory of the definition: '$(memory)'"; exit 1; }

# -- no change
edits
run '' "$editor" edit team-valid
[ $? = 0 ] && [ "$(cat "$tmp/out")" = "Domain 'team-valid' XML configuration not changed." ] &&
    [ "$(cat "$tmp/calls")" = 1 ] && ok "unchanged file: not changed" || notok "unchanged file"

# -- a valid change is defined
edits "s|<memory unit='KiB'>262144</memory>|<memory unit='KiB'>524288</memory>|"
run '' "$editor" edit team-valid
[ $? = 0 ] && grep -qx "Domain 'team-valid' XML configuration edited." "$tmp/out" &&
    [ "$(memory)" = 524288 ] && ok "valid change is defined" || notok "valid change"

# -- not well-formed: the question, 'n' keeps the old definition
edits "s|<name>team-valid</name>|<nme>team-valid</name>|"
run 'n' "$editor" edit team-valid
rc=$?
[ $rc = 1 ] && grep -q "Failed. Try again? \[y,n,i,f,?\]: " "$tmp/out" &&
    grep -q "^error: XML error: (domain_definition):2: Opening and ending tag mismatch" "$tmp/err" &&
    [ "$(memory)" = 524288 ] && ok "broken XML: question, n keeps the definition" || notok "broken XML ($rc)"

# -- a teaming rule broken in the editor: path and line of the element
edits "s|<alias name='ua-backup0'/>|<alias name='ua-other'/>|"
run 'n' "$editor" edit team-valid
rc=$?
line=$(grep -n "persistent='ua-backup0'" "$tmp/saved.xml" | cut -d: -f1)
if [ $rc = 1 ] && [ -n "$line" ] &&
   grep -q "names persistent='ua-backup0', but no interface in this domain has <alias name='ua-backup0'/>.* (at /domain/devices/interface\[2\]/teaming, line $line)$" "$tmp/err" &&
   "$virsh" -q -c "$uri" dumpxml --inactive team-valid | grep -q "<alias name='ua-backup0'/>"; then
    ok "teaming error in the editor names /domain/devices/interface[2]/teaming, line $line"
else
    notok "teaming error location ($rc, line '$line')"
fi

# -- 'y' edits again (on the user's text), the second edit fixes it
edits "s|<name>team-valid</name>|<nme>team-valid</name>|" "s|<nme>team-valid</name>|<name>team-valid</name>|;s|524288|393216|"
run 'y' "$editor" edit team-valid
[ $? = 0 ] && [ "$(cat "$tmp/calls")" = 2 ] && [ "$(memory)" = 393216 ] &&
    grep -q "edited." "$tmp/out" && ok "y runs the editor again" || notok "y"

# -- '?' prints the help, unknown keys ask again, 'i' defines without the schema
edits "s|<devices>|<bogus/><devices>|"
run '?xi' "$editor" edit team-valid
rc=$?
[ $rc = 0 ] && grep -q "^y - yes, start editor again$" "$tmp/out" &&
    grep -q "^i - turn off validation and try to redefine again$" "$tmp/out" &&
    [ "$(grep -o 'Failed. Try again' "$tmp/out" | wc -l)" = 3 ] &&
    grep -q "Unable to validate doc against .*domain.rng" "$tmp/err" &&
    grep -q "edited." "$tmp/out" && ok "? helps, i skips the schema only" || notok "? and i ($rc)"

# -- 'i' never defines what the semantic checks refuse; after 'i' it is not offered
edits "s|<alias name='ua-backup0'/>|<alias name='ua-other'/>|"
run 'ifn' "$editor" edit team-valid
rc=$?
[ $rc = 1 ] && grep -q "Failed. Try again? \[y,n,f,?\]: " "$tmp/out" &&
    [ "$(grep -c "no interface in this domain has" "$tmp/err")" = 3 ] &&
    "$virsh" -q -c "$uri" dumpxml --inactive team-valid | grep -q "<alias name='ua-backup0'/>" &&
    ok "i and f do not define a broken teaming pair" || notok "i/f on a semantic error ($rc)"

# -- --skip-validate: no 'i'; end of input answers n
edits "s|<name>team-valid</name>|<nme>team-valid</name>|"
run '' "$editor" edit team-valid --skip-validate
rc=$?
[ $rc = 1 ] && grep -q "Failed. Try again? \[y,n,f,?\]: " "$tmp/out" &&
    ! grep -q "i,f" "$tmp/out" && ok "--skip-validate: [y,n,f,?], EOF is n" || notok "--skip-validate ($rc)"

# -- the editor fails
run '' false edit team-valid
rc=$?
[ $rc = 1 ] && grep -q "^error: internal error: Child process (false .*virsh.*\.xml) unexpected exit status 1$" "$tmp/err" &&
    ok "failing editor" || notok "failing editor ($rc)"

# -- VISUAL wins over EDITOR, and may carry arguments
edits
printf '' | VISUAL="$editor --some-arg" EDITOR=false "$virsh" -c "$uri" edit team-valid >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && [ "$(cat "$tmp/calls")" = 1 ] && grep -q "not changed" "$tmp/out" &&
    ok "VISUAL with arguments" || notok "VISUAL"

# -- someone redefines the domain while the editor runs
cat > "$tmp/racer.sh" <<EOF
#!/bin/sh
"$virsh" -q -c "$uri" dumpxml --inactive team-valid | sed "s|393216|131072|" > "$tmp/other.xml"
"$virsh" -q -c "$uri" define "$tmp/other.xml" >/dev/null
sed -i "s|393216|655360|" "\$1"
EOF
chmod +x "$tmp/racer.sh"
run '' "$tmp/racer.sh" edit team-valid
rc=$?
[ $rc = 1 ] && grep -qx "error: The XML configuration was changed by another user." "$tmp/err" &&
    [ "$(memory)" = 131072 ] && ok "a concurrent change is not overwritten" || notok "concurrent change ($rc)"

# -- unknown domain
run '' "$editor" edit nosuch
[ $? = 1 ] && grep -q "^error: failed to get domain 'nosuch'" "$tmp/err" && ok "unknown domain" || notok "unknown domain"

# -- detach-device-alias (with the persistent definition)
sed "s|<name>team-valid</name>|<name>da</name>|;s|<uuid>.*</uuid>||;s|<devices>|<devices>\n    <interface type='user'><model type='virtio'/><alias name='ua-extra'/></interface>|" \
    "$srcdir/tests/qemuxml2argvdata/q35-teaming-hostdev.xml" > "$tmp/da.xml"
"$virsh" -q -c "$uri" define "$tmp/da.xml" >/dev/null 2>"$tmp/err" &&
    "$virsh" -q -c "$uri" dumpxml --inactive da | grep -q "<alias name='ua-extra'/>" ||
    { echo "Bail out! define da: $(cat "$tmp/err")"; exit 1; }
"$virsh" -c "$uri" detach-device-alias da ua-extra --config >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && grep -qx "Device detach request sent successfully" "$tmp/out" &&
    ! "$virsh" -q -c "$uri" dumpxml --inactive da | grep -q "ua-extra" &&
    "$virsh" -q -c "$uri" dumpxml --inactive da | grep -q "<alias name='ua-backup0'/>" &&
    ok "detach-device-alias --config" || notok "detach-device-alias"
"$virsh" -c "$uri" detach-device-alias da ua-extra --config >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && grep -qx "error: Failed to detach device with alias ua-extra" "$tmp/err" &&
    ok "detach-device-alias: unknown alias" || notok "detach-device-alias unknown alias"

# -- net-edit
"$virsh" -q -c "$uri" net-define "$srcdir/tests/networkxml2xmlin/bridge-host.xml" >/dev/null 2>"$tmp/err" ||
    { echo "Bail out! net-define failed: $(cat "$tmp/err")"; exit 1; }
edits
run '' "$editor" net-edit host-bridge
[ $? = 0 ] && [ "$(cat "$tmp/out")" = "Network host-bridge XML configuration not changed." ] &&
    ok "net-edit: not changed" || notok "net-edit not changed"
edits "s|<bridge name='br0'/>|<bridge name='br1'/>|"
run '' "$editor" net-edit host-bridge
[ $? = 0 ] && grep -qx "Network host-bridge XML configuration edited." "$tmp/out" &&
    "$virsh" -q -c "$uri" net-dumpxml --inactive host-bridge | grep -q "<bridge name='br1'/>" &&
    ok "net-edit: edited" || notok "net-edit edited"
edits "s|<network>|<network><bogus>|"
run 'n' "$editor" net-edit host-bridge
[ $? = 1 ] && grep -q "Failed. Try again? \[y,n,f,?\]: " "$tmp/out" &&
    "$virsh" -q -c "$uri" net-dumpxml --inactive host-bridge | grep -q "<bridge name='br1'/>" &&
    ok "net-edit: broken XML keeps the definition" || notok "net-edit broken"

# -- define --validate / net-define --validate: libvirt's shape, element and line
sed "s|<devices>|<bogus/>\n  <devices>|" "$srcdir/tests/qemuxml2argvdata/q35-teaming-hostdev.xml" > "$tmp/bogus.xml"
line=$(grep -n "<bogus/>" "$tmp/bogus.xml" | cut -d: -f1)
"$virsh" -c "$uri" define "$tmp/bogus.xml" >"$tmp/out" 2>"$tmp/err" ||
    { echo "Bail out! define without --validate refused: $(cat "$tmp/err")"; exit 1; }
"$virsh" -c "$uri" define --validate "$tmp/bogus.xml" >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && grep -q "^error: XML document failed to validate against schema: Unable to validate doc against .*/domain.rng$" "$tmp/err" &&
    grep -q "(at /domain/bogus, line $line)$" "$tmp/err" && ok "define --validate: schema, element and line" ||
    notok "define --validate"
printf '<network>\n  <name>n2</name>\n  <bogus/>\n</network>\n' > "$tmp/net.xml"
"$virsh" -c "$uri" net-define --validate "$tmp/net.xml" >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && grep -q "Unable to validate doc against .*/network.rng$" "$tmp/err" &&
    grep -q "(at /network/bogus, line 3)$" "$tmp/err" && ok "net-define --validate: element and line" ||
    notok "net-define --validate"

exit $fail
