/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server.  A test talks to the VMM over one chardev in
 * lines of space-separated words; each request gets exactly one reply
 * line, "OK [VALUE]", "FAIL MESSAGE" (the request was understood but
 * could not be carried out) or "ERR MESSAGE" (the request was malformed).
 * Interrupt lines the test intercepts are reported asynchronously as
 * "IRQ raise N" / "IRQ lower N" lines, which may come before a reply.
 *
 * The wire format is QEMU's, so that QEMU's test clients work against
 * us and ours against QEMU.  Where QEMU asserts on bad input (and so
 * dies), this server replies ERR and reads the next line.
 *
 * Memory verbs act on the system address space with unspecified
 * attributes, as a CPU-less bus master; failed accesses are not reported
 * (QEMU does not either): unmapped reads return zero.  The clock verbs
 * need the qtest accelerator, which leaves QEMU_CLOCK_VIRTUAL to the test.
 */
#include "qemu/osdep.h"

#include "chardev/char.h"
#include "hw/irq.h"
#include "hw/qdev-core.h"
#include "qemu/timer.h"
#include "system/accel.h"
#include "system/memory.h"
#include "system/qtest.h"
#include "trace/trace-system.h"

/* The most bytes one read/write/memset/b64 request may move. */
#define QTEST_MAX_TRANSFER (256 * MiB)
/* The longest request line (a b64write of the largest transfer). */
#define QTEST_MAX_LINE (QTEST_MAX_TRANSFER / 3 * 4 + 4096)

typedef struct QTestServer QTestServer;

/* One intercepted line: where its level goes besides the test. */
typedef struct QTestIntercept {
    QTestServer *server;
    int n;
    bool is_out;
    const char *gpio_name;      /* the list's name (owned by the device) */
    qemu_irq line;              /* in: the device's input line;
                                   out: our line the output now drives */
    qemu_irq forward;           /* where the level went before */
} QTestIntercept;

struct QTestServer {
    Chardev *chr;
    bool owns_chr;
    GString *inbuf;
    bool discarding;            /* skipping the rest of an over-long line */
    FILE *log;
    bool owns_log;
    GTimer *timer;
    DeviceState *intercept_dev; /* referenced while intercepted */
    GPtrArray *intercepts;      /* QTestIntercept * */
    GArray *irq_levels;         /* int, by line number */
};

static QTestServer *qtest_server;

bool qtest_server_running(void)
{
    return qtest_server != NULL;
}

/* ---- output ---- */

static void qtest_log_prefix(QTestServer *s, char dir)
{
    fprintf(s->log, "[%c +%.6f]", dir, g_timer_elapsed(s->timer, NULL));
}

static void qtest_send(QTestServer *s, const char *line)
{
    if (s->log) {
        qtest_log_prefix(s, 'S');
        fprintf(s->log, " %s", line);
        fflush(s->log);
    }
    trace_qtest_reply(line);
    qemu_chr_fe_write_all(s->chr, (const uint8_t *)line, strlen(line));
}

static void G_GNUC_PRINTF(2, 3) qtest_sendf(QTestServer *s, const char *fmt,
                                            ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send(s, line);
}

/* ---- argument parsing ---- */

/* An unsigned integer in C syntax (0x.., 0.., decimal), the whole word. */
static bool parse_u64(const char *word, uint64_t *val)
{
    char *end;

    if (!word || !*word || *word == '-' || *word == '+' ||
        g_ascii_isspace(*word)) {
        return false;
    }
    errno = 0;
    *val = g_ascii_strtoull(word, &end, 0);
    return !errno && *end == '\0';
}

static bool parse_i64(const char *word, int64_t *val)
{
    char *end;

    if (!word || !*word || g_ascii_isspace(*word)) {
        return false;
    }
    errno = 0;
    *val = g_ascii_strtoll(word, &end, 0);
    return !errno && *end == '\0';
}

/*
 * Check that a request has exactly min..max arguments (words after the
 * verb); reply ERR and return false if not.
 */
