#!/bin/sh
# process.*: swnuma --process against the kernel's own view of a running
# process.  touchmem touches 16 MiB under a policy and stays alive; swnuma
# --process --json must give, per node, exactly the bytes its numa_maps
# says (summed here with awk), the threads' node from /proc/PID/stat, and
# the remote and outside-policy figures the setup implies:
#   bound      -m MB: everything on MB, nothing outside the policy
#   interleave -i all: pages on every memory node, nothing outside
#   migrated   -m MA, then migratepages MA -> MB: the pages are outside bind:MA
#   remote     -N X -m Y (X != Y): the memory is all remote
#   shared     -m MB, a shared anonymous mapping (shmem) whose pages a child
#              bound to MA wrote: PostgreSQL's shared buffers off their
#              bound node; shared bytes, all outside the policy
. /tests/lib.sh

MIB=16
BYTES=$((MIB * 1048576))
JSON=/tmp/process.json

# maps_bytes PID NODE: bytes of NODE in PID's numa_maps (pages x page size).
maps_bytes() {
    awk -v key="N$2=" '{
        ps = 4
        for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); ps = a[2] }
        for (i = 1; i <= NF; i++) if (index($i, key) == 1) { split($i, a, "="); s += a[2] * ps * 1024 }
    } END { printf "%.0f\n", s }' "/proc/$1/numa_maps"
}

