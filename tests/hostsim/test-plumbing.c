/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the simulator's plumbing, linked with the static library
 * so that its libc entry points are in force for the whole process:
 * real files and errors pass through untouched; the sysfs view of the
 * default topology (links, attribute formats, listings, device nodes);
 * the topology loader's derived ID registers and its error messages;
 * and the simulated fd table (dup/close sharing, eventfd readability,
 * the kernel's errno for the file operations a queue fd lacks).
 */
#include "hostsim-int.h"

#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define SMMU0_NAME "smmu3.0x0000000009050000"
#define SMMU1_NAME "smmu3.0x000000000a000000"

/* ---- helpers ---- */

static char *read_text(const char *path)
{
    char *text = NULL;
    GError *err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_test_message("%s: %s", path, err->message);
        g_error_free(err);
        return NULL;
    }
    return text;
}

static char *link_base(const char *path)
{
    char buf[4096];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);

    if (n < 0) {
        return NULL;
    }
    buf[n] = '\0';
    return g_path_get_basename(buf);
}

static gint cmp_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entries of a directory, without . and .. */
static char *list_dir(const char *path)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d) {
        return g_strdup_printf("error %d", errno);
    }
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            g_ptr_array_add(names, g_strdup(e->d_name));
        }
    }
    closedir(d);
    g_ptr_array_sort(names, cmp_name);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static bool readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* ---- pass-through ---- */

