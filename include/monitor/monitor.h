/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP monitors and events.  Any number of monitors run at once, each on
 * its own chardev; events go to every monitor that has finished
 * capabilities negotiation.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <json-glib/json-glib.h>

#include "chardev/char.h"

/* -mon chardev=ID,mode=control[,pretty=on] and -qmp. */
bool monitor_init_qmp(Chardev *chr, bool pretty, Error **errp);
void monitor_cleanup(void);

/*
 * Emit an event ("timestamp" added here).  Takes ownership of data (may
 * be NULL for no "data" member).
 */
void qapi_event_send(const char *event, JsonObject *data);

/*
 * Resolve an "fd" property value: the name of an fd passed with getfd on
 * the monitor running the current command (the fd is taken out of that
 * monitor), or a decimal fd number.  Returns the fd or -1 + error.
 */
int monitor_fd_param(const char *fdname, Error **errp);

#endif
