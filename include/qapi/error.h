/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting: the `bool f(..., Error **errp)` convention.  A failing
 * function sets exactly one Error through errp (if errp is not NULL) and
 * returns false/NULL/-1.  An Error carries a QMP error class so that the
 * monitor can reply with the class QEMU would use.  &error_fatal prints the
 * message QEMU-style and exits 1; &error_abort aborts (programming errors
 * only, never guest or user input).
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_FOUND,
} ErrorClass;

typedef struct Error Error;

extern Error *error_fatal;
extern Error *error_abort;

void error_set(Error **errp, ErrorClass cls, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void error_setg(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Appends ": strerror(errnum)" to the message. */
void error_setg_errno(Error **errp, int errnum, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Prefix an already-set error: "prefix" + old message. */
void error_prepend(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Extra lines printed after the message on the command line only. */
void error_append_hint(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Move src into *dst (or free it if dst is NULL or already set). */
void error_propagate(Error **dst, Error *src);

const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);
ErrorClass error_get_class(const Error *err);
const char *error_class_name(ErrorClass cls);
Error *error_copy(const Error *err);
void error_free(Error *err);
void error_free_or_abort(Error **errp);

/*
 * User-facing reporting.  Messages are "qemu-system-aarch64: LOC: msg"
 * where LOC is the command-line option being processed, if any (see
 * loc_push_cmdline()).
 */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void error_report_err(Error *err);
void warn_report_err(Error *err);

/* Command-line location for messages, e.g. ("-device", "foo,bar=1"). */
void loc_push_cmdline(const char *option, const char *arg);
void loc_pop(void);
/* Messages go to stderr unless redirected (tests). */
void error_set_progname(const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif
