/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types that exist only in builds with tests enabled, so the suites can
 * drive every kind of property and life-cycle path through the real
 * command line and QMP before the real devices exist:
 *
 *   x-test-object      user-creatable; one property of every kind, an fd
 *                      property resolved like iommufd's, a deletion veto
 *   x-test-device      bus-less device; the same properties, and
 *                      fail-realize to exercise unwinding
 *   x-test-bridge      device owning a bus (named after its id); with
 *                      hotplug=on it is that bus's hotplug handler and
 *                      unplugs at once on device_del
 *   x-test-bus-device  a device for that bus
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qom/object_interfaces.h"
#include "monitor/monitor.h"

#define TYPE_X_TEST_OBJECT "x-test-object"
#define TYPE_X_TEST_DEVICE "x-test-device"
#define TYPE_X_TEST_BRIDGE "x-test-bridge"
#define TYPE_X_TEST_BUS "x-test-bus"
#define TYPE_X_TEST_BUS_DEVICE "x-test-bus-device"

static const char *const test_enum_names[] = { "alpha", "beta", "gamma" };
static const QEnumLookup test_enum_lookup = {
    .array = test_enum_names,
    .size = 3,
};

/* ---- x-test-object ---- */

typedef struct XTestObject {
    Object parent_obj;
    bool bool_prop;
    int32_t int_prop;
    uint64_t size_prop;
    char *str_prop;
    int enum_prop;
    int ooa_prop;
    Object *link_prop;
    bool can_delete;
    int fd;
} XTestObject;

#define X_TEST_OBJECT(obj) OBJECT_CHECK(XTestObject, (obj), \
                                        TYPE_X_TEST_OBJECT)

static const Property x_test_object_props[] = {
    DEFINE_PROP_BOOL("bool-prop", XTestObject, bool_prop, false,
                     "a boolean"),
    DEFINE_PROP_INT32("int-prop", XTestObject, int_prop, -1,
                      "a 32-bit signed integer"),
    DEFINE_PROP_SIZE("size-prop", XTestObject, size_prop, 4 * KiB,
                     "a size"),
    DEFINE_PROP_STRING("str-prop", XTestObject, str_prop, NULL, "a string"),
    DEFINE_PROP_ENUM("enum-prop", XTestObject, enum_prop, 0,
                     &test_enum_lookup, "an enumeration"),
    DEFINE_PROP_ON_OFF_AUTO("ooa-prop", XTestObject, ooa_prop,
                            ON_OFF_AUTO_AUTO, "on, off or auto"),
    DEFINE_PROP_LINK("link-prop", XTestObject, link_prop, TYPE_OBJECT,
                     "a link to another object"),
    DEFINE_PROP_BOOL("can-delete", XTestObject, can_delete, true,
                     "whether object-del may delete it"),
    { NULL }
};

static bool x_test_object_set_fd(Object *obj, const char *str, Error **errp)
{
    XTestObject *t = X_TEST_OBJECT(obj);
    int fd = monitor_fd_param(str, errp);

    if (fd < 0) {
        return false;
    }
    if (t->fd >= 0) {
        close(t->fd);
    }
    t->fd = fd;
    return true;
}

static JsonNode *x_test_object_get_fd_num(Object *obj, ObjectProperty *prop,
                                          Error **errp)
{
    return json_node_init_int(json_node_alloc(), X_TEST_OBJECT(obj)->fd);
}

static bool x_test_object_can_be_deleted(UserCreatable *uc)
{
    return X_TEST_OBJECT(uc)->can_delete;
}

static void x_test_object_init(Object *obj)
{
    X_TEST_OBJECT(obj)->fd = -1;
}

static void x_test_object_finalize(Object *obj)
{
    XTestObject *t = X_TEST_OBJECT(obj);

    if (t->fd >= 0) {
        close(t->fd);
    }
}

static void x_test_object_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = OBJECT_CLASS_CHECK(UserCreatableClass, oc,
                                                 TYPE_USER_CREATABLE);
    ObjectProperty *p;

    ucc->can_be_deleted = x_test_object_can_be_deleted;
    object_class_add_props(oc, x_test_object_props);
    object_class_property_add_str(oc, "fd", NULL, x_test_object_set_fd);
    object_class_property_set_description(oc, "fd",
                                          "a getfd name or an fd number");
    p = object_class_property_add(oc, "fd-num", "int",
                                  x_test_object_get_fd_num, NULL, NULL,
                                  NULL);
    p->description = g_strdup("the fd held, or -1");
}

/* ---- x-test-device ---- */

typedef struct XTestDevice {
    DeviceState parent_obj;
    bool bool_prop;
    int32_t int_prop;
    uint64_t size_prop;
    char *str_prop;
    int enum_prop;
    int ooa_prop;
    Object *link_prop;
    bool fail_realize;
    unsigned resets;
} XTestDevice;

#define X_TEST_DEVICE(obj) OBJECT_CHECK(XTestDevice, (obj), \
                                        TYPE_X_TEST_DEVICE)

