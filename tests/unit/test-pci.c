/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the PCI core on the fixture's bare "pcie.0": the
 * header and its per-bit masks (read-only, write-1-to-clear, reserved),
 * BAR sizing and mapping with the command register, capability lists,
 * devfn allocation and QEMU's placement errors, INTx routing through
 * the buses with INTx disable, reset, DMA through the bus-master address
 * space with the requester ID, the IOMMU ops (lookup up to the root
 * complex and no further, supports_address_space refusing a function),
 * and query-pci's output.
 *
 * Test types defined here: a minimal bridge (type 1 header, secondary
 * bus numbered from its config registers), a pxb-like function that
 * owns a second root bus, and that root bus type.
 */
#include "qemu/osdep.h"
#include "pci-fixture.h"

#define DEVFN(s, f) PCI_DEVFN((s), (f))
#define BAR0_ADDR (PCI_FIXTURE_MMIO_BASE + 0x1000)
#define BAR2_ADDR PCI_FIXTURE_MMIO64_BASE
#define IO_ADDR 0x1000

static uint32_t cfg_rd(int bus, int devfn, uint32_t off, unsigned len)
{
    return pci_fixture_cfg_read(bus, devfn, off, len);
}

static void cfg_wr(int bus, int devfn, uint32_t off, uint32_t v,
                   unsigned len)
{
    pci_fixture_cfg_write(bus, devfn, off, v, len);
}

static uint32_t mem_rd(hwaddr addr)
{
    return address_space_ldl_le(&address_space_memory, addr,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static PCIDevice *add(const char *type, PCIBus *bus, int devfn,
                      const char *id)
{
    return pci_fixture_add(type, bus, devfn, id, &error_abort);
}

static void add_fails(const char *type, PCIBus *bus, int devfn,
                      const char *msg)
{
    Error *err = NULL;

    g_assert_null(pci_fixture_add(type, bus, devfn, NULL, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

/* ---- test types: a pxb-like function and its root bus ---- */

#define TYPE_X_PXB "x-test-pxb"
#define TYPE_X_ROOT_BUS "x-test-root-bus"
#define X_PXB_BUS_NR 0x80

static bool x_pxb_realize(PCIDevice *dev, Error **errp)
{
    PCIBus *parent = pci_get_bus(dev);
    PCIBus *bus = pci_root_bus_new(DEVICE(dev), "x-pxb-bus",
                                   parent->address_space_mem,
                                   parent->address_space_io, 0,
                                   TYPE_X_ROOT_BUS);

    bus->parent_dev = dev;
    bus->root_bus_nr = X_PXB_BUS_NR;
    dev->config[PCI_INTERRUPT_PIN] = 1;
    return true;
}

static void x_pxb_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = x_pxb_realize;
    pc->vendor_id = 0x1b36;
    pc->device_id = 0x000b;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
}

static void x_root_bus_class_init(ObjectClass *oc, const void *data)
{
    PCI_BUS_CLASS(oc)->is_root = true;
}

static const InterfaceInfo x_express[] = {
    { INTERFACE_PCIE_DEVICE },
    { NULL },
};

static const TypeInfo test_types[] = {
    {
        .name = TYPE_X_PXB,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = x_pxb_class_init,
        .interfaces = x_express,
    },
    {
        .name = TYPE_X_ROOT_BUS,
        .parent = TYPE_PCIE_BUS,
        .class_init = x_root_bus_class_init,
    },
};

DEFINE_TYPES(test_types)

/* ---- header and masks ---- */

static void test_header(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(3, 0), "d1");
    PCIDevice *e = add(TYPE_PCIE_FIXTURE_DEV, NULL, DEVFN(4, 0), "e1");
    PCIBus *pci;

    g_assert(pci_get_bus(d) == root);
    g_assert(root->devices[DEVFN(3, 0)] == d);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_VENDOR_ID, 4), ==,
                    PCI_FIXTURE_DEVICE << 16 | PCI_FIXTURE_VENDOR);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_CLASS_REVISION, 4), ==,
                    (uint32_t)PCI_CLASS_OTHERS << 16 | 0x10);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_HEADER_TYPE, 1), ==,
                    PCI_HEADER_TYPE_NORMAL);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_SUBSYSTEM_VENDOR_ID, 2), ==,
                    PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_SUBSYSTEM_ID, 2), ==,
                    PCI_SUBDEVICE_ID_QEMU);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_INTERRUPT_PIN, 1), ==, 1);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_STATUS, 2), ==, 0);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), PCI_CAPABILITY_LIST, 1), ==, 0);

    /* Conventional: 256 bytes; PCI Express on a PCIe bus: 4 KiB. */
    g_assert_cmpint(d->config_size, ==, PCI_CONFIG_SPACE_SIZE);
    g_assert_false(pci_is_express(d));
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), 0x100, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), 0x100, 1), ==, 0xff);
    g_assert_cmpint(e->config_size, ==, PCIE_CONFIG_SPACE_SIZE);
    g_assert_true(pci_is_express(e));
    g_assert_cmphex(cfg_rd(0, DEVFN(4, 0), 0x100, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, DEVFN(4, 0), 0x1000, 4), ==, 0xffffffff);

    /* Absent functions, and functions 1-7 without function 0. */
    g_assert_cmphex(cfg_rd(0, DEVFN(5, 0), 0, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_rd(0, DEVFN(5, 0), 0, 2), ==, 0xffff);
    g_assert_cmphex(cfg_rd(1, DEVFN(0, 0), 0, 4), ==, 0xffffffff);
    add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(6, 1), NULL);
    g_assert_cmphex(cfg_rd(0, DEVFN(6, 1), 0, 4), ==, 0xffffffff);
    /* Misaligned accesses are the host bridge's to split. */
    g_assert_cmphex(cfg_rd(0, DEVFN(3, 0), 1, 2), ==, 0xffff);

    /* A PCI Express function on a conventional bus: 256 bytes. */
    pci = pci_root_bus_new(NULL, "pci.7", NULL, NULL, 0, TYPE_PCI_BUS);
    g_assert_false(pci_bus_is_express(pci));
    g_assert_true(pci_bus_is_root(pci));
    e = add(TYPE_PCIE_FIXTURE_DEV, pci, DEVFN(1, 0), NULL);
    g_assert_cmpint(e->config_size, ==, PCI_CONFIG_SPACE_SIZE);
    pci_root_bus_free(pci);
    pci_fixture_cleanup();
}

