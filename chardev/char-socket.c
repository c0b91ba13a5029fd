/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "socket" chardev: a Unix or TCP stream socket, either listening
 * (server=on) for one client at a time or connected out (server=off).
 * While a client is connected the listening socket is not watched, so
 * further clients wait in the kernel's backlog until the current one
 * leaves; then the next one is accepted.  Unix sockets also carry file
 * descriptors (SCM_RIGHTS) which are handed to the frontend with the
 * bytes they came with.
 */
#include "qemu/osdep.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "chardev/chardev-internal.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "trace/trace-chardev.h"

/* Pending clients the kernel keeps while one is being served. */
#define SOCKET_CHARDEV_BACKLOG 8

typedef struct SocketChardev {
    Chardev parent;

    bool is_unix;
    bool server;
    bool nodelay;
    char *path;             /* Unix */
    bool unlink_path;       /* we created path: remove it at close */
    char *addr;             /* "unix:PATH" or "tcp:HOST:PORT", for messages */

    int listen_fd;
    bool accepting;         /* listen_fd is watched */
    int fd;                 /* the connected peer, or -1 */
    bool reading;           /* fd is watched for input */
} SocketChardev;

static const char *const socket_chardev_opts[] = {
    "path", "host", "port", "server", "wait", "nodelay", "ipv4", "ipv6",
    NULL,
};

static SocketChardev *socket_chardev(Chardev *chr)
{
    return container_of(chr, SocketChardev, parent);
}

static void socket_chardev_accept(void *opaque);
static void socket_chardev_read(void *opaque);

static void socket_chardev_watch_listen(SocketChardev *s, bool on)
{
    if (s->listen_fd < 0 || s->accepting == on) {
        return;
    }
    qemu_set_fd_handler(s->listen_fd, on ? socket_chardev_accept : NULL,
                        NULL, s);
    s->accepting = on;
}

/* Watch the peer for input exactly when there is one and a reader. */
static void socket_chardev_update_read(Chardev *chr)
{
    SocketChardev *s = socket_chardev(chr);
    bool want = s->fd >= 0 && qemu_chr_be_can_read(chr);

    if (want == s->reading) {
        return;
    }
    qemu_set_fd_handler(s->fd, want ? socket_chardev_read : NULL, NULL, s);
    s->reading = want;
}

static void socket_chardev_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

static void socket_chardev_attach(SocketChardev *s, int fd)
{
    int one = 1;

    socket_chardev_set_nonblock(fd);
    if (!s->is_unix && s->nodelay) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    trace_chardev_socket_connect(s->parent.id, s->addr);
    socket_chardev_watch_listen(s, false);
    socket_chardev_update_read(&s->parent);
    qemu_chr_be_event(&s->parent, CHR_EVENT_OPENED);
}

/* Drop the peer; a server listens again. */
static void socket_chardev_drop(SocketChardev *s)
{
    if (s->fd < 0) {
        return;
    }
    if (s->reading) {
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
        s->reading = false;
    }
    close(s->fd);
    s->fd = -1;
    trace_chardev_socket_disconnect(s->parent.id);
    if (s->server) {
        socket_chardev_watch_listen(s, true);
    }
    qemu_chr_be_event(&s->parent, CHR_EVENT_CLOSED);
}

static void socket_chardev_disconnect(Chardev *chr)
{
    socket_chardev_drop(socket_chardev(chr));
}

static void socket_chardev_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd;

    if (s->fd >= 0) {
        /* Busy: leave the newcomer in the backlog. */
        socket_chardev_watch_listen(s, false);
        return;
    }
    do {
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        /* EAGAIN (the client gave up) or a transient error: try later. */
        return;
    }
    socket_chardev_attach(s, fd);
}

