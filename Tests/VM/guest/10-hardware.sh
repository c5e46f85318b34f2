#!/bin/sh
# hw.*: "swnuma -H" against the topology QEMU was given: the node list, the
# CPUs and memory of every node (memoryless nodes show "size: 0 MB"), the
# distance matrix, and finally the whole output against numactl's (spacing
# and the "free:" lines aside).
. /tests/lib.sh

run $SW -H
cp "$OUT" /tmp/hw.out
if [ "$RC" != 0 ]; then
    notok hw.exit "swnuma -H exited $RC: $(oneline "$ERR")"
    exit 0
fi
ok hw.exit
H=/tmp/hw.out

# available: N nodes (LIST)
line=$(grep '^available:' "$H")
got_n=$(echo "$line" | sed -n 's/^available: *\([0-9]*\) nodes* .*/\1/p')
got_list=$(canon $(expand "$(echo "$line" | sed -n 's/.*(\(.*\)).*/\1/p')"))
if [ "$got_n" = "$(count $NODES)" ] && [ "$got_list" = "$(canon $NODES)" ]; then
    ok hw.available
else
    notok hw.available "got '$line', want $(count $NODES) nodes ($NODES)"
fi

for n in $NODES; do
    # node N cpus: ...
    got=$(canon $(sed -n "s/^node $n cpus:\(.*\)/\1/p" "$H"))
    want=$(canon $(cpus_of "$n"))
    check "hw.cpus.node$n" "got '$got', want '$want'" [ "$got" = "$want" ]

    # node N size: M MB -- equal to the kernel's MemTotal for the node, and
    # close to what QEMU was told.  The kernel keeps some memory for itself
    # (its image and early allocations live on node 0, struct pages on
    # every node), so a node shows somewhat less than declared.
    size=$(sed -n "s/^node $n size: *\([0-9]*\) MB.*/\1/p" "$H")
    kb=$(sed -n 's/.*MemTotal: *\([0-9]*\) kB/\1/p' /sys/devices/system/node/node$n/meminfo)
    kernel=$((kb / 1024))
    declared=$(mem_of "$n")
    if [ "$declared" = 0 ]; then slack=0; elif [ "$n" = "$MA" ]; then slack=64; else slack=8; fi
    if [ -z "$size" ]; then
        notok "hw.size.node$n" "no 'node $n size:' line"
    elif [ "$size" != "$kernel" ]; then
        notok "hw.size.node$n" "shows $size MB, the kernel says $kernel MB"
    elif [ "$size" -gt "$declared" ] || [ "$size" -lt $((declared - slack)) ]; then
        notok "hw.size.node$n" "shows $size MB, declared $declared MB (allowed $slack MB less)"
    else
        ok "hw.size.node$n"
    fi

    free=$(sed -n "s/^node $n free: *\([0-9]*\) MB.*/\1/p" "$H")
    if [ -n "$free" ] && [ -n "$size" ] && [ "$free" -le "$size" ] &&
       { [ "$declared" != 0 ] || [ "$free" = 0 ]; }; then
        ok "hw.free.node$n"
    else
        notok "hw.free.node$n" "free '$free' MB with size '$size' MB"
    fi
done

# node distances: header "node 0 1 ..." then rows "N: d d d"
hdr=$(canon $(sed -n '/^node distances:/{n;p;}' "$H" | sed 's/^node//'))
if [ "$hdr" = "$(canon $NODES)" ]; then
    ok hw.distances.header
else
    notok hw.distances.header "header lists '$hdr', want '$NODES'"
fi
bad=""
for n in $NODES; do
    got=$(sed -n '/^node distances:/,$p' "$H" | sed -n "s/^ *$n: *//p" | tr -s ' ' | sed 's/ *$//')
    want=$(dist_of "$n")
    [ "$got" = "$want" ] || bad="$bad row $n is '$got' want '$want';"
done
check hw.distances "${bad% ;}" [ -z "$bad" ]

# Same facts as numactl prints, whatever the column widths.
$REF -H 2>&1 | grep -v ' free: ' | tr -s ' \t' ' ' | sed 's/ $//' > /tmp/hw.ref
grep -v ' free: ' "$H" | tr -s ' \t' ' ' | sed 's/ $//' > /tmp/hw.got
if cmp -s /tmp/hw.ref /tmp/hw.got; then
    ok hw.same-as-numactl
else
    notok hw.same-as-numactl "(- numactl, + swnuma) $(diff /tmp/hw.ref /tmp/hw.got | grep '^[-+][^-+]' | head -n 4 | tr '\n' '|')"
fi
exit 0
