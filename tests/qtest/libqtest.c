/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: start the emulator under test and talk QMP to it (see
 * libqtest.h for the API).  The binary runs with its stdout and stderr in
 * files of a private temporary directory that also holds the monitor
 * socket; everything is removed when the test is done with the binary.
 *
 * Reading is done with poll() against a deadline, so every wait is
 * bounded.  The server's output is split into JSON objects by counting
 * braces outside strings (it does not rely on line breaks), and each
 * object is parsed with json-glib.  Events are queued apart from replies.
 *
 * A failure (timeout, early exit, protocol error, failed assertion)
 * kills the binary, removes the temporary directory, prints what the
 * binary wrote to stderr and fails the test through g_assertion_message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "libqtest.h"
#include "libqtest-internal.h"

/* Names inside the per-binary temporary directory. */
#define QTEST_QMP_SOCKET_NAME "qmp.sock"
#define QTEST_STDOUT_NAME "stdout.log"
#define QTEST_STDERR_NAME "stderr.log"

/* How long the binary may take to listen, unless $QTEST_TIMEOUT says. */
#define QTEST_CONNECT_TIMEOUT_S 10

/* How often the connect and exit loops look again, in microseconds. */
#define QTEST_POLL_INTERVAL_US (10 * 1000)

/* How much of the binary's stderr a failure message shows. */
#define QTEST_STDERR_TAIL 4096


/* ---- small helpers ---- */

gint64 qtest_timeout_us(void)
{
    const char *env = g_getenv("QTEST_TIMEOUT");
    gint64 seconds = QTEST_DEFAULT_TIMEOUT_S;

    if (env && *env) {
        gint64 v = g_ascii_strtoll(env, NULL, 10);

        if (v > 0) {
            seconds = v;
        }
    }
    return seconds * G_USEC_PER_SEC;
}

gint64 qtest_deadline(void)
{
    return g_get_monotonic_time() + qtest_timeout_us();
}

/* Connecting waits for the binary to start: QTEST_CONNECT_TIMEOUT_S. */
gint64 qtest_connect_timeout_us(void)
{
    if (g_getenv("QTEST_TIMEOUT")) {
        return qtest_timeout_us();
    }
    return QTEST_CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
}

bool qtest_log_enabled(void)
{
    return g_getenv("QTEST_LOG") != NULL;
}

char *qtest_json_str(const char *str)
{
    JsonNode *node = json_node_init_string(json_node_alloc(), str);
    char *text = json_to_string(node, FALSE);

    json_node_unref(node);
    return text;
}

char *qtest_json_text(JsonNode *node)
{
    if (!node) {
        return g_strdup("(nothing)");
    }
    return json_to_string(node, FALSE);
}

static char *qtest_object_text(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);
    char *text = json_to_string(node, FALSE);

    json_node_unref(node);
    return text;
}

static char *qtest_read_file_tail(const char *path)
{
    char *contents = NULL;
    gsize len = 0;
    char *tail;

    if (!path || !g_file_get_contents(path, &contents, &len, NULL)) {
        return g_strdup("");
    }
    if (len <= QTEST_STDERR_TAIL) {
        return contents;
    }
    tail = g_strdup_printf("[...]%s", contents + len - QTEST_STDERR_TAIL);
    g_free(contents);
    return tail;
}

static char *qtest_describe_status(int wait_status)
{
    if (WIFEXITED(wait_status)) {
        return g_strdup_printf("exited with status %d",
                               WEXITSTATUS(wait_status));
    }
    if (WIFSIGNALED(wait_status)) {
        return g_strdup_printf("was killed by signal %d (%s)",
                               WTERMSIG(wait_status),
                               g_strsignal(WTERMSIG(wait_status)));
    }
    return g_strdup_printf("stopped with wait status 0x%x", wait_status);
}

/*
 * Wait for pid until deadline; true (and *wait_status) if it exited,
 * false if it is still running at the deadline.
 */
