/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between an unmodified program and the simulated kernel: the
 * libc entry points a VMM uses on /dev/iommu, /dev/vfio/devices/vfioN
 * and the sysfs paths of iommufd-uapi.md section 4 are defined here, so
 * that with LD_PRELOAD (or linked into a unit test) they come before
 * libc's.  Each looks at its path or fd and either serves the call from
 * the simulator or hands it, arguments untouched, to the next definition
 * (dlsym RTLD_NEXT): a process that never names a simulated path or fd
 * sees libc's own results and errno.
 *
 * Also here: the table of simulated fds (each backed by a real fd: a
 * memfd, an epoll instance for a vEVENTQ, an eventfd for a fault queue,
 * so that poll/select/epoll and mmap work natively), the simulator's
 * one recursive lock, and start-up.  Start-up is lazy: loading the
 * library costs a few dlsym calls; the topology, the simulated hardware
 * and the private sysfs tree appear on the first simulated path (or at
 * load when HOSTSIM_CONTROL asks for the control socket).
 *
 * fork(): the child gets a copy of the simulator's memory and the same
 * real fds, so its simulated fds keep working on its own copy of the
 * state (the kernel would share it; tests do not rely on either).  The
 * lock is reinitialized in the child so it can never inherit a held
 * lock; only the process that created the sysfs tree and the control
 * socket removes them.
 *
 * The path entry points are in interpose-path.c.  Known limits
 * (docs/devel/hostsim.rst): fstat() of a simulated fd shows the backing
 * memfd/epoll fd/eventfd; fds closed behind libc's back (close_range, raw
 * syscalls) leave stale entries in the table.
 */
/* The plain (not _FILE_OFFSET_BITS-redirected) names are defined here. */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include "hostsim-int.h"
#include "interpose-internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

HSReal hs_real;
HSLibc hs_libc;

static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

static void libc_resolve_once(void)
{
#define REAL_DLSYM(name) hs_libc.name = dlsym(RTLD_NEXT, #name);
    REAL_FNS(REAL_DLSYM)
#undef REAL_DLSYM
    hs_real.open = hs_libc.open;
    hs_real.openat = hs_libc.openat;
    hs_real.close = hs_libc.close;
    hs_real.read = hs_libc.read;
    hs_real.write = hs_libc.write;
    hs_real.pread = hs_libc.pread;
    hs_real.pwrite = hs_libc.pwrite;
    hs_real.ioctl = hs_libc.ioctl;
    hs_real.mmap = hs_libc.mmap;
    hs_real.munmap = hs_libc.munmap;
    hs_real.dup = hs_libc.dup;
}

void hs_libc_resolve(void)
{
    pthread_once(&libc_once, libc_resolve_once);
}

/* ---- the lock ---- */

static GRecMutex hs_mutex;
static bool atfork_locked;

void hs_lock(void)
{
    g_rec_mutex_lock(&hs_mutex);
}

void hs_unlock(void)
{
    g_rec_mutex_unlock(&hs_mutex);
}

/* ---- start-up ---- */

static gint hs_inited;

void hs_init(void)
{
    const char *path = getenv("HOSTSIM_TOPOLOGY");
    GError *err = NULL;
    HSTopology *t;
    unsigned armed;

    hs_libc_resolve();
    if (g_atomic_int_get(&hs_inited)) {
        return;
    }
    hs_lock();
    if (g_atomic_int_get(&hs_inited)) {
        hs_unlock();
        return;
    }
    /*
     * Building the host is not a kernel operation: an armed fail-nth
     * (HOSTSIM_FAIL_NTH) must count only the program's calls, whenever
     * the lazy start-up happens.
     */
    armed = hs_failnth_remaining();
    if (armed) {
        hs_failnth_set(0);
    }
    t = hs_topology_load(path && *path ? path : NULL, &err);
    if (!t) {
        fprintf(stderr, "hostsim: %s\n", err->message);
        g_error_free(err);
        exit(1);
    }
    hs_topo = t;
    for (guint i = 0; i < t->smmus->len; i++) {
        hs_smmu_init(g_ptr_array_index(t->smmus, i));
    }
    for (guint i = 0; i < t->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(t->funcs, i);

        hs_vfio_func_init(f);
        hs_edu_init(f);
    }
    if (armed) {
        hs_failnth_set(armed);
    }
    g_atomic_int_set(&hs_inited, 1);
    hs_unlock();
    hs_control_start();
}

