/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timers on the real-time and virtual clocks.  Each clock keeps its armed
 * timers sorted by expiry.  The virtual clock is a counter that only the
 * accelerator moves (qtest's clock_step/clock_set); as it moves, timers
 * fire in order with the clock showing each timer's own deadline, so a
 * callback that re-arms relative to "now" stays exact.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"

struct QEMUTimer {
    QEMUClockType type;
    QEMUTimerCB *cb;
    void *opaque;
    int scale;
    int64_t expire;         /* ns; meaningful while armed */
    bool armed;
};

static GList *active[QEMU_CLOCK_MAX];
static int64_t virtual_now;

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    if (type == QEMU_CLOCK_VIRTUAL) {
        return virtual_now;
    }
    return g_get_monotonic_time() * SCALE_US;
}

int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->scale = SCALE_NS;
    return t;
}

QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = timer_new_ns(type, cb, opaque);

    t->scale = SCALE_MS;
    return t;
}

static gint timer_cmp(gconstpointer a, gconstpointer b)
{
    const QEMUTimer *ta = a, *tb = b;

    return ta->expire < tb->expire ? -1 : ta->expire > tb->expire;
}

void timer_del(QEMUTimer *t)
{
    if (t->armed) {
        active[t->type] = g_list_remove(active[t->type], t);
        t->armed = false;
    }
}

void timer_mod(QEMUTimer *t, int64_t expire_time)
{
    timer_del(t);
    t->expire = expire_time * t->scale;
    t->armed = true;
    active[t->type] = g_list_insert_sorted(active[t->type], t, timer_cmp);
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

bool timer_pending(QEMUTimer *t)
{
    return t->armed;
}

int64_t timer_expire_time_ns(QEMUTimer *t)
{
    return t->armed ? t->expire : -1;
}

int64_t qemu_clock_next_deadline_abs(QEMUClockType type)
{
    if (!active[type]) {
        return -1;
    }
    return ((QEMUTimer *)active[type]->data)->expire;
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    int64_t abs = qemu_clock_next_deadline_abs(type);

    if (abs < 0) {
        return -1;
    }
    return MAX(abs - qemu_clock_get_ns(type), 0);
}

/* Fire the first timer if it is due at `now`; true if one fired. */
static bool run_one(QEMUClockType type, int64_t now)
{
    QEMUTimer *t;

    if (!active[type]) {
        return false;
    }
    t = active[type]->data;
    if (t->expire > now) {
        return false;
    }
    timer_del(t);
    t->cb(t->opaque);
    return true;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    bool any = false;

    while (run_one(type, qemu_clock_get_ns(type))) {
        any = true;
    }
    return any;
}

void qemu_clock_advance_virtual(int64_t dest)
{
    int64_t next;

    if (dest < virtual_now) {
        return;
    }
    while ((next = qemu_clock_next_deadline_abs(QEMU_CLOCK_VIRTUAL)) >= 0 &&
           next <= dest) {
        virtual_now = MAX(virtual_now, next);
        run_one(QEMU_CLOCK_VIRTUAL, virtual_now);
    }
    virtual_now = dest;
}
