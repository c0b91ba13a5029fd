/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control-socket client of hostsim-client.h.  Requests go out whole;
 * replies are read with poll() against a deadline into a buffer that
 * keeps whatever follows the reply, then cut into lines once the first
 * line says how many record lines follow ("ok count=N").
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hostsim-client.h"

struct HostsimClient {
    int fd;
    int timeout_ms;
    GString *in;            /* received, not yet returned */
};

static GQuark hostsim_client_quark(void)
{
    return g_quark_from_static_string("hostsim-client");
}

static void hostsim_client_set_error(GError **errp, int err, const char *what)
{
    g_set_error(errp, hostsim_client_quark(), err, "hostsim control: %s: %s",
                what, g_strerror(err));
}

HostsimClient *hostsim_client_connect(const char *path, int timeout_ms,
                                      GError **errp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    HostsimClient *c;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        g_set_error(errp, hostsim_client_quark(), ENAMETOOLONG,
                    "hostsim control: socket path %s is too long", path);
        return NULL;
    }
    strcpy(sun.sun_path, path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int err;

        if (fd < 0) {
            hostsim_client_set_error(errp, errno, "socket");
            return NULL;
        }
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            c = g_new0(HostsimClient, 1);
            c->fd = fd;
            c->timeout_ms = HOSTSIM_CLIENT_TIMEOUT_MS;
            c->in = g_string_new(NULL);
            return c;
        }
        err = errno;
        close(fd);
        if ((err != ENOENT && err != ECONNREFUSED && err != EAGAIN) ||
            g_get_monotonic_time() >= deadline) {
            g_set_error(errp, hostsim_client_quark(), err,
                        "hostsim control: connect to %s: %s", path,
                        g_strerror(err));
            return NULL;
        }
        g_usleep(10 * 1000);
    }
}

void hostsim_client_free(HostsimClient *c)
{
    if (!c) {
        return;
    }
    close(c->fd);
    g_string_free(c->in, true);
    g_free(c);
}

void hostsim_client_set_timeout(HostsimClient *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms;
}

static bool hostsim_client_send(HostsimClient *c, const char *buf,
                                size_t len, GError **errp)
{
    while (len) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            hostsim_client_set_error(errp, errno, "send");
            return false;
        }
        buf += n;
        len -= n;
    }
    return true;
}

/* Read more into c->in before deadline (monotonic, microseconds). */
static bool hostsim_client_fill(HostsimClient *c, gint64 deadline,
                                GError **errp)
{
    char buf[4096];
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    gint64 left = deadline - g_get_monotonic_time();
    ssize_t n;
    int ret;

    if (left <= 0) {
        hostsim_client_set_error(errp, ETIMEDOUT, "waiting for the reply");
        return false;
    }
    ret = poll(&p, 1, (int)MIN(left / 1000 + 1, INT32_MAX));
    if (ret < 0 && errno == EINTR) {
        return true;
    }
    if (ret < 0) {
        hostsim_client_set_error(errp, errno, "poll");
        return false;
    }
    if (ret == 0) {
        return true;            /* the deadline check comes next time */
    }
    n = recv(c->fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return true;
    }
    if (n < 0) {
        hostsim_client_set_error(errp, errno, "recv");
        return false;
    }
    if (n == 0) {
        hostsim_client_set_error(errp, ECONNRESET,
                                 "the simulator closed the connection");
        return false;
    }
    g_string_append_len(c->in, buf, n);
    return true;
}

/* The number of complete lines at the start of s. */
static guint hostsim_count_lines(const GString *s)
{
    guint n = 0;

    for (gsize i = 0; i < s->len; i++) {
        n += s->str[i] == '\n';
    }
    return n;
}

