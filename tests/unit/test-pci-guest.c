/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of what a guest can get wrong and the PCI core must survive
 * (found by fuzzing the virt machine and comparing it with QEMU 10):
 * bus numbers that do not nest (a secondary bus programmed without its
 * subordinate, a bridge whose secondary bus number is the number of the
 * bus it sits on) for the bus lookup and query-pci, and a function whose
 * DMA comes back to itself.
 *
 * Test type defined here: a minimal PCI Express bridge (type 1 header,
 * secondary bus numbered from its config registers, the parent's
 * windows).
 */
#include "qemu/osdep.h"
#include "pci-fixture.h"

#define DEVFN(s, f) PCI_DEVFN((s), (f))

static uint32_t cfg_rd(int bus, int devfn, uint32_t off, unsigned len)
{
    return pci_fixture_cfg_read(bus, devfn, off, len);
}

static void cfg_wr(int bus, int devfn, uint32_t off, uint32_t v,
                   unsigned len)
{
    pci_fixture_cfg_write(bus, devfn, off, v, len);
}

static PCIDevice *add(const char *type, PCIBus *bus, int devfn,
                      const char *id)
{
    return pci_fixture_add(type, bus, devfn, id, &error_abort);
}

/* ---- bus numbers ---- */

/*
 * Bus numbers a guest gets wrong: QEMU's lookup answers for a bridge's
 * own secondary bus whatever its subordinate register says, needs the
 * range only for the buses further down, and a bridge whose secondary
 * bus number is its own bus's neither loops the lookup nor query-pci.
 */
static void test_bus_numbers_odd(void)
{
    PCIBus *root = pci_fixture_init();
    PCIDevice *br1 = add(TYPE_PCI_FIXTURE_BRIDGE, NULL, DEVFN(1, 0), "br1");
    PCIBus *sec1 = pci_fixture_child_bus(br1);
    PCIDevice *br2 = add(TYPE_PCI_FIXTURE_BRIDGE, sec1, 0, "br2");
    PCIBus *sec2 = pci_fixture_child_bus(br2);
    PCIDevice *ep = add(TYPE_PCIE_FIXTURE_DEV, sec2, 0, NULL);
    JsonNode *ret;
    JsonObject *dev, *bridge;
    JsonArray *devs;

    /* Secondary bus programmed alone: subordinate (0) below it. */
    cfg_wr(0, DEVFN(1, 0), PCI_SECONDARY_BUS, 1, 1);
    g_assert(pci_find_bus_nr(root, 1) == sec1);
    g_assert_cmphex(cfg_rd(1, 0, PCI_DEVICE_ID, 2), ==, 0x000c);
    /* The bus behind it needs br1's range to cover it. */
    cfg_wr(1, 0, PCI_SECONDARY_BUS, 2, 1);
    g_assert(pci_find_bus_nr(root, 2) == NULL);
    g_assert_cmphex(cfg_rd(2, 0, PCI_VENDOR_ID, 2), ==, 0xffff);
    cfg_wr(0, DEVFN(1, 0), PCI_SUBORDINATE_BUS, 2, 1);
    g_assert(pci_find_bus_nr(root, 2) == sec2);
    g_assert(pci_find_device(root, 2, 0) == ep);

    /* br2's secondary bus number is its own bus's, with a wide range. */
    cfg_wr(1, 0, PCI_SECONDARY_BUS, 1, 1);
    cfg_wr(1, 0, PCI_SUBORDINATE_BUS, 0xff, 1);
    cfg_wr(0, DEVFN(1, 0), PCI_SUBORDINATE_BUS, 0xff, 1);
    g_assert(pci_find_bus_nr(root, 1) == sec1);
    g_assert(pci_find_bus_nr(root, 7) == NULL);
    g_assert_cmphex(cfg_rd(7, 0, PCI_VENDOR_ID, 2), ==, 0xffff);
    ret = pci_fixture_query_pci();
    devs = json_object_get_array_member(
        json_array_get_object_element(json_node_get_array(ret), 0),
        "devices");
    g_assert_cmpint(json_array_get_length(devs), ==, 1);
    bridge = json_object_get_object_member(
        json_array_get_object_element(devs, 0), "pci_bridge");
    devs = json_object_get_array_member(bridge, "devices");
    g_assert_cmpint(json_array_get_length(devs), ==, 1);
    dev = json_array_get_object_element(devs, 0);
    g_assert_cmpstr(json_object_get_string_member(dev, "qdev_id"), ==,
                    "br2");
    /* br2's "secondary bus" is the one it sits on: not listed again. */
    bridge = json_object_get_object_member(dev, "pci_bridge");
    g_assert_false(json_object_has_member(bridge, "devices"));
    json_node_unref(ret);

    /* Secondary bus 0 is pcie.0's number: pcie.0 answers. */
    cfg_wr(0, DEVFN(1, 0), PCI_SECONDARY_BUS, 0, 1);
    g_assert(pci_find_bus_nr(root, 0) == root);
    g_assert(pci_find_device(root, 0, DEVFN(1, 0)) == br1);
    pci_fixture_cleanup();
}