static bool check_argc(QTestServer *s, gchar **words, int min, int max)
{
    int argc = g_strv_length(words) - 1;

    if (argc >= min && argc <= max) {
        return true;
    }
    if (min == max) {
        qtest_sendf(s, "ERR '%s' takes %d argument%s, not %d\n", words[0],
                    min, min == 1 ? "" : "s", argc);
    } else {
        qtest_sendf(s, "ERR '%s' takes %d to %d arguments, not %d\n",
                    words[0], min, max, argc);
    }
    return false;
}

static bool get_u64(QTestServer *s, gchar **words, int i, const char *what,
                    uint64_t *val)
{
    if (!parse_u64(words[i], val)) {
        qtest_sendf(s, "ERR invalid %s '%s'\n", what, words[i]);
        return false;
    }
    return true;
}

/* A transfer size: at most QTEST_MAX_TRANSFER, non-zero unless allowed. */
static bool get_len(QTestServer *s, gchar **words, int i, bool zero_ok,
                    uint64_t *len)
{
    if (!get_u64(s, words, i, "size", len)) {
        return false;
    }
    if (!*len && !zero_ok) {
        qtest_sendf(s, "ERR '%s' needs a size above 0\n", words[0]);
        return false;
    }
    if (*len > QTEST_MAX_TRANSFER) {
        qtest_sendf(s, "ERR size %" PRIu64 " exceeds the limit of %llu "
                    "bytes\n", *len, (unsigned long long)QTEST_MAX_TRANSFER);
        return false;
    }
    return true;
}

/*
 * The ADDR SIZE arguments that memory verbs taking argc arguments start
 * with; reply ERR and return false if the request is malformed.
 */
static bool get_addr_len(QTestServer *s, gchar **words, int argc,
                         bool zero_ok, uint64_t *addr, uint64_t *len)
{
    return check_argc(s, words, argc, argc) &&
           get_u64(s, words, 1, "address", addr) &&
           get_len(s, words, 2, zero_ok, len);
}

static int hex_nibble(char c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* ---- memory verbs ---- */

static AddressSpace *qtest_as(void)
{
    return &address_space_memory;
}

/* len bytes of guest memory at addr; unmapped bytes read as zero. */
static uint8_t *qtest_read_mem(uint64_t addr, uint64_t len)
{
    uint8_t *data = g_malloc0(len ? len : 1);

    address_space_read(qtest_as(), addr, MEMTXATTRS_UNSPECIFIED, data, len);
    return data;
}

static unsigned verb_size(char suffix)
{
    switch (suffix) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    default:
        return 8;
    }
}

static void do_readx(QTestServer *s, gchar **words)
{
    unsigned size = verb_size(words[0][4]);
    uint8_t buf[8] = { 0 };
    uint64_t addr, value = 0;
    unsigned i;

    if (!check_argc(s, words, 1, 1) ||
        !get_u64(s, words, 1, "address", &addr)) {
        return;
    }
    address_space_read(qtest_as(), addr, MEMTXATTRS_UNSPECIFIED, buf, size);
    for (i = 0; i < size; i++) {
        value |= (uint64_t)buf[i] << (8 * i);
    }
    qtest_sendf(s, "OK 0x%016" PRIx64 "\n", value);
}

