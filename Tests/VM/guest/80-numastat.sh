#!/bin/sh
# numastat.* and migratepages.*: swnuma's numastat and migratepages modes,
# through the swnuma-numastat and swnuma-migratepages links run.sh puts next
# to swnuma.  numastat must list every node; migratepages must really move a
# process's pages from one memory node to another (seen in its numa_maps).
. /tests/lib.sh

STAT=swnuma-numastat
MIGRATE=swnuma-migratepages

# all NAME DETAIL TEST: ok when TEST (shell text) holds.
all() { name=$1; detail=$2; shift 2; if eval "$*"; then ok "$name"; else notok "$name" "$detail"; fi; }

# Every declared node appears in the header of -n (Node N) and of the
# legacy table (nodeN).
# Into a pipe the tables are never folded, as numastat's.
run $STAT -n
head=$(sed -n 3p "$OUT")
missing=""
for n in $NODES; do echo "$head " | grep -q "Node $n " || missing="$missing $n"; done
n_ok=no; [ "$RC" = 0 ] && [ -z "$missing" ] && grep -q '^Numa_Hit ' "$OUT" && n_ok=yes
check numastat.n-lists-every-node "exit $RC, missing:$missing; $(oneline "$OUT")" [ "$n_ok" = yes ]
run $STAT
missing=""
for n in $NODES; do grep -q "node$n\$\|node$n " "$OUT" || missing="$missing $n"; done
# 16 + 16 per node: five nodes or more do not fit in 80 columns. Into a
# pipe that is one unfolded table; NUMASTAT_WIDTH=80 folds it into sections.
if [ "$(count $NODES)" -ge 5 ]; then
    all numastat.pipe-unfolded "$(oneline "$OUT")" '[ "$(awk "length > 80" "$OUT" | wc -l)" -gt 0 ] && ! grep -q "^\$" "$OUT"'
    run env NUMASTAT_WIDTH=80 $STAT
    all numastat.folds-at-80 "$(oneline "$OUT")" '[ "$(awk "length > 80" "$OUT" | wc -l)" = 0 ] && grep -q "^\$" "$OUT"'
fi
check numastat.legacy-lists-every-node "exit $RC, missing:$missing; $(oneline "$OUT")" [ "$RC$missing" = 0 ]
run $STAT -m
all numastat.meminfo "exit $RC; $(oneline "$OUT")" '[ "$RC" = 0 ] && grep -q "^MemTotal " "$OUT"'

[ "$MA" != "$MB" ] || exit 0

# anon_on PID NODE: pages of PID's anonymous mappings on NODE.
anon_on() {
    grep 'anon=' "/proc/$1/numa_maps" | tr ' ' '\n' | sed -n "s/^N$2=//p" |
        awk '{ s += $1 } END { print s + 0 }'
}

# A shell holding 8 MiB in a variable, its memory bound to MA, waiting on a fifo.
mkfifo /tmp/holder.fifo
$SW -m "$MA" -- sh -c 'x=$(head -c 8388608 /dev/zero | tr "\0" a); echo ready > /tmp/holder.ready; read y < /tmp/holder.fifo; echo ${#x}' > /dev/null &
holder=$!
i=0
while [ ! -e /tmp/holder.ready ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
run $STAT -p "$holder"
all numastat.process "exit $RC; $(oneline "$OUT")" '[ "$RC" = 0 ] && grep -q "for PID $holder " "$OUT"'
before_a=$(anon_on "$holder" "$MA")
before_b=$(anon_on "$holder" "$MB")
run $MIGRATE "$holder" "$MA" "$MB"
after_a=$(anon_on "$holder" "$MA")
after_b=$(anon_on "$holder" "$MB")
detail="exit $RC ($(oneline "$ERR")); anon pages node$MA $before_a -> $after_a, node$MB $before_b -> $after_b"
check migratepages.status "$detail" [ "$RC" = 0 ]
all migratepages.moved "$detail" '[ "$before_a" -ge 2048 ] && [ "$after_a" -le $((before_a / 20)) ] &&
    [ "$after_b" -ge $((before_b + before_a * 9 / 10)) ]'
echo done > /tmp/holder.fifo
wait "$holder" 2> /dev/null
rm -f /tmp/holder.fifo /tmp/holder.ready

run $MIGRATE 99999999 "$MA" "$MB"
all migratepages.no-such-process "exit $RC; $(oneline "$ERR")" '[ "$RC" = 1 ] && grep -q "No such process" "$ERR"'
run $MIGRATE 4294967296 "$MA" "$MB"
all migratepages.pid-overflow "exit $RC; $(oneline "$ERR")" '[ "$RC" = 1 ] && [ ! -s "$OUT" ]'
exit 0