static bool qtest_wait_pid(GPid pid, gint64 deadline, int *wait_status)
{
    for (;;) {
        pid_t r = waitpid(pid, wait_status, WNOHANG);

        if (r == pid) {
            return true;
        }
        if (r < 0 && errno != EINTR) {
            g_error("libqtest: waitpid(%d): %s", (int)pid,
                    g_strerror(errno));
        }
        if (g_get_monotonic_time() >= deadline) {
            return false;
        }
        g_usleep(QTEST_POLL_INTERVAL_US);
    }
}

/*
 * Wait until deadline for the binary to exit and reap it: true (and
 * s->wait_status) once it has exited, false if it still runs then.
 */
static bool qtest_wait_exit(QTestState *s, gint64 deadline)
{
    if (!s->reaped) {
        if (!qtest_wait_pid(s->pid, deadline, &s->wait_status)) {
            return false;
        }
        s->reaped = true;
        g_spawn_close_pid(s->pid);
    }
    return true;
}

/* Kill the binary (if it still runs) and reap it. */
static void qtest_reap(QTestState *s, int sig)
{
    if (s->reaped || s->pid <= 0) {
        return;
    }
    if (sig) {
        kill(s->pid, sig);
    }
    while (waitpid(s->pid, &s->wait_status, 0) < 0) {
        if (errno != EINTR) {
            g_error("libqtest: waitpid(%d): %s", (int)s->pid,
                    g_strerror(errno));
        }
    }
    s->reaped = true;
    g_spawn_close_pid(s->pid);
}

/* Has the binary exited?  Reaps it if so. */
bool qtest_has_exited(QTestState *s)
{
    /* pid 0: never started.  A deadline of 0 looks once, without waiting. */
    return s->pid <= 0 || qtest_wait_exit(s, 0);
}

/*
 * Remove the temporary directory and the files in it; plain system calls
 * only, as the abort handler below uses it too.
 */
static int qtest_remove_files(QTestState *s)
{
    unlink(s->qmp_path);
    unlink(s->qtest_path);
    unlink(s->stdout_path);
    unlink(s->stderr_path);
    return rmdir(s->tmpdir);
}

static void qtest_remove_tmpdir(QTestState *s)
{
    if (!s->tmpdir) {
        return;
    }
    if (qtest_remove_files(s) < 0) {
        g_printerr("libqtest: cannot remove %s: %s\n", s->tmpdir,
                   g_strerror(errno));
    }
    g_clear_pointer(&s->tmpdir, g_free);
}

/*
 * Cleanup when a test aborts (a failed g_assert, g_error): kill the
 * binaries still running and remove their directories, then let the
 * abort go on.  Only async-signal-safe calls are made; the paths were
 * built before the state was registered.
 */
#define QTEST_MAX_LIVE 32

static QTestState *qtest_live[QTEST_MAX_LIVE];
static struct sigaction qtest_old_sigabrt;

static void qtest_sigabrt_handler(int sig, siginfo_t *info, void *ctx)
{
    for (size_t i = 0; i < QTEST_MAX_LIVE; i++) {
        QTestState *s = qtest_live[i];

        if (!s) {
            continue;
        }
        if (s->pid > 0 && !s->reaped) {
            kill(s->pid, SIGKILL);
        }
        qtest_remove_files(s);
    }
    if (qtest_old_sigabrt.sa_flags & SA_SIGINFO) {
        qtest_old_sigabrt.sa_sigaction(sig, info, ctx);
    } else if (qtest_old_sigabrt.sa_handler != SIG_DFL &&
               qtest_old_sigabrt.sa_handler != SIG_IGN) {
        qtest_old_sigabrt.sa_handler(sig);
    }
    /* Returning from SIGABRT lets abort() restore SIG_DFL and re-raise. */
}

