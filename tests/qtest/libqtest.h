/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: the client side of the qtest suite.  A test starts the
 * emulator binary ($QTEST_QEMU_BINARY) with qtest acceleration, a QMP
 * monitor and a qtest protocol connection on Unix sockets in a private
 * temporary directory, then drives it: QMP commands, replies,
 * asynchronous events and file descriptors passed with SCM_RIGHTS; and
 * the qtest verbs (guest memory, the virtual clock, interrupt lines).
 *
 * $QTEST_ACCEL picks another accelerator than qtest (e.g. "tcg" to run
 * against a QEMU build without the qtest accelerator; the vCPUs are then
 * kept stopped with -S and the clock verbs are not available).
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
#include <stddef.h>
#include <stdint.h>
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
 *       -mon chardev=qmp0,mode=control
 *       -qtest unix:QTEST_SOCK -qtest-log none EXTRA_ARGS
 *
 * (EXTRA_ARGS split like a shell would, NULL for none), accept its qtest
 * connection, connect to the monitor, read the greeting and leave
 * capabilities negotiation.  Fails the test, showing the binary's
 * stderr, if it exits or does not answer in time.
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

/*
 * The qtest protocol (docs/devel/qtest.rst).  Each call sends one request
 * and fails the test unless the reply is "OK ..."; "IRQ raise/lower N"
 * lines that arrive meanwhile update the levels qtest_get_irq() returns.
 * Values are in guest (little-endian) order.
 */
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);

/* Bytes, hex-encoded on the wire ("read" / "write"). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/* Bytes, base64-encoded on the wire ("b64read" / "b64write"). */
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern,
                  size_t size);

/* The virtual clock (qtest accelerator only); each returns the new time. */
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_step(QTestState *s, int64_t step_ns);
int64_t qtest_clock_set(QTestState *s, int64_t ns);

/*
 * Watch the input lines (or the unnamed / named output lines) of the
 * device at a QOM path: their changes arrive as IRQ raise/lower N.  One
 * device per binary, as in QEMU.
 */
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name);
/* Drive input line num of list name ("unnamed-gpio-in") to level. */
void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level);
/*
 * The last level reported for intercepted line num (reads pending IRQ
 * lines without blocking first).
 */
bool qtest_get_irq(QTestState *s, int num);

/* Whether the target is big-endian ("endianness"). */
bool qtest_big_endian(QTestState *s);

/*
 * Send one raw request line (printf-style, without the newline) and
 * return the reply line without its newline, whatever it says (free
 * with g_free).  For tests of the protocol itself.
 */
char *qtest_raw_request(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Whether the binary runs with the qtest accelerator ($QTEST_ACCEL). */
bool qtest_accel_is_qtest(void);

#endif /* LIBQTEST_H */
