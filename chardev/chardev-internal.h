/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the chardev core (char.c) and its backends (char-socket.c,
 * char-stdio.c) share: the Chardev structure, the backend descriptor and
 * the calls a backend makes to hand data and connection events to the
 * frontend.  Not for frontends, which use include/chardev/char.h only.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"

/* Most fds taken from one received message (the rest are dropped). */
#define CHR_MAX_MSGFDS 16

typedef struct ChardevDriver ChardevDriver;

struct Chardev {
    char *id;
    const ChardevDriver *drv;

    /* The frontend. */
    ChardevReadFn *fd_read;
    ChardevEventFn *fd_event;
    void *fe_opaque;

    /* A peer is there (client connected, stdio open). */
    bool be_open;

    /* fds that came with the data being delivered (see be_write). */
    int msgfds[CHR_MAX_MSGFDS];
    int n_msgfds;
};

struct ChardevDriver {
    const char *name;
    size_t instance_size;           /* >= sizeof(Chardev) */
    const char *const *opts;        /* accepted keys, NULL-terminated */
    /* opts were checked against the key list already. */
    bool (*open)(Chardev *chr, JsonObject *opts, bool from_string,
                 Error **errp);
    /* Write everything or fail (-1). */
    ssize_t (*write)(Chardev *chr, const uint8_t *buf, size_t len);
    /* The frontend changed: start or stop watching for input. */
    void (*update_read)(Chardev *chr);
    void (*disconnect)(Chardev *chr);
    /* Release everything open() acquired; the core frees chr. */
    void (*close)(Chardev *chr);
};

extern const ChardevDriver chardev_socket_driver;
extern const ChardevDriver chardev_stdio_driver;
extern const ChardevDriver chardev_null_driver;

/* Record the new state and tell the frontend, if any. */
void qemu_chr_be_event(Chardev *chr, ChardevEvent event);
/*
 * Deliver received bytes, with the fds that came with them (ownership
 * passes to the core: whatever the frontend doesn't take is closed).
 */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, size_t len,
                       const int *fds, int nfds);
/* Whether the frontend wants input. */
bool qemu_chr_be_can_read(Chardev *chr);

/*
 * Option helpers: a value may be typed JSON or, from the command line, a
 * string.  Missing keys leave *out untouched and return true.
 */
bool qemu_chr_opt_bool(JsonObject *opts, const char *key, bool *out,
                       Error **errp);
/* Strings and integers (ports) are returned as a new string. */
bool qemu_chr_opt_str(JsonObject *opts, const char *key, char **out,
                      Error **errp);

/* Write all of buf to a non-blocking fd, waiting with poll() as needed. */
ssize_t qemu_chr_write_fd_all(int fd, bool is_socket, const uint8_t *buf,
                              size_t len);

#endif
