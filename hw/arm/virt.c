/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "virt" machine: QEMU's generic Arm board, with the same option
 * names, addresses and interrupt numbers so that users' command lines,
 * firmware and guests run unchanged.  This file holds the machine type,
 * the validation of its options, and the board itself: guest RAM at
 * 1 GiB, the GICv3 with its ITS, the pl011 UART, the pl031 RTC, the
 * PCIe host bridge and (iommu=smmuv3) the SMMUv3 in front of it, at
 * stable QOM paths under /machine.  The memory map
 * is in virt-memmap.c, the device tree in virt-fdt.c, and the PCIe
 * windows and root complex nodes in virt-pcie.c.
 *
 * init builds the board and fails with an Error, leaving teardown to
 * release whatever was built; done (after -device) builds the device
 * tree and writes it for dumpdtb=FILE; teardown undoes init in reverse.
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"
#include "hw/arm/smmuv3.h"
#include "hw/sysbus.h"
#include "hw/char/pl011.h"
#include "hw/intc/arm_gicv3.h"
#include "hw/pci-host/gpex.h"
#include "hw/rtc/pl031.h"
#include "chardev/char.h"
#include "system/system.h"
#include "trace/trace-hw_arm.h"

/* QEMU's message names the machine "mach-virt". */
#define VIRT_QEMU_NAME "mach-virt"

static const char *const virt_iommu_names[] = { "none", "smmuv3" };
static const QEnumLookup virt_iommu_lookup = {
    .array = virt_iommu_names,
    .size = VIRT_IOMMU__MAX,
};

static const Property virt_props[] = {
    DEFINE_PROP_STRING("gic-version", VirtMachineState, gic_version, "3",
                       "GIC version: 3, host or max (only GICv3 is "
                       "modelled)"),
    DEFINE_PROP_ENUM("iommu", VirtMachineState, iommu, VIRT_IOMMU_NONE,
                     &virt_iommu_lookup, "IOMMU on the main PCIe root "
                     "complex"),
    DEFINE_PROP_BOOL("highmem", VirtMachineState, highmem, true,
                     "Use addresses above 4 GiB for RAM and the high PCIe "
                     "windows"),
    DEFINE_PROP_BOOL("highmem-redists", VirtMachineState, highmem_redists,
                     true, "Place a second GICv3 redistributor region "
                     "above RAM"),
    DEFINE_PROP_BOOL("highmem-ecam", VirtMachineState, highmem_ecam, true,
                     "Place the PCIe ECAM (256 buses) above RAM"),
    DEFINE_PROP_BOOL("highmem-mmio", VirtMachineState, highmem_mmio, true,
                     "Place a 512 GiB 64-bit PCIe MMIO window above RAM"),
    DEFINE_PROP_ON_OFF_AUTO("acpi", VirtMachineState, acpi,
                            ON_OFF_AUTO_AUTO, "ACPI tables (this machine "
                            "describes itself with a device tree; auto means "
                            "off)"),
    { NULL }
};

VirtMachineState *virt_machine_get(void)
{
    MachineState *ms = qdev_get_machine();

    if (!ms || !object_dynamic_cast(OBJECT(ms), TYPE_VIRT_MACHINE)) {
        return NULL;
    }
    return VIRT_MACHINE(ms);
}

qemu_irq virt_get_spi(VirtMachineState *vms, unsigned spi)
{
    if (!vms->gic || spi >= VIRT_NUM_SPIS) {
        return NULL;
    }
    return qdev_get_gpio_in(vms->gic, spi);
}

qemu_irq virt_get_ppi(VirtMachineState *vms, unsigned cpu, unsigned ppi)
{
    /*
     * After the SPIs, the GIC has GICV3_INTERNAL lines per CPU (INTIDs
     * 0..31); PPIs are the upper 16 of them.
     */
    if (!vms->gic || cpu >= MACHINE(vms)->smp_cpus || ppi >= 16) {
        return NULL;
    }
    return qdev_get_gpio_in(vms->gic, VIRT_NUM_SPIS + cpu * GICV3_INTERNAL +
                                      16 + ppi);
}

