/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI functions: the abstract "pci-device" type and what every function
 * has -- its configuration space with the per-bit write and
 * write-1-to-clear masks, the standard header, BARs and their mapping
 * into the windows of the bus, capability lists, INTx, reset, and
 * bus-master DMA through the address space the IOMMU ops give the
 * function.  Realize places the function in a devfn slot of its bus
 * (the "addr" property, SLOT[.FN] in hex, or the first free slot) with
 * QEMU's rules and messages for busy slots and multifunction devices.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "qemu/log.h"
#include "pci-internal.h"
#include "trace/trace-hw_pci.h"

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static uint32_t all_ones(unsigned len)
{
    return len >= 4 ? 0xffffffffu : (1u << (len * 8)) - 1;
}

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    if (dev->bus) {
        return dev->bus;
    }
    return dev->qdev.parent_bus ? PCI_BUS(dev->qdev.parent_bus) : NULL;
}

uint16_t pci_requester_id(PCIDevice *dev)
{
    /* Computed now: the number of a bus behind a bridge can change. */
    return pci_bus_num(pci_get_bus(dev)) << 8 | dev->devfn;
}

int pci_bar(PCIDevice *dev, int region_num)
{
    if (region_num != PCI_ROM_SLOT) {
        return PCI_BASE_ADDRESS_0 + region_num * 4;
    }
    return (dev->config[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) ==
           PCI_HEADER_TYPE_BRIDGE ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
}

/*
 * Is bus the link below a PCI Express root or downstream port, where
 * only device 0 exists (PCIe Base 4.0, 7.3.1)?  The internal bus of a
 * switch (below its upstream port) carries several devices.
 */
static bool pci_bus_is_port_link(PCIBus *bus)
{
    PCIDevice *port = bus->parent_dev;

    if (!pci_bus_is_express(bus) || pci_bus_is_root(bus)) {
        return false;
    }
    return !(port->exp.exp_cap &&
             pcie_cap_get_type(port) == PCI_EXP_TYPE_UPSTREAM);
}

PCIDevice *pci_get_function_0(PCIDevice *dev)
{
    PCIBus *bus = pci_get_bus(dev);

    if (pci_bus_is_port_link(bus)) {
        return bus->devices[0];
    }
    return bus->devices[PCI_DEVFN(PCI_SLOT(dev->devfn), 0)];
}

/* ---- the "addr" property: SLOT[.FN] in hex, or a devfn number ---- */

static bool pci_devfn_parse(const char *str, int32_t *out)
{
    unsigned long slot, fn = 0;
    char *end;

    if (!g_ascii_isxdigit(*str)) {
        return false;
    }
    slot = strtoul(str, &end, 16);
    if (*end == '.') {
        const char *f = end + 1;

        if (!g_ascii_isxdigit(*f)) {
            return false;
        }
        fn = strtoul(f, &end, 16);
    }
    if (*end || slot >= PCI_SLOT_MAX || fn >= PCI_FUNC_MAX) {
        return false;
    }
    *out = PCI_DEVFN(slot, fn);
    return true;
}

static JsonNode *pci_devfn_get(Object *obj, ObjectProperty *op,
                               Error **errp)
{
    const Property *prop = op->sprop;

    return json_node_init_int(json_node_alloc(),
                              *(int32_t *)((char *)obj + prop->offset));
}

static bool pci_devfn_set(Object *obj, ObjectProperty *op, JsonNode *value,
                          bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    int32_t *p = (int32_t *)((char *)obj + prop->offset);
    ObjectClass *oc = object_get_class(obj);
    GType t = JSON_NODE_HOLDS_VALUE(value) ?
              json_node_get_value_type(value) : G_TYPE_INVALID;

    if (oc->check_property_set &&
        !oc->check_property_set(obj, prop->name, errp)) {
        return false;
    }
    /* A string is SLOT[.FN] in hex (from QMP too); a number is a devfn. */
    if (t == G_TYPE_STRING) {
        const char *s = json_node_get_string(value);
        int32_t devfn;

        if (!pci_devfn_parse(s, &devfn)) {
            error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                       object_get_typename(obj), prop->name, s);
            return false;
        }
        *p = devfn;
        return true;
    }
    if (t == G_TYPE_INT64) {
        int64_t v = json_node_get_int(value);

        if (v < -1 || v >= PCI_DEVFN_MAX) {
            error_setg(errp, "Parameter '%s' expects a value between -1 "
                       "and 255", prop->name);
            return false;
        }
        *p = v;
        return true;
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: integer",
               prop->name);
    return false;
}