static void qtest_register(QTestState *s)
{
    static bool installed;

    if (!installed) {
        struct sigaction sa = {
            .sa_sigaction = qtest_sigabrt_handler,
            .sa_flags = SA_SIGINFO,
        };

        sigemptyset(&sa.sa_mask);
        sigaction(SIGABRT, &sa, &qtest_old_sigabrt);
        installed = true;
    }
    for (size_t i = 0; i < QTEST_MAX_LIVE; i++) {
        if (!qtest_live[i]) {
            qtest_live[i] = s;
            return;
        }
    }
    /* More binaries than slots: this one is simply not cleaned up. */
}

static void qtest_unregister(QTestState *s)
{
    for (size_t i = 0; i < QTEST_MAX_LIVE; i++) {
        if (qtest_live[i] == s) {
            qtest_live[i] = NULL;
        }
    }
}

static void qtest_free(QTestState *s)
{
    qtest_unregister(s);
    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    qtest_proto_close(s);
    qtest_remove_tmpdir(s);
    g_queue_clear_full(&s->events, (GDestroyNotify)json_object_unref);
    g_queue_clear_full(&s->replies, (GDestroyNotify)json_object_unref);
    g_string_free(s->rx, TRUE);
    g_free(s->qmp_path);
    g_free(s->qtest_path);
    g_free(s->stdout_path);
    g_free(s->stderr_path);
    g_free(s);
}

