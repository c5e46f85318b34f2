#!/usr/bin/env bash
# End-to-end checks of the CPU and Topology Managers' rules in
# --kubelet-check (and, where built, --node-resource-topology and
# --kubelet-fit) on generated machines (SMT siblings, 17 and 64 NUMA
# nodes), the fixture trees and the corpus dumps, with cpu_manager_state
# files written by the Go oracle (Tests/Kubelet/oracle).
#
#   Tests/KubeletTopology/run.sh [SWNUMA] [CORPUS_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
swnuma=$(cd "$(dirname "$swnuma")" && pwd)/$(basename "$swnuma")
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}
fixtures="$repo/Tests/Fixtures/sysfs"
. "$here/../lib.sh"

# expect NAME STATUS TEXT -- ARGS...: swnuma ARGS exits STATUS and its output
# (stdout, or stderr for status 1) contains TEXT (any text when empty).
expect() {
    local name=$1 status=$2 text=$3
    shift 4
    "$swnuma" "$@" > "$work/out" 2> "$work/err"
    local got=$?
    if [ "$got" -ne "$status" ]; then fail "$name" "exit $got, expected $status (swnuma $*)"; return 1; fi
    local stream="$work/out"
    if [ "$status" -eq 1 ]; then
        stream="$work/err"
        if [ -s "$work/out" ]; then fail "$name" "stdout is not empty on exit 1"; return 1; fi
    fi
    if [ -n "$text" ] && ! grep -qF -- "$text" "$stream"; then fail "$name" "output lacks: $text"; return 1; fi
    passed=$((passed + 1))
}
# lacks NAME TEXT: the last output does not contain TEXT.
lacks() {
    if grep -qF -- "$2" "$work/out"; then fail "$1" "output has: $2"; else passed=$((passed + 1)); fi
}

schema="$repo/docs/schema/node-resource-topology.schema.json"
mkdir -p "$work/nrt"
# nrt NAME ARGS...: JSON and YAML of the same settings; both kept for the checks at the end.
nrt() {
    local name=$1
    shift
    if "$swnuma" --json "$@" > "$work/nrt/$name.json" 2> "$work/err" && "$swnuma" "$@" > "$work/nrt/$name.yaml" 2> "$work/err"; then
        passed=$((passed + 1))
    else
        fail "nrt-$name" "exit $? (swnuma $*)"
    fi
}
# machine DIR NODES CORES_PER_NODE THREADS [HUGE_1G_PER_NODE]: a sysfs tree of
# NODES nodes, each with CORES_PER_NODE cores of THREADS siblings (CPU c+k*N
# are siblings, N the number of cores, as Linux numbers x86 threads), 4 GiB
# of memory per node and HUGE_1G_PER_NODE 1 GiB pages.
machine() {
    local dir=$1 nodes=$2 cores=$3 threads=$4 huge=${5:-0}
    local total=$((nodes * cores)) cpus=$((nodes * cores * threads))
    local node core thread cpu list sib
    mkdir -p "$dir/sys/devices/system/node" "$dir/sys/devices/system/cpu" "$dir/proc"
    echo "0-$((cpus - 1))" > "$dir/sys/devices/system/cpu/online"
    echo "0-$((nodes - 1))" > "$dir/sys/devices/system/node/online"
    echo "0-$((nodes - 1))" > "$dir/sys/devices/system/node/possible"
    printf 'MemTotal:       %d kB\nMemFree:        %d kB\n' $((nodes * 4194304)) $((nodes * 4000000)) > "$dir/proc/meminfo"
    for ((node = 0; node < nodes; node++)); do
        local nd="$dir/sys/devices/system/node/node$node"
        mkdir -p "$nd/hugepages/hugepages-1048576kB" "$nd/hugepages/hugepages-2048kB"
        list=""
        for ((core = node * cores; core < (node + 1) * cores; core++)); do
            for ((thread = 0; thread < threads; thread++)); do
                list="$list${list:+,}$((core + thread * total))"
            done
        done
        echo "$list" > "$nd/cpulist"
        printf 'Node %d MemTotal:       4194304 kB\nNode %d MemFree:        4000000 kB\n' "$node" "$node" > "$nd/meminfo"
        echo "$huge" > "$nd/hugepages/hugepages-1048576kB/nr_hugepages"
        echo "$huge" > "$nd/hugepages/hugepages-1048576kB/free_hugepages"
        echo 0 > "$nd/hugepages/hugepages-2048kB/nr_hugepages"
        echo 0 > "$nd/hugepages/hugepages-2048kB/free_hugepages"
        local distances="" other
        for ((other = 0; other < nodes; other++)); do
            distances="$distances${distances:+ }$([ $other -eq $node ] && echo 10 || echo 20)"
        done
        echo "$distances" > "$nd/distance"
    done
    for ((core = 0; core < total; core++)); do
        sib=""
        for ((thread = 0; thread < threads; thread++)); do sib="$sib${sib:+,}$((core + thread * total))"; done
        for ((thread = 0; thread < threads; thread++)); do
            cpu=$((core + thread * total))
            mkdir -p "$dir/sys/devices/system/cpu/cpu$cpu/topology"
            echo "$sib" > "$dir/sys/devices/system/cpu/cpu$cpu/topology/thread_siblings_list"
            echo $((core * 2 / total)) > "$dir/sys/devices/system/cpu/cpu$cpu/topology/physical_package_id"
        done
    done
}