static void socket_chardev_read(void *opaque)
{
    SocketChardev *s = opaque;
    uint8_t buf[4096];
    union {
        char buf[CMSG_SPACE(sizeof(int) * CHR_MAX_MSGFDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
    };
    int fds[CHR_MAX_MSGFDS];
    int nfds = 0;
    struct cmsghdr *cmsg;
    ssize_t n;

    if (s->is_unix) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
    }
    do {
        n = recvmsg(s->fd, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }

    for (cmsg = s->is_unix ? CMSG_FIRSTHDR(&msg) : NULL; cmsg;
         cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        size_t len, i;

        if (cmsg->cmsg_level != SOL_SOCKET ||
            cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        len = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < len; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (nfds < CHR_MAX_MSGFDS) {
                fds[nfds++] = fd;
            } else {
                close(fd);
            }
        }
    }

    if (n <= 0) {
        int i;

        for (i = 0; i < nfds; i++) {
            close(fds[i]);
        }
        socket_chardev_drop(s);
        return;
    }
    if (nfds) {
        trace_chardev_socket_recv_fds(s->parent.id, nfds);
    }
    qemu_chr_be_write(&s->parent, buf, n, fds, nfds);
}

static ssize_t socket_chardev_write(Chardev *chr, const uint8_t *buf,
                                    size_t len)
{
    SocketChardev *s = socket_chardev(chr);

    if (s->fd < 0) {
        return -1;
    }
    return qemu_chr_write_fd_all(s->fd, true, buf, len);
}

/*
 * Block until the first client arrives (server=on,wait=on).  The wait
 * runs the main loop, so that a signal's shutdown request (handled from
 * the loop) ends it; then we go on without a client and the main loop
 * returns at once.
 */
static bool socket_chardev_wait_client(SocketChardev *s, Error **errp)
{
    info_report("QEMU waiting for connection on: disconnected:%s,server=on",
                s->addr);
    socket_chardev_watch_listen(s, true);
    while (s->fd < 0 &&
           qemu_shutdown_requested() == SHUTDOWN_CAUSE_NONE) {
        main_loop_wait(true);
    }
    return true;
}

/*
 * Blocking connect.  After EINTR the connection goes on in the
 * background: wait for it and fetch its outcome.
 */
static bool socket_chardev_connect_fd(int fd, const struct sockaddr *addr,
                                      socklen_t len)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    int soerr = 0;
    socklen_t solen = sizeof(soerr);

    if (connect(fd, addr, len) == 0) {
        return true;
    }
    if (errno != EINTR) {
        return false;
    }
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
        /* keep waiting */
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &solen) < 0) {
        return false;
    }
    if (soerr) {
        errno = soerr;
        return false;
    }
    return true;
}

static bool socket_chardev_unix_addr(const char *path,
                                     struct sockaddr_un *sun, Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (!*path) {
        error_setg(errp, "chardev: socket: 'path' must not be empty");
        return false;
    }
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        error_append_hint(errp, "Path must be less than %zu bytes\n",
                          sizeof(sun->sun_path));
        return false;
    }
    strcpy(sun->sun_path, path);
    return true;
}

static bool socket_chardev_unix_listen(SocketChardev *s, Error **errp)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd;

    if (!socket_chardev_unix_addr(s->path, &sun, errp)) {
        return false;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return false;
    }
    /* A socket file left by an earlier run; anything else is kept. */
    if (lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(s->path);
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s",
                         s->path);
        close(fd);
        return false;
    }
    s->unlink_path = true;
    if (listen(fd, SOCKET_CHARDEV_BACKLOG) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        close(fd);
        return false;
    }
    socket_chardev_set_nonblock(fd);
    s->listen_fd = fd;
    return true;
}

static bool socket_chardev_unix_connect(SocketChardev *s, Error **errp)
{
    struct sockaddr_un sun;
    int fd;

    if (!socket_chardev_unix_addr(s->path, &sun, errp)) {
        return false;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return false;
    }
    if (!socket_chardev_connect_fd(fd, (struct sockaddr *)&sun,
                                   sizeof(sun))) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", s->path);
        close(fd);
        return false;
    }
    socket_chardev_attach(s, fd);
    return true;
}

static struct addrinfo *socket_chardev_resolve(const char *host,
                                               const char *port,
                                               int family, bool passive,
                                               Error **errp)
{
    struct addrinfo hints = {
        .ai_family = family,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    struct addrinfo *res = NULL;
    int ret;

    /* An empty host listens on every IPv4 address, as QEMU does. */
    if (!*host && hints.ai_family == AF_UNSPEC) {
        hints.ai_family = AF_INET;
    }
    ret = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (ret) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host, port, gai_strerror(ret));
        return NULL;
    }
    return res;
}

/* "tcp:ADDR:PORT" of a bound socket, numerically. */
static char *socket_chardev_tcp_name(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
                    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        return NULL;
    }
    return g_strdup_printf("tcp:%s:%s", host, serv);
}

static bool socket_chardev_tcp_listen(SocketChardev *s, const char *host,
                                      const char *port, int family,
                                      Error **errp)
{
    struct addrinfo *res, *ai;
    int err = EADDRNOTAVAIL;
    int fd = -1;

    res = socket_chardev_resolve(host, port, family, true, errp);
    if (!res) {
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, SOCKET_CHARDEV_BACKLOG) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to find an available port");
        return false;
    }
    socket_chardev_set_nonblock(fd);
    s->listen_fd = fd;
    g_free(s->addr);
    s->addr = socket_chardev_tcp_name(fd);
    if (!s->addr) {
        s->addr = g_strdup_printf("tcp:%s:%s", host, port);
    }
    return true;
}

