#!/usr/bin/env bash
# End-to-end checks of --kubelet-check, --kubelet-suggest and --kubelet-state
# on the fixture trees and the corpus dumps (through --root): every rule of
# the kubelet's memory manager accepted and refused, configuration files and
# checkpoints written here, a "running kubelet" under a root, the JSON
# documents against docs/schema, and on every corpus dump a suggestion that
# --kubelet-check then accepts.
#
#   Tests/Kubelet/run.sh [SWNUMA] [CORPUS_DIR]
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
        if [ "$(grep -vc "^Try 'swnuma --help'" "$work/err")" -ne 1 ]; then fail "$name" "expected one line on stderr"; return 1; fi
    fi
    if [ -n "$text" ] && ! grep -qF -- "$text" "$stream"; then fail "$name" "output lacks: $text"; return 1; fi
    passed=$((passed + 1))
}

# schema NAME KIND: the last stdout is kept, to be validated at the end
# against docs/schema/kubelet-KIND.schema.json (one python for all of them).
mkdir -p "$work/json"
schema() {
    cp "$work/out" "$work/json/$1.$2.json"
}

two="$fixtures/vm-two"
static=(--memory-manager-policy=Static)
# vm-two: MemTotal 351608 kB; the default eviction threshold is 100Mi.
mem_total=$((351608 * 1024))

# --- accepted
expect accept-repeated 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=50Mi --reserved-memory 1:memory=50Mi
expect accept-semicolon 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory '0:memory=50Mi;1:memory=50Mi'
expect accept-space-value 0 "would accept" -- --root "$two" --kubelet-check --memory-manager-policy Static --reserved-memory 0:memory=100Mi
expect accept-machine-state 0 "0     memory" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=100Mi
expect accept-other-flags 0 "would accept" -- --root "$two" --kubelet-check --v 2 --fail-swap-on --node-ip=10.0.0.1 "${static[@]}" --reserved-memory 0:memory=100Mi
expect none-without-reservation 0 "would accept" -- --root "$two" --kubelet-check --v=2
expect none-ignores-reservation 0 "note: the memory manager policy is None" -- --root "$two" --kubelet-check --reserved-memory 0:memory=1Gi

# --- --reserved-memory syntax, as the kubelet's flag parses it
expect flag-no-colon 3 "the reserved memory has incorrect format" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0-memory=100Mi
expect flag-node-not-integer 3 "failed to convert the NUMA node ID" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory a:memory=100Mi
expect flag-no-equals 3 "the reserved limit has incorrect value" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory
expect flag-unknown-type 3 'unknown type: "cpu"' -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:cpu=1
expect flag-bad-quantity 3 "failed to parse the quantatity, expected quantatity, got 1GB" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=1GB
expect flag-empty-entry 3 "the reserved memory has incorrect format" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory '0:memory=100Mi;'
expect stray-word 3 "unknown command extra" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory=0:memory=100Mi extra

# --- configuration validation
expect zero-entry 3 'reserved memory may not be zero for NUMA node 0 and resource "memory"' -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=0,hugepages-2Mi=0
expect duplicate 3 'duplicate value for NUMA node 0 and resource "memory"' -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=50Mi --reserved-memory 0:memory=50Mi
expect unknown-policy 3 'unknown policy: "static"' -- --root "$two" --kubelet-check --memory-manager-policy=static
# A snapshot whose MemTotal is near 2^64 bytes: a percentage threshold of it
# is clamped, not converted with a trap.
huge="$work/huge-memtotal"
cp -r "$two" "$huge"
printf 'MemTotal: 18014398509481983 kB\nMemFree: 1 kB\n' > "$huge/proc/meminfo"
expect huge-memtotal-percentage 3 "9223372036854775807" -- --root "$huge" --kubelet-check "${static[@]}" '--eviction-hard=memory.available<99%' --reserved-memory 0:memory=1Gi

# --- nodes and sums
expect unknown-node 3 "references a NUMA node 7 that does not exist" -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory '0:memory=50Mi;7:memory=50Mi'
expect unequal 3 'the total amount "110Mi" of type "memory" is not equal to the value "100Mi" determined by Node Allocatable feature' -- --root "$two" --kubelet-check "${static[@]}" --reserved-memory 0:memory=60Mi,hugepages-2Mi=2Mi --reserved-memory 1:memory=50Mi
grep -qF 'the total amount "2Mi" of type "hugepages-2Mi" is not equal to the value "0"' "$work/out" && passed=$((passed + 1)) || fail unequal-hugepages "the huge page sum is not reported"
expect sum-format 3 'not equal to the value "1124Mi"' -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=memory=1Gi,cpu=1 --reserved-memory 0:memory=1Gi
expect kube-reserved-sum 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --kube-reserved memory=20Mi --system-reserved=memory=30Mi --reserved-memory 0:memory=75Mi --reserved-memory 1:memory=75Mi
expect hugepages-reserved 3 'cannot reserve "hugepages-2Mi" resource' -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=hugepages-2Mi=2Mi --reserved-memory 0:memory=100Mi
expect negative-reserved 3 'cannot be negative' -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=memory=-1Mi --reserved-memory 0:memory=100Mi
expect no-reservation 3 "[memorymanager] you should specify the system reserved memory" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard=memory.available\<0%
expect not-whole-bytes 3 "could not covert a variable of type Quantity to int64" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard='memory.available<100.5' --reserved-memory 0:memory=100.5

