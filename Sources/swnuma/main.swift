import SwnumaCLI

// Everything lives in SwnumaCLI so that tests can reach it; this only hands over argv.
SwnumaCommand.main(Array(CommandLine.arguments.dropFirst()))
