/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the host simulator's control channel and fault
 * injection: the reply shape of every verb and its error replies,
 * garbage that must not crash, a round trip over the socket named by
 * HOSTSIM_CONTROL (with the GLib client of hostsim-client.h), the
 * fail-nth arithmetic through hs_inject(), and the leak report -- its
 * text, and exit status 66 under HOSTSIM_LEAK_FATAL=1 in a child.
 *
 * Linked with the static simulator, so this program's own open()/ioctl()
 * on /dev/iommu reach the simulator.  Checks that need the default
 * topology or the iommufd model skip while those are not there.
 */
#include "hostsim-int.h"
#include "hostsim.h"
#include "hostsim-client.h"

#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set in the environment of the child that checks HOSTSIM_LEAK_FATAL. */
#define CHILD_ENV "HOSTSIM_TEST_CONTROL_CHILD"

static const char *argv0;

/* The reply of one request, as lines. */
static char **ctl(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static char **ctl(const char *fmt, ...)
{
    g_autofree char *req = NULL;
    g_autofree char *reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = hostsim_control(req);
    g_assert_nonnull(reply);
    g_assert_true(g_str_has_suffix(reply, "\n"));
    /* Drop the final newline so that the split has no empty tail. */
    reply[strlen(reply) - 1] = '\0';
    return g_strsplit(reply, "\n", -1);
}

/* The request fails with errname. */
static void ctl_fails(const char *errname, const char *req)
{
    g_auto(GStrv) r = ctl("%s", req);
    g_autofree char *name = hostsim_reply_errname(r);

    if (g_strcmp0(name, errname) != 0) {
        g_test_message("request '%s' -> '%s'", req, r[0]);
    }
    g_assert_cmpstr(name, ==, errname);
    g_assert_cmpuint(g_strv_length(r), ==, 1);
}

/* "ok count=N" and exactly N record lines. */
static guint ctl_records(char **r)
{
    guint64 n;

    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_true(hostsim_reply_get_u64(r, 0, "count", &n));
    g_assert_cmpuint(hostsim_reply_records(r), ==, n);
    return n;
}

static guint64 get_u64(char **r, guint line, const char *key)
{
    guint64 v = 0;

    if (!hostsim_reply_get_u64(r, line, key, &v)) {
        g_test_message("no %s= in line %u: '%s'", key, line,
                       line < g_strv_length(r) ? r[line] : "(none)");
        g_assert_not_reached();
    }
    return v;
}

static bool have_topology(void)
{
    if (!hs_topo || hs_topo->smmus->len < 2 || hs_topo->funcs->len < 3) {
        g_test_skip("the default topology is not loaded");
        return false;
    }
    return true;
}

/* /dev/iommu through the simulator, or -1 (and a skip) without it. */
static int open_iommufd(void)
{
    int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("/dev/iommu is not simulated yet");
    }
    return fd;
}

static int ioas_alloc(int fd, uint32_t *id)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a) };

    if (ioctl(fd, IOMMU_IOAS_ALLOC, &a) < 0) {
        return -errno;
    }
    *id = a.out_ioas_id;
    return 0;
}

/* ---- protocol ---- */

static void test_ping(void)
{
    g_auto(GStrv) r = ctl("ping");

    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_cmpuint(get_u64(r, 0, "pid"), ==, getpid());
    g_assert_cmpuint(g_strv_length(r), ==, 1);

    /* Spaces, tabs and a trailing newline are fine. */
    g_strfreev(r);
    r = ctl("  ping \t\n");
    g_assert_true(hostsim_reply_is_ok(r));
}

static void test_help_sorted(void)
{
    static const char *const verbs[] = {
        "attachments", "cmd-log", "dma", "fail-nth", "fail-nth-status",
        "help", "inject-event", "leaks", "objects", "ping", "replug",
        "stats", "topology", "unplug",
    };
    g_auto(GStrv) r = ctl("help");
    guint n = ctl_records(r);

    /* Every verb of the protocol, in the table's (sorted) order. */
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(verbs));
    for (guint i = 0; i < n; i++) {
        g_autofree char *name = g_strndup(r[i + 1],
                                          strcspn(r[i + 1], " "));

        g_assert_cmpstr(name, ==, verbs[i]);
        g_assert_nonnull(strstr(r[i + 1], " -- "));
    }
}

static void test_bad_requests(void)
{
    static const char *const garbage[] = {
        "", "   ", "nope", "PING", "ping x", "ping x=1", "ping =1",
        "stats", "stats smmu=", "stats smmu=0 smmu=0", "stats bogus=1",
        "stats smmu=0 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8",
        "fail-nth", "fail-nth n=", "fail-nth n=-1", "fail-nth n=+1",
        "fail-nth n=1x", "fail-nth n=0x", "fail-nth n=4294967296",
        "fail-nth n=99999999999999999999999999", "fail-nth n= 1",
        "fail-nth n=0x10000000000000000", "inject-event evt=1,2,3,4",
        "dma", "dma bdf=", "cmd-log", "cmd-log smmu=0 clear=2",
        "ping\nping", "ping\rping", "unplug", "replug",
    };

    for (guint i = 0; i < G_N_ELEMENTS(garbage); i++) {
        ctl_fails("EINVAL", garbage[i]);
    }
    /* Not even a string. */
    {
        g_autofree char *reply = hostsim_control(NULL);

        g_assert_true(g_str_has_prefix(reply, "error EINVAL "));
    }
    /* Binary junk and very long lines. */
    {
        g_autofree char *junk = g_malloc(4097);
        g_autofree char *longline = g_strnfill(100000, 'x');
        g_autofree char *reply = NULL;

        for (guint i = 0; i < 4096; i++) {
            junk[i] = 1 + (i * 37) % 255;
        }
        junk[4096] = '\0';
        reply = hostsim_control(junk);
        g_assert_true(g_str_has_prefix(reply, "error EINVAL "));
        g_free(reply);
        reply = hostsim_control(longline);
        g_assert_true(g_str_has_prefix(reply, "error EINVAL "));
    }
}

