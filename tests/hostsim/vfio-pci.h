/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State shared by the parts of the simulated vfio-pci driver: vfio.c
 * (the VFIO device cdev: BIND/ATTACH, the info ioctls, mmap, close),
 * vfio-irq.c (interrupts) and vfio-config.c (the PCI function's config
 * space and BARs as vfio-pci shows them: virtualized config, trapped BAR
 * access).  Nothing else includes this header.
 *
 * Each HSFunc has one HSPci (f->pci) from hs_vfio_func_init on.  It holds
 * what the "hardware" has (hw[]: the function's own config registers) and
 * what vfio-pci keeps while a cdev is bound (vconf[]: the virtualized
 * copy, interrupt contexts), rebuilt at every BIND like the kernel's
 * open_device.
 */
#ifndef HOSTSIM_VFIO_PCI_H
#define HOSTSIM_VFIO_PCI_H

#include "hostsim-int.h"

#define HS_PCI_CFG_SIZE     256
#define HS_PCI_HDR_SIZE     0x40
#define HS_PCI_IRQ_NONE     VFIO_PCI_NUM_IRQS   /* irq_type when idle */

/* Owner of each config byte (map[]): 0 header, a capability ID, or: */
#define HS_PCI_CAP_HEADER   0x00
#define HS_PCI_CAP_MSI      0x05
#define HS_PCI_CAP_MSIX     0x11
#define HS_PCI_CAP_NONE     0xff                /* unassigned, raw */

/* Config registers used by both files (PCI Local Bus spec offsets). */
#define HS_PCI_COMMAND      0x04
#define HS_PCI_STATUS       0x06
#define HS_PCI_BAR0         0x10
#define HS_PCI_ROM          0x30
#define HS_PCI_CAP_PTR      0x34
#define HS_PCI_INT_PIN      0x3d

#define HS_PCI_CMD_IO       0x0001
#define HS_PCI_CMD_MEMORY   0x0002
#define HS_PCI_CMD_MASTER   0x0004
#define HS_PCI_CMD_INTX_OFF 0x0400

#define HS_MSI_FLAGS_ENABLE 0x0001
#define HS_MSI_FLAGS_QMASK  0x000e
#define HS_MSI_FLAGS_QSIZE  0x0070
#define HS_MSI_FLAGS_64BIT  0x0080
#define HS_MSIX_FLAGS_QSIZE 0x07ff
#define HS_MSIX_FLAGS_ENABLE 0x8000

#define HS_MSIX_ENTRY_SIZE  16
#define HS_MSIX_PBA_OFFSET  0x800

typedef struct HSPci {
    /* Built once from the topology (hs_pci_build). */
    uint8_t hw[HS_PCI_CFG_SIZE];        /* the function's registers */
    uint8_t hw_wmask[HS_PCI_CFG_SIZE];  /* bits its software may write */
    uint8_t map[HS_PCI_CFG_SIZE];       /* owner of each byte */
    uint8_t msi_pos, msix_pos;          /* 0 when absent */
    uint64_t bar_addr[6];               /* host physical BAR addresses */
    bool reset_works;                   /* a bus reset exists */
    GPtrArray *opens;                   /* HSVfioDev*, every open cdev */

    /* vfio-pci's state while a cdev is bound (reset at BIND). */
    uint8_t vconf[HS_PCI_CFG_SIZE];     /* virtualized config space */
    unsigned msi_qmax;                  /* log2 of the MSI vectors */
    int irq_type;                       /* VFIO_PCI_*_IRQ_INDEX or NONE */
    unsigned nvec;                      /* MSI/MSI-X vectors allocated */
    int *trig;                          /* per vector: our dup, or -1 */
    int intx_trig, intx_unmask;         /* our dups, or -1 */
    bool intx_masked, intx_pending;
    bool virq_disabled;                 /* DisINTx set in vconf */
    int err_trig, req_trig;             /* our dups, or -1 */
    bool pm_engaged;                    /* LOW_POWER_ENTRY in force */
    int pm_wake;                        /* its wakeup eventfd, or -1 */
    bool msi_mapped;                    /* hs_device_sw_msi succeeded */
    uint64_t msi_iova;                  /* the doorbell's IOVA */
} HSPci;

/* ---- vfio-config.c ---- */

/* Fill hw[], hw_wmask[], map[] and the BAR addresses from f's topology. */
void hs_pci_build(HSFunc *f, HSPci *p);
/* BIND (open_device): enable the function, copy hw[] to vconf[]. */
void hs_pci_enable(HSFunc *f);
/* close: what vfio_pci_core_disable leaves in the function. */
void hs_pci_disable(HSFunc *f);
/* The hardware's interrupt counts (GET_IRQ_INFO, SET_IRQS bounds). */
unsigned hs_pci_irq_count(HSFunc *f, unsigned index);
/* The host enabled (nvec > 0) or disabled MSI/MSI-X in the hardware. */
void hs_pci_set_hw_irq(HSFunc *f, int irq_type, unsigned nvec);
/* Memory decoding as vfio-pci sees it (the virtual command register). */
bool hs_pci_memory_enabled(HSFunc *f);
/* Region access; uptr is the user's buffer.  Count or -errno. */
ssize_t hs_pci_config_rw(HSFunc *f, uint64_t uptr, size_t count,
                         uint64_t pos, bool write);
ssize_t hs_pci_bar_rw(HSFunc *f, unsigned bar, uint64_t uptr,
                      size_t count, uint64_t pos, bool write);

/* ---- vfio-irq.c ---- */

/* Is fd open in this process (the real fcntl, not the interposed one)? */
bool hs_fd_is_open(int fd);
/*
 * The kernel's eventfd_ctx_fdget: -EBADF for a closed fd, -EINVAL for
 * anything but an eventfd; else *out is our private duplicate of it.
 */
int hs_eventfd_get(int fd, int *out);
void hs_efd_put(int *fd);           /* close our duplicate, set -1 */
void hs_efd_signal(int fd);         /* add 1, if fd >= 0 */
/* Interrupt state of a newly bound device: all off. */
void hs_pci_irq_init(HSPci *p);
/* close_device: every interrupt off, every eventfd released. */
void hs_pci_irq_teardown(HSFunc *f);
/* VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS. */
int hs_pci_irq_info(HSFunc *f, uint64_t uptr);
int hs_pci_set_irqs(HSFunc *f, uint64_t uptr);
/* DisINTx written in the virtual command register (vfio-config.c). */
void hs_pci_intx_virq(HSFunc *f, bool disabled);

#endif
