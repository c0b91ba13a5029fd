/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sysfs view of the simulated host (iommufd-uapi.md section 4) and
 * its /dev nodes, materialized as real files and relative symlinks in a
 * private temporary directory, so that every libc call on a rewritten
 * path (stat, readlink, opendir, realpath, fopen...) behaves as on a real
 * tree without the simulator emulating each call.  The layout mirrors
 * Linux: device directories under sys/devices/, and the class, bus and
 * iommu_groups entries as symlinks to them, so readlink() of
 * .../<bdf>/iommu ends in the SMMU's name and .../<bdf>/iommu_group in
 * the group number.
 *
 * The tree is built on the first rewrite, and only by the first process
 * that needs it; that process alone removes it at exit (a forked child
 * shares it).  The /dev placeholders are empty files: interpose.c makes
 * stat() report them as character devices.
 */
#include "hostsim-int.h"

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *sysfs_root;
static pid_t sysfs_pid;

/* Paths answered whole: the directory or file and everything below. */
static const char *const sysfs_prefixes[] = {
    "/sys/class/iommu",
    "/sys/class/vfio-dev",
    "/sys/kernel/iommu_groups",
    "/sys/module/iommufd",
    "/sys/bus/pci/drivers/vfio-pci",
    "/dev/iommu",
};
/* Answered itself (a listing), its entries only when simulated. */
#define VFIO_DEVICES_DIR "/dev/vfio/devices"
#define PCI_DEVICES     "/sys/bus/pci/devices/"
#define SYS_DEVICES     "/sys/devices/"
#define VFIO_DEVICES    "/dev/vfio/devices/vfio"
#define BDF_LEN         12

/* path is prefix itself or below it. */
static bool has_dir_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

/* ---- building the tree ---- */

static char *tree_path(const char *rel)
{
    return g_build_filename(sysfs_root, rel, NULL);
}

static void tree_mkdir(const char *rel)
{
    g_autofree char *p = tree_path(rel);

    g_mkdir_with_parents(p, 0755);
}

static void tree_parent(const char *rel)
{
    g_autofree char *dir = g_path_get_dirname(rel);

    tree_mkdir(dir);
}

static void tree_file(const char *rel, const char *content, int mode)
{
    g_autofree char *p = tree_path(rel);
    size_t len = strlen(content);
    int fd;

    tree_parent(rel);
    fd = hs_real.open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        return;
    }
    if (hs_real.write(fd, content, len) != (ssize_t)len) {
        fprintf(stderr, "hostsim: sysfs: short write to %s\n", p);
    }
    hs_real.close(fd);
}

static void G_GNUC_PRINTF(2, 3) tree_filef(const char *rel,
                                           const char *fmt, ...)
{
    g_autofree char *content = NULL;
    va_list ap;

    va_start(ap, fmt);
    content = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    tree_file(rel, content, 0444);
}

/*
 * A symlink at link_rel pointing at target_rel (both relative to the
 * root), written relative to the link's directory as sysfs does:
 * "../../devices/..." rather than an absolute path into /tmp.
 */
static void tree_link(const char *target_rel, const char *link_rel)
{
    g_auto(GStrv) t = g_strsplit(target_rel, "/", -1);
    g_auto(GStrv) l = g_strsplit(link_rel, "/", -1);
    g_autoptr(GString) rel = g_string_new(NULL);
    g_autofree char *p = tree_path(link_rel);
    guint nt = g_strv_length(t), nl = g_strv_length(l), common = 0;

    /*
     * The link's own name is not a directory to climb out of, and a link
     * to an ancestor still names it ("../../../0000:01:00.0").
     */
    while (common + 1 < nt && common + 1 < nl &&
           !strcmp(t[common], l[common])) {
        common++;
    }
    for (guint i = common; i + 1 < nl; i++) {
        g_string_append(rel, "../");
    }
    for (guint i = common; i < nt; i++) {
        g_string_append(rel, t[i]);
        if (i + 1 < nt) {
            g_string_append_c(rel, '/');
        }
    }
    tree_parent(link_rel);
    unlink(p);
    if (symlink(rel->str, p) < 0) {
        fprintf(stderr, "hostsim: sysfs: symlink %s: %s\n", p,
                g_strerror(errno));
    }
}