static void test_config_masks(void)
{
    PCIDevice *d;
    int a = DEVFN(3, 0);

    pci_fixture_init();
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);

    /* IDs, class, header type, pin: read-only. */
    cfg_wr(0, a, PCI_VENDOR_ID, 0xffffffff, 4);
    cfg_wr(0, a, PCI_CLASS_REVISION, 0, 4);
    cfg_wr(0, a, PCI_HEADER_TYPE, 0x81, 1);
    cfg_wr(0, a, PCI_INTERRUPT_PIN, 3, 1);
    g_assert_cmphex(cfg_rd(0, a, PCI_VENDOR_ID, 4), ==,
                    PCI_FIXTURE_DEVICE << 16 | PCI_FIXTURE_VENDOR);
    g_assert_cmphex(cfg_rd(0, a, PCI_CLASS_REVISION, 4), ==,
                    (uint32_t)PCI_CLASS_OTHERS << 16 | 0x10);
    g_assert_cmphex(cfg_rd(0, a, PCI_HEADER_TYPE, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_INTERRUPT_PIN, 1), ==, 1);

    /* Command: I/O, memory, master, SERR#, INTx disable. */
    cfg_wr(0, a, PCI_COMMAND, 0xffff, 2);
    g_assert_cmphex(cfg_rd(0, a, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                    PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    /* A byte write to the high half reaches INTx disable alone. */
    cfg_wr(0, a, PCI_COMMAND + 1, 0, 1);
    g_assert_cmphex(cfg_rd(0, a, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    cfg_wr(0, a, PCI_COMMAND, 0, 2);

    /* Status: error bits are write-1-to-clear, the rest read-only. */
    pci_set_word(d->config + PCI_STATUS,
                 PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_DETECTED_PARITY);
    cfg_wr(0, a, PCI_STATUS, 0, 2);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==,
                    PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT |
                    PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_DETECTED_PARITY);
    cfg_wr(0, a, PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT |
           PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT, 2);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==,
                    PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT |
                    PCI_STATUS_DETECTED_PARITY);
    cfg_wr(0, a, PCI_STATUS, 0xffff, 2);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==, PCI_STATUS_CAP_LIST);
    pci_set_word(d->config + PCI_STATUS, 0);

    /* Cache line size and interrupt line are scratch registers. */
    cfg_wr(0, a, PCI_CACHE_LINE_SIZE, 0x10, 1);
    cfg_wr(0, a, PCI_INTERRUPT_LINE, 0x2a, 1);
    g_assert_cmphex(cfg_rd(0, a, PCI_CACHE_LINE_SIZE, 1), ==, 0x10);
    g_assert_cmphex(cfg_rd(0, a, PCI_INTERRUPT_LINE, 1), ==, 0x2a);

    /* Reserved and unimplemented registers read as zero. */
    cfg_wr(0, a, PCI_LATENCY_TIMER, 0xff, 1);
    cfg_wr(0, a, PCI_BIST, 0xff, 1);
    cfg_wr(0, a, PCI_BASE_ADDRESS_4, 0xffffffff, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_5, 0xffffffff, 4);
    cfg_wr(0, a, PCI_CARDBUS_CIS, 0xffffffff, 4);
    cfg_wr(0, a, PCI_CAPABILITY_LIST, 0xff, 1);
    cfg_wr(0, a, 0x38, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(0, a, PCI_LATENCY_TIMER, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BIST, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_4, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_5, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_CARDBUS_CIS, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_CAPABILITY_LIST, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, 0x38, 4), ==, 0);

    /* Above the header: writable until a capability claims it. */
    cfg_wr(0, a, 0x60, 0x12345678, 4);
    g_assert_cmphex(cfg_rd(0, a, 0x60, 4), ==, 0x12345678);
    g_assert_cmphex(cfg_rd(0, a, 0x62, 2), ==, 0x1234);
    pci_fixture_cleanup();
}

/* ---- BARs ---- */

static uint32_t size_bar(int devfn, int off)
{
    uint32_t old = cfg_rd(0, devfn, off, 4), v;

    cfg_wr(0, devfn, off, 0xffffffff, 4);
    v = cfg_rd(0, devfn, off, 4);
    cfg_wr(0, devfn, off, old, 4);
    return v;
}

static void test_bar_sizing(void)
{
    int a = DEVFN(3, 0);

    pci_fixture_init();
    add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);

    /* Type bits read back before sizing. */
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_1, 4), ==,
                    PCI_BASE_ADDRESS_SPACE_IO);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_2, 4), ==,
                    PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);

    /* 32-bit memory 4 KiB, I/O 32 bytes, 64-bit prefetchable 1 MiB. */
    g_assert_cmphex(size_bar(a, PCI_BASE_ADDRESS_0), ==, 0xfffff000);
    g_assert_cmphex(size_bar(a, PCI_BASE_ADDRESS_1), ==, 0xffffffe1);
    g_assert_cmphex(size_bar(a, PCI_BASE_ADDRESS_2), ==, 0xfff0000c);
    g_assert_cmphex(size_bar(a, PCI_BASE_ADDRESS_3), ==, 0xffffffff);
    g_assert_cmphex(size_bar(a, PCI_BASE_ADDRESS_4), ==, 0);
    /* ROM 64 KiB: address bits and the enable bit. */
    g_assert_cmphex(size_bar(a, PCI_ROM_ADDRESS), ==, 0xffff0001);
    /* Sizing restored the values. */
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_1, 4), ==,
                    PCI_BASE_ADDRESS_SPACE_IO);
    pci_fixture_cleanup();
}

