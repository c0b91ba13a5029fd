/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's PCI Express: the gpex host bridge placed at QEMU's
 * addresses (ECAM above RAM when highmem-ecam survives, else the 16-bus
 * window below 1 GiB; the 32-bit and 64-bit MMIO windows identity
 * mapped; I/O port 0 at VIRT_PCIE_PIO; INTA..INTD on SPIs 3..6), and
 * the device tree nodes of its root complexes.
 *
 * Every root complex -- pcie.0 and each pxb-pcie -- decodes config
 * accesses through the one ECAM window and BARs in the same windows; only
 * the description is split.  Linux's generic ECAM driver wants one host
 * bridge node per root complex, each with its own bus-range, the slice
 * of ECAM for those buses as "reg", and windows ("ranges") nobody else
 * claims.  So, in bus number order: pcie.0 keeps buses 0 up to the first
 * pxb's bus_nr - 1, each pxb-pcie gets its bus_nr up to the next one's
 * minus one (the last: up to the last bus ECAM decodes); PCI domains are
 * numbered 0, 1, 2... in that order; each window is cut into equal
 * aligned slices, the last root complex taking what rounding left.
 * Without pxb-pcie devices the single node is the one QEMU 10.0 writes,
 * property for property.  docs/system/pcie.rst documents the scheme.
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"
#include "hw/pci-host/gpex.h"
#include "hw/pci-bridge/pxb.h"
#include "trace/trace-hw_arm.h"

/* First cell of a "ranges" entry (IEEE 1275 PCI binding, phys.hi). */
#define VIRT_PCIE_RANGE_IO 0x01000000
#define VIRT_PCIE_RANGE_MMIO 0x02000000
#define VIRT_PCIE_RANGE_MMIO64 0x03000000
/* Cells: 3 (PCI address) + 2 (CPU address) + 2 (size). */
#define VIRT_PCIE_RANGE_CELLS 7
/* interrupt-map: 3 address cells + pin, GIC phandle, 2 + 3 GIC cells. */
#define VIRT_PCIE_IMAP_CELLS 10

/* Slice alignment: what bridge windows can express, and more for 64-bit. */
#define VIRT_PCIE_MMIO_ALIGN (1 * MiB)
#define VIRT_PCIE_PIO_ALIGN (4 * KiB)
#define VIRT_PCIE_MMIO64_ALIGN (1 * GiB)

/* A piece of a window; the PCI address is the CPU address but for I/O. */
typedef struct VirtPcieWindow {
    hwaddr base;                /* PCI address */
    hwaddr size;                /* 0: none */
} VirtPcieWindow;

/* One root complex as the device tree describes it. */
typedef struct VirtPcieRoot {
    PCIBus *bus;
    PXBDev *pxb;                /* NULL: pcie.0 */
    unsigned first_bus;
    unsigned last_bus;
    /* Requester IDs [first_bus << 8, rid_end) go to this node's maps. */
    unsigned rid_end;
    VirtPcieWindow mmio;
    VirtPcieWindow pio;
    VirtPcieWindow mmio64;
} VirtPcieRoot;

static const MemMapEntry *virt_pcie_ecam(const VirtMachineState *vms)
{
    return &vms->memmap[vms->highmem_ecam ? VIRT_HIGH_PCIE_ECAM
                                          : VIRT_PCIE_ECAM];
}

/* Slice i of n of [base, base + size); the last one takes the rest. */
static void virt_pcie_slice(VirtPcieWindow *w, hwaddr base, hwaddr size,
                            hwaddr align, unsigned n, unsigned i)
{
    hwaddr step = size / n / align * align;

    w->base = base + i * step;
    w->size = i == n - 1 ? size - i * step : step;
}

static int virt_pcie_pxb_cmp(const void *a, const void *b)
{
    const PXBDev *pa = *(PXBDev *const *)a;
    const PXBDev *pb = *(PXBDev *const *)b;

    return (int)pa->bus_nr - (int)pb->bus_nr;
}

