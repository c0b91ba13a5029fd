/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The conformance suite's environment (env.h): the assignable devices
 * found through sysfs, the simulator's control channel (a Unix socket at
 * $HOSTSIM_CONTROL speaking the line protocol of docs/devel/hostsim.rst),
 * thin helpers over the iommufd/VFIO uAPI that return 0 or -errno, edu
 * register and DMA helpers, and the post-test hook: on the simulator it
 * fails a test that left objects, areas or fds behind; everywhere it
 * closes the fds the helpers opened and the test forgot, so that one bad
 * test does not make the following ones fail (in the lab a forgotten
 * device fd would keep the device bound).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "env.h"

CDev cenv_devs[CENV_MAX_DEVS];
unsigned cenv_ndevs;
bool cenv_sim;

#define EDU_VENDOR      0x1234
#define EDU_DEVICE      0x11e8
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_START   1
#define EDU_DMA_TO_RAM  2
#define EDU_DMA_BUF     0x40000
#define EDU_DMA_TIMEOUT_MS 5000

#define PCI_COMMAND         0x04
#define PCI_COMMAND_MEMORY  0x2
#define PCI_COMMAND_MASTER  0x4

/* ---- fds opened by the helpers (closed after the test if forgotten) --- */

typedef struct TrackedFd {
    int fd;
    dev_t dev;
    ino_t ino;
} TrackedFd;

#define MAX_TRACKED 64
static TrackedFd tracked[MAX_TRACKED];

static void track_fd(int fd)
{
    struct stat st;
    unsigned i;

    if (fd < 0 || fstat(fd, &st) != 0) {
        return;
    }
    for (i = 0; i < MAX_TRACKED; i++) {
        if (tracked[i].fd <= 0) {
            tracked[i].fd = fd;
            tracked[i].dev = st.st_dev;
            tracked[i].ino = st.st_ino;
            return;
        }
    }
}

/* Close every tracked fd that is still the file it was; count them. */
static unsigned close_tracked(void)
{
    struct stat st;
    unsigned i, n = 0;

    for (i = 0; i < MAX_TRACKED; i++) {
        if (tracked[i].fd <= 0) {
            continue;
        }
        if (fstat(tracked[i].fd, &st) == 0 && st.st_dev == tracked[i].dev &&
            st.st_ino == tracked[i].ino) {
            close(tracked[i].fd);
            n++;
        }
        tracked[i].fd = 0;
    }
    return n;
}

/* ---- sysfs discovery ------------------------------------------------- */

static bool read_link_base(const char *path, char *out, size_t len)
{
    char buf[512];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    const char *base;

    if (n <= 0) {
        return false;
    }
    buf[n] = '\0';
    while (n > 1 && buf[n - 1] == '/') {
        buf[--n] = '\0';
    }
    base = strrchr(buf, '/');
    base = base ? base + 1 : buf;
    if (strlen(base) >= len) {
        return false;
    }
    strcpy(out, base);
    return true;
}

static bool read_hex_file(const char *path, unsigned long *val)
{
    char buf[64];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return false;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return false;
    }
    buf[n] = '\0';
    *val = strtoul(buf, NULL, 0);
    return true;
}

static int cdev_cmp(const void *a, const void *b)
{
    const CDev *x = a, *y = b;

    return (int)x->vfio_index - (int)y->vfio_index;
}

static void discover(void)
{
    DIR *dir = opendir("/sys/class/vfio-dev");
    struct dirent *e;

    if (!dir) {
        return;
    }
    while ((e = readdir(dir)) && cenv_ndevs < CENV_MAX_DEVS) {
        CDev *d = &cenv_devs[cenv_ndevs];
        char path[512], group[32];
        unsigned long vendor, device;
        unsigned idx;

        if (sscanf(e->d_name, "vfio%u", &idx) != 1) {
            continue;
        }
        memset(d, 0, sizeof(*d));
        d->vfio_index = idx;
        snprintf(d->cdev, sizeof(d->cdev), "/dev/vfio/devices/vfio%u", idx);
        snprintf(path, sizeof(path), "/sys/class/vfio-dev/%s/device",
                 e->d_name);
        if (!read_link_base(path, d->bdf, sizeof(d->bdf))) {
            continue;
        }
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
                 d->bdf);
        if (!read_hex_file(path, &vendor)) {
            continue;
        }
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
                 d->bdf);
        if (!read_hex_file(path, &device)) {
            continue;
        }
        d->vendor = vendor;
        d->device = device;
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu",
                 d->bdf);
        read_link_base(path, d->smmu, sizeof(d->smmu));
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
                 d->bdf);
        if (read_link_base(path, group, sizeof(group))) {
            d->group = strtoul(group, NULL, 10);
        }
        d->edu = d->vendor == EDU_VENDOR && d->device == EDU_DEVICE;
        cenv_ndevs++;
    }
    closedir(dir);
    qsort(cenv_devs, cenv_ndevs, sizeof(cenv_devs[0]), cdev_cmp);
}

