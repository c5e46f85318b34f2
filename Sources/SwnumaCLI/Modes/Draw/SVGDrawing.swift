internal import NUMA

/// The machine as one SVG picture: a grid of node boxes and, beside it, the
/// distance matrix as a heat map. Self-contained: generic font families, no
/// scripts, no links, so any renderer draws it the same.
enum SVGDrawing {
    static let boxWidth = 250
    static let margin = 20
    static let gap = 14
    static let lineHeight = 16

    static func render(_ picture: MachinePicture) -> String {
        let count = picture.nodes.count
        // Every box as tall as the tallest, so the grid stays aligned.
        let lines = picture.nodes.map(bodyLines)
        let tallest = lines.map(\.count).max() ?? 0
        let boxHeight = 34 + tallest * lineHeight + 30
        let top = margin + 34
        let grid = layout(picture, boxHeight: boxHeight, left: margin, top: top)
        let gridWidth = grid.width
        let gridHeight = grid.height

        // The heat map: cells shrink with the node count, down to 6 pixels,
        // as tall as the grid of boxes where that is room enough.
        let cell = count == 0 ? 0 : max(6, min(36, (max(400, gridHeight) - 60) / count))
        let labelEvery = cell >= 14 ? 1 : (count + 15) / 16
        let mapSide = cell * count
        let mapLeft = margin + gridWidth + 50 + 30
        let mapTop = top + 40
        // Wide enough for the map's title and scale too.
        let width = max(mapLeft + mapSide, mapLeft + 250, margin + 700) + margin
        // The legend goes under both the grid and the map's scale.
        let legendY = max(top + gridHeight, mapTop + mapSide + 50) + 22
        let height = legendY + margin + (picture.unplacedDevices > 0 ? 20 : 0)

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>

            """
        let cpus = picture.nodes.reduce(0) { $0 + $1.cpus.count }
        let memory = picture.nodes.reduce(UInt64(0)) { $0.saturatingAdding($1.memoryTotal ?? 0) }
        svg += text(
            margin, margin + 16,
            "\(count) node\(count == 1 ? "" : "s"), \(cpus) CPU\(cpus == 1 ? "" : "s"), \(ProcessView.bytes(memory)) of memory",
            size: 16, weight: "bold")

        for frame in grid.frames {
            svg += "<rect x=\"\(frame.x)\" y=\"\(frame.y)\" width=\"\(frame.width)\" height=\"\(frame.height)\" rx=\"8\" fill=\"none\" stroke=\"#b0b0b0\" stroke-width=\"1.5\"/>\n"
            svg += text(frame.x + 8, frame.y + 16, frame.label, size: 12, weight: "bold", fill: "#555555")
        }
        for (index, node) in picture.nodes.enumerated() {
            let (x, y) = grid.positions[index]
            svg += box(node, lines: lines[index], x: x, y: y, height: boxHeight)
        }

        // Legend under the grid.
        svg += legendSwatch(margin, legendY, fill: "#eef4fb", stroke: "#3b6ea5", dash: false, "CPUs and memory")
        svg += legendSwatch(margin + 150, legendY, fill: "#f2f2f2", stroke: "#888888", dash: true, "CPUs only, no memory")
        svg += legendSwatch(margin + 320, legendY, fill: "#eef8ee", stroke: "#3d8b3d", dash: false, "memory only, no CPUs")
        svg += "<rect x=\"\(margin + 480)\" y=\"\(legendY - 10)\" width=\"14\" height=\"12\" fill=\"#d9822b\" stroke=\"#777777\"/>\n"
        svg += text(margin + 500, legendY, "memory in use (bar: whole node)", size: 11)

        if picture.unplacedDevices > 0 {
            svg += text(
                margin, legendY + 20,
                "\(picture.unplacedDevices) device(s) on no known node: swnuma --devices lists them", size: 11,
                fill: "#777777")
        }
        svg += heatMap(picture, left: mapLeft, top: mapTop, cell: cell, labelEvery: labelEvery)
        svg += "</svg>\n"
        return svg
    }

    /// Where each box goes, and the frames around the nodes of a package.
    struct Layout {
        var positions: [(x: Int, y: Int)]
        var frames: [(label: String, x: Int, y: Int, width: Int, height: Int)]
        var width: Int
        var height: Int
    }

    /// Package frames' room above and around their boxes.
    static let frameHeader = 24
    static let framePad = 8

    /// A grid about square; with packages known, each package's nodes
    /// start a row of their own inside a frame naming the package, so that
    /// nodes sharing a socket (sub-NUMA clustering, NPS) sit together.
    static func layout(_ picture: MachinePicture, boxHeight: Int, left: Int, top: Int) -> Layout {
        let count = picture.nodes.count
        let groups = picture.groups
        guard !groups.isEmpty else {
            let columns = max(1, min(count, columnCount(count)))
            let rows = (count + columns - 1) / columns
            let positions = (0..<count).map { index in
                (x: left + (index % columns) * (boxWidth + gap), y: top + (index / columns) * (boxHeight + gap))
            }
            return Layout(
                positions: positions, frames: [], width: columns * boxWidth + (columns - 1) * gap,
                height: max(0, rows * boxHeight + (rows - 1) * gap))
        }
        let largest = groups.map(\.nodes.count).max() ?? 1
        let columns = max(1, min(8, max(largest == 1 ? columnCount(count) : largest, 1)))
        var positions = [(x: Int, y: Int)](repeating: (0, 0), count: count)
        var frames: [(label: String, x: Int, y: Int, width: Int, height: Int)] = []
        var y = top
        var widest = 0
        var x = left
        var rowHeight = 0
        // Packages of one node each share rows; larger ones start their own.
        for group in groups {
            let groupColumns = min(columns, group.nodes.count)
            let rows = (group.nodes.count + groupColumns - 1) / groupColumns
            let width = groupColumns * boxWidth + (groupColumns - 1) * gap + 2 * framePad
            let height = frameHeader + rows * boxHeight + (rows - 1) * gap + framePad
            if x > left, x + width > left + columns * (boxWidth + gap + 2 * framePad) {
                x = left
                y += rowHeight + gap
                rowHeight = 0
            }
            for (position, index) in group.nodes.enumerated() {
                positions[index] = (
                    x + framePad + (position % groupColumns) * (boxWidth + gap),
                    y + frameHeader + (position / groupColumns) * (boxHeight + gap)
                )
            }
            let names = group.nodes.map { picture.nodes[$0].id }
            let label =
                group.package.map { "package \($0): node\(names.count == 1 ? "" : "s") \(NodeSet(names))" }
                ?? "no package: node\(names.count == 1 ? "" : "s") \(NodeSet(names))"
            frames.append((label, x, y, width, height))
            widest = max(widest, x + width - left)
            rowHeight = max(rowHeight, height)
            if group.nodes.count > 1 || groupColumns == columns {
                x = left
                y += rowHeight + gap
                rowHeight = 0
            } else {
                x += width + gap
            }
        }
        if rowHeight > 0 { y += rowHeight + gap }
        return Layout(positions: positions, frames: frames, width: widest, height: max(0, y - gap - top))
    }

    /// Columns of the grid: about square, at most 8.
    static func columnCount(_ count: Int) -> Int {
        var columns = 1
        while columns * columns < count { columns += 1 }
        return min(columns, 8)
    }

    /// The text lines of a node's box, below its title and above its bar.
    static func bodyLines(_ node: MachinePicture.Node) -> [String] {
        var lines = wrap(node.cpuText, width: 36, maxLines: 3)
        lines.append(node.memoryText)
        lines += node.hugePages
        lines += (node.kindLines + node.devices).map { $0.count > 35 ? String($0.prefix(34)) + "…" : $0 }
        return lines
    }

    static func box(_ node: MachinePicture.Node, lines: [String], x: Int, y: Int, height: Int) -> String {
        let (fill, stroke, dash): (String, String, Bool) =
            switch node.kind {
            case .full: ("#eef4fb", "#3b6ea5", false)
            case .cpuOnly, .empty: ("#f2f2f2", "#888888", true)
            case .memoryOnly: ("#eef8ee", "#3d8b3d", false)
            }
        var out = "<g>\n"
        out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxWidth)\" height=\"\(height)\" rx=\"6\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"2\"\(dash ? " stroke-dasharray=\"6 4\"" : "")/>\n"
        let title: String =
            switch node.kind {
            case .full: "node \(node.id)"
            case .cpuOnly: "node \(node.id) (CPUs only)"
            case .memoryOnly: "node \(node.id) (\(node.kindWords ?? "memory only"))"
            case .empty: "node \(node.id) (empty)"
            }
        out += text(x + 10, y + 20, title, size: 14, weight: "bold", fill: stroke)
        for (index, line) in lines.enumerated() {
            out += text(x + 10, y + 40 + index * lineHeight, line)
        }
        // The memory bar: used share filled, free share empty.
        let barY = y + height - 22
        let barWidth = boxWidth - 20
        if node.kind == .full || node.kind == .memoryOnly {
            out += "<rect x=\"\(x + 10)\" y=\"\(barY)\" width=\"\(barWidth)\" height=\"12\" fill=\"#ffffff\" stroke=\"#777777\"/>\n"
            if let used = node.usedShare {
                let filled = Int((Double(barWidth) * used).rounded())
                if filled > 0 {
                    out += "<rect x=\"\(x + 10)\" y=\"\(barY)\" width=\"\(filled)\" height=\"12\" fill=\"#d9822b\"/>\n"
                }
                out += "<title>\(escape("node \(node.id): \(Int((used * 100).rounded()))% of memory in use"))</title>\n"
            }
        } else {
            out += text(x + 10, barY + 10, "no memory to allocate from", size: 11, fill: "#777777", style: "italic")
        }
        out += "</g>\n"
        return out
    }

    /// The most nodes whose distance matrix is drawn cell by cell.
    static let heatMapLimit = 128

    static func heatMap(_ picture: MachinePicture, left: Int, top: Int, cell: Int, labelEvery: Int) -> String {
        let count = picture.nodes.count
        var out = text(left - 30, top - 28, "distances (row: from, column: to)", size: 13, weight: "bold")
        guard picture.hasDistances, let range = picture.distanceRange else {
            return out + text(left - 30, top, "unknown: the kernel gave no distance matrix", fill: "#777777")
        }
        // A cell per pair grows with the square of the nodes: past the limit
        // the picture would be tens of megabytes and unreadable.
        guard count <= heatMapLimit else {
            return out + text(left - 30, top, "\(count) nodes: too many to draw; swnuma -H prints the matrix", fill: "#777777")
        }
        let labelSize = max(8, min(12, cell - 2))
        // Column labels sit side by side: skip some when the widest does not fit a cell.
        let digits = String(picture.nodes.last?.id ?? 0).count
        var columnEvery = labelEvery
        while cell * columnEvery < digits * labelSize * 7 / 10 + 4 { columnEvery *= 2 }
        for (column, node) in picture.nodes.enumerated() where column % columnEvery == 0 {
            out += text(left + column * cell + cell / 2, top - 6, "\(node.id)", size: labelSize, anchor: "middle")
        }
        for (row, from) in picture.nodes.enumerated() {
            if row % labelEvery == 0 {
                out += text(left - 6, top + row * cell + cell / 2 + labelSize / 3, "\(from.id)", size: labelSize, anchor: "end")
            }
            for column in 0..<count {
                let distance = row < picture.distances.count && column < picture.distances[row].count
                    ? picture.distances[row][column] : nil
                let fill = distance.map { color(picture.heat($0)) } ?? "#cccccc"
                out += "<rect x=\"\(left + column * cell)\" y=\"\(top + row * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#ffffff\" stroke-width=\"\(cell >= 10 ? 1 : 0.5)\"><title>\(from.id) to \(picture.nodes[column].id): \(distance.map(String.init) ?? "unknown")</title></rect>\n"
                if cell >= 22, let distance {
                    let ink = picture.heat(distance) > 0.6 ? "#ffffff" : "#000000"
                    out += text(
                        left + column * cell + cell / 2, top + row * cell + cell / 2 + 4, "\(distance)", size: 11,
                        anchor: "middle", fill: ink)
                }
            }
        }
        // The scale.
        let scaleTop = top + count * cell + 18
        let steps = 10
        let stepWidth = max(12, min(24, count * cell / steps))
        for step in 0..<steps {
            out += "<rect x=\"\(left + step * stepWidth)\" y=\"\(scaleTop)\" width=\"\(stepWidth)\" height=\"10\" fill=\"\(color(Double(step) / Double(steps - 1)))\"/>\n"
        }
        out += text(left, scaleTop + 24, "\(range.low)", size: 11)
        out += text(left + steps * stepWidth, scaleTop + 24, "\(range.high)", size: 11, anchor: "end")
        return out
    }

    /// A colour from pale yellow (near) to dark red (far).
    static func color(_ heat: Double) -> String {
        let t = max(0, min(1, heat))
        let stops: [(Double, Double, Double)] = [(255, 247, 188), (254, 196, 79), (217, 95, 14), (153, 52, 4)]
        let scaled = t * Double(stops.count - 1)
        let index = min(Int(scaled), stops.count - 2)
        let f = scaled - Double(index)
        let a = stops[index]
        let b = stops[index + 1]
        func hex(_ x: Double, _ y: Double) -> String {
            let value = Int((x + (y - x) * f).rounded())
            let digits = Array("0123456789abcdef")
            return String(digits[(value >> 4) & 15]) + String(digits[value & 15])
        }
        return "#" + hex(a.0, b.0) + hex(a.1, b.1) + hex(a.2, b.2)
    }

    static func legendSwatch(_ x: Int, _ y: Int, fill: String, stroke: String, dash: Bool, _ label: String) -> String {
        "<rect x=\"\(x)\" y=\"\(y - 10)\" width=\"14\" height=\"12\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"2\"\(dash ? " stroke-dasharray=\"3 2\"" : "")/>\n"
            + text(x + 20, y, label, size: 11)
    }

    static func text(
        _ x: Int, _ y: Int, _ content: String, size: Int = 12, weight: String? = nil, anchor: String? = nil,
        fill: String = "#000000", style: String? = nil
    ) -> String {
        var out = "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" fill=\"\(fill)\""
        if let weight { out += " font-weight=\"\(weight)\"" }
        if let anchor { out += " text-anchor=\"\(anchor)\"" }
        if let style { out += " font-style=\"\(style)\"" }
        return out + ">\(escape(content))</text>\n"
    }

    /// Text made safe for XML character data and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // A carriage return is XML, but a raw control on a terminal (`--draw -`).
            case "\r": out += "?"
            default:
                if isXMLCharacter(scalar) { out.unicodeScalars.append(scalar) } else { out += "?" }
            }
        }
        return out
    }

    /// Whether `scalar` may appear in an XML 1.0 document, escaped or not:
    /// the `Char` production (tab, newline, carriage return, U+0020 to
    /// U+D7FF, U+E000 to U+FFFD, U+10000 and above), less DEL and the C1
    /// controls (U+007F to U+009F), which XML allows but which no name
    /// should carry into a picture. A parser refuses a document with any
    /// other; ``escape(_:)`` writes `?` for them.
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20..<0x7F, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Words of `text` in lines of at most `width` characters, breaking
    /// after commas and blanks; the last line ends in `…` when cut.
    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var piece = ""
        func flushPiece() {
            if current.count + piece.count > width && !current.isEmpty {
                lines.append(current)
                current = ""
            }
            current += piece
            piece = ""
        }
        for character in text {
            piece.append(character)
            if character == "," || character == " " { flushPiece() }
        }
        flushPiece()
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = String(lines[maxLines - 1].prefix(width - 1)) + "…"
        }
        return lines
    }
}
