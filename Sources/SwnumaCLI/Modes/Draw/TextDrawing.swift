internal import NUMA

/// The machine as boxes of box-drawing characters for a terminal
/// (`--draw` alone): as many boxes on a row as `width` columns hold, then
/// the distance matrix as shades, one character per pair of nodes.
enum TextDrawing {
    /// - Parameter width: the columns to fit, at least 40.
    static func render(_ picture: MachinePicture, width: Int) -> String {
        let width = max(40, width)
        let boxWidth = 30
        let inner = boxWidth - 2
        let perRow = max(1, (width + 1) / (boxWidth + 1))
        let boxes = picture.nodes.map { box($0, inner: inner) }
        let height = boxes.map(\.count).max() ?? 0
        var out = ""
        // With packages known, each package's nodes under a heading of their own.
        let groups = picture.groups
        let sections: [(heading: String?, indices: [Int])] =
            groups.isEmpty
            ? [(nil, Array(boxes.indices))]
            : groups.map { group in
                let names = NodeSet(group.nodes.map { picture.nodes[$0].id })
                let plural = group.nodes.count == 1 ? "" : "s"
                return (group.package.map { "package \($0): node\(plural) \(names)" } ?? "no package: node\(plural) \(names)", group.nodes)
            }
        for section in sections {
            if let heading = section.heading { out += heading + "\n" }
            var start = 0
            while start < section.indices.count {
                let row = section.indices[start..<min(start + perRow, section.indices.count)].map { boxes[$0] }
                for line in 0..<height {
                    let cells = row.map { box in
                        line < box.count ? box[line] : String(repeating: " ", count: boxWidth)
                    }
                    out += trimTrailing(cells.joined(separator: " ")) + "\n"
                }
                start += perRow
            }
        }
        out += "memory: █ in use, ░ free\n╭┄╮ CPUs only, ╔═╗ memory only\n"
        if picture.unplacedDevices > 0 {
            out += "\(picture.unplacedDevices) device(s) on no known node\n"
        }
        out += matrix(picture, width: width)
        return out
    }

    static func box(_ node: MachinePicture.Node, inner: Int) -> [String] {
        let (tl, tr, bl, br, h, v): (String, String, String, String, String, String) =
            switch node.kind {
            case .full: ("┌", "┐", "└", "┘", "─", "│")
            case .cpuOnly, .empty: ("╭", "╮", "╰", "╯", "┄", "┆")
            case .memoryOnly: ("╔", "╗", "╚", "╝", "═", "║")
            }
        var title = " node \(node.id)" + (node.kind == .memoryOnly ? " (\(node.kindWords ?? "memory only"))" : "") + " "
        if title.count > inner - 1 { title = String(title.prefix(inner - 3)) + "… " }
        var lines = [tl + h + title + String(repeating: h, count: max(0, inner - 1 - title.count)) + tr]
        func add(_ text: String) {
            let cut = text.count > inner - 2 ? String(text.prefix(inner - 3)) + "…" : text
            lines.append(v + " " + cut + String(repeating: " ", count: inner - 1 - cut.count) + v)
        }
        for line in SVGDrawing.wrap(node.cpuText, width: inner - 2, maxLines: 3) { add(line) }
        add(node.memoryText)
        for line in node.kindLines { add(line) }
        if let used = node.usedShare {
            let barWidth = inner - 2
            let filled = Int((Double(barWidth) * used).rounded())
            add(String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled))
        }
        for line in node.hugePages { add(line) }
        for line in node.devices { add(escapedForDisplay(line)) }
        lines.append(bl + String(repeating: h, count: inner) + br)
        return lines
    }

    /// The distance matrix: numbers when they fit the width, else one shade
    /// character per pair, light for near and dark for far.
    static func matrix(_ picture: MachinePicture, width: Int) -> String {
        guard picture.hasDistances, let range = picture.distanceRange else { return "distances: unknown\n" }
        let ids = picture.nodes.map { String($0.id) }
        let label = max(4, (ids.map(\.count).max() ?? 1) + 1)
        let numberWidth = max(4, String(range.high).count + 1, label)
        var out = "distances (row: from, column: to):\n"
        if label + numberWidth * ids.count <= width {
            out += String(repeating: " ", count: label) + ids.map { $0.leftPadding(numberWidth) }.joined() + "\n"
            for (row, id) in ids.enumerated() {
                out += id.leftPadding(label)
                out += picture.distances[row].map { ($0.map(String.init) ?? "?").leftPadding(numberWidth) }.joined() + "\n"
            }
            return out
        }
        let shades = ["·", "░", "▒", "▓", "█"]
        // Columns in slices as wide as the terminal leaves room for.
        let perLine = max(8, width - label - 1)
        for first in stride(from: 0, to: ids.count, by: perLine) {
            let last = min(first + perLine, ids.count) - 1
            if perLine < ids.count { out += "to nodes \(ids[first])-\(ids[last]):\n" }
            for (row, id) in ids.enumerated() {
                var line = id.leftPadding(label) + " "
                for distance in picture.distances[row][first...last] {
                    guard let distance else {
                        line += "?"
                        continue
                    }
                    let level = Int((picture.heat(distance) * Double(shades.count - 1)).rounded())
                    line += shades[max(0, min(shades.count - 1, level))]
                }
                out += line + "\n"
            }
        }
        out += "· \(range.low) … █ \(range.high)\n"
        return out
    }

    static func trimTrailing(_ text: String) -> String {
        var text = Substring(text)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