static void atfork_prepare(void)
{
    /* Fork with the state consistent: no other thread mid-update. */
    if (g_atomic_int_get(&hs_inited)) {
        hs_lock();
        atfork_locked = true;
    }
}

static void atfork_parent(void)
{
    if (atfork_locked) {
        atfork_locked = false;
        hs_unlock();
    }
}

static void atfork_child(void)
{
    /* A fresh lock: the parent's owner thread does not exist here. */
    atfork_locked = false;
    g_rec_mutex_init(&hs_mutex);
}

__attribute__((constructor))
static void hs_interpose_load(void)
{
    const char *ctl = getenv("HOSTSIM_CONTROL");

    hs_libc_resolve();
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
    if (ctl && *ctl) {
        hs_init();
    }
}

/*
 * The leak report (and its exit status) runs earlier, from failnth.c's
 * atexit handler; what is left is what outlives the process.  Both calls
 * act only in the process that created the socket resp. the tree.
 */
__attribute__((destructor))
static void hs_interpose_unload(void)
{
    hs_control_stop();
    hs_sysfs_cleanup();
}

/* ---- the fd table ---- */

static GHashTable *fd_table;        /* fd -> HSFile* */
static gint fd_live;                /* entries, read without the lock */

static void fd_insert(int fd, HSFile *f)
{
    if (!fd_table) {
        fd_table = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_insert(fd_table, GINT_TO_POINTER(fd), f);
    g_atomic_int_set(&fd_live, g_hash_table_size(fd_table));
}

static void fd_remove(int fd)
{
    g_hash_table_remove(fd_table, GINT_TO_POINTER(fd));
    g_atomic_int_set(&fd_live, g_hash_table_size(fd_table));
}

/* Cheap pre-test, no lock: can fd be a simulated one at all? */
static inline bool fd_maybe_sim(int fd)
{
    return fd >= 0 && g_atomic_int_get(&fd_live) > 0;
}

int hs_fd_new(HSFdKind kind, void *obj, int flags)
{
    HSFile *f;
    int fd, ret;

    hs_libc_resolve();
    ret = hs_inject(ENOMEM, "fd");
    if (ret) {
        return ret;
    }
    if (kind == HS_FD_VEVENTQ) {
        fd = epoll_create1(flags & O_CLOEXEC ? EPOLL_CLOEXEC : 0);
        if (fd >= 0 && (flags & O_NONBLOCK)) {
            hs_libc.fcntl(fd, F_SETFL, O_NONBLOCK);
        }
    } else if (kind == HS_FD_FAULT) {
        fd = eventfd(0, (flags & O_CLOEXEC ? EFD_CLOEXEC : 0) |
                        (flags & O_NONBLOCK ? EFD_NONBLOCK : 0));
    } else {
        fd = memfd_create(kind == HS_FD_IOMMUFD ? "iommufd" : "vfio-device",
                          flags & O_CLOEXEC ? MFD_CLOEXEC : 0);
    }
    if (fd < 0) {
        return -errno;
    }
    f = g_new0(HSFile, 1);
    f->kind = kind;
    f->obj = obj;
    f->efd = fd;
    f->fds = 1;
    f->open_flags = flags;
    hs_lock();
    fd_insert(fd, f);
    hs_unlock();
    return fd;
}

HSFile *hs_fd_lookup(int fd)
{
    HSFile *f = NULL;

    if (!fd_maybe_sim(fd)) {
        return NULL;
    }
    hs_lock();
    if (fd_table) {
        f = g_hash_table_lookup(fd_table, GINT_TO_POINTER(fd));
    }
    hs_unlock();
    return f;
}

/*
 * Queue fds poll as Linux's do (1.20, 1.21).  A vEVENTQ fd is an epoll
 * instance: poll() on it reports POLLIN|POLLRDNORM while its interest
 * list holds a ready fd, and never POLLOUT.  Readiness is one
 * process-wide eventfd whose counter is set once and never read (always
 * readable), added to the queue's epoll set while the queue is not empty
 * and removed when it drains; its fd is private to the simulator (not in
 * the table) and is made again if it was closed behind our back.  A
 * fault fd reports POLLOUT always and POLLIN while non-empty: an eventfd
 * whose counter is 1 while readable, drained to 0 otherwise (the read
 * happens only when the counter is known to be 1, so it never blocks).
 */
static int ready_efd = -1;

static int ready_fd_get(bool renew)
{
    if (renew && ready_efd >= 0 &&
        hs_libc.fcntl(ready_efd, F_GETFD) < 0 && errno == EBADF) {
        ready_efd = -1;             /* closed behind our back */
    }
    if (ready_efd < 0) {
        ready_efd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
    }
    return ready_efd;
}

static void fault_fd_set_readable(HSFile *f, bool readable)
{
    uint64_t v = 1;

    if (readable && !f->readable) {
        if (hs_real.write(f->efd, &v, sizeof(v)) == sizeof(v)) {
            f->readable = true;
        }
    } else if (!readable && f->readable) {
        if (hs_real.read(f->efd, &v, sizeof(v)) == sizeof(v)) {
            f->readable = false;
        }
    }
}

void hs_fd_set_readable(HSFile *f, bool readable)
{
    struct epoll_event ev = { .events = EPOLLIN };
    int rfd, r;

    if (!f || (f->kind != HS_FD_VEVENTQ && f->kind != HS_FD_FAULT)) {
        return;
    }
    hs_lock();
    if (f->kind == HS_FD_FAULT) {
        fault_fd_set_readable(f, readable);
    } else if (readable && !f->readable) {
        rfd = ready_fd_get(false);
        r = rfd < 0 ? -1 : epoll_ctl(f->efd, EPOLL_CTL_ADD, rfd, &ev);
        if (r < 0 && errno == EBADF) {
            rfd = ready_fd_get(true);
            r = rfd < 0 ? -1 : epoll_ctl(f->efd, EPOLL_CTL_ADD, rfd, &ev);
        }
        if (r == 0 || errno == EEXIST) {
            f->readable = true;
        }
    } else if (!readable && f->readable) {
        /* Gone already (ENOENT/EBADF) is as good as removed. */
        epoll_ctl(f->efd, EPOLL_CTL_DEL, ready_efd, &ev);
        f->readable = false;
    }
    hs_unlock();
}

unsigned hs_fd_count(void)
{
    unsigned n;

    hs_lock();
    n = fd_table ? g_hash_table_size(fd_table) : 0;
    hs_unlock();
    return n;
}

static gint fd_cmp(gconstpointer a, gconstpointer b)
{
    return GPOINTER_TO_INT(a) - GPOINTER_TO_INT(b);
}

void hs_fd_foreach(void (*fn)(int fd, HSFile *f, void *opaque),
                   void *opaque)
{
    GList *keys;

    hs_lock();
    if (!fd_table) {
        hs_unlock();
        return;
    }
    keys = g_list_sort(g_hash_table_get_keys(fd_table), fd_cmp);
    for (GList *l = keys; l; l = l->next) {
        HSFile *f = g_hash_table_lookup(fd_table, l->data);

        if (f) {
            fn(GPOINTER_TO_INT(l->data), f, opaque);
        }
    }
    g_list_free(keys);
    hs_unlock();
}

/* The file the fd referred to loses it; the last one releases the file. */
static void fd_release(HSFile *f, int fd)
{
    GHashTableIter it;
    gpointer key, value;

    if (--f->fds) {
        if (f->efd == fd) {
            g_hash_table_iter_init(&it, fd_table);
            while (g_hash_table_iter_next(&it, &key, &value)) {
                if (value == f) {
                    f->efd = GPOINTER_TO_INT(key);
                    break;
                }
            }
        }
        return;
    }
    if (f->obj) {
        switch (f->kind) {
        case HS_FD_IOMMUFD:
            hs_ictx_put(f->obj);
            break;
        case HS_FD_VFIO:
            hs_vfio_close(f->obj);
            break;
        case HS_FD_VEVENTQ:
            hs_veventq_fd_closed(f->obj);
            break;
        case HS_FD_FAULT:
            hs_fault_fd_closed(f->obj);
            break;
        }
    }
    g_free(f);
}

/* fd now refers to f too (dup). */
static void fd_share(int fd, HSFile *f)
{
    HSFile *old = g_hash_table_lookup(fd_table, GINT_TO_POINTER(fd));

    if (old == f) {
        return;
    }
    if (old) {
        fd_remove(fd);
        fd_release(old, fd);
    }
    f->fds++;
    fd_insert(fd, f);
}

long hs_sim_ret(long r)
{
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return r;
}

/* Lock and look up: NULL (and unlocked) when fd is not simulated. */
static HSFile *sim_fd_enter(int fd)
{
    HSFile *f;

    if (!fd_maybe_sim(fd)) {
        return NULL;
    }
    hs_lock();
    f = fd_table ? g_hash_table_lookup(fd_table, GINT_TO_POINTER(fd))
                 : NULL;
    if (!f) {
        hs_unlock();
    }
    return f;
}
/* ---- fds ---- */

HS_EXPORT int close(int fd)
{
    HSFile *f;
    int ret;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.close(fd);
    }
    fd_remove(fd);
    ret = hs_libc.close(fd);
    fd_release(f, fd);
    hs_unlock();
    return ret;
}