/* Unknown SMMUs and functions are ENOENT, whatever the topology. */
static void test_unknown_targets(void)
{
    ctl_fails("ENOENT", "stats smmu=99");
    ctl_fails("ENOENT", "stats smmu=0xffffffffffffffff");
    ctl_fails("ENOENT", "stats smmu=smmu3.0x0000000000000000");
    ctl_fails("ENOENT", "cmd-log smmu=nope");
    ctl_fails("ENOENT", "inject-event smmu=7 evt=0x10,0,0,0");
    ctl_fails("ENOENT", "dma bdf=0000:ff:1f.7 addr=0 len=4");
    ctl_fails("ENOENT", "unplug bdf=nope");
    ctl_fails("ENOENT", "replug bdf=0000:ff:00.0");
}

static void test_topology(void)
{
    g_auto(GStrv) r = NULL;
    int l;

    if (!have_topology()) {
        return;
    }
    r = ctl("topology");
    g_assert_cmpuint(ctl_records(r), ==,
                     hs_topo->smmus->len + hs_topo->funcs->len);
    g_assert_cmpuint(get_u64(r, 0, "smmus"), ==, hs_topo->smmus->len);
    g_assert_cmpuint(get_u64(r, 0, "funcs"), ==, hs_topo->funcs->len);

    /* default.topo: smmu.0 at 0x09050000, no S2FWB, OAS 44. */
    l = hostsim_reply_find(r, "smmu", "0");
    g_assert_cmpint(l, ==, 1);
    g_assert_cmpuint(get_u64(r, l, "base"), ==, 0x09050000);
    g_assert_cmpuint(get_u64(r, l, "s2fwb"), ==, 0);
    g_assert_cmpuint(get_u64(r, l, "oas"), ==, 44);
    g_assert_cmpuint(get_u64(r, l, "idr0"), ==,
                     ((HSSmmu *)hs_topo->smmus->pdata[0])->idr[0]);
    {
        g_autofree char *name = hostsim_reply_get(r, l, "name");
        g_autofree char *gran = hostsim_reply_get(r, l, "granules");

        g_assert_cmpstr(name, ==, "smmu3.0x0000000009050000");
        g_assert_cmpstr(gran, ==, "4k,16k,64k");
    }
    l = hostsim_reply_find(r, "smmu", "1");
    g_assert_cmpuint(get_u64(r, l, "s2fwb"), ==, 1);
    g_assert_cmpuint(get_u64(r, l, "ssidsize"), ==, 20);
    {
        g_autofree char *gran = hostsim_reply_get(r, l, "granules");

        g_assert_cmpstr(gran, ==, "4k,64k");
    }

    /* function.2 sits behind smmu.1 with the same SID as function.0. */
    l = hostsim_reply_find(r, "bdf", "0001:01:00.0");
    g_assert_cmpint(l, >, 0);
    g_assert_cmpuint(get_u64(r, l, "smmu"), ==, 1);
    g_assert_cmpuint(get_u64(r, l, "sid"), ==, 0x100);
    g_assert_cmpuint(get_u64(r, l, "group"), ==, 9);
    g_assert_cmpuint(get_u64(r, l, "vfio"), ==, 2);
    g_assert_cmpuint(get_u64(r, l, "canwbs"), ==, 0);
    g_assert_cmpuint(get_u64(r, l, "msix"), ==, 8);
    g_assert_cmpuint(get_u64(r, l, "vendor"), ==, 0x1234);
    g_assert_cmpuint(get_u64(r, l, "device"), ==, 0x11e8);
}

static void test_smmu_by_name(void)
{
    g_auto(GStrv) a = NULL;
    g_auto(GStrv) b = NULL;

    if (!have_topology()) {
        return;
    }
    a = ctl("stats smmu=1");
    b = ctl("stats smmu=%s", ((HSSmmu *)hs_topo->smmus->pdata[1])->name);
    g_assert_true(hostsim_reply_is_ok(a));
    g_assert_cmpstr(a[0], ==, b[0]);
}

static void test_stats(void)
{
    static const char *const keys[] = {
        "tlb_hits", "tlb_misses", "tlb_entries", "tlb_inval", "cfg_hits",
        "cfg_misses", "cfg_entries", "events", "events_forwarded",
        "dma_ok", "dma_faults", "cmds", "cmds_dropped",
    };
    g_auto(GStrv) r = NULL;
    HSSmmuStats st;

    if (!have_topology()) {
        return;
    }
    r = ctl("stats smmu=0");
    g_assert_cmpuint(g_strv_length(r), ==, 1);
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        get_u64(r, 0, keys[i]);
    }
    hs_lock();
    hs_smmu_stats(hs_topo->smmus->pdata[0], &st);
    hs_unlock();
    g_assert_cmpuint(get_u64(r, 0, "events"), ==, st.events);
    g_assert_cmpuint(get_u64(r, 0, "cmds"), ==, st.cmds);
}

/*
 * An F_TRANSLATION for a SID nobody attached is counted by the SMMU but
 * not forwarded (3.5: no vmaster).
 */
