/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two halves of libqtest share: the state of one running
 * binary (its QMP monitor connection in libqtest.c, its qtest protocol
 * connection in libqtest-proto.c) and the helpers both use to wait with
 * a deadline and to fail a test.  Not for tests: they use libqtest.h.
 */
#ifndef LIBQTEST_INTERNAL_H
#define LIBQTEST_INTERNAL_H

#include <sys/un.h>

#include "libqtest.h"

/* The qtest protocol socket inside the per-binary temporary directory. */
#define QTEST_PROTO_SOCKET_NAME "qtest.sock"

/* Interrupt lines whose level the client tracks (IRQ raise/lower N). */
#define QTEST_MAX_IRQ 1024

struct QTestState {
    GPid pid;
    bool reaped;            /* pid waited for; wait_status is valid */
    int wait_status;
    char *tmpdir;
    char *stdout_path;
    char *stderr_path;

    /* The QMP monitor. */
    char *qmp_path;
    int qmp_fd;
    GString *rx;            /* received bytes not yet parsed */
    GQueue events;          /* JsonObject *, oldest first */
    GQueue replies;         /* replies read while waiting for an event */

    /* The qtest protocol: we listen, the binary connects (-qtest unix:). */
    char *qtest_path;
    int qtest_listen_fd;
    int qtest_fd;
    GString *qtest_rx;      /* received bytes not yet split into lines */
    bool irq_level[QTEST_MAX_IRQ];
};

gint64 qtest_timeout_us(void);
gint64 qtest_deadline(void);
gint64 qtest_connect_timeout_us(void);
bool qtest_log_enabled(void);
bool qtest_has_exited(QTestState *s);
bool qtest_poll_fd(QTestState *s, int fd, short events, gint64 deadline);

/* The address of a Unix socket at path; fails if path is too long. */
void qtest_unix_addr(QTestState *s, const char *path,
                     struct sockaddr_un *sun);

/*
 * Write all of buf to sock (bounded), the first bytes carrying fd as
 * SCM_RIGHTS data if fd >= 0.  what ("to the monitor") completes the
 * failure messages "timed out sending WHAT" and "sending WHAT: error".
 */
void qtest_send_all(QTestState *s, int sock, const char *buf, size_t len,
                    int fd, const char *what);

/*
 * Wait until deadline for bytes on sock and append them to rx; false if
 * none came.  The peer closing the connection or a socket error fails the
 * test, what naming the connection in the message.
 */
bool qtest_recv_append(QTestState *s, int sock, GString *rx,
                       gint64 deadline, const char *what);

/*
 * Fail the test: kill the binary, add its exit status and stderr to the
 * message, clean up and report through GLib's assertion machinery.
 */
void G_GNUC_PRINTF(2, 3) G_GNUC_NORETURN
qtest_fail(QTestState *s, const char *fmt, ...);

/* The accelerator to start with: $QTEST_ACCEL, default "qtest". */
const char *qtest_accel_name(void);

/* libqtest-proto.c: create the listening socket (before spawning). */
void qtest_proto_listen(QTestState *s);
/* Accept the binary's connection (bounded; fails if it exits first). */
void qtest_proto_accept(QTestState *s);
/* Close the protocol sockets. */
void qtest_proto_close(QTestState *s);

#endif
