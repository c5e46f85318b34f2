#!/usr/bin/env bash
# Hostile snapshots: trees built from a real one (Tests/Fixtures/sysfs/vm-four)
# with links out of the root, FIFOs, sockets, device nodes, folders for
# files, link loops, huge and negative numbers, control bytes, cut files,
# tens of thousands of node folders, and so on. Each is read through --root
# (SWNUMA_ROOT for numastat) by `-H`, `-H --json`, `--require`, `--show` and
# numastat's modes, and every run must:
#   - end with an expected status (no hang, no trap, no signal);
#   - take under 1 s of CPU (user + system) and 200 MB of memory (/usr/bin/time);
#   - print nothing from outside the root (a marker string planted there, and
#     the memory size of a node folder there in kB, MB and bytes);
#   - print no raw control byte (C0 but tab and newline, DEL, C1) on stdout or
#     stderr, and nothing on stdout when it fails;
# and some trees must give a named warning or refusal.
#
#   Tests/Hostile/run.sh [path/to/swnuma]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(cd "$repo" && realpath "${1:-.build/release/swnuma}")
base=$repo/Tests/Fixtures/sysfs/vm-four
timer=/usr/bin/time
. "$here/../lib.sh"
if [ ! -x "$timer" ]; then
    fail tools "$timer is missing (Debian package 'time')"
    finish
fi

ln -s "$bin" "$work/numastat"
# Shared-memory refusals below must never create a key file outside $work.
cd "$work" || exit 1
marker=XSECRET7f3a
# Files outside every root: what a link out of a snapshot would show.
mkdir -p "$work/outside/node"
secret="$work/outside/shadow"
printf '%s:$6$salt$hash:19000:0:99999:7:::\n' "$marker" > "$secret"
printf 'Node 0 MemTotal: 31337031337 kB\nNode 0 MemFree: 31337031337 kB\n%s: 1 kB\n' "$marker" > "$work/outside/meminfo"
cp "$work/outside/meminfo" "$work/outside/node/meminfo"
printf 'ff\n' > "$work/outside/node/cpumap"
printf '%s 10 10 10\n' "$marker" > "$work/outside/node/distance"
limit_kb=$((200 * 1024))
worst_cpu="0 (none)"
worst_rss="0 (none)"

# The release program has no switch for its component walk: strace(1) makes
# openat2 fail with ENOSYS, as on a kernel without it, and swnuma walks.
confined_walk="strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS"
walk=""

# check NAME STATUSES CMD...: runs CMD (environment in $env, under $walk) and checks the common rules.
# STATUSES is a |-separated list of allowed exit statuses.
check() {
    local name=$1 statuses=$2
    shift 2
    env $env timeout -k 1 5 "$timer" -f '%U %S %M' -o "$work/time" $walk "$@" > "$work/out" 2> "$work/err" < /dev/null
    local status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then fail "$name" "timed out (hangs)"; return 1; fi
    if ! [[ "|$statuses|" == *"|$status|"* ]]; then fail "$name" "exit $status, expected $statuses"; return 1; fi
    local user sys rss
    read -r user sys rss < <(tail -1 "$work/time")
    if ! awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 1.0) }'; then fail "$name" "took ${user}s user + ${sys}s system"; return 1; fi
    if [ "$rss" -ge "$limit_kb" ]; then fail "$name" "peak memory ${rss} kB"; return 1; fi
    worst_cpu=$(awk -v u="$user" -v s="$sys" -v w="$worst_cpu" -v n="$name" 'BEGIN { t = u + s; split(w, a, " "); print (t > a[1] ? t " (" n ")" : w) }')
    [ "$rss" -gt "${worst_rss%% *}" ] && worst_rss="$rss ($name)"
    if grep -qaF -e "$marker" -e 31337031337 -e 30602569 -e 32089120089088 "$work/out" "$work/err"; then fail "$name" "shows bytes from outside the root"; return 1; fi
    if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$work/err"; then fail "$name" "raw control bytes on stderr"; return 1; fi
    if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$work/out"; then fail "$name" "raw control bytes on stdout"; return 1; fi
    # numastat, as numastat 2.0.19 does, prints a table's title before the error that ends it.
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ -s "$work/out" ] && [[ "$*" != *numastat* ]]; then
        fail "$name" "stdout is not empty after a failure"; return 1
    fi
    passed=$((passed + 1))
}

# must NAME FILE PATTERN: the last run's FILE (out or err) matches PATTERN (grep -E).
must() {
    if grep -qaE -- "$3" "$work/$2"; then passed=$((passed + 1)); else fail "$1" "$2 does not match '$3'"; fi
}
mustnot() {
    if grep -qaE -- "$3" "$work/$2"; then fail "$1" "$2 matches '$3'"; else passed=$((passed + 1)); fi
}

# every NAME ROOT: all the modes under ROOT, each with its allowed statuses.
every() {
    local name=$1 root=$2
    env=""
    check "$name -H" "0|1" "$bin" --root "$root" -H
    check "$name -H --json" "0|1" "$bin" --root "$root" -H --json
    check "$name --require" "0|1|3" "$bin" --root "$root" --require 'nodes>=1' --require 'node(0).free>=1M'
    check "$name --show" "1" "$bin" --root "$root" --show
    check "$name --devices" "0|1" "$bin" --root "$root" -H --devices --json
    check "$name --nfd-features" "0|1" "$bin" --root "$root" --nfd-features
    check "$name --process" "0|1" "$bin" --root "$root" --process 4242 --json
    check "$name --draw" "0|1" "$bin" --root "$root" --draw -
    check "$name --draw text" "0|1" env COLUMNS=120 "$bin" --root "$root" --draw
    check "$name --kubelet-check" "0|1|3" "$bin" --root "$root" --kubelet-check --memory-manager-policy=Static \
        '--eviction-hard=memory.available<10%' --reserved-memory 0:memory=1Mi
    check "$name --kubelet-suggest" "0|1|3" "$bin" --root "$root" --kubelet-suggest --system-reserved=memory=1Mi
    env="SWNUMA_ROOT=$root"
    check "$name numastat" "0|1" "$work/numastat"
    check "$name numastat -m" "0|1" "$work/numastat" -m
    check "$name numastat -n" "0|1" "$work/numastat" -n
    check "$name numastat -p" "0|1" "$work/numastat" -p 4242
    env=""
}

