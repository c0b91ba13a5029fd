/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of PCI-PCI bridges and "pcie-root-port" on the PCI fixture
 * bus: the type 1 header and slot registers (values and write masks as
 * QEMU 10's port has them), bus numbers, the forwarding windows, the
 * secondary bus reset, INTx swizzling, and PCI Express native hotplug:
 * plug, unplug request, the guest's power-off, the hotplug interrupt
 * through MSI-X (with masking) and INTx, and the error cases.
 */
#include "qemu/osdep.h"
#include "hw/pci/pcie_port.h"
#include "qemu/keyval.h"
#include "pci-fixture.h"

#define RP_SLOT     2
#define RP_DEVFN    PCI_DEVFN(RP_SLOT, 0)
#define RP_SSVID    0x40
#define RP_MSIX     0x48
#define RP_EXP      0x54
#define RP_SLTCAP   (RP_EXP + PCI_EXP_SLTCAP)
#define RP_SLTCTL   (RP_EXP + PCI_EXP_SLTCTL)
#define RP_SLTSTA   (RP_EXP + PCI_EXP_SLTSTA)
#define RP_LNKSTA   (RP_EXP + PCI_EXP_LNKSTA)

/* Where the tests put things in the fixture's windows. */
#define RP_BAR0     0x10200000u         /* the port's MSI-X BAR */
#define EP_BAR0     0x10100000u         /* endpoint, 32-bit memory */
#define EP_BAR1     0x1000u             /* endpoint, I/O */
#define EP_BAR2     0x8000000000ull     /* endpoint, 64-bit prefetchable */
#define MSI_OFF     0x100               /* message target in fixture RAM */
#define MSI_DATA    0xabcd0001u

static uint32_t rd(int bus, int devfn, uint32_t off, unsigned len)
{
    return pci_fixture_cfg_read(bus, devfn, off, len);
}

static void wr(int bus, int devfn, uint32_t off, uint32_t val, unsigned len)
{
    pci_fixture_cfg_write(bus, devfn, off, val, len);
}

static uint32_t rp_rd(uint32_t off, unsigned len)
{
    return rd(0, RP_DEVFN, off, len);
}

static void rp_wr(uint32_t off, uint32_t val, unsigned len)
{
    wr(0, RP_DEVFN, off, val, len);
}

static uint32_t mem_rd(uint64_t addr)
{
    return address_space_ldl_le(&address_space_memory, addr,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static void mem_wr(uint64_t addr, uint32_t val)
{
    address_space_stl_le(&address_space_memory, addr, val,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

static DeviceState *add(const char *opts, Error **errp)
{
    g_autoptr(JsonObject) o = keyval_parse(opts, "driver", NULL,
                                           &error_abort);

    return qdev_device_add(o, true, errp);
}

static void add_fails(const char *opts, const char *msg)
{
    Error *err = NULL;

    g_assert_null(add(opts, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

/* A root port at 00:02.0 with id rp1, after a machine reset. */
static PCIDevice *rp_new(const char *props)
{
    g_autofree char *opts = g_strdup_printf("pcie-root-port,bus=pcie.0,"
                                            "addr=2.0,id=rp1%s%s",
                                            props ? "," : "",
                                            props ? props : "");
    DeviceState *dev;

    pci_fixture_init();
    dev = add(opts, &error_abort);
    device_cold_reset(dev);
    return PCI_DEVICE(dev);
}

static PCIBus *sec_bus(PCIDevice *rp)
{
    return pci_bridge_get_sec_bus(PCI_BRIDGE(rp));
}

static uint32_t msi_seen(void)
{
    uint8_t *p = pci_fixture_ram() + MSI_OFF;
    uint32_t v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;

    memset(p, 0, 4);
    return v;
}

/*
 * The guest's set-up: bus 1 behind the port, a memory window over the
 * port's own BAR (which must still decode: the window's container is
 * empty there), MSI-X vector 0 live.
 */
static void rp_enable_msix(bool masked)
{
    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    rp_wr(PCI_MEMORY_BASE, 0x3ee01000, 4);
    rp_wr(PCI_BASE_ADDRESS_0, RP_BAR0, 4);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    mem_wr(RP_BAR0 + PCI_MSIX_ENTRY_LOWER_ADDR,
           PCI_FIXTURE_RAM_BASE + MSI_OFF);
    mem_wr(RP_BAR0 + PCI_MSIX_ENTRY_UPPER_ADDR, 0);
    mem_wr(RP_BAR0 + PCI_MSIX_ENTRY_DATA, MSI_DATA);
    mem_wr(RP_BAR0 + PCI_MSIX_ENTRY_VECTOR_CTRL, masked);
    rp_wr(RP_MSIX + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    msi_seen();
}

static void finish(void)
{
    qdev_hotplug = false;
    pci_fixture_cleanup();
}

/* ---- registers ---- */

static void test_header(void)
{
    PCIDevice *rp = rp_new("chassis=1,slot=3,port=5");

    g_assert_cmphex(rp_rd(PCI_VENDOR_ID, 4), ==, 0x000c1b36);
    g_assert_cmphex(rp_rd(PCI_CLASS_REVISION, 4), ==, 0x06040000);
    g_assert_cmphex(rp_rd(PCI_HEADER_TYPE, 1), ==, PCI_HEADER_TYPE_BRIDGE);
    g_assert_cmpint(rp->config_size, ==, PCIE_CONFIG_SPACE_SIZE);
    /* Windows closed after reset: base above limit; 16/64-bit types. */
    g_assert_cmphex(rp_rd(PCI_IO_BASE, 4), ==, 0x000000f0);
    g_assert_cmphex(rp_rd(PCI_MEMORY_BASE, 4), ==, 0x0000fff0);
    g_assert_cmphex(rp_rd(PCI_PREF_MEMORY_BASE, 4), ==, 0x0001fff1);
    g_assert_cmphex(rp_rd(PCI_INTERRUPT_LINE, 4), ==, 0x00000100);

    /* Capabilities where QEMU has them: 0x54 -> 0x48 -> 0x40. */
    g_assert_cmphex(rp_rd(PCI_CAPABILITY_LIST, 1), ==, RP_EXP);
    g_assert_cmphex(rp_rd(RP_EXP, 4), ==, 0x01424810);
    g_assert_cmphex(rp_rd(RP_MSIX, 4), ==, 0x00004011);
    g_assert_cmphex(rp_rd(RP_MSIX + 4, 4), ==, 0x00000000);
    g_assert_cmphex(rp_rd(RP_MSIX + 8, 4), ==, 0x00000800);
    g_assert_cmphex(rp_rd(RP_SSVID, 4), ==, 0x0000000d);
    g_assert_cmphex(rp_rd(RP_SSVID + 4, 4), ==, 0x00001b36);
    g_assert_cmphex(rp_rd(RP_EXP + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_RBER,
                    ==, PCI_EXP_DEVCAP_RBER);
    /* Port 5, x32 16 GT/s, L0s, link active reporting, bandwidth. */
    g_assert_cmphex(rp_rd(RP_EXP + PCI_EXP_LNKCAP, 4), ==, 0x05300604);
    g_assert_cmphex(rp_rd(RP_LNKSTA, 2), ==, 0x0204);
    /* Slot 3, interlock, hot-plug capable and surprise, PCP, AIP... */
    g_assert_cmphex(rp_rd(RP_SLTCAP, 4), ==, 0x001a007b);
    /* Empty after reset: indicators off, power off. */
    g_assert_cmphex(rp_rd(RP_SLTCTL, 2), ==, 0x07c0);
    g_assert_cmphex(rp_rd(RP_SLTSTA, 2), ==, 0x0000);
    g_assert_cmphex(rp_rd(RP_EXP + PCI_EXP_DEVCAP2, 4), ==, 0x00300020);
    g_assert_cmphex(rp_rd(RP_EXP + PCI_EXP_LNKCAP2, 4), ==, 0x0000001e);
    g_assert_cmphex(rp_rd(RP_EXP + PCI_EXP_LNKCTL2, 2), ==, 0x0004);

    /* AER at 0x100 linking to ACS at 0x148. */
    g_assert_cmphex(rp_rd(0x100, 4), ==, 0x14820001);
    g_assert_cmphex(rp_rd(0x108, 4), ==, 0x02400000);
    g_assert_cmphex(rp_rd(0x10c, 4), ==, 0x00462030);
    g_assert_cmphex(rp_rd(0x114, 4), ==, 0x0000e000);
    g_assert_cmphex(rp_rd(0x118, 4), ==, 0x000002a0);
    g_assert_cmphex(rp_rd(0x148, 4), ==, 0x0001000d);
    g_assert_cmphex(rp_rd(0x14c, 4), ==, 0x0000005f);
    g_assert_cmphex(pcie_find_capability(rp, PCI_EXT_CAP_ID_ACS), ==, 0x148);
    finish();
}

/* What reads back after writing all ones, then all zeros (QEMU 10). */
static const struct {
    uint32_t off, ones, zeros;
} rp_masks[] = {
    { PCI_COMMAND, 0x00100507, 0x00100000 },
    { PCI_CACHE_LINE_SIZE, 0x000100ff, 0x00010000 },
    { PCI_BASE_ADDRESS_0, 0xfffff000, 0x00000000 },
    { PCI_BASE_ADDRESS_1, 0x00000000, 0x00000000 },
    { PCI_PRIMARY_BUS, 0x00ffffff, 0x00000000 },
    { PCI_IO_BASE, 0x0000f0f0, 0x00000000 },
    { PCI_MEMORY_BASE, 0xfff0fff0, 0x00000000 },
    { PCI_PREF_MEMORY_BASE, 0xfff1fff1, 0x00010001 },
    { PCI_PREF_BASE_UPPER32, 0xffffffff, 0x00000000 },
    { PCI_PREF_LIMIT_UPPER32, 0xffffffff, 0x00000000 },
    { PCI_IO_BASE_UPPER16, 0x00000000, 0x00000000 },
    { PCI_ROM_ADDRESS1, 0x00000000, 0x00000000 },
    { PCI_INTERRUPT_LINE, 0x005f01ff, 0x00000100 },
    { RP_SSVID, 0x0000000d, 0x0000000d },
    { RP_MSIX, 0xc0004011, 0x00004011 },
    { RP_EXP + PCI_EXP_DEVCTL, 0x0000000f, 0x00000000 },
    { RP_SLTCTL, 0x009007f9, 0x00900000 },
    { RP_EXP + PCI_EXP_RTCTL, 0x00000007, 0x00000000 },
    { RP_EXP + PCI_EXP_DEVCTL2, 0x00008020, 0x00000000 },
    { RP_EXP + PCI_EXP_LNKCTL2, 0x00000004, 0x00000004 },
    { 0x90, 0xffffffff, 0x00000000 },
    { 0x108, 0x03fff030, 0x00000000 },
    { 0x10c, 0x03fff030, 0x00000000 },
    { 0x114, 0x0000f1c1, 0x00000000 },
    { 0x118, 0x000007e0, 0x000002a0 },
    { 0x12c, 0x00000007, 0x00000000 },
    { 0x14c, 0x005f005f, 0x0000005f },
};

static void test_masks(void)
{
    unsigned i;

    rp_new("chassis=1,slot=3");
    for (i = 0; i < ARRAY_SIZE(rp_masks); i++) {
        uint32_t off = rp_masks[i].off;
        uint32_t orig = rp_rd(off, 4);

        rp_wr(off, 0xffffffff, 4);
        g_assert_cmphex(rp_rd(off, 4), ==, rp_masks[i].ones);
        rp_wr(off, 0, 4);
        g_assert_cmphex(rp_rd(off, 4), ==, rp_masks[i].zeros);
        rp_wr(off, orig, 4);
    }
    finish();
}

/* ---- bus numbers, windows, reset, INTx ---- */

static PCIDevice *rp_with_endpoint(PCIDevice **ep)
{
    PCIDevice *rp = rp_new(NULL);

    *ep = pci_fixture_add(TYPE_PCIE_FIXTURE_DEV, sec_bus(rp), 0, "ep",
                          &error_abort);
    device_cold_reset(DEVICE(rp));
    return rp;
}

static void test_bus_numbers(void)
{
    PCIDevice *ep;
    PCIDevice *rp = rp_with_endpoint(&ep);
    PCIBus *root = pci_fixture_bus();

    g_assert_cmpstr(BUS(sec_bus(rp))->name, ==, "rp1");
    g_assert_true(pci_bus_is_express(sec_bus(rp)));
    g_assert_false(pci_bus_is_root(sec_bus(rp)));
    /* Unprogrammed: nothing answers on bus 1. */
    g_assert_null(pci_find_bus_nr(root, 1));
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);

    rp_wr(PCI_PRIMARY_BUS, 0x00050500, 4);
    g_assert(pci_find_bus_nr(root, 5) == sec_bus(rp));
    g_assert_cmpint(pci_bus_num(sec_bus(rp)), ==, 5);
    g_assert_cmphex(pci_requester_id(ep), ==, 0x0500);
    g_assert_cmphex(rd(5, 0, PCI_VENDOR_ID, 4), ==,
                    PCI_FIXTURE_DEVICE << 16 | PCI_FIXTURE_VENDOR);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);
    /* Reset forgets the numbers. */
    device_cold_reset(DEVICE(rp));
    g_assert_null(pci_find_bus_nr(root, 5));
    finish();
}

static void test_windows(void)
{
    PCIDevice *ep;
    PCIDevice *rp = rp_with_endpoint(&ep);

    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    wr(1, 0, PCI_BASE_ADDRESS_0, EP_BAR0, 4);
    wr(1, 0, PCI_BASE_ADDRESS_1, EP_BAR1, 4);
    wr(1, 0, PCI_BASE_ADDRESS_2, (uint32_t)EP_BAR2, 4);
    wr(1, 0, PCI_BASE_ADDRESS_3, EP_BAR2 >> 32, 4);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(pci_get_bar_addr(ep, 0), ==, EP_BAR0);

    /* Decoded on the secondary bus, but the bridge forwards nothing. */
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    rp_wr(PCI_MEMORY_BASE, 0x10101010, 4);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, PCI_FIXTURE_MAGIC);
    /* A window elsewhere does not cover it. */
    rp_wr(PCI_MEMORY_BASE, 0x10201020, 4);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    /* Base above limit: closed. */
    rp_wr(PCI_MEMORY_BASE, 0x10001010, 4);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    rp_wr(PCI_MEMORY_BASE, 0x10101010, 4);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, PCI_FIXTURE_MAGIC);

    /* The 64-bit prefetchable window, above 4 GiB. */
    g_assert_cmphex(mem_rd(EP_BAR2), ==, 0);
    rp_wr(PCI_PREF_MEMORY_BASE, 0x00010001, 4);
    rp_wr(PCI_PREF_BASE_UPPER32, EP_BAR2 >> 32, 4);
    rp_wr(PCI_PREF_LIMIT_UPPER32, EP_BAR2 >> 32, 4);
    g_assert_cmphex(mem_rd(EP_BAR2), ==, PCI_FIXTURE_MAGIC);
    g_assert_cmphex(pci_bridge_get_base(rp, PCI_BASE_ADDRESS_SPACE_MEMORY |
                                        PCI_BASE_ADDRESS_MEM_PREFETCH), ==,
                    EP_BAR2);
    g_assert_cmphex(pci_bridge_get_limit(rp, PCI_BASE_ADDRESS_SPACE_MEMORY |
                                         PCI_BASE_ADDRESS_MEM_PREFETCH), ==,
                    EP_BAR2 + 0xfffff);

    /* I/O: 4 KiB granular, needs the command register's I/O enable. */
    rp_wr(PCI_IO_BASE, 0x1010, 2);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + EP_BAR1), ==, 0);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + EP_BAR1), ==,
                    PCI_FIXTURE_MAGIC);
    g_assert_cmphex(pci_bridge_get_limit(rp, PCI_BASE_ADDRESS_SPACE_IO), ==,
                    0x1fff);

    /* Memory enable off closes both memory windows. */
    rp_wr(PCI_COMMAND, PCI_COMMAND_IO, 2);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    g_assert_cmphex(mem_rd(EP_BAR2), ==, 0);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + EP_BAR1), ==,
                    PCI_FIXTURE_MAGIC);

    /* Reset closes everything. */
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, PCI_FIXTURE_MAGIC);
    device_cold_reset(DEVICE(rp));
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    g_assert_cmphex(mem_rd(PCI_FIXTURE_PIO_BASE + EP_BAR1), ==, 0);
    finish();
}

