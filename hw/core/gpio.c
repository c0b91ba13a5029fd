/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device's GPIO lists: named groups of interrupt lines.  Input lines
 * are allocated here and delivered to the device's handler with their
 * number within the list; output lines are slots in the device's own
 * state that the board fills with someone else's input line.  A list
 * grows when a device declares more lines under the same name, numbers
 * continuing where they stopped.
 *
 * Output lines also appear as read-only "link<irq>" properties
 * ("NAME[i]", or "unnamed-gpio-out[i]"), as in QEMU, so qom-list shows
 * them; lines are not QOM objects here, so their value reads as "".
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qdev-internal.h"
#include "trace/trace-hw_core.h"

NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name)
{
    GSList *l;

    for (l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;

        if (g_strcmp0(ngl->name, name) == 0) {
            return ngl;
        }
    }
    return NULL;
}

static NamedGPIOList *gpio_list_get(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    if (!ngl) {
        ngl = g_new0(NamedGPIOList, 1);
        ngl->name = g_strdup(name);
        dev->gpios = g_slist_append(dev->gpios, ngl);
    }
    return ngl;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    NamedGPIOList *ngl;
    int i;

    g_assert(n >= 0);
    ngl = gpio_list_get(dev, name);
    ngl->in = g_renew(qemu_irq, ngl->in, ngl->num_in + n);
    for (i = 0; i < n; i++) {
        ngl->in[ngl->num_in + i] = qemu_allocate_irq(handler, dev,
                                                     ngl->num_in + i);
    }
    ngl->num_in += n;
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

static JsonNode *gpio_out_get(Object *obj, ObjectProperty *prop,
                              Error **errp)
{
    /* A line has no QOM path: connected or not, it reads as a null link. */
    return object_path_node(NULL);
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n)
{
    NamedGPIOList *ngl;
    int i;

    g_assert(n >= 0);
    ngl = gpio_list_get(dev, name);
    ngl->out = g_renew(qemu_irq *, ngl->out, ngl->num_out + n);
    for (i = 0; i < n; i++) {
        g_autofree char *pname =
            g_strdup_printf("%s[%d]", name ? name : "unnamed-gpio-out",
                            ngl->num_out + i);

        pins[i] = NULL;
        ngl->out[ngl->num_out + i] = &pins[i];
        if (!object_property_find(OBJECT(dev), pname)) {
            object_property_add(OBJECT(dev), pname, "link<irq>",
                                gpio_out_get, NULL, NULL, NULL);
        }
    }
    ngl->num_out += n;
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    if (!ngl || n < 0 || n >= ngl->num_in) {
        return NULL;
    }
    return ngl->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    /* Wiring a line the device never declared is a bug of the board. */
    g_assert(ngl && n >= 0 && n < ngl->num_out);
    trace_qdev_connect_gpio_out(object_get_typename(OBJECT(dev)),
                                name ? name : "", n, irq != NULL);
    *ngl->out[n] = irq;
}

void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq)
{
    qdev_connect_gpio_out_named(dev, NULL, n, irq);
}

void qdev_gpio_cleanup(DeviceState *dev)
{
    while (dev->gpios) {
        NamedGPIOList *ngl = dev->gpios->data;

        dev->gpios = g_slist_remove(dev->gpios, ngl);
        qemu_free_irqs(ngl->in, ngl->num_in);
        g_free(ngl->out);
        g_free(ngl->name);
        g_free(ngl);
    }
}
