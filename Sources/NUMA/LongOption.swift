/// The part of a long option after its dashes (`membind=0-1`) split at its
/// first `=`: the name, and what follows the `=` when there is one. The
/// same reading for swnuma's command line and for a kubelet's.
@inlinable
package func splitAtEquals(_ body: Substring) -> (name: Substring, value: String?) {
    // By bytes when the word is ASCII (every byte then starts a character,
    // so the answers agree), by characters otherwise: a start-up then runs
    // none of the standard library's grapheme breaking.
    if body.utf8.allSatisfy({ $0 < 0x80 }) {
        guard let equals = body.utf8.firstIndex(of: UInt8(ascii: "=")) else { return (body, nil) }
        return (body[..<equals], String(body[body.utf8.index(after: equals)...]))
    }
    guard let equals = body.firstIndex(of: "=") else { return (body, nil) }
    return (body[..<equals], String(body[body.index(after: equals)...]))
}
