/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private glue between the files of the device core.
 */
#ifndef HW_CORE_QDEV_INTERNAL_H
#define HW_CORE_QDEV_INTERNAL_H

#include "hw/qdev-core.h"

void qdev_bus_remove_child(BusState *bus, DeviceState *dev);
/* Free the device's GPIO lists and input lines (gpio.c; at finalize). */
void qdev_gpio_cleanup(DeviceState *dev);

#endif
