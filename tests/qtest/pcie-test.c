/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's PCI Express topology seen through ECAM, the test
 * playing firmware: it scans pcie.0, numbers the buses behind root ports
 * depth first, finds the extra root complex of a pxb-pcie at its bus
 * number, sizes and assigns BARs, enables decoding and reads an edu
 * device's registers through its BAR (also behind a root port, where the
 * port's memory window must cover the BAR), then checks that query-pci
 * reports the same topology and BARs.  It runs unchanged against QEMU
 * (QTEST_ACCEL=tcg) as a reference.
 */
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "edu-regs.h"

#define REDHAT_VENDOR 0x1b36
#define PCIE_HOST_DEVICE 0x0008
#define PXB_PCIE_DEVICE 0x000b
#define ROOT_PORT_DEVICE 0x000c

#define PXB_BUS_NR 0x80

/* The topology: edu on pcie.0, behind a root port, behind a pxb's port. */
#define TOPOLOGY \
    "-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,addr=2.0 " \
    "-device edu,id=edu-rp0,bus=rp0 " \
    "-device edu,id=edu0,bus=pcie.0,addr=3.0 " \
    "-device pxb-pcie,id=pcie.1,bus=pcie.0,bus_nr=0x80,addr=4.0 " \
    "-device pcie-root-port,id=rp1,bus=pcie.1,chassis=2,addr=0.0 " \
    "-device edu,id=edu-rp1,bus=rp1"

typedef struct Found {
    int bus;
    int devfn;
    uint16_t vendor;
    uint16_t device;
    uint8_t header_type;
    uint64_t bar0;              /* CPU address, UINT64_MAX: none */
} Found;

typedef struct Scan {
    QPCIBus pci;
    GArray *found;              /* Found */
    int next_bus;
} Scan;

static void scan_bus(Scan *sc, int busnr);

static void scan_function(Scan *sc, int busnr, int devfn)
{
    Found f = {
        .bus = busnr,
        .devfn = devfn,
        .vendor = qpci_config_readw(&sc->pci, busnr, devfn, PCI_VENDOR_ID),
        .device = qpci_config_readw(&sc->pci, busnr, devfn, PCI_DEVICE_ID),
        .header_type = qpci_config_readb(&sc->pci, busnr, devfn,
                                         PCI_HEADER_TYPE),
        .bar0 = UINT64_MAX,
    };

    if ((f.header_type & 0x7f) == PCI_HEADER_TYPE_BRIDGE) {
        int secondary = sc->next_bus++;

        /* Open it over everything while scanning, then close it down. */
        qpci_bridge_setup(&sc->pci, busnr, devfn, secondary, 0xff);
        g_array_append_val(sc->found, f);
        scan_bus(sc, secondary);
        qpci_config_writeb(&sc->pci, busnr, devfn, PCI_SUBORDINATE_BUS,
                           sc->next_bus - 1);
        return;
    }
    if (f.vendor == EDU_VENDOR_ID) {
        f.bar0 = qpci_assign_bar(&sc->pci, busnr, devfn, 0, NULL);
        qpci_device_enable(&sc->pci, busnr, devfn);
    }
    g_array_append_val(sc->found, f);
}

static void scan_bus(Scan *sc, int busnr)
{
    int slot, fn;

    for (slot = 0; slot < 32; slot++) {
        if (!qpci_device_present(&sc->pci, busnr, PCI_DEVFN(slot, 0))) {
            continue;
        }
        for (fn = 0; fn < 8; fn++) {
            int devfn = PCI_DEVFN(slot, fn);

            if (fn && !(qpci_config_readb(&sc->pci, busnr, PCI_DEVFN(slot, 0),
                                          PCI_HEADER_TYPE) & 0x80)) {
                break;
            }
            if (qpci_device_present(&sc->pci, busnr, devfn)) {
                scan_function(sc, busnr, devfn);
            }
        }
    }
}

static const Found *find(Scan *sc, int busnr, int devfn)
{
    guint i;

    for (i = 0; i < sc->found->len; i++) {
        const Found *f = &g_array_index(sc->found, Found, i);

        if (f->bus == busnr && f->devfn == devfn) {
            return f;
        }
    }
    return NULL;
}

