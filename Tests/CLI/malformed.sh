#!/usr/bin/env bash
# Table-driven refusals: every line of Tests/CLI/malformed.txt is a command
# line of swnuma, its numastat mode or its migratepages mode that must exit 1
# with nothing on stdout and one diagnostic line "<program>: ..." naming the
# problem (the line contains the table's token), optionally followed by the
# "Try '<program> --help'" hint.
#
#   Tests/CLI/malformed.sh [SWNUMA] [TABLE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=$(realpath "${1:-$repo/.build/release/swnuma}")
table=${2:-$here/malformed.txt}
. "$here/../lib.sh"
ln -s "$swnuma" "$work/swnuma"
ln -s "$swnuma" "$work/swnuma-numastat"
ln -s "$swnuma" "$work/swnuma-migratepages"
unset SWNUMA_ROOT NUMASTAT_WIDTH
number=0

trim() { local text=$1; text=${text#"${text%%[![:space:]]*}"}; printf '%s' "${text%"${text##*[![:space:]]}"}"; }

while IFS= read -r row || [ -n "$row" ]; do
    number=$((number + 1))
    case "$row" in '' | '#'*) continue ;; esac
    mode=$(trim "${row%%|*}")
    rest=${row#*|}
    token=$(trim "${rest%%|*}")
    token=${token#\'}
    token=${token%\'}
    words=${rest#*|}
    case "$mode" in
    swnuma) program=swnuma ;;
    numastat | migratepages) program=swnuma-$mode ;;
    *) fail "line $number" "unknown mode '$mode'"; continue ;;
    esac
    eval "set -- $words"
    timeout 10 "$work/$program" "$@" > "$work/out" 2> "$work/err" < /dev/null
    status=$?
    why=""
    diagnostics=$(grep -vc "^Try '$program --help' for more information\.\$" "$work/err")
    if [ "$status" -ne 1 ]; then
        why="exit $status, expected 1"
    elif [ -s "$work/out" ]; then
        why="stdout is not empty"
    elif [ "$diagnostics" -ne 1 ]; then
        why="$diagnostics diagnostic lines, expected 1"
    elif ! head -1 "$work/err" | grep -q "^$program: "; then
        why="stderr does not start with '$program: '"
    elif ! head -1 "$work/err" | grep -qF -- "$token"; then
        why="the message does not name '$token'"
    fi
    if [ -n "$why" ]; then
        fail "line $number ($mode$words)" "$why"
    else
        pass
    fi
done < "$table"

finish