static void test_bar_mapping(void)
{
    PCIDevice *d;
    int a = DEVFN(3, 0);

    pci_fixture_init();
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);

    cfg_wr(0, a, PCI_BASE_ADDRESS_0, BAR0_ADDR, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_1, IO_ADDR, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_2, (uint32_t)BAR2_ADDR, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_3, BAR2_ADDR >> 32, 4);
    /* Programmed, but decoding is off. */
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, 0);

    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, BAR0_ADDR);
    g_assert_cmphex(pci_get_bar_addr(d, 2), ==, BAR2_ADDR);
    g_assert_cmphex(pci_get_bar_addr(d, 1), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, PCI_FIXTURE_MAGIC);
    g_assert_cmphex(mem_rd(BAR2_ADDR), ==, PCI_FIXTURE_MAGIC);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + IO_ADDR), ==, 0);

    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(pci_get_bar_addr(d, 1), ==, IO_ADDR);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + IO_ADDR), ==,
                    PCI_FIXTURE_MAGIC);

    /* Moving a BAR moves the mapping. */
    cfg_wr(0, a, PCI_BASE_ADDRESS_0, BAR0_ADDR + 0x10000, 4);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, 0);
    g_assert_cmphex(mem_rd(BAR0_ADDR + 0x10000), ==, PCI_FIXTURE_MAGIC);

    /* The sizing pattern is never decoded, even with decoding on. */
    cfg_wr(0, a, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(mem_rd(BAR0_ADDR + 0x10000), ==, 0);
    cfg_wr(0, a, PCI_BASE_ADDRESS_2, 0xffffffff, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_3, 0xffffffff, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 2), ==, PCI_BAR_UNMAPPED);
    /* A 64-bit BAR may sit above 4 GiB, a 32-bit one not across it. */
    cfg_wr(0, a, PCI_BASE_ADDRESS_3, 0x80, 4);
    cfg_wr(0, a, PCI_BASE_ADDRESS_2, 0x00100000, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 2), ==, 0x8000100000ULL);
    g_assert_cmphex(mem_rd(0x8000100000ULL), ==, PCI_FIXTURE_MAGIC);
    cfg_wr(0, a, PCI_BASE_ADDRESS_0, BAR0_ADDR, 4);

    /* The ROM decodes only with its enable bit. */
    cfg_wr(0, a, PCI_ROM_ADDRESS, 0x20000000, 4);
    g_assert_cmphex(pci_get_bar_addr(d, PCI_ROM_SLOT), ==, PCI_BAR_UNMAPPED);
    cfg_wr(0, a, PCI_ROM_ADDRESS, 0x20000000 | PCI_ROM_ADDRESS_ENABLE, 4);
    g_assert_cmphex(pci_get_bar_addr(d, PCI_ROM_SLOT), ==, 0x20000000);
    g_assert_cmphex(mem_rd(0x20000000), ==, PCI_FIXTURE_MAGIC);

    /* Memory decode off: all memory BARs go, I/O stays. */
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_IO, 2);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, 0);
    g_assert_cmphex(mem_rd(0x8000100000ULL), ==, 0);
    g_assert_cmphex(mem_rd(0x20000000), ==, 0);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + IO_ADDR), ==,
                    PCI_FIXTURE_MAGIC);
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, PCI_FIXTURE_MAGIC);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + IO_ADDR), ==, 0);

    /* Unrealize unmaps (cleanup checks nothing is left). */
    object_unparent(OBJECT(d));
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, 0);
    pci_fixture_cleanup();
}

/* ---- capabilities ---- */

static void test_capabilities(void)
{
    PCIDevice *d;
    Error *err = NULL;
    int a = DEVFN(3, 0);

    pci_fixture_init();
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);

    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_VNDR, 0, 8,
                                       &error_abort), ==, 0x40);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, ==,
                    PCI_STATUS_CAP_LIST);
    g_assert_cmphex(cfg_rd(0, a, PCI_CAPABILITY_LIST, 1), ==, 0x40);
    g_assert_cmphex(cfg_rd(0, a, 0x40, 2), ==, PCI_CAP_ID_VNDR);

    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_PM, 0x50, 8,
                                       &error_abort), ==, 0x50);
    /* Newest first: 0x34 -> 0x50 -> 0x40 -> end. */
    g_assert_cmphex(cfg_rd(0, a, PCI_CAPABILITY_LIST, 1), ==, 0x50);
    g_assert_cmphex(cfg_rd(0, a, 0x50, 2), ==, 0x40 << 8 | PCI_CAP_ID_PM);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_VNDR), ==, 0x40);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_PM), ==, 0x50);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_MSI), ==, 0);
    /* The next free room skips both. */
    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_MSI, 0, 0x14,
                                       &error_abort), ==, 0x58);

    /* Overlap and overflow are refused, nothing changes. */
    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_MSIX, 0x44, 12, &err),
                    ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "0000:00:00:03.0 Attempt to add PCI capability 11 at "
                    "offset 44 overlaps existing capability 9 at offset 40");
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_MSIX, 0xfc, 12, &err),
                    ==, -1);
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_MSIX), ==, 0);

    /* A capability is read-only to the guest. */
    cfg_wr(0, a, 0x44, 0xffffffff, 4);
    cfg_wr(0, a, 0x40, 0xffff, 2);
    g_assert_cmphex(cfg_rd(0, a, 0x44, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, 0x40, 1), ==, PCI_CAP_ID_VNDR);

    /* Deleting unlinks it and gives the room back. */
    pci_del_capability(d, PCI_CAP_ID_PM, 8);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_PM), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_CAPABILITY_LIST, 1), ==, 0x58);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_VNDR), ==, 0x40);
    cfg_wr(0, a, 0x54, 0xa5a5a5a5, 4);
    g_assert_cmphex(cfg_rd(0, a, 0x54, 4), ==, 0xa5a5a5a5);
    pci_del_capability(d, PCI_CAP_ID_VNDR, 8);
    pci_del_capability(d, PCI_CAP_ID_MSI, 0x14);
    g_assert_cmphex(cfg_rd(0, a, PCI_CAPABILITY_LIST, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, ==,
                    0);
    pci_fixture_cleanup();
}

/* ---- placement ---- */