# --- eviction thresholds: a percentage of MemTotal, as the kubelet's float32 arithmetic gives it
pct=$(python3 -c "import struct; p=struct.unpack('f',struct.pack('f',struct.unpack('f',struct.pack('f',7.5))[0]/100))[0]; print(int($mem_total*p))")
expect percentage 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard=memory.available\<7.5%,nodefs.available\<10% --reserved-memory 0:memory=$pct
expect percentage-off-by-one 3 "is not equal to the value \"$pct\"" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard=memory.available\<7.5% --reserved-memory 0:memory=$((pct + 1))
expect eviction-over-100 3 "must be <= 100%" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard=memory.available\<120% --reserved-memory 0:memory=100Mi
expect eviction-bad-signal 3 "unsupported eviction signal memory.free" -- --root "$two" --kubelet-check "${static[@]}" --eviction-hard=memory.free\<1Gi --reserved-memory 0:memory=100Mi
expect eviction-ignored 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --experimental-allocatable-ignore-eviction --system-reserved=memory=64Mi --reserved-memory 1:memory=64Mi

# --- beyond the kubelet
expect exceeds-node 3 "unsafe: node 0: reserved memory 400Mi is more than its 158640Ki" -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=memory=300Mi --reserved-memory 0:memory=400Mi
# 400Mi is more than vm-two's whole memory: validateNodeAllocatable stops the kubelet too.
grep -qF 'invalid Node Allocatable configuration. Resource "memory" has an allocatable of 400Mi, capacity of -57992Ki' "$work/out" && passed=$((passed + 1)) || fail exceeds-node-allocatable "validateNodeAllocatable is not reported"
expect exceeds-node-fits 3 "unsafe: node 0: reserved memory 200Mi is more than its 158640Ki" -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=memory=100Mi --reserved-memory 0:memory=200Mi
grep -q "would start, but" "$work/out" && passed=$((passed + 1)) || fail exceeds-node-verdict "the verdict does not say the kubelet would start"
expect eviction-validated-when-ignored 3 "must be <= 100%" -- --root "$two" --kubelet-check "${static[@]}" --experimental-allocatable-ignore-eviction --eviction-hard=memory.available\<101% --system-reserved=memory=64Mi --reserved-memory 1:memory=64Mi

# A node without memory: a copy of vm-two whose node 1 has none.
nomem="$work/nomem"
cp -r "$two" "$nomem"
sed -i 's/MemTotal: .*/MemTotal:        0 kB/' "$nomem/sys/devices/system/node/node1/meminfo"
expect node-without-memory 3 "node 1 has no memory" -- --root "$nomem" --kubelet-check "${static[@]}" --reserved-memory '0:memory=50Mi;1:memory=50Mi'
expect suggest-skips-memoryless 0 "--reserved-memory=0:memory=100Mi" -- --root "$nomem" --kubelet-suggest "${static[@]}"

# --- configuration files (YAML and JSON), flags over the file
cat > "$work/kubelet.yaml" << 'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
memoryManagerPolicy: Static
systemReserved:
  memory: 28Mi
  cpu: 500m
evictionHard:
  memory.available: 100Mi
  nodefs.available: 10%
reservedMemory:
  - numaNode: 0
    limits:
      memory: 64Mi
  - numaNode: 1
    limits:
      memory: 64Mi
EOF
expect config-yaml 0 "would accept" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml"
expect config-flag-overrides 3 'the total amount "100Mi"' -- --root "$two" --kubelet-check --config="$work/kubelet.yaml" --reserved-memory 0:memory=100Mi
expect config-flag-policy 0 "memory manager policy: None" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --memory-manager-policy None
(cd "$work" && "$swnuma" --root "$two" --kubelet-check --config kubelet.yaml > "$work/out" 2> "$work/err") && passed=$((passed + 1)) || fail config-relative "a relative --config is not read from the current folder"
cat > "$work/kubelet.json" << 'EOF'
{"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration", "memoryManagerPolicy": "Static",
 "reservedMemory": [{"numaNode": 1, "limits": {"memory": "100Mi", "hugepages-1Gi": "1Gi"}}]}
