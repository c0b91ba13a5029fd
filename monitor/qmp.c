/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP server: one MonitorQMP per chardev.  Bytes from the chardev
 * are framed into JSON texts (util/json-framer.c), parsed by json-glib,
 * dispatched synchronously (monitor/qmp-dispatch.c) and answered one
 * reply per line.  Each monitor has its own capabilities negotiation
 * state and its own named fds (getfd); events go to every monitor that
 * finished negotiation.
 *
 * File descriptors that arrive with the bytes (SCM_RIGHTS) belong to the
 * command whose text contains the last non-blank byte of the chunk they
 * came with: the kernel never merges data sent after an fd-carrying
 * message into the same read, so that byte is part of what the client
 * sent along with the fds.  (fds that came with blank bytes only go to
 * the next command.)  A command may take them (getfd); once it has been
 * answered, those it left are closed, and so are fds that came with
 * bytes the framer rejected.
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"
#include "qemu/json-framer.h"
#include "trace/trace-monitor.h"

typedef struct MonitorMsgFd {
    int fd;
    uint64_t position;      /* stream offset the fd is attributed to */
} MonitorMsgFd;

struct MonitorQMP {
    Chardev *chr;
    bool pretty;
    bool negotiated;
    JsonFramer *framer;
    GArray *msgfds;         /* MonitorMsgFd, not yet claimed */
    GHashTable *named_fds;  /* name -> fd (GINT_TO_POINTER) */
    uint64_t cmd_end;       /* stream offset after the running command */
};

static GPtrArray *monitors;
static MonitorQMP *cur_mon;

MonitorQMP *monitor_cur(void)
{
    return cur_mon;
}

/* ---- output ---- */

static void monitor_qmp_send(MonitorQMP *mon, JsonNode *node)
{
    g_autofree char *json = qmp_to_json(node, mon->pretty);
    g_autoptr(GString) line = g_string_sized_new(strlen(json) + 2);
    const char *p;

    /* QEMU ends every line it sends, pretty ones included, with CRLF. */
    for (p = json; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(line, '\r');
        }
        g_string_append_c(line, *p);
    }
    g_string_append(line, "\r\n");
    trace_monitor_qmp_respond(mon, json);
    /* A vanished client is noticed (and cleaned up) by the read side. */
    qemu_chr_fe_write_all(mon->chr, (const uint8_t *)line->str, line->len);
}

static void monitor_qmp_send_object(MonitorQMP *mon, JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    monitor_qmp_send(mon, node);
}

static void monitor_qmp_send_parse_error(MonitorQMP *mon, const char *why)
{
    g_autoptr(Error) err = NULL;

    error_setg(&err, "JSON parse error, %s", why);
    trace_monitor_qmp_err_in_band(mon, error_get_pretty(err));
    monitor_qmp_send_object(mon, qmp_error_response(err, NULL));
}

static void monitor_qmp_send_greeting(MonitorQMP *mon)
{
    JsonObject *qmp = json_object_new();
    JsonObject *greeting = json_object_new();

    json_object_set_member(qmp, "version", qmp_version_info());
    /* No out-of-band execution here, so nothing to offer. */
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(greeting, "QMP", qmp);
    monitor_qmp_send_object(mon, greeting);
}

/* ---- received fds ---- */

/* Close the unclaimed fds attributed to bytes before position. */
static void monitor_qmp_drop_msgfds(MonitorQMP *mon, uint64_t position)
{
    guint i = 0;

    while (i < mon->msgfds->len) {
        MonitorMsgFd *m = &g_array_index(mon->msgfds, MonitorMsgFd, i);

        if (m->position < position) {
            close(m->fd);
            g_array_remove_index(mon->msgfds, i);
        } else {
            i++;
        }
    }
}

int monitor_take_msgfd(void)
{
    MonitorQMP *mon = cur_mon;
    guint i;

    if (!mon) {
        return -1;
    }
    for (i = 0; i < mon->msgfds->len; i++) {
        MonitorMsgFd *m = &g_array_index(mon->msgfds, MonitorMsgFd, i);

        if (m->position < mon->cmd_end) {
            int fd = m->fd;

            g_array_remove_index(mon->msgfds, i);
            return fd;
        }
    }
    return -1;
}