# fresh NAME: a copy of the base tree with a process 4242, in $root.
fresh() {
    root=$work/trees/$1
    mkdir -p "$root"
    cp -a "$base/sys" "$base/proc" "$root/"
    mkdir -p "$root/proc/4242"
    printf 'Name:\tdb\nPid:\t4242\n' > "$root/proc/4242/status"
    printf 'db\0--serve\0' > "$root/proc/4242/cmdline"
    printf '7f00 default anon=3 dirty=3 N0=1 N1=2 kernelpagesize_kB=4\n7f10 default heap anon=1 N2=1 kernelpagesize_kB=4\n' > "$root/proc/4242/numa_maps"
    nodes=$root/sys/devices/system/node
}

# The base tree itself reads cleanly in every mode.
fresh base
every base "$root"
check "base -H output" 0 "$bin" --root "$root" -H
must base-has-four-nodes out '^available: 4 nodes \(0-3\)$'
mustnot base-no-warning err 'warning'
check "base -H --json" 0 "$bin" --root "$root" -H --json
must base-json-four-nodes out '"id": 3'
check "base --require" 0 "$bin" --root "$root" --require 'nodes>=4' --require 'hugepages(2M).total>=0'
for mode in "" -m -n "-p 4242"; do
    check "base numastat $mode" 0 env SWNUMA_ROOT="$root" "$work/numastat" $mode
    must "base numastat $mode table" out '[Nn]ode ?3'
done

# --- Reads confined to the root -------------------------------------------
fresh links-out
ln -sf "$work/outside/meminfo" "$nodes/node0/meminfo"                                   # absolute, out
ln -sf "../../../../../../../../../../../../../..$work/outside/meminfo" "$nodes/node1/meminfo"  # relative, out
ln -sf "$secret" "$nodes/node2/distance"                                                # a shadow file
ln -sf "../../../../../../../../../../../..$secret" "$nodes/node3/distance"
ln -sf /etc/shadow "$nodes/node3/cpulist"
ln -sf "$work/outside/node" "$nodes/node9"                                              # a whole node folder
ln -sf "$work/outside/meminfo" "$root/proc/meminfo"
ln -sf "$secret" "$root/proc/4242/numa_maps"
every links-out "$root"
check "links-out -H warns" 0 "$bin" --root "$root" -H
must links-out-names-meminfo err 'node0/meminfo'
must links-out-names-distance err 'node2/distance'
mustnot links-out-no-node9 out 'node 9'

# Absolute links that land inside the root, and relative links that stay
# inside it, keep working (real dumps hold many).
fresh links-in
mv "$nodes/node1" "$root/sys/devices/node1-real"
ln -s ../../node1-real "$nodes/node1"
mv "$nodes/node2/meminfo" "$root/proc/node2-meminfo"
ln -s /proc/node2-meminfo "$nodes/node2/meminfo"
mkdir -p "$root/a/b/c"
ln -s ../../../../../../sys/devices/system/node/node3/distance "$root/a/b/c/d"
rm "$nodes/node3/distance"
cp "$base/sys/devices/system/node/node3/distance" "$root/a/distance-copy"
ln -s /a/b/c/../../distance-copy "$nodes/node3/distance"
check "links-in -H" 0 "$bin" --root "$root" -H
if cmp -s "$work/out" "$base/hardware.golden"; then passed=$((passed + 1)); else fail links-in "-H differs from the base tree's"; diff "$base/hardware.golden" "$work/out" | head -5; fi
mustnot links-in-quiet err 'warning'
$confined_walk "$bin" --root "$root" -H > "$work/out2" 2>&1
if cmp -s "$work/out2" "$base/hardware.golden"; then passed=$((passed + 1)); else fail links-in-walk "-H by the component walk differs"; fi

# The component walk (where openat2 is missing) refuses the same escapes.
walk=$confined_walk
check "links-out walk -H" 0 "$bin" --root "$work/trees/links-out" -H
check "links-out walk json" 0 "$bin" --root "$work/trees/links-out" -H --json
walk=""

# --- Blocking and special files --------------------------------------------
fresh special
mkfifo "$root/fifo"
rm "$nodes/node0/cpumap" "$nodes/node0/cpulist" "$nodes/node1/meminfo" "$nodes/node2/distance" "$nodes/node0/numastat"
mkfifo "$nodes/node0/cpumap" "$nodes/node1/meminfo" "$nodes/node0/numastat"
ln -s /fifo "$nodes/node0/cpulist"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$nodes/node2/distance"
rm "$root/proc/meminfo" && mkfifo "$root/proc/meminfo"
rm "$root/proc/4242/numa_maps" && mkfifo "$root/proc/4242/numa_maps"
if [ "$(id -u)" = 0 ]; then
    rm "$nodes/node3/cpumap" "$nodes/node3/meminfo"
    mknod "$nodes/node3/cpumap" c 1 5     # /dev/zero: endless
    mknod "$nodes/node3/meminfo" c 5 0    # /dev/tty: blocks or fails
    rm "$nodes/node2/cpulist" && mknod "$nodes/node2/cpulist" b 7 0
fi
ln -sf /dev/stdin "$nodes/node3/distance"
every special "$root"
check "special -H warns" 0 "$bin" --root "$root" -H
must special-fifo-named err 'node0/cpumap is a FIFO, not a regular file: skipped'
must special-socket-named err 'node2/distance: No such device or address'

fresh folders
for f in cpumap cpulist meminfo distance numastat; do rm "$nodes/node1/$f" && mkdir "$nodes/node1/$f"; done
rm "$root/proc/meminfo" && mkdir "$root/proc/meminfo"
rm "$root/proc/4242/numa_maps" && mkdir "$root/proc/4242/numa_maps"
every folders "$root"
check "folders -H" 0 "$bin" --root "$root" -H
must folders-named err 'node1/meminfo is a folder'

fresh empty-files
for n in 0 1 2 3; do for f in cpumap cpulist meminfo distance numastat; do : > "$nodes/node$n/$f"; done; done
: > "$root/proc/meminfo"; : > "$root/proc/4242/numa_maps"
every empty-files "$root"
check "empty-files -H" 0 "$bin" --root "$root" -H
must empty-distance-named err 'node0/distance has 0 distances for 4 nodes'

