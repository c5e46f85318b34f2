internal import NUMA

/// A file the caller writes before anything else (`--draw=FILE`).
package struct OutputFile: Equatable, Sendable {
    package var path: String
    package var contents: String
}

extension Context {
    /// `--draw`: the machine as SVG (a file or standard output) or as boxes
    /// for the terminal.
    mutating func performDraw(_ target: DrawTarget, outcome: Outcome) -> Outcome {
        var outcome = outcome
        let topology = self.topology
        for warning in topology.warnings { outcome.complain("warning: \(warning)") }
        var picture = MachinePicture(topology)
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
        if let columns = NodeStatistics.terminalColumns(1), columns > 0 { return columns }
        if let text = NodeStatistics.environment("COLUMNS"), let columns = Int(decimal: text), columns >= 20,
            columns <= 10000
        {
            return columns
        }
        return 80
    }
}