bool monitor_add_named_fd(const char *name, int fd, Error **errp)
{
    MonitorQMP *mon = cur_mon;
    gpointer old;

    if (!mon) {
        error_setg(errp, "No monitor to store file descriptor '%s' in",
                   name);
        return false;
    }
    if (g_hash_table_lookup_extended(mon->named_fds, name, NULL, &old)) {
        close(GPOINTER_TO_INT(old));
    }
    g_hash_table_insert(mon->named_fds, g_strdup(name), GINT_TO_POINTER(fd));
    trace_monitor_qmp_getfd(mon, name, fd);
    return true;
}

bool monitor_close_named_fd(const char *name, Error **errp)
{
    MonitorQMP *mon = cur_mon;
    gpointer fd;

    if (!mon ||
        !g_hash_table_lookup_extended(mon->named_fds, name, NULL, &fd)) {
        error_setg(errp, "File descriptor named '%s' not found", name);
        return false;
    }
    trace_monitor_qmp_closefd(mon, name, GPOINTER_TO_INT(fd));
    close(GPOINTER_TO_INT(fd));
    g_hash_table_remove(mon->named_fds, name);
    return true;
}

static bool monitor_parse_fd_number(const char *str, int *fd)
{
    const char *p;
    gint64 v;

    if (!*str) {
        return false;
    }
    for (p = str; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            return false;
        }
    }
    v = g_ascii_strtoll(str, NULL, 10);
    if (v > INT_MAX) {
        return false;
    }
    *fd = v;
    return true;
}

int monitor_fd_param(const char *fdname, Error **errp)
{
    gpointer key, fd;
    int num;

    if (g_ascii_isdigit(fdname[0]) || !cur_mon) {
        if (!monitor_parse_fd_number(fdname, &num)) {
            error_setg(errp, "Invalid file descriptor number '%s'", fdname);
            return -1;
        }
        return num;
    }
    /* Stolen: the caller owns the fd now. */
    if (!g_hash_table_steal_extended(cur_mon->named_fds, fdname, &key,
                                     &fd)) {
        error_setg(errp, "File descriptor named '%s' has not been found",
                   fdname);
        return -1;
    }
    g_free(key);
    return GPOINTER_TO_INT(fd);
}

/* ---- input ---- */

static void monitor_qmp_handle_text(void *opaque, const char *text,
                                    size_t len)
{
    MonitorQMP *mon = opaque;
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) gerr = NULL;
    MonitorQMP *saved = cur_mon;
    JsonObject *rsp;

    mon->cmd_end = json_framer_position(mon->framer);
    if (!json_parser_load_from_data(parser, text, len, &gerr)) {
        g_autofree char *why = qmp_json_error_desc(text, len, gerr);

        monitor_qmp_send_parse_error(mon, why);
        monitor_qmp_drop_msgfds(mon, mon->cmd_end);
        return;
    }

    cur_mon = mon;
    rsp = qmp_dispatch(json_parser_get_root(parser), !mon->negotiated);
    cur_mon = saved;

    monitor_qmp_send_object(mon, rsp);
    monitor_qmp_drop_msgfds(mon, mon->cmd_end);
}

static void monitor_qmp_handle_error(void *opaque, const char *why)
{
    MonitorQMP *mon = opaque;

    monitor_qmp_send_parse_error(mon, why);
    monitor_qmp_drop_msgfds(mon, json_framer_position(mon->framer));
}

static void monitor_qmp_read(void *opaque, const uint8_t *buf, size_t len)
{
    MonitorQMP *mon = opaque;
    int fds[16];
    int n, i;

    n = qemu_chr_fe_get_msgfds(mon->chr, fds, ARRAY_SIZE(fds));
    if (n > 0) {
        uint64_t pos = json_framer_position(mon->framer);
        size_t last = 0;

        /* The last non-blank byte (see the top of this file). */
        for (i = len; i > 0; i--) {
            uint8_t c = buf[i - 1];

            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                last = i - 1;
                break;
            }
        }
        trace_monitor_qmp_fds_received(mon, n);
        for (i = 0; i < n; i++) {
            MonitorMsgFd m = { .fd = fds[i], .position = pos + last };

            g_array_append_val(mon->msgfds, m);
        }
    }
    json_framer_feed(mon->framer, buf, len);
}

