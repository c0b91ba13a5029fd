/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines: the receiving end of a wire, a handler plus the line
 * number it is called with.  Allocation, delivery and the interception
 * hook the qtest server uses to watch what reaches a controller.  Lines
 * are plain heap objects (not QOM objects): whoever allocated them frees
 * them, usually the device that owns them as GPIO inputs.
 */
#include "qemu/osdep.h"
#include "hw/irq.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
};

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *irqs = g_new0(qemu_irq, n > 0 ? n : 1);
    int i;

    for (i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}

void qemu_free_irqs(qemu_irq *irqs, int n)
{
    int i;

    if (!irqs) {
        return;
    }
    for (i = 0; i < n; i++) {
        qemu_free_irq(irqs[i]);
    }
    g_free(irqs);
}

void qemu_set_irq(qemu_irq irq, int level)
{
    if (!irq || !irq->handler) {
        return;
    }
    irq->handler(irq->opaque, irq->n, level);
}

qemu_irq qemu_irq_intercept(qemu_irq irq, qemu_irq_handler handler,
                            void *opaque)
{
    qemu_irq saved;

    if (!irq) {
        return NULL;
    }
    saved = qemu_allocate_irq(irq->handler, irq->opaque, irq->n);
    irq->handler = handler;
    irq->opaque = opaque;
    return saved;
}

void qemu_irq_unintercept(qemu_irq irq, qemu_irq saved)
{
    if (!irq || !saved) {
        qemu_free_irq(saved);
        return;
    }
    irq->handler = saved->handler;
    irq->opaque = saved->opaque;
    qemu_free_irq(saved);
}