static void test_devfn(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *d;
    Error *err = NULL;
    int i;

    /* First free slots, function 0. */
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, -1, "a1");
    g_assert_cmpint(d->devfn, ==, DEVFN(0, 0));
    g_assert_cmpint(object_property_get_int(OBJECT(d), "addr", NULL), ==,
                    0);
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(2, 0), "a2");
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, -1, NULL);
    g_assert_cmpint(d->devfn, ==, DEVFN(1, 0));

    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(2, 0),
              "PCI: slot 2 function 0 not available for x-pci-fixture-dev, "
              "in use by x-pci-fixture-dev,id=a2");
    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(1, 0),
              "PCI: slot 1 function 0 not available for x-pci-fixture-dev, "
              "in use by x-pci-fixture-dev,id=(null)");
    /* Function 1 next to a single-function device. */
    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(2, 1),
              "PCI: single function device can't be populated in "
              "function 2.1");

    /* Multifunction: the bit in the header, functions 1-7 welcome. */
    d = PCI_DEVICE(qdev_new(TYPE_PCI_FIXTURE_DEV));
    object_property_parse(OBJECT(d), "addr", "5", &error_abort);
    object_property_parse(OBJECT(d), "multifunction", "on", &error_abort);
    qdev_realize_and_unref(DEVICE(d), BUS(root), &error_abort);
    g_assert_cmphex(cfg_rd(0, DEVFN(5, 0), PCI_HEADER_TYPE, 1), ==,
                    PCI_HEADER_TYPE_MULTI_FUNCTION);
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(5, 3), NULL);
    g_assert_cmphex(cfg_rd(0, DEVFN(5, 3), PCI_VENDOR_ID, 2), ==,
                    PCI_FIXTURE_VENDOR);
    /* A single-function function 0 after function 1. */
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(6, 1), NULL);
    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(6, 0),
              "PCI: 6.0 indicates single function, but 6.1 is already "
              "populated.");
    object_unparent(OBJECT(d));
    g_assert_null(root->devices[DEVFN(6, 1)]);

    /* A failed realize leaves the slot empty and "addr" as it was. */
    d = PCI_DEVICE(qdev_new(TYPE_PCI_FIXTURE_DEV));
    object_property_parse(OBJECT(d), "fail-realize", "on", &error_abort);
    g_assert_false(qdev_realize(DEVICE(d), BUS(root), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "x-pci-fixture-dev: realize failed as requested");
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(d->devfn, ==, -1);
    g_assert_null(d->config);
    g_assert_null(root->devices[DEVFN(3, 0)]);
    object_unref(OBJECT(d));

    /* Fill the bus: no slot left. */
    for (i = 0; i < PCI_SLOT_MAX; i++) {
        if (!root->devices[DEVFN(i, 0)]) {
            add(TYPE_PCI_FIXTURE_DEV, NULL, -1, NULL);
        }
    }
    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, -1,
              "PCI: no slot/function available for x-pci-fixture-dev, all "
              "in use or reserved");
    pci_fixture_cleanup();
}

static void test_addr_property(void)
{
    Object *o = object_new(TYPE_PCI_FIXTURE_DEV);
    Error *err = NULL;
    g_autofree char *help = NULL;

    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, -1);
    object_property_parse(o, "addr", "03.1", &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 0x19);
    object_property_parse(o, "addr", "0x3", &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 0x18);
    object_property_parse(o, "addr", "1f.7", &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 0xff);
    object_property_parse(o, "addr", "10", &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 0x80);
    /* QMP: a string is parsed the same, a number is the devfn. */
    object_property_set_str(o, "addr", "4.2", &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 0x22);
    object_property_set_int(o, "addr", 9, &error_abort);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 9);

    g_assert_false(object_property_parse(o, "addr", "20", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'x-pci-fixture-dev.addr' doesn't take value "
                    "'20'");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_parse(o, "addr", "3.8", &err));
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_parse(o, "addr", "3.", &err));
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_parse(o, "addr", "x", &err));
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_set_int(o, "addr", 256, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'addr' expects a value between -1 and 255");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_set_bool(o, "addr", true, &err));
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(object_property_get_int(o, "addr", NULL), ==, 9);
    object_unref(o);
}

static void test_slot0_below_port(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *br = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), "br1");
    PCIBus *sec = pci_fixture_child_bus(br);
    PCIDevice *d;
    int first, last;

    g_assert_false(pci_bus_is_root(sec));
    g_assert_true(pci_bus_is_express(sec));
    g_assert(pci_bus_get_root(sec) == root);
    g_assert_cmphex(cfg_rd(0, DEVFN(1, 0), PCI_HEADER_TYPE, 1), ==,
                    PCI_HEADER_TYPE_BRIDGE);

    /* Slot 1 below a port: QEMU 10 warns (PCIe function) and takes it. */
    d = add(TYPE_PCIE_FIXTURE_DEV, sec, DEVFN(1, 0), NULL);
    g_assert(sec->devices[DEVFN(1, 0)] == d);
    object_unparent(OBJECT(d));
    d = add(TYPE_PCIE_FIXTURE_DEV, sec, -1, "ep1");
    g_assert_cmpint(d->devfn, ==, 0);
    g_assert_cmpint(d->config_size, ==, PCIE_CONFIG_SPACE_SIZE);
    /* The next free slot is 1: a conventional function goes there. */
    g_assert_cmpint(add(TYPE_PCI_FIXTURE_DEV, sec, -1, "c1")->devfn, ==,
                    DEVFN(1, 0));

    /* The secondary bus is numbered by the bridge's registers. */
    g_assert_cmpint(pci_bus_num(sec), ==, 0);
    g_assert_cmphex(cfg_rd(1, 0, PCI_VENDOR_ID, 2), ==, 0xffff);
    cfg_wr(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 0x010100, 4);
    g_assert_cmpint(pci_bus_num(sec), ==, 1);
    g_assert(pci_find_bus_nr(root, 1) == sec);
    g_assert(pci_find_bus_nr(root, 2) == NULL);
    g_assert(pci_find_device(root, 1, 0) == d);
    g_assert_cmphex(cfg_rd(1, 0, PCI_VENDOR_ID, 2), ==, PCI_FIXTURE_VENDOR);
    g_assert_cmphex(cfg_rd(1, DEVFN(1, 0), PCI_VENDOR_ID, 2), ==,
                    PCI_FIXTURE_VENDOR);
    g_assert_cmphex(pci_requester_id(d), ==, 0x0100);
    g_assert_cmphex(pci_requester_id(br), ==, 0x0008);
    pci_bus_range(root, &first, &last);
    g_assert_cmpint(first, ==, 0);
    g_assert_cmpint(last, ==, 1);

    /* Renumbered: the requester ID follows at once. */
    cfg_wr(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 0x050500, 4);
    g_assert_cmphex(pci_requester_id(d), ==, 0x0500);
    g_assert_cmphex(cfg_rd(1, 0, PCI_VENDOR_ID, 2), ==, 0xffff);
    g_assert_cmphex(cfg_rd(5, 0, PCI_VENDOR_ID, 2), ==, PCI_FIXTURE_VENDOR);
    pci_fixture_cleanup();
}

