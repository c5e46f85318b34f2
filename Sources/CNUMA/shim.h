// The C surface swnuma takes from libnuma-dev and the C library: the MPOL_*
// constants of <numaif.h>, and thin wrappers that make the memory-policy and
// affinity system calls directly.
//
// The wrappers call syscall(2) rather than libnuma's functions on purpose:
// libnuma's set_mempolicy lives beside code that needs libnuma's constructor,
// which at every start reads /proc/self/status and sysfs and probes the
// kernel with set_mempolicy. swnuma reads what it needs itself, lazily.
// Only NUMA/Internals/Syscalls.swift imports this module.
#ifndef SWNUMA_CNUMA_SHIM_H
#define SWNUMA_CNUMA_SHIM_H
#include <numa.h>
#include <numaif.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/vfs.h>

/// set_mempolicy(2).
static inline long swnuma_set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode) {
    return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

/// get_mempolicy(2).
static inline long swnuma_get_mempolicy(int *mode, unsigned long *mask, unsigned long maxnode,
                                        void *address, unsigned long flags) {
    return syscall(SYS_get_mempolicy, mode, mask, maxnode, address, flags);
}

/// The file system type (statfs(2)'s f_type) of the file system `path`
/// is on, or -1 with errno.
static inline long swnuma_file_system_type(const char *path) {
    struct statfs info;
    return statfs(path, &info) == 0 ? (long)info.f_type : -1;
}

/// getdents64(2): the entries of an open folder, written into `buffer`.
static inline long swnuma_getdents64(int fd, void *buffer, size_t bytes) {
    return syscall(SYS_getdents64, fd, buffer, bytes);
}

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

/// mbind(2): a memory policy for a range of the address space.
static inline long swnuma_mbind(void *address, unsigned long length, int mode, const unsigned long *mask,
                                unsigned long maxnode, unsigned int flags) {
    return syscall(SYS_mbind, address, length, mode, mask, maxnode, flags);
}

/// Reads and writes back one byte every `step` bytes of [address, address + length),
/// through a volatile pointer so that the compiler keeps every access: each
/// write faults the page in under the range's policy.
static inline void swnuma_touch_pages(void *address, size_t length, size_t step) {
    volatile unsigned char *bytes = (volatile unsigned char *)address;
    for (size_t at = 0; at < length; at += step) {
        bytes[at] = bytes[at];
    }
}

/// migrate_pages(2): moves the pages of process `pid` on the nodes of `from`
/// to the nodes of `to`; returns the number of pages that could not be moved,
/// or -1 with errno.
static inline long swnuma_migrate_pages(int pid, unsigned long maxnode, const unsigned long *from,
                                        const unsigned long *to) {
    return syscall(SYS_migrate_pages, pid, maxnode, from, to);
}

/// The number of columns of the terminal on `fd` (ioctl(2) TIOCGWINSZ), or -1.
static inline int swnuma_terminal_columns(int fd) {
    struct winsize size;
    if (syscall(SYS_ioctl, fd, TIOCGWINSZ, &size) != 0) return -1;
    return size.ws_col;
}
/// O_PATH (which <fcntl.h> shows only to _GNU_SOURCE builds).
static inline int swnuma_o_path(void) { return __O_PATH; }

/// openat2(2) with RESOLVE_IN_ROOT: opens `path` as if `root` were `/`
/// (absolute links resolve against it, `..` stops at it), never through
/// procfs magic links. -1 with errno ENOSYS where the kernel lacks it.
static inline int swnuma_open_in_root(int root, const char *path, int flags) {
    struct {
        unsigned long long flags, mode, resolve;
    } how = {(unsigned long long)flags, 0, 0x10 /* RESOLVE_IN_ROOT */ | 0x02 /* RESOLVE_NO_MAGICLINKS */};
    return (int)syscall(437 /* SYS_openat2 */, root, path, &how, sizeof how);
}

#endif
