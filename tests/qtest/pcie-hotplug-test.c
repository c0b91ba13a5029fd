/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express native hotplug on the virt machine, the test acting as the
 * guest's pciehp driver: a pcie-root-port (rp1 at 00:02.0) with its
 * MSI-X hotplug vector aimed at the ITS doorbell, device_add of an edu
 * into its slot (presence, the interrupt, the guest's acknowledgement,
 * power-on and enumeration behind the port), the errors that must leave
 * everything as it was, device_del (the attention button), the guest's
 * power-off and DEVICE_DELETED; removal from a slot the guest left off;
 * slot power (a function in a slot that is off is not there); and
 * MSI-X masking: a masked vector is held in the PBA and delivered with
 * its programmed data when unmasked.
 *
 * It runs against QEMU 10 too (QTEST_ACCEL=tcg): there the messages go
 * to guest RAM instead of the ITS model, whose x-msi-log is ours.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "edu-regs.h"

#define RP_DEVFN    PCI_DEVFN(2, 0)
#define RP_BUS      1
#define RP_ARGS     "-machine gic-version=3 " \
                    "-device pcie-root-port,id=rp1,chassis=1,slot=1," \
                    "bus=pcie.0,addr=2.0"

/* Where messages go when there is no ITS log to read (QEMU). */
#define MSI_RAM     0x40000000ULL
#define MSI_EVENTID 0x2a

#define HP_ENABLES  (PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_ABPE | \
                     PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_CCIE)
#define SLOT_OFF    (HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_OFF | \
                     PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF)
#define SLOT_ON     (HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_ON | \
                     PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON)
#define SLOT_BLINK  (HP_ENABLES | PCI_EXP_SLTCTL_PWR_IND_BLINK | \
                     PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON)

typedef struct Port {
    QTestState *qts;
    QPCIBus pci;
    uint8_t exp;                /* PCI Express capability */
    uint8_t msix;               /* MSI-X capability */
    uint64_t table;             /* MSI-X table (BAR 0) */
    uint64_t pba;
    bool its;                   /* messages at the ITS model (ours) */
    gint64 its_count;           /* x-msi-count already looked at */
} Port;

/* ---- the port ---- */

static uint16_t cfgw(Port *p, uint32_t off)
{
    return qpci_config_readw(&p->pci, 0, RP_DEVFN, off);
}

static uint16_t sltsta(Port *p)
{
    return cfgw(p, p->exp + PCI_EXP_SLTSTA);
}

static uint16_t lnksta(Port *p)
{
    return cfgw(p, p->exp + PCI_EXP_LNKSTA);
}

static gint64 its_count(Port *p)
{
    return qtest_qom_get_int(p->qts, "/machine/its", "x-msi-count");
}

/*
 * How many hotplug messages arrived since the last call (0 or 1: the
 * port sends one per rising edge), checking where each went and what it
 * carried: at the ITS, DeviceID = the port's requester ID (bus 0) and
 * EventID = the programmed data; in RAM, the data.
 */
static int messages(Port *p)
{
    if (p->its) {
        gint64 now = its_count(p);
        int n = now - p->its_count;
        JsonNode *log;
        JsonArray *a;
        JsonObject *last;

        p->its_count = now;
        if (!n) {
            return 0;
        }
        log = qtest_qom_get_ref(p->qts, "/machine/its", "x-msi-log");
        a = json_node_get_array(log);
        last = json_array_get_object_element(a, json_array_get_length(a) - 1);
        g_assert_cmpint(json_object_get_int_member(last, "devid"), ==,
                        RP_DEVFN);
        g_assert_cmpint(json_object_get_int_member(last, "eventid"), ==,
                        MSI_EVENTID);
        json_node_unref(log);
        return n;
    }
    if (qtest_readl(p->qts, MSI_RAM) == 0) {
        return 0;
    }
    g_assert_cmphex(qtest_readl(p->qts, MSI_RAM), ==, MSI_EVENTID);
    qtest_writel(p->qts, MSI_RAM, 0);
    return 1;
}

/*
 * Start the machine with rp1 (and extra arguments) and do what firmware
 * and the pciehp driver do before any hotplug: give the port bus 1 and
 * its windows, its MSI-X table a BAR, vector 0 a message (masked or
 * not), MSI-X on.
 */
