#!/usr/bin/env python3
"""Checks swnuma's JSON output for Tests/JSON/run.sh.

    check.py hardware JSON TEXT        -H --json against docs/schema and the -H text
    check.py show JSON TEXT            --json --show against docs/schema and the --show text
    check.py require JSON STATUS       --json --require against docs/schema and the exit status
    check.py requirements JSON         prints --require expressions that must hold for -H --json
    check.py cpuset JSON PATH VERSION CPUS MEMS   the process cpuset of -H --json
    check.py process JSON PID          --process --json against docs/schema and /proc/PID/numa_maps

Prints one line saying what is wrong and exits 1 on a mismatch.
"""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "schema"


def registry():
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validate(document, name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        fail(f"{name} schema: {'/'.join(map(str, error.path)) or '(top)'}: {error.message}")


def fail(message):
    print(message)
    sys.exit(1)


def load(path):
    text = pathlib.Path(path).read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"not JSON: {error}")


def megabytes(value):
    return "<not available>" if value is None else f"{value >> 20} MB"


def hardware(json_path, text_path):
    document = load(json_path)
    validate(document, "hardware")
    lines = pathlib.Path(text_path).read_text().splitlines()
    nodes = document["nodes"]
    ids = [node["id"] for node in nodes]
    if ids != sorted(ids):
        fail(f"node ids not ascending: {ids}")
    header = lines[0]
    if not header.startswith(f"available: {len(nodes)} nodes ("):
        fail(f"node count {len(nodes)} disagrees with '{header}'")
    by_line = {}
    for line in lines[1:]:
        if line.startswith("node ") and ":" in line and not line.startswith("node distances"):
            key, _, value = line.partition(":")
            by_line[key] = value.strip()
    for node in nodes:
        prefix = f"node {node['id']}"
        cpus = " ".join(map(str, node["cpus"]))
        if by_line.get(f"{prefix} cpus", None) != cpus:
            fail(f"{prefix} cpus: JSON [{cpus}] vs text [{by_line.get(prefix + ' cpus')}]")
        if by_line.get(f"{prefix} size") != megabytes(node["memory"]["total_bytes"]):
            fail(f"{prefix} size: JSON {node['memory']['total_bytes']} vs text {by_line.get(prefix + ' size')}")
        if by_line.get(f"{prefix} free") != megabytes(node["memory"]["free_bytes"]):
            fail(f"{prefix} free: JSON {node['memory']['free_bytes']} vs text {by_line.get(prefix + ' free')}")
        if len(node["distances"]) != len(nodes):
            fail(f"{prefix} has {len(node['distances'])} distances for {len(nodes)} nodes")
        if node["has_cpus"] != bool(node["cpus"]):
            fail(f"{prefix} has_cpus disagrees with cpus")
    if document["distance_info"]:
        start = lines.index("node distances:")
        columns = lines[start + 1].split()[1:]
        if columns != [str(i) for i in ids]:
            fail(f"distance columns {columns} vs node ids {ids}")
        for row, node in zip(lines[start + 2:], nodes):
            label, _, values = row.partition(":")
            if int(label) != node["id"]:
                fail(f"distance row '{label}' vs node {node['id']}")
            expected = [0 if d is None else d for d in node["distances"]]
            if [int(v) for v in values.split()] != expected:
                fail(f"node {node['id']} distances: JSON {node['distances']} vs text '{values.strip()}'")
    elif lines[-1] != "No distance information available.":
        fail("distance_info is false but the text has distances")


def show(json_path, text_path):
    document = load(json_path)
    validate(document, "show")
    text = {}
    for line in pathlib.Path(text_path).read_text().splitlines():
        key, _, value = line.partition(":")
        text[key] = value.split()
    policy = document["policy"]
    if not policy["flags"] and policy["mode"] is not None and text["policy"] != [policy["mode"]]:
        fail(f"policy: JSON {policy['mode']} vs text {text['policy']}")
    if text["physcpubind"] != [str(c) for c in document["cpu_affinity"]]:
        fail(f"cpu_affinity {document['cpu_affinity']} vs physcpubind {text['physcpubind']}")
    if text["cpubind"] != [str(n) for n in document["cpu_nodes"]]:
        fail(f"cpu_nodes {document['cpu_nodes']} vs cpubind {text['cpubind']}")
    if text["preferred"] != [str(n) for n in policy["nodes"]]:
        fail(f"policy nodes {policy['nodes']} vs preferred {text['preferred']}")


