/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express ports ("pcie-port") and hotplug slots ("pcie-slot"), both
 * abstract: the link and slot registers of a downstream port's PCI
 * Express capability, the chassis/slot numbering, and PCI Express native
 * hotplug with the port as the hotplug handler of its secondary bus.
 *
 * The hotplug model is QEMU's (see include/hw/pci/pcie_port.h for the
 * rules and docs/system/pcie-hotplug.rst for the handshake), so that
 * guests and management tools written against QEMU behave the same.
 * Spec references are to the PCI Express Base Specification 6.0:
 * 6.7.3 (hot-plug events and their interrupt), 7.5.3.9-11 (slot
 * capabilities, control, status).
 */
#include "qemu/osdep.h"
#include "hw/pci/pcie_port.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "trace/trace-hw_pci.h"

/* QEMU's generic root port link: x32 at 16 GT/s. */
#define PCIE_PORT_LINK_WIDTH 32
#define PCIE_PORT_LINK_SPEED PCI_EXP_LNKCAP_SLS_16_0GB

/*
 * Every event bit of Slot Status but the data link layer's: a write
 * that tries to clear one that is not set is undone (slot_write_status).
 */
#define PCIE_SLOT_ALL_EVENTS \
    (PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | PCI_EXP_SLTSTA_MRLSC | \
     PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC)

/* Every (chassis, slot) pair in use; a machine has one namespace. */
static GSList *pcie_slots;

/*
 * The 16-bit register at reg as a write of val (len bytes at addr)
 * presented it: bytes the write covered come from val, the others from
 * cur.  Unlike the register's new value this keeps bits that are not
 * writable, which QEMU's slot logic looks at.
 */
static uint16_t written_word(uint32_t reg, uint32_t addr, uint32_t val,
                             int len, uint16_t cur)
{
    uint16_t out = cur;
    int i;

    for (i = 0; i < 2; i++) {
        uint32_t byte = reg + i;

        if (byte >= addr && byte < addr + len) {
            out &= ~(0xff << (8 * i));
            out |= ((val >> (8 * (byte - addr))) & 0xff) << (8 * i);
        }
    }
    return out;
}

static uint8_t *exp_reg(PCIDevice *dev, uint32_t reg)
{
    return dev->config + dev->exp.exp_cap + reg;
}

static PCIBus *slot_bus(PCIDevice *dev)
{
    return pci_bridge_get_sec_bus(PCI_BRIDGE(dev));
}

/* ---- registers ---- */

void pcie_port_init_link(PCIDevice *dev)
{
    uint32_t lnkcap = pci_get_long(exp_reg(dev, PCI_EXP_LNKCAP));
    uint16_t lnkctl2 = pci_get_word(exp_reg(dev, PCI_EXP_LNKCTL2));
    uint16_t width = PCIE_PORT_LINK_WIDTH << PCI_EXP_LNKSTA_NLW_SHIFT;

    /*
     * A hot-plug capable port must report data link layer link active
     * (PCIe 7.5.3.6); faster than 2.5 GT/s also needs bandwidth
     * notification.  Link active itself follows presence (plug/unplug).
     */
    lnkcap &= ~(PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS);
    lnkcap |= width | PCIE_PORT_LINK_SPEED | PCI_EXP_LNKCAP_LBNC |
              PCI_EXP_LNKCAP_DLLLARC;
    pci_set_long(exp_reg(dev, PCI_EXP_LNKCAP), lnkcap);
    /* All speeds up to the maximum; the target speed is the maximum. */
    pci_set_long(exp_reg(dev, PCI_EXP_LNKCAP2),
                 PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB |
                 PCI_EXP_LNKCAP2_SLS_8_0GB | PCI_EXP_LNKCAP2_SLS_16_0GB);
    pci_set_word(exp_reg(dev, PCI_EXP_LNKCTL2),
                 (lnkctl2 & ~PCI_EXP_LNKCTL2_TLS) |
                 PCI_EXP_LNKCTL2_TLS_16_0GT);
    pcie_port_sync_link(dev);
}