static bool virt_check_options(VirtMachineState *vms, Error **errp)
{
    const char *gic = vms->gic_version;

    if (strcmp(gic, "3") && strcmp(gic, "host") && strcmp(gic, "max")) {
        error_setg(errp, "gic-version=%s is not supported: this machine "
                   "models a GICv3 only (use gic-version=3)", gic);
        return false;
    }
    if (vms->acpi == ON_OFF_AUTO_ON) {
        error_setg(errp, "acpi=on is not supported: the virt machine "
                   "describes itself with a device tree (use acpi=off)");
        return false;
    }
    return true;
}

static bool virt_check_cpus(VirtMachineState *vms, Error **errp)
{
    MachineState *ms = MACHINE(vms);
    unsigned max_cpus;

    /*
     * Every CPU needs a redistributor in the low region.  QEMU places
     * the ones that do not fit in a second region above RAM; the GIC
     * model here has a single redistributor region.
     */
    max_cpus = vms->memmap[VIRT_GIC_REDIST].size / GICV3_REDIST_SIZE;
    if (ms->smp_cpus > max_cpus) {
        error_setg(errp, "Number of SMP CPUs requested (%u) exceeds max CPUs "
                   "supported by machine '%s' (%u)", ms->smp_cpus,
                   VIRT_QEMU_NAME, max_cpus);
        error_append_hint(errp, "Only the low GICv3 redistributor region is "
                          "modelled: use -smp %u or fewer.\n", max_cpus);
        return false;
    }
    return true;
}

/* A device of type at /machine/NAME, not realized yet. */
static DeviceState *virt_new_device(VirtMachineState *vms, const char *type,
                                    const char *name, Error **errp)
{
    DeviceState *dev;

    if (!object_class_by_name(type)) {
        error_setg(errp, "%s: device model '%s' is not available in this "
                   "build", name, type);
        return NULL;
    }
    dev = qdev_new(type);
    if (!object_property_add_child(OBJECT(vms), name, OBJECT(dev), errp)) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    /* The machine's child property holds the device from here on. */
    object_unref(OBJECT(dev));
    return dev;
}

/* Map MMIO region n of dev at the base of the memory map's region id. */
static bool virt_map(VirtMachineState *vms, DeviceState *dev, int n,
                     VirtMemMapId id, Error **errp)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    MemoryRegion *mr = sysbus_mmio_get_region(sbd, n);
    const MemMapEntry *e = &vms->memmap[id];

    if (!mr) {
        error_setg(errp, "%s: no MMIO region %d",
                   object_get_typename(OBJECT(dev)), n);
        return false;
    }
    if (memory_region_size(mr) > e->size) {
        error_setg(errp, "%s: MMIO region %d (0x%" PRIx64 " bytes) does not "
                   "fit in the %s window (0x%" PRIx64 " bytes)",
                   object_get_typename(OBJECT(dev)), n,
                   memory_region_size(mr), virt_memmap_name(id), e->size);
        return false;
    }
    trace_virt_map_device(object_get_typename(OBJECT(dev)), n,
                          virt_memmap_name(id), e->base,
                          memory_region_size(mr));
    sysbus_mmio_map(sbd, n, e->base);
    return true;
}

static bool virt_create_ram(VirtMachineState *vms, Error **errp)
{
    MachineState *ms = MACHINE(vms);
    const MemMapEntry *e = &vms->memmap[VIRT_MEM];

    if (!ms->ram_size) {
        error_setg(errp, "%s: the machine needs some RAM (-m)",
                   VIRT_QEMU_NAME);
        return false;
    }
    if (!memory_region_init_ram(&vms->ram, OBJECT(vms), "mach-virt.ram",
                                ms->ram_size, errp)) {
        return false;
    }
    memory_region_add_subregion(get_system_memory(), e->base, &vms->ram);
    vms->ram_mapped = true;
    trace_virt_ram(e->base, ms->ram_size);
    return true;
}