static void test_inject_event(void)
{
    g_auto(GStrv) r = NULL;
    g_auto(GStrv) before = NULL;
    g_auto(GStrv) after = NULL;

    if (!have_topology()) {
        return;
    }
    before = ctl("stats smmu=0");
    r = ctl("inject-event smmu=0 evt=0x0000010000000010,0,0x1000,0");
    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_cmpuint(get_u64(r, 0, "forwarded"), ==, 0);
    after = ctl("stats smmu=0");
    g_assert_cmpuint(get_u64(after, 0, "events"), ==,
                     get_u64(before, 0, "events") + 1);
    g_assert_cmpuint(get_u64(after, 0, "events_forwarded"), ==,
                     get_u64(before, 0, "events_forwarded"));

    ctl_fails("EINVAL", "inject-event smmu=0");
    ctl_fails("EINVAL", "inject-event smmu=0 evt=1,2,3");
    ctl_fails("EINVAL", "inject-event smmu=0 evt=1,2,3,4,5");
    ctl_fails("EINVAL", "inject-event smmu=0 evt=1,,3,4");
    ctl_fails("EINVAL", "inject-event smmu=0 evt=1,2,3,0x1ffffffffffffffff");
}

static void test_cmd_log(void)
{
    g_auto(GStrv) r = NULL;
    guint n;

    if (!have_topology()) {
        return;
    }
    r = ctl("cmd-log smmu=1 clear=1");
    n = ctl_records(r);
    get_u64(r, 0, "dropped");
    for (guint i = 1; i <= n; i++) {
        g_autofree char *origin = hostsim_reply_get(r, i, "origin");

        get_u64(r, i, "cmd0");
        get_u64(r, i, "cmd1");
        g_assert_true(g_strcmp0(origin, "user") == 0 ||
                      g_strcmp0(origin, "kernel") == 0);
    }
    /* Cleared: nothing until the SMMU receives a command. */
    g_strfreev(r);
    r = ctl("cmd-log smmu=1");
    g_assert_cmpuint(ctl_records(r), ==, 0);
}

/* Nothing attached: every function's STE aborts, nothing is bound. */
static void test_attachments(void)
{
    g_auto(GStrv) r = NULL;
    int l;

    if (!have_topology()) {
        return;
    }
    r = ctl("attachments");
    g_assert_cmpuint(ctl_records(r), ==, hs_topo->funcs->len);
    l = hostsim_reply_find(r, "bdf", "0000:02:00.0");
    g_assert_cmpint(l, >, 0);
    g_assert_cmpuint(get_u64(r, l, "smmu"), ==, 0);
    g_assert_cmpuint(get_u64(r, l, "sid"), ==, 0x200);
    g_assert_cmpuint(get_u64(r, l, "bound"), ==, 0);
    g_assert_cmpuint(get_u64(r, l, "dev_id"), ==, 0);
    g_assert_cmpuint(get_u64(r, l, "vmid"), ==, 0);
    {
        g_autofree char *ste = hostsim_reply_get(r, l, "ste");
        g_autofree char *vsid = hostsim_reply_get(r, l, "vsid");

        g_assert_cmpstr(ste, ==, "abort");
        g_assert_cmpstr(vsid, ==, "none");
    }
}

/* With an abort STE a DMA does not happen (no transfer, no event). */
static void test_dma(void)
{
    g_auto(GStrv) r = NULL;
    g_autofree char *big = NULL;

    if (!have_topology()) {
        return;
    }
    r = ctl("dma bdf=0000:01:00.0 addr=0x1000 len=16");
    g_assert_false(hostsim_reply_is_ok(r));
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x1000 data=00112233");
    g_assert_false(hostsim_reply_is_ok(r));

    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0x1000");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 len=4");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 len=0");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 len=4097");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 data=abc");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 data=zz");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 data=");
    ctl_fails("EINVAL", "dma bdf=0000:01:00.0 addr=0 len=3 data=0011");
    big = g_strnfill(2 * 4097, 'a');
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0 data=%s", big);
    g_assert_true(g_str_has_prefix(r[0], "error EINVAL "));
}

/*
 * A function bound and attached to an IOAS (an automatic paging domain):
 * objects and attachments show it, and the dma verb moves bytes between
 * the function and the mapped buffer, across a page boundary; a DMA to
 * an unmapped IOVA faults.
 */