/* ---- DMA that comes back ---- */

/*
 * A register that answers every write with a DMA write of the function
 * that owns it, back to itself: the loop a guest builds by pointing a
 * function's DMA (or MSI) at its own BAR.
 */
typedef struct LoopBack {
    MemoryRegion mr;
    PCIDevice *dev;
    int writes;
    MemTxResult inner;
    bool busy_inside;
} LoopBack;

#define LOOP_ADDR 0x50000000ULL     /* outside the fixture's windows */

static void loop_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    LoopBack *l = opaque;
    uint32_t v = val;

    l->writes++;
    l->busy_inside = pci_bus_master_in_progress();
    l->inner = pci_dma_write(l->dev, LOOP_ADDR, &v, 4);
}

static const MemoryRegionOps loop_ops = {
    .write = loop_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void test_dma_reentry(void)
{
    LoopBack l = { 0 };
    uint32_t v = 1, back = 0xffffffff;
    int a = DEVFN(3, 0);

    pci_fixture_init();
    l.dev = add(TYPE_PCI_FIXTURE_DEV, NULL, a, NULL);
    memory_region_init_io(&l.mr, NULL, &loop_ops, &l, "loop-back", 4);
    memory_region_add_subregion(get_system_memory(), LOOP_ADDR, &l.mr);
    cfg_wr(0, a, PCI_COMMAND, PCI_COMMAND_MASTER, 2);

    /* The outer write lands once; the one it provokes is refused. */
    g_assert_false(pci_bus_master_in_progress());
    g_assert_cmpint(pci_dma_write(l.dev, LOOP_ADDR, &v, 4), ==, MEMTX_OK);
    g_assert_cmpint(l.writes, ==, 1);
    g_assert_true(l.busy_inside);
    g_assert_cmpint(l.inner, ==, MEMTX_ERROR);
    g_assert_false(pci_bus_master_in_progress());
    g_assert_false(l.dev->bus_master_busy);
    /* The function's next access works; a refused read reads zeros. */
    g_assert_cmpint(pci_dma_write(l.dev, PCI_FIXTURE_RAM_BASE, &v, 4), ==,
                    MEMTX_OK);
    g_assert_true(pci_bus_master_enter(l.dev));
    g_assert_false(pci_bus_master_enter(l.dev));
    g_assert_cmpint(pci_dma_read(l.dev, PCI_FIXTURE_RAM_BASE, &back, 4), ==,
                    MEMTX_ERROR);
    g_assert_cmphex(back, ==, 0);
    pci_bus_master_exit(l.dev);
    g_assert_false(pci_bus_master_in_progress());

    memory_region_del_subregion(get_system_memory(), &l.mr);
    memory_region_destroy(&l.mr);
    pci_fixture_cleanup();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci-guest/bus-numbers", test_bus_numbers_odd);
    g_test_add_func("/pci-guest/dma-reentry", test_dma_reentry);
    ret = g_test_run();
    /* Nothing may be left in system memory. */
    memory_system_teardown();
    return ret;
}
