/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI Express capability (version 2, PCI Express Base 3.0 section
 * 7.8) as this VMM presents it, and the extended capability list that
 * starts at 0x100.
 *
 * What the capability says, as QEMU's defaults: a 128-byte max payload,
 * role-based error reporting, a x1 link at 2.5 GT/s with L0s, port
 * number in link capabilities, end-end TLP prefixes.  Only the bits a
 * guest driver may program are writable; the slot registers belong to
 * the ports (hw/pci/pcie_port.c) and are left alone here.
 *
 * An extended capability header is id [15:0], version [19:16] and the
 * next offset [31:20] (dword aligned, 0 ends the list).
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"

#define PCI_EXP_FLAGS_VER2 2
#define PCI_EXP_FLAGS_TYPE_SHIFT 4
#define PCI_EXP_LNKCAP_PN_SHIFT 24
/* Link width x1 (LNKCAP MLW, LNKSTA NLW) and speed 2.5 GT/s (SLS, CLS). */
#define PCIE_LNK_X1 (1 << 4)
#define PCIE_LNK_2_5GT 1
/* Device capabilities 2 / control 2 bits missing from the uAPI header. */
#define PCI_EXP_DEVCAP2_EFF 0x00100000     /* extended fmt field */
#define PCI_EXP_DEVCTL2_EETLPPB 0x8000     /* end-end TLP prefix blocking */

#define PCIE_EXT_CAP_NEXT_SHIFT 20
#define PCIE_EXT_CAP_NEXT_MASK 0xfff00000u
#define PCIE_EXT_HEADER_SIZE 4
/* Dwords of the extended space: more list entries than that is a loop. */
#define PCIE_EXT_CAP_MAX_ENTRIES \
    ((PCIE_CONFIG_SPACE_SIZE - PCI_CONFIG_SPACE_SIZE) / 4)

static uint8_t *pcie_reg(PCIDevice *dev, uint8_t *base, unsigned reg)
{
    return base + dev->exp.exp_cap + reg;
}

static bool pcie_type_is_downstream(uint8_t type)
{
    return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM;
}

int pcie_cap_init(PCIDevice *dev, uint8_t offset, uint8_t type,
                  uint8_t port, Error **errp)
{
    uint32_t lnkcap;
    int pos;

    if (!pci_is_express(dev)) {
        error_setg(errp, "%s: the PCI Express capability needs a PCI "
                   "Express function", dev->name);
        return -1;
    }
    pos = pci_add_capability(dev, PCI_CAP_ID_EXP, offset,
                             PCI_EXP_VER2_SIZEOF, errp);
    if (pos < 0) {
        return -1;
    }
    dev->exp.exp_cap = pos;
    dev->exp.hpev_notified = false;

    pci_set_word(pcie_reg(dev, dev->config, PCI_EXP_FLAGS),
                 (type << PCI_EXP_FLAGS_TYPE_SHIFT) | PCI_EXP_FLAGS_VER2);
    /*
     * Max payload 128 bytes (field 0).  Role-based error reporting is
     * mandatory since PCI Express 1.1 (7.8.3); 8-bit tags are supported
     * (QEMU 10 advertises both: its Device Capabilities reads 0x8020).
     */
    pci_set_long(pcie_reg(dev, dev->config, PCI_EXP_DEVCAP),
                 PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_EXT_TAG);

    lnkcap = ((uint32_t)port << PCI_EXP_LNKCAP_PN_SHIFT) |
             PCI_EXP_LNKCAP_ASPM_L0S | PCIE_LNK_X1 | PCIE_LNK_2_5GT;
    /*
     * Downstream ports report the data link layer state so that native
     * hotplug (pciehp) can see a link come up (7.8.6); pcie_port sets
     * the link status bit when a function sits behind the port.
     */
    if (pcie_type_is_downstream(type)) {
        lnkcap |= PCI_EXP_LNKCAP_DLLLARC;
    }
    pci_set_long(pcie_reg(dev, dev->config, PCI_EXP_LNKCAP), lnkcap);
    pci_set_word(pcie_reg(dev, dev->config, PCI_EXP_LNKSTA),
                 PCIE_LNK_X1 | PCIE_LNK_2_5GT);

    pci_set_long(pcie_reg(dev, dev->config, PCI_EXP_DEVCAP2),
                 PCI_EXP_DEVCAP2_EFF | PCI_EXP_DEVCAP2_EE_PREFIX);
    pci_set_word(pcie_reg(dev, dev->wmask, PCI_EXP_DEVCTL2),
                 PCI_EXP_DEVCTL2_EETLPPB);
    /*
     * Without extended capabilities the header at 0x100 must read as
     * zero (7.9.1): keep the guest from writing one there.
     */
    memset(dev->wmask + PCI_CONFIG_SPACE_SIZE, 0, PCIE_EXT_HEADER_SIZE);
    return pos;
}