static void test_secondary_reset(void)
{
    PCIDevice *ep;

    rp_with_endpoint(&ep);
    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    g_assert_cmphex(rd(1, 0, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    /* The rising edge of the reset bit resets the bus below. */
    rp_wr(PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_BUS_RESET, 2);
    g_assert_cmphex(pci_get_word(ep->config + PCI_COMMAND), ==, 0);
    rp_wr(PCI_BRIDGE_CONTROL, 0, 2);
    g_assert_cmphex(rd(1, 0, PCI_COMMAND, 2), ==, 0);
    /* Writing it again while set is no new edge. */
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    rp_wr(PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_BUS_RESET, 2);
    g_assert_cmphex(pci_get_word(ep->config + PCI_COMMAND), ==, 0);
    /*
     * While the reset bit is held, the secondary bus itself still
     * answers configuration requests, as in QEMU (only the buses behind
     * it drop out of the bus number lookup).
     */
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(rd(1, 0, PCI_COMMAND, 2), ==, PCI_COMMAND_MEMORY);
    rp_wr(PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_BUS_RESET, 2);
    g_assert_cmphex(pci_get_word(ep->config + PCI_COMMAND), ==,
                    PCI_COMMAND_MEMORY);
    finish();
}

static void test_intx_swizzle(void)
{
    PCIDevice *ep;
    int line;

    rp_with_endpoint(&ep);
    /* INTA of device 0 below the port is the port's INTA: slot 2. */
    line = (0 + RP_SLOT) % PCI_NUM_PINS;
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 0);
    pci_set_irq(ep, 1);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 1);
    g_assert_cmpint(pci_fixture_intx_level((line + 1) % 4), ==, 0);
    pci_set_irq(ep, 0);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 0);
    finish();
}

