/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user's side of devices: -device / device_add (driver checks, id,
 * bus lookup, properties, realize, hotplug rules), device_del, finding a
 * device by id or path, -global defaults, and the "-device help" output.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qemu/keyval.h"
#include "qom/object_interfaces.h"
#include "qdev-internal.h"
#include "trace/trace-hw_core.h"

/* ---- -global ---- */

typedef struct GlobalProperty {
    char *driver;
    char *property;
    char *value;
    bool used;
} GlobalProperty;

static GPtrArray *global_props;

void qdev_prop_register_global(const char *driver, const char *prop,
                               const char *value)
{
    GlobalProperty *g = g_new0(GlobalProperty, 1);

    if (!global_props) {
        global_props = g_ptr_array_new();
    }
    g->driver = g_strdup(driver);
    g->property = g_strdup(prop);
    g->value = g_strdup(value);
    g_ptr_array_add(global_props, g);
}

bool object_apply_globals(Object *obj, Error **errp)
{
    guint i;

    for (i = 0; global_props && i < global_props->len; i++) {
        GlobalProperty *g = global_props->pdata[i];

        if (!object_dynamic_cast(obj, g->driver)) {
            continue;
        }
        g->used = true;
        if (!object_property_find_err(obj, g->property, errp) ||
            !object_property_parse(obj, g->property, g->value, errp)) {
            error_prepend(errp, "can't apply global %s.%s=%s: ", g->driver,
                          g->property, g->value);
            return false;
        }
    }
    return true;
}

bool qdev_prop_check_globals(Error **errp)
{
    guint i;

    for (i = 0; global_props && i < global_props->len; i++) {
        GlobalProperty *g = global_props->pdata[i];
        ObjectClass *oc = object_class_by_name(g->driver);

        if (!oc) {
            error_setg(errp, "-global %s.%s=%s: driver '%s' not found",
                       g->driver, g->property, g->value, g->driver);
            return false;
        }
        if (!object_class_property_find(oc, g->property)) {
            error_setg(errp, "-global %s.%s=%s: Property '%s.%s' not found",
                       g->driver, g->property, g->value, g->driver,
                       g->property);
            return false;
        }
    }
    return true;
}

/* ---- device_add ---- */

static DeviceClass *qdev_get_device_class(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return NULL;
    }
    return dc;
}

static bool qdev_set_props(DeviceState *dev, JsonObject *opts,
                           bool from_string, Error **errp)
{
    GList *members = json_object_get_members(opts);
    GList *l;
    bool ok = true;

    for (l = members; l && ok; l = l->next) {
        const char *key = l->data;
        JsonNode *value = json_object_get_member(opts, key);

        if (!strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        if (from_string && JSON_NODE_HOLDS_VALUE(value) &&
            json_node_get_value_type(value) == G_TYPE_STRING) {
            ok = object_property_parse(OBJECT(dev), key,
                                       json_node_get_string(value), errp);
        } else {
            ok = object_property_set(OBJECT(dev), key, value, errp);
        }
    }
    g_list_free(members);
    return ok;
}

DeviceState *qdev_device_add(JsonObject *opts, bool from_string,
                             Error **errp)
{
    Error *err = NULL;
    const char *driver, *id, *bus_path;
    DeviceClass *dc;
    BusState *bus = NULL;
    DeviceState *dev;
    Object *parent;
    g_autofree char *anon_name = NULL;

    driver = keyval_get_str(opts, "driver", true, errp);
    if (!driver) {
        return NULL;
    }
    dc = qdev_get_device_class(driver, errp);
    if (!dc) {
        return NULL;
    }
    id = keyval_get_str(opts, "id", false, &err);
    bus_path = err ? NULL : keyval_get_str(opts, "bus", false, &err);
    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    trace_qdev_device_add(driver, id ? id : "");

    if (bus_path) {
        bus = qbus_find(bus_path, errp);
        if (!bus) {
            return NULL;
        }
        if (!dc->bus_type ||
            !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
    } else if (dc->bus_type) {
        bus = qbus_find_default(dc->bus_type);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'",
                       dc->bus_type, driver);
            return NULL;
        }
    }
    if (qdev_hotplug) {
        if (bus && !qbus_is_hotpluggable(bus)) {
            error_setg(errp, "Bus '%s' does not support hotplugging",
                       bus->name);
            return NULL;
        }
        if (!bus) {
            error_setg(errp, "Device '%s' can not be hotplugged on this "
                       "machine", driver);
            return NULL;
        }
        if (!dc->hotpluggable) {
            error_setg(errp, "Device '%s' does not support hotplugging",
                       driver);
            return NULL;
        }
    }

    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            return NULL;
        }
        parent = container_get(object_get_root(), "/machine/peripheral");
        if (object_get_child(parent, id)) {
            error_setg(errp, "Duplicate device ID '%s'", id);
            return NULL;
        }
    } else {
        static int anon_count;

        parent = container_get(object_get_root(),
                               "/machine/peripheral-anon");
        anon_name = g_strdup_printf("device[%d]", anon_count++);
    }

    dev = qdev_new(driver);
    dev->id = g_strdup(id);
    if (!qdev_set_props(dev, opts, from_string, errp)) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    object_property_add_child(parent, id ? id : anon_name, OBJECT(dev),
                              &error_abort);
    if (!qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        object_unref(OBJECT(dev));
        return NULL;
    }
    /* The composition tree holds the device now. */
    object_unref(OBJECT(dev));
    return dev;
}

