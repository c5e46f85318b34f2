# Shared helpers for the swnuma guest checks (busybox sh).  Sourced by every
# /tests/NN-*.sh; reads the topology expectations run.sh generated from
# topologies.conf.
#
# Every check prints exactly one line: "ok NAME" or "not ok NAME: DETAIL".

. "${SWNUMA_TOPO_ENV:-/topo/none.env}"

SW=${SW:-swnuma}          # binary under test
REF=${REF:-numactl}       # Debian's numactl 2.0.16, the reference
T=${T:-30}                # seconds one command may take
OUT=/tmp/check.out
ERR=/tmp/check.err

ok() { echo "ok $1"; }
notok() { echo "not ok $1: $2"; }

# check NAME DETAIL COMMAND...: ok when COMMAND succeeds.
check() {
    name=$1; detail=$2; shift 2
    if "$@"; then ok "$name"; else notok "$name" "$detail"; fi
}

# run CMD...: runs with a time limit, stdout in $OUT, stderr in $ERR, status
# in $RC.
run() {
    timeout "$T" "$@" > "$OUT" 2> "$ERR"
    RC=$?
}

# One line of a file, squeezed for a failure message.
oneline() { tr '\n' '|' < "$1" | tr -s ' ' | cut -c1-300; }

# expand "0-2,5" -> "0 1 2 5"
expand() {
    echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
        [ -n "$a" ] || continue
        if [ -n "$b" ]; then seq "$a" "$b"; else echo "$a"; fi
    done | tr '\n' ' ' | sed 's/ $//'
}

# words in canonical form: sorted numerically, single spaces
canon() { echo $* | tr ' ' '\n' | grep -v '^$' | sort -n | uniq | tr '\n' ' ' | sed 's/ $//'; }

nth() { n=$1; shift; eval "echo \${$n:-}"; }
count() { echo $#; }
contains() { for w in $1; do [ "$w" = "$2" ] && return 0; done; return 1; }

cpus_of() { eval "echo \$CPUS_$1"; }
mem_of() { eval "echo \$MEM_$1"; }
dist_of() { eval "echo \$DIST_$1"; }
first_cpu_of() { nth 1 $(cpus_of "$1"); }

# Nodes the checks use, chosen from the topology:
#   MA, MB  the first two memory nodes
#   NB      a node with CPUs and memory, the second such if there is one
MA=$(nth 1 $MEMNODES)
MB=$(nth 2 $MEMNODES); MB=${MB:-$MA}
BOTH=""
for n in $NODES; do
    [ -n "$(cpus_of "$n")" ] && [ "$(mem_of "$n")" -gt 0 ] && BOTH="$BOTH $n"
done
NB=$(nth 2 $BOTH); NB=${NB:-$(nth 1 $BOTH)}
NCPUS=$(count $ALLCPUS)

# Cpus_allowed_list of the last "cat /proc/self/status" in $OUT, expanded.
allowed_cpus() { expand "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$OUT")"; }

# touchmem output fields: field policy | pages | nodeN
tm_policy() { sed -n 's/^policy=\(.*\) pages=.*/\1/p' "$OUT"; }
tm_pages() { sed -n 's/.* pages=\([0-9]*\).*/\1/p' "$OUT"; }
tm_on() { v=$(tr ' ' '\n' < "$OUT" | sed -n "s/^N$1=//p"); echo "${v:-0}"; }