/*
 * read/write on a VFIO device fd are region accesses at the file
 * position (2.4), as pread/pwrite are at their offset; the position is
 * kept in the backing memfd.  Only read/write move it: lseek() is ESPIPE
 * as on Linux (no llseek file operation, FMODE_LSEEK cleared).
 */
static ssize_t sim_rw(HSFile *f, int fd, void *buf, size_t n, off_t off,
                      bool positional, bool write)
{
    off_t pos = off;
    ssize_t r;

    if (positional && off < 0) {
        return -EINVAL;
    }
    switch (f->kind) {
    case HS_FD_IOMMUFD:
        /* No read/write file operations. */
        return -EINVAL;
    case HS_FD_VEVENTQ:
        if (write) {
            return -EINVAL;
        }
        if (positional && off) {
            return -ESPIPE;
        }
        return f->obj ? hs_veventq_read(f->obj, buf, n) : -EINVAL;
    case HS_FD_FAULT:
        if (positional && off) {
            return -ESPIPE;
        }
        if (!f->obj) {
            return -EINVAL;
        }
        return write ? hs_fault_write(f->obj, buf, n)
                     : hs_fault_read(f->obj, buf, n);
    case HS_FD_VFIO:
        if (!f->obj) {
            return -EINVAL;
        }
        if (!positional) {
            pos = hs_libc.lseek(fd, 0, SEEK_CUR);
            if (pos < 0) {
                return -errno;
            }
        }
        r = write ? hs_vfio_pwrite(f->obj, buf, n, pos)
                  : hs_vfio_pread(f->obj, buf, n, pos);
        if (!positional && r > 0) {
            hs_libc.lseek(fd, pos + r, SEEK_SET);
        }
        return r;
    }
    return -EINVAL;
}

