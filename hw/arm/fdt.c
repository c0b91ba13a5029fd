/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device tree building on top of libfdt's read-write API: nodes by path,
 * typed setters, ID-map entries, and a buffer that grows when libfdt says
 * it is full.  The operations that can run out of room retry after the
 * buffer doubled; fdt_open_into() keeps the structure block where it was,
 * and paths are looked up again anyway, so a retry sees the same tree.
 */
#include "qemu/osdep.h"

#include <libfdt.h>

#include "hw/arm/fdt.h"
#include "trace/trace-hw_arm.h"

/* libfdt's own minimum for a tree with just a root node is ~100 bytes. */
#define DT_MIN_SIZE 256

DeviceTree *dt_new(size_t size, Error **errp)
{
    g_autoptr(DeviceTree) dt = g_new0(DeviceTree, 1);
    int ret;

    size = MAX(size, DT_MIN_SIZE);
    if (size > DT_MAX_SIZE) {
        error_setg(errp, "device tree: %zu bytes is more than the %llu "
                   "allowed", size, DT_MAX_SIZE);
        return NULL;
    }
    dt->blob = g_malloc0(size);
    dt->size = size;
    ret = fdt_create_empty_tree(dt->blob, size);
    if (ret < 0) {
        error_setg(errp, "device tree: fdt_create_empty_tree: %s",
                   fdt_strerror(ret));
        return NULL;
    }
    return g_steal_pointer(&dt);
}

void dt_free(DeviceTree *dt)
{
    if (dt) {
        g_free(dt->blob);
        g_free(dt);
    }
}

void *dt_finish(DeviceTree *dt, size_t *size, Error **errp)
{
    g_autoptr(DeviceTree) owned = dt;
    int ret = fdt_pack(dt->blob);

    if (ret < 0) {
        error_setg(errp, "device tree: fdt_pack: %s", fdt_strerror(ret));
        return NULL;
    }
    *size = fdt_totalsize(dt->blob);
    return g_steal_pointer(&owned->blob);
}

/*
 * Double the buffer after libfdt said -FDT_ERR_NOSPACE.  Returns 0, or
 * -FDT_ERR_NOSPACE when the tree may not grow any more.
 */
static int dt_grow(DeviceTree *dt)
{
    size_t new_size = MIN(dt->size * 2, DT_MAX_SIZE);
    void *blob;
    int ret;

    if (dt->size >= DT_MAX_SIZE) {
        return -FDT_ERR_NOSPACE;
    }
    blob = g_malloc0(new_size);
    ret = fdt_open_into(dt->blob, blob, new_size);
    if (ret < 0) {
        g_free(blob);
        return ret;
    }
    trace_dt_grow(dt->size, new_size);
    g_free(dt->blob);
    dt->blob = blob;
    dt->size = new_size;
    return 0;
}

/* The error of a failed libfdt call on path (and property name). */
static void dt_error(Error **errp, const char *call, const char *path,
                     const char *name, int ret)
{
    error_setg(errp, "device tree: %s(%s%s%s): %s", call, path,
               name ? ", " : "", name ? name : "", fdt_strerror(ret));
    if (ret == -FDT_ERR_NOSPACE) {
        error_append_hint(errp, "The device tree may not grow beyond %llu "
                          "bytes.\n", DT_MAX_SIZE);
    }
}

int dt_node_offset(const DeviceTree *dt, const char *path, Error **errp)
{
    int off = fdt_path_offset(dt->blob, path);

    if (off < 0) {
        error_setg(errp, "device tree: fdt_path_offset(%s): %s", path,
                   fdt_strerror(off));
        return -1;
    }
    return off;
}

bool dt_node_exists(const DeviceTree *dt, const char *path)
{
    return fdt_path_offset(dt->blob, path) >= 0;
}

bool dt_add_node(DeviceTree *dt, const char *path, Error **errp)
{
    const char *slash = strrchr(path, '/');
    g_autofree char *parent = NULL;
    int poff, ret;

    if (path[0] != '/' || !slash || !slash[1]) {
        error_setg(errp, "device tree: '%s' is not a node path", path);
        return false;
    }
    parent = slash == path ? g_strdup("/") : g_strndup(path, slash - path);
    do {
        poff = dt_node_offset(dt, parent, errp);
        if (poff < 0) {
            return false;
        }
        ret = fdt_add_subnode(dt->blob, poff, slash + 1);
    } while (ret == -FDT_ERR_NOSPACE && dt_grow(dt) == 0);
    if (ret < 0) {
        dt_error(errp, "fdt_add_subnode", path, NULL, ret);
        return false;
    }
    return true;
}

/* Set (append: false) or append to (append: true) a property. */
static bool dt_prop_op(DeviceTree *dt, const char *path, const char *name,
                       const void *val, size_t len, bool append,
                       Error **errp)
{
    int off, ret;

    if (len > INT_MAX) {
        error_setg(errp, "device tree: property %s of %s is too long",
                   name, path);
        return false;
    }
    do {
        off = dt_node_offset(dt, path, errp);
        if (off < 0) {
            return false;
        }
        ret = append ? fdt_appendprop(dt->blob, off, name, val, len)
                     : fdt_setprop(dt->blob, off, name, val, len);
    } while (ret == -FDT_ERR_NOSPACE && dt_grow(dt) == 0);
    if (ret < 0) {
        dt_error(errp, append ? "fdt_appendprop" : "fdt_setprop", path, name,
                 ret);
        return false;
    }
    return true;
}

