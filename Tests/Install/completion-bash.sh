#!/usr/bin/env bash
# Runs completions/swnuma.bash in a real bash with bash-completion loaded:
# sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as readline would,
# calls the completion function and checks COMPREPLY. Node and CPU ids come
# from the swnuma found first on PATH, reading a fixture through --root.
#
#   Tests/Install/completion-bash.sh [DIR-WITH-SWNUMA]
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin_dir=${1:-$repo/.build/release}
if [ ! -x "$bin_dir/swnuma" ]; then
    echo "completion-bash: no swnuma in $bin_dir (build it first)" >&2
    exit 2
fi
export PATH="$bin_dir:$PATH"
unset SWNUMA_ROOT
fixture=$repo/Tests/Fixtures/sysfs/vm-four
. "$here/../lib.sh"
links=$work
# A swnuma that reads the fixture, for the names that take no --root.
fake_swnuma=$links/fake-swnuma
printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$bin_dir/swnuma" "$fixture" > "$fake_swnuma"
chmod +x "$fake_swnuma"

# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion
# shellcheck source=../../completions/swnuma.bash
source "$repo/completions/swnuma.bash"

# Outside a real completion compopt fails; the options it sets are not checked here.
compopt() { :; }

# complete_line LINE: completes at the end of LINE; the words offered are in COMPREPLY.
complete_line() {
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    # readline makes each word-break character '=' a word of its own.
    read -ra COMP_WORDS <<< "${1//=/ = }"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _swnuma swnuma "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

sorted() { printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' '; }

# offers LINE WORD...: exactly these words are offered.
offers() {
    local line=$1
    shift
    complete_line "$line"
    local got want
    got=$(sorted "${COMPREPLY[@]}")
    want=$(sorted "$@")
    if [ "$got" = "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not ok: '$line': offered [$got], expected [$want]"
    fi
}

# includes LINE WORD: WORD is among the words offered.
includes() {
    complete_line "$1"
    local word
    for word in "${COMPREPLY[@]}"; do
        if [ "$word" = "$2" ]; then
            passed=$((passed + 1))
            return
        fi
    done
    failed=$((failed + 1))
    echo "not ok: '$1': '$2' not among [$(sorted "${COMPREPLY[@]}" | head -c 300)]"
}

# Options.
offers "swnuma --mem" --membind
offers "swnuma --cpu" --cpu-compress --cpubind --cpunodebind
offers "swnuma --ro" --root
includes "swnuma -" -m
includes "swnuma -" --membind
includes "swnuma -" --require
includes "swnuma -m 0 -" --localalloc

# Node and CPU ids, asked of swnuma under the --root on the line.
offers "swnuma --root $fixture -m " 0 1 2 3 all same
offers "swnuma --root $fixture --membind " 0 1 2 3 all same
offers "swnuma --root=$fixture --membind=" 0 1 2 3 all same
# --preferred takes one node: neither all nor same.
offers "swnuma --root $fixture -p " 0 1 2 3
offers "swnuma --root $fixture --preferred=" 0 1 2 3
offers "swnuma --root $fixture -N 1" 1
# An id already in the list is not offered again.
offers "swnuma --root $fixture --interleave 1," 1,0 1,2 1,3
offers "swnuma --root $fixture -m0," -m0,1 -m0,2 -m0,3
offers "swnuma --root=$fixture --membind=0," 0,1 0,2 0,3
offers "swnuma --root $fixture -m 0-2," 0-2,3
offers "swnuma --root $fixture -C 0,2," 0,2,1
offers "swnuma --ro $fixture --cpunodebind !" '!0' '!1' '!2' '!3'
offers "swnuma --root $fixture -a -C " 0 1 2 all
offers "swnuma --root $fixture -aC " 0 1 2 all
offers "swnuma --root $fixture --physcpubind=+" +0 +1 +2
SWNUMA_ROOT=$fixture offers "swnuma -w " 0 1 2 3 all same

# Paths and folders.
offers "swnuma --root $repo/Tests/Fixtures/sysfs/vm-fo" "$repo/Tests/Fixtures/sysfs/vm-four"
includes "swnuma --file $repo/Tests/Fixtures/sysfs/vm-four/hardware.g" "$repo/Tests/Fixtures/sysfs/vm-four/hardware.golden"
offers "swnuma --length "

# --process: the ids and names of the processes under the --root's proc/.
snapshot=$work/snapshot
mkdir -p "$snapshot/proc/4242" "$snapshot/proc/17" "$snapshot/proc/sys"
echo postgres > "$snapshot/proc/4242/comm"
echo redis-server > "$snapshot/proc/17/comm"
offers "swnuma --root $snapshot --process " 17 4242 postgres redis-server
offers "swnuma --root $snapshot --process=po" postgres
offers "swnuma --root=$snapshot --process 4242 --process 1" 17
includes "swnuma --process $$" "$$"

# --draw's value may be left out: the next word is its only when - or an .svg file.
offers "swnuma --draw --dev" --devices
offers "swnuma --draw out.svg --dev" --devices
includes "swnuma --draw " -
includes "swnuma --draw=" -

# After --kubelet-check and --kubelet-suggest, the kubelet's flags, never
# swnuma's, nor shell keywords; a file after --config and for --kubelet-state.
offers "swnuma --kubelet-check --mem" --memory-manager-policy
offers "swnuma --root $fixture --kubelet-suggest --reserved-memory 0:memory=1Gi --reserved-m" --reserved-memory
offers "swnuma --kubelet-check --v 2 --kube-r" --kube-reserved --kube-reserved-cgroup
offers "swnuma --kubelet-check --system-reserved " 
includes "swnuma --kubelet-check " --config
includes "swnuma --kubelet-check --config $repo/Tests/Fixtures/sysfs/vm-fo" "$repo/Tests/Fixtures/sysfs/vm-four"
includes "swnuma --kubelet-check --config=$repo/Tests/Fixtures/sysfs/vm-fo" "$repo/Tests/Fixtures/sysfs/vm-four"
includes "swnuma --kubelet-state $repo/Tests/Fixtures/sysfs/vm-fo" "$repo/Tests/Fixtures/sysfs/vm-four"
includes "swnuma --kubelet-state=$repo/Tests/Fixtures/sysfs/vm-fo" "$repo/Tests/Fixtures/sysfs/vm-four"
offers "swnuma --kubelet-state $repo/Tests/Fixtures/sysfs/vm-four "
complete_line "swnuma --kubelet-state "
case " ${COMPREPLY[*]} " in *" if "* | *" then "* | *" else "*) failed=$((failed + 1)); echo "not ok: --kubelet-state offers shell keywords" ;;
    *) passed=$((passed + 1)) ;; esac

