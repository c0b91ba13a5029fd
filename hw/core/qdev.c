/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device base type: realize/unrealize with unwinding, property
 * freezing once realized, reset, child buses, and removal from the
 * composition tree (which unrealizes and emits DEVICE_DELETED).
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "monitor/monitor.h"
#include "qdev-internal.h"
#include "trace/trace-hw_core.h"

bool qdev_hotplug;

static int unattached_count;

DeviceState *qdev_new(const char *type)
{
    return DEVICE(object_new(type));
}

static bool device_check_property_set(Object *obj, const char *name,
                                      Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (!dev->realized) {
        return true;
    }
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", name, dev->id,
                   object_get_typename(obj));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", name,
                   object_get_typename(obj));
    }
    return false;
}

static bool bus_accepts(BusState *bus, DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusClass *bc = BUS_GET_CLASS(bus);

    if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
        error_setg(errp, "Device '%s' can't go on %s bus",
                   object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus)));
        return false;
    }
    if (bc->max_dev && bus->children->len >= (guint)bc->max_dev) {
        error_setg(errp, "Bus '%s' is full", bus->name);
        return false;
    }
    return !bc->check_address || bc->check_address(bus, dev, errp);
}

static void bus_add_child(BusState *bus, DeviceState *dev)
{
    object_ref(OBJECT(dev));
    g_ptr_array_add(bus->children, dev);
    dev->parent_bus = bus;
}

void qdev_bus_remove_child(BusState *bus, DeviceState *dev)
{
    if (g_ptr_array_remove(bus->children, dev)) {
        dev->parent_bus = NULL;
        object_unref(OBJECT(dev));
    }
}

Object *qdev_get_hotplug_handler(DeviceState *dev)
{
    if (dev->parent_bus && dev->parent_bus->hotplug_handler) {
        return dev->parent_bus->hotplug_handler;
    }
    return NULL;
}

static bool child_buses_set_realized(DeviceState *dev, bool on)
{
    GSList *l;

    for (l = dev->child_buses; l; l = l->next) {
        BusState *bus = l->data;

        if (!on) {
            guint i;

            /* Devices on the bus go first, newest first. */
            for (i = bus->children->len; i > 0; i--) {
                qdev_unrealize(bus->children->pdata[i - 1]);
            }
        }
        bus->realized = on;
    }
    return true;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Object *obj = OBJECT(dev);
    Object *handler;
    bool added_unattached = false;

    g_assert(!dev->realized);
    if (dev->global_err) {
        error_propagate(errp, error_copy(dev->global_err));
        return false;
    }
    if (bus) {
        if (!bus_accepts(bus, dev, errp)) {
            return false;
        }
        bus_add_child(bus, dev);
    } else if (dc->bus_type) {
        error_setg(errp, "Device '%s' needs a %s bus",
                   object_get_typename(obj), dc->bus_type);
        return false;
    }
    if (!object_get_parent(obj)) {
        Object *ua = container_get(object_get_root(), "/machine/unattached");
        g_autofree char *name = g_strdup_printf("device[%d]",
                                                unattached_count++);

        object_property_add_child(ua, name, obj, &error_abort);
        added_unattached = true;
    }

    handler = qdev_get_hotplug_handler(dev);
    if (handler && !hotplug_handler_pre_plug(handler, dev, errp)) {
        goto fail;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        goto fail;
    }
    child_buses_set_realized(dev, true);
    dev->realized = true;
    dev->hotplugged = qdev_hotplug;
    g_free(dev->canonical_path);
    dev->canonical_path = object_get_canonical_path(obj);
    trace_qdev_realize(object_get_typename(obj),
                       dev->canonical_path ? dev->canonical_path : "");
    if (handler && !hotplug_handler_plug(handler, dev, errp)) {
        qdev_unrealize(dev);
        goto fail;
    }
    return true;

fail:
    if (added_unattached) {
        object_unparent(obj);
    }
    if (bus) {
        qdev_bus_remove_child(bus, dev);
    }
    return false;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(OBJECT(dev));
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    trace_qdev_unrealize(object_get_typename(OBJECT(dev)),
                         dev->canonical_path ? dev->canonical_path : "");
    child_buses_set_realized(dev, false);
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    bool was_realized = dev->realized;
    g_autofree char *path = object_get_canonical_path(obj);

    qdev_unrealize(dev);
    while (dev->child_buses) {
        BusState *bus = dev->child_buses->data;

        dev->child_buses = g_slist_remove(dev->child_buses, bus);
        object_unparent(OBJECT(bus));
    }
    if (dev->parent_bus) {
        qdev_bus_remove_child(dev->parent_bus, dev);
    }
    if (was_realized && qdev_hotplug) {
        JsonObject *data = json_object_new();

        if (dev->id) {
            json_object_set_string_member(data, "device", dev->id);
        }
        json_object_set_string_member(data, "path", path ? path : "");
        qapi_event_send("DEVICE_DELETED", data);
    }
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    GSList *l;

    for (l = dev->child_buses; l; l = l->next) {
        bus_cold_reset(l->data);
    }
    if (dc->reset) {
        dc->reset(dev);
    }
}

