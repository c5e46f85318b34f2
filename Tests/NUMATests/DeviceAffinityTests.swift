import Foundation
@testable import NUMA
import SwnumaTestSupport
import Testing

/// Device forms of <nodes> resolved against a sysfs tree written by the test.
@Suite struct DeviceAffinityTests {
    let root: SystemRoot

    init() throws {
        let files = [
            "sys/class/net/eth9/device/numa_node": "1\n",
            "sys/class/net/lo/uevent": "",
            "sys/class/net/unknown0/device/numa_node": "-1\n",
            "sys/class/block/nvme0n1/device/numa_node": "0\n",
            "sys/bus/pci/devices/0000:3b:00.0/numa_node": "1\n",
            "sys/bus/pci/devices/0001:00:1f.2/numa_node": "0\n",
            // destination 10.0.0.0/8 via eth9, default route via eth8; little-endian hex as the kernel writes it
            "proc/net/route": "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                + "eth8\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\n"
                + "eth9\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\n",
        ]
        root = try SnapshotTree(files, label: "devices").root
    }

    func message(_ spec: String) -> String {
        do {
            return "resolved \(try DeviceAffinity.nodes(for: spec, root: root))"
        } catch {
            return error.description
        }
    }

    @Test func resolves() throws {
        #expect(try DeviceAffinity.nodes(for: "netdev:eth9", root: root) == [1])
        #expect(try DeviceAffinity.nodes(for: "netdev: eth9", root: root) == [1])
        #expect(try DeviceAffinity.nodes(for: "block:nvme0n1", root: root) == [0])
        #expect(try DeviceAffinity.nodes(for: "pci:3b:00.0", root: root) == [1])
        #expect(try DeviceAffinity.nodes(for: "pci:3b:00", root: root) == [1])
        #expect(try DeviceAffinity.nodes(for: "pci:1:0:1f.2", root: root) == [0])
        // 10.1.2.3 leaves by eth9 (the /8 beats the default route).
        #expect(try DeviceAffinity.nodes(for: "ip:10.1.2.3", root: root) == [1])
    }

    @Test func refusesWithReasons() {
        #expect(message("netdev:a.b") == "invalid net device name 'a.b'")
        #expect(message("netdev:nonexist") == "no network interface 'nonexist' (sys/class/net/nonexist)")
        #expect(message("netdev:unknown0").contains("the kernel does not know the NUMA node"))
        #expect(message("netdev:lo").contains("cannot read the NUMA node of network interface 'lo'"))
        #expect(message("pci:zz").hasPrefix("invalid PCI address 'zz'"))
        #expect(message("pci:3b:20.0").hasPrefix("invalid PCI address"))
        #expect(message("pci:3c:00.0") == "no PCI device 0000:3c:00.0 (sys/bus/pci/devices/0000:3c:00.0)")
        // The default route leaves by eth8, which sysfs does not list.
        #expect(message("ip:192.0.2.1") == "no network interface 'eth8' (sys/class/net/eth8)")
        #expect(message("file:/nonexistent/x").hasPrefix("cannot stat file '/nonexistent/x'"))
    }
}

/// A sysfs tree shaped like a KVM or cloud guest's: class entries are links
/// into `sys/devices`, and a virtio device's node is on its PCI function.
@Suite struct VirtualMachineDeviceTests {
    let root: SystemRoot

    init() throws {
        let files = [
            // virtio-net behind a PCI expander bridge's function on node 1
            "sys/devices/pci0000:20/0000:20:00.0/numa_node": "1\n",
            "sys/devices/pci0000:20/0000:20:00.0/virtio3/net/eth0/ifindex": "2\n",
            // virtio-blk on the root bus, node 0; a partition inside the disk's folder
            "sys/devices/pci0000:00/0000:00:04.0/numa_node": "0\n",
            "sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/dev": "252:0\n",
            "sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1/dev": "252:1\n",
            "sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1/partition": "1\n",
            // a NIC whose function the kernel knows no node for
            "sys/devices/pci0000:00/0000:00:05.0/numa_node": "-1\n",
            "sys/devices/pci0000:00/0000:00:05.0/virtio2/net/eth1/ifindex": "3\n",
            "sys/devices/virtual/net/lo/ifindex": "1\n",
        ]
        let links = [
            "sys/class/net/eth0": "../../devices/pci0000:20/0000:20:00.0/virtio3/net/eth0",
            "sys/class/net/eth1": "../../devices/pci0000:00/0000:00:05.0/virtio2/net/eth1",
            "sys/class/net/lo": "../../devices/virtual/net/lo",
            "sys/class/block/vda": "../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda",
            // an absolute target starts at the root, not at the real /
            "sys/class/block/vda1": "/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
            "sys/devices/pci0000:20/0000:20:00.0/virtio3/net/eth0/device": "../../../virtio3",
            "sys/class/net/loop": "loop",
        ]
        root = try SnapshotTree(files, links: links, label: "vm").root
    }