static ssize_t sim_rw_call(HSFile *f, int fd, void *buf, size_t n,
                           off_t off, bool positional, bool write)
{
    ssize_t r = sim_rw(f, fd, buf, n, off, positional, write);

    hs_unlock();
    return hs_sim_ret(r);
}

HS_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.read(fd, buf, n);
    }
    return sim_rw_call(f, fd, buf, n, 0, false, false);
}

HS_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.__read_chk(fd, buf, n, buflen);
    }
    if (n > buflen) {
        hs_unlock();
        __chk_fail();
    }
    return sim_rw_call(f, fd, buf, n, 0, false, false);
}

HS_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.write(fd, buf, n);
    }
    return sim_rw_call(f, fd, (void *)buf, n, 0, false, true);
}

HS_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.pread(fd, buf, n, off);
    }
    return sim_rw_call(f, fd, buf, n, off, true, false);
}

HS_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.pread64(fd, buf, n, off);
    }
    return sim_rw_call(f, fd, buf, n, off, true, false);
}

HS_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off,
                              size_t buflen)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.__pread_chk(fd, buf, n, off, buflen);
    }
    if (n > buflen) {
        hs_unlock();
        __chk_fail();
    }
    return sim_rw_call(f, fd, buf, n, off, true, false);
}

HS_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off,
                                size_t buflen)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.__pread64_chk(fd, buf, n, off, buflen);
    }
    if (n > buflen) {
        hs_unlock();
        __chk_fail();
    }
    return sim_rw_call(f, fd, buf, n, off, true, false);
}