# --- Numbers -----------------------------------------------------------------
fresh huge-numbers
printf '0-4194303\n' > "$nodes/node0/cpulist"; rm "$nodes/node0/cpumap"
printf '8192\n' > "$nodes/node1/cpulist"; rm "$nodes/node1/cpumap"
printf '99999999999999999999999\n' > "$nodes/node2/cpulist"; printf 'ffffffffffffffffffffffff\n' > "$nodes/node2/cpumap"
python3 -c 'import sys; sys.stdout.write("1" + ",00000000" * 70000 + "\n")' > "$nodes/node3/cpumap"
printf 'Node 0 MemTotal: 99999999999999999999999 kB\nNode 0 MemFree: 18446744073709551615 kB\nNode 0 HugePages_Total: 18446744073709551615\n' > "$nodes/node0/meminfo"
printf 'Node 1 MemTotal: -5 kB\nNode 1 MemFree: -1 kB\n' > "$nodes/node1/meminfo"
printf '99999999999999999999 10 20 30\n' > "$nodes/node0/distance"
printf -- '-10 -1 20 30\n' > "$nodes/node1/distance"
printf '2147483648 10\n' > "$nodes/node2/distance"
printf 'numa_hit 18446744073709551615\nnuma_miss 99999999999999999999999999\nnuma_foreign -1\n' > "$nodes/node0/numastat"
printf 'MemTotal: 414508 kB\nHugepagesize: 18014398509481983 kB\n' > "$root/proc/meminfo"
printf '7f00 huge N0=18446744073709551615 N1=18446744073709551615\n7f10 N0=18446744073709551615 kernelpagesize_kB=18446744073709551615\n' > "$root/proc/4242/numa_maps"
mkdir -p "$root/sys/devices/system/cpu" "$root/proc/self"
printf '0-4194303\n' > "$root/sys/devices/system/cpu/online"
python3 -c 'import sys; m = ",".join(["ffffffff"] * 100000); sys.stdout.write("Name:\tx\nCpus_allowed:\t%s\nMems_allowed:\t%s\n" % (m, m))' > "$root/proc/self/status"
every huge-numbers "$root"
check "huge-numbers -H" 0 "$bin" --root "$root" -H
must huge-cpu-named err 'node1/cpulist names cpu 8192, beyond the 8192 CPUs'
must huge-cpulist-refused err 'node0/cpulist names cpu 4194303, beyond'
must huge-distance-named err "node0/distance has an unreadable entry"
check "huge-numbers numastat -m" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -m
must huge-hugepagesize err 'Hugepagesize'
printf 'MemTotal: 414508 kB\nHugepagesize: 2048 kB\n' > "$root/proc/meminfo"
check "huge-numbers numastat -p" 1 env SWNUMA_ROOT="$root" "$work/numastat" -p 4242
must huge-numa-maps-refused err "numa_maps: 'kernelpagesize_kB=18446744073709551615' is not a page size|numa_maps: 'N0=18446744073709551615' makes more than 2\\^64 bytes"
# Sums that wrap: two counts that together pass 2^64 bytes.
printf '7f00 N0=4503599627370495 kernelpagesize_kB=4\n7f10 N0=4503599627370495 kernelpagesize_kB=4\n' > "$root/proc/4242/numa_maps"
check "wrap numastat -p" 1 env SWNUMA_ROOT="$root" "$work/numastat" -p 4242
must wrap-refused err 'more than 2\^64 bytes'

fresh repeated-ranges
for n in 0 1 2 3; do
    rm "$nodes/node$n/cpumap"
    python3 -c 'import sys; sys.stdout.write(",".join(["0-8191"] * 1400) + "\n")' > "$nodes/node$n/cpulist"
done
mkdir -p "$root/sys/devices/system/cpu"
python3 -c 'import sys; sys.stdout.write("0-4194302," * 100000 + "0\n")' > "$root/sys/devices/system/cpu/online"
every repeated-ranges "$root"
check "repeated-ranges -H" 0 "$bin" --root "$root" -H --cpu-compress
must repeated-ranges-read out '^node 0 cpus: 0-8191 \(8192\)$'

fresh many-nodes
python3 - "$nodes" <<'EOF'
import os, sys
nodes = sys.argv[1]
for n in range(4, 20004):
    os.mkdir(os.path.join(nodes, "node%d" % n))
EOF
every many-nodes "$root"
check "many-nodes -H" 0 "$bin" --root "$root" -H
must many-nodes-limit err 'node id beyond the 1024 nodes Linux can have'
must many-nodes-count out '^available: 1024 nodes \(0-1023\)$'

fresh many-fields
python3 - "$nodes" <<'EOF'
import os, sys
nodes = sys.argv[1]
names = ["field%d" % i for i in range(4000)]
for n in range(4):
    order = names if n == 0 else list(reversed(names))
    with open(os.path.join(nodes, "node%d" % n, "numastat"), "w") as f:
        f.write("".join("%s %d\n" % (name, i) for i, name in enumerate(order)))
    with open(os.path.join(nodes, "node%d" % n, "meminfo"), "a") as f:
        f.write("".join("Node %d %s: %d kB\n" % (n, name, i) for i, name in enumerate(order)))
EOF
every many-fields "$root"
python3 -c 'import sys; sys.stdout.write("".join("f%d 1\n" % i for i in range(5000)))' > "$nodes/node0/numastat"
check "too-many-fields numastat" 1 env SWNUMA_ROOT="$root" "$work/numastat"
must too-many-fields-named err 'node0/numastat has more than 4096 fields'

fresh cut
python3 -c 'import sys; sys.stdout.write("Node 0 MemTotal: 158640 kB\nNode 0 MemFree: 150200 kB\n" + "Node 0 Pad: 1 kB\n" * 80000)' > "$nodes/node0/meminfo"
every cut "$root"
check "cut -H" 0 "$bin" --root "$root" -H
must cut-named err 'node0/meminfo is longer than 1048576 bytes: not read'
must cut-not-shown out '^node 0 size: <not available>$'

