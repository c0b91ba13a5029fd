/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The object model core: the type registry, class construction (parent
 * class copied, interfaces instantiated per implementing class, then
 * class_init), instance life cycle (init parents first, finalize children
 * first), dynamic casts, and the property table of classes and instances.
 * The composition tree (child/link properties, paths) is in qom/tree.c.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/props.h"
#include "qom/object-internal.h"

#define MAX_INTERFACES 32

struct TypeImpl {
    char *name;
    char *parent_name;
    struct TypeImpl *parent_type;
    size_t class_size;
    size_t instance_size;
    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    char *description;
    int num_interfaces;
    char *interfaces[MAX_INTERFACES];
    ObjectClass *class;
};

typedef struct TypeImpl TypeImpl;

static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

Type type_register_static(const TypeInfo *info)
{
    TypeImpl *ti = g_new0(TypeImpl, 1);
    int i;

    g_assert(info->name);
    if (g_hash_table_lookup(type_table_get(), info->name)) {
        fprintf(stderr, "type '%s' registered twice\n", info->name);
        abort();
    }
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->class_size = info->class_size;
    ti->instance_size = info->instance_size;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;
    ti->description = g_strdup(info->description);
    for (i = 0; info->interfaces && info->interfaces[i].type; i++) {
        g_assert(i < MAX_INTERFACES);
        ti->interfaces[i] = g_strdup(info->interfaces[i].type);
    }
    ti->num_interfaces = i;
    g_hash_table_insert(type_table_get(), ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr)
{
    int i;

    for (i = 0; i < nr; i++) {
        type_register_static(&infos[i]);
    }
}

static TypeImpl *type_get_by_name(const char *name)
{
    if (!name) {
        return NULL;
    }
    return g_hash_table_lookup(type_table_get(), name);
}

static TypeImpl *type_get_parent(TypeImpl *ti)
{
    if (!ti->parent_type && ti->parent_name) {
        ti->parent_type = type_get_by_name(ti->parent_name);
        if (!ti->parent_type) {
            fprintf(stderr, "type '%s' has unknown parent '%s'\n", ti->name,
                    ti->parent_name);
            abort();
        }
    }
    return ti->parent_type;
}

static bool type_is_ancestor(TypeImpl *ti, TypeImpl *target)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti == target) {
            return true;
        }
    }
    return false;
}

static size_t type_class_size(TypeImpl *ti)
{
    if (ti->class_size) {
        return ti->class_size;
    }
    if (type_get_parent(ti)) {
        return type_class_size(type_get_parent(ti));
    }
    return sizeof(ObjectClass);
}

static size_t type_instance_size(TypeImpl *ti)
{
    if (ti->instance_size) {
        return ti->instance_size;
    }
    if (type_get_parent(ti)) {
        return type_instance_size(type_get_parent(ti));
    }
    return 0;
}

static void type_initialize(TypeImpl *ti);

static bool type_is_interface(TypeImpl *ti)
{
    return type_is_ancestor(ti, type_get_by_name(TYPE_INTERFACE));
}

static InterfaceClass *class_find_interface(ObjectClass *klass,
                                            TypeImpl *iface)
{
    GSList *l;

    for (l = klass->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;

        if (ic->interface_type == iface) {
            return ic;
        }
    }
    return NULL;
}

/*
 * Give klass its own copy of the interface class (and of the interface's
 * interface ancestors), starting from `from` when inherited so that a
 * subclass keeps the methods its parent filled in.
 */
static void class_add_interface(ObjectClass *klass, TypeImpl *iface,
                                InterfaceClass *from)
{
    TypeImpl *base = type_get_by_name(TYPE_INTERFACE);
    InterfaceClass *ic;
    size_t size;

    if (iface == base || class_find_interface(klass, iface)) {
        return;
    }
    type_initialize(iface);
    size = type_class_size(iface);
    ic = g_malloc0(size);
    memcpy(ic, from ? (void *)from : (void *)iface->class, size);
    ic->parent_class.type = iface;
    ic->parent_class.properties = NULL;
    ic->parent_class.prop_order = NULL;
    ic->parent_class.interfaces = NULL;
    ic->concrete_class = klass;
    ic->interface_type = iface;
    klass->interfaces = g_slist_append(klass->interfaces, ic);
    if (type_get_parent(iface) && type_get_parent(iface) != base) {
        class_add_interface(klass, type_get_parent(iface), NULL);
    }
}