static void count_bus(PCIBus *b, void *opaque)
{
    g_ptr_array_add(opaque, b);
}

static void test_pxb_root(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *pxb = add(TYPE_X_PXB, NULL, DEVFN(2, 0), "pxb1");
    PCIBus *pb = pci_fixture_child_bus(pxb);
    PCIDevice *rp, *ep;
    PCIBus *sec;
    g_autoptr(GPtrArray) buses = g_ptr_array_new();

    g_assert_true(pci_bus_is_root(pb));
    g_assert_cmpint(pci_bus_num(pb), ==, X_PXB_BUS_NR);
    g_assert(pci_bus_get_root(pb) == pb);

    /* Only bridges go on a pxb-pcie's bus, as in QEMU. */
    add_fails(TYPE_PCIE_FIXTURE_DEV, pb, -1,
              "PCI: Only PCI/PCIe bridges can be plugged into x-test-pxb");
    rp = add(TYPE_PCI_FIXTURE_BRIDGE, pb, DEVFN(0, 0), "rp1");
    sec = pci_fixture_child_bus(rp);
    ep = add(TYPE_PCIE_FIXTURE_DEV, sec, 0, NULL);
    g_assert(pci_bus_get_root(sec) == pb);

    /* Found from pcie.0 by number, through the pxb's bus. */
    g_assert(pci_find_bus_nr(root, X_PXB_BUS_NR) == pb);
    cfg_wr(X_PXB_BUS_NR, 0, PCI_PRIMARY_BUS,
           0x818100 | X_PXB_BUS_NR, 4);
    g_assert(pci_find_bus_nr(root, 0x81) == sec);
    g_assert(pci_find_bus_nr(pb, 0x81) == sec);
    g_assert_cmphex(cfg_rd(0x81, 0, PCI_VENDOR_ID, 2), ==,
                    PCI_FIXTURE_VENDOR);
    g_assert_cmphex(pci_requester_id(ep), ==, 0x8100);
    g_assert_cmphex(pci_requester_id(rp), ==, 0x8000);

    pci_for_each_bus(root, count_bus, buses);
    g_assert_cmpint(buses->len, ==, 3);
    g_assert(buses->pdata[0] == root);
    g_assert(buses->pdata[1] == pb);
    g_assert(buses->pdata[2] == sec);
    pci_fixture_cleanup();
}

/* ---- INTx ---- */

static void test_intx(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(2, 0), NULL);
    PCIDevice *e = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(6, 0), NULL);
    PCIDevice *br = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), NULL);
    PCIDevice *f = add(TYPE_PCIE_FIXTURE_DEV, pci_fixture_child_bus(br), 0,
                       NULL);
    int a = DEVFN(2, 0);

    /* INTA of slot 2 is line 2 after the swizzle. */
    pci_irq_assert(d);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 1);
    g_assert_cmpint(pci_bus_get_irq_level(root, 2), ==, 1);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==, PCI_STATUS_INTERRUPT);

    /* INTx disable withdraws the level; status still shows it. */
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==, PCI_STATUS_INTERRUPT);
    cfg_wr(0, a, PCI_COMMAND, 0, 2);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 1);

    /* Slot 6 shares line 2: the line stays up until both are low. */
    pci_irq_assert(e);
    pci_irq_deassert(d);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 1);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==, 0);
    pci_irq_deassert(e);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 0);

    /* Disabled while asserting: nothing reaches the line. */
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    pci_irq_assert(d);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 0);
    cfg_wr(0, a, PCI_COMMAND, 0, 2);
    g_assert_cmpint(pci_fixture_intx_level(2), ==, 1);
    pci_irq_deassert(d);

    /* Behind a bridge at slot 1: INTA of 0.0 -> INTA of the bridge ->
     * line 1 of pcie.0. */
    pci_irq_assert(f);
    g_assert_cmpint(pci_fixture_intx_level(1), ==, 1);
    g_assert_cmpint(pci_fixture_intx_level(0), ==, 0);
    /* Unrealize lowers what the function asserted. */
    object_unparent(OBJECT(f));
    g_assert_cmpint(pci_fixture_intx_level(1), ==, 0);
    pci_fixture_cleanup();
}

/* ---- reset ---- */

static void test_reset(void)
{
    PCIDevice *d;
    int a = DEVFN(3, 0);

    pci_fixture_init();
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);
    cfg_wr(0, a, PCI_BASE_ADDRESS_0, BAR0_ADDR, 4);
    cfg_wr(0, a, PCI_INTERRUPT_LINE, 5, 1);
    cfg_wr(0, a, PCI_CACHE_LINE_SIZE, 8, 1);
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    pci_irq_assert(d);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, PCI_FIXTURE_MAGIC);
    g_assert_cmpint(pci_fixture_intx_level(3), ==, 1);
    cfg_wr(0, a, 0x60, 0x1234, 2);

    device_cold_reset(DEVICE(d));
    g_assert_cmphex(cfg_rd(0, a, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_STATUS, 2), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_BASE_ADDRESS_1, 4), ==,
                    PCI_BASE_ADDRESS_SPACE_IO);
    g_assert_cmphex(cfg_rd(0, a, PCI_INTERRUPT_LINE, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_CACHE_LINE_SIZE, 1), ==, 0);
    g_assert_cmphex(cfg_rd(0, a, PCI_VENDOR_ID, 2), ==, PCI_FIXTURE_VENDOR);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(mem_rd(BAR0_ADDR), ==, 0);
    g_assert_cmpint(pci_fixture_intx_level(3), ==, 0);
    g_assert_cmpint(d->irq_state, ==, 0);
    pci_fixture_cleanup();
}