void pcie_port_sync_link(PCIDevice *dev)
{
    PCIDevice *target = slot_bus(dev) ? slot_bus(dev)->devices[0] : NULL;
    uint32_t lnkcap = pci_get_long(exp_reg(dev, PCI_EXP_LNKCAP));
    uint16_t lnksta = lnkcap & (PCI_EXP_LNKSTA_NLW | PCI_EXP_LNKSTA_CLS);

    /*
     * The link trains to what both ends support: a PCI Express function
     * below reports its own width and speed, clamped to the port's; no
     * function (or a conventional one) leaves the port's maximum.
     */
    if (target && target->exp.exp_cap) {
        uint16_t t = pci_get_word(target->config + target->exp.exp_cap +
                                  PCI_EXP_LNKSTA);
        uint16_t nlw = t & PCI_EXP_LNKSTA_NLW;
        uint16_t cls = t & PCI_EXP_LNKSTA_CLS;

        if (nlw > (lnkcap & PCI_EXP_LNKCAP_MLW)) {
            nlw = lnkcap & PCI_EXP_LNKCAP_MLW;
        } else if (!nlw) {
            nlw = PCI_EXP_LNKSTA_NLW_X1;
        }
        if (cls > (lnkcap & PCI_EXP_LNKCAP_SLS)) {
            cls = lnkcap & PCI_EXP_LNKCAP_SLS;
        } else if (!cls) {
            cls = PCI_EXP_LNKCAP_SLS_2_5GB;
        }
        lnksta = nlw | cls;
    }
    pci_set_word(exp_reg(dev, PCI_EXP_LNKSTA),
                 (pci_get_word(exp_reg(dev, PCI_EXP_LNKSTA)) &
                  ~(PCI_EXP_LNKSTA_NLW | PCI_EXP_LNKSTA_CLS)) | lnksta);
}

void pcie_cap_slot_get(PCIDevice *dev, uint16_t *ctl, uint16_t *sta)
{
    *ctl = pci_get_word(exp_reg(dev, PCI_EXP_SLTCTL));
    *sta = pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA));
}

static void slot_set_sta(PCIDevice *dev, uint16_t set, uint16_t clear)
{
    uint16_t sta = pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA));

    pci_set_word(exp_reg(dev, PCI_EXP_SLTSTA), (sta & ~clear) | set);
}

static void slot_set_link_active(PCIDevice *dev, bool on)
{
    uint16_t lnksta = pci_get_word(exp_reg(dev, PCI_EXP_LNKSTA));

    lnksta = on ? lnksta | PCI_EXP_LNKSTA_DLLLA
                : lnksta & ~PCI_EXP_LNKSTA_DLLLA;
    pci_set_word(exp_reg(dev, PCI_EXP_LNKSTA), lnksta);
}

/*
 * The functions in the slot have power while its power controller is on
 * (always, without a power controller), as QEMU 10's port gives it; an
 * unpowered function answers no configuration request (pci_set_power).
 */
static void slot_update_power(PCIDevice *dev)
{
    PCIBus *bus = slot_bus(dev);
    bool on = !PCIE_SLOT(dev)->power_controller ||
              (pci_get_word(exp_reg(dev, PCI_EXP_SLTCTL)) &
               PCI_EXP_SLTCTL_PCC) == PCI_EXP_SLTCTL_PWR_ON;
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            pci_set_power(bus->devices[devfn], on);
        }
    }
}

/* ---- the hotplug interrupt (PCIe 6.7.3.4) ---- */

/*
 * Should the port be interrupting?  The enable bits of Slot Control sit
 * at the same positions as the events they enable in Slot Status.
 */
static bool slot_hp_level(PCIDevice *dev)
{
    uint16_t ctl, sta;

    pcie_cap_slot_get(dev, &ctl, &sta);
    return (ctl & PCI_EXP_SLTCTL_HPIE) && (sta & ctl & PCIE_SLOT_HP_EVENTS);
}

