/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timers on two clocks.  QEMU_CLOCK_VIRTUAL is guest time: under the qtest
 * accelerator it only moves when the test says so (clock_step/clock_set),
 * and due timers fire as it moves.  QEMU_CLOCK_REALTIME is the host's
 * monotonic clock, driven by the main loop.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,
    QEMU_CLOCK_VIRTUAL,
    QEMU_CLOCK_MAX,
} QEMUClockType;

typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
/* Arm (or re-arm) to fire when the clock reaches expire_time (ns). */
void timer_mod(QEMUTimer *t, int64_t expire_time);
void timer_del(QEMUTimer *t);
void timer_free(QEMUTimer *t);
bool timer_pending(QEMUTimer *t);
int64_t timer_expire_time_ns(QEMUTimer *t);

int64_t qemu_clock_get_ns(QEMUClockType type);
int64_t qemu_clock_get_ms(QEMUClockType type);
/* Nanoseconds until the next timer on the clock, or -1 if none. */
int64_t qemu_clock_deadline_ns(QEMUClockType type);
/* Fire all due timers of the clock; returns true if any fired. */
bool qemu_clock_run_timers(QEMUClockType type);

/*
 * Virtual clock control (qtest).  Moves the clock to dest, firing timers
 * in expiry order with the clock set to each timer's deadline as it fires.
 * dest below the current time is ignored.
 */
void qemu_clock_advance_virtual(int64_t dest);
/* The clock's next deadline in absolute ns, or -1. */
int64_t qemu_clock_next_deadline_abs(QEMUClockType type);

#endif
