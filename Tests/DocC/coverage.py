#!/usr/bin/env python3
"""Checks that every public declaration of a module has a documentation comment.

    Tests/DocC/coverage.py SYMBOL_GRAPH_DIR SOURCE_DIR

SYMBOL_GRAPH_DIR holds the module's *.symbols.json, as `swift package
generate-documentation` extracts them (public symbols only). A symbol counts
when it is declared in a file under SOURCE_DIR; what the compiler synthesizes
(Equatable's ==, a raw-value enum's init) and what a protocol extension of
another module adds have no such location and are left out. A declaration is
documented only by a `///` comment of its own, right above it (attributes
such as @discardableResult may stand between): documentation inherited from
a protocol requirement, the standard library's or the module's own, does not
count. Prints one line per undocumented declaration, FILE:LINE first, and
exits 1 if there is any, or if no declaration was found at all.
"""
import json
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

# How many lines of attributes may stand between a comment and its declaration.
MAX_GAP = 4


def path_of(uri):
    return os.path.realpath(unquote(urlparse(uri).path))


def own_comment(symbol, location_file, line):
    """Whether the symbol's docComment is its own, written right above it."""
    comment = symbol.get("docComment")
    if not comment or not any(entry.get("text", "").strip() for entry in comment.get("lines", [])):
        return False
    if "uri" not in comment or path_of(comment["uri"]) != location_file:
        return False
    ranges = [entry["range"] for entry in comment["lines"] if "range" in entry]
    if not ranges:
        return False
    last = ranges[-1]["end"]["line"]
    return 0 < line - last <= MAX_GAP


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    graph_dir, source_dir = Path(sys.argv[1]), os.path.realpath(sys.argv[2])
    graphs = sorted(graph_dir.glob("*.symbols.json"))
    if not graphs:
        print(f"no *.symbols.json in {graph_dir}", file=sys.stderr)
        return 1
    checked = 0
    missing = []
    for graph in graphs:
        for symbol in json.loads(graph.read_text())["symbols"]:
            location = symbol.get("location")
            if not location or symbol.get("accessLevel") not in ("public", "open"):
                continue
            file = path_of(location["uri"])
            if not file.startswith(source_dir + os.sep):
                continue
            line = location["position"]["line"]
            checked += 1
            if not own_comment(symbol, file, line):
                name = ".".join(symbol["pathComponents"])
                kind = symbol["kind"]["displayName"].lower()
                missing.append((os.path.relpath(file), line + 1, f"public {kind} {name} has no documentation comment"))
    for file, line, what in sorted(set(missing)):
        print(f"{file}:{line}: {what}")
    if checked == 0:
        print(f"no public declaration under {source_dir} in {graph_dir}", file=sys.stderr)
        return 1
    print(f"{checked - len(missing)} of {checked} public declarations documented")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
