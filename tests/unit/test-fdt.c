/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the device tree helpers (hw/arm/fdt.c) on blank trees:
 * the iommu-map / msi-map entries read back with libfdt, string lists,
 * reg pairs, device nodes, the growth of a small buffer, the 1 MiB cap,
 * and the errors that name the libfdt call instead of aborting.
 */
#include "qemu/osdep.h"

#include <libfdt.h>

#include "hw/arm/fdt.h"

/* Property name of node path in blob, as host-order cells. */
static GArray *get_cells(const void *blob, const char *path,
                         const char *name)
{
    int off = fdt_path_offset(blob, path);
    const fdt32_t *p;
    GArray *a = g_array_new(false, false, sizeof(uint32_t));
    int len, i;

    g_assert_cmpint(off, >=, 0);
    p = fdt_getprop(blob, off, name, &len);
    g_assert_nonnull(p);
    g_assert_cmpint(len % 4, ==, 0);
    for (i = 0; i < len / 4; i++) {
        uint32_t v = fdt32_to_cpu(p[i]);

        g_array_append_val(a, v);
    }
    return a;
}

static void assert_cells(const void *blob, const char *path,
                         const char *name, const uint32_t *want, size_t n)
{
    g_autoptr(GArray) got = get_cells(blob, path, name);
    size_t i;

    g_assert_cmpuint(got->len, ==, n);
    for (i = 0; i < n; i++) {
        g_assert_cmphex(g_array_index(got, uint32_t, i), ==, want[i]);
    }
}

static void assert_error(Error *err, const char *substring)
{
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), substring)) {
        g_error("error '%s' does not contain '%s'", error_get_pretty(err),
                substring);
    }
    error_free(err);
}

static void test_id_maps(void)
{
    g_autoptr(DeviceTree) dt = dt_new(512, &error_abort);
    const char *pcie = "/pcie@10000000";
    const uint32_t msi[] = { 0, 0x8003, 0, 0x10000 };
    /* virtio-iommu style: every RID but the IOMMU's own (00:08.0). */
    const uint32_t iommu[] = { 0, 0x8005, 0, 0x40,
                               0x41, 0x8005, 0x41, 0xffbf };
    g_autofree void *blob = NULL;
    size_t size;

    g_assert_true(dt_add_node(dt, pcie, &error_abort));
    g_assert_true(dt_append_msi_map(dt, pcie, 0, 0x8003, 0, 0x10000,
                                    &error_abort));
    g_assert_true(dt_append_iommu_map(dt, pcie, 0, 0x8005, 0, 0x40,
                                      &error_abort));
    g_assert_true(dt_append_iommu_map(dt, pcie, 0x41, 0x8005, 0x41, 0xffbf,
                                      &error_abort));
    assert_cells(dt->blob, pcie, "msi-map", msi, ARRAY_SIZE(msi));
    assert_cells(dt->blob, pcie, "iommu-map", iommu, ARRAY_SIZE(iommu));

    /* The packed blob says the same and is no bigger than it needs. */
    blob = dt_finish(g_steal_pointer(&dt), &size, &error_abort);
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    g_assert_cmpuint(size, ==, fdt_totalsize(blob));
    g_assert_cmpuint(size, <, 512);
    assert_cells(blob, pcie, "msi-map", msi, ARRAY_SIZE(msi));
    assert_cells(blob, pcie, "iommu-map", iommu, ARRAY_SIZE(iommu));
}