bool dt_setprop(DeviceTree *dt, const char *path, const char *name,
                const void *val, size_t len, Error **errp)
{
    return dt_prop_op(dt, path, name, val, len, false, errp);
}

bool dt_setprop_empty(DeviceTree *dt, const char *path, const char *name,
                      Error **errp)
{
    return dt_prop_op(dt, path, name, NULL, 0, false, errp);
}

bool dt_setprop_string(DeviceTree *dt, const char *path, const char *name,
                       const char *str, Error **errp)
{
    return dt_prop_op(dt, path, name, str, strlen(str) + 1, false, errp);
}

bool dt_setprop_strings(DeviceTree *dt, const char *path, const char *name,
                        const char *const *strv, Error **errp)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    size_t i;

    for (i = 0; strv[i]; i++) {
        g_byte_array_append(buf, (const guint8 *)strv[i],
                            strlen(strv[i]) + 1);
    }
    return dt_prop_op(dt, path, name, buf->data, buf->len, false, errp);
}

/* Cells to big-endian bytes, then set or append. */
static bool dt_cells_op(DeviceTree *dt, const char *path, const char *name,
                        const uint32_t *cells, size_t n, bool append,
                        Error **errp)
{
    g_autofree fdt32_t *be = g_new(fdt32_t, MAX(n, 1));
    size_t i;

    for (i = 0; i < n; i++) {
        be[i] = cpu_to_fdt32(cells[i]);
    }
    return dt_prop_op(dt, path, name, be, n * sizeof(*be), append, errp);
}

bool dt_setprop_u32(DeviceTree *dt, const char *path, const char *name,
                    uint32_t val, Error **errp)
{
    return dt_cells_op(dt, path, name, &val, 1, false, errp);
}

bool dt_setprop_u64(DeviceTree *dt, const char *path, const char *name,
                    uint64_t val, Error **errp)
{
    uint32_t cells[2] = { val >> 32, (uint32_t)val };

    return dt_cells_op(dt, path, name, cells, 2, false, errp);
}

bool dt_setprop_cells(DeviceTree *dt, const char *path, const char *name,
                      const uint32_t *cells, size_t n, Error **errp)
{
    return dt_cells_op(dt, path, name, cells, n, false, errp);
}

bool dt_appendprop_cells(DeviceTree *dt, const char *path, const char *name,
                         const uint32_t *cells, size_t n, Error **errp)
{
    return dt_cells_op(dt, path, name, cells, n, true, errp);
}

bool dt_setprop_reg(DeviceTree *dt, const char *path, const uint64_t *pairs,
                    size_t npairs, Error **errp)
{
    g_autofree uint32_t *cells = g_new(uint32_t, MAX(npairs, 1) * 4);
    size_t i;

    for (i = 0; i < npairs; i++) {
        cells[i * 4 + 0] = pairs[i * 2] >> 32;
        cells[i * 4 + 1] = (uint32_t)pairs[i * 2];
        cells[i * 4 + 2] = pairs[i * 2 + 1] >> 32;
        cells[i * 4 + 3] = (uint32_t)pairs[i * 2 + 1];
    }
    return dt_cells_op(dt, path, "reg", cells, npairs * 4, false, errp);
}

bool dt_append_id_map(DeviceTree *dt, const char *path, const char *prop,
                      uint32_t rid_base, uint32_t phandle, uint32_t out_base,
                      uint32_t length, Error **errp)
{
    const uint32_t entry[] = { rid_base, phandle, out_base, length };

    /* Requester IDs are 16 bits; an entry past 0xffff maps nothing. */
    if (!length || (uint64_t)rid_base + length > 0x10000) {
        error_setg(errp, "device tree: %s of %s: requester IDs 0x%x+0x%x "
                   "are not within 0..0xffff", prop, path, rid_base, length);
        return false;
    }
    if (!phandle) {
        error_setg(errp, "device tree: %s of %s: phandle 0 names no node",
                   prop, path);
        return false;
    }
    return dt_cells_op(dt, path, prop, entry, ARRAY_SIZE(entry), true, errp);
}

char *dt_add_device_node(DeviceTree *dt, const char *parent,
                         const char *name, uint64_t base, uint64_t size,
                         const char *const *compat, Error **errp)
{
    const uint64_t reg[] = { base, size };
    g_autofree char *path = NULL;

    path = g_strdup_printf("%s/%s@%" PRIx64, strcmp(parent, "/") ? parent
                                                                 : "",
                           name, base);
    if (!dt_add_node(dt, path, errp) ||
        !dt_setprop_strings(dt, path, "compatible", compat, errp) ||
        !dt_setprop_reg(dt, path, reg, 1, errp)) {
        return NULL;
    }
    return g_steal_pointer(&path);
}
