#!/usr/bin/env bash
# Device node specs (netdev:, block:, file:) and --devices, end to end on the
# built binary:
#   - a sysfs tree shaped like a cloud guest's (class entries link into
#     sys/devices; a virtio NIC's node is on its PCI function), read through
#     --root;
#   - the corpus dump 32em64t-2n8c+dax+nvme+mic+dimms (NICs, NVMe, DAX), where
#     each device's node is worked out here by a walk of the extracted tree
#     with the shell's own tools, and compared with swnuma's JSON;
#   - this machine, when it is a guest with a virtio NIC on PCI: in a private
#     mount namespace the NIC's PCI function is given a node, and
#     `-m netdev:NIC --show` must print what numactl prints (root only).
#
#   - every corpus dump (and those of SWNUMA_EXTRA_CORPUS, a folder of more
#     .tar.bz2 dumps such as hwloc's nvidiagpunumanodes): each PCI function's
#     node against lstopo's placement (Tests/Devices/lstopo.py), when
#     lstopo-no-graphics (Debian's hwloc-nox) is installed;
#   - a one-node tree whose devices say -1: node 0, saying why.
#
#   Tests/Devices/run.sh [SWNUMA] [CORPUS_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=$(realpath "${1:-$repo/.build/release/swnuma}")
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}
. "$here/../lib.sh"
make_temp work --memory
# has NAME FILE PATTERN: FILE has a line matching the extended regex PATTERN.
has() { if grep -Eq -- "$3" "$2"; then ok; else not_ok "$1: no line matching '$3'" "$2"; fi; }
lacks() { if grep -Eq -- "$3" "$2"; then not_ok "$1: a line matches '$3'" "$2"; else ok; fi; }

# The guest: two nodes; eth0 (virtio) behind a PCI expander bridge's function
# on node 1; vda (virtio-blk) on node 0 with a partition; eth1 on a function
# the kernel knows no node for; lo virtual.
vm=$work/vm
mk() { mkdir -p "$(dirname "$vm/$1")" && printf '%s\n' "$2" > "$vm/$1"; }
for n in 0 1; do
    mk sys/devices/system/node/node$n/cpulist "$n"
    mk sys/devices/system/node/node$n/meminfo "Node $n MemTotal: 1048576 kB
Node $n MemFree: 524288 kB"
    mk sys/devices/system/node/node$n/distance "$([ $n = 0 ] && echo '10 20' || echo '20 10')"
done
mk sys/devices/system/node/online "0-1"
mk sys/devices/system/cpu/online "0-1"
mk sys/devices/pci0000:20/0000:20:00.0/numa_node 1
mk sys/devices/pci0000:20/0000:20:00.0/class 0x020000
mk sys/devices/pci0000:20/0000:20:00.0/vendor 0x1af4
mk sys/devices/pci0000:20/0000:20:00.0/device 0x1000
mk sys/devices/pci0000:20/0000:20:00.0/virtio3/net/eth0/ifindex 2
mk sys/devices/pci0000:00/0000:00:04.0/numa_node 0
mk sys/devices/pci0000:00/0000:00:04.0/class 0x010000
mk sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/dev 252:0
mk sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1/dev 252:1
mk sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1/partition 1
mk sys/devices/pci0000:00/0000:00:05.0/numa_node -1
mk sys/devices/pci0000:00/0000:00:05.0/class 0x020000
mk sys/devices/pci0000:00/0000:00:05.0/virtio2/net/eth1/ifindex 3
mk sys/devices/virtual/net/lo/ifindex 1
mkdir -p "$vm/sys/class/net" "$vm/sys/class/block" "$vm/sys/bus/pci/devices"
ln -s ../../devices/pci0000:20/0000:20:00.0/virtio3/net/eth0 "$vm/sys/class/net/eth0"
ln -s ../../devices/pci0000:00/0000:00:05.0/virtio2/net/eth1 "$vm/sys/class/net/eth1"
ln -s ../../devices/virtual/net/lo "$vm/sys/class/net/lo"
ln -s ../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda "$vm/sys/class/block/vda"
ln -s ../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1 "$vm/sys/class/block/vda1"
for f in 0000:20:00.0 0000:00:04.0 0000:00:05.0; do
    ln -s "../../../devices/pci${f%:*:*}/$f" "$vm/sys/bus/pci/devices/$f"
