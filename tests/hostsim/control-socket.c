/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control channel's socket (HOSTSIM_CONTROL): a Unix stream socket
 * served by one thread that polls the listening socket and every
 * connection, so that a client may send many requests on one connection
 * and several clients may be connected at once.  Each complete line is
 * handed to hs_control_handle() (control.c), which takes the simulator
 * lock; the reply goes back on the same connection.  A line longer than
 * HOSTSIM_CONTROL_MAX_LINE gets an error reply and is skipped, and a
 * client that stops reading its replies is dropped, so no client can
 * stall the others or grow the process without bound.
 *
 * The thread blocks every signal (the program under test owns them) and
 * exists only while HOSTSIM_CONTROL names a path.  Only the process that
 * created the socket removes it.
 */
#include "hostsim-int.h"
#include "hostsim.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_MAX_CONNS       32
#define CTL_SEND_TIMEOUT_MS 5000

typedef struct CtlConn {
    int fd;
    GString *in;
    bool overlong;          /* dropping a too long line until its end */
} CtlConn;

static struct {
    pthread_mutex_t mutex;  /* start/stop */
    bool running;
    pid_t pid;              /* the process that created the socket */
    pthread_t thread;
    int listen_fd;
    int wake[2];            /* socketpair: stop the thread */
    char *path;
} ctl_srv = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
    .listen_fd = -1,
    .wake = { -1, -1 },
};

/* Our own fds are never simulated: close them with the real libc. */
static void ctl_close(int fd)
{
    if (fd < 0) {
        return;
    }
    if (hs_real.close) {
        hs_real.close(fd);
    } else {
        close(fd);
    }
}

static void ctl_conn_free(gpointer p)
{
    CtlConn *c = p;

    ctl_close(c->fd);
    g_string_free(c->in, true);
    g_free(c);
}

/* Send all of buf; a client that stops reading for long is dropped. */
static bool ctl_send_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n > 0) {
            buf += n;
            len -= n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };

            if (poll(&p, 1, CTL_SEND_TIMEOUT_MS) <= 0) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

static bool ctl_conn_line(CtlConn *c, const char *line)
{
    g_autofree char *reply = hs_control_handle(line);

    return ctl_send_all(c->fd, reply, strlen(reply));
}

/* Read what the client sent and answer every complete line. */
static bool ctl_conn_input(CtlConn *c)
{
    char buf[4096];
    ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
    char *nl;

    if (n < 0) {
        return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
    }
    if (n == 0) {
        return false;
    }
    g_string_append_len(c->in, buf, n);
    while ((nl = memchr(c->in->str, '\n', c->in->len))) {
        gsize len = nl - c->in->str;
        bool ok;

        /*
         * Too long, even when its end came in the same read: with its
         * newline a request must fit HOSTSIM_CONTROL_MAX_LINE.
         */
        if (c->overlong || len >= HOSTSIM_CONTROL_MAX_LINE) {
            g_autofree char *msg = g_strdup_printf(
                "error EINVAL request longer than %u bytes\n",
                HOSTSIM_CONTROL_MAX_LINE);

            ok = ctl_send_all(c->fd, msg, strlen(msg));
            c->overlong = false;
        } else {
            *nl = '\0';
            if (len && c->in->str[len - 1] == '\r') {
                c->in->str[len - 1] = '\0';
            }
            ok = ctl_conn_line(c, c->in->str);
        }
        g_string_erase(c->in, 0, len + 1);
        if (!ok) {
            return false;
        }
    }
    if (c->in->len >= HOSTSIM_CONTROL_MAX_LINE) {
        c->overlong = true;
        g_string_truncate(c->in, 0);
    }
    return true;
}

static void ctl_accept(GPtrArray *conns)
{
    int fd = accept4(ctl_srv.listen_fd, NULL, NULL,
                     SOCK_CLOEXEC | SOCK_NONBLOCK);
    CtlConn *c;

    if (fd < 0) {
        return;
    }
    if (conns->len >= CTL_MAX_CONNS) {
        static const char msg[] = "error EBUSY too many connections\n";

        ctl_send_all(fd, msg, sizeof(msg) - 1);
        ctl_close(fd);
        return;
    }
    c = g_new0(CtlConn, 1);
    c->fd = fd;
    c->in = g_string_new(NULL);
    g_ptr_array_add(conns, c);
}

