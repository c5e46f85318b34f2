#!/bin/sh
# affinity.*: the CPU affinity the started command really gets, read from
# its /proc/self/status.
. /tests/lib.sh

# affinity NAME WANT_CPUS OPTIONS...
affinity() {
    name=$1; want=$(canon $2); shift 2
    run $SW "$@" -- cat /proc/self/status
    if [ "$RC" != 0 ]; then
        notok "$name" "'swnuma $*' exited $RC: $(oneline "$ERR")"
        return
    fi
    got=$(canon $(allowed_cpus))
    check "$name" "'swnuma $*' gave CPUs '$got', want '$want'" [ "$got" = "$want" ]
}

affinity affinity.none "$ALLCPUS"
affinity affinity.physcpubind-0 0 -C 0
if [ "$NCPUS" -ge 2 ]; then
    affinity affinity.physcpubind-1 1 -C 1
    affinity affinity.physcpubind-list "0 1" -C 0,1
fi
affinity affinity.cpunodebind "$(cpus_of "$NB")" -N "$NB"
affinity affinity.cpunodebind-first "$(cpus_of "$MA")" -N "$MA"
exit 0