smt="$work/smt"            # 2 nodes x 2 cores x 2 threads: node 0 = 0,1,4,5; node 1 = 2,3,6,7
machine "$smt" 2 2 2 2
seventeen="$work/seventeen"
machine "$seventeen" 17 1 1
nosmt="$work/nosmt"        # 2 nodes x 2 cores, no SMT
machine "$nosmt" 2 2 1
sixtyfour="$work/sixtyfour"
machine "$sixtyfour" 64 1 1

reserve=(--system-reserved=memory=1Gi --reserved-memory 0:memory=1124Mi)
static=(--memory-manager-policy=Static "${reserve[@]}" --cpu-manager-policy=static)

# --- the CPU manager's start-up
expect cpu-default-none 0 "" -- --root "$smt" --kubelet-check --cpu-manager-policy=none
expect cpu-unknown-policy 3 'unknown policy: "Static"' -- --root "$smt" --kubelet-check --cpu-manager-policy=Static
expect cpu-no-reservation 3 "[cpumanager] unable to determine reserved CPU resources for static policy" -- --root "$smt" --kubelet-check "${static[@]}"
expect cpu-zero-reservation 3 "systemreserved.cpu + kubereserved.cpu to be greater than zero" -- --root "$smt" --kubelet-check "${static[@]}" --system-reserved=cpu=0
expect cpu-kube-reserved 0 "" -- --root "$smt" --kubelet-check "${static[@]}" --kube-reserved=cpu=2
expect cpu-rounded 0 "rounded up to 2 whole CPUs" -- --root "$smt" --kubelet-check "${static[@]}" --kube-reserved=cpu=1500m
expect cpu-reserved-offline 3 "reserved-cpus: 6-9 is not a subset of online-cpus: 0-7" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=6-9
expect cpu-reserved-syntax 3 "unable to parse reserved-cpus list" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0-x
expect cpu-reserved-override 0 "--reserved-cpus replaces the cpu of --system-reserved" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --kube-reserved=cpu=3
expect cpu-too-many 3 "[cpumanager] unable to reserve the required amount of CPUs (size of  did not equal 9)" -- --root "$smt" --kubelet-check "${static[@]}" --kube-reserved=cpu=9
expect cpu-full-pcpus-split 3 "split 1 core(s) of 2 threads" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0 --cpu-manager-policy-options=full-pcpus-only=true
expect cpu-full-pcpus-advice 3 "--reserved-cpus=0,4" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0 --cpu-manager-policy-options=full-pcpus-only=true
expect cpu-full-pcpus-whole 0 "" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=full-pcpus-only=true
expect cpu-full-pcpus-no-smt 0 "no SMT siblings" -- --root "$nosmt" --kubelet-check --cpu-manager-policy=static --reserved-cpus=0 --cpu-manager-policy-options=full-pcpus-only=true
expect cpu-option-unknown 3 'unknown CPU Manager Policy option: "full-cores-only"' -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=full-cores-only=true
expect cpu-option-alpha 3 'Alpha-level Options not enabled, but option "align-by-socket"' -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=align-by-socket=true
expect cpu-option-value 3 'bad value for option "full-pcpus-only"' -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=full-pcpus-only=yes
# Gates: alpha options with CPUManagerPolicyAlphaOptions on, beta ones refused with CPUManagerPolicyBetaOptions off.
expect cpu-option-alpha-gated 0 "" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=align-by-socket=true --feature-gates=CPUManagerPolicyAlphaOptions=true
expect cpu-option-beta-off 3 'CPU Manager Policy Beta-level Options not enabled, but option "distribute-cpus-across-numa" provided' -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=distribute-cpus-across-numa=true --feature-gates=CPUManagerPolicyBetaOptions=false
# Refused pairs, in NewStaticPolicyOptions' words.
expect cpu-option-pair-cores 3 "static policy options full-pcpus-only and distribute-cpus-across-cores can not be used at the same time" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=full-pcpus-only=true,distribute-cpus-across-cores=true --feature-gates=CPUManagerPolicyAlphaOptions=true
expect cpu-option-pair-uncore 3 "static policy options prefer-align-cpus-by-uncorecache and distribute-cpus-across-numa can not be used at the same time" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=prefer-align-cpus-by-uncorecache=true,distribute-cpus-across-numa=true
expect cpu-option-pair-ok 0 "" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=prefer-align-cpus-by-uncorecache=true,full-pcpus-only=true
# align-by-socket against the Topology Manager and the machine.
expect cpu-socket-snn 3 "Topolgy manager single-numa-node policy is incompatible with CPUManager align-by-socket policy option" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=align-by-socket=true --feature-gates=CPUManagerPolicyAlphaOptions=true --topology-manager-policy=single-numa-node
onenode="$work/onenode"    # one node, two sockets: CPUs 0-3
machine "$onenode" 1 4 1
expect cpu-socket-sockets 3 "Align by socket is not compatible with hardware where number of sockets are more than number of NUMA" -- --root "$onenode" --kubelet-check --cpu-manager-policy=static --reserved-cpus=0 --cpu-manager-policy-options=align-by-socket=true --feature-gates=CPUManagerPolicyAlphaOptions=true
expect cpu-socket-fits 0 "" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --cpu-manager-policy-options=align-by-socket=true --feature-gates=CPUManagerPolicyAlphaOptions=true --topology-manager-policy=restricted
expect cpu-option-malformed 3 "malformed pair, expect string=string" -- --root "$smt" --kubelet-check --cpu-manager-policy-options=full-pcpus-only
expect cpu-node-emptied-fixture 3 "every CPU of node 0 (0) is reserved" -- --root "$fixtures/vm-two" --kubelet-check --cpu-manager-policy=static --reserved-cpus=0
expect cpu-all-node-reserved 3 "every CPU of node 0 (0-1,4-5) is reserved" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,1,4,5
# The configuration file's fields, and flags over them.
cat > "$work/cpu.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cpuManagerPolicy: static
reservedSystemCPUs: "0,4"
topologyManagerPolicy: single-numa-node
topologyManagerScope: pod
YAML
expect cpu-config-file 0 "" -- --root "$smt" --kubelet-check --config "$work/cpu.yaml"
expect cpu-config-flag-wins 3 "is not a subset of online-cpus" -- --root "$smt" --kubelet-check --config "$work/cpu.yaml" --reserved-cpus=9
printf 'cpuManagerPolicy: 3\n' >> "$work/cpu.yaml"
expect cpu-config-type 3 "KubeletConfiguration.cpuManagerPolicy of type string" -- --root "$smt" --kubelet-check --config "$work/cpu.yaml"

# The check's JSON with the new findings still matches its schema.
if expect cpu-json 3 '"rule": "full-pcpus-split-core"' -- --root "$smt" --json --kubelet-check --cpu-manager-policy=static --reserved-cpus=0 --cpu-manager-policy-options=full-pcpus-only=true; then
    if python3 -c 'import json, sys, jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
        "$repo/docs/schema/kubelet-check.schema.json" "$work/out" 2> "$work/err"; then
        passed=$((passed + 1))
    else
        fail cpu-json-schema "$(tail -n 1 "$work/err")"
    fi
fi

# --- the Topology Manager
expect tm-unknown-policy 3 'unknown policy: "strict"' -- --root "$smt" --kubelet-check --topology-manager-policy=strict
expect tm-unknown-scope 3 'unknown scope: "node"' -- --root "$smt" --kubelet-check --topology-manager-scope=node
expect tm-17-refused 3 "refused: unsupported on machines with more than 8 NUMA Nodes; to fix: this machine has 17 NUMA nodes" -- --root "$seventeen" --kubelet-check --topology-manager-policy=single-numa-node
expect tm-17-advice 3 "max-allowable-numa-nodes=17" -- --root "$seventeen" --kubelet-check --topology-manager-policy=restricted
expect tm-17-allowed 0 "" -- --root "$seventeen" --kubelet-check --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=17
expect tm-17-none 0 "" -- --root "$seventeen" --kubelet-check --topology-manager-policy=none
expect tm-64-refused 3 "unsupported on machines with more than 32 NUMA Nodes; to fix: this machine has 64 NUMA nodes" -- --root "$sixtyfour" --kubelet-check --topology-manager-policy=best-effort --topology-manager-policy-options=max-allowable-numa-nodes=32
expect tm-64-allowed 0 "" -- --root "$sixtyfour" --kubelet-check --topology-manager-policy=best-effort --topology-manager-policy-options=max-allowable-numa-nodes=64
expect tm-option-small 3 'the minimum value of "max-allowable-numa-nodes" should not be less than 8' -- --root "$smt" --kubelet-check --topology-manager-policy-options=max-allowable-numa-nodes=4
expect tm-option-word 3 'unable to convert policy option to integer "max-allowable-numa-nodes": strconv.Atoi: parsing "lots": invalid syntax' -- --root "$smt" --kubelet-check --topology-manager-policy-options=max-allowable-numa-nodes=lots
expect tm-option-eight 0 "" -- --root "$smt" --kubelet-check --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=8
expect tm-option-beta-off 3 'Topology Manager Policy Beta-level Options not enabled, but option "max-allowable-numa-nodes" provided' -- --root "$seventeen" --kubelet-version=1.33 --kubelet-check --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=17 --feature-gates=TopologyManagerPolicyBetaOptions=false
expect tm-option-unknown 3 'unknown Topology Manager Policy option: "prefer-closest"' -- --root "$smt" --kubelet-check --topology-manager-policy-options=prefer-closest=true
expect tm-option-closest 0 "" -- --root "$smt" --kubelet-check --topology-manager-policy=best-effort --topology-manager-policy-options=prefer-closest-numa-nodes=true

# --- consistency across the managers
expect mix-memory-no-cpus 0 "node 1 has reserved memory but none of the reserved CPUs" -- --root "$smt" --kubelet-check --memory-manager-policy=Static --system-reserved=memory=1Gi --reserved-memory "0:memory=600Mi;1:memory=524Mi" --cpu-manager-policy=static --reserved-cpus=0,4
expect mix-cpus-no-memory 0 "node 1 has reserved CPUs (2,6) but no reserved memory" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,2,4,6
expect mix-hugepages-partly 3 "hugepages-1Gi is reserved on node 0 but not on node 1" -- --root "$smt" --kubelet-check "${static[@]}" --reserved-cpus=0,4 --reserved-memory 0:hugepages-1Gi=1Gi --system-reserved=memory=1Gi
expect mix-node-no-memory 3 "node 0 has no memory left for containers" -- --root "$smt" --kubelet-check --memory-manager-policy=Static --system-reserved=memory=2Gi --reserved-memory 0:memory=2148Mi


# --- --kubelet-fit, worked by hand on $smt with CPUs 0,4 and node 0's
# 1124Mi reserved. Free: node 0 CPUs 1,5 (2), 924Mi, hugepages-1Gi 2Gi;
# node 1 CPUs 2,3,6,7 (4), 2Gi, hugepages-1Gi 2Gi. Capacity 4 CPUs a node.
fitargs=("${static[@]}" --reserved-cpus=0,4)
# single-numa-node: 3 CPUs and 1Gi only on node 1 (node 0: 2 CPUs, 924Mi).
expect fit-snn-node1 0 "container 1: admitted on NUMA node 1" -- --root "$smt" --kubelet-fit cpu=3,memory=1Gi "${fitargs[@]}" --topology-manager-policy=single-numa-node
expect fit-snn-why 0 "not alone on node 0: 3 CPUs wanted, 2 free; memory 1Gi wanted, 924Mi free" -- --root "$smt" --kubelet-fit cpu=3,memory=1Gi "${fitargs[@]}" --topology-manager-policy=single-numa-node
# Memory fits (512Mi on either node) but 5 CPUs fit on no single node.
expect fit-snn-cpus 3 "no single NUMA node has all of it" -- --root "$smt" --kubelet-fit cpu=5,memory=512Mi "${fitargs[@]}" --topology-manager-policy=single-numa-node
# Huge pages: 3Gi of 1Gi pages is more than either node's 2Gi pool.
expect fit-snn-hugepages 3 "not alone on node 1: hugepages-1Gi 3Gi wanted, 2Gi free" -- --root "$smt" --kubelet-fit cpu=2,hugepages-1Gi=3Gi "${fitargs[@]}" --topology-manager-policy=single-numa-node
expect fit-snn-hugepages-2 0 "admitted on NUMA node 0" -- --root "$smt" --kubelet-fit cpu=2,hugepages-1Gi=2Gi "${fitargs[@]}" --topology-manager-policy=single-numa-node
# restricted: the CPU hint {0,1} (preferred: no node has 5 CPUs) AND the
# memory hint {0} (preferred: 512Mi fits one node) merge to {0}, preferred:
# admitted, its CPUs taken from both nodes.
expect fit-restricted-merge 0 "admitted on NUMA node 0; its CPUs come from other nodes too" -- --root "$smt" --kubelet-fit cpu=5,memory=512Mi "${fitargs[@]}" --topology-manager-policy=restricted
# restricted: 2500Mi of memory: node 1 has 2Gi free, node 0 924Mi: only
# {0,1}, preferred (no single node could hold it); 2 CPUs: {0} and {1}
# preferred. {0} AND {0,1} is {0}, preferred, the narrowest: node 0.
expect fit-restricted-memory 0 "admitted on NUMA node 0" -- --root "$smt" --kubelet-fit cpu=2,memory=2500Mi "${fitargs[@]}" --topology-manager-policy=restricted
# Not enough of anything on the whole node: refused by every policy.
for policy in none best-effort restricted single-numa-node; do
    expect fit-$policy-too-many 3 "not enough CPUs: 7 wanted, 6 free" -- --root "$smt" --kubelet-fit cpu=7 "${fitargs[@]}" --topology-manager-policy=$policy
