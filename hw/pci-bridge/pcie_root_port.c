/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "pcie-root-port": QEMU's generic PCI Express root port (Red Hat
 * 1b36:000c), a hotplug slot on a root complex.  Its configuration space
 * is laid out as QEMU's, so a guest sees the same device:
 *
 *   0x40  bridge subsystem vendor ID capability (1b36:0000)
 *   0x48  MSI-X, 1 vector, table and PBA in BAR 0 (4 KiB): the hotplug
 *         interrupt (INTA when MSI-X is off)
 *   0x54  PCI Express capability v2: root port, slot implemented,
 *         x32 16 GT/s link, ARI forwarding
 *   0x100 advanced error reporting (registers only: no error is ever
 *         logged or signalled)
 *   0x148 access control services (SV, TB, RR, CR, UF, DT)
 *
 * The bridge, slot and hotplug behaviour is hw/pci/pci_bridge.c and
 * hw/pci/pcie_port.c; this file assembles them.
 */
#include "qemu/osdep.h"
#include "hw/pci/pcie_port.h"
#include "hw/pci/msix.h"
#include "trace/trace-hw_pci_bridge.h"

#define TYPE_PCIE_ROOT_PORT "pcie-root-port"

#define RP_SSVID_OFFSET     0x40
#define RP_SSVID_SIZEOF     8
#define RP_EXP_OFFSET       0x54
#define RP_AER_OFFSET       0x100
#define RP_AER_SIZEOF       0x48
#define RP_AER_VER          2
#define RP_ACS_OFFSET       (RP_AER_OFFSET + RP_AER_SIZEOF)
#define RP_ACS_SIZEOF       8
#define RP_ACS_VER          1
#define RP_MSIX_VECTORS     1

/* AER register values and masks (PCIe 7.8.4) as QEMU's port has them. */
#define RP_AER_UNC_SUPPORTED    0x03fff030  /* DLP .. TLP prefix blocked */
#define RP_AER_UNC_MASK_DEFAULT (PCI_ERR_UNC_INTN | PCI_ERR_UNC_TLPPRE)
#define RP_AER_UNC_SEV_DEFAULT  (PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | \
                                 PCI_ERR_UNC_FCP | PCI_ERR_UNC_RX_OVER | \
                                 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_INTN)
#define RP_AER_COR_SUPPORTED    (PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | \
                                 PCI_ERR_COR_BAD_DLLP | \
                                 PCI_ERR_COR_REP_ROLL | \
                                 PCI_ERR_COR_REP_TIMER | \
                                 PCI_ERR_COR_ADV_NFAT | \
                                 PCI_ERR_COR_INTERNAL | \
                                 PCI_ERR_COR_LOG_OVER)
#define RP_AER_COR_MASK_DEFAULT (PCI_ERR_COR_ADV_NFAT | \
                                 PCI_ERR_COR_INTERNAL | \
                                 PCI_ERR_COR_LOG_OVER)
#define RP_AER_CAP_MHRC         0x00000200  /* multiple header recording */
#define RP_AER_CAP_MHRE         0x00000400
#define RP_AER_ROOT_CMD_MASK    0x00000007
#define RP_AER_ROOT_STA_EVENTS  0x0000007f

#define RP_ACS_BITS (PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | \
                     PCI_ACS_UF | PCI_ACS_DT)

static void rp_aer_init(PCIDevice *d)
{
    uint8_t *c = d->config + RP_AER_OFFSET;
    uint8_t *w = d->wmask + RP_AER_OFFSET;
    uint8_t *w1c = d->w1cmask + RP_AER_OFFSET;

    pcie_add_capability(d, PCI_EXT_CAP_ID_ERR, RP_AER_VER, RP_AER_OFFSET,
                        RP_AER_SIZEOF);
    pci_set_long(w1c + PCI_ERR_UNCOR_STATUS, RP_AER_UNC_SUPPORTED);
    pci_set_long(c + PCI_ERR_UNCOR_MASK, RP_AER_UNC_MASK_DEFAULT);
    pci_set_long(w + PCI_ERR_UNCOR_MASK, RP_AER_UNC_SUPPORTED);
    pci_set_long(c + PCI_ERR_UNCOR_SEVER, RP_AER_UNC_SEV_DEFAULT);
    pci_set_long(w + PCI_ERR_UNCOR_SEVER, RP_AER_UNC_SUPPORTED);
    pci_set_long(w1c + PCI_ERR_COR_STATUS, RP_AER_COR_SUPPORTED);
    pci_set_long(c + PCI_ERR_COR_MASK, RP_AER_COR_MASK_DEFAULT);
    pci_set_long(w + PCI_ERR_COR_MASK, RP_AER_COR_SUPPORTED);
    pci_set_long(c + PCI_ERR_CAP, PCI_ERR_CAP_ECRC_GENC |
                 PCI_ERR_CAP_ECRC_CHKC | RP_AER_CAP_MHRC);
    pci_set_long(w + PCI_ERR_CAP, PCI_ERR_CAP_ECRC_GENE |
                 PCI_ERR_CAP_ECRC_CHKE | RP_AER_CAP_MHRE);
    pci_set_long(w + PCI_ERR_ROOT_COMMAND, RP_AER_ROOT_CMD_MASK);
    /* Interrupt message number 0: the MSI-X vector (bits 31:27). */
    pci_set_long(w1c + PCI_ERR_ROOT_STATUS, RP_AER_ROOT_STA_EVENTS);
}

