#!/usr/bin/env bash
# Checks `swnuma -H` and `swnuma -H --cpu-compress` against the expected
# output of every real-machine sysfs dump in the shared corpus.
#
#   Tests/Corpus/run.sh [SWNUMA] [CORPUS_DIR]
#
# The corpus is not part of the repository: it is read from ../shared/corpus
# beside the checkout (or SWNUMA_CORPUS). Without it the check says it skips;
# under CI=true a skip is a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}

. "$here/../lib.sh"
[ -d "$corpus/sysfs" ] || skip_suite --mandatory "no corpus at $corpus/sysfs"

for tarball in "$corpus"/sysfs/*.tar.bz2; do
    name=$(basename "$tarball" .tar.bz2)
    mkdir -p "$work/$name"
    tar -xjf "$tarball" -C "$work/$name"
    # The folder holding sys/ is the root; its name need not match the tarball's.
    root=$(find "$work/$name" -maxdepth 3 -type d -name sys -print -quit)
    root=${root%/sys}
    for variant in hardware hardware-compress; do
        expected="$corpus/sysfs/$name.$variant"
        [ -f "$expected" ] || continue
        args=(-H)
        [ "$variant" = hardware-compress ] && args+=(--cpu-compress)
        if "$swnuma" --root "$root" "${args[@]}" > "$work/out" 2> "$work/err" && cmp -s "$work/out" "$expected"; then
            pass
        else
            diff -u "$expected" "$work/out" > "$work/diff"
            head -5 "$work/err" >> "$work/diff"
            fail "$name $variant" "differs from $expected" "$work/diff"
        fi
    done
done
finish
