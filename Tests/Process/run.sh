#!/usr/bin/env bash
# `swnuma --process` end to end on a written proc/ snapshot read through
# --root (and SWNUMA_ROOT): the text block, the JSON document against
# docs/schema/process.schema.json with its bytes per node summed here from the
# snapshot's numa_maps, several processes, processes that vanished or match
# nothing, unreadable and absurd numa_maps, and refused command lines. The
# unit tests (Tests/SwnumaCLITests/ProcessViewTests.swift) check the
# library's figures; this suite checks what the built program prints.
#
#   Tests/Process/run.sh [SWNUMA]
#
# Needs python3 with jsonschema (Debian package python3-jsonschema).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=$(realpath "${1:-$repo/.build/release/swnuma}")
. "$here/../lib.sh"
unset SWNUMA_ROOT
if ! python3 -c 'import jsonschema, referencing' 2> /dev/null; then
    fail tools "python3 cannot import jsonschema (apt-get install python3-jsonschema)"
    finish
fi

# The snapshot: nodes 0 (CPUs 0-1), 1 (CPUs 2-3) and 2 (memory only);
# process 100 "db" whose two threads last ran on CPUs 2 and 3 (node 1);
# process 200 "cache" on node 0; 300 without numa_maps; 301 and 302 with
# counts no machine has.
root=$work/root
put() { mkdir -p "$(dirname "$root/$1")" && printf '%b' "$2" > "$root/$1"; }
# stat PID COMM CPU: a task's stat line with the CPU it last ran on (field 39).
stat() {
    local fields="S" i
    for i in $(seq 4 38); do fields="$fields 0"; done
    printf '%s (%s) %s %s 0 0 0 0 0\n' "$1" "$2" "$fields" "$3"
}
nodes=sys/devices/system/node
put $nodes/node0/cpulist '0-1\n'
put $nodes/node1/cpulist '2-3\n'
put $nodes/node2/cpulist '\n'
for n in 0 1 2; do put $nodes/node$n/meminfo "Node $n MemTotal:  1048576 kB\nNode $n MemFree:   524288 kB\n"; done
put proc/meminfo 'MemTotal: 3145728 kB\nHugepagesize: 2048 kB\n'
put proc/100/status 'Name:\tdb\nState:\tS (sleeping)\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-1\n'
put proc/100/cmdline 'db\0--config\0/etc/db.conf\0'
put proc/100/task/100/stat "$(stat 100 'my (db) x' 2)\n"
put proc/100/task/101/stat "$(stat 101 'db worker' 3)\n"
put proc/100/numa_maps '00400000 default file=/usr/bin/db mapped=10 N0=10 kernelpagesize_kB=4
7f0000000000 bind:1 anon=100 dirty=100 N1=60 N0=40 kernelpagesize_kB=4
7f1000000000 interleave:0-1 anon=8 dirty=8 N0=4 N1=4 kernelpagesize_kB=4
7f2000000000 prefer (many):1-2 anon=5 dirty=5 N2=5 kernelpagesize_kB=4
7f3000000000 default file=/dev/hugepages/x huge dirty=2 N1=2 kernelpagesize_kB=2048
'
put proc/200/status 'Name:\tcache\nCpus_allowed_list:\t0-1\nMems_allowed_list:\t0\n'
put proc/200/cmdline 'cache\0'
put proc/200/task/200/stat "$(stat 200 cache 1)\n"
put proc/200/numa_maps '7f0000000000 default anon=3 N0=3 kernelpagesize_kB=4\n'
put proc/300/status 'Name:\tidle\n'
put proc/301/status 'Name:\tbig\n'
put proc/301/numa_maps '1000 default anon=1 N0=18446744073709551615 N1=18446744073709551615 kernelpagesize_kB=18446744073709551615\n'
put proc/302/status 'Name:\tbad\n'
put proc/302/numa_maps '1000 default anon=1 N0=99999999999999999999999\n'

# json_check NAME PID: the last stdout is a valid --process document whose
# process PID has the bytes per node, total and remote bytes that the
# snapshot's numa_maps give.
json_check() {
    local message
    if message=$(python3 - "$work/out" "$root" "$2" "$repo" 2>&1 <<'EOF'
import json, pathlib, sys
out, root, pid, repo = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, repo + "/Tests/JSON")
import check  # the JSON suite's schema validation (exits 1 with a message)
document = json.loads(pathlib.Path(out).read_text())
check.validate(document, "process")
found = [p for p in document["processes"] if p["pid"] == pid]
if len(found) != 1:
    sys.exit(f"process {pid} is not in the document once")
expected = {}
for line in (root / f"proc/{pid}/numa_maps").read_text().splitlines():
    words = line.split()
    size = 4096
    for word in words:
        if word.startswith("kernelpagesize_kB="):
            size = int(word.split("=")[1]) * 1024
    for word in words:
        if word.startswith("N") and "=" in word:
            node, pages = word[1:].split("=")
            expected[int(node)] = expected.get(int(node), 0) + int(pages) * size
memory = found[0]["memory"]
got = {n["node"]: n["total_bytes"] for n in memory["nodes"]}
if got != {n: b for n, b in expected.items() if b > 0}:
    sys.exit(f"bytes per node {got}, numa_maps says {expected}")
if memory["total_bytes"] != sum(expected.values()):
    sys.exit(f"total {memory['total_bytes']}, numa_maps says {sum(expected.values())}")
running = {t["node"] for t in found[0]["threads"] if t["node"] is not None}
remote = sum(b for n, b in expected.items() if n not in running)
if memory["remote_bytes"] != remote:
    sys.exit(f"remote {memory['remote_bytes']}, numa_maps says {remote}")
EOF
    ); then pass; else fail "$1" "$message"; fi
}

