/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest, the qtest protocol half: the test listens on a Unix socket,
 * the binary connects to it (-qtest unix:PATH, as QEMU's tests do), and
 * requests and replies travel as text lines.  Replies are read with a
 * deadline; "IRQ raise N" / "IRQ lower N" lines may arrive before any
 * reply and are folded into the client's record of line levels.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libqtest.h"
#include "libqtest-internal.h"

const char *qtest_accel_name(void)
{
    const char *accel = g_getenv("QTEST_ACCEL");

    return accel && *accel ? accel : "qtest";
}

bool qtest_accel_is_qtest(void)
{
    return !strcmp(qtest_accel_name(), "qtest");
}

/* ---- connection ---- */

void qtest_proto_listen(QTestState *s)
{
    struct sockaddr_un sun;
    int fd;

    qtest_unix_addr(s, s->qtest_path, &sun);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        qtest_fail(s, "socket: %s", g_strerror(errno));
    }
    s->qtest_listen_fd = fd;
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        listen(fd, 1) < 0) {
        qtest_fail(s, "cannot listen on %s: %s", s->qtest_path,
                   g_strerror(errno));
    }
}

void qtest_proto_accept(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + qtest_connect_timeout_us();

    for (;;) {
        gint64 step = g_get_monotonic_time() + 50 * 1000;
        int fd;

        if (qtest_poll_fd(s, s->qtest_listen_fd, POLLIN,
                          MIN(step, deadline))) {
            fd = accept(s->qtest_listen_fd, NULL, NULL);
            if (fd >= 0) {
                fcntl(fd, F_SETFD, FD_CLOEXEC);
                s->qtest_fd = fd;
                close(s->qtest_listen_fd);
                s->qtest_listen_fd = -1;
                return;
            }
            if (errno != EINTR && errno != EAGAIN) {
                qtest_fail(s, "accept on %s: %s", s->qtest_path,
                           g_strerror(errno));
            }
        }
        if (qtest_has_exited(s)) {
            qtest_fail(s, "the binary exited before connecting to the "
                       "qtest socket %s", s->qtest_path);
        }
        if (g_get_monotonic_time() >= deadline) {
            qtest_fail(s, "the binary did not connect to the qtest socket "
                       "%s within %" G_GINT64_FORMAT " s", s->qtest_path,
                       qtest_connect_timeout_us() / G_USEC_PER_SEC);
        }
    }
}

void qtest_proto_close(QTestState *s)
{
    if (s->qtest_fd >= 0) {
        close(s->qtest_fd);
        s->qtest_fd = -1;
    }
    if (s->qtest_listen_fd >= 0) {
        close(s->qtest_listen_fd);
        s->qtest_listen_fd = -1;
    }
    if (s->qtest_rx) {
        g_string_free(s->qtest_rx, TRUE);
        s->qtest_rx = NULL;
    }
}

/* ---- lines ---- */

static void qtest_proto_send(QTestState *s, const char *line)
{
    if (qtest_log_enabled()) {
        g_printerr("[qtest >] %s", line);
    }
    qtest_send_all(s, s->qtest_fd, line, strlen(line), -1,
                   "a qtest request");
}

/* An "IRQ raise N" / "IRQ lower N" line: record it. */
static bool qtest_take_irq_line(QTestState *s, const char *line)
{
    gint64 n;
    bool raise;
    char *end;

    if (g_str_has_prefix(line, "IRQ raise ")) {
        raise = true;
        line += strlen("IRQ raise ");
    } else if (g_str_has_prefix(line, "IRQ lower ")) {
        raise = false;
        line += strlen("IRQ lower ");
    } else {
        return false;
    }
    n = g_ascii_strtoll(line, &end, 10);
    if (end == line || *end || n < 0 || n >= QTEST_MAX_IRQ) {
        qtest_fail(s, "bad interrupt line from the binary: IRQ ... %s",
                   line);
    }
    s->irq_level[n] = raise;
    return true;
}

/*
 * The next line that is not an IRQ line, without its newline; NULL if
 * nothing is there and block is false.
 */
static char *qtest_proto_receive(QTestState *s, bool block)
{
    gint64 deadline = qtest_deadline();

    for (;;) {
        char *nl = memchr(s->qtest_rx->str, '\n', s->qtest_rx->len);

        if (nl) {
            char *line = g_strndup(s->qtest_rx->str, nl - s->qtest_rx->str);

            g_string_erase(s->qtest_rx, 0, nl - s->qtest_rx->str + 1);
            if (qtest_log_enabled()) {
                g_printerr("[qtest <] %s\n", line);
            }
            if (qtest_take_irq_line(s, line)) {
                g_free(line);
                continue;
            }
            return line;
        }
        if (!qtest_recv_append(s, s->qtest_fd, s->qtest_rx,
                               block ? deadline : g_get_monotonic_time(),
                               "the qtest connection")) {
            if (!block) {
                return NULL;
            }
            qtest_fail(s, "no qtest reply within %" G_GINT64_FORMAT " s",
                       qtest_timeout_us() / G_USEC_PER_SEC);
        }
    }
}

char *qtest_raw_request(QTestState *s, const char *fmt, ...)
{
    g_autofree char *req = NULL;
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strdup_printf("%s\n", req);
    qtest_proto_send(s, line);
    return qtest_proto_receive(s, true);
}