EOF
expect config-json 3 'of type "hugepages-1Gi" is not equal to the value "0"' -- --root "$two" --kubelet-check --config "$work/kubelet.json"
printf 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nreservedMemory:\n  - numaNode: 0\n    limits:\n      memory: 1 Gi\n' > "$work/bad-quantity.yaml"
expect config-bad-quantity 3 "quantity '1 Gi'" -- --root "$two" --kubelet-check --config "$work/bad-quantity.yaml"
printf 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nreservedMemory: [\n' > "$work/broken.yaml"
expect config-malformed 1 "is not YAML or JSON" -- --root "$two" --kubelet-check --config "$work/broken.yaml"
printf 'kind: Pod\napiVersion: v1\n' > "$work/pod.yaml"
expect config-wrong-kind 1 "is not a KubeletConfiguration" -- --root "$two" --kubelet-check --config "$work/pod.yaml"
expect config-missing 1 "cannot read the kubelet configuration file" -- --root "$two" --kubelet-check --config "$work/missing.yaml"
expect no-kubelet 1 "no kubelet is running" -- --root "$two" --kubelet-check

# --- suggestions, and the check accepting them
expect suggest 0 "--reserved-memory=0:memory=" -- --root "$two" --kubelet-suggest "${static[@]}" --system-reserved=memory=24Mi
flags=$(sed -n '/^flags:/{n;p}' "$work/out")
# shellcheck disable=SC2086
expect suggest-then-check 0 "would accept" -- --root "$two" --kubelet-check "${static[@]}" --system-reserved=memory=24Mi $flags
expect suggest-too-big 3 "the machine is too small" -- --root "$two" --kubelet-suggest "${static[@]}" --system-reserved=memory=1Gi
expect suggest-nothing 3 "you should specify the system reserved memory" -- --root "$two" --kubelet-suggest --eviction-hard=memory.available\<0%
expect suggest-json 0 "" -- --root "$two" --json --kubelet-suggest "${static[@]}"
schema suggest-json suggest
expect check-json 3 "" -- --root "$two" --json --kubelet-check "${static[@]}" --reserved-memory 0:memory=1Gi
schema check-json check

# --- a running kubelet under a root, with its configuration file and checkpoint
node="$work/node"
cp -r "$two" "$node"
mkdir -p "$node/proc/4242" "$node/proc/77" "$node/etc/kubernetes" "$node/srv/kubelet"
printf 'bash\n' > "$node/proc/77/comm"
printf 'bash\0-c\0kubelet\0' > "$node/proc/77/cmdline"
printf 'kubelet\n' > "$node/proc/4242/comm"
printf '/usr/bin/kubelet\0--config=/etc/kubernetes/kubelet.yaml\0--root-dir\0/srv/kubelet\0--v=2\0' > "$node/proc/4242/cmdline"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$node/proc/4242/status"
cp "$work/kubelet.yaml" "$node/etc/kubernetes/kubelet.yaml"
expect running-kubelet 0 "kubelet: kubelet pid 4242, config /etc/kubernetes/kubelet.yaml" -- --root "$node" --kubelet-check
expect running-kubelet-json 0 '"pid": 4242' -- --root "$node" --json --kubelet-check
schema running-kubelet-json check
"$swnuma" --root "$node" --json --kubelet-check > "$work/check.json"
expect no-checkpoint 1 "cannot read the memory manager checkpoint" -- --root "$node" --kubelet-state
# A script named kubelet: its interpreter and path are not kubelet arguments.
script="$work/script"
cp -r "$two" "$script"
mkdir -p "$script/proc/99"
printf 'kubelet\n' > "$script/proc/99/comm"
printf '/bin/sh\0/usr/local/bin/kubelet\0--memory-manager-policy=Static\0--reserved-memory=1:memory=100Mi\0' > "$script/proc/99/cmdline"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$script/proc/99/status"
expect running-script 0 "would accept" -- --root "$script" --kubelet-check

# --- impostors: a process named kubelet is taken only when it runs as root
impostor="$work/impostor"
cp -r "$node" "$impostor"
printf 'Name:\tkubelet\nUid:\t1000\t1000\t1000\t1000\n' > "$impostor/proc/4242/status"
expect impostor-refused 1 "pid 4242: it runs as uid 1000, not root" -- --root "$impostor" --kubelet-check
grep -q "give the kubelet's arguments" "$work/err" && passed=$((passed + 1)) || fail impostor-asks "the refusal does not ask for the flags"
printf 'Name:\tkubelet\n' > "$impostor/proc/4242/status"
expect impostor-no-uid 1 "pid 4242: its status has no Uid line" -- --root "$impostor" --kubelet-check
rm "$impostor/proc/4242/status"
expect impostor-no-status 1 "pid 4242: its status cannot be read" -- --root "$impostor" --kubelet-check
# Two root kubelets and a user's: the first root one is taken, and swnuma says so.
cp "$node/proc/4242/status" "$impostor/proc/4242/status"
mkdir -p "$impostor/proc/5000" "$impostor/proc/100"
cp "$node/proc/4242/comm" "$node/proc/4242/cmdline" "$node/proc/4242/status" "$impostor/proc/5000/"
printf 'kubelet\n' > "$impostor/proc/100/comm"
printf '/home/u/kubelet\0--config=/home/u/k.yaml\0' > "$impostor/proc/100/cmdline"
printf 'Name:\tkubelet\nUid:\t1000\t0\t0\t0\n' > "$impostor/proc/100/status"
expect several-kubelets 0 "kubelet pid 4242" -- --root "$impostor" --kubelet-check
grep -q "2 kubelet processes are running (pids 4242, 5000): pid 4242 was taken" "$work/err" && passed=$((passed + 1)) || fail several-kubelets-said "the choice is not said on stderr"

# The running kubelet's command line, and the same with the v2 reader on (1.36's PodLevelResourceManagers).
cmdline=$(cat "$node/proc/4242/cmdline" | tr '\0' '\n')
reader_for() {
    { printf '%s\n' "$cmdline"; [ "$1" = v2 ] && printf -- '--feature-gates=PodLevelResourceManagers=true\n'; } | tr '\n' '\0' > "$node/proc/4242/cmdline"
}
# A v3 file is read by its top-level v1 fields by every release modelled (data and dataChecksum come later):
# its data checksum off by one is accepted.
declare -A corrupt_status=([v1]=3 [v2]=3 [v3]=0)
declare -A corrupt_text=([v1]="checkpoint is corrupted" [v2]="checkpoint is corrupted" [v3]="read as v1")
for format in v1 v2 v3; do
    reader_for $format
    python3 "$here/checkpoint.py" "$work/check.json" $format "$node/srv/kubelet/memory_manager_state" container=pod-a/db/memory/33554432/0 container=pod-b/web/memory/1048576/1
    expect state-$format 0 "format $format" -- --root "$node" --kubelet-state
    grep -q "pod-a/db: memory 32Mi on node(s) 0" "$work/out" && passed=$((passed + 1)) || fail state-$format-containers "the containers are not shown"
    expect state-$format-json 0 '"valid": true' -- --root "$node" --json --kubelet-state
    schema state-$format-json state
    python3 "$here/checkpoint.py" "$work/check.json" $format "$node/srv/kubelet/memory_manager_state" container=pod-a/db/memory/33554432/0 corrupt
    expect state-$format-corrupt "${corrupt_status[$format]}" "${corrupt_text[$format]}" -- --root "$node" --kubelet-state
    python3 "$here/checkpoint.py" "$work/check.json" $format "$node/srv/kubelet/memory_manager_state" total+=1048576
    expect state-$format-dimm 3 "node 0 memory total: 157616Ki in the checkpoint, 158640Ki now" -- --root "$node" --kubelet-state
    grep -qF "[memorymanager] the expected machine state is different from the real one" "$work/out" && passed=$((passed + 1)) || fail state-$format-dimm-message "the kubelet's message is missing"
done
reader_for v1
# A v2 file without the v2 reader: its checksum covers podEntries, which a v1 reader leaves out.
python3 "$here/checkpoint.py" "$work/check.json" v2 "$node/srv/kubelet/memory_manager_state" container=pod-a/db/memory/33554432/0
expect state-v2-without-gate 3 "reads only v1 unless PodLevelResourceManagers is on" -- --root "$node" --kubelet-state
expect state-v2-134 3 "the kubelet 1.34 reads only v1" -- --root "$node" --kubelet-version 1.34 --kubelet-state
python3 "$here/checkpoint.py" "$work/check.json" v1 "$node/srv/kubelet/memory_manager_state" zero
expect state-zero-checksum 0 "zero, accepted" -- --root "$node" --kubelet-state
for release in 1.30 1.31 1.32 1.33 1.34 1.35; do
    expect state-zero-checksum-$release 3 "the checksum is 0, which the kubelet $release refuses" -- --root "$node" --kubelet-version $release --kubelet-state
done
# The restart: the planned settings over the node's checkpoint, by --kubelet-check and by --kubelet-state FILE alike.
planned=(--config="$node/etc/kubernetes/kubelet.yaml" --root-dir=/srv/kubelet)
expect restart-zero-134 3 "checkpoint is corrupted" -- --root "$node" --kubelet-version 1.34 --kubelet-check "${planned[@]}"
grep -qF "3. delete the checkpoint: rm /srv/kubelet/memory_manager_state" "$work/out" && passed=$((passed + 1)) || fail restart-zero-134-steps "the steps are missing"
expect restart-zero-136 0 "would accept" -- --root "$node" --kubelet-check "${planned[@]}"
python3 "$here/checkpoint.py" "$work/check.json" v1 "$node/srv/kubelet/memory_manager_state" policy=None
expect state-policy-changed 3 'configured policy "Static" differs from state checkpoint policy "None"' -- --root "$node" --kubelet-state
expect restart-policy-changed 3 'configured policy "Static" differs from state checkpoint policy "None"' -- --root "$node" --kubelet-check "${planned[@]}"
grep -qF "1. drain the node" "$work/out" && passed=$((passed + 1)) || fail restart-policy-changed-steps "the steps are missing"
expect restart-policy-changed-json 3 '"steps": [' -- --root "$node" --json --kubelet-check "${planned[@]}"
schema restart-policy-changed-json check
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["restart"]["verdict"]=="refused" and len(d["restart"]["steps"])==4 and d["restart"]["policy"]=="None"' "$work/out" && passed=$((passed + 1)) || fail restart-policy-changed-json-steps "restart in JSON"
cp "$node/srv/kubelet/memory_manager_state" "$work/named-state"
expect restart-named-file 3 'configured policy "Static" differs from state checkpoint policy "None"' -- --root "$node" --kubelet-state "$work/named-state" "${planned[@]}"
expect restart-named-file-none 0 "would start" -- --root "$node" --kubelet-state "$work/named-state" --memory-manager-policy=None
expect restart-planned-none 0 "would accept" -- --root "$node" --kubelet-check --root-dir=/srv/kubelet
printf '{"policyName":"Static","machineState":{"0":{' > "$node/srv/kubelet/memory_manager_state"
expect restart-truncated 3 "swnuma: the file is cut short" -- --root "$node" --kubelet-check "${planned[@]}"
expect restart-truncated-state 3 "swnuma: the file is cut short" -- --root "$node" --kubelet-state
printf '[1,2]' > "$node/srv/kubelet/memory_manager_state"
expect restart-corrupt 3 "could not restore state from checkpoint" -- --root "$node" --kubelet-check "${planned[@]}"
expect restart-gate-off-131 0 "runs no memory manager" -- --root "$node" --kubelet-version 1.31 --kubelet-check "${planned[@]}" --feature-gates=MemoryManager=false
expect restart-gate-locked-132 3 "feature is locked to true" -- --root "$node" --kubelet-version 1.32 --kubelet-check "${planned[@]}" --feature-gates=MemoryManager=false
rm "$node/srv/kubelet/memory_manager_state"
expect restart-no-checkpoint 0 "the kubelet writes a new one" -- --root "$node" --kubelet-check "${planned[@]}"
mkdir "$node/srv/kubelet/memory_manager_state"
expect restart-unreadable 0 "whether the kubelet would start over it is not known" -- --root "$node" --kubelet-check "${planned[@]}"
rmdir "$node/srv/kubelet/memory_manager_state"
expect version-bad 1 "is not a Kubernetes release swnuma models" -- --kubelet-version 1.29 --kubelet-check
expect version-alone 1 "needs --kubelet-check" -- --kubelet-version 1.33
expect version-named 0 "rules: Kubernetes 1.33" -- --root "$two" --kubelet-version 1.33 --kubelet-check --v=2
expect best-effort-134 3 'policy "BestEffort" is not available for platform "linux"' -- --root "$two" --kubelet-version 1.34 --kubelet-check --memory-manager-policy=BestEffort
expect best-effort-131 3 'unknown policy: "BestEffort"' -- --root "$two" --kubelet-version 1.31 --kubelet-check --memory-manager-policy=BestEffort
python3 "$here/checkpoint.py" "$work/check.json" v1 "$work/state" container=p/c/memory/1/9
expect state-file-unknown-node 3 "the memory assignment uses the NUMA that does not exist" -- --root "$two" --kubelet-state "$work/state"
python3 "$here/checkpoint.py" "$work/check.json" v1 "$work/state" container=p/c/hugepages-64Ki/1/0
expect state-file-unknown-type 3 "uses memory resource that does not exist" -- --root "$two" --kubelet-state "$work/state"
printf '{"policyName":' > "$work/state"
expect state-malformed 3 "swnuma: the file is cut short" -- --root "$two" --kubelet-state "$work/state"
expect state-missing-file 1 "cannot read the memory manager checkpoint" -- --kubelet-state "$work/no-such-file" b

# --- --config-dir drop-ins, merged over the file as the kubelet merges them (every release modelled)
dropins="$work/kubelet.conf.d"
mkdir -p "$dropins/sub"
printf 'kind: KubeletConfiguration\nsystemReserved:\n  memory: 128Mi\n' > "$dropins/10-reserve.conf"
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: Bogus\n' > "$dropins/20-ignored.yaml"
printf 'kind: KubeletConfiguration\nreservedMemory:\n- numaNode: 0\n  limits: {memory: 114Mi}\n- NumaNode: 1\n  Limits: {memory: 114Mi}\n' > "$dropins/sub/30-nodes.conf"
for release in 1.30 1.36; do
    # 128Mi system-reserved (cpu kept from the file) + 100Mi eviction = 228Mi, split over the nodes (keys in any case).
    expect dropin-merged-$release 0 "would accept" -- --root "$two" --kubelet-version $release --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
done
expect dropin-named 0 "config-dir $dropins" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
expect dropin-json 0 '"config_dir": "' -- --root "$two" --json --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
schema dropin-json check
(cd "$work" && "$swnuma" --root "$two" --kubelet-check --config kubelet.yaml --config-dir kubelet.conf.d > "$work/out" 2> "$work/err") && grep -qF "system-reserved 128Mi" "$work/out" && passed=$((passed + 1)) || fail dropin-relative "a relative --config-dir is not read from the current folder"
expect dropin-flags-win 0 "memory manager policy: None" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins" --memory-manager-policy None
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: Static\nmemoryManagerPolicy: None\n' > "$dropins/zz-last.conf"
expect dropin-repeated-key 3 "path: $dropins/zz-last.conf, error: strict decoding error" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nmemoryManagerPolicy: None\n' > "$dropins/zz-last.conf"
expect dropin-no-kind 3 "Object 'Kind' is missing" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
printf 'kind: KubeletConfiguration\nreservedMemory:\n- numaNode: "0"\n' > "$dropins/zz-last.conf"
expect dropin-type-error 3 "failed to unmarshal merged JSON into kubelet configuration" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$dropins"
rm "$dropins/zz-last.conf"
expect dropin-missing-dir 3 "lstat $work/no-dropins: no such file or directory" -- --root "$two" --kubelet-check --config "$work/kubelet.yaml" --config-dir "$work/no-dropins"
many="$work/many.d"
mkdir -p "$many"
for index in $(seq 0 64); do printf 'kind: KubeletConfiguration\n' > "$many/$index.conf"; done
expect dropin-too-many 1 "holds more than 64 drop-ins" -- --root "$two" --kubelet-check --config-dir "$many"
# A running kubelet's drop-ins are read inside the snapshot: a link to an absolute path is the snapshot's file.
dnode="$work/dropin-node"
cp -r "$two" "$dnode"
mkdir -p "$dnode/etc/kubernetes/kubelet.conf.d" "$dnode/proc/4242"
cp "$work/kubelet.yaml" "$dnode/etc/kubernetes/kubelet.yaml"
printf 'kubelet\n' > "$dnode/proc/4242/comm"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$dnode/proc/4242/status"
printf '/usr/bin/kubelet\0--config=/etc/kubernetes/kubelet.yaml\0--config-dir=/etc/kubernetes/kubelet.conf.d\0--root-dir\0/srv/kubelet\0' > "$dnode/proc/4242/cmdline"
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: None\n' > "$dnode/etc/kubernetes/policy.yaml"
ln -s /etc/kubernetes/policy.yaml "$dnode/etc/kubernetes/kubelet.conf.d/10-policy.conf"
expect dropin-running 0 "memory manager policy: None" -- --root "$dnode" --kubelet-check
ln -s /etc/hostname "$dnode/etc/kubernetes/kubelet.conf.d/20-outside.conf"
expect dropin-running-confined 3 "20-outside.conf, error: open /etc/kubernetes/kubelet.conf.d/20-outside.conf: no such file or directory" -- --root "$dnode" --kubelet-check
rm "$dnode/etc/kubernetes/kubelet.conf.d/20-outside.conf"
# A drop-in planted outside the snapshot, reached by an absolute link and by one climbing with ..: never read.
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: OUTSIDE-MARKER\n' > "$work/outside.conf"
for target in "$work/outside.conf" "../../../../../../../../../../..$work/outside.conf"; do
    ln -sfn "$target" "$dnode/etc/kubernetes/kubelet.conf.d/30-planted.conf"
    "$swnuma" --root "$dnode" --kubelet-check > "$work/out" 2>&1
    if grep -q OUTSIDE-MARKER "$work/out"; then fail dropin-planted-link "a drop-in outside the root was read through $target"; else passed=$((passed + 1)); fi
done
rm "$dnode/etc/kubernetes/kubelet.conf.d/30-planted.conf"

# --- feature gates: unknown names and locked gates refused as the kubelet refuses them
expect gate-unknown 3 "unrecognized feature gate: NoSuchGate" -- --root "$two" --kubelet-check --feature-gates=NoSuchGate=true
expect gate-removed 3 "unrecognized feature gate: TopologyManager" -- --root "$two" --kubelet-version 1.30 --kubelet-check --feature-gates=TopologyManager=true
expect gate-before-its-release 3 "unrecognized feature gate: PodLevelResourceManagers" -- --root "$two" --kubelet-version 1.35 --kubelet-check --feature-gates=PodLevelResourceManagers=true
expect gate-in-its-release 0 "would accept" -- --root "$two" --kubelet-version 1.36 --kubelet-check --feature-gates=PodLevelResourceManagers=true
expect gate-unlocked-132 0 "would accept" -- --root "$two" --kubelet-version 1.32 --kubelet-check --feature-gates=CPUManagerPolicyOptions=false
expect gate-locked-133 3 "cannot set feature gate CPUManagerPolicyOptions to false, feature is locked to true" -- --root "$two" --kubelet-version 1.33 --kubelet-check --feature-gates=CPUManagerPolicyOptions=false
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  MemoryManger: true\n' > "$work/gate-typo.yaml"
expect gate-unknown-in-file 3 "unrecognized feature gate: MemoryManger" -- --root "$two" --kubelet-check --config "$work/gate-typo.yaml"

# --- an oracle no one here wrote the core of: Go, go-spew, sigs.k8s.io/yaml
# and sigs.k8s.io/json from Debian (Tests/Kubelet/oracle). Skipped when Go is
# missing, except under CI=true, where that is a failure.
oracle="$work/oracle-bin"
"$here/oracle/build.sh" "$oracle" 2> "$work/oracle-build"
oracle_status=$?
if [ $oracle_status -eq 0 ]; then
    export ORACLE_FIELDS="$here/oracle/fields.txt"
    # The oracle's checksums are the kubelet's own test vectors.
    ms='"machineState":{"0":{"numberOfAssignments":0,"memoryMap":{"memory":{"total":2048,"systemReserved":512,"allocatable":1536,"reserved":512,"free":1024}},"cells":[]}}'
    en='"entries":{"pod":{"container1":[{"numaAffinity":[0],"type":"memory","size":512}]}}'
    pe='"podEntries":{"pod":{"memoryBlocks":[{"numaAffinity":[0],"type":"memory","size":512}]}}'
    vector() {
        local name=$1 want=$2 got
        shift 2
        got=$("$oracle" "$@" < "$work/body" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("dataChecksum", d["checksum"]))')
        if [ "$got" = "$want" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "not ok oracle-vector-$name: $got, expected $want"; fi
    }
    echo "{\"policyName\":\"static\",$ms,$en}" > "$work/body"
    vector memory-v1 4215593881 memory-checkpoint v1
    vector memory-v3 1849615440 memory-checkpoint v3
    echo "{\"policyName\":\"static\",$ms,$en,$pe}" > "$work/body"
    vector memory-v2 1278640530 memory-checkpoint v2
    vector memory-v3-pods 637296054 memory-checkpoint v3
    echo '{"policyName":"none","defaultCPUSet":"4-6","entries":{}}' > "$work/body"
    vector cpu-v2 354655845 cpu-checkpoint v2
    vector cpu-v1-empty 2912033808 cpu-checkpoint v1
    echo '{"policyName":"static","defaultCPUSet":"7-9","entries":{"containerID1":"4-6","containerID2":"1-3"}}' > "$work/body"
    vector cpu-v1 2026311253 cpu-checkpoint v1

    # Memory manager checkpoints whose checksums the oracle computed, judged
    # by swnuma as the ones checkpoint.py wrote above; and both writers agree.
    state="$node/srv/kubelet/memory_manager_state"
    oracle_checkpoint() {
        local format=$1 edit=$2
        shift 2
        python3 "$here/checkpoint.py" "$work/check.json" "$format" "$work/python-state" "$@"
        # shellcheck disable=SC2086 # no edit is no word
        "$oracle" memory-checkpoint "$format" $edit < "$work/python-state" > "$state"
    }
    for format in v1 v2 v3; do
        oracle_checkpoint $format "" container=pod-a/db/memory/33554432/0 container=pod-b/web/memory/1048576/1
        if cmp -s <(python3 -m json.tool --sort-keys "$work/python-state") <(python3 -m json.tool --sort-keys "$state"); then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); echo "not ok oracle-state-$format-same-file: checkpoint.py and the oracle wrote different files"
        fi
        reader_for $format
        expect oracle-state-$format 0 "format $format" -- --root "$node" --kubelet-state
        expect oracle-state-$format-json 0 '"valid": true' -- --root "$node" --json --kubelet-state
        oracle_checkpoint $format corrupt container=pod-a/db/memory/33554432/0
        expect oracle-state-$format-corrupt "${corrupt_status[$format]}" "${corrupt_text[$format]}" -- --root "$node" --kubelet-state
        oracle_checkpoint $format "" total+=1048576
        expect oracle-state-$format-dimm 3 "node 0 memory total: 157616Ki in the checkpoint, 158640Ki now" -- --root "$node" --kubelet-state
    done
    reader_for v1
    oracle_checkpoint v1 zero
    expect oracle-state-zero-checksum 0 "zero, accepted" -- --root "$node" --kubelet-state
    expect oracle-state-zero-checksum-134 3 "the checksum is 0, which the kubelet 1.34 refuses" -- --root "$node" --kubelet-version 1.34 --kubelet-state
    oracle_checkpoint v2 "" container=pod-a/db/memory/33554432/0
    expect oracle-state-v2-134 3 "checkpoint is corrupted" -- --root "$node" --kubelet-version 1.34 --kubelet-state
    oracle_checkpoint v1 "" policy=None
    expect oracle-state-policy-changed 3 'configured policy "Static" differs from state checkpoint policy "None"' -- --root "$node" --kubelet-state

    # Configuration files as the kubelet's loader decodes them. The oracle's
    # summary is kept as a golden (RECORD_GOLDENS=1 rewrites them); swnuma's
    # reading of the same file (refused or not, memory manager policy, reserved
    # memory) must match it, except in the cases marked with the issue that
    # asks for the fix: a marked case that agrees fails, so that its mark is
    # removed.
    declare -A differs=(
        [none-left]=19
    )
    for file in "$here"/oracle/cases/*; do
        case_name=$(basename "$file")
        for release in 1.32 1.34; do
            golden="$here/oracle/goldens/$case_name.$release.json"
            "$oracle" config "$release" "$file" > "$work/summary" 2> "$work/err"
            if [ "${RECORD_GOLDENS:-}" = 1 ]; then mkdir -p "$(dirname "$golden")"; cp "$work/summary" "$golden"; fi
            if cmp -s "$work/summary" "$golden"; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1)); echo "not ok oracle-config-$case_name-$release: the summary differs from $golden"; diff "$golden" "$work/summary" | head -10
            fi
        done
        "$swnuma" --root "$two" --json --kubelet-check --config "$file" > "$work/out" 2> "$work/err"
        swnuma_status=$?
        verdict=$(python3 - "$work/summary" "$work/out" "$swnuma_status" << 'EOF'
import json, sys
oracle = json.load(open(sys.argv[1]))
def from_oracle():
    if oracle["decoded"] == "refused":
        return {"refused": True}
    fields = oracle["fields"]
    reserved = {str(r["numaNode"]): r["limits"] for r in (fields["reservedMemory"] or [])}
    return {"refused": False, "policy": fields["memoryManagerPolicy"] or "None", "reserved": reserved}
def from_swnuma():
    if sys.argv[3] == "1":
        return {"refused": True}
    out = json.load(open(sys.argv[2]))
    # A file the kubelet cannot decode is a refusal finding of its own (exit 3).
    if any(f["rule"] == "config-decode" and f["severity"] == "refusal" for f in out["findings"]):
        return {"refused": True}
    reserved = {str(r["node"]): {l["type"]: l["quantity"]["quantity"] for l in r["limits"]} for r in out["reserved_memory"]}
    return {"refused": False, "policy": out["kubelet"]["policy"], "reserved": reserved}
a, b = from_oracle(), from_swnuma()
print("agree" if a == b else f"oracle {json.dumps(a)} swnuma {json.dumps(b)}")
EOF
)
        issue=${differs[$case_name]:-}
        if [ "$verdict" = agree ] && [ -z "$issue" ]; then
            passed=$((passed + 1))
        elif [ "$verdict" != agree ] && [ -n "$issue" ]; then
            passed=$((passed + 1)); echo "kubelet: oracle-swnuma-$case_name differs as expected (issue $issue): $verdict"
        elif [ -n "$issue" ]; then
            failed=$((failed + 1)); echo "not ok oracle-swnuma-$case_name: swnuma now decodes it as the kubelet does; remove its mark (issue $issue) in Tests/Kubelet/run.sh"
        else
            failed=$((failed + 1)); echo "not ok oracle-swnuma-$case_name: $verdict"
        fi
    done

    # --config-dir: drop-ins merged over a base by the oracle (jsonpatch.MergePatch
    # and encoding/json into Go-named fields, as the kubelet's
    # mergeKubeletConfigurations) and by swnuma; the fields swnuma reads must agree.
    dcase() {
        local name=$1
        shift
        local dir="$work/dcases/$name"
        rm -rf "$dir"; mkdir -p "$dir/d"
        printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemoryManagerPolicy: Static\nsystemReserved:\n  memory: 28Mi\n  cpu: 500m\nreservedMemory:\n- numaNode: 0\n  limits:\n    memory: 128Mi\n' > "$dir/base.yaml"
        local index=10
        for text in "$@"; do printf '%b' "$text" > "$dir/d/$index.conf"; index=$((index + 10)); done
        # shellcheck disable=SC2046 # the drop-ins' names have no blanks
        "$oracle" dropins "$dir/base.yaml" $(ls "$dir"/d/*.conf | sort) > "$work/summary" 2> "$work/err" || { failed=$((failed + 1)); echo "not ok oracle-dropins-$name: $(cat "$work/err")"; return; }
        "$swnuma" --root "$two" --json --kubelet-check --config "$dir/base.yaml" --config-dir "$dir/d" > "$work/out" 2> "$work/err"
        verdict=$(python3 - "$work/summary" "$work/out" << 'EOF'
import json, sys
oracle = json.load(open(sys.argv[1]))
def from_oracle():
    if oracle["refused"] is not None:
        return {"refused": True}
    return {"refused": False, "policy": oracle["policy"],
            "system": (oracle["systemReserved"] or {}).get("memory"), "kube": (oracle["kubeReserved"] or {}).get("memory"),
            "eviction": (oracle["evictionHard"] or {}).get("memory.available"), "reserved": sorted(oracle["reservedMemory"])}
def from_swnuma():
    out = json.load(open(sys.argv[2]))
    if any(f["rule"] == "config-dir" and f["severity"] == "refusal" for f in out["findings"]):
        return {"refused": True}
    na = out["node_allocatable"]
    q = lambda v: v and v["quantity"]
    reserved = sorted(f'{r["node"]}:{l["type"]}={l["quantity"]["quantity"]}' for r in out["reserved_memory"] for l in r["limits"])
    return {"refused": False, "policy": out["kubelet"]["policy"], "system": q(na["system_reserved"]), "kube": q(na["kube_reserved"]),
            "eviction": q(na["eviction_hard"]), "reserved": reserved}
a, b = from_oracle(), from_swnuma()
print("agree" if a == b else f"oracle {json.dumps(a)} swnuma {json.dumps(b)}")
EOF
)
        if [ "$verdict" = agree ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "not ok oracle-dropins-$name: $verdict"; fi
    }
    k='kind: KubeletConfiguration\n'
    dcase later-wins "${k}systemReserved:\n  memory: 64Mi\n" "${k}systemReserved:\n  memory: 100Mi\nkubeReserved:\n  memory: 10Mi\n"
    dcase null-restores "${k}memoryManagerPolicy: None\n" "${k}memoryManagerPolicy: null\n"
    dcase null-in-map "${k}systemReserved:\n  memory: 64Mi\n" "${k}systemReserved:\n  memory: null\n"
    dcase any-case "${k}MemoryManagerPolicy: None\nSYSTEMRESERVED:\n  memory: 64Mi\n"
    dcase variant-after "${k}memorymanagerpolicy: None\n"
    dcase list-replaced "${k}reservedMemory:\n- NumaNode: 1\n  Limits: {memory: 100Mi}\n- numaNode: 0\n  limits: {memory: 28Mi}\n"
    dcase eviction-added "${k}evictionHard:\n  memory.available: 200Mi\n"
    dcase repeated-key "${k}memoryManagerPolicy: None\nmemoryManagerPolicy: Static\n"
    dcase no-kind "apiVersion: kubelet.config.k8s.io/v1beta1\nmemoryManagerPolicy: None\n"
    dcase any-kind "kind: Pod\nmemoryManagerPolicy: None\n"
    dcase type-error "${k}reservedMemory:\n- numaNode: \"0\"\n"
    dcase type-error-overridden "${k}reservedMemory:\n- numaNode: \"0\"\n" "${k}reservedMemory: []\n"
elif [ $oracle_status -eq 77 ] && [ "${CI:-}" != true ]; then
    echo "kubelet: oracle SKIPPED: $(cat "$work/oracle-build")"
else
    failed=$((failed + 1)); echo "not ok oracle-build: $(head -c 600 "$work/oracle-build")"
fi

# --- a real process named kubelet on this machine, found through /proc
if command -v gcc > /dev/null && [ -z "$(pgrep -x kubelet)" ]; then
    printf '#include <unistd.h>\nint main(void) { pause(); return 0; }\n' > "$work/pause.c"
    mkdir -p "$work/live"
    if gcc -o "$work/live/kubelet" "$work/pause.c" 2> /dev/null; then
        "$work/live/kubelet" --config "$work/kubelet.yaml" --memory-manager-policy=None --v=2 &
        live=$!
        sleep 0.2
        if [ "$(id -u)" = 0 ]; then
            # Run by root from a root-owned program that only root may write.
            chmod 755 "$work/live" "$work/live/kubelet"
            expect live-kubelet 0 "kubelet: kubelet pid $live, config $work/kubelet.yaml" -- --kubelet-check
            grep -q "memory manager policy: None" "$work/out" && passed=$((passed + 1)) || fail live-kubelet-flags "the flag after --config does not override it"
        else
            expect live-kubelet-user 1 "pid $live: it runs as uid $(id -u), not root" -- --kubelet-check
        fi
        kill "$live"
        wait "$live" 2> /dev/null
    else
        skip live-process "gcc cannot build a stand-in"
    fi
else
    skip live-process "no gcc, or a kubelet is running here"
fi

# --- the man page names the Kubernetes release whose rules the JSON reports
rules=$("$swnuma" --root "$two" --json --kubelet-suggest "${static[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["kubernetes_rules"])')
grep -q "Kubernetes $rules" "$repo/man/swnuma.8" && passed=$((passed + 1)) || fail man-version "man/swnuma.8 does not name Kubernetes $rules"

# --- one program: swnuma reads YAML itself (libyaml), without Foundation, whose
# start-up code -H and launches would otherwise pay for
if command -v nm > /dev/null; then
    if nm "$swnuma" 2> /dev/null | grep -q -e CFRunLoop -e 10Foundation; then
        fail swnuma-without-foundation "$swnuma links Foundation: -H and launches would pay for its start-up"
    else
        passed=$((passed + 1))
    fi
fi

# --- every corpus dump: a suggestion the check accepts, JSON that validates
if [ -d "$corpus/sysfs" ]; then
    for tarball in "$corpus"/sysfs/*.tar.bz2; do
        name=$(basename "$tarball" .tar.bz2)
        mkdir -p "$work/corpus/$name"
        tar -xjf "$tarball" -C "$work/corpus/$name"
        root=$(find "$work/corpus/$name" -maxdepth 3 -type d -name sys -print -quit)
        root=${root%/sys}
        for release in 1.30 1.31 1.32 1.33 1.34 1.35 1.36; do
            "$swnuma" --root "$root" --kubelet-version $release --kubelet-suggest "${static[@]}" --system-reserved=memory=1Gi > "$work/out" 2> "$work/err"
            status=$?
            if [ $status -eq 3 ] && grep -q "too small" "$work/out"; then passed=$((passed + 1)); continue; fi
            if [ $status -ne 0 ]; then fail "corpus-$name-$release-suggest" "exit $status"; continue; fi
            if [ ! -e "$root/proc/meminfo" ]; then
                grep -q "no proc/meminfo under the root" "$work/out" && passed=$((passed + 1)) || fail "corpus-$name-$release-meminfo" "the nodes' sum is not said"
            fi
            flags=$(sed -n '/^flags:/{n;p}' "$work/out")
            # shellcheck disable=SC2086
            expect "corpus-$name-$release-check" 0 "would accept" -- --root "$root" --kubelet-version $release --kubelet-check "${static[@]}" --system-reserved=memory=1Gi $flags
            if grep -qE "memory-only|has no memory|has memory but no CPUs" "$work/out"; then fail "corpus-$name-$release-memory-only" "the suggestion reserves on a node the check complains about"; else passed=$((passed + 1)); fi
            expect "corpus-$name-$release-json" 0 "" -- --root "$root" --json --kubelet-version $release --kubelet-check "${static[@]}" --system-reserved=memory=1Gi $flags
            schema "corpus-$name-$release-schema" check
        done
    done
else
    skip corpus "no corpus at $corpus/sysfs"
fi

# Every JSON document kept above, against its schema: one line each.
results=$(python3 - "$repo/docs/schema" "$work/json" << 'EOF'
import json, pathlib, sys
import jsonschema
schemas, documents = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for path in sorted(documents.glob("*.json")):
    name, kind = path.name.rsplit(".", 2)[:2]
    validator = jsonschema.Draft202012Validator(json.loads((schemas / f"kubelet-{kind}.schema.json").read_text()))
    try:
        errors = list(validator.iter_errors(json.loads(path.read_text())))
    except ValueError as error:
        errors = [error]
    print(f"{name}: " + ("ok" if not errors else "; ".join(getattr(e, "message", str(e)) for e in errors[:2])))
EOF
)
while IFS= read -r line; do
    case "$line" in
    *": ok") passed=$((passed + 1)) ;;
    "") ;;
    *) failed=$((failed + 1)); echo "not ok schema ${line%%:*}: ${line#*: }" ;;
    esac
done <<< "$results"

finish
