#!/usr/bin/env python3
"""Writes a synthetic sysfs tree with NODES nodes and CPUS CPUs under ROOT.

    scripts/gen-topology.py ROOT [NODES] [CPUS]

Used by the benchmarks to see how swnuma -H grows with nodes and CPUs.
"""
import os
import sys

root = sys.argv[1]
nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
cpus = int(sys.argv[3]) if len(sys.argv) > 3 else 8192
per_node = cpus // nodes
words = (cpus + 31) // 32
base = os.path.join(root, "sys/devices/system/node")
for node in range(nodes):
    folder = os.path.join(base, f"node{node}")
    os.makedirs(folder, exist_ok=True)
    mask = 0
    for cpu in range(node * per_node, (node + 1) * per_node):
        mask |= 1 << cpu
    groups = [(mask >> (32 * i)) & 0xFFFFFFFF for i in range(words)]
    with open(os.path.join(folder, "cpumap"), "w") as f:
        f.write(",".join(f"{g:08x}" for g in reversed(groups)) + "\n")
    with open(os.path.join(folder, "meminfo"), "w") as f:
        f.write(f"Node {node} MemTotal:       16777216 kB\nNode {node} MemFree:        8388608 kB\n")
    with open(os.path.join(folder, "distance"), "w") as f:
        f.write(" ".join("10" if other == node else "20" for other in range(nodes)) + "\n")
os.makedirs(os.path.join(root, "sys/devices/system/cpu"), exist_ok=True)
with open(os.path.join(root, "sys/devices/system/cpu/online"), "w") as f:
    f.write(f"0-{cpus - 1}\n")
