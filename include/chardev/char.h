/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: the byte streams that monitors (and later serial
 * ports and qtest) talk over.  Backends: "socket" (Unix path or TCP
 * host:port; server=on listens and takes one client at a time, wait=off
 * starts without waiting for it; server=off connects out), "stdio" and
 * "null".  Unix sockets carry file descriptors (SCM_RIGHTS), which a
 * frontend collects with qemu_chr_fe_get_msgfds() while handling a read.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <json-glib/json-glib.h>

#include "qapi/error.h"

typedef struct Chardev Chardev;

typedef enum ChardevEvent {
    CHR_EVENT_OPENED,   /* a client connected (or the backend is ready) */
    CHR_EVENT_CLOSED,   /* the client went away */
} ChardevEvent;

typedef void ChardevReadFn(void *opaque, const uint8_t *buf, size_t len);
typedef void ChardevEventFn(void *opaque, ChardevEvent event);

/*
 * Create from options: "backend" (socket/stdio/null), "id", and the
 * backend's keys (path, host, port, server, wait, ...).  from_string: the
 * values are keyval strings.
 */
Chardev *qemu_chr_new_from_opts(JsonObject *opts, bool from_string,
                                Error **errp);
/*
 * The legacy shorthand used by -qmp/-qtest/-serial: "unix:PATH,server=on,
 * wait=off", "tcp:HOST:PORT,server=on,wait=off", "stdio", "none", "null".
 */
Chardev *qemu_chr_new_compat(const char *id, const char *spec, Error **errp);
Chardev *qemu_chr_find(const char *id);
const char *qemu_chr_get_id(Chardev *chr);

/* Attach a frontend (one per chardev); NULL handlers detach. */
bool qemu_chr_fe_set_handlers(Chardev *chr, ChardevReadFn *fd_read,
                              ChardevEventFn *fd_event, void *opaque,
                              Error **errp);
/* Write everything (blocking briefly if needed); -1 if not connected. */
ssize_t qemu_chr_fe_write_all(Chardev *chr, const uint8_t *buf, size_t len);
bool qemu_chr_fe_is_connected(Chardev *chr);
/*
 * Take the fds received with the data being handled (only valid inside
 * the read callback).  Returns how many were stored in fds (max nfds);
 * ownership passes to the caller.
 */
int qemu_chr_fe_get_msgfds(Chardev *chr, int *fds, int nfds);
/* Drop the current client (server sockets go back to listening). */
void qemu_chr_fe_disconnect(Chardev *chr);

void qemu_chr_delete(Chardev *chr);
void qemu_chr_cleanup_all(void);

#endif
