/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buses: owned by a device (a child named after the bus) or by the
 * machine, holding references to the devices plugged into them, and
 * naming the hotplug handler that decides about run-time plugging.
 * Buses are found by name ("pcie.0", or a bridge's id) or by QOM path.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/sysbus.h"
#include "qdev-internal.h"

static int anon_bus_count;

BusState *qbus_new(const char *type, DeviceState *parent, const char *name)
{
    BusState *bus = BUS(object_new(type));
    Object *owner;

    bus->name = name ? g_strdup(name)
                     : g_strdup_printf("%s.%d", type, anon_bus_count++);
    bus->parent = parent;
    if (parent) {
        owner = OBJECT(parent);
        parent->child_buses = g_slist_append(parent->child_buses, bus);
    } else {
        owner = container_get(object_get_root(), "/machine/unattached");
    }
    object_property_add_child(owner, bus->name, OBJECT(bus), &error_abort);
    object_unref(OBJECT(bus));
    return bus;
}

void qbus_set_hotplug_handler(BusState *bus, Object *handler)
{
    g_assert(!handler ||
             object_dynamic_cast(handler, TYPE_HOTPLUG_HANDLER));
    bus->hotplug_handler = handler;
}

bool qbus_is_hotpluggable(BusState *bus)
{
    return bus->hotplug_handler != NULL;
}

typedef struct BusWalk {
    void (*fn)(BusState *bus, void *opaque);
    void *opaque;
} BusWalk;

static int bus_walk_visit(Object *obj, void *opaque)
{
    BusWalk *w = opaque;

    if (object_dynamic_cast(obj, TYPE_BUS)) {
        w->fn(BUS(obj), w->opaque);
    }
    return 0;
}

void qbus_foreach(void (*fn)(BusState *bus, void *opaque), void *opaque)
{
    BusWalk w = { fn, opaque };
    Object *machine = object_get_child(object_get_root(), "machine");

    if (machine) {
        object_child_foreach_recursive(machine, bus_walk_visit, &w);
    }
}

typedef struct BusFind {
    const char *name;
    const char *type;
    BusState *found;
} BusFind;

static void bus_find_visit(BusState *bus, void *opaque)
{
    BusFind *f = opaque;

    if (f->found) {
        return;
    }
    if (f->name && strcmp(bus->name, f->name) != 0) {
        return;
    }
    if (f->type && !object_dynamic_cast(OBJECT(bus), f->type)) {
        return;
    }
    f->found = bus;
}

BusState *qbus_find(const char *path, Error **errp)
{
    BusFind f = { .name = path };
    Object *obj;

    if (path[0] == '/') {
        obj = object_resolve_path(path, NULL);
        if (obj && object_dynamic_cast(obj, TYPE_BUS)) {
            return BUS(obj);
        }
        /* A device path names its only bus. */
        if (obj && object_dynamic_cast(obj, TYPE_DEVICE) &&
            DEVICE(obj)->child_buses &&
            !DEVICE(obj)->child_buses->next) {
            return DEVICE(obj)->child_buses->data;
        }
    } else {
        qbus_foreach(bus_find_visit, &f);
        if (f.found) {
            return f.found;
        }
    }
    /* QEMU 10 reports a bus it cannot find as a GenericError. */
    error_setg(errp, "Bus '%s' not found", path);
    return NULL;
}

/*
 * Pre-order from bus: a bus comes before the buses of the devices on it,
 * so the default PCI bus is pcie.0, not a pxb-pcie's or a root port's
 * bus below it (QEMU picks the same one).  A full bus is passed over.
 */
static BusState *bus_find_default_below(BusState *bus, const char *type)
{
    BusClass *bc = BUS_GET_CLASS(bus);
    guint i;

    if (object_dynamic_cast(OBJECT(bus), type) &&
        (!bc->max_dev || bus->children->len < (guint)bc->max_dev)) {
        return bus;
    }
    for (i = 0; i < bus->children->len; i++) {
        DeviceState *dev = g_ptr_array_index(bus->children, i);
        GSList *l;

        for (l = dev->child_buses; l; l = l->next) {
            BusState *found = bus_find_default_below(l->data, type);

            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

BusState *qbus_find_default(const char *bus_type)
{
    BusFind f = { .type = bus_type };
    BusState *bus = bus_find_default_below(sysbus_get_default(), bus_type);

    if (bus) {
        return bus;
    }
    /* Buses the machine owns directly, outside the system bus tree. */
    qbus_foreach(bus_find_visit, &f);
    return f.found;
}

static JsonNode *bus_get_realized(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    return json_node_init_boolean(json_node_alloc(), BUS(obj)->realized);
}

static JsonNode *bus_get_hotplug_handler(Object *obj, ObjectProperty *prop,
                                         Error **errp)
{
    return object_path_node(BUS(obj)->hotplug_handler);
}

static void bus_instance_init(Object *obj)
{
    BusState *bus = BUS(obj);

    bus->children = g_ptr_array_new();
    object_property_add(obj, "realized", "bool", bus_get_realized, NULL,
                        NULL, NULL);
    object_property_add(obj, "hotplug-handler", "link<hotplug-handler>",
                        bus_get_hotplug_handler, NULL, NULL, NULL);
}

static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);

    /* Devices on a removed bus go with it, newest first. */
    while (bus->children->len) {
        DeviceState *dev = bus->children->pdata[bus->children->len - 1];

        object_ref(OBJECT(dev));
        if (object_get_parent(OBJECT(dev))) {
            object_unparent(OBJECT(dev));   /* also leaves the bus */
        }
        qdev_bus_remove_child(bus, dev);    /* no-op if it left */
        object_unref(OBJECT(dev));
    }
    if (bus->parent) {
        bus->parent->child_buses = g_slist_remove(bus->parent->child_buses,
                                                  bus);
        bus->parent = NULL;
    }
}

static void bus_instance_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    g_ptr_array_free(bus->children, TRUE);
    g_free(bus->name);
}

static void bus_class_init(ObjectClass *oc, const void *data)
{
    oc->unparent = bus_unparent;
}

static const TypeInfo bus_types[] = {
    {
        .name = TYPE_BUS,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(BusState),
        .class_size = sizeof(BusClass),
        .abstract = true,
        .instance_init = bus_instance_init,
        .instance_finalize = bus_instance_finalize,
        .class_init = bus_class_init,
    },
};

DEFINE_TYPES(bus_types)