/* ---- device_del ---- */

DeviceState *qdev_find_device(const char *id_or_path, Error **errp)
{
    Object *obj = NULL;

    if (id_or_path[0] == '/') {
        obj = object_resolve_path(id_or_path, NULL);
    } else {
        Object *peripheral = container_get(object_get_root(),
                                           "/machine/peripheral");

        obj = object_get_child(peripheral, id_or_path);
    }
    if (!obj || !object_dynamic_cast(obj, TYPE_DEVICE)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id_or_path);
        return NULL;
    }
    return DEVICE(obj);
}

bool qdev_unplug(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Object *handler;

    if (dev->parent_bus && !qbus_is_hotpluggable(dev->parent_bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return false;
    }
    if (!dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    handler = qdev_get_hotplug_handler(dev);
    if (!handler) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    if (dev->pending_deletion) {
        error_setg(errp, "Device %s is already in the process of unplug",
                   dev->id ? dev->id : dev->canonical_path);
        return false;
    }
    trace_qdev_unplug_request(dev->canonical_path ? dev->canonical_path
                                                  : "");
    dev->pending_deletion = true;
    if (!hotplug_handler_unplug_request(handler, dev, errp)) {
        dev->pending_deletion = false;
        return false;
    }
    return true;
}

void qdev_delete_device(DeviceState *dev)
{
    /* Unparenting unrealizes and emits DEVICE_DELETED. */
    object_unparent(OBJECT(dev));
}

/* ---- help ---- */

static const char *const category_names[DEVICE_CATEGORY_MAX] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub",
    [DEVICE_CATEGORY_USB] = "USB",
    [DEVICE_CATEGORY_STORAGE] = "Storage",
    [DEVICE_CATEGORY_NETWORK] = "Network",
    [DEVICE_CATEGORY_INPUT] = "Input",
    [DEVICE_CATEGORY_DISPLAY] = "Display",
    [DEVICE_CATEGORY_SOUND] = "Sound",
    [DEVICE_CATEGORY_MISC] = "Misc",
    [DEVICE_CATEGORY_CPU] = "CPU",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog",
    [DEVICE_CATEGORY_UNCATEGORIZED] = "Uncategorized",
};

static void print_device_line(DeviceClass *dc)
{
    ObjectClass *oc = OBJECT_CLASS(dc);

    printf("name \"%s\"", object_class_get_name(oc));
    if (dc->bus_type) {
        printf(", bus %s", dc->bus_type);
    }
    if (dc->desc) {
        printf(", desc \"%s\"", dc->desc);
    }
    if (!dc->hotpluggable) {
        printf(", no-hotplug");
    }
    printf("\n");
}

void qdev_print_device_list(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_DEVICE, false);
    int cat;

    for (cat = 0; cat < DEVICE_CATEGORY_MAX; cat++) {
        bool header = false;
        GSList *l;

        for (l = list; l; l = l->next) {
            DeviceClass *dc = DEVICE_CLASS(l->data);
            unsigned long cats = dc->categories;

            if (!dc->user_creatable) {
                continue;
            }
            if (!cats) {
                cats = 1ul << DEVICE_CATEGORY_UNCATEGORIZED;
            }
            if (!(cats & (1ul << cat))) {
                continue;
            }
            if (!header) {
                printf("%s%s devices:\n", cat ? "\n" : "",
                       category_names[cat]);
                header = true;
            }
            print_device_line(dc);
        }
    }
    g_slist_free(list);
}

bool qdev_print_device_help(const char *driver, Error **errp)
{
    DeviceClass *dc = qdev_get_device_class(driver, errp);
    g_autofree char *header = NULL;

    if (!dc) {
        return false;
    }
    header = g_strdup_printf("%s options:", driver);
    object_class_print_properties(OBJECT_CLASS(dc), header);
    return true;
}
