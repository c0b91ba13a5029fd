/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostic logging (-d, -D): a mask of log classes (guest_errors, unimp)
 * and the log file that the "log" trace backend shares.  Guest mistakes
 * are reported with qemu_log_mask(LOG_GUEST_ERROR, ...), never abort.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include "qapi/error.h"

#define LOG_GUEST_ERROR (1 << 0)
#define LOG_UNIMP       (1 << 1)
#define LOG_TRACE       (1 << 15)

extern int qemu_loglevel;

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#define qemu_log_mask(MASK, ...) \
    do { \
        if (qemu_loglevel_mask(MASK)) { \
            qemu_log(__VA_ARGS__); \
        } \
    } while (0)

/* -d ITEMS ("guest_errors,unimp,trace:PATTERN", "help"). */
bool qemu_log_parse_items(const char *str, Error **errp);
void qemu_log_print_help(void);
/* -D FILE (NULL: stderr). */
bool qemu_set_log_filename(const char *filename, Error **errp);
void qemu_log_close(void);

#endif