/*
 * Send a request and check the reply is "OK" or "OK VALUE"; return VALUE
 * (or "" for a bare OK; free with g_free).
 */
static char * G_GNUC_PRINTF(2, 3) qtest_ok(QTestState *s, const char *fmt,
                                           ...)
{
    g_autofree char *req = NULL;
    g_autofree char *reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = qtest_raw_request(s, "%s", req);
    if (!strcmp(reply, "OK")) {
        return g_strdup("");
    }
    if (!g_str_has_prefix(reply, "OK ")) {
        qtest_fail(s, "qtest request '%.200s' got '%.200s'", req, reply);
    }
    return g_strdup(reply + 3);
}

static uint64_t qtest_ok_u64(QTestState *s, const char *req, const char *val)
{
    char *end;
    guint64 v;

    errno = 0;
    v = g_ascii_strtoull(val, &end, 0);
    if (!*val || *end || errno) {
        qtest_fail(s, "qtest request '%s' got a bad value '%s'", req, val);
    }
    return v;
}

/* ---- memory ---- */

static uint64_t qtest_read_sized(QTestState *s, const char *verb,
                                 uint64_t addr)
{
    g_autofree char *req = g_strdup_printf("%s 0x%" G_GINT64_MODIFIER "x",
                                           verb, addr);
    g_autofree char *val = qtest_ok(s, "%s", req);

    return qtest_ok_u64(s, req, val);
}

static void qtest_write_sized(QTestState *s, const char *verb, uint64_t addr,
                              uint64_t value)
{
    g_free(qtest_ok(s, "%s 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER
                    "x", verb, addr, value));
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, "readq", addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write_sized(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write_sized(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write_sized(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write_sized(s, "writeq", addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *val = NULL;
    uint8_t *out = data;
    size_t i;

    if (!size) {
        return;
    }
    val = qtest_ok(s, "read 0x%" G_GINT64_MODIFIER "x %zu", addr, size);
    if (strlen(val) != 2 + 2 * size || strncmp(val, "0x", 2)) {
        qtest_fail(s, "read of %zu bytes got '%.200s'", size, val);
    }
    for (i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(val[2 + 2 * i]);
        int lo = g_ascii_xdigit_value(val[3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            qtest_fail(s, "read got a non-hex reply '%.200s'", val);
        }
        out[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *in = data;
    g_autoptr(GString) hex = NULL;
    size_t i;

    if (!size) {
        return;
    }
    hex = g_string_sized_new(2 * size + 2);
    g_string_append(hex, "0x");
    for (i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", in[i]);
    }
    g_free(qtest_ok(s, "write 0x%" G_GINT64_MODIFIER "x %zu %s", addr, size,
                    hex->str));
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *val = qtest_ok(s, "b64read 0x%" G_GINT64_MODIFIER "x %zu",
                                    addr, size);
    g_autofree guchar *bytes = NULL;
    gsize len;

    bytes = g_base64_decode(val, &len);
    if (len != size) {
        qtest_fail(s, "b64read of %zu bytes decoded to %" G_GSIZE_FORMAT,
                   size, len);
    }
    memcpy(data, bytes, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_autofree char *b64 = g_base64_encode(data, size);

    g_free(qtest_ok(s, "b64write 0x%" G_GINT64_MODIFIER "x %zu %s", addr,
                    size, b64));
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    g_free(qtest_ok(s, "memset 0x%" G_GINT64_MODIFIER "x %zu 0x%02x", addr,
                    size, pattern));
}

/* ---- clock ---- */

static int64_t qtest_clock_request(QTestState *s, const char *req)
{
    g_autofree char *val = qtest_ok(s, "%s", req);

    return (int64_t)qtest_ok_u64(s, req, val);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return qtest_clock_request(s, "clock_step");
}

int64_t qtest_clock_step(QTestState *s, int64_t step_ns)
{
    g_autofree char *req = g_strdup_printf("clock_step %" G_GINT64_FORMAT,
                                           step_ns);

    return qtest_clock_request(s, req);
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    g_autofree char *req = g_strdup_printf("clock_set %" G_GINT64_FORMAT,
                                           ns);

    return qtest_clock_request(s, req);
}

/* ---- interrupts ---- */

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    g_free(qtest_ok(s, "irq_intercept_in %s", qom_path));
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    g_free(qtest_ok(s, "irq_intercept_out %s", qom_path));
}

void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name)
{
    g_free(qtest_ok(s, "irq_intercept_out %s %s", qom_path, name));
}

void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level)
{
    g_free(qtest_ok(s, "set_irq_in %s %s %d %d", qom_path,
                    name ? name : "unnamed-gpio-in", num, level));
}

bool qtest_get_irq(QTestState *s, int num)
{
    char *line;

    if (num < 0 || num >= QTEST_MAX_IRQ) {
        qtest_fail(s, "qtest_get_irq: line %d out of range", num);
    }
    /* Fold in IRQ lines already sent; a reply here would be a bug. */
    line = qtest_proto_receive(s, false);
    if (line) {
        g_autofree char *l = line;

        qtest_fail(s, "unexpected qtest line '%.200s'", l);
    }
    return s->irq_level[num];
}

bool qtest_big_endian(QTestState *s)
{
    g_autofree char *val = qtest_ok(s, "endianness");

    if (!strcmp(val, "big")) {
        return true;
    }
    if (strcmp(val, "little")) {
        qtest_fail(s, "endianness got '%s'", val);
    }
    return false;
}
