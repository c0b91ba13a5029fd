/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands over the object model: browsing the composition tree
 * (qom-list, qom-get, qom-set), the type registry (qom-list-types,
 * qom-list-properties, device-list-properties), and creating and
 * deleting user objects and devices at run time (object-add/-del,
 * device_add/_del).
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "monitor/monitor-internal.h"
#include "qom/object_interfaces.h"
#include "qom/props.h"

static JsonNode *qom_array_node(JsonArray *arr)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, arr);
    return node;
}

/* Resolve a QOM path with QEMU's errors. */
static Object *qom_resolve(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    return obj;
}

/* ---- qom-list, qom-get, qom-set ---- */

static void qom_list_add(ObjectProperty *prop, void *opaque)
{
    JsonArray *list = opaque;
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", prop->name);
    json_object_set_string_member(info, "type", prop->type);
    if (prop->description) {
        json_object_set_string_member(info, "description",
                                      prop->description);
    }
    json_array_add_object_element(list, info);
}

static JsonNode *qmp_qom_list(JsonObject *args, Error **errp)
{
    const char *path = json_object_get_string_member(args, "path");
    Object *obj = qom_resolve(path, errp);
    JsonArray *list;

    if (!obj) {
        return NULL;
    }
    list = json_array_new();
    object_property_foreach(obj, qom_list_add, list);
    return qom_array_node(list);
}

static JsonNode *qmp_qom_get(JsonObject *args, Error **errp)
{
    const char *path = json_object_get_string_member(args, "path");
    const char *name = json_object_get_string_member(args, "property");
    Object *obj = qom_resolve(path, errp);

    if (!obj) {
        return NULL;
    }
    return object_property_get(obj, name, errp);
}

static JsonNode *qmp_qom_set(JsonObject *args, Error **errp)
{
    const char *path = json_object_get_string_member(args, "path");
    const char *name = json_object_get_string_member(args, "property");
    JsonNode *value = json_object_get_member(args, "value");
    Object *obj = qom_resolve(path, errp);

    if (!obj || !object_property_set(obj, name, value, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

/* ---- the type registry ---- */

static JsonNode *qmp_qom_list_types(JsonObject *args, Error **errp)
{
    const char *implements = NULL;
    bool abstract = false;
    JsonArray *list = json_array_new();
    GSList *classes, *l;

    if (json_object_has_member(args, "implements")) {
        implements = json_object_get_string_member(args, "implements");
        if (!object_class_by_name(implements)) {
            /* Nothing implements a type that doesn't exist. */
            return qom_array_node(list);
        }
    }
    if (json_object_has_member(args, "abstract")) {
        abstract = json_object_get_boolean_member(args, "abstract");
    }
    classes = object_class_get_list_sorted(implements, abstract);
    for (l = classes; l; l = l->next) {
        ObjectClass *klass = l->data;
        ObjectClass *parent = object_class_get_parent(klass);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name",
                                      object_class_get_name(klass));
        if (parent) {
            json_object_set_string_member(info, "parent",
                                          object_class_get_name(parent));
        }
        if (object_class_is_abstract(klass)) {
            json_object_set_boolean_member(info, "abstract", true);
        }
        json_array_add_object_element(list, info);
    }
    g_slist_free(classes);
    return qom_array_node(list);
}

/*
 * The default of a table-defined property as a typed JSON value, or NULL
 * if it has none.
 */
static JsonNode *qom_prop_default(ObjectProperty *prop)
{
    const Property *sp = prop->sprop;
    const PropertyInfo *info = sp ? sp->info : NULL;
    JsonNode *node;

    if (!info) {
        return NULL;
    }
    node = json_node_new(JSON_NODE_VALUE);
    if (info == &prop_info_bool) {
        json_node_set_boolean(node, sp->defval.u != 0);
    } else if (info == &prop_info_int32 || info == &prop_info_int64) {
        json_node_set_int(node, sp->defval.i);
    } else if (info == &prop_info_uint8 || info == &prop_info_uint16 ||
               info == &prop_info_uint32 || info == &prop_info_uint64 ||
               info == &prop_info_size) {
        if (sp->defval.u > INT64_MAX) {
            json_node_set_double(node, (double)sp->defval.u);
        } else {
            json_node_set_int(node, sp->defval.u);
        }
    } else if (info == &prop_info_string && sp->defval_str) {
        json_node_set_string(node, sp->defval_str);
    } else if ((info == &prop_info_enum || info == &prop_info_on_off_auto) &&
               sp->enum_table &&
               qapi_enum_lookup(sp->enum_table, sp->defval.i)) {
        json_node_set_string(node, qapi_enum_lookup(sp->enum_table,
                                                    sp->defval.i));
    } else {
        json_node_unref(node);
        return NULL;
    }
    return node;
}

static void qom_prop_info_add(JsonArray *list, ObjectProperty *prop)
{
    JsonObject *info = json_object_new();
    JsonNode *def = qom_prop_default(prop);

    json_object_set_string_member(info, "name", prop->name);
    json_object_set_string_member(info, "type", prop->type);
    if (prop->description) {
        json_object_set_string_member(info, "description",
                                      prop->description);
    }
    if (def) {
        json_object_set_member(info, "default-value", def);
    }
    json_array_add_object_element(list, info);
}

static void qom_class_prop_add(ObjectProperty *prop, void *opaque)
{
    qom_prop_info_add(opaque, prop);
}

/* Properties every device has, which device-list-properties leaves out. */
static void qom_device_prop_add(ObjectProperty *prop, void *opaque)
{
    static const char *const skip[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(skip); i++) {
        if (!strcmp(prop->name, skip[i])) {
            return;
        }
    }
    if (g_str_has_prefix(prop->name, "legacy-")) {
        return;
    }
    qom_prop_info_add(opaque, prop);
}

static JsonNode *qmp_qom_list_properties(JsonObject *args, Error **errp)
{
    const char *typename = json_object_get_string_member(args, "typename");
    ObjectClass *klass = object_class_by_name(typename);
    JsonArray *list;

    if (!klass) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Class '%s' not found",
                  typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, TYPE_OBJECT)) {
        error_setg(errp, "Parameter 'typename' expects an object type");
        return NULL;
    }
    list = json_array_new();
    object_class_property_foreach(klass, qom_class_prop_add, list);
    return qom_array_node(list);
}

