/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: the client side of the qtest suite.  A test starts the
 * emulator binary ($QTEST_QEMU_BINARY) with qtest acceleration and a QMP
 * monitor on a Unix socket in a private temporary directory, then drives
 * it through QMP: commands, replies, asynchronous events and file
 * descriptors passed with SCM_RIGHTS.  The qtest protocol itself (a
 * second socket carrying memory and clock verbs) is added by a later
 * change; the state below has the place for it.
 *
 * Every wait is bounded (QTEST_DEFAULT_TIMEOUT_S seconds, or
 * $QTEST_TIMEOUT), so a hung or crashed binary fails the test with its
 * stderr instead of hanging the run.  Setting $QTEST_LOG echoes the QMP
 * traffic to stderr.
 *
 * JSON is json-glib's: replies are JsonObject (and JsonNode) references
 * that the caller releases with json_object_unref (json_node_unref).
 */
#ifndef LIBQTEST_H
#define LIBQTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* How long any single wait may take, unless $QTEST_TIMEOUT says. */
#define QTEST_DEFAULT_TIMEOUT_S 20

typedef struct QTestState QTestState;

/*
 * Start the binary as
 *
 *   $QTEST_QEMU_BINARY -M virt -accel qtest -display none -nodefaults
 *       -chardev socket,id=qmp0,path=SOCK,server=on,wait=off
 *       -mon chardev=qmp0,mode=control EXTRA_ARGS
 *
 * (EXTRA_ARGS split like a shell would, NULL for none), connect to the
 * monitor, read the greeting and leave capabilities negotiation.  Fails
 * the test, showing the binary's stderr, if it exits or does not answer
 * in time.
 */
QTestState *qtest_init(const char *extra_args);

/*
 * Send "quit", wait for the process to exit, assert that its exit status
 * is 0, and free everything (including the temporary directory).  A
 * process that does not exit in time is killed and the test fails.
 */
void qtest_quit(QTestState *s);

/*
 * Kill the process (SIGKILL) and free everything, without looking at the
 * exit status: for tests that are done with a binary in an unknown state.
 */
void qtest_kill(QTestState *s);

/* The process id of the running binary. */
GPid qtest_pid(QTestState *s);

/* What the binary wrote to stderr so far (free with g_free). */
char *qtest_get_stderr(QTestState *s);

/*
 * Run the binary with the same base options as qtest_init but no
 * monitor, and EXTRA_ARGS; wait (bounded) for it to exit.  Returns the
 * exit status (128 + signal number if a signal killed it) and, if
 * stderr_out is not NULL, what it wrote to stderr.  For command lines
 * that must fail.
 */
int qtest_run_to_exit(const char *extra_args, char **stderr_out);

/*
 * QMP.  Commands are printf-style format strings that produce one JSON
 * object.  Conversions are inserted as they are: a %s becomes raw JSON
 * text, so a string argument must be quoted by the caller ("\"%s\"" for
 * a string known to need no escaping, or %s with qtest_json_str()).  For
 * readability the text may also use single-quoted strings ('like this'),
 * which are turned into JSON strings before sending.
 *
 * Events that arrive while waiting for a reply are queued for
 * qtest_qmp_eventwait().
 */

/* Send a command and return its reply ("return" or "error" object). */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/* Send a command without waiting for its reply. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Wait for the next reply (queueing the events before it). */
JsonObject *qtest_qmp_receive(QTestState *s);

/*
 * Send a command, assert that it succeeded and return a reference to its
 * "return" member (release with json_node_unref).
 */
JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* The same, dropping the return value. */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/*
 * Send a command and assert that it failed with error class err_class
 * (e.g. "GenericError", "DeviceNotFound") and a description containing
 * desc_substring (NULL: any description).
 */
void qtest_qmp_expect_error(QTestState *s, const char *err_class,
                            const char *desc_substring, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/*
 * Wait for the event called name: the oldest queued one, else the next
 * one to arrive (other events that arrive meanwhile are queued).  Fails
 * the test if none comes in time.  The _ref variant returns the whole
 * event object (release with json_object_unref).
 */
void qtest_qmp_eventwait(QTestState *s, const char *name);
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *name);

/* Take a queued event called name without waiting; NULL if none. */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *name);

/*
 * Pass fd to the binary with "getfd" (the descriptor travels as
 * SCM_RIGHTS ancillary data of the command) under fdname, and assert
 * success.  The caller keeps its own copy of fd.
 */
void qtest_qmp_send_fd(QTestState *s, int fd, const char *fdname);

/*
 * qom-get PATH PROPERTY, asserting success: the value node (unref it), or
 * the value checked to be a JSON string / integer / boolean.
 */
JsonNode *qtest_qom_get_ref(QTestState *s, const char *path,
                            const char *prop);
char *qtest_qom_get_str(QTestState *s, const char *path, const char *prop);
gint64 qtest_qom_get_int(QTestState *s, const char *path, const char *prop);
bool qtest_qom_get_bool(QTestState *s, const char *path, const char *prop);

/* str as a quoted, escaped JSON string (free with g_free). */
char *qtest_json_str(const char *str);

/* A JSON node as compact text, for messages (free with g_free). */
char *qtest_json_text(JsonNode *node);

#endif /* LIBQTEST_H */
