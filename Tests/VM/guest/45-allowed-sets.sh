#!/bin/sh
# allowed.*: what <cpus> and <nodes> are checked against when the caller's
# affinity is narrowed with taskset (not a cpuset): -C stays within the
# affinity at start unless --all comes first; -N may name any node with CPUs
# in the cpuset and widens the affinity to that node's CPUs; --all must come
# before the options it affects.
. /tests/lib.sh

first=$(nth 1 $ALLCPUS)
last=$(echo $ALLCPUS | tr ' ' '\n' | tail -1)
if [ "$first" = "$last" ]; then
    ok allowed.skipped-one-cpu
    exit 0
fi

# the node whose CPUs include $last, and another node with CPUs
lastnode=""
for n in $NODES; do contains "$(cpus_of "$n")" "$last" && lastnode=$n; done

run taskset -c "$first" $SW -C "$last" true
check allowed.physcpubind-outside-affinity "exit $RC, want 1: $(oneline "$ERR")" [ "$RC" = 1 ]
check allowed.physcpubind-message "stderr does not name cpu $last: $(oneline "$ERR")" grep -q "cpu $last" "$ERR"

run taskset -c "$first" $SW --all -C "$last" -- cat /proc/self/status
check allowed.all-physcpubind "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
check allowed.all-physcpubind-cpus "CPUs '$(allowed_cpus)', want '$last'" [ "$(canon $(allowed_cpus))" = "$last" ]

run $SW -C "$last" --all true
check allowed.all-after-spec "exit $RC, want 1" [ "$RC" = 1 ]

run taskset -c "$first" $SW -N "$lastnode" -- cat /proc/self/status
check allowed.cpunodebind-widens "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
want=$(canon $(cpus_of "$lastnode"))
check allowed.cpunodebind-widens-cpus "CPUs '$(canon $(allowed_cpus))', want '$want'" [ "$(canon $(allowed_cpus))" = "$want" ]

run taskset -c "$first" $SW -C +0 -- cat /proc/self/status
check allowed.relative-first "CPUs '$(canon $(allowed_cpus))', want '$first'" [ "$(canon $(allowed_cpus))" = "$first" ]
exit 0