static void pci_devfn_set_default(Object *obj, const Property *prop)
{
    *(int32_t *)((char *)obj + prop->offset) = prop->defval.i;
}

static char *pci_devfn_print_default(const Property *prop)
{
    return g_strdup_printf("%" PRId64, prop->defval.i);
}

static const PropertyInfo pci_devfn_info = {
    .type = "int32",
    .get = pci_devfn_get,
    .set = pci_devfn_set,
    .set_default = pci_devfn_set_default,
    .print_default = pci_devfn_print_default,
};

static const Property pci_props[] = {
    { .name = "addr", .info = &pci_devfn_info,
      .offset = offsetof(PCIDevice, devfn), .defval.i = -1,
      .description = "Slot and optional function number, example: 06.0 "
                     "or 06" },
    DEFINE_PROP_BOOL("multifunction", PCIDevice, multifunction, false,
                     "on/off"),
    { .name = NULL },
};

/* ---- config space: allocation, header, masks ---- */

static void pci_config_alloc(PCIDevice *dev, uint32_t size)
{
    dev->config_size = size;
    dev->config = g_malloc0(size);
    dev->wmask = g_malloc0(size);
    dev->w1cmask = g_malloc0(size);
    dev->used = g_malloc0(size);
}

static void pci_config_free(PCIDevice *dev)
{
    g_clear_pointer(&dev->config, g_free);
    g_clear_pointer(&dev->wmask, g_free);
    g_clear_pointer(&dev->w1cmask, g_free);
    g_clear_pointer(&dev->used, g_free);
    dev->config_size = 0;
}

/*
 * The header fields every function has, and the masks QEMU gives them:
 * command (I/O, memory, master, SERR#, INTx disable) and the two
 * scratch bytes are writable, the error bits of the status register
 * write-1-to-clear, and everything above the header is writable until a
 * capability claims it.  BARs get their masks in pci_register_bar; a
 * type 1 header's bridge registers get theirs from pci_bridge.c.
 */