done
expect fit-memory-too-much 3 "not enough memory: 3Gi wanted, 2972Mi free" -- --root "$smt" --kubelet-fit cpu=1,memory=3Gi "${fitargs[@]}" --topology-manager-policy=best-effort
expect fit-best-effort-spread 0 "admitted on NUMA node 0" -- --root "$smt" --kubelet-fit cpu=5,memory=512Mi "${fitargs[@]}" --topology-manager-policy=best-effort
expect fit-none 0 "admitted on any NUMA node (Topology Manager policy none: no alignment)" -- --root "$smt" --kubelet-fit cpu=5 "${fitargs[@]}"
# Scopes: two containers of 3 CPUs; one after the other (container), or 6 at once (pod).
expect fit-container-scope 3 "container 2: no single NUMA node has all of it" -- --root "$smt" --kubelet-fit 'cpu=3;cpu=3' "${fitargs[@]}" --topology-manager-policy=single-numa-node
expect fit-pod-scope 3 "pod: no single NUMA node has all of it" -- --root "$smt" --kubelet-fit 'cpu=3;cpu=3' "${fitargs[@]}" --topology-manager-policy=single-numa-node --topology-manager-scope=pod
expect fit-container-scope-2 0 "container 2: admitted on NUMA node 1" -- --root "$smt" --kubelet-fit 'cpu=2;cpu=2' "${fitargs[@]}" --topology-manager-policy=single-numa-node
expect fit-pod-scope-2 0 "pod: admitted on NUMA node 1" -- --root "$smt" --kubelet-fit 'cpu=2;cpu=2' "${fitargs[@]}" --topology-manager-policy=single-numa-node --topology-manager-scope=pod
# Without resources: what is still free, per node.
expect fit-table 0 "1     4     2Gi     2Gi" -- --root "$smt" --kubelet-fit "${fitargs[@]}"
expect fit-table-header 0 "node  cpus  memory  hugepages-1Gi" -- --root "$smt" --kubelet-fit "${fitargs[@]}"
expect fit-bad-resource 1 "'gpu' is not a resource" -- --root "$smt" --kubelet-fit gpu=1
expect fit-bad-quantity 1 "'lots' is not a quantity for memory" -- --root "$smt" --kubelet-fit memory=lots
expect fit-empty-container 1 "empty container" -- --root "$smt" --kubelet-fit 'cpu=1;'
expect fit-kubelet-refuses 3 "the kubelet would not start" -- --root "$smt" --kubelet-fit cpu=1 --cpu-manager-policy=static
expect fit-17-nodes 3 "unsupported on machines with more than 8 NUMA Nodes" -- --root "$seventeen" --kubelet-fit cpu=1 --topology-manager-policy=single-numa-node
# 64 nodes with the memory manager: every pair of nodes is a hint of both managers.
expect fit-64-nodes 0 "container 1: admitted on NUMA node 1" -- --root "$sixtyfour" --kubelet-fit cpu=1,memory=1Gi --memory-manager-policy=Static --system-reserved=memory=1Gi --reserved-memory 0:memory=1124Mi --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=64
# 2000 node folders, CPUs and memory on node 0 only: answered, not hung
# (a guard of 60 s against a walk over every pair of nodes, not a timing).
wide="$work/wide"
mkdir -p "$wide/sys/devices/system/cpu" "$wide/proc"
echo 0-3 > "$wide/sys/devices/system/cpu/online"
for ((n = 0; n < 2000; n++)); do mkdir -p "$wide/sys/devices/system/node/node$n"; done
echo 0-3 > "$wide/sys/devices/system/node/node0/cpulist"
printf 'Node 0 MemTotal:       4194304 kB\nNode 0 MemFree:        4000000 kB\n' > "$wide/sys/devices/system/node/node0/meminfo"
printf 'MemTotal:       4194304 kB\nMemFree:        4000000 kB\n' > "$wide/proc/meminfo"
check_command fit-2000-nodes --status 0 -- timeout 60 "$swnuma" --root "$wide" --kubelet-fit cpu=1,memory=1Gi --memory-manager-policy=Static --system-reserved=memory=1Gi --reserved-memory 0:memory=1124Mi --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=2000,prefer-closest-numa-nodes=true
check_command nrt-2000-nodes --status 0 -- timeout 60 "$swnuma" --root "$wide" --json --node-resource-topology --cpu-manager-policy=static --reserved-cpus=0
check_command fit-2000-nodes-none --status 0 -- timeout 60 "$swnuma" --root "$wide" --json --kubelet-fit cpu=1 --cpu-manager-policy=static --reserved-cpus=0
expect fit-17-nodes-allowed 0 "admitted on NUMA node 0" -- --root "$seventeen" --kubelet-fit cpu=1 --cpu-manager-policy=static --reserved-cpus=16 --topology-manager-policy=single-numa-node --topology-manager-policy-options=max-allowable-numa-nodes=17

# prefer-closest-numa-nodes: four nodes of two CPUs, CPU 0 reserved; 4
# CPUs need two nodes; {1,2} is the narrowest pair free (mask 6), but nodes 2
# and 3 are the closest (distance 12 against 30).
four="$work/four"
machine "$four" 4 2 1
for n in 0 1 2 3; do
    case $n in 0) d="10 30 30 30" ;; 1) d="30 10 30 30" ;; 2) d="30 30 10 12" ;; 3) d="30 30 12 10" ;; esac
    echo "$d" > "$four/sys/devices/system/node/node$n/distance"
done
expect fit-narrowest 0 "admitted on NUMA nodes 1,2" -- --root "$four" --kubelet-fit cpu=4 --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted
expect fit-closest 0 "admitted on NUMA nodes 2,3" -- --root "$four" --kubelet-fit cpu=4 --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted --topology-manager-policy-options=prefer-closest-numa-nodes=true
# single-numa-node ignores it (and 4 CPUs fit no single node).
expect fit-closest-snn 3 "no single NUMA node has all of it" -- --root "$four" --kubelet-fit cpu=4 --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=single-numa-node --topology-manager-policy-options=prefer-closest-numa-nodes=true