static void do_writex(QTestServer *s, gchar **words)
{
    unsigned size = verb_size(words[0][5]);
    uint8_t buf[8];
    uint64_t addr, value;
    unsigned i;

    if (!check_argc(s, words, 2, 2) ||
        !get_u64(s, words, 1, "address", &addr) ||
        !get_u64(s, words, 2, "value", &value)) {
        return;
    }
    for (i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    address_space_write(qtest_as(), addr, MEMTXATTRS_UNSPECIFIED, buf, size);
    qtest_send(s, "OK\n");
}

static void do_read(QTestServer *s, gchar **words)
{
    static const char digits[] = "0123456789abcdef";
    g_autofree uint8_t *data = NULL;
    g_autoptr(GString) out = NULL;
    uint64_t addr, len, i;

    if (!get_addr_len(s, words, 2, false, &addr, &len)) {
        return;
    }
    data = qtest_read_mem(addr, len);
    out = g_string_sized_new(len * 2 + 8);
    g_string_append(out, "OK 0x");
    for (i = 0; i < len; i++) {
        g_string_append_c(out, digits[data[i] >> 4]);
        g_string_append_c(out, digits[data[i] & 0xf]);
    }
    g_string_append_c(out, '\n');
    qtest_send(s, out->str);
}

static void do_write(QTestServer *s, gchar **words)
{
    g_autofree uint8_t *data = NULL;
    const char *hex;
    size_t hex_len;
    uint64_t addr, len, i;

    if (!get_addr_len(s, words, 3, false, &addr, &len)) {
        return;
    }
    hex = words[3];
    hex_len = strlen(hex);
    if (hex_len < 3 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        qtest_send(s, "ERR invalid argument size\n");
        return;
    }
    hex += 2;
    hex_len -= 2;
    if (hex_len % 2) {
        qtest_send(s, "ERR hex data must have an even number of digits\n");
        return;
    }
    data = g_malloc0(len);
    /* Shorter data is zero-filled at the end; longer is cut, as QEMU. */
    for (i = 0; i < len && 2 * i < hex_len; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            qtest_sendf(s, "ERR invalid hex digit at data offset %" PRIu64
                        "\n", i);
            return;
        }
        data[i] = hi << 4 | lo;
    }
    address_space_write(qtest_as(), addr, MEMTXATTRS_UNSPECIFIED, data, len);
    qtest_send(s, "OK\n");
}

static void do_b64read(QTestServer *s, gchar **words)
{
    g_autofree uint8_t *data = NULL;
    g_autofree char *b64 = NULL;
    uint64_t addr, len;

    if (!get_addr_len(s, words, 2, true, &addr, &len)) {
        return;
    }
    data = qtest_read_mem(addr, len);
    b64 = g_base64_encode(data, len);
    qtest_sendf(s, "OK %s\n", b64);
}

static bool is_base64(const char *p)
{
    for (; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '+' && *p != '/' && *p != '=') {
            return false;
        }
    }
    return true;
}

static void do_b64write(QTestServer *s, gchar **words)
{
    g_autofree uint8_t *data = NULL;
    uint8_t *decoded;
    uint64_t addr, len;
    gsize out_len;

    if (!get_addr_len(s, words, 3, true, &addr, &len)) {
        return;
    }
    if (strlen(words[3]) < 3) {
        qtest_send(s, "ERR invalid argument size\n");
        return;
    }
    if (!is_base64(words[3])) {
        qtest_send(s, "ERR invalid base64 data\n");
        return;
    }
    decoded = g_base64_decode_inplace(words[3], &out_len);
    /* QEMU writes SIZE bytes anyway; the missing ones are zero here. */
    if (out_len != len && s->log) {
        qtest_log_prefix(s, 'S');
        fprintf(s->log, " b64write: told %" PRIu64 " bytes, got %"
                G_GSIZE_FORMAT "\n", len, out_len);
    }
    data = g_malloc0(len ? len : 1);
    memcpy(data, decoded, MIN(out_len, len));
    address_space_write(qtest_as(), addr, MEMTXATTRS_UNSPECIFIED, data, len);
    qtest_send(s, "OK\n");
}

static void do_memset(QTestServer *s, gchar **words)
{
    uint64_t addr, len, pattern;

    if (!get_addr_len(s, words, 3, true, &addr, &len) ||
        !get_u64(s, words, 3, "value", &pattern)) {
        return;
    }
    if (len) {
        address_space_set(qtest_as(), addr, (uint8_t)pattern, len,
                          MEMTXATTRS_UNSPECIFIED);
    }
    qtest_send(s, "OK\n");
}

/* ---- clock ---- */

static void do_clock_step(QTestServer *s, gchar **words)
{
    int64_t old_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t ns, new_ns;

    if (!check_argc(s, words, 0, 1)) {
        return;
    }
    if (words[1]) {
        if (!parse_i64(words[1], &ns) || ns < 0 || ns > INT64_MAX - old_ns) {
            qtest_sendf(s, "ERR invalid time step '%s'\n", words[1]);
            return;
        }
    } else {
        int64_t deadline = qemu_clock_next_deadline_abs(QEMU_CLOCK_VIRTUAL);

        if (deadline < 0) {
            qtest_send(s, "FAIL cannot advance clock to the next deadline "
                       "because there is no pending deadline\n");
            return;
        }
        ns = MAX(deadline - old_ns, 0);
    }
    qemu_clock_advance_virtual(old_ns + ns);
    new_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (new_ns > old_ns) {
        qtest_sendf(s, "OK %" PRIi64 "\n", new_ns);
    } else {
        qtest_send(s, "FAIL could not advance time\n");
    }
}

