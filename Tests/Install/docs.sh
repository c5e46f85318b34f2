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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
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

# The man page.
check "mandoc lint" mandoc -Tlint -Wwarning man/swnuma.8
mandoc -Tutf8 man/swnuma.8 2>&1 | col -b > "$work/mandoc.txt"
contains "mandoc renders" "$work/mandoc.txt" "SWNUMA(8)"
MANPAGER=cat MANWIDTH=80 man -l man/swnuma.8 2> /dev/null | col -b > "$work/man.txt"
contains "man -l renders" "$work/man.txt" "SWNUMA(8)"
for long in $(sed -n 's/^complete -c swnuma .* -l \([a-z-]*\) .*/\1/p' completions/swnuma.fish); do
    contains "man page shows --$long" "$work/man.txt" "--$long"
done

# The completion scripts parse.
check "bash -n" bash -n completions/swnuma.bash
check "zsh -n" zsh -n completions/_swnuma
check "fish --no-execute" fish --no-execute completions/swnuma.fish

# bash completion, run for real.
"$here/completion-bash.sh" "$bin_dir" > "$work/bash.txt" 2>&1
cat "$work/bash.txt" | grep -v '^completion-bash: '
summary=$(sed -n 's/^completion-bash: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$work/bash.txt")
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
fish_offers "swnuma --root=$fixture --membind=1," --membind=1,0 --membind=1,1 --membind=1,2 --membind=1,3
fish_offers "swnuma --root $fixture -C " 0 1 2 all
fish_offers "swnuma --root $fixture --show "
fish_offers "swnuma -- echo --mem"
fish_offers "swnuma -m 0 -- ls --almost-al" --almost-all
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
    timeout 30 zsh "$here/completion-zsh.zsh" "$repo" "$bin_dir" "$line" > "$work/zsh.txt" 2>&1
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
zsh_shows "swnuma --mem" "swnuma --membind="
zsh_shows "swnuma --root $fixture -m " "^0 +1 +2 +3 +all +same *$"
zsh_shows "swnuma --root $fixture -C " "^0 +1 +2 +all *$"
zsh_shows "swnuma -- ech" "swnuma -- echo"
zsh_shows "swnuma -m 0 -- ls --almost-al" "swnuma -m 0 -- ls --almost-all"

echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
