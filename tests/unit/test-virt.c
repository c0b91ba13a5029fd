/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the virt machine's memory map and device tree builder,
 * on a machine object that has no board built: where the high regions
 * land for several RAM sizes and address sizes, the RAM limits and their
 * messages, and the device tree hooks (stages, removal, failures that
 * keep the previous tree).  The board itself is tested by
 * tests/functional/test_virt.py.
 */
#include "qemu/osdep.h"

#include <libfdt.h>

#include "hw/arm/virt.h"

static VirtMachineState *new_virt(uint64_t ram_size)
{
    VirtMachineState *vms = VIRT_MACHINE(object_new(TYPE_VIRT_MACHINE));

    MACHINE(vms)->ram_size = ram_size;
    return vms;
}

static void assert_region(VirtMachineState *vms, VirtMemMapId id,
                          hwaddr base, hwaddr size)
{
    g_assert_cmphex(vms->memmap[id].base, ==, base);
    g_assert_cmphex(vms->memmap[id].size, ==, size);
}

/* Which high regions survived virt_memmap_init. */
static void assert_high_enabled(VirtMachineState *vms, bool redists,
                                bool ecam, bool mmio)
{
    g_assert_cmpint(vms->highmem_redists, ==, redists);
    g_assert_cmpint(vms->highmem_ecam, ==, ecam);
    g_assert_cmpint(vms->highmem_mmio, ==, mmio);
}

static void test_memmap_low(void)
{
    VirtMachineState *vms = new_virt(1 * GiB);

    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    assert_region(vms, VIRT_FLASH, 0, 0x08000000);
    assert_region(vms, VIRT_GIC_DIST, 0x08000000, 0x10000);
    assert_region(vms, VIRT_GIC_ITS, 0x08080000, 0x20000);
    assert_region(vms, VIRT_GIC_REDIST, 0x080a0000, 0xf60000);
    assert_region(vms, VIRT_UART, 0x09000000, 0x1000);
    assert_region(vms, VIRT_RTC, 0x09010000, 0x1000);
    assert_region(vms, VIRT_SMMU, 0x09050000, 0x20000);
    assert_region(vms, VIRT_PVTIME, 0x090a0000, 0x10000);
    assert_region(vms, VIRT_MMIO, 0x0a000000, 0x200);
    assert_region(vms, VIRT_PLATFORM_BUS, 0x0c000000, 0x02000000);
    assert_region(vms, VIRT_PCIE_MMIO, 0x10000000, 0x2eff0000);
    assert_region(vms, VIRT_PCIE_PIO, 0x3eff0000, 0x10000);
    assert_region(vms, VIRT_PCIE_ECAM, 0x3f000000, 0x01000000);
    assert_region(vms, VIRT_MEM, 0x40000000, 1 * GiB);
    g_assert_cmpuint(vms->pa_bits, ==, 40);
    g_assert_cmpstr(virt_memmap_name(VIRT_GIC_REDIST), ==, "gic-redist");
    object_unref(OBJECT(vms));
}

