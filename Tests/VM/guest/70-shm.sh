#!/bin/sh
# shm.*: shared-memory mode.  A region of a tmpfs file (--file) or of a
# System V segment (--shm) gets a policy, is touched, and --dump-nodes must
# show its pages where the policy puts them; --dump must show the policy.
# shm.ref.* run the same command line under numactl on a fresh file of its
# own and compare stdout and exit status byte for byte.
. /tests/lib.sh

DIR=/tmp/shm
mkdir -p "$DIR"
LEN=64k
PAGES=16

hex16() { printf '%016x' "$1"; }

# expect NAME LINE...: the last run exited 0 and printed exactly these lines.
expect() {
    name=$1; shift
    if [ "$RC" != 0 ]; then notok "$name" "exit $RC: $(oneline "$ERR")"; return; fi
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi > /tmp/expected
    if cmp -s /tmp/expected "$OUT"; then ok "$name"; else
        notok "$name" "got '$(oneline "$OUT")', want '$(oneline /tmp/expected)'"
    fi
}

# interleave_lines NODES...: the --dump-nodes lines of $PAGES pages
# interleaved over NODES in order.  The kernel starts a shared object's
# cycle at a node that depends on its inode number, so the cycle starts at
# whatever node the first page of the last output ($OUT) is on.
interleave_lines() {
    first=$(sed -n '1s/.*: //p' "$OUT")
    s=0; j=1
    for n in "$@"; do [ "$n" = "$first" ] && s=$((j - 1)); j=$((j + 1)); done
    i=0; k=$#
    while [ "$i" -lt "$PAGES" ]; do
        n=$(nth $(((i + s) % k + 1)) "$@")
        echo "$(hex16 $((i * 4096)))-$(hex16 $(((i + 1) * 4096))): $n"
        i=$((i + 1))
    done
}

# like_ref NAME ARGS...: ARGS with FILE standing for a fresh path give the
# same stdout and status under swnuma and numactl.
like_ref() {
    name=$1; shift
    sw=""; ref=""
    for a in "$@"; do
        if [ "$a" = FILE ]; then sw="$sw $DIR/sw-$name"; ref="$ref $DIR/ref-$name"; else sw="$sw $a"; ref="$ref $a"; fi
    done
    run $SW $sw; cp "$OUT" /tmp/sw.out; swrc=$RC
    run $REF $ref
    if [ "$swrc" = "$RC" ] && cmp -s /tmp/sw.out "$OUT"; then ok "shm.ref.$name"; else
        notok "shm.ref.$name" "swnuma exit $swrc '$(oneline /tmp/sw.out)', numactl exit $RC '$(oneline "$OUT")'"
    fi
}

END=$(hex16 65536)
ALL=$(canon $MEMNODES)

run $SW -L $LEN --file $DIR/il-all -i all --touch --dump-nodes
expect shm.interleave-all "$(interleave_lines $ALL)"
run $SW -L $LEN --file $DIR/il-all --dump
expect shm.dump.interleave-all "0000000000000000-$END: interleave : $(echo $ALL | sed 's/$/ /')"

run $SW -L $LEN --file $DIR/il-two -i "$MA,$MB" --touch --dump-nodes
expect shm.interleave-two "$(interleave_lines $(canon $MA $MB))"
run $SW -L $LEN --file $DIR/il-two --dump
expect shm.dump.interleave-two "0000000000000000-$END: interleave : $(canon $MA $MB) "

for n in $MA $MB; do
    run $SW -L $LEN --file $DIR/bind-$n -m "$n" --touch --dump-nodes --dump
    expect shm.bind.node$n "0000000000000000-$END: $n" "0000000000000000-$END: bind : $n "
    run $SW -L $LEN --file $DIR/pref-$n -p "$n" --touch --dump-nodes
    expect shm.preferred.node$n "0000000000000000-$END: $n"
done

# An offset region: only its pages get the policy, and the dump counts from the file's start.
run $SW -L 16k -o 8k --file $DIR/offset -m "$MB" --touch --dump-nodes --dump
expect shm.offset "$(hex16 8192)-$(hex16 24576): $MB" "$(hex16 8192)-$(hex16 24576): bind : $MB "

# The policy stays with the file: a later run that only dumps sees it.
run $SW -L $LEN --file $DIR/bind-$MB --dump
expect shm.policy-persists "0000000000000000-$END: bind : $MB "

# --verify after interleave and bind: silent, exit 0.
run $SW -L $LEN --file $DIR/verify-il -i all --verify
expect shm.verify.interleave
run $SW -L $LEN --file $DIR/verify-bind -m "$MB" --verify
expect shm.verify.bind

# System V: create with a length, bind, touch; then an attach without one.
run $SW -L $LEN --shm $DIR/key -m "$MB" --touch --dump-nodes
expect shm.sysv.bind "0000000000000000-$END: $MB"
run $SW --shm $DIR/key --dump
expect shm.sysv.existing "0000000000000000-$END: bind : $MB "
run $SW -I 7 -L $LEN --shm $DIR/key -i all --touch --dump-nodes
expect shm.sysv.interleave "$(interleave_lines $ALL)"

# (page by page placement is not compared: the kernel starts each file's round at a node of its own)
like_ref interleave-all -L $LEN --file FILE -i all --touch --dump
like_ref bind -L $LEN --file FILE -m "$MB" --touch --dump-nodes --dump
like_ref offset -L 16k -o 8k --file FILE -m "$MB" --touch --dump --dump-nodes
like_ref local -L $LEN --file FILE -l --dump

# Refused without --length (numactl too): exit 1, nothing on stdout.
run $SW --file $DIR/no-length -m "$MA" --dump
if [ "$RC" = 1 ] && [ ! -s "$OUT" ]; then ok shm.no-length; else notok shm.no-length "exit $RC, stdout '$(oneline "$OUT")'"; fi

rm -rf "$DIR"
command -v ipcrm > /dev/null && for id in $(ipcs -m 2> /dev/null | awk '$1 ~ /^0x/ { print $2 }'); do ipcrm -m "$id"; done
exit 0
