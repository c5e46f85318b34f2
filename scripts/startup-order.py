#!/usr/bin/env python3
"""Writes Sources/swnuma/startup.order, the link order of the code swnuma runs.

    scripts/startup-order.py BINARY           (make startup-order)
    scripts/startup-order.py --check BINARY   (make test-order)

BINARY is an unstripped release build, its Swift modules compiled with
-function-sections (the Makefile's release flags) so that each function is a
section lld can place. Each command below runs once under valgrind's lackey
(--trace-mem); every function whose code it executes is found by address and
listed: first what every command runs (the start-up core), then grouped by
the first command that reaches it (launches first: they start services) and
sorted within the group, so that the file changes only when the set does. The release link (Package.swift) hands the file to lld's
--symbol-ordering-file, which places those functions side by side at the start
of .text. The kernel maps a file's pages 64 KB at a time around each fault,
and every page mapped costs again when the process exits, so code that a
start-up runs in a few 64 KB windows instead of scattered over 8 MB saves both;
see BENCHMARKS.md for what that is worth.

The writable variables the commands touch (.data and .bss: metadata caches,
once-tokens, the runtime's allocation pool) follow the functions, found in the
same traces. A write to a private page costs a fault per page and fault-around
does not apply, so gathering them saves about 20 faults a start-up.

--check writes nothing: it fails when functions of swnuma's own modules that
the commands execute are missing from the committed file (more than 2% of
them), that is, when the file has gone stale.

Three kinds of function need care:
- functions inside the Swift standard library's one large .text section
  (Swift.o, not built with function sections) cannot move one by one; listing
  them would pull that whole 1.6 MB section in among the small ones, so they
  are left out;
- a function of swnuma's modules can share its name with one inside Swift.o
  (a specialization or witness accessor both emit); it is listed by an alias
  of its own when it has one, or else at the end of the functions, where the
  Swift.o section its name pulls along does no harm;
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
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO, "Sources/swnuma/startup.order")

# argv[0] name, then arguments. "numastat" and "migratepages" run the multi-call binary by
# those names. PID stands for a process of the tracer's own that holds some memory (the one
# make bench looks at): a process the tracer cannot read, such as PID 1 in a container, would
# trace only the refusal.
COMMANDS = [
    ["swnuma", "--membind=0", "--cpunodebind=0", "/bin/true"],
    ["swnuma", "-m", "0", "-N", "0", "/bin/true"],
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
    ["numastat", "-p", "PID"],
    ["swnuma", "--process", "PID"],
    ["migratepages", "PID", "0", "0"],
    ["swnuma", "--version"],
    ["swnuma", "--no-such-option"],
]

IFUNC_VARIANT = re.compile(r"^(__\w+?)_(?:sse2|ssse3|sse4_1|sse4_2|avx|avx2|evex|evex512|avx512)(?:_\w+)?$")


def symbols_in(binary, kinds, sizeless=False):
    """(start, size, name) of BINARY's symbols of the given nm kinds, sorted by start.

    With SIZELESS, a symbol without a size (crtbegin's frame_dummy) reaches to the next one."""
    listing = subprocess.run(["nm", "-n", "-S", "--defined-only", binary], capture_output=True, text=True, check=True)
    symbols, bare = [], []
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in kinds and int(fields[1], 16):
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
        elif sizeless and len(fields) == 3 and fields[1] in kinds:
            bare.append((int(fields[0], 16), fields[2]))
    starts = sorted({start for start, _, _ in symbols} | {start for start, _ in bare})
    for start, name in bare:
        following = starts[bisect.bisect_right(starts, start):]
        if following and following[0] - start <= 4096:
            symbols.append((start, following[0] - start, name))
    symbols.sort()
    return symbols


def covering(symbols, starts, address):
    """The symbol whose extent holds ADDRESS, or None."""
    at = bisect.bisect_right(starts, address) - 1
    if at >= 0 and address < symbols[at][0] + symbols[at][1]:
        return symbols[at]
    return None


# What a static glibc runs at start-up on a real machine but not under valgrind, which gives
# the program no vDSO: setting up the vDSO's link map and looking up its symbols.
VDSO_SETUP = ["_dl_new_object", "_dl_add_to_namespace_list", "_dl_setup_hash", "_dl_lookup_symbol_x",
              "do_lookup_x", "check_match", "strcmp", "__strcmp_sse2", "strncmp", "__strncmp_sse2"]

CODE_ACCESS = re.compile(r"^I\s+([0-9a-f]+),")
DATA_ACCESS = re.compile(r"^ [LSM] ([0-9a-f]+),")


def traced(binary, workdir):
    """Per command, under valgrind's lackey (--trace-mem): the code addresses it runs, the data addresses it touches."""
    runs = []
    target = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(8 << 20); time.sleep(3600)"])
    try:
        time.sleep(0.3)
        for index, command in enumerate(COMMANDS):
            link = os.path.join(workdir, command[0])
            if not os.path.exists(link):
                os.symlink(os.path.abspath(binary), link)
            log = os.path.join(workdir, f"lackey.{index}")
            arguments = [str(target.pid) if word == "PID" else word for word in command[1:]]
            subprocess.run(["valgrind", "--tool=lackey", "--trace-mem=yes", f"--log-file={log}",
                            link, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runs.append(read_trace(log))
    finally:
        target.kill()
        target.wait()
    return runs


def read_trace(log):
    """The code addresses and the data addresses of one lackey log, which it then removes."""
    code, data = set(), set()
    with open(log) as f:
        for line in f:
            match = CODE_ACCESS.match(line)
            if match:
                code.add(int(match.group(1), 16))
                continue
            match = DATA_ACCESS.match(line)
            if match:
                data.add(int(match.group(1), 16))
    os.remove(log)
    return code, data


def executed_functions(binary, runs, monolith):
    """Names that place the functions the commands run: those all run first, then grouped by the
    first command that runs each.

    Functions are found by address, so a function that shares its name with one inside
    Swift.o's .text (a specialization or witness accessor both emit) is still found. lld
    orders sections by name, so such a function is listed by a name of its own when it has
    one (an alias); otherwise it goes to the end of the list, where the Swift.o section its
    name also pulls follows the rest."""
    functions = symbols_in(binary, "tTWwi", sizeless=True)
    starts = [start for start, _, _ in functions]
    aliases = {}
    for start, _, name in functions:
        aliases.setdefault(start, []).append(name)
    counts = {}
    for _, _, name in functions:
        counts[name] = counts.get(name, 0) + 1
    # Where Swift.o's .text landed: its own (not weak) symbols sit at one offset from their place in it.
    local, size, offsets = monolith
    bases = {}
    for start, _, name in functions:
        if counts[name] == 1 and name in offsets:
            base = start - offsets[name]
            bases[base] = bases.get(base, 0) + 1
    low = max(bases, key=bases.get) if bases else 0
    high = low + size - 1 if bases else -1
    # Names that would pull Swift.o's .text along: its local ones, and those whose kept copy is in it.
    monolith = local | {name for start, _, name in functions if low <= start <= high}
    ran = []
    for code, _ in runs:
        instances = set()
        for address in code:
            symbol = covering(functions, starts, address)
            if symbol:
                instances.add(symbol[0])
        ran.append(instances)
    # What every command runs (the C and Swift start-up, the scanner, the output) comes
    # first, so that this core is dense; then what each command adds, launches first.
    core = set.intersection(*ran) if ran else set()
    names, shared, seen = [], [], set()
    for instances in [core, *ran]:
        new = instances - seen
        seen |= new
        group = []
        for start in new:
            if low <= start <= high:
                continue  # inside Swift.o's .text: that section cannot be split
            own = sorted(name for name in aliases[start] if name not in monolith)
            if own:
                group.append(own[0])
            else:
                shared.append(min(aliases[start]))
        if not names:
            group += VDSO_SETUP
        # Sorted within each command, so that the file changes only when the set does.
        names += sorted(set(group))
    return names + sorted(set(shared)), len(seen), sum(1 for start in seen if low <= start <= high)


def touched_data(binary, runs):
    """Writable data and .bss symbols the commands read or write, ordered like the functions."""
    # Only .data and .bss: read-only data (.rodata, .data.rel.ro) is faulted in 64 KB at a time,
    # and what a start-up reads of it is mostly merged string literals, which have no names to order.
    writable = []
    sections = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    for match in re.finditer(r"\]\s+(\.data|\.bss)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections):
        writable.append((int(match.group(2), 16), int(match.group(2), 16) + int(match.group(3), 16)))
    symbols = [symbol for symbol in symbols_in(binary, "bBdDvVgGsSuV")
               if any(low <= symbol[0] < high for low, high in writable)]
    starts = [start for start, _, _ in symbols]
    touched = []
    for _, data in runs:
        named = set()
        for address in data:
            symbol = covering(symbols, starts, address)
            if symbol:
                named.add(symbol[2])
        touched.append(named)
    core = set.intersection(*touched) if touched else set()
    names, seen = [], set()
    for named in [core, *touched]:
        new = named - seen
        names += sorted(new)
        seen |= new
    return names


def standard_library_monolith(workdir):
    """Swift.o's single .text section in the toolchain's static libswiftCore.a: its local symbols'
    names, its size, and the offsets in it of the symbols that are not weak (the link may keep
    another module's copy of a weak one)."""
    swiftc = shutil.which("swiftc")
    archive = os.path.join(os.path.dirname(os.path.realpath(swiftc)), "..", "lib", "swift_static", "linux",
                           "libswiftCore.a")
    member = os.path.join(workdir, "Swift.o")
    with open(member, "wb") as f:
        subprocess.run(["ar", "p", archive, "Swift.o"], stdout=f, check=True)
    sections = subprocess.run(["readelf", "-SW", member], capture_output=True, text=True, check=True).stdout
    index, size = next((m.group(1), int(m.group(3), 16)) for m in re.finditer(
        r"\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", sections) if m.group(2) == ".text")
    symbols = subprocess.run(["readelf", "-sW", member], capture_output=True, text=True, check=True).stdout
    offsets = {}
    for fields in (line.split() for line in symbols.splitlines()):
        if len(fields) >= 8 and fields[6] == index and fields[4] != "WEAK":
            offsets[fields[7]] = int(fields[1], 16)
    # lld places every section in which a listed name is defined, a local one of Swift.o too.
    local = {fields[7] for fields in (line.split() for line in symbols.splitlines())
             if len(fields) >= 8 and fields[6] == index and fields[4] == "LOCAL"}
    return local, size, offsets


OWN_MODULES = ("$s4NUMA", "$s9SwnumaCLI", "$s6swnuma")


def compute(binary):
    """The order for BINARY, how many functions ran, how many of them inside Swift.o, and how many are listed."""
    defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", binary],
                                 capture_output=True, text=True, check=True).stdout.split())
    if not defined:
        sys.exit(f"{binary}: no symbols; build it without -Xlinker -s")
    with tempfile.TemporaryDirectory(prefix="swnuma-order-") as workdir:
        runs = traced(binary, workdir)
        monolith = standard_library_monolith(workdir)
        names, ran, inside = executed_functions(binary, runs, monolith)
        data = touched_data(binary, runs)
    order, listed = [], set()
    for name in names:
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
    return order, ran, inside, functions


def check(binary):
    order, _, _, _ = compute(binary)
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