static void class_run_base_init(TypeImpl *ti, ObjectClass *klass)
{
    TypeImpl *p = type_get_parent(ti);

    if (p) {
        class_run_base_init(p, klass);
    }
    if (ti->class_base_init) {
        ti->class_base_init(klass, ti->class_data);
    }
}

static void type_initialize(TypeImpl *ti)
{
    TypeImpl *parent;
    ObjectClass *klass;
    size_t size;
    int i;

    if (ti->class) {
        return;
    }
    parent = type_get_parent(ti);
    size = type_class_size(ti);
    klass = g_malloc0(size);
    if (parent) {
        GSList *l;

        type_initialize(parent);
        g_assert(size >= type_class_size(parent));
        memcpy(klass, parent->class, type_class_size(parent));
        klass->interfaces = NULL;
        for (l = parent->class->interfaces; l; l = l->next) {
            InterfaceClass *pic = l->data;

            class_add_interface(klass, pic->interface_type, pic);
        }
    }
    klass->type = ti;
    klass->properties = g_hash_table_new(g_str_hash, g_str_equal);
    klass->prop_order = g_ptr_array_new();
    ti->class = klass;

    for (i = 0; i < ti->num_interfaces; i++) {
        TypeImpl *iface = type_get_by_name(ti->interfaces[i]);

        if (!iface || !type_is_interface(iface)) {
            fprintf(stderr, "type '%s': '%s' is not an interface\n",
                    ti->name, ti->interfaces[i]);
            abort();
        }
        class_add_interface(klass, iface, NULL);
    }
    class_run_base_init(ti, klass);
    if (ti->class_init) {
        ti->class_init(klass, ti->class_data);
    }
}

/* ---- classes ---- */

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *p = type_get_parent(klass->type);

    if (!p) {
        return NULL;
    }
    type_initialize(p);
    return p->class;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

const char *object_class_get_description(ObjectClass *klass)
{
    TypeImpl *ti;

    for (ti = klass->type; ti; ti = type_get_parent(ti)) {
        if (ti->description) {
            return ti->description;
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    TypeImpl *target;

    if (!klass) {
        return NULL;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_interface(target) && !type_is_interface(klass->type)) {
        GSList *l;

        for (l = klass->interfaces; l; l = l->next) {
            InterfaceClass *ic = l->data;

            if (type_is_ancestor(ic->interface_type, target)) {
                return OBJECT_CLASS(ic);
            }
        }
        return NULL;
    }
    return type_is_ancestor(klass->type, target) ? klass : NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret && klass) {
        fprintf(stderr, "%s:%d:%s: class '%s' is not a '%s'\n", file, line,
                func, klass->type->name, typename);
        abort();
    }
    return ret;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d:%s: object of type '%s' is not a '%s'\n",
                file, line, func, object_get_typename(obj), typename);
        abort();
    }
    return obj;
}

typedef struct ClassListData {
    GSList *list;
    const char *implements;
    bool include_abstract;
} ClassListData;

static void class_list_add(gpointer key, gpointer value, gpointer opaque)
{
    TypeImpl *ti = value;
    ClassListData *d = opaque;

    type_initialize(ti);
    if (!d->include_abstract && ti->abstract) {
        return;
    }
    if (type_is_interface(ti) && d->implements &&
        strcmp(d->implements, ti->name) != 0) {
        /* Interfaces are listed only when asked for by name. */
        return;
    }
    if (d->implements &&
        !object_class_dynamic_cast(ti->class, d->implements)) {
        return;
    }
    d->list = g_slist_prepend(d->list, ti->class);
}

