/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines.  A qemu_irq is the input end of a wire: a handler and
 * its line number.  Device models raise and lower the lines they were
 * given; interrupt controllers allocate the lines they accept.  Setting
 * a NULL line does nothing, so unconnected outputs need no checks.
 *
 * A device's lines are its GPIOs (see qdev_init_gpio_in/out in
 * hw/qdev-core.h); the qtest server intercepts them by swapping the
 * handler of an input, or by connecting an output to itself.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IRQState *qemu_irq;

typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* A new line delivering to handler(opaque, n, level).  Free with
 * qemu_free_irq. */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
/* n lines numbered 0..n-1 (free with qemu_free_irqs(irqs, n)). */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_free_irqs(qemu_irq *irqs, int n);

void qemu_set_irq(qemu_irq irq, int level);
static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}
static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

/*
 * Replace the handler of a line (keeping its number) and return a new
 * line that carries the old handler, opaque and number, so that the
 * interceptor can pass the level on: the qtest server uses this to see
 * what reaches a controller without changing what the controller sees.
 * The returned line belongs to the caller (qemu_free_irq).
 */
qemu_irq qemu_irq_intercept(qemu_irq irq, qemu_irq_handler handler,
                            void *opaque);
/* Undo qemu_irq_intercept: give irq back the handler saved in saved (the
 * line qemu_irq_intercept returned), and free saved. */
void qemu_irq_unintercept(qemu_irq irq, qemu_irq saved);

#endif