done
# The tree names its PCI ids without a pci.ids of its own; names come from
# this machine's when hwdata is installed, so the checks below read classes
# by code or by name.

"$swnuma" --root "$vm" --devices > "$work/out" 2> "$work/err"
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$work/err" ]; then ok; else not_ok "vm --devices: status $rc" "$work/err"; fi
# eth0 sits under "node 1"; vda under "node 0"; eth1 under "node unknown".
awk '/^node /{section=$0; next} {print section ": " $0}' "$work/out" > "$work/sections"
has "vm: eth0 on node 1 through its PCI function" "$work/sections" '^node 1: +network +eth0 +0000:20:00\.0 '
has "vm: vda on node 0" "$work/sections" '^node 0: +block +vda +0000:00:04\.0 '
has "vm: eth1's -1 said with the file read" "$work/sections" \
    '^node unknown: +network +eth1 .*the kernel does not know: sys/devices/pci0000:00/0000:00:05\.0/numa_node is -1'
lacks "vm: no virtual interface" "$work/out" ' lo '
lacks "vm: no partition" "$work/out" 'vda1'

# -H stays numactl's, byte for byte; --devices adds its list after it.
"$swnuma" --root "$vm" -H > "$work/hardware"
"$swnuma" --root "$vm" -H --devices > "$work/both"
if [ "$(head -c "$(wc -c < "$work/hardware")" "$work/both")" = "$(cat "$work/hardware")" ] \
    && tail -n +"$(($(wc -l < "$work/hardware") + 1))" "$work/both" | cmp -s - "$work/out"; then ok; else
    not_ok "vm: -H --devices is -H then --devices" "$work/both"
fi

# JSON: the devices array validates against the schema; without --devices
# there is none (-H pays nothing for devices).
if python3 -c 'import jsonschema, referencing' 2> /dev/null; then
    "$swnuma" --root "$vm" -H --json --devices > "$work/vm.json"
    if python3 - "$repo/docs/schema" "$work/vm.json" > "$work/err" 2>&1 << 'EOF'; then ok; else not_ok "vm: --devices --json" "$work/err"; fi
import json, sys, pathlib
import jsonschema, referencing
folder = pathlib.Path(sys.argv[1])
resources = [(p.name, referencing.Resource.from_contents(json.loads(p.read_text()))) for p in folder.glob("*.json")]
registry = referencing.Registry().with_resources(resources)
schema = json.loads((folder / "hardware.schema.json").read_text())
document = json.loads(pathlib.Path(sys.argv[2]).read_text())
jsonschema.Draft202012Validator(schema, registry=registry).validate(document)
devices = {d["name"]: d for d in document["devices"]}
assert devices["eth0"]["node"] == 1 and devices["eth0"]["pci_address"] == "0000:20:00.0", devices["eth0"]
assert devices["eth0"]["numa_node_file"] == "sys/devices/pci0000:20/0000:20:00.0/numa_node"
assert devices["vda"]["node"] == 0 and devices["vda"]["pci_class"] == "0x010000"
assert devices["eth1"]["node"] is None and devices["eth1"]["numa_node_file"].endswith("0000:00:05.0/numa_node")
assert "lo" not in devices and "vda1" not in devices
EOF
    if "$swnuma" --root "$vm" -H --json | grep -q '"devices"'; then not_ok "vm: -H --json has no devices"; else ok; fi
else
    skip "JSON checks: python3 cannot import jsonschema"
fi