static void scan_all(Scan *sc, QTestState *qts)
{
    qpci_init_virt(&sc->pci, qts);
    sc->found = g_array_new(false, true, sizeof(Found));
    sc->next_bus = 1;
    scan_bus(sc, 0);
    /* Extra root complexes are not below pcie.0: firmware probes for them. */
    g_assert_cmpint(sc->next_bus, <=, PXB_BUS_NR);
    sc->next_bus = PXB_BUS_NR + 1;
    scan_bus(sc, PXB_BUS_NR);
}

static void check_edu(Scan *sc, const Found *f)
{
    QTestState *qts = sc->pci.qts;

    g_assert_nonnull(f);
    g_assert_cmphex(f->vendor, ==, EDU_VENDOR_ID);
    g_assert_cmphex(f->device, ==, EDU_DEVICE_ID);
    g_assert_cmphex(f->header_type, ==, PCI_HEADER_TYPE_NORMAL);
    g_assert_cmphex(f->bar0, !=, UINT64_MAX);
    g_assert_cmphex(qtest_readl(qts, f->bar0 + EDU_REG_ID), ==, EDU_ID_VALUE);
    qtest_writel(qts, f->bar0 + EDU_REG_LIVENESS, 0x12345678);
    g_assert_cmphex(qtest_readl(qts, f->bar0 + EDU_REG_LIVENESS), ==,
                    ~0x12345678u);
}

static void test_enumerate(void)
{
    QTestState *qts = qtest_init(TOPOLOGY);
    Scan sc;
    const Found *f;

    scan_all(&sc, qts);

    /* pcie.0: the host bridge function, a root port, edu, the pxb. */
    f = find(&sc, 0, PCI_DEVFN(0, 0));
    g_assert_nonnull(f);
    g_assert_cmphex(f->vendor, ==, REDHAT_VENDOR);
    g_assert_cmphex(f->device, ==, PCIE_HOST_DEVICE);
    f = find(&sc, 0, PCI_DEVFN(2, 0));
    g_assert_nonnull(f);
    g_assert_cmphex(f->device, ==, ROOT_PORT_DEVICE);
    g_assert_cmphex(f->header_type & 0x7f, ==, PCI_HEADER_TYPE_BRIDGE);
    g_assert_cmphex(qpci_config_readb(&sc.pci, 0, PCI_DEVFN(2, 0),
                                      PCI_SECONDARY_BUS), ==, 1);
    g_assert_cmphex(qpci_config_readb(&sc.pci, 0, PCI_DEVFN(2, 0),
                                      PCI_SUBORDINATE_BUS), ==, 1);
    f = find(&sc, 0, PCI_DEVFN(4, 0));
    g_assert_nonnull(f);
    g_assert_cmphex(f->vendor, ==, REDHAT_VENDOR);
    g_assert_cmphex(f->device, ==, PXB_PCIE_DEVICE);
    check_edu(&sc, find(&sc, 0, PCI_DEVFN(3, 0)));

    /* Behind rp0: bus 1. */
    check_edu(&sc, find(&sc, 1, PCI_DEVFN(0, 0)));
    g_assert_null(find(&sc, 1, PCI_DEVFN(1, 0)));

    /* The pxb's root complex: its port at 0x80, edu behind it at 0x81. */
    f = find(&sc, PXB_BUS_NR, PCI_DEVFN(0, 0));
    g_assert_nonnull(f);
    g_assert_cmphex(f->device, ==, ROOT_PORT_DEVICE);
    g_assert_cmphex(qpci_config_readb(&sc.pci, PXB_BUS_NR, PCI_DEVFN(0, 0),
                                      PCI_SECONDARY_BUS), ==, PXB_BUS_NR + 1);
    check_edu(&sc, find(&sc, PXB_BUS_NR + 1, PCI_DEVFN(0, 0)));

    /* Nothing answers on a bus no bridge and no root complex claims. */
    g_assert_false(qpci_device_present(&sc.pci, 2, PCI_DEVFN(0, 0)));
    g_assert_false(qpci_device_present(&sc.pci, 0x40, PCI_DEVFN(0, 0)));
    g_assert_cmphex(qpci_config_readl(&sc.pci, 2, 0, PCI_VENDOR_ID), ==,
                    0xffffffff);

    g_array_free(sc.found, true);
    qtest_quit(qts);
}