/* ---- hotplug ---- */

static uint16_t sltsta(void)
{
    return rp_rd(RP_SLTSTA, 2);
}

static uint16_t sltctl(void)
{
    return rp_rd(RP_SLTCTL, 2);
}

/* Acknowledge exactly the events that are set, as pciehp does. */
static void ack(uint16_t events)
{
    g_assert_cmphex(sltsta() & events, ==, events);
    rp_wr(RP_SLTSTA, events, 2);
    g_assert_cmphex(sltsta() & events, ==, 0);
}

/* A Slot Control command: completes at once with an interrupt. */
static void command(uint16_t ctl)
{
    rp_wr(RP_SLTCTL, ctl, 2);
    g_assert_cmphex(sltsta() & PCI_EXP_SLTSTA_CC, ==, PCI_EXP_SLTSTA_CC);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    ack(PCI_EXP_SLTSTA_CC);
}

#define HP_ENABLES (PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_ABPE | \
                    PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_CCIE)
#define SLOT_OFF_CTL (HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_OFF | \
                      PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF)
#define SLOT_ON_CTL (HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_ON | \
                     PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON)

static void test_hotplug_handshake(void)
{
    PCIDevice *rp = rp_new("chassis=1,slot=1");
    DeviceState *e1;
    Error *err = NULL;

    rp_enable_msix(false);
    /* The guest enables hotplug events; the slot is empty and off. */
    command(SLOT_OFF_CTL);
    g_assert_cmphex(sltsta(), ==, 0);

    qdev_hotplug = true;
    e1 = add("x-pcie-fixture-dev,bus=rp1,id=e1", &error_abort);
    g_assert_true(e1->hotplugged);
    /* Presence, link up, and the interrupt for "presence changed". */
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(rp_rd(RP_LNKSTA, 2) & PCI_EXP_LNKSTA_DLLLA, ==,
                    PCI_EXP_LNKSTA_DLLLA);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    /* Writing all ones clears nothing (events not set are in it). */
    rp_wr(RP_SLTSTA, 0xffff, 2);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    ack(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(msi_seen(), ==, 0);
    /* The guest powers the slot on and enumerates. */
    command(SLOT_ON_CTL);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==,
                    PCI_FIXTURE_DEVICE << 16 | PCI_FIXTURE_VENDOR);

    /* Errors leave everything as it was. */
    add_fails("x-pcie-fixture-dev,bus=rp1,id=e2",
              "PCI: slot 0 function 0 already occupied by "
              "x-pcie-fixture-dev, new func x-pcie-fixture-dev cannot be "
              "exposed to guest.");
    add_fails("x-pcie-fixture-dev,bus=nope,id=e2", "Bus 'nope' not found");
    add_fails("x-pcie-fixture-dev,bus=rp1,id=e1", "Duplicate device ID 'e1'");
    add_fails("x-pcie-fixture-dev,bus=pcie.0,id=e2",
              "Bus 'pcie.0' does not support hotplugging");
    g_assert(sec_bus(rp)->devices[0] == PCI_DEVICE(e1));
    g_assert_null(sec_bus(rp)->devices[PCI_DEVFN(1, 0)]);
    g_assert_null(qdev_find_device("e2", NULL));
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS);
    g_assert_cmphex(msi_seen(), ==, 0);

    /* device_del: the attention button, nothing removed yet. */
    g_assert_true(qdev_unplug(e1, &error_abort));
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    g_assert(qdev_find_device("e1", &error_abort) == e1);
    g_assert_false(qdev_unplug(e1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device e1 is already in the process of unplug");
    g_clear_pointer(&err, error_free);
    ack(PCI_EXP_SLTSTA_ABP);

    /* The guest blinks the power indicator while it winds down. */
    command(HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_BLINK |
            PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON);
    g_assert(qdev_find_device("e1", &error_abort) == e1);

    /* The guest powers the slot off: the function goes. */
    rp_wr(RP_SLTCTL, SLOT_OFF_CTL, 2);
    g_assert_null(qdev_find_device("e1", NULL));
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);
    g_assert_cmphex(rp_rd(RP_LNKSTA, 2) & PCI_EXP_LNKSTA_DLLLA, ==, 0);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);
    ack(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);

    /* The slot takes a new function. */
    e1 = add("x-pcie-fixture-dev,bus=rp1,id=e1", &error_abort);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    finish();
}

