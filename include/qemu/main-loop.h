/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop, on GLib's default main context: fd handlers, bottom
 * halves, and the loop that runs until a shutdown is requested.
 * Everything runs in the main thread unless a file says otherwise.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

typedef void IOHandler(void *opaque);

/* Watch fd; a NULL handler removes that direction, both NULL removes. */
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque);

typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);
QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);

void qemu_init_main_loop(void);
/* One iteration; blocking says whether it may wait for events. */
void main_loop_wait(bool blocking);
/* Run until qemu_system_shutdown_request(). */
void qemu_main_loop(void);
/* Make a blocked main_loop_wait() return (safe from signal handlers). */
void qemu_notify_event(void);
void qemu_cleanup_main_loop(void);

#endif