/* ---- IOMMU ops and DMA ---- */

/*
 * A test IOMMU: one address space whose IOVA 0 is the fixture RAM and
 * whose page at REC_IOVA records the attributes of writes to it.
 */
#define REC_IOVA 0x200000ULL

typedef struct TestIOMMU {
    MemoryRegion root;
    MemoryRegion ram_alias;
    MemoryRegion rec;
    AddressSpace as;
    int calls;
    PCIBus *bus;
    int devfn;
    int refuse_devfn;
    int set_calls, unset_calls;
    uint16_t rec_rid;
    bool rec_has_rid;
    uint32_t rec_val;
} TestIOMMU;

static MemTxResult rec_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size, MemTxAttrs attrs)
{
    TestIOMMU *t = opaque;

    t->rec_val = val;
    t->rec_has_rid = attrs.has_requester_id;
    t->rec_rid = attrs.requester_id;
    return MEMTX_OK;
}

static const MemoryRegionOps rec_ops = {
    .write_with_attrs = rec_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static AddressSpace *t_get_as(PCIBus *bus, void *opaque, int devfn)
{
    TestIOMMU *t = opaque;

    t->calls++;
    t->bus = bus;
    t->devfn = devfn;
    return &t->as;
}

static bool t_supports(PCIBus *bus, void *opaque, int devfn, Error **errp)
{
    TestIOMMU *t = opaque;

    if (devfn == t->refuse_devfn) {
        error_setg(errp, "test IOMMU: devfn %d not supported", devfn);
        return false;
    }
    return true;
}

static bool t_set(PCIBus *bus, void *opaque, int devfn,
                  HostIOMMUDevice *hiod, Error **errp)
{
    ((TestIOMMU *)opaque)->set_calls++;
    return true;
}

static void t_unset(PCIBus *bus, void *opaque, int devfn)
{
    ((TestIOMMU *)opaque)->unset_calls++;
}

static uint64_t t_flags(void *opaque)
{
    return VIOMMU_FLAG_WANT_NESTING_PARENT;
}

static const PCIIOMMUOps t_ops = {
    .get_address_space = t_get_as,
    .set_iommu_device = t_set,
    .unset_iommu_device = t_unset,
    .get_viommu_flags = t_flags,
    .supports_address_space = t_supports,
};

static void t_init(TestIOMMU *t, MemoryRegion *ram)
{
    memset(t, 0, sizeof(*t));
    t->refuse_devfn = -1;
    memory_region_init(&t->root, NULL, "t-iommu", UINT64_MAX);
    memory_region_init_alias(&t->ram_alias, NULL, "t-ram", ram, 0,
                             PCI_FIXTURE_RAM_SIZE);
    memory_region_init_io(&t->rec, NULL, &rec_ops, t, "t-rec", 0x1000);
    memory_region_add_subregion(&t->root, 0, &t->ram_alias);
    memory_region_add_subregion(&t->root, REC_IOVA, &t->rec);
    address_space_init(&t->as, &t->root, "t-iommu-as");
}

static void t_fini(TestIOMMU *t)
{
    address_space_destroy(&t->as);
    memory_region_destroy(&t->ram_alias);
    memory_region_destroy(&t->rec);
    memory_region_destroy(&t->root);
}

static MemoryRegion *fixture_ram_region(void)
{
    MemoryRegionSection s;

    g_assert_true(address_space_find_section(&address_space_memory,
                                             PCI_FIXTURE_RAM_BASE, 1, &s));
    return s.mr;
}

static void test_iommu_lookup(void)
{
    PCIBus *root = pci_fixture_init();
    TestIOMMU t0, t1;
    PCIDevice *d, *br, *ep, *pxb, *rp, *pep;
    PCIBus *ib, *rb, *pb;
    int devfn;

    t_init(&t0, fixture_ram_region());
    t_init(&t1, fixture_ram_region());
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(3, 0), NULL);
    g_assert(d->iommu_as == &address_space_memory);
    g_assert_false(pci_device_get_iommu_bus_devfn(d, &ib, &rb, &devfn));
    g_assert_cmpint(pci_device_get_viommu_flags(d), ==, 0);
    g_assert_true(pci_device_set_iommu_device(d, NULL, &error_abort));

    /* Set up after the function exists: it is rebound at once. */
    pci_setup_iommu(root, &t_ops, &t0);
    g_assert(d->iommu_as == &t0.as);
    g_assert(t0.bus == root);
    g_assert_cmpint(t0.devfn, ==, DEVFN(3, 0));
    g_assert(pci_device_iommu_address_space(d) == &t0.as);
    g_assert_true(pci_device_get_iommu_bus_devfn(d, &ib, &rb, &devfn));
    g_assert(ib == root && rb == root);
    g_assert_cmpint(devfn, ==, DEVFN(3, 0));
    g_assert_cmphex(pci_device_get_viommu_flags(d), ==,
                    VIOMMU_FLAG_WANT_NESTING_PARENT);
    g_assert_true(pci_device_set_iommu_device(d, NULL, &error_abort));
    pci_device_unset_iommu_device(d);
    g_assert_cmpint(t0.set_calls, ==, 1);
    g_assert_cmpint(t0.unset_calls, ==, 1);

    /* Below a bridge: pcie.0's ops, asked with the function's own bus. */
    br = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), NULL);
    ep = add(TYPE_PCIE_FIXTURE_DEV, pci_fixture_child_bus(br), 0, NULL);
    g_assert(ep->iommu_as == &t0.as);
    g_assert(t0.bus == pci_fixture_child_bus(br));
    g_assert_cmpint(t0.devfn, ==, 0);

    /* Another root complex: never pcie.0's ops. */
    pxb = add(TYPE_X_PXB, NULL, DEVFN(2, 0), NULL);
    pb = pci_fixture_child_bus(pxb);
    rp = add(TYPE_PCI_FIXTURE_BRIDGE, pb, 0, NULL);
    pep = add(TYPE_PCIE_FIXTURE_DEV, pci_fixture_child_bus(rp), 0, NULL);
    g_assert(pxb->iommu_as == &t0.as);  /* the pxb itself is on pcie.0 */
    g_assert(rp->iommu_as == &address_space_memory);
    g_assert(pep->iommu_as == &address_space_memory);
    g_assert_false(pci_device_get_iommu_bus_devfn(pep, &ib, NULL, NULL));

    /* Its own ops, for its functions only. */
    t1.calls = 0;
    pci_setup_iommu(pb, &t_ops, &t1);
    g_assert(pep->iommu_as == &t1.as);
    g_assert(rp->iommu_as == &t1.as);
    g_assert(t1.bus == pci_fixture_child_bus(rp));
    g_assert_cmpint(t1.calls, ==, 2);
    g_assert(ep->iommu_as == &t0.as);
    g_assert(d->iommu_as == &t0.as);

    /* Cleared: back to system memory. */
    pci_clear_iommu(pb);
    g_assert(pep->iommu_as == &address_space_memory);
    pci_clear_iommu(root);
    g_assert(d->iommu_as == &address_space_memory);
    g_assert(ep->iommu_as == &address_space_memory);
    t_fini(&t0);
    t_fini(&t1);
    pci_fixture_cleanup();
}