static void test_decoding_gates(void)
{
    QTestState *qts = qtest_init(TOPOLOGY);
    Scan sc;
    const Found *root_edu, *port_edu;
    uint16_t cmd;

    scan_all(&sc, qts);
    root_edu = find(&sc, 0, PCI_DEVFN(3, 0));
    port_edu = find(&sc, 1, PCI_DEVFN(0, 0));
    g_assert_nonnull(root_edu);
    g_assert_nonnull(port_edu);

    /* Memory decoding off: the BAR is gone. */
    cmd = qpci_config_readw(&sc.pci, 0, PCI_DEVFN(3, 0), PCI_COMMAND);
    qpci_config_writew(&sc.pci, 0, PCI_DEVFN(3, 0), PCI_COMMAND,
                       cmd & ~PCI_COMMAND_MEMORY);
    g_assert_cmphex(qtest_readl(qts, root_edu->bar0 + EDU_REG_ID), !=,
                    EDU_ID_VALUE);
    qpci_config_writew(&sc.pci, 0, PCI_DEVFN(3, 0), PCI_COMMAND, cmd);
    g_assert_cmphex(qtest_readl(qts, root_edu->bar0 + EDU_REG_ID), ==,
                    EDU_ID_VALUE);

    /* A root port forwards only what its memory window covers. */
    qpci_bridge_set_mem_window(&sc.pci, 0, PCI_DEVFN(2, 0), 0xfff00000,
                               0x00000000);
    g_assert_cmphex(qtest_readl(qts, port_edu->bar0 + EDU_REG_ID), !=,
                    EDU_ID_VALUE);
    qpci_bridge_set_mem_window(&sc.pci, 0, PCI_DEVFN(2, 0),
                               port_edu->bar0, port_edu->bar0 + 0xfffff);
    g_assert_cmphex(qtest_readl(qts, port_edu->bar0 + EDU_REG_ID), ==,
                    EDU_ID_VALUE);
    /* ... and only while its own memory decoding is on. */
    cmd = qpci_config_readw(&sc.pci, 0, PCI_DEVFN(2, 0), PCI_COMMAND);
    qpci_config_writew(&sc.pci, 0, PCI_DEVFN(2, 0), PCI_COMMAND,
                       cmd & ~PCI_COMMAND_MEMORY);
    g_assert_cmphex(qtest_readl(qts, port_edu->bar0 + EDU_REG_ID), !=,
                    EDU_ID_VALUE);

    g_array_free(sc.found, true);
    qtest_quit(qts);
}

static void test_bar_sizing(void)
{
    QTestState *qts = qtest_init("-device edu,bus=pcie.0,addr=3.0");
    QPCIBus pci;
    uint32_t type;
    int bar;

    qpci_init_virt(&pci, qts);
    /* edu: BAR 0 is 1 MiB of 32-bit non-prefetchable memory; no others. */
    g_assert_cmphex(qpci_bar_size(&pci, 0, PCI_DEVFN(3, 0), 0, &type), ==,
                    1 << 20);
    g_assert_cmphex(type, ==, 0);
    for (bar = 1; bar < 6; bar++) {
        g_assert_cmphex(qpci_bar_size(&pci, 0, PCI_DEVFN(3, 0), bar, &type),
                        ==, 0);
    }
    /* Sizing left the BAR as it was. */
    g_assert_cmphex(qpci_config_readl(&pci, 0, PCI_DEVFN(3, 0),
                                      PCI_BASE_ADDRESS_0), ==, 0);
    qtest_quit(qts);
}

/* The "devices" array of the query-pci entry for bus number busnr. */
static JsonArray *query_pci_bus(JsonNode *ret, int busnr)
{
    JsonArray *buses = json_node_get_array(ret);
    guint i;

    for (i = 0; i < json_array_get_length(buses); i++) {
        JsonObject *b = json_array_get_object_element(buses, i);

        if (json_object_get_int_member(b, "bus") == busnr) {
            return json_object_get_array_member(b, "devices");
        }
    }
    return NULL;
}

