// The C surface swnuma takes from libnuma and the C library: the
// memory-policy system calls, and a few helpers Swift cannot reach directly
// (macros, and calls that take variable-size CPU masks).
// Only NUMA/Internals/Syscalls.swift imports this module.
#ifndef SWNUMA_CNUMA_SHIM_H
#define SWNUMA_CNUMA_SHIM_H
#include <numa.h>
#include <numaif.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

static inline unsigned int swnuma_dev_major(dev_t device) { return major(device); }
static inline unsigned int swnuma_dev_minor(dev_t device) { return minor(device); }

/// sched_setaffinity(2) for the calling thread with a mask of `bytes` bytes.
static inline int swnuma_setaffinity(size_t bytes, const unsigned long *mask) {
    return (int)syscall(SYS_sched_setaffinity, 0, bytes, mask);
}

/// sched_getaffinity(2) for the calling thread; returns 0 or -1 with errno.
static inline int swnuma_getaffinity(size_t bytes, unsigned long *mask) {
    return syscall(SYS_sched_getaffinity, 0, bytes, mask) < 0 ? -1 : 0;
}
#endif
