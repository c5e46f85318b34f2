internal import NUMA

/// `--draw`: the machine as an SVG picture (a file, or standard output) or
/// as boxes on the terminal.
package struct DrawMode: Mode, Equatable {
    /// Where the picture goes.
    package enum Target: Equatable, Sendable {
        /// Boxes of box-drawing characters on standard output (`--draw` alone).
        case terminal
        /// SVG on standard output (`--draw -`).
        case standardOutput
        /// SVG into a file.
        case file(String)
    }

    package var target: Target

    package static let options: [OptionSpec] = [
        OptionSpec(.draw, value: .path, valueName: "file.svg", group: .swnuma, summary: "Draw the machine: an SVG file, or boxes on the terminal", details: "Draw the nodes (CPUs, memory and free share, huge pages, devices) and the distance matrix. --draw=FILE, or --draw FILE when FILE ends in .svg, writes an SVG picture to FILE; --draw - writes it to standard output. --draw alone prints boxes of box-drawing characters, as wide as the terminal, or 80 columns (COLUMNS when set) when standard output is not a terminal. Any other word after --draw is a command, which --draw refuses.", fromNumactl: false, valueIsOptional: true),
    ]

    package static let usage = [Usage(.option("--draw"), .optional([.either([.argument("file.svg")], [.argument("-")])]))]

    /// `--draw` draws the devices anyway: `--devices` beside it changes nothing.
    package static let combines: [OptionID]? = [.devices]

    package static var withoutJSON: String { "it draws SVG or text" }

    package static func refusal(ofCommand word: String) -> String {
        "unexpected '\(word)' after --draw: it runs no command; write --draw=\(word) to draw into that file"
    }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> DrawMode {
        var target = Target.terminal
        for option in line.options where option.id == .draw {
            switch option.value {
            case nil: target = .terminal
            case "-": target = .standardOutput
            case "": throw UsageError("--draw=: the file name is empty")
            case let path?: target = .file(path)
            }
        }
        return DrawMode(target: target)
    }

    package func perform(_ context: inout Context) -> Outcome {
        var outcome = Outcome()
        context.topologyOptions = .hugePages
        let topology = context.topology
        for warning in topology.warnings { outcome.complain("warning: \(warning)") }
        var picture = MachinePicture(topology)
        let root = context.root
        let devices = DeviceInventory.read(from: root, topology: topology)
        picture.addDevices(devices)
        picture.addKinds(
            MemoryKinds.read(from: root, topology: topology), packages: NodeFeatures.packages(of: topology, root: root),
            devices: devices)
        switch target {
        case .terminal:
            outcome.stdout += TextDrawing.render(picture, width: Self.drawingWidth())
        case .standardOutput:
            outcome.stdout += SVGDrawing.render(picture)
        case .file(let path):
            outcome.file = OutputFile(path: path, contents: SVGDrawing.render(picture))
        }
        return outcome
    }

    /// The terminal's width on standard output; else `COLUMNS`; else 80.
    static func drawingWidth() -> Int {
        if let columns = ProcessIO.terminalColumns(1), columns > 0 { return columns }
        if let text = ProcessIO.environment("COLUMNS"), let columns = Int(decimal: text), columns >= 20, columns <= 10000 {
            return columns
        }
        return 80
    }
}

extension OptionID {
    package static let draw = OptionID("draw")
}
