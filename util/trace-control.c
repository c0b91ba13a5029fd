/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace event control: the registry of every event (filled by the
 * constructors that scripts/tracetool.py generates, one per trace-events
 * group), enabling and disabling by glob pattern, the -trace command-line
 * option, and the record writer of the "log" backend.
 *
 * The registry is written only by constructors, before main(); enabling
 * and iteration happen on the main thread (command line, monitor).  The
 * per-event enabled flag is a plain bool read without a lock by the
 * generated inlines on any thread: a record racing with a state change
 * may or may not be emitted, which is harmless.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "trace/control.h"

#ifdef CONFIG_LINUX
#include <sys/syscall.h>
#endif

/* Every registered event, sorted by name. */
static GPtrArray *trace_events;

static gint trace_event_cmp(gconstpointer a, gconstpointer b)
{
    const TraceEvent *ea = *(TraceEvent *const *)a;
    const TraceEvent *eb = *(TraceEvent *const *)b;

    return strcmp(ea->name, eb->name);
}

void trace_event_register_group(TraceEvent **events)
{
    size_t i;

    if (!trace_events) {
        trace_events = g_ptr_array_new();
    }
    for (i = 0; events[i]; i++) {
        g_assert(!trace_event_find(events[i]->name));
        g_ptr_array_add(trace_events, events[i]);
    }
    g_ptr_array_sort(trace_events, trace_event_cmp);
}

TraceEvent *trace_event_find(const char *name)
{
    guint lo = 0, hi = trace_events ? trace_events->len : 0;

    /* Binary search over the sorted array. */
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        TraceEvent *ev = g_ptr_array_index(trace_events, mid);
        int c = strcmp(name, ev->name);

        if (c == 0) {
            return ev;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

bool trace_event_is_pattern(const char *name)
{
    return strpbrk(name, "*?") != NULL;
}

bool trace_event_get_state_dynamic(TraceEvent *ev)
{
    return *ev->dstate;
}

void trace_event_set_state_dynamic(TraceEvent *ev, bool state)
{
    *ev->dstate = state;
}

void trace_event_foreach(const char *pattern,
                         void (*fn)(TraceEvent *ev, void *opaque),
                         void *opaque)
{
    guint i;

    for (i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        if (!pattern || g_pattern_match_simple(pattern, ev->name)) {
            fn(ev, opaque);
        }
    }
}

static void trace_event_set_cb(TraceEvent *ev, void *opaque)
{
    trace_event_set_state_dynamic(ev, *(bool *)opaque);
}

bool trace_enable_pattern(const char *pattern, bool enable, Error **errp)
{
    TraceEvent *ev;

    if (pattern[0] == '-') {
        enable = false;
        pattern++;
    }
    if (!pattern[0]) {
        error_setg(errp, "empty trace event pattern");
        return false;
    }
    if (trace_event_is_pattern(pattern)) {
        /* A pattern that matches nothing is not an error. */
        trace_event_foreach(pattern, trace_event_set_cb, &enable);
        return true;
    }
    ev = trace_event_find(pattern);
    if (!ev) {
        error_setg(errp, "event \"%s\" does not exist", pattern);
        error_append_hint(errp, "Use \"-trace help\" to list the trace "
                          "events.\n");
        return false;
    }
    trace_event_set_state_dynamic(ev, enable);
    return true;
}

bool trace_enable_events_file(const char *filename, Error **errp)
{
    FILE *f = fopen(filename, "r");
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool ok = true;

    if (!f) {
        error_setg_errno(errp, errno, "cannot open trace events file '%s'",
                         filename);
        return false;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *pat = g_strstrip(line);

        lineno++;
        if (!pat[0] || pat[0] == '#') {
            continue;
        }
        if (!trace_enable_pattern(pat, true, errp)) {
            error_prepend(errp, "%s:%u: ", filename, lineno);
            ok = false;
            break;
        }
    }
    if (ok && ferror(f)) {
        error_setg_errno(errp, errno, "cannot read trace events file '%s'",
                         filename);
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}

void trace_list_events(FILE *f)
{
    guint i;

    for (i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        fprintf(f, "%s\n", ev->name);
    }
}

static bool trace_is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/*
 * Split "a,b=c,,d" into elements at single commas; a doubled comma is a
 * literal comma.
 */
static GPtrArray *trace_opt_split(const char *str)
{
    GPtrArray *elems = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    const char *p;

    for (p = str; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',') {
            g_ptr_array_add(elems, g_string_free(cur, FALSE));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(elems, g_string_free(cur, FALSE));
    return elems;
}

bool trace_opt_parse(const char *optarg, Error **errp)
{
    g_autoptr(GPtrArray) elems = trace_opt_split(optarg);
    g_autoptr(GPtrArray) patterns = g_ptr_array_new();
    const char *events = NULL;
    const char *file = NULL;
    guint i;

    for (i = 0; i < elems->len; i++) {
        const char *elem = g_ptr_array_index(elems, i);
        const char *eq = strchr(elem, '=');
        g_autofree char *key = NULL;
        const char *value;

        if (!eq && i == 0) {
            key = g_strdup("enable");
            value = elem;
        } else if (!eq) {
            if (!elem[0] && i == elems->len - 1) {
                continue;   /* trailing comma */
            }
            error_setg(errp, "Invalid parameter '%s'", elem);
            return false;
        } else {
            key = g_strndup(elem, eq - elem);
            value = eq + 1;
        }

        if (!strcmp(key, "enable")) {
            if (trace_is_help(value)) {
                trace_list_events(stdout);
                exit(0);
            }
            if (!value[0]) {
                error_setg(errp, "no trace event pattern given");
                return false;
            }
            g_ptr_array_add(patterns, (gpointer)value);
        } else if (!strcmp(key, "events")) {
            if (!value[0]) {
                error_setg(errp, "Parameter 'events' expects a file name");
                return false;
            }
            events = value;
        } else if (!strcmp(key, "file")) {
            if (!value[0]) {
                error_setg(errp, "Parameter 'file' expects a file name");
                return false;
            }
            file = value;
        } else {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }

    if (file && !qemu_set_log_filename(file, errp)) {
        return false;
    }
    for (i = 0; i < patterns->len; i++) {
        if (!trace_enable_pattern(g_ptr_array_index(patterns, i), true,
                                  errp)) {
            return false;
        }
    }
    if (events && !trace_enable_events_file(events, errp)) {
        return false;
    }
    return true;
}

static int trace_thread_id(void)
{
#ifdef CONFIG_LINUX
    static __thread int tid;

    if (!tid) {
        tid = (int)syscall(SYS_gettid);
    }
    return tid;
#else
    return (int)getpid();
#endif
}

void trace_log_emit(const char *fmt, ...)
{
    gint64 now = g_get_real_time();
    char *body;
    va_list ap;

    va_start(ap, fmt);
    body = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* THREAD-ID@SECONDS.MICROSECONDS:NAME ARGS (the id is the pid for the
     * main thread). */
    qemu_log("%d@%" PRId64 ".%06" PRId64 ":%s", trace_thread_id(),
             now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, body);
    g_free(body);
}
