/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI vendor and device IDs of the functions this VMM emulates.  They are
 * the IDs QEMU gives the same devices, so guests bind the same drivers
 * and management tools recognise them.  Register layouts and the
 * standard class codes come from the kernel's <linux/pci_regs.h> and
 * <linux/pci_ids.h>-style constants defined here only where the uAPI
 * headers lack them.
 */
#ifndef HW_PCI_PCI_IDS_H
#define HW_PCI_PCI_IDS_H

#define PCI_VENDOR_ID_QEMU              0x1234
#define PCI_DEVICE_ID_QEMU_EDU          0x11e8

#define PCI_VENDOR_ID_REDHAT            0x1b36
#define PCI_DEVICE_ID_REDHAT_PCIE_HOST  0x0008
#define PCI_DEVICE_ID_REDHAT_PXB_PCIE   0x000b
#define PCI_DEVICE_ID_REDHAT_PCIE_RP    0x000c

#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU           0x1100

/*
 * Class codes (base class << 8 | subclass).  "Others" is QEMU's value
 * (base class 0, subclass 0xff), which guests see on its edu device.
 */
#define PCI_CLASS_OTHERS                0x00ff
#define PCI_CLASS_BRIDGE_HOST           0x0600
#define PCI_CLASS_BRIDGE_PCI            0x0604

#endif
