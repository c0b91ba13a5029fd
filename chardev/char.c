/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chardev core: the registry of chardevs by id, creation from option
 * objects (-chardev, and the legacy "unix:PATH,..." / "tcp:HOST:PORT,..."
 * shorthand of -qmp/-qtest/-serial), and the frontend side of a chardev:
 * handlers, writes, fds received with the data, disconnects.  Backends
 * live in char-socket.c and char-stdio.c.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>

#include "chardev/chardev-internal.h"
#include "qemu/keyval.h"
#include "qom/object.h"
#include "trace/trace-chardev.h"

/* Every chardev, in creation order. */
static GPtrArray *chardevs;

static const ChardevDriver *const chardev_drivers[] = {
    &chardev_socket_driver,
    &chardev_stdio_driver,
    &chardev_null_driver,
};

/* Keys every backend accepts. */
static const char *const chardev_common_opts[] = {
    "backend", "id", "mux", NULL,
};

static const ChardevDriver *qemu_chr_find_driver(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(chardev_drivers); i++) {
        if (!strcmp(chardev_drivers[i]->name, name)) {
            return chardev_drivers[i];
        }
    }
    return NULL;
}

static bool qemu_chr_key_known(const char *const *keys, const char *key)
{
    for (; keys && *keys; keys++) {
        if (!strcmp(*keys, key)) {
            return true;
        }
    }
    return false;
}

/* ---- option helpers for backends ---- */

bool qemu_chr_opt_bool(JsonObject *opts, const char *key, bool *out,
                       Error **errp)
{
    JsonNode *node = json_object_get_member(opts, key);

    if (!node) {
        return true;
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
        *out = json_node_get_boolean(node);
        return true;
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING) {
        return qemu_parse_bool(key, json_node_get_string(node), out, errp);
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
               key);
    return false;
}

bool qemu_chr_opt_str(JsonObject *opts, const char *key, char **out,
                      Error **errp)
{
    JsonNode *node = json_object_get_member(opts, key);

    if (!node) {
        return true;
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING) {
        g_free(*out);
        *out = g_strdup(json_node_get_string(node));
        return true;
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_INT64) {
        g_free(*out);
        *out = g_strdup_printf("%" PRId64, json_node_get_int(node));
        return true;
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: string",
               key);
    return false;
}

/* ---- writing ---- */

ssize_t qemu_chr_write_fd_all(int fd, bool is_socket, const uint8_t *buf,
                              size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n;

        if (is_socket) {
            /* MSG_NOSIGNAL: a vanished peer is EPIPE, not SIGPIPE. */
            n = send(fd, buf + done, len - done, MSG_NOSIGNAL);
        } else {
            n = write(fd, buf + done, len - done);
        }
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                return -1;
            }
            continue;
        }
        return -1;
    }
    return len;
}

/* ---- the backend side ---- */

void qemu_chr_be_event(Chardev *chr, ChardevEvent event)
{
    chr->be_open = event == CHR_EVENT_OPENED;
    trace_chardev_event(chr->id, event == CHR_EVENT_OPENED ? "opened"
                                                           : "closed");
    if (chr->fd_event) {
        chr->fd_event(chr->fe_opaque, event);
    }
}

bool qemu_chr_be_can_read(Chardev *chr)
{
    return chr->fd_read != NULL;
}

static void qemu_chr_close_msgfds(Chardev *chr)
{
    int i;

    for (i = 0; i < chr->n_msgfds; i++) {
        close(chr->msgfds[i]);
    }
    chr->n_msgfds = 0;
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, size_t len,
                       const int *fds, int nfds)
{
    int i;

    /* Leftovers from an earlier delivery can't be claimed any more. */
    qemu_chr_close_msgfds(chr);
    for (i = 0; i < nfds; i++) {
        if (i < CHR_MAX_MSGFDS) {
            chr->msgfds[chr->n_msgfds++] = fds[i];
        } else {
            close(fds[i]);
        }
    }
    if (chr->fd_read) {
        chr->fd_read(chr->fe_opaque, buf, len);
    }
    qemu_chr_close_msgfds(chr);
}