# --kubelet-fit --json: every document against docs/schema/kubelet-fit.schema.json.
mkdir -p "$work/fit"
fitjson() {
    local name=$1 status=$2
    shift 2
    "$swnuma" --json "$@" > "$work/fit/$name.json" 2> "$work/err"
    local got=$?
    if [ "$got" -eq "$status" ]; then passed=$((passed + 1)); else fail "fit-json-$name" "exit $got, expected $status (swnuma --json $*)"; fi
}
fitjson snn 0 --root "$smt" --kubelet-fit cpu=3,memory=1Gi "${fitargs[@]}" --topology-manager-policy=single-numa-node
fitjson snn-refused 3 --root "$smt" --kubelet-fit cpu=5,memory=512Mi "${fitargs[@]}" --topology-manager-policy=single-numa-node
fitjson pod 3 --root "$smt" --kubelet-fit 'cpu=3;cpu=3' "${fitargs[@]}" --topology-manager-policy=single-numa-node --topology-manager-scope=pod
fitjson none 0 --root "$smt" --kubelet-fit cpu=5 "${fitargs[@]}"
fitjson free 0 --root "$smt" --kubelet-fit "${fitargs[@]}"
fitjson kubelet-refuses 3 --root "$smt" --kubelet-fit cpu=1 --cpu-manager-policy=static
fitjson closest 0 --root "$four" --kubelet-fit cpu=4 --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted --topology-manager-policy-options=prefer-closest-numa-nodes=true
check_command fit-json-unreadable --status 1 --stdout-empty -- "$swnuma" --json --kubelet-fit cpu=1 --bogus-flag
if python3 -c 'import jsonschema' 2> /dev/null; then
    python3 - "$repo/docs/schema/kubelet-fit.schema.json" "$work/fit" > "$work/fit-results" <<'PY'
import glob, json, os, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
docs = {}
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.json"))):
    name = os.path.basename(path)[:-5]
    docs[name] = json.load(open(path))
    errors = [e.message for e in validator.iter_errors(docs[name])]
    print(("ok" if not errors else "not ok") + " fit-schema-" + name + ("" if not errors else ": " + errors[0]))
# The values, worked by hand (see the text cases above).
def check(name, ok):
    print(("ok" if ok else "not ok") + " fit-values-" + name)
snn = docs["snn"]["decisions"][0]
check("snn", docs["snn"]["verdict"] == "fits" and snn["hint"] == {"nodes": [1], "preferred": True}
      and [n["fits_alone"] for n in snn["nodes"]] == [False, True] and "3 CPUs wanted, 2 free" in snn["nodes"][0]["why_not"])
check("snn-refused", docs["snn-refused"]["verdict"] == "does-not-fit" and docs["snn-refused"]["decisions"][0]["hint"] is None)
check("pod", docs["pod"]["decisions"][0]["label"] == "pod" and docs["pod"]["request"][1]["cpus"] == 3)
check("none", docs["none"]["decisions"][0]["hint"] == {"nodes": None, "preferred": True})
free = {n["node"]: n for n in docs["free"]["free"]}
check("free", docs["free"]["verdict"] == "free" and free[0]["cpu_list"] == "1,5" and free[1]["cpus"] == 4
      and free[1]["memory"]["hugepages-1Gi"] == 2 << 30 and docs["free"]["request"] is None)
check("kubelet-refuses", docs["kubelet-refuses"]["refusal"]["rule"] == "no-reserved-cpus" and docs["kubelet-refuses"]["decisions"] == [])
check("closest", docs["closest"]["decisions"][0]["hint"]["nodes"] == [2, 3]
      and docs["closest"]["policies"]["topology_manager_options"] == {"prefer-closest-numa-nodes": "true"})
