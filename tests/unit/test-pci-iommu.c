/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the virt machine's PCI Express root complexes and of
 * per-root-complex IOMMUs, on a virt machine built in-process (no
 * accelerator, no CPUs): each test creates the board, adds devices as
 * -device would, drives config space through the gpex ECAM window the
 * way a guest does, and tears the board down again.
 *
 *   pcie.0 (gpex, ECAM at 0x40_1000_0000)
 *     00.0 gpex-root            01.0 pxb-pcie bus_nr=0x80 -> pcie.1
 *     03.0 ep0 (test endpoint)        02.0 pcie-root-port rp1
 *                                          00.0 ep1 (test endpoint)
 *
 * x-pci-test-iommu instances on pcie.0 (IOVA + 1 MiB) and pcie.1
 * (IOVA + 2 MiB) show whose IOMMU a DMA went through: the data lands at
 * a different RAM address and the IOMMU records the requester.  A
 * function below the pxb must use pcie.1's IOMMU, never pcie.0's, and
 * none when pcie.1 has none; its requester ID follows the bus number the
 * guest gives the root port.  Also: ECAM access splitting, the pxb's
 * checks and INTx routing, and the device tree nodes of both root
 * complexes (bus-range, reg, msi-map, iommu-map).
 */
#include "qemu/osdep.h"

#include <libfdt.h>

#include "hw/arm/virt.h"
#include "hw/pci-host/gpex.h"
#include "hw/pci-bridge/pxb.h"
#include "hw/pci/pci_bridge.h"
#include "qemu/keyval.h"
#include "pci-fixture.h"
#include "qdev-test-util.h"

#define ECAM_BASE 0x4010000000ULL
#define RAM_BASE 0x40000000ULL
#define IOMMU0_OFFSET 0x100000ULL
#define IOMMU1_OFFSET 0x200000ULL
#define DMA_IOVA (RAM_BASE + 0x1000)

#define PXB_DEVFN PCI_DEVFN(1, 0)
#define RP_DEVFN PCI_DEVFN(2, 0)
#define EP0_DEVFN PCI_DEVFN(3, 0)
#define PXB_BUS 0x80

#define TOPOLOGY_PXB \
    "pxb-pcie,bus=pcie.0,addr=1.0,bus_nr=0x80,id=pcie.1"
#define TOPOLOGY_IOMMU0 \
    "x-pci-test-iommu,id=iommu0,primary-bus=pcie.0,offset=0x100000"
#define TOPOLOGY_IOMMU1 \
    "x-pci-test-iommu,id=iommu1,primary-bus=pcie.1,offset=0x200000"

static VirtMachineState *virt_new(const char *props)
{
    MachineClass *mc = machine_find_class("virt", &error_abort);
    MachineState *ms = machine_create(mc, &error_abort);

    if (props) {
        g_autoptr(JsonObject) o = keyval_parse(props, NULL, NULL,
                                               &error_abort);
        GList *members = json_object_get_members(o);
        GList *l;

        for (l = members; l; l = l->next) {
            g_assert_true(object_property_parse(OBJECT(ms), l->data,
                          json_object_get_string_member(o, l->data),
                          &error_abort));
        }
        g_list_free(members);
    }
    g_assert_true(mc->init(ms, &error_abort));
    return VIRT_MACHINE(ms);
}

static int collect_child(Object *obj, void *opaque)
{
    g_ptr_array_add(opaque, obj);
    return 0;
}

/* User devices go first, newest first (as at exit), then the board. */
static void virt_free(void)
{
    Object *per = container_get(object_get_root(), "/machine/peripheral");
    g_autoptr(GPtrArray) devs = g_ptr_array_new();
    guint i;

    object_child_foreach(per, collect_child, devs);
    for (i = devs->len; i > 0; i--) {
        object_unparent(devs->pdata[i - 1]);
    }
    machine_destroy();
}