static void pci_config_init(PCIDevice *dev, PCIDeviceClass *pc)
{
    uint8_t *c = dev->config;

    pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
    c[PCI_REVISION_ID] = pc->revision;
    pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
    c[PCI_HEADER_TYPE] = pc->is_bridge ? PCI_HEADER_TYPE_BRIDGE
                                       : PCI_HEADER_TYPE_NORMAL;
    if (dev->multifunction) {
        c[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    if (!pc->is_bridge) {
        /* Subsystem IDs exist in a type 0 header only. */
        if (pc->subsystem_vendor_id || pc->subsystem_id) {
            pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID,
                         pc->subsystem_vendor_id);
            pci_set_word(c + PCI_SUBSYSTEM_ID, pc->subsystem_id);
        } else {
            pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID,
                         PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
            pci_set_word(c + PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_ID_QEMU);
        }
    }

    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    memset(dev->wmask + PCI_STD_HEADER_SIZEOF, 0xff,
           dev->config_size - PCI_STD_HEADER_SIZEOF);
    pci_set_word(dev->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
}

/* ---- BARs ---- */

void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *memory)
{
    PCIBus *bus = pci_get_bus(dev);
    PCIIORegion *r;
    pcibus_t size = memory_region_size(memory);
    bool io = type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is64 = !io && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    uint64_t wmask = ~(size - 1);
    int off;

    g_assert(region_num >= 0 && region_num < PCI_NUM_REGIONS);
    g_assert(is_pow2(size));
    g_assert(dev->config);
    /* A type 1 header has BARs 0 and 1 only; a 64-bit BAR takes two. */
    g_assert(region_num == PCI_ROM_SLOT || !is64 || region_num < 5);
    g_assert((dev->config[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) !=
             PCI_HEADER_TYPE_BRIDGE || region_num < 2 ||
             region_num == PCI_ROM_SLOT);

    r = &dev->io_regions[region_num];
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = memory;
    r->address_space = io ? bus->address_space_io : bus->address_space_mem;

    /* The type bits (and the ROM's reserved bits) are read-only. */
    if (region_num == PCI_ROM_SLOT) {
        wmask = (wmask & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE;
    } else if (io) {
        wmask &= PCI_BASE_ADDRESS_IO_MASK;
    } else {
        wmask &= PCI_BASE_ADDRESS_MEM_MASK;
    }
    off = pci_bar(dev, region_num);
    if (is64) {
        pci_set_quad(dev->config + off, type);
        pci_set_quad(dev->wmask + off, wmask);
    } else {
        pci_set_long(dev->config + off, type);
        pci_set_long(dev->wmask + off, wmask);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num)
{
    return dev->io_regions[region_num].addr;
}

/*
 * Where BAR n decodes now: PCI_BAR_UNMAPPED unless the command register
 * enables its space, (for the ROM) its enable bit is set, and the range
 * neither wraps nor, for a 32-bit BAR, reaches 4 GiB -- which also keeps
 * the all-ones pattern of BAR sizing from being mapped.
 */
static pcibus_t pci_bar_address(PCIDevice *dev, int n)
{
    PCIIORegion *r = &dev->io_regions[n];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    int off = pci_bar(dev, n);
    pcibus_t addr, last;

    if (!dev->has_power) {
        return PCI_BAR_UNMAPPED;
    }
    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(dev->config + off) & PCI_BASE_ADDRESS_IO_MASK &
               ~(r->size - 1);
        last = addr + r->size - 1;
        return last >= UINT32_MAX ? PCI_BAR_UNMAPPED : addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = pci_get_quad(dev->config + off);
    } else {
        addr = pci_get_long(dev->config + off);
    }
    if (n == PCI_ROM_SLOT) {
        if (!(addr & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr &= PCI_ROM_ADDRESS_MASK;
    } else {
        addr &= ~(pcibus_t)0xf;
    }
    addr &= ~(r->size - 1);
    last = addr + r->size - 1;
    if (last < addr || last == PCI_BAR_UNMAPPED) {
        return PCI_BAR_UNMAPPED;
    }
    if (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *dev)
{
    unsigned bus = pci_bus_num(pci_get_bus(dev));
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        addr = r->address_space ? pci_bar_address(dev, i) : PCI_BAR_UNMAPPED;
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            trace_pci_update_mappings_del(dev->name, bus, PCI_SLOT(dev->devfn),
                                          PCI_FUNC(dev->devfn), i, r->addr,
                                          r->size);
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            trace_pci_update_mappings_add(dev->name, bus, PCI_SLOT(dev->devfn),
                                          PCI_FUNC(dev->devfn), i, addr,
                                          r->size);
            /* Above the bus's own windows (a bridge's), as QEMU. */
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_regions(PCIDevice *dev)
{
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
}

/* ---- capabilities ---- */

/* First dword-aligned run of size free bytes above the header, or 0. */
static uint8_t pci_find_space(PCIDevice *dev, uint8_t size)
{
    unsigned off, i;

    for (off = PCI_STD_HEADER_SIZEOF; off + size <= PCI_CONFIG_SPACE_SIZE;
         off += 4) {
        for (i = 0; i < size && !dev->used[off + i]; i++) {
            continue;
        }
        if (i == size) {
            return off;
        }
    }
    return 0;
}

/*
 * Walk the list for cap_id; *prev gets the offset of the pointer to it.
 * The walk is bounded: a config space holds at most 48 capabilities.
 */
static uint8_t pci_find_capability_list(PCIDevice *dev, uint8_t cap_id,
                                        uint8_t *prev)
{
    uint8_t p = PCI_CAPABILITY_LIST, next;
    int n;

    if (!(dev->config[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    for (n = 0; n < 48 && (next = dev->config[p]); n++) {
        if (dev->config[next + PCI_CAP_LIST_ID] == cap_id) {
            if (prev) {
                *prev = p;
            }
            return next;
        }
        p = next + PCI_CAP_LIST_NEXT;
    }
    return 0;
}

/* The capability whose bytes include offset (0 if none). */
static uint8_t pci_find_capability_at(PCIDevice *dev, unsigned offset)
{
    uint8_t p = PCI_CAPABILITY_LIST, next, found = 0;
    int n;

    for (n = 0; n < 48 && (next = dev->config[p]); n++) {
        if (next <= offset && next > found) {
            found = next;
        }
        p = next + PCI_CAP_LIST_NEXT;
    }
    return found;
}

int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp)
{
    unsigned i, claim;

    if (!offset) {
        offset = pci_find_space(dev, size);
        if (!offset) {
            error_setg(errp, "%s: no room for PCI capability %x (%u bytes) "
                       "in config space", dev->name, cap_id, size);
            return -1;
        }
    } else if (offset < PCI_STD_HEADER_SIZEOF ||
               offset + size > PCI_CONFIG_SPACE_SIZE) {
        error_setg(errp, "%s: PCI capability %x at offset %x (%u bytes) "
                   "does not fit in config space", dev->name, cap_id,
                   offset, size);
        return -1;
    } else {
        for (i = offset; i < offset + size; i++) {
            uint8_t other;
            g_autofree char *root = NULL;

            if (!dev->used[i]) {
                continue;
            }
            other = pci_find_capability_at(dev, i);
            root = pci_root_bus_path(pci_get_bus(dev));
            error_setg(errp, "%s:%02x:%02x.%x Attempt to add PCI capability "
                       "%x at offset %x overlaps existing capability %x at "
                       "offset %x", root, pci_bus_num(pci_get_bus(dev)),
                       PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), cap_id,
                       offset, dev->config[other], other);
            return -1;
        }
    }

    dev->config[offset + PCI_CAP_LIST_ID] = cap_id;
    dev->config[offset + PCI_CAP_LIST_NEXT] =
        dev->config[PCI_CAPABILITY_LIST];
    dev->config[PCI_CAPABILITY_LIST] = offset;
    dev->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    /* Claim whole dwords; the capability is read-only until its owner
     * opens the bits the guest may change. */
    claim = MIN((size + 3u) & ~3u, PCI_CONFIG_SPACE_SIZE - offset);
    memset(dev->used + offset, 0xff, claim);
    memset(dev->wmask + offset, 0, size);
    memset(dev->w1cmask + offset, 0, size);
    return offset;
}

void pci_del_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size)
{
    uint8_t prev = 0, offset = pci_find_capability_list(dev, cap_id, &prev);
    unsigned claim;

    if (!offset) {
        return;
    }
    dev->config[prev] = dev->config[offset + PCI_CAP_LIST_NEXT];
    memset(dev->wmask + offset, 0xff, size);
    memset(dev->w1cmask + offset, 0, size);
    claim = MIN((size + 3u) & ~3u, PCI_CONFIG_SPACE_SIZE - offset);
    memset(dev->used + offset, 0, claim);
    if (!dev->config[PCI_CAPABILITY_LIST]) {
        dev->config[PCI_STATUS] &= ~PCI_STATUS_CAP_LIST;
    }
}

uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id)
{
    return pci_find_capability_list(dev, cap_id, NULL);
}

/* ---- INTx ---- */

static bool pci_intx_disabled(PCIDevice *dev)
{
    return pci_get_word(dev->config + PCI_COMMAND) &
           PCI_COMMAND_INTX_DISABLE;
}

static void pci_irq_handler(PCIDevice *dev, int pin, int level)
{
    int change = level - ((dev->irq_state >> pin) & 1);

    if (!change) {
        return;
    }
    dev->irq_state ^= 1 << pin;
    /* Interrupt Status follows the pins whatever INTx disable says. */
    if (dev->irq_state) {
        dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        dev->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
    trace_pci_set_irq(dev->name, pin, level, pci_intx_disabled(dev));
    if (!pci_intx_disabled(dev)) {
        pci_bus_change_irq_level(dev, pin, change);
    }
}

void pci_set_irq(PCIDevice *dev, int level)
{
    int pin = dev->config[PCI_INTERRUPT_PIN] - 1;

    if (pin < 0 || pin >= PCI_NUM_PINS) {
        return;                 /* the function has no INTx pin */
    }
    pci_irq_handler(dev, pin, level != 0);
}

void pci_device_deassert_intx(PCIDevice *dev)
{
    int pin;

    for (pin = 0; pin < PCI_NUM_PINS; pin++) {
        pci_irq_handler(dev, pin, 0);
    }
}

/* INTx disable changed: withdraw or re-assert the asserted pins. */
static void pci_update_irq_disabled(PCIDevice *dev, bool was_disabled)
{
    bool disabled = pci_intx_disabled(dev);
    int pin;

    if (disabled == was_disabled) {
        return;
    }
    for (pin = 0; pin < PCI_NUM_PINS; pin++) {
        if (dev->irq_state & (1 << pin)) {
            pci_bus_change_irq_level(dev, pin, disabled ? -1 : 1);
        }
    }
}

/* Bus-master DMA flows while the master bit is set and there is power. */
static void pci_update_bus_master(PCIDevice *dev)
{
    memory_region_set_enabled(&dev->bus_master_enable_region,
                              dev->has_power &&
                              (pci_get_word(dev->config + PCI_COMMAND) &
                               PCI_COMMAND_MASTER));
}

/* ---- config accesses ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len)
{
    uint32_t val = 0;
    int i;

    if (len < 1 || len > 4 || addr + len > dev->config_size) {
        return all_ones(len);
    }
    for (i = 0; i < len; i++) {
        val |= (uint32_t)dev->config[addr + i] << (8 * i);
    }
    return val;
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len)
{
    uint16_t old_cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint32_t v = val;
    int i;

    if (len < 1 || len > 4 || addr + len > dev->config_size) {
        return;
    }
    for (i = 0; i < len; i++, v >>= 8) {
        uint8_t wm = dev->wmask[addr + i];
        uint8_t w1c = dev->w1cmask[addr + i];
        uint8_t b = v;

        dev->config[addr + i] = (dev->config[addr + i] & ~wm) | (b & wm);
        dev->config[addr + i] &= ~(b & w1c);
    }

    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, len, pci_bar(dev, PCI_ROM_SLOT), 4)) {
        pci_update_mappings(dev);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);

        pci_update_irq_disabled(dev, old_cmd & PCI_COMMAND_INTX_DISABLE);
        if ((cmd ^ old_cmd) & PCI_COMMAND_MASTER) {
            trace_pci_bus_master(dev->name, cmd & PCI_COMMAND_MASTER);
        }
        pci_update_bus_master(dev);
    }
    msi_write_config(dev, addr, val, len);
    msix_write_config(dev, addr, val, len);
}

/* ---- reset ---- */

void pci_device_reset(PCIDevice *dev)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    uint8_t *c = dev->config;
    int i;

    if (!c) {
        return;                 /* not realized */
    }
    trace_pci_device_reset(dev->name);
    pci_device_deassert_intx(dev);

    /* Writable and write-1-to-clear bits of command and status go to 0. */
    pci_set_word(c + PCI_COMMAND, pci_get_word(c + PCI_COMMAND) &
                 ~(pci_get_word(dev->wmask + PCI_COMMAND) |
                   pci_get_word(dev->w1cmask + PCI_COMMAND)));
    pci_set_word(c + PCI_STATUS, pci_get_word(c + PCI_STATUS) &
                 ~(pci_get_word(dev->wmask + PCI_STATUS) |
                   pci_get_word(dev->w1cmask + PCI_STATUS)));
    c[PCI_CACHE_LINE_SIZE] = 0;
    c[PCI_INTERRUPT_LINE] &= ~dev->wmask[PCI_INTERRUPT_LINE];
    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];

        if (!r->size) {
            continue;
        }
        if (!(r->type & PCI_BASE_ADDRESS_SPACE_IO) &&
            (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
            pci_set_quad(c + pci_bar(dev, i), r->type);
        } else {
            pci_set_long(c + pci_bar(dev, i), r->type);
        }
    }
    pci_update_mappings(dev);
    pci_update_bus_master(dev);

    if (dev->msi_cap) {
        msi_reset(dev);
    }
    if (dev->msix_cap) {
        msix_reset(dev);
    }
    if (dev->exp.exp_cap) {
        pcie_cap_reset(dev);
    }
    if (pc->reset) {
        pc->reset(dev);
    }
}

static void pci_qdev_reset(DeviceState *qdev)
{
    pci_device_reset(PCI_DEVICE(qdev));
}

void pci_set_power(PCIDevice *dev, bool on)
{
    if (!dev->config || dev->has_power == on) {
        return;
    }
    trace_pci_set_power(dev->name, on);
    dev->has_power = on;
    pci_update_mappings(dev);
    pci_update_bus_master(dev);
    if (!on) {
        device_cold_reset(DEVICE(dev));
    }
}

/* ---- DMA and the IOMMU ---- */

/* The nearest bus at or above bus with IOMMU ops, within its root. */
static PCIBus *pci_iommu_bus(PCIBus *bus)
{
    for (;;) {
        if (bus->iommu_ops) {
            return bus;
        }
        if (pci_bus_is_root(bus)) {
            return NULL;        /* never past the root complex */
        }
        bus = pci_get_bus(bus->parent_dev);
    }
}

bool pci_device_get_iommu_bus_devfn(PCIDevice *dev, PCIBus **iommu_bus,
                                    PCIBus **req_bus, int *req_devfn)
{
    PCIBus *bus = pci_get_bus(dev);
    PCIBus *ib = pci_iommu_bus(bus);

    if (iommu_bus) {
        *iommu_bus = ib;
    }
    if (req_bus) {
        *req_bus = bus;
    }
    if (req_devfn) {
        *req_devfn = dev->devfn;
    }
    return ib != NULL;
}

AddressSpace *pci_device_iommu_address_space(PCIDevice *dev)
{
    PCIBus *ib, *bus;
    int devfn;
    AddressSpace *as = NULL;

    if (pci_device_get_iommu_bus_devfn(dev, &ib, &bus, &devfn)) {
        as = ib->iommu_ops->get_address_space(bus, ib->iommu_opaque, devfn);
    }
    if (!as) {
        as = &address_space_memory;
    }
    trace_pci_iommu_as(dev->name, pci_bus_num(bus), PCI_SLOT(devfn),
                       PCI_FUNC(devfn),
                       ib ? ib->qbus.name : "none", address_space_name(as));
    return as;
}

bool pci_device_set_iommu_device(PCIDevice *dev, HostIOMMUDevice *hiod,
                                 Error **errp)
{
    PCIBus *ib, *bus;
    int devfn;

    if (!pci_device_get_iommu_bus_devfn(dev, &ib, &bus, &devfn) ||
        !ib->iommu_ops->set_iommu_device) {
        return true;
    }
    return ib->iommu_ops->set_iommu_device(bus, ib->iommu_opaque, devfn,
                                           hiod, errp);
}

void pci_device_unset_iommu_device(PCIDevice *dev)
{
    PCIBus *ib, *bus;
    int devfn;

    if (pci_device_get_iommu_bus_devfn(dev, &ib, &bus, &devfn) &&
        ib->iommu_ops->unset_iommu_device) {
        ib->iommu_ops->unset_iommu_device(bus, ib->iommu_opaque, devfn);
    }
}

uint64_t pci_device_get_viommu_flags(PCIDevice *dev)
{
    PCIBus *ib;

    if (!pci_device_get_iommu_bus_devfn(dev, &ib, NULL, NULL) ||
        !ib->iommu_ops->get_viommu_flags) {
        return 0;
    }
    return ib->iommu_ops->get_viommu_flags(ib->iommu_opaque);
}

/* The alias of the IOMMU's (or system) memory that the master bit gates. */
static void pci_bus_master_attach(PCIDevice *dev)
{
    AddressSpace *as = pci_device_iommu_address_space(dev);
    MemoryRegion *root = address_space_root(as);

    dev->iommu_as = as;
    memory_region_init_alias(&dev->bus_master_enable_region, OBJECT(dev),
                             "bus master", root, 0,
                             memory_region_size(root));
    pci_update_bus_master(dev);
    memory_region_add_subregion(&dev->bus_master_container_region, 0,
                                &dev->bus_master_enable_region);
}

static void pci_bus_master_detach(PCIDevice *dev)
{
    memory_region_del_subregion(&dev->bus_master_container_region,
                                &dev->bus_master_enable_region);
    memory_region_destroy(&dev->bus_master_enable_region);
    dev->iommu_as = NULL;
}

void pci_device_rebind_bus_master(PCIDevice *dev)
{
    if (!dev->iommu_as) {
        return;
    }
    memory_region_transaction_begin();
    pci_bus_master_detach(dev);
    pci_bus_master_attach(dev);
    memory_region_transaction_commit();
}

AddressSpace *pci_get_address_space(PCIDevice *dev)
{
    return &dev->bus_master_as;
}

/* Bus-master accesses in progress, of all functions. */
static unsigned pci_bus_master_depth;

bool pci_bus_master_enter(PCIDevice *dev)
{
    if (dev->bus_master_busy) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bus-master access blocked: it "
                      "re-enters the function from its own DMA or MSI\n",
                      dev->name);
        trace_pci_bus_master_reentry(dev->name);
        return false;
    }
    dev->bus_master_busy = true;
    pci_bus_master_depth++;
    return true;
}

void pci_bus_master_exit(PCIDevice *dev)
{
    g_assert(dev->bus_master_busy && pci_bus_master_depth);
    dev->bus_master_busy = false;
    pci_bus_master_depth--;
}

bool pci_bus_master_in_progress(void)
{
    return pci_bus_master_depth != 0;
}

MemTxAttrs pci_dma_attrs(PCIDevice *dev)
{
    return (MemTxAttrs) {
        .has_requester_id = true,
        .requester_id = pci_requester_id(dev),
        .has_pasid = dev->dma_pasid >= 0,
        .pasid = dev->dma_pasid >= 0 ? dev->dma_pasid : 0,
    };
}

MemTxResult pci_dma_read(PCIDevice *dev, dma_addr_t addr, void *buf,
                         dma_addr_t len)
{
    MemTxResult r;

    if (!pci_bus_master_enter(dev)) {
        memset(buf, 0, len);
        return MEMTX_ERROR;
    }
    r = dma_memory_read(&dev->bus_master_as, addr, buf, len,
                        pci_dma_attrs(dev));
    pci_bus_master_exit(dev);
    return r;
}

MemTxResult pci_dma_write(PCIDevice *dev, dma_addr_t addr, const void *buf,
                          dma_addr_t len)
{
    MemTxResult r;

    if (!pci_bus_master_enter(dev)) {
        return MEMTX_ERROR;
    }
    r = dma_memory_write(&dev->bus_master_as, addr, buf, len,
                         pci_dma_attrs(dev));
    pci_bus_master_exit(dev);
    return r;
}

/* ---- realize / unrealize ---- */

/*
 * Choose the devfn for dev on bus with QEMU's rules and messages: a
 * pxb-pcie's bus takes bridges only, a busy slot is refused, a function
 * hot-added next to a function 0 the guest has seen is refused, and
 * functions of one slot must agree about multifunction.
 */
static bool pci_place(PCIDevice *dev, PCIBus *bus, const char *name,
                      int *pdevfn, Error **errp)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    int devfn = dev->devfn;
    int slot, fn;
    PCIDevice *f0;

    if (pci_bus_is_root(bus) && bus->parent_dev && !pc->is_bridge) {
        error_setg(errp, "PCI: Only PCI/PCIe bridges can be plugged into %s",
                   bus->parent_dev->name);
        return false;
    }
    if (devfn < 0) {
        for (devfn = bus->devfn_min; devfn < PCI_DEVFN_MAX;
             devfn += PCI_FUNC_MAX) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "PCI: no slot/function available for %s, all in "
                       "use or reserved", name);
            return false;
        }
    } else if (bus->devices[devfn]) {
        PCIDevice *other = bus->devices[devfn];

        error_setg(errp, "PCI: slot %d function %d not available for %s, in "
                   "use by %s,id=%s", PCI_SLOT(devfn), PCI_FUNC(devfn), name,
                   other->name, other->qdev.id ? other->qdev.id : "(null)");
        return false;
    }
    slot = PCI_SLOT(devfn);
    fn = PCI_FUNC(devfn);

    f0 = pci_bus_is_port_link(bus) ? bus->devices[0]
                                   : bus->devices[PCI_DEVFN(slot, 0)];
    if (qdev_hotplug && dev->devfn >= 0 && f0) {
        /* The guest scanned the slot when function 0 arrived. */
        error_setg(errp, "PCI: slot %d function 0 already occupied by %s, "
                   "new func %s cannot be exposed to guest.",
                   PCI_SLOT(f0->devfn), f0->name, name);
        return false;
    }
    if (fn) {
        f0 = bus->devices[PCI_DEVFN(slot, 0)];
        if (f0 && !f0->multifunction) {
            error_setg(errp, "PCI: single function device can't be "
                       "populated in function %x.%x", slot, fn);
            return false;
        }
    } else if (!dev->multifunction) {
        for (fn = 1; fn < PCI_FUNC_MAX; fn++) {
            if (bus->devices[PCI_DEVFN(slot, fn)]) {
                error_setg(errp, "PCI: %x.0 indicates single function, but "
                           "%x.%x is already populated.", slot, slot, fn);
                return false;
            }
        }
    }
    *pdevfn = devfn;
    return true;
}