static void test_attached_dma(void)
{
    const uint64_t iova = 0x100000;
    g_auto(GStrv) r = NULL;
    g_auto(GStrv) before = NULL;
    g_auto(GStrv) after = NULL;
    struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    struct iommu_ioas_map map = { .size = sizeof(map) };
    uint8_t *buf;
    uint32_t ioas = 0;
    int fd, devfd, l;

    if (!have_topology() || (fd = open_iommufd()) < 0) {
        return;
    }
    devfd = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);
    if (devfd < 0) {
        g_test_skip("the VFIO cdev is not simulated yet");
        close(fd);
        return;
    }
    g_assert_cmpint(ioas_alloc(fd, &ioas), ==, 0);
    bind.iommufd = fd;
    g_assert_cmpint(ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind), ==, 0);
    at.pt_id = ioas;
    g_assert_cmpint(ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==, 0);
    buf = mmap(NULL, 2 * HS_PAGE_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(buf != MAP_FAILED);
    for (unsigned i = 0; i < 2 * HS_PAGE_SIZE; i++) {
        buf[i] = i * 7;
    }
    map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                IOMMU_IOAS_MAP_WRITEABLE;
    map.ioas_id = ioas;
    map.user_va = (uintptr_t)buf;
    map.length = 2 * HS_PAGE_SIZE;
    map.iova = iova;
    g_assert_cmpint(ioctl(fd, IOMMU_IOAS_MAP, &map), ==, 0);

    r = ctl("attachments");
    l = hostsim_reply_find(r, "bdf", "0000:01:00.0");
    g_assert_cmpuint(get_u64(r, l, "bound"), ==, 1);
    g_assert_cmpuint(get_u64(r, l, "dev_id"), ==, bind.out_devid);
    g_assert_cmpuint(get_u64(r, l, "hwpt"), ==, at.pt_id);
    {
        g_autofree char *ste = hostsim_reply_get(r, l, "ste");

        g_assert_cmpstr(ste, ==, "s1");
    }
    g_strfreev(r);
    r = ctl("objects");
    g_assert_cmpuint(ctl_records(r), ==, 3);
    l = hostsim_reply_find(r, "type", "ioas");
    g_assert_cmpuint(get_u64(r, l, "id"), ==, ioas);
    g_assert_cmpuint(get_u64(r, l, "users"), >=, 1);
    g_assert_cmpint(hostsim_reply_find(r, "type", "device"), >, 0);
    g_assert_cmpint(hostsim_reply_find(r, "type", "hwpt_paging"), >, 0);

    /* Read 8 bytes on each side of the page boundary. */
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " len=16",
            (uint64_t)(iova + HS_PAGE_SIZE - 8));
    g_assert_true(hostsim_reply_is_ok(r));
    {
        g_autofree char *data = hostsim_reply_get(r, 0, "data");
        g_autoptr(GString) want = g_string_new(NULL);

        for (unsigned i = 0; i < 16; i++) {
            g_string_append_printf(want, "%02x",
                                   buf[HS_PAGE_SIZE - 8 + i]);
        }
        g_assert_cmpstr(data, ==, want->str);
    }
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " data=c0ffee",
            iova + 0x10);
    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_cmpuint(get_u64(r, 0, "len"), ==, 3);
    g_assert_cmpuint(buf[0x10], ==, 0xc0);
    g_assert_cmpuint(buf[0x11], ==, 0xff);
    g_assert_cmpuint(buf[0x12], ==, 0xee);

    /* Past the mapping: a fault, counted and raised as an event. */
    before = ctl("stats smmu=0");
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " len=4",
            (uint64_t)(iova + 2 * HS_PAGE_SIZE));
    g_assert_true(g_str_has_prefix(r[0], "error EFAULT "));
    after = ctl("stats smmu=0");
    g_assert_cmpuint(get_u64(after, 0, "dma_faults"), ==,
                     get_u64(before, 0, "dma_faults") + 1);
    g_assert_cmpuint(get_u64(after, 0, "events"), ==,
                     get_u64(before, 0, "events") + 1);
    g_assert_cmpuint(get_u64(after, 0, "events_forwarded"), ==,
                     get_u64(before, 0, "events_forwarded"));

    close(devfd);
    close(fd);
    munmap(buf, 2 * HS_PAGE_SIZE);
    g_strfreev(r);
    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 0);
    g_strfreev(r);
    r = ctl("attachments");
    l = hostsim_reply_find(r, "bdf", "0000:01:00.0");
    g_assert_cmpuint(get_u64(r, l, "bound"), ==, 0);
}

/* A 64-bit write to a register of edu's BAR0 (VFIO region 0). */
static void edu_wr(int devfd, uint64_t off, uint64_t val)
{
    g_assert_cmpint(pwrite(devfd, &val, 8, off), ==, 8);
}

/*
 * Function 0 bound and attached to a new IOAS; buf (npages, filled with
 * a pattern) mapped at iova, read/write.  Returns the IOAS ID.
 */
static uint32_t bind_attach_map(int fd, int devfd, uint8_t **buf,
                                unsigned npages, uint64_t iova)
{
    struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    struct iommu_ioas_map map = { .size = sizeof(map) };
    uint32_t ioas = 0;

    g_assert_cmpint(ioas_alloc(fd, &ioas), ==, 0);
    bind.iommufd = fd;
    g_assert_cmpint(ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind), ==, 0);
    at.pt_id = ioas;
    g_assert_cmpint(ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==, 0);
    *buf = mmap(NULL, npages * HS_PAGE_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(*buf != MAP_FAILED);
    for (unsigned i = 0; i < npages * HS_PAGE_SIZE; i++) {
        (*buf)[i] = i * 3 + 1;
    }
    map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                IOMMU_IOAS_MAP_WRITEABLE;
    map.ioas_id = ioas;
    map.user_va = (uintptr_t)*buf;
    map.length = npages * HS_PAGE_SIZE;
    map.iova = iova;
    g_assert_cmpint(ioctl(fd, IOMMU_IOAS_MAP, &map), ==, 0);
    return ioas;
}

/*
 * The process munmap()s memory after IOAS_MAP (Linux keeps the pages
 * pinned; the simulator cannot): DMA into and out of it, by the control
 * channel and by edu, is a transfer error -- no crash, no event -- and
 * the rest of the IOAS still works.
 */
