/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two halves of the libc interposition share: interpose.c
 * (the fd table, the lock, start-up and the fd entry points) and
 * interpose-path.c (the path entry points).  hs_libc holds the next
 * definition (dlsym RTLD_NEXT) of every entry point they define, for
 * calls handed to libc untouched; hs_real (hostsim-int.h) is the subset
 * the rest of the simulator uses.
 *
 * Both files define the plain names (open, stat, pread...) next to
 * their 64-bit twins, so they #undef _FILE_OFFSET_BITS before any
 * system header: with it, glibc's headers would rename the plain
 * definitions to the 64-bit symbols.
 */
#ifndef HOSTSIM_INTERPOSE_INTERNAL_H
#define HOSTSIM_INTERPOSE_INTERNAL_H

#ifdef _FILE_OFFSET_BITS
#error "#undef _FILE_OFFSET_BITS before including anything"
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>

#define HS_EXPORT __attribute__((visibility("default")))

/* glibc entry points its headers do not declare without fortify. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off,
                      size_t buflen);
ssize_t __readlink_chk(const char *path, char *buf, size_t n,
                       size_t buflen);
ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t n,
                         size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t buflen);
/* The pre-2.33 stat ABI, still exported for old binaries. */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st,
               int flags);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st,
                 int flags);
void __chk_fail(void) __attribute__((noreturn));

/* The next definitions of every entry point defined here. */
#define REAL_FNS(X) \
    X(open) X(open64) X(openat) X(openat64) \
    X(__open_2) X(__open64_2) X(__openat_2) X(__openat64_2) \
    X(fopen) X(fopen64) \
    X(stat) X(lstat) X(fstatat) X(stat64) X(lstat64) X(fstatat64) \
    X(__xstat) X(__lxstat) X(__fxstatat) \
    X(__xstat64) X(__lxstat64) X(__fxstatat64) \
    X(statx) X(access) X(faccessat) \
    X(readlink) X(readlinkat) X(__readlink_chk) X(__readlinkat_chk) \
    X(opendir) X(scandir) X(scandir64) \
    X(realpath) X(__realpath_chk) X(canonicalize_file_name) \
    X(euidaccess) X(eaccess) \
    X(getxattr) X(lgetxattr) X(listxattr) X(llistxattr) \
    X(close) X(read) X(__read_chk) X(write) X(lseek) X(lseek64) \
    X(pread) X(pread64) X(__pread_chk) X(__pread64_chk) \
    X(pwrite) X(pwrite64) X(ioctl) X(mmap) X(mmap64) X(munmap) \
    X(dup) X(dup2) X(dup3) X(fcntl) X(fcntl64)

#define REAL_FIELD(name) __typeof__(name) *name;
typedef struct HSLibc {
    REAL_FNS(REAL_FIELD)
} HSLibc;
#undef REAL_FIELD
extern HSLibc hs_libc;

/* Resolve hs_libc and hs_real once; every entry point calls it first,
 * as entry points may run before the constructor. */
void hs_libc_resolve(void);

/* An entry point whose next definition does not exist (old libc). */
#define REAL_OR_ENOSYS(name, fail) do {         \
        if (!hs_libc.name) {                    \
            errno = ENOSYS;                     \
            return fail;                        \
        }                                       \
    } while (0)

/* -errno results to the libc convention: -1 and errno. */
long hs_sim_ret(long r);

#endif
