#!/bin/sh
# kubelet.*: a process named kubelet, with a real command line and
# configuration file, found through /proc by --kubelet-check and checked
# against this guest's nodes; --kubelet-suggest balances it.
. /tests/lib.sh

# The default hard eviction threshold (100Mi) is the whole Node Allocatable
# reservation: split it over the first two memory nodes.
cat > /tmp/kubelet.yaml << CONF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
memoryManagerPolicy: Static
reservedMemory:
  - numaNode: $MA
    limits:
      memory: 60Mi
CONF
printf '#!/bin/sh\nwhile :; do sleep 1; done\n' > /tmp/kubelet
chmod +x /tmp/kubelet
if [ "$MA" = "$MB" ]; then second="$MA:memory=60Mi"; else second="$MB:memory=40Mi"; fi
/tmp/kubelet --config=/tmp/kubelet.yaml --v 2 --reserved-memory "$MA:memory=60Mi" --reserved-memory "$second" &
pid=$!
sleep 1

run $SW --kubelet-check
if [ "$MA" = "$MB" ]; then
    # One memory node: 60Mi twice on it is a duplicate the kubelet refuses.
    check kubelet.found "exit $RC: $(oneline "$OUT") $(oneline "$ERR")" grep -q "kubelet: kubelet pid $pid, config /tmp/kubelet.yaml" "$OUT"
    check kubelet.refused "exit $RC: $(oneline "$OUT")" [ "$RC" = 3 ]
else
    check kubelet.found "exit $RC: $(oneline "$OUT") $(oneline "$ERR")" grep -q "kubelet: kubelet pid $pid, config /tmp/kubelet.yaml" "$OUT"
    check kubelet.accepted "exit $RC: $(oneline "$OUT")" [ "$RC" = 0 ]
    check kubelet.state-table "no machine state for node $MB: $(oneline "$OUT")" grep -q "^  $MB  *memory" "$OUT"
fi

run $SW --json --kubelet-suggest
check kubelet.suggest "exit $RC: $(oneline "$ERR")" [ "$RC" = 0 ]
check kubelet.suggest-json "no --reserved-memory flags: $(oneline "$OUT")" grep -q '"--reserved-memory=' "$OUT"

kill "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
run $SW --kubelet-check
check kubelet.gone "exit $RC, want 1 once the kubelet is gone" [ "$RC" = 1 ]
exit 0