static uint8_t slot_hp_vector(PCIDevice *dev)
{
    uint16_t flags = pci_get_word(exp_reg(dev, PCI_EXP_FLAGS));

    return (flags & PCI_EXP_FLAGS_IRQ) >> __builtin_ctz(PCI_EXP_FLAGS_IRQ);
}

static bool slot_has_intx(PCIDevice *dev)
{
    return dev->config[PCI_INTERRUPT_PIN] != 0;
}

/*
 * Signal when the condition changes, as QEMU does: an MSI-X or MSI
 * message on each change (so also when a Slot Control write turns the
 * condition off), or the INTx level.  Whether the vector is masked is
 * not looked at: a masked MSI-X vector stays pending and is sent when
 * unmasked, which 6.7.3.4 permits.
 */
static void slot_hp_notify(PCIDevice *dev)
{
    bool prev = dev->exp.hpev_notified;

    dev->exp.hpev_notified = slot_hp_level(dev);
    if (prev == dev->exp.hpev_notified) {
        return;
    }
    if (msix_enabled(dev)) {
        trace_pcie_slot_notify(dev->name, dev->exp.hpev_notified, "msi-x");
        msix_notify(dev, slot_hp_vector(dev));
    } else if (msi_enabled(dev)) {
        trace_pcie_slot_notify(dev->name, dev->exp.hpev_notified, "msi");
        msi_notify(dev, slot_hp_vector(dev));
    } else if (slot_has_intx(dev)) {
        trace_pcie_slot_notify(dev->name, dev->exp.hpev_notified, "intx");
        pci_set_irq(dev, dev->exp.hpev_notified);
    }
}

/* After the guest cleared events: lower INTx, send nothing. */
static void slot_hp_clear(PCIDevice *dev)
{
    dev->exp.hpev_notified = slot_hp_level(dev);
    if (!msix_enabled(dev) && !msi_enabled(dev) && slot_has_intx(dev) &&
        !dev->exp.hpev_notified) {
        pci_irq_deassert(dev);
    }
}

/* Set event bits in Slot Status; notify if one of them was new. */
static void slot_event(PCIDevice *dev, uint16_t event)
{
    uint16_t sta = pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA));

    trace_pcie_slot_event(dev->name, event, sta | event);
    if ((sta & event) == event) {
        return;
    }
    slot_set_sta(dev, event, 0);
    slot_hp_notify(dev);
}

void pcie_cap_slot_push_attention_button(PCIDevice *dev)
{
    slot_event(dev, PCI_EXP_SLTSTA_ABP);
}

/* ---- plug and unplug ---- */

static uint32_t slot_cap(PCIDevice *dev)
{
    return pci_get_long(exp_reg(dev, PCI_EXP_SLTCAP));
}

/*
 * Remove every function in the slot (the guest powered it off, or it
 * was off already): DEVICE_DELETED for each, then presence and link go
 * down and the presence change is reported (the caller notifies).
 */
static void slot_unplug_all(PCIDevice *dev)
{
    PCIBus *bus = slot_bus(dev);
    int devfn;

    /* Whatever a deferred power-off would have removed goes now. */
    if (PCIE_SLOT(dev)->unplug_bh) {
        qemu_bh_cancel(PCIE_SLOT(dev)->unplug_bh);
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *child = bus->devices[devfn];

        if (child) {
            hotplug_handler_unplug(OBJECT(dev), DEVICE(child), NULL);
        }
    }
    slot_set_sta(dev, PCI_EXP_SLTSTA_PDC, PCI_EXP_SLTSTA_PDS);
    slot_set_link_active(dev, false);
}

/*
 * The guest powered the slot off with a bus-master write: a function's
 * DMA or MSI reached the port's config space.  That function may be in
 * the slot, and its code is still on the stack below the write, so the
 * unplug happens once the access has returned (from the main loop).
 */
static void slot_unplug_bh(void *opaque)
{
    PCIDevice *dev = opaque;

    slot_unplug_all(dev);
    slot_hp_notify(dev);
}