static void test_iommu_refuses(void)
{
    PCIBus *root = pci_fixture_init();
    TestIOMMU t;

    t_init(&t, fixture_ram_region());
    t.refuse_devfn = DEVFN(5, 0);
    pci_setup_iommu(root, &t_ops, &t);
    add_fails(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(5, 0),
              "test IOMMU: devfn 40 not supported");
    g_assert_null(root->devices[DEVFN(5, 0)]);
    g_assert_cmpint(t.calls, ==, 0);
    add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(6, 0), NULL);
    g_assert_cmpint(t.calls, ==, 1);
    pci_clear_iommu(root);
    t_fini(&t);
    pci_fixture_cleanup();
}

static void test_dma(void)
{
    PCIBus *root = pci_fixture_init();
    uint8_t *ram = pci_fixture_ram();
    TestIOMMU t;
    PCIDevice *d, *br, *ep;
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];
    int a = DEVFN(3, 0);

    t_init(&t, fixture_ram_region());
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);
    g_assert(pci_get_address_space(d) == &d->bus_master_as);

    /* No bus master: nothing reaches memory. */
    g_assert_cmpint(pci_dma_write(d, PCI_FIXTURE_RAM_BASE + 0x10, buf, 8),
                    ==, MEMTX_DECODE_ERROR);
    g_assert_cmpint(ram[0x10], ==, 0);
    g_assert_cmpint(pci_dma_read(d, PCI_FIXTURE_RAM_BASE, back, 8), !=,
                    MEMTX_OK);

    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpint(pci_dma_write(d, PCI_FIXTURE_RAM_BASE + 0x10, buf, 8),
                    ==, MEMTX_OK);
    g_assert_cmpmem(ram + 0x10, 8, buf, 8);
    memset(back, 0, sizeof(back));
    g_assert_cmpint(pci_dma_read(d, PCI_FIXTURE_RAM_BASE + 0x10, back, 8),
                    ==, MEMTX_OK);
    g_assert_cmpmem(back, 8, buf, 8);
    cfg_wr(0, a, PCI_COMMAND, 0, 2);
    g_assert_cmpint(pci_dma_write(d, PCI_FIXTURE_RAM_BASE + 0x20, buf, 8),
                    !=, MEMTX_OK);
    g_assert_cmpint(ram[0x20], ==, 0);

    /* Through the IOMMU's space: IOVA 0x100 is RAM + 0x100. */
    pci_setup_iommu(root, &t_ops, &t);
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpint(pci_dma_write(d, 0x100, buf, 8), ==, MEMTX_OK);
    g_assert_cmpmem(ram + 0x100, 8, buf, 8);

    /* The requester ID travels with the access. */
    g_assert_cmpint(stl_le_dma(pci_get_address_space(d), REC_IOVA,
                               0xabcd, pci_dma_attrs(d)), ==, MEMTX_OK);
    g_assert_true(t.rec_has_rid);
    g_assert_cmphex(t.rec_rid, ==, 0x0018);
    g_assert_cmphex(t.rec_val, ==, 0xabcd);

    /* Behind a bridge, numbered 3 then 4: computed at each access. */
    br = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), NULL);
    ep = add(TYPE_PCIE_FIXTURE_DEV, pci_fixture_child_bus(br), 0, NULL);
    cfg_wr(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 0x030300, 4);
    cfg_wr(3, 0, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpint(pci_dma_write(ep, REC_IOVA, buf, 4), ==, MEMTX_OK);
    g_assert_cmphex(t.rec_rid, ==, 0x0300);
    cfg_wr(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 0x040400, 4);
    g_assert_cmpint(pci_dma_write(ep, REC_IOVA, buf, 4), ==, MEMTX_OK);
    g_assert_cmphex(t.rec_rid, ==, 0x0400);

    pci_clear_iommu(root);
    t_fini(&t);
    pci_fixture_cleanup();
}

/* ---- hotplug flags and query-pci ---- */

static void test_hotplug_flags(void)
{
    PCIBus *root = pci_fixture_init();
    ObjectClass *oc = object_class_by_name(TYPE_PCI_DEVICE);
    DeviceClass *dc = DEVICE_CLASS(oc);

    g_assert_true(dc->hotpluggable);
    g_assert_cmpstr(dc->bus_type, ==, TYPE_PCI_BUS);
    g_assert_true(object_class_is_abstract(oc));
    /* A bare root bus has no hotplug handler. */
    g_assert_false(qbus_is_hotpluggable(BUS(root)));
    pci_fixture_cleanup();
}