/* Fail the test (see libqtest-internal.h). */
void qtest_fail(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *what = NULL;
    g_autofree char *status = NULL;
    g_autofree char *err = NULL;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (s && s->pid <= 0) {
        msg = g_strdup_printf("libqtest: %s", what);
        qtest_free(s);
    } else if (s) {
        bool was_running = !qtest_has_exited(s);

        qtest_reap(s, SIGKILL);
        status = was_running ? g_strdup("was still running (killed)")
                             : qtest_describe_status(s->wait_status);
        err = qtest_read_file_tail(s->stderr_path);
        msg = g_strdup_printf("libqtest: %s\nthe binary %s; its stderr:\n%s",
                              what, status, *err ? err : "(empty)\n");
        qtest_free(s);
    } else {
        msg = g_strdup_printf("libqtest: %s", what);
    }
    g_assertion_message(G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    abort();    /* even with g_test_set_nonfatal_assertions() */
}

/* ---- starting the binary ---- */

static void qtest_child_setup(gpointer data)
{
#ifdef __linux__
    /* Do not outlive a test that aborts on a failed assertion. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static bool qtest_is_blank(const char *str)
{
    while (str && g_ascii_isspace(*str)) {
        str++;
    }
    return !str || !*str;
}

static const char *qtest_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    if (!bin || !*bin) {
        qtest_fail(NULL, "set QTEST_QEMU_BINARY to the binary under test");
    }
    if (!g_file_test(bin, G_FILE_TEST_IS_EXECUTABLE)) {
        qtest_fail(NULL, "QTEST_QEMU_BINARY=%s is not an executable", bin);
    }
    return bin;
}

/* open(2) or fail; s is not started yet, so failing just frees it. */
static int qtest_open(QTestState *s, const char *path, int flags)
{
    int fd = open(path, flags, 0600);

    if (fd < 0) {
        qtest_fail(s, "cannot open %s: %s", path, g_strerror(errno));
    }
    return fd;
}

/*
 * Create the state and its temporary directory and spawn the binary with
 * the base options, the monitor if with_qmp, then extra_args.
 */
static QTestState *qtest_spawn(const char *extra_args, bool with_qmp)
{
    QTestState *s = g_new0(QTestState, 1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) extra = NULL;
    int null_fd, out_fd, err_fd;
    bool ok;

    s->qmp_fd = -1;
    s->qtest_fd = -1;
    s->qtest_listen_fd = -1;
    s->rx = g_string_new(NULL);
    s->qtest_rx = g_string_new(NULL);
    g_queue_init(&s->events);
    g_queue_init(&s->replies);

    /* Split the extra arguments first: a typo there is the test's. */
    if (!qtest_is_blank(extra_args) &&
        !g_shell_parse_argv(extra_args, NULL, &extra, &error)) {
        qtest_fail(s, "cannot split extra arguments '%s': %s",
                   extra_args, error->message);
    }

    s->tmpdir = g_dir_make_tmp("qtest-XXXXXX", &error);
    if (!s->tmpdir) {
        qtest_fail(s, "cannot create a temporary directory: %s",
                   error->message);
    }
    s->qmp_path = g_build_filename(s->tmpdir, QTEST_QMP_SOCKET_NAME, NULL);
    s->qtest_path = g_build_filename(s->tmpdir, QTEST_PROTO_SOCKET_NAME,
                                     NULL);
    s->stdout_path = g_build_filename(s->tmpdir, QTEST_STDOUT_NAME, NULL);
    s->stderr_path = g_build_filename(s->tmpdir, QTEST_STDERR_NAME, NULL);
    qtest_register(s);

    g_ptr_array_add(argv, g_strdup(qtest_binary()));
    g_ptr_array_add(argv, g_strdup("-M"));
    g_ptr_array_add(argv, g_strdup("virt"));
    g_ptr_array_add(argv, g_strdup("-accel"));
    g_ptr_array_add(argv, g_strdup(qtest_accel_name()));
    if (!qtest_accel_is_qtest()) {
        /* Another accelerator (QEMU's tcg): keep the vCPUs stopped. */
        g_ptr_array_add(argv, g_strdup("-S"));
    }
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    g_ptr_array_add(argv, g_strdup("-nodefaults"));
    if (with_qmp) {
        g_ptr_array_add(argv, g_strdup("-chardev"));
        g_ptr_array_add(argv, g_strdup_printf(
                            "socket,id=qmp0,path=%s,server=on,wait=off",
                            s->qmp_path));
        g_ptr_array_add(argv, g_strdup("-mon"));
        g_ptr_array_add(argv, g_strdup("chardev=qmp0,mode=control"));
        /* The binary connects to a socket we listen on, as in QEMU. */
        qtest_proto_listen(s);
        g_ptr_array_add(argv, g_strdup("-qtest"));
        g_ptr_array_add(argv, g_strdup_printf("unix:%s", s->qtest_path));
        g_ptr_array_add(argv, g_strdup("-qtest-log"));
        g_ptr_array_add(argv, g_strdup(qtest_log_enabled() ? "/dev/fd/2"
                                                           : "none"));
    }
    for (char **a = extra; a && *a; a++) {
        g_ptr_array_add(argv, g_strdup(*a));
    }
    g_ptr_array_add(argv, NULL);

    if (qtest_log_enabled()) {
        g_autofree char *cmd = g_strjoinv(" ", (char **)argv->pdata);

        g_printerr("[libqtest] starting %s\n", cmd);
    }

    null_fd = qtest_open(s, "/dev/null", O_RDONLY | O_CLOEXEC);
    out_fd = qtest_open(s, s->stdout_path,
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
    err_fd = qtest_open(s, s->stderr_path,
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
    ok = g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD,
                                qtest_child_setup, NULL, &s->pid,
                                null_fd, out_fd, err_fd, &error);
    close(null_fd);
    close(out_fd);
    close(err_fd);
    if (!ok) {
        qtest_fail(s, "cannot start %s: %s", qtest_binary(),
                   error->message);
    }
    return s;
}

/* ---- the QMP connection ---- */

/* The address of a Unix socket at path, or fail if path is too long. */
void qtest_unix_addr(QTestState *s, const char *path,
                     struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        qtest_fail(s, "socket path %s is too long for AF_UNIX (set "
                   "TMPDIR to a shorter directory)", path);
    }
    g_strlcpy(sun->sun_path, path, sizeof(sun->sun_path));
}

/* Connect to the monitor, retrying while the binary starts. */
static void qtest_qmp_connect(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + qtest_connect_timeout_us();
    struct sockaddr_un sun;
    int last_errno = 0;

    qtest_unix_addr(s, s->qmp_path, &sun);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            qtest_fail(s, "socket: %s", g_strerror(errno));
        }
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            s->qmp_fd = fd;
            return;
        }
        last_errno = errno;
        close(fd);
        if (qtest_has_exited(s)) {
            qtest_fail(s, "the binary exited before accepting a QMP "
                       "connection on %s", s->qmp_path);
        }
        if (g_get_monotonic_time() >= deadline) {
            qtest_fail(s, "cannot connect to %s within %" G_GINT64_FORMAT
                       " s: %s", s->qmp_path,
                       qtest_connect_timeout_us() / G_USEC_PER_SEC,
                       g_strerror(last_errno));
        }
        g_usleep(QTEST_POLL_INTERVAL_US);
    }
}