static void test_unplug_powered_off(void)
{
    PCIDevice *rp = rp_new(NULL);
    DeviceState *e1;

    rp_enable_msix(false);
    command(SLOT_OFF_CTL);
    qdev_hotplug = true;
    e1 = add("x-pcie-fixture-dev,bus=rp1,id=e1", &error_abort);
    ack(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    /* The guest never powered it on: removal needs no round trip. */
    g_assert_true(qdev_unplug(e1, &error_abort));
    g_assert_null(qdev_find_device("e1", NULL));
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDC);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    finish();
}

/* Functions 1-7 first, function 0 last: the slot speaks up at 0. */
static void test_hotplug_multifunction(void)
{
    PCIDevice *rp = rp_new(NULL);

    rp_enable_msix(false);
    command(SLOT_OFF_CTL);
    qdev_hotplug = true;
    add("x-pcie-fixture-dev,bus=rp1,id=f1,addr=0.1", &error_abort);
    g_assert_cmphex(sltsta(), ==, 0);
    g_assert_cmphex(msi_seen(), ==, 0);
    /* Cancelling before function 0 came: no round trip with the guest. */
    g_assert_true(qdev_unplug(qdev_find_device("f1", &error_abort),
                              &error_abort));
    g_assert_null(qdev_find_device("f1", NULL));
    g_assert_cmphex(sltsta(), ==, 0);

    add("x-pcie-fixture-dev,bus=rp1,id=f1,addr=0.1", &error_abort);
    add("x-pcie-fixture-dev,bus=rp1,id=f0,addr=0.0,multifunction=on",
        &error_abort);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    ack(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    command(SLOT_ON_CTL);
    /* Powering off takes every function of the slot. */
    rp_wr(RP_SLTCTL, SLOT_OFF_CTL, 2);
    g_assert_null(qdev_find_device("f0", NULL));
    g_assert_null(qdev_find_device("f1", NULL));
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_null(sec_bus(rp)->devices[1]);
    finish();
}

static void test_guest_power_off(void)
{
    PCIDevice *ep;
    PCIDevice *rp = rp_with_endpoint(&ep);

    /* Present at boot: powered, no event (indicators off, as QEMU). */
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS);
    g_assert_cmphex(sltctl(), ==, 0x03c0);
    /* Link up; a function without a link of its own: the port's x32. */
    g_assert_cmphex(rp_rd(RP_LNKSTA, 2), ==, 0x2204);
    /* Power off without device_del: QEMU removes the function too. */
    qdev_hotplug = true;
    rp_wr(RP_SLTCTL, PCI_EXP_SLTCTL_PWR_IND_OFF |
          PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF, 2);
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_null(qdev_find_device("ep", NULL));
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);
    finish();
}