/* ---- the registry ---- */

Chardev *qemu_chr_find(const char *id)
{
    guint i;

    for (i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);

        if (!strcmp(chr->id, id)) {
            return chr;
        }
    }
    return NULL;
}

const char *qemu_chr_get_id(Chardev *chr)
{
    return chr->id;
}

Chardev *qemu_chr_new_from_opts(JsonObject *opts, bool from_string,
                                Error **errp)
{
    const ChardevDriver *drv;
    g_autofree char *backend = NULL;
    g_autofree char *id = NULL;
    g_autoptr(GList) members = NULL;
    GList *l;
    bool mux = false;
    Chardev *chr;

    if (!qemu_chr_opt_str(opts, "backend", &backend, errp)) {
        return NULL;
    }
    if (!backend) {
        error_setg(errp, "Parameter 'backend' is missing");
        return NULL;
    }
    drv = qemu_chr_find_driver(backend);
    if (!drv) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (!qemu_chr_opt_str(opts, "id", &id, errp)) {
        return NULL;
    }
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }
    if (qemu_chr_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    members = json_object_get_members(opts);
    for (l = members; l; l = l->next) {
        const char *key = l->data;

        if (!qemu_chr_key_known(chardev_common_opts, key) &&
            !qemu_chr_key_known(drv->opts, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return NULL;
        }
    }
    if (!qemu_chr_opt_bool(opts, "mux", &mux, errp)) {
        return NULL;
    }
    if (mux) {
        error_setg(errp, "chardev: mux=on is not supported");
        return NULL;
    }

    chr = g_malloc0(drv->instance_size);
    chr->id = g_strdup(id);
    chr->drv = drv;
    if (!drv->open(chr, opts, from_string, errp)) {
        g_free(chr->id);
        g_free(chr);
        return NULL;
    }
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    trace_chardev_new(chr->id, drv->name);
    return chr;
}

/*
 * "tcp:HOST:PORT[,opts]": HOST may be empty (any address) or an IPv6
 * address in brackets.  Fills host/port; *rest points after them.
 */
static bool qemu_chr_parse_host_port(const char *spec, const char *p,
                                     JsonObject *opts, const char **rest,
                                     Error **errp)
{
    const char *host_end, *port, *port_end;
    g_autofree char *host = NULL;
    g_autofree char *port_str = NULL;

    if (*p == '[') {
        host_end = strchr(p, ']');
        if (!host_end || host_end[1] != ':') {
            goto fail;
        }
        host = g_strndup(p + 1, host_end - p - 1);
        port = host_end + 2;
    } else {
        host_end = strchr(p, ':');
        if (!host_end || memchr(p, ',', host_end - p)) {
            goto fail;
        }
        host = g_strndup(p, host_end - p);
        port = host_end + 1;
    }
    port_end = strchrnul(port, ',');
    if (port_end == port) {
        goto fail;
    }
    port_str = g_strndup(port, port_end - port);
    json_object_set_string_member(opts, "host", host);
    json_object_set_string_member(opts, "port", port_str);
    *rest = *port_end ? port_end + 1 : port_end;
    return true;

fail:
    error_setg(errp, "parse error: %s", spec);
    return false;
}

/* Copy src's members into dst (options after the address). */
static bool qemu_chr_merge_opts(JsonObject *dst, JsonObject *src,
                                Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(src);
    GList *l;

    for (l = members; l; l = l->next) {
        const char *key = l->data;

        if (!strcmp(key, "backend") || !strcmp(key, "id") ||
            json_object_has_member(dst, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        json_object_set_member(dst, key,
                               json_node_copy(json_object_get_member(src,
                                                                     key)));
    }
    return true;
}

Chardev *qemu_chr_new_compat(const char *id, const char *spec, Error **errp)
{
    g_autoptr(JsonObject) opts = json_object_new();
    const char *p;

    json_object_set_string_member(opts, "id", id);
    if (!strcmp(spec, "stdio")) {
        json_object_set_string_member(opts, "backend", "stdio");
    } else if (!strcmp(spec, "null") || !strcmp(spec, "none")) {
        json_object_set_string_member(opts, "backend", "null");
    } else if (g_str_has_prefix(spec, "unix:")) {
        g_autoptr(JsonObject) rest = NULL;

        p = spec + strlen("unix:");
        rest = keyval_parse(p, "path", NULL, errp);
        if (!rest) {
            return NULL;
        }
        json_object_set_string_member(opts, "backend", "socket");
        if (!qemu_chr_merge_opts(opts, rest, errp)) {
            return NULL;
        }
        if (!json_object_has_member(opts, "path")) {
            error_setg(errp, "parse error: %s", spec);
            return NULL;
        }
    } else if (g_str_has_prefix(spec, "tcp:")) {
        g_autoptr(JsonObject) rest = NULL;
        const char *tail;

        json_object_set_string_member(opts, "backend", "socket");
        p = spec + strlen("tcp:");
        if (!qemu_chr_parse_host_port(spec, p, opts, &tail, errp)) {
            return NULL;
        }
        if (*tail) {
            rest = keyval_parse(tail, NULL, NULL, errp);
            if (!rest || !qemu_chr_merge_opts(opts, rest, errp)) {
                return NULL;
            }
        }
    } else {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    return qemu_chr_new_from_opts(opts, true, errp);
}

/* ---- the frontend side ---- */

bool qemu_chr_fe_set_handlers(Chardev *chr, ChardevReadFn *fd_read,
                              ChardevEventFn *fd_event, void *opaque,
                              Error **errp)
{
    bool attach = fd_read || fd_event;

    if (attach && (chr->fd_read || chr->fd_event) &&
        chr->fe_opaque != opaque) {
        error_setg(errp, "Chardev '%s' is already in use", chr->id);
        return false;
    }
    chr->fd_read = fd_read;
    chr->fd_event = fd_event;
    chr->fe_opaque = attach ? opaque : NULL;
    if (chr->drv->update_read) {
        chr->drv->update_read(chr);
    }
    /* A frontend arriving after the peer still sees it arrive. */
    if (chr->be_open && fd_event) {
        fd_event(opaque, CHR_EVENT_OPENED);
    }
    return true;
}

ssize_t qemu_chr_fe_write_all(Chardev *chr, const uint8_t *buf, size_t len)
{
    ssize_t ret;

    if (!len) {
        return 0;
    }
    ret = chr->drv->write(chr, buf, len);
    trace_chardev_write(chr->id, len, ret);
    return ret;
}

bool qemu_chr_fe_is_connected(Chardev *chr)
{
    return chr->be_open;
}

int qemu_chr_fe_get_msgfds(Chardev *chr, int *fds, int nfds)
{
    int n = MIN(nfds, chr->n_msgfds);

    if (n <= 0) {
        return 0;
    }
    memcpy(fds, chr->msgfds, n * sizeof(int));
    memmove(chr->msgfds, chr->msgfds + n,
            (chr->n_msgfds - n) * sizeof(int));
    chr->n_msgfds -= n;
    return n;
}

void qemu_chr_fe_disconnect(Chardev *chr)
{
    if (chr->drv->disconnect) {
        chr->drv->disconnect(chr);
    }
}

void qemu_chr_delete(Chardev *chr)
{
    if (!chr) {
        return;
    }
    trace_chardev_delete(chr->id);
    if (chardevs) {
        g_ptr_array_remove(chardevs, chr);
    }
    /* Detach first: closing must not call into a frontend. */
    chr->fd_read = NULL;
    chr->fd_event = NULL;
    chr->fe_opaque = NULL;
    if (chr->drv->close) {
        chr->drv->close(chr);
    }
    qemu_chr_close_msgfds(chr);
    g_free(chr->id);
    g_free(chr);
}

void qemu_chr_cleanup_all(void)
{
    while (chardevs && chardevs->len) {
        qemu_chr_delete(g_ptr_array_index(chardevs, chardevs->len - 1));
    }
    if (chardevs) {
        g_ptr_array_free(chardevs, TRUE);
        chardevs = NULL;
    }
}
