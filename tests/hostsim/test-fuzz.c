/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile input for the host simulator: a seeded random walk over
 * everything a program can hand it.  Random ioctl numbers (known ones,
 * others of the iommufd and VFIO types, anything) with random struct
 * sizes, bytes and pointers (NULL, unmapped, read-only, PROT_NONE, the
 * last bytes before a guard page) on the iommufd, VFIO device, vEVENTQ
 * and fault fds of the default topology; interleaved with valid flows
 * (open, bind, IOAS alloc/map/unmap, attach, HWPT/vIOMMU/vDEVICE/vEVENTQ
 * alloc, invalidation, destroy, close, reopen), random control-channel
 * requests (fail-nth included), pread/pwrite at random region offsets,
 * queue reads, mmap, dup and edu DMA.  Nothing may crash (the sanitizer
 * build checks memory and UB too), and once every fd is closed the leak
 * report must be empty and the simulator must still work.
 *
 * The walk is bounded by time (HOSTSIM_FUZZ_SECONDS, default 3) and by
 * HOSTSIM_FUZZ_ITERS when set; HOSTSIM_FUZZ_SEED (default fixed) picks
 * the walk.  The same seed replays the same operations, so a failure at
 * iteration N reproduces with that seed and HOSTSIM_FUZZ_ITERS=N+1
 * (HOSTSIM_FUZZ_VERBOSE=1 prints each operation).
 *
 * This file: the walk's state, random values, set-up and the checks at
 * the end; the operations are in test-fuzz-ops.c.  Regression tests for
 * the bugs the walk found are in test-hostile.c.
 */
#include "hostsim-int.h"
#include "hostsim.h"
#include "test-fuzz.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_SEED        0x5eed2026u
#define DEFAULT_SECONDS     3.0

/* ---- random values ---------------------------------------------------- */

uint32_t r32(Fuzz *z)
{
    return g_rand_int(z->rng);
}

uint64_t r64(Fuzz *z)
{
    return ((uint64_t)r32(z) << 32) | r32(z);
}

unsigned below(Fuzz *z, unsigned n)
{
    return n ? g_rand_int_range(z->rng, 0, n) : 0;
}

bool chance(Fuzz *z, unsigned one_in)
{
    return below(z, one_in) == 0;
}

void note_id(Fuzz *z, IdKind k, uint32_t id)
{
    if (id) {
        z->ids[k][z->nids[k]++ % MAX_IDS] = id;
    }
}

/*
 * An ID of kind k seen before mostly; sometimes one of another kind, 0,
 * a small number or anything.
 */
uint32_t rand_id(Fuzz *z, IdKind k)
{
    switch (below(z, 12)) {
    case 0:
        return 0;
    case 1:
        return below(z, 40);
    case 2:
        return r32(z);
    case 3:
    case 4:
        k = below(z, ID_KINDS);
        break;
    default:
        break;
    }
    return z->nids[k] ? z->ids[k][below(z, MIN(z->nids[k], MAX_IDS))]
                      : below(z, 10);
}

/*
 * A user pointer for len bytes.  Never one into memory the program
 * uses for itself: simulated DMA may write wherever an IOAS maps.
 */
uint64_t rand_ptr(Fuzz *z, size_t len)
{
    len = MIN(len, PAGE);
    switch (below(z, 9)) {
    case 0:
        return 0;
    case 1:
        return (uintptr_t)z->ro;
    case 2:
        return (uintptr_t)z->none;
    case 3:
        return 0x1000 + below(z, 15) * PAGE;   /* below mmap_min_addr */
    case 4:
        return r64(z) | (1ULL << 63);           /* not canonical */
    case 5:
        return (uintptr_t)z->arg + PAGE - len;  /* ends at the guard */
    case 6:
        return (uintptr_t)z->arena + below(z, ARENA_SIZE - len);
    default:
        return (uintptr_t)z->arena + below(z, ARENA_SIZE / PAGE) * PAGE;
    }
}

