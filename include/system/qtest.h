/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server: a line-based channel on which a test reads
 * and writes guest memory, moves the virtual clock and watches interrupt
 * lines, with no guest CPU involved.  Started by -qtest SPEC (SPEC is
 * "unix:PATH", which connects to a socket the test listens on, or
 * "chardev:ID"); the verbs are described in docs/devel/qtest.rst.
 */
#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

#include "qapi/error.h"

/*
 * Start the server on SPEC.  log: "-qtest-log" (a file name, "none", or
 * NULL for stderr, as QEMU does).
 */
bool qtest_server_init(const char *spec, const char *log, Error **errp);
/* Stop the server and release its chardev and interrupt intercepts. */
void qtest_server_cleanup(void);
/* Whether a qtest server is running. */
bool qtest_server_running(void);

#endif
