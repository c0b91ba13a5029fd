/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI-PCI bridges ("base-pci-bridge", abstract): the type 1 header's
 * registers and masks, the secondary bus with its own memory and I/O
 * containers, and the three forwarding windows (I/O, memory, prefetchable
 * memory) that map parts of those containers into the parent bus as the
 * guest programs base, limit and the command register.  A write of 1 to
 * the secondary bus reset bit resets everything below the bridge.
 *
 * Register layout and window rules: PCI-to-PCI Bridge Architecture 1.2,
 * 3.2.5 (I/O windows are 4 KiB granular, memory windows 1 MiB; the I/O
 * window is 16-bit and the prefetchable window 64-bit, as QEMU's).
 */
#include "qemu/osdep.h"
#include "hw/pci/pci_bridge.h"
#include "trace/trace-hw_pci.h"

static const char *const window_names[PCI_BRIDGE_WINDOW_NR] = {
    [PCI_BRIDGE_WINDOW_IO] = "pci_bridge_io",
    [PCI_BRIDGE_WINDOW_MEM] = "pci_bridge_mem",
    [PCI_BRIDGE_WINDOW_PREF] = "pci_bridge_pref_mem",
};

static const uint8_t window_types[PCI_BRIDGE_WINDOW_NR] = {
    [PCI_BRIDGE_WINDOW_IO] = PCI_BASE_ADDRESS_SPACE_IO,
    [PCI_BRIDGE_WINDOW_MEM] = PCI_BASE_ADDRESS_SPACE_MEMORY,
    [PCI_BRIDGE_WINDOW_PREF] = PCI_BASE_ADDRESS_SPACE_MEMORY |
                               PCI_BASE_ADDRESS_MEM_PREFETCH,
};

PCIBus *pci_bridge_get_sec_bus(PCIBridge *br)
{
    return br->sec_bus;
}

/*
 * The address a base or limit register pair names, before the limit's
 * low bits are filled in.  reg is the 16-bit (memory) or 8-bit (I/O)
 * register, upper the offset of its upper half.
 */
static pcibus_t window_reg(const PCIDevice *d, uint8_t type, uint32_t reg,
                           uint32_t upper)
{
    pcibus_t val;

    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        uint8_t r = d->config[reg];

        val = (pcibus_t)(r & PCI_IO_RANGE_MASK) << 8;
        if ((r & PCI_IO_RANGE_TYPE_MASK) == PCI_IO_RANGE_TYPE_32) {
            val |= (pcibus_t)pci_get_word(d->config + upper) << 16;
        }
        return val;
    }
    if (!(type & PCI_BASE_ADDRESS_MEM_PREFETCH)) {
        return (pcibus_t)(pci_get_word(d->config + reg) &
                          PCI_MEMORY_RANGE_MASK) << 16;
    }
    val = (pcibus_t)(pci_get_word(d->config + reg) & PCI_PREF_RANGE_MASK)
          << 16;
    if ((pci_get_word(d->config + reg) & PCI_PREF_RANGE_TYPE_MASK) ==
        PCI_PREF_RANGE_TYPE_64) {
        val |= (pcibus_t)pci_get_long(d->config + upper) << 32;
    }
    return val;
}

pcibus_t pci_bridge_get_base(const PCIDevice *bridge, uint8_t type)
{
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        return window_reg(bridge, type, PCI_IO_BASE, PCI_IO_BASE_UPPER16);
    }
    if (type & PCI_BASE_ADDRESS_MEM_PREFETCH) {
        return window_reg(bridge, type, PCI_PREF_MEMORY_BASE,
                          PCI_PREF_BASE_UPPER32);
    }
    return window_reg(bridge, type, PCI_MEMORY_BASE, 0);
}

pcibus_t pci_bridge_get_limit(const PCIDevice *bridge, uint8_t type)
{
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        return window_reg(bridge, type, PCI_IO_LIMIT, PCI_IO_LIMIT_UPPER16) |
               (PCI_BRIDGE_IO_GRANULARITY - 1);
    }
    if (type & PCI_BASE_ADDRESS_MEM_PREFETCH) {
        return window_reg(bridge, type, PCI_PREF_MEMORY_LIMIT,
                          PCI_PREF_LIMIT_UPPER32) |
               (PCI_BRIDGE_MEM_GRANULARITY - 1);
    }
    return window_reg(bridge, type, PCI_MEMORY_LIMIT, 0) |
           (PCI_BRIDGE_MEM_GRANULARITY - 1);
}

