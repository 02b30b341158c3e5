#!/bin/sh
# Every domain XML under tests/ meant to be valid validates against
# src/conf/schemas/domain.rng; the structurally invalid inputs do not.
set -u
top=$1
rng=$top/src/conf/schemas/domain.rng
fail=0
n=0
for f in "$top"/tests/genericxml2xmlindata/*.xml "$top"/tests/genericxml2xmloutdata/*.xml \
         "$top"/tests/qemuxml2argvdata/*.xml "$top"/tests/qemuxml2xmloutdata/*.xml \
         "$top"/tests/fuzz/corpus/*.xml; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in invalid-*) continue ;; esac
    n=$((n + 1))
    if ! xmllint --noout --relaxng "$rng" "$f" 2>/tmp/schematest.$$; then
        echo "not ok - $f"; cat /tmp/schematest.$$; fail=1
    fi
done
for name in teaming-unknown-type teaming-type-none teaming-type-missing teaming-transient-no-persistent \
            teaming-persistent-with-attr teaming-hostdev-persistent teaming-hostdev-usb \
            alias-chars interface-type name-slash uuid memory-unit domain-type \
            name-newline name-tab name-del name-dotdot alias-newline source-network-newline \
            unknown-device no-memory; do
    f=$top/tests/genericxml2xmlindata/invalid-$name.xml
    n=$((n + 1))
    if xmllint --noout --relaxng "$rng" "$f" 2>/dev/null; then
        echo "not ok - schema accepts $f"; fail=1
    fi
done
rm -f /tmp/schematest.$$
echo "checked $n documents"
exit $fail