static Object *dev(const char *id)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    Object *obj = object_resolve_path(path, NULL);

    g_assert_nonnull(obj);
    return obj;
}

static uint64_t ecam_addr(int bus, int devfn, uint32_t off)
{
    return ECAM_BASE + ((uint64_t)bus << 20) + ((uint64_t)devfn << 12) + off;
}

static uint64_t ecam_rd(int bus, int devfn, uint32_t off, unsigned size)
{
    uint64_t v = 0;

    g_assert_cmpint(address_space_load(&address_space_memory,
                                       ecam_addr(bus, devfn, off),
                                       MEMTXATTRS_UNSPECIFIED, &v, size),
                    ==, MEMTX_OK);
    return v;
}

static void ecam_wr(int bus, int devfn, uint32_t off, uint64_t v,
                    unsigned size)
{
    g_assert_cmpint(address_space_store(&address_space_memory,
                                        ecam_addr(bus, devfn, off),
                                        MEMTXATTRS_UNSPECIFIED, v, size),
                    ==, MEMTX_OK);
}

static uint32_t ram_rd(uint64_t addr)
{
    return address_space_ldl_le(&address_space_memory, addr,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static int64_t iommu_prop(const char *id, const char *name)
{
    return object_property_get_int(dev(id), name, &error_abort);
}

/*
 * The guest's part: the root port forwards bus sec to its link; ep1
 * (there) and ep0 may master.
 */
static void program_topology(int sec)
{
    ecam_wr(PXB_BUS, RP_DEVFN, PCI_PRIMARY_BUS,
            PXB_BUS | sec << 8 | sec << 16, 4);
    ecam_wr(sec, 0, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    ecam_wr(0, EP0_DEVFN, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
}

/* pxb, root port and endpoints, with the IOMMUs in between as asked. */
static void build_topology(bool iommu0, bool iommu1)
{
    dev_add(TOPOLOGY_PXB, &error_abort);
    if (iommu0) {
        dev_add(TOPOLOGY_IOMMU0, &error_abort);
    }
    if (iommu1) {
        dev_add(TOPOLOGY_IOMMU1, &error_abort);
    }
    dev_add("pcie-root-port,bus=pcie.1,addr=2.0,id=rp1,chassis=1",
            &error_abort);
    dev_add("x-pcie-fixture-dev,bus=rp1,id=ep1", &error_abort);
    dev_add("x-pcie-fixture-dev,bus=pcie.0,addr=3.0,id=ep0", &error_abort);
    program_topology(PXB_BUS + 1);
}

/* ep DMA-writes val at DMA_IOVA; returns the DMA's result. */
static MemTxResult dma(const char *ep, uint32_t val)
{
    uint8_t buf[4] = { val, val >> 8, val >> 16, val >> 24 };

    return pci_dma_write(PCI_DEVICE(dev(ep)), DMA_IOVA, buf, sizeof(buf));
}

/* ---- the gpex host bridge ---- */

static void test_gpex_ecam(void)
{
    VirtMachineState *vms = virt_new(NULL);
    GPEXHost *s = GPEX_HOST(vms->gpex);
    uint64_t id_cmd;

    g_assert_true(vms->bus == s->bus);
    g_assert_cmpstr(vms->bus->qbus.name, ==, "pcie.0");
    g_assert_true(object_resolve_path("/machine/gpex/gpex_root", NULL) ==
                  OBJECT(s->root));
    g_assert_cmpuint(gpex_ecam_buses(s), ==, 256);

    /* 00.0 is the bridge's own function. */
    g_assert_cmphex(ecam_rd(0, 0, PCI_VENDOR_ID, 4), ==, 0x00081b36);
    g_assert_cmphex(ecam_rd(0, 0, PCI_CLASS_DEVICE, 2), ==, 0x0600);
    g_assert_cmphex(ecam_rd(0, 0, PCI_HEADER_TYPE, 1), ==, 0);
    /* 8 bytes: ID, then command and status; unaligned: split. */
    id_cmd = ecam_rd(0, 0, PCI_VENDOR_ID, 8);
    g_assert_cmphex((uint32_t)id_cmd, ==, 0x00081b36);
    g_assert_cmphex(id_cmd >> 32, ==, ecam_rd(0, 0, PCI_COMMAND, 4));
    g_assert_cmphex(ecam_rd(0, 0, PCI_VENDOR_ID + 1, 2), ==, 0x081b);
    g_assert_cmphex(ecam_rd(0, 0, PCI_VENDOR_ID + 1, 4), ==,
                    (id_cmd >> 8) & 0xffffffff);
    /* Nobody at 00:1f.0, nor on bus 0x42: all ones. */
    g_assert_cmphex(ecam_rd(0, PCI_DEVFN(31, 0), 0, 4), ==, 0xffffffff);
    g_assert_cmphex(ecam_rd(0x42, 0, 0, 8), ==, UINT64_MAX);

    /* Writes split the same way: bus numbers of a root port. */
    dev_add("pcie-root-port,bus=pcie.0,addr=2.0,id=rp0,chassis=1",
            &error_abort);
    ecam_wr(0, RP_DEVFN, PCI_SECONDARY_BUS, 0x0504, 2);
    g_assert_cmphex(ecam_rd(0, RP_DEVFN, PCI_SECONDARY_BUS, 1), ==, 4);
    g_assert_cmphex(ecam_rd(0, RP_DEVFN, PCI_SUBORDINATE_BUS, 1), ==, 5);
    ecam_wr(0, RP_DEVFN, PCI_SECONDARY_BUS, 0x0706, 4);
    g_assert_cmphex(ecam_rd(0, RP_DEVFN, PCI_PRIMARY_BUS, 4) & 0xffffff,
                    ==, 0x070600);
    ecam_wr(0, RP_DEVFN, PCI_PRIMARY_BUS, 0x0000000000020100ULL, 8);
    g_assert_cmphex(ecam_rd(0, RP_DEVFN, PCI_PRIMARY_BUS, 4) & 0xffffff,
                    ==, 0x020100);

    /* The windows: PCI memory identity mapped, I/O 0 at 0x3eff0000. */
    g_assert_true(s->windows[0].mapped && s->windows[1].mapped);
    g_assert_true(memory_region_is_mapped(&s->io));
    virt_free();
}

static void test_gpex_small_ecam(void)
{
    VirtMachineState *vms = virt_new("highmem-ecam=off");

    /* 16 buses at 0x3f000000; the high window is not decoded. */
    g_assert_cmpuint(gpex_ecam_buses(GPEX_HOST(vms->gpex)), ==, 16);
    g_assert_cmphex(address_space_ldl_le(&address_space_memory, 0x3f000000,
                                         MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 0x00081b36);
    g_assert_cmphex(address_space_ldl_le(&address_space_memory, ECAM_BASE,
                                         MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 0);
    dev_add_fails("pxb-pcie,bus=pcie.0,bus_nr=16,id=pcie.1",
                  "Bus 16 is beyond the 16 buses the host bridge's ECAM "
                  "window decodes");
    g_assert_nonnull(dev_add("pxb-pcie,bus=pcie.0,bus_nr=15,id=pcie.1",
                             &error_abort));
    virt_free();
}

/* ---- pxb-pcie ---- */

static void test_pxb_checks(void)
{
    VirtMachineState *vms = virt_new(NULL);
    PXBDev *pxb;

    dev_add_fails("pxb-pcie,bus=pcie.0,bus_nr=0,id=pxb0",
                  "Bus 0 is already in use");
    dev_add_fails("pxb-pcie,bus=pcie.0,bus_nr=0x80,numa_node=1,id=pxb0",
                  "Illegal numa node 1");
    pxb = PXB_PCIE_DEV(dev_add(TOPOLOGY_PXB, &error_abort));
    g_assert_cmpstr(pxb->bus->qbus.name, ==, "pcie.1");
    g_assert_true(pxb_pcie_from_bus(pxb->bus) == pxb);
    g_assert_null(pxb_pcie_from_bus(vms->bus));
    g_assert_cmpint(pci_bus_num(pxb->bus), ==, PXB_BUS);
    g_assert_true(pci_bus_is_root(pxb->bus));
    g_assert_true(pci_bus_get_root(pxb->bus) == pxb->bus);
    g_assert_false(DEVICE_GET_CLASS(pxb)->hotpluggable);

    dev_add_fails("pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pxb2",
                  "Bus 128 is already in use");
    dev_add("pcie-root-port,bus=pcie.1,addr=2.0,id=rp1,chassis=1",
            &error_abort);
    dev_add_fails("pxb-pcie,bus=rp1,bus_nr=0x90,id=pxb2",
                  "PXB devices can be attached only to root bus");
    dev_add_fails("x-pcie-fixture-dev,bus=pcie.1,id=ep9",
                  "PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");

    /* Seen through ECAM: the pxb on bus 0, its port at bus 0x80. */
    g_assert_cmphex(ecam_rd(0, PXB_DEVFN, PCI_VENDOR_ID, 4), ==,
                    0x000b1b36);
    g_assert_cmphex(ecam_rd(0, PXB_DEVFN, PCI_CLASS_DEVICE, 2), ==,
                    0x0600);
    g_assert_cmphex(ecam_rd(0, PXB_DEVFN, PCI_STATUS, 2) &
                    (PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK), ==,
                    PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
    g_assert_cmphex(ecam_rd(PXB_BUS, RP_DEVFN, PCI_VENDOR_ID, 4), ==,
                    0x000c1b36);
    virt_free();
}

static int intx_level[GPEX_NUM_IRQS];

static void intx_handler(void *opaque, int n, int level)
{
    intx_level[n] = level;
}

static void test_pxb_intx(void)
{
    VirtMachineState *vms = virt_new(NULL);
    qemu_irq *lines = qemu_allocate_irqs(intx_handler, NULL, GPEX_NUM_IRQS);
    PXBDev *pxb;
    int i;

    build_topology(false, false);
    pxb = PXB_PCIE_DEV(dev("pcie.1"));
    for (i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(vms->gpex), i, lines[i]);
    }

    /*
     * INTA of ep1 (slot 0 behind the port at slot 2 of pcie.1): the
     * port's pin A + 2; as QEMU, the pxb's slot does not count.
     */
    pci_irq_assert(PCI_DEVICE(dev("ep1")));
    g_assert_cmpint(intx_level[2], ==, 1);
    g_assert_cmpint(intx_level[0] + intx_level[1] + intx_level[3], ==, 0);
    g_assert_cmpint(pxb_pcie_parent_line(pxb, RP_DEVFN, 0), ==, 2);
    pci_irq_deassert(PCI_DEVICE(dev("ep1")));
    g_assert_cmpint(intx_level[2], ==, 0);

    /* ep0 at slot 3 of pcie.0: INTA is line 3. */
    pci_irq_assert(PCI_DEVICE(dev("ep0")));
    g_assert_cmpint(intx_level[3], ==, 1);
    pci_irq_deassert(PCI_DEVICE(dev("ep0")));

    for (i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(vms->gpex), i, NULL);
    }
    qemu_free_irqs(lines, GPEX_NUM_IRQS);
    virt_free();
}

/* ---- IOMMUs per root complex ---- */

static void test_iommu_per_root(void)
{
    virt_new(NULL);
    build_topology(true, true);

    /* ep1 is below the pxb: pcie.1's IOMMU (IOVA + 2 MiB) only. */
    g_assert_cmpint(pci_requester_id(PCI_DEVICE(dev("ep1"))), ==, 0x8100);
    g_assert_true(pci_device_iommu_address_space(PCI_DEVICE(dev("ep1"))) !=
                  &address_space_memory);
    g_assert_cmpint(dma("ep1", 0x11111111), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU1_OFFSET), ==, 0x11111111);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU0_OFFSET), !=, 0x11111111);
    g_assert_cmphex(ram_rd(DMA_IOVA), !=, 0x11111111);
    g_assert_cmpint(iommu_prop("iommu1", "x-last-sid"), ==, 0x8100);
    g_assert_cmpint(iommu_prop("iommu1", "x-translations"), >, 0);
    g_assert_cmpint(iommu_prop("iommu0", "x-last-sid"), ==, -1);
    g_assert_cmpint(iommu_prop("iommu0", "x-translations"), ==, 0);

    /* ep0 is on pcie.0: its IOMMU (IOVA + 1 MiB). */
    g_assert_cmpint(dma("ep0", 0x22222222), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU0_OFFSET), ==, 0x22222222);
    g_assert_cmpint(iommu_prop("iommu0", "x-last-sid"), ==, EP0_DEVFN);
    g_assert_cmpint(iommu_prop("iommu1", "x-last-sid"), ==, 0x8100);

    /* The guest renumbers the port's link: the StreamID follows. */
    program_topology(0x85);
    g_assert_cmpint(pci_requester_id(PCI_DEVICE(dev("ep1"))), ==, 0x8500);
    g_assert_cmpint(dma("ep1", 0x33333333), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU1_OFFSET), ==, 0x33333333);
    g_assert_cmpint(iommu_prop("iommu1", "x-last-sid"), ==, 0x8500);
    g_assert_cmpint(iommu_prop("iommu0", "x-last-sid"), ==, EP0_DEVFN);
    virt_free();
}