static JsonObject *query_pci_dev(JsonArray *devs, int slot, int fn)
{
    guint i;

    for (i = 0; devs && i < json_array_get_length(devs); i++) {
        JsonObject *d = json_array_get_object_element(devs, i);

        if (json_object_get_int_member(d, "slot") == slot &&
            json_object_get_int_member(d, "function") == fn) {
            return d;
        }
    }
    return NULL;
}

static void check_query_edu(JsonObject *d, const Found *f, const char *id)
{
    JsonObject *ids, *bar;
    JsonArray *regions;

    g_assert_nonnull(d);
    g_assert_cmpstr(json_object_get_string_member(d, "qdev_id"), ==, id);
    ids = json_object_get_object_member(d, "id");
    g_assert_cmpint(json_object_get_int_member(ids, "vendor"), ==,
                    EDU_VENDOR_ID);
    g_assert_cmpint(json_object_get_int_member(ids, "device"), ==,
                    EDU_DEVICE_ID);
    regions = json_object_get_array_member(d, "regions");
    g_assert_cmpuint(json_array_get_length(regions), ==, 1);
    bar = json_array_get_object_element(regions, 0);
    g_assert_cmpint(json_object_get_int_member(bar, "bar"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(bar, "type"), ==,
                    "memory");
    g_assert_cmphex(json_object_get_int_member(bar, "address"), ==,
                    f->bar0);
    g_assert_cmphex(json_object_get_int_member(bar, "size"), ==, 1 << 20);
    g_assert_false(json_object_get_boolean_member(bar, "prefetch"));
    g_assert_false(json_object_get_boolean_member(bar, "mem_type_64"));
}

static void test_query_pci(void)
{
    QTestState *qts = qtest_init(TOPOLOGY);
    Scan sc;
    JsonNode *ret;
    JsonArray *devs, *below;
    JsonObject *rp, *bridge, *bus;

    scan_all(&sc, qts);
    ret = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-pci'}");

    devs = query_pci_bus(ret, 0);
    g_assert_nonnull(devs);
    check_query_edu(query_pci_dev(devs, 3, 0), find(&sc, 0, PCI_DEVFN(3, 0)),
                    "edu0");
    rp = query_pci_dev(devs, 2, 0);
    g_assert_nonnull(rp);
    g_assert_cmpstr(json_object_get_string_member(rp, "qdev_id"), ==, "rp0");
    bridge = json_object_get_object_member(rp, "pci_bridge");
    g_assert_nonnull(bridge);
    bus = json_object_get_object_member(bridge, "bus");
    g_assert_cmpint(json_object_get_int_member(bus, "number"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(bus, "secondary"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(bus, "subordinate"), ==, 1);
    below = json_object_get_array_member(bridge, "devices");
    check_query_edu(query_pci_dev(below, 0, 0),
                    find(&sc, 1, PCI_DEVFN(0, 0)), "edu-rp0");

    /* The pxb's root complex is an entry of its own. */
    devs = query_pci_bus(ret, PXB_BUS_NR);
    g_assert_nonnull(devs);
    rp = query_pci_dev(devs, 0, 0);
    g_assert_nonnull(rp);
    g_assert_cmpstr(json_object_get_string_member(rp, "qdev_id"), ==, "rp1");
    bridge = json_object_get_object_member(rp, "pci_bridge");
    below = json_object_get_array_member(bridge, "devices");
    check_query_edu(query_pci_dev(below, 0, 0),
                    find(&sc, PXB_BUS_NR + 1, PCI_DEVFN(0, 0)), "edu-rp1");

    json_node_unref(ret);
    g_array_free(sc.found, true);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcie/enumerate", test_enumerate);
    g_test_add_func("/pcie/decoding-gates", test_decoding_gates);
    g_test_add_func("/pcie/bar-sizing", test_bar_sizing);
    g_test_add_func("/pcie/query-pci", test_query_pci);
    return g_test_run();
}
