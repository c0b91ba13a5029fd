/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path half of the libc interposition (interpose.c has the fd half):
 * open() of /dev/iommu and /dev/vfio/devices/vfioN creates a simulated
 * fd; every other path call (open, fopen, the stat family, access,
 * readlink, opendir, scandir, realpath, xattrs) on a path the sysfs view
 * answers (sysfs.c) is redirected into the private tree, and anything
 * else reaches libc with its arguments untouched.  stat() of the device
 * node placeholders reports character devices with the numbers the
 * sysfs "dev" attributes give.
 *
 * Only absolute paths are rewritten: a path relative to a directory fd
 * opened on a simulated directory resolves in the tree natively, one
 * relative to the real /sys stays there.
 */
/* The plain (not _FILE_OFFSET_BITS-redirected) names are defined here. */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include "hostsim-int.h"
#include "interpose-internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

/* Make sure the simulator exists before it answers for a path. */
static bool sim_path(const char *path)
{
    if (!hs_sysfs_is_candidate(path)) {
        return false;
    }
    hs_init();
    return true;
}

/* "/dev/vfio/devices/vfioN" exactly, N a function of the topology. */
static HSFunc *vfio_node_func(const char *path)
{
    static const char prefix[] = "/dev/vfio/devices/vfio";
    const char *num;
    char *end;
    unsigned long n;

    if (strncmp(path, prefix, sizeof(prefix) - 1)) {
        return NULL;
    }
    num = path + sizeof(prefix) - 1;
    if (!g_ascii_isdigit(num[0]) || (num[0] == '0' && num[1])) {
        return NULL;
    }
    errno = 0;
    n = strtoul(num, &end, 10);
    if (errno || *end || n > G_MAXUINT) {
        return NULL;
    }
    return hs_func_by_vfio_index(n);
}

/* Is path one of the device nodes; which number does it report? */
static bool dev_node(const char *path, dev_t *rdev)
{
    HSFunc *f;

    if (!strcmp(path, "/dev/iommu")) {
        *rdev = makedev(HS_MISC_MAJOR, HS_IOMMU_MINOR);
        return true;
    }
    f = vfio_node_func(path);
    if (f) {
        *rdev = makedev(HS_VFIO_CDEV_MAJOR, f->vfio_index);
        return true;
    }
    return false;
}

static int open_iommufd(int flags)
{
    HSIctx *ictx;
    int err = ENOMEM, fd;

    hs_lock();
    ictx = hs_ictx_open(&err);
    if (!ictx) {
        hs_unlock();
        errno = err > 0 ? err : (err < 0 ? -err : ENOMEM);
        return -1;
    }
    fd = hs_fd_new(HS_FD_IOMMUFD, ictx, flags);
    if (fd < 0) {
        hs_ictx_put(ictx);
    }
    hs_unlock();
    return hs_sim_ret(fd);
}

static int open_vfio(HSFunc *func, int flags)
{
    HSVfioDev *d;
    int err = ENOMEM, fd;

    hs_lock();
    d = hs_vfio_open(func, &err);
    if (!d) {
        hs_unlock();
        errno = err > 0 ? err : (err < 0 ? -err : ENOMEM);
        return -1;
    }
    fd = hs_fd_new(HS_FD_VFIO, d, flags);
    if (fd < 0) {
        hs_vfio_close(d);
    } else {
        d->file = hs_fd_lookup(fd);
    }
    hs_unlock();
    return hs_sim_ret(fd);
}

/*
 * open() family: true when the simulator took the call (*ret is its
 * result, errno set); false means "libc, untouched".
 */
static bool sim_open(const char *path, int flags, mode_t mode, int *ret)
{
    g_autofree char *rw = NULL;
    HSFunc *func;
    dev_t rdev;
    int err;

    if (!sim_path(path)) {
        return false;
    }
    if (dev_node(path, &rdev) && !(flags & O_PATH)) {
        /* A character device: what the VFS says before the driver. */
        if ((flags & O_CREAT) && (flags & O_EXCL)) {
            *ret = hs_sim_ret(-EEXIST);
            return true;
        }
        if (flags & O_DIRECTORY) {
            *ret = hs_sim_ret(-ENOTDIR);
            return true;
        }
        func = vfio_node_func(path);
        *ret = func ? open_vfio(func, flags) : open_iommufd(flags);
        return true;
    }
    rw = hs_sysfs_rewrite(path);
    if (!rw) {
        return false;
    }
    *ret = hs_libc.openat(AT_FDCWD, rw, flags, mode);
    err = errno;
    g_clear_pointer(&rw, g_free);
    errno = err;
    return true;
}

