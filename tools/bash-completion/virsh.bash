# bash completion of virsh: commands, options, and the domains, networks
# and device aliases (detach-device-alias) of the connection the command
# line names with -c (else the default one). The candidates come from
# "virsh complete -- LINE"; when there are none (a file argument), bash
# completes file names.

_virsh_complete()
{
    local line=${COMP_LINE:0:COMP_POINT}
    local IFS=$'\n'
    local cands

    COMPREPLY=()
    cands=$("${COMP_WORDS[0]}" complete -- "$line" 2>/dev/null) || return 0
    [ -n "$cands" ] && COMPREPLY=($cands)
    return 0
}

complete -o default -F _virsh_complete virsh