const CDev *cenv_edu(unsigned i)
{
    unsigned k;

    for (k = 0; k < cenv_ndevs; k++) {
        if (cenv_devs[k].edu && i-- == 0) {
            return &cenv_devs[k];
        }
    }
    return NULL;
}

const CDev *cenv_edu_other_smmu(const CDev *d)
{
    unsigned k;

    for (k = 0; k < cenv_ndevs; k++) {
        if (cenv_devs[k].edu && strcmp(cenv_devs[k].smmu, d->smmu)) {
            return &cenv_devs[k];
        }
    }
    return NULL;
}

/*
 * The CANWBS of bdf as the simulator's topology says (-1: not known).
 * The real kernel does not publish it; the lab's devices all have it.
 */
static int sim_canwbs(const char *bdf)
{
    static char reply[16384];
    uint64_t count = 0, canwbs;
    char b[32];
    unsigned i;

    if (!cenv_sim || cenv_ctl(reply, sizeof(reply), "topology") != 0) {
        return -1;
    }
    cenv_ctl_get(reply, 0, "count", &count);
    for (i = 1; i <= count; i++) {
        if (cenv_ctl_get_str(reply, i, "bdf", b, sizeof(b)) &&
            !strcmp(b, bdf) && cenv_ctl_get(reply, i, "canwbs", &canwbs)) {
            return canwbs != 0;
        }
    }
    return -1;
}

const CDev *cenv_edu_same_smmu(const CDev *d)
{
    unsigned k;

    for (k = 0; k < cenv_ndevs; k++) {
        if (cenv_devs[k].edu && &cenv_devs[k] != d &&
            !strcmp(cenv_devs[k].smmu, d->smmu) &&
            sim_canwbs(cenv_devs[k].bdf) == sim_canwbs(d->bdf)) {
            return &cenv_devs[k];
        }
    }
    return NULL;
}

/* ---- control channel ------------------------------------------------- */

static int ctl_connect(void)
{
    const char *path = getenv("HOSTSIM_CONTROL");
    struct sockaddr_un sa;
    struct timeval tv = { .tv_sec = 10 };
    int fd;

    if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

static unsigned count_lines(const char *s, size_t n)
{
    unsigned lines = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        lines += s[i] == '\n';
    }
    return lines;
}

int cenv_ctl(char *reply, size_t len, const char *fmt, ...)
{
    char req[1024];
    size_t got = 0;
    uint64_t count = 0;
    bool have_count = false;
    va_list ap;
    int fd, n;

    if (!reply || len < 2) {
        return -1;
    }
    reply[0] = '\0';
    va_start(ap, fmt);
    n = vsnprintf(req, sizeof(req) - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(req) - 1) {
        snprintf(reply, len, "error E2BIG request too long\n");
        return -1;
    }
    if (n == 0 || req[n - 1] != '\n') {
        req[n++] = '\n';
        req[n] = '\0';
    }
    fd = ctl_connect();
    if (fd < 0) {
        snprintf(reply, len, "error ECONNREFUSED no control channel\n");
        return -1;
    }
    if (write(fd, req, n) != n) {
        close(fd);
        snprintf(reply, len, "error EIO write failed\n");
        return -1;
    }
    for (;;) {
        unsigned lines = count_lines(reply, got);
        ssize_t r;

        if (lines >= 1 && !have_count) {
            have_count = true;
            if (strncmp(reply, "ok", 2) ||
                !cenv_ctl_get(reply, 0, "count", &count)) {
                count = 0;
            }
        }
        if (have_count && lines >= 1 + count) {
            break;
        }
        if (got + 1 >= len) {
            break;              /* truncated: keep what fits */
        }
        r = read(fd, reply + got, len - 1 - got);
        if (r <= 0) {
            break;
        }
        got += r;
        reply[got] = '\0';
    }
    close(fd);
    return strncmp(reply, "ok", 2) == 0 &&
           (reply[2] == ' ' || reply[2] == '\n' || reply[2] == '\0') ? 0 : -1;
}

