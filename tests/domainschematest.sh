#!/bin/sh
# The domain XML under tests/ against src/conf/schemas/domain.rng.
# tests/domainschemadata.list names every document and the schema's
# verdict ("accept" or "reject"). A listed file that is missing fails (a
# deleted input must not pass silently), and so does an XML file in one of
# the listed directories that the list does not name (classify it).
# (Few processes: forks are slow on a loaded machine.)
set -u
top=$1
rng=$top/src/conf/schemas/domain.rng
list=$top/tests/domainschemadata.list
tmp=$(mktemp -d /tmp/schematest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -s "$rng" ] || { echo "not ok - no schema at $rng"; exit 1; }
[ -s "$list" ] || { echo "not ok - no list at $list"; exit 1; }

# the XML files that exist in the listed directories, as DIR/NAME
for dir in $(sed 's|^[a-z]* \(.*\)/[^/]*$|\1|' "$list" | sort -u); do
    (cd "$top/tests/$dir" && for f in *.xml; do [ -f "$f" ] && echo "$dir/$f"; done)
done > "$tmp/present"

# listed and present: checked; listed only: missing; present only: unlisted
awk -v top="$top/tests/" -v files="$tmp/files" -v listname="$list" '
    FNR == NR { present[$0] = 1; next }
    $1 != "accept" && $1 != "reject" {
        print "not ok - " listname ": unknown verdict \"" $1 "\" for " $2; bad = 1; next
    }
    { listed[$2] = 1 }
    !($2 in present) { print "not ok - " $2 " is listed in " listname " but missing"; bad = 1; next }
    { print top $2 > files }
    END {
        for (p in present)
            if (!(p in listed)) {
                print "not ok - " p " is not in " listname ": add it with its verdict"; bad = 1
            }
        exit bad
    }
' "$tmp/present" "$list"
fail=$?
[ -s "$tmp/files" ] || { echo "not ok - no document checked"; exit 1; }

# one xmllint for all (the schema is loaded once): "FILE validates" or
# "FILE fails to validate" after its reasons; a document that is not
# well-formed has only reasons
tr '\n' '\0' < "$tmp/files" | xargs -0 xmllint --noout --relaxng "$rng" > "$tmp/out" 2>&1
awk -v top="$top/tests/" -v files="$tmp/files" '
    FNR == NR {
        if (index($0, top) != 1)
            next
        rest = substr($0, length(top) + 1)
        if (rest ~ / validates$/) {
            got[substr(rest, 1, length(rest) - 10)] = "accept"
        } else if (rest ~ / fails to validate$/) {
            got[substr(rest, 1, length(rest) - 18)] = "reject"
        } else if ((c = index(rest, ":")) > 0) {
            f = substr(rest, 1, c - 1)
            why[f] = why[f] "# " $0 "\n"
            if (!(f in got))
                got[f] = "reject"   # not well-formed: no verdict line
        }
        next
    }
    FILENAME == files { checked[substr($0, length(top) + 1)] = 1; next }
    !($2 in checked) { next }
    {
        n++
        if (!($2 in got)) {
            print "not ok - xmllint gave no verdict on " $2; bad = 1
        } else if (got[$2] == $1) {
            print "ok - " $2 ": " $1
        } else {
            print "not ok - the schema should " $1 " " $2
            printf "%s", why[$2]
            bad = 1
        }
    }
    END { print "# checked " n " documents"; exit bad }
' "$tmp/out" "$tmp/files" "$list" || fail=1
exit $fail