static void test_dma_after_munmap(void)
{
    const uint64_t iova = 0x200000;
    const uint64_t cfg = (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX <<
                         HS_VFIO_OFFSET_SHIFT;
    g_auto(GStrv) r = NULL;
    g_auto(GStrv) before = NULL;
    g_auto(GStrv) after = NULL;
    uint16_t cmd = 0x0006;      /* memory decoding, bus mastering */
    uint8_t *buf;
    int fd, devfd;

    hs_init();
    if (!have_topology() || (fd = open_iommufd()) < 0) {
        return;
    }
    devfd = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(devfd, >=, 0);
    bind_attach_map(fd, devfd, &buf, 2, iova);
    g_assert_cmpint(pwrite(devfd, &cmd, 2, cfg + 4), ==, 2);
    /* The second page goes away behind the IOAS's back. */
    g_assert_cmpint(munmap(buf + HS_PAGE_SIZE, HS_PAGE_SIZE), ==, 0);

    before = ctl("stats smmu=0");
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " len=16",
            (uint64_t)(iova + HS_PAGE_SIZE));
    g_assert_true(g_str_has_prefix(r[0], "error EFAULT "));
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " data=c0ffee",
            (uint64_t)(iova + HS_PAGE_SIZE + 8));
    g_assert_true(g_str_has_prefix(r[0], "error EFAULT "));
    /* Across the boundary: the first page is written, then it stops. */
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " data=a1a2a3a4",
            (uint64_t)(iova + HS_PAGE_SIZE - 2));
    g_assert_true(g_str_has_prefix(r[0], "error EFAULT "));
    g_assert_cmphex(buf[HS_PAGE_SIZE - 2], ==, 0xa1);
    g_assert_cmphex(buf[HS_PAGE_SIZE - 1], ==, 0xa2);

    /* edu, both directions, with its completion still reported. */
    edu_wr(devfd, 0x80, iova + HS_PAGE_SIZE);
    edu_wr(devfd, 0x88, 0x40000);
    edu_wr(devfd, 0x90, 64);
    edu_wr(devfd, 0x98, 1 | 4);
    edu_wr(devfd, 0x80, 0x40000);
    edu_wr(devfd, 0x88, iova + HS_PAGE_SIZE + 0x100);
    edu_wr(devfd, 0x98, 1 | 2);
    {
        uint32_t st = 0;

        g_assert_cmpint(pread(devfd, &st, 4, 0x24), ==, 4);
        g_assert_cmphex(st & 0x100, ==, 0x100);
    }
    after = ctl("stats smmu=0");
    g_assert_cmpuint(get_u64(after, 0, "events"), ==,
                     get_u64(before, 0, "events"));
    g_assert_cmpuint(get_u64(after, 0, "dma_faults"), ==,
                     get_u64(before, 0, "dma_faults") + 5);

    /* The page that is still there works as before. */
    g_strfreev(r);
    r = ctl("dma bdf=0000:01:00.0 addr=0x%" PRIx64 " data=5a", iova);
    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_cmphex(buf[0], ==, 0x5a);

    close(devfd);
    close(fd);
    munmap(buf, HS_PAGE_SIZE);
    g_strfreev(r);
    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 0);
}

/*
 * edu DMA needs Bus Master Enable (as a real function: BIND leaves it
 * off): without it nothing moves and the SMMU sees nothing, though the
 * command completes; with it the bytes land.
 */
static void test_edu_bus_master(void)
{
    const uint64_t iova = 0x300000;
    const uint64_t cfg = (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX <<
                         HS_VFIO_OFFSET_SHIFT;
    g_auto(GStrv) before = NULL;
    g_auto(GStrv) after = NULL;
    g_auto(GStrv) r = NULL;
    uint16_t cmd = 0;
    uint8_t *buf, want;
    int fd, devfd;

    hs_init();
    if (!have_topology() || (fd = open_iommufd()) < 0) {
        return;
    }
    devfd = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(devfd, >=, 0);
    bind_attach_map(fd, devfd, &buf, 1, iova);
    g_assert_cmpint(pread(devfd, &cmd, 2, cfg + 4), ==, 2);
    g_assert_cmphex(cmd & 0x4, ==, 0);
    cmd |= 0x2;
    g_assert_cmpint(pwrite(devfd, &cmd, 2, cfg + 4), ==, 2);

    /* RAM page -> edu buffer -> RAM at +0x800, without mastering. */
    want = buf[0x10];
    before = ctl("stats smmu=0");
    edu_wr(devfd, 0x80, iova + 0x10);
    edu_wr(devfd, 0x88, 0x40000);
    edu_wr(devfd, 0x90, 16);
    edu_wr(devfd, 0x98, 1);
    edu_wr(devfd, 0x80, 0x40000);
    edu_wr(devfd, 0x88, iova + 0x800);
    edu_wr(devfd, 0x98, 1 | 2);
    after = ctl("stats smmu=0");
    g_assert_cmphex(buf[0x800], !=, want);
    g_assert_cmpuint(get_u64(after, 0, "dma_ok"), ==,
                     get_u64(before, 0, "dma_ok"));
    g_assert_cmpuint(get_u64(after, 0, "dma_faults"), ==,
                     get_u64(before, 0, "dma_faults"));

    cmd |= 0x4;
    g_assert_cmpint(pwrite(devfd, &cmd, 2, cfg + 4), ==, 2);
    edu_wr(devfd, 0x80, iova + 0x10);
    edu_wr(devfd, 0x88, 0x40000);
    edu_wr(devfd, 0x98, 1);
    edu_wr(devfd, 0x80, 0x40000);
    edu_wr(devfd, 0x88, iova + 0x800);
    edu_wr(devfd, 0x98, 1 | 2);
    g_assert_cmpmem(buf + 0x800, 16, buf + 0x10, 16);
    g_strfreev(after);
    after = ctl("stats smmu=0");
    g_assert_cmpuint(get_u64(after, 0, "dma_ok"), ==,
                     get_u64(before, 0, "dma_ok") + 2);

    close(devfd);
    close(fd);
    munmap(buf, HS_PAGE_SIZE);
    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 0);
}