# Nothing after an option that ends what swnuma reads.
offers "swnuma --root $fixture --show " --json
offers "swnuma -s " --json
offers "swnuma -Hs --j" --json
offers "swnuma --version "
offers "swnuma --help "

# excludes LINE WORD...: none of these words is offered.
excludes() {
    local line=$1 word
    shift
    complete_line "$line"
    for word in "$@"; do
        if [[ " ${COMPREPLY[*]} " == *" $word "* ]]; then
            failed=$((failed + 1))
            echo "not ok: '$line' offers '$word'"
            return
        fi
    done
    passed=$((passed + 1))
}
# swnuma executes the command: keywords, functions and builtins that are not
# programs are not offered for it.
excludes "swnuma -m 0 " if then else while '[[' _swnuma alias
excludes "swnuma -- " if then _swnuma
excludes "swnuma --root $fixture -H -- " if fi
includes "swnuma -m 0 -- ech" echo
includes "swnuma -m 0 -- ./Tests/Insta" ./Tests/Install

# The command and its arguments.
includes "swnuma ech" echo
includes "swnuma -- ech" echo
includes "swnuma -m 0 ech" echo
includes "swnuma --membind=0 --cpunodebind 0 ech" echo
includes "swnuma --root $fixture -m 0 -- ech" echo
includes "swnuma -m 0 -- ls --almost-al" --almost-all
offers "swnuma -- echo --mem"

# swnuma-numastat and swnuma-migratepages: their own completions.
# shellcheck source=../../completions/swnuma-numastat.bash
source "$repo/completions/swnuma-numastat.bash"
# shellcheck source=../../completions/swnuma-migratepages.bash
source "$repo/completions/swnuma-migratepages.bash"
ln -sf "$bin_dir/swnuma" "$links/swnuma-migratepages"
ln -sf "$fake_swnuma" "$links/swnuma"
# complete_as FUNCTION LINE: as complete_line, for another command's function.
complete_as() {
    local function=$1
    COMP_LINE=$2
    COMP_POINT=${#COMP_LINE}
    read -ra COMP_WORDS <<< "$2"
    [[ $2 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    "$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}
# offers_as FUNCTION LINE WORD...: exactly these words are offered.
offers_as() {
    local function=$1 line=$2
    shift 2
    complete_as "$function" "$line"
    local got want
    got=$(sorted "${COMPREPLY[@]}")
    want=$(sorted "$@")
    if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
        failed=$((failed + 1))
        echo "not ok: '$line': offered [$got], expected [$want]"
    fi
}
offers_as _swnuma_numastat "swnuma-numastat --v" --version
offers_as _swnuma_numastat "swnuma-numastat -" -c -m -n -p -s -v -V -z --help --version
complete_as _swnuma_numastat "swnuma-numastat -p $$"
[[ " ${COMPREPLY[*]} " == *" $$ "* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "not ok: numastat -p does not offer pid $$"; }
# numastat's -p and its plain words take a process name as well as an id.
complete_as _swnuma_numastat "swnuma-numastat -p bas"
[[ " ${COMPREPLY[*]} " == *" bash "* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "not ok: numastat -p does not offer the name bash"; }
complete_as _swnuma_numastat "swnuma-numastat -m bas"
[[ " ${COMPREPLY[*]} " == *" bash "* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "not ok: numastat does not offer the name bash"; }
offers_as _swnuma_migratepages "swnuma-migratepages --h" --help
offers_as _swnuma_migratepages "swnuma-migratepages -" -h -V --help --version
complete_as _swnuma_migratepages "swnuma-migratepages $$"
[[ " ${COMPREPLY[*]} " == *" $$ "* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "not ok: migratepages does not offer pid $$"; }
# Node ids come from the swnuma beside swnuma-migratepages (here a wrapper
# reading the fixture).
PATH="$links:$PATH" offers_as _swnuma_migratepages "swnuma-migratepages 1 " 0 1 2 3 all
PATH="$links:$PATH" offers_as _swnuma_migratepages "swnuma-migratepages 1 0,1," 0,1,2 0,1,3
PATH="$links:$PATH" offers_as _swnuma_migratepages "swnuma-migratepages 1 0 " 0 1 2 3 all
PATH="$links:$PATH" offers_as _swnuma_migratepages "swnuma-migratepages 1 0 1 "

finish
