/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "x-pci-test-iommu": a test-only IOMMU for one PCI root complex, to
 * check which IOMMU a function's DMA goes through without a real one.
 *
 *   -device pxb-pcie,bus_nr=0x80,id=pcie.1
 *   -device x-pci-test-iommu,primary-bus=pcie.1,offset=0x100000
 *
 * It installs PCIIOMMUOps on the named root bus (pcie.0 or a pxb-pcie's
 * bus; devices created before it keep system memory until rebound, which
 * the core does at once).  Each requester (bus, devfn) gets an address
 * space rooted at an IOMMU region that maps every IOVA to IOVA + offset
 * in system memory, read/write, page by page, and remembers who asked:
 * the QOM properties x-last-sid (bus number << 8 | devfn of the last
 * translation's requester, -1 before any) and x-translations count
 * them.  On the virt machine it also describes itself in the device
 * tree: a node with "#iommu-cells" 1 and an "iommu-map" in the root
 * complex's host bridge node.  Unrealize undoes everything.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/arm/virt.h"
#include "trace/trace-hw_pci_host.h"

#define TYPE_PCI_TEST_IOMMU "x-pci-test-iommu"
#define PCI_TEST_IOMMU(obj) \
    OBJECT_CHECK(PCITestIOMMU, (obj), TYPE_PCI_TEST_IOMMU)

#define PCI_TEST_IOMMU_PAGE 0x1000ULL

typedef struct PCITestIOMMU PCITestIOMMU;

struct PCITestIOMMU {
    DeviceState parent_obj;

    /* Properties */
    char *primary_bus;          /* "primary-bus": a root bus's name */
    uint64_t offset;            /* "offset": added to every IOVA */

    PCIBus *bus;                /* referenced from realize to unrealize */
    GPtrArray *spaces;          /* PCIIOMMUSpace * */
    int64_t last_sid;
    uint64_t translations;
    VirtMachineState *vms;      /* device tree hooks registered there */
    uint32_t phandle;
};

static MemTxResult pci_test_iommu_translate(IOMMUMemoryRegion *iommu,
                                            hwaddr addr,
                                            IOMMUAccessFlags flag,
                                            MemTxAttrs attrs,
                                            IOMMUTLBEntry *entry)
{
    PCIIOMMUSpace *sp = container_of(iommu, PCIIOMMUSpace, iommu);
    PCITestIOMMU *s = sp->opaque;
    hwaddr page = addr & ~(PCI_TEST_IOMMU_PAGE - 1);

    /* As an SMMU does: the StreamID is the requester's bus/devfn now. */
    s->last_sid = pci_bus_num(sp->bus) << 8 | sp->devfn;
    s->translations++;
    *entry = (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = page,
        .translated_addr = page + s->offset,
        .addr_mask = PCI_TEST_IOMMU_PAGE - 1,
        .perm = IOMMU_RW,
    };
    trace_pci_test_iommu_translate(s->last_sid, addr, addr + s->offset,
                                   flag);
    return MEMTX_OK;
}

static const IOMMUMemoryRegionOps pci_test_iommu_mr_ops = {
    .translate = pci_test_iommu_translate,
};

static AddressSpace *pci_test_iommu_get_as(PCIBus *bus, void *opaque,
                                           int devfn)
{
    PCITestIOMMU *s = opaque;

    return &pci_iommu_space_get(s->spaces, bus, devfn, OBJECT(s),
                                &pci_test_iommu_mr_ops, s,
                                TYPE_PCI_TEST_IOMMU)->as;
}

static const PCIIOMMUOps pci_test_iommu_ops = {
    .get_address_space = pci_test_iommu_get_as,
};

static char *pci_test_iommu_node_path(PCITestIOMMU *s)
{
    return g_strdup_printf("/%s-%s", TYPE_PCI_TEST_IOMMU, s->bus->qbus.name);
}

static bool pci_test_iommu_fdt_node(VirtMachineState *vms, DeviceTree *dt,
                                    void *opaque, Error **errp)
{
    PCITestIOMMU *s = opaque;
    g_autofree char *path = pci_test_iommu_node_path(s);

    return dt_add_node(dt, path, errp) &&
           dt_setprop_string(dt, path, "compatible", TYPE_PCI_TEST_IOMMU,
                             errp) &&
           dt_setprop_u32(dt, path, "#iommu-cells", 1, errp) &&
           dt_setprop_u32(dt, path, "phandle", s->phandle, errp);
}

static bool pci_test_iommu_fdt_link(VirtMachineState *vms, DeviceTree *dt,
                                    void *opaque, Error **errp)
{
    PCITestIOMMU *s = opaque;

    return virt_pcie_add_iommu_map(vms, dt, s->bus, s->phandle, errp);
}

static bool pci_test_iommu_realize(DeviceState *dev, Error **errp)
{
    PCITestIOMMU *s = PCI_TEST_IOMMU(dev);
    PCIBus *bus;

    if (!s->primary_bus) {
        error_setg(errp, "primary-bus is required: name the root bus "
                   "whose functions the IOMMU translates");
        return false;
    }
    if (s->offset & (PCI_TEST_IOMMU_PAGE - 1)) {
        error_setg(errp, "offset 0x%" PRIx64 " is not a multiple of "
                   "4 KiB", s->offset);
        return false;
    }
    bus = pci_root_bus_by_name(s->primary_bus, errp);
    if (!bus) {
        return false;
    }
    if (bus->iommu_ops) {
        error_setg(errp, "Bus '%s' already has an IOMMU", s->primary_bus);
        return false;
    }

    object_ref(OBJECT(bus));
    s->bus = bus;
    s->spaces = pci_iommu_spaces_new();
    s->last_sid = -1;
    s->translations = 0;
    pci_setup_iommu(bus, &pci_test_iommu_ops, s);

    s->vms = virt_machine_get();
    if (s->vms) {
        s->phandle = virt_fdt_alloc_phandle(s->vms);
        virt_fdt_add_hook(s->vms, VIRT_FDT_STAGE_NODES,
                          pci_test_iommu_fdt_node, s);
        virt_fdt_add_hook(s->vms, VIRT_FDT_STAGE_LINKS,
                          pci_test_iommu_fdt_link, s);
    }
    trace_pci_test_iommu_realize(bus->qbus.name, s->offset);
    return true;
}

static void pci_test_iommu_unrealize(DeviceState *dev)
{
    PCITestIOMMU *s = PCI_TEST_IOMMU(dev);

    trace_pci_test_iommu_unrealize(s->bus->qbus.name);
    if (s->vms) {
        virt_fdt_remove_hook(s->vms, pci_test_iommu_fdt_link, s);
        virt_fdt_remove_hook(s->vms, pci_test_iommu_fdt_node, s);
        s->vms = NULL;
    }
    /* Functions go back to system memory before their spaces go. */
    pci_clear_iommu(s->bus);
    g_clear_pointer(&s->spaces, g_ptr_array_unref);
    object_unref(OBJECT(s->bus));
    s->bus = NULL;
}

static JsonNode *pci_test_iommu_get_last_sid(Object *obj,
                                             ObjectProperty *prop,
                                             Error **errp)
{
    return json_node_init_int(json_node_alloc(),
                              PCI_TEST_IOMMU(obj)->last_sid);
}

static JsonNode *pci_test_iommu_get_translations(Object *obj,
                                                 ObjectProperty *prop,
                                                 Error **errp)
{
    return json_node_init_int(json_node_alloc(),
                              PCI_TEST_IOMMU(obj)->translations);
}

static void pci_test_iommu_instance_init(Object *obj)
{
    PCI_TEST_IOMMU(obj)->last_sid = -1;
}

static const Property pci_test_iommu_props[] = {
    DEFINE_PROP_STRING("primary-bus", PCITestIOMMU, primary_bus, NULL,
                       "Root bus whose functions the IOMMU translates"),
    DEFINE_PROP_UINT64("offset", PCITestIOMMU, offset, 0,
                       "Added to every IOVA (a multiple of 4 KiB)"),
    { NULL }
};

static void pci_test_iommu_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Test IOMMU for a PCI root complex (IOVA + offset)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->realize = pci_test_iommu_realize;
    dc->unrealize = pci_test_iommu_unrealize;
    object_class_add_props(oc, pci_test_iommu_props);
    object_class_property_add(oc, "x-last-sid", "int",
                              pci_test_iommu_get_last_sid, NULL, NULL, NULL);
    object_class_property_add(oc, "x-translations", "uint64",
                              pci_test_iommu_get_translations, NULL, NULL,
                              NULL);
}

static const TypeInfo pci_test_iommu_types[] = {
    {
        .name = TYPE_PCI_TEST_IOMMU,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCITestIOMMU),
        .instance_init = pci_test_iommu_instance_init,
        .class_init = pci_test_iommu_class_init,
    },
};

DEFINE_TYPES(pci_test_iommu_types)