def require(json_path, status):
    document = load(json_path)
    validate(document, "require")
    holds = all(r["holds"] for r in document["requirements"])
    if document["holds"] != holds:
        fail("holds disagrees with the requirements")
    if int(status) != (0 if holds else 3):
        fail(f"exit status {status} but holds is {holds}")
    for result in document["requirements"]:
        if result["actual"] is None and result["holds"]:
            fail(f"'{result['expression']}' holds without a value")


def requirements(json_path):
    """Expressions that must hold for the machine the -H --json document describes."""
    document = load(json_path)
    nodes = document["nodes"]
    out = [f"nodes=={len(nodes)}", f"cpus=={len({c for n in nodes for c in n['cpus']})}"]
    for index, node in enumerate(nodes):
        out.append(f"node({node['id']}).cpus=={len(node['cpus'])}")
        if node["memory"]["total_bytes"] is not None:
            out.append(f"node({node['id']}).size=={node['memory']['total_bytes']}")
        if node["memory"]["free_bytes"] is not None:
            out.append(f"node({node['id']}).free>=0")
        for other, distance in zip(nodes, node["distances"]):
            if distance is not None:
                out.append(f"node({node['id']}).distance({other['id']})=={distance}")
        for pages in node["hugepages"]:
            if pages["total"] is not None:
                out.append(f"node({node['id']}).hugepages({pages['page_size_bytes'] >> 10}K).total=={pages['total']}")
    print("\n".join(out))


def cpuset(json_path, path, version, cpus, mems):
    def ids(text):
        out = []
        for item in text.split(","):
            low, _, high = item.partition("-")
            out.extend(range(int(low), int(high or low) + 1))
        return out

    found = load(json_path)["process"]["cpuset"]
    expected = {"path": path, "version": int(version), "cpus": ids(cpus), "mems": ids(mems)}
    if found != expected:
        fail(f"cpuset {found} vs expected {expected}")


def process(json_path, pid):
    """The bytes per node equal what numa_maps says, read here independently."""
    document = load(json_path)
    validate(document, "process")
    found = [p for p in document["processes"] if p["pid"] == int(pid)]
    if len(found) != 1:
        fail(f"process {pid} is not in the document once")
    memory = found[0]["memory"]
    expected = {}
    for line in pathlib.Path(f"/proc/{pid}/numa_maps").read_text().splitlines():
        words = line.split()
        size = 4096
        for word in words:
            if word.startswith("kernelpagesize_kB="):
                size = int(word.split("=")[1]) * 1024
        for word in words:
            if word.startswith("N") and "=" in word:
                node, pages = word[1:].split("=")
                expected[int(node)] = expected.get(int(node), 0) + int(pages) * size
    got = {n["node"]: n["total_bytes"] for n in memory["nodes"]}
    if got != {n: b for n, b in expected.items() if b > 0}:
        fail(f"bytes per node {got}, numa_maps says {expected}")
    if memory["total_bytes"] != sum(expected.values()):
        fail(f"total {memory['total_bytes']} vs {sum(expected.values())}")
    running = {t["node"] for t in found[0]["threads"] if t["node"] is not None}
    if set(found[0]["running_nodes"]) != running:
        fail(f"running_nodes {found[0]['running_nodes']} vs the threads' nodes {running}")
    remote = sum(b for n, b in expected.items() if n not in running)
    if memory["remote_bytes"] != remote:
        fail(f"remote {memory['remote_bytes']} vs {remote}")


if __name__ == "__main__":
    commands = {
        "hardware": hardware, "show": show, "require": require, "requirements": requirements, "cpuset": cpuset,
        "process": process,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        fail(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
