import SwnumaCLI

// Everything lives in SwnumaCLI so that tests can reach it; this only hands over
// argv. The program name picks the mode: swnuma, numastat or migratepages.
SwnumaCommand.main(invokedAs: CommandLine.arguments.first ?? "swnuma", Array(CommandLine.arguments.dropFirst()))