# The schema can fail: a decision without its hint is caught.
bad = json.loads(json.dumps(docs["snn"]))
del bad["decisions"][0]["hint"]
print(("ok" if list(validator.iter_errors(bad)) else "not ok") + " fit-schema-catches")
PY
    while read -r verdict rest; do
        if [ "$verdict" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "not ok $rest"; fi
    done < "$work/fit-results"
else
    skip --mandatory fit-schema "python3-jsonschema is missing"
fi

# --- the corpus: every dump accepted with a static CPU manager and a
# single-numa-node Topology Manager (none has more than 8 nodes).
if [ -d "$corpus/sysfs" ]; then
    for tarball in "$corpus"/sysfs/*.tar.bz2; do
        name=$(basename "$tarball" .tar.bz2)
        mkdir -p "$work/corpus/$name"
        tar -xjf "$tarball" -C "$work/corpus/$name"
        root=$(dirname "$(find "$work/corpus/$name" -maxdepth 3 -type d -name sys -print -quit)")
        nrt "corpus-$name" --root "$root" --node-resource-topology --cpu-manager-policy=static --kube-reserved=cpu=1 --topology-manager-policy=single-numa-node
        expect "corpus-$name-fit-table" 0 "node  cpus  memory" -- --root "$root" --kubelet-fit --cpu-manager-policy=static --kube-reserved=cpu=1
        # Accepted, or only unsafe because node 0 has one CPU and it is the reserved one.
        "$swnuma" --root "$root" --kubelet-check --cpu-manager-policy=static --kube-reserved=cpu=1 --topology-manager-policy=single-numa-node > "$work/out" 2> "$work/err"
        status=$?
        problems=$(grep -E '^(refused|unsafe):' "$work/out" | grep -vc 'every CPU of node [0-9]* ([0-9]*) is reserved')
        if { [ $status -eq 0 ] || [ $status -eq 3 ]; } && [ "$problems" -eq 0 ] && ! grep -q '^refused:' "$work/out"; then
            passed=$((passed + 1))
        else
            fail "corpus-$name" "exit $status"
        fi
    done
else
    skip corpus "no corpus at $corpus"
fi


# --- --node-resource-topology: JSON against the schema written from the
# API's Go types, YAML parsed back (python3-yaml) to the same document.
nrt smt-defaults --root "$smt" --node-resource-topology --cpu-manager-policy=none
nrt seventeen --root "$seventeen" --node-resource-topology --topology-manager-policy=restricted --topology-manager-scope=pod --topology-manager-policy-options=max-allowable-numa-nodes=17
for fixture in "$fixtures"/*/; do
    nrt "fixture-$(basename "$fixture")" --root "$fixture" --node-resource-topology --cpu-manager-policy=none
done
expect nrt-attributes 0 '"value": "single-numa-node"' -- --root "$smt" --json --node-resource-topology --topology-manager-policy=single-numa-node --topology-manager-scope=pod
expect nrt-legacy-policy 0 '"SingleNUMANodePodLevel"' -- --root "$smt" --json --node-resource-topology --topology-manager-policy=single-numa-node --topology-manager-scope=pod
expect nrt-costs 0 '"value": 20' -- --root "$smt" --json --node-resource-topology
expect nrt-no-value 1 "takes no value" -- --root "$smt" --node-resource-topology=x
expect nrt-bad-settings 1 "cannot be read" -- --root "$smt" --node-resource-topology --bogus-flag
# Reserved CPUs and memory: node 0 keeps 2 of its 4 CPUs, 1124Mi less of its 4Gi (less its 2 1Gi pages).
expect nrt-reserved 0 "" -- --root "$smt" --json --node-resource-topology "${static[@]}" --reserved-cpus=0,4
python3 - "$work/out" > "$work/nrt-check" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
z = {zone["name"]: {r["name"]: r for r in zone["resources"]} for zone in d["zones"]}
print(z["node-0"]["cpu"]["capacity"], z["node-0"]["cpu"]["allocatable"], z["node-1"]["cpu"]["allocatable"],
      z["node-0"]["memory"]["capacity"], z["node-0"]["memory"]["allocatable"], z["node-0"]["hugepages-1Gi"]["capacity"])
PY
check_command nrt-reserved-values --stdout "4 2 4 4Gi 924Mi 2Gi" -- cat "$work/nrt-check"

# --- cpu_manager_state written by the oracle (Go and go-spew from Debian)
oracle="$work/oracle-bin"
if "$repo/Tests/Kubelet/oracle/build.sh" "$oracle" 2> "$work/oracle-build"; then
    mkdir -p "$smt/var/lib/kubelet"
    state="$smt/var/lib/kubelet/cpu_manager_state"
    checkpoint() {
        local format=$1 body=$2
        shift 2
        # shellcheck disable=SC2068 # the edits are words
        echo "$body" | "$oracle" cpu-checkpoint "$format" $@ > "$state" || fail "oracle-$format" "the oracle failed"
    }
    sr=(--cpu-manager-policy=static --reserved-cpus=0,4)
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-v2-valid 0 "" -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v1 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"c1":"3,7"}}'
    expect state-v1-valid 0 "" -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}' corrupt
    expect state-corrupt 3 "checkpoint is corrupted, please drain this node and delete the CPU manager checkpoint file" -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}' zero
    expect state-zero 0 "" -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"none","defaultCpuSet":""}'
    expect state-policy-changed 3 'configured policy "static" differs from state checkpoint policy "none"' -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-reservation-grew 3 'not all reserved cpus: "0,3" are present in defaultCpuSet: "0-2,4-6"' -- --root "$smt" --kubelet-check --cpu-manager-policy=static --reserved-cpus=0,3
    expect state-reservation-steps 3 "drain the node, stop the kubelet, delete /var/lib/kubelet/cpu_manager_state" -- --root "$smt" --kubelet-check --cpu-manager-policy=static --reserved-cpus=0,3,4
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-5","entries":{"pod-a":{"db":"3"}}}'
    expect state-cpus-changed 3 'current set of available CPUs "0-7" doesn'"'"'t match with CPUs in state "0-5"' -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-7","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-overlap 3 'cpuset: "3,7" overlaps with default cpuset "0-7"' -- --root "$smt" --kubelet-check "${sr[@]}"
    # validateState under strict-cpu-reservation: the reserved CPUs 0,4 stay out of the shared pool.
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"1-2,5-6","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-strict 0 "" -- --root "$smt" --kubelet-check "${sr[@]}" --cpu-manager-policy-options=strict-cpu-reservation=true
    expect state-strict-dropped 3 'not all reserved cpus: "0,4" are present in defaultCpuSet: "1-2,5-6"' -- --root "$smt" --kubelet-check "${sr[@]}"
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-strict-added 3 'some of strictly reserved cpus: "0,4" are present in defaultCpuSet: "0-2,4-6"' -- --root "$smt" --kubelet-check "${sr[@]}" --cpu-manager-policy-options=strict-cpu-reservation=true
    expect state-empty-default 0 "" -- --root "$smt" --kubelet-check "${sr[@]}"
    # 1.36: the second format hashed under its own type name (the gate off),
    # and the third (PodLevelResourceManagers on) with the pods' CPU sets.
    checkpoint v2-136 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}'
    expect state-v2-136 0 "" -- --root "$smt" --kubelet-check "${sr[@]}"
    expect state-v2-136-older 3 "checkpoint is corrupted" -- --root "$smt" --kubelet-version=1.35 --kubelet-check "${sr[@]}"
    expect state-v2-136-gate-on 3 "checkpoint is corrupted" -- --root "$smt" --kubelet-check "${sr[@]}" --feature-gates=PodLevelResourceManagers=true
    checkpoint v3 '{"policyName":"static","defaultCpuSet":"0-1,4-5","entries":{"pod-a":{"db":"3,7"}},"podEntries":{"pod-a":{"cpuSet":"3,7"},"pod-b":{"cpuSet":"2,6"}}}'
    expect state-v3 0 "" -- --root "$smt" --kubelet-check "${sr[@]}" --feature-gates=PodLevelResourceManagers=true
    expect state-v3-gate-off 3 "checkpoint is corrupted" -- --root "$smt" --kubelet-check "${sr[@]}"
    expect state-v3-older 3 "checkpoint is corrupted" -- --root "$smt" --kubelet-version=1.35 --kubelet-check "${sr[@]}"
    # pod-b's set counts as taken: node 1 has no CPU left.
    expect state-v3-fit 0 "1     0" -- --root "$smt" --kubelet-fit "${sr[@]}" --feature-gates=PodLevelResourceManagers=true
    checkpoint v3 '{"policyName":"static","defaultCpuSet":"0-1,4-5","entries":{"pod-a":{"db":"3,7"}},"podEntries":{"pod-b":{"cpuSet":"2,6"}}}' corrupt
    expect state-v3-corrupt 3 "checkpoint is corrupted" -- --root "$smt" --kubelet-check "${sr[@]}" --feature-gates=PodLevelResourceManagers=true
    echo '{"policyName":' > "$state"
    expect state-unreadable 3 "could not restore state from checkpoint" -- --root "$smt" --kubelet-check "${sr[@]}"

    # Both checkpoints counted: CPUs 3,7 (node 1) and 1Gi of node 1's memory assigned.
    checkpoint v2 '{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod-a":{"db":"3,7"}}}'
    echo '{"policyName":"Static","machineState":{},"entries":{"pod-a":{"db":[{"numaAffinity":[1],"type":"memory","size":1073741824}]}}}' \
        | "$oracle" memory-checkpoint v1 > "$smt/var/lib/kubelet/memory_manager_state"
    nrt smt-checkpoints --root "$smt" --node-resource-topology "${static[@]}" --reserved-cpus=0,4
    python3 - "$work/nrt/smt-checkpoints.json" > "$work/nrt-check" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