static void do_clock_set(QTestServer *s, gchar **words)
{
    int64_t ns, new_ns;

    if (!check_argc(s, words, 1, 1)) {
        return;
    }
    if (!parse_i64(words[1], &ns) || ns < 0) {
        qtest_sendf(s, "ERR invalid time '%s'\n", words[1]);
        return;
    }
    if (ns > qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        qemu_clock_advance_virtual(ns);
    }
    new_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    qtest_sendf(s, "%s %" PRIi64 "\n", new_ns == ns ? "OK" : "FAIL", new_ns);
}

/* ---- interrupts ---- */

static void qtest_irq_report(QTestIntercept *icpt, int level)
{
    QTestServer *s = icpt->server;
    int *cur;

    if (icpt->n >= (int)s->irq_levels->len) {
        g_array_set_size(s->irq_levels, icpt->n + 1);
    }
    cur = &g_array_index(s->irq_levels, int, icpt->n);
    trace_qtest_irq(icpt->n, level);
    if (*cur != level) {
        *cur = level;
        qtest_sendf(s, "IRQ %s %d\n", level ? "raise" : "lower", icpt->n);
    }
}

static void qtest_irq_handler(void *opaque, int n, int level)
{
    QTestIntercept *icpt = opaque;

    /* The line still does what it did: only the test watches too. */
    qemu_set_irq(icpt->forward, level);
    if (qtest_server == icpt->server) {
        qtest_irq_report(icpt, level);
    }
}

static DeviceState *find_device(QTestServer *s, const char *path)
{
    Object *obj = object_resolve_path(path, NULL);

    if (!obj || !object_dynamic_cast(obj, TYPE_DEVICE)) {
        qtest_send(s, "FAIL Unknown device\n");
        return NULL;
    }
    return DEVICE(obj);
}

static void intercept_in(QTestServer *s, NamedGPIOList *ngl)
{
    int i;

    for (i = 0; i < ngl->num_in; i++) {
        QTestIntercept *icpt = g_new0(QTestIntercept, 1);

        icpt->server = s;
        icpt->n = i;
        icpt->line = ngl->in[i];
        icpt->forward = qemu_irq_intercept(ngl->in[i], qtest_irq_handler,
                                           icpt);
        g_ptr_array_add(s->intercepts, icpt);
    }
}

static void intercept_out(QTestServer *s, DeviceState *dev,
                          NamedGPIOList *ngl)
{
    int i;

    for (i = 0; i < ngl->num_out; i++) {
        QTestIntercept *icpt = g_new0(QTestIntercept, 1);

        icpt->server = s;
        icpt->n = i;
        icpt->is_out = true;
        icpt->gpio_name = ngl->name;
        icpt->forward = *ngl->out[i];
        icpt->line = qemu_allocate_irq(qtest_irq_handler, icpt, i);
        qdev_connect_gpio_out_named(dev, ngl->name, i, icpt->line);
        g_ptr_array_add(s->intercepts, icpt);
    }
}

static void do_irq_intercept(QTestServer *s, gchar **words)
{
    bool out = !strcmp(words[0], "irq_intercept_out");
    const char *name;
    DeviceState *dev;
    NamedGPIOList *ngl;

    if (!check_argc(s, words, 1, 2) || !(dev = find_device(s, words[1]))) {
        return;
    }
    name = words[2];
    if (s->intercept_dev) {
        /* One device per session, as QEMU: line numbers stay unique. */
        if (s->intercept_dev != dev) {
            qtest_send(s, "FAIL IRQ intercept already enabled\n");
        } else {
            qtest_send(s, "OK\n");
        }
        return;
    }
    ngl = qdev_get_named_gpio_list(dev, name);
    if (!ngl || (out ? !ngl->num_out : !ngl->num_in)) {
        qtest_send(s, "FAIL No intercepts installed\n");
        return;
    }
    if (out) {
        intercept_out(s, dev, ngl);
    } else {
        intercept_in(s, ngl);
    }
    s->intercept_dev = dev;
    object_ref(OBJECT(dev));
    qtest_send(s, "OK\n");
}

