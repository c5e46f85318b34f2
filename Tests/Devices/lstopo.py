#!/usr/bin/env python3
"""Compares the node swnuma gives each PCI function with lstopo's placement.

    lstopo.py SWNUMA ROOT...

For each ROOT (an extracted snapshot), lstopo-no-graphics --input ROOT
--of xml --whole-io places every PCI function under the smallest object
that holds its locality; that object's nodeset, when it is one node, is
the function's node. swnuma --root ROOT -H --json --devices gives its node.
Every function both list is compared; a difference is printed as
`ROOT ADDRESS lstopo=N swnuma=M (kind, node_from)` and counted, except the
differences the README explains (KNOWN below). Exits 1 when a difference
is not explained, or a tool fails.
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

IO_TYPES = {"Bridge", "PCIDev", "OSDev", "Misc"}


def nodes_of(nodeset):
    """The node ids of an hwloc nodeset mask (`0x00000101`, `0x1,,0x0`)."""
    words = nodeset.split(",")
    ids = []
    for index, word in enumerate(reversed(words)):
        value = int(word, 16) if word else 0
        for bit in range(32):
            if value >> bit & 1:
                ids.append(index * 32 + bit)
    return ids


def lstopo_placement(root):
    out = subprocess.run(
        ["lstopo-no-graphics", "--input", root, "--of", "xml", "--whole-io"],
        capture_output=True, check=True, text=True).stdout
    placement = {}

    def walk(element, nodeset):
        if element.tag == "object":
            if element.get("type") not in IO_TYPES and element.get("nodeset"):
                nodeset = element.get("nodeset")
            if element.get("type") == "PCIDev":
                ids = nodes_of(nodeset) if nodeset else []
                placement[element.get("pci_busid")] = ids[0] if len(ids) == 1 else None
        for child in element:
            walk(child, nodeset)

    walk(ET.fromstring(out), None)
    return placement


def swnuma_placement(swnuma, root):
    out = subprocess.run([swnuma, "--root", root, "-H", "--json", "--devices"], capture_output=True, check=True,
                         text=True).stdout
    placement = {}
    for device in json.loads(out)["devices"]:
        if device["pci_address"]:
            placement.setdefault(device["pci_address"], (device["node"], device["kind"], device["node_from"]))
    return placement


def main():
    swnuma, roots = sys.argv[1], sys.argv[2:]
    compared = differences = 0
    for root in roots:
        theirs = lstopo_placement(root)
        ours = swnuma_placement(swnuma, root)
        for address in sorted(set(theirs) & set(ours)):
            compared += 1
            node, kind, source = ours[address]
            if theirs[address] != node:
                differences += 1
                print(f"{root} {address} lstopo={theirs[address]} swnuma={node} ({kind}, {source})")
    print(f"{compared} PCI functions compared over {len(roots)} snapshots, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
