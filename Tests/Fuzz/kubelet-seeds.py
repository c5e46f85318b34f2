#!/usr/bin/env python3
"""Writes the hand-made seeds of the kubelet fuzz targets into
Tests/Fuzz/corpus/{yaml,checkpoint,quantity,kubelet_flags}/ (the configuration
cases of Tests/Kubelet/oracle/cases are copied as well). Checkpoint checksums
are computed by Tests/Kubelet/checkpoint.py's rendering.

    Tests/Fuzz/kubelet-seeds.py
"""
import hashlib
import importlib.util
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")
spec = importlib.util.spec_from_file_location("checkpoint", os.path.join(here, "..", "Kubelet", "checkpoint.py"))
source = open(spec.origin).read().replace("\nmain()\n", "\n")
checkpoint = {}
exec(compile(source, spec.origin, "exec"), checkpoint)


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
cases = os.path.join(here, "..", "Kubelet", "oracle", "cases")
for name in sorted(os.listdir(cases)):
    put("yaml", open(os.path.join(cases, name), "rb").read())
for text in [
    head + "memoryManagerPolicy: Static\nsystemReserved:\n  memory: 1Gi\nkubeReserved: {memory: 512Mi}\n"
    "evictionHard:\n  memory.available: 100Mi\nreservedMemory:\n- numaNode: 0\n  limits:\n    memory: 1124Mi\n"
    "- numaNode: 1\n  limits: {memory: 512Mi, hugepages-2Mi: 4Mi}\n",
    head + "base: &b {memory: 1Gi}\nsystemReserved: *b\nevictionHard:\n  <<: {memory.available: 5%}\n  nodefs.available: 10%\n",
    head + "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\nmemoryManagerPolicy: !!str Static\n",
    head + "? [complex, key]\n: 1\nmemoryManagerPolicy: 'None'\n",
    head + 'memoryManagerPolicy: "St\\e[2Jatic"\nsystemReserved: {"me\\x9bmory": 1Gi}\n',
    head + "memoryManagerPolicy: |\n  Static\n",
    head + "---\nkind: Other\n...\n",
    '{"apiVersion":"kubelet.config.k8s.io/v1beta1","kind":"KubeletConfiguration","memoryManagerPolicy":"Static",'
    '"reservedMemory":[{"numaNode":0,"limits":{"memory":"1Gi"}}],"systemReserved":{"memory":"1Gi"}}',
    head + "evictionHard: [[[[[[[[[[]]]]]]]]]]\n",
    head + "reservedMemory:\n- numaNode: 0x1\n  limits: {memory: 1e3}\n- numaNode: -1\n",
    head + "memoryManagerPolicy: Static\nmemoryManagerPolicy: None\n",
]:
    put("yaml", text)


def state(nodes, entries, policy="Static", pods=False):
    machine = {}
    for node, (total, reserved) in nodes.items():
        machine[str(node)] = {"numberOfAssignments": 0, "cells": [node], "memoryMap": {"memory": {
            "total": total, "systemReserved": reserved, "allocatable": total - reserved, "reserved": 0,
            "free": total - reserved}}}
    for pod, containers in entries.items():
        for blocks in containers.values():
            for block in blocks:
                n = machine[str(block["numaAffinity"][0])]
                n["numberOfAssignments"] += 1
                n["memoryMap"]["memory"]["reserved"] += block["size"]
                n["memoryMap"]["memory"]["free"] -= block["size"]
    cp = {"policyName": policy, "machineState": machine, "entries": entries}
    if pods:
        cp["podEntries"] = {p: {"memoryBlocks": [b for bs in c.values() for b in bs]} for p, c in entries.items()}
    return cp


def v1(cp, pods=False):
    cp = dict(cp)
    cp["checksum"] = checkpoint["fnv1a32"](checkpoint["go_rendering"](cp, pods))
    return json.dumps(cp)


def v3(cp):
    data = json.dumps(cp, separators=(",", ":"))
    legacy = dict(cp)
    legacy["checksum"] = checkpoint["fnv1a32"](checkpoint["go_rendering"](cp, False))
    legacy["data"] = data
    legacy["dataChecksum"] = checkpoint["fnv1a32"]("(string)" + data)
    return json.dumps(legacy)


block = {"numaAffinity": [0], "type": "memory", "size": 1 << 30}
two = {0: (8 << 30, 1 << 30), 1: (8 << 30, 1 << 30)}
for text in [
    v1(state(two, {})),
    v1(state(two, {"pod-a": {"db": [block]}})),
    v1(state(two, {"pod-a": {"db": [block], "side": [dict(block, numaAffinity=[1], size=1 << 20)]}}), pods=False),
    v1(state(two, {"pod-a": {"db": [block]}}, pods=True), pods=True),
    v3(state(two, {"pod-a": {"db": [block]}})),
    v3(state(two, {"pod-b": {"c": [dict(block, numaAffinity=[0, 1])]}}, pods=True)),
    v1(state({}, {}, policy="None")),
    '{"policyName":"Static","machineState":{},"entries":{},"checksum":0}',
    '{"policyName":"St\\u001b[2Jatic","machineState":{"0":{"memoryMap":{"m\\u009b":{"total":1}}}},"entries":{"p\\n":{"c\\u0007":[]}},"checksum":0}',
    '{"policyName":"Static","policyName":"None","checksum":1e3}',
]:
    put("checkpoint", text)

for text in ["1Gi", "512Mi", "100m", "1.5", "1e3", "1E-3", "-1Ki", "+5", "0.000000001", "1Ei", "8Ei", "9223372036854775807",
             "1.25e+2", "00000001", "12n", "3u", ".5", "5.", "1k", "1M", "1P", "1Pi", "1Ti", "2G", "0", "-0", "1e1000",
             "123456789012345678901234567890"]:
    put("quantity", text)

for words in [
    ["--memory-manager-policy=Static", "--reserved-memory", "0:memory=1Gi", "--system-reserved=memory=1Gi"],
    ["--reserved-memory=0:memory=1Gi,hugepages-2Mi=2Mi", "--reserved-memory=1:memory=512Mi", "--kube-reserved=memory=512Mi,cpu=1"],
    ["--eviction-hard=memory.available<100Mi,nodefs.available<10%", "--system-reserved", "memory=1Gi"],
    ["--reserved-memory", "0:memory=1Gi;1:memory=2Gi", "--memory-manager-policy", "None"],
    ["-v=2", "--config=", "--kubeconfig=/etc/k", "--memory-manager-policy=Static", "stray"],
    ["--reserved-memory=", "--system-reserved=", "--eviction-hard="],
    ["--memory-manager-policy=St\x1b[2Jatic", "--reserved-memory=0:\x9b=1"],
    ["--feature-gates=MemoryManager=true", "--enforce-node-allocatable=pods", "--", "--system-reserved=memory=1"],
]:
    put("kubelet_flags", "\0".join(words))
