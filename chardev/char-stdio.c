/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "stdio" chardev (reads stdin, writes stdout; one per process) and
 * the "null" chardev (discards output, never has input or a peer).
 * stdin is left in blocking mode, since it is shared with whoever
 * started us: it is only read when poll() says it is readable.  The
 * terminal mode is not changed (a QMP monitor wants line input anyway).
 */
#include "qemu/osdep.h"

#include <sys/socket.h>

#include "chardev/chardev-internal.h"
#include "qemu/main-loop.h"
#include "trace/trace-chardev.h"

typedef struct StdioChardev {
    Chardev parent;
    bool reading;       /* stdin is watched */
    bool eof;           /* stdin reached end of file */
    bool out_is_socket;
} StdioChardev;

static const char *const stdio_chardev_opts[] = { "signal", NULL };

/* Only one chardev may own the process's stdin. */
static bool stdio_in_use;

static StdioChardev *stdio_chardev(Chardev *chr)
{
    return container_of(chr, StdioChardev, parent);
}

static void stdio_chardev_read(void *opaque);

static void stdio_chardev_update_read(Chardev *chr)
{
    StdioChardev *s = stdio_chardev(chr);
    bool want = !s->eof && qemu_chr_be_can_read(chr);

    if (want == s->reading) {
        return;
    }
    qemu_set_fd_handler(STDIN_FILENO, want ? stdio_chardev_read : NULL,
                        NULL, s);
    s->reading = want;
}

static void stdio_chardev_read(void *opaque)
{
    StdioChardev *s = opaque;
    uint8_t buf[4096];
    ssize_t n;

    do {
        n = read(STDIN_FILENO, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (n <= 0) {
        s->eof = true;
        stdio_chardev_update_read(&s->parent);
        trace_chardev_stdio_eof(s->parent.id);
        qemu_chr_be_event(&s->parent, CHR_EVENT_CLOSED);
        return;
    }
    qemu_chr_be_write(&s->parent, buf, n, NULL, 0);
}

static ssize_t stdio_chardev_write(Chardev *chr, const uint8_t *buf,
                                   size_t len)
{
    StdioChardev *s = stdio_chardev(chr);

    return qemu_chr_write_fd_all(STDOUT_FILENO, s->out_is_socket, buf, len);
}

static bool stdio_chardev_open(Chardev *chr, JsonObject *opts,
                               bool from_string, Error **errp)
{
    StdioChardev *s = stdio_chardev(chr);
    bool signal = true;
    struct stat st;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    /* signal=off would matter with a raw-mode terminal; we keep cooked. */
    if (!qemu_chr_opt_bool(opts, "signal", &signal, errp)) {
        return false;
    }
    s->out_is_socket = fstat(STDOUT_FILENO, &st) == 0 &&
                       S_ISSOCK(st.st_mode);
    stdio_in_use = true;
    chr->be_open = true;
    return true;
}

static void stdio_chardev_close(Chardev *chr)
{
    StdioChardev *s = stdio_chardev(chr);

    if (s->reading) {
        qemu_set_fd_handler(STDIN_FILENO, NULL, NULL, NULL);
        s->reading = false;
    }
    stdio_in_use = false;
}

const ChardevDriver chardev_stdio_driver = {
    .name = "stdio",
    .instance_size = sizeof(StdioChardev),
    .opts = stdio_chardev_opts,
    .open = stdio_chardev_open,
    .write = stdio_chardev_write,
    .update_read = stdio_chardev_update_read,
    .close = stdio_chardev_close,
};

/* ---- null ---- */

static bool null_chardev_open(Chardev *chr, JsonObject *opts,
                              bool from_string, Error **errp)
{
    return true;
}

static ssize_t null_chardev_write(Chardev *chr, const uint8_t *buf,
                                  size_t len)
{
    return len;
}

const ChardevDriver chardev_null_driver = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_chardev_open,
    .write = null_chardev_write,
};
