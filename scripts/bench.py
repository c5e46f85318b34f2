#!/usr/bin/env python3
"""Benchmarks every mode of swnuma beside its C peer and writes BENCHMARKS.md.

    scripts/bench.py [--runs N] [SWNUMA]

A benchmark, never a test: nothing here fails on a slow machine. It takes
about 5 minutes on 2 cores. `--runs N` (default 1; `make bench RUNS=N`) times
the table of comparisons N times in a row, each run the whole table again,
and says for each row whether its goal was met in every run, with each run's
ratio; instructions and peak RSS, which do not depend on the load, are
measured once. Environment:

    BENCH_RUNS     timed runs of each command in the interleaved comparison
                   of a fast row (default 600; slower rows take fewer, so
                   that each row costs about BENCH_SECONDS)
    BENCH_SECONDS  wall-time budget of one row's timed runs (default 12)
    BENCH_PEERS    a folder holding numactl, numastat and migratepages
                   built from another release (numactl 2.0.19 from its tag);
                   default: the Debian package's, from PATH

swnuma is timed as an operator runs it: stripped into a copy that install(1)
then copies whole, as `make install` makes it, with the numastat and
migratepages names as links. (`install -s` would strip the installed file in
place; rewritten in pieces, it stays cached in small pieces, and every run then
takes more page faults: 72 for numastat against 63.) Before each row both
programs' files (a dynamic peer's libraries too) are read through, so that
the page cache holds all of them: how much of a program file the cache holds
changes what its page faults cost, and this virtual machine drops cached
pages on its own.

The ratio is that of medians of an interleaved run: the two commands
alternate, in random order, the same number of times, so that drift on this
shared machine hits both alike. Instructions are callgrind's count for the
process itself, up to its execve for the launch (not the command it
executes): they do not depend on the machine's load. Peak RSS is
/usr/bin/time's, the median of five runs.
"""
import datetime
import glob
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGS = sys.argv[1:]
TABLE_RUNS = 1
if ARGS[:1] == ["--runs"] or (ARGS and ARGS[0].startswith("--runs=")):
    value = ARGS[0].split("=", 1)[1] if "=" in ARGS[0] else (ARGS[1] if len(ARGS) > 1 else "")
    ARGS = ARGS[1:] if "=" in ARGS[0] else ARGS[2:]
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"bench.py: --runs takes a count of 1 or more, not '{value}'")
    TABLE_RUNS = int(value)
BUILT = ARGS[0] if ARGS else os.path.join(REPO, ".build/release/swnuma")
RUNS = int(os.environ.get("BENCH_RUNS", "600"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "12"))
PEERS = os.environ.get("BENCH_PEERS")
CORPUS = os.environ.get("SWNUMA_CORPUS", os.path.join(REPO, "../shared/corpus"))
WORK = tempfile.mkdtemp(prefix="swnuma-bench-")
SWNUMA = os.path.join(WORK, "swnuma")
NUMASTAT = os.path.join(WORK, "swnuma-numastat")
MIGRATEPAGES = os.path.join(WORK, "swnuma-migratepages")
subprocess.run(["strip", "-o", SWNUMA + ".stripped", BUILT], check=True)
subprocess.run(["install", "-m", "755", SWNUMA + ".stripped", SWNUMA], check=True)
os.symlink("swnuma", NUMASTAT)
os.symlink("swnuma", MIGRATEPAGES)
# callgrind counts the same code in a copy that keeps its symbols: the stripped
# copy has no `execve` for --dump-before to stop at.
SYMBOLS = os.path.join(WORK, "symbols")
os.mkdir(SYMBOLS)
shutil.copy(BUILT, os.path.join(SYMBOLS, "swnuma"))
for name in ["swnuma-numastat", "swnuma-migratepages"]:
    os.symlink("swnuma", os.path.join(SYMBOLS, name))