static void test_iommu_pxb_without(void)
{
    virt_new(NULL);
    build_topology(true, false);

    /* pcie.1 has no IOMMU: pcie.0's is not used instead. */
    g_assert_true(pci_device_iommu_address_space(PCI_DEVICE(dev("ep1"))) ==
                  &address_space_memory);
    g_assert_cmpint(dma("ep1", 0x44444444), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA), ==, 0x44444444);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU0_OFFSET), !=, 0x44444444);
    g_assert_cmpint(iommu_prop("iommu0", "x-translations"), ==, 0);

    g_assert_cmpint(dma("ep0", 0x55555555), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU0_OFFSET), ==, 0x55555555);
    g_assert_cmpint(iommu_prop("iommu0", "x-last-sid"), ==, EP0_DEVFN);
    virt_free();
}

static void test_iommu_unrealize(void)
{
    VirtMachineState *vms = virt_new(NULL);
    PCIBus *pcie1;

    build_topology(false, true);
    pcie1 = PXB_PCIE_DEV(dev("pcie.1"))->bus;
    g_assert_nonnull(pcie1->iommu_ops);
    g_assert_cmpint(dma("ep1", 0x66666666), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU1_OFFSET), ==, 0x66666666);

    /* Gone: the bus has no ops, DMA is identity, no DT hooks remain. */
    object_unparent(dev("iommu1"));
    g_assert_null(pcie1->iommu_ops);
    g_assert_true(pci_device_iommu_address_space(PCI_DEVICE(dev("ep1"))) ==
                  &address_space_memory);
    g_assert_cmpint(dma("ep1", 0x77777777), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA), ==, 0x77777777);
    g_assert_cmpuint(g_list_length(vms->fdt_hooks), ==, 1);

    /* A new one may take the bus again. */
    dev_add(TOPOLOGY_IOMMU1, &error_abort);
    g_assert_cmpint(dma("ep1", 0x88888888), ==, MEMTX_OK);
    g_assert_cmphex(ram_rd(DMA_IOVA + IOMMU1_OFFSET), ==, 0x88888888);
    virt_free();
}