/* Start of line n of reply, or NULL. */
static const char *ctl_line(const char *reply, unsigned n)
{
    const char *p = reply;

    while (n--) {
        p = strchr(p, '\n');
        if (!p) {
            return NULL;
        }
        p++;
    }
    return *p ? p : NULL;
}

/* Value of key=value in line n: pointer and length. */
static const char *ctl_find(const char *reply, unsigned n, const char *key,
                            size_t *vlen)
{
    const char *p = ctl_line(reply, n);
    size_t klen = strlen(key);

    if (!p) {
        return NULL;
    }
    while (*p && *p != '\n') {
        const char *tok = p;

        while (*p && *p != '\n' && *p != ' ') {
            p++;
        }
        if ((size_t)(p - tok) > klen && !strncmp(tok, key, klen) &&
            tok[klen] == '=') {
            *vlen = p - tok - klen - 1;
            return tok + klen + 1;
        }
        while (*p == ' ') {
            p++;
        }
    }
    return NULL;
}

bool cenv_ctl_get(const char *reply, unsigned n, const char *key,
                  uint64_t *val)
{
    char buf[64];
    size_t vlen;
    const char *v = ctl_find(reply, n, key, &vlen);
    char *end;

    if (!v || vlen == 0 || vlen >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    *val = strtoull(buf, &end, 0);
    return *end == '\0';
}

bool cenv_ctl_get_str(const char *reply, unsigned n, const char *key,
                      char *out, size_t len)
{
    size_t vlen;
    const char *v = ctl_find(reply, n, key, &vlen);

    if (!v || len == 0) {
        return false;
    }
    if (vlen >= len) {
        vlen = len - 1;
    }
    memcpy(out, v, vlen);
    out[vlen] = '\0';
    return true;
}

/* ---- the post-test hook ---------------------------------------------- */

static uint64_t leak_baseline;

static bool sim_leaks(uint64_t *count, char *why, size_t len)
{
    char reply[4096];

    if (cenv_ctl(reply, sizeof(reply), "leaks") != 0 ||
        !cenv_ctl_get(reply, 0, "count", count)) {
        if (why) {
            snprintf(why, len, "leaks query failed: %.200s", reply);
        }
        return false;
    }
    if (why && *count) {
        snprintf(why, len, "leaked:\n%.900s", reply);
    }
    return true;
}

static bool after_each(char *why, size_t len)
{
    uint64_t count = 0;
    bool ok = true;
    unsigned closed;

    if (cenv_sim) {
        if (!sim_leaks(&count, why, len)) {
            ok = false;
        } else if (count > leak_baseline) {
            ok = false;
        }
    }
    closed = close_tracked();
    if (closed && ok) {
        /* The simulator counts fds; elsewhere name the forgotten ones. */
        snprintf(why, len, "%u fd(s) left open by the test", closed);
        ok = false;
    }
    if (!ok && cenv_sim && sim_leaks(&count, NULL, 0) &&
        count > leak_baseline) {
        /* Do not blame the following tests for what could not be undone. */
        ctest_note("%" PRIu64 " leak(s) remain after cleanup", count);
        leak_baseline = count;
    }
    return ok;
}

void cenv_init(void)
{
    char reply[256];
    unsigned i;

    discover();
    cenv_sim = cenv_ctl(reply, sizeof(reply), "ping") == 0;
    ctest_set_after_each(after_each);
    ctest_note("environment: %s, %u vfio device(s)",
               cenv_sim ? "simulator" : "real kernel", cenv_ndevs);
    for (i = 0; i < cenv_ndevs; i++) {
        const CDev *d = &cenv_devs[i];

        ctest_note("  %s %s %04x:%04x iommu=%s group=%u%s", d->cdev, d->bdf,
                   d->vendor, d->device, d->smmu, d->group,
                   d->edu ? " edu" : "");
    }
}

/* ---- uAPI helpers ---------------------------------------------------- */

int cenv_ioctl(int fd, unsigned long req, void *arg)
{
    return ioctl(fd, req, arg) == 0 ? 0 : -errno;
}

int cenv_open_iommufd(void)
{
    int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        ctest_fail(__FILE__, __LINE__, "open /dev/iommu: %s",
                   strerror(errno));
        ctest_abort_test();
    }
    track_fd(fd);
    return fd;
}

int cenv_open_cdev(const CDev *d)
{
    int fd = open(d->cdev, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        ctest_fail(__FILE__, __LINE__, "open %s: %s", d->cdev,
                   strerror(errno));
        ctest_abort_test();
    }
    track_fd(fd);
    return fd;
}