static JsonNode *qmp_device_list_properties(JsonObject *args, Error **errp)
{
    const char *typename = json_object_get_string_member(args, "typename");
    ObjectClass *klass = object_class_by_name(typename);
    JsonArray *list;

    if (!klass) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, TYPE_DEVICE) ||
        object_class_is_abstract(klass)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device "
                   "type");
        return NULL;
    }
    list = json_array_new();
    object_class_property_foreach(klass, qom_device_prop_add, list);
    return qom_array_node(list);
}

/* ---- run-time creation and deletion ---- */

static JsonNode *qmp_object_add(JsonObject *args, Error **errp)
{
    if (!user_creatable_add(args, false, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_object_del(JsonObject *args, Error **errp)
{
    if (!user_creatable_del(json_object_get_string_member(args, "id"),
                            errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_device_add(JsonObject *args, Error **errp)
{
    /* Typed JSON values; the property layer also takes strings. */
    if (!qdev_device_add(args, false, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_device_del(JsonObject *args, Error **errp)
{
    DeviceState *dev;

    dev = qdev_find_device(json_object_get_string_member(args, "id"), errp);
    if (!dev || !qdev_unplug(dev, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static const QmpArg qom_path_args[] = {
    { "path", QMP_ARG_STR },
    { NULL }
};

static const QmpArg qom_get_args[] = {
    { "path", QMP_ARG_STR },
    { "property", QMP_ARG_STR },
    { NULL }
};

static const QmpArg qom_set_args[] = {
    { "path", QMP_ARG_STR },
    { "property", QMP_ARG_STR },
    { "value", QMP_ARG_ANY },
    { NULL }
};

static const QmpArg qom_list_types_args[] = {
    { "implements", QMP_ARG_STR, .optional = true },
    { "abstract", QMP_ARG_BOOL, .optional = true },
    { NULL }
};

static const QmpArg qom_typename_args[] = {
    { "typename", QMP_ARG_STR },
    { NULL }
};

static const QmpArg object_add_args[] = {
    { "qom-type", QMP_ARG_STR },
    { "id", QMP_ARG_STR },
    { NULL }
};

static const QmpArg id_args[] = {
    { "id", QMP_ARG_STR },
    { NULL }
};

static const QmpArg device_add_args[] = {
    { "driver", QMP_ARG_STR },
    { "id", QMP_ARG_STR, .optional = true },
    { "bus", QMP_ARG_STR, .optional = true },
    { NULL }
};

static const QmpCommand qom_commands[] = {
    { "device-list-properties", qmp_device_list_properties,
      qom_typename_args },
    { "device_add", qmp_device_add, device_add_args, .extra_args = true },
    { "device_del", qmp_device_del, id_args },
    { "object-add", qmp_object_add, object_add_args, .extra_args = true },
    { "object-del", qmp_object_del, id_args },
    { "qom-get", qmp_qom_get, qom_get_args },
    { "qom-list", qmp_qom_list, qom_path_args },
    { "qom-list-properties", qmp_qom_list_properties, qom_typename_args },
    { "qom-list-types", qmp_qom_list_types, qom_list_types_args },
    { "qom-set", qmp_qom_set, qom_set_args },
};

static void qom_commands_register(void)
{
    qmp_register_commands(qom_commands, ARRAY_SIZE(qom_commands));
}
module_init(qom_commands_register)
