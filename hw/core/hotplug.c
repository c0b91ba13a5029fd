/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotplug handler interface: root ports (and machines) implement it
 * to take part in run-time plugging.  Each call is optional; a missing
 * unplug_request means "unplug at once".
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "trace/trace-hw_core.h"

static HotplugHandlerClass *hh_class(Object *handler, const char *op,
                                     DeviceState *dev)
{
    trace_hotplug_handler_call(object_get_typename(handler), op,
                               object_get_typename(OBJECT(dev)));
    return HOTPLUG_HANDLER_GET_CLASS(handler);
}

bool hotplug_handler_pre_plug(Object *handler, DeviceState *dev,
                              Error **errp)
{
    HotplugHandlerClass *hc = hh_class(handler, "pre_plug", dev);

    return !hc->pre_plug || hc->pre_plug(HOTPLUG_HANDLER(handler), dev,
                                         errp);
}

bool hotplug_handler_plug(Object *handler, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = hh_class(handler, "plug", dev);

    return !hc->plug || hc->plug(HOTPLUG_HANDLER(handler), dev, errp);
}

bool hotplug_handler_unplug_request(Object *handler, DeviceState *dev,
                                    Error **errp)
{
    HotplugHandlerClass *hc = hh_class(handler, "unplug_request", dev);

    if (!hc->unplug_request) {
        return hotplug_handler_unplug(handler, dev, errp);
    }
    return hc->unplug_request(HOTPLUG_HANDLER(handler), dev, errp);
}

bool hotplug_handler_unplug(Object *handler, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = hh_class(handler, "unplug", dev);

    if (hc->unplug && !hc->unplug(HOTPLUG_HANDLER(handler), dev, errp)) {
        return false;
    }
    qdev_delete_device(dev);
    return true;
}

static const TypeInfo hotplug_types[] = {
    {
        .name = TYPE_HOTPLUG_HANDLER,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(HotplugHandlerClass),
    },
};

DEFINE_TYPES(hotplug_types)
