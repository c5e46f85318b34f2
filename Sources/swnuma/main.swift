import SwnumaCLI

// Everything lives in SwnumaCLI so that tests can reach it; this only hands over
// argv. The program name picks the program: swnuma, numastat or migratepages.
runSwnuma()