static gint class_cmp_name(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    ClassListData d = { NULL, implements_type, include_abstract };
    GHashTableIter it;
    gpointer k, v;
    GPtrArray *all = g_ptr_array_new();
    guint i;

    /* Initialising a class may register nothing new, but iterate a copy. */
    g_hash_table_iter_init(&it, type_table_get());
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_ptr_array_add(all, v);
    }
    for (i = 0; i < all->len; i++) {
        class_list_add(NULL, all->pdata[i], &d);
    }
    g_ptr_array_free(all, TRUE);
    return g_slist_sort(d.list, class_cmp_name);
}

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type,
                          bool include_abstract, void *opaque)
{
    GSList *list = object_class_get_list_sorted(implements_type,
                                                include_abstract);
    GSList *l;

    for (l = list; l; l = l->next) {
        fn(l->data, opaque);
    }
    g_slist_free(list);
}

/* ---- properties ---- */

static void property_free(ObjectProperty *prop)
{
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->default_str);
    g_free(prop);
}

static ObjectProperty *property_new(const char *name, const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    return prop;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    return prop ? prop : object_class_property_find(obj->class, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp)
{
    ObjectProperty *prop;

    if (object_property_find(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to "
                   "object (type '%s')", name, object_get_typename(obj));
        return NULL;
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(obj->properties, prop->name, prop);
    g_ptr_array_add(obj->prop_order, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    return object_property_try_add(obj, name, type, get, set, release,
                                   opaque, &error_abort);
}

ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *prop;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "class '%s': duplicate property '%s'\n",
                object_class_get_name(klass), name);
        abort();
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(klass->properties, prop->name, prop);
    g_ptr_array_add(klass->prop_order, prop);
    return prop;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *prop = object_property_find(obj, name);

    g_assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description)
{
    ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

    g_assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    /* Unlink first: release may look the object up by path. */
    g_hash_table_remove(obj->properties, name);
    g_ptr_array_remove(obj->prop_order, prop);
    if (prop->release) {
        prop->release(obj, prop);
    }
    property_free(prop);
}

void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(ObjectProperty *prop,
                                              void *opaque),
                                   void *opaque)
{
    ObjectClass *parent = object_class_get_parent(klass);
    guint i;

    if (parent) {
        object_class_property_foreach(parent, fn, opaque);
    }
    for (i = 0; i < klass->prop_order->len; i++) {
        fn(klass->prop_order->pdata[i], opaque);
    }
}

void object_property_foreach(Object *obj,
                             void (*fn)(ObjectProperty *prop, void *opaque),
                             void *opaque)
{
    g_autoptr(GPtrArray) copy = g_ptr_array_copy(obj->prop_order, NULL,
                                                 NULL);
    guint i;

    object_class_property_foreach(obj->class, fn, opaque);
    for (i = 0; i < copy->len; i++) {
        fn(copy->pdata[i], opaque);
    }
}

JsonNode *object_property_get(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

static bool property_set(Object *obj, const char *name, JsonNode *value,
                         bool from_string, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is read-only",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->set(obj, prop, value, from_string, errp);
}

bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         Error **errp)
{
    return property_set(obj, name, value, false, errp);
}