def output(*args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()


def peer(name):
    """The peer program's path: from BENCH_PEERS, else from PATH."""
    if PEERS:
        return os.path.join(PEERS, name)
    return shutil.which(name) or name


def peer_version(package):
    """How a row names its peer's release."""
    if PEERS:
        return f"{os.path.basename(os.path.normpath(PEERS))} (built)"
    return f"{output('dpkg-query', '-W', '-f=${Version}', package)} (Debian)"


NUMACTL_VERSION = peer_version("numactl")
HWLOC_VERSION = f"{output('dpkg-query', '-W', '-f=${Version}', 'hwloc-nox')} (Debian)"


def program_files(argv):
    """The executable of a command line and, for a dynamic one, its libraries other than libc."""
    files = [os.path.realpath(argv[0])]
    ldd = subprocess.run(["ldd", argv[0]], capture_output=True, text=True).stdout
    for line in ldd.splitlines():
        parts = line.split("=>")
        if len(parts) == 2 and parts[1].strip().startswith("/") and "libc.so" not in parts[0]:
            files.append(os.path.realpath(parts[1].split()[0]))
    return files


def settle(*argvs):
    """Reads the commands' files through, so that the page cache holds all of them."""
    for argv in argvs:
        for path in program_files(argv):
            fd = os.open(path, os.O_RDONLY)
            try:
                while os.read(fd, 1 << 20):
                    pass
            finally:
                os.close(fd)


def spawn_times(argvs, rounds, environment=None):
    """Wall times in ms of each command, run alternately in random order, `rounds` times each."""
    null = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    environment = environment or os.environ
    times = [[] for _ in argvs]
    for _ in range(rounds):
        for index in random.sample(range(len(argvs)), len(argvs)):
            start = time.perf_counter_ns()
            pid = os.posix_spawn(argvs[index][0], argvs[index], environment, file_actions=actions)
            os.waitpid(pid, 0)
            times[index].append((time.perf_counter_ns() - start) / 1e6)
    os.close(null)
    return times


def runs_for(argvs, environment=None, least=20):
    """How many timed runs fit the row's budget (at most RUNS, at least `least`)."""
    sample = spawn_times(argvs, 3, environment)
    per_round = sum(statistics.median(t) for t in sample)
    return max(least, min(RUNS, int(SECONDS * 1000 / max(per_round, 0.001))))


def interleaved(argvs, environment=None):
    """Median ms of each command over an interleaved run, and the number of runs."""
    settle(*argvs)
    runs = runs_for(argvs, environment)
    spawn_times(argvs, 10, environment)
    return [statistics.median(t) for t in spawn_times(argvs, runs, environment)], runs


def instructions(argv, environment=None):
    """Instructions executed (callgrind), up to execve when the program executes another."""
    if os.path.dirname(argv[0]) == WORK:
        argv = [os.path.join(SYMBOLS, os.path.basename(argv[0])), *argv[1:]]
    folder = tempfile.mkdtemp(dir=WORK)
    subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=execve",
                    f"--callgrind-out-file={folder}/out.%p", *argv],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    total = 0
    for path in glob.glob(os.path.join(folder, "out.*")):
        with open(path) as f:
            for line in f:
                if line.startswith("totals:"):
                    total += int(line.split()[1])
    shutil.rmtree(folder)
    return total or None


def peak_kib(argv, environment=None):
    """Peak RSS in KiB, the median of five runs."""
    values = []
    for _ in range(5):
        result = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=environment)
        values.append(int(result.stderr.strip().splitlines()[-1]))
    return sorted(values)[2]


def shown(argv):
    """A command line as the table shows it, with the work folder left out."""
    words = []
    for word in argv:
        word = word.replace(WORK + "/", "")
        words.append(os.path.basename(word) if word.startswith("/") and word == argv[0] else word)
    return " ".join(words)


def number(value):
    return f"{value:,}" if value is not None else "n/a"