# has NAME TEXT: the last stdout has the line TEXT.
has() { if grep -qxF -- "$2" "$work/out"; then pass; else fail "$1" "no line '$2'"; fi; }

# refused NAME WORD ARGS...: exit 1, nothing on stdout, stderr naming WORD
# (one check), in one line besides the usage hint (a second).
refused() {
    local name=$1 word=$2
    shift 2
    check_command "$name" --status 1 --stdout-empty --stderr-has "$word" -- "$swnuma" "$@" || return
    if [ "$(grep -vc "^Try 'swnuma --help'" "$work/err")" -eq 1 ]; then pass; else fail "$name-one-line" "stderr is not one line"; fi
}

# --- one process, as text
check_command text --stderr-empty -- "$swnuma" --root "$root" --process db
head -1 "$work/out" > "$work/first"
if [ "$(cat "$work/first")" = "100 (db) db --config /etc/db.conf" ]; then pass; else fail text-header "first line: $(cat "$work/first")"; fi
has text-allowed "  allowed      cpus 0-3, memory on nodes 0-1"
has text-threads "  threads      2 threads, last ran on cpus 2-3 (node 1)"
# bind:1 has 40 pages of 4 KiB on node 0 and 60 on node 1; its 40 on node 0 are outside it.
has text-bind "               bind:1: 160.0 KiB on node 0, 240.0 KiB on node 1 (400.0 KiB), 1 mapping, 160.0 KiB outside"
cp "$work/out" "$work/by-name"
check_command by-pid --stdout-file "$work/by-name" -- "$swnuma" --root "$root" --process 100
check_command by-environment --stdout-file "$work/by-name" -- env SWNUMA_ROOT="$root" "$swnuma" --process db
check_command attached-value --stdout-file "$work/by-name" -- "$swnuma" --root "$root" --process=100

# --- JSON
check_command json --stderr-empty -- "$swnuma" --root "$root" --process 100 --json && json_check json-figures 100
check_command json-first --stderr-empty -- "$swnuma" --root "$root" --json --process 200 && json_check json-figures-200 200

# --- several processes; some gone or unmatched
check_command two-processes --stderr-empty -- "$swnuma" --root "$root" --process db --process cache
if [ "$(grep -c '^[0-9]* (' "$work/out")" = 2 ] && grep -q '^200 (cache) cache$' "$work/out"; then pass; else fail two-blocks "not two blocks"; fi
check_command vanished-beside-one --stderr-has "process 999 does not exist" -- "$swnuma" --root "$root" --process 999 --process db
if head -1 "$work/out" | grep -q '^100 (db)'; then pass; else fail vanished-beside-one-shows "db is not shown"; fi
check_command unmatched-beside-one --stderr-has "no process matches 'nosuchname'" -- "$swnuma" --root "$root" --process nosuchname --process 100
check_command vanished-json --stderr-has "process 999 does not exist" -- "$swnuma" --root "$root" --process 999 --process db --json
if grep -q '"problem": "vanished"' "$work/out"; then pass; else fail vanished-json-problem "no 'vanished' problem in the document"; fi
refused nothing-to-show "process 999 does not exist" --root "$root" --process 999
refused nothing-to-show-json "process 999 does not exist" --root "$root" --process 999 --json
refused nothing-matches "'nosuchname'" --root "$root" --process nosuchname

# --- unreadable and absurd numa_maps: shown with a note, never a trap
check_command no-numa-maps --stderr-empty -- "$swnuma" --root "$root" --process 300
if grep -q '^  note         cannot read ' "$work/out"; then pass; else fail no-numa-maps-note "no note"; fi
check_command huge-counts --stderr-empty -- "$swnuma" --root "$root" --process big --json
if python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/out" 2> /dev/null; then pass; else fail huge-counts-json "not JSON"; fi
check_command bad-count -- "$swnuma" --root "$root" --process 302
if grep -qF "N0=99999999999999999999999" "$work/out"; then pass; else fail bad-count-note "the bad count is not named"; fi

# --- refused command lines
refused empty-value "--process" --root "$root" --process=
refused pid-out-of-range "'99999999999999999999'" --root "$root" --process 99999999999999999999
refused with-membind "-m/--membind" --root "$root" --process 100 -m 0
refused with-hardware "--hardware" --root "$root" --process 100 -H
refused with-command "'ls'" --root "$root" --process 100 ls

finish
