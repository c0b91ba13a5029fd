/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostic logging: the -d log classes (guest_errors, unimp, and
 * trace:PATTERN, which enables trace events), the -D log file, and
 * qemu_log(), which writes to that file or to stderr.  The "log" trace
 * backend writes through qemu_log() too, so trace records and log
 * messages interleave in one stream.  Writes and file changes hold one
 * mutex, so records from different threads never mix within a line.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "trace/control.h"
#include "trace/trace-util.h"

int qemu_loglevel;

static GMutex qemu_log_mutex;
static FILE *qemu_log_file;     /* NULL: stderr */

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest does something invalid (for example, accesses\n"
      "                a register that does not exist)" },
    { LOG_UNIMP, "unimp", "log use of unimplemented functionality" },
};

void qemu_log(const char *fmt, ...)
{
    va_list ap;
    FILE *f;

    g_mutex_lock(&qemu_log_mutex);
    f = qemu_log_file ? qemu_log_file : stderr;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fflush(f);
    g_mutex_unlock(&qemu_log_mutex);
}

void qemu_log_print_help(void)
{
    size_t i;

    printf("Log items (comma separated):\n");
    for (i = 0; i < ARRAY_SIZE(log_items); i++) {
        printf("%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    printf("%-15s %s\n", "trace:PATTERN",
           "enable the trace events matching PATTERN (a leading '-'\n"
           "                disables them)");
    printf("Use \"-d trace:help\" to get a list of trace events.\n");
}

static const LogItem *log_item_find(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(log_items); i++) {
        if (!strcmp(log_items[i].name, name)) {
            return &log_items[i];
        }
    }
    return NULL;
}

bool qemu_log_parse_items(const char *str, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(str, ",", -1);
    int mask = 0;
    size_t i;

    if (!items[0]) {
        error_setg(errp, "no log item given");
        error_append_hint(errp, "Use \"-d help\" to list the log items.\n");
        return false;
    }
    /* Check everything first so that a bad item changes nothing. */
    for (i = 0; items[i]; i++) {
        const char *item = items[i];
        const LogItem *li;

        if (!strcmp(item, "help") || !strcmp(item, "?")) {
            qemu_log_print_help();
            exit(0);
        }
        if (g_str_has_prefix(item, "trace:")) {
            const char *pat = item + strlen("trace:");

            if (!strcmp(pat, "help") || !strcmp(pat, "?")) {
                trace_list_events(stdout);
                exit(0);
            }
            if (pat[0] == '-') {
                pat++;
            }
            if (!pat[0]) {
                error_setg(errp, "log item '%s' lacks a trace event pattern",
                           item);
                return false;
            }
            if (!trace_event_is_pattern(pat) && !trace_event_find(pat)) {
                error_setg(errp, "event \"%s\" does not exist", pat);
                error_append_hint(errp, "Use \"-d trace:help\" to list the "
                                  "trace events.\n");
                return false;
            }
            mask |= LOG_TRACE;
            continue;
        }
        li = log_item_find(item);
        if (!li) {
            error_setg(errp, "unknown log item '%s'", item);
            error_append_hint(errp, "Use \"-d help\" to list the log "
                              "items.\n");
            return false;
        }
        mask |= li->mask;
    }

    for (i = 0; items[i]; i++) {
        if (g_str_has_prefix(items[i], "trace:")) {
            if (!trace_enable_pattern(items[i] + strlen("trace:"), true,
                                      errp)) {
                return false;
            }
        }
    }
    /* The last -d wins, but events enabled earlier stay enabled. */
    qemu_loglevel = mask | (qemu_loglevel & LOG_TRACE);
    return true;
}

/* Expand a "%d" in a -D file name to the process id. */
static char *log_filename_expand(const char *filename, Error **errp)
{
    const char *pct = strchr(filename, '%');

    if (!pct) {
        return g_strdup(filename);
    }
    if (pct[1] != 'd' || strchr(pct + 2, '%')) {
        error_setg(errp, "log file name '%s' may contain one '%%d' (the "
                   "process id) and no other '%%'", filename);
        return NULL;
    }
    return g_strdup_printf("%.*s%d%s", (int)(pct - filename), filename,
                           (int)getpid(), pct + 2);
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    g_autofree char *path = NULL;
    FILE *f = NULL;
    FILE *old;

    if (filename) {
        path = log_filename_expand(filename, errp);
        if (!path) {
            return false;
        }
        f = fopen(path, "w");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s", path);
            return false;
        }
    }

    g_mutex_lock(&qemu_log_mutex);
    old = qemu_log_file;
    qemu_log_file = f;
    g_mutex_unlock(&qemu_log_mutex);
    if (old) {
        fclose(old);
    }

    if (path) {
        trace_log_file_open(path);
    }
    return true;
}

void qemu_log_close(void)
{
    qemu_set_log_filename(NULL, NULL);
}