#define OPEN_MODE(flags, last, mode) do {                       \
        mode = 0;                                               \
        if ((flags) & (O_CREAT | __O_TMPFILE)) {                \
            va_list ap;                                         \
            va_start(ap, last);                                 \
            mode = va_arg(ap, mode_t);                          \
            va_end(ap);                                         \
        }                                                       \
    } while (0)

HS_EXPORT int open(const char *path, int flags, ...)
{
    mode_t mode;
    int ret;

    OPEN_MODE(flags, flags, mode);
    hs_libc_resolve();
    if (sim_open(path, flags, mode, &ret)) {
        return ret;
    }
    return hs_libc.open(path, flags, mode);
}

HS_EXPORT int open64(const char *path, int flags, ...)
{
    mode_t mode;
    int ret;

    OPEN_MODE(flags, flags, mode);
    hs_libc_resolve();
    if (sim_open(path, flags, mode, &ret)) {
        return ret;
    }
    return hs_libc.open64(path, flags, mode);
}

HS_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode;
    int ret;

    OPEN_MODE(flags, flags, mode);
    hs_libc_resolve();
    if (sim_open(path, flags, mode, &ret)) {
        return ret;
    }
    return hs_libc.openat(dirfd, path, flags, mode);
}

HS_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    mode_t mode;
    int ret;

    OPEN_MODE(flags, flags, mode);
    hs_libc_resolve();
    if (sim_open(path, flags, mode, &ret)) {
        return ret;
    }
    return hs_libc.openat64(dirfd, path, flags, mode);
}

/* The fortified open(): no mode may be needed (else libc aborts). */
HS_EXPORT int __open_2(const char *path, int flags)
{
    int ret;

    hs_libc_resolve();
    if (!(flags & (O_CREAT | __O_TMPFILE)) &&
        sim_open(path, flags, 0, &ret)) {
        return ret;
    }
    return hs_libc.__open_2(path, flags);
}

HS_EXPORT int __open64_2(const char *path, int flags)
{
    int ret;

    hs_libc_resolve();
    if (!(flags & (O_CREAT | __O_TMPFILE)) &&
        sim_open(path, flags, 0, &ret)) {
        return ret;
    }
    return hs_libc.__open64_2(path, flags);
}

HS_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    int ret;

    hs_libc_resolve();
    if (!(flags & (O_CREAT | __O_TMPFILE)) &&
        sim_open(path, flags, 0, &ret)) {
        return ret;
    }
    return hs_libc.__openat_2(dirfd, path, flags);
}

HS_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    int ret;

    hs_libc_resolve();
    if (!(flags & (O_CREAT | __O_TMPFILE)) &&
        sim_open(path, flags, 0, &ret)) {
        return ret;
    }
    return hs_libc.__openat64_2(dirfd, path, flags);
}

/*
 * Path calls that only need the sysfs rewrite.  sim_rewrite returns the
 * path to use (rewritten, or the caller's own); free with sim_path_done.
 */
static const char *sim_rewrite(const char *path, char **owned)
{
    *owned = NULL;
    if (sim_path(path)) {
        *owned = hs_sysfs_rewrite(path);
    }
    return *owned ? *owned : path;
}

static void sim_path_done(char *owned)
{
    int err = errno;

    g_free(owned);
    errno = err;
}

HS_EXPORT FILE *fopen(const char *path, const char *mode)
{
    char *owned;
    const char *p;
    FILE *ret;

    hs_libc_resolve();
    p = sim_rewrite(path, &owned);
    ret = hs_libc.fopen(p, mode);
    sim_path_done(owned);
    return ret;
}

HS_EXPORT FILE *fopen64(const char *path, const char *mode)
{
    char *owned;
    const char *p;
    FILE *ret;

    hs_libc_resolve();
    p = sim_rewrite(path, &owned);
    ret = hs_libc.fopen64(p, mode);
    sim_path_done(owned);
    return ret;
}