HS_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.pwrite(fd, buf, n, off);
    }
    return sim_rw_call(f, fd, (void *)buf, n, off, true, true);
}

HS_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.pwrite64(fd, buf, n, off);
    }
    return sim_rw_call(f, fd, (void *)buf, n, off, true, true);
}

/* No simulated file can seek: none has an llseek file operation. */
HS_EXPORT off_t lseek(int fd, off_t off, int whence)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.lseek(fd, off, whence);
    }
    hs_unlock();
    return hs_sim_ret(-ESPIPE);
}

HS_EXPORT off64_t lseek64(int fd, off64_t off, int whence)
{
    HSFile *f;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.lseek64(fd, off, whence);
    }
    hs_unlock();
    return hs_sim_ret(-ESPIPE);
}

HS_EXPORT int ioctl(int fd, unsigned long req, ...)
{
    HSFile *f;
    va_list ap;
    void *arg;
    int r;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.ioctl(fd, req, arg);
    }
    switch (req) {
    case FIOCLEX:
    case FIONCLEX:
    case FIONBIO:
    case FIOASYNC:
        /* The VFS serves these before the driver sees the call. */
        hs_unlock();
        return hs_libc.ioctl(fd, req, arg);
    }
    if (!f->obj) {
        r = -ENOTTY;
    } else if (f->kind == HS_FD_IOMMUFD) {
        r = hs_iommufd_ioctl(f->obj, req, arg);
    } else if (f->kind == HS_FD_VFIO) {
        r = hs_vfio_ioctl(f->obj, req, arg);
    } else {
        /* vEVENTQ and fault fds have no ioctls. */
        r = -ENOTTY;
    }
    hs_unlock();
    return hs_sim_ret(r);
}

static void *sim_mmap(HSFile *f, void *addr, size_t len, int prot,
                      int flags, off_t off)
{
    int memfd = -1, r;
    off_t moff = 0;
    void *p;

    switch (f->kind) {
    case HS_FD_IOMMUFD:
        r = f->obj ? hs_iommufd_mmap_check(f->obj, len, prot, flags, off)
                   : -ENODEV;
        /* An SMMUv3 publishes no region: nothing passes the checks. */
        hs_unlock();
        errno = r < 0 ? -r : ENXIO;
        return MAP_FAILED;
    case HS_FD_VFIO:
        r = f->obj ? hs_vfio_mmap_target(f->obj, len, prot, flags, off,
                                         &memfd, &moff)
                   : -ENODEV;
        if (r < 0) {
            hs_unlock();
            errno = -r;
            return MAP_FAILED;
        }
        p = hs_libc.mmap(addr, len, prot, flags, memfd, moff);
        hs_unlock();
        return p;
    default:
        /* No mmap file operation. */
        hs_unlock();
        errno = ENODEV;
        return MAP_FAILED;
    }
}

