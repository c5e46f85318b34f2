#!/usr/bin/env bash
# swnuma's numastat mode against Debian's numastat over every real-machine
# sysfs dump in the shared corpus, stdout into a pipe, byte for byte.
#
#   Tests/Corpus/numastat.sh [SWNUMA] [CORPUS_DIR]
#
# numastat reads fixed paths, so it runs in a private mount namespace with
# the dump's node folder bind-mounted over /sys/devices/system/node and the
# dump's proc/meminfo over /proc/meminfo (root and unshare -m needed; the
# check says it skips otherwise). swnuma reads the same dump through
# SWNUMA_ROOT. NUMASTAT_WIDTH is unset: into a pipe neither program folds.
#
# One known difference is a difference of numastat versions, not a fix:
# swnuma follows numastat 2.0.19, whose -m table lists the fields of the
# node's meminfo in the file's order; Debian's numastat (2.0.16) has a fixed
# list of 36 fields, prints "Token X not in hash table." for any other field,
# and its fields missing from the file still take part in -s sorting and in
# -c's label width. So, for modes with -m:
#   - on the real dump, the rows must be the same lines (as a multiset),
#     except that a field numastat 2.0.16 said it does not know is a row of
#     swnuma's table instead of a "Token" line; and
#   - on a copy of the dump whose node meminfo files list exactly those 36
#     fields in numastat 2.0.16's order (absent ones as 0), where both versions
#     print the same table, the output must be identical byte for byte.
# Every expectation comes from numastat's output, never from swnuma's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=$(realpath "${1:-$repo/.build/release/swnuma}")
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}
oracle=$(command -v numastat)

. "$here/../lib.sh"
[ -d "$corpus/sysfs" ] || skip_suite "no corpus at $corpus/sysfs"
[ -n "$oracle" ] || skip_suite "numastat is not installed (apt-get install numactl)"
[ "$(id -u)" = 0 ] && unshare -m true 2> /dev/null || skip_suite "needs root and unshare -m"

# Thousands of small files per dump: a memory file system extracts them in a
# fraction of the time a disk takes.
make_temp work --memory
ln -s "$swnuma" "$work/numastat"
unset NUMASTAT_WIDTH

# The modes: alone and combined, with the sort on the total and on a node.
modes=("" -n -m -c -z -s -s0 -s1 -v "-n -c" "-m -c" "-m -z" "-c -z" "-n -s" "-m -s" "-m -s1"
    "-n -z -s" "-m -c -z" "-m -n" "-m -n -c" "-c -s" "-z -s1" "-v -m" "-v -n" "-m -c -s" "-n -c -z -s1"
    -mnc -mcz "-m -s0 -z" "-c -s1")
# The -m modes whose layout depends on every row (sorting, -c widths).
layout_modes=("-m -c" "-m -s" "-m -s1" "-m -c -z" "-m -n -c" "-m -c -s" -mnc -mcz "-m -s0 -z")

# numastat 2.0.16's meminfo fields, in its order.
known_fields="MemTotal MemFree MemUsed HighTotal HighFree LowTotal LowFree Active Inactive Active(anon)
    Inactive(anon) Active(file) Inactive(file) Unevictable Mlocked Dirty Writeback FilePages Mapped
    AnonPages Shmem KernelStack PageTables NFS_Unstable Bounce WritebackTmp Slab SReclaimable SUnreclaim
    AnonHugePages ShmemHugePages ShmemPmdMapped HugePages_Total HugePages_Free HugePages_Surp KReclaimable"

# oracle ROOT TAG MODES...: numastat over the dump at ROOT in each mode, into
# $work/TAG.N (mode N of MODES), in one mount namespace.
oracle() {
    local root=$1 tag=$2
    shift 2
    local node=$root/sys/devices/system/node meminfo=$root/proc/meminfo
    if [ ! -d "$node" ]; then node=$work/empty-node; mkdir -p "$node"; fi
    if [ ! -f "$meminfo" ]; then meminfo=$work/empty-meminfo; : > "$meminfo"; fi
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -m sh -c '
        mount --bind "$1" /sys/devices/system/node && mount --bind "$2" /proc/meminfo || exit 1
        oracle=$3 out=$4
        shift 4
        i=0
        for mode in "$@"; do
            i=$((i + 1))
            # shellcheck disable=SC2086 # a mode is several words
            "$oracle" $mode 2> /dev/null | cat > "$out.$i"
        done' sh "$node" "$meminfo" "$oracle" "$work/$tag" "$@"
}