static void test_query_pci(void)
{
    PCIDevice *d, *br, *pxb, *rp;
    JsonNode *ret;
    JsonArray *list, *devs, *regs, *below;
    JsonObject *dev, *reg, *bridge, *bus, *range;
    g_autofree char *text = NULL;

    pci_fixture_init();
    d = add(TYPE_PCI_FIXTURE_DEV, NULL, DEVFN(3, 0), "qd");
    br = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), "qbr");
    add(TYPE_PCIE_FIXTURE_DEV, pci_fixture_child_bus(br), 0, "qep");
    pxb = add(TYPE_X_PXB, NULL, DEVFN(2, 0), NULL);
    rp = add(TYPE_PCI_FIXTURE_BRIDGE, pci_fixture_child_bus(pxb), 0, "qrp");
    cfg_wr(0, DEVFN(3, 0), PCI_BASE_ADDRESS_0, BAR0_ADDR, 4);
    cfg_wr(0, DEVFN(3, 0), PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_nonnull(d);
    g_assert_nonnull(rp);

    ret = pci_fixture_query_pci();
    text = json_to_string(ret, FALSE);
    list = json_node_get_array(ret);
    /* Newest root first: the pxb's bus, then pcie.0. */
    g_assert_cmpint(json_array_get_length(list), ==, 2);
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(list, 0), "bus"), ==,
                    X_PXB_BUS_NR);
    bus = json_array_get_object_element(list, 1);
    g_assert_cmpint(json_object_get_int_member(bus, "bus"), ==, 0);
    devs = json_object_get_array_member(bus, "devices");
    g_assert_cmpint(json_array_get_length(devs), ==, 3);

    /* devfn order: the bridge (1.0), the pxb (2.0), the endpoint. */
    dev = json_array_get_object_element(devs, 2);
    g_assert_cmpint(json_object_get_int_member(dev, "slot"), ==, 3);
    g_assert_cmpint(json_object_get_int_member(dev, "function"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(dev, "qdev_id"), ==, "qd");
    g_assert_cmpint(json_object_get_int_member(dev, "irq_pin"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(dev, "irq"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(dev, "class_info"),
                        "class"), ==, PCI_CLASS_OTHERS);
    g_assert_false(json_object_has_member(
                        json_object_get_object_member(dev, "class_info"),
                        "desc"));
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(dev, "id"),
                        "subsystem-vendor"), ==,
                    PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    regs = json_object_get_array_member(dev, "regions");
    g_assert_cmpint(json_array_get_length(regs), ==, 4);
    reg = json_array_get_object_element(regs, 0);
    g_assert_cmpint(json_object_get_int_member(reg, "bar"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(reg, "type"), ==,
                    "memory");
    g_assert_cmpint(json_object_get_int_member(reg, "address"), ==,
                    BAR0_ADDR);
    g_assert_cmpint(json_object_get_int_member(reg, "size"), ==, 0x1000);
    g_assert_false(json_object_get_boolean_member(reg, "prefetch"));
    g_assert_false(json_object_get_boolean_member(reg, "mem_type_64"));
    reg = json_array_get_object_element(regs, 1);
    g_assert_cmpstr(json_object_get_string_member(reg, "type"), ==, "io");
    g_assert_false(json_object_has_member(reg, "prefetch"));
    g_assert_cmpint(json_object_get_int_member(reg, "address"), ==, -1);
    reg = json_array_get_object_element(regs, 2);
    g_assert_true(json_object_get_boolean_member(reg, "prefetch"));
    g_assert_true(json_object_get_boolean_member(reg, "mem_type_64"));
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(regs, 3), "bar"), ==,
                    PCI_ROM_SLOT);

    /* The bridge: no subsystem IDs, bus numbers and windows. */
    dev = json_array_get_object_element(devs, 0);
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(dev, "class_info"),
                        "desc"), ==, "PCI bridge");
    g_assert_false(json_object_has_member(
                        json_object_get_object_member(dev, "id"),
                        "subsystem"));
    bridge = json_object_get_object_member(dev, "pci_bridge");
    bus = json_object_get_object_member(bridge, "bus");
    g_assert_cmpint(json_object_get_int_member(bus, "secondary"), ==, 0);
    range = json_object_get_object_member(bus, "memory_range");
    g_assert_cmpint(json_object_get_int_member(range, "base"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(range, "limit"), ==,
                    0xfffff);
    /* Not numbered yet: no devices listed. */
    g_assert_false(json_object_has_member(bridge, "devices"));
    json_node_unref(ret);
    g_clear_pointer(&text, g_free);

    /* Numbered: the function below shows, with its bus number. */
    cfg_wr(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 0x020200, 4);
    cfg_wr(0, DEVFN(1, 0), PCI_MEMORY_BASE, 0x10201010, 4);
    ret = pci_fixture_query_pci();
    list = json_node_get_array(ret);
    devs = json_object_get_array_member(
        json_array_get_object_element(list, 1), "devices");
    bridge = json_object_get_object_member(
        json_array_get_object_element(devs, 0), "pci_bridge");
    bus = json_object_get_object_member(bridge, "bus");
    g_assert_cmpint(json_object_get_int_member(bus, "number"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(bus, "secondary"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(bus, "subordinate"), ==, 2);
    below = json_object_get_array_member(bridge, "devices");
    g_assert_cmpint(json_array_get_length(below), ==, 1);
    dev = json_array_get_object_element(below, 0);
    g_assert_cmpint(json_object_get_int_member(dev, "bus"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(dev, "qdev_id"), ==,
                    "qep");
    json_node_unref(ret);
    pci_fixture_cleanup();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci/header", test_header);
    g_test_add_func("/pci/config-masks", test_config_masks);
    g_test_add_func("/pci/bar/sizing", test_bar_sizing);
    g_test_add_func("/pci/bar/mapping", test_bar_mapping);
    g_test_add_func("/pci/capabilities", test_capabilities);
    g_test_add_func("/pci/devfn", test_devfn);
    g_test_add_func("/pci/addr-property", test_addr_property);
    g_test_add_func("/pci/slot0-below-port", test_slot0_below_port);
    g_test_add_func("/pci/pxb-root", test_pxb_root);
    g_test_add_func("/pci/intx", test_intx);
    g_test_add_func("/pci/reset", test_reset);
    g_test_add_func("/pci/iommu/lookup", test_iommu_lookup);
    g_test_add_func("/pci/iommu/refuses", test_iommu_refuses);
    g_test_add_func("/pci/dma", test_dma);
    g_test_add_func("/pci/hotplug-flags", test_hotplug_flags);
    g_test_add_func("/pci/query-pci", test_query_pci);
    ret = g_test_run();
    /* Nothing may be left in system memory. */
    memory_system_teardown();
    return ret;
}