static void window_update(PCIBridge *br, PCIBridgeWindowKind kind)
{
    PCIDevice *d = PCI_DEVICE(br);
    PCIBridgeWindow *w = &br->windows[kind];
    uint8_t type = window_types[kind];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint16_t enable = kind == PCI_BRIDGE_WINDOW_IO ? PCI_COMMAND_IO
                                                   : PCI_COMMAND_MEMORY;
    pcibus_t base = pci_bridge_get_base(d, type);
    pcibus_t limit = pci_bridge_get_limit(d, type);
    bool on = (cmd & enable) && base <= limit && w->parent_space;

    if (w->mapped && on && w->base == base && w->limit == limit) {
        return;
    }
    if (!w->mapped && !on) {
        return;
    }
    if (w->mapped) {
        memory_region_del_subregion(w->parent_space, &w->alias);
        w->mapped = false;
    }
    trace_pci_bridge_window(d->name, window_names[kind], base, limit, on);
    if (!on) {
        return;
    }
    /* [0, 2^64 - 1] is the one range whose size does not fit: 2^64. */
    memory_region_set_alias_offset(&w->alias, base);
    memory_region_set_size(&w->alias, limit - base == UINT64_MAX
                                      ? UINT64_MAX : limit - base + 1);
    memory_region_add_subregion_overlap(w->parent_space, base, &w->alias, 1);
    w->base = base;
    w->limit = limit;
    w->mapped = true;
}

void pci_bridge_update_mappings(PCIBridge *br)
{
    int i;

    if (!br->sec_bus) {
        return;                 /* not (or no longer) set up */
    }
    memory_region_transaction_begin();
    for (i = 0; i < PCI_BRIDGE_WINDOW_NR; i++) {
        window_update(br, i);
    }
    memory_region_transaction_commit();
}

void pci_bridge_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                             int len)
{
    PCIBridge *br = PCI_BRIDGE(dev);
    uint16_t old_ctl = pci_get_word(dev->config + PCI_BRIDGE_CONTROL);
    uint16_t new_ctl;

    pci_default_write_config(dev, addr, val, len);

    /* Command, I/O base/limit, memory, prefetchable and I/O upper. */
    if (pci_config_ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        pci_config_ranges_overlap(addr, len, PCI_IO_BASE, 2) ||
        pci_config_ranges_overlap(addr, len, PCI_MEMORY_BASE,
                                  PCI_IO_LIMIT_UPPER16 + 2 -
                                  PCI_MEMORY_BASE) ||
        pci_config_ranges_overlap(addr, len, PCI_BRIDGE_CONTROL, 2)) {
        pci_bridge_update_mappings(br);
    }

    new_ctl = pci_get_word(dev->config + PCI_BRIDGE_CONTROL);
    if (~old_ctl & new_ctl & PCI_BRIDGE_CTL_BUS_RESET) {
        /* The reset happens on the rising edge (bridge spec 3.2.5.17). */
        trace_pci_bridge_secondary_reset(dev->name);
        bus_cold_reset(BUS(br->sec_bus));
    }
}

/*
 * Bus numbers and bridge control back to 0, and all three windows
 * closed (base above limit) so that nothing is forwarded until the
 * guest programs them.  The window type bits are read-only.
 */
