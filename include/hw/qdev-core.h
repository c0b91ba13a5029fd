/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices and buses.  A device is an object with a realize/unrealize life
 * cycle, static properties that freeze once realized, reset, and an
 * optional parent bus.  Buses belong to a device (or to the machine) and
 * name a hotplug handler when devices may come and go at run time.
 *
 * Realize is all-or-nothing: a device whose realize fails is left exactly
 * as before (children unrealized, no property changed), and unrealize runs
 * the steps of realize in reverse.
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qom/object.h"
#include "qom/props.h"
#include "hw/irq.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"
#define TYPE_HOTPLUG_HANDLER "hotplug-handler"

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;
typedef struct BusState BusState;
typedef struct BusClass BusClass;
typedef struct HotplugHandler HotplugHandler;

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(DeviceClass, (klass), \
                                               TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), \
                                               TYPE_DEVICE)
#define BUS(obj) OBJECT_CHECK(BusState, (obj), TYPE_BUS)
#define BUS_CLASS(klass) OBJECT_CLASS_CHECK(BusClass, (klass), TYPE_BUS)
#define BUS_GET_CLASS(obj) OBJECT_GET_CLASS(BusClass, (obj), TYPE_BUS)
#define HOTPLUG_HANDLER(obj) ((HotplugHandler *)(obj))

/* "-device help" groups, as QEMU prints them. */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_UNCATEGORIZED,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

typedef bool (*DeviceRealize)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealize)(DeviceState *dev);
typedef void (*DeviceReset)(DeviceState *dev);

struct DeviceClass {
    ObjectClass parent_class;

    unsigned long categories;   /* bitmap of 1 << DeviceCategory */
    const char *desc;
    /* May be created with -device / device_add. */
    bool user_creatable;
    /* May be added/removed at run time (if the bus's handler agrees). */
    bool hotpluggable;
    /* The bus type this device plugs into, or NULL for none. */
    const char *bus_type;

    DeviceRealize realize;
    DeviceUnrealize unrealize;
    DeviceReset reset;
};

struct DeviceState {
    Object parent_obj;

    char *id;                   /* user id, or NULL */
    char *canonical_path;       /* cached when realized */
    bool realized;
    bool pending_deletion;      /* unplug requested, waiting for the guest */
    bool hotplugged;            /* realized after the machine was built */
    BusState *parent_bus;
    GSList *child_buses;        /* BusState * owned by this device */
    Error *global_err;          /* a -global that did not apply */
    GSList *gpios;              /* NamedGPIOList *, see below */
};

typedef struct BusChild {
    DeviceState *child;
    int index;
} BusChild;

struct BusClass {
    ObjectClass parent_class;
    /* Path component of a device on this bus, e.g. its PCI slot.fn. */
    char *(*get_dev_path)(DeviceState *dev);
    /* Called before a device is realized on the bus (may refuse). */
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
    int max_dev;                /* 0 means unlimited */
};

struct BusState {
    Object obj;
    DeviceState *parent;
    char *name;
    Object *hotplug_handler;    /* implements TYPE_HOTPLUG_HANDLER */
    GPtrArray *children;        /* DeviceState * in plug order */
    bool realized;
};

/* The hotplug handler interface (implemented by root ports, machines). */
typedef struct HotplugHandlerClass {
    InterfaceClass parent;
    /* Check that dev may be plugged (before realize). */
    bool (*pre_plug)(HotplugHandler *hh, DeviceState *dev, Error **errp);
    /* Dev was realized: tell the guest. */
    bool (*plug)(HotplugHandler *hh, DeviceState *dev, Error **errp);
    /* device_del: start the guest handshake (or unplug at once). */
    bool (*unplug_request)(HotplugHandler *hh, DeviceState *dev,
                           Error **errp);
    /* Remove dev now (after the guest agreed). */
    bool (*unplug)(HotplugHandler *hh, DeviceState *dev, Error **errp);
} HotplugHandlerClass;