static bool virt_create_gic(VirtMachineState *vms, Error **errp)
{
    MachineState *ms = MACHINE(vms);
    DeviceState *dev = virt_new_device(vms, TYPE_ARM_GICV3, "gic", errp);

    if (!dev) {
        return false;
    }
    vms->gic = dev;
    return object_property_set_uint(OBJECT(dev), "num-irq",
                                    VIRT_GIC_NUM_IRQ, errp) &&
           object_property_set_uint(OBJECT(dev), "num-cpu", ms->smp_cpus,
                                    errp) &&
           object_property_set_uint(OBJECT(dev), "revision", 3, errp) &&
           /* LPIs, for the ITS created next (as QEMU does). */
           object_property_set_bool(OBJECT(dev), "has-lpi", true, errp) &&
           sysbus_realize(SYS_BUS_DEVICE(dev), errp) &&
           virt_map(vms, dev, 0, VIRT_GIC_DIST, errp) &&
           virt_map(vms, dev, 1, VIRT_GIC_REDIST, errp);
}

static bool virt_create_its(VirtMachineState *vms, Error **errp)
{
    DeviceState *dev = virt_new_device(vms, TYPE_ARM_GICV3_ITS, "its", errp);

    if (!dev) {
        return false;
    }
    vms->its = dev;
    return object_property_set_link(OBJECT(dev), "parent-gicv3",
                                    OBJECT(vms->gic), errp) &&
           sysbus_realize(SYS_BUS_DEVICE(dev), errp) &&
           virt_map(vms, dev, 0, VIRT_GIC_ITS, errp);
}

/* Realize a one-region, one-interrupt device: MMIO at id, IRQ to spi. */
static bool virt_realize_spi_device(VirtMachineState *vms, DeviceState *dev,
                                    VirtMemMapId id, unsigned spi,
                                    Error **errp)
{
    if (!sysbus_realize(SYS_BUS_DEVICE(dev), errp) ||
        !virt_map(vms, dev, 0, id, errp)) {
        return false;
    }
    sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, virt_get_spi(vms, spi));
    return true;
}

static bool virt_create_uart(VirtMachineState *vms, Error **errp)
{
    DeviceState *dev = virt_new_device(vms, TYPE_PL011, "uart0", errp);
    Chardev *chr = serial_hd(0);

    if (!dev) {
        return false;
    }
    vms->uart = dev;
    if (chr && !object_property_set_str(OBJECT(dev), "chardev",
                                        qemu_chr_get_id(chr), errp)) {
        return false;
    }
    return virt_realize_spi_device(vms, dev, VIRT_UART, VIRT_SPI_UART, errp);
}

static bool virt_create_rtc(VirtMachineState *vms, Error **errp)
{
    DeviceState *dev = virt_new_device(vms, TYPE_PL031, "rtc", errp);

    if (!dev) {
        return false;
    }
    vms->rtc = dev;
    return virt_realize_spi_device(vms, dev, VIRT_RTC, VIRT_SPI_RTC, errp);
}

static bool virt_create_pcie(VirtMachineState *vms, Error **errp)
{
    DeviceState *dev = virt_new_device(vms, TYPE_GPEX_HOST, "gpex", errp);

    if (!dev) {
        return false;
    }
    vms->gpex = dev;
    return virt_pcie_init(vms, errp);
}

/*
 * iommu=smmuv3: an arm-smmuv3 in front of pcie.0, created after the host
 * bridge (its root bus must exist), at VIRT_SMMU with SPIs 74..77 -- the
 * device places itself once it knows it belongs to the board.
 */
static bool virt_create_smmu(VirtMachineState *vms, Error **errp)
{
    DeviceState *dev;

    if (vms->iommu != VIRT_IOMMU_SMMUV3) {
        return true;
    }
    dev = virt_new_device(vms, TYPE_ARM_SMMUV3, "smmuv3", errp);
    if (!dev) {
        return false;
    }
    vms->smmu = dev;
    ARM_SMMUV3(dev)->board_owned = true;
    return object_property_set_str(OBJECT(dev), "primary-bus",
                                   vms->bus->qbus.name, errp) &&
           sysbus_realize(SYS_BUS_DEVICE(dev), errp);
}