static void pci_bridge_reset_regs(PCIDevice *dev)
{
    uint8_t *c = dev->config;

    c[PCI_PRIMARY_BUS] = 0;
    c[PCI_SECONDARY_BUS] = 0;
    c[PCI_SUBORDINATE_BUS] = 0;
    c[PCI_SEC_LATENCY_TIMER] = 0;

    c[PCI_IO_BASE] = (c[PCI_IO_BASE] & ~PCI_IO_RANGE_MASK) |
                     (PCI_IO_RANGE_MASK & 0xff);
    c[PCI_IO_LIMIT] &= ~PCI_IO_RANGE_MASK;
    pci_set_word(c + PCI_MEMORY_BASE, PCI_MEMORY_RANGE_MASK & 0xffff);
    pci_set_word(c + PCI_MEMORY_LIMIT, 0);
    pci_set_word(c + PCI_PREF_MEMORY_BASE,
                 (pci_get_word(c + PCI_PREF_MEMORY_BASE) &
                  PCI_PREF_RANGE_TYPE_MASK) |
                 (PCI_PREF_RANGE_MASK & 0xffff));
    pci_set_word(c + PCI_PREF_MEMORY_LIMIT,
                 pci_get_word(c + PCI_PREF_MEMORY_LIMIT) &
                 PCI_PREF_RANGE_TYPE_MASK);
    pci_set_long(c + PCI_PREF_BASE_UPPER32, 0);
    pci_set_long(c + PCI_PREF_LIMIT_UPPER32, 0);

    pci_set_word(c + PCI_BRIDGE_CONTROL, 0);
}

void pci_bridge_reset(PCIDevice *dev)
{
    pci_bridge_reset_regs(dev);
    pci_bridge_update_mappings(PCI_BRIDGE(dev));
}