HS_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
                     off_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = (flags & MAP_ANONYMOUS) ? NULL : sim_fd_enter(fd);
    if (!f) {
        return hs_libc.mmap(addr, len, prot, flags, fd, off);
    }
    return sim_mmap(f, addr, len, prot, flags, off);
}

HS_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
                       off64_t off)
{
    HSFile *f;

    hs_libc_resolve();
    f = (flags & MAP_ANONYMOUS) ? NULL : sim_fd_enter(fd);
    if (!f) {
        return hs_libc.mmap64(addr, len, prot, flags, fd, off);
    }
    return sim_mmap(f, addr, len, prot, flags, off);
}

/* Mappings of simulated fds are real mappings of memfds. */
HS_EXPORT int munmap(void *addr, size_t len)
{
    hs_libc_resolve();
    return hs_libc.munmap(addr, len);
}

HS_EXPORT int dup(int fd)
{
    HSFile *f;
    int ret;

    hs_libc_resolve();
    f = sim_fd_enter(fd);
    if (!f) {
        return hs_libc.dup(fd);
    }
    ret = hs_libc.dup(fd);
    if (ret >= 0) {
        fd_share(ret, f);
    }
    hs_unlock();
    return ret;
}

/* dup2/dup3: newfd may itself be simulated, and is then closed first. */
static int sim_dup_to(int oldfd, int newfd, int flags, bool three)
{
    HSFile *fo, *fn;
    int ret;

    hs_lock();
    fo = fd_table ? g_hash_table_lookup(fd_table, GINT_TO_POINTER(oldfd))
                  : NULL;
    fn = fd_table ? g_hash_table_lookup(fd_table, GINT_TO_POINTER(newfd))
                  : NULL;
    ret = three ? hs_libc.dup3(oldfd, newfd, flags)
                : hs_libc.dup2(oldfd, newfd);
    if (ret >= 0 && oldfd != newfd) {
        int err = errno;

        if (fo) {
            fd_share(newfd, fo);
        } else if (fn) {
            fd_remove(newfd);
            fd_release(fn, newfd);
        }
        errno = err;
    }
    hs_unlock();
    return ret;
}

HS_EXPORT int dup2(int oldfd, int newfd)
{
    hs_libc_resolve();
    if (!fd_maybe_sim(oldfd) && !fd_maybe_sim(newfd)) {
        return hs_libc.dup2(oldfd, newfd);
    }
    return sim_dup_to(oldfd, newfd, 0, false);
}

HS_EXPORT int dup3(int oldfd, int newfd, int flags)
{
    hs_libc_resolve();
    if (!fd_maybe_sim(oldfd) && !fd_maybe_sim(newfd)) {
        return hs_libc.dup3(oldfd, newfd, flags);
    }
    return sim_dup_to(oldfd, newfd, flags, true);
}

static int sim_fcntl(int fd, int cmd, void *arg, bool is64)
{
    HSFile *f = NULL;
    int ret;

    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
        f = sim_fd_enter(fd);
    }
    if (!f) {
        return is64 ? hs_libc.fcntl64(fd, cmd, arg)
                    : hs_libc.fcntl(fd, cmd, arg);
    }
    ret = is64 ? hs_libc.fcntl64(fd, cmd, arg) : hs_libc.fcntl(fd, cmd, arg);
    if (ret >= 0) {
        fd_share(ret, f);
    }
    hs_unlock();
    return ret;
}

HS_EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    hs_libc_resolve();
    return sim_fcntl(fd, cmd, arg, false);
}

HS_EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    hs_libc_resolve();
    REAL_OR_ENOSYS(fcntl64, -1);
    return sim_fcntl(fd, cmd, arg, true);
}