/* stat() of a device node placeholder reports a character device. */
#define PATCH_STAT(path, ret, st) do {                          \
        dev_t rdev_;                                            \
        if ((ret) == 0 && dev_node(path, &rdev_)) {             \
            (st)->st_mode = S_IFCHR | ((st)->st_mode & 07777);  \
            (st)->st_rdev = rdev_;                              \
        }                                                       \
    } while (0)

/* One stat-like entry point: rewrite, call libc, patch the result. */
#define STAT_ENTRY(rettype, name, call, pathvar, stvar, ...)    \
    HS_EXPORT rettype name(__VA_ARGS__)                         \
    {                                                           \
        char *owned;                                            \
        const char *p;                                          \
        rettype ret;                                            \
                                                                \
        hs_libc_resolve();                                         \
        REAL_OR_ENOSYS(name, -1);                               \
        p = sim_rewrite(pathvar, &owned);                       \
        ret = call;                                             \
        if (owned) {                                            \
            PATCH_STAT(pathvar, ret, stvar);                    \
        }                                                       \
        sim_path_done(owned);                                   \
        return ret;                                             \
    }

STAT_ENTRY(int, stat, hs_libc.stat(p, st), path, st,
           const char *path, struct stat *st)
STAT_ENTRY(int, lstat, hs_libc.lstat(p, st), path, st,
           const char *path, struct stat *st)
STAT_ENTRY(int, fstatat, hs_libc.fstatat(dirfd, p, st, flags), path, st,
           int dirfd, const char *path, struct stat *st, int flags)
STAT_ENTRY(int, stat64, hs_libc.stat64(p, st), path, st,
           const char *path, struct stat64 *st)
STAT_ENTRY(int, lstat64, hs_libc.lstat64(p, st), path, st,
           const char *path, struct stat64 *st)
STAT_ENTRY(int, fstatat64, hs_libc.fstatat64(dirfd, p, st, flags), path, st,
           int dirfd, const char *path, struct stat64 *st, int flags)
STAT_ENTRY(int, __xstat, hs_libc.__xstat(ver, p, st), path, st,
           int ver, const char *path, struct stat *st)
STAT_ENTRY(int, __lxstat, hs_libc.__lxstat(ver, p, st), path, st,
           int ver, const char *path, struct stat *st)
STAT_ENTRY(int, __fxstatat, hs_libc.__fxstatat(ver, dirfd, p, st, flags),
           path, st, int ver, int dirfd, const char *path,
           struct stat *st, int flags)
STAT_ENTRY(int, __xstat64, hs_libc.__xstat64(ver, p, st), path, st,
           int ver, const char *path, struct stat64 *st)
STAT_ENTRY(int, __lxstat64, hs_libc.__lxstat64(ver, p, st), path, st,
           int ver, const char *path, struct stat64 *st)
STAT_ENTRY(int, __fxstatat64, hs_libc.__fxstatat64(ver, dirfd, p, st, flags),
           path, st, int ver, int dirfd, const char *path,
           struct stat64 *st, int flags)

HS_EXPORT int statx(int dirfd, const char *path, int flags,
                    unsigned int mask, struct statx *stx)
{
    char *owned;
    const char *p;
    dev_t rdev;
    int ret;

    hs_libc_resolve();
    REAL_OR_ENOSYS(statx, -1);
    p = sim_rewrite(path, &owned);
    ret = hs_libc.statx(dirfd, p, flags, mask, stx);
    if (owned && ret == 0 && dev_node(path, &rdev)) {
        stx->stx_mode = S_IFCHR | (stx->stx_mode & 07777);
        stx->stx_rdev_major = major(rdev);
        stx->stx_rdev_minor = minor(rdev);
    }
    sim_path_done(owned);
    return ret;
}

/* Entry points that only take a rewritten path. */
#define PATH_ENTRY(rettype, fail, name, call, pathvar, ...)     \
    HS_EXPORT rettype name(__VA_ARGS__)                         \
    {                                                           \
        char *owned;                                            \
        const char *p;                                          \
        rettype ret;                                            \
                                                                \
        hs_libc_resolve();                                         \
        REAL_OR_ENOSYS(name, fail);                             \
        p = sim_rewrite(pathvar, &owned);                       \
        ret = call;                                             \
        sim_path_done(owned);                                   \
        return ret;                                             \
    }

PATH_ENTRY(int, -1, access, hs_libc.access(p, mode), path,
           const char *path, int mode)
