#!/bin/sh
# The bash completion of virsh: its function run on a few command lines
# (COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash sets them) offers
# the expected candidates, from the connection the line names with -c.
set -u
virsh=$1
script=$2
srcdir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uri="qemu:///embed?root=$tmp/root"
empty="qemu:///embed?root=$tmp/empty"
fail=0

command -v bash >/dev/null || { echo "1..0 # SKIP no bash"; exit 77; }

sed "s|<devices>|<devices>\n    <interface type='user'><model type='virtio'/><alias name='ua-extra'/></interface>|" \
    "$srcdir/tests/qemuxml2argvdata/q35-teaming-hostdev.xml" > "$tmp/d.xml"
sed "s|<name>minimal</name>|<name>other</name>|" \
    "$srcdir/tests/genericxml2xmlindata/minimal.xml" > "$tmp/o.xml"
{ "$virsh" -q -c "$uri" define "$tmp/d.xml" && "$virsh" -q -c "$uri" define "$tmp/o.xml" &&
  "$virsh" -q -c "$uri" net-define "$srcdir/tests/networkxml2xmlin/bridge-host.xml"; } \
    >/dev/null 2>"$tmp/err" || { echo "Bail out! setup: $(cat "$tmp/err")"; exit 1; }

# complete LINE: the candidates bash would offer at the end of LINE
complete_line() {
    bash -c '
        . "$1"
        line=$2
        eval "set -- $line"
        COMP_WORDS=("$@")
        case $line in *" ") COMP_WORDS+=("") ;; esac
        COMP_WORDS[0]=$0
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE=$line
        COMP_POINT=${#line}
        _virsh_complete
        printf "%s\n" "${COMPREPLY[@]}" | sort' "$virsh" "$script" "$1"
}

expect() {  # expect LINE CANDIDATES...
    line=$1; shift
    got=$(complete_line "$line" | tr '\n' ' ' | sed 's/ *$//')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ *$//')
    if [ "$got" = "$want" ]; then
        echo "ok - '$line' -> $want"
    else
        echo "not ok - '$line': got '$got', want '$want'"; fail=1
    fi
}

expect "virsh ed" edit
expect "virsh net-e" net-edit
expect "virsh -c '$uri' --q" --quiet
expect "virsh -c '$uri' start " other team-valid
expect "virsh -c '$uri' start t" team-valid
expect "virsh --connect='$uri' dumpxml o" other
mkdir "$tmp/empty"
expect "virsh -c '$empty' start "
expect "virsh -c 'qemu:///embed?root=$tmp/typo' start "
[ ! -e "$tmp/typo" ] && echo "ok - completing does not create a mistyped root" ||
    { echo "not ok - completion created $tmp/typo"; fail=1; }
expect "virsh -c '$uri' detach-device-alias team-valid " ua-backup0 ua-extra
expect "virsh -c '$uri' detach-device-alias --domain team-valid ua-e" ua-extra
expect "virsh -c '$uri' detach-device-alias team-valid ua-extra --c" --config --current
expect "virsh -c '$uri' net-edit " host-bridge
expect "virsh -c '$uri' edit team-valid --" --skip-validate
expect "virsh -c '$uri' define --validate "
expect "virsh help net-d" net-define net-destroy net-dumpxml
# files are left to bash (-o default)
bash -c '. "$1"; complete -p virsh' _ "$script" | grep -q -- "-o default -F _virsh_complete virsh" &&
    echo "ok - file names are bash's default" || { echo "not ok - complete -p"; fail=1; }
exit $fail