void qdev_reset_all(DeviceState *dev)
{
    device_cold_reset(dev);
}

void bus_cold_reset(BusState *bus)
{
    guint i;

    for (i = 0; i < bus->children->len; i++) {
        device_cold_reset(bus->children->pdata[i]);
    }
}

static void device_instance_post_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    Error *err = NULL;

    /* -global defaults; a bad one makes realize fail with its error. */
    if (!object_apply_globals(obj, &err)) {
        dev->global_err = err;
    }
}

static void device_instance_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    qdev_gpio_cleanup(dev);
    error_free(dev->global_err);
    g_free(dev->id);
    g_free(dev->canonical_path);
}

static void device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    oc->check_property_set = device_check_property_set;
    oc->unparent = device_unparent;
    dc->user_creatable = true;
    dc->hotpluggable = true;
}

static JsonNode *device_get_realized(Object *obj, ObjectProperty *prop,
                                     Error **errp)
{
    return json_node_init_boolean(json_node_alloc(), DEVICE(obj)->realized);
}

static JsonNode *device_get_parent_bus(Object *obj, ObjectProperty *prop,
                                       Error **errp)
{
    return object_path_node(OBJECT(DEVICE(obj)->parent_bus));
}

static JsonNode *device_get_hotpluggable(Object *obj, ObjectProperty *prop,
                                         Error **errp)
{
    DeviceState *dev = DEVICE(obj);
    bool hp = DEVICE_GET_CLASS(dev)->hotpluggable &&
              (!dev->parent_bus || qbus_is_hotpluggable(dev->parent_bus));

    return json_node_init_boolean(json_node_alloc(), hp);
}

static JsonNode *device_get_hotplugged(Object *obj, ObjectProperty *prop,
                                       Error **errp)
{
    return json_node_init_boolean(json_node_alloc(), DEVICE(obj)->hotplugged);
}

static void device_instance_init(Object *obj)
{
    object_property_add(obj, "realized", "bool", device_get_realized, NULL,
                        NULL, NULL);
    object_property_add(obj, "parent_bus", "link<bus>",
                        device_get_parent_bus, NULL, NULL, NULL);
    object_property_add(obj, "hotpluggable", "bool", device_get_hotpluggable,
                        NULL, NULL, NULL);
    object_property_add(obj, "hotplugged", "bool", device_get_hotplugged,
                        NULL, NULL, NULL);
}

static const TypeInfo device_types[] = {
    {
        .name = TYPE_DEVICE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
        .instance_init = device_instance_init,
        .instance_post_init = device_instance_post_init,
        .instance_finalize = device_instance_finalize,
        .class_init = device_class_init,
    },
};

DEFINE_TYPES(device_types)