static void do_set_irq_in(QTestServer *s, gchar **words)
{
    const char *name;
    DeviceState *dev;
    int64_t num, level;
    qemu_irq irq;

    if (!check_argc(s, words, 4, 4) || !(dev = find_device(s, words[1]))) {
        return;
    }
    name = strcmp(words[2], "unnamed-gpio-in") ? words[2] : NULL;
    if (!parse_i64(words[3], &num) || num < 0 || num > INT_MAX) {
        qtest_sendf(s, "ERR invalid line number '%s'\n", words[3]);
        return;
    }
    if (!parse_i64(words[4], &level) || level < INT_MIN || level > INT_MAX) {
        qtest_sendf(s, "ERR invalid level '%s'\n", words[4]);
        return;
    }
    irq = qdev_get_gpio_in_named(dev, name, num);
    if (!irq) {
        qtest_sendf(s, "FAIL the device has no input line %s %" PRId64 "\n",
                    words[2], num);
        return;
    }
    qemu_set_irq(irq, level);
    qtest_send(s, "OK\n");
}

/* ---- dispatch ---- */

typedef struct QTestVerb {
    const char *name;
    void (*fn)(QTestServer *s, gchar **words);
    bool needs_qtest_accel;
} QTestVerb;

static void do_endianness(QTestServer *s, gchar **words)
{
    if (check_argc(s, words, 0, 0)) {
        qtest_send(s, "OK little\n");
    }
}

static const QTestVerb qtest_verbs[] = {
    { "readb", do_readx },
    { "readw", do_readx },
    { "readl", do_readx },
    { "readq", do_readx },
    { "writeb", do_writex },
    { "writew", do_writex },
    { "writel", do_writex },
    { "writeq", do_writex },
    { "read", do_read },
    { "write", do_write },
    { "b64read", do_b64read },
    { "b64write", do_b64write },
    { "memset", do_memset },
    { "clock_step", do_clock_step, true },
    { "clock_set", do_clock_set, true },
    { "irq_intercept_in", do_irq_intercept },
    { "irq_intercept_out", do_irq_intercept },
    { "set_irq_in", do_set_irq_in },
    { "endianness", do_endianness },
};

static void qtest_process_line(QTestServer *s, char *line)
{
    g_auto(GStrv) words = NULL;
    size_t len = strlen(line);
    size_t i;

    if (len && line[len - 1] == '\r') {
        line[len - 1] = '\0';
    }
    if (s->log) {
        qtest_log_prefix(s, 'R');
        fprintf(s->log, " %s\n", line);
    }
    trace_qtest_request(line);
    words = g_strsplit(line, " ", 0);
    if (!words[0] || !*words[0]) {
        qtest_send(s, "ERR empty request\n");
        return;
    }
    for (i = 0; words[i]; i++) {
        if (!*words[i]) {
            qtest_send(s, "ERR words must be separated by a single space\n");
            return;
        }
    }
    for (i = 0; i < ARRAY_SIZE(qtest_verbs); i++) {
        const QTestVerb *v = &qtest_verbs[i];

        if (!strcmp(words[0], v->name) &&
            (!v->needs_qtest_accel || qtest_enabled())) {
            v->fn(s, words);
            return;
        }
    }
    qtest_sendf(s, "FAIL Unknown command '%s'\n", words[0]);
}

static void qtest_read(void *opaque, const uint8_t *buf, size_t len)
{
    QTestServer *s = opaque;
    const uint8_t *end = buf + len;

    while (buf < end) {
        const uint8_t *nl = memchr(buf, '\n', end - buf);
        size_t chunk = (nl ? nl : end) - buf;

        if (!s->discarding) {
            g_string_append_len(s->inbuf, (const char *)buf, chunk);
        }
        if (s->inbuf->len > QTEST_MAX_LINE) {
            g_string_truncate(s->inbuf, 0);
            s->discarding = true;
        }
        buf += chunk;
        if (!nl) {
            break;
        }
        buf++;
        if (s->discarding) {
            s->discarding = false;
            qtest_send(s, "ERR request line too long\n");
        } else {
            g_autofree char *line = g_string_free(s->inbuf, false);

            s->inbuf = g_string_new(NULL);
            qtest_process_line(s, line);
            if (qtest_server != s) {
                return;         /* the server went away meanwhile */
            }
        }
    }
}