class Comparison:
    """One row of the table: swnuma's command beside its peer's, timed once per run."""

    def __init__(self, label, ours, theirs, peer_name, goal=None, environment=None):
        self.label, self.ours, self.theirs = label, ours, theirs
        self.peer_name, self.goal, self.environment = peer_name, goal, environment
        self.timings = []  # (swnuma ms, peer ms, runs), one per run of the table

    def time(self):
        (mine, its), runs = interleaved([self.ours, self.theirs], self.environment)
        self.timings.append((mine, its, runs))

    def measure(self):
        """Instructions and peak RSS: once, they do not depend on the load."""
        self.counts = [number(instructions(argv, self.environment)) for argv in (self.ours, self.theirs)]
        self.peaks = [peak_kib(argv, self.environment) for argv in (self.ours, self.theirs)]

    def met(self):
        """How many runs met the goal."""
        return sum(1 for mine, its, _ in self.timings if mine / its <= self.goal)

    def row(self):
        mine, its, runs = self.timings[-1]
        ratio = mine / its
        if len(self.timings) == 1:
            mark = "" if self.goal is None else f" (goal ≤ {self.goal:.2f}: {'met' if ratio <= self.goal else 'NOT met'})"
            medians = f"{mine:.3f} / {its:.3f} ({runs} runs)"
        else:
            ratios = ", ".join(f"{m / i:.2f}" for m, i, _ in self.timings)
            medians = f"{mine:.3f} / {its:.3f} ({runs} runs, the last run's)"
            if self.goal is None:
                mark = f" (runs: {ratios})"
            else:
                met = self.met()
                verdict = (f"met in all {len(self.timings)} runs" if met == len(self.timings)
                           else f"NOT met in all runs: {met} of {len(self.timings)}")
                mark = f" (runs: {ratios}; goal ≤ {self.goal:.2f}: {verdict})"
        return (f"| {self.label} | `{shown(self.theirs)}`, {self.peer_name} | {medians} | "
                f"**{ratio:.2f}**{mark} | {self.counts[0]} | {self.counts[1]} | {self.peaks[0]} | {self.peaks[1]} |")


def extract(name):
    """A corpus dump extracted into the work folder: its root, or None when the corpus lacks it."""
    tarball = os.path.join(CORPUS, "sysfs", f"{name}.tar.bz2")
    if not os.path.exists(tarball):
        return None
    target = os.path.join(WORK, name)
    with tarfile.open(tarball) as archive:
        archive.extractall(target)
    return os.path.dirname(glob.glob(os.path.join(target, "*/sys"))[0])


def write_processes(root, count):
    """A proc/ snapshot of `count` processes (a name, a command line, one mapping each) and one node."""
    node = os.path.join(root, "sys/devices/system/node/node0")
    os.makedirs(node)
    with open(os.path.join(node, "cpulist"), "w") as f:
        f.write("0\n")
    with open(os.path.join(node, "meminfo"), "w") as f:
        f.write("Node 0 MemTotal: 1048576 kB\nNode 0 MemFree: 1 kB\n")
    with open(os.path.join(node, "numastat"), "w") as f:
        f.write("numa_hit 1\n")
    os.makedirs(os.path.join(root, "proc"))
    with open(os.path.join(root, "proc/meminfo"), "w") as f:
        f.write("MemTotal: 1048576 kB\nHugepagesize: 2048 kB\n")
    for pid in range(1000, 1000 + count):
        folder = os.path.join(root, f"proc/{pid}")
        os.makedirs(folder)
        with open(os.path.join(folder, "status"), "w") as f:
            f.write(f"Name:\tworker{pid % 97}\nCpus_allowed_list:\t0\nMems_allowed_list:\t0\n")
        with open(os.path.join(folder, "cmdline"), "w") as f:
            f.write(f"/usr/bin/worker{pid % 97}\0--serve\0")
        with open(os.path.join(folder, "numa_maps"), "w") as f:
            f.write("7f00 default anon=1 N0=1 kernelpagesize_kB=4\n")