int cenv_bind(int devfd, int iommufd, uint32_t *dev_id)
{
    struct vfio_device_bind_iommufd b = {
        .argsz = sizeof(b), .iommufd = iommufd,
    };
    int r = cenv_ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);

    if (r == 0 && dev_id) {
        *dev_id = b.out_devid;
    }
    return r;
}

int cenv_attach(int devfd, uint32_t *pt_id)
{
    struct vfio_device_attach_iommufd_pt a = {
        .argsz = sizeof(a), .pt_id = *pt_id,
    };
    int r = cenv_ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

    if (r == 0) {
        *pt_id = a.pt_id;
    }
    return r;
}

int cenv_detach(int devfd)
{
    struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

    return cenv_ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

int cenv_ioas_alloc(int iommufd, uint32_t *ioas_id)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    int r = cenv_ioctl(iommufd, IOMMU_IOAS_ALLOC, &a);

    if (r == 0) {
        *ioas_id = a.out_ioas_id;
    }
    return r;
}

int cenv_destroy(int iommufd, uint32_t id)
{
    struct iommu_destroy d = { .size = sizeof(d), .id = id };

    return cenv_ioctl(iommufd, IOMMU_DESTROY, &d);
}

int cenv_map_fixed(int iommufd, uint32_t ioas, void *va, uint64_t len,
                   uint64_t iova)
{
    struct iommu_ioas_map m = {
        .size = sizeof(m),
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                 IOMMU_IOAS_MAP_WRITEABLE,
        .ioas_id = ioas, .user_va = (uintptr_t)va, .length = len,
        .iova = iova,
    };

    return cenv_ioctl(iommufd, IOMMU_IOAS_MAP, &m);
}

int cenv_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len)
{
    struct iommu_ioas_unmap u = {
        .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
    };

    return cenv_ioctl(iommufd, IOMMU_IOAS_UNMAP, &u);
}

int cenv_hw_info(int iommufd, uint32_t dev_id,
                 struct iommu_hw_info_arm_smmuv3 *out, uint64_t *caps)
{
    struct iommu_hw_info_arm_smmuv3 local;
    struct iommu_hw_info h = {
        .size = sizeof(h), .dev_id = dev_id,
    };
    int r;

    if (!out) {
        out = &local;
    }
    memset(out, 0, sizeof(*out));
    h.data_len = sizeof(*out);
    h.data_uptr = (uintptr_t)out;
    r = cenv_ioctl(iommufd, IOMMU_GET_HW_INFO, &h);
    if (r == 0 && caps) {
        *caps = h.out_capabilities;
    }
    return r;
}

int cenv_hwpt_paging(int iommufd, uint32_t dev_id, uint32_t pt_id,
                     uint32_t flags, uint32_t *hwpt_id)
{
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a), .flags = flags, .dev_id = dev_id,
        .pt_id = pt_id, .data_type = IOMMU_HWPT_DATA_NONE,
    };
    int r = cenv_ioctl(iommufd, IOMMU_HWPT_ALLOC, &a);

    if (r == 0 && hwpt_id) {
        *hwpt_id = a.out_hwpt_id;
    }
    return r;
}

int cenv_viommu(int iommufd, uint32_t dev_id, uint32_t s2, uint32_t *id)
{
    struct iommu_viommu_alloc a = {
        .size = sizeof(a), .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        .dev_id = dev_id, .hwpt_id = s2,
    };
    int r = cenv_ioctl(iommufd, IOMMU_VIOMMU_ALLOC, &a);

    if (r == 0 && id) {
        *id = a.out_viommu_id;
    }
    return r;
}

int cenv_vdevice(int iommufd, uint32_t viommu, uint32_t dev_id,
                 uint64_t vsid, uint32_t *id)
{
    struct iommu_vdevice_alloc a = {
        .size = sizeof(a), .viommu_id = viommu, .dev_id = dev_id,
        .virt_id = vsid,
    };
    int r = cenv_ioctl(iommufd, IOMMU_VDEVICE_ALLOC, &a);

    if (r == 0 && id) {
        *id = a.out_vdevice_id;
    }
    return r;
}

int cenv_hwpt_nested(int iommufd, uint32_t dev_id, uint32_t viommu,
                     uint64_t ste0, uint64_t ste1, uint32_t *hwpt_id)
{
    struct iommu_hwpt_arm_smmuv3 ste = { .ste = { ste0, ste1 } };
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a), .dev_id = dev_id, .pt_id = viommu,
        .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3,
        .data_len = sizeof(ste), .data_uptr = (uintptr_t)&ste,
    };
    int r = cenv_ioctl(iommufd, IOMMU_HWPT_ALLOC, &a);

    if (r == 0 && hwpt_id) {
        *hwpt_id = a.out_hwpt_id;
    }
    return r;
}