# The corpus dump with NICs, NVMe and DAX: each device's node worked out by
# walking the extracted tree up from the device's folder.
tarball=$corpus/sysfs/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2
if [ -f "$tarball" ] && python3 -c 'import json' 2> /dev/null; then
    mkdir -p "$work/dump"
    tar -xjf "$tarball" -C "$work/dump"
    root=$(find "$work/dump" -maxdepth 3 -type d -name sys -print -quit)
    root=${root%/sys}
    "$swnuma" --root "$root" -H --json --devices > "$work/dump.json" 2> "$work/err" || not_ok "dump: --devices --json" "$work/err"
    # expected NAME: the node of the first numa_node from the device up ("null" for -1 or none).
    expected() {
        local dir node
        dir=$(realpath -m "$root/$1")
        while [ "${dir#"$root"/sys/devices/}" != "$dir" ]; do
            if [ -f "$dir/numa_node" ]; then
                node=$(cat "$dir/numa_node")
                [ "$node" -ge 0 ] 2> /dev/null && echo "$node" || echo null
                return
            fi
            dir=$(dirname "$dir")
        done
        echo null
    }
    names=()
    for entry in sys/class/net/eth0 sys/class/net/eth1 sys/class/net/ib0 sys/class/block/sda \
        sys/class/block/pmem1 sys/bus/dax/devices/dax0.0 sys/bus/dax/devices/dax1.3; do
        [ -e "$root/$entry" ] || continue
        echo "${entry##*/} $(expected "$entry")"
        names+=("${entry##*/}")
    done > "$work/want"
    python3 -c 'import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}
for name in sys.argv[2:]: print(name, json.dumps(d[name]["node"]) if name in d else "missing")' \
        "$work/dump.json" "${names[@]}" > "$work/got"
    if [ "${#names[@]}" -ge 6 ] && cmp -s "$work/want" "$work/got"; then ok; else
        diff "$work/want" "$work/got" > "$work/diff"
        not_ok "dump: the nodes of ${#names[@]} devices (left: the tree walked by this script)" "$work/diff"
    fi
    # The NVMe's function says -1, its local_cpulist 0-3: node 0 (CPUs 0-7), as lstopo places it.
    "$swnuma" --root "$root" --devices > "$work/out"
    awk '/^node /{section=$0; next} {print section ": " $0}' "$work/out" > "$work/sections"
    if [ "$(cat "$root/sys/devices/pci0000:00/0000:00:02.0/numa_node")" = -1 ] \
        && [ "$(cat "$root/sys/devices/pci0000:00/0000:00:02.0/local_cpulist")" = 0-3 ] \
        && [ "$(cat "$root/sys/devices/system/node/node0/cpulist")" = 0-7 ]; then ok; else
        not_ok "dump: the NVMe's numa_node -1 and local_cpulist 0-3 (the tree changed?)"
    fi
    has "dump: nvme0n1 on node 0 by its local CPUs" "$work/sections" '^node 0: +block +nvme0n1 +0000:00:02\.0 .*from local_cpulist: CPUs 0-3'
    has "dump: ib0 on node 1" "$work/sections" '^node 1: +network +ib0 +0000:82:00\.0'
    has "dump: mlx4_0 an RDMA device on node 1" "$work/sections" '^node 1: +rdma +mlx4_0 +0000:82:00\.0'
    has "dump: the Xeon Phi an accelerator" "$work/sections" '^node 1: +accelerator +0000:83:00\.0'
else
    skip "corpus dump 32em64t-2n8c+dax+nvme+mic+dimms: no corpus at $corpus"
fi

# A one-node machine whose devices say -1: node 0, the only place they can be.
one=$work/one
mk1() { mkdir -p "$(dirname "$one/$1")" && printf '%s\n' "$2" > "$one/$1"; }
mk1 sys/devices/system/node/node0/cpulist 0-3
mk1 sys/devices/system/node/node0/meminfo "Node 0 MemTotal: 1048576 kB"
mk1 sys/devices/pci0000:00/0000:00:03.0/numa_node -1
mk1 sys/devices/pci0000:00/0000:00:03.0/class 0x020000
mk1 sys/devices/pci0000:00/0000:00:03.0/net/eth0/ifindex 2
mkdir -p "$one/sys/class/net"
ln -s ../../devices/pci0000:00/0000:00:03.0/net/eth0 "$one/sys/class/net/eth0"
"$swnuma" --root "$one" --devices > "$work/out" 2> "$work/err"
awk '/^node /{section=$0; next} {print section ": " $0}' "$work/out" > "$work/sections"
has "one node: eth0 on node 0, saying why" "$work/sections" '^node 0: +network +eth0 .*the only node; sys/devices/pci0000:00/0000:00:03\.0/numa_node is -1'
lacks "one node: no unknown node" "$work/out" '^node unknown'