# swnuma_out ROOT MODE: swnuma's stdout through a pipe into $work/got.
swnuma_out() {
    # shellcheck disable=SC2086 # a mode is several words
    SWNUMA_ROOT=$1 "$work/numastat" $2 2> /dev/null | cat > "$work/got"
}

# same_rows WANT GOT [squeeze]: the lines of GOT are those of WANT (as a
# multiset), except that WANT's "Token X not in hash table." lines are rows
# labelled X in GOT. With squeeze, runs of blanks count as one (-c sizes
# columns from every row, so the unknown rows change the padding).
squeeze_blanks() { tr -s ' '; }
same_rows() {
    local unknown squeeze=cat
    [ "${3:-}" = squeeze ] && squeeze=squeeze_blanks
    unknown=$(sed -n 's/^Token \(.*\) not in hash table\.$/\1/p' "$1" | sort -u | tr '\n' ' ')
    grep -v '^Token .* not in hash table\.$' "$1" | $squeeze | sort > "$work/want-rows"
    awk -v unknown=" $unknown" 'index(unknown, " " $1 " ") == 0' "$2" | $squeeze | sort > "$work/got-rows"
    cmp -s "$work/want-rows" "$work/got-rows"
}

# normalize ROOT COPY: COPY is ROOT's node folder and proc/meminfo, with every
# node's meminfo listing exactly numastat 2.0.16's fields in its order.
normalize() {
    local root=$1 copy=$2 file
    mkdir -p "$copy/sys/devices/system" "$copy/proc"
    [ -f "$root/proc/meminfo" ] && cp "$root/proc/meminfo" "$copy/proc/meminfo"
    [ -d "$root/sys/devices/system/node" ] || return 0
    cp -r "$root/sys/devices/system/node" "$copy/sys/devices/system/node"
    for file in "$copy"/sys/devices/system/node/node*/meminfo; do
        awk -v fields="$known_fields" '
            { name = $3; sub(/:$/, "", name); line[name] = $0; node = $2 }
            END {
                n = split(fields, order, /[ \n]+/)
                for (i = 1; i <= n; i++) {
                    if (order[i] == "") continue
                    if (order[i] in line) print line[order[i]]
                    else if (order[i] ~ /^HugePages_/) printf "Node %s %s:     0\n", node, order[i]
                    else printf "Node %s %s:           0 kB\n", node, order[i]
                }
            }' "$file" > "$file.new" && mv "$file.new" "$file"
    done
}

result() { # NAME OK WANT: counts a case; shows the difference when it fails
    if [ "$2" = yes ]; then
        pass
    else
        diff "$3" "$work/got" | head -"${DIFF_LINES:-10}" > "$work/diff"
        not_ok "$1" "$work/diff"
    fi
}

for tarball in "$corpus"/sysfs/*.tar.bz2; do
    name=$(basename "$tarball" .tar.bz2)
    mkdir -p "$work/$name"
    tar -xjf "$tarball" -C "$work/$name"
    root=$(find "$work/$name" -maxdepth 3 -type d -name sys -print -quit)
    root=${root%/sys}
    oracle "$root" want "${modes[@]}"
    i=0
    for mode in "${modes[@]}"; do
        i=$((i + 1))
        swnuma_out "$root" "$mode"
        ok=no
        case " $mode " in
        *c*m* | *m*c*) same_rows "$work/want.$i" "$work/got" squeeze && ok=yes ;;
        *m*) same_rows "$work/want.$i" "$work/got" && ok=yes ;;
        *) cmp -s "$work/want.$i" "$work/got" && ok=yes ;;
        esac
        result "$name numastat $mode" "$ok" "$work/want.$i"
    done
    normalize "$root" "$work/$name.fields"
    oracle "$work/$name.fields" fields "${layout_modes[@]}"
    i=0
    for mode in "${layout_modes[@]}"; do
        i=$((i + 1))
        swnuma_out "$work/$name.fields" "$mode"
        ok=no
        cmp -s "$work/fields.$i" "$work/got" && ok=yes
        result "$name (numastat 2.0.16's meminfo fields) numastat $mode" "$ok" "$work/fields.$i"
    done
done
finish
