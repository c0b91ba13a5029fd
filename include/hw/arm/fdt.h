/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building flattened device trees with libfdt: a growable blob, nodes
 * addressed by path, typed property setters, and the two property shapes
 * that IOMMU and MSI controller bindings share ("iommu-map" and
 * "msi-map": entries of <rid-base phandle out-base length>, appended one
 * at a time).  Every libfdt return code is checked; a failure is an Error
 * that names the libfdt call, the node and the property, never an abort.
 * The buffer starts small and doubles when libfdt reports that it is
 * full, up to DT_MAX_SIZE.
 *
 * Also the cell values of the Arm GIC interrupt specifiers
 * (<type number flags>) used by every node that has "interrupts".
 */
#ifndef HW_ARM_FDT_H
#define HW_ARM_FDT_H

#include "qapi/error.h"

/* First cell of a GIC interrupt specifier. */
#define GIC_FDT_IRQ_TYPE_SPI 0
#define GIC_FDT_IRQ_TYPE_PPI 1
/* Third cell: trigger type (Linux's IRQ_TYPE_* values). */
#define GIC_FDT_IRQ_FLAGS_EDGE_LO_HI 1
#define GIC_FDT_IRQ_FLAGS_EDGE_HI_LO 2
#define GIC_FDT_IRQ_FLAGS_LEVEL_HI 4
#define GIC_FDT_IRQ_FLAGS_LEVEL_LO 8

/* The largest blob a DeviceTree grows to (QEMU's FDT_MAX_SIZE). */
#define DT_MAX_SIZE (1 * MiB)

typedef struct DeviceTree {
    void *blob;                 /* an open libfdt tree */
    size_t size;                /* bytes allocated for blob */
} DeviceTree;

/* An empty tree (just "/") in a buffer of size bytes (at least 256). */
DeviceTree *dt_new(size_t size, Error **errp);
void dt_free(DeviceTree *dt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DeviceTree, dt_free)

/*
 * Pack the tree and take its blob (g_free it); *size is its total size.
 * dt is freed in all cases.  NULL + error if libfdt refuses to pack.
 */
void *dt_finish(DeviceTree *dt, size_t *size, Error **errp);

/* Offset of the node at path, or -1 + error. */
int dt_node_offset(const DeviceTree *dt, const char *path, Error **errp);
/* Whether a node exists at path. */
bool dt_node_exists(const DeviceTree *dt, const char *path);

/* Add the node at path ("/a/b@1"); its parent must exist, it must not. */
bool dt_add_node(DeviceTree *dt, const char *path, Error **errp);

/* Set (replace) a property of the node at path. */
bool dt_setprop(DeviceTree *dt, const char *path, const char *name,
                const void *val, size_t len, Error **errp);
bool dt_setprop_empty(DeviceTree *dt, const char *path, const char *name,
                      Error **errp);
bool dt_setprop_string(DeviceTree *dt, const char *path, const char *name,
                       const char *str, Error **errp);
/* A string list ("a\0b\0"): strv is NULL-terminated. */
bool dt_setprop_strings(DeviceTree *dt, const char *path, const char *name,
                        const char *const *strv, Error **errp);
bool dt_setprop_u32(DeviceTree *dt, const char *path, const char *name,
                    uint32_t val, Error **errp);
/* One 64-bit value as two cells. */
bool dt_setprop_u64(DeviceTree *dt, const char *path, const char *name,
                    uint64_t val, Error **errp);
/* n cells, written big-endian. */
bool dt_setprop_cells(DeviceTree *dt, const char *path, const char *name,
                      const uint32_t *cells, size_t n, Error **errp);
/* Append n cells to a property (created if missing). */
bool dt_appendprop_cells(DeviceTree *dt, const char *path, const char *name,
                         const uint32_t *cells, size_t n, Error **errp);
/*
 * "reg" of npairs (address, size) pairs, two cells each: the layout
 * under a parent with #address-cells = #size-cells = 2.
 */
bool dt_setprop_reg(DeviceTree *dt, const char *path, const uint64_t *pairs,
                    size_t npairs, Error **errp);

/* For dt_setprop_cells(dt, path, name, DT_CELLS(1, 2, 3), errp). */
#define DT_CELLS(...) \
    ((const uint32_t[]){ __VA_ARGS__ }), \
    (sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/*
 * Append one entry <rid_base phandle out_base length> to an ID map
 * property of the node at path: requester IDs rid_base..rid_base +
 * length - 1 reach the controller with that phandle as IDs out_base...
 * The PCI bindings (pci-iommu.txt, pci-msi.txt) require entries not to
 * overlap; length 0 is refused.
 */
bool dt_append_id_map(DeviceTree *dt, const char *path, const char *prop,
                      uint32_t rid_base, uint32_t phandle, uint32_t out_base,
                      uint32_t length, Error **errp);

static inline bool dt_append_iommu_map(DeviceTree *dt, const char *path,
                                       uint32_t rid_base, uint32_t phandle,
                                       uint32_t out_base, uint32_t length,
                                       Error **errp)
{
    return dt_append_id_map(dt, path, "iommu-map", rid_base, phandle,
                            out_base, length, errp);
}

static inline bool dt_append_msi_map(DeviceTree *dt, const char *path,
                                     uint32_t rid_base, uint32_t phandle,
                                     uint32_t out_base, uint32_t length,
                                     Error **errp)
{
    return dt_append_id_map(dt, path, "msi-map", rid_base, phandle,
                            out_base, length, errp);
}

/*
 * Add PARENT/NAME@BASE (BASE in lower-case hex, as the binding
 * conventions want) with "compatible" (NULL-terminated list) and a
 * two-cell "reg" of (base, size).  Returns the new node's path (g_free
 * it), or NULL + error.
 */
char *dt_add_device_node(DeviceTree *dt, const char *parent,
                         const char *name, uint64_t base, uint64_t size,
                         const char *const *compat, Error **errp);

#endif