# json_node_bytes NODE: total_bytes of NODE in memory.nodes of $JSON (0 when absent).
json_node_bytes() {
    awk -v want="$1" '
        /"nodes": \[$/ && !done { inside = 1; next }
        inside && /"policies"/ { inside = 0; done = 1 }
        inside && /"node":/ { v = $2; gsub(/[^0-9]/, "", v); n = v }
        inside && /"total_bytes"/ && n == want { v = $2; gsub(/[^0-9]/, "", v); print v; found = 1; exit }
        END { if (!found) print 0 }' "$JSON"
}

# json_node_sum FIELD: FIELD summed over memory.nodes of $JSON.
json_node_sum() {
    awk -v key="\"$1\"" '
        /"nodes": \[$/ && !done { inside = 1; next }
        inside && /"policies"/ { inside = 0; done = 1 }
        inside && index($0, key) { v = $2; gsub(/[^0-9]/, "", v); s += v }
        END { printf "%.0f\n", s }' "$JSON"
}

# all NAME DETAIL TEST: ok when TEST (shell text) holds.
all() { name=$1; detail=$2; shift 2; if eval "$*"; then ok "$name"; else notok "$name" "$detail"; fi; }

# json_number KEY: the first value of KEY in $JSON.
json_number() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$JSON" | head -1; }

# start NAME OPTIONS...: runs touchmem under swnuma OPTIONS, holding its
# memory until /tmp/NAME.stop exists; sets PID (empty on failure).
start() {
    name=$1; shift
    rm -f "/tmp/$name.stop" "/tmp/$name.out"
    $SW "$@" -- touchmem $MIB "/tmp/$name.stop" > "/tmp/$name.out" 2>&1 &
    PID=$!
    i=0
    while ! grep -q '^policy=' "/tmp/$name.out" 2> /dev/null && [ $i -lt 300 ]; do
        kill -0 "$PID" 2> /dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    grep -q '^policy=' "/tmp/$name.out" 2> /dev/null || { notok "process.$name.start" "$(oneline "/tmp/$name.out")"; PID=""; }
}

stop() { touch "/tmp/$1.stop"; wait "$PID" 2> /dev/null; }

# matches NAME: every node's bytes in the JSON equal numa_maps' for PID.
matches() {
    bad=""
    for n in $NODES; do
        want=$(maps_bytes "$PID" "$n")
        got=$(json_node_bytes "$n")
        [ "$want" = "$got" ] || bad="$bad node$n:$got!=$want"
    done
    check "process.$1.per-node" "$bad" [ -z "$bad" ]
}

# look NAME: swnuma --process PID --json into $JSON; checks it worked.
look() {
    run $SW --process "$PID" --json
    cp "$OUT" "$JSON"
    check "process.$1.json" "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
}

# The node whose CPUs include CPU (field 39 of /proc/PID/stat).
node_of_cpu() {
    for n in $NODES; do contains "$(cpus_of "$n")" "$1" && { echo "$n"; return; }; done
}

# bound: everything on MB.
start bound -m "$MB"
if [ -n "$PID" ]; then
    look bound
    matches bound
    on=$(json_node_bytes "$MB")
    outside=$(json_number outside_policy_bytes)
    check process.bound.on-node "$on bytes on node $MB, want >= $BYTES" [ "$on" -ge "$BYTES" ]
    check process.bound.outside "outside $outside" [ "$outside" = 0 ]
    check process.bound.policy "$(grep '"policy"' "$JSON" | tr -s ' ' | tr '\n' ' ')" grep -q "\"policy\": \"bind:$MB\"" "$JSON"
    # The kernel's counter of anonymous memory agrees within a tenth.
    rss=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status")
    anon=$(($(json_node_sum anonymous_bytes) / 1024))
    all process.bound.rss-anon "anonymous $anon kB, RssAnon $rss kB" \
        '[ "$anon" -ge $((rss * 9 / 10)) ] && [ "$anon" -le $((rss * 11 / 10)) ]'
    stop bound
fi

# interleave: pages on every memory node, none outside.
start interleave -i all
if [ -n "$PID" ]; then
    look interleave
    matches interleave
    empty=""
    for n in $MEMNODES; do [ "$(json_node_bytes "$n")" -gt 0 ] || empty="$empty $n"; done
    check process.interleave.every-node "no pages on:$empty" [ -z "$empty" ]
    check process.interleave.outside "outside $(json_number outside_policy_bytes)" [ "$(json_number outside_policy_bytes)" = 0 ]
    check process.interleave.policy "$(grep '"policy"' "$JSON" | tr -s ' ' | tr '\n' ' ')" grep -q '"policy": "interleave:' "$JSON"
    stop interleave
fi

# migrated: bound to MA, moved to MB by migratepages: outside its policy.
if [ "$MA" != "$MB" ]; then
    start migrated -m "$MA"
    if [ -n "$PID" ]; then
        run swnuma-migratepages "$PID" "$MA" "$MB"
        check process.migrated.migratepages "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
        look migrated
        matches migrated
        outside=$(json_number outside_policy_bytes)
        check process.migrated.outside "outside $outside, want >= $((BYTES * 9 / 10))" [ "$outside" -ge $((BYTES * 9 / 10)) ]
        run $SW --process "$PID"
        check process.migrated.text "$(oneline "$OUT")" grep -q "outside  *[0-9.]*% outside what its policies allow" "$OUT"
        stop migrated
    fi
fi

# remote: running on node X, memory bound to another node Y.
X=""; Y=""
for n in $CPUNODES; do
    for m in $MEMNODES; do
        [ "$m" != "$n" ] && [ -z "$X" ] && { X=$n; Y=$m; }
    done
done
if [ -n "$X" ]; then
    start remote -N "$X" -m "$Y"
    if [ -n "$PID" ]; then
        look remote
        matches remote
        cpu=$(sed 's/.*) //' "/proc/$PID/stat" | awk '{ print $37 }')
        running=$(sed -n '/"running_nodes"/s/.*\[\(.*\)\].*/\1/p' "$JSON")
        all process.remote.running "running_nodes [$running], stat says cpu $cpu (node $(node_of_cpu "$cpu"))" \
            '[ "$running" = "$X" ] && [ "$(node_of_cpu "$cpu")" = "$X" ]'
        remote=$(json_number remote_bytes)
        total=$(json_number total_bytes)
        check process.remote.share "remote $remote of $total" [ "$remote" -ge $((BYTES * 9 / 10)) ]
        stop remote
    fi
fi

# shared: the PostgreSQL case. Shared memory follows its mapping's policy
# (bind:MB), so its pages on MA are outside it, and counted as shared.
if [ "$MA" != "$MB" ]; then
    export TOUCHMEM_SHARED_NODE=$MA
    start shared -m "$MB"
    unset TOUCHMEM_SHARED_NODE
    if [ -n "$PID" ]; then
        look shared
        matches shared
        check process.shared.mapping "$(grep -c 'dev/zero' "/proc/$PID/numa_maps") /dev/zero lines" grep -q 'bind:'"$MB"' file=/dev/zero' "/proc/$PID/numa_maps"
        on=$(maps_bytes "$PID" "$MA")
        shared=$(json_node_sum shared_bytes)
        outside=$(json_number outside_policy_bytes)
        outside_shared=$(json_number outside_policy_shared_bytes)
        all process.shared.bytes "shared $shared, want >= $BYTES" '[ "$shared" -ge "$BYTES" ]'
        all process.shared.outside "outside $outside, shared outside $outside_shared, on node $MA $on" \
            '[ "$outside" -ge "$BYTES" ] && [ "$outside_shared" -ge "$BYTES" ] && [ "$on" -ge "$BYTES" ]'
        run $SW --process "$PID"
        check process.shared.text "$(oneline "$OUT")" grep -q "of it shared memory" "$OUT"
        stop shared
    fi
fi

# A pid that does not exist: said so, exit 1, no crash.
run $SW --process 99999999
all process.vanished "exit $RC: $(oneline "$ERR")" '[ "$RC" = 1 ] && grep -q "does not exist" "$ERR"'
exit 0