int pcie_endpoint_cap_init(PCIDevice *dev, uint8_t offset, Error **errp)
{
    PCIBus *bus = pci_get_bus(dev);
    uint8_t type = PCI_EXP_TYPE_ENDPOINT;

    /*
     * A function directly on a root complex's bus is integrated into it
     * (no link above it): some guests refuse a plain endpoint there.
     */
    if (bus && pci_bus_is_express(bus) && pci_bus_is_root(bus)) {
        type = PCI_EXP_TYPE_RC_END;
    }
    return pcie_cap_init(dev, offset, type, 0, errp);
}

void pcie_cap_exit(PCIDevice *dev)
{
    if (!dev->exp.exp_cap) {
        return;
    }
    pci_del_capability(dev, PCI_CAP_ID_EXP, PCI_EXP_VER2_SIZEOF);
    dev->exp.exp_cap = 0;
}

uint8_t pcie_cap_get_type(const PCIDevice *dev)
{
    uint16_t flags;

    assert(dev->exp.exp_cap);
    flags = pci_get_word(dev->config + dev->exp.exp_cap + PCI_EXP_FLAGS);
    return (flags & PCI_EXP_FLAGS_TYPE) >> PCI_EXP_FLAGS_TYPE_SHIFT;
}

void pcie_cap_deverr_init(PCIDevice *dev)
{
    uint8_t *devcap = pcie_reg(dev, dev->config, PCI_EXP_DEVCAP);
    uint8_t *devctl = pcie_reg(dev, dev->wmask, PCI_EXP_DEVCTL);
    uint8_t *devsta = pcie_reg(dev, dev->w1cmask, PCI_EXP_DEVSTA);

    pci_set_long(devcap, pci_get_long(devcap) | PCI_EXP_DEVCAP_RBER);
    pci_set_word(devctl, pci_get_word(devctl) | PCI_EXP_DEVCTL_CERE |
                 PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE |
                 PCI_EXP_DEVCTL_URRE);
    pci_set_word(devsta, pci_get_word(devsta) | PCI_EXP_DEVSTA_CED |
                 PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED |
                 PCI_EXP_DEVSTA_URD);
}

void pcie_cap_root_init(PCIDevice *dev)
{
    /* System errors on reported errors; PME is not modelled. */
    pci_set_word(pcie_reg(dev, dev->wmask, PCI_EXP_RTCTL),
                 PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE |
                 PCI_EXP_RTCTL_SEFEE);
}

void pcie_cap_reset(PCIDevice *dev)
{
    /* Device, link, root control and status; the slot is pcie_port's. */
    static const uint8_t regs[] = {
        PCI_EXP_DEVCTL, PCI_EXP_DEVSTA, PCI_EXP_LNKCTL, PCI_EXP_RTCTL,
        PCI_EXP_DEVCTL2, PCI_EXP_LNKCTL2,
    };
    unsigned i;

    if (!dev->exp.exp_cap) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(regs); i++) {
        uint8_t *val = pcie_reg(dev, dev->config, regs[i]);
        uint16_t guest = pci_get_word(pcie_reg(dev, dev->wmask, regs[i])) |
                         pci_get_word(pcie_reg(dev, dev->w1cmask, regs[i]));

        pci_set_word(val, pci_get_word(val) & ~guest);
    }
}

/* ---- extended capabilities ---- */

static uint32_t pcie_ext_header(PCIDevice *dev, uint16_t pos)
{
    return pci_get_long(dev->config + pos);
}