static void test_id_map_errors(void)
{
    g_autoptr(DeviceTree) dt = dt_new(1024, &error_abort);
    Error *err = NULL;
    int off;

    g_assert_true(dt_add_node(dt, "/pcie@10000000", &error_abort));
    g_assert_false(dt_append_iommu_map(dt, "/pcie@10000000", 0, 0x8001, 0,
                                       0, &err));
    assert_error(err, "not within 0..0xffff");
    err = NULL;
    g_assert_false(dt_append_iommu_map(dt, "/pcie@10000000", 0xff00,
                                       0x8001, 0, 0x101, &err));
    assert_error(err, "iommu-map of /pcie@10000000");
    err = NULL;
    g_assert_false(dt_append_msi_map(dt, "/pcie@10000000", 0, 0, 0,
                                     0x10000, &err));
    assert_error(err, "phandle 0");
    err = NULL;
    g_assert_false(dt_append_msi_map(dt, "/nope", 0, 1, 0, 1, &err));
    assert_error(err, "fdt_path_offset(/nope): FDT_ERR_NOTFOUND");

    /* Nothing was written by the refused calls. */
    off = fdt_path_offset(dt->blob, "/pcie@10000000");
    g_assert_null(fdt_getprop(dt->blob, off, "iommu-map", NULL));
    g_assert_null(fdt_getprop(dt->blob, off, "msi-map", NULL));
}

static void test_props(void)
{
    g_autoptr(DeviceTree) dt = dt_new(4096, &error_abort);
    static const char *const compat[] = { "arm,pl011", "arm,primecell",
                                          NULL };
    const uint64_t reg[] = { 0x8000000, 0x10000, 0x80a0000000ULL,
                             0xf60000 };
    const uint32_t want_reg[] = { 0, 0x8000000, 0, 0x10000,
                                  0x80, 0xa0000000, 0, 0xf60000 };
    const uint32_t want_u64[] = { 0x12345678, 0x9abcdef0 };
    const uint32_t want_cells[] = { 1, 13, 4, 1, 14, 4 };
    const char *p;
    int off, len;

    g_assert_true(dt_add_node(dt, "/n", &error_abort));
    g_assert_true(dt_setprop_strings(dt, "/n", "compatible", compat,
                                     &error_abort));
    g_assert_true(dt_setprop_reg(dt, "/n", reg, 2, &error_abort));
    g_assert_true(dt_setprop_u64(dt, "/n", "big", 0x123456789abcdef0ULL,
                                 &error_abort));
    g_assert_true(dt_setprop_cells(dt, "/n", "interrupts",
                                   DT_CELLS(1, 13, 4, 1, 14, 4),
                                   &error_abort));
    g_assert_true(dt_setprop_empty(dt, "/n", "always-on", &error_abort));
    g_assert_true(dt_setprop_string(dt, "/n", "status", "okay",
                                    &error_abort));
    /* Setting again replaces. */
    g_assert_true(dt_setprop_u32(dt, "/n", "x", 1, &error_abort));
    g_assert_true(dt_setprop_u32(dt, "/n", "x", 2, &error_abort));

    off = fdt_path_offset(dt->blob, "/n");
    p = fdt_getprop(dt->blob, off, "compatible", &len);
    g_assert_cmpint(len, ==, sizeof("arm,pl011\0arm,primecell"));
    g_assert_cmpmem(p, len, "arm,pl011\0arm,primecell", len);
    assert_cells(dt->blob, "/n", "reg", want_reg, ARRAY_SIZE(want_reg));
    assert_cells(dt->blob, "/n", "big", want_u64, ARRAY_SIZE(want_u64));
    assert_cells(dt->blob, "/n", "interrupts", want_cells,
                 ARRAY_SIZE(want_cells));
    g_assert_nonnull(fdt_getprop(dt->blob, off, "always-on", &len));
    g_assert_cmpint(len, ==, 0);
    g_assert_cmpstr(fdt_getprop(dt->blob, off, "status", NULL), ==, "okay");
    assert_cells(dt->blob, "/n", "x", (const uint32_t[]){ 2 }, 1);
}

static void test_device_node(void)
{
    g_autoptr(DeviceTree) dt = dt_new(1024, &error_abort);
    static const char *const gic[] = { "arm,gic-v3", NULL };
    static const char *const its[] = { "arm,gic-v3-its", NULL };
    const uint32_t want[] = { 0, 0x8080000, 0, 0x20000 };
    g_autofree char *intc = NULL;
    g_autofree char *child = NULL;

    intc = dt_add_device_node(dt, "/", "intc", 0x8000000, 0x10000, gic,
                              &error_abort);
    g_assert_cmpstr(intc, ==, "/intc@8000000");
    child = dt_add_device_node(dt, intc, "its", 0x8080000, 0x20000, its,
                               &error_abort);
    g_assert_cmpstr(child, ==, "/intc@8000000/its@8080000");
    g_assert_true(dt_node_exists(dt, child));
    assert_cells(dt->blob, child, "reg", want, ARRAY_SIZE(want));
    g_assert_cmpstr(fdt_getprop(dt->blob, fdt_path_offset(dt->blob, child),
                                "compatible", NULL), ==, "arm,gic-v3-its");
}

