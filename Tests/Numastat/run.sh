#!/usr/bin/env bash
# swnuma's numastat and migratepages modes against Debian's numastat and
# migratepages on this machine.
#
#   Tests/Numastat/run.sh [path/to/swnuma]
#
# Tables are compared byte for byte on frozen node trees bind-mounted over
# /sys/devices/system/node in a private mount namespace (root only; skipped
# and said so otherwise), so live counters cannot differ between two runs.
# Process tables use a sleeping process, whose memory does not move.
# Known differences, from numastat 2.0.16 to the 2.0.19 swnuma follows, are
# kept out of the compared trees: 2.0.19 recomputes HugePages_* from the
# node's hugepages folder and takes meminfo rows from the first node's file.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(cd "$repo" && realpath "${1:-.build/debug/swnuma}")
. "$here/../lib.sh"
at_exit 'kill "${sleeper:-}" 2> /dev/null'

ln -s "$bin" "$work/numastat"
ln -s "$bin" "$work/swnuma-migratepages"
ref=$(command -v numastat)

# A node tree: node ids as arguments; counters and meminfo differ by node.
fake() {
    local dir=$1 n
    shift
    mkdir -p "$dir"
    for n in "$@"; do
        mkdir -p "$dir/node$n/hugepages/hugepages-2048kB"
        printf 'numa_hit %d\nnuma_miss %d\nnuma_foreign 0\ninterleave_hit %d\nlocal_node %d\nother_node 0\n' \
            $((1000 * n + 7)) $((n * 3)) $((n * 100)) $((1000 * n + 7)) > "$dir/node$n/numastat"
        printf 'Node %d MemTotal:  %d kB\nNode %d MemFree:  %d kB\nNode %d MemUsed:  %d kB\nNode %d Active(anon):  0 kB\nNode %d HugePages_Total:  0\nNode %d HugePages_Free:  0\n' \
            "$n" $((4194304 + n)) "$n" $((1048576 * n)) "$n" $((n * 1000)) "$n" "$n" "$n" > "$dir/node$n/meminfo"
        echo 0 > "$dir/node$n/hugepages/hugepages-2048kB/nr_hugepages"
    done
}

# same NAME TREE ARGS...: swnuma's stdout and status equal numastat's over TREE.
same() {
    local name=$1 tree=$2
    shift 2
    in_tree "$tree" "$ref" "$@" > "$work/want" 2> /dev/null
    local want_rc=$?
    in_tree "$tree" "$work/numastat" "$@" > "$work/got" 2> "$work/err"
    local got_rc=$?
    if [ "$want_rc" = "$got_rc" ] && cmp -s "$work/want" "$work/got"; then ok; else
        diff "$work/want" "$work/got" > "$work/diff"
        echo "    status: numastat $want_rc, swnuma $got_rc" >> "$work/diff"
        not_ok "$name" "$work/diff"
    fi
}

in_tree() {
    local tree=$1
    shift
    if [ "$tree" = live ]; then "$@"; else
        unshare -m sh -c 'mount --bind "$0" /sys/devices/system/node && exec "$@"' "$tree" "$@"
    fi
}

namespaces=yes
if [ "$(id -u)" != 0 ] || ! unshare -m true 2> /dev/null; then namespaces=no; fi
if [ -z "$ref" ]; then
    skip "every comparison: numastat is not installed (apt-get install numactl)"