static void tree_remove(const char *rel)
{
    g_autofree char *p = tree_path(rel);

    unlink(p);
}

static int tree_remove_one(const char *path, const struct stat *st,
                           int type, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void tree_remove_all(const char *rel)
{
    g_autofree char *p = tree_path(rel);

    nftw(p, tree_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *smmu_dir(HSSmmu *s)
{
    return g_strdup_printf("sys/devices/platform/%" G_GINT64_MODIFIER
                           "x.smmuv3/iommu/%s", s->base, s->name);
}

/* "sys/devices/pci0000:01/0000:01:00.0": a root bus per domain:bus. */
static char *func_dir(HSFunc *f)
{
    return g_strdup_printf("sys/devices/pci%.7s/%s", f->bdf, f->bdf);
}

static void sysfs_build_func(HSFunc *f)
{
    g_autofree char *fdir = func_dir(f);
    g_autofree char *sdir = smmu_dir(f->smmu);
    g_autofree char *gdir = g_strdup_printf("sys/kernel/iommu_groups/%u",
                                            f->group);
    g_autofree char *p = NULL;

#define FUNC_FILE(name, ...) do {                               \
        g_free(p);                                              \
        p = g_strdup_printf("%s/%s", fdir, name);               \
        tree_filef(p, __VA_ARGS__);                             \
    } while (0)
#define LINK(target, ...) do {                                  \
        g_free(p);                                              \
        p = g_strdup_printf(__VA_ARGS__);                       \
        tree_link(target, p);                                   \
    } while (0)

    FUNC_FILE("vendor", "0x%04x\n", f->vendor);
    FUNC_FILE("device", "0x%04x\n", f->device);
    FUNC_FILE("subsystem_vendor", "0x%04x\n", f->subsys_vendor);
    FUNC_FILE("subsystem_device", "0x%04x\n", f->subsys_device);
    FUNC_FILE("class", "0x%06x\n", f->class_code);
    FUNC_FILE("revision", "0x%02x\n", f->revision);
    FUNC_FILE("driver_override", "vfio-pci\n");
    FUNC_FILE("numa_node", "-1\n");
    LINK(sdir, "%s/iommu", fdir);
    LINK(gdir, "%s/iommu_group", fdir);
    LINK(fdir, "%s/devices/%s", sdir, f->bdf);
    LINK(fdir, "sys/bus/pci/devices/%s", f->bdf);
    LINK(fdir, "%s/devices/%s", gdir, f->bdf);

    g_free(p);
    p = g_strdup_printf("%s/reserved_regions", gdir);
    tree_filef(p, "0x%016llx 0x%016llx msi\n",
               (unsigned long long)HS_MSI_IOVA_BASE,
               (unsigned long long)HS_MSI_IOVA_LAST);
    g_free(p);
    p = g_strdup_printf("%s/type", gdir);
    tree_filef(p, "DMA\n");
#undef FUNC_FILE
#undef LINK
}

/* The parts that exist while the function is bound to vfio-pci. */
static void sysfs_func_bound(HSFunc *f, bool present)
{
    g_autofree char *fdir = func_dir(f);
    g_autofree char *vdir = g_strdup_printf("%s/vfio-dev/vfio%u", fdir,
                                            f->vfio_index);
    g_autofree char *driver = g_strdup_printf("%s/driver", fdir);
    g_autofree char *drv_link = g_strdup_printf(
        "sys/bus/pci/drivers/vfio-pci/%s", f->bdf);
    g_autofree char *cls = g_strdup_printf("sys/class/vfio-dev/vfio%u",
                                           f->vfio_index);
    g_autofree char *node = g_strdup_printf("dev/vfio/devices/vfio%u",
                                            f->vfio_index);
    g_autofree char *vfio_dev = g_strdup_printf("%s/vfio-dev", fdir);
    g_autofree char *p = NULL;

    if (!present) {
        tree_remove(driver);
        tree_remove(drv_link);
        tree_remove(cls);
        tree_remove(node);
        tree_remove_all(vfio_dev);
        return;
    }
    tree_link("sys/bus/pci/drivers/vfio-pci", driver);
    tree_link(fdir, drv_link);
    p = g_strdup_printf("%s/dev", vdir);
    tree_filef(p, "%u:%u\n", HS_VFIO_CDEV_MAJOR, f->vfio_index);
    g_free(p);
    p = g_strdup_printf("%s/uevent", vdir);
    tree_filef(p, "MAJOR=%u\nMINOR=%u\nDEVNAME=vfio/devices/vfio%u\n",
               HS_VFIO_CDEV_MAJOR, f->vfio_index, f->vfio_index);
    g_free(p);
    p = g_strdup_printf("%s/device", vdir);
    tree_link(fdir, p);
    tree_link(vdir, cls);
    tree_file(node, "", 0666);
}

static void sysfs_build(void)
{
    for (guint i = 0; i < hs_topo->smmus->len; i++) {
        HSSmmu *s = g_ptr_array_index(hs_topo->smmus, i);
        g_autofree char *sdir = smmu_dir(s);
        g_autofree char *devs = g_strdup_printf("%s/devices", sdir);
        g_autofree char *cls = g_strdup_printf("sys/class/iommu/%s",
                                               s->name);

        tree_mkdir(devs);
        tree_link(sdir, cls);
    }
    tree_mkdir("sys/class/vfio-dev");
    tree_mkdir("sys/bus/pci/drivers/vfio-pci");
    tree_mkdir("sys/kernel/iommu_groups");
    tree_mkdir("dev/vfio/devices");
    for (guint i = 0; i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);

        sysfs_build_func(f);
        sysfs_func_bound(f, !f->removed);
    }
    /* MSI isolation comes from the (simulated) ITS: no unsafe opt-in. */
    tree_file("sys/module/iommufd/parameters/allow_unsafe_interrupts",
              "N\n", 0644);
    tree_file("dev/iommu", "", 0666);
}

