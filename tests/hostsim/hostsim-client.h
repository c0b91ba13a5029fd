/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A GLib client of the host simulator's control socket, for tests that
 * run the VMM with libhostsim.so preloaded (qtests, functional helpers):
 * connect to the path given in HOSTSIM_CONTROL, send one request line,
 * read back the complete reply, and pick key=value fields out of it.
 * The protocol is described in docs/devel/hostsim.rst.
 *
 * A reply is returned as its lines (a NULL-terminated string vector,
 * without the '\n'); line 0 is "ok ..." or "error ERRNAME message", and
 * "ok count=N" is followed by N record lines.  An error reply is still a
 * reply: only I/O failures, timeouts and malformed replies are GErrors.
 */
#ifndef HOSTSIM_CLIENT_H
#define HOSTSIM_CLIENT_H

#include <stdbool.h>
#include <glib.h>

typedef struct HostsimClient HostsimClient;

/* How long a request waits for its reply unless told otherwise. */
#define HOSTSIM_CLIENT_TIMEOUT_MS 10000

/*
 * Connect to the control socket at path.  The socket may not exist yet
 * (the program under test is starting): retry until timeout_ms has
 * passed.  NULL and errp set on failure.
 */
HostsimClient *hostsim_client_connect(const char *path, int timeout_ms,
                                      GError **errp);
void hostsim_client_free(HostsimClient *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostsimClient, hostsim_client_free)

/* The reply timeout of every later request (default above). */
void hostsim_client_set_timeout(HostsimClient *c, int timeout_ms);

/*
 * Send request (one line, without '\n') and return the complete reply
 * (g_strfreev), or NULL with errp set.  After a failure the connection
 * is unusable.
 */
char **hostsim_client_request(HostsimClient *c, const char *request,
                              GError **errp);
/* The same with a printf-style request. */
char **hostsim_client_requestf(HostsimClient *c, GError **errp,
                               const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Line 0 is "ok ...". */
bool hostsim_reply_is_ok(char *const *reply);
/* The ERRNAME of an error reply ("EINVAL"), or NULL for ok (g_free). */
char *hostsim_reply_errname(char *const *reply);
/* The number of record lines after line 0. */
guint hostsim_reply_records(char *const *reply);
/*
 * The value of key in line n (0 = the "ok" line): a copy (g_free), or
 * NULL when the line or the key is missing.
 */
char *hostsim_reply_get(char *const *reply, guint line, const char *key);
/* The same as a number (0x... or decimal); false if missing or garbled. */
bool hostsim_reply_get_u64(char *const *reply, guint line, const char *key,
                           guint64 *val);
/* The first record line (>= 1) whose key has value, or -1. */
int hostsim_reply_find(char *const *reply, const char *key,
                       const char *value);

#endif
