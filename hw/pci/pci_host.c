/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration accesses as a host bridge makes them (gpex's ECAM, a
 * pxb-pcie's window): find the function by bus number and devfn below
 * the root bus, and read or write its config space through its class's
 * hooks.  What is not there reads as all ones and ignores writes, as on
 * real hardware (a master abort completes with all ones): an absent
 * function, functions 1-7 of a slot without function 0, offsets past the
 * function's config space (256 bytes for a conventional function), and a
 * function whose slot has its power turned off.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "pci-internal.h"
#include "trace/trace-hw_pci.h"

static uint32_t pci_host_mask(unsigned len)
{
    return len >= 4 ? 0xffffffffu : (1u << (len * 8)) - 1;
}

/* The function answering at (bus_num, devfn), or NULL. */
static PCIDevice *pci_host_find(PCIBus *root, int bus_num, int devfn,
                                uint32_t addr, unsigned len)
{
    PCIDevice *dev;

    if (bus_num < 0 || bus_num >= PCI_BUS_MAX || devfn < 0 ||
        devfn >= PCI_DEVFN_MAX || len < 1 || len > 4 || (addr & (len - 1))) {
        return NULL;
    }
    dev = pci_find_device(root, bus_num, devfn);
    /* An unpowered function (its slot is off) is not there either. */
    if (!dev || !dev->config || !dev->has_power) {
        return NULL;
    }
    /* Functions 1-7 exist only when function 0 does. */
    if (PCI_FUNC(devfn) && !pci_get_function_0(dev)) {
        return NULL;
    }
    if (addr + len > dev->config_size) {
        return NULL;
    }
    return dev;
}

uint32_t pci_host_config_read(PCIBus *root, int bus_num, int devfn,
                              uint32_t addr, unsigned len)
{
    PCIDevice *dev = pci_host_find(root, bus_num, devfn, addr, len);
    PCIDeviceClass *pc;
    uint32_t val;

    if (!dev) {
        trace_pci_cfg_absent(bus_num, PCI_SLOT(devfn), PCI_FUNC(devfn), addr,
                             false);
        return pci_host_mask(len);
    }
    pc = PCI_DEVICE_GET_CLASS(dev);
    val = pc->config_read ? pc->config_read(dev, addr, len)
                          : pci_default_read_config(dev, addr, len);
    val &= pci_host_mask(len);
    trace_pci_cfg_read(dev->name, bus_num, PCI_SLOT(devfn), PCI_FUNC(devfn),
                       addr, len, val);
    return val;
}

void pci_host_config_write(PCIBus *root, int bus_num, int devfn,
                           uint32_t addr, uint32_t val, unsigned len)
{
    PCIDevice *dev = pci_host_find(root, bus_num, devfn, addr, len);
    PCIDeviceClass *pc;

    if (!dev) {
        trace_pci_cfg_absent(bus_num, PCI_SLOT(devfn), PCI_FUNC(devfn), addr,
                             true);
        return;
    }
    pc = PCI_DEVICE_GET_CLASS(dev);
    val &= pci_host_mask(len);
    trace_pci_cfg_write(dev->name, bus_num, PCI_SLOT(devfn), PCI_FUNC(devfn),
                        addr, len, val);
    if (pc->config_write) {
        pc->config_write(dev, addr, val, len);
    } else {
        pci_default_write_config(dev, addr, val, len);
    }
}
