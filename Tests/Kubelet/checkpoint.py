#!/usr/bin/env python3
"""Writes memory manager checkpoints for Tests/Kubelet/run.sh, with checksums
computed here, independently of swnuma: FNV-1a (32 bits) of the Go rendering
the kubelet hashes.

    checkpoint.py CHECK_JSON FORMAT OUT [EDIT...]

CHECK_JSON is the output of `swnuma --json --kubelet-check` (its
machine_state is the state the kubelet starts from). FORMAT is v1, v2 or v3.
EDITs change the checkpoint after its checksum is computed or before:

    container=POD/NAME/TYPE/SIZE/NODE   give a container a block (before; the state is updated)
    total+=N                            node 0's memory total grows by N (before: a DIMM changed)
    policy=NAME                         the policy name (before)
    corrupt                             the stored checksum is off by one (after)
    zero                                the stored checksum is 0 (after)
"""
import json
import sys


def fnv1a32(text):
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def go_map(items, render, numeric=False):
    keys = sorted(items, key=(lambda k: int(k)) if numeric else (lambda k: k.encode()))
    return "map[" + " ".join(f"{k}:{render(items[k])}" for k in keys) + "]"


def go_blocks(blocks):
    return "[" + " ".join(
        f"{{NUMAAffinity:([]int)[{' '.join(map(str, b['numaAffinity']))}] Type:(v1.ResourceName){b['type']} Size:(uint64){b['size']}}}"
        for b in blocks) + "]"


def go_rendering(cp, pods):
    def table(t):
        return ("<*>{" + " ".join(f"{n}:(uint64){t[k]}" for n, k in [
            ("TotalMemSize", "total"), ("SystemReserved", "systemReserved"), ("Allocatable", "allocatable"),
            ("Reserved", "reserved"), ("Free", "free")]) + "}")

    def node(n):
        return (f"<*>{{NumberOfAssignments:(int){n['numberOfAssignments']} "
                f"MemoryMap:(map[v1.ResourceName]*state.MemoryTable){go_map(n['memoryMap'], table)} "
                f"Cells:([]int)[{' '.join(map(str, n['cells']))}]}}")

    out = f"(*state.MemoryManagerCheckpoint){{PolicyName:(string){cp['policyName']}"
    out += " MachineState:(state.NUMANodeMap)" + go_map(cp["machineState"], node, numeric=True)
    out += " Entries:(state.ContainerMemoryAssignments)" + go_map(
        cp.get("entries", {}), lambda c: go_map(c, go_blocks))
    if pods:
        out += " PodEntries:(state.PodMemoryAssignments)" + go_map(
            cp.get("podEntries", {}), lambda p: "{MemoryBlocks:([]state.Block)" + go_blocks(p["memoryBlocks"]) + "}")
    return out + " Checksum:(checksum.Checksum)0}"


def main():
    check = json.load(open(sys.argv[1]))
    fmt, out, edits = sys.argv[2], sys.argv[3], sys.argv[4:]
    state = {}
    for node in check["machine_state"]:
        state[str(node["node"])] = {
            "numberOfAssignments": node["assignments"],
            "memoryMap": {m["type"]: {"total": m["total"], "systemReserved": m["system_reserved"],
                                      "allocatable": m["allocatable"], "reserved": m["reserved"], "free": m["free"]}
                          for m in node["memory"]},
            "cells": node["cells"],
        }
    cp = {"policyName": "Static", "machineState": state, "entries": {}}
    for edit in edits:
        if edit.startswith("container="):
            pod, name, kind, size, node = edit.split("=", 1)[1].split("/")
            block = {"numaAffinity": [int(node)], "type": kind, "size": int(size)}
            cp["entries"].setdefault(pod, {}).setdefault(name, []).append(block)
            if node in state and kind in state[node]["memoryMap"]:
                n = state[node]
                n["numberOfAssignments"] += 1
                n["memoryMap"][kind]["reserved"] += int(size)
                n["memoryMap"][kind]["free"] -= int(size)
        elif edit.startswith("total+="):
            grow = int(edit.split("=", 1)[1])
            table = state[min(state, key=int)]["memoryMap"]["memory"]
            table["total"] -= grow
            table["allocatable"] -= grow
            table["free"] -= grow
        elif edit.startswith("policy="):
            cp["policyName"] = edit.split("=", 1)[1]
    if fmt == "v2":
        cp["podEntries"] = {pod: {"memoryBlocks": [b for blocks in containers.values() for b in blocks]}
                            for pod, containers in cp["entries"].items()}
    if fmt == "v3":
        data = json.dumps(cp, separators=(",", ":"))
        legacy = dict(cp)
        legacy["checksum"] = fnv1a32(go_rendering(cp, False))
        legacy["data"] = data
        legacy["dataChecksum"] = fnv1a32("(string)" + data)
        cp, key = legacy, "dataChecksum"
    else:
        cp["checksum"] = fnv1a32(go_rendering(cp, fmt == "v2"))
        key = "checksum"
    if "corrupt" in edits:
        cp[key] += 1
    if "zero" in edits:
        cp[key] = 0
    json.dump(cp, open(out, "w"))


main()