/* A struct size: the right one mostly, else an edge. */
uint32_t rand_size(Fuzz *z, uint32_t ksize)
{
    static const uint32_t edge[] = {
        0, 1, 4, 7, 8, 12, 15, 16, 24, 32, 40, 48, 64, 128, 4096,
        65536, 0x7fffffff, 0xffffffff,
    };

    switch (below(z, 6)) {
    case 0:
        return edge[below(z, G_N_ELEMENTS(edge))];
    case 1:
        return ksize + 4 * below(z, 8);
    case 2: {
        uint32_t less = 4 * below(z, 4);

        return ksize - MIN(ksize, less);
    }
    default:
        return ksize;
    }
}

/*
 * Any fd the walk holds; now and then one that is closed or a real
 * eventfd (never the program's own files: random ioctls go there too).
 */
int rand_fd(Fuzz *z)
{
    int fds[MAX_IOMMUFD + MAX_DEVS + MAX_EXTRA];
    unsigned n = 0;

    for (unsigned i = 0; i < MAX_IOMMUFD; i++) {
        if (z->iommufd[i] >= 0) {
            fds[n++] = z->iommufd[i];
        }
    }
    for (unsigned i = 0; i < MAX_DEVS; i++) {
        if (z->dev[i] >= 0) {
            fds[n++] = z->dev[i];
        }
    }
    for (unsigned i = 0; i < MAX_EXTRA; i++) {
        if (z->extra[i] >= 0) {
            fds[n++] = z->extra[i];
        }
    }
    if (!n || chance(z, 10)) {
        switch (below(z, 3)) {
        case 0:
            return -1;
        case 1:
            return 1000 + below(z, 1000);
        default:
            return z->efd[0];
        }
    }
    return fds[below(z, n)];
}

int rand_iommufd(Fuzz *z)
{
    int fd = z->iommufd[below(z, MAX_IOMMUFD)];

    return fd >= 0 && !chance(z, 20) ? fd : rand_fd(z);
}

void keep_extra(Fuzz *z, int fd)
{
    for (unsigned i = 0; i < MAX_EXTRA; i++) {
        if (z->extra[i] < 0) {
            z->extra[i] = fd;
            return;
        }
    }
    close(fd);
}

