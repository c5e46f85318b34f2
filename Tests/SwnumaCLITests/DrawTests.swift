import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

/// A machine of `count` nodes: every 8th from 5 without memory, every 8th
/// from 7 without CPUs; distances 10, 12 within a group of 8, 20 + 4 per group apart.
func drawTopology(_ count: Int) -> Topology {
    var cpu = 0
    let nodes = (0..<count).map { id -> Topology.Node in
        let cpus = id % 8 == 7 ? CPUSet() : CPUSet([cpu, cpu + 1])
        if !cpus.isEmpty { cpu += 2 }
        let total: UInt64 = id % 8 == 5 ? 0 : 1 << 34
        let distances = (0..<count).map { other -> Int? in
            other == id ? 10 : other / 8 == id / 8 ? 12 : 20 + 4 * abs(other / 8 - id / 8)
        }
        return Topology.Node(
            id: id, cpus: cpus, memoryTotal: total, memoryFree: total / 4, distances: distances,
            hugePages: id == 0 ? [Topology.HugePages(pageSize: 2 << 20, total: 512, free: 100)] : [])
    }
    return Topology(nodes: nodes)
}

@Suite struct DrawTests {
    @Test(arguments: [1, 2, 8, 64])
    func svgHasEveryNodeAndTheMatrix(count: Int) {
        let svg = SVGDrawing.render(MachinePicture(drawTopology(count)))
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        for id in 0..<count { #expect(svg.contains(">node \(id)"), "node \(id)") }
        // One titled cell per pair of nodes.
        #expect(svg.components(separatedBy: "</title></rect>").count - 1 == count * count)
        // Self-contained: no scripts, links or font files.
        for word in ["<script", "href", "@font-face", "url("] { #expect(!svg.contains(word)) }
        if count >= 8 {
            #expect(svg.contains("node 5 (CPUs only)"))
            #expect(svg.contains("node 7 (memory only)"))
            #expect(svg.contains("stroke-dasharray=\"6 4\""))
        }
        #expect(svg.contains("2 MiB pages: 100 of 512 free"))
    }

    @Test(arguments: [40, 80, 132, 250])
    func terminalBoxesFitTheWidth(width: Int) {
        let text = TextDrawing.render(MachinePicture(drawTopology(64)), width: width)
        for line in text.split(separator: "\n") {
            #expect(line.count <= width, "\(line.count) > \(width): \(line)")
        }
        #expect(text.contains("┌─ node 0 "))
        #expect(text.contains("╭┄ node 5 "))
        #expect(text.contains("╔═ node 7 "))
        // 64 nodes never fit numbers: one shade per pair.
        #expect(text.contains("   0 ·"))
    }

    @Test func terminalMatrixInNumbersWhenItFits() {
        let text = TextDrawing.render(MachinePicture(drawTopology(2)), width: 80)
        #expect(text.hasSuffix("distances (row: from, column: to):\n       0   1\n   0  10  12\n   1  12  10\n"))
    }

    @Test func commandLines() throws {
        func action(_ arguments: [String]) throws -> DrawMode.Target? { (try Invocation.plan(Scanner.scan(arguments)).mode as? DrawMode)?.target }
        #expect(try action(["--draw"]) == .terminal)
        #expect(try action(["--dr"]) == .terminal)
        #expect(try action(["--draw", "-"]) == .standardOutput)
        #expect(try action(["--draw", "m.SVG"]) == .file("m.SVG"))
        #expect(try action(["--draw=ls"]) == .file("ls"))
        #expect(try action(["--root", "/x", "--draw=-"]) == .standardOutput)
        // numactl's --d and --du stay ambiguous (dump, dump-nodes).
        #expect(throws: ScanError.self) { try Scanner.scan(["--d", "true"]) }
        #expect(throws: ScanError.self) { try Scanner.scan(["--du", "true"]) }
        for (arguments, message) in [
            (["--draw", "ls"], "unexpected 'ls' after --draw: it runs no command; write --draw=ls to draw into that file"),
            (["--draw="], "--draw=: the file name is empty"),
            (["--draw", "--json"], "--json does not apply to --draw"),
            (["-m", "0", "--draw"], "--draw cannot be combined with -m/--membind"),
            (["--draw", "-N", "0"], "--draw cannot be combined with -N/--cpunodebind"),
        ] {
            let outcome = SwnumaCommand.run(arguments, environmentRoot: nil)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.stdout == "", "\(arguments)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
    }

    /// The hook for the device inventory: device lines appear in both pictures.
    @Test func deviceLinesAreDrawn() {
        var picture = MachinePicture(drawTopology(2))
        picture.nodes[1].devices = ["eth0 0000:3b:00.0 <net>"]
        #expect(SVGDrawing.render(picture).contains(">eth0 0000:3b:00.0 &lt;net&gt;</text>"))
        #expect(TextDrawing.render(picture, width: 80).contains("│ eth0 0000:3b:00.0 <net>"))
    }

    /// No device hidden without saying so: a full box ends with the count
    /// by kind, and real disks come before pmem namespaces and PCI functions.
    @Test func fullBoxesSayHowManyMore() {
        var picture = MachinePicture(drawTopology(2))
        func device(_ kind: DeviceInventory.Kind, _ name: String, node: Int = 0) -> DeviceInventory.Device {
            DeviceInventory.Device(kind: kind, name: name, path: "sys/devices/x/\(name)", node: node)
        }
        var devices = (0..<4).map { device(.pci, "0000:00:1\($0).0") }
        devices += ["pmem0", "pmem0.1", "pmem0.2s"].map { device(.block, $0) }
        devices += [device(.block, "sda"), device(.dax, "dax0.0"), device(.network, "eth0"), device(.network, "eth9", node: 42)]
        var gpu = device(.gpu, "0000:3b:00.0")
        gpu.pciAddress = "0000:3b:00.0"
        gpu.model = "NVIDIA Corporation GV100GL"
        devices.append(gpu)
        picture.addDevices(DeviceInventory(devices: devices))
        #expect(picture.nodes[0].devices == [
            "3b:00.0 gpu: NVIDIA Corporation GV100GL", "eth0 network", "sda block", "pmem0 block", "pmem0.1 block",
            "and 6 more: 1 block, 1 dax, 4 pci",
        ])
        #expect(picture.unplacedDevices == 1)
        let svg = SVGDrawing.render(picture)
        #expect(svg.contains(">and 6 more: 1 block, 1 dax, 4 pci</text>"))
        #expect(svg.contains("1 device(s) on no known node"))
    }

    /// Nodes framed by package; a memory-only node joins its initiators' package.
    @Test func nodesGroupedByPackage() {
        var picture = MachinePicture(drawTopology(8))
        // Two packages of CPUs 0-7 and 8-13 (node 7 has none).
        let packages = Dictionary(uniqueKeysWithValues: (0..<14).map { ($0, $0 < 8 ? 0 : 1) })
        let kinds = MemoryKinds(nodes: [
            .init(id: 7, kind: .cxl, tier: 22, initiators: [5], dax: "dax2.0", daxDriver: "kmem")
        ])
        picture.addKinds(kinds, packages: packages)
        #expect(picture.groups.map(\.package) == [0, 1])
        #expect(picture.groups.map { $0.nodes.map { picture.nodes[$0].id } } == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(picture.nodes[7].kindWords == "CXL memory")
        #expect(picture.nodes[7].kindLines == ["from dax2.0 (kmem)", "tier 22 (distance 2816-2943), near node 5"])
        let svg = SVGDrawing.render(picture)
        #expect(svg.contains(">package 0: nodes 0-3</text>"))
        #expect(svg.contains(">package 1: nodes 4-7</text>"))
        #expect(svg.contains(">node 7 (CXL memory)</text>"))
        let text = TextDrawing.render(picture, width: 200)
        #expect(text.contains("package 1: nodes 4-7\n"))
        #expect(text.contains(" node 7 (CXL memory) "))
        // Without packages, no frames.
        #expect(!SVGDrawing.render(MachinePicture(drawTopology(8))).contains(">package "))
    }

    @Test func escapesText() {
        #expect(SVGDrawing.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;?")
    }

    /// Characters outside XML 1.0's `Char` production make a document no
    /// parser accepts, whatever the escaping: each becomes `?`. So does a
    /// carriage return, which XML allows but a terminal acts on (`--draw -`).
    @Test(arguments: [0x0, 0x1, 0x8, 0xB, 0xC, 0xD, 0x1F, 0x7F, 0x85, 0x9F, 0xFFFE, 0xFFFF])
    func replacesCharactersXMLForbids(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(SVGDrawing.escape("a\(Character(scalar))b") == "a?b")
    }

    @Test(arguments: [0x9, 0xA, 0x20, 0xA0, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF])
    func keepsCharactersXMLAllows(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let text = "a" + String(Character(scalar)) + "b"
        #expect(SVGDrawing.escape(text) == text)
    }
}