/*
 * A register window that turns writes into writes of the port's Slot
 * Control: what the guest gets by pointing a function's DMA or MSI at
 * the port's ECAM space.
 */
typedef struct SltctlWindow {
    MemoryRegion mr;
    int writes;
    bool busy_inside;
} SltctlWindow;

#define SLTCTL_WINDOW 0x50000000ULL     /* outside the fixture's windows */

static void sltctl_window_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    SltctlWindow *w = opaque;

    w->writes++;
    w->busy_inside = pci_bus_master_in_progress();
    rp_wr(RP_SLTCTL, val, 2);
}

static const MemoryRegionOps sltctl_window_ops = {
    .write = sltctl_window_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/*
 * The function in the slot powers the slot off with its own DMA: it is
 * still running when the write lands, so it must not be unrealized
 * under its feet; the unplug happens once its access has returned.
 */
static void test_power_off_by_dma(void)
{
    SltctlWindow w = { 0 };
    PCIDevice *ep;
    PCIDevice *rp = rp_with_endpoint(&ep);
    uint16_t off = PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF |
                   PCI_EXP_SLTCTL_PWR_OFF;

    memory_region_init_io(&w.mr, NULL, &sltctl_window_ops, &w,
                          "sltctl-window", 4);
    memory_region_add_subregion(get_system_memory(), SLTCTL_WINDOW, &w.mr);
    qdev_hotplug = true;
    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MASTER, 2);

    g_assert_cmpint(pci_dma_write(ep, SLTCTL_WINDOW, &off, 2), ==,
                    MEMTX_OK);
    g_assert_cmpint(w.writes, ==, 1);
    g_assert_true(w.busy_inside);
    /* Commanded and completed, but the function is still there. */
    g_assert_cmphex(sltctl() & PCI_EXP_SLTCTL_PCC, ==, PCI_EXP_SLTCTL_PCC);
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_CC);
    g_assert(sec_bus(rp)->devices[0] == ep);
    g_assert_true(DEVICE(ep)->realized);

    /* Back in the main loop: the power-off takes effect. */
    while (g_main_context_iteration(NULL, false)) {
        continue;
    }
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_null(qdev_find_device("ep", NULL));
    g_assert_cmphex(sltsta(), ==, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);
    g_assert_cmphex(rp_rd(RP_LNKSTA, 2) & PCI_EXP_LNKSTA_DLLLA, ==, 0);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);

    /* A CPU write (no bus-master access under way) acts at once. */
    ep = pci_fixture_add(TYPE_PCIE_FIXTURE_DEV, sec_bus(rp), 0, "ep2",
                         &error_abort);
    rp_wr(RP_SLTCTL, PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_ATTN_IND_OFF |
          PCI_EXP_SLTCTL_PWR_ON, 2);
    g_assert(sec_bus(rp)->devices[0] == ep);
    rp_wr(RP_SLTCTL, off, 2);
    g_assert_null(sec_bus(rp)->devices[0]);
    g_assert_null(qdev_find_device("ep2", NULL));

    memory_region_del_subregion(get_system_memory(), &w.mr);
    memory_region_destroy(&w.mr);
    finish();
}

