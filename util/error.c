/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error objects and user-facing error reporting.  Errors are plain heap
 * objects (message, optional hint, QMP class); reporting prefixes the
 * program name and the command-line option being processed so that
 * messages read like QEMU's.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"

struct Error {
    char *msg;
    GString *hint;
    ErrorClass cls;
};

/* Distinct addresses used only as sentinels. */
static Error error_fatal_sentinel;
static Error error_abort_sentinel;
Error *error_fatal = &error_fatal_sentinel;
Error *error_abort = &error_abort_sentinel;

static const char *progname = QEMU_PROGNAME;
static GPtrArray *loc_stack;

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error: %s\n", err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    g_assert(*errp == NULL);
    *errp = err;
}

static void error_setv(Error **errp, ErrorClass cls, const char *suffix,
                       const char *fmt, va_list ap)
{
    Error *err;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    err->cls = cls;
    err->msg = g_strdup_vprintf(fmt, ap);
    if (suffix) {
        char *m = g_strdup_printf("%s: %s", err->msg, suffix);
        g_free(err->msg);
        err->msg = m;
    }
    error_handle(errp, err);
}

void error_set(Error **errp, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, cls, NULL, fmt, ap);
    va_end(ap);
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, ERROR_CLASS_GENERIC_ERROR, NULL, fmt, ap);
    va_end(ap);
}

void error_setg_errno(Error **errp, int errnum, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    error_setv(errp, ERROR_CLASS_GENERIC_ERROR, g_strerror(errnum), fmt, ap);
    va_end(ap);
    errno = saved;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *m;

    if (!errp || !*errp || *errp == error_fatal || *errp == error_abort) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    m = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = m;
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

void error_propagate(Error **dst, Error *src)
{
    if (!src) {
        return;
    }
    if (dst == &error_abort || dst == &error_fatal) {
        error_handle(dst, src);
        return;
    }
    if (dst && !*dst) {
        *dst = src;
    } else {
        error_free(src);
    }
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

ErrorClass error_get_class(const Error *err)
{
    return err->cls;
}

const char *error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_GENERIC_ERROR:
    default:
        return "GenericError";
    }
}

Error *error_copy(const Error *err)
{
    Error *c = g_new0(Error, 1);

    c->cls = err->cls;
    c->msg = g_strdup(err->msg);
    if (err->hint) {
        c->hint = g_string_new(err->hint->str);
    }
    return c;
}

void error_free(Error *err)
{
    if (!err || err == error_fatal || err == error_abort) {
        return;
    }
    g_free(err->msg);
    if (err->hint) {
        g_string_free(err->hint, TRUE);
    }
    g_free(err);
}

void error_free_or_abort(Error **errp)
{
    g_assert(errp && *errp);
    error_free(*errp);
    *errp = NULL;
}

void error_set_progname(const char *name)
{
    progname = name;
}

void loc_push_cmdline(const char *option, const char *arg)
{
    if (!loc_stack) {
        loc_stack = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(loc_stack, g_strdup_printf("%s %s", option, arg));
}

void loc_pop(void)
{
    if (loc_stack && loc_stack->len) {
        g_ptr_array_remove_index(loc_stack, loc_stack->len - 1);
    }
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    GString *s = g_string_new(progname);

    g_string_append(s, ": ");
    if (loc_stack && loc_stack->len) {
        g_string_append_printf(s, "%s: ",
                               (char *)loc_stack->pdata[loc_stack->len - 1]);
    }
    if (kind) {
        g_string_append(s, kind);
    }
    g_string_append_vprintf(s, fmt, ap);
    fprintf(stderr, "%s\n", s->str);
    g_string_free(s, TRUE);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(NULL, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("info: ", fmt, ap);
    va_end(ap);
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}

void warn_report_err(Error *err)
{
    warn_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}