/* The type 1 header's masks and read-only values. */
static void pci_bridge_init_regs(PCIDevice *dev, bool express)
{
    uint8_t *c = dev->config;
    uint16_t ctl;

    c[PCI_HEADER_TYPE] = (c[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MFD) |
                         PCI_HEADER_TYPE_BRIDGE;
    pci_set_word(c + PCI_CLASS_DEVICE, PCI_CLASS_BRIDGE_PCI);

    /* Bus numbers; the secondary latency timer is RO 0 on PCI Express. */
    memset(dev->wmask + PCI_PRIMARY_BUS, 0xff, 3);
    dev->wmask[PCI_SEC_LATENCY_TIMER] = express ? 0 : 0xff;

    /* Windows: 16-bit I/O, 32-bit memory, 64-bit prefetchable. */
    c[PCI_IO_BASE] = PCI_IO_RANGE_TYPE_16;
    c[PCI_IO_LIMIT] = PCI_IO_RANGE_TYPE_16;
    dev->wmask[PCI_IO_BASE] = PCI_IO_RANGE_MASK & 0xff;
    dev->wmask[PCI_IO_LIMIT] = PCI_IO_RANGE_MASK & 0xff;
    pci_set_word(dev->wmask + PCI_IO_BASE_UPPER16, 0);
    pci_set_word(dev->wmask + PCI_IO_LIMIT_UPPER16, 0);
    pci_set_word(dev->wmask + PCI_MEMORY_BASE, PCI_MEMORY_RANGE_MASK & 0xffff);
    pci_set_word(dev->wmask + PCI_MEMORY_LIMIT,
                 PCI_MEMORY_RANGE_MASK & 0xffff);
    pci_set_word(c + PCI_PREF_MEMORY_BASE, PCI_PREF_RANGE_TYPE_64);
    pci_set_word(c + PCI_PREF_MEMORY_LIMIT, PCI_PREF_RANGE_TYPE_64);
    pci_set_word(dev->wmask + PCI_PREF_MEMORY_BASE,
                 PCI_PREF_RANGE_MASK & 0xffff);
    pci_set_word(dev->wmask + PCI_PREF_MEMORY_LIMIT,
                 PCI_PREF_RANGE_MASK & 0xffff);
    pci_set_long(dev->wmask + PCI_PREF_BASE_UPPER32, 0xffffffff);
    pci_set_long(dev->wmask + PCI_PREF_LIMIT_UPPER32, 0xffffffff);

    /* No expansion ROM on the bridge itself. */
    pci_set_long(dev->wmask + PCI_ROM_ADDRESS1, 0);

    /*
     * Secondary status: the error bits are write-1-to-clear, like the
     * primary status register's.  Conventional PCI also says 66 MHz and
     * fast back-to-back capable on both sides, and has bridge control
     * bits that PCI Express hardwires to 0 (PCIe 7.5.1.3.13).
     */
    pci_set_word(dev->w1cmask + PCI_SEC_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
    pci_set_word(dev->wmask + PCI_SEC_STATUS, 0);
    ctl = PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | PCI_BRIDGE_CTL_ISA |
          PCI_BRIDGE_CTL_VGA | PCI_BRIDGE_CTL_VGA_16BIT |
          PCI_BRIDGE_CTL_BUS_RESET;
    if (!express) {
        pci_set_word(c + PCI_STATUS, pci_get_word(c + PCI_STATUS) |
                     PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
        pci_set_word(c + PCI_SEC_STATUS,
                     PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
        ctl |= PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_FAST_BACK;
    }
    pci_set_word(dev->wmask + PCI_BRIDGE_CONTROL, ctl);
    pci_set_word(dev->w1cmask + PCI_BRIDGE_CONTROL, 0);
}

bool pci_bridge_init(PCIDevice *dev, const char *bus_type, Error **errp)
{
    PCIBridge *br = PCI_BRIDGE(dev);
    DeviceState *qdev = DEVICE(dev);
    PCIBus *parent = pci_get_bus(dev);
    const char *name = qdev->id && *qdev->id ? qdev->id : NULL;
    PCIBus *sec;
    int i;

    pci_bridge_init_regs(dev, !strcmp(bus_type, TYPE_PCIE_BUS));
    pci_bridge_reset_regs(dev);

    memory_region_init(&br->address_space_mem, OBJECT(dev), "pci_bridge_pci",
                       UINT64_MAX);
    memory_region_init(&br->address_space_io, OBJECT(dev), "pci_bridge_io",
                       4 * GiB);

    sec = PCI_BUS(qbus_new(bus_type, qdev, name));
    sec->parent_dev = dev;
    sec->map_irq = pci_swizzle_map_irq_fn;
    sec->address_space_mem = &br->address_space_mem;
    sec->address_space_io = &br->address_space_io;
    br->sec_bus = sec;

    for (i = 0; i < PCI_BRIDGE_WINDOW_NR; i++) {
        PCIBridgeWindow *w = &br->windows[i];
        bool io = i == PCI_BRIDGE_WINDOW_IO;

        memory_region_init_alias(&w->alias, OBJECT(dev), window_names[i],
                                 io ? &br->address_space_io
                                    : &br->address_space_mem, 0, 0);
        w->parent_space = io ? parent->address_space_io
                             : parent->address_space_mem;
        w->mapped = false;
    }
    pci_bridge_update_mappings(br);
    trace_pci_bridge_init(dev->name, BUS(sec)->name);
    return true;
}

void pci_bridge_exit(PCIDevice *dev)
{
    PCIBridge *br = PCI_BRIDGE(dev);
    DeviceState *qdev = DEVICE(dev);
    BusState *bus;
    int i;

    if (!br->sec_bus) {
        return;
    }
    /* Destroying a window takes it out of the parent bus. */
    memory_region_transaction_begin();
    for (i = 0; i < PCI_BRIDGE_WINDOW_NR; i++) {
        memory_region_destroy(&br->windows[i].alias);
        br->windows[i].mapped = false;
    }
    memory_region_transaction_commit();

    /* The bus (and whatever is still plugged into it) goes with us. */
    bus = BUS(br->sec_bus);
    br->sec_bus->address_space_mem = NULL;
    br->sec_bus->address_space_io = NULL;
    br->sec_bus = NULL;
    qdev->child_buses = g_slist_remove(qdev->child_buses, bus);
    object_unparent(OBJECT(bus));
    memory_region_destroy(&br->address_space_mem);
    memory_region_destroy(&br->address_space_io);
}

static void pci_bridge_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->categories = 1ul << DEVICE_CATEGORY_BRIDGE;
    pc->is_bridge = true;
    pc->class_id = PCI_CLASS_BRIDGE_PCI;
    pc->config_write = pci_bridge_write_config;
    pc->reset = pci_bridge_reset;
}

static const TypeInfo pci_bridge_types[] = {
    {
        .name = TYPE_PCI_BRIDGE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIBridge),
        .class_size = sizeof(PCIDeviceClass),
        .abstract = true,
        .class_init = pci_bridge_class_init,
    },
};

DEFINE_TYPES(pci_bridge_types)