static void test_memmap_high(void)
{
    VirtMachineState *vms = new_virt(1 * GiB);

    /* Less than 255 GiB of RAM: the high regions start at 256 GiB. */
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    assert_region(vms, VIRT_HIGH_GIC_REDIST2, 0x4000000000ULL, 64 * MiB);
    assert_region(vms, VIRT_HIGH_PCIE_ECAM, 0x4010000000ULL, 256 * MiB);
    assert_region(vms, VIRT_HIGH_PCIE_MMIO, 0x8000000000ULL, 512 * GiB);
    assert_high_enabled(vms, true, true, true);
    g_assert_cmphex(vms->highest_gpa, ==, 0xffffffffffULL);
    object_unref(OBJECT(vms));

    /* 300 GiB: they float above RAM, each aligned to its size. */
    vms = new_virt(300 * GiB);
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    assert_region(vms, VIRT_HIGH_GIC_REDIST2, 301 * GiB, 64 * MiB);
    assert_region(vms, VIRT_HIGH_PCIE_ECAM, 301 * GiB + 256 * MiB,
                  256 * MiB);
    assert_region(vms, VIRT_HIGH_PCIE_MMIO, 512 * GiB, 512 * GiB);
    g_assert_true(vms->highmem_mmio);
    object_unref(OBJECT(vms));

    /* 600 GiB: the 512 GiB window would end past 2^40 and goes away. */
    vms = new_virt(600 * GiB);
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    assert_high_enabled(vms, true, true, false);
    g_assert_cmphex(vms->highest_gpa, ==, 601 * GiB + 512 * MiB - 1);
    object_unref(OBJECT(vms));

    /* A disabled region takes no space (compact layout). */
    vms = new_virt(1 * GiB);
    vms->highmem_redists = false;
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    assert_region(vms, VIRT_HIGH_PCIE_ECAM, 0x4000000000ULL, 256 * MiB);
    g_assert_false(vms->highmem_redists);
    object_unref(OBJECT(vms));
}