/*
 * The root complexes in bus number order (pcie.0 first) with their
 * buses and window slices; *n is their number.  g_free the array.
 */
static VirtPcieRoot *virt_pcie_layout(VirtMachineState *vms, unsigned *n)
{
    const MemMapEntry *mmio = &vms->memmap[VIRT_PCIE_MMIO];
    const MemMapEntry *pio = &vms->memmap[VIRT_PCIE_PIO];
    const MemMapEntry *mmio64 = &vms->memmap[VIRT_HIGH_PCIE_MMIO];
    unsigned nbuses = gpex_ecam_buses(GPEX_HOST(vms->gpex));
    PXBDev *pxbs[PCI_DEVFN_MAX];
    unsigned npxb = 0, i;
    VirtPcieRoot *roots;
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = vms->bus->devices[devfn];

        if (d && object_dynamic_cast(OBJECT(d), TYPE_PXB_PCIE_DEV) &&
            PXB_PCIE_DEV(d)->bus) {
            pxbs[npxb++] = PXB_PCIE_DEV(d);
        }
    }
    qsort(pxbs, npxb, sizeof(pxbs[0]), virt_pcie_pxb_cmp);

    *n = npxb + 1;
    roots = g_new0(VirtPcieRoot, *n);
    for (i = 0; i < *n; i++) {
        VirtPcieRoot *r = &roots[i];

        r->pxb = i ? pxbs[i - 1] : NULL;
        r->bus = r->pxb ? r->pxb->bus : vms->bus;
        r->first_bus = r->pxb ? r->pxb->bus_nr : 0;
        r->last_bus = i < npxb ? pxbs[i]->bus_nr - 1 : nbuses - 1;
        r->rid_end = i < npxb ? pxbs[i]->bus_nr << 8 : 0x10000;
        virt_pcie_slice(&r->mmio, mmio->base, mmio->size,
                        VIRT_PCIE_MMIO_ALIGN, *n, i);
        virt_pcie_slice(&r->pio, 0, pio->size, VIRT_PCIE_PIO_ALIGN, *n, i);
        if (vms->highmem_mmio) {
            virt_pcie_slice(&r->mmio64, mmio64->base, mmio64->size,
                            VIRT_PCIE_MMIO64_ALIGN, *n, i);
        }
    }
    return roots;
}

static char *virt_pcie_node_path(const VirtPcieRoot *r)
{
    /* Named after the 32-bit window, as QEMU names pcie.0's node. */
    return g_strdup_printf("/pcie@%" PRIx64, r->mmio.base);
}

/* root's entry in the current layout, in *out; false + error if none. */
static bool virt_pcie_lookup(VirtMachineState *vms, PCIBus *root,
                             VirtPcieRoot *out, Error **errp)
{
    g_autofree VirtPcieRoot *roots = NULL;
    unsigned n, i;

    if (!vms->bus) {
        error_setg(errp, "the virt machine has no PCIe host bridge");
        return false;
    }
    roots = virt_pcie_layout(vms, &n);
    for (i = 0; i < n; i++) {
        if (roots[i].bus == root) {
            *out = roots[i];
            return true;
        }
    }
    error_setg(errp, "PCI bus '%s' is not a root complex of the virt "
               "machine's host bridge", root ? root->qbus.name : "(none)");
    return false;
}

/* Append one "ranges" entry of type space for window w (if any). */
static size_t virt_pcie_range(uint32_t *cells, uint32_t space,
                              const VirtPcieWindow *w, hwaddr cpu_base)
{
    const uint32_t entry[VIRT_PCIE_RANGE_CELLS] = {
        space, w->base >> 32, (uint32_t)w->base,
        cpu_base >> 32, (uint32_t)cpu_base,
        w->size >> 32, (uint32_t)w->size,
    };

    if (!w->size) {
        return 0;
    }
    memcpy(cells, entry, sizeof(entry));
    return VIRT_PCIE_RANGE_CELLS;
}