/* Nobody has the cdev open: the unplug is immediate, replug undoes it. */
static void test_unplug_replug(void)
{
    g_auto(GStrv) r = NULL;
    HSFunc *f;

    if (!have_topology()) {
        return;
    }
    f = hs_func_by_bdf("0000:02:00.0");
    r = ctl("unplug bdf=0000:02:00.0");
    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_cmpuint(get_u64(r, 0, "removed"), ==, 1);
    g_assert_true(f->removed);
    ctl_fails("ENODEV", "unplug bdf=0000:02:00.0");
    g_strfreev(r);
    r = ctl("replug bdf=0000:02:00.0");
    g_assert_true(hostsim_reply_is_ok(r));
    g_assert_false(f->removed);
    g_assert_false(f->unplug_requested);
    ctl_fails("EINVAL", "replug bdf=0000:02:00.0");

    /* With the cdev open the removal waits for the close. */
    {
        int fd = open("/dev/vfio/devices/vfio1", O_RDWR | O_CLOEXEC);
        int l;

        if (fd < 0) {
            g_test_skip("the VFIO cdev is not simulated yet");
            return;
        }
        g_strfreev(r);
        r = ctl("unplug bdf=0000:02:00.0");
        g_assert_true(hostsim_reply_is_ok(r));
        g_assert_cmpuint(get_u64(r, 0, "removed"), ==, 0);
        /* Not bound, no REQ eventfd: nobody could be told. */
        g_assert_cmpuint(get_u64(r, 0, "signalled"), ==, 0);
        g_strfreev(r);
        r = ctl("attachments");
        l = hostsim_reply_find(r, "bdf", "0000:02:00.0");
        g_assert_cmpuint(get_u64(r, l, "unplug"), ==, 1);
        g_assert_cmpuint(get_u64(r, l, "removed"), ==, 0);
        close(fd);
        g_assert_true(f->removed);
        g_assert_cmpint(open("/dev/vfio/devices/vfio1", O_RDWR), ==, -1);
        g_assert_cmpint(errno, ==, ENODEV);
        g_strfreev(r);
        r = ctl("replug bdf=0000:02:00.0");
        g_assert_true(hostsim_reply_is_ok(r));
        fd = open("/dev/vfio/devices/vfio1", O_RDWR | O_CLOEXEC);
        g_assert_cmpint(fd, >=, 0);
        close(fd);
    }
}

/* ---- fail-nth ---- */

static void test_failnth_arithmetic(void)
{
    const char *where = (const char *)1;
    int err = -1;

    hs_lock();
    /* Disarmed: nothing fails, nothing is recorded. */
    hs_failnth_set(0);
    for (int i = 0; i < 10; i++) {
        g_assert_cmpint(hs_inject(ENOMEM, "a"), ==, 0);
    }
    g_assert_cmpuint(hs_failnth_remaining(), ==, 0);
    g_assert_false(hs_failnth_last(&where, &err));
    g_assert_null(where);
    g_assert_cmpint(err, ==, 0);

    /* n=3: the third point fails once with its own errno. */
    hs_failnth_set(3);
    g_assert_cmpuint(hs_failnth_remaining(), ==, 3);
    g_assert_cmpint(hs_inject(ENOMEM, "first"), ==, 0);
    g_assert_cmpuint(hs_failnth_remaining(), ==, 2);
    g_assert_cmpint(hs_inject(ENOMEM, "second"), ==, 0);
    g_assert_false(hs_failnth_last(NULL, NULL));
    g_assert_cmpint(hs_inject(ENOENT, "obj_get"), ==, -ENOENT);
    g_assert_cmpuint(hs_failnth_remaining(), ==, 0);
    g_assert_true(hs_failnth_last(&where, &err));
    g_assert_cmpstr(where, ==, "obj_get");
    g_assert_cmpint(err, ==, ENOENT);
    /* Then disarmed: later points succeed, the record stays. */
    g_assert_cmpint(hs_inject(ENOMEM, "after"), ==, 0);
    g_assert_true(hs_failnth_last(&where, &err));
    g_assert_cmpstr(where, ==, "obj_get");

    /* n=1: the very next point. */
    hs_failnth_set(1);
    g_assert_false(hs_failnth_last(NULL, NULL));
    g_assert_cmpint(hs_inject(ENOMEM, "alloc"), ==, -ENOMEM);

    /* A scenario with fewer points than n leaves the rest. */
    hs_failnth_set(5);
    hs_inject(ENOMEM, "x");
    hs_inject(ENOMEM, "y");
    g_assert_cmpuint(hs_failnth_remaining(), ==, 3);
    g_assert_false(hs_failnth_last(NULL, NULL));
    hs_failnth_set(0);
    hs_unlock();
}

/* The same through the protocol: a sweep reads fail-nth-status. */
static void test_failnth_verbs(void)
{
    g_auto(GStrv) r = NULL;

    r = ctl("fail-nth n=2");
    g_assert_true(hostsim_reply_is_ok(r));
    g_strfreev(r);
    r = ctl("fail-nth-status");
    g_assert_cmpuint(get_u64(r, 0, "remaining"), ==, 2);
    g_assert_cmpuint(get_u64(r, 0, "consumed"), ==, 0);
    g_assert_cmpuint(get_u64(r, 0, "errno"), ==, 0);
    {
        g_autofree char *where = hostsim_reply_get(r, 0, "where");

        g_assert_cmpstr(where, ==, "none");
    }
    hs_lock();
    g_assert_cmpint(hs_inject(ENOMEM, "one"), ==, 0);
    g_assert_cmpint(hs_inject(ENOMEM, "ioas_area"), ==, -ENOMEM);
    hs_unlock();
    g_strfreev(r);
    r = ctl("fail-nth-status");
    g_assert_cmpuint(get_u64(r, 0, "remaining"), ==, 0);
    g_assert_cmpuint(get_u64(r, 0, "consumed"), ==, 1);
    g_assert_cmpuint(get_u64(r, 0, "errno"), ==, ENOMEM);
    {
        g_autofree char *where = hostsim_reply_get(r, 0, "where");

        g_assert_cmpstr(where, ==, "ioas_area");
    }
    g_strfreev(r);
    r = ctl("fail-nth n=0x0");
    g_assert_true(hostsim_reply_is_ok(r));
    g_strfreev(r);
    r = ctl("fail-nth-status");
    g_assert_cmpuint(get_u64(r, 0, "consumed"), ==, 0);
    ctl_fails("EINVAL", "fail-nth n=4294967296");
    /* The largest count is accepted. */
    g_strfreev(r);
    r = ctl("fail-nth n=4294967295");
    g_assert_true(hostsim_reply_is_ok(r));
    hs_failnth_set(0);
}

