/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace event control.  Events are declared in each directory's
 * trace-events file; scripts/tracetool.py generates, for a directory
 * "hw/core", the header trace/trace-hw_core.h with one trace_NAME()
 * inline per event (a branch on the event's state, then the backend) and
 * the table that registers the events at start-up.
 *
 * Backends: "log" (to stderr or the -D file, with a timestamp and pid)
 * and "nop" (compiled out); chosen with meson option trace_backend.
 */
#ifndef TRACE_CONTROL_H
#define TRACE_CONTROL_H

#include "qapi/error.h"

typedef struct TraceEvent {
    const char *name;
    bool *dstate;       /* enabled?  Checked by the generated inline. */
} TraceEvent;

/* Registration (called by generated code). */
void trace_event_register_group(TraceEvent **events);

/* Enable/disable events matching a glob pattern ("smmuv3_*", "-x" to
 * disable).  Returns false + error if nothing matched and pattern has no
 * wildcard. */
bool trace_enable_pattern(const char *pattern, bool enable, Error **errp);
/* -trace [enable=]PATTERN[,events=FILE][,file=FILE].  "help" (or "?") as
 * the pattern lists the events on stdout and exits 0, like QEMU.  The
 * caller pushes the option location (loc_push_cmdline("-trace", optarg))
 * so that errors read "-trace enable=x: event "x" does not exist". */
bool trace_opt_parse(const char *optarg, Error **errp);
/* Enable the patterns of an events file: one per line, '#' comments,
 * blank lines ignored, "-PATTERN" disables. */
bool trace_enable_events_file(const char *filename, Error **errp);
/* True if name contains a glob wildcard ('*' or '?'). */
bool trace_event_is_pattern(const char *name);
/* The event with exactly this name, or NULL. */
TraceEvent *trace_event_find(const char *name);
void trace_event_set_state_dynamic(TraceEvent *ev, bool state);
/* Each event matching pattern (NULL: every event), in name order. */
void trace_event_foreach(const char *pattern,
                         void (*fn)(TraceEvent *ev, void *opaque),
                         void *opaque);
bool trace_event_get_state_dynamic(TraceEvent *ev);
void trace_list_events(FILE *f);

/* Used by the generated code to emit a record with the log backend. */
void trace_log_emit(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * For code that computes trace arguments at some cost:
 *     if (trace_event_get_state_backends(TRACE_MYDEV_QUEUE_CONSUME)) {
 *         ... expensive ...
 *         trace_mydev_queue_consume(...);
 *     }
 * False at compile time with the nop backend or a "disable" event.
 */
#define trace_event_get_state_backends(id) \
    ((id##_ENABLED) && id##_BACKEND_DSTATE())

#endif