def hyperfine_alone(argv, environment=None):
    """Mean ± σ in ms of one command alone (hyperfine, -N), runs fitting the budget."""
    runs = runs_for([argv], environment, least=5)
    path = os.path.join(WORK, "result.json")
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(max(5, runs // 2)), "--export-json", path,
                    " ".join(argv)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=environment)
    with open(path) as f:
        result = json.load(f)["results"][0]
    return f"{result['mean'] * 1000:.3f} ± {result['stddev'] * 1000:.3f}"


started = time.monotonic()
uname = os.uname()
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
lines = [
    "# Benchmarks", "",
    f"Produced by `make bench` (`scripts/bench.py`) on {datetime.date.today()}, on {uname.nodename}: "
    f"{os.cpu_count()} cores ({cpu}), kernel {uname.release}, {platform.machine()}.",
    f"swnuma: {output('file', '-b', SWNUMA).split(', BuildID')[0]}, {os.path.getsize(SWNUMA)} bytes, "
    "stripped into a copy that install(1) copies whole, as `make install` does, numastat and migratepages as "
    "links to it. Before each row "
    "both programs' files (a dynamic peer's libraries too) are read through, so that the page cache holds them.",
    "Times: the two commands alternate in random order, the same number of runs each (as many as fit about "
    f"{SECONDS:.0f} s, at most {RUNS}), after 10 untimed rounds; median ms of each, and the ratio of the medians in "
    "bold (below 1.0: swnuma is faster). Instructions: callgrind's count for the process itself, up to its "
    "execve for the launch, which does not depend on the machine's load. Peak RSS: `/usr/bin/time -f %M`, KiB, "
    "median of five runs.", "",
    "| case | peer | medians ms, swnuma / peer | ratio | swnuma instructions | peer instructions "
    "| swnuma KiB | peer KiB |",
    "|---|---|---|---|---|---|---|---|",
]
NUMACTL = f"numactl {NUMACTL_VERSION}"
comparisons = []
for label, args, goal in [("`-H`", ["-H"], None),
                          ("launch: `-m 0 -N 0 /bin/true`", ["-m", "0", "-N", "0", "/bin/true"], 0.95),
                          ("`--show`", ["--show"], None)]:
    comparisons.append(Comparison(label, [SWNUMA, *args], [peer("numactl"), *args], NUMACTL, goal))

# A process of this machine to look at: a sleeping Python with some memory of its own.
target = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(8 << 20); time.sleep(3600)"])
time.sleep(0.3)
pid = str(target.pid)
NUMASTAT_PEER = f"numastat {NUMACTL_VERSION}"
for label, args in [("numastat", []), ("numastat `-m`", ["-m"]), ("numastat `-n`", ["-n"]),
                    ("numastat `-p PID`", ["-p", pid])]:
    comparisons.append(Comparison(label, [NUMASTAT, *args], [peer("numastat"), *args], NUMASTAT_PEER, 1.0))
comparisons.append(Comparison("`--process PID`", [SWNUMA, "--process", pid], [peer("numastat"), "-p", pid],
                              NUMASTAT_PEER, 1.0))
comparisons.append(Comparison("migratepages `PID 0 0`", [MIGRATEPAGES, pid, "0", "0"],
                              [peer("migratepages"), pid, "0", "0"], f"migratepages {NUMACTL_VERSION}"))

LSTOPO = f"hwloc {HWLOC_VERSION}"
comparisons.append(Comparison("`--devices`", [SWNUMA, "--devices"], [shutil.which("lstopo-no-graphics")], LSTOPO))
dump_name = "64amd64-4s2n4ca2co"
dump = extract(dump_name)
if dump:
    comparisons.append(Comparison(f"`--draw x.svg` on the `{dump_name}` dump",
                                  [SWNUMA, "--root", dump, "--draw", os.path.join(WORK, "x.svg")],
                                  [shutil.which("lstopo"), "-i", dump, "--of", "svg", "-f", os.path.join(WORK, "y.svg")],
                                  LSTOPO))
try:
    # Each run times the whole table again, so that a run is what one `make bench` measures.
    for run in range(TABLE_RUNS):
        for comparison in comparisons:
            comparison.time()
            if run == 0:
                comparison.measure()
            mine, its, runs = comparison.timings[-1]
            print(f"run {run + 1} of {TABLE_RUNS}: {comparison.label}: {mine:.3f} / {its:.3f} ms, "
                  f"ratio {mine / its:.2f}", flush=True)
finally:
    target.kill()
    target.wait()
for comparison in comparisons:
    lines.append(comparison.row())
    print(lines[-1], flush=True)

# No C program checks a kubelet configuration: swnuma alone.
kubelet_args = ["--kubelet-check", "--memory-manager-policy=Static", "--reserved-memory", "0:memory=100Mi"]
generated = {}
for nodes, cpus in [(8, 64), (64, 512), (1024, 8192)]:
    root = os.path.join(WORK, f"gen{nodes}")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts/gen-topology.py"), root, str(nodes), str(cpus)],
                   check=True)
    generated[nodes] = root