/*
 * Wait until fd is ready for events; false at the deadline.  fd is looked
 * at once even if the deadline has passed, so a deadline of "now" polls
 * without blocking.
 */
bool qtest_poll_fd(QTestState *s, int fd, short events, gint64 deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events };
        gint64 left = deadline - g_get_monotonic_time();
        int r = poll(&pfd, 1, left > 0 ? (int)MIN(left / 1000 + 1, G_MAXINT)
                                       : 0);

        if (r > 0) {
            return true;
        }
        if (r < 0 && errno != EINTR) {
            qtest_fail(s, "poll: %s", g_strerror(errno));
        }
        if (r == 0 && left <= 0) {
            return false;
        }
    }
}

/* Write all of buf to sock (see libqtest-internal.h). */
void qtest_send_all(QTestState *s, int sock, const char *buf, size_t len,
                    int fd, const char *what)
{
    gint64 deadline = qtest_deadline();

    while (len > 0) {
        struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } control;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n;

        if (fd >= 0) {
            struct cmsghdr *cmsg;

            memset(&control, 0, sizeof(control));
            msg.msg_control = control.buf;
            msg.msg_controllen = sizeof(control.buf);
            cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        }
        if (!qtest_poll_fd(s, sock, POLLOUT, deadline)) {
            qtest_fail(s, "timed out sending %s", what);
        }
        n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            qtest_fail(s, "sending %s: %s", what, g_strerror(errno));
        }
        buf += n;
        len -= n;
        fd = -1;    /* the descriptor went with the first chunk */
    }
}

/* Append what arrives on sock to rx (see libqtest-internal.h). */
bool qtest_recv_append(QTestState *s, int sock, GString *rx,
                       gint64 deadline, const char *what)
{
    char buf[4096];
    ssize_t n;

    do {
        if (!qtest_poll_fd(s, sock, POLLIN, deadline)) {
            return false;
        }
        n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
    } while (n < 0 && (errno == EINTR || errno == EAGAIN));
    if (n < 0 && errno != ECONNRESET) {
        qtest_fail(s, "reading from %s: %s", what, g_strerror(errno));
    }
    if (n <= 0) {
        /* Closed or reset: give the exit status a moment to be known. */
        qtest_wait_exit(s, g_get_monotonic_time() + G_USEC_PER_SEC);
        qtest_fail(s, "%s closed%s%s", what, rx->len ? " after: " : "",
                   rx->str);
    }
    g_string_append_len(rx, buf, n);
    return true;
}

/*
 * Length of the first complete JSON object in buf (after leading white
 * space), 0 if it is incomplete, -1 if buf does not start with an object.
 */
static gssize qtest_json_object_len(const char *buf, size_t len)
{
    size_t i = 0;
    int depth = 0;
    bool in_string = false, escaped = false;

    while (i < len && g_ascii_isspace(buf[i])) {
        i++;
    }
    if (i == len) {
        return 0;
    }
    if (buf[i] != '{') {
        return -1;
    }
    for (; i < len; i++) {
        char c = buf[i];

        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                return i + 1;
            }
        }
    }
    return 0;
}