static void test_node_errors(void)
{
    g_autoptr(DeviceTree) dt = dt_new(1024, &error_abort);
    Error *err = NULL;

    g_assert_true(dt_add_node(dt, "/a", &error_abort));
    g_assert_false(dt_add_node(dt, "/a", &err));
    assert_error(err, "fdt_add_subnode(/a): FDT_ERR_EXISTS");
    err = NULL;
    g_assert_false(dt_add_node(dt, "/b/c", &err));
    assert_error(err, "fdt_path_offset(/b): FDT_ERR_NOTFOUND");
    err = NULL;
    g_assert_false(dt_add_node(dt, "relative", &err));
    assert_error(err, "is not a node path");
    err = NULL;
    g_assert_false(dt_setprop_u32(dt, "/nope", "x", 1, &err));
    assert_error(err, "FDT_ERR_NOTFOUND");
    err = NULL;
    g_assert_cmpint(dt_node_offset(dt, "/nope", &err), ==, -1);
    assert_error(err, "/nope");
    g_assert_false(dt_node_exists(dt, "/nope"));
}

static void test_growth(void)
{
    g_autoptr(DeviceTree) dt = dt_new(256, &error_abort);
    uint8_t val[64];
    int i;

    /* 200 nodes with a 64-byte property: far more than 256 bytes. */
    for (i = 0; i < 200; i++) {
        g_autofree char *path = g_strdup_printf("/node@%x", i);

        memset(val, i, sizeof(val));
        g_assert_true(dt_add_node(dt, path, &error_abort));
        g_assert_true(dt_setprop(dt, path, "data", val, sizeof(val),
                                 &error_abort));
    }
    g_assert_cmpuint(dt->size, >, 200 * sizeof(val));
    g_assert_cmpint(fdt_check_header(dt->blob), ==, 0);
    for (i = 0; i < 200; i++) {
        g_autofree char *path = g_strdup_printf("/node@%x", i);
        int len;
        const uint8_t *p = fdt_getprop(dt->blob,
                                       fdt_path_offset(dt->blob, path),
                                       "data", &len);

        memset(val, i, sizeof(val));
        g_assert_cmpmem(p, len, val, sizeof(val));
    }
}

static void test_size_cap(void)
{
    g_autoptr(DeviceTree) dt = dt_new(4096, &error_abort);
    g_autofree uint8_t *big = g_malloc0(DT_MAX_SIZE);
    Error *err = NULL;

    g_assert_true(dt_setprop_u32(dt, "/", "kept", 7, &error_abort));
    g_assert_false(dt_setprop(dt, "/", "big", big, DT_MAX_SIZE, &err));
    assert_error(err, "fdt_setprop(/, big): FDT_ERR_NOSPACE");
    /* The tree is intact and still usable. */
    g_assert_cmpint(fdt_check_header(dt->blob), ==, 0);
    assert_cells(dt->blob, "/", "kept", (const uint32_t[]){ 7 }, 1);
    g_assert_true(dt_setprop_u32(dt, "/", "after", 8, &error_abort));

    err = NULL;
    g_assert_null(dt_new(DT_MAX_SIZE + 1, &err));
    assert_error(err, "more than the");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt/id-maps", test_id_maps);
    g_test_add_func("/fdt/id-map-errors", test_id_map_errors);
    g_test_add_func("/fdt/props", test_props);
    g_test_add_func("/fdt/device-node", test_device_node);
    g_test_add_func("/fdt/node-errors", test_node_errors);
    g_test_add_func("/fdt/growth", test_growth);
    g_test_add_func("/fdt/size-cap", test_size_cap);
    return g_test_run();
}
