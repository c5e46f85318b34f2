#!/usr/bin/env bash
# deploy/ansible/numa-check.yml run for real by ansible-playbook against
# localhost, once, with one inventory host per case (all local connections,
# each with its own variables and its own facts folder):
# - on this machine, with a facts folder that does not exist yet: the playbook
#   creates it and installs the fact, and passes with a layout this machine has;
# - on this machine and on snapshots of Tests/Fixtures/sysfs (swnuma_root),
#   each layout the machine lacks fails with the playbook's own message, and
#   only with it: a node that does not exist, too few nodes, a node with CPUs
#   and no memory, too little memory, no swnuma at all; never a template
#   error such as "No first item, sequence was empty".
# The playbook's fact runs the swnuma given here (swnuma_binary).
#
#   Tests/Ansible/run.sh [SWNUMA]
#
# Skipped, and said so, without ansible-playbook (Debian package ansible-core);
# under CI=true that skip is a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
swnuma=$(cd "$(dirname "$swnuma")" && pwd)/$(basename "$swnuma")
fixtures=$repo/Tests/Fixtures/sysfs
playbook=$repo/deploy/ansible/numa-check.yml
. "$here/../lib.sh"

if ! command -v ansible-playbook > /dev/null; then
    skip_suite --mandatory "ansible-playbook is not installed (package ansible-core)"
fi

# This machine's nodes decide the cases run on it: one node more than it has,
# the first node id it lacks, its first node with memory.
if ! "$swnuma" --json -H > "$work/live.json"; then
    echo "ansible: FAILED: $swnuma --json -H"
    exit 1
fi
read -r live_count live_missing live_memory live_cpu_only < <(python3 - "$work/live.json" <<'EOF'
import json, sys
nodes = json.load(open(sys.argv[1]))["nodes"]
ids = {n["id"] for n in nodes}
missing = next(i for i in range(len(ids) + 1) if i not in ids)
memory = next(n["id"] for n in nodes if n["has_memory"])
cpu_only = ", ".join(str(n["id"]) for n in nodes if n["has_cpus"] and not n["has_memory"]) or "-"
print(len(nodes), missing, memory, cpu_only.replace(" ", ""))
EOF
)

# host | variables | expected: "pass" or the playbook's message
cases=(
    "live-fresh|numa_nodes_min=1 numa_node=$live_memory numa_node_memory_min_gib=0|pass"
    "live-nodes|numa_nodes_min=$((live_count + 1))|live-nodes has $live_count NUMA node(s); the database needs $((live_count + 1)) or more"
    "live-no-node|numa_nodes_min=1 numa_node=$live_missing|live-no-node: there is no node $live_missing; the database needs 64 GiB there"
    "vm-two-pass|swnuma_root=$fixtures/vm-two numa_node_memory_min_gib=0.1|pass"
    "vm-two-small|swnuma_root=$fixtures/vm-two|vm-two-small: node 1 has 0.2 GiB; the database needs 64 GiB there"
    "vm-two-no-node|swnuma_root=$fixtures/vm-two numa_node=7|vm-two-no-node: there is no node 7; the database needs 64 GiB there"
    "vm-four|swnuma_root=$fixtures/vm-four|vm-four: node(s) 2 have CPUs but no memory"
    "vm-eight-no-node|swnuma_root=$fixtures/vm-eight numa_nodes_min=9|vm-eight-no-node has 8 NUMA node(s); the database needs 9 or more"
    "no-swnuma|swnuma_binary=$work/no-such-swnuma|no-swnuma: the swnuma fact gave no topology; run $work/no-swnuma/facts.d/swnuma.fact there to see why (is swnuma installed?)"
)
# A machine with a node that has CPUs and no memory fails that check first.
if [ "$live_cpu_only" != - ]; then
    cases[0]="live-fresh|numa_nodes_min=1 numa_node=$live_memory numa_node_memory_min_gib=0|live-fresh: node(s) ${live_cpu_only//,/, } have CPUs but no memory"
    cases[2]="live-no-node|numa_nodes_min=1 numa_node=$live_missing|live-no-node: node(s) ${live_cpu_only//,/, } have CPUs but no memory"
fi

{
    echo "[databases]"
    for case in "${cases[@]}"; do
        IFS='|' read -r host variables _ <<< "$case"
        echo "$host swnuma_fact_dir=$work/$host/facts.d $variables"
    done
    echo "[databases:vars]"
    echo "ansible_connection=local"
    echo "ansible_python_interpreter=$(command -v python3)"
    # Local connections as the user running the test: no sudo.
    echo "ansible_become=false"
    echo "swnuma_binary=$swnuma"
} > "$work/inventory"
# The no-swnuma host's own swnuma_binary wins over the group's.

ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_LOCAL_TEMP=$work/tmp \
    ANSIBLE_HOME=$work/home ANSIBLE_FORKS=4 \
    ansible-playbook -i "$work/inventory" "$playbook" > "$work/out.json" 2> "$work/err"
status=$?
# Some hosts fail by design: ansible-playbook exits 2 ("one or more hosts failed").
if [ $status -eq 2 ]; then pass; else fail exit-status "ansible-playbook exited $status, not 2: $(head -3 "$work/err")"; fi
if grep -q -i -e "no first item" -e "template error" -e "undefined" -e "traceback" "$work/out.json" "$work/err"; then
    fail no-template-errors "$(grep -i -h -m 3 -e "no first item" -e "template error" -e "undefined" -e "traceback" "$work/out.json" "$work/err")"
else
    pass
fi

# For each host: "pass", or the message of the first task that failed, which
# must be an assertion that evaluated to false.
python3 - "$work/out.json" > "$work/results" <<'EOF'
import json, sys
try:
    document = json.load(open(sys.argv[1]))
except ValueError as error:
    print("* unreadable", error); sys.exit()
outcome = {}
for play in document.get("plays", []):
    for task in play.get("tasks", []):
        for host, result in task.get("hosts", {}).items():
            if host in outcome or not result.get("failed"):
                continue
            if result.get("evaluated_to") is False and "assertion" in result:
                outcome[host] = result.get("msg", "")
            else:
                outcome[host] = "not an assertion: " + task["task"]["name"] + ": " + str(result.get("msg"))[:200]
for host in document.get("stats", {}):
    print(host, outcome.get(host, "pass"))
EOF
for case in "${cases[@]}"; do
    IFS='|' read -r host _ expected <<< "$case"
    got=$(sed -n "s/^$host //p" "$work/results")
    if [ "$got" = "$expected" ]; then pass; else fail "$host" "got '${got:-nothing}', expected '$expected'"; fi
done

# The fresh host had no facts folder: the playbook made it, and the fact in it.
fact=$work/live-fresh/facts.d/swnuma.fact
if [ -d "$work/live-fresh/facts.d" ] && [ "$(stat -c %a "$work/live-fresh/facts.d")" = 755 ]; then pass; else
    fail facts-folder-created "no $work/live-fresh/facts.d, mode 0755"
fi
if [ -x "$fact" ] && [ "$(stat -c %a "$fact")" = 755 ] && cmp -s "$fact" "$repo/deploy/ansible/swnuma.fact"; then pass; else
    fail fact-installed "$fact is not deploy/ansible/swnuma.fact, mode 0755"
fi

finish