static void test_iommu_errors(void)
{
    virt_new(NULL);
    dev_add(TOPOLOGY_PXB, &error_abort);
    dev_add("pcie-root-port,bus=pcie.1,addr=2.0,id=rp1,chassis=1",
            &error_abort);

    dev_add_fails("x-pci-test-iommu,id=bad", "primary-bus is required: name "
                  "the root bus whose functions the IOMMU translates");
    dev_add_fails("x-pci-test-iommu,id=bad,primary-bus=nope",
                  "Bus 'nope' not found");
    dev_add_fails("x-pci-test-iommu,id=bad,primary-bus=rp1",
                  "Bus 'rp1' is not a PCI root complex: it must be "
                  "pcie.0 or a pxb-pcie's bus");
    dev_add_fails("x-pci-test-iommu,id=bad,primary-bus=pcie.0,offset=0x800",
                  "offset 0x800 is not a multiple of 4 KiB");
    dev_add(TOPOLOGY_IOMMU1, &error_abort);
    dev_add_fails("x-pci-test-iommu,id=bad,primary-bus=pcie.1",
                  "Bus 'pcie.1' already has an IOMMU");
    virt_free();
}

/* ---- device tree ---- */

static const fdt32_t *fdt_prop(VirtMachineState *vms, const char *path,
                               const char *name, int *ncells)
{
    int off = fdt_path_offset(vms->fdt, path);
    const fdt32_t *p;
    int len;

    g_assert_cmpint(off, >=, 0);
    p = fdt_getprop(vms->fdt, off, name, &len);
    if (ncells) {
        *ncells = p ? len / 4 : -1;
    }
    return p;
}

