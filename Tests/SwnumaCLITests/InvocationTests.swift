import Testing

@testable import SwnumaCLI

@Suite struct InvocationTests {
    func plan(_ words: String...) throws -> Invocation {
        try Invocation.plan(try Scanner.scan(words))
    }

    func refuses(_ words: String..., containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try Invocation.plan(try Scanner.scan(words))
        } throws: { error in
            "\(error)".contains(text)
        }
    }

    @Test func launchKeepsStepsInOrder() throws {
        let invocation = try plan("-N", "1", "-m", "same", "-C", "3", "mongod", "--fork")
        #expect((invocation.mode as? LaunchMode)?.command == (["mongod", "--fork"]))
        #expect(invocation.steps == [
            .cpuNodes("1", all: false, option: "-N"),
            .policy(.membind, nodes: "1", all: false, balancing: false, option: "-m"),
            .cpus("3", all: false, option: "-C"),
        ])
    }

    @Test func allAppliesToWhatFollows() throws {
        let invocation = try plan("-a", "-a", "-C", "0", "true")
        #expect(invocation.steps == [.cpus("0", all: true, option: "-C")])
    }

    @Test func balancingReachesALaterMembind() throws {
        let invocation = try plan("-b", "-m", "0", "true")
        #expect(invocation.steps == [.policy(.membind, nodes: "0", all: false, balancing: true, option: "-m")])
    }

    @Test func hardwareIsDeferredAndIgnoresTheCommand() throws {
        let invocation = try plan("-H", "-C", "0", "foo", "bar")
        #expect(invocation.mode is HardwareMode)
        #expect(invocation.steps.count == 1)
    }

    @Test func showActsWhereItAppears() throws {
        #expect(try plan("-m", "0", "-s", "--bogus").mode is ShowMode)
        #expect(try plan("-m", "0", "-s").steps.count == 1)
    }

    @Test func refusals() {
        refuses("-l", "-l", "true", containing: "conflicting memory policies")
        refuses("-i", "0", "-m", "x", "true", containing: "conflicting")
        refuses("-C", "0", "-a", "true", containing: "--all")
        refuses("-m", "0", "-a", "true", containing: "--all")
        refuses("-m", "0", "-H", containing: "-H/--hardware must come before")
        refuses("-m", "0", "-b", containing: "-b/--balancing must come before")
        refuses("-m", "0", "--version", containing: "--version must come before")
        refuses("-m", "0", "--file", "/x", containing: "--file must come before")
        refuses("-m", "same", "true", containing: "'same' needs")
        refuses("-C", "0", "--file", "/dev/shm/x", containing: "cannot follow CPU binding")
        refuses("--length", "1m", "-C", "0", "true", containing: "cannot follow the shared-memory option -L/--length")
        refuses("-L", "16k", "--file", "/x", "--length", "1m", containing: "must come before --shm/--file")
        refuses("-T", "true", containing: "needs --shm or --file")
        refuses("-d", "true", containing: "needs --shm or --file")
        refuses("-t", "-L", "1m", "true", containing: "-L/--length applies to shared memory")
        refuses("-L", "16k", "--file", "/x", "-m", "0", "extra", containing: "'extra'")
        refuses("-M", "9", "true", containing: "'9'")
        refuses("-M", "", "true", containing: "octal")
        refuses("-I", "x", "true", containing: "'x'")
        refuses(containing: "no command")
        refuses("-m", "0", containing: "no command")
        refuses("-C", "0", containing: "no command")
        refuses("--cpu-compress", containing: "no command")
    }

    @Test func acceptsWhatNumactlAccepts() throws {
        #expect(try (plan("-I", "5", "true").mode as? LaunchMode)?.command == (["true"]))
        #expect(try (plan("-I", "0x10", "true").mode as? LaunchMode)?.command == (["true"]))
        #expect(try plan("-m", "0", "-N", "same", "true").steps.count == 2)
        #expect(try (plan("-m", "0", "same").mode as? LaunchMode)?.command == (["same"]))
        #expect(try plan("--strict", "true").warnings.count == 1)
        #expect(try plan("-L", "16k", "--file", "/dev/shm/x", "-m", "0", "--dump").mode is SharedMemoryMode)
        #expect(try plan("--require", "nodes>=1").mode is RequireMode)
    }

    @Test(arguments: [("0x10", 16), ("010", 8), ("10", 10), (" 7", 7), ("0", 0)])
    func unsignedNumbers(text: String, value: UInt64) {
        #expect(parseUnsigned(text) == value)
    }

    @Test(arguments: ["", "x", "0x", "08", "1a", "99999999999999999999"])
    func notUnsignedNumbers(text: String) {
        #expect(parseUnsigned(text) == nil)
    }

    /// The plan as swnuma makes it: the options before a scan error first.
    func refusesPartially(_ words: String..., containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let (line, scanError) = Scanner.scanPartially(words)
        #expect(sourceLocation: sourceLocation) {
            try Invocation.plan(line, scanError: scanError)
        } throws: { error in
            "\(error)".contains(text)
        }
    }

    @Test func aWordThatIsNotNodesIsNamedWithItsOption() {
        refusesPartially("-i", "redis-server", "--port", "1", containing: "-i needs <nodes>; 'redis-server' is not <nodes>")
        refusesPartially("--membind", "true", containing: "--membind needs <nodes>; 'true' is not <nodes>")
        refusesPartially("-C", "ls", containing: "-C needs <cpus>; 'ls' is not <cpus>")
        refusesPartially("-N", "netdev:eth0", containing: "no command given")
        refusesPartially("-C", "netdev:eth0", "true", containing: "'netdev:eth0' is not <cpus>")
        refusesPartially("-m", "0", "--port", containing: "unknown option '--port'")
        refusesPartially("-m", "0", "-m", "same", containing: "conflicting")
        refusesPartially("-m", "same", "true", containing: "'same' needs an earlier <nodes>")
    }

    @Test func numactlsOrderOfChecksPerOption() {
        // -m looks for a second policy before it parses; -i parses first.
        refusesPartially("-i", "0", "-m", "x", "true", containing: "conflicting memory policies")
        refusesPartially("-m", "0", "-i", "x", "true", containing: "'x' is not <nodes>")
        // A shared-memory option before -C is refused before -C's value is read.
        refusesPartially("-L", "1m", "-C", "x", "true", containing: "cannot follow the shared-memory option")
    }
}
