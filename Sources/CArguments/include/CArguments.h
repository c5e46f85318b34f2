#ifndef SWNUMA_CARGUMENTS_H
#define SWNUMA_CARGUMENTS_H

// argv as glibc handed it to the start-up constructors (see arguments.c):
// `*count` strings, the array itself NULL-terminated. The executable reads
// its command line here rather than through the standard library's
// `CommandLine`, whose lazy copy costs a once-token, a 64 KB window of the
// standard library's code and as many instructions again as the copy itself.
char **swnuma_arguments(int *count);

#endif
