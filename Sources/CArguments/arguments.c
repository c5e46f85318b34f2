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

char **swnuma_arguments(int *count) {
    return _swift_stdlib_getUnsafeArgvArgc(count);
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    overridden = 1;
    savedArgc = argc;
    savedArgv = argv;
}

// The Swift runtime's crash backtracer, left out of the link.
//
// The runtime's backtracer object has a start-up constructor that, on every
// run, reads /proc/self/exe, stats eight places for the `swift-backtrace`
// helper next to the program (libexec/swift/linux, bin, ...) and asks the
// terminal for its settings: about ten system calls and two code windows
// before main. An installed swnuma has no helper beside it, so that work
// only ever ends in "not found". Two references pull the object into a
// static link: the runtime's fatal-error report reads its settings, and the
// executable's start-up object names its thunk test so that the helper can
// find it in a crashed process. Both are answered here first, so the link
// leaves the object (and the crash handler it would install) out:
// - the settings, zeroed, mean "backtracer off": a fatal error still prints
//   its message and the runtime's plain stack trace, as it does when the
//   helper is missing. The runtime's structure is 88 bytes in Swift 6.3 and
//   only its second field (`enabled`) is read; the room to spare keeps a
//   later, larger layout within bounds;
// - the thunk test answers "not a thunk": only the helper would ask it.
__attribute__((aligned(16))) unsigned char _swift_backtraceSettings[256];

_Bool _swift_backtrace_isThunkFunction(const char *mangledName) {
    (void)mangledName;
    return 0;
}
