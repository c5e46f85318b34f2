import CArguments
import SwnumaCLI

// Everything lives in SwnumaCLI so that tests can reach it; this only hands over
// argv, read as the C library passed it (see Sources/CArguments), each string
// decoded as `CommandLine` would (invalid UTF-8 repaired). The program name
// picks the program: swnuma, numastat or migratepages.
func commandLine() -> [String] {
    var count: Int32 = 0
    let argv = swnuma_arguments(&count)
    var arguments: [String] = []
    arguments.reserveCapacity(Int(count))
    for index in 0..<Int(count) {
        if let argument = argv?[index] { arguments.append(String(cString: argument)) }
    }
    return arguments
}

runSwnuma(commandLine())
