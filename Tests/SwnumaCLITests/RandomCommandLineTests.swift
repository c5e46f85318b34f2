import Testing

@testable import SwnumaCLI

/// Random command lines never trap the scanner or the planner, and a plan
/// never launches a word the scanner took as an option.
@Suite struct RandomCommandLineTests {
    static let words = [
        "-m", "-m0", "--mem=1", "-i", "--interleave", "-p", "-P", "-l", "-N", "-c", "-C", "-a", "-aC0", "-b", "-s",
        "-H", "--cpu-compress", "--version", "-h", "--shm", "--file", "-L", "1m", "-o", "-M", "0600", "-I", "x",
        "-u", "-t", "-T", "-d", "-D", "-V", "--root", "--json", "--require", "nodes>=1", "--", "-", "same", "0",
        "all", "!0", "+0", "true", "--p=0", "--bogus", "-x", "--show=1", "",
    ]

    @Test func neverTraps() {
        var generator = SeededGenerator(seed: 1)
        func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &generator) }
        for _ in 0..<20_000 {
            let argv = (0..<next(7)).map { _ in Self.words[next(Self.words.count)] }
            guard let line = try? Scanner.scan(argv) else { continue }
            #expect(line.command.isEmpty || argv.contains(line.command[0]))
            if let plan = try? Invocation.plan(line), let command = (plan.mode as? LaunchMode)?.command {
                #expect(!command.isEmpty && command == line.command)
            }
        }
    }
}
