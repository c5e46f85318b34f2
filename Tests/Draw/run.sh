#!/usr/bin/env bash
# Checks `swnuma --draw` end to end: the SVG of a 1-, 2-, 8- and 64-node
# machine is valid XML (xmllint), renders to a PNG with librsvg
# (rsvg-convert), names every node; the terminal boxes fit COLUMNS; bad
# uses fail with one line on stderr and nothing on stdout.
#
#   Tests/Draw/run.sh [SWNUMA] [CORPUS_DIR]
#
# The 1- and 64-node machines are generated (make-tree.py); the 2- and
# 8-node ones are the vm-two fixture and the corpus's 16amd64-8n2c dump (a
# generated 8-node tree when the corpus is absent). SWNUMA_DRAW_KEEP=DIR
# keeps the SVG and PNG files there, to look at.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}

. "$here/../lib.sh"
for tool in xmllint rsvg-convert python3; do
    if ! command -v "$tool" > /dev/null; then
        fail "tools" "$tool is missing (apt-get install libxml2-utils librsvg2-bin python3)"
        finish
    fi
done

python3 "$here/make-tree.py" "$work/one" 1
python3 "$here/make-tree.py" "$work/sixty-four" 64
roots=("one:$work/one" "two:$repo/Tests/Fixtures/sysfs/vm-two" "sixty-four:$work/sixty-four")
if [ -f "$corpus/sysfs/16amd64-8n2c.tar.bz2" ]; then
    mkdir -p "$work/corpus"
    tar -xjf "$corpus/sysfs/16amd64-8n2c.tar.bz2" -C "$work/corpus"
    eight=$(find "$work/corpus" -maxdepth 3 -type d -name sys -print -quit)
    roots+=("eight:${eight%/sys}")
else
    echo "draw: no corpus at $corpus/sysfs: the 8-node machine is generated"
    python3 "$here/make-tree.py" "$work/eight" 8
    roots+=("eight:$work/eight")
fi

