#!/bin/sh
# exec.*: swnuma replaces itself with the command: exit statuses and signals
# come through unchanged and the pid stays the same.
. /tests/lib.sh

run $SW -- true
check exec.true "exited $RC: $(oneline "$ERR")" [ "$RC" = 0 ]

run $SW -- sh -c 'exit 7'
check exec.status "exited $RC, want 7" [ "$RC" = 7 ]

run $SW -- sh -c 'kill -TERM $$'
check exec.signal "exited $RC, want 143 (SIGTERM)" [ "$RC" = 143 ]

run $SW -m "$MB" -- sh -c 'exit 3'
check exec.status-with-policy "exited $RC, want 3" [ "$RC" = 3 ]

$SW -- sh -c 'echo $$' > /tmp/pid.out 2>/dev/null &
parent_saw=$!
wait "$parent_saw"
child_said=$(cat /tmp/pid.out)
check exec.pid "the shell saw pid $parent_saw, the command said '$child_said'" \
    [ "$parent_saw" = "$child_said" ]

run $SW -- echo hello world
check exec.stdout "printed '$(oneline "$OUT")'" [ "$(cat "$OUT")" = "hello world" ]

run $SW -- /nonexistent/command
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
    ok exec.missing-command
else
    notok exec.missing-command "exited $RC with stderr '$(oneline "$ERR")'"
fi
exit 0
