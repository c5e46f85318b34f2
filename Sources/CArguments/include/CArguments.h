#ifndef SWNUMA_CARGUMENTS_H
#define SWNUMA_CARGUMENTS_H

// Nothing to call: the target only provides the standard library's hook for
// argv (see arguments.c). The header exists because a C target needs one.

#endif
