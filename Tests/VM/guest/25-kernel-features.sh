#!/bin/sh
# kernel.*: policies the guest's kernel lacks are refused with a message that
# names the kernel feature, and those it has work.
. /tests/lib.sh

if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
    run $SW -w "$MA" -- $SW --show
    check kernel.weighted-interleave "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
    check kernel.weighted-interleave-show "--show: $(oneline "$OUT")" grep -q '^policy: weighted-interleave$' "$OUT"
else
    run $SW -w "$MA" true
    check kernel.weighted-interleave-refused "exit $RC, want 1" [ "$RC" = 1 ]
    check kernel.weighted-interleave-message "stderr does not name Linux 6.9: $(oneline "$ERR")" grep -q 'Linux 6.9' "$ERR"
    check kernel.weighted-interleave-no-stdout "stdout not empty" [ ! -s "$OUT" ]
fi

# preferred-many came with Linux 5.15; every kernel the suite boots has it.
run $SW -P "$MA" -- $SW --show
check kernel.preferred-many "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
check kernel.preferred-many-show "--show: $(oneline "$OUT")" grep -q '^policy: preferred-many$' "$OUT"
exit 0