static Port *port_start(const char *extra, bool masked)
{
    g_autofree char *args = g_strdup_printf("%s %s", RP_ARGS,
                                            extra ? extra : "");
    Port *p = g_new0(Port, 1);
    uint32_t tbl;

    p->qts = qtest_init(args);
    qpci_init_virt(&p->pci, p->qts);
    p->its = qtest_accel_is_qtest();
    g_assert_cmphex(qpci_config_readl(&p->pci, 0, RP_DEVFN, 0), ==,
                    0x000c1b36);
    p->exp = qpci_find_capability(&p->pci, 0, RP_DEVFN, PCI_CAP_ID_EXP, 0);
    p->msix = qpci_find_capability(&p->pci, 0, RP_DEVFN, PCI_CAP_ID_MSIX, 0);
    g_assert_cmphex(p->exp, ==, 0x54);
    g_assert_cmphex(p->msix, ==, 0x48);

    p->table = qpci_assign_bar(&p->pci, 0, RP_DEVFN, 0, NULL);
    tbl = qpci_config_readl(&p->pci, 0, RP_DEVFN, p->msix + PCI_MSIX_TABLE);
    g_assert_cmphex(tbl & PCI_MSIX_TABLE_BIR, ==, 0);
    p->table += tbl & PCI_MSIX_TABLE_OFFSET;
    p->pba = p->table - (tbl & PCI_MSIX_TABLE_OFFSET) +
             (qpci_config_readl(&p->pci, 0, RP_DEVFN, p->msix + PCI_MSIX_PBA)
              & PCI_MSIX_PBA_OFFSET);
    qpci_bridge_setup(&p->pci, 0, RP_DEVFN, RP_BUS, RP_BUS);

    qtest_writel(p->qts, MSI_RAM, 0);
    qpci_msix_set_vector(&p->pci, p->table, 0,
                         p->its ? QPCI_VIRT_ITS_DOORBELL : MSI_RAM,
                         MSI_EVENTID, masked);
    qpci_msix_enable(&p->pci, 0, RP_DEVFN, p->msix);
    if (p->its) {
        p->its_count = its_count(p);
    }
    return p;
}

static void port_quit(Port *p)
{
    qtest_quit(p->qts);
    g_free(p);
}

/* Acknowledge exactly the events named, as pciehp does. */
static void ack(Port *p, uint16_t events)
{
    g_assert_cmphex(sltsta(p) & events, ==, events);
    qpci_config_writew(&p->pci, 0, RP_DEVFN, p->exp + PCI_EXP_SLTSTA,
                       events);
    g_assert_cmphex(sltsta(p) & events, ==, 0);
}

/* A Slot Control command: completed at once, with an interrupt. */
static void command(Port *p, uint16_t ctl)
{
    qpci_config_writew(&p->pci, 0, RP_DEVFN, p->exp + PCI_EXP_SLTCTL, ctl);
    g_assert_cmphex(cfgw(p, p->exp + PCI_EXP_SLTCTL), ==, ctl);
    g_assert_cmpint(messages(p), ==, 1);
    ack(p, PCI_EXP_SLTSTA_CC);
}

static bool peripheral_has(Port *p, const char *id)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(p->qts,
        "{'execute': 'qom-list', 'arguments': "
        "{'path': '/machine/peripheral'}}");
    JsonArray *a = json_node_get_array(ret);
    bool found = false;

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);

        found |= !strcmp(json_object_get_string_member(o, "name"), id);
    }
    json_node_unref(ret);
    return found;
}

