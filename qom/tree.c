/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The composition tree: child<T> properties that own objects, link<T>
 * properties that point at them, containers, canonical paths
 * ("/machine/peripheral/ID") and path resolution, absolute or by a unique
 * partial path (the way QEMU lets "iommufd0" name /objects/iommufd0).
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object-internal.h"

static Object *root;

Object *object_get_root(void)
{
    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

Object *object_get_parent(Object *obj)
{
    return obj->parent;
}

const char *object_get_name(Object *obj)
{
    return obj->name_in_parent;
}

const char *object_get_canonical_path_component(Object *obj)
{
    return obj->name_in_parent;
}

static bool prop_is_child(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "child<");
}

static bool prop_is_link(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "link<");
}

/* ---- child<> ---- */

static JsonNode *child_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    g_autofree char *path = object_get_canonical_path(prop->opaque);

    return json_node_init_string(json_node_alloc(), path);
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->class->unparent) {
        child->class->unparent(child);
    }
    object_drop_links(child);
    child->parent = NULL;
    g_clear_pointer(&child->name_in_parent, g_free);
    object_unref(child);
}

bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp)
{
    g_autofree char *type = g_strdup_printf("child<%s>",
                                            object_get_typename(child));
    ObjectProperty *prop;

    g_assert(!child->parent);
    prop = object_property_try_add(parent, name, type, child_get, NULL,
                                   child_release, child, errp);
    if (!prop) {
        return false;
    }
    object_ref(child);
    child->parent = parent;
    child->name_in_parent = g_strdup(name);
    return true;
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del(obj->parent, obj->name_in_parent);
    }
}

Object *object_get_child(Object *parent, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(parent->properties, name);

    if (prop && prop_is_child(prop)) {
        return prop->opaque;
    }
    return NULL;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    g_autoptr(GPtrArray) copy = g_ptr_array_copy(obj->prop_order, NULL,
                                                 NULL);
    guint i;

    for (i = 0; i < copy->len; i++) {
        ObjectProperty *prop = copy->pdata[i];
        int ret;

        if (!prop_is_child(prop)) {
            continue;
        }
        ret = fn(prop->opaque, opaque);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

typedef struct RecurseData {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} RecurseData;

static int child_recurse(Object *child, void *opaque)
{
    RecurseData *d = opaque;
    int ret = d->fn(child, d->opaque);

    if (ret) {
        return ret;
    }
    return object_child_foreach(child, child_recurse, d);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    RecurseData d = { fn, opaque };

    return object_child_foreach(obj, child_recurse, &d);
}

Object *container_get(Object *start, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    Object *obj = start;
    int i;

    for (i = 0; parts[i]; i++) {
        Object *child;

        if (!*parts[i]) {
            continue;
        }
        child = object_get_child(obj, parts[i]);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, parts[i], child, &error_abort);
            object_unref(child);
        }
        obj = child;
    }
    return obj;
}

/* ---- paths ---- */

char *object_get_canonical_path(Object *obj)
{
    GString *s = g_string_new(NULL);
    Object *r = object_get_root();

    if (obj == r) {
        g_string_free(s, TRUE);
        return g_strdup("/");
    }
    for (; obj && obj != r; obj = obj->parent) {
        if (!obj->name_in_parent) {
            /* Not in the tree. */
            g_string_free(s, TRUE);
            return NULL;
        }
        g_string_prepend(s, obj->name_in_parent);
        g_string_prepend_c(s, '/');
    }
    if (!obj) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

JsonNode *object_path_node(Object *obj)
{
    g_autofree char *path = obj ? object_get_canonical_path(obj) : NULL;

    return json_node_init_string(json_node_alloc(), path ? path : "");
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (!prop) {
        return NULL;
    }
    if (prop_is_child(prop)) {
        return prop->opaque;
    }
    if (prop_is_link(prop) && prop->opaque) {
        return *(Object **)prop->opaque;
    }
    return NULL;
}

static Object *resolve_abs(Object *start, char **parts, const char *type)
{
    Object *obj = start;
    int i;

    for (i = 0; parts[i] && obj; i++) {
        if (!*parts[i]) {
            continue;
        }
        obj = object_resolve_path_component(obj, parts[i]);
    }
    if (obj && type && !object_dynamic_cast(obj, type)) {
        return NULL;
    }
    return obj;
}

typedef struct PartialSearch {
    char **parts;
    const char *type;
    Object *found;
    bool ambiguous;
} PartialSearch;

static int partial_visit(Object *obj, void *opaque)
{
    PartialSearch *ps = opaque;
    Object *hit = resolve_abs(obj, ps->parts, ps->type);

    if (hit && hit != ps->found) {
        if (ps->found) {
            ps->ambiguous = true;
            return 1;
        }
        ps->found = hit;
    }
    return 0;
}

Object *object_resolve_path_type(const char *path, const char *type,
                                 bool *ambiguous)
{
    g_auto(GStrv) parts = NULL;
    PartialSearch ps = { 0 };

    if (ambiguous) {
        *ambiguous = false;
    }
    if (!path || !*path) {
        return NULL;
    }
    parts = g_strsplit(path, "/", -1);
    if (path[0] == '/') {
        return resolve_abs(object_get_root(), parts, type);
    }
    /*
     * A partial path names the object it leads to from any object in the
     * tree; it must lead to exactly one (QEMU's rule).
     */
    ps.parts = parts;
    ps.type = type;
    partial_visit(object_get_root(), &ps);
    if (!ps.ambiguous) {
        object_child_foreach_recursive(object_get_root(), partial_visit,
                                       &ps);
    }
    if (ps.ambiguous) {
        if (ambiguous) {
            *ambiguous = true;
        }
        return NULL;
    }
    return ps.found;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, TYPE_OBJECT, ambiguous);
}