static bool socket_chardev_tcp_connect(SocketChardev *s, const char *host,
                                       const char *port, int family,
                                       Error **errp)
{
    struct addrinfo *res, *ai;
    int err = ECONNREFUSED;
    int fd = -1;

    res = socket_chardev_resolve(host, port, family, false, errp);
    if (!res) {
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (socket_chardev_connect_fd(fd, ai->ai_addr, ai->ai_addrlen)) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'",
                         host, port);
        return false;
    }
    socket_chardev_attach(s, fd);
    return true;
}

static bool socket_chardev_open(Chardev *chr, JsonObject *opts,
                                bool from_string, Error **errp)
{
    SocketChardev *s = socket_chardev(chr);
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;
    bool server = false, wait = true, ipv4 = false, ipv6 = false;
    int family = AF_UNSPEC;

    s->listen_fd = -1;
    s->fd = -1;
    s->nodelay = false;
    if (!qemu_chr_opt_str(opts, "path", &s->path, errp) ||
        !qemu_chr_opt_str(opts, "host", &host, errp) ||
        !qemu_chr_opt_str(opts, "port", &port, errp) ||
        !qemu_chr_opt_bool(opts, "server", &server, errp) ||
        !qemu_chr_opt_bool(opts, "wait", &wait, errp) ||
        !qemu_chr_opt_bool(opts, "nodelay", &s->nodelay, errp) ||
        !qemu_chr_opt_bool(opts, "ipv4", &ipv4, errp) ||
        !qemu_chr_opt_bool(opts, "ipv6", &ipv6, errp)) {
        goto fail;
    }
    if (s->path && (host || port)) {
        error_setg(errp, "None or one of 'path' or 'host' option required.");
        goto fail;
    }
    if (!s->path && !host && !port) {
        error_setg(errp, "chardev: socket: 'path' or 'host'+'port' "
                   "required");
        goto fail;
    }
    if (!s->path && !host) {
        error_setg(errp, "chardev: socket: no host given");
        goto fail;
    }
    if (!s->path && !port) {
        error_setg(errp, "chardev: socket: no port given");
        goto fail;
    }
    if (!server && json_object_has_member(opts, "wait")) {
        error_setg(errp, "'wait' option is incompatible with socket in "
                   "client connect mode");
        goto fail;
    }
    if (ipv4 && !ipv6) {
        family = AF_INET;
    } else if (ipv6 && !ipv4) {
        family = AF_INET6;
    }
    s->server = server;
    s->is_unix = s->path != NULL;

    if (s->is_unix) {
        s->addr = g_strdup_printf("unix:%s", s->path);
        if (server) {
            if (!socket_chardev_unix_listen(s, errp)) {
                goto fail;
            }
        } else if (!socket_chardev_unix_connect(s, errp)) {
            goto fail;
        }
    } else {
        s->addr = g_strdup_printf("tcp:%s:%s", host, port);
        if (server) {
            if (!socket_chardev_tcp_listen(s, host, port, family, errp)) {
                goto fail;
            }
        } else if (!socket_chardev_tcp_connect(s, host, port, family,
                                               errp)) {
            goto fail;
        }
    }

    if (server) {
        trace_chardev_socket_listen(chr->id, s->addr);
        if (wait) {
            if (!socket_chardev_wait_client(s, errp)) {
                goto fail;
            }
        } else {
            socket_chardev_watch_listen(s, true);
        }
    }
    return true;

fail:
    socket_chardev_watch_listen(s, false);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->unlink_path) {
        unlink(s->path);
    }
    g_free(s->path);
    g_free(s->addr);
    return false;
}

static void socket_chardev_close(Chardev *chr)
{
    SocketChardev *s = socket_chardev(chr);

    if (s->fd >= 0) {
        if (s->reading) {
            qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
        }
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_fd >= 0) {
        socket_chardev_watch_listen(s, false);
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->unlink_path) {
        unlink(s->path);
    }
    g_free(s->path);
    g_free(s->addr);
}

const ChardevDriver chardev_socket_driver = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .opts = socket_chardev_opts,
    .open = socket_chardev_open,
    .write = socket_chardev_write,
    .update_read = socket_chardev_update_read,
    .disconnect = socket_chardev_disconnect,
    .close = socket_chardev_close,
};