char **hostsim_client_request(HostsimClient *c, const char *request,
                              GError **errp)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)c->timeout_ms * 1000;
    g_autofree char *line = g_strconcat(request, "\n", NULL);
    guint need = 1;
    char **reply;
    gsize end = 0;

    if (strchr(request, '\n')) {
        g_set_error(errp, hostsim_client_quark(), EINVAL,
                    "hostsim control: a request is one line");
        return NULL;
    }
    if (!hostsim_client_send(c, line, strlen(line), errp)) {
        return NULL;
    }
    /* First line, then as many record lines as it announces. */
    while (hostsim_count_lines(c->in) < need) {
        if (!hostsim_client_fill(c, deadline, errp)) {
            return NULL;
        }
        if (need == 1 && hostsim_count_lines(c->in) >= 1) {
            g_auto(GStrv) first = g_strsplit(c->in->str, "\n", 2);
            guint64 count;

            if (!g_str_has_prefix(first[0], "ok") &&
                !g_str_has_prefix(first[0], "error ")) {
                g_set_error(errp, hostsim_client_quark(), EPROTO,
                            "hostsim control: unexpected reply '%s'",
                            first[0]);
                return NULL;
            }
            if (hostsim_reply_is_ok(first) &&
                hostsim_reply_get_u64(first, 0, "count", &count)) {
                need = 1 + (guint)MIN(count, G_MAXUINT - 1);
            }
        }
    }
    for (guint i = 0; i < need; i++) {
        end = (char *)memchr(c->in->str + end, '\n', c->in->len - end) -
              c->in->str + 1;
    }
    reply = g_strsplit(c->in->str, "\n", need + 1);
    /* The last piece is the rest of the buffer, not a reply line. */
    g_free(reply[need]);
    reply[need] = NULL;
    g_string_erase(c->in, 0, end);
    return reply;
}

char **hostsim_client_requestf(HostsimClient *c, GError **errp,
                               const char *fmt, ...)
{
    g_autofree char *req = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return hostsim_client_request(c, req, errp);
}

bool hostsim_reply_is_ok(char *const *reply)
{
    return reply && reply[0] &&
           (strcmp(reply[0], "ok") == 0 || g_str_has_prefix(reply[0], "ok "));
}

char *hostsim_reply_errname(char *const *reply)
{
    const char *p;

    if (!reply || !reply[0] || !g_str_has_prefix(reply[0], "error ")) {
        return NULL;
    }
    p = reply[0] + strlen("error ");
    return g_strndup(p, strcspn(p, " "));
}

guint hostsim_reply_records(char *const *reply)
{
    guint n = reply ? g_strv_length((char **)reply) : 0;

    return n ? n - 1 : 0;
}

char *hostsim_reply_get(char *const *reply, guint line, const char *key)
{
    size_t klen = strlen(key);
    const char *p;

    if (!reply || line > hostsim_reply_records(reply)) {
        return NULL;
    }
    for (p = reply[line]; *p; ) {
        size_t len = strcspn(p, " ");

        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            return g_strndup(p + klen + 1, len - klen - 1);
        }
        p += len;
        p += strspn(p, " ");
    }
    return NULL;
}

bool hostsim_reply_get_u64(char *const *reply, guint line, const char *key,
                           guint64 *val)
{
    g_autofree char *v = hostsim_reply_get(reply, line, key);
    const char *digits;
    guint64 n;
    char *end;

    if (!v || !*v) {
        return false;
    }
    digits = g_str_has_prefix(v, "0x") ? v + 2 : v;
    if (!g_ascii_isxdigit(*digits)) {
        return false;
    }
    errno = 0;
    n = g_ascii_strtoull(digits, &end, digits == v ? 10 : 16);
    if (*end || errno) {
        return false;
    }
    *val = n;
    return true;
}

int hostsim_reply_find(char *const *reply, const char *key,
                       const char *value)
{
    guint n = hostsim_reply_records(reply);

    for (guint i = 1; i <= n; i++) {
        g_autofree char *v = hostsim_reply_get(reply, i, key);

        if (v && strcmp(v, value) == 0) {
            return i;
        }
    }
    return -1;
}
