#!/bin/sh
# policy.* and placement.*: a process started under a policy touches 16 MiB
# (touchmem) and reports, from /proc/self/numa_maps, the policy the kernel
# holds for it (policy.*) and the nodes its pages are on (placement.*).
. /tests/lib.sh

MIB=16
PAGES=$((MIB * 256))

# touch NAME WANT_POLICY OPTIONS...: runs touchmem under OPTIONS and checks
# the kernel's policy string.  Leaves the touchmem line in $OUT.
touch_under() {
    name=$1; want=$2; shift 2
    run $SW "$@" -- touchmem $MIB
    if [ "$RC" != 0 ]; then
        notok "policy.$name" "'swnuma $* -- touchmem' exited $RC: $(oneline "$ERR")"
        notok "placement.$name" "no result"
        return 1
    fi
    got=$(tm_policy)
    check "policy.$name" "kernel policy '$got', want '$want'" [ "$got" = "$want" ]
    return 0
}

# on_nodes NAME NODES: at least 95% of the pages are on NODES.
on_nodes() {
    sum=0
    for n in $2; do sum=$((sum + $(tm_on "$n"))); done
    if [ "$sum" -ge $((PAGES * 95 / 100)) ]; then
        ok "placement.$1"
    else
        notok "placement.$1" "$sum of $PAGES pages on node(s) $2: $(cat "$OUT")"
    fi
}

# spread NAME NODES: every node has between half and one and a half times
# its even share, and all pages are on NODES.
spread() {
    k=$(count $2); share=$((PAGES / k)); bad=""; sum=0
    for n in $2; do
        v=$(tm_on "$n"); sum=$((sum + v))
        if [ "$v" -lt $((share / 2)) ] || [ "$v" -gt $((share * 3 / 2)) ]; then
            bad="$bad N$n=$v"
        fi
    done
    if [ -z "$bad" ] && [ "$sum" -ge $((PAGES * 95 / 100)) ]; then
        ok "placement.$1"
    else
        notok "placement.$1" "uneven or misplaced (share $share):$bad; $(cat "$OUT")"
    fi
}

range() { # canonical kernel node list: "0-1" / "0,2" / "1"
    echo "$*" | tr ' ' '\n' | awk '
        NR == 1 { s = e = $1; next }
        $1 == e + 1 { e = $1; next }
        { out = out sep (s == e ? s : s "-" e); sep = ","; s = e = $1 }
        END { print out sep (s == e ? s : s "-" e) }'
}

# A CPU outside node MB: the membind and preferred runs are pinned there, so
# pages on MB come from the policy and not from local allocation.
AWAY=""
for c in $ALLCPUS; do contains "$(cpus_of "$MB")" "$c" || { AWAY=$c; break; }; done
PIN=""; [ -n "$AWAY" ] && PIN="-C $AWAY"

touch_under default default && on_nodes default "$MEMNODES"
touch_under membind "bind:$MB" -m "$MB" $PIN && on_nodes membind "$MB"
touch_under membind-two "bind:$(range $(canon $MA $MB))" -m "$MA,$MB" &&
    on_nodes membind-two "$MA $MB"
if [ "$MA" != "$MB" ]; then
    touch_under interleave "interleave:$(range $(canon $MA $MB))" -i "$MA,$MB" &&
        spread interleave "$MA $MB"
fi
touch_under interleave-all "interleave:$(range $MEMNODES)" -i all &&
    spread interleave-all "$MEMNODES"
touch_under preferred "prefer:$MB" -p "$MB" $PIN && on_nodes preferred "$MB"
touch_under preferred-many "prefer (many):$(range $(canon $MA $MB))" -P "$MA,$MB" &&
    on_nodes preferred-many "$MA $MB"
touch_under localalloc local -l -C "$(first_cpu_of "$NB")" && on_nodes localalloc "$NB"
for n in $MEMONLY; do
    touch_under "membind-memory-only-node$n" "bind:$n" -m "$n" -C 0 &&
        on_nodes "membind-memory-only-node$n" "$n"
done
exit 0
