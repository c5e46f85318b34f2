#!/usr/bin/env bash
# The worst cases of issue 22's parsers at two sizes: user+system seconds and
# peak RSS (/usr/bin/time -v) for input N and 2N. Linear work doubles (or
# stays flat when the input is refused by a limit); quadratic work quadruples.
#
#   scripts/scaling.sh [path/to/swnuma]     (swnuma-kubelet beside it)
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$repo/.build/release/swnuma}")
base=$repo/Tests/Fixtures/sysfs/vm-four
work=$(mktemp -d /dev/shm/swnuma-scaling.XXXXXX 2> /dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$bin" "$work/numastat"

tree() {
    root=$work/$1
    rm -rf "$root"; mkdir -p "$root"
    cp -a "$base/sys" "$base/proc" "$root/"
    mkdir -p "$root/proc/4242" "$root/proc/self"
    printf 'Name:\tdb\n' > "$root/proc/4242/status"
    printf 'db\0' > "$root/proc/4242/cmdline"
}

# measure LABEL SIZE CMD...: one row, capped at SCALING_TIMEOUT seconds (60).
measure() {
    local label=$1 size=$2
    shift 2
    timeout -k 1 "${SCALING_TIMEOUT:-60}" /usr/bin/time -v "$@" > /dev/null 2> "$work/time" < /dev/null
    local status=$?
    local user sys rss
    user=$(awk -F': ' '/User time/ {print $2}' "$work/time")
    sys=$(awk -F': ' '/System time/ {print $2}' "$work/time")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time")
    if [ "$status" -eq 124 ]; then
        printf '| %s | %s | over %s (killed) | | |\n' "$label" "$size" "${SCALING_TIMEOUT:-60}"
        return
    fi
    printf '| %s | %s | %s | %s | %s |\n' "$label" "$size" "$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')" "$(( ${rss:-0} / 1024 ))" "$status"
}

echo "| case | input | CPU s | peak RSS MB | exit |"
echo "|---|---|---|---|---|"
for n in 200000 400000; do
    tree cgroup
    python3 -c "import sys; sys.stdout.write('0::' + '/a' * $n + '\n')" > "$root/proc/self/cgroup"
    printf 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n' > "$root/proc/self/mounts"
    measure "cgroup path, -H --json" "$((n * 2 / 1000)) KB" "$bin" --root "$root" -H --json
done
for n in 1000 2000; do
    tree nodes
    python3 -c "import sys; sys.stdout.write(''.join('%x bind:%d anon=1 ' % (i, i % 1024) + ' '.join('N%d=1' % k for k in range(1024)) + ' kernelpagesize_kB=4\n' for i in range($n)))" > "$root/proc/4242/numa_maps"
    measure "numa_maps 1,024 nodes a line, --process" "$n lines" "$bin" --root "$root" --process 4242 --json
done
for n in 30000 60000; do
    tree policies
    python3 -c "import sys; sys.stdout.write(''.join('%x policy%d anon=1 N0=1 kernelpagesize_kB=4\n' % (i, i) for i in range($n)))" > "$root/proc/4242/numa_maps"
    measure "numa_maps distinct policies, --process" "$n" "$bin" --root "$root" --process 4242 --json
done
for n in 10 20; do
    tree chains
    mkdir -p "$root/sys/class/net"
    pad=$(python3 -c 'import sys; sys.stdout.write("x/../" * 800)')
    for entry in $(seq 1 "$n"); do
        for i in $(seq 1 40); do ln -s "$pad$([ "$i" = 40 ] && echo eth0 || echo "c$entry-$((i + 1))")" "$root/sys/class/net/c$entry-$i"; done
    done
    measure "class entries with 40 links of 4,000 bytes, --devices" "$n entries" "$bin" --root "$root" --devices
done
for n in 50000 100000; do
    python3 -c "import sys; sys.stdout.write('{\"policyName\":\"None\",\"machineState\":{},\"entries\":{' + ','.join('\"p%d\":{}' % i for i in range($n)) + '},\"checksum\":0}')" > "$work/state"
    measure "checkpoint keys, --kubelet-state" "$n keys" "$bin" --root "$base" --kubelet-state "$work/state"
done
for n in 42500 85000; do
    python3 -c "import sys; sys.stdout.write('{\"policyName\":\"None\",\"machineState\":{},\"entries\":{\"p\":{\"c\":[' + ','.join(['{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":1}'] * $n) + ']}},\"checksum\":0}')" > "$work/state"
    measure "checkpoint blocks, --kubelet-state" "$(( $(stat -c %s "$work/state") / 1024 )) KB" "$bin" --root "$base" --kubelet-state "$work/state"
done
long=$(python3 -c 'import sys; sys.stdout.write("a" * 2999 + "b")')
for n in 4 8; do
    tree names
    for pid in $(seq 5000 $((5000 + n - 1))); do
        mkdir -p "$root/proc/$pid"; printf 'Name:\tx\n' > "$root/proc/$pid/status"
        head -c 1048000 /dev/zero | tr '\0' a > "$root/proc/$pid/cmdline"
    done
    measure "3,000-byte name in 1 MB command lines, --process" "$n MB" "$bin" --root "$root" --process "$long"
    measure "3,000-byte name in 1 MB command lines, numastat -p" "$n MB" env SWNUMA_ROOT="$root" "$work/numastat" -p "$long"
done
for n in 4096 8192; do
    tree pciids
    mkdir -p "$root/usr/share/hwdata" "$root/sys/devices/pci0000:00/0000:00:03.0/net/eth0" "$root/sys/class/net"
    python3 -c "
import sys
for v in range($n):
    sys.stdout.write('%04x  Vendor %d with a long name to fill the file up\n' % (v, v))
    for d in range(14): sys.stdout.write('\t%04x  Device %d of vendor %d, also with a long name\n' % (d, d, v))
" > "$root/usr/share/hwdata/pci.ids"
    pci=$root/sys/devices/pci0000:00/0000:00:03.0
    printf '1\n' > "$pci/numa_node"; printf '0x020000\n' > "$pci/class"; printf '0x8086\n' > "$pci/vendor"; printf '0x1572\n' > "$pci/device"
    ln -s ../../devices/pci0000:00/0000:00:03.0/net/eth0 "$root/sys/class/net/eth0"
    size="$(( $(stat -c %s "$root/usr/share/hwdata/pci.ids") / 1048576 )) MB"
    measure "pci.ids, --devices naming one device" "$size" "$bin" --root "$root" --devices
done
tree pciids-huge
mkdir -p "$root/usr/share/hwdata"
python3 -c "
import sys
for v in range(0x10000):
    sys.stdout.write('%04x  Vendor %d with a long name to fill the file up\n' % (v, v))
    for d in range(14): sys.stdout.write('\t%04x  Device %d of vendor %d, also with a long name\n' % (d, d, v))
" > "$root/usr/share/hwdata/pci.ids"
size="$(( $(stat -c %s "$root/usr/share/hwdata/pci.ids") / 1048576 )) MB"
measure "pci.ids, --devices with no device" "$size" "$bin" --root "$root" --devices
