// The command line for the Swift standard library's `CommandLine`, taken
// from the arguments glibc hands every start-up constructor.
//
// The standard library asks its runtime for argv through
// `_swift_stdlib_getUnsafeArgvArgc`. On Linux the runtime's own version
// finds argv at start-up by reading /proc/self/maps with fopen and sscanf,
// then walking the stack back from `environ`: about 58,000 instructions,
// a 4 KB stdio buffer and several pages of code before main, on every run.
// It does so because some C libraries call constructors without arguments;
// glibc passes (argc, argv, envp) to every .init_array function, in static
// and dynamic programs alike, so swnuma records them here instead. Linked
// into the swnuma executable only: a static link then takes these two
// definitions and leaves the runtime's CommandLine object out of the binary.

#include <stddef.h>

static int savedArgc;
static char **savedArgv;
static int overridden;

static void saveArguments(int argc, char **argv, char **envp) {
    (void)envp;
    if (!overridden) {
        savedArgc = argc;
        savedArgv = argv;
    }
}

__attribute__((used, section(".init_array"))) static void (*const saveArgumentsEntry)(int, char **, char **) = saveArguments;

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    static char *emptyArgv[] = {NULL};
    if (savedArgv == NULL) {
        *outArgLen = 0;
        return emptyArgv;
    }
    *outArgLen = savedArgc;
    return savedArgv;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    overridden = 1;
    savedArgc = argc;
    savedArgv = argv;
}