/*
 * Undo what realize set up around the subclass's realize (BARs already
 * unmapped): INTx, the bus slot, the bus-master address space, config
 * space.
 */
static void pci_device_release(PCIDevice *dev)
{
    pci_device_deassert_intx(dev);
    dev->bus->devices[dev->devfn] = NULL;
    pci_bus_master_detach(dev);
    address_space_destroy(&dev->bus_master_as);
    memory_region_destroy(&dev->bus_master_container_region);
    pci_config_free(dev);
    memset(dev->io_regions, 0, sizeof(dev->io_regions));
    dev->bus = NULL;
}

static bool pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    ObjectClass *oc = object_get_class(OBJECT(dev));
    PCIBus *bus = PCI_BUS(qdev->parent_bus);
    const char *name = object_get_typename(OBJECT(dev));
    int32_t requested = dev->devfn;
    PCIBus *ib;
    int devfn;
    bool express;

    if (!pci_place(dev, bus, name, &devfn, errp)) {
        return false;
    }
    ib = pci_iommu_bus(bus);
    if (ib && ib->iommu_ops->supports_address_space &&
        !ib->iommu_ops->supports_address_space(bus, ib->iommu_opaque, devfn,
                                               errp)) {
        return false;
    }

    express = object_class_dynamic_cast(oc, INTERFACE_PCIE_DEVICE) &&
              pci_bus_is_express(bus);
    dev->devfn = devfn;
    dev->bus = bus;
    g_strlcpy(dev->name, name, sizeof(dev->name));
    dev->irq_state = 0;
    dev->has_power = true;
    pci_config_alloc(dev, express ? PCIE_CONFIG_SPACE_SIZE
                                  : PCI_CONFIG_SPACE_SIZE);
    pci_config_init(dev, pc);

    memory_region_init(&dev->bus_master_container_region, OBJECT(dev),
                       "bus master container", UINT64_MAX);
    address_space_init(&dev->bus_master_as,
                       &dev->bus_master_container_region, dev->name);
    pci_bus_master_attach(dev);
    bus->devices[devfn] = dev;

    if (pc->realize && !pc->realize(dev, errp)) {
        pci_unmap_regions(dev);
        pci_device_release(dev);
        dev->devfn = requested;
        return false;
    }
    /*
     * Only device 0 exists below a PCI Express port (PCIe Base 4.0,
     * 7.3.1), so a guest never finds this function; QEMU 10 accepts it
     * with a warning for a PCI Express function, silently for a
     * conventional one, and so do we.
     */
    if (express && PCI_SLOT(devfn) && pci_bus_is_port_link(bus)) {
        warn_report("PCI: slot %d is not valid for %s, parent device only "
                    "allows plugging into slot 0.", PCI_SLOT(devfn), name);
    }
    trace_pci_realize(dev->name, pci_bus_num(bus), PCI_SLOT(devfn),
                      PCI_FUNC(devfn), dev->config_size);
    return true;
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    trace_pci_unrealize(dev->name, pci_bus_num(dev->bus),
                        PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn));
    pci_unmap_regions(dev);
    if (pc->exit) {
        pc->exit(dev);
    }
    pci_device_release(dev);
}

static void pci_device_instance_init(Object *obj)
{
    PCI_DEVICE(obj)->dma_pasid = -1;
}

static void pci_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->reset = pci_qdev_reset;
    dc->bus_type = TYPE_PCI_BUS;
    dc->hotpluggable = true;
    object_class_add_props(oc, pci_props);
}

static const TypeInfo pci_device_types[] = {
    {
        .name = INTERFACE_PCIE_DEVICE,
        .parent = TYPE_INTERFACE,
    },
    {
        .name = INTERFACE_CONVENTIONAL_PCI_DEVICE,
        .parent = TYPE_INTERFACE,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .instance_init = pci_device_instance_init,
        .class_size = sizeof(PCIDeviceClass),
        .abstract = true,
        .class_init = pci_device_class_init,
    },
};

DEFINE_TYPES(pci_device_types)