void say(Fuzz *z, const char *fmt, ...)
{
    va_list ap;

    if (!z->verbose) {
        return;
    }
    va_start(ap, fmt);
    fprintf(stderr, "fuzz %" PRIu64 ": ", z->ops);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int xioctl(Fuzz *z, int fd, unsigned long req, void *arg)
{
    int r = ioctl(fd, req, arg);

    z->ioctls++;
    if (r >= 0) {
        z->ioctl_ok++;
    }
    say(z, "ioctl(%d, 0x%lx, %p) = %d", fd, req, arg, r < 0 ? -errno : r);
    return r < 0 ? -errno : r;
}

void ctl(Fuzz *z, const char *fmt, ...)
{
    g_autofree char *req = NULL;
    char *reply;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    say(z, "ctl '%.200s'", req);
    reply = hostsim_control(req);
    g_assert_nonnull(reply);
    g_assert_true(g_str_has_prefix(reply, "ok") ||
                  g_str_has_prefix(reply, "error "));
    g_assert_true(g_str_has_suffix(reply, "\n"));
    free(reply);
}

/* ---- the walk --------------------------------------------------------- */

static void put64(Fuzz *z, uint64_t ipa, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(z->arena + ipa, &v, 8);
}

/*
 * Guest memory for op_nest_flow (IPA = arena offset): a CD at 0x1000
 * (4K granule, T0SZ 25, ASID 1) whose tables map VA [0, 1 MiB) to the
 * same IPAs; the walk's own DMA scribbles over it later.
 */
static void arena_tables(Fuzz *z)
{
    const uint64_t l1 = 2 * PAGE, l2 = 3 * PAGE, l3 = 4 * PAGE;
    const uint64_t leaf = (1ULL << 10) | (1ULL << 11) | (1ULL << 6) | 3;

    put64(z, PAGE, 25 | (1ULL << 30) | (1ULL << 31) | (5ULL << 32) |
                   (1ULL << 41) | (1ULL << 45) | (1ULL << 46) |
                   (1ULL << 47) | (1ULL << 48));
    put64(z, PAGE + 8, l1);
    put64(z, PAGE + 24, 0xf4ff44);
    put64(z, l1, l2 | 3);
    put64(z, l2, l3 | 3);
    for (uint64_t k = 0; k < 256; k++) {
        put64(z, l3 + 8 * k, k * PAGE | leaf);
    }
}

static void fuzz_setup(Fuzz *z, guint32 seed)
{
    memset(z, 0, sizeof(*z));
    z->rng = g_rand_new_with_seed(seed);
    z->verbose = g_getenv("HOSTSIM_FUZZ_VERBOSE") != NULL;
    memset(z->iommufd, -1, sizeof(z->iommufd));
    memset(z->dev, -1, sizeof(z->dev));
    memset(z->extra, -1, sizeof(z->extra));
    /*
     * Everything the walk hands out as user memory lives in one region
     * fenced by PROT_NONE pages: [none][arena][none][arg][none][ro][none].
     * An IOAS range that leaves a piece cannot be pinned, so simulated DMA
     * never reaches memory the program itself uses.
     */
    z->region = mmap(NULL, REGION_SIZE, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(z->region != MAP_FAILED);
    z->none = z->region;
    z->arena = z->region + PAGE;
    z->arg = z->arena + ARENA_SIZE + PAGE;
    z->ro = z->arg + 2 * PAGE;
    g_assert_cmpint(mprotect(z->arena, ARENA_SIZE, PROT_READ | PROT_WRITE),
                    ==, 0);
    g_assert_cmpint(mprotect(z->arg, PAGE, PROT_READ | PROT_WRITE), ==, 0);
    g_assert_cmpint(mprotect(z->ro, PAGE, PROT_READ), ==, 0);
    arena_tables(z);
    z->memfd = memfd_create("fuzz", MFD_CLOEXEC);
    g_assert_cmpint(z->memfd, >=, 0);
    g_assert_cmpint(ftruncate(z->memfd, 16 * PAGE), ==, 0);
    z->efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    z->efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    z->sock = -1;
}

static void fuzz_teardown(Fuzz *z)
{
    g_autofree char *leaks = NULL;

    ctl(z, "fail-nth n=0");
    for (unsigned i = 0; i < MAX_MAPS; i++) {
        if (z->maps[i].p) {
            munmap(z->maps[i].p, z->maps[i].len);
        }
    }
    for (unsigned i = 0; i < MAX_IOMMUFD; i++) {
        if (z->iommufd[i] >= 0) {
            close(z->iommufd[i]);
        }
    }
    for (unsigned i = 0; i < MAX_DEVS; i++) {
        if (z->dev[i] >= 0) {
            close(z->dev[i]);
        }
    }
    for (unsigned i = 0; i < MAX_EXTRA; i++) {
        if (z->extra[i] >= 0) {
            close(z->extra[i]);
        }
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(fuzz_bdfs); i++) {
        ctl(z, "replug bdf=%s", fuzz_bdfs[i]);
    }
    leaks = hostsim_control("leaks");
    if (!g_str_has_prefix(leaks, "ok count=0\n")) {
        g_test_message("leak report after the walk:\n%s", leaks);
    }
    g_assert_cmpstr(leaks, ==, "ok count=0\n");
    g_assert_cmpuint(hs_fd_count(), ==, 0);
    munmap(z->region, REGION_SIZE);
    close(z->memfd);
    close(z->efd[0]);
    close(z->efd[1]);
    if (z->sock >= 0) {
        close(z->sock);
    }
    g_rand_free(z->rng);
}

/* After the walk the simulator still works: a whole attach and DMA. */
static void check_alive(void)
{
    struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    struct iommu_ioas_map m = { .size = sizeof(m) };
    uint8_t *buf = g_malloc0(2 * PAGE);
    uint8_t *page = (uint8_t *)(((uintptr_t)buf + PAGE - 1) &
                                ~(uintptr_t)(PAGE - 1));
    g_autofree char *r = NULL;
    int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
    int dev = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(dev, >=, 0);
    g_assert_cmpint(ioctl(fd, IOMMU_IOAS_ALLOC, &a), ==, 0);
    b.iommufd = fd;
    g_assert_cmpint(ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b), ==, 0);
    at.pt_id = a.out_ioas_id;
    g_assert_cmpint(ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==, 0);
    m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
              IOMMU_IOAS_MAP_WRITEABLE;
    m.ioas_id = a.out_ioas_id;
    m.user_va = (uintptr_t)page;
    m.length = PAGE;
    m.iova = 0x100000;
    g_assert_cmpint(ioctl(fd, IOMMU_IOAS_MAP, &m), ==, 0);
    r = hostsim_control("dma bdf=0000:01:00.0 addr=0x100010 data=5aa5");
    g_assert_true(g_str_has_prefix(r, "ok"));
    g_assert_cmphex(page[0x10], ==, 0x5a);
    g_assert_cmphex(page[0x11], ==, 0xa5);
    close(dev);
    close(fd);
    g_free(buf);
    free(g_steal_pointer(&r));
    r = hostsim_control("leaks");
    g_assert_cmpstr(r, ==, "ok count=0\n");
}

static void test_walk(void)
{
    const char *s = g_getenv("HOSTSIM_FUZZ_SEED");
    const char *n = g_getenv("HOSTSIM_FUZZ_ITERS");
    const char *t = g_getenv("HOSTSIM_FUZZ_SECONDS");
    guint32 seed = s ? (guint32)g_ascii_strtoull(s, NULL, 0) : DEFAULT_SEED;
    uint64_t iters = n ? g_ascii_strtoull(n, NULL, 0) : UINT64_MAX;
    double secs = t ? g_ascii_strtod(t, NULL) : (n ? 1e9 : DEFAULT_SECONDS);
    gint64 start = g_get_monotonic_time(), end;
    Fuzz z;

    fuzz_setup(&z, seed);
    end = start + (gint64)(secs * G_USEC_PER_SEC);
    while (z.ops < iters && g_get_monotonic_time() < end) {
        switch (below(&z, 26)) {
        case 0: case 1: case 2: case 3:
            op_random_ioctl(&z);
            break;
        case 20:
            op_nest_flow(&z);
            break;
        case 21:
            op_open(&z);
            break;
        case 23:
            op_misc(&z);
            break;
        case 24:
            op_fdmisc(&z);
            break;
        case 25:
            op_path(&z);
            break;
        case 22:
            if (chance(&z, 8)) {
                op_socket(&z);
            }
            break;
        case 4:
            op_open(&z);
            break;
        case 5:
            op_close(&z);
            break;
        case 6:
            op_bind(&z);
            break;
        case 7:
            op_attach(&z);
            break;
        case 8: case 9:
            op_ioas(&z);
            break;
        case 10:
            op_hwpt(&z);
            break;
        case 11:
            op_queue(&z);
            break;
        case 12:
            op_invalidate(&z);
            break;
        case 13:
            op_destroy(&z);
            break;
        case 14:
            op_region(&z);
            break;
        case 15:
            op_read_queue(&z);
            break;
        case 16:
            op_mmap(&z);
            break;
        case 17:
            op_edu(&z);
            break;
        case 18:
            op_irqs(&z);
            break;
        default:
            op_control(&z);
            break;
        }
        z.ops++;
    }
    g_test_message("fuzz: seed=0x%x iterations=%" PRIu64 " ioctls=%" PRIu64
                   " (ok %" PRIu64 ") in %.2f s", seed, z.ops, z.ioctls,
                   z.ioctl_ok,
                   (g_get_monotonic_time() - start) / (double)G_USEC_PER_SEC);
    for (unsigned i = 0; i < 2; i++) {
        g_autofree char *st = g_strdup_printf("stats smmu=%u", i);
        g_autofree char *r = hostsim_control(st);

        g_test_message("smmu %u: %s", i, g_strchomp(r));
    }
    fuzz_teardown(&z);
    check_alive();
}

int main(int argc, char **argv)
{
    g_autofree char *sock = g_strdup_printf("%s/hostsim-fuzz-%d.sock",
                                            g_get_tmp_dir(), (int)getpid());

    g_test_init(&argc, &argv, NULL);
    /* The control socket too (removed at exit). */
    g_setenv(HOSTSIM_ENV_CONTROL, sock, true);
    hs_init();
    g_test_add_func("/hostsim/fuzz/walk", test_walk);
    return g_test_run();
}