/* Parse one complete object off the front of the buffer, if there is one. */
static JsonObject *qtest_take_message(QTestState *s)
{
    gssize n = qtest_json_object_len(s->rx->str, s->rx->len);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    JsonNode *node;
    JsonObject *obj;

    if (n < 0) {
        qtest_fail(s, "the monitor sent something that is not a JSON "
                   "object: %.200s", s->rx->str);
    }
    if (n == 0) {
        return NULL;
    }
    text = g_strndup(s->rx->str, n);
    g_string_erase(s->rx, 0, n);
    if (qtest_log_enabled()) {
        g_printerr("[qmp <] %s\n", g_strchug(text));
    }
    node = json_from_string(text, &error);
    if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
        qtest_fail(s, "the monitor sent invalid JSON (%s): %.200s",
                   error ? error->message : "not an object", text);
    }
    obj = json_node_dup_object(node);
    json_node_unref(node);
    return obj;
}

/* The next message from the monitor, or NULL at the deadline. */
static JsonObject *qtest_read_message(QTestState *s, gint64 deadline)
{
    JsonObject *obj;

    while (!(obj = qtest_take_message(s))) {
        if (!qtest_recv_append(s, s->qmp_fd, s->rx, deadline,
                               "the monitor connection")) {
            return NULL;
        }
    }
    return obj;
}

static bool qtest_is_event(JsonObject *obj)
{
    return json_object_has_member(obj, "event");
}

/*
 * Turn single-quoted strings into JSON strings; double-quoted strings
 * and everything else are copied as they are.
 */
static char *qtest_requote(const char *in)
{
    GString *out = g_string_sized_new(strlen(in) + 16);
    char quote = 0;

    for (const char *p = in; *p; p++) {
        char c = *p;

        if (!quote) {
            if (c == '\'') {
                quote = c;
                g_string_append_c(out, '"');
                continue;
            }
            if (c == '"') {
                quote = c;
            }
            g_string_append_c(out, c);
        } else if (c == '\\' && p[1]) {
            /* An escaped quote of the outer kind needs no backslash. */
            if (quote == '\'' && p[1] == '\'') {
                g_string_append_c(out, '\'');
            } else {
                g_string_append_c(out, c);
                g_string_append_c(out, p[1]);
            }
            p++;
        } else if (c == quote) {
            quote = 0;
            g_string_append_c(out, '"');
        } else if (quote == '\'' && c == '"') {
            g_string_append(out, "\\\"");
        } else {
            g_string_append_c(out, c);
        }
    }
    return g_string_free(out, FALSE);
}

/* Check and send one command, with fd attached if fd >= 0. */
static void qtest_qmp_send_text(QTestState *s, int fd, const char *raw)
{
    g_autofree char *text = qtest_requote(raw);
    g_autoptr(GError) error = NULL;
    JsonNode *node = json_from_string(text, &error);
    bool is_object = node && JSON_NODE_HOLDS_OBJECT(node);

    if (node) {
        json_node_unref(node);
    }
    if (!is_object) {
        qtest_fail(s, "the test's command is not a JSON object (%s): %s",
                   error ? error->message : "other JSON value", text);
    }
    if (qtest_log_enabled()) {
        g_printerr("[qmp >] %s\n", text);
    }
    qtest_send_all(s, s->qmp_fd, text, strlen(text), fd, "to the monitor");
    qtest_send_all(s, s->qmp_fd, "\n", 1, -1, "to the monitor");
}

static void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *raw = g_strdup_vprintf(fmt, ap);

    qtest_qmp_send_text(s, -1, raw);
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    gint64 deadline = qtest_deadline();

    if (!g_queue_is_empty(&s->replies)) {
        return g_queue_pop_head(&s->replies);
    }
    for (;;) {
        JsonObject *obj = qtest_read_message(s, deadline);

        if (!obj) {
            qtest_fail(s, "no reply from the monitor within %" G_GINT64_FORMAT
                       " s", qtest_timeout_us() / G_USEC_PER_SEC);
        }
        if (!qtest_is_event(obj)) {
            return obj;
        }
        g_queue_push_tail(&s->events, obj);
    }
}

JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_qmp_vsend(s, fmt, ap);
    return qtest_qmp_receive(s);
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    JsonObject *reply;

    va_start(ap, fmt);
    reply = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return reply;
}

