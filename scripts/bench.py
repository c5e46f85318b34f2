#!/usr/bin/env python3
"""Benchmarks swnuma side by side with the system's numactl and writes BENCHMARKS.md.

    scripts/bench.py [SWNUMA]

Whole-process timing with hyperfine (-N, no shell), peak RSS with
/usr/bin/time. A benchmark, never a test: nothing here fails on a slow machine.
Set BENCH_RUNS to change the number of timed runs (default 300).

swnuma is timed as an operator runs it: a stripped copy made by install(1),
as `make install` makes it, not the file the linker wrote. Before each row, both programs' files (numactl's with
libnuma) are read through once, so that every page of them is in the page
cache, as after an install. How much of a program file the page cache holds,
and how it got there, changes how many page faults running it costs: the same
swnuma bytes ran 30% slower straight from the linker's output than from a
copy, and after dropping the file from the cache each run of the benchmark
gave a different figure.

The ratio in bold comes from an interleaved run: the two commands alternate,
in random order, for the same number of runs, and the ratio is that of their
medians. Drift on this shared machine then hits both alike; hyperfine, which
times one command after the other, is reported beside it. Drift here includes
the page cache itself: this virtual machine reclaims cached file pages on its
own (seen at about 2 MB/s with 23 GB free), so pages of either program can
drop out between runs and come back with a disk read.
"""
import glob
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import datetime
import random
import shutil
import statistics
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, ".build/release/swnuma")
RUNS = int(os.environ.get("BENCH_RUNS", "300"))
WORK = tempfile.mkdtemp(prefix="swnuma-bench-")
SWNUMA = os.path.join(WORK, "swnuma")
subprocess.run(["install", "-s", "-m", "755", BUILT, SWNUMA], check=True)
# The kubelet modes run in swnuma-kubelet, which swnuma finds beside itself, as `make install` puts it.
subprocess.run(["install", "-s", "-m", "755", os.path.join(os.path.dirname(BUILT), "swnuma-kubelet"),
                os.path.join(WORK, "swnuma-kubelet")], check=True)


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def hyperfine(*commands):
    """Mean and standard deviation in ms of each command: the round with the
    median mean of ROUNDS hyperfine calls, since this shared machine's
    timings wander by 20% from one call to the next."""
    path = os.path.join(WORK, "result.json")
    rounds = []
    for _ in range(ROUNDS):
        subprocess.run(["hyperfine", "-N", "--warmup", "20", "--runs", str(RUNS), "--export-json", path, *commands],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as f:
            rounds.append([(r["mean"] * 1000, r["stddev"] * 1000) for r in json.load(f)["results"]])
    return [sorted((r[i] for r in rounds), key=lambda pair: pair[0])[len(rounds) // 2] for i in range(len(commands))]


def program_files(command):
    """The executable of a command line and, for a dynamic one, its libraries other than libc."""
    path = shutil.which(command.split()[0]) or command.split()[0]
    files = [os.path.realpath(path)]
    ldd = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    for line in ldd.splitlines():
        parts = line.split("=>")
        if len(parts) == 2 and parts[1].strip().startswith("/") and "libc.so" not in parts[0]:
            files.append(os.path.realpath(parts[1].split()[0]))
    return files


def settle(*commands):
    """Reads the commands' files through, so that the page cache holds all of them."""
    for command in commands:
        for path in program_files(command):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                while os.read(fd, 1 << 20):
                    pass
            finally:
                os.close(fd)


def interleaved(first, second, runs=RUNS * 3):
    """Median wall time in ms of each command, run alternately in random order."""
    commands = [first.split(), second.split()]
    for command in commands:
        command[0] = shutil.which(command[0]) or command[0]
    null = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    times = [[], []]
    for round_ in range(20 + runs):
        for index in random.sample([0, 1], 2):
            start = time.perf_counter_ns()
            pid = os.posix_spawn(commands[index][0], commands[index], os.environ, file_actions=actions)
            os.waitpid(pid, 0)
            if round_ >= 20:
                times[index].append(time.perf_counter_ns() - start)
    os.close(null)
    return [statistics.median(t) / 1e6 for t in times]


def compare(ours, theirs):
    """hyperfine's mean ± σ for both, and the interleaved median ratio."""
    settle(ours, theirs)
    (a, sa), (b, sb) = hyperfine(ours, theirs)
    ma, mb = interleaved(ours, theirs)
    return f"{a:.3f} ± {sa:.3f} | {b:.3f} ± {sb:.3f} | {a / b:.2f} | {ma:.3f} / {mb:.3f} | **{ma / mb:.2f}**"


def instructions(command):
    """Instructions executed (valgrind callgrind, the process itself, not what it executes): repeatable."""
    out = os.path.join(WORK, "callgrind.out")
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command.split()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in result.stderr.splitlines():
        if "Collected" in line:
            return int(line.split(":")[-1].strip())
    return None


def count(command):
    """instructions() for a table cell."""
    value = instructions(command)
    return f"{value:,}" if value is not None else "n/a (execs)"


def peak_kib(command):
    """Peak RSS in KiB, the median of five runs."""
    values = []
    for _ in range(5):
        result = subprocess.run(["/usr/bin/time", "-f", "%M", *command.split()], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        values.append(int(result.stderr.strip().splitlines()[-1]))
    return sorted(values)[2]


def output(*args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()


lines = []
numactl = output("dpkg-query", "-W", "-f=${Version}", "numactl")
lines += [
    "# Benchmarks", "",
    f"Produced by `make bench` (`scripts/bench.py`) on {datetime.date.today()}: {os.cpu_count()} cores, "
    f"kernel {os.uname().release}, Debian numactl {numactl}.",
    f"swnuma: {output('file', '-b', SWNUMA).split(', BuildID')[0]}, {os.path.getsize(SWNUMA)} bytes, "
    "copied with install(1) as an operator would; before each row its file and numactl's (with libnuma) "
    "are read through, so that the page cache holds all of both.",
    f"hyperfine columns: whole-process wall time (`-N`, 20 warm-up runs, {RUNS} runs), mean ± σ in ms, "
    f"both commands in one hyperfine call, each row the median of {ROUNDS} such calls. "
    f"Interleaved: the two commands alternate in random order, {RUNS * 3} runs each, median ms; "
    "the ratio in bold is swnuma's median over numactl's (below 1.0: swnuma is faster), the figure that "
    "drift on this shared machine moves least. Peak RSS from `/usr/bin/time -f %M` in KiB. "
    "Instructions are valgrind callgrind's count for the process itself (not the command it executes), "
    "which does not depend on the machine's load.", "",
    "| case | swnuma ms | numactl ms | hyperfine ratio | interleaved medians ms | ratio | swnuma instructions "
    "| numactl instructions | swnuma KiB | numactl KiB |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
for label, args in [("`-H` on this machine", "-H"), ("launch `/bin/true` under `-m 0 -N 0`", "-m 0 -N 0 /bin/true"),
                    ("`-m 0 -N 0 --show` (the launch path without exec)", "-m 0 -N 0 --show"),
                    ("`--show`", "--show")]:
    lines.append(f"| {label} | {compare(f'{SWNUMA} {args}', f'numactl {args}')} | "
                 f"{count(f'{SWNUMA} {args}')} | {count(f'numactl {args}')} | "
                 f"{peak_kib(f'{SWNUMA} {args}')} | {peak_kib(f'numactl {args}')} |")

# numastat: swnuma runs as numastat under the name swnuma-numastat.
numastat_link = os.path.join(WORK, "swnuma-numastat")
os.symlink(SWNUMA, numastat_link)
sleepers = [subprocess.Popen(["sleep", "600"]) for _ in range(200)]
try:
    for label, args in [("numastat", ""), ("numastat `-n`", "-n"), ("numastat `-m`", "-m"),
                        ("numastat `-p sleep` (200 processes)", "-p sleep")]:
        ours, theirs = f"{numastat_link} {args}".strip(), f"numastat {args}".strip()
        lines.append(f"| {label} | {compare(ours, theirs)} | "
                     f"{count(ours)} | {count(theirs)} | {peak_kib(ours)} | {peak_kib(theirs)} |")
finally:
    for sleeper in sleepers:
        sleeper.kill()
        sleeper.wait()

# The floor under any Swift launcher: programs that do nothing but exec /bin/true.
floor_swift, floor_c = os.path.join(WORK, "exec-swift"), os.path.join(WORK, "exec-c")
with open(floor_swift + ".swift", "w") as f:
    f.write('import Glibc\nvar args: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]\nexecv("/bin/true", &args)\n')
with open(floor_c + ".c", "w") as f:
    f.write('#include <unistd.h>\nint main(void) { char *a[] = {"/bin/true", 0}; execv("/bin/true", a); return 1; }\n')
built = subprocess.run(["swiftc", "-O", "-static-executable", floor_swift + ".swift", "-o", floor_swift],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
built = built and subprocess.run(["gcc", "-O2", "-static", floor_c + ".c", "-o", floor_c]).returncode == 0
if built:
    lines += ["", "## The floor: a program that only executes `/bin/true`", "",
              "What any static Swift launcher pays before doing anything, beside the same program in C "
              "(both `-static`): the Swift runtime's start-up and its larger resident image.", "",
              "| Swift ms | C ms | hyperfine ratio | interleaved medians ms | ratio | Swift KiB | C KiB |",
              "|---|---|---|---|---|---|---|",
              f"| {compare(floor_swift, floor_c)} | {peak_kib(floor_swift)} | {peak_kib(floor_c)} |"]

lines += ["", "## Growth with nodes and CPUs (swnuma alone)", "",
          "numactl cannot read the generated trees: their cpumaps are wider than this kernel's CPU mask.", "",
          "| tree | nodes | CPUs | swnuma `-H` ms | peak KiB |", "|---|---|---|---|---|"]
for nodes, cpus in [(8, 64), (64, 512), (256, 2048), (1024, 8192)]:
    root = os.path.join(WORK, f"gen{nodes}")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts/gen-topology.py"), root, str(nodes), str(cpus)], check=True)
    (m, s), = hyperfine(f"{SWNUMA} --root {root} -H")
    lines.append(f"| generated | {nodes} | {cpus} | {m:.3f} ± {s:.3f} | {peak_kib(f'{SWNUMA} --root {root} -H')} |")

corpus = os.path.join(REPO, "../shared/corpus/sysfs")
for name in ["128arm-2pa2n8cluster4co", "64amd64-4s2n4ca2co", "48amd64-4pa2n6c-sparse"]:
    tarball = os.path.join(corpus, f"{name}.tar.bz2")
    if not os.path.exists(tarball):
        continue
    target = os.path.join(WORK, name)
    with tarfile.open(tarball) as archive:
        archive.extractall(target)
    root = os.path.dirname(glob.glob(os.path.join(target, "*/sys"))[0])
    count = len(glob.glob(os.path.join(root, "sys/devices/system/node/node*")))
    (m, s), = hyperfine(f"{SWNUMA} --root {root} -H")
    lines.append(f"| corpus `{name}` | {count} | | {m:.3f} ± {s:.3f} | {peak_kib(f'{SWNUMA} --root {root} -H')} |")

lines += ["", "## Kubelet memory manager check (swnuma alone)", "", "| command | ms | peak KiB |", "|---|---|---|"]
kubelet = (f"{SWNUMA} --root {os.path.join(REPO, 'Tests/Fixtures/sysfs/vm-two')} --kubelet-check "
           "--memory-manager-policy=Static --reserved-memory 0:memory=100Mi")
(m, s), = hyperfine(kubelet)
lines.append(f"| `--kubelet-check` on vm-two (swnuma executes swnuma-kubelet) | {m:.3f} ± {s:.3f} | {peak_kib(kubelet)} |")

text = "\n".join(lines) + "\n"
with open(os.path.join(REPO, "BENCHMARKS.md"), "w") as f:
    f.write(text)
print(text)
subprocess.run(["rm", "-rf", WORK])
