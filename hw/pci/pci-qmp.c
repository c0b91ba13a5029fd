/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP query-pci in QEMU's format (qapi/pci.json): one PciInfo per root
 * bus (gpex's pcie.0, each pxb-pcie's bus), newest root first as QEMU
 * lists its host bridges, each with its functions in devfn order; a
 * bridge carries its bus numbers, its I/O, memory and prefetchable
 * windows as decoded from its registers, and the functions on its
 * secondary bus once the guest has numbered it.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bridge.h"
#include "monitor/qmp-dispatch.h"

/* Class codes QEMU names (pci_class_descriptions in QEMU's pci.c). */
static const struct {
    uint16_t class_id;
    const char *desc;
} pci_class_desc[] = {
    { 0x0001, "VGA controller" },
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0102, "Floppy controller" },
    { 0x0103, "IPI controller" },
    { 0x0104, "RAID controller" },
    { 0x0106, "SATA controller" },
    { 0x0107, "SAS controller" },
    { 0x0180, "Storage controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0201, "Token Ring controller" },
    { 0x0202, "FDDI controller" },
    { 0x0203, "ATM controller" },
    { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" },
    { 0x0301, "XGA controller" },
    { 0x0302, "3D controller" },
    { 0x0380, "Display controller" },
    { 0x0400, "Video controller" },
    { 0x0401, "Audio controller" },
    { 0x0402, "Phone" },
    { 0x0403, "Audio controller" },
    { 0x0480, "Multimedia controller" },
    { 0x0500, "RAM controller" },
    { 0x0501, "Flash controller" },
    { 0x0580, "Memory controller" },
    { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" },
    { 0x0602, "EISA bridge" },
    { 0x0603, "MC bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0605, "PCMCIA bridge" },
    { 0x0606, "NUBUS bridge" },
    { 0x0607, "CARDBUS bridge" },
    { 0x0608, "RACEWAY bridge" },
    { 0x0680, "Bridge" },
    { 0x0700, "Serial port" },
    { 0x0701, "Parallel port" },
    { 0x0800, "Interrupt controller" },
    { 0x0801, "DMA controller" },
    { 0x0802, "Timer" },
    { 0x0803, "RTC" },
    { 0x0900, "Keyboard" },
    { 0x0901, "Pen" },
    { 0x0902, "Mouse" },
    { 0x0A00, "Dock station" },
    { 0x0B00, "i386 cpu" },
    { 0x0c00, "Firewire controller" },
    { 0x0c01, "Access bus controller" },
    { 0x0c02, "SSA controller" },
    { 0x0c03, "USB controller" },
    { 0x0c04, "Fibre channel controller" },
    { 0x0c05, "SMBus" },
};

static JsonArray *query_pci_devices(PCIBus *bus, int bus_num);

static JsonObject *range_new(uint64_t base, uint64_t limit)
{
    JsonObject *o = json_object_new();

    json_object_set_int_member(o, "base", base);
    json_object_set_int_member(o, "limit", limit);
    return o;
}

/* A window of a type 1 header, as its base and limit registers say. */
static JsonObject *bridge_range(PCIDevice *dev, uint8_t type)
{
    return range_new(pci_bridge_get_base(dev, type),
                     pci_bridge_get_limit(dev, type));
}

static JsonObject *bridge_bus_info(PCIDevice *dev)
{
    const uint8_t *c = dev->config;
    JsonObject *o = json_object_new();

    json_object_set_int_member(o, "number", c[PCI_PRIMARY_BUS]);
    json_object_set_int_member(o, "secondary", c[PCI_SECONDARY_BUS]);
    json_object_set_int_member(o, "subordinate", c[PCI_SUBORDINATE_BUS]);
    json_object_set_object_member(o, "io_range",
        bridge_range(dev, PCI_BASE_ADDRESS_SPACE_IO));
    json_object_set_object_member(o, "memory_range",
        bridge_range(dev, PCI_BASE_ADDRESS_SPACE_MEMORY));
    json_object_set_object_member(o, "prefetchable_range",
        bridge_range(dev, PCI_BASE_ADDRESS_SPACE_MEMORY |
                          PCI_BASE_ADDRESS_MEM_PREFETCH));
    return o;
}

/* Is bus dev's secondary bus or a bus behind it? */
static bool pci_bus_is_behind(PCIBus *bus, PCIDevice *dev)
{
    for (; bus && bus->parent_dev; bus = pci_get_bus(bus->parent_dev)) {
        if (bus->parent_dev == dev) {
            return true;
        }
    }
    return false;
}

static JsonObject *query_pci_bridge(PCIDevice *dev, PCIBus *bus)
{
    JsonObject *o = json_object_new();
    int secondary = dev->config[PCI_SECONDARY_BUS];

    json_object_set_object_member(o, "bus", bridge_bus_info(dev));
    /*
     * A bus the guest has not numbered yet is not listed, as in QEMU;
     * nor is a bus that is not behind the bridge: a secondary bus number
     * equal to the bridge's own bus number names the bridge's bus, and
     * listing it again would recurse without end (QEMU overflows its
     * stack there).
     */
    if (secondary) {
        PCIBus *child = pci_find_bus_nr(bus, secondary);

        if (child && pci_bus_is_behind(child, dev)) {
            json_object_set_array_member(o, "devices",
                                         query_pci_devices(child, secondary));
        }
    }
    return o;
}

static JsonArray *query_pci_regions(PCIDevice *dev)
{
    JsonArray *arr = json_array_new();
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *r = &dev->io_regions[i];
        JsonObject *o;

        if (!r->size) {
            continue;
        }
        o = json_object_new();
        json_object_set_int_member(o, "bar", i);
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            json_object_set_string_member(o, "type", "io");
        } else {
            json_object_set_string_member(o, "type", "memory");
        }
        /* Unmapped is all ones, which QAPI's int prints as -1. */
        json_object_set_int_member(o, "address", (gint64)r->addr);
        json_object_set_int_member(o, "size", r->size);
        if (!(r->type & PCI_BASE_ADDRESS_SPACE_IO)) {
            json_object_set_boolean_member(o, "prefetch",
                r->type & PCI_BASE_ADDRESS_MEM_PREFETCH);
            json_object_set_boolean_member(o, "mem_type_64",
                r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
        }
        json_array_add_object_element(arr, o);
    }
    return arr;
}

static JsonObject *query_pci_device(PCIDevice *dev, PCIBus *bus,
                                    int bus_num)
{
    const uint8_t *c = dev->config;
    JsonObject *o = json_object_new();
    JsonObject *cls = json_object_new();
    JsonObject *id = json_object_new();
    uint16_t class_id = pci_get_word(c + PCI_CLASS_DEVICE);
    uint8_t type = c[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK;
    size_t i;

    json_object_set_int_member(o, "bus", bus_num);
    json_object_set_int_member(o, "slot", PCI_SLOT(dev->devfn));
    json_object_set_int_member(o, "function", PCI_FUNC(dev->devfn));

    for (i = 0; i < ARRAY_SIZE(pci_class_desc); i++) {
        if (pci_class_desc[i].class_id == class_id) {
            json_object_set_string_member(cls, "desc",
                                          pci_class_desc[i].desc);
            break;
        }
    }
    json_object_set_int_member(cls, "class", class_id);
    json_object_set_object_member(o, "class_info", cls);

    json_object_set_int_member(id, "device", pci_get_word(c + PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor", pci_get_word(c + PCI_VENDOR_ID));
    if (type == PCI_HEADER_TYPE_NORMAL) {
        json_object_set_int_member(id, "subsystem",
                                   pci_get_word(c + PCI_SUBSYSTEM_ID));
        json_object_set_int_member(id, "subsystem-vendor",
                                   pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID));
    } else if (type == PCI_HEADER_TYPE_CARDBUS) {
        json_object_set_int_member(id, "subsystem",
                                   pci_get_word(c + PCI_CB_SUBSYSTEM_ID));
        json_object_set_int_member(id, "subsystem-vendor",
            pci_get_word(c + PCI_CB_SUBSYSTEM_VENDOR_ID));
    }
    json_object_set_object_member(o, "id", id);

    if (c[PCI_INTERRUPT_PIN]) {
        json_object_set_int_member(o, "irq", c[PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(o, "irq_pin", c[PCI_INTERRUPT_PIN]);
    json_object_set_string_member(o, "qdev_id",
                                  dev->qdev.id ? dev->qdev.id : "");
    if (type == PCI_HEADER_TYPE_BRIDGE) {
        json_object_set_object_member(o, "pci_bridge",
                                      query_pci_bridge(dev, bus));
    }
    json_object_set_array_member(o, "regions", query_pci_regions(dev));
    return o;
}

static JsonArray *query_pci_devices(PCIBus *bus, int bus_num)
{
    JsonArray *arr = json_array_new();
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            json_array_add_object_element(arr,
                query_pci_device(bus->devices[devfn], bus, bus_num));
        }
    }
    return arr;
}

static void query_pci_root(PCIBus *root, void *opaque)
{
    JsonArray *list = opaque;
    JsonObject *o = json_object_new();
    int bus_num = pci_bus_num(root);

    json_object_set_int_member(o, "bus", bus_num);
    json_object_set_array_member(o, "devices",
                                 query_pci_devices(root, bus_num));
    json_array_add_object_element(list, o);
}

static JsonNode *qmp_query_pci(JsonObject *args, Error **errp)
{
    JsonArray *list = json_array_new();
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    pci_for_each_root_bus(query_pci_root, list);
    json_node_take_array(node, list);
    return node;
}

static const QmpCommand pci_qmp_cmds[] = {
    { "query-pci", qmp_query_pci },
};

static void pci_qmp_register(void)
{
    qmp_register_commands(pci_qmp_cmds, ARRAY_SIZE(pci_qmp_cmds));
}

module_init(pci_qmp_register)