static JsonNode *qtest_check_success(QTestState *s, JsonObject *reply)
{
    JsonNode *ret = json_object_get_member(reply, "return");
    JsonNode *copy;

    if (!ret) {
        g_autofree char *text = qtest_object_text(reply);

        json_object_unref(reply);
        qtest_fail(s, "command failed: %s", text);
    }
    copy = json_node_copy(ret);
    json_object_unref(reply);
    return copy;
}

JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    JsonObject *reply;

    va_start(ap, fmt);
    reply = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return qtest_check_success(s, reply);
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    JsonObject *reply;

    va_start(ap, fmt);
    reply = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    json_node_unref(qtest_check_success(s, reply));
}

void qtest_qmp_expect_error(QTestState *s, const char *err_class,
                            const char *desc_substring, const char *fmt, ...)
{
    va_list ap;
    JsonObject *reply;
    JsonObject *error;
    g_autofree char *cls = NULL;
    g_autofree char *desc = NULL;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    reply = qtest_vqmp(s, fmt, ap);
    va_end(ap);

    text = qtest_object_text(reply);
    error = json_object_has_member(reply, "error")
        ? json_object_get_object_member(reply, "error") : NULL;
    if (error) {
        cls = g_strdup(json_object_get_string_member_with_default(
                           error, "class", NULL));
        desc = g_strdup(json_object_get_string_member_with_default(
                            error, "desc", NULL));
    }
    json_object_unref(reply);
    if (!error || !cls || !desc) {
        qtest_fail(s, "expected an error, got %s", text);
    }
    if (g_strcmp0(cls, err_class) != 0) {
        qtest_fail(s, "expected error class %s, got %s", err_class, text);
    }
    if (desc_substring && !strstr(desc, desc_substring)) {
        qtest_fail(s, "expected an error description containing '%s', "
                   "got %s", desc_substring, text);
    }
}

/* ---- events ---- */

static bool qtest_event_is(JsonObject *obj, const char *name)
{
    return !g_strcmp0(json_object_get_string_member_with_default(
                          obj, "event", NULL), name);
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *name)
{
    for (GList *l = s->events.head; l; l = l->next) {
        if (qtest_event_is(l->data, name)) {
            JsonObject *obj = l->data;

            g_queue_delete_link(&s->events, l);
            return obj;
        }
    }
    return NULL;
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *name)
{
    gint64 deadline = qtest_deadline();
    JsonObject *obj = qtest_qmp_event_ref(s, name);

    while (!obj) {
        obj = qtest_read_message(s, deadline);
        if (!obj) {
            qtest_fail(s, "no %s event within %" G_GINT64_FORMAT " s", name,
                       qtest_timeout_us() / G_USEC_PER_SEC);
        }
        if (!qtest_is_event(obj)) {
            g_queue_push_tail(&s->replies, obj);
            obj = NULL;
        } else if (!qtest_event_is(obj, name)) {
            g_queue_push_tail(&s->events, obj);
            obj = NULL;
        }
    }
    return obj;
}

void qtest_qmp_eventwait(QTestState *s, const char *name)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, name));
}

/* ---- file descriptors ---- */

void qtest_qmp_send_fd(QTestState *s, int fd, const char *fdname)
{
    g_autofree char *name = qtest_json_str(fdname);
    g_autofree char *cmd = NULL;

    if (fd < 0) {
        qtest_fail(s, "qtest_qmp_send_fd: invalid fd %d", fd);
    }
    cmd = g_strdup_printf("{\"execute\": \"getfd\", "
                          "\"arguments\": {\"fdname\": %s}}", name);
    qtest_qmp_send_text(s, fd, cmd);
    json_node_unref(qtest_check_success(s, qtest_qmp_receive(s)));
}

/* ---- life cycle ---- */

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_spawn(extra_args, true);
    JsonObject *greeting;

    qtest_proto_accept(s);
    qtest_qmp_connect(s);
    greeting = qtest_qmp_receive(s);
    if (!json_object_has_member(greeting, "QMP")) {
        g_autofree char *text = qtest_object_text(greeting);

        json_object_unref(greeting);
        qtest_fail(s, "expected the QMP greeting, got %s", text);
    }
    json_object_unref(greeting);
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    return s;
}