/* A QMP command that must fail with exactly this description. */
static void expect_error(Port *p, const char *desc, const char *cmd)
{
    JsonObject *r = qtest_qmp(p->qts, "%s", cmd);
    JsonObject *err;

    g_assert_true(json_object_has_member(r, "error"));
    err = json_object_get_object_member(r, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
    json_object_unref(r);
}

static void device_add_edu(Port *p, const char *id)
{
    qtest_qmp_assert_success(p->qts,
        "{'execute': 'device_add', 'arguments': "
        "{'driver': 'edu', 'bus': 'rp1', 'id': '%s'}}", id);
}

static void wait_deleted(Port *p, const char *id)
{
    JsonObject *ev = qtest_qmp_eventwait_ref(p->qts, "DEVICE_DELETED");
    JsonObject *data = json_object_get_object_member(ev, "data");
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);

    g_assert_cmpstr(json_object_get_string_member(data, "device"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(data, "path"), ==, path);
    json_object_unref(ev);
}

/* ---- tests ---- */

static void test_handshake(void)
{
    Port *p = port_start(NULL, false);
    uint64_t bar;

    /* pciehp's probe: events on, the empty slot stays off. */
    g_assert_cmphex(cfgw(p, p->exp + PCI_EXP_SLTCTL), ==, 0x07c0);
    command(p, SLOT_OFF);
    g_assert_cmphex(sltsta(p), ==, 0);
    g_assert_false(qpci_device_present(&p->pci, RP_BUS, 0));

    /* device_add: presence and link up, "changed" + button, interrupt. */
    device_add_edu(p, "e1");
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(lnksta(p) & PCI_EXP_LNKSTA_DLLLA, ==,
                    PCI_EXP_LNKSTA_DLLLA);
    g_assert_cmpint(messages(p), ==, 1);
    ack(p, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS);
    g_assert_cmpint(messages(p), ==, 0);

    /* The guest powers the slot on and enumerates behind the port. */
    command(p, SLOT_ON);
    g_assert_cmphex(qpci_config_readl(&p->pci, RP_BUS, 0, PCI_VENDOR_ID), ==,
                    EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    bar = qpci_assign_bar(&p->pci, RP_BUS, 0, 0, NULL);
    qpci_device_enable(&p->pci, RP_BUS, 0);
    g_assert_cmphex(qtest_readl(p->qts, bar + EDU_REG_ID), ==, EDU_ID_VALUE);

    /* Errors: nothing changes, no event. */
    expect_error(p, "PCI: slot 0 function 0 already occupied by edu, new "
                 "func edu cannot be exposed to guest.",
                 "{'execute': 'device_add', 'arguments': "
                 "{'driver': 'edu', 'bus': 'rp1', 'id': 'e2'}}");
    expect_error(p, "Bus 'nope' not found",
                 "{'execute': 'device_add', 'arguments': "
                 "{'driver': 'edu', 'bus': 'nope', 'id': 'e2'}}");
    expect_error(p, "Duplicate device ID 'e1'",
                 "{'execute': 'device_add', 'arguments': "
                 "{'driver': 'edu', 'bus': 'rp1', 'id': 'e1'}}");
    expect_error(p, "Bus 'pcie.0' does not support hotplugging",
                 "{'execute': 'device_add', 'arguments': "
                 "{'driver': 'edu', 'bus': 'pcie.0', 'id': 'e2'}}");
    g_assert_false(peripheral_has(p, "e2"));
    g_assert_true(peripheral_has(p, "e1"));
    g_assert_false(qpci_device_present(&p->pci, RP_BUS, PCI_DEVFN(1, 0)));
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS);
    g_assert_cmpint(messages(p), ==, 0);
    g_assert_cmphex(qtest_readl(p->qts, bar + EDU_REG_ID), ==, EDU_ID_VALUE);

    /* device_del presses the attention button; e1 stays for now. */
    qtest_qmp_assert_success(p->qts,
        "{'execute': 'device_del', 'arguments': {'id': 'e1'}}");
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_ABP);
    g_assert_cmpint(messages(p), ==, 1);
    g_assert_true(peripheral_has(p, "e1"));
    g_assert_null(qtest_qmp_event_ref(p->qts, "DEVICE_DELETED"));
    ack(p, PCI_EXP_SLTSTA_ABP);

    /* The guest blinks, then turns power and indicator off. */
    command(p, SLOT_BLINK);
    g_assert_true(peripheral_has(p, "e1"));
    qpci_config_writew(&p->pci, 0, RP_DEVFN, p->exp + PCI_EXP_SLTCTL,
                       SLOT_OFF);
    wait_deleted(p, "e1");

    /* The slot is empty. */
    g_assert_false(peripheral_has(p, "e1"));
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);
    g_assert_cmphex(lnksta(p) & PCI_EXP_LNKSTA_DLLLA, ==, 0);
    g_assert_cmpint(messages(p), ==, 1);
    g_assert_false(qpci_device_present(&p->pci, RP_BUS, 0));
    ack(p, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC);

    /* And takes the next device. */
    device_add_edu(p, "e1");
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC |
                    PCI_EXP_SLTSTA_ABP);
    g_assert_cmpint(messages(p), ==, 1);
    port_quit(p);
}

/* device_del of a function the guest never powered: no round trip. */
static void test_unplug_powered_off(void)
{
    Port *p = port_start(NULL, false);

    command(p, SLOT_OFF);
    device_add_edu(p, "e1");
    g_assert_cmpint(messages(p), ==, 1);
    ack(p, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    qtest_qmp_assert_success(p->qts,
        "{'execute': 'device_del', 'arguments': {'id': 'e1'}}");
    wait_deleted(p, "e1");
    g_assert_false(peripheral_has(p, "e1"));
    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDC);
    g_assert_cmpint(messages(p), ==, 1);
    port_quit(p);
}

