/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the edu device on the PCI fixture's bare pcie.0, for
 * what the qtest (tests/qtest/edu-test.c) cannot reach from outside:
 * DMA through an IOMMU address space (translated, and faulting with the
 * function's requester ID, the command still completing), unplug and
 * reset with a transfer pending (the timer must not fire into a freed
 * or reset device), a huge factorial argument, MSI through the
 * bus-master address space, and which properties may change once the
 * device is realized.
 */
#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "qemu/timer.h"
#include "pci-fixture.h"
#include "../qtest/edu-regs.h"

#define EDU_DEVFN PCI_DEVFN(3, 0)
#define EDU_BAR (PCI_FIXTURE_MMIO_BASE + 0x100000)
#define RAM PCI_FIXTURE_RAM_BASE

/* The toy IOMMU: one 4 KiB page mapped, everything else faults. */
#define IOVA_OK 0x7000000ULL
#define IOVA_BAD 0x9000000ULL
#define GPA_OK (RAM + 0x8000)

typedef struct ToyIOMMU {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    int faults;
    uint16_t fault_rid;
    hwaddr fault_addr;
} ToyIOMMU;

static ToyIOMMU toy;

static MemTxResult toy_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                 IOMMUAccessFlags flag, MemTxAttrs attrs,
                                 IOMMUTLBEntry *entry)
{
    if ((addr & ~0xfffULL) != IOVA_OK) {
        toy.faults++;
        toy.fault_rid = attrs.requester_id;
        toy.fault_addr = addr;
        return MEMTX_IOMMU_FAULT;
    }
    *entry = (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = IOVA_OK,
        .translated_addr = GPA_OK,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
    return MEMTX_OK;
}

static const IOMMUMemoryRegionOps toy_ops = {
    .translate = toy_translate,
};

static AddressSpace *toy_get_as(PCIBus *bus, void *opaque, int devfn)
{
    return &toy.as;
}

static const PCIIOMMUOps toy_pci_ops = {
    .get_address_space = toy_get_as,
};

static void toy_init(void)
{
    memset(&toy, 0, sizeof(toy));
    memory_region_init_iommu(&toy.iommu, NULL, &toy_ops, NULL, "toy-iommu",
                             UINT64_MAX);
    address_space_init(&toy.as, &toy.iommu.parent_obj, "toy-dma");
}

static void toy_fini(void)
{
    address_space_destroy(&toy.as);
    memory_region_destroy(&toy.iommu.parent_obj);
}

/* ---- helpers ---- */

static uint32_t rd(hwaddr reg)
{
    return address_space_ldl_le(&address_space_memory, EDU_BAR + reg,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr(hwaddr reg, uint32_t val)
{
    address_space_stl_le(&address_space_memory, EDU_BAR + reg, val,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

static void advance(int64_t ns)
{
    qemu_clock_advance_virtual(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + ns);
}

/*
 * An edu at 00:03.0 with BAR 0 at EDU_BAR, memory and master enabled, and
 * a dma_mask that reaches the fixture's RAM at 1 GiB.
 */
static PCIDevice *add_edu(const char *id)
{
    PCIDevice *d = pci_fixture_add("edu", NULL, EDU_DEVFN, id, &error_abort);

    object_property_set_uint(OBJECT(d), "dma_mask", UINT64_MAX,
                             &error_abort);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_BASE_ADDRESS_0, EDU_BAR, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_COMMAND,
                          PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    return d;
}

static void dma(uint64_t src, uint64_t dst, uint32_t cnt, uint32_t cmd)
{
    wr(EDU_REG_DMA_SRC, src);
    wr(EDU_REG_DMA_DST, dst);
    wr(EDU_REG_DMA_CNT, cnt);
    wr(EDU_REG_DMA_CMD, cmd);
}

/* INTA of slot 3 on pcie.0: line (3 + 0) % 4. */
static int intx(void)
{
    return pci_fixture_intx_level(3);
}

/* ---- tests ---- */

static void test_identity(void)
{
    PCIDevice *d;
    DeviceClass *dc;

    pci_fixture_init();
    d = pci_fixture_add("edu", NULL, EDU_DEVFN, NULL, &error_abort);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_BASE_ADDRESS_0, EDU_BAR, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    dc = DEVICE_GET_CLASS(d);
    g_assert_true(dc->user_creatable);
    g_assert_true(dc->hotpluggable);
    g_assert_true(object_dynamic_cast(OBJECT(d),
                                      INTERFACE_CONVENTIONAL_PCI_DEVICE));
    g_assert_cmpuint(d->config_size, ==, PCI_CONFIG_SPACE_SIZE);
    g_assert_cmphex(pci_fixture_cfg_read(0, EDU_DEVFN, PCI_VENDOR_ID, 4), ==,
                    0x11e81234);
    g_assert_cmphex(pci_fixture_cfg_read(0, EDU_DEVFN, PCI_CLASS_REVISION, 4),
                    ==, 0x00ff0010);
    g_assert_cmpuint(d->msi_cap, ==, 0x40);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, EDU_BAR);
    g_assert_cmphex(rd(0), ==, 0x010000ed);
    g_assert_cmphex(object_property_get_uint(OBJECT(d), "dma_mask",
                                             &error_abort), ==,
                    (1ULL << 28) - 1);
    g_assert_cmphex(object_property_get_uint(OBJECT(d), "dma-delay-ns",
                                             &error_abort), ==,
                    EDU_DEFAULT_DMA_DELAY_NS);
    pci_fixture_cleanup();
}

/* The loop stops once the 32-bit product is 0: no 4-billion-round spin. */
static void test_factorial_huge(void)
{
    gint64 start;

    pci_fixture_init();
    add_edu(NULL);
    start = g_get_monotonic_time();
    wr(EDU_REG_FACTORIAL, 0xffffffff);
    g_assert_cmphex(rd(EDU_REG_FACTORIAL), ==, 0);
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
    wr(EDU_REG_FACTORIAL, 12);
    g_assert_cmphex(rd(EDU_REG_FACTORIAL), ==, 479001600);
    pci_fixture_cleanup();
}

/* DMA goes through the IOMMU's address space, faults included. */
static void test_dma_iommu(void)
{
    uint8_t *ram;
    PCIBus *bus = pci_fixture_init();

    toy_init();
    pci_setup_iommu(bus, &toy_pci_ops, NULL);
    add_edu(NULL);
    ram = pci_fixture_ram();
    for (int i = 0; i < 64; i++) {
        ram[i] = i + 1;
    }
    memset(ram + 0x8000, 0, 0x1000);

    /* RAM -> buffer -> RAM, both at IOVA_OK, which is GPA_OK. */
    memcpy(ram + 0x8000, ram, 64);
    dma(IOVA_OK, EDU_BUF_START, 64, EDU_DMA_RUN);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmphex(rd(EDU_REG_DMA_CMD), ==, 0);
    memset(ram + 0x8000, 0, 64);
    dma(EDU_BUF_START, IOVA_OK + 0x100, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM |
        EDU_DMA_IRQ);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmpmem(ram + 0x8100, 64, ram, 64);
    g_assert_cmphex(rd(EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    g_assert_cmpint(intx(), ==, 1);
    g_assert_cmpint(toy.faults, ==, 0);

    /* A fault: recorded with our requester ID; the command completes. */
    dma(EDU_BUF_START, IOVA_BAD, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM |
        EDU_DMA_IRQ);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmpint(toy.faults, ==, 1);
    g_assert_cmphex(toy.fault_rid, ==, EDU_DEVFN);
    g_assert_cmphex(toy.fault_addr, ==, IOVA_BAD);
    g_assert_cmphex(rd(EDU_REG_DMA_CMD), ==, EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    /* RAM is addressed only through the IOMMU: GPA as IOVA faults too. */
    dma(GPA_OK, EDU_BUF_START, 64, EDU_DMA_RUN);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmpint(toy.faults, ==, 2);
    g_assert_cmphex(toy.fault_addr, ==, GPA_OK);

    pci_fixture_cleanup();
    toy_fini();
}

/* Unplugging with a transfer pending: it never happens. */
static void test_unplug_pending(void)
{
    PCIDevice *d;
    uint8_t *ram;

    pci_fixture_init();
    d = add_edu("e1");
    ram = pci_fixture_ram();
    /* The same transfer, completed, would have stored zeros. */
    memset(ram, 0x5a, 64);
    dma(EDU_BUF_START, RAM, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmphex(ram[0], ==, 0);
    memset(ram, 0x5a, 64);
    dma(EDU_BUF_START, RAM, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    g_assert_cmphex(rd(EDU_REG_DMA_CMD) & EDU_DMA_RUN, ==, EDU_DMA_RUN);
    /* Keep the unrealized device alive: its timer must be off anyway. */
    object_ref(OBJECT(d));
    object_unparent(OBJECT(d));
    g_assert_false(DEVICE(d)->realized);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    advance(2 * EDU_DEFAULT_DMA_DELAY_NS);
    object_unref(OBJECT(d));
    for (int i = 0; i < 64; i++) {
        g_assert_cmphex(ram[i], ==, 0x5a);
    }
    g_assert_cmpint(intx(), ==, 0);
    pci_fixture_cleanup();
}

/* A reset drops the pending transfer and clears the registers. */
static void test_reset_pending(void)
{
    PCIDevice *d;
    uint8_t *ram;

    pci_fixture_init();
    d = add_edu(NULL);
    ram = pci_fixture_ram();
    memset(ram, 0x5a, 64);
    wr(EDU_REG_IRQ_RAISE, 0x8);
    dma(EDU_BUF_START, RAM, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    g_assert_cmpint(intx(), ==, 1);
    device_cold_reset(DEVICE(d));
    g_assert_cmpint(intx(), ==, 0);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_BASE_ADDRESS_0, EDU_BAR, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_COMMAND,
                          PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    g_assert_cmphex(rd(EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_cmphex(rd(EDU_REG_DMA_CMD), ==, 0);
    g_assert_cmphex(rd(EDU_REG_DMA_CNT), ==, 0);
    advance(2 * EDU_DEFAULT_DMA_DELAY_NS);
    for (int i = 0; i < 64; i++) {
        g_assert_cmphex(ram[i], ==, 0x5a);
    }
    g_assert_cmpint(intx(), ==, 0);
    pci_fixture_cleanup();
}

/* MSI: a bus-master write of the data, INTx untouched. */
static void test_msi(void)
{
    PCIDevice *d;
    uint8_t *ram;
    uint8_t cap;

    pci_fixture_init();
    d = add_edu(NULL);
    ram = pci_fixture_ram();
    memset(ram + 0x100, 0, 4);
    cap = d->msi_cap;
    pci_fixture_cfg_write(0, EDU_DEVFN, cap + PCI_MSI_ADDRESS_LO,
                          RAM + 0x100, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, cap + PCI_MSI_ADDRESS_HI, 0, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, cap + PCI_MSI_DATA_64, 0x4321, 2);
    pci_fixture_cfg_write(0, EDU_DEVFN, cap + PCI_MSI_FLAGS,
                          PCI_MSI_FLAGS_ENABLE, 2);
    g_assert_true(msi_enabled(d));
    wr(EDU_REG_IRQ_RAISE, 0x2);
    g_assert_cmphex(address_space_ldl_le(&address_space_memory, RAM + 0x100,
                                         MEMTXATTRS_UNSPECIFIED, NULL), ==,
                    0x4321);
    g_assert_cmpint(intx(), ==, 0);
    g_assert_cmpint(pci_fixture_intx_events(3), ==, 0);
    pci_fixture_cleanup();
}

/* dma_mask may change at run time (as in QEMU); dma-delay-ns may not. */
static void test_props_runtime(void)
{
    PCIDevice *d;
    Error *err = NULL;
    uint8_t *ram;

    pci_fixture_init();
    d = add_edu(NULL);
    g_assert_false(object_property_set_uint(OBJECT(d), "dma-delay-ns", 0,
                                            &err));
    g_assert_nonnull(err);
    error_free(err);
    ram = pci_fixture_ram();
    memset(ram, 0x77, 16);
    dma(RAM, EDU_BUF_START, 16, EDU_DMA_RUN);
    advance(EDU_DEFAULT_DMA_DELAY_NS);

    /* The default mask turns 1 GiB + 0x200 into 0x200: nothing there. */
    g_assert_true(object_property_set_uint(OBJECT(d), "dma_mask",
                                           (1ULL << 28) - 1, &error_abort));
    memset(ram + 0x200, 0, 16);
    dma(EDU_BUF_START, RAM + 0x200, 16, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmphex(ram[0x200], ==, 0);

    g_assert_true(object_property_set_uint(OBJECT(d), "dma_mask",
                                           UINT64_MAX, &error_abort));
    dma(EDU_BUF_START, RAM + 0x200, 16, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    advance(EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmpmem(ram + 0x200, 16, ram, 16);
    pci_fixture_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/edu/identity", test_identity);
    g_test_add_func("/edu/factorial-huge", test_factorial_huge);
    g_test_add_func("/edu/dma-iommu", test_dma_iommu);
    g_test_add_func("/edu/unplug-pending", test_unplug_pending);
    g_test_add_func("/edu/reset-pending", test_reset_pending);
    g_test_add_func("/edu/msi", test_msi);
    g_test_add_func("/edu/props-runtime", test_props_runtime);
    return g_test_run();
}