/* Back to the state of a fresh connection. */
static void monitor_qmp_reset(MonitorQMP *mon)
{
    mon->negotiated = false;
    json_framer_reset(mon->framer);
    monitor_qmp_drop_msgfds(mon, UINT64_MAX);
    g_hash_table_remove_all(mon->named_fds);
}

static void monitor_qmp_event(void *opaque, ChardevEvent event)
{
    MonitorQMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        trace_monitor_qmp_open(mon, qemu_chr_get_id(mon->chr));
        monitor_qmp_reset(mon);
        monitor_qmp_send_greeting(mon);
        break;
    case CHR_EVENT_CLOSED:
        trace_monitor_qmp_close(mon, qemu_chr_get_id(mon->chr));
        monitor_qmp_reset(mon);
        break;
    }
}

static void monitor_qmp_close_fd(gpointer data)
{
    close(GPOINTER_TO_INT(data));
}

static void monitor_qmp_free(MonitorQMP *mon)
{
    monitor_qmp_drop_msgfds(mon, UINT64_MAX);
    g_array_free(mon->msgfds, TRUE);
    g_hash_table_destroy(mon->named_fds);
    json_framer_free(mon->framer);
    g_free(mon);
}

bool monitor_init_qmp(Chardev *chr, bool pretty, Error **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    mon->chr = chr;
    mon->pretty = pretty;
    mon->framer = json_framer_new(monitor_qmp_handle_text,
                                  monitor_qmp_handle_error, mon);
    mon->msgfds = g_array_new(FALSE, FALSE, sizeof(MonitorMsgFd));
    mon->named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           monitor_qmp_close_fd);
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    /* Listed first: attaching may deliver OPENED (and events) at once. */
    g_ptr_array_add(monitors, mon);
    if (!qemu_chr_fe_set_handlers(chr, monitor_qmp_read, monitor_qmp_event,
                                  mon, errp)) {
        g_ptr_array_remove(monitors, mon);
        monitor_qmp_free(mon);
        return false;
    }
    return true;
}

void monitor_cleanup(void)
{
    while (monitors && monitors->len) {
        MonitorQMP *mon = g_ptr_array_index(monitors, monitors->len - 1);

        g_ptr_array_remove_index(monitors, monitors->len - 1);
        qemu_chr_fe_set_handlers(mon->chr, NULL, NULL, NULL, NULL);
        if (cur_mon == mon) {
            cur_mon = NULL;
        }
        monitor_qmp_free(mon);
    }
    if (monitors) {
        g_ptr_array_free(monitors, TRUE);
        monitors = NULL;
    }
}

bool monitor_qmp_leave_negotiation(bool want_oob, Error **errp)
{
    if (!cur_mon) {
        error_setg(errp, "No monitor is running this command");
        return false;
    }
    if (cur_mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return false;
    }
    if (want_oob) {
        error_setg(errp, "Capability 'oob' not available");
        return false;
    }
    cur_mon->negotiated = true;
    return true;
}

/* ---- events ---- */

void qapi_event_send(const char *event, JsonObject *data)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
    JsonObject *obj = json_object_new();
    JsonObject *ts = json_object_new();
    gint64 now = g_get_real_time();
    guint i;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    /* QEMU's order: timestamp, event, data. */
    json_object_set_object_member(obj, "timestamp", ts);
    json_object_set_string_member(obj, "event", event);
    if (data) {
        json_object_set_object_member(obj, "data", data);
    }
    json_node_take_object(node, obj);

    if (TRACE_MONITOR_QMP_EVENT_EMIT_BACKEND_DSTATE()) {
        g_autofree char *json = qmp_to_json(node, false);

        trace_monitor_qmp_event_emit(event, json);
    }
    for (i = 0; monitors && i < monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(monitors, i);

        if (mon->negotiated && qemu_chr_fe_is_connected(mon->chr)) {
            monitor_qmp_send(mon, node);
        }
    }
}