/*
 * A whole-scenario sweep over IOAS_ALLOC + DESTROY: for n = 1, 2, ...
 * either the Nth point fails (consumed) and the call returns an error
 * with nothing left behind, or the scenario has fewer points and runs
 * clean.
 */
static void test_failnth_sweep(void)
{
    int fd = open_iommufd();
    unsigned n;

    if (fd < 0) {
        return;
    }
    close(fd);
    for (n = 1; n < 100; n++) {
        g_auto(GStrv) leaks = NULL;
        uint32_t id = 0;
        int ret;

        hs_lock();
        hs_failnth_set(n);
        hs_unlock();
        /* The open is part of the scenario: it has injection points. */
        fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            ret = -errno;
        } else {
            ret = ioas_alloc(fd, &id);
            if (ret == 0) {
                struct iommu_destroy d = { .size = sizeof(d), .id = id };

                if (ioctl(fd, IOMMU_DESTROY, &d) < 0) {
                    ret = -errno;
                }
            }
            close(fd);
        }
        hs_lock();
        if (!hs_failnth_last(NULL, NULL)) {
            hs_failnth_set(0);
            hs_unlock();
            g_assert_cmpint(ret, ==, 0);
            break;
        }
        hs_unlock();
        if (ret == 0) {
            g_test_message("n=%u: the injected failure was not reported", n);
        }
        g_assert_cmpint(ret, <, 0);
        leaks = ctl("leaks");
        g_assert_cmpuint(ctl_records(leaks), ==, 0);
    }
    /* At least one point was hit, and the sweep ended. */
    g_assert_cmpuint(n, >, 1);
    g_assert_cmpuint(n, <, 100);
}

/* ---- the leak report ---- */

static void test_leaks(void)
{
    g_auto(GStrv) r = NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    int fd;
    uint32_t id = 0;
    int l;

    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 0);
    hs_lock();
    g_assert_false(hs_leak_report(text));
    hs_unlock();
    g_assert_cmpstr(text->str, ==, "");

    fd = open_iommufd();
    if (fd < 0) {
        return;
    }
    g_assert_cmpint(ioas_alloc(fd, &id), ==, 0);

    /* The open fd, and the IOAS with its ID. */
    hs_lock();
    g_assert_true(hs_leak_report(text));
    hs_unlock();
    g_assert_nonnull(strstr(text->str, "kind=iommufd\n"));
    g_assert_true(g_str_has_prefix(text->str, "fd fd="));
    {
        g_autofree char *obj = g_strdup_printf("id=%u type=", id);

        g_assert_nonnull(strstr(text->str, obj));
    }

    g_strfreev(r);
    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 2);
    {
        g_autofree char *ids = g_strdup_printf("%u", id);

        l = hostsim_reply_find(r, "id", ids);
        g_assert_cmpint(l, >, 0);
    }

    /* objects lists the same IOAS. */
    g_strfreev(r);
    r = ctl("objects");
    g_assert_cmpuint(ctl_records(r), ==, 1);
    g_assert_cmpuint(get_u64(r, 1, "id"), ==, id);
    g_assert_cmpuint(get_u64(r, 1, "users"), ==, 0);

    close(fd);
    g_strfreev(r);
    r = ctl("leaks");
    g_assert_cmpuint(ctl_records(r), ==, 0);
    g_strfreev(r);
    r = ctl("objects");
    g_assert_cmpuint(ctl_records(r), ==, 0);
}

/* In the child: leave /dev/iommu open and exit 0. */
static void leak_child(void)
{
    uint32_t id;
    int fd = open("/dev/iommu", O_RDWR);

    if (fd < 0 || ioas_alloc(fd, &id) < 0) {
        exit(3);
    }
    exit(0);
}