/* ---- link<> ---- */

typedef struct LinkProperty {
    Object **targetp;
    char *target_type;
    bool (*check)(Object *obj, const char *name, Object *val, Error **errp);
    ObjectPropertyLinkFlags flags;
} LinkProperty;

static JsonNode *link_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    LinkProperty *lp = prop->opaque;

    return object_path_node(*lp->targetp);
}

/* Resolve a link value: "" clears it. */
bool object_resolve_link(Object *obj, const char *name, const char *path,
                         const char *type, Object **out, Error **errp)
{
    bool ambiguous = false;
    Object *target;

    *out = NULL;
    if (!*path) {
        return true;
    }
    target = object_resolve_path_type(path, type, &ambiguous);
    if (ambiguous) {
        error_setg(errp, "Path '%s' does not uniquely identify an object",
                   path);
        return false;
    }
    if (!target) {
        if (object_resolve_path(path, NULL)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, type);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        return false;
    }
    *out = target;
    return true;
}

static bool link_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     bool from_string, Error **errp)
{
    LinkProperty *lp = prop->opaque;
    const char *path = prop_value_to_str(prop->name, value, errp);
    Object *target, *old = *lp->targetp;

    if (!path ||
        !object_resolve_link(obj, prop->name, path, lp->target_type, &target,
                             errp)) {
        return false;
    }
    if (lp->check && !lp->check(obj, prop->name, target, errp)) {
        return false;
    }
    *lp->targetp = target;
    if (lp->flags & OBJ_PROP_LINK_STRONG) {
        object_ref(target);
        object_unref(old);
    }
    return true;
}

static void link_release(Object *obj, ObjectProperty *prop)
{
    LinkProperty *lp = prop->opaque;

    if ((lp->flags & OBJ_PROP_LINK_STRONG) && *lp->targetp) {
        object_unref(*lp->targetp);
        *lp->targetp = NULL;
    }
    g_free(lp->target_type);
    g_free(lp);
}

void object_drop_dynamic_links(Object *obj)
{
    guint i;

    for (i = 0; i < obj->prop_order->len; i++) {
        ObjectProperty *prop = obj->prop_order->pdata[i];
        LinkProperty *lp;

        if (!prop_is_link(prop) || prop->release != link_release) {
            continue;
        }
        lp = prop->opaque;
        if ((lp->flags & OBJ_PROP_LINK_STRONG) && *lp->targetp) {
            Object *target = *lp->targetp;

            *lp->targetp = NULL;
            object_unref(target);
        }
    }
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         bool (*check)(Object *obj,
                                                       const char *name,
                                                       Object *val,
                                                       Error **errp),
                                         ObjectPropertyLinkFlags flags)
{
    LinkProperty *lp = g_new0(LinkProperty, 1);
    g_autofree char *full = g_strdup_printf("link<%s>", type);

    lp->targetp = targetp;
    lp->target_type = g_strdup(type);
    lp->check = check;
    lp->flags = flags;
    return object_property_add(obj, name, full, link_get,
                               check ? link_set : NULL, link_release, lp);
}

/* ---- ids ---- */

bool id_wellformed(const char *id)
{
    const char *p;

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