kubelet = [SWNUMA, "--root", generated[64], *kubelet_args]
(kubelet_ms,), runs = interleaved([kubelet])
lines.append(f"| `--kubelet-check` on a generated 64-node tree | none (no C program checks it) | "
             f"{kubelet_ms:.3f} ({runs} runs) | | {number(instructions(kubelet))} | | {peak_kib(kubelet)} | |")
print(lines[-1], flush=True)

if TABLE_RUNS > 1:
    goals = [c for c in comparisons if c.goal is not None]
    missed = [c.label for c in goals if c.met() != TABLE_RUNS]
    lines += ["", f"The table was timed {TABLE_RUNS} times in a row (`--runs {TABLE_RUNS}`); the medians are the last "
              "run's, the ratios of every run follow each ratio. "
              + ("Every goal was met in every run." if not missed
                 else f"Goals not met in every run: {', '.join(missed)}.")]

lines += ["", "## Growth with the machine and the input (swnuma alone)", "",
          "Generated trees (`scripts/gen-topology.py`) and a written `proc/` snapshot of N processes, each with a "
          "name, a command line and one mapping, read through `--root`/`SWNUMA_ROOT`. numactl cannot read the "
          "generated trees (their cpumaps are wider than this kernel's CPU mask) and numastat reads only the live "
          "`/proc`. Times: hyperfine `-N`, mean ± σ. Instructions under a snapshot are counted with the component walk "
          "that stands in for openat2(2), which valgrind does not support: more than the program executes outside "
          "valgrind, but growing the same way.", "",
          "| command | input | ms | instructions | peak KiB |", "|---|---|---|---|---|"]
for nodes in [8, 64, 1024]:
    argv = [SWNUMA, "--root", generated[nodes], "-H"]
    lines.append(f"| `-H` | {nodes} nodes | {hyperfine_alone(argv)} | {number(instructions(argv))} | "
                 f"{peak_kib(argv)} |")
    print(lines[-1], flush=True)
for count in [1000, 10000]:
    root = os.path.join(WORK, f"proc{count}")
    write_processes(root, count)
    environment = dict(os.environ, SWNUMA_ROOT=root)
    for label, argv in [("`--process worker7`", [SWNUMA, "--process", "worker7"]),
                        ("numastat `-p worker7`", [NUMASTAT, "-p", "worker7"])]:
        lines.append(f"| {label} | {count:,} processes | {hyperfine_alone(argv, environment)} | "
                     f"{number(instructions(argv, environment))} | {peak_kib(argv, environment)} |")
        print(lines[-1], flush=True)
for nodes in [8, 64]:
    argv = [SWNUMA, "--root", generated[nodes], *kubelet_args]
    lines.append(f"| `--kubelet-check` | {nodes} nodes | {hyperfine_alone(argv)} | {number(instructions(argv))} | "
                 f"{peak_kib(argv)} |")
    print(lines[-1], flush=True)

lines += ["", f"The whole run took {time.monotonic() - started:.0f} s."]
text = "\n".join(lines) + "\n"
with open(os.path.join(REPO, "BENCHMARKS.md"), "w") as f:
    f.write(text)
print(text)
shutil.rmtree(WORK)