static void test_leak_fatal(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    char *argv[] = { (char *)argv0, NULL };
    g_auto(GStrv) env = g_get_environ();
    int status;
    int fd = open_iommufd();

    if (fd < 0) {
        return;
    }
    close(fd);
    env = g_environ_setenv(env, CHILD_ENV, "1", true);
    env = g_environ_setenv(env, HOSTSIM_ENV_LEAK_FATAL, "1", true);
    env = g_environ_unsetenv(env, HOSTSIM_ENV_CONTROL);
    /* The child leaks on purpose: LeakSanitizer must not change its status. */
    {
        const char *asan = g_environ_getenv(env, "ASAN_OPTIONS");
        g_autofree char *opts = g_strdup_printf("%s%sdetect_leaks=0",
                                                asan ? asan : "",
                                                asan && *asan ? ":" : "");

        env = g_environ_setenv(env, "ASAN_OPTIONS", opts, true);
    }
    g_assert_true(g_spawn_sync(NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, HOSTSIM_LEAK_EXIT_STATUS);
    g_assert_nonnull(strstr(err, "hostsim: leak: fd fd="));
    g_assert_nonnull(strstr(err, "hostsim: leak: object ictx="));

    /* Without HOSTSIM_LEAK_FATAL the report is printed, the status kept. */
    env = g_environ_unsetenv(env, HOSTSIM_ENV_LEAK_FATAL);
    g_free(out);
    g_free(err);
    g_assert_true(g_spawn_sync(NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_nonnull(strstr(err, "hostsim: leak: "));
}

/* ---- the socket ---- */

static void test_socket(void)
{
    g_autofree char *dir = g_dir_make_tmp("hostsim-ctl.XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "ctl.sock", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(HostsimClient) a = NULL;
    g_autoptr(HostsimClient) b = NULL;
    g_auto(GStrv) r = NULL;
    g_autofree char *longreq = NULL;

    g_setenv(HOSTSIM_ENV_CONTROL, path, true);
    hs_control_start();
    hs_control_start();         /* idempotent */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));

    a = hostsim_client_connect(path, 2000, &err);
    g_assert_no_error(err);
    b = hostsim_client_connect(path, 2000, &err);
    g_assert_no_error(err);

    /* Several requests on one connection, two connections interleaved. */
    for (int i = 0; i < 3; i++) {
        r = hostsim_client_request(a, "ping", &err);
        g_assert_no_error(err);
        g_assert_cmpuint(get_u64(r, 0, "pid"), ==, getpid());
        g_strfreev(r);
        r = hostsim_client_request(b, "help", &err);
        g_assert_no_error(err);
        ctl_records(r);
        g_strfreev(r);
    }
    r = hostsim_client_request(a, "nope", &err);
    g_assert_no_error(err);
    {
        g_autofree char *name = hostsim_reply_errname(r);

        g_assert_cmpstr(name, ==, "EINVAL");
    }
    g_strfreev(r);

    /* A line over the limit gets an error; the connection goes on. */
    longreq = g_strnfill(HOSTSIM_CONTROL_MAX_LINE + 10, 'y');
    r = hostsim_client_request(a, longreq, &err);
    g_assert_no_error(err);
    g_assert_true(g_str_has_prefix(r[0], "error EINVAL "));
    g_strfreev(r);
    r = hostsim_client_requestf(a, &err, "fail-nth n=%u", 0);
    g_assert_no_error(err);
    g_assert_true(hostsim_reply_is_ok(r));
    g_strfreev(r);
    r = NULL;

    /* Closing one connection leaves the other served. */
    g_clear_pointer(&b, hostsim_client_free);
    r = hostsim_client_request(a, "ping", &err);
    g_assert_no_error(err);
    g_assert_true(hostsim_reply_is_ok(r));

    g_clear_pointer(&a, hostsim_client_free);
    hs_control_stop();
    hs_control_stop();
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    a = hostsim_client_connect(path, 0, &err);
    g_assert_null(a);
    g_assert_nonnull(err);
    g_clear_error(&err);

    /* A stale socket left behind is replaced by the next start. */
    {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sun = { .sun_family = AF_UNIX };

        g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
        g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==,
                        0);
        close(fd);
    }
    hs_control_start();
    a = hostsim_client_connect(path, 2000, &err);
    g_assert_no_error(err);
    g_strfreev(r);
    r = hostsim_client_request(a, "ping", &err);
    g_assert_no_error(err);
    g_assert_true(hostsim_reply_is_ok(r));
    g_clear_pointer(&a, hostsim_client_free);
    hs_control_stop();
    g_unsetenv(HOSTSIM_ENV_CONTROL);
    g_rmdir(dir);
}

/* The client's reply helpers on canned replies. */
static void test_client_helpers(void)
{
    char *ok[] = { (char *)"ok count=2 x=0x10",
                   (char *)"a=1 b=two", (char *)"a=2 b=three", NULL };
    char *bad[] = { (char *)"error ENOENT no SMMU 9", NULL };
    guint64 v;

    g_assert_true(hostsim_reply_is_ok(ok));
    g_assert_false(hostsim_reply_is_ok(bad));
    g_assert_null(hostsim_reply_errname(ok));
    {
        g_autofree char *name = hostsim_reply_errname(bad);
        g_autofree char *b = hostsim_reply_get(ok, 2, "b");

        g_assert_cmpstr(name, ==, "ENOENT");
        g_assert_cmpstr(b, ==, "three");
    }
    g_assert_cmpuint(hostsim_reply_records(ok), ==, 2);
    g_assert_true(hostsim_reply_get_u64(ok, 0, "x", &v));
    g_assert_cmpuint(v, ==, 16);
    g_assert_false(hostsim_reply_get_u64(ok, 1, "b", &v));
    g_assert_false(hostsim_reply_get_u64(ok, 3, "a", &v));
    g_assert_null(hostsim_reply_get(ok, 1, "c"));
    g_assert_cmpint(hostsim_reply_find(ok, "a", "2"), ==, 2);
    g_assert_cmpint(hostsim_reply_find(ok, "a", "3"), ==, -1);
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    if (g_getenv(CHILD_ENV)) {
        leak_child();
    }
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostsim/control/ping", test_ping);
    g_test_add_func("/hostsim/control/help", test_help_sorted);
    g_test_add_func("/hostsim/control/bad-requests", test_bad_requests);
    g_test_add_func("/hostsim/control/unknown-targets",
                    test_unknown_targets);
    g_test_add_func("/hostsim/control/topology", test_topology);
    g_test_add_func("/hostsim/control/smmu-by-name", test_smmu_by_name);
    g_test_add_func("/hostsim/control/stats", test_stats);
    g_test_add_func("/hostsim/control/inject-event", test_inject_event);
    g_test_add_func("/hostsim/control/cmd-log", test_cmd_log);
    g_test_add_func("/hostsim/control/attachments", test_attachments);
    g_test_add_func("/hostsim/control/dma", test_dma);
    g_test_add_func("/hostsim/control/attached-dma", test_attached_dma);
    g_test_add_func("/hostsim/control/dma-after-munmap",
                    test_dma_after_munmap);
    g_test_add_func("/hostsim/control/edu-bus-master", test_edu_bus_master);
    g_test_add_func("/hostsim/control/unplug-replug", test_unplug_replug);
    g_test_add_func("/hostsim/failnth/arithmetic", test_failnth_arithmetic);
    g_test_add_func("/hostsim/failnth/verbs", test_failnth_verbs);
    g_test_add_func("/hostsim/failnth/sweep", test_failnth_sweep);
    g_test_add_func("/hostsim/leaks/report", test_leaks);
    g_test_add_func("/hostsim/leaks/fatal", test_leak_fatal);
    g_test_add_func("/hostsim/control/socket", test_socket);
    g_test_add_func("/hostsim/client/helpers", test_client_helpers);
    return g_test_run();
}