z = {zone["name"]: {r["name"]: r for r in zone["resources"]} for zone in d["zones"]}
print(z["node-1"]["cpu"]["allocatable"], z["node-1"]["cpu"]["available"], z["node-0"]["cpu"]["available"],
      z["node-1"]["memory"]["allocatable"], z["node-1"]["memory"]["available"])
PY
    check_command nrt-checkpoints-values --stdout "4 2 2 2Gi 1Gi" -- cat "$work/nrt-check"
    # With both checkpoints: node 1 has CPUs 2,6 and 1Gi of memory left.
    expect fit-checkpoints 3 "not alone on node 1: 3 CPUs wanted, 2 free" -- --root "$smt" --kubelet-fit cpu=3 "${static[@]}" --reserved-cpus=0,4 --topology-manager-policy=single-numa-node
    expect fit-checkpoints-table 0 "1     2     1Gi" -- --root "$smt" --kubelet-fit "${static[@]}" --reserved-cpus=0,4
    rm -f "$smt/var/lib/kubelet/memory_manager_state"
    rm -f "$state"
else
    skip --mandatory oracle "$(head -n 1 "$work/oracle-build")"
fi

# Every document kept: valid against the schema, and its YAML the same document.
if python3 -c 'import jsonschema, yaml' 2> /dev/null; then
    python3 - "$schema" "$work/nrt" > "$work/nrt-results" <<'PY'
import glob, json, os, sys
import jsonschema, yaml
schema = json.load(open(sys.argv[1]))
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.json"))):
    name = os.path.basename(path)[:-5]
    document = json.load(open(path))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
    print(("ok" if not errors else "not ok") + " schema-" + name + ("" if not errors else ": " + errors[0]))
    same = yaml.safe_load(open(path[:-5] + ".yaml")) == document
    print(("ok" if same else "not ok") + " yaml-" + name)
PY
    while read -r verdict rest; do
        if [ "$verdict" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "not ok $rest"; fi
    done < "$work/nrt-results"
    # A document that breaks the schema is caught (the check can fail).
    python3 - "$schema" <<'PY' && passed=$((passed + 1)) || fail schema-catches "a zone without its type validated"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
bad = {"apiVersion": "topology.node.k8s.io/v1alpha2", "kind": "NodeResourceTopology", "metadata": {"name": "n"},
       "topologyPolicies": ["None"], "zones": [{"name": "node-0", "resources": [{"name": "cpu", "capacity": "4x", "allocatable": "1", "available": "1"}]}]}
sys.exit(0 if list(jsonschema.Draft202012Validator(schema).iter_errors(bad)) else 1)
PY
else
    skip --mandatory nrt-schema "python3-jsonschema or python3-yaml is missing"
fi

finish