/*
 * The SPI that pin (0..3) of the function in slot on root's bus raises:
 * the standard swizzle on pcie.0; through the pxb's routing for a pxb.
 */
static unsigned virt_pcie_intx_spi(const VirtPcieRoot *r, int slot, int pin)
{
    int line = r->pxb ? pxb_pcie_parent_line(r->pxb, PCI_DEVFN(slot, 0), pin)
                      : (pin + slot) % PCI_NUM_PINS;

    return VIRT_SPI_PCIE + line;
}

/*
 * interrupt-map: a function's slot modulo 4 and its pin decide its line
 * (Linux swizzles functions behind bridges itself before looking up).
 */
static bool virt_pcie_fdt_irq_map(VirtMachineState *vms, DeviceTree *dt,
                                  const VirtPcieRoot *r, const char *path,
                                  Error **errp)
{
    uint32_t map[PCI_NUM_PINS * PCI_NUM_PINS * VIRT_PCIE_IMAP_CELLS];
    uint32_t *c = map;
    int slot, pin;

    for (slot = 0; slot < PCI_NUM_PINS; slot++) {
        for (pin = 0; pin < PCI_NUM_PINS; pin++) {
            const uint32_t entry[VIRT_PCIE_IMAP_CELLS] = {
                PCI_DEVFN(slot, 0) << 8, 0, 0, pin + 1,
                vms->gic_phandle, 0, 0,
                GIC_FDT_IRQ_TYPE_SPI, virt_pcie_intx_spi(r, slot, pin),
                GIC_FDT_IRQ_FLAGS_LEVEL_HI,
            };

            memcpy(c, entry, sizeof(entry));
            c += VIRT_PCIE_IMAP_CELLS;
        }
    }
    return dt_setprop_u32(dt, path, "#interrupt-cells", 1, errp) &&
           dt_setprop_cells(dt, path, "interrupt-map", map, ARRAY_SIZE(map),
                            errp) &&
           dt_setprop_cells(dt, path, "interrupt-map-mask", DT_CELLS(
               PCI_DEVFN(PCI_NUM_PINS - 1, 0) << 8, 0, 0, 7), errp);
}

/* One host bridge node, with QEMU's properties in QEMU's order. */
static bool virt_pcie_fdt_root(VirtMachineState *vms, DeviceTree *dt,
                               const VirtPcieRoot *r, unsigned domain,
                               Error **errp)
{
    const MemMapEntry *ecam = virt_pcie_ecam(vms);
    const uint64_t reg[] = {
        ecam->base + ((hwaddr)r->first_bus << GPEX_ECAM_BUS_SHIFT),
        (hwaddr)(r->last_bus - r->first_bus + 1) << GPEX_ECAM_BUS_SHIFT,
    };
    g_autofree char *path = virt_pcie_node_path(r);
    uint32_t ranges[3 * VIRT_PCIE_RANGE_CELLS];
    size_t nranges = 0;
    uint32_t rid = r->first_bus << 8;

    nranges += virt_pcie_range(ranges + nranges, VIRT_PCIE_RANGE_IO,
                               &r->pio, vms->memmap[VIRT_PCIE_PIO].base +
                                        r->pio.base);
    nranges += virt_pcie_range(ranges + nranges, VIRT_PCIE_RANGE_MMIO,
                               &r->mmio, r->mmio.base);
    nranges += virt_pcie_range(ranges + nranges, VIRT_PCIE_RANGE_MMIO64,
                               &r->mmio64, r->mmio64.base);

    return dt_add_node(dt, path, errp) &&
           dt_setprop_string(dt, path, "compatible", "pci-host-ecam-generic",
                             errp) &&
           dt_setprop_string(dt, path, "device_type", "pci", errp) &&
           dt_setprop_u32(dt, path, "#address-cells", 3, errp) &&
           dt_setprop_u32(dt, path, "#size-cells", 2, errp) &&
           dt_setprop_u32(dt, path, "linux,pci-domain", domain, errp) &&
           dt_setprop_cells(dt, path, "bus-range",
                            DT_CELLS(r->first_bus, r->last_bus), errp) &&
           dt_setprop_empty(dt, path, "dma-coherent", errp) &&
           dt_append_msi_map(dt, path, rid, virt_fdt_msi_phandle(vms), rid,
                             r->rid_end - rid, errp) &&
           dt_setprop_reg(dt, path, reg, 1, errp) &&
           dt_setprop_cells(dt, path, "ranges", ranges, nranges, errp) &&
           virt_pcie_fdt_irq_map(vms, dt, r, path, errp);
}