static void qtest_event(void *opaque, ChardevEvent event)
{
    QTestServer *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        g_timer_start(s->timer);
        if (s->log) {
            fprintf(s->log, "[I +%.6f] OPENED\n", 0.0);
        }
        break;
    case CHR_EVENT_CLOSED:
        if (s->log) {
            qtest_log_prefix(s, 'I');
            fprintf(s->log, " CLOSED\n");
        }
        g_string_truncate(s->inbuf, 0);
        s->discarding = false;
        break;
    }
}

static bool qtest_open_log(QTestServer *s, const char *log, Error **errp)
{
    if (!log) {
        s->log = stderr;
        return true;
    }
    if (!strcmp(log, "none")) {
        return true;
    }
    s->log = fopen(log, "w");
    if (!s->log) {
        error_setg_errno(errp, errno, "cannot open the qtest log '%s'", log);
        return false;
    }
    s->owns_log = true;
    return true;
}

static void qtest_server_free(QTestServer *s)
{
    guint i;

    for (i = 0; s->intercepts && i < s->intercepts->len; i++) {
        QTestIntercept *icpt = s->intercepts->pdata[i];

        if (icpt->is_out) {
            qdev_connect_gpio_out_named(s->intercept_dev, icpt->gpio_name,
                                        icpt->n, icpt->forward);
            qemu_free_irq(icpt->line);
        } else {
            qemu_irq_unintercept(icpt->line, icpt->forward);
        }
        g_free(icpt);
    }
    g_clear_pointer(&s->intercepts, g_ptr_array_unref);
    if (s->intercept_dev) {
        object_unref(OBJECT(s->intercept_dev));
    }
    if (s->chr) {
        qemu_chr_fe_set_handlers(s->chr, NULL, NULL, NULL, NULL);
        if (s->owns_chr) {
            qemu_chr_delete(s->chr);
        }
    }
    if (s->owns_log) {
        fclose(s->log);
    } else if (s->log) {
        fflush(s->log);
    }
    if (s->inbuf) {
        g_string_free(s->inbuf, true);
    }
    if (s->irq_levels) {
        g_array_free(s->irq_levels, true);
    }
    if (s->timer) {
        g_timer_destroy(s->timer);
    }
    g_free(s);
}

bool qtest_server_init(const char *spec, const char *log, Error **errp)
{
    QTestServer *s;

    if (qtest_server) {
        error_setg(errp, "only one qtest server can be started");
        return false;
    }
    s = g_new0(QTestServer, 1);
    s->inbuf = g_string_new(NULL);
    s->intercepts = g_ptr_array_new();
    s->irq_levels = g_array_new(false, true, sizeof(int));
    s->timer = g_timer_new();
    if (!qtest_open_log(s, log, errp)) {
        goto fail;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        s->chr = qemu_chr_find(spec + strlen("chardev:"));
        if (!s->chr) {
            error_setg(errp, "no chardev with id '%s'",
                       spec + strlen("chardev:"));
            goto fail;
        }
    } else {
        Error *err = NULL;

        s->chr = qemu_chr_new_compat("qtest", spec, &err);
        if (!s->chr) {
            /* The location (-qtest SPEC) already names the spec. */
            error_prepend(&err, "Failed to initialize device for qtest: ");
            error_propagate(errp, err);
            goto fail;
        }
        s->owns_chr = true;
    }
    if (!qemu_chr_fe_set_handlers(s->chr, qtest_read, qtest_event, s,
                                  errp)) {
        if (!s->owns_chr) {
            s->chr = NULL;      /* not ours to detach: someone else's */
        }
        goto fail;
    }
    qtest_server = s;
    trace_qtest_server_start(spec);
    return true;

fail:
    qtest_server_free(s);
    return false;
}

void qtest_server_cleanup(void)
{
    QTestServer *s = qtest_server;

    if (!s) {
        return;
    }
    qtest_server = NULL;
    qtest_server_free(s);
}
