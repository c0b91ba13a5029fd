/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit-test helpers for creating devices the way -device does: from an
 * option string through keyval and qdev_device_add, and for checking
 * that such an option fails with exactly the expected message.
 */
#ifndef TESTS_UNIT_QDEV_TEST_UTIL_H
#define TESTS_UNIT_QDEV_TEST_UTIL_H

#include "hw/qdev-core.h"
#include "qemu/keyval.h"

/* -device opts: the realized device, or NULL + error. */
static inline DeviceState *dev_add(const char *opts, Error **errp)
{
    g_autoptr(JsonObject) o = keyval_parse(opts, "driver", NULL,
                                           &error_abort);

    return qdev_device_add(o, true, errp);
}

/* -device opts must fail with the message msg. */
static inline void dev_add_fails(const char *opts, const char *msg)
{
    Error *err = NULL;

    g_assert_null(dev_add(opts, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

#endif
