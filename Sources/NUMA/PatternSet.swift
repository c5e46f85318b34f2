/// A set of byte patterns searched for at once: which of them occur in a
/// text, in time linear in the text (an Aho-Corasick automaton).
///
/// numastat's `-p NAME` and `--process NAME` look for each name in every
/// process's name and command line. Searched one pattern at a time, with a
/// naive substring search, ten thousand processes and a few patterns cost
/// processes × patterns × length²; with the automaton each process's text
/// is read once, whatever the number of patterns.
public struct PatternSet: Sendable {
    /// Transitions of each state: byte to next state.
    private var next: [[UInt8: Int32]] = [[:]]
    /// The longest proper suffix of each state that is also a state.
    private var fail: [Int32] = [0]
    /// The nearest state along the suffix links that ends a pattern, or -1.
    private var outputLink: [Int32] = [-1]
    /// The patterns that end at each state.
    private var ends: [[Int]] = [[]]
    /// Patterns that are empty: they occur in every text.
    private var empty: [Int] = []
    /// How many patterns.
    public let count: Int

    /// The automaton of `patterns`; a pattern's index in the array is its id.
    public init(_ patterns: [[UInt8]]) {
        count = patterns.count
        for (index, pattern) in patterns.enumerated() {
            guard !pattern.isEmpty else {
                empty.append(index)
                continue
            }
            var state = 0
            for byte in pattern {
                if let to = next[state][byte] {
                    state = Int(to)
                } else {
                    next.append([:])
                    fail.append(0)
                    outputLink.append(-1)
                    ends.append([])
                    next[state][byte] = Int32(next.count - 1)
                    state = next.count - 1
                }
            }
            ends[state].append(index)
        }
        // Suffix links, breadth first.
        var queue: [Int] = next[0].values.map { Int($0) }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, child) in next[state] {
                let child = Int(child)
                var candidate = Int(fail[state])
                while candidate != 0 && next[candidate][byte] == nil { candidate = Int(fail[candidate]) }
                if state != 0, let to = next[candidate][byte] { fail[child] = to } else { fail[child] = 0 }
                let suffix = Int(fail[child])
                outputLink[child] = ends[suffix].isEmpty ? outputLink[suffix] : Int32(suffix)
                queue.append(child)
            }
        }
    }

    /// The ids of the patterns that occur in `text`, each once, ascending.
    public func matches<Text: Sequence<UInt8>>(in text: Text) -> [Int] {
        var found = Set(empty)
        var seen = Set<Int32>()
        var state = 0
        for byte in text {
            while state != 0 && next[state][byte] == nil { state = Int(fail[state]) }
            state = Int(next[state][byte] ?? 0)
            // Each state's outputs are reported once per text: the walk
            // stops at a state already reported, keeping the search linear.
            var at = ends[state].isEmpty ? outputLink[state] : Int32(state)
            while at > 0, seen.insert(at).inserted {
                found.formUnion(ends[Int(at)])
                at = outputLink[Int(at)]
            }
        }
        return found.sorted()
    }
}