/*
 * Slot power, as QEMU 10's port has it: a function in a slot whose power
 * controller is off answers no configuration request, decodes no BAR,
 * and comes back from reset when the guest turns the power on.
 */
static void test_slot_power(void)
{
    PCIDevice *rp = rp_new(NULL);
    DeviceState *e1;
    Error *err = NULL;
    uint16_t blink_off = PCI_EXP_SLTCTL_PWR_IND_BLINK |
                         PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF;

    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    rp_wr(PCI_MEMORY_BASE, 0x10101010, 4);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    /* Hot-added into the empty (unpowered) slot: not there yet. */
    g_assert_cmphex(sltctl() & PCI_EXP_SLTCTL_PCC, ==, PCI_EXP_SLTCTL_PCC);
    qdev_hotplug = true;
    e1 = add("x-pcie-fixture-dev,bus=rp1,id=e1", &error_abort);
    g_assert_false(PCI_DEVICE(e1)->has_power);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_word(PCI_DEVICE(e1)->config + PCI_COMMAND), ==,
                    0);
    /* The guest powers the slot on: the function appears. */
    rp_wr(RP_SLTCTL, SLOT_ON_CTL, 2);
    g_assert_true(PCI_DEVICE(e1)->has_power);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 2), ==, PCI_FIXTURE_VENDOR);
    wr(1, 0, PCI_BASE_ADDRESS_0, EP_BAR0, 4);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, PCI_FIXTURE_MAGIC);

    /*
     * Power off with the power indicator blinking: no unplug (that
     * needs the indicator off), but the function loses power and state.
     */
    rp_wr(RP_SLTCTL, blink_off, 2);
    g_assert(qdev_find_device("e1", &error_abort) == e1);
    g_assert_false(PCI_DEVICE(e1)->has_power);
    g_assert_cmphex(rd(1, 0, PCI_VENDOR_ID, 4), ==, 0xffffffff);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    rp_wr(RP_SLTCTL, SLOT_ON_CTL, 2);
    g_assert_cmphex(rd(1, 0, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(rd(1, 0, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);

    /* The interlock is checked before the function is placed (QEMU). */
    rp_wr(RP_SLTCTL, SLOT_ON_CTL | PCI_EXP_SLTCTL_EIC, 2);
    g_assert_null(add("x-pcie-fixture-dev,bus=rp1,id=e2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "slot is electromechanically locked: Device or resource "
                    "busy");
    g_clear_pointer(&err, error_free);
    g_assert(sec_bus(rp)->devices[0] == PCI_DEVICE(e1));
    finish();
}

static void test_msix_masked(void)
{
    rp_new(NULL);
    rp_enable_msix(true);
    rp_wr(RP_SLTCTL, SLOT_OFF_CTL, 2);
    /* Masked: no message, the PBA bit holds it. */
    g_assert_cmphex(msi_seen(), ==, 0);
    g_assert_cmphex(mem_rd(RP_BAR0 + 0x800) & 1, ==, 1);
    mem_wr(RP_BAR0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);
    g_assert_cmphex(mem_rd(RP_BAR0 + 0x800) & 1, ==, 0);

    /* The function mask holds it too. */
    ack(PCI_EXP_SLTSTA_CC);
    rp_wr(RP_MSIX + PCI_MSIX_FLAGS,
          PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
    pcie_cap_slot_push_attention_button(PCI_DEVICE(qdev_find_device(
                                            "rp1", &error_abort)));
    g_assert_cmphex(msi_seen(), ==, 0);
    g_assert_cmphex(mem_rd(RP_BAR0 + 0x800) & 1, ==, 1);
    rp_wr(RP_MSIX + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    g_assert_cmphex(msi_seen(), ==, MSI_DATA);

    /* No bus master: the message is lost. */
    ack(PCI_EXP_SLTSTA_ABP);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    pcie_cap_slot_push_attention_button(PCI_DEVICE(qdev_find_device(
                                            "rp1", &error_abort)));
    g_assert_cmphex(msi_seen(), ==, 0);
    finish();
}

static void test_intx_hotplug(void)
{
    PCIDevice *rp = rp_new(NULL);
    int line = RP_SLOT % PCI_NUM_PINS;

    /* MSI-X off: the port's INTA, level while an enabled event is set. */
    rp_wr(RP_SLTCTL, PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_ABPE |
          PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF |
          PCI_EXP_SLTCTL_PWR_OFF, 2);
    /* Command completed is not enabled: no interrupt for it. */
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 0);
    pcie_cap_slot_push_attention_button(rp);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 1);
    ack(PCI_EXP_SLTSTA_ABP);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 0);
    /* Disabling the interrupt while an event is pending lowers it. */
    pcie_cap_slot_push_attention_button(rp);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 1);
    rp_wr(RP_SLTCTL, PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PWR_IND_OFF |
          PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF, 2);
    g_assert_cmpint(pci_fixture_intx_level(line), ==, 0);
    finish();
}

static void test_no_hotplug(void)
{
    rp_new("hotplug=off");
    g_assert_cmphex(rp_rd(RP_SLTCAP, 4) &
                    (PCI_EXP_SLTCAP_HPC | PCI_EXP_SLTCAP_HPS), ==, 0);
    qdev_hotplug = true;
    add_fails("x-pcie-fixture-dev,bus=rp1,id=e1",
              "Hot-plug failed: unsupported by the port device 'rp1'");
    g_assert_null(qdev_find_device("e1", NULL));
    finish();
}

static void test_chassis(void)
{
    PCIDevice *rp = rp_new("chassis=4,slot=7");
    DeviceState *other;

    add_fails("pcie-root-port,bus=pcie.0,id=rp2,chassis=4,slot=7",
              "Can't add chassis slot, error -16");
    g_assert_null(qdev_find_device("rp2", NULL));
    other = add("pcie-root-port,bus=pcie.0,id=rp2,chassis=4,slot=8",
                &error_abort);
    g_assert_cmphex(pci_get_long(PCI_DEVICE(other)->config + RP_SLTCAP) >> 19,
                    ==, 8);
    /* Realized is as reset: empty, powered off. */
    g_assert_cmphex(pci_get_word(PCI_DEVICE(other)->config + RP_SLTCTL), ==,
                    0x07c0);
    /* The pair is free again once its port is gone. */
    object_unparent(OBJECT(rp));
    other = add("pcie-root-port,bus=pcie.0,id=rp3,chassis=4,slot=7",
                &error_abort);
    g_assert_nonnull(other);
    finish();
}

static void test_unrealize_populated(void)
{
    PCIDevice *ep;
    PCIDevice *rp = rp_with_endpoint(&ep);

    rp_wr(PCI_PRIMARY_BUS, 0x00010100, 4);
    wr(1, 0, PCI_BASE_ADDRESS_0, EP_BAR0, 4);
    wr(1, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    rp_wr(PCI_MEMORY_BASE, 0x10101010, 4);
    rp_wr(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(mem_rd(EP_BAR0), ==, PCI_FIXTURE_MAGIC);
    /* Removing the port removes what is behind it and its windows. */
    object_unparent(OBJECT(rp));
    g_assert_null(qdev_find_device("ep", NULL));
    g_assert_null(qdev_find_device("rp1", NULL));
    g_assert_cmphex(mem_rd(EP_BAR0), ==, 0);
    finish();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcie-port/header", test_header);
    g_test_add_func("/pcie-port/masks", test_masks);
    g_test_add_func("/pcie-port/bus-numbers", test_bus_numbers);
    g_test_add_func("/pcie-port/windows", test_windows);
    g_test_add_func("/pcie-port/secondary-reset", test_secondary_reset);
    g_test_add_func("/pcie-port/intx-swizzle", test_intx_swizzle);
    g_test_add_func("/pcie-port/hotplug/handshake", test_hotplug_handshake);
    g_test_add_func("/pcie-port/hotplug/unplug-powered-off",
                    test_unplug_powered_off);
    g_test_add_func("/pcie-port/hotplug/multifunction",
                    test_hotplug_multifunction);
    g_test_add_func("/pcie-port/hotplug/guest-power-off",
                    test_guest_power_off);
    g_test_add_func("/pcie-port/hotplug/power-off-by-dma",
                    test_power_off_by_dma);
    g_test_add_func("/pcie-port/hotplug/slot-power", test_slot_power);
    g_test_add_func("/pcie-port/hotplug/msix-masked", test_msix_masked);
    g_test_add_func("/pcie-port/hotplug/intx", test_intx_hotplug);
    g_test_add_func("/pcie-port/hotplug/disabled", test_no_hotplug);
    g_test_add_func("/pcie-port/chassis", test_chassis);
    g_test_add_func("/pcie-port/unrealize-populated",
                    test_unrealize_populated);
    ret = g_test_run();
    memory_system_teardown();
    return ret;
}