# --- Silent lies ---------------------------------------------------------------
fresh aliases
cp -a "$nodes/node1" "$nodes/node01"
cp -a "$nodes/node1" "$nodes/node001"
every aliases "$root"
check "aliases -H" 0 "$bin" --root "$root" -H
must aliases-four out '^available: 4 nodes \(0-3\)$'
must aliases-named err 'node001.*node01.*leading zero'
check "aliases numastat" 1 env SWNUMA_ROOT="$root" "$work/numastat"
must aliases-numastat-refused err 'leading zero'

fresh node-not-folder
rm -r "$nodes/node3" && printf 'not a folder\n' > "$nodes/node3"
ln -s node4 "$nodes/node5" && ln -s node5 "$nodes/node4"
every node-not-folder "$root"
check "node-not-folder -H" 0 "$bin" --root "$root" -H
must node-file-named err 'node3.*node4.*node5.*not a folder'
must node-file-three out '^available: 3 nodes \(0-2\)$'

fresh node-folder-loop
rm -r "$root/sys/devices/system/node" && ln -s node "$root/sys/devices/system/node"
every node-folder-loop "$root"
check "node-folder-loop -H" 0 "$bin" --root "$root" -H
must node-folder-loop-named err 'cannot list .*/sys/devices/system/node: Too many levels of symbolic links: no node is known'
must node-folder-loop-no-node out '^available: 0 nodes \(\)$'

fresh node-folder-file
rm -r "$root/sys/devices/system/node" && printf 'x\n' > "$root/sys/devices/system/node"
every node-folder-file "$root"
check "node-folder-file -H" 0 "$bin" --root "$root" -H
must node-folder-file-named err 'cannot list .*/sys/devices/system/node: Not a directory'

mkdir -p "$work/trees/empty"
every empty "$work/trees/empty"
check "empty -H" 1 "$bin" --root "$work/trees/empty" -H
must empty-refused err "has neither sys/ nor proc/"

mkdir -p "$work/trees/bare/sys" "$work/trees/bare/proc"
every bare "$work/trees/bare"
check "bare -H" 0 "$bin" --root "$work/trees/bare" -H
must bare-says err 'nothing is known of this machine'
must bare-no-node out '^available: 0 nodes \(\)$'

fresh short-distance
printf '10 16\n' > "$nodes/node1/distance"
printf 'garbage\n' > "$nodes/node2/distance"
every short-distance "$root"
check "short-distance -H" 0 "$bin" --root "$root" -H
must short-distance-named err 'node1/distance has 2 distances for 4 nodes'
must garbage-distance-named err "node2/distance has an unreadable entry 'garbage'"

fresh control-bytes
printf '\033]0;owned\007 10 20 30\n' > "$nodes/node0/distance"
printf 'Node 1 MemTotal: 158640 kB\nNode 1 MemFree: 150200 kB\nNode 1 \033[31mEvil: 5 kB\n' > "$nodes/node1/meminfo"
printf '\033[2Jnuma_hit 5\nnuma_miss\033[1m 3\n' > "$nodes/node0/numastat"
printf '7f00 N0=\033[2J kernelpagesize_kB=4\n' > "$root/proc/4242/numa_maps"
mkdir "$nodes/node$(printf '\033')[2J"
every control-bytes "$root"
check "control-bytes -H" 0 "$bin" --root "$root" -H
must control-bytes-escaped err 'unreadable entry .\\x1b\]0;owned\\x07'
for mode in "" -m -n; do
    check "control-bytes numastat $mode stdout" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" $mode
    if LC_ALL=C grep -qaP '\x1b' "$work/out"; then fail "control-bytes numastat $mode" "escape byte on stdout"; else passed=$((passed + 1)); fi
done

fresh deep
d=$root/deep
for i in $(seq 1 200); do d=$d/d; done
mkdir -p "$d" && cp "$nodes/node0/meminfo" "$d/meminfo"
ln -sf "$(printf '%s' "$d" | sed "s|^$root||")/meminfo" "$nodes/node0/meminfo"
# A chain of 45 links (the kernel follows 40).
prev=$nodes/node1/meminfo-real
mv "$nodes/node1/meminfo" "$prev"
for i in $(seq 1 45); do ln -s "$(basename "$prev")" "$nodes/node1/chain$i"; prev=$nodes/node1/chain$i; done
ln -s chain45 "$nodes/node1/meminfo"
ln -sf cpumap "$nodes/node2/cpumap"   # a link to itself
every deep "$root"
check "deep -H" 0 "$bin" --root "$root" -H
must deep-long-path-read out '^node 0 size: 154 MB$'
must deep-chain-named err 'node1/meminfo: Too many levels of symbolic links'

fresh odd-names
for name in 'node 1' 'node-1' 'node+1' 'node1 ' 'node0x1' 'node' "node$(printf '\xd9\xa1')" 'node99999999999999999999999'; do mkdir "$nodes/$name"; done
every odd-names "$root"
check "odd-names -H" 0 "$bin" --root "$root" -H
must odd-names-four out '^available: 4 nodes \(0-3\)$'

# --- The new modes' readers: proc/ confined, impostors, bounded parsers --------
# (issue 22) Each case fails on a swnuma that reads proc/PID by a path string,
# takes any process named kubelet, or searches, walks or indexes by linear
# scans; it passes when every read goes through the root and every parser is
# linear and bounded.

# A snapshot's proc/PID linked to a live process of this machine (a marker in
# its command line): absolute and relative links show nothing of it.
bash -c "exec -a $marker sleep 60" &
hostpid=$!
fresh proc-host
rm -r "$root/proc/4242"
ln -s "/proc/$hostpid" "$root/proc/4242"
ln -s "../../../../../../../../../../../../../../../../proc/$hostpid" "$root/proc/4243"
check "proc-host --process" 1 "$bin" --root "$root" --process 4242 --process 4243
must proc-host-vanished err 'process 4242 does not exist'
check "proc-host --process json" 1 "$bin" --root "$root" --process 4242 --json
check "proc-host --process name" "0|1" "$bin" --root "$root" --process sleep
check "proc-host numastat -p" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p 4242
check "proc-host numastat -p name" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p sleep
every proc-host "$root"
kill "$hostpid" 2> /dev/null
wait "$hostpid" 2> /dev/null