static bool slot_check_locked(PCIDevice *dev, Error **errp)
{
    if (pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA)) & PCI_EXP_SLTSTA_EIS) {
        error_setg_errno(errp, EBUSY, "slot is electromechanically locked");
        return false;
    }
    return true;
}

static bool pcie_slot_pre_plug(HotplugHandler *hh, DeviceState *dev,
                               Error **errp)
{
    PCIDevice *port = PCI_DEVICE(hh);
    PCIDevice *pdev = PCI_DEVICE(dev);
    PCIDevice *f0 = slot_bus(port)->devices[0];

    if (qdev_hotplug && !(slot_cap(port) & PCI_EXP_SLTCAP_HPC)) {
        error_setg(errp, "Hot-plug failed: unsupported by the port device "
                   "'%s'", DEVICE(port)->id ? DEVICE(port)->id : "");
        return false;
    }
    /* QEMU checks the interlock before it places the function. */
    if (!slot_check_locked(port, errp)) {
        return false;
    }
    /*
     * Below a port only function 0 tells the guest about the slot: a
     * function hot-added next to it would never be seen (an explicit
     * devfn 0 gets the core's "in use" error instead).
     */
    if (qdev_hotplug && f0 && pdev->devfn != 0) {
        error_setg(errp, "PCI: slot %d function 0 already occupied by %s, "
                   "new func %s cannot be exposed to guest.",
                   PCI_SLOT(f0->devfn), f0->name,
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    return true;
}

static bool pcie_slot_plug(HotplugHandler *hh, DeviceState *dev,
                           Error **errp)
{
    PCIDevice *port = PCI_DEVICE(hh);

    trace_pcie_slot_plug(port->name, PCI_DEVICE(dev)->name, dev->hotplugged);
    /*
     * Present at boot: no event, the guest finds it when it scans.  The
     * slot is powered, as a machine reset would leave it (whether or not
     * one comes after this).
     */
    if (!dev->hotplugged) {
        slot_set_sta(port, PCI_EXP_SLTSTA_PDS, 0);
        slot_set_link_active(port, true);
        if (PCIE_SLOT(port)->power_controller) {
            uint16_t ctl = pci_get_word(exp_reg(port, PCI_EXP_SLTCTL));

            pci_set_word(exp_reg(port, PCI_EXP_SLTCTL),
                         (ctl & ~PCI_EXP_SLTCTL_PCC) | PCI_EXP_SLTCTL_PWR_ON);
        }
        slot_update_power(port);
        return true;
    }
    /*
     * Functions of a multi-function device are added with function 0
     * last; the slot reports presence when function 0 arrives.  QEMU
     * also presses the attention button, so that a guest that enabled
     * only attention button events (Linux does, when the button is
     * present) hears of the new device.
     */
    if (slot_bus(port)->devices[0]) {
        slot_set_sta(port, PCI_EXP_SLTSTA_PDS, 0);
        slot_set_link_active(port, true);
        slot_event(port, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
        /* Into a slot the guest left off: no power until it turns it on. */
        slot_update_power(port);
    }
    return true;
}

static bool pcie_slot_unplug_request(HotplugHandler *hh, DeviceState *dev,
                                     Error **errp)
{
    PCIDevice *port = PCI_DEVICE(hh);
    PCIDevice *pdev = PCI_DEVICE(dev);
    uint16_t ctl = pci_get_word(exp_reg(port, PCI_EXP_SLTCTL));

    if (!(slot_cap(port) & PCI_EXP_SLTCAP_HPC)) {
        error_setg(errp, "Hot-unplug failed: unsupported by the port device "
                   "'%s'", DEVICE(port)->id ? DEVICE(port)->id : "");
        return false;
    }
    if (!slot_check_locked(port, errp)) {
        return false;
    }
    /* The guest is in the middle of powering the slot up or down. */
    if ((ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_BLINK) {
        error_setg(errp, "Hot-unplug failed: guest is busy (power indicator "
                   "blinking)");
        return false;
    }
    /* A function the guest never saw (function 0 is absent) just goes. */
    if (pdev->devfn != 0 && !slot_bus(port)->devices[0]) {
        trace_pcie_slot_unplug_request(port->name, pdev->name, "unseen");
        return hotplug_handler_unplug(OBJECT(port), dev, errp);
    }
    /* A slot the guest powered off already: no round trip. */
    if ((ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF &&
        (ctl & PCI_EXP_SLTCTL_PCC) == PCI_EXP_SLTCTL_PWR_OFF) {
        trace_pcie_slot_unplug_request(port->name, pdev->name, "powered off");
        slot_unplug_all(port);
        slot_hp_notify(port);
        slot_set_sta(port, 0, PCI_EXP_SLTSTA_ABP);
        return true;
    }
    trace_pcie_slot_unplug_request(port->name, pdev->name, "button");
    pcie_cap_slot_push_attention_button(port);
    return true;
}

static bool pcie_slot_unplug(HotplugHandler *hh, DeviceState *dev,
                             Error **errp)
{
    /* The caller deletes the device (unrealize, DEVICE_DELETED). */
    trace_pcie_slot_unplug(PCI_DEVICE(hh)->name, PCI_DEVICE(dev)->name);
    return true;
}

/* ---- the guest's side ---- */

/*
 * Slot Status: events are write-1-to-clear.  Guests tend to write all
 * ones while initialising; clearing an event that was not set that way
 * would race with (and lose) one that arrives meanwhile, so such a write
 * is undone for all events, as QEMU does.
 */
static void slot_write_status(PCIDevice *dev, uint16_t old_sta,
                              uint16_t written)
{
    uint16_t sta = pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA));

    trace_pcie_slot_write_status(dev->name, old_sta, written, sta);
    if (written & ~old_sta & PCIE_SLOT_ALL_EVENTS) {
        sta = (sta & ~PCIE_SLOT_ALL_EVENTS) | (old_sta & PCIE_SLOT_ALL_EVENTS);
        pci_set_word(exp_reg(dev, PCI_EXP_SLTSTA), sta);
    }
    slot_hp_clear(dev);
}

/*
 * Slot Control: a command.  The electromechanical interlock toggles;
 * powering a populated slot off (power controller off with the power
 * indicator off, when it was not already so: guests rewrite the control
 * of slots they left off) unplugs its functions; then the command
 * completes at once (6.7.3.2).
 */
static void slot_write_control(PCIDevice *dev, uint16_t old_ctl,
                               uint16_t written)
{
    uint16_t ctl = pci_get_word(exp_reg(dev, PCI_EXP_SLTCTL));
    uint16_t sta = pci_get_word(exp_reg(dev, PCI_EXP_SLTSTA));

    trace_pcie_slot_write_control(dev->name, old_ctl, ctl);
    /* The interlock control reads as 0; a 1 toggles the interlock. */
    if (ctl & PCI_EXP_SLTCTL_EIC) {
        pci_set_word(exp_reg(dev, PCI_EXP_SLTCTL),
                     ctl & ~PCI_EXP_SLTCTL_EIC);
        sta ^= PCI_EXP_SLTSTA_EIS;
        pci_set_word(exp_reg(dev, PCI_EXP_SLTSTA), sta);
    }
    if ((sta & PCI_EXP_SLTSTA_PDS) && (written & PCI_EXP_SLTCTL_PCC) &&
        (written & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF &&
        (!(old_ctl & PCI_EXP_SLTCTL_PCC) ||
         (old_ctl & PCI_EXP_SLTCTL_PIC) != PCI_EXP_SLTCTL_PWR_IND_OFF)) {
        trace_pcie_slot_power(dev->name, false);
        if (pci_bus_master_in_progress()) {
            trace_pcie_slot_power_deferred(dev->name);
            qemu_bh_schedule(PCIE_SLOT(dev)->unplug_bh);
        } else {
            slot_unplug_all(dev);
        }
    }
    slot_update_power(dev);
    slot_hp_notify(dev);
    slot_event(dev, PCI_EXP_SLTSTA_CC);
}

void pcie_cap_slot_write_config(PCIDevice *dev, uint16_t old_ctl,
                                uint16_t old_sta, uint32_t addr,
                                uint32_t val, int len)
{
    uint32_t pos = dev->exp.exp_cap;

    if (!pos ||
        !(pci_get_word(exp_reg(dev, PCI_EXP_FLAGS)) & PCI_EXP_FLAGS_SLOT)) {
        return;
    }
    if (pci_config_ranges_overlap(addr, len, pos + PCI_EXP_SLTSTA, 2)) {
        slot_write_status(dev, old_sta,
                          written_word(pos + PCI_EXP_SLTSTA, addr, val, len,
                                       0));
    }
    if (pci_config_ranges_overlap(addr, len, pos + PCI_EXP_SLTCTL, 2)) {
        slot_write_control(dev, old_ctl,
                           written_word(pos + PCI_EXP_SLTCTL, addr, val, len,
                                        pci_get_word(exp_reg(dev,
                                                     PCI_EXP_SLTCTL))));
    }
}

void pcie_cap_slot_reset(PCIDevice *dev)
{
    PCIESlot *s = PCIE_SLOT(dev);
    uint16_t ctl = pci_get_word(exp_reg(dev, PCI_EXP_SLTCTL));

    ctl &= ~(PCI_EXP_SLTCTL_EIC | PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC |
             PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE |
             PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE);
    ctl |= PCI_EXP_SLTCTL_ATTN_IND_OFF;
    /*
     * A slot with a function in it comes out of reset powered, an empty
     * one unpowered.  Both indicators read as off, as QEMU 10's port
     * reports them (the guest turns the power indicator on itself).
     */
    if (s->power_controller) {
        bool populated = slot_bus(dev)->devices[0] != NULL;

        ctl &= ~PCI_EXP_SLTCTL_PCC;
        ctl |= PCI_EXP_SLTCTL_PWR_IND_OFF |
               (populated ? PCI_EXP_SLTCTL_PWR_ON : PCI_EXP_SLTCTL_PWR_OFF);
    }
    pci_set_word(exp_reg(dev, PCI_EXP_SLTCTL), ctl);
    /* Events are dropped and the interlock released; presence stays. */
    slot_set_sta(dev, 0, PCI_EXP_SLTSTA_EIS | PCI_EXP_SLTSTA_CC |
                 PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
    slot_update_power(dev);
    dev->exp.hpev_notified = slot_hp_level(dev);
}

/* ---- chassis and slot numbers ---- */

static bool pcie_chassis_add_slot(PCIESlot *s)
{
    GSList *l;

    for (l = pcie_slots; l; l = l->next) {
        PCIESlot *o = l->data;

        if (o->chassis == s->chassis && o->slot == s->slot) {
            return false;
        }
    }
    pcie_slots = g_slist_prepend(pcie_slots, s);
    s->registered = true;
    return true;
}

bool pcie_slot_init(PCIDevice *dev, Error **errp)
{
    PCIESlot *s = PCIE_SLOT(dev);
    uint32_t cap;
    uint16_t wmask;

    if (!pcie_chassis_add_slot(s)) {
        error_setg(errp, "Can't add chassis slot, error %d", -EBUSY);
        return false;
    }
    s->unplug_bh = qemu_bh_new(slot_unplug_bh, dev);

    pci_set_word(exp_reg(dev, PCI_EXP_FLAGS),
                 pci_get_word(exp_reg(dev, PCI_EXP_FLAGS)) |
                 PCI_EXP_FLAGS_SLOT);

    /*
     * Attention button and indicators, power indicator, interlock, no
     * MRL sensor; command completion is reported (NCCS clear).
     */
    cap = ((uint32_t)s->slot << 19 & PCI_EXP_SLTCAP_PSN) |
          PCI_EXP_SLTCAP_EIP | PCI_EXP_SLTCAP_PIP | PCI_EXP_SLTCAP_AIP |
          PCI_EXP_SLTCAP_ABP;
    if (s->hotplug) {
        cap |= PCI_EXP_SLTCAP_HPS | PCI_EXP_SLTCAP_HPC;
    }
    if (s->power_controller) {
        cap |= PCI_EXP_SLTCAP_PCP;
    }
    pci_set_long(exp_reg(dev, PCI_EXP_SLTCAP), cap);

    /*
     * The interlock control is writable only so that a 1 can be seen; it
     * always reads back as 0.  Power fault, MRL and data link layer state
     * events are never reported, so their enables are read-only.
     */
    wmask = PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_HPIE |
            PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE |
            PCI_EXP_SLTCTL_EIC;
    if (s->power_controller) {
        wmask |= PCI_EXP_SLTCTL_PCC;
    }
    pci_set_word(dev->wmask + dev->exp.exp_cap + PCI_EXP_SLTCTL, wmask);
    pci_set_word(dev->wmask + dev->exp.exp_cap + PCI_EXP_SLTSTA, 0);
    pci_set_word(dev->w1cmask + dev->exp.exp_cap + PCI_EXP_SLTSTA,
                 PCIE_SLOT_HP_EVENTS);
    pci_set_word(exp_reg(dev, PCI_EXP_SLTSTA), 0);
    /*
     * Start out as reset leaves the slot (QEMU resets every device it
     * realizes, hot-plugged ones included); functions plugged later at
     * start-up power it (pcie_slot_plug).
     */
    pcie_cap_slot_reset(dev);

    qbus_set_hotplug_handler(BUS(slot_bus(dev)), OBJECT(dev));
    return true;
}

void pcie_slot_exit(PCIDevice *dev)
{
    PCIESlot *s = PCIE_SLOT(dev);

    if (s->registered) {
        pcie_slots = g_slist_remove(pcie_slots, s);
        s->registered = false;
    }
    g_clear_pointer(&s->unplug_bh, qemu_bh_delete);
    if (slot_bus(dev)) {
        qbus_set_hotplug_handler(BUS(slot_bus(dev)), NULL);
    }
}

/* ---- types ---- */

static const Property pcie_port_props[] = {
    DEFINE_PROP_UINT8("port", PCIEPort, port, 0,
                      "port number in the link capabilities"),
    { NULL }
};

static const Property pcie_slot_props[] = {
    DEFINE_PROP_UINT8("chassis", PCIESlot, chassis, 0,
                      "chassis number (with slot: unique per machine)"),
    DEFINE_PROP_UINT16("slot", PCIESlot, slot, 0,
                       "physical slot number"),
    DEFINE_PROP_BOOL("hotplug", PCIESlot, hotplug, true,
                     "PCI Express native hotplug"),
    DEFINE_PROP_BOOL("power_controller_present", PCIESlot, power_controller,
                     true, "slot has a power controller"),
    { NULL }
};

static void pcie_port_class_init(ObjectClass *oc, const void *data)
{
    object_class_add_props(oc, pcie_port_props);
}

static void pcie_slot_class_init(ObjectClass *oc, const void *data)
{
    HotplugHandlerClass *hc = (HotplugHandlerClass *)
        object_class_dynamic_cast(oc, TYPE_HOTPLUG_HANDLER);

    object_class_add_props(oc, pcie_slot_props);
    hc->pre_plug = pcie_slot_pre_plug;
    hc->plug = pcie_slot_plug;
    hc->unplug_request = pcie_slot_unplug_request;
    hc->unplug = pcie_slot_unplug;
}

static const TypeInfo pcie_port_types[] = {
    {
        .name = TYPE_PCIE_PORT,
        .parent = TYPE_PCI_BRIDGE,
        .instance_size = sizeof(PCIEPort),
        .class_size = sizeof(PCIDeviceClass),
        .abstract = true,
        .class_init = pcie_port_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { NULL }
        },
    },
    {
        .name = TYPE_PCIE_SLOT,
        .parent = TYPE_PCIE_PORT,
        .instance_size = sizeof(PCIESlot),
        .class_size = sizeof(PCIDeviceClass),
        .abstract = true,
        .class_init = pcie_slot_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_HOTPLUG_HANDLER },
            { NULL }
        },
    },
};

DEFINE_TYPES(pcie_port_types)