/*
 * A process that exec()s or dies by a signal leaves its tree behind (no
 * destructor runs); each new tree removes those whose owner is gone.
 */
#define OWNER_FILE ".owner"

static void sysfs_mark_owner(void)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)sysfs_pid);

    tree_file(OWNER_FILE, pid, 0444);
}

static void sysfs_collect_stale(void)
{
    const char *tmp = g_get_tmp_dir();
    GDir *d = g_dir_open(tmp, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *dir = NULL;
        g_autofree char *owner = NULL;
        g_autofree char *text = NULL;
        char *end;
        long pid;

        if (!g_str_has_prefix(name, "hostsim.") || strlen(name) != 14) {
            continue;
        }
        dir = g_build_filename(tmp, name, NULL);
        owner = g_build_filename(dir, OWNER_FILE, NULL);
        if (!g_file_get_contents(owner, &text, NULL, NULL)) {
            continue;
        }
        pid = strtol(text, &end, 10);
        if (pid <= 0 || *end != '\n' || pid == getpid()) {
            continue;
        }
        if (kill(pid, 0) < 0 && errno == ESRCH) {
            nftw(dir, tree_remove_one, 16, FTW_DEPTH | FTW_PHYS);
        }
    }
    if (d) {
        g_dir_close(d);
    }
}

const char *hs_sysfs_root(void)
{
    GError *err = NULL;

    hs_lock();
    if (!sysfs_root && hs_topo) {
        sysfs_root = g_dir_make_tmp("hostsim.XXXXXX", &err);
        if (!sysfs_root) {
            fprintf(stderr, "hostsim: sysfs: %s\n", err->message);
            g_error_free(err);
        } else {
            sysfs_pid = getpid();
            sysfs_build();
            sysfs_mark_owner();
            sysfs_collect_stale();
        }
    }
    hs_unlock();
    return sysfs_root;
}

/* ---- rewriting ---- */

