/// One of numastat's tables: a left column of labels, one column per node and
/// a `Total` column; header rows, data rows and separator rows.
///
/// Rendering follows numastat: data rows and columns without values are left
/// out (with `hideZeros`, also those whose values are all zero), rows can be
/// sorted on one column, and the columns are folded into sections that fit
/// the screen width, each repeating the left column and the header rows.
struct StatTable: Equatable {
    enum Cell: Equatable {
        case empty
        case text(String)
        case number(Double)
        /// The character repeated to one less than the column's width.
        case rule(Character)
    }

    enum Kind: Equatable {
        case header, data, separator
    }

    struct Row: Equatable {
        var kind: Kind
        var cells: [Cell]
    }

    var rows: [Row] = []
    /// Column widths, the left column first.
    var widths: [Int]
    /// Decimal places of numbers in the data columns.
    var decimals: Int

    init(columns: Int, leftWidth: Int, dataWidth: Int = 16, decimals: Int) {
        widths = [leftWidth] + Array(repeating: dataWidth, count: columns - 1)
        self.decimals = decimals
    }

    var columnCount: Int { widths.count }

    mutating func add(_ kind: Kind, _ cells: [Cell]) {
        precondition(cells.count == columnCount, "a row needs one cell per column")
        rows.append(Row(kind: kind, cells: cells))
    }

    /// The text of a cell before it is cut and padded to its column.
    func text(_ cell: Cell, width: Int) -> String {
        switch cell {
        case .empty: return ""
        case .text(let text): return text
        case .number(let value): return FixedPoint.format(value, decimals: decimals)
        case .rule(let character): return String(repeating: character, count: max(0, width - 1))
        }
    }

    /// Sets every data column's width to its longest text plus one (numastat's `-c`).
    mutating func fitDataColumns() {
        for column in 1..<columnCount {
            var longest = 0
            for row in rows {
                if case .rule = row.cells[column] { continue }
                longest = max(longest, text(row.cells[column], width: 0).count)
            }
            widths[column] = longest + 1
        }
    }

    /// Sorts the data rows that follow the header rows (up to the first
    /// separator) on `column`, largest first, as numastat does: a selection
    /// sort that swaps the largest remaining row into place (so equal rows
    /// may change order).
    mutating func sort(on column: Int) {
        guard let start = rows.firstIndex(where: { $0.kind != .header }) else { return }
        let end = rows[start...].firstIndex(where: { $0.kind == .separator }) ?? rows.count
        func key(_ index: Int) -> Double {
            if case .number(let value) = rows[index].cells[column] { return value }
            return 0
        }
        var index = start
        while index < end {
            var largest = index
            for other in (index + 1)..<max(index + 1, end) where key(largest) < key(other) {
                largest = other
            }
            if largest != index { rows.swapAt(index, largest) }
            index += 1
        }
    }

    func isValue(_ cell: Cell, nonZero: Bool) -> Bool {
        switch cell {
        case .number(let value): return !nonZero || value != 0
        case .text: return true
        case .empty, .rule: return false
        }
    }

    /// The table as numastat prints it, folded to `screenWidth` columns.
    func render(screenWidth: Int, hideZeros: Bool) -> String {
        var output = ByteText(capacity: rows.count * (widths.reduce(0, +) + 1))
        render(screenWidth: screenWidth, hideZeros: hideZeros, into: &output)
        return output.string
    }

    /// ``render(screenWidth:hideZeros:)`` appended to `output`.
    func render(screenWidth: Int, hideZeros: Bool, into output: inout ByteText) {
        let dataRows = rows.indices.filter { rows[$0].kind == .data }
        let hasData = dataRows.contains { row in (1..<columnCount).contains { isValue(rows[row].cells[$0], nonZero: false) } }
        let shownRows = rows.indices.filter { row in
            rows[row].kind != .data
                || (1..<columnCount).contains { isValue(rows[row].cells[$0], nonZero: hideZeros) }
        }
        let shownColumns = (1..<columnCount).filter { column in
            dataRows.contains { isValue(rows[$0].cells[column], nonZero: hideZeros) }
        }
        guard hasData else {
            output.append("Table has no data.\n")
            return
        }
        guard !shownColumns.isEmpty, shownRows.contains(where: { rows[$0].kind == .data }) else {
            output.append("Table has no non-zero data.\n")
            return
        }

        let first = output.count
        var next = 0
        while next < shownColumns.count {
            var section: [Int] = []
            var lineWidth = widths[0]
            while next < shownColumns.count {
                let column = shownColumns[next]
                section.append(column)
                lineWidth += widths[column]
                next += 1
                if next < shownColumns.count && lineWidth + widths[shownColumns[next]] > screenWidth { break }
            }
            if output.count > first { output.append("\n") }
            for row in shownRows {
                appendPadded(rows[row].cells[0], column: 0, to: &output)
                for column in section { appendPadded(rows[row].cells[column], column: column, to: &output) }
                output.append("\n")
            }
        }
    }

    /// ``pad(_:column:)`` appended as bytes, without building a string for
    /// each cell: numastat -m has hundreds of cells.
    func appendPadded(_ cell: Cell, column: Int, to output: inout ByteText) {
        let width = widths[column]
        let start = output.count
        switch cell {
        case .empty:
            break
        case .number(let value):
            FixedPoint.append(value, decimals: decimals, to: &output)
        case .rule(let character) where character.isASCII:
            output.append(repeating: character.asciiValue!, count: width - 1)
        case .text(let text) where text.utf8.allSatisfy({ $0 < 0x80 }):
            output.append(text)
        default:
            // Text beyond ASCII is cut and measured in characters.
            output.append(pad(cell, column: column))
            return
        }
        output.fitColumn(from: start, width: width, leftAligned: column == 0)
    }

    /// A cell cut to its column's width and padded: the left column to the
    /// left, data columns to the right.
    func pad(_ cell: Cell, column: Int) -> String {
        let width = widths[column]
        var text = text(cell, width: width)
        if text.count > width { text = String(text.prefix(width)) }
        let padding = String(repeating: " ", count: width - text.count)
        return column == 0 ? text + padding : padding + text
    }
}