GPid qtest_pid(QTestState *s)
{
    return s->pid;
}

char *qtest_get_stderr(QTestState *s)
{
    char *contents = NULL;

    if (!g_file_get_contents(s->stderr_path, &contents, NULL, NULL)) {
        return g_strdup("");
    }
    return contents;
}

void qtest_quit(QTestState *s)
{
    if (!qtest_has_exited(s)) {
        static const char quit[] = "{\"execute\": \"quit\"}\n";

        if (qtest_log_enabled()) {
            g_printerr("[qmp >] %s", quit);
        }
        if (send(s->qmp_fd, quit, strlen(quit),
                 MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
            g_printerr("libqtest: sending quit: %s\n", g_strerror(errno));
        }
        if (!qtest_wait_exit(s, qtest_deadline())) {
            qtest_fail(s, "the binary did not exit within %" G_GINT64_FORMAT
                       " s of quit", qtest_timeout_us() / G_USEC_PER_SEC);
        }
    }
    if (!WIFEXITED(s->wait_status) || WEXITSTATUS(s->wait_status) != 0) {
        qtest_fail(s, "expected exit status 0 after quit");
    }
    qtest_free(s);
}

void qtest_kill(QTestState *s)
{
    qtest_reap(s, SIGKILL);
    qtest_free(s);
}

int qtest_run_to_exit(const char *extra_args, char **stderr_out)
{
    QTestState *s = qtest_spawn(extra_args, false);
    int status;

    if (!qtest_wait_exit(s, qtest_deadline())) {
        qtest_fail(s, "the binary did not exit within %" G_GINT64_FORMAT
                   " s", qtest_timeout_us() / G_USEC_PER_SEC);
    }
    if (WIFEXITED(s->wait_status)) {
        status = WEXITSTATUS(s->wait_status);
    } else if (WIFSIGNALED(s->wait_status)) {
        status = 128 + WTERMSIG(s->wait_status);
    } else {
        status = -1;
    }
    if (stderr_out) {
        *stderr_out = qtest_get_stderr(s);
    }
    qtest_free(s);
    return status;
}

/* ---- QOM helpers ---- */

JsonNode *qtest_qom_get_ref(QTestState *s, const char *path,
                            const char *prop)
{
    g_autofree char *p = qtest_json_str(path);
    g_autofree char *n = qtest_json_str(prop);

    return qtest_qmp_assert_success_ref(s,
        "{'execute': 'qom-get', 'arguments': {'path': %s, 'property': %s}}",
        p, n);
}

/* qom-get, asserting the value is a scalar of the given type. */
static JsonNode *qtest_qom_get_scalar(QTestState *s, const char *path,
                                      const char *prop, GType type)
{
    JsonNode *ret = qtest_qom_get_ref(s, path, prop);

    g_assert_true(JSON_NODE_HOLDS_VALUE(ret));
    g_assert_cmpint(json_node_get_value_type(ret), ==, type);
    return ret;
}

char *qtest_qom_get_str(QTestState *s, const char *path, const char *prop)
{
    g_autoptr(JsonNode) ret = qtest_qom_get_scalar(s, path, prop,
                                                   G_TYPE_STRING);

    return g_strdup(json_node_get_string(ret));
}

gint64 qtest_qom_get_int(QTestState *s, const char *path, const char *prop)
{
    g_autoptr(JsonNode) ret = qtest_qom_get_scalar(s, path, prop,
                                                   G_TYPE_INT64);

    return json_node_get_int(ret);
}

bool qtest_qom_get_bool(QTestState *s, const char *path, const char *prop)
{
    g_autoptr(JsonNode) ret = qtest_qom_get_scalar(s, path, prop,
                                                   G_TYPE_BOOLEAN);

    return json_node_get_boolean(ret);
}