/*
 * Walk the list for cap_id; *prev gets the entry before the one found
 * (0 if it is the first), or the last entry when cap_id is absent.
 * A malformed list (a next pointer below 0x100, or more entries than
 * fit) ends the walk.
 */
static uint16_t pcie_ext_walk(PCIDevice *dev, uint32_t cap_id,
                              uint16_t *prev)
{
    uint16_t pos = PCI_CONFIG_SPACE_SIZE;
    unsigned n;

    *prev = 0;
    if (!pci_is_express(dev) || !pcie_ext_header(dev, pos)) {
        return 0;
    }
    for (n = 0; n < PCIE_EXT_CAP_MAX_ENTRIES; n++) {
        uint32_t header = pcie_ext_header(dev, pos);
        uint16_t next = PCI_EXT_CAP_NEXT(header);

        if (PCI_EXT_CAP_ID(header) == cap_id) {
            return pos;
        }
        if (next < PCI_CONFIG_SPACE_SIZE) {
            break;
        }
        *prev = pos;
        pos = next;
    }
    *prev = pos;
    return 0;
}

static void pcie_ext_set_next(PCIDevice *dev, uint16_t pos, uint16_t next)
{
    uint32_t header = pcie_ext_header(dev, pos) & ~PCIE_EXT_CAP_NEXT_MASK;

    pci_set_long(dev->config + pos,
                 header | ((uint32_t)next << PCIE_EXT_CAP_NEXT_SHIFT));
}

void pcie_add_capability(PCIDevice *dev, uint16_t cap_id, uint8_t cap_ver,
                         uint16_t offset, uint16_t size)
{
    uint16_t last;
    unsigned i;

    assert(pci_is_express(dev));
    assert(offset >= PCI_CONFIG_SPACE_SIZE && !(offset & 3));
    assert(size >= PCIE_EXT_HEADER_SIZE &&
           offset + size <= PCIE_CONFIG_SPACE_SIZE);
    for (i = offset; i < offset + size; i++) {
        assert(!dev->used[i]);
    }

    if (!pcie_ext_header(dev, PCI_CONFIG_SPACE_SIZE)) {
        /* The list starts at 0x100 or nowhere (7.9.1). */
        assert(offset == PCI_CONFIG_SPACE_SIZE);
    } else {
        pcie_ext_walk(dev, UINT32_MAX, &last);
        assert(last);
        pcie_ext_set_next(dev, last, offset);
    }
    memset(dev->config + offset, 0, size);
    memset(dev->wmask + offset, 0, size);
    memset(dev->w1cmask + offset, 0, size);
    memset(dev->used + offset, 1, size);
    pci_set_long(dev->config + offset,
                 cap_id | ((uint32_t)(cap_ver & 0xf) << 16));
}

void pcie_del_capability(PCIDevice *dev, uint16_t cap_id, uint16_t size)
{
    uint16_t prev, pos, next;

    pos = pcie_ext_walk(dev, cap_id, &prev);
    if (!pos) {
        return;
    }
    next = PCI_EXT_CAP_NEXT(pcie_ext_header(dev, pos));
    if (prev) {
        pcie_ext_set_next(dev, prev, next);
    }
    /* The room goes back to device-specific space, as pci_del_capability. */
    memset(dev->config + pos, 0, size);
    memset(dev->wmask + pos, 0xff, size);
    memset(dev->w1cmask + pos, 0, size);
    memset(dev->used + pos, 0, size);
    if (pos != PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    /*
     * 0x100 always holds the head of the list, or zero: when others
     * follow the first entry, which cannot move, leave a header with id 0
     * that only links to them (guests walk past id 0).
     */
    memset(dev->wmask + pos, 0, PCIE_EXT_HEADER_SIZE);
    if (next) {
        pci_set_long(dev->config + pos,
                     (uint32_t)next << PCIE_EXT_CAP_NEXT_SHIFT);
        memset(dev->used + pos, 1, PCIE_EXT_HEADER_SIZE);
    }
}

uint16_t pcie_find_capability(PCIDevice *dev, uint16_t cap_id)
{
    uint16_t prev;

    return pcie_ext_walk(dev, cap_id, &prev);
}