bool object_property_parse(Object *obj, const char *name, const char *str,
                           Error **errp)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), str);

    return property_set(obj, name, node, true, errp);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    g_autoptr(JsonNode) node = object_property_get(obj, name, errp);

    if (!node) {
        return NULL;
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING) {
        return g_strdup(json_node_get_string(node));
    }
    return json_to_string(node, false);
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    g_autoptr(JsonNode) n = json_node_init_boolean(json_node_alloc(), value);

    return object_property_set(obj, name, n, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autoptr(JsonNode) n = object_property_get(obj, name, errp);

    if (!n) {
        return false;
    }
    if (json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
        error_setg(errp, "Invalid parameter type for '%s', expected: "
                   "boolean", name);
        return false;
    }
    return json_node_get_boolean(n);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    g_autoptr(JsonNode) n = json_node_init_int(json_node_alloc(), value);

    return object_property_set(obj, name, n, errp);
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    g_autoptr(JsonNode) n = object_property_get(obj, name, errp);

    if (!n) {
        return -1;
    }
    if (json_node_get_value_type(n) != G_TYPE_INT64) {
        error_setg(errp, "Invalid parameter type for '%s', expected: "
                   "integer", name);
        return -1;
    }
    return json_node_get_int(n);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    return object_property_set_int(obj, name, (int64_t)value, errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    return (uint64_t)object_property_get_int(obj, name, errp);
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp)
{
    g_autoptr(JsonNode) n = json_node_init_string(json_node_alloc(), value);

    return object_property_set(obj, name, n, errp);
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    g_autoptr(JsonNode) n = object_property_get(obj, name, errp);

    if (!n) {
        return NULL;
    }
    if (json_node_get_value_type(n) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: "
                   "string", name);
        return NULL;
    }
    return g_strdup(json_node_get_string(n));
}

bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp)
{
    g_autofree char *path = value ? object_get_canonical_path(value)
                                  : g_strdup("");

    return object_property_set_str(obj, name, path, errp);
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    g_autofree char *path = object_property_get_str(obj, name, errp);

    if (!path || !*path) {
        return NULL;
    }
    return object_resolve_path(path, NULL);
}

/* ---- simple accessor-backed class properties ---- */

typedef struct BoolAccessors {
    bool (*get)(Object *, Error **);
    bool (*set)(Object *, bool, Error **);
} BoolAccessors;

static JsonNode *bool_accessor_get(Object *obj, ObjectProperty *prop,
                                   Error **errp)
{
    BoolAccessors *a = prop->opaque;
    Error *err = NULL;
    bool v = a->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return json_node_init_boolean(json_node_alloc(), v);
}

static bool bool_accessor_set(Object *obj, ObjectProperty *prop,
                              JsonNode *value, bool from_string, Error **errp)
{
    BoolAccessors *a = prop->opaque;
    bool v;

    if (!prop_value_to_bool(prop->name, value, from_string, &v, errp)) {
        return false;
    }
    return a->set(obj, v, errp);
}

ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               bool (*get)(Object *, Error **),
                                               bool (*set)(Object *, bool,
                                                           Error **))
{
    BoolAccessors *a = g_new0(BoolAccessors, 1);

    a->get = get;
    a->set = set;
    return object_class_property_add(klass, name, "bool",
                                     get ? bool_accessor_get : NULL,
                                     set ? bool_accessor_set : NULL,
                                     NULL, a);
}

typedef struct StrAccessors {
    char *(*get)(Object *, Error **);
    bool (*set)(Object *, const char *, Error **);
} StrAccessors;

static JsonNode *str_accessor_get(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    StrAccessors *a = prop->opaque;
    Error *err = NULL;
    g_autofree char *v = a->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return json_node_init_string(json_node_alloc(), v ? v : "");
}

static bool str_accessor_set(Object *obj, ObjectProperty *prop,
                             JsonNode *value, bool from_string, Error **errp)
{
    StrAccessors *a = prop->opaque;
    const char *s = prop_value_to_str(prop->name, value, errp);

    return s && a->set(obj, s, errp);
}

ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              char *(*get)(Object *,
                                                           Error **),
                                              bool (*set)(Object *,
                                                          const char *,
                                                          Error **))
{
    StrAccessors *a = g_new0(StrAccessors, 1);

    a->get = get;
    a->set = set;
    return object_class_property_add(klass, name, "string",
                                     get ? str_accessor_get : NULL,
                                     set ? str_accessor_set : NULL,
                                     NULL, a);
}

