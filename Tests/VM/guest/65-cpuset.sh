#!/bin/sh
# cpuset.*: a real cgroup v2 cpuset that allows only the first memory node
# and its CPUs. Policies and bindings outside it are refused with a message
# that names the cpuset's allowed set (numactl says "Invalid argument").
. /tests/lib.sh

if [ "$NCPUS" -lt 2 ] || [ "$MA" = "$MB" ]; then
    ok cpuset.skipped-needs-two-nodes
    exit 0
fi
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2> /dev/null
if ! echo +cpuset > /sys/fs/cgroup/cgroup.subtree_control 2> /dev/null; then
    notok cpuset.setup "cannot enable the cpuset controller"
    exit 0
fi
mkdir -p /sys/fs/cgroup/job
first=$(first_cpu_of "$MA")
echo "$first" > /sys/fs/cgroup/job/cpuset.cpus
echo "$MA" > /sys/fs/cgroup/job/cpuset.mems

# Runs a command inside the cpuset: the shell joins it, then execs.
cat > /tmp/injob <<'SCRIPT'
#!/bin/sh
echo $$ > /sys/fs/cgroup/job/cgroup.procs && exec "$@"
SCRIPT
chmod +x /tmp/injob
injob=/tmp/injob

run $injob $SW -m "$MB" true
check cpuset.membind-outside-refused "exit $RC, want 1" [ "$RC" = 1 ]
check cpuset.membind-outside-message "stderr does not name node $MB and the allowed node $MA: $(oneline "$ERR")" \
    sh -c "grep -q 'node $MB' $ERR && grep -q 'nodes $MA' $ERR && grep -q cpuset $ERR"

run $injob $SW -a -m "$MB" true
check cpuset.all-membind-outside-refused "exit $RC, want 1" [ "$RC" = 1 ]
check cpuset.all-membind-outside-message "stderr does not say cpuset: $(oneline "$ERR")" grep -q "cpuset" "$ERR"

other=""
for n in $CPUNODES; do
    [ -z "$other" ] && ! contains "$(cpus_of "$n")" "$first" && other=$n
done
if [ -n "$other" ]; then
    run $injob $SW -N "$other" true
    check cpuset.cpunodebind-outside-refused "exit $RC, want 1" [ "$RC" = 1 ]
    check cpuset.cpunodebind-outside-message "stderr does not name the cpuset: $(oneline "$ERR")" grep -q "cpuset /job" "$ERR"
fi

run $injob $SW -m "$MA" -- cat /proc/self/status
check cpuset.membind-inside "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]

run $injob $SW --json -H
check cpuset.json-names-cpuset "-H --json does not report the cpuset /job" grep -q '"path": *"/job"' "$OUT"

echo $$ > /sys/fs/cgroup/cgroup.procs 2> /dev/null
exit 0
