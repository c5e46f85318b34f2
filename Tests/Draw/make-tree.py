#!/usr/bin/env python3
"""Writes a synthetic sysfs tree of N nodes for swnuma --draw tests.

    make-tree.py DIR N

Nodes 0..N-1, two CPUs each, except: every 8th node from 5 has CPUs and no
memory; every 8th node from 7 has memory and no CPUs. Distances: 10 on the
diagonal, 12 within a group of 8, 20 + 4 * (group distance) across groups.
Node 0 has 2 MiB huge pages.
"""
import os
import sys

root, count = sys.argv[1], int(sys.argv[2])
base = os.path.join(root, "sys/devices/system/node")
cpu = 0
for node in range(count):
    folder = os.path.join(base, f"node{node}")
    os.makedirs(folder, exist_ok=True)
    cpu_only = node % 8 == 5
    memory_only = node % 8 == 7
    cpus = [] if memory_only else [cpu, cpu + 1]
    if cpus:
        cpu += 2
    with open(os.path.join(folder, "cpulist"), "w") as f:
        f.write(",".join(map(str, cpus)) + "\n")
    total = 0 if cpu_only else (16 << 20) * (1 + node % 3)
    free = total * (node % 10) // 10
    with open(os.path.join(folder, "meminfo"), "w") as f:
        f.write(f"Node {node} MemTotal:       {total} kB\nNode {node} MemFree:        {free} kB\n")
    row = []
    for other in range(count):
        if other == node:
            row.append(10)
        elif other // 8 == node // 8:
            row.append(12)
        else:
            row.append(20 + 4 * abs(other // 8 - node // 8))
    with open(os.path.join(folder, "distance"), "w") as f:
        f.write(" ".join(map(str, row)) + "\n")
    if node == 0:
        huge = os.path.join(folder, "hugepages/hugepages-2048kB")
        os.makedirs(huge, exist_ok=True)
        with open(os.path.join(huge, "nr_hugepages"), "w") as f:
            f.write("512\n")
        with open(os.path.join(huge, "free_hugepages"), "w") as f:
            f.write("100\n")
