import Foundation
import NUMA
import Testing

/// Device forms of <nodes> resolved against a sysfs tree written by the test.
@Suite struct DeviceAffinityTests {
    let root: SystemRoot

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-devices-\(UUID().uuidString)")
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
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        root = try SystemRoot(path: url.path)
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