static void assert_cells(VirtMachineState *vms, const char *path,
                         const char *name, const uint32_t *want, int n)
{
    int i, got;
    const fdt32_t *p = fdt_prop(vms, path, name, &got);

    g_assert_nonnull(p);
    g_assert_cmpint(got, ==, n);
    for (i = 0; i < n; i++) {
        g_assert_cmphex(fdt32_to_cpu(p[i]), ==, want[i]);
    }
}

#define ASSERT_CELLS(vms, path, name, ...) \
    assert_cells(vms, path, name, (const uint32_t[]){ __VA_ARGS__ }, \
                 sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

static void test_fdt_roots(void)
{
    VirtMachineState *vms = virt_new(NULL);
    uint32_t its = virt_fdt_msi_phandle(vms);
    g_autofree char *path0 = NULL, *path1 = NULL;
    unsigned first, nr;
    const fdt32_t *imap;
    uint32_t iommu_ph;
    Error *err = NULL;
    int n, slot, pin;

    /* Alone, pcie.0 has everything: all buses, all requester IDs. */
    g_assert_true(virt_fdt_build(vms, &error_abort));
    ASSERT_CELLS(vms, "/pcie@10000000", "bus-range", 0, 0xff);
    ASSERT_CELLS(vms, "/pcie@10000000", "msi-map", 0, its, 0, 0x10000);
    g_assert_null(fdt_prop(vms, "/pcie@10000000", "iommu-map", NULL));

    build_topology(false, true);
    g_assert_true(virt_fdt_build(vms, &error_abort));
    g_assert_true(virt_pcie_root_info(vms, vms->bus, &path0, &first, &nr,
                                      &error_abort));
    g_assert_cmpstr(path0, ==, "/pcie@10000000");
    g_assert_cmpuint(first, ==, 0);
    g_assert_cmpuint(nr, ==, 0x80);
    g_assert_true(virt_pcie_root_info(vms, PXB_PCIE_DEV(dev("pcie.1"))->bus,
                                      &path1, &first, &nr, &error_abort));
    g_assert_cmpuint(first, ==, 0x80);
    g_assert_cmpuint(nr, ==, 0x80);
    g_assert_false(virt_pcie_root_info(vms, PCI_BRIDGE(dev("rp1"))->sec_bus,
                                       &path1, &first, &nr, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "PCI bus 'rp1' is not a "
                    "root complex of the virt machine's host bridge");
    error_free(err);
    g_assert_cmpstr(path1, ==, "/pcie@27700000");

    /* pcie.0: buses 0..0x7f, the first halves of the windows. */
    ASSERT_CELLS(vms, path0, "bus-range", 0, 0x7f);
    ASSERT_CELLS(vms, path0, "linux,pci-domain", 0);
    ASSERT_CELLS(vms, path0, "reg", 0x40, 0x10000000, 0, 0x08000000);
    ASSERT_CELLS(vms, path0, "msi-map", 0, its, 0, 0x8000);
    ASSERT_CELLS(vms, path0, "ranges",
                 0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x8000,
                 0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x17700000,
                 0x03000000, 0x80, 0, 0x80, 0, 0x40, 0);
    g_assert_null(fdt_prop(vms, path0, "iommu-map", NULL));

    /* The pxb: the rest, its own ECAM slice, domain 1, the IOMMU. */
    g_assert_cmpstr((const char *)fdt_prop(vms, path1, "compatible", NULL),
                    ==, "pci-host-ecam-generic");
    ASSERT_CELLS(vms, path1, "bus-range", 0x80, 0xff);
    ASSERT_CELLS(vms, path1, "linux,pci-domain", 1);
    ASSERT_CELLS(vms, path1, "reg", 0x40, 0x18000000, 0, 0x08000000);
    ASSERT_CELLS(vms, path1, "msi-map", 0x8000, its, 0x8000, 0x8000);
    ASSERT_CELLS(vms, path1, "ranges",
                 0x01000000, 0, 0x8000, 0, 0x3eff8000, 0, 0x8000,
                 0x02000000, 0, 0x27700000, 0, 0x27700000, 0, 0x178f0000,
                 0x03000000, 0xc0, 0, 0xc0, 0, 0x40, 0);
    iommu_ph = fdt32_to_cpu(*fdt_prop(vms, "/x-pci-test-iommu-pcie.1",
                                      "phandle", NULL));
    ASSERT_CELLS(vms, "/x-pci-test-iommu-pcie.1", "#iommu-cells", 1);
    ASSERT_CELLS(vms, path1, "iommu-map", 0x8000, iommu_ph, 0x8000,
                 0x8000);

    /* Its INTx map: slot s pin p -> SPI 3 + (p + s) % 4, as pcie.0. */
    imap = fdt_prop(vms, path1, "interrupt-map", &n);
    g_assert_cmpint(n, ==, 16 * 10);
    for (slot = 0; slot < 4; slot++) {
        for (pin = 0; pin < 4; pin++) {
            const fdt32_t *e = imap + (slot * 4 + pin) * 10;

            g_assert_cmphex(fdt32_to_cpu(e[0]), ==, slot << 11);
            g_assert_cmphex(fdt32_to_cpu(e[3]), ==, pin + 1);
            g_assert_cmphex(fdt32_to_cpu(e[4]), ==,
                            virt_fdt_gic_phandle(vms));
            g_assert_cmphex(fdt32_to_cpu(e[8]), ==,
                            VIRT_SPI_PCIE + (pin + slot) % 4);
        }
    }
    virt_free();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci-iommu/gpex/ecam", test_gpex_ecam);
    g_test_add_func("/pci-iommu/gpex/small-ecam", test_gpex_small_ecam);
    g_test_add_func("/pci-iommu/pxb/checks", test_pxb_checks);
    g_test_add_func("/pci-iommu/pxb/intx", test_pxb_intx);
    g_test_add_func("/pci-iommu/iommu/per-root", test_iommu_per_root);
    g_test_add_func("/pci-iommu/iommu/pxb-without",
                    test_iommu_pxb_without);
    g_test_add_func("/pci-iommu/iommu/unrealize", test_iommu_unrealize);
    g_test_add_func("/pci-iommu/iommu/errors", test_iommu_errors);
    g_test_add_func("/pci-iommu/fdt/roots", test_fdt_roots);
    return g_test_run();
}