# Every file of a snapshot a link out of it, for every reader the modes use:
# topology, numastat, --process, --devices, --draw, --nfd-features, kubelet
# discovery and checkpoint. The files linked to hold the marker.
fresh all-links
src=$work/outside/all-links
cp -a "$root" "$src"
pci=sys/devices/pci0000:00/0000:00:03.0
mkdir -p "$src/$pci/net/eth0" "$src/sys/class/net" "$src/proc/77" "$src/proc/self" "$src/usr/share/hwdata" \
    "$src/var/lib/kubelet" "$src/etc" "$src/sys/fs/cgroup/$marker"
printf '1\n' > "$src/$pci/numa_node"; printf '0x020000\n' > "$src/$pci/class"
printf '0x8086\n' > "$src/$pci/vendor"; printf '0x1572\n' > "$src/$pci/device"
printf '8086  %s vendor\n\t1572  %s device\nC 02  %s class\n\t00  %s subclass\n' "$marker" "$marker" "$marker" "$marker" > "$src/usr/share/hwdata/pci.ids"
for f in "$src"/sys/devices/system/node/node*/meminfo; do cp "$work/outside/meminfo" "$f"; done
cp "$work/outside/meminfo" "$src/proc/meminfo"
printf 'Name:\t%s\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-3\n' "$marker" > "$src/proc/4242/status"
printf '%s\0' "$marker" > "$src/proc/4242/cmdline"
printf '7f00 bind:1 anon=31337031337 N1=31337031337 kernelpagesize_kB=4\n' > "$src/proc/4242/numa_maps"
printf '0::/%s\n' "$marker" | tee "$src/proc/4242/cgroup" > "$src/proc/self/cgroup"
printf 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n' > "$src/proc/self/mounts"
printf '0-3\n' > "$src/sys/fs/cgroup/$marker/cpuset.cpus.effective"; printf '0-3\n' > "$src/sys/fs/cgroup/$marker/cpuset.mems.effective"
printf 'kubelet\n' > "$src/proc/77/comm"
printf '/usr/bin/kubelet\0--config=/etc/%s.yaml\0' "$marker" > "$src/proc/77/cmdline"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$src/proc/77/status"
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: %s\n' "$marker" > "$src/etc/$marker.yaml"
printf '{"policyName":"%s","machineState":{},"entries":{},"checksum":0}' "$marker" > "$src/var/lib/kubelet/memory_manager_state"
rm -rf "$root"; mkdir -p "$root"
flip=0
( cd "$src" && find . -type f ) | while read -r f; do
    f=${f#./}
    mkdir -p "$root/$(dirname "$f")"
    if [ $flip = 0 ]; then ln -s "$src/$f" "$root/$f"; flip=1
    else ln -s "$(printf '../%.0s' $(seq 1 30))${src#/}/$f" "$root/$f"; flip=0; fi
done
mkdir -p "$root/sys/class/net"
ln -s "$src/$pci/net/eth0" "$root/sys/class/net/eth0"
every all-links "$root"
check "all-links --process" 1 "$bin" --root "$root" --process 4242
# (a part of the marker: the word searched for is echoed back)
check "all-links --process name" "0|1" "$bin" --root "$root" --process "${marker#X}"
check "all-links --devices" "0|1" "$bin" --root "$root" --devices
mustnot all-links-no-eth0 out 'eth0'
check "all-links --kubelet-check" 1 "$bin" --root "$root" --kubelet-check
must all-links-no-kubelet err 'no kubelet is running'
check "all-links --kubelet-suggest" 1 "$bin" --root "$root" --kubelet-suggest
check "all-links --kubelet-state" 1 "$bin" --root "$root" --kubelet-state
must all-links-no-checkpoint err 'cannot read the memory manager checkpoint'
check "all-links numastat -p name" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p "${marker#X}"
check "all-links walk --process" 1 env SWNUMA_CONFINED_WALK=1 "$bin" --root "$root" --process 4242
check "all-links walk --devices" "0|1" env SWNUMA_CONFINED_WALK=1 "$bin" --root "$root" --devices

# An impostor kubelet: a user's program named kubelet is not trusted, and
# the refusal says why; of several root kubelets the first is taken, named.
fresh impostor
mkdir -p "$root/proc/77" "$root/home/u"
printf 'kubelet\n' > "$root/proc/77/comm"
printf '/home/u/kubelet\0--config=/home/u/k.yaml\0' > "$root/proc/77/cmdline"
printf 'Name:\tkubelet\nUid:\t1000\t1000\t1000\t1000\n' > "$root/proc/77/status"
printf 'kind: KubeletConfiguration\nmemoryManagerPolicy: Static\n' > "$root/home/u/k.yaml"
check "impostor --kubelet-check" 1 "$bin" --root "$root" --kubelet-check
must impostor-refused err 'pid 77: it runs as uid 1000, not root.*give the kubelet.s arguments'
check "impostor --kubelet-suggest" 1 "$bin" --root "$root" --kubelet-suggest
must impostor-suggest-refused err 'no process named kubelet is trusted as the kubelet'
for pid in 300 301; do
    mkdir -p "$root/proc/$pid"
    printf 'kubelet\n' > "$root/proc/$pid/comm"
    printf '/usr/bin/kubelet\0--memory-manager-policy=None\0' > "$root/proc/$pid/cmdline"
    printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$root/proc/$pid/status"
done
check "impostor several" "0|3" "$bin" --root "$root" --kubelet-check
must impostor-several-named err '2 kubelet processes are running \(pids 300, 301\): pid 300 was taken'
must impostor-several-taken out 'kubelet pid 300'

# A deep cgroup path in proc/self/cgroup and proc/PID/cgroup (800 KB).
fresh deep-cgroup
mkdir -p "$root/proc/self"
python3 -c 'import sys; sys.stdout.write("0::" + "/a" * 400000 + "\n")' | tee "$root/proc/self/cgroup" > "$root/proc/4242/cgroup"
printf 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n' > "$root/proc/self/mounts"
every deep-cgroup "$root"
check "deep-cgroup -H --json" 0 "$bin" --root "$root" -H --json
check "deep-cgroup --process" 0 "$bin" --root "$root" --process 4242

# numa_maps naming 100,000 nodes on a line, and 20,000 distinct policies.
fresh numa-maps-nodes
python3 -c 'import sys; sys.stdout.write("7f00 default anon=1 " + " ".join("N%d=1" % n for n in range(100000)) + " kernelpagesize_kB=4\n")' > "$root/proc/4242/numa_maps"
check "numa-maps-nodes --process" 0 "$bin" --root "$root" --process 4242
must numa-maps-nodes-refused out 'N1024=1.*beyond the 1024 nodes'
check "numa-maps-nodes --process json" 0 "$bin" --root "$root" --process 4242 --json
check "numa-maps-nodes numastat -p" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p 4242
fresh numa-maps-policies
python3 -c 'import sys; sys.stdout.write("".join("%x policy%d anon=1 N0=1 N1=1 kernelpagesize_kB=4\n" % (i, i) for i in range(20000)))' > "$root/proc/4242/numa_maps"
check "numa-maps-policies --process" 0 "$bin" --root "$root" --process 4242 --json
check "numa-maps-policies numastat -p" 0 env SWNUMA_ROOT="$root" "$work/numastat" -p 4242

# Device class entries each behind a chain of 40 links of 4,000 bytes.
fresh link-chains
pci=sys/devices/pci0000:00/0000:00:03.0
mkdir -p "$root/$pci/net/eth0" "$root/sys/class/net/x"
printf '1\n' > "$root/$pci/numa_node"; printf '0x020000\n' > "$root/$pci/class"
ln -s "../../devices/pci0000:00/0000:00:03.0/net/eth0" "$root/sys/class/net/eth0"
pad=$(python3 -c 'import sys; sys.stdout.write("x/../" * 800)')
for entry in $(seq 1 20); do
    for i in $(seq 1 40); do
        next=$([ "$i" = 40 ] && echo eth0 || echo "c$entry-$((i + 1))")
        ln -s "$pad$next" "$root/sys/class/net/c$entry-$i"
    done
    ln -s "c$entry-1" "$root/sys/class/net/dev$entry"
done
every link-chains "$root"
check "link-chains --devices" 0 "$bin" --root "$root" --devices
must link-chains-eth0 out 'eth0'

# A 3,000-byte process name against eight 1 MB command lines of near misses.
fresh long-name
for pid in $(seq 5000 5007); do
    mkdir -p "$root/proc/$pid"
    printf 'Name:\tx\n' > "$root/proc/$pid/status"
    head -c 1048000 /dev/zero | tr '\0' a > "$root/proc/$pid/cmdline"
done
long=$(python3 -c 'import sys; sys.stdout.write("a" * 2999 + "b")')
check "long-name --process" 1 "$bin" --root "$root" --process "$long"
check "long-name numastat -p" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p "$long"

# Checkpoints: 100,000 keys (1.5 MB), and 16 MB (past the 4 MiB limit).
fresh checkpoints
python3 -c 'import sys; sys.stdout.write("{\"policyName\":\"None\",\"machineState\":{},\"entries\":{" + ",".join("\"p%d\":{}" % i for i in range(100000)) + "},\"checksum\":0}")' > "$work/state-keys"
check "checkpoint 100,000 keys" "0|3" "$bin" --root "$root" --kubelet-state "$work/state-keys"
python3 -c 'import sys; sys.stdout.write("{\"policyName\":\"None\",\"machineState\":{},\"entries\":{\"p\":{\"c\":[" + ",".join(["{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":1}"] * 340000) + "]}},\"checksum\":0}")' > "$work/state-big"
check "checkpoint 16 MB" 1 "$bin" --root "$root" --kubelet-state "$work/state-big"
must checkpoint-big-refused err 'longer than 4194304 bytes'

# pci.ids: 51 MiB in the snapshot, with and without a device to name.
fresh pci-ids
mkdir -p "$root/usr/share/hwdata"
python3 -c '
import sys
out = sys.stdout
for v in range(0x10000):
    out.write("%04x  Vendor %d with a long name to fill the file up\n" % (v, v))
    for d in range(14): out.write("\t%04x  Device %d of vendor %d, also with a long name\n" % (d, d, v))
' > "$root/usr/share/hwdata/pci.ids"
check "pci-ids no devices" 0 "$bin" --root "$root" --devices
check "pci-ids -H --devices --json" 0 "$bin" --root "$root" -H --devices --json
pci=sys/devices/pci0000:00/0000:00:03.0
mkdir -p "$root/$pci/net/eth0" "$root/sys/class/net"
printf '1\n' > "$root/$pci/numa_node"; printf '0x020000\n' > "$root/$pci/class"
printf '0x8086\n' > "$root/$pci/vendor"; printf '0x1572\n' > "$root/$pci/device"
ln -s "../../devices/pci0000:00/0000:00:03.0/net/eth0" "$root/sys/class/net/eth0"
check "pci-ids a device" 0 "$bin" --root "$root" --devices
must pci-ids-device-shown out 'eth0'
check "pci-ids --draw" 0 "$bin" --root "$root" --draw -

# Names outside XML 1.0's characters (U+FFFE, U+FFFF, C0 and C1 controls) in
# pci.ids and device names: the SVG stays well-formed.
fresh xml-chars
pci=sys/devices/pci0000:00/0000:00:03.0
bad=$(printf 'eth\xef\xbf\xbf\xc2\x85')
mkdir -p "$root/$pci/net/$bad" "$root/sys/class/net" "$root/usr/share/hwdata"
printf '1\n' > "$root/$pci/numa_node"; printf '0x020000\n' > "$root/$pci/class"
printf '0x8086\n' > "$root/$pci/vendor"; printf '0x1572\n' > "$root/$pci/device"
ln -s "../../devices/pci0000:00/0000:00:03.0/net/$bad" "$root/sys/class/net/$bad"
printf '8086  Vendor\xef\xbf\xbe\x01\n\t1572  Device\xef\xbf\xbf\x0b\nC 02  Network\xef\xbf\xbe\n\t00  Ethernet\x1b[31m\xef\xbf\xbf\n' > "$root/usr/share/hwdata/pci.ids"
check "xml-chars --draw" 0 "$bin" --root "$root" --draw -
must xml-chars-drawn out 'eth'
# --- Raw terminal bytes (issue 22, class 6) --------------------------------
# Every string swnuma reads and prints as text holds escape sequences: a
# process's name and command line, a device's folder name, pci.ids names, the
# snapshot's kubelet flags, configuration (policy and resource names) and
# checkpoint (policy, pod, container and resource names). check() refuses
# any raw C0 (but tab and newline), DEL or C1 byte on stdout and stderr.
fresh terminal
esc=$(printf '\033[2J\033]0;owned\007\302\23331m\r\b')
printf 'Name:\tdb%s\nUid:\t0\t0\t0\t0\n' "$esc" > "$root/proc/4242/status"
printf 'db%s\0--serve%s\0' "$esc" "$esc" > "$root/proc/4242/cmdline"
printf '7f00 bind%s:0 anon=3 N0=3 kernelpagesize_kB=4\n7f10 default anon=1 N2=1 kernelpagesize_kB=4\n' "$esc" > "$root/proc/4242/numa_maps"
pci=sys/devices/pci0000:00/0000:00:03.0
dev="eth$esc"
mkdir -p "$root/$pci/net/$dev" "$root/sys/class/net" "$root/usr/share/hwdata" "$root/etc" "$root/var/lib/kubelet"
printf '1\n' > "$root/$pci/numa_node"; printf '0x020000\n' > "$root/$pci/class"
printf '0x8086\n' > "$root/$pci/vendor"; printf '0x1572\n' > "$root/$pci/device"
ln -s "../../devices/pci0000:00/0000:00:03.0/net/$dev" "$root/sys/class/net/$dev"
printf '8086  Vendor%s\n\t1572  Device%s\nC 02  Network%s\n\t00  Ethernet%s\n' "$esc" "$esc" "$esc" "$esc" > "$root/usr/share/hwdata/pci.ids"
mkdir -p "$root/proc/77"
printf 'kubelet\n' > "$root/proc/77/comm"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$root/proc/77/status"
printf '/usr/bin/kubelet\0--config=/etc/k%s.yaml\0--system-reserved=memory=1Gi,x%s=1\0' "$esc" "$esc" > "$root/proc/77/cmdline"
yesc='\e[2J\e]0;owned\a\x9b31m\r\b'
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemoryManagerPolicy: "Static%s"\nreservedMemory:\n- numaNode: 0\n  limits: {memory: 1Gi, "hugepages-%s": 1Mi}\n' "$yesc" "$yesc" > "$root/etc/k$esc.yaml"
jesc='\u001b[2J\u001b]0;owned\u0007\u009b31m\r\b'
printf '{"policyName":"Static%s","machineState":{"0":{"numberOfAssignments":1,"memoryMap":{"m%s":{"total":1,"systemReserved":0,"allocatable":1,"reserved":0,"free":1}},"cells":[0]}},"entries":{"pod%s":{"c%s":[{"numaAffinity":[0],"type":"m%s","size":1}]}},"checksum":0}' \
    "$jesc" "$jesc" "$jesc" "$jesc" "$jesc" > "$root/var/lib/kubelet/memory_manager_state"
cp "$root/var/lib/kubelet/memory_manager_state" "$work/state-terminal"
every terminal "$root"
check "terminal --process 4242" 0 "$bin" --root "$root" --process 4242
must terminal-process-escaped out 'db\\x1b\[2J'
check "terminal --process NAME" 0 "$bin" --root "$root" --process "db$esc"
check "terminal --devices" 0 "$bin" --root "$root" --devices
must terminal-devices-escaped out 'eth\\x1b\[2J'
check "terminal --draw text" 0 env COLUMNS=120 "$bin" --root "$root" --draw
check "terminal numastat -p 4242" 0 env SWNUMA_ROOT="$root" "$work/numastat" -p 4242
must terminal-numastat-title out 'for PID 4242 \(db\\x1b'
check "terminal numastat -p NAME" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p "db$esc"
check "terminal numastat -p two" 0 env SWNUMA_ROOT="$root" "$work/numastat" -p 4242 -p 77
check "terminal numastat -p missing" "0|1" env SWNUMA_ROOT="$root" "$work/numastat" -p "none$esc"
check "terminal --kubelet-check" "0|1|3" "$bin" --root "$root" --kubelet-check
must terminal-kubelet-config out 'config /etc/k\\x1b'
check "terminal --kubelet-suggest" "0|1|3" "$bin" --root "$root" --kubelet-suggest
check "terminal --kubelet-state" "0|1|3" "$bin" --root "$root" --kubelet-state
must terminal-state-pod out 'pod\\x1b'
check "terminal --kubelet-state FILE" "0|1|3" "$bin" --root "$root" --kubelet-state "$work/state-terminal"
check "terminal --kubelet-check flags" "0|1|3" "$bin" --root "$root" --kubelet-check "--memory-manager-policy=S$esc" \
    --reserved-memory "0:memory=1Gi,x$esc=1" "--system-reserved=memory=1Gi,x$esc=1" "--config=$root/etc/k$esc.yaml" "stray$esc"
check "terminal --kubelet-state missing" 1 "$bin" --root "$root" --kubelet-state "$work/none$esc"

# --- YAML configurations -----------------------------------------------------
# Read through the snapshot's kubelet and from the command line: aliases
# (a billion laughs as a mapping key and as a value), nesting, size, and
# control bytes in keys and values, raw (a YAML error quoting the line) and
# escaped (values).
fresh yaml
mkdir -p "$root/proc/77" "$root/etc"
printf 'kubelet\n' > "$root/proc/77/comm"
printf 'Name:\tkubelet\nUid:\t0\t0\t0\t0\n' > "$root/proc/77/status"
printf '/usr/bin/kubelet\0--config=/etc/k.yaml\0' > "$root/proc/77/cmdline"
yaml_case() {  # NAME: the file $work/yaml-NAME, read both ways
    cp "$work/yaml-$1" "$root/etc/k.yaml"
    check "yaml $1 (snapshot)" "0|1|3" "$bin" --root "$root" --kubelet-check
    check "yaml $1 (typed)" "0|1|3" "$bin" --root "$root" --kubelet-check --config "$work/yaml-$1"
    check "yaml $1 suggest" "0|1|3" "$bin" --root "$root" --kubelet-suggest --config "$work/yaml-$1"
}
python3 - "$work" << 'PY'
import sys
w = sys.argv[1]
head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
def put(name, text):
    with open(w + "/yaml-" + name, "w", encoding="utf-8", newline="") as f: f.write(text)
laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    "%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((chr(ord("b") + i),) * 2 + (chr(ord("a") + i),) * 9) for i in range(8))
put("laughs-key", head + laughs + "? *i\n: 1\n")
put("laughs-value", head + laughs + "memoryManagerPolicy: *i\n")
put("aliases-many", head + "x: &x Static\n" + "".join("k%d: *x\n" % i for i in range(100000)))
put("deep-block", head + "evictionHard:\n" + "".join(" " * i + "k%d:\n" % i for i in range(5000)))
put("deep-flow", head + "evictionHard: " + "[" * 200000 + "]" * 200000 + "\n")
put("deep-flow-map", head + "evictionHard: " + "{a: " * 100000 + "1" + "}" * 100000 + "\n")
put("big", head + "".join("k%d: %s\n" % (i, "v" * 80) for i in range(11000)))
put("over-limit", head + "# " + "x" * (2 << 20) + "\n")
put("keys-many", head + "systemReserved:\n" + "".join("  r%d: 1\n" % i for i in range(50000)))
put("control-raw-value", head + "memoryManagerPolicy: St\x1b[2Jatic\n")
put("control-raw-key", head + "memory\x1b]0;owned\x07Policy: Static\n")
put("control-c1", head + "memoryManagerPolicy: St\u009b31matic\n")
put("control-escaped", head + 'memoryManagerPolicy: "St\\e[2J\\x9batic"\nsystemReserved: {"me\\emory": 1Gi}\n'
    + 'reservedMemory:\n- numaNode: 0\n  limits: {"x\\e[31m\\u0085": 1Gi}\nevictionHard: {"memory.available\\b": "1%"}\n')
put("control-escaped-key", head + '"memoryManagerPolicy\\e[2J": None\n')
put("nul", head + "memoryManagerPolicy: St\x00atic\n")
put("bad-utf8", head)
with open(w + "/yaml-bad-utf8", "ab") as f: f.write(b"memoryManagerPolicy: St\xff\xfe\x9batic\n")
PY
for name in laughs-key laughs-value aliases-many deep-block deep-flow deep-flow-map big over-limit keys-many \
    control-raw-value control-raw-key control-c1 control-escaped control-escaped-key nul bad-utf8; do
    yaml_case "$name"
done
check "yaml over-limit named" 1 "$bin" --root "$root" --kubelet-check --config "$work/yaml-over-limit"
must yaml-over-limit-refused err 'longer than'
check "yaml control-raw-value named" 1 "$bin" --root "$root" --kubelet-check --config "$work/yaml-control-raw-value"
must yaml-control-quoted err 'yaml'

# --- Paths the user types ------------------------------------------------------
# A relative --config or --kubelet-state is read from the current folder as
# the shell would (.., links to absolute paths); --config= loads no file.
mkdir -p "$work/typed/here" "$work/typed-elsewhere"
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemoryManagerPolicy: Static\n' > "$work/typed/k.yaml"
cp "$work/state-terminal" "$work/typed/state"
ln -sf "$work/typed/k.yaml" "$work/typed/here/abs.yaml"
ln -sf "$work/typed/state" "$work/typed/here/abs-state"
ln -sf "$work/typed" "$work/typed-elsewhere/link"
fresh typed-paths
cd "$work/typed/here" || exit 1
check "typed --config ../k.yaml" "0|3" "$bin" --root "$root" --kubelet-check --config ../k.yaml
must typed-parent-read out 'config \.\./k\.yaml'
must typed-parent-policy out 'memory manager policy: Static'
check "typed --config link to an absolute path" "0|3" "$bin" --root "$root" --kubelet-check --config abs.yaml
must typed-link-policy out 'memory manager policy: Static'
check "typed --kubelet-state ../state" "0|3" "$bin" --root "$root" --kubelet-state ../state
must typed-state-read out 'checkpoint: \.\./state'
check "typed --kubelet-state link" "0|3" "$bin" --root "$root" --kubelet-state abs-state
check "typed --config=" "0|3" "$bin" --root "$root" --kubelet-check --config= --memory-manager-policy=None
mustnot typed-empty-config out ', config'
check "typed --config missing" 1 "$bin" --root "$root" --kubelet-check --config ../none.yaml
must typed-missing-named err 'none\.yaml'
# From a folder reached through a link, .. is the folder's real parent, as
# for any command the shell runs.
cd "$work/typed-elsewhere/link/here" || exit 1
check "typed --config ../k.yaml through a linked folder" "0|3" "$bin" --root "$root" --kubelet-check --config ../k.yaml
must typed-linked-folder out 'memory manager policy: Static'
cd "$work" || exit 1
if command -v xmllint > /dev/null; then
    # Every hostile tree's picture is well-formed XML.
    for tree in "$work"/trees/*; do
        timeout -k 1 10 "$bin" --root "$tree" --draw - > "$work/svg" 2> /dev/null
        if [ ! -s "$work/svg" ]; then continue; fi
        if xmllint --noout "$work/svg" 2> "$work/err"; then passed=$((passed + 1)); else fail "svg $(basename "$tree")" "xmllint refuses the SVG"; fi
    done
else
    echo "hostile: xmllint SKIPPED (Debian package libxml2-utils)"
fi

# --- Command-line numbers --------------------------------------------------
env=""
check "shmmode overflow" 1 "$bin" --shmmode 77777777777 --length 4096 --shm 1 --interleave=all
must shmmode-named err "'77777777777'"
check "shmmode 10000" 1 "$bin" -M 10000 -L 4096 -S 1 -i all
check "pci signs" 1 "$bin" --cpunodebind=pci:-0:-0.-0 true
must pci-signs-named err "invalid PCI address '-0:-0.-0'"
check "pci plus" 1 "$bin" --cpunodebind=pci:+0:0.0 true
must pci-plus-named err "invalid PCI address"

echo "hostile: most CPU ${worst_cpu} s, most memory ${worst_rss} kB"
finish
