/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop on GLib's default context.  fd handlers are unix fd
 * sources, bottom halves are one-shot idle sources, and each iteration
 * bounds its wait by the next real-time timer so that those fire on time.
 * Virtual-clock timers fire only when the clock is advanced (qtest).
 */
#include "qemu/osdep.h"
#include <glib-unix.h>
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"

typedef struct FdHandler {
    int fd;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    guint source;
} FdHandler;

static GHashTable *fd_handlers;

static gboolean fd_dispatch(gint fd, GIOCondition cond, gpointer data)
{
    FdHandler *h = data;
    IOHandler *rd = h->fd_read, *wr = h->fd_write;
    void *opaque = h->opaque;

    /* A handler may remove itself (and free h): copy what we need first. */
    if ((cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && rd) {
        rd(opaque);
        h = g_hash_table_lookup(fd_handlers, GINT_TO_POINTER(fd));
        if (!h || h->fd_write != wr) {
            return G_SOURCE_CONTINUE;
        }
    }
    if ((cond & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) && wr) {
        wr(opaque);
    }
    return G_SOURCE_CONTINUE;
}

static void fd_handler_free(gpointer data)
{
    FdHandler *h = data;

    if (h->source) {
        g_source_remove(h->source);
    }
    g_free(h);
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque)
{
    FdHandler *h;
    GIOCondition cond = 0;

    if (!fd_handlers) {
        fd_handlers = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                            NULL, fd_handler_free);
    }
    g_hash_table_remove(fd_handlers, GINT_TO_POINTER(fd));
    if (!fd_read && !fd_write) {
        return;
    }
    h = g_new0(FdHandler, 1);
    h->fd = fd;
    h->fd_read = fd_read;
    h->fd_write = fd_write;
    h->opaque = opaque;
    if (fd_read) {
        cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
    }
    if (fd_write) {
        cond |= G_IO_OUT | G_IO_ERR;
    }
    h->source = g_unix_fd_add(fd, cond, fd_dispatch, h);
    g_hash_table_insert(fd_handlers, GINT_TO_POINTER(fd), h);
}

/* ---- bottom halves ---- */

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    guint source;
};

static gboolean bh_dispatch(gpointer data)
{
    QEMUBH *bh = data;

    bh->source = 0;
    bh->cb(bh->opaque);
    return G_SOURCE_REMOVE;
}

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (!bh->source) {
        bh->source = g_idle_add(bh_dispatch, bh);
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    if (bh->source) {
        g_source_remove(bh->source);
        bh->source = 0;
    }
}

void qemu_bh_delete(QEMUBH *bh)
{
    if (bh) {
        qemu_bh_cancel(bh);
        g_free(bh);
    }
}

/* ---- the loop ---- */

static gboolean wakeup_dispatch(gpointer data)
{
    guint *id = data;

    *id = 0;
    return G_SOURCE_REMOVE;
}

void qemu_init_main_loop(void)
{
    /* Writes to a closed socket must fail with EPIPE, not kill us. */
    signal(SIGPIPE, SIG_IGN);
}

void main_loop_wait(bool blocking)
{
    int64_t deadline = qemu_clock_deadline_ns(QEMU_CLOCK_REALTIME);
    guint timeout_id = 0;

    if (blocking && deadline >= 0) {
        guint ms = (guint)MIN((deadline + SCALE_MS - 1) / SCALE_MS,
                              (int64_t)G_MAXUINT);

        timeout_id = g_timeout_add(ms, wakeup_dispatch, &timeout_id);
    }
    g_main_context_iteration(NULL, blocking && deadline != 0);
    if (timeout_id) {
        g_source_remove(timeout_id);
    }
    qemu_clock_run_timers(QEMU_CLOCK_REALTIME);
}

void qemu_main_loop(void)
{
    while (qemu_shutdown_requested() == SHUTDOWN_CAUSE_NONE) {
        main_loop_wait(true);
    }
}

void qemu_notify_event(void)
{
    g_main_context_wakeup(NULL);
}

void qemu_cleanup_main_loop(void)
{
    if (fd_handlers) {
        g_hash_table_destroy(fd_handlers);
        fd_handlers = NULL;
    }
}