static void *ctl_thread(void *opaque)
{
    GPtrArray *conns = g_ptr_array_new_with_free_func(ctl_conn_free);

    for (;;) {
        guint n = conns->len + 2;
        g_autofree struct pollfd *p = g_new0(struct pollfd, n);

        p[0] = (struct pollfd) { .fd = ctl_srv.wake[0], .events = POLLIN };
        p[1] = (struct pollfd) { .fd = ctl_srv.listen_fd, .events = POLLIN };
        for (guint i = 0; i < conns->len; i++) {
            CtlConn *c = g_ptr_array_index(conns, i);

            p[i + 2] = (struct pollfd) { .fd = c->fd, .events = POLLIN };
        }
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (p[0].revents) {
            break;
        }
        /* Connections first: their indexes are those of this poll. */
        for (guint i = conns->len; i > 0; i--) {
            if (p[i + 1].revents &&
                !ctl_conn_input(g_ptr_array_index(conns, i - 1))) {
                g_ptr_array_remove_index(conns, i - 1);
            }
        }
        if (p[1].revents & POLLIN) {
            ctl_accept(conns);
        }
    }
    g_ptr_array_free(conns, true);
    return NULL;
}

static int ctl_listen(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    /* A socket left by a process that died: replace it, nothing else. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        listen(fd, 8) < 0) {
        int err = errno;

        ctl_close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

void hs_control_start(void)
{
    const char *path = getenv(HOSTSIM_ENV_CONTROL);
    sigset_t all, old;
    int ret;

    if (!path || !*path) {
        return;
    }
    pthread_mutex_lock(&ctl_srv.mutex);
    if (ctl_srv.running) {
        goto out;
    }
    ctl_srv.listen_fd = ctl_listen(path);
    if (ctl_srv.listen_fd < 0) {
        fprintf(stderr, "hostsim: control socket %s: %s\n", path,
                strerror(errno));
        goto out;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
                   ctl_srv.wake) < 0) {
        fprintf(stderr, "hostsim: control socket: socketpair: %s\n",
                strerror(errno));
        goto fail_listen;
    }
    ctl_srv.path = g_strdup(path);
    ctl_srv.pid = getpid();
    /* Signals are the host program's business: keep them off our thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    ret = pthread_create(&ctl_srv.thread, NULL, ctl_thread, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret) {
        fprintf(stderr, "hostsim: control socket: thread: %s\n",
                strerror(ret));
        goto fail_wake;
    }
    pthread_setname_np(ctl_srv.thread, "hostsim-ctl");
    ctl_srv.running = true;
    goto out;

fail_wake:
    ctl_close(ctl_srv.wake[0]);
    ctl_close(ctl_srv.wake[1]);
    ctl_srv.wake[0] = ctl_srv.wake[1] = -1;
    unlink(ctl_srv.path);
    g_clear_pointer(&ctl_srv.path, g_free);
fail_listen:
    ctl_close(ctl_srv.listen_fd);
    ctl_srv.listen_fd = -1;
out:
    pthread_mutex_unlock(&ctl_srv.mutex);
}

/*
 * Stop serving.  Only the process that created the socket has the thread
 * and removes the path; a forked child just drops its copies of the fds.
 * The join is bounded: a request stuck behind a lock another thread never
 * releases must not hang the process's exit.
 */
void hs_control_stop(void)
{
    pthread_mutex_lock(&ctl_srv.mutex);
    if (!ctl_srv.running) {
        goto out;
    }
    if (getpid() == ctl_srv.pid) {
        struct timespec deadline;

        send(ctl_srv.wake[1], "x", 1, MSG_NOSIGNAL);
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 5;
        if (pthread_timedjoin_np(ctl_srv.thread, NULL, &deadline) != 0) {
            fprintf(stderr, "hostsim: control thread did not stop\n");
        }
        unlink(ctl_srv.path);
    }
    ctl_close(ctl_srv.listen_fd);
    ctl_close(ctl_srv.wake[0]);
    ctl_close(ctl_srv.wake[1]);
    ctl_srv.listen_fd = ctl_srv.wake[0] = ctl_srv.wake[1] = -1;
    g_clear_pointer(&ctl_srv.path, g_free);
    ctl_srv.running = false;
out:
    pthread_mutex_unlock(&ctl_srv.mutex);
}
