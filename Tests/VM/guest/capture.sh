#!/bin/sh
# Capture mode (run.sh --capture): copies the files swnuma reads about the
# NUMA layout into a root-shaped tree and prints it as a base64 gzip tar
# between markers on the console.  Files are copied with cat first because
# sysfs files claim a 4096-byte size that tar would trust.
out=/tmp/cap
node=/sys/devices/system/node

copy() {
    [ -r "$1" ] || return 0
    mkdir -p "$out${1%/*}"
    cat "$1" > "$out$1" 2>/dev/null || rm -f "$out$1"
}

for f in online possible has_cpu has_memory has_normal_memory; do
    copy "$node/$f"
done
for d in "$node"/node[0-9]*; do
    for f in cpumap cpulist distance meminfo numastat; do
        copy "$d/$f"
    done
    for h in "$d"/hugepages/hugepages-*; do
        [ -d "$h" ] || continue
        copy "$h/nr_hugepages"
        copy "$h/free_hugepages"
    done
done
for f in online possible present; do
    copy "/sys/devices/system/cpu/$f"
done
copy /proc/meminfo
numactl -H > "$out/numactl-H.txt" 2>&1

echo
echo "@@SWNUMA-CAPTURE-BEGIN@@"
tar -C "$out" -cf - . | gzip -9 | base64
echo "@@SWNUMA-CAPTURE-END@@"