/* A device present at boot: presence without events, slot powered. */
static void test_coldplug(void)
{
    Port *p = port_start("-device edu,bus=rp1,id=e0", false);

    g_assert_cmphex(sltsta(p), ==, PCI_EXP_SLTSTA_PDS);
    g_assert_cmphex(cfgw(p, p->exp + PCI_EXP_SLTCTL), ==, 0x03c0);
    g_assert_cmphex(lnksta(p) & PCI_EXP_LNKSTA_DLLLA, ==,
                    PCI_EXP_LNKSTA_DLLLA);
    g_assert_true(qpci_device_present(&p->pci, RP_BUS, 0));
    g_assert_cmpint(messages(p), ==, 0);
    port_quit(p);
}

/*
 * Slot power, the same on QEMU: a function hot-added into a slot the
 * guest left off is not there until the guest powers the slot on; turned
 * off with the power indicator blinking it stays plugged but vanishes
 * again, and comes back reset.
 */
static void test_slot_power(void)
{
    Port *p = port_start(NULL, false);

    command(p, SLOT_OFF);
    device_add_edu(p, "e1");
    g_assert_cmpint(messages(p), ==, 1);
    ack(p, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    g_assert_false(qpci_device_present(&p->pci, RP_BUS, 0));
    command(p, SLOT_ON);
    g_assert_true(qpci_device_present(&p->pci, RP_BUS, 0));
    qpci_config_writew(&p->pci, RP_BUS, 0, PCI_COMMAND, PCI_COMMAND_MASTER);
    g_assert_cmphex(qpci_config_readw(&p->pci, RP_BUS, 0, PCI_COMMAND), ==,
                    PCI_COMMAND_MASTER);

    command(p, (SLOT_BLINK & ~PCI_EXP_SLTCTL_PCC) | PCI_EXP_SLTCTL_PWR_OFF);
    g_assert_true(peripheral_has(p, "e1"));
    g_assert_false(qpci_device_present(&p->pci, RP_BUS, 0));
    command(p, SLOT_ON);
    g_assert_true(qpci_device_present(&p->pci, RP_BUS, 0));
    g_assert_cmphex(qpci_config_readw(&p->pci, RP_BUS, 0, PCI_COMMAND), ==,
                    0);
    port_quit(p);
}

/*
 * The MSI-X vector: masked, the hotplug event is held (PBA bit) and
 * nothing is written; unmasked, the message lands at its address with
 * the programmed data and the PBA bit clears.
 */
static void test_msix_mask(void)
{
    Port *p = port_start(NULL, true);

    qpci_config_writew(&p->pci, 0, RP_DEVFN, p->exp + PCI_EXP_SLTCTL,
                       SLOT_OFF);
    g_assert_cmphex(sltsta(p) & PCI_EXP_SLTSTA_CC, ==, PCI_EXP_SLTSTA_CC);
    g_assert_cmpint(messages(p), ==, 0);
    g_assert_cmphex(qtest_readl(p->qts, p->pba) & 1, ==, 1);
    qtest_writel(p->qts, p->table + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    g_assert_cmpint(messages(p), ==, 1);
    g_assert_cmphex(qtest_readl(p->qts, p->pba) & 1, ==, 0);

    /* Unmasked: straight through. */
    ack(p, PCI_EXP_SLTSTA_CC);
    device_add_edu(p, "e1");
    g_assert_cmpint(messages(p), ==, 1);
    g_assert_cmphex(qtest_readl(p->qts, p->pba) & 1, ==, 0);
    port_quit(p);
}

/* Two slots with the same chassis and slot numbers: refused. */
static void test_chassis_conflict(void)
{
    g_autofree char *err = NULL;
    int status = qtest_run_to_exit(
        "-device pcie-root-port,id=a,chassis=1,slot=3 "
        "-device pcie-root-port,id=b,chassis=1,slot=3", &err);

    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "-device pcie-root-port,id=b,chassis=1,"
                            "slot=3: Can't add chassis slot, error -16"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcie-hotplug/handshake", test_handshake);
    g_test_add_func("/pcie-hotplug/unplug-powered-off",
                    test_unplug_powered_off);
    g_test_add_func("/pcie-hotplug/coldplug", test_coldplug);
    g_test_add_func("/pcie-hotplug/slot-power", test_slot_power);
    g_test_add_func("/pcie-hotplug/msix-mask", test_msix_mask);
    g_test_add_func("/pcie-hotplug/chassis-conflict", test_chassis_conflict);
    return g_test_run();
}
