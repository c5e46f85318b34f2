#!/bin/sh
# devices.*: a device behind a PCI expander bridge on a node (topologies.conf,
# PXB_DEVICES): the kernel's numa_node, `swnuma --devices`, and the pci: and
# netdev: specs against numactl's.
. /tests/lib.sh
[ -n "${PXB_DEVICES:-}" ] || exit 0

for entry in $PXB_DEVICES; do
    model=${entry%:*}
    node=${entry#*:}
    case $model in
        virtio-net-pci) class=0x020000 ;;
        *) continue ;;
    esac
    # The function: of that class, on a bus the expander bridge made (not 00).
    fn=
    for dir in /sys/bus/pci/devices/*; do
        [ "$(cat "$dir/class")" = "$class" ] || continue
        case ${dir##*/} in 0000:00:*) continue ;; esac
        fn=${dir##*/}
    done
    if [ -z "$fn" ]; then
        notok "devices.$model.function" "no PCI function of class $class behind the expander bridge"
        continue
    fi
    kernel=$(cat "/sys/bus/pci/devices/$fn/numa_node")
    check "devices.$model.kernel-node" "the kernel puts $fn on node $kernel, the topology on $node" [ "$kernel" = "$node" ]

    run $SW --devices
    section=$(awk -v f=" $fn " '/^node /{s=$2; next} index($0, f) {print s; exit}' "$OUT")
    check "devices.$model.listed" "swnuma --devices lists $fn under node '$section', want $node: $(oneline "$OUT")" \
        [ "$section" = "$node" ]

    spec=pci:${fn#0000:}
    run $SW -m "$spec" --show
    mine=$(cat "$OUT")
    run $REF -m "$spec" --show
    bus=${fn%:*}
    if [ -d "/sys/devices/pci$bus/$fn" ]; then
        check "devices.$model.pci-spec" "'-m $spec --show': swnuma '$mine', numactl '$(oneline "$OUT")'" \
            [ "$mine" = "$(cat "$OUT")" ]
    else
        # numactl reads /sys/devices/pciSEG:BUS/FUNCTION/numa_node, which
        # exists only for a function on a root bus; behind the expander
        # bridge's own bridge it refuses the spec. swnuma finds any function.
        check "devices.$model.pci-spec-numactl" "numactl accepted '$spec' behind a bridge (status $RC)" [ "$RC" != 0 ]
    fi
    check "devices.$model.pci-node" "'-m $spec --show' gave '$mine', want membind $node" \
        sh -c "echo \"\$0\" | grep -q '^membind: $node *\$'" "$mine"

    # With its driver loaded, the interface walks up to the same function.
    for link in /sys/class/net/*; do
        case $(readlink -f "$link") in
            */"$fn"/*)
                nic=${link##*/}
                run $SW -m "netdev:$nic" --show
                mine=$(cat "$OUT")
                run $REF -m "netdev:$nic" --show
                check "devices.$model.netdev-spec" "'-m netdev:$nic --show': swnuma '$mine', numactl '$(oneline "$OUT")'" \
                    [ "$mine" = "$(cat "$OUT")" ]
                ;;
        esac
    done
done
exit 0
