#!/usr/bin/env bash
# The kubelet inputs' worst cases at two sizes (issue 22): user+system seconds
# and peak RSS (/usr/bin/time -v) for input N and 2N, in the table format of
# scripts/scaling.sh. Linear work doubles (or stays flat when a limit refuses
# the input); quadratic work quadruples.
#
#   Tests/Hostile/scaling-kubelet.sh [path/to/swnuma]
#
# The configuration files stay under the 1 MiB limit (configFileLimit); the
# long command lines are the snapshot's kubelet's (proc/77/cmdline), which
# no argument-length limit of exec(2) bounds.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$repo/.build/release/swnuma}")
base=$repo/Tests/Fixtures/sysfs/vm-four
work=$(mktemp -d /dev/shm/swnuma-scaling.XXXXXX 2> /dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
head='apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
memoryManagerPolicy: Static
'

# measure LABEL SIZE CMD...: one row, capped at SCALING_TIMEOUT seconds (60).
measure() {
    local label=$1 size=$2
    shift 2
    timeout -k 1 "${SCALING_TIMEOUT:-60}" /usr/bin/time -v "$@" > /dev/null 2> "$work/time" < /dev/null
    local status=$?
    local user sys rss
    user=$(awk -F': ' '/User time/ {print $2}' "$work/time")
    sys=$(awk -F': ' '/System time/ {print $2}' "$work/time")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time")
    if [ "$status" -eq 124 ]; then
        printf '| %s | %s | over %s (killed) | | |\n' "$label" "$size" "${SCALING_TIMEOUT:-60}"
        return
    fi
    printf '| %s | %s | %s | %s | %s |\n' "$label" "$size" "$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')" "$(( ${rss:-0} / 1024 ))" "$status"
}

# config LABEL N PYTHON: a configuration file of the head and PYTHON's text (n = N), checked.
config() {
    local label=$1 n=$2
    { printf '%s' "$head"; python3 -c "import sys; n = $n; sys.stdout.write($3)"; } > "$work/k.yaml"
    measure "$label" "$n ($(( $(stat -c %s "$work/k.yaml") / 1024 )) KB)" "$bin" --root "$base" --kubelet-check --config "$work/k.yaml"
}

# kubelet LABEL N PYTHON: a snapshot whose kubelet's command line is PYTHON's list of words (n = N).
kubelet() {
    local label=$1 n=$2 root=$work/tree
    rm -rf "$root"; mkdir -p "$root/proc/77"
    cp -a "$base/sys" "$root/"
    printf 'kubelet\n' > "$root/proc/77/comm"
    printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$root/proc/77/status"
    python3 -c "import sys; n = $n; sys.stdout.write('\0'.join(['/usr/bin/kubelet'] + $3) + '\0')" > "$root/proc/77/cmdline"
    measure "$label" "$n ($(( $(stat -c %s "$root/proc/77/cmdline") / 1024 )) KB)" "$bin" --root "$root" --kubelet-check
}

echo "| case | input | CPU s | peak RSS MB | exit |"
echo "|---|---|---|---|---|"
for n in 20000 40000; do config "YAML keys, --kubelet-check --config" $n "''.join('key%d: value\n' % i for i in range(n))"; done
for n in 40000 80000; do config "YAML aliases of one anchor" $n "'x: &x Static\n' + ''.join('k%d: *x\n' % i for i in range(n))"; done
for n in 8 9; do config "YAML billion laughs (levels)" $n "'a: &a [x,x,x,x,x,x,x,x,x,x]\n' + ''.join('%s: &%s [%s]\n' % (chr(98 + i), chr(98 + i), ','.join(['*' + chr(97 + i)] * 10)) for i in range(n)) + 'memoryManagerPolicy: *' + chr(97 + n) + '\n'"; done
for n in 200000 400000; do config "YAML flow nesting, evictionHard" $n "'evictionHard: ' + '[' * n + ']' * n + '\n'"; done
for n in 2000 4000; do config "YAML block nesting" $n "'evictionHard:\n' + ''.join(' ' * (i + 1) + 'k%d:\n' % i for i in range(n))"; done
for n in 400000 800000; do config "quantity with leading zeros, systemReserved" $n "'systemReserved: {memory: ' + '0' * n + '1Gi}\n'"; done
for n in 20000 40000; do config "limit types in one reservation" $n "'systemReserved: {memory: 1Gi}\nreservedMemory:\n- numaNode: 0\n  limits: {memory: 1Gi, ' + ', '.join('r%d: 1' % i for i in range(n)) + '}\n'"; done
for n in 20000 40000; do config "reservations (numaNode entries)" $n "'systemReserved: {memory: 1Gi}\nreservedMemory:\n' + ''.join('- numaNode: %d\n  limits: {memory: 1Mi}\n' % (i % 4) for i in range(n))"; done
for n in 75000 150000; do kubelet "kubelet arguments (--v=2 each)" $n "['--v=2'] * n"; done
for n in 57500 115000; do kubelet "--system-reserved pairs in one flag" $n "['--system-reserved=' + ','.join('r%d=1' % i for i in range(n))]"; done
for n in 75000 150000; do kubelet "limit types in one --reserved-memory" $n "['--memory-manager-policy=Static', '--system-reserved=memory=1Gi', '--reserved-memory=0:memory=1Gi,' + ','.join('r%d=1' % i for i in range(n))]"; done
for n in 50000 100000; do kubelet "--reserved-memory flags" $n "['--memory-manager-policy=Static', '--system-reserved=memory=1Gi'] + ['--reserved-memory=%d:memory=1Mi' % (i % 4) for i in range(n)]"; done
for n in 1000000 2000000; do kubelet "quantity with leading zeros, --system-reserved" $n "['--system-reserved=memory=' + '0' * n + '1Gi']"; done
