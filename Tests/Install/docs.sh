#!/usr/bin/env bash
# Checks the generated man page and shell completions with the real tools:
# mandoc's lint, man, bash -n, zsh -n, fish --no-execute, and completions run
# for real in bash (Tests/Install/completion-bash.sh) and fish. Node and CPU
# ids come from SWNUMA (default .build/release/swnuma) reading a fixture.
#
#   Tests/Install/docs.sh [SWNUMA]
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
bin_dir=$(cd "$(dirname "$swnuma")" && pwd)
fixture=$repo/Tests/Fixtures/sysfs/vm-four
. "$here/../lib.sh"
cd "$repo" || exit 2

# check NAME COMMAND...: COMMAND succeeds and prints nothing.
check() {
    local name=$1
    shift
    if "$@" > "$work/out" 2>&1 && [ ! -s "$work/out" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not ok $name"
        head -20 "$work/out"
    fi
}

# contains NAME FILE TEXT: FILE has a line containing TEXT.
contains() {
    if grep -qF -- "$3" "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not ok $1: no '$3'"
    fi
}

# The man pages.
for page in swnuma swnuma-numastat swnuma-migratepages; do
    check "mandoc lint $page.8" mandoc -Tlint -Wwarning "man/$page.8"
    MANPAGER=cat MANWIDTH=80 man -l "man/$page.8" 2> /dev/null | col -b > "$work/$page.txt"
    contains "man -l renders $page.8" "$work/$page.txt" "$(echo "$page" | tr a-z- A-Z-)(8)"
done
mandoc -Tutf8 man/swnuma.8 2>&1 | col -b > "$work/mandoc.txt"
contains "mandoc renders" "$work/mandoc.txt" "SWNUMA(8)"
MANPAGER=cat MANWIDTH=80 man -l man/swnuma.8 2> /dev/null | col -b > "$work/man.txt"
contains "man -l renders" "$work/man.txt" "SWNUMA(8)"
"$swnuma" --help > "$work/help.txt"
for long in $(sed -n 's/^complete -c swnuma .* -l \([a-z-]*\) .*/\1/p' completions/swnuma.fish); do
    contains "man page shows --$long" "$work/man.txt" "--$long"
    contains "--help shows --$long" "$work/help.txt" "--$long"
done
for short in $(sed -n 's/^complete -c swnuma .* -s \(.\) -l .*/\1/p' completions/swnuma.fish); do
    contains "--help shows -$short" "$work/help.txt" "-$short, --"
done
for mode in numastat migratepages; do
    for option in $(sed -n "s/^complete -c swnuma-$mode .*-l \([a-z-]*\) .*/\1/p" "completions/swnuma-$mode.fish"); do
        contains "swnuma-$mode.8 shows --$option" "$work/swnuma-$mode.txt" "--$option"
    done
done

MANPAGER=cat MANWIDTH=1000 man -l man/swnuma.8 2> /dev/null | col -b > "$work/man-wide.txt"
# What an installed swnuma tells without the source: the --require grammar
# and the JSON output, in the man page and briefly in --help.
for text in 'node(N).free' 'node(N).size' 'node(N).cpus' 'node(N).distance(M)' 'hugepages(SIZE).free' \
    'node(N).hugepages(SIZE).free' '>=, >, <=, <, == and !=' 'K, M, G or T' '1.5G' 'schema_version' \
    'free_bytes' 'share/swnuma/schema/' "jq '.nodes[] | select(.id == 1) | .memory.free_bytes'" 'require.schema.json' \
    '--all comes before the <nodes> and <cpus> it widens' '--length, --offset, --shmmode and --huge come before --shm or --file' \
    '--process pid|name --json' 'shared_bytes' 'outside_policy_shared_bytes' 'memory_kind' 'node_from' 'nodes(KIND)' \
    'tiers>=2' 'node(N).tier' '1 MiB for a kubelet configuration file' '4 MiB for a memory manager checkpoint' \
    '16 MiB for pci.ids' 'real and effective uid 0' 'owned by root'; do
    contains "man page tells $text" "$work/man-wide.txt" "$text"
done
for text in 'node(N).free' 'node(N).distance(M)' 'hugepages(SIZE)' '<=, <, == or !=' 'K, M, G or T' \
    'share/swnuma/schema/' 'jq' '--all comes before' 'come before the memory policy' 'before --shm/--file'; do
    contains "--help tells $text" "$work/help.txt" "$text"
done
# The jq examples of the man page work on a fixture's JSON.
if command -v jq > /dev/null; then
    free=$("$swnuma" --root "$fixture" -H --json | jq '.nodes[] | select(.id == 1) | .memory.free_bytes')
    if [ "$free" = $((101172 * 1024)) ]; then passed=$((passed + 1)); else
        failed=$((failed + 1))
        echo "not ok jq example: node 1's free bytes are '$free'"
    fi
fi

# The README names every Debian package `make run`/`make test` install, the
# numactl version "byte for byte" means, and numactl's programs swnuma leaves alone.
for package in $(sed -n 's/^\(BUILD\|TEST\)_DEPS := //p' Makefile); do
    contains "README names the package $package" README.md "\`$package\`"
done
for text in 'numactl 2.0.19' '2.0.16' 'exits 1' 'memhog' 'numademo' 'migspeed' 'share/swnuma/schema/'; do
    contains "README tells $text" README.md "$text"
done

# The completion scripts parse.
for name in swnuma swnuma-numastat swnuma-migratepages; do
    check "bash -n $name" bash -n "completions/$name.bash"
    check "zsh -n $name" zsh -n "completions/_$name"
    check "fish --no-execute $name" fish --no-execute "completions/$name.fish"
done

# bash completion, run for real.
"$here/completion-bash.sh" "$bin_dir" > "$work/bash.txt" 2>&1
grep -Ev '^[0-9]+ passed, [0-9]+ failed' "$work/bash.txt"
summary=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$work/bash.txt")
if [ -n "$summary" ]; then
    passed=$((passed + ${summary% *}))
    failed=$((failed + ${summary#* }))
else
    failed=$((failed + 1))
    echo "not ok bash completion did not run"
fi

# fish completion, run for real: fish_offers LINE WORD...: exactly these words.
fish_offers() {
    local line=$1 got want
    shift
    got=$(PATH="$bin_dir:$PATH" XDG_CONFIG_HOME=$work/config fish -c "source completions/swnuma.fish; complete -C '$line'" 2>&1 |
        cut -f1 | LC_ALL=C sort | tr '\n' ' ')
    want=
    [ $# -eq 0 ] || want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not ok fish: '$line': offered [$got], expected [$want]"
    fi
}
fish_offers "swnuma --mem" --membind
fish_offers "swnuma --root $fixture -m " 0 1 2 3 all same
fish_offers "swnuma --root=$fixture --membind=1," --membind=1,0 --membind=1,2 --membind=1,3
fish_offers "swnuma --root $fixture -m 0-2," 0-2,3
fish_offers "swnuma --root $fixture -p " 0 1 2 3
fish_offers "swnuma --root $fixture -C " 0 1 2 all
fish_offers "swnuma --root $fixture --show " --json
fish_offers "swnuma -s " --json
fish_offers "swnuma --version "
fish_offers "swnuma -- echo --mem"
fish_offers "swnuma -m 0 -- ls --almost-al" --almost-all
# fish_includes LINE WORD: WORD is among the words offered.
fish_includes() {
    if PATH="$bin_dir:$PATH" XDG_CONFIG_HOME=$work/config fish -c "source completions/swnuma.fish; complete -C '$1'" 2>&1 |
        cut -f1 | grep -qxF -- "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not ok fish: '$1' does not offer '$2'"
    fi
}
# swnuma executes the command: no keywords, builtins or functions for it.
for word in while begin __swnuma_scan fish_add_path; do
    line="swnuma -m 0 ${word%?}"
    if PATH="$bin_dir:$PATH" XDG_CONFIG_HOME=$work/config fish -c "source completions/swnuma.fish; complete -C '$line'" 2>&1 |
        cut -f1 | grep -qxF -- "$word"; then
        failed=$((failed + 1))
        echo "not ok fish: '$line' offers '$word'"
    else
        passed=$((passed + 1))
    fi
done
# --process: the ids and names of the processes under the --root's proc/.
snapshot=$work/snapshot
mkdir -p "$snapshot/proc/4242" "$snapshot/proc/17" "$snapshot/proc/sys"
echo postgres > "$snapshot/proc/4242/comm"
echo redis-server > "$snapshot/proc/17/comm"
fish_offers "swnuma --root $snapshot --process " 17 4242 postgres redis-server
fish_offers "swnuma --root=$snapshot --process=po" --process=postgres
fish_includes "swnuma --process $$" "$$"
# --draw's value may be left out.
fish_offers "swnuma --draw --dev" --devices
fish_includes "swnuma --draw " -
# The kubelet's flags after --kubelet-check and --kubelet-suggest; files for
# --config and --kubelet-state; no shell keywords.
fish_offers "swnuma --kubelet-check --mem" --memory-manager-policy
fish_offers "swnuma --kubelet-suggest --v 2 --kube-r" --kube-reserved --kube-reserved-cgroup
fish_offers "swnuma --kubelet-check --system-reserved "
fish_offers "swnuma --kubelet-check --config Tests/Fixtures/sysfs/vm-fo" Tests/Fixtures/sysfs/vm-four/
fish_offers "swnuma --kubelet-check --config=Tests/Fixtures/sysfs/vm-fo" --config=Tests/Fixtures/sysfs/vm-four/
fish_offers "swnuma --kubelet-state Tests/Fixtures/sysfs/vm-fo" Tests/Fixtures/sysfs/vm-four/
fish_offers "swnuma --kubelet-state Tests/Fixtures/sysfs/vm-four "
fish_includes "swnuma --kubelet-state " README.md
fish_offers "swnuma --kubelet-state i"
if PATH="$bin_dir:$PATH" XDG_CONFIG_HOME=$work/config fish -c "source completions/swnuma.fish; complete -C 'swnuma -m 0 ech'" |
    cut -f1 | grep -qx echo; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "not ok fish: 'swnuma -m 0 ech' does not offer echo"
fi

# zsh completion, run for real in an interactive zsh: zsh_shows LINE PATTERN...:
# after TAB, the screen matches every extended regular expression PATTERN.
zsh_shows() {
    local line=$1 pattern
    shift
    timeout 30 zsh "$here/completion-zsh.zsh" "$repo" "${zsh_bin_dir:-$bin_dir}" "$line" > "$work/zsh.txt" 2>&1
    for pattern in "$@"; do
        if grep -qE -- "$pattern" "$work/zsh.txt"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "not ok zsh: '$line': screen does not match '$pattern':"
            cat -v "$work/zsh.txt" | tail -2
        fi
    done
}
# fish, swnuma-numastat and swnuma-migratepages (node ids from a swnuma reading the fixture).
fish_mode() {
    local line=$1 got want
    shift
    got=$(PATH="$work/bin:$PATH" XDG_CONFIG_HOME=$work/config fish -c \
        "source completions/swnuma-numastat.fish; source completions/swnuma-migratepages.fish; complete -C '$line'" 2>&1 |
        cut -f1 | LC_ALL=C sort | tr '\n' ' ')
    want=
    [ $# -eq 0 ] || want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
        failed=$((failed + 1))
        echo "not ok fish: '$line': offered [$got], expected [$want]"
    fi
}
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec "%s/swnuma" --root "%s" "$@"\n' "$bin_dir" "$fixture" > "$work/bin/swnuma"
chmod +x "$work/bin/swnuma"
fish_mode "swnuma-numastat --v" --version
fish_mode "swnuma-migratepages --v" --version
# numastat's -p takes a process name as well as an id: fish itself is one.
if PATH="$work/bin:$PATH" XDG_CONFIG_HOME=$work/config fish -c "source completions/swnuma-numastat.fish; complete -C 'swnuma-numastat -p fis'" |
    cut -f1 | grep -qx fish; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "not ok fish: 'swnuma-numastat -p fis' does not offer fish"
fi
fish_mode "swnuma-migratepages 1 " 0 1 2 3 all
fish_mode "swnuma-migratepages 1 2,0," 2,0,1 2,0,3
fish_mode "swnuma-migratepages 1 0 1 "

zsh_shows "swnuma --mem" "swnuma --membind="
zsh_shows "swnuma --root $fixture -p " "^0 +1 +2 +3 *$"
zsh_shows "swnuma --root $fixture --membind=0," "^1 +2 +3 *$"
zsh_shows "swnuma --show " "swnuma --show --json"
zsh_shows "swnuma --root $fixture -m " "^0 +1 +2 +3 +all +same *$"
zsh_shows "swnuma --root $fixture -C " "^0 +1 +2 +all *$"
zsh_shows "swnuma -- ech" "swnuma -- echo"
zsh_shows "swnuma -m 0 -- ls --almost-al" "swnuma -m 0 -- ls --almost-all"
zsh_shows "swnuma --root $snapshot --process " "^17 +4242 +postgres +redis-server *$"
zsh_shows "swnuma --root=$snapshot --process=po" "swnuma --root=$snapshot --process=postgres"
zsh_shows "swnuma --draw --dev" "swnuma --draw --devices"
zsh_shows "swnuma --kubelet-check --mem" "swnuma --kubelet-check --memory-manager-policy"
zsh_shows "swnuma --kubelet-suggest --v 2 --reserved-m" "swnuma --kubelet-suggest --v 2 --reserved-memory"
zsh_shows "swnuma --kubelet-check --config=Tests/Fixtures/sysfs/vm-fo" "--config=Tests/Fixtures/sysfs/vm-four/"
zsh_shows "swnuma --kubelet-state READ" "swnuma --kubelet-state README.md"
zsh_shows "swnuma-numastat --vers" "swnuma-numastat --version"
zsh_shows "swnuma-migratepages --he" "swnuma-migratepages --help"
# Node ids from the swnuma beside it: here one reading the fixture.
zsh_bin_dir=$work/bin zsh_shows "swnuma-migratepages 1 0," "^1 +2 +3 *$"

finish