#define HOTPLUG_HANDLER_GET_CLASS(obj) \
    OBJECT_GET_CLASS(HotplugHandlerClass, (obj), TYPE_HOTPLUG_HANDLER)

bool hotplug_handler_pre_plug(Object *handler, DeviceState *dev,
                              Error **errp);
bool hotplug_handler_plug(Object *handler, DeviceState *dev, Error **errp);
bool hotplug_handler_unplug_request(Object *handler, DeviceState *dev,
                                    Error **errp);
bool hotplug_handler_unplug(Object *handler, DeviceState *dev,
                            Error **errp);

/* ---- devices ---- */

/* Set once the machine is built: device_add is hotplug from then on. */
extern bool qdev_hotplug;

/* The handler responsible for plugging dev (its bus's), or NULL. */
Object *qdev_get_hotplug_handler(DeviceState *dev);

/* New unrealized device (one reference for the caller). */
DeviceState *qdev_new(const char *type);
/*
 * Plug into bus (may be NULL for bus-less devices) and realize.  On
 * failure the device is unplugged again and nothing else changed.
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize, then drop the caller's reference. */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
/* Reset a device and, depth first, everything on its buses. */
void device_cold_reset(DeviceState *dev);
void qdev_reset_all(DeviceState *dev);
void bus_cold_reset(BusState *bus);

/*
 * -device / device_add: create a device from options (a JsonObject with
 * "driver", optional "id" and "bus", and properties).  from_string says
 * the option values are keyval strings.  Returns the realized device
 * (owned by the composition tree) or NULL + error.
 */
DeviceState *qdev_device_add(JsonObject *opts, bool from_string,
                             Error **errp);
/* device_del: start unplugging the device named by id or QOM path. */
bool qdev_unplug(DeviceState *dev, Error **errp);
/* Find a device by id or QOM path (DeviceNotFound error class). */
DeviceState *qdev_find_device(const char *id_or_path, Error **errp);
/* Called when a device is finally removed; emits DEVICE_DELETED. */
void qdev_delete_device(DeviceState *dev);

/* Print "-device help" and "-device DRIVER,help". */
void qdev_print_device_list(void);
bool qdev_print_device_help(const char *driver, Error **errp);

/* -global driver.prop=value. */
void qdev_prop_register_global(const char *driver, const char *prop,
                               const char *value);
/* Apply registered globals to a new object (and report bad ones). */
bool object_apply_globals(Object *obj, Error **errp);
/* Warn about -global entries that never matched any type. */
bool qdev_prop_check_globals(Error **errp);

/* ---- GPIOs: a device's interrupt lines ---- */

/*
 * A device has lists of input lines (allocated here, delivered to its
 * handler) and output lines (pointers into the device's own state that
 * the board connects to someone's input), each list under a name (NULL
 * for the unnamed list).  Line numbers count from 0 within a list.
 */
typedef struct NamedGPIOList {
    char *name;                 /* NULL: the unnamed list */
    qemu_irq *in;               /* num_in lines, owned */
    int num_in;
    qemu_irq **out;             /* num_out pointers into the device */
    int num_out;
} NamedGPIOList;

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
/* pins: an array of n qemu_irq in the device's state, set to NULL. */
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n);
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n);
/* Input line n (of the named list); NULL if there is no such line. */
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
/* Wire output line n to irq (NULL disconnects). */
void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq);
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq);
/* The list called name (NULL: unnamed), or NULL if the device has none. */
NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name);

/* ---- buses ---- */

BusState *qbus_new(const char *type, DeviceState *parent, const char *name);
void qbus_set_hotplug_handler(BusState *bus, Object *handler);
bool qbus_is_hotpluggable(BusState *bus);
/* Find a bus by name (or QOM path) anywhere under /machine. */
BusState *qbus_find(const char *path, Error **errp);
/* Walk all buses (and their devices) below /machine. */
void qbus_foreach(void (*fn)(BusState *bus, void *opaque), void *opaque);
/* The default bus for a bus type (the first one found), or NULL. */
BusState *qbus_find_default(const char *bus_type);

#endif