for entry in "${roots[@]}"; do
    name=${entry%%:*}
    root=${entry#*:}
    nodes=$(ls -d "$root"/sys/devices/system/node/node* | wc -l)
    svg="$work/$name.svg"
    if ! "$swnuma" --root "$root" --draw "$svg" > "$work/out" 2> "$work/err" || [ -s "$work/out" ]; then
        fail "draw.$name.write" "exit or output: $(head -c 300 "$work/out" "$work/err")"
        continue
    fi
    ok
    if xmllint --noout "$svg" 2> "$work/err"; then ok; else fail "draw.$name.xmllint" "$(head -c 300 "$work/err")"; fi
    if rsvg-convert -o "$work/$name.png" "$svg" 2> "$work/err" && [ "$(head -c 8 "$work/$name.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]; then
        ok
    else
        fail "draw.$name.render" "rsvg-convert: $(head -c 300 "$work/err")"
    fi
    # Every node has its box; the matrix one cell per pair.
    titles=$(grep -c '>node [0-9]*\( ([^<]*)\)\?</text>' "$svg")
    cells=$(grep -c '</title></rect>' "$svg")
    if [ "$titles" = "$nodes" ] && [ "$cells" = $((nodes * nodes)) ]; then ok; else fail "draw.$name.content" "$titles boxes, $cells cells for $nodes nodes"; fi
    # The same picture on standard output.
    if "$swnuma" --root "$root" --draw - 2> /dev/null | cmp -s - "$svg"; then ok; else fail "draw.$name.stdout" "--draw - differs from the file"; fi
    for columns in 40 80 200; do
        COLUMNS=$columns "$swnuma" --root "$root" --draw > "$work/text" 2> "$work/err"
        wide=$(python3 -c 'import sys; print(sum(len(l.rstrip("\n")) > int(sys.argv[2]) for l in open(sys.argv[1], encoding="utf-8")))' "$work/text" "$columns")
        boxes=$(grep -o 'node [0-9]* ' "$work/text" | wc -l)
        if [ "$wide" = 0 ] && [ "$boxes" = "$nodes" ]; then ok; else fail "draw.$name.text$columns" "$wide lines wider than $columns, $boxes boxes"; fi
    done
    [ -n "${SWNUMA_DRAW_KEEP:-}" ] && mkdir -p "$SWNUMA_DRAW_KEEP" && cp "$svg" "$work/$name.png" "$SWNUMA_DRAW_KEEP/"
done

# Devices in the boxes: the corpus's 32em64t dump has NICs on both nodes and
# an NVMe whose node the kernel does not know.
dump="$corpus/sysfs/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2"
if [ -f "$dump" ]; then
    mkdir -p "$work/devices"
    tar -xjf "$dump" -C "$work/devices"
    root=$(find "$work/devices" -maxdepth 3 -type d -name sys -print -quit)
    "$swnuma" --root "${root%/sys}" --draw - > "$work/devices.svg" 2> "$work/err"
    # Named devices; node 0's fourteen do not fit its box: real disks before
    # pmem namespaces, and the rest counted by kind on the last line.
    if grep -q '>eth0 network: ' "$work/devices.svg" && grep -q '>ib0 network: ' "$work/devices.svg" &&
        grep -q '>sda block: ' "$work/devices.svg" && grep -q '>and [0-9]* more: [0-9]* block, [0-9]* dax, [0-9]* pci</text>' "$work/devices.svg" &&
        grep -q '1 device(s) on no known node' "$work/devices.svg" && xmllint --noout "$work/devices.svg"; then
        ok
    else
        fail draw.devices "$(grep -o '>[a-z0-9.:]* [a-z]*: [^<]*</text>' "$work/devices.svg" | head -8 | tr '\n' ' ') $(head -c 300 "$work/err")"
    fi
fi

# Every corpus dump (and SWNUMA_EXTRA_CORPUS's): valid SVG, rendered, every
# node boxed; memory kinds named where the machine says them; packages framed.
for tarball in "$corpus"/sysfs/*.tar.bz2 ${SWNUMA_EXTRA_CORPUS:+"$SWNUMA_EXTRA_CORPUS"/*.tar.bz2}; do
    [ -f "$tarball" ] || continue
    name=$(basename "$tarball" .tar.bz2)
    mkdir -p "$work/all/$name"
    tar -xjf "$tarball" -C "$work/all/$name" 2> /dev/null
    root=$(find "$work/all/$name" -maxdepth 3 -type d -name sys -print -quit)
    root=${root%/sys}
    svg="$work/all/$name.svg"
    if "$swnuma" --root "$root" --draw "$svg" > /dev/null 2> "$work/err" && xmllint --noout "$svg" 2>> "$work/err" \
        && rsvg-convert -o "$work/all/$name.png" "$svg" 2>> "$work/err"; then ok; else
        fail "draw.corpus.$name" "$(head -c 300 "$work/err")"
        continue
    fi
    nodes=$(ls -d "$root"/sys/devices/system/node/node* 2> /dev/null | wc -l)
    [ "$nodes" = 0 ] && nodes=1
    titles=$(grep -c '>node [0-9]*\( ([^<]*)\)\?</text>' "$svg")
    [ "$titles" = "$nodes" ] && ok || fail "draw.corpus.$name.boxes" "$titles boxes for $nodes nodes"
    case $name in
    nvidiagpunumanodes) want='>node 25[0-5] (GPU memory)</text>' ;;
    fakeheteromemtiers) want='>node [0-9]* (specific-purpose)</text>' ;;
    fakememinitiators-*) want='>node [0-9]* (persistent)</text>' ;;
    64amd64-4s2n4ca2co | 32amd64-4s2n4c-cgroup2) want='>package [0-9]*: nodes [0-9]*-[0-9]*</text>' ;;
    *) want='' ;;
    esac
    if [ -n "$want" ]; then grep -q "$want" "$svg" && ok || fail "draw.corpus.$name.kinds" "no line matching $want"; fi
    [ -n "${SWNUMA_DRAW_KEEP:-}" ] && mkdir -p "$SWNUMA_DRAW_KEEP" && cp "$svg" "$work/all/$name.png" "$SWNUMA_DRAW_KEEP/"
done

# Refusals: one line on stderr, nothing on stdout, exit 1.
# 1024 nodes with a full distance matrix: the picture stays bounded (no cell
# per pair past 128 nodes) and quick, in both renderers.
python3 "$here/make-tree.py" "$work/wide" 1024
start=$(date +%s%N)
"$swnuma" --root "$work/wide" --draw - > "$work/wide.svg" 2> "$work/wide.err"
status=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
size=$(wc -c < "$work/wide.svg")
if [ "$status" -eq 0 ] && [ "$size" -lt 5000000 ] && grep -q "1024 nodes: too many to draw" "$work/wide.svg" \
    && xmllint --noout "$work/wide.svg" 2>/dev/null; then ok; else fail wide-svg "exit $status, $size bytes"; fi
[ "$elapsed" -lt 2000 ] && ok || fail wide-svg-time "${elapsed} ms"
COLUMNS=120 "$swnuma" --root "$work/wide" --draw > "$work/wide.txt" 2>/dev/null
[ "$?" -eq 0 ] && [ "$(wc -c < "$work/wide.txt")" -lt 5000000 ] && ok || fail wide-text "$(wc -c < "$work/wide.txt") bytes"

refuse() {
    local name=$1
    shift
    "$swnuma" "$@" > "$work/out" 2> "$work/err"
    local status=$?
    if [ "$status" = 1 ] && [ ! -s "$work/out" ] && [ "$(grep -c '^swnuma: ' "$work/err")" = 1 ]; then ok; else fail "draw.refuse.$name" "exit $status: $(head -c 300 "$work/out" "$work/err")"; fi
}
refuse command --root "$work/one" --draw ls
refuse unwritable --root "$work/one" --draw "$work/no/such/folder/x.svg"
refuse json --root "$work/one" --draw --json
refuse empty --root "$work/one" --draw=

finish
