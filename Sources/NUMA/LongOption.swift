/// The part of a long option after its dashes (`membind=0-1`) split at its
/// first `=`: the name, and what follows the `=` when there is one. The
/// same reading for swnuma's command line and for a kubelet's.
@inlinable
package func splitAtEquals(_ body: Substring) -> (name: Substring, value: String?) {
    guard let equals = body.firstIndex(of: "=") else { return (body, nil) }
    return (body[..<equals], String(body[body.index(after: equals)...]))
}