else
    unset NUMASTAT_WIDTH # into a file neither numastat nor swnuma folds a table
    if [ "$namespaces" = yes ]; then
        fake "$work/four" 0 2 3 5
        fake "$work/eight" 0 1 2 3 4 5 6 7
        fake "$work/sparse" 1 3
        for tree in four eight sparse; do
            for args in "" "-n" "-m" "-c" "-z" "-s" "-s2" "-s1" "-sz" "-m -c" "-mn" "-c -z -s"; do
                # numastat's -s<index> reads the wrong column on sparse ids (swnuma's fix 9)
                [ "$tree" = sparse ] && [ "$args" = -s1 ] && continue
                same "$tree numastat $args" "$work/$tree" $args
            done
            NUMASTAT_WIDTH=40 same "$tree NUMASTAT_WIDTH=40 -n" "$work/$tree" -n
            NUMASTAT_WIDTH=100 same "$tree NUMASTAT_WIDTH=100 -m -c" "$work/$tree" -m -c
            NUMASTAT_WIDTH=0 same "$tree NUMASTAT_WIDTH=0 (80)" "$work/$tree"
        done
    else
        skip "frozen-tree comparisons: need root and unshare -m"
    fi
    sleep 600 &
    sleeper=$!
    sleep 0.2
    cp /bin/sleep "$work/swnuma-long-process-name-sleeper"
    "$work/swnuma-long-process-name-sleeper" 600 &
    long=$!
    sleep 0.2
    if [ "$namespaces" = yes ]; then tree=$work/four; else tree=live; fi
    for args in "$sleeper" "-c $sleeper" "-z $sleeper" "-p $sleeper" "$sleeper $long" "-c $sleeper $long" \
        "-v $sleeper $long" "-s $sleeper $long" "-p swnuma-long-process" "-c -p swnuma-long"; do
        same "numastat $args" "$tree" $args
    done
    # A PID with no process: numastat prints a table named "(null)", or no
    # table at all when that PID sorts last, and exits 0. swnuma leaves it out
    # of the tables, names it on stderr and exits 1: its stdout is numastat's
    # for the same command without that PID.
    for args in "$sleeper 99999999:$sleeper" "99999999 $sleeper:$sleeper" "-v -c 99999999 $sleeper:-v -c $sleeper" \
        "-p 99999999 $sleeper $long:$sleeper $long" "-p 99999999:"; do
        with=${args%%:*} without=${args#*:}
        in_tree "$tree" "$ref" $without > "$work/want" 2> /dev/null
        [ -z "$without" ] && : > "$work/want" # numastat alone would print its -n table
        in_tree "$tree" "$work/numastat" $with > "$work/got" 2> "$work/err"
        rc=$?
        if [ "$rc" = 1 ] && cmp -s "$work/want" "$work/got" && [ "$(wc -l < "$work/err")" = 1 ] \
            && grep -q '^numastat: no process with PID 99999999 ' "$work/err"; then ok; else
            { diff "$work/want" "$work/got"; cat "$work/err"; echo "    status $rc, want 1"; } > "$work/diff"
            not_ok "numastat $with (no process 99999999)" "$work/diff"
        fi
    done
    kill "$long"
fi

# Refusals and modes that need no reference.
unset NUMASTAT_WIDTH
expect() { # NAME WANT_RC COMMAND...: status and an empty stdout on failure
    local name=$1 want=$2
    shift 2
    "$@" > "$work/out" 2> "$work/err"
    local rc=$?
    if [ "$rc" = "$want" ] && { [ "$want" = 0 ] || [ ! -s "$work/out" ]; }; then ok; else
        echo "    status $rc, want $want" >> "$work/err"
        not_ok "$name" "$work/err"
    fi
}
expect "numastat -x" 1 "$work/numastat" -x
expect "numastat -p (no argument)" 1 "$work/numastat" -p
expect "numastat --help" 0 "$work/numastat" --help
if "$work/numastat" -V | grep -q '^swnuma-numastat '; then ok; else not_ok "numastat -V"; fi
if "$work/numastat" -x 2>&1 | grep -q '^numastat: '; then ok; else not_ok "diagnostics name numastat"; fi
if [ "$namespaces" = yes ]; then
    fake "$work/nozero" 1 2
    if in_tree "$work/nozero" "$work/numastat" | grep -q 'node1 *node2'; then ok; else not_ok "legacy table without node0"; fi
fi
if [ "$("$work/numastat" -n | head -3 | tail -1 | wc -c)" -gt 0 ]; then ok; else not_ok "numastat -n on this machine"; fi
if "$bin" --version | grep -q '^swnuma '; then ok; else not_ok "swnuma keeps its own mode"; fi

sleep 600 &
target=$!
expect "migratepages (no arguments)" 1 "$work/swnuma-migratepages"
expect "migratepages 12x 0 0" 1 "$work/swnuma-migratepages" 12x 0 0
expect "migratepages PID 0 0 extra" 1 "$work/swnuma-migratepages" "$target" 0 0 extra
expect "migratepages 4294967296 0 0 (fix 10)" 1 "$work/swnuma-migratepages" 4294967296 0 0
expect "migratepages 99999999 0 0" 1 "$work/swnuma-migratepages" 99999999 0 0
expect "migratepages PID 0 ''" 1 "$work/swnuma-migratepages" "$target" 0 ''
expect "migratepages PID all all" 0 "$work/swnuma-migratepages" "$target" all all
expect "migratepages -- PID 0 0" 0 "$work/swnuma-migratepages" -- "$target" 0 0
expect "migratepages PID 0 4000" 1 "$work/swnuma-migratepages" "$target" 0 4000
kill "$target"

# -p over 10,000 processes with many long patterns: one pass over the
# processes for all the patterns together. A search per pattern with a
# naive substring test takes patterns x pattern length x text length steps
# here (20 x 801 x 4,000 per process: 6.4e11 in all; one such pattern took
# 5.7 s with 2,000-byte texts and 401-byte patterns on a 2-core machine, so
# several minutes); the automaton reads each process's text once (about
# 1.4 s for those 20 patterns).
many=$work/many
python3 - "$many" << 'PYEOF'
import os, sys
root = sys.argv[1]
os.makedirs(root + "/sys/devices/system/node/node0")
open(root + "/sys/devices/system/node/node0/cpulist", "w").write("0\n")
open(root + "/sys/devices/system/node/node0/meminfo", "w").write("Node 0 MemTotal: 1048576 kB\nNode 0 MemFree: 1 kB\n")
open(root + "/sys/devices/system/node/node0/numastat", "w").write("numa_hit 1\n")
os.makedirs(root + "/proc")
open(root + "/proc/meminfo", "w").write("MemTotal: 1048576 kB\nHugepagesize: 2048 kB\n")
for pid in range(1000, 11000):
    folder = f"{root}/proc/{pid}"
    os.makedirs(folder)
    open(folder + "/status", "w").write(f"Name:\tworker{pid % 97}\n")
    open(folder + "/cmdline", "w").write("/usr/bin/worker\0" + "a" * 4000 + "\0")
    open(folder + "/numa_maps", "w").write("7f00 default anon=1 N0=1 kernelpagesize_kB=4\n")
PYEOF
patterns=()
for i in $(seq 10 29); do patterns+=(-p "$(printf 'a%.0s' $(seq 1 800))b$i"); done
start=$(date +%s%N)
SWNUMA_ROOT=$many "$work/numastat" "${patterns[@]}" -p worker96 > "$work/many.out" 2> "$work/many.err"
status=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
tables=$(grep -c '^Per-node process memory usage' "$work/many.out")
missing=$(grep -c '^Found no processes containing pattern' "$work/many.out")
if [ "$status" = 0 ] && [ "$missing" = 20 ] && [ "$tables" -ge 1 ]; then ok; else
    not_ok "-p over 10,000 processes: status $status, $missing unmatched of 20, $tables tables, $elapsed ms" "$work/many.err"
fi
echo "numastat: -p with 21 patterns over 10,000 processes: $elapsed ms"

finish