    func message(_ spec: String) -> String {
        do {
            return "resolved \(try DeviceAffinity.nodes(for: spec, root: root))"
        } catch {
            return error.description
        }
    }

    @Test func walksUpToThePCIFunction() throws {
        #expect(try DeviceAffinity.nodes(for: "netdev:eth0", root: root) == [1])
        #expect(try DeviceAffinity.nodes(for: "block:vda", root: root) == [0])
        #expect(try DeviceAffinity.nodes(for: "block:vda1", root: root) == [0])
    }

    @Test func saysWhatTheKernelSaid() {
        #expect(message("netdev:eth1") == "the kernel does not know the NUMA node of network interface 'eth1' (sys/devices/pci0000:00/0000:00:05.0/numa_node is -1)")
        #expect(message("netdev:lo") == "cannot read the NUMA node of network interface 'lo': no numa_node in sys/devices/virtual/net/lo or a folder above it")
        // A link that loops is no interface at all.
        #expect(message("netdev:loop") == "no network interface 'loop' (sys/class/net/loop)")
    }

    @Test func inventoryFindsTheNodesTheSpecsFind() throws {
        let names = PCIIDs(parsing: Array("""
            # comment
            1af4  Red Hat, Inc.
            \t1000  Virtio network device
            C 02  Network controller
            \t00  Ethernet controller

            """.utf8))
        // The tree has class links but no PCI class files: names need a class.
        let inventory = DeviceInventory.read(from: root, names: names)
        let byName = Dictionary(uniqueKeysWithValues: inventory.devices.map { ($0.name, $0) })
        #expect(byName["eth0"]?.node == 1 && byName["eth0"]?.pciAddress == "0000:20:00.0")
        #expect(byName["eth0"]?.nodeFile == "sys/devices/pci0000:20/0000:20:00.0/numa_node")
        #expect(byName["vda"]?.node == 0 && byName["vda"]?.kind == .block)
        #expect(byName["eth1"]?.node == nil && byName["eth1"]?.nodeFile == "sys/devices/pci0000:00/0000:00:05.0/numa_node")
        #expect(byName["lo"] == nil && byName["vda1"] == nil)
        #expect(inventory.devices(onNode: 1).map(\.name) == ["eth0"])
        #expect(inventory.withoutNode.map(\.name) == ["eth1"])
        #expect(names.className(0x020000) == "Ethernet controller")
        #expect(names.className(0x028000) == "Network controller")
        #expect(names.model(vendor: 0x1af4, device: 0x1000) == "Red Hat, Inc. Virtio network device")
        #expect(names.model(vendor: 0x1af4, device: 0x1041) == "Red Hat, Inc.")
        #expect(names.model(vendor: 0x8086, device: 0x1000) == nil)
    }

    @Test func canonicalPathsStayInTheRoot() {
        #expect(SysfsDevice.canonical("sys/class/net/eth0", root: root) == "sys/devices/pci0000:20/0000:20:00.0/virtio3/net/eth0")
        #expect(SysfsDevice.canonical("sys/class/net/eth0/device", root: root) == "sys/devices/pci0000:20/0000:20:00.0/virtio3")
        #expect(SysfsDevice.canonical("sys/class/block/vda1", root: root) == "sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1")
        #expect(SysfsDevice.canonical("../../../sys/class/net", root: root) == "sys/class/net")
        #expect(SysfsDevice.canonical("sys/class/net/loop", root: root) == nil)
    }
}