PATH_ENTRY(int, -1, faccessat, hs_libc.faccessat(dirfd, p, mode, flags), path,
           int dirfd, const char *path, int mode, int flags)
PATH_ENTRY(ssize_t, -1, readlink, hs_libc.readlink(p, buf, n), path,
           const char *path, char *buf, size_t n)
PATH_ENTRY(ssize_t, -1, readlinkat, hs_libc.readlinkat(dirfd, p, buf, n), path,
           int dirfd, const char *path, char *buf, size_t n)
PATH_ENTRY(ssize_t, -1, __readlink_chk,
           hs_libc.__readlink_chk(p, buf, n, buflen), path,
           const char *path, char *buf, size_t n, size_t buflen)
PATH_ENTRY(ssize_t, -1, __readlinkat_chk,
           hs_libc.__readlinkat_chk(dirfd, p, buf, n, buflen), path,
           int dirfd, const char *path, char *buf, size_t n, size_t buflen)
PATH_ENTRY(DIR *, NULL, opendir, hs_libc.opendir(p), path, const char *path)
PATH_ENTRY(int, -1, scandir, hs_libc.scandir(p, list, filter, cmp), path,
           const char *path, struct dirent ***list,
           int (*filter)(const struct dirent *),
           int (*cmp)(const struct dirent **, const struct dirent **))
PATH_ENTRY(int, -1, scandir64, hs_libc.scandir64(p, list, filter, cmp), path,
           const char *path, struct dirent64 ***list,
           int (*filter)(const struct dirent64 *),
           int (*cmp)(const struct dirent64 **, const struct dirent64 **))
PATH_ENTRY(int, -1, euidaccess, hs_libc.euidaccess(p, mode), path,
           const char *path, int mode)
PATH_ENTRY(int, -1, eaccess, hs_libc.eaccess(p, mode), path,
           const char *path, int mode)
/* ls -l asks for ACLs and security labels. */
PATH_ENTRY(ssize_t, -1, getxattr, hs_libc.getxattr(p, name, value, n), path,
           const char *path, const char *name, void *value, size_t n)
PATH_ENTRY(ssize_t, -1, lgetxattr, hs_libc.lgetxattr(p, name, value, n), path,
           const char *path, const char *name, void *value, size_t n)
PATH_ENTRY(ssize_t, -1, listxattr, hs_libc.listxattr(p, list, n), path,
           const char *path, char *list, size_t n)
PATH_ENTRY(ssize_t, -1, llistxattr, hs_libc.llistxattr(p, list, n), path,
           const char *path, char *list, size_t n)

/*
 * realpath() resolves inside the private tree; the tree's prefix is then
 * taken off again so that the caller sees a /sys path, which the rewrite
 * answers too (sysfs.c rewrites the sys/devices paths it created).
 */
static char *realpath_untree(char *ret, char *owned)
{
    const char *root = owned ? hs_sysfs_root() : NULL;
    size_t n = root ? strlen(root) : 0;

    if (ret && n && !strncmp(ret, root, n) && ret[n] == '/') {
        memmove(ret, ret + n, strlen(ret + n) + 1);
    }
    return ret;
}

HS_EXPORT char *realpath(const char *path, char *resolved)
{
    char *owned, *ret;
    const char *p;

    hs_libc_resolve();
    p = sim_rewrite(path, &owned);
    ret = realpath_untree(hs_libc.realpath(p, resolved), owned);
    sim_path_done(owned);
    return ret;
}

HS_EXPORT char *canonicalize_file_name(const char *path)
{
    char *owned, *ret;
    const char *p;

    hs_libc_resolve();
    REAL_OR_ENOSYS(canonicalize_file_name, NULL);
    p = sim_rewrite(path, &owned);
    ret = realpath_untree(hs_libc.canonicalize_file_name(p), owned);
    sim_path_done(owned);
    return ret;
}

HS_EXPORT char *__realpath_chk(const char *path, char *resolved,
                               size_t buflen)
{
    char *owned, *ret;
    const char *p;

    hs_libc_resolve();
    REAL_OR_ENOSYS(__realpath_chk, NULL);
    p = sim_rewrite(path, &owned);
    ret = realpath_untree(hs_libc.__realpath_chk(p, resolved, buflen), owned);
    sim_path_done(owned);
    return ret;
}