static bool virt_pcie_fdt(VirtMachineState *vms, DeviceTree *dt,
                          void *opaque, Error **errp)
{
    unsigned n, i;
    g_autofree VirtPcieRoot *roots = virt_pcie_layout(vms, &n);

    for (i = 0; i < n; i++) {
        if (!virt_pcie_fdt_root(vms, dt, &roots[i], i, errp)) {
            return false;
        }
    }
    return true;
}

bool virt_pcie_root_info(VirtMachineState *vms, PCIBus *root,
                         char **node_path, unsigned *first_bus,
                         unsigned *nr_buses, Error **errp)
{
    VirtPcieRoot r;

    if (!virt_pcie_lookup(vms, root, &r, errp)) {
        return false;
    }
    *node_path = virt_pcie_node_path(&r);
    *first_bus = r.first_bus;
    *nr_buses = r.last_bus - r.first_bus + 1;
    return true;
}

bool virt_pcie_add_iommu_map(VirtMachineState *vms, DeviceTree *dt,
                             PCIBus *root, uint32_t iommu_phandle,
                             Error **errp)
{
    g_autofree char *path = NULL;
    VirtPcieRoot r;
    uint32_t rid;

    if (!virt_pcie_lookup(vms, root, &r, errp)) {
        return false;
    }
    path = virt_pcie_node_path(&r);
    rid = r.first_bus << 8;
    return dt_append_iommu_map(dt, path, rid, iommu_phandle, rid,
                               r.rid_end - rid, errp);
}

bool virt_pcie_init(VirtMachineState *vms, Error **errp)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(vms->gpex);
    GPEXHost *s = GPEX_HOST(vms->gpex);
    const MemMapEntry *ecam = virt_pcie_ecam(vms);
    const MemMapEntry *mmio = &vms->memmap[VIRT_PCIE_MMIO];
    const MemMapEntry *pio = &vms->memmap[VIRT_PCIE_PIO];
    const MemMapEntry *mmio64 = &vms->memmap[VIRT_HIGH_PCIE_MMIO];
    int i;

    if (!object_property_set_uint(OBJECT(s), "x-ecam-size", ecam->size,
                                  errp) ||
        !sysbus_realize(sbd, errp)) {
        return false;
    }
    trace_virt_map_device(TYPE_GPEX_HOST, 0, "pcie-ecam", ecam->base,
                          ecam->size);
    sysbus_mmio_map(sbd, 0, ecam->base);
    trace_virt_map_device(TYPE_GPEX_HOST, 2, "pcie-pio", pio->base,
                          pio->size);
    sysbus_mmio_map(sbd, 2, pio->base);
    if (!gpex_map_mmio_window(s, "pcie-mmio", mmio->base, mmio->size,
                              errp) ||
        (vms->highmem_mmio &&
         !gpex_map_mmio_window(s, "pcie-mmio-high", mmio64->base,
                               mmio64->size, errp))) {
        return false;
    }
    for (i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_connect_irq(sbd, i, virt_get_spi(vms, VIRT_SPI_PCIE + i));
    }
    vms->bus = s->bus;
    virt_fdt_add_hook(vms, VIRT_FDT_STAGE_NODES, virt_pcie_fdt, NULL);
    return true;
}
