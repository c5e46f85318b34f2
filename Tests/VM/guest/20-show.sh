#!/bin/sh
# show.*: "swnuma OPTS swnuma --show" against "numactl OPTS numactl --show"
# for every policy.  Both outputs are normalised before comparing:
#   - trailing whitespace is dropped;
#   - numactl prints "preferred node: " without a newline for the local and
#     flagged policies, gluing the next line to it; swnuma always ends the
#     line, so a glued line is split first;
#   - swnuma lists CPU-only (memoryless) nodes in cpubind/nodebind, numactl
#     does not, so those node ids are dropped from both lines (the
#     memoryless.* checks test that swnuma does list them);
#   - under interleave, "preferred node: N (interleave next)" and
#     "interleavenode: N" name the kernel's next interleave node, which
#     moves with every page the process (or the programs exec'd before it)
#     allocated, so N only has to be a memory node: it becomes "*".
# The exit statuses must match too.
. /tests/lib.sh

normalise() {
    sed -e 's/^\(preferred node: [^:]*\)\(physcpubind:\)/\1\n\2/' \
        -e 's/^\(preferred node: \)\(physcpubind:\)/\1\n\2/' "$1" |
    sed -e 's/[[:space:]]*$//' |
    awk -v drop=" $CPUONLY " -v mem=" $MEMNODES " '
        /^preferred node: [0-9]+ \(interleave next\)$/ && index(mem, " " $3 " ") {
            print "preferred node: * (interleave next)"; next
        }
        /^interleavenode: [0-9]+$/ && index(mem, " " $2 " ") {
            print "interleavenode: *"; next
        }
        /^(cpubind|nodebind):/ {
            out = $1
            for (i = 2; i <= NF; i++) if (index(drop, " " $i " ") == 0) out = out " " $i
            print out; next
        }
        { print }'
}

# compare NAME OPTIONS...
compare() {
    name=$1; shift
    run $SW "$@" $SW --show
    got_rc=$RC; normalise "$OUT" > /tmp/show.got; cp "$ERR" /tmp/show.goterr
    run $REF "$@" $REF --show
    ref_rc=$RC; normalise "$OUT" > /tmp/show.ref
    if [ "$got_rc" != "$ref_rc" ]; then
        notok "$name" "'swnuma $* swnuma --show' exited $got_rc, numactl $ref_rc: $(oneline /tmp/show.goterr)"
    elif ! cmp -s /tmp/show.got /tmp/show.ref; then
        notok "$name" "'swnuma $*' differs (- numactl, + swnuma): $(diff /tmp/show.ref /tmp/show.got | grep '^[-+][^-+]' | head -n 6 | tr '\n' '|')"
    else
        ok "$name"
    fi
}

compare show.default
compare show.membind -m "$MB"
compare show.membind-two -m "$MA,$MB"
compare show.interleave-all -i all
compare show.interleave-two -i "$MA,$MB"
compare show.preferred -p "$MB"
compare show.localalloc -l
compare show.preferred-many -P "$MA,$MB"
compare show.cpunodebind -N "$NB"
compare show.physcpubind -C 0
compare show.cpunodebind-membind -N "$NB" -m "$MB"
compare show.physcpubind-interleave -C 0 -i all

# The plain form, without a nested command.
run $SW --show; normalise "$OUT" > /tmp/show.got; got_rc=$RC
run $REF --show; normalise "$OUT" > /tmp/show.ref
if [ "$got_rc" = 0 ] && cmp -s /tmp/show.got /tmp/show.ref; then
    ok show.plain
else
    notok show.plain "status $got_rc (- numactl, + swnuma): $(diff /tmp/show.ref /tmp/show.got | grep '^[-+][^-+]' | head -n 6 | tr '\n' '|')"
fi
exit 0