int cenv_invalidate(int iommufd, uint32_t viommu, const uint64_t *cmds,
                    uint32_t *num)
{
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv), .hwpt_id = viommu,
        .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = sizeof(struct iommu_viommu_arm_smmuv3_invalidate),
        .entry_num = *num,
    };
    int r = cenv_ioctl(iommufd, IOMMU_HWPT_INVALIDATE, &inv);

    *num = inv.entry_num;
    return r;
}

int cenv_veventq(int iommufd, uint32_t viommu, uint32_t depth,
                 uint32_t *id, int *fd)
{
    struct iommu_veventq_alloc a = {
        .size = sizeof(a), .viommu_id = viommu,
        .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = depth,
    };
    int r = cenv_ioctl(iommufd, IOMMU_VEVENTQ_ALLOC, &a);

    if (r == 0) {
        if (id) {
            *id = a.out_veventq_id;
        }
        if (fd) {
            *fd = a.out_veventq_fd;
        }
        track_fd(a.out_veventq_fd);
    }
    return r;
}

void *cenv_alloc(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        ctest_fail(__FILE__, __LINE__, "mmap %zu bytes: %s", len,
                   strerror(errno));
        ctest_abort_test();
    }
    memset(p, 0, len);
    return p;
}

void cenv_free(void *p, size_t len)
{
    if (p) {
        munmap(p, len);
    }
}

/* ---- edu ------------------------------------------------------------- */

static uint64_t region_offset(int devfd, uint32_t index)
{
    struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

    if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &ri) != 0) {
        return (uint64_t)index << 40;
    }
    return ri.offset;
}

uint32_t cenv_edu_read(int devfd, uint64_t off)
{
    uint32_t v = ~0u;

    if (pread(devfd, &v, 4, region_offset(devfd, 0) + off) != 4) {
        return ~0u;
    }
    return v;
}

void cenv_edu_write(int devfd, uint64_t off, uint32_t val)
{
    if (pwrite(devfd, &val, 4, region_offset(devfd, 0) + off) != 4) {
        ctest_note("edu write at 0x%" PRIx64 ": %s", off, strerror(errno));
    }
}

uint64_t cenv_edu_read64(int devfd, uint64_t off)
{
    uint64_t v = ~0ull;

    if (pread(devfd, &v, 8, region_offset(devfd, 0) + off) != 8) {
        return ~0ull;
    }
    return v;
}

void cenv_edu_write64(int devfd, uint64_t off, uint64_t val)
{
    if (pwrite(devfd, &val, 8, region_offset(devfd, 0) + off) != 8) {
        ctest_note("edu write64 at 0x%" PRIx64 ": %s", off, strerror(errno));
    }
}

/* DMA needs memory decoding and bus mastering on (real devices do). */
static void enable_bus_master(int devfd)
{
    uint64_t cfg = region_offset(devfd, VFIO_PCI_CONFIG_REGION_INDEX);
    uint16_t cmd = 0;

    if (pread(devfd, &cmd, 2, cfg + PCI_COMMAND) != 2) {
        return;
    }
    if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
        (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) {
        cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
        if (pwrite(devfd, &cmd, 2, cfg + PCI_COMMAND) != 2) {
            ctest_note("enable bus master: %s", strerror(errno));
        }
    }
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

int cenv_edu_dma(int devfd, uint64_t addr, uint32_t len, bool to_dev)
{
    uint64_t t0;

    enable_bus_master(devfd);
    if (to_dev) {
        cenv_edu_write64(devfd, EDU_REG_DMA_SRC, addr);
        cenv_edu_write64(devfd, EDU_REG_DMA_DST, EDU_DMA_BUF);
    } else {
        cenv_edu_write64(devfd, EDU_REG_DMA_SRC, EDU_DMA_BUF);
        cenv_edu_write64(devfd, EDU_REG_DMA_DST, addr);
    }
    cenv_edu_write64(devfd, EDU_REG_DMA_CNT, len);
    cenv_edu_write64(devfd, EDU_REG_DMA_CMD,
                     EDU_DMA_START | (to_dev ? 0 : EDU_DMA_TO_RAM));
    t0 = now_ms();
    while (cenv_edu_read64(devfd, EDU_REG_DMA_CMD) & EDU_DMA_START) {
        if (now_ms() - t0 > EDU_DMA_TIMEOUT_MS) {
            return -ETIMEDOUT;
        }
        usleep(2000);
    }
    return 0;
}