static void test_real_files(void)
{
    g_autofree char *dir = g_dir_make_tmp("plumbing.XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "f", NULL);
    g_autofree char *lnk = g_build_filename(dir, "l", NULL);
    g_autofree char *text = NULL;
    g_autofree char *names = NULL;
    char buf[16] = "";
    char *rp;
    struct stat st;
    FILE *fp;
    int fd, fd2;

    g_assert_nonnull(dir);
    fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_null(hs_fd_lookup(fd));
    g_assert_cmpint(write(fd, "hello", 5), ==, 5);
    g_assert_cmpint(pwrite(fd, "J", 1, 0), ==, 1);
    g_assert_cmpint(pread(fd, buf, 5, 0), ==, 5);
    g_assert_cmpstr(buf, ==, "Jello");
    fd2 = dup(fd);
    g_assert_cmpint(fd2, >=, 0);
    g_assert_cmpint(lseek(fd2, 0, SEEK_SET), ==, 0);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 5);
    g_assert_cmpint(close(fd2), ==, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD), >=, 0);
    g_assert_cmpint(close(fd), ==, 0);

    fp = fopen(file, "r");
    g_assert_nonnull(fp);
    g_assert_nonnull(fgets(buf, sizeof(buf), fp));
    fclose(fp);
    g_assert_cmpstr(buf, ==, "Jello");
    g_assert_cmpint(stat(file, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 5);
    g_assert_true(S_ISREG(st.st_mode));
    g_assert_cmpint(access(file, R_OK), ==, 0);
    g_assert_cmpint(symlink("f", lnk), ==, 0);
    text = link_base(lnk);
    g_assert_cmpstr(text, ==, "f");
    rp = realpath(lnk, NULL);
    g_assert_true(g_str_has_suffix(rp, "/f"));
    free(rp);
    names = list_dir(dir);
    g_assert_cmpstr(names, ==, "f l");

    /* Errors are libc's own. */
    errno = 0;
    g_assert_cmpint(open("/nonexistent/x", O_RDONLY), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
    errno = 0;
    g_assert_cmpint(close(-1), ==, -1);
    g_assert_cmpint(errno, ==, EBADF);
    errno = 0;
    g_assert_cmpint(read(1000, buf, 1), ==, -1);
    g_assert_cmpint(errno, ==, EBADF);
    errno = 0;
    g_assert_cmpint(ioctl(1000, FIONREAD, &fd), ==, -1);
    g_assert_cmpint(errno, ==, EBADF);
    errno = 0;
    g_assert_cmpint(stat("/nonexistent", &st), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);

    unlink(lnk);
    unlink(file);
    rmdir(dir);
}

/* A sysfs path outside the topology is the host's, not rewritten. */
static void test_rewrite_scope(void)
{
    g_autofree char *a = NULL;

    hs_init();
    g_assert_null(hs_sysfs_rewrite("/sys/bus/pci/devices/0000:00:00.0"));
    g_assert_null(hs_sysfs_rewrite("/sys/bus/pci/devices/0000:01:00.1"));
    g_assert_null(hs_sysfs_rewrite("/sys/bus/pci/devices"));
    g_assert_null(hs_sysfs_rewrite("/sys/class/iommufoo"));
    g_assert_null(hs_sysfs_rewrite("/dev/vfio/devices/vfio3"));
    g_assert_null(hs_sysfs_rewrite("/dev/vfio/devices/vfio01"));
    g_assert_null(hs_sysfs_rewrite("/etc/passwd"));
    g_assert_null(hs_sysfs_rewrite("sys/class/iommu"));
    a = hs_sysfs_rewrite("/sys/bus/pci/devices/0000:01:00.0/vendor");
    g_assert_nonnull(a);
    g_assert_true(g_str_has_prefix(a, hs_sysfs_root()));
    g_assert_true(g_str_has_suffix(a, "/sys/bus/pci/devices/0000:01:00.0"
                                      "/vendor"));
}

/* ---- sysfs ---- */

static void test_sysfs_links(void)
{
    static const struct {
        const char *bdf, *smmu, *group;
        unsigned vfio;
    } f[] = {
        { "0000:01:00.0", SMMU0_NAME, "7", 0 },
        { "0000:02:00.0", SMMU0_NAME, "8", 1 },
        { "0001:01:00.0", SMMU1_NAME, "9", 2 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
        g_autofree char *iommu = g_strdup_printf(
            "/sys/bus/pci/devices/%s/iommu", f[i].bdf);
        g_autofree char *group = g_strdup_printf(
            "/sys/bus/pci/devices/%s/iommu_group", f[i].bdf);
        g_autofree char *driver = g_strdup_printf(
            "/sys/bus/pci/devices/%s/driver", f[i].bdf);
        g_autofree char *vdev = g_strdup_printf(
            "/sys/class/vfio-dev/vfio%u/device", f[i].vfio);
        g_autofree char *back = g_strdup_printf(
            "/sys/class/iommu/%s/devices/%s/iommu_group", f[i].smmu,
            f[i].bdf);
        g_autofree char *b1 = link_base(iommu);
        g_autofree char *b2 = link_base(group);
        g_autofree char *b3 = link_base(driver);
        g_autofree char *b4 = link_base(vdev);
        g_autofree char *b5 = link_base(back);

        g_assert_cmpstr(b1, ==, f[i].smmu);
        g_assert_cmpstr(b2, ==, f[i].group);
        g_assert_cmpstr(b3, ==, "vfio-pci");
        g_assert_cmpstr(b4, ==, f[i].bdf);
        g_assert_cmpstr(b5, ==, f[i].group);
    }
}

static void test_sysfs_attrs(void)
{
    static const struct {
        const char *path, *text;
    } a[] = {
        { "/sys/kernel/iommu_groups/7/reserved_regions",
          "0x0000000008000000 0x00000000080fffff msi\n" },
        { "/sys/kernel/iommu_groups/9/type", "DMA\n" },
        { "/sys/bus/pci/devices/0000:01:00.0/vendor", "0x1234\n" },
        { "/sys/bus/pci/devices/0000:01:00.0/device", "0x11e8\n" },
        { "/sys/bus/pci/devices/0000:02:00.0/class", "0x00ff00\n" },
        { "/sys/bus/pci/devices/0001:01:00.0/subsystem_vendor",
          "0x1af4\n" },
        { "/sys/bus/pci/devices/0001:01:00.0/revision", "0x10\n" },
        { "/sys/bus/pci/devices/0000:02:00.0/vfio-dev/vfio1/dev",
          "511:1\n" },
        { "/sys/class/vfio-dev/vfio2/dev", "511:2\n" },
        { "/sys/module/iommufd/parameters/allow_unsafe_interrupts",
          "N\n" },
    };
    FILE *fp;
    char line[128] = "";

    for (unsigned i = 0; i < G_N_ELEMENTS(a); i++) {
        g_autofree char *text = read_text(a[i].path);

        g_assert_cmpstr(text, ==, a[i].text);
    }
    /* stdio goes through fopen. */
    fp = fopen("/sys/bus/pci/devices/0000:01:00.0/vendor", "r");
    g_assert_nonnull(fp);
    g_assert_nonnull(fgets(line, sizeof(line), fp));
    fclose(fp);
    g_assert_cmpstr(line, ==, "0x1234\n");
}

static void test_sysfs_listings(void)
{
    static const struct {
        const char *path, *names;
    } l[] = {
        { "/sys/class/iommu", SMMU0_NAME " " SMMU1_NAME },
        { "/sys/class/vfio-dev", "vfio0 vfio1 vfio2" },
        { "/sys/kernel/iommu_groups", "7 8 9" },
        { "/sys/kernel/iommu_groups/8/devices", "0000:02:00.0" },
        { "/sys/class/iommu/" SMMU0_NAME "/devices",
          "0000:01:00.0 0000:02:00.0" },
        { "/sys/class/iommu/" SMMU1_NAME "/devices", "0001:01:00.0" },
        { "/sys/bus/pci/devices/0000:01:00.0/vfio-dev", "vfio0" },
    };

    struct dirent **list;
    int n;

    for (unsigned i = 0; i < G_N_ELEMENTS(l); i++) {
        g_autofree char *names = list_dir(l[i].path);

        g_assert_cmpstr(names, ==, l[i].names);
    }
    /* scandir() is interposed too (libc's own opendir is internal). */
    n = scandir("/dev/vfio/devices", &list, NULL, alphasort);
    g_assert_cmpint(n, ==, 5);
    g_assert_cmpstr(list[2]->d_name, ==, "vfio0");
    g_assert_cmpstr(list[4]->d_name, ==, "vfio2");
    for (int i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
}

static void test_dev_nodes(void)
{
    struct stat st;
    struct statx stx;
    char *rp;

    g_assert_cmpint(stat("/dev/iommu", &st), ==, 0);
    g_assert_true(S_ISCHR(st.st_mode));
    g_assert_cmpint(major(st.st_rdev), ==, HS_MISC_MAJOR);
    g_assert_cmpint(minor(st.st_rdev), ==, HS_IOMMU_MINOR);
    g_assert_cmpint(lstat("/dev/vfio/devices/vfio2", &st), ==, 0);
    g_assert_true(S_ISCHR(st.st_mode));
    g_assert_cmpint(major(st.st_rdev), ==, HS_VFIO_CDEV_MAJOR);
    g_assert_cmpint(minor(st.st_rdev), ==, 2);
    g_assert_cmpint(statx(AT_FDCWD, "/dev/vfio/devices/vfio1", 0,
                          STATX_BASIC_STATS, &stx), ==, 0);
    g_assert_true(S_ISCHR(stx.stx_mode));
    g_assert_cmpint(stx.stx_rdev_major, ==, HS_VFIO_CDEV_MAJOR);
    g_assert_cmpint(stx.stx_rdev_minor, ==, 1);
    g_assert_cmpint(access("/dev/iommu", R_OK | W_OK), ==, 0);
    errno = 0;
    g_assert_cmpint(access("/dev/vfio/devices/vfio7", F_OK), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
    /* A directory is where the sysfs tree has one, not elsewhere. */
    g_assert_cmpint(stat("/sys/class/iommu/" SMMU1_NAME, &st), ==, 0);
    g_assert_true(S_ISDIR(st.st_mode));
    g_assert_cmpint(lstat("/sys/class/iommu/" SMMU1_NAME, &st), ==, 0);
    g_assert_true(S_ISLNK(st.st_mode));

    /* realpath() answers with /sys paths that still resolve. */
    rp = realpath("/sys/bus/pci/devices/0000:01:00.0", NULL);
    g_assert_cmpstr(rp, ==, "/sys/devices/pci0000:01/0000:01:00.0");
    g_assert_cmpint(stat(rp, &st), ==, 0);
    g_assert_true(S_ISDIR(st.st_mode));
    free(rp);
    rp = realpath("/sys/class/iommu/" SMMU0_NAME, NULL);
    g_assert_cmpstr(rp, ==, "/sys/devices/platform/9050000.smmuv3/iommu/"
                    SMMU0_NAME);
    free(rp);
}

static void test_sysfs_unplug(void)
{
    HSFunc *f = hs_func_by_bdf("0000:02:00.0");
    g_autofree char *names = NULL;
    g_autofree char *drv = NULL;
    struct stat st;

    g_assert_nonnull(f);
    f->removed = true;
    hs_sysfs_update_func(f);
    errno = 0;
    g_assert_cmpint(lstat("/sys/bus/pci/devices/0000:02:00.0/driver", &st),
                    ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
    names = list_dir("/sys/class/vfio-dev");
    g_assert_cmpstr(names, ==, "vfio0 vfio2");
    g_assert_cmpint(stat("/sys/bus/pci/devices/0000:02:00.0/vfio-dev", &st),
                    ==, -1);
    /* The function itself stays: only the vfio-pci binding went. */
    g_assert_cmpint(stat("/sys/bus/pci/devices/0000:02:00.0/vendor", &st),
                    ==, 0);

    f->removed = false;
    hs_sysfs_update_func(f);
    drv = link_base("/sys/bus/pci/devices/0000:02:00.0/driver");
    g_assert_cmpstr(drv, ==, "vfio-pci");
    g_free(names);
    names = list_dir("/sys/class/vfio-dev");
    g_assert_cmpstr(names, ==, "vfio0 vfio1 vfio2");
}

/* ---- topology ---- */

static void test_topology_default(void)
{
    g_autoptr(GError) err = NULL;
    HSTopology *t = hs_topology_load(NULL, &err);
    HSSmmu *s0, *s1;
    HSFunc *f2;

    g_assert_no_error(err);
    g_assert_nonnull(t);
    g_assert_cmpint(t->smmus->len, ==, 2);
    g_assert_cmpint(t->funcs->len, ==, 3);
    s0 = g_ptr_array_index(t->smmus, 0);
    s1 = g_ptr_array_index(t->smmus, 1);
    g_assert_cmpstr(s0->name, ==, SMMU0_NAME);
    g_assert_cmpstr(s1->name, ==, SMMU1_NAME);
    /* smmu.0 is the lab's SMMU, register for register. */
    g_assert_cmphex(s0->idr[0], ==, 0x0d44101b);
    g_assert_cmphex(s0->idr[1], ==, 0x02730010);
    g_assert_cmphex(s0->idr[3], ==, 0x1414);
    g_assert_cmphex(s0->idr[5], ==, 0x74);
    g_assert_cmphex(s0->aidr, ==, 0x1);
    g_assert_true(s0->nesting && s0->ril && s0->vmid16 && s0->asid16);
    g_assert_false(s0->s2fwb || s0->ats);
    g_assert_cmpint(s0->oas_bits, ==, 44);
    g_assert_cmpint(s0->sidsize, ==, 16);
    g_assert_cmpint(s0->ssidsize, ==, 0);
    g_assert_true(s0->gran4k && s0->gran16k && s0->gran64k);
    /* smmu.1: + ATS, FWB, 48-bit OAS, 20-bit SIDs and SSIDs, no 16K. */
    g_assert_cmphex(s1->idr[0], ==, 0x0d44141b);
    g_assert_cmphex(s1->idr[1], ==, 0x02730514);
    g_assert_cmphex(s1->idr[3], ==, 0x1514);
    g_assert_cmphex(s1->idr[5], ==, 0x55);
    g_assert_true(s1->nesting && s1->s2fwb && s1->ats);
    g_assert_cmpint(s1->oas_bits, ==, 48);
    g_assert_cmpint(s1->ssidsize, ==, 20);
    g_assert_false(s1->gran16k);

    f2 = g_ptr_array_index(t->funcs, 2);
    g_assert_cmpstr(f2->bdf, ==, "0001:01:00.0");
    g_assert_true(f2->smmu == s1);
    g_assert_cmphex(f2->sid, ==, 0x100);
    g_assert_cmpint(f2->group, ==, 9);
    g_assert_cmpint(f2->vfio_index, ==, 2);
    g_assert_false(f2->canwbs);
    g_assert_true(f2->ats);
    g_assert_cmpint(f2->msi_vectors, ==, 1);
    g_assert_cmpint(f2->msix_vectors, ==, 8);
    g_assert_cmpint(f2->msix_bar, ==, 2);
    g_assert_cmpint(f2->bars[0].kind, ==, HS_BAR_EDU);
    g_assert_cmphex(f2->bars[0].size, ==, 1 << 20);
    g_assert_false(f2->bars[0].mmap);
    g_assert_cmpint(f2->bars[2].kind, ==, HS_BAR_MSIX);
    g_assert_cmpint(f2->bars[4].kind, ==, HS_BAR_RAM);
    g_assert_cmphex(f2->bars[4].size, ==, 64 << 10);
    g_assert_true(f2->bars[4].mmap);
    g_assert_cmpint(f2->bars[4].memfd, ==, -1);
    g_assert_cmpint(f2->bars[1].kind, ==, HS_BAR_NONE);
    g_assert_cmphex(f2->vendor, ==, 0x1234);
    g_assert_cmphex(f2->class_code, ==, 0x00ff00);
    hs_topology_free(t);
}

/* Lookups in the live topology (hs_topo, loaded by hs_init). */
static void test_topology_lookup(void)
{
    HSSmmu *s0, *s1;

    hs_init();
    s0 = hs_smmu_by_name("0");
    s1 = hs_smmu_by_name(SMMU1_NAME);
    g_assert_nonnull(s0);
    g_assert_nonnull(s1);
    g_assert_true(hs_smmu_by_name(SMMU0_NAME) == s0);
    g_assert_true(hs_smmu_by_name("1") == s1);
    g_assert_null(hs_smmu_by_name("2"));
    g_assert_null(hs_smmu_by_name("smmu3.0x0"));
    g_assert_null(hs_smmu_by_name(NULL));
    g_assert_cmpstr(hs_func_by_vfio_index(2)->bdf, ==, "0001:01:00.0");
    g_assert_null(hs_func_by_vfio_index(3));
    g_assert_cmpint(hs_func_by_bdf("0000:02:00.0")->vfio_index, ==, 1);
    g_assert_null(hs_func_by_bdf("0000:02:00.1"));
    /* The same StreamID on two SMMUs is two functions. */
    g_assert_cmpint(hs_func_by_sid(s0, 0x100)->index, ==, 0);
    g_assert_cmpint(hs_func_by_sid(s1, 0x100)->index, ==, 2);
    g_assert_cmpint(hs_func_by_sid(s0, 0x200)->index, ==, 1);
    g_assert_null(hs_func_by_sid(s1, 0x200));
}

#define TOPO_SMMU "[smmu.0]\nbase = 0x09050000\n"
#define TOPO_FUNC(extra) \
    "[function.0]\nbdf = 0000:01:00.0\nsmmu = 0\nsid = 0x100\n" \
    "group = 7\nvfio = 0\n" extra

static HSTopology *load_text(const char *text, GError **errp)
{
    g_autofree char *path = NULL;
    HSTopology *t;
    int fd = g_file_open_tmp("plumbing-XXXXXX.topo", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    t = hs_topology_load(path, errp);
    unlink(path);
    return t;
}

static void test_topology_options(void)
{
    g_autoptr(GError) err = NULL;
    HSTopology *t;
    HSSmmu *s;
    HSFunc *f;

    /* nesting = false clears S2P. */
    t = load_text("[smmu.0]\nbase = 0x1000\nnesting = false\n"
                  "granules = 64k\noas = 48\n", &err);
    g_assert_no_error(err);
    s = g_ptr_array_index(t->smmus, 0);
    g_assert_cmpstr(s->name, ==, "smmu3.0x0000000000001000");
    g_assert_cmphex(s->idr[0], ==, 0x0d44101a);
    g_assert_false(s->nesting);
    g_assert_cmphex(s->idr[5], ==, 0x45);
    g_assert_true(s->gran64k && !s->gran4k && !s->gran16k);
    hs_topology_free(t);

    /* Raw registers win and the derived fields follow them. */
    t = load_text("[smmu.0]\nbase = 0x2000\nril = true\nidr0 = 0x3\n"
                  "idr1 = 0x10\nidr3 = 0x100\nidr5 = 0x12\niidr = 0x43b\n"
                  TOPO_FUNC("bar0 = ram,8K,mmap,64\nmsix_bar = 0\n"),
                  &err);
    g_assert_no_error(err);
    s = g_ptr_array_index(t->smmus, 0);
    g_assert_true(s->nesting && s->s2fwb && !s->ril && !s->vmid16);
    g_assert_false(s->cohacc);
    g_assert_cmpint(s->sidsize, ==, 16);
    g_assert_cmpint(s->oas_bits, ==, 40);
    g_assert_true(s->gran4k && !s->gran64k);
    g_assert_cmphex(s->iidr, ==, 0x43b);
    f = g_ptr_array_index(t->funcs, 0);
    g_assert_true(f->bars[0].is64 && f->bars[0].mmap);
    g_assert_cmphex(f->bars[0].size, ==, 8192);
    g_assert_cmphex(f->subsys_device, ==, 0x1100);
    hs_topology_free(t);
}

static void test_topology_errors(void)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "[smmu.0]\nbase = 0x1000\nbogus = 1\n", "unknown key 'bogus'" },
        { "[smmu.0]\nnesting = true\n", "missing key 'base'" },
        { "[smmu.0]\nbase = 12x\n", "base = 12x: not a number" },
        { "[smmu.0]\nbase = 0x1000\noas = 45\n", "oas = 45" },
        { "[smmu.0]\nbase = 0x1000\ngranules = 8k\n", "'8k'" },
        { "[smmu.0]\nbase = 0x1000\nnesting = maybe\n", "nesting" },
        { "[smmu.0]\nbase = 0x1000\n[smmu.1]\nbase = 0x1000\n",
          "duplicate base" },
        { "[smmu.1]\nbase = 0x1000\n", "[smmu.0] is missing" },
        { "[smmu.0]\nbase = 0x1000\n[pci.0]\n", "unknown group [pci.0]" },
        { "[function.0]\nbdf = 0000:01:00.0\n", "no [smmu.0]" },
        { TOPO_SMMU TOPO_FUNC("") "[function.1]\nbdf = 0000:01:00.0\n"
          "smmu = 0\nsid = 0x200\ngroup = 8\nvfio = 1\n",
          "[function.1] duplicate bdf" },
        { TOPO_SMMU TOPO_FUNC("") "[function.1]\nbdf = 0000:02:00.0\n"
          "smmu = 0\nsid = 0x200\ngroup = 8\nvfio = 0\n",
          "duplicate vfio index" },
        { TOPO_SMMU TOPO_FUNC("") "[function.1]\nbdf = 0000:02:00.0\n"
          "smmu = 0\nsid = 0x100\ngroup = 8\nvfio = 1\n",
          "duplicate StreamID" },
        { TOPO_SMMU "[function.0]\nbdf = 0000:01:00.0\nsmmu = 1\n"
          "sid = 0x100\ngroup = 7\nvfio = 0\n", "smmu = 1: no [smmu.1]" },
        { TOPO_SMMU "[function.0]\nbdf = 0000:01:00.0\nsmmu = 0\n"
          "sid = 0x10000\ngroup = 7\nvfio = 0\n",
          "beyond the 16-bit StreamIDs" },
        { TOPO_SMMU "[function.0]\nbdf = 1:2:3.4\nsmmu = 0\n"
          "sid = 0x100\ngroup = 7\nvfio = 0\n", "expected DDDD:BB:DD.F" },
        { TOPO_SMMU TOPO_FUNC("bar0 = edu\n"), "bar0 = edu: expected" },
        { TOPO_SMMU TOPO_FUNC("bar0 = gpu,1M\n"), "kind edu, ram or msix" },
        { TOPO_SMMU TOPO_FUNC("bar0 = ram,3K\n"), "power of two" },
        { TOPO_SMMU TOPO_FUNC("bar0 = ram,1M,mmmap\n"), "bar0 = ram,1M" },
        { TOPO_SMMU TOPO_FUNC("bar0 = edu,1M,mmap\n"), "trapped" },
        { TOPO_SMMU TOPO_FUNC("bar0 = ram,1M,64\nbar1 = ram,4K\n"),
          "taken by the 64-bit bar0" },
        { TOPO_SMMU TOPO_FUNC("msix = 4\nbar0 = ram,4K\n"),
          "needs a msix BAR" },
        { TOPO_SMMU TOPO_FUNC("msix = 200\nbar2 = msix,4K\n"),
          "at most 128" },
        { TOPO_SMMU TOPO_FUNC("msi = 3\n"), "power of two" },
        { "[smmu.0\n", "topology" },
    };
    g_autoptr(GError) err = NULL;

    err = NULL;
    g_assert_null(hs_topology_load("/nonexistent.topo", &err));
    g_assert_nonnull(err);
    g_assert_true(strstr(err->message, "/nonexistent.topo"));
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_clear_error(&err);
        g_assert_null(load_text(bad[i].text, &err));
        g_assert_nonnull(err);
        g_test_message("%u: %s", i, err->message);
        if (!strstr(err->message, bad[i].msg)) {
            g_error("case %u: '%s' lacks '%s'", i, err->message,
                    bad[i].msg);
        }
        g_assert_true(g_str_has_prefix(err->message, "topology "));
    }
}

/* ---- the fd table ---- */

/* What poll() reports for every event a file can have. */
static short poll_revents(int fd)
{
    struct pollfd p = {
        .fd = fd, .events = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM |
                            POLLPRI,
    };

    g_assert_cmpint(poll(&p, 1, 0), >=, 0);
    return p.revents;
}

/*
 * A fault queue's fd polls as Linux's: POLLOUT always (responses are
 * written to it), POLLIN while faults wait (Linux adds POLLRDNORM, an
 * eventfd does not; nothing queues faults in the simulator so far).
 * Readiness is visible through an epoll set too.
 */
static void test_fd_queue_poll(void)
{
    int fd = hs_fd_new(HS_FD_FAULT, NULL, O_CLOEXEC);
    int qfd = hs_fd_new(HS_FD_VEVENTQ, NULL, O_CLOEXEC | O_NONBLOCK);
    HSFile *f = hs_fd_lookup(fd), *q = hs_fd_lookup(qfd);
    struct epoll_event ev = { .events = EPOLLIN }, out[2];
    int ep = epoll_create1(EPOLL_CLOEXEC);

    g_assert_nonnull(f);
    g_assert_nonnull(q);
    g_assert_cmpint(fcntl(fd, F_GETFL) & O_ACCMODE, ==, O_RDWR);
    g_assert_cmpint(fcntl(qfd, F_GETFL) & O_NONBLOCK, ==, O_NONBLOCK);
    g_assert_cmphex(poll_revents(fd), ==, POLLOUT);
    hs_fd_set_readable(f, true);
    g_assert_cmphex(poll_revents(fd) & ~POLLRDNORM, ==, POLLIN | POLLOUT);
    hs_fd_set_readable(f, false);
    g_assert_cmphex(poll_revents(fd), ==, POLLOUT);

    /* A VMM's event loop waits on the vEVENTQ with epoll. */
    ev.data.fd = qfd;
    g_assert_cmpint(epoll_ctl(ep, EPOLL_CTL_ADD, qfd, &ev), ==, 0);
    g_assert_cmpint(epoll_wait(ep, out, 2, 0), ==, 0);
    hs_fd_set_readable(q, true);
    g_assert_cmpint(epoll_wait(ep, out, 2, 0), ==, 1);
    g_assert_cmpint(out[0].data.fd, ==, qfd);
    g_assert_cmphex(out[0].events, ==, EPOLLIN);
    hs_fd_set_readable(q, false);
    g_assert_cmpint(epoll_wait(ep, out, 2, 0), ==, 0);
    /* Two queues readable at once, one drained: independent. */
    {
        int q2fd = hs_fd_new(HS_FD_VEVENTQ, NULL, O_CLOEXEC);
        HSFile *q2 = hs_fd_lookup(q2fd);

        hs_fd_set_readable(q, true);
        hs_fd_set_readable(q2, true);
        g_assert_cmphex(poll_revents(q2fd), ==, POLLIN | POLLRDNORM);
        hs_fd_set_readable(q, false);
        g_assert_cmphex(poll_revents(qfd), ==, 0);
        g_assert_cmphex(poll_revents(q2fd), ==, POLLIN | POLLRDNORM);
        close(q2fd);
    }
    close(ep);
    close(qfd);
    close(fd);
}

static void test_fd_table(void)
{
    unsigned base = hs_fd_count();
    char buf[64];
    HSFile *f;
    int fd, fd2, fd3, fd4;

    fd = hs_fd_new(HS_FD_VEVENTQ, NULL, O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    f = hs_fd_lookup(fd);
    g_assert_nonnull(f);
    g_assert_cmpint(f->kind, ==, HS_FD_VEVENTQ);
    g_assert_cmpint(f->fds, ==, 1);
    g_assert_cmpint(f->efd, ==, fd);
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, FD_CLOEXEC);
    g_assert_cmpint(hs_fd_count(), ==, base + 1);

    /* Readability follows the queue, level-kept. */
    g_assert_false(readable(fd));
    hs_fd_set_readable(f, true);
    hs_fd_set_readable(f, true);
    g_assert_true(readable(fd));
    hs_fd_set_readable(f, false);
    g_assert_false(readable(fd));
    /* Polls exactly as Linux's vEVENTQ: never writable, opened O_RDWR. */
    g_assert_cmphex(poll_revents(fd), ==, 0);
    hs_fd_set_readable(f, true);
    g_assert_cmphex(poll_revents(fd), ==, POLLIN | POLLRDNORM);
    g_assert_cmphex(poll_revents(fd), ==, POLLIN | POLLRDNORM);
    hs_fd_set_readable(f, false);
    g_assert_cmphex(poll_revents(fd), ==, 0);
    g_assert_cmpint(fcntl(fd, F_GETFL) & O_ACCMODE, ==, O_RDWR);

    /* dup, F_DUPFD_CLOEXEC, dup2 and dup3 share the file. */
    fd2 = dup(fd);
    fd3 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    g_assert_cmpint(fd3, >=, 100);
    fd4 = dup2(fd, fd3 + 1);
    g_assert_cmpint(fd4, ==, fd3 + 1);
    g_assert_true(hs_fd_lookup(fd2) == f);
    g_assert_true(hs_fd_lookup(fd3) == f);
    g_assert_true(hs_fd_lookup(fd4) == f);
    g_assert_cmpint(f->fds, ==, 4);
    g_assert_cmpint(hs_fd_count(), ==, base + 4);
    g_assert_cmpint(dup3(fd2, fd4, O_CLOEXEC), ==, fd4);
    g_assert_cmpint(f->fds, ==, 4);

    /* The first fd closes: the others keep the file, and poll works. */
    g_assert_cmpint(close(fd), ==, 0);
    g_assert_null(hs_fd_lookup(fd));
    g_assert_cmpint(f->fds, ==, 3);
    g_assert_cmpint(f->efd, !=, fd);
    hs_fd_set_readable(f, true);
    g_assert_true(readable(fd2) && readable(fd3) && readable(fd4));

    /* A queue fd has no write, ioctl or mmap; pread only at 0. */
    errno = 0;
    g_assert_cmpint(write(fd2, "x", 1), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    errno = 0;
    g_assert_cmpint(pread(fd2, buf, sizeof(buf), 8), ==, -1);
    g_assert_cmpint(errno, ==, ESPIPE);
    errno = 0;
    g_assert_cmpint(pread(fd2, buf, sizeof(buf), -1), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    errno = 0;
    g_assert_cmpint(ioctl(fd2, 0x3b80, buf), ==, -1);
    g_assert_cmpint(errno, ==, ENOTTY);
    errno = 0;
    g_assert_true(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0) ==
                  MAP_FAILED);
    g_assert_cmpint(errno, ==, ENODEV);
    errno = 0;
    g_assert_cmpint(lseek(fd2, 0, SEEK_SET), ==, -1);
    g_assert_cmpint(errno, ==, ESPIPE);
    /* The VFS's own ioctls still work. */
    g_assert_cmpint(ioctl(fd2, FIONCLEX), ==, 0);
    g_assert_cmpint(fcntl(fd2, F_GETFD), ==, 0);

    /* dup2 of a real fd over a simulated one drops that reference. */
    g_assert_cmpint(dup2(STDERR_FILENO, fd3), ==, fd3);
    g_assert_null(hs_fd_lookup(fd3));
    g_assert_cmpint(f->fds, ==, 2);
    close(fd3);
    close(fd2);
    g_assert_cmpint(f->fds, ==, 1);
    g_assert_true(hs_fd_lookup(fd4) == f);
    g_assert_cmpint(f->efd, ==, fd4);
    close(fd4);
    g_assert_cmpint(hs_fd_count(), ==, base);
}

/* A forked child keeps a working copy; the parent's lock is not held. */
static void test_fork(void)
{
    int fd = hs_fd_new(HS_FD_FAULT, NULL, 0);
    HSFile *f = hs_fd_lookup(fd);
    pid_t pid;
    int status;

    g_assert_nonnull(f);
    hs_fd_set_readable(f, true);
    hs_lock();
    pid = fork();
    if (pid == 0) {
        struct stat st;
        bool ok;

        /* The parent held the lock across fork(): not here. */
        hs_lock();
        ok = hs_fd_lookup(fd) != NULL && readable(fd) &&
             stat("/sys/class/iommu/" SMMU0_NAME, &st) == 0;
        hs_unlock();
        _exit(ok ? 0 : 1);
    }
    hs_unlock();
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    close(fd);
}

/* open("/dev/iommu") through the interposed open, once iommufd.c works. */
static void test_open_iommufd(void)
{
    unsigned base = hs_fd_count();
    int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
    int fd2;
    char buf[8];

    if (fd < 0) {
        g_test_skip("hs_ictx_open not available yet");
        return;
    }
    g_assert_cmpint(hs_fd_lookup(fd)->kind, ==, HS_FD_IOMMUFD);
    g_assert_cmpint(hs_fd_count(), ==, base + 1);
    errno = 0;
    g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    errno = 0;
    g_assert_cmpint(write(fd, buf, sizeof(buf)), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    fd2 = dup(fd);
    g_assert_true(hs_fd_lookup(fd2) == hs_fd_lookup(fd));
    close(fd);
    g_assert_nonnull(hs_fd_lookup(fd2));
    close(fd2);
    g_assert_cmpint(hs_fd_count(), ==, base);
    errno = 0;
    g_assert_cmpint(open("/dev/iommu", O_RDWR | O_DIRECTORY), ==, -1);
    g_assert_cmpint(errno, ==, ENOTDIR);
}

/* mmap of an iommufd: SMMUv3 publishes nothing, so never a mapping. */
static void test_mmap_iommufd(void)
{
    int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("hs_ictx_open not available yet");
        return;
    }
    errno = 0;
    g_assert_true(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096) ==
                  MAP_FAILED);
    g_assert_cmpint(errno, ==, ENXIO);
    close(fd);
}

/* open of a VFIO cdev: the file knows its device, nothing before BIND. */
static void test_open_vfio(void)
{
    unsigned base = hs_fd_count();
    int fd = open("/dev/vfio/devices/vfio1", O_RDWR | O_CLOEXEC);
    HSVfioDev *d;
    HSFile *f;
    char buf[4];

    if (fd < 0) {
        g_test_skip("hs_vfio_open not available yet");
        return;
    }
    f = hs_fd_lookup(fd);
    g_assert_nonnull(f);
    g_assert_cmpint(f->kind, ==, HS_FD_VFIO);
    d = f->obj;
    g_assert_true(d->file == f);
    g_assert_true(d->func == hs_func_by_vfio_index(1));
    g_assert_cmpint(f->open_flags & O_ACCMODE, ==, O_RDWR);
    errno = 0;
    g_assert_cmpint(pread(fd, buf, sizeof(buf),
                          (off_t)VFIO_PCI_CONFIG_REGION_INDEX <<
                          HS_VFIO_OFFSET_SHIFT), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    /* The position moves only by read/write: no llseek on Linux. */
    errno = 0;
    g_assert_cmpint(lseek(fd, 0, SEEK_CUR), ==, -1);
    g_assert_cmpint(errno, ==, ESPIPE);
    close(fd);
    g_assert_cmpint(hs_fd_count(), ==, base);
    /* Not in the topology: the real (absent) node. */
    errno = 0;
    g_assert_cmpint(open("/dev/vfio/devices/vfio9", O_RDWR), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
}

static void test_sysfs_cleanup(void)
{
    g_autofree char *root = g_strdup(hs_sysfs_root());
    g_autofree char *again = NULL;

    g_assert_nonnull(root);
    g_assert_true(g_file_test(root, G_FILE_TEST_IS_DIR));
    hs_sysfs_cleanup();
    g_assert_false(g_file_test(root, G_FILE_TEST_EXISTS));
    /* The next simulated path builds a fresh tree. */
    again = link_base("/sys/bus/pci/devices/0000:01:00.0/iommu");
    g_assert_cmpstr(again, ==, SMMU0_NAME);
    hs_sysfs_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostsim/plumbing/real-files", test_real_files);
    g_test_add_func("/hostsim/plumbing/rewrite-scope", test_rewrite_scope);
    g_test_add_func("/hostsim/plumbing/sysfs-links", test_sysfs_links);
    g_test_add_func("/hostsim/plumbing/sysfs-attrs", test_sysfs_attrs);
    g_test_add_func("/hostsim/plumbing/sysfs-listings", test_sysfs_listings);
    g_test_add_func("/hostsim/plumbing/dev-nodes", test_dev_nodes);
    g_test_add_func("/hostsim/plumbing/sysfs-unplug", test_sysfs_unplug);
    g_test_add_func("/hostsim/plumbing/topology-default",
                    test_topology_default);
    g_test_add_func("/hostsim/plumbing/topology-lookup",
                    test_topology_lookup);
    g_test_add_func("/hostsim/plumbing/topology-options",
                    test_topology_options);
    g_test_add_func("/hostsim/plumbing/topology-errors",
                    test_topology_errors);
    g_test_add_func("/hostsim/plumbing/fd-table", test_fd_table);
    g_test_add_func("/hostsim/plumbing/fd-queue-poll", test_fd_queue_poll);
    g_test_add_func("/hostsim/plumbing/fork", test_fork);
    g_test_add_func("/hostsim/plumbing/open-iommufd", test_open_iommufd);
    g_test_add_func("/hostsim/plumbing/mmap-iommufd", test_mmap_iommufd);
    g_test_add_func("/hostsim/plumbing/open-vfio", test_open_vfio);
    g_test_add_func("/hostsim/plumbing/sysfs-cleanup", test_sysfs_cleanup);
    return g_test_run();
}