# Every dump: each PCI function's node against lstopo's.
if command -v lstopo-no-graphics > /dev/null && [ -d "$corpus/sysfs" ]; then
    roots=()
    for tarball in "$corpus"/sysfs/*.tar.bz2 ${SWNUMA_EXTRA_CORPUS:+"$SWNUMA_EXTRA_CORPUS"/*.tar.bz2}; do
        [ -f "$tarball" ] || continue
        name=$(basename "$tarball" .tar.bz2)
        mkdir -p "$work/all/$name"
        tar -xjf "$tarball" -C "$work/all/$name" 2> /dev/null
        dump=$(find "$work/all/$name" -maxdepth 3 -type d -name sys -print -quit)
        [ -n "$dump" ] && roots+=("${dump%/sys}")
    done
    if python3 "$here/lstopo.py" "$swnuma" "${roots[@]}" > "$work/lstopo" 2>&1; then ok; else
        not_ok "lstopo: placements differ" "$work/lstopo"
    fi
    tail -1 "$work/lstopo"
    # hwloc's nvidiagpunumanodes: six GPUs with a class and local_cpus, no driver files.
    gpus=$(find "$work/all" -maxdepth 1 -name nvidiagpunumanodes)
    if [ -n "$gpus" ]; then
        dump=$(find "$gpus" -maxdepth 3 -type d -name sys -print -quit)
        "$swnuma" --root "${dump%/sys}" --devices > "$work/out"
        if [ "$(grep -c '^  gpu ' "$work/out")" = 6 ] && ! grep -q '^node unknown' "$work/out"; then ok; else
            not_ok "nvidiagpunumanodes: six GPUs on their nodes" "$work/out"
        fi
    else
        skip "nvidiagpunumanodes: not in the corpus (SWNUMA_EXTRA_CORPUS)"
    fi
else
    skip "lstopo comparison: needs lstopo-no-graphics (hwloc-nox) and the corpus"
fi

# This machine: a virtio NIC on PCI whose function is given node 0 in a
# private mount namespace; swnuma and numactl must agree on -m netdev:NIC.
nic=
for link in /sys/class/net/*; do
    path=$(readlink -f "$link")
    case $path in /sys/devices/pci*/virtio*/net/*) nic=${link##*/} && break ;; esac
done
function_of() { # the PCI function folder above a device folder
    local dir=$1
    while [ "$dir" != /sys/devices ] && [ "$dir" != / ]; do
        [ -f "$dir/numa_node" ] && { echo "$dir"; return; }
        dir=$(dirname "$dir")
    done
}
if [ -z "$nic" ]; then
    skip "live virtio NIC: this machine has no virtio network interface on PCI"
elif [ "$(id -u)" != 0 ] || ! unshare -m true 2> /dev/null || ! command -v numactl > /dev/null; then
    skip "live virtio NIC: needs root, unshare -m and numactl"
else
    pcifn=$(function_of "$(readlink -f "/sys/class/net/$nic")")
    echo 0 > "$work/node0"
    for tool in "$swnuma" numactl; do
        unshare -m sh -c 'mount --bind "$1" "$2/numa_node" && exec "$3" -m "netdev:$4" --show' \
            sh "$work/node0" "$pcifn" "$tool" "$nic" > "$work/${tool##*/}.show" 2> "$work/${tool##*/}.err"
        echo "status $?" >> "$work/${tool##*/}.show"
    done
    if cmp -s "$work/swnuma.show" "$work/numactl.show" && grep -q '^membind: 0 *$' "$work/swnuma.show"; then ok; else
        diff "$work/numactl.show" "$work/swnuma.show" > "$work/diff"
        cat "$work/swnuma.err" >> "$work/diff"
        not_ok "live: -m netdev:$nic --show as numactl's (node 0 on $pcifn)" "$work/diff"
    fi
    # Without a node on the function: the -1, named with the file read.
    if [ "$(cat "$pcifn/numa_node")" = -1 ]; then
        "$swnuma" -m "netdev:$nic" true > "$work/out" 2> "$work/err"
        rc=$?
        if [ "$rc" = 1 ] && [ ! -s "$work/out" ] && [ "$(wc -l < "$work/err")" = 1 ] \
            && grep -q "the kernel does not know the NUMA node of network interface '$nic' (sys${pcifn#/sys}/numa_node is -1)" "$work/err"; then ok; else
            echo "status $rc" >> "$work/err"
            not_ok "live: netdev:$nic on a function with node -1" "$work/err"
        fi
    fi
fi

finish
