#!/usr/bin/env python3
"""Writes Sources/swnuma/startup.order, the link order of the code swnuma runs.

    scripts/startup-order.py BINARY           (make startup-order)
    scripts/startup-order.py --check BINARY   (make test-order)

BINARY is an unstripped release build. Each command below runs once under
valgrind's callgrind; every function it executes is listed, grouped by the
first command that reaches it (launches first: they start services) and
sorted within the group, so that the file changes only when the set does. The release
link (Package.swift) hands the file to lld's --symbol-ordering-file, which
places those functions side by side at the start of .text. A start-up then
faults in a few pages of code instead of pages scattered over 5 MB; see
BENCHMARKS.md for what that is worth.

The writable variables the commands touch (.data and .bss: metadata caches,
once-tokens, the runtime's allocation pool) follow the functions, found the
same way under valgrind's lackey (--trace-mem). A write to a private page costs
a fault per page and fault-around does not apply, so gathering them saves about
20 faults a start-up.

--check writes nothing: it fails when functions of swnuma's own modules that
the commands execute are missing from the committed file (more than 2% of
them), that is, when the file has gone stale.

Two kinds of name need care:
- functions inside the Swift standard library's one large .text section
  (Swift.o, not built with function sections) cannot move one by one; listing
  them would pull that whole 1.6 MB section in among the small ones, so they
  are left out;
- glibc picks memmove, strlen and the like per CPU at start-up (IFUNC), and
  valgrind's simulated CPU picks other variants than real ones do, so every
  variant of each such function is listed.
"""
import bisect
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO, "Sources/swnuma/startup.order")

# argv[0] name, then arguments. "numastat" runs the multi-call binary as numastat.
COMMANDS = [
    ["swnuma", "--membind=0", "--cpunodebind=0", "/bin/true"],
    ["swnuma", "--interleave=all", "/bin/true"],
    ["swnuma", "--physcpubind=0", "--localalloc", "/bin/true"],
    ["swnuma", "-H"],
    ["swnuma", "--show"],
    ["swnuma", "-m", "0", "-N", "0", "--show"],
    ["swnuma", "-H", "--json"],
    ["swnuma", "--show", "--json"],
    ["swnuma", "--require", "nodes>=1", "-H"],
    ["numastat"],
    ["numastat", "-n"],
    ["numastat", "-m"],
    ["numastat", "-p", "1"],
    ["swnuma", "--version"],
    ["swnuma", "--no-such-option"],
]

FUNCTION = re.compile(r"^c?fn=\(\d+\) (.+)$")
IFUNC_VARIANT = re.compile(r"^(__\w+?)_(?:sse2|ssse3|sse4_1|sse4_2|avx|avx2|evex|evex512|avx512)(?:_\w+)?$")