bool hs_sysfs_is_candidate(const char *path)
{
    if (!path || path[0] != '/') {
        return false;
    }
    if (path[1] == 's') {
        if (!strncmp(path, PCI_DEVICES, strlen(PCI_DEVICES)) ||
            !strncmp(path, SYS_DEVICES, strlen(SYS_DEVICES))) {
            return true;
        }
    } else if (path[1] == 'd') {
        if (!strncmp(path, VFIO_DEVICES, strlen(VFIO_DEVICES)) ||
            !strcmp(path, VFIO_DEVICES_DIR) ||
            !strcmp(path, VFIO_DEVICES_DIR "/")) {
            return true;
        }
    } else {
        return false;
    }
    for (guint i = 0; i < G_N_ELEMENTS(sysfs_prefixes); i++) {
        if (has_dir_prefix(path, sysfs_prefixes[i])) {
            return true;
        }
    }
    return false;
}

/*
 * The device directories themselves (where realpath() of a class or bus
 * link leads): "/sys/devices/pciDDDD:BB[/...]" for a simulated bus and
 * "/sys/devices/platform/<base>.smmuv3[/...]" for a simulated SMMU.
 */
static bool sysfs_answers_devices(const char *rest)
{
    for (guint i = 0; i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);
        char bus[16];

        g_snprintf(bus, sizeof(bus), "pci%.7s", f->bdf);
        if (has_dir_prefix(rest, bus)) {
            return true;
        }
    }
    for (guint i = 0; i < hs_topo->smmus->len; i++) {
        HSSmmu *s = g_ptr_array_index(hs_topo->smmus, i);
        char dev[48];

        g_snprintf(dev, sizeof(dev), "platform/%" G_GINT64_MODIFIER
                   "x.smmuv3", s->base);
        if (has_dir_prefix(rest, dev)) {
            return true;
        }
    }
    return false;
}

/* Is path one of the simulator's? (Needs the topology.) */
static bool sysfs_answers(const char *path)
{
    if (!strcmp(path, VFIO_DEVICES_DIR) ||
        !strcmp(path, VFIO_DEVICES_DIR "/")) {
        return true;
    }
    if (g_str_has_prefix(path, SYS_DEVICES)) {
        return sysfs_answers_devices(path + strlen(SYS_DEVICES));
    }
    for (guint i = 0; i < G_N_ELEMENTS(sysfs_prefixes); i++) {
        if (has_dir_prefix(path, sysfs_prefixes[i])) {
            return true;
        }
    }
    if (g_str_has_prefix(path, PCI_DEVICES)) {
        const char *bdf = path + strlen(PCI_DEVICES);
        char want[BDF_LEN + 1];

        if (strlen(bdf) < BDF_LEN ||
            (bdf[BDF_LEN] != '\0' && bdf[BDF_LEN] != '/')) {
            return false;
        }
        memcpy(want, bdf, BDF_LEN);
        want[BDF_LEN] = '\0';
        return hs_func_by_bdf(want) != NULL;
    }
    if (g_str_has_prefix(path, VFIO_DEVICES)) {
        const char *num = path + strlen(VFIO_DEVICES);
        char *end;
        unsigned long n;

        /* Digits only, no sign, no leading zero: the node's real name. */
        if (!g_ascii_isdigit(num[0]) || (num[0] == '0' && num[1] &&
                                         num[1] != '/')) {
            return false;
        }
        errno = 0;
        n = strtoul(num, &end, 10);
        if (errno || (*end != '\0' && *end != '/') || n > G_MAXUINT) {
            return false;
        }
        return hs_func_by_vfio_index(n) != NULL;
    }
    return false;
}

char *hs_sysfs_rewrite(const char *path)
{
    const char *root;
    char *out = NULL;

    if (!hs_sysfs_is_candidate(path)) {
        return NULL;
    }
    hs_lock();
    if (hs_topo && sysfs_answers(path)) {
        root = hs_sysfs_root();
        if (root) {
            out = g_strconcat(root, path, NULL);
        }
    }
    hs_unlock();
    return out;
}

void hs_sysfs_update_func(HSFunc *f)
{
    hs_lock();
    if (sysfs_root) {
        sysfs_func_bound(f, !f->removed);
    }
    hs_unlock();
}

void hs_sysfs_cleanup(void)
{
    hs_lock();
    if (sysfs_root && getpid() == sysfs_pid) {
        nftw(sysfs_root, tree_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    g_clear_pointer(&sysfs_root, g_free);
    hs_unlock();
}