static void rp_acs_init(PCIDevice *d)
{
    pcie_add_capability(d, PCI_EXT_CAP_ID_ACS, RP_ACS_VER, RP_ACS_OFFSET,
                        RP_ACS_SIZEOF);
    /* A downstream port implements these (PCIe 6.12.1.1). */
    pci_set_word(d->config + RP_ACS_OFFSET + PCI_ACS_CAP, RP_ACS_BITS);
    pci_set_word(d->wmask + RP_ACS_OFFSET + PCI_ACS_CTRL, RP_ACS_BITS);
}

static bool rp_realize(PCIDevice *d, Error **errp)
{
    uint8_t *exp;
    int pos;

    d->config[PCI_INTERRUPT_PIN] = 1;  /* INTA, when MSI-X is off */
    if (!pci_bridge_init(d, TYPE_PCIE_BUS, errp)) {
        return false;
    }

    pos = pci_add_capability(d, PCI_CAP_ID_SSVID, RP_SSVID_OFFSET,
                             RP_SSVID_SIZEOF, errp);
    if (pos < 0) {
        goto err_bridge;
    }
    pci_set_word(d->config + pos + PCI_SSVID_VENDOR_ID,
                 PCI_VENDOR_ID_REDHAT);
    pci_set_word(d->config + pos + PCI_SSVID_DEVICE_ID, 0);

    if (msix_init_exclusive_bar(d, RP_MSIX_VECTORS, 0, errp) < 0) {
        goto err_bridge;
    }
    if (pcie_cap_init(d, RP_EXP_OFFSET, PCI_EXP_TYPE_ROOT_PORT,
                      PCIE_PORT(d)->port, errp) < 0) {
        goto err_msix;
    }
    exp = d->config + d->exp.exp_cap;
    /* ARI forwarding (PCIe 7.5.3.15-16). */
    pci_set_long(exp + PCI_EXP_DEVCAP2,
                 pci_get_long(exp + PCI_EXP_DEVCAP2) | PCI_EXP_DEVCAP2_ARI);
    pci_set_word(d->wmask + d->exp.exp_cap + PCI_EXP_DEVCTL2,
                 pci_get_word(d->wmask + d->exp.exp_cap + PCI_EXP_DEVCTL2) |
                 PCI_EXP_DEVCTL2_ARI);
    pcie_cap_deverr_init(d);
    pcie_port_init_link(d);
    pcie_cap_root_init(d);
    if (!pcie_slot_init(d, errp)) {
        goto err_cap;
    }
    rp_aer_init(d);
    rp_acs_init(d);
    trace_pcie_root_port_realize(d->name, PCIE_SLOT(d)->chassis,
                                 PCIE_SLOT(d)->slot, PCIE_PORT(d)->port);
    return true;

err_cap:
    pcie_cap_exit(d);
err_msix:
    msix_uninit_exclusive_bar(d);
err_bridge:
    pci_bridge_exit(d);
    return false;
}

static void rp_exit(PCIDevice *d)
{
    pcie_slot_exit(d);
    pcie_cap_exit(d);
    msix_uninit_exclusive_bar(d);
    pci_bridge_exit(d);
}

static uint32_t rp_read_config(PCIDevice *d, uint32_t addr, int len)
{
    if (d->exp.exp_cap &&
        pci_config_ranges_overlap(addr, len,
                                  d->exp.exp_cap + PCI_EXP_LNKSTA, 2)) {
        pcie_port_sync_link(d);
    }
    return pci_default_read_config(d, addr, len);
}

static void rp_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                            int len)
{
    uint16_t slt_ctl, slt_sta;

    pcie_cap_slot_get(d, &slt_ctl, &slt_sta);
    pci_bridge_write_config(d, addr, val, len);
    pcie_cap_slot_write_config(d, slt_ctl, slt_sta, addr, val, len);
}

/*
 * After the core reset the header and the PCI Express capability's
 * device, link and root control: the extended capabilities' controls,
 * the slot and the bridge registers.
 */
static void rp_reset(PCIDevice *d)
{
    trace_pcie_root_port_reset(d->name);
    pci_set_word(d->config + RP_ACS_OFFSET + PCI_ACS_CTRL, 0);
    pci_set_long(d->config + RP_AER_OFFSET + PCI_ERR_ROOT_COMMAND, 0);
    pcie_cap_slot_reset(d);
    pci_bridge_reset(d);
}

static void rp_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->desc = "PCI Express Root Port";
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_PCIE_RP;
    pc->revision = 0;
    pc->realize = rp_realize;
    pc->exit = rp_exit;
    pc->config_read = rp_read_config;
    pc->config_write = rp_write_config;
    pc->reset = rp_reset;
}

static const TypeInfo pcie_root_port_types[] = {
    {
        .name = TYPE_PCIE_ROOT_PORT,
        .parent = TYPE_PCIE_SLOT,
        .instance_size = sizeof(PCIESlot),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = rp_class_init,
    },
};

DEFINE_TYPES(pcie_root_port_types)
