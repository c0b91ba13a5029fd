/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the QMP server (qmp.c) shares with the command files: access to
 * the monitor whose command is running (its negotiation state, the fds
 * that arrived with the command, its named fds), and the version block
 * that both the greeting and query-version report.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "monitor/monitor.h"
#include "monitor/qmp-dispatch.h"

typedef struct MonitorQMP MonitorQMP;

/* The monitor running the current command, or NULL (command line). */
MonitorQMP *monitor_cur(void);

/*
 * qmp_capabilities on the current monitor: leave negotiation mode.
 * Already done: CommandNotFound "Capabilities negotiation is already
 * complete, command ignored".  want_oob (the client asked for "oob"):
 * "Capability 'oob' not available", since we don't execute out of band.
 */
bool monitor_qmp_leave_negotiation(bool want_oob, Error **errp);

/*
 * Take one fd that came (SCM_RIGHTS) with the command being run; -1 if
 * none.  The caller owns it.
 */
int monitor_take_msgfd(void);

/* getfd: store fd under name on the current monitor (replacing, and
 * closing, an fd of the same name). */
bool monitor_add_named_fd(const char *name, int fd, Error **errp);
/* closefd: "File descriptor named 'x' not found". */
bool monitor_close_named_fd(const char *name, Error **errp);

/* {"qemu": {"micro", "minor", "major"}, "package": "..."} */
JsonNode *qmp_version_info(void);

#endif