/*
 * Drop a board device (absent: nothing to do).  Unparenting unrealizes
 * it, and a sysbus device's unrealize unmaps its MMIO regions.
 */
static void virt_destroy_device(DeviceState **pdev)
{
    if (*pdev) {
        object_unparent(OBJECT(*pdev));
        *pdev = NULL;
    }
}

static void virt_teardown(MachineState *ms)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    trace_virt_teardown();
    g_clear_pointer(&vms->fdt, g_free);
    vms->fdt_size = 0;
    virt_fdt_clear_hooks(vms);
    virt_platform_clear(vms);
    /* Interrupt sources before the GIC whose lines they hold. */
    virt_destroy_device(&vms->smmu);
    vms->bus = NULL;
    virt_destroy_device(&vms->gpex);
    virt_destroy_device(&vms->rtc);
    virt_destroy_device(&vms->uart);
    virt_destroy_device(&vms->its);
    virt_destroy_device(&vms->gic);
    if (vms->ram_mapped) {
        memory_region_del_subregion(get_system_memory(), &vms->ram);
        memory_region_destroy(&vms->ram);
        vms->ram_mapped = false;
    }
}

static bool virt_init(MachineState *ms, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    if (!virt_check_options(vms, errp) ||
        !virt_memmap_init(vms, vms->pa_bits ? vms->pa_bits
                                            : VIRT_PA_BITS_DEFAULT, errp) ||
        !virt_check_cpus(vms, errp)) {
        return false;
    }
    virt_fdt_alloc_board_phandles(vms);
    if (!virt_create_ram(vms, errp) ||
        !virt_create_gic(vms, errp) ||
        !virt_create_its(vms, errp) ||
        !virt_create_uart(vms, errp) ||
        !virt_create_rtc(vms, errp) ||
        !virt_create_pcie(vms, errp) ||
        !virt_create_smmu(vms, errp)) {
        virt_teardown(ms);
        return false;
    }
    return true;
}

static bool virt_done(MachineState *ms, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);
    g_autoptr(GError) gerr = NULL;

    if (!virt_fdt_build(vms, errp)) {
        return false;
    }
    if (ms->dumpdtb) {
        if (!g_file_set_contents(ms->dumpdtb, vms->fdt, vms->fdt_size,
                                 &gerr)) {
            error_setg(errp, "Error saving FDT to file %s: %s", ms->dumpdtb,
                       gerr->message);
            return false;
        }
        trace_virt_dumpdtb(ms->dumpdtb, vms->fdt_size);
    }
    return true;
}

static void virt_instance_init(Object *obj)
{
    VirtMachineState *vms = VIRT_MACHINE(obj);

    vms->next_phandle = VIRT_PHANDLE_FIRST;
}

static void virt_instance_finalize(Object *obj)
{
    VirtMachineState *vms = VIRT_MACHINE(obj);

    /* Normally done by teardown; objects made without a board, too. */
    g_clear_pointer(&vms->fdt, g_free);
    virt_fdt_clear_hooks(vms);
    virt_platform_clear(vms);
}

static void virt_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Arm Virtual Machine (QEMU virt compatible)";
    mc->init = virt_init;
    mc->done = virt_done;
    mc->teardown = virt_teardown;
    mc->writes_dtb = true;
    mc->max_cpus = 512;
    mc->default_ram_size = 128 * MiB;
    object_class_add_props(oc, virt_props);
}

static const TypeInfo virt_types[] = {
    {
        .name = TYPE_VIRT_MACHINE,
        .parent = TYPE_MACHINE,
        .instance_size = sizeof(VirtMachineState),
        .instance_init = virt_instance_init,
        .instance_finalize = virt_instance_finalize,
        .class_init = virt_class_init,
    },
};

DEFINE_TYPES(virt_types)