static const Property x_test_device_props[] = {
    DEFINE_PROP_BOOL("bool-prop", XTestDevice, bool_prop, false,
                     "a boolean"),
    DEFINE_PROP_INT32("int-prop", XTestDevice, int_prop, -1,
                      "a 32-bit signed integer"),
    DEFINE_PROP_SIZE("size-prop", XTestDevice, size_prop, 4 * KiB,
                     "a size"),
    DEFINE_PROP_STRING("str-prop", XTestDevice, str_prop, NULL, "a string"),
    DEFINE_PROP_ENUM("enum-prop", XTestDevice, enum_prop, 0,
                     &test_enum_lookup, "an enumeration"),
    DEFINE_PROP_ON_OFF_AUTO("ooa-prop", XTestDevice, ooa_prop,
                            ON_OFF_AUTO_AUTO, "on, off or auto"),
    DEFINE_PROP_LINK("link-prop", XTestDevice, link_prop, TYPE_OBJECT,
                     "a link to another object"),
    DEFINE_PROP_BOOL("fail-realize", XTestDevice, fail_realize, false,
                     "make realize fail (tests unwinding)"),
    { NULL }
};

static bool x_test_device_realize(DeviceState *dev, Error **errp)
{
    if (X_TEST_DEVICE(dev)->fail_realize) {
        error_setg(errp, "x-test-device: realize failed as requested "
                   "(fail-realize=on)");
        return false;
    }
    return true;
}

static void x_test_device_reset(DeviceState *dev)
{
    X_TEST_DEVICE(dev)->resets++;
}

static JsonNode *x_test_device_get_resets(Object *obj, ObjectProperty *prop,
                                          Error **errp)
{
    return json_node_init_int(json_node_alloc(),
                              X_TEST_DEVICE(obj)->resets);
}

static void x_test_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    ObjectProperty *p;

    dc->desc = "test-only device with one property of each kind";
    dc->categories = 1ul << DEVICE_CATEGORY_MISC;
    dc->realize = x_test_device_realize;
    dc->reset = x_test_device_reset;
    object_class_add_props(oc, x_test_device_props);
    p = object_class_property_add(oc, "x-resets", "uint32",
                                  x_test_device_get_resets, NULL, NULL,
                                  NULL);
    p->description = g_strdup("how many times the device was reset");
}

/* ---- x-test-bridge and its bus ---- */

typedef struct XTestBridge {
    DeviceState parent_obj;
    bool hotplug;
    BusState *bus;
} XTestBridge;

#define X_TEST_BRIDGE(obj) OBJECT_CHECK(XTestBridge, (obj), \
                                        TYPE_X_TEST_BRIDGE)

static const Property x_test_bridge_props[] = {
    DEFINE_PROP_BOOL("hotplug", XTestBridge, hotplug, false,
                     "allow devices on the bus to come and go at run time"),
    { NULL }
};

static bool x_test_bridge_realize(DeviceState *dev, Error **errp)
{
    XTestBridge *b = X_TEST_BRIDGE(dev);
    g_autofree char *name = dev->id ? g_strdup(dev->id) : NULL;

    b->bus = qbus_new(TYPE_X_TEST_BUS, dev, name);
    if (b->hotplug) {
        qbus_set_hotplug_handler(b->bus, OBJECT(dev));
    }
    return true;
}

static void x_test_bridge_unrealize(DeviceState *dev)
{
    XTestBridge *b = X_TEST_BRIDGE(dev);

    if (b->bus) {
        dev->child_buses = g_slist_remove(dev->child_buses, b->bus);
        object_unparent(OBJECT(b->bus));
        b->bus = NULL;
    }
}

static void x_test_bridge_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "test-only device that owns an x-test-bus";
    dc->categories = 1ul << DEVICE_CATEGORY_BRIDGE;
    dc->realize = x_test_bridge_realize;
    dc->unrealize = x_test_bridge_unrealize;
    object_class_add_props(oc, x_test_bridge_props);
    /* The default HotplugHandlerClass (no hooks) unplugs at once. */
}

static void x_test_bus_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "test-only device for an x-test-bus";
    dc->categories = 1ul << DEVICE_CATEGORY_MISC;
    dc->bus_type = TYPE_X_TEST_BUS;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_X_TEST_OBJECT,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(XTestObject),
        .instance_init = x_test_object_init,
        .instance_finalize = x_test_object_finalize,
        .class_init = x_test_object_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { NULL }
        },
        .description = "test-only object with one property of each kind",
    },
    {
        .name = TYPE_X_TEST_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(XTestDevice),
        .class_init = x_test_device_class_init,
    },
    {
        .name = TYPE_X_TEST_BRIDGE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(XTestBridge),
        .class_init = x_test_bridge_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_HOTPLUG_HANDLER },
            { NULL }
        },
    },
    {
        .name = TYPE_X_TEST_BUS,
        .parent = TYPE_BUS,
    },
    {
        .name = TYPE_X_TEST_BUS_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_init = x_test_bus_device_class_init,
    },
};

DEFINE_TYPES(test_types)