def executed(binary, workdir):
    """Function names, those of the first command first, then those each later command adds."""
    names, seen = [], set()
    for index, command in enumerate(COMMANDS):
        link = os.path.join(workdir, command[0])
        if not os.path.exists(link):
            os.symlink(os.path.abspath(binary), link)
        out = os.path.join(workdir, f"callgrind.{index}")
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                        link, *command[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        new = set()
        with open(out) as f:
            for line in f:
                match = FUNCTION.match(line)
                if not match:
                    continue
                name = re.sub(r"'\d+$", "", match.group(1).strip())  # callgrind's recursion marks
                if not name.startswith("0x") and name not in seen:
                    new.add(name)
        # Sorted within each command, so that the file changes only when the set does.
        names += sorted(new)
        seen |= new
    return names


DATA_ACCESS = re.compile(r"^ [LSM] ([0-9a-f]+),")


def touched_data(binary, workdir):
    """Writable data and .bss symbols the commands read or write, grouped like executed()."""
    # Only .data and .bss: read-only data (.rodata, .data.rel.ro) is faulted in 64 KB at a time.
    writable = []
    sections = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    for match in re.finditer(r"\]\s+(\.data|\.bss)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections):
        writable.append((int(match.group(2), 16), int(match.group(2), 16) + int(match.group(3), 16)))
    symbols = []
    listing = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and int(fields[1], 16) and any(low <= int(fields[0], 16) < high for low, high in writable):
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    symbols.sort()
    starts = [start for start, _, _ in symbols]
    names, seen = [], set()
    for index, command in enumerate(COMMANDS):
        link = os.path.join(workdir, command[0])
        if not os.path.exists(link):
            os.symlink(os.path.abspath(binary), link)
        log = os.path.join(workdir, f"lackey.{index}")
        subprocess.run(["valgrind", "--tool=lackey", "--trace-mem=yes", f"--log-file={log}",
                        link, *command[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        new = set()
        with open(log) as f:
            for line in f:
                match = DATA_ACCESS.match(line)
                if not match:
                    continue
                address = int(match.group(1), 16)
                at = bisect.bisect_right(starts, address) - 1
                if at >= 0 and address < symbols[at][0] + symbols[at][1] and symbols[at][2] not in seen:
                    new.add(symbols[at][2])
        os.remove(log)
        names += sorted(new)
        seen |= new
    return names


def standard_library_monolith(workdir):
    """Symbols in Swift.o's single .text section of the toolchain's static libswiftCore.a."""
    swiftc = shutil.which("swiftc")
    archive = os.path.join(os.path.dirname(os.path.realpath(swiftc)), "..", "lib", "swift_static", "linux",
                           "libswiftCore.a")
    member = os.path.join(workdir, "Swift.o")
    with open(member, "wb") as f:
        subprocess.run(["ar", "p", archive, "Swift.o"], stdout=f, check=True)
    sections = subprocess.run(["readelf", "-SW", member], capture_output=True, text=True, check=True).stdout
    index = next(m.group(1) for m in re.finditer(r"\[\s*(\d+)\]\s+(\S+)", sections) if m.group(2) == ".text")
    symbols = subprocess.run(["readelf", "-sW", member], capture_output=True, text=True, check=True).stdout
    return {fields[7] for fields in (line.split() for line in symbols.splitlines())
            if len(fields) >= 8 and fields[6] == index}


OWN_MODULES = ("$s4NUMA", "$s9SwnumaCLI", "$s6swnuma")


def compute(binary, variables=True):
    """The order for BINARY, and how many functions ran in all; --check leaves the variables out."""
    defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", binary],
                                 capture_output=True, text=True, check=True).stdout.split())
    if not defined:
        sys.exit(f"{binary}: no symbols; build it without -Xlinker -s")
    with tempfile.TemporaryDirectory(prefix="swnuma-order-") as workdir:
        names = executed(binary, workdir)
        monolith = standard_library_monolith(workdir)
        data = touched_data(binary, workdir) if variables else []
    order, listed = [], set()
    for name in names:
        if name in monolith or name not in defined:
            continue
        family = IFUNC_VARIANT.match(name)
        group = sorted(s for s in defined if family and s.startswith(family.group(1) + "_")
                       and IFUNC_VARIANT.match(s)) if family else []
        for symbol in [name, *group]:
            if symbol not in listed:
                listed.add(symbol)
                order.append(symbol)
    functions = len(order)
    for name in data:
        if name not in listed:
            listed.add(name)
            order.append(name)
    return order, len(names), len(monolith & set(names)), functions


def check(binary):
    order, _, _, _ = compute(binary, variables=False)
    with open(OUTPUT) as f:
        committed = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    own = [name for name in order if name.startswith(OWN_MODULES)]
    missing = [name for name in own if name not in committed]
    print(f"startup.order: {len(own) - len(missing)} of the {len(own)} swnuma functions a start-up runs are listed")
    for name in missing[:10]:
        print(f"  not listed: {name}")
    if not own or len(missing) * 50 > len(own):
        sys.exit("startup.order is stale: run `make startup-order` and commit Sources/swnuma/startup.order")


def main():
    arguments = sys.argv[1:]
    if arguments[:1] == ["--check"] and len(arguments) == 2:
        return check(arguments[1])
    if len(arguments) != 1:
        sys.exit("usage: scripts/startup-order.py [--check] UNSTRIPPED-RELEASE-BINARY")
    order, ran, monolith, functions = compute(arguments[0])
    with open(OUTPUT, "w") as f:
        f.write("# Link order of the functions swnuma runs at start-up, then of the variables it touches,\n")
        f.write("# for lld's --symbol-ordering-file.\n")
        f.write("# Generated by scripts/startup-order.py (make startup-order); do not edit.\n")
        f.write("\n".join(order) + "\n")
    print(f"{OUTPUT}: {functions} functions ({ran} executed, {monolith} inside Swift.o's .text), "
          f"{len(order) - functions} variables")


if __name__ == "__main__":
    main()