/* ---- instances ---- */

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    TypeImpl *parent = type_get_parent(ti);
    guint i;

    if (parent) {
        object_init_with_type(obj, parent);
    }
    /* Static property defaults of this level, before its instance_init. */
    for (i = 0; i < ti->class->prop_order->len; i++) {
        ObjectProperty *prop = ti->class->prop_order->pdata[i];

        if (prop->sprop) {
            props_set_default(obj, prop->sprop);
        }
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    TypeImpl *parent = type_get_parent(ti);

    if (parent) {
        object_post_init_with_type(obj, parent);
    }
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
}

static Object *object_new_with_type(TypeImpl *ti)
{
    Object *obj;

    type_initialize(ti);
    if (ti->abstract) {
        fprintf(stderr, "cannot instantiate abstract type '%s'\n", ti->name);
        abort();
    }
    obj = g_malloc0(type_instance_size(ti));
    obj->class = ti->class;
    obj->ref = 1;
    obj->properties = g_hash_table_new(g_str_hash, g_str_equal);
    obj->prop_order = g_ptr_array_new();
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    g_assert(ti);
    return object_new_with_type(ti);
}

Object *object_new_with_class(ObjectClass *klass)
{
    return object_new_with_type(klass->type);
}

/* Release obj's static properties, or only those of kind only if set. */
static void object_release_static_props(Object *obj,
                                        const PropertyInfo *only)
{
    TypeImpl *ti;

    for (ti = obj->class->type; ti; ti = type_get_parent(ti)) {
        guint i;

        for (i = 0; i < ti->class->prop_order->len; i++) {
            ObjectProperty *prop = ti->class->prop_order->pdata[i];
            const Property *sprop = prop->sprop;

            if (sprop && (!only || sprop->info == only)) {
                props_release(obj, sprop);
            }
        }
    }
}

void object_drop_links(Object *obj)
{
    object_release_static_props(obj, &prop_info_link);
    object_drop_dynamic_links(obj);
}

static void object_finalize(Object *obj)
{
    TypeImpl *ti;

    /* Instance properties (children, links), newest first. */
    while (obj->prop_order->len) {
        ObjectProperty *prop =
            obj->prop_order->pdata[obj->prop_order->len - 1];

        object_property_del(obj, prop->name);
    }
    for (ti = obj->class->type; ti; ti = type_get_parent(ti)) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
    object_release_static_props(obj, NULL);
    g_hash_table_destroy(obj->properties);
    g_ptr_array_free(obj->prop_order, TRUE);
    g_free(obj->name_in_parent);
    g_free(obj);
}

void object_ref(Object *obj)
{
    if (obj) {
        g_assert(obj->ref > 0);
        obj->ref++;
    }
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

/* ---- base types ---- */

static JsonNode *object_get_type(Object *obj, ObjectProperty *prop,
                                 Error **errp)
{
    return json_node_init_string(json_node_alloc(),
                                 object_get_typename(obj));
}

static void object_base_class_init(ObjectClass *oc, const void *data)
{
    /* Every object answers qom-get PATH type, as in QEMU. */
    object_class_property_add(oc, "type", "string", object_get_type, NULL,
                              NULL, NULL);
}

static const TypeInfo object_base_types[] = {
    {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
        .class_init = object_base_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    },
    {
        .name = TYPE_CONTAINER,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .description = "an object that holds other objects",
    },
};

DEFINE_TYPES(object_base_types)

/* ---- enums ---- */

int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def,
                    Error **errp)
{
    int i;

    if (!buf) {
        return def;
    }
    for (i = 0; i < lookup->size; i++) {
        if (!strcmp(buf, lookup->array[i])) {
            return i;
        }
    }
    error_setg(errp, "invalid parameter value: %s", buf);
    return def;
}

const char *qapi_enum_lookup(const QEnumLookup *lookup, int val)
{
    g_assert(val >= 0 && val < lookup->size);
    return lookup->array[val];
}

static const char *const on_off_auto_names[] = { "auto", "on", "off" };
const QEnumLookup OnOffAuto_lookup = {
    .array = on_off_auto_names,
    .size = ON_OFF_AUTO__MAX,
};