static void test_memmap_highmem_off(void)
{
    VirtMachineState *vms = new_virt(3 * GiB);
    Error *err = NULL;

    vms->highmem = false;
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    g_assert_cmpuint(vms->pa_bits, ==, 32);
    assert_high_enabled(vms, false, false, false);
    g_assert_cmphex(vms->highest_gpa, ==, 0xffffffffULL);
    object_unref(OBJECT(vms));

    vms = new_virt(4 * GiB);
    vms->highmem = false;
    g_assert_false(virt_memmap_init(vms, 40, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Addressing limited to 32 "
                    "bits, but memory exceeds it by 1073741824 bytes");
    g_assert_nonnull(strstr(error_get_hint(err), "at most 3 GiB"));
    error_free(err);
    object_unref(OBJECT(vms));
}

static void test_memmap_too_big(void)
{
    VirtMachineState *vms = new_virt(1023 * GiB);
    Error *err = NULL;

    /* RAM up to the top of 40 bits fits, one more GiB does not. */
    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    g_assert_false(vms->highmem_redists);
    object_unref(OBJECT(vms));

    vms = new_virt(1024 * GiB);
    g_assert_false(virt_memmap_init(vms, 40, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Addressing limited to 40 "
                    "bits, but memory exceeds it by 1073741824 bytes");
    g_assert_nonnull(strstr(error_get_hint(err), "at most 1023 GiB"));
    error_free(err);
    err = NULL;
    object_unref(OBJECT(vms));

    vms = new_virt(1100 * GiB);
    g_assert_false(virt_memmap_init(vms, 40, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Addressing limited to 40 "
                    "bits, but memory exceeds it by 82678120448 bytes");
    error_free(err);
    err = NULL;
    object_unref(OBJECT(vms));

    vms = new_virt(UINT64_MAX);
    g_assert_false(virt_memmap_init(vms, 48, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Addressing limited to 48 "
                    "bits, but memory exceeds it");
    error_free(err);
    object_unref(OBJECT(vms));
}

/* ---- device tree ---- */

typedef struct HookLog {
    GString *order;
    uint32_t iommu_phandle;
} HookLog;

static bool hook_node(VirtMachineState *vms, DeviceTree *dt, void *opaque,
                      Error **errp)
{
    HookLog *log = opaque;
    static const char *const compat[] = { "pci-host-ecam-generic", NULL };
    g_autofree char *path = dt_add_device_node(dt, "/", "pcie", 0x10000000,
                                               0x2eff0000, compat, errp);

    g_string_append(log->order, "N");
    return path != NULL;
}

static bool hook_link(VirtMachineState *vms, DeviceTree *dt, void *opaque,
                      Error **errp)
{
    HookLog *log = opaque;

    g_string_append(log->order, "L");
    return dt_append_iommu_map(dt, "/pcie@10000000", 0, log->iommu_phandle,
                               0, 0x10000, errp) &&
           dt_append_msi_map(dt, "/pcie@10000000", 0,
                             virt_fdt_msi_phandle(vms), 0, 0x10000, errp);
}

static bool hook_fail(VirtMachineState *vms, DeviceTree *dt, void *opaque,
                      Error **errp)
{
    error_setg(errp, "hook refused");
    return false;
}

static const void *prop(VirtMachineState *vms, const char *path,
                        const char *name, int *len)
{
    int off = fdt_path_offset(vms->fdt, path);

    if (off < 0) {
        return NULL;
    }
    return fdt_getprop(vms->fdt, off, name, len);
}

static uint32_t prop_cell(VirtMachineState *vms, const char *path,
                          const char *name, int i)
{
    int len;
    const fdt32_t *p = prop(vms, path, name, &len);

    g_assert_nonnull(p);
    g_assert_cmpint(len, >=, (i + 1) * 4);
    return fdt32_to_cpu(p[i]);
}

/* A machine object with a memory map and board phandles, no devices. */
static VirtMachineState *new_fdt_virt(void)
{
    VirtMachineState *vms = new_virt(1 * GiB);

    g_assert_true(virt_memmap_init(vms, 40, &error_abort));
    virt_fdt_alloc_board_phandles(vms);
    return vms;
}

static void test_fdt_board(void)
{
    VirtMachineState *vms = new_fdt_virt();
    const uint32_t uart_irq[] = { GIC_FDT_IRQ_TYPE_SPI, 1, 4 };
    int len, i;

    g_assert_cmphex(vms->clock_phandle, ==, 0x8000);
    g_assert_cmphex(virt_fdt_gic_phandle(vms), ==, 0x8002);
    g_assert_true(virt_fdt_build(vms, &error_abort));
    g_assert_cmpint(fdt_check_header(vms->fdt), ==, 0);
    g_assert_cmpuint(vms->fdt_size, ==, fdt_totalsize(vms->fdt));

    g_assert_cmpstr(prop(vms, "/", "compatible", NULL), ==,
                    "linux,dummy-virt");
    g_assert_cmphex(prop_cell(vms, "/", "interrupt-parent", 0), ==, 0x8002);
    g_assert_cmpstr(prop(vms, "/chosen", "stdout-path", NULL), ==,
                    "/pl011@9000000");
    g_assert_cmphex(prop_cell(vms, "/memory@40000000", "reg", 1), ==,
                    0x40000000);
    g_assert_cmphex(prop_cell(vms, "/memory@40000000", "reg", 3), ==,
                    0x40000000);
    g_assert_cmphex(prop_cell(vms, "/intc@8000000", "phandle", 0), ==,
                    0x8002);
    g_assert_nonnull(prop(vms, "/intc@8000000/its@8080000",
                          "msi-controller", NULL));
    g_assert_cmphex(prop_cell(vms, "/intc@8000000/its@8080000", "phandle",
                              0), ==, 0x8003);
    for (i = 0; i < 3; i++) {
        g_assert_cmphex(prop_cell(vms, "/pl011@9000000", "interrupts", i),
                        ==, uart_irq[i]);
    }
    g_assert_cmphex(prop_cell(vms, "/pl031@9010000", "clocks", 0), ==,
                    0x8000);
    g_assert_cmphex(prop_cell(vms, "/cpus/cpu@0", "phandle", 0), ==,
                    0x8001);
    g_assert_cmphex(prop_cell(vms, "/cpus/cpu-map/socket0/cluster0/core0",
                              "cpu", 0), ==, 0x8001);
    /* One CPU: no enable method, as QEMU. */
    g_assert_null(prop(vms, "/cpus/cpu@0", "enable-method", &len));
    g_assert_cmphex(prop_cell(vms, "/psci", "cpu_on", 0), ==, 0xc4000003);
    object_unref(OBJECT(vms));
}

static void test_fdt_hooks(void)
{
    VirtMachineState *vms = new_fdt_virt();
    HookLog log = { .order = g_string_new(NULL) };
    int len;

    log.iommu_phandle = virt_fdt_alloc_phandle(vms);
    g_assert_cmphex(log.iommu_phandle, ==, 0x8004);

    /* The link hook comes first but runs after the node hook. */
    virt_fdt_add_hook(vms, VIRT_FDT_STAGE_LINKS, hook_link, &log);
    virt_fdt_add_hook(vms, VIRT_FDT_STAGE_NODES, hook_node, &log);
    g_assert_true(virt_fdt_build(vms, &error_abort));
    g_assert_cmpstr(log.order->str, ==, "NL");
    g_assert_cmphex(prop_cell(vms, "/pcie@10000000", "iommu-map", 1), ==,
                    0x8004);
    g_assert_cmphex(prop_cell(vms, "/pcie@10000000", "iommu-map", 3), ==,
                    0x10000);
    g_assert_cmphex(prop_cell(vms, "/pcie@10000000", "msi-map", 1), ==,
                    0x8003);

    /* Unplug: the link hook goes; a rebuild has the node without maps. */
    g_assert_true(virt_fdt_remove_hook(vms, hook_link, &log));
    g_assert_false(virt_fdt_remove_hook(vms, hook_link, &log));
    g_string_truncate(log.order, 0);
    g_assert_true(virt_fdt_build(vms, &error_abort));
    g_assert_cmpstr(log.order->str, ==, "N");
    g_assert_nonnull(prop(vms, "/pcie@10000000", "compatible", &len));
    g_assert_null(prop(vms, "/pcie@10000000", "iommu-map", &len));

    virt_fdt_clear_hooks(vms);
    g_assert_null(vms->fdt_hooks);
    g_string_free(log.order, true);
    object_unref(OBJECT(vms));
}

static void test_fdt_hook_failure(void)
{
    VirtMachineState *vms = new_fdt_virt();
    HookLog log = { .order = g_string_new(NULL) };
    Error *err = NULL;
    void *old_fdt;
    size_t old_size;

    g_assert_true(virt_fdt_build(vms, &error_abort));
    old_fdt = vms->fdt;
    old_size = vms->fdt_size;

    /* A failing hook fails the build and keeps the previous tree. */
    virt_fdt_add_hook(vms, VIRT_FDT_STAGE_NODES, hook_fail, NULL);
    g_assert_false(virt_fdt_build(vms, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "hook refused");
    error_free(err);
    g_assert_true(vms->fdt == old_fdt);
    g_assert_cmpuint(vms->fdt_size, ==, old_size);

    /* A link to a node nobody made is an error, not a crash. */
    err = NULL;
    g_assert_true(virt_fdt_remove_hook(vms, hook_fail, NULL));
    log.iommu_phandle = virt_fdt_alloc_phandle(vms);
    virt_fdt_add_hook(vms, VIRT_FDT_STAGE_LINKS, hook_link, &log);
    g_assert_false(virt_fdt_build(vms, &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "fdt_path_offset(/pcie@10000000)"));
    error_free(err);
    g_assert_true(vms->fdt == old_fdt);

    g_string_free(log.order, true);
    object_unref(OBJECT(vms));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virt/memmap/low", test_memmap_low);
    g_test_add_func("/virt/memmap/high", test_memmap_high);
    g_test_add_func("/virt/memmap/highmem-off", test_memmap_highmem_off);
    g_test_add_func("/virt/memmap/too-big", test_memmap_too_big);
    g_test_add_func("/virt/fdt/board", test_fdt_board);
    g_test_add_func("/virt/fdt/hooks", test_fdt_hooks);
    g_test_add_func("/virt/fdt/hook-failure", test_fdt_hook_failure);
    return g_test_run();
}
