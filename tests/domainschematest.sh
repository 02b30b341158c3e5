#!/bin/sh
# The domain XML under tests/ against src/conf/schemas/domain.rng.
# tests/domainschemadata.list names every document and the schema's
# verdict ("accept" or "reject"). A listed file that is missing fails (a
# deleted input must not pass silently), and so does an XML file in one of
# the listed directories that the list does not name (classify it).
set -u
top=$1
rng=$top/src/conf/schemas/domain.rng
list=$top/tests/domainschemadata.list
fail=0
n=0
tmp=$(mktemp /tmp/schematest.XXXXXX)
trap 'rm -f "$tmp"' EXIT

[ -s "$rng" ] || { echo "not ok - no schema at $rng"; exit 1; }
[ -s "$list" ] || { echo "not ok - no list at $list"; exit 1; }
while read -r verdict rel; do
    f=$top/tests/$rel
    if [ ! -f "$f" ]; then
        echo "not ok - $rel is listed in $list but missing"; fail=1; continue
    fi
    n=$((n + 1))
    if xmllint --noout --relaxng "$rng" "$f" >"$tmp" 2>&1; then got=accept; else got=reject; fi
    case $verdict in
        accept|reject) ;;
        *) echo "not ok - $list: unknown verdict '$verdict' for $rel"; fail=1; continue ;;
    esac
    if [ "$got" = "$verdict" ]; then
        echo "ok - $rel: $got"
    else
        echo "not ok - the schema should $verdict $rel"; sed 's/^/# /' "$tmp"; fail=1
    fi
done < "$list"

for dir in $(sed 's|^[a-z]* \(.*\)/[^/]*$|\1|' "$list" | sort -u); do
    for f in "$top/tests/$dir"/*.xml; do
        [ -f "$f" ] || continue
        grep -qx "[a-z]* $dir/$(basename "$f")" "$list" ||
            { echo "not ok - $dir/$(basename "$f") is not in $list: add it with its verdict"; fail=1; }
    done
done
[ $n -gt 0 ] || { echo "not ok - no document checked"; fail=1; }
echo "# checked $n documents"
exit $fail
