/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection and the leak report of the host simulator.
 *
 * fail-nth mirrors the kernel's /proc/self/task/<tid>/fail-nth procedure
 * (iommufd-uapi.md 5.1) with one process-wide counter instead of a
 * per-task one: arming it with N makes the Nth injection point hit after
 * that fail once, with the errno its caller names (ENOMEM for an
 * allocation, ENOENT for an object lookup).  The counter then reads 0 and
 * the failure is marked consumed; a sweep reads that back to decide
 * whether to run again with N + 1 (consumed) or stop (the scenario has
 * fewer than N points).  HOSTSIM_FAIL_NTH=N arms it at load time, so the
 * start-up of a process can be swept too.
 *
 * The leak report lists what the simulated kernel still holds: every live
 * object of every iommufd context, the mapped areas of each IOAS, every
 * open simulated fd, and contexts kept alive with no fd referring to
 * them.  At exit (an atexit handler, so it runs before the library's
 * destructor tears anything down) the creating process prints it to
 * stderr as "hostsim: leak: ..." lines; with HOSTSIM_LEAK_FATAL=1 the
 * exit status then becomes 66.
 */
#include "hostsim-int.h"
#include "hostsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The state of fail-nth; changed only under hs_lock(). */
static struct {
    unsigned remaining;     /* points to go; 0 = disarmed */
    bool consumed;          /* the armed failure has happened */
    char where[64];         /* the point that failed */
    int err;                /* and the errno it returned */
} failnth;

/* The process whose exit prints the report (not its forked children). */
static pid_t leak_pid;

int hs_inject(int err, const char *where)
{
    if (failnth.remaining == 0) {
        return 0;
    }
    if (--failnth.remaining > 0) {
        return 0;
    }
    failnth.consumed = true;
    failnth.err = err;
    g_strlcpy(failnth.where, where ? where : "?", sizeof(failnth.where));
    return -err;
}

void hs_failnth_set(unsigned n)
{
    failnth.remaining = n;
    failnth.consumed = false;
    failnth.where[0] = '\0';
    failnth.err = 0;
}

unsigned hs_failnth_remaining(void)
{
    return failnth.remaining;
}

bool hs_failnth_last(const char **where, int *err)
{
    if (where) {
        *where = failnth.consumed ? failnth.where : NULL;
    }
    if (err) {
        *err = failnth.consumed ? failnth.err : 0;
    }
    return failnth.consumed;
}

/* ---- the leak report ---- */

typedef struct LeakWalk {
    GString *out;
    GHashTable *ictx_with_fd;   /* HSIctx* reachable from an open fd */
    bool any;
} LeakWalk;

static const char *leak_fd_kind(HSFdKind kind)
{
    switch (kind) {
    case HS_FD_IOMMUFD:
        return "iommufd";
    case HS_FD_VFIO:
        return "vfio";
    case HS_FD_VEVENTQ:
        return "veventq";
    case HS_FD_FAULT:
        return "fault";
    }
    return "unknown";
}

/* The context a simulated file keeps alive, if any. */
static HSIctx *leak_fd_ictx(HSFile *f)
{
    if (!f->obj) {
        return NULL;
    }
    switch (f->kind) {
    case HS_FD_IOMMUFD:
        return f->obj;
    case HS_FD_VFIO:
        return ((HSVfioDev *)f->obj)->ictx;
    case HS_FD_VEVENTQ:
        return ((HSVeventq *)f->obj)->obj.ictx;
    case HS_FD_FAULT:
        return ((HSFault *)f->obj)->obj.ictx;
    }
    return NULL;
}

static void leak_fd(int fd, HSFile *f, void *opaque)
{
    LeakWalk *w = opaque;
    HSIctx *ictx = leak_fd_ictx(f);

    g_string_append_printf(w->out, "fd fd=%d kind=%s\n", fd,
                           leak_fd_kind(f->kind));
    if (ictx) {
        g_hash_table_add(w->ictx_with_fd, ictx);
    }
    w->any = true;
}

static gint leak_cmp_obj(gconstpointer a, gconstpointer b)
{
    const HSObj *x = *(HSObj *const *)a;
    const HSObj *y = *(HSObj *const *)b;

    return x->id < y->id ? -1 : x->id > y->id;
}

static void leak_ictx(LeakWalk *w, HSIctx *ictx)
{
    g_autoptr(GPtrArray) objs = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    if (!g_hash_table_contains(w->ictx_with_fd, ictx)) {
        g_string_append_printf(w->out, "ictx ictx=%u refs=%u\n",
                               ictx->index, ictx->refs);
        w->any = true;
    }
    if (!ictx->ids) {
        return;
    }
    g_hash_table_iter_init(&it, ictx->ids);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        /* Reserved IDs are mid-allocation, tombstones hold no object. */
        if (value != HS_ID_RESERVED && value != HS_ID_TOMBSTONE) {
            g_ptr_array_add(objs, value);
        }
    }
    g_ptr_array_sort(objs, leak_cmp_obj);
    for (guint i = 0; i < objs->len; i++) {
        HSObj *obj = objs->pdata[i];

        g_string_append_printf(w->out,
                               "object ictx=%u id=%u type=%s users=%u\n",
                               ictx->index, obj->id,
                               hs_obj_type_name(obj->type), obj->users);
        w->any = true;
        if (obj->type == HS_OBJ_IOAS) {
            unsigned areas = 0;
            uint64_t bytes = 0;

            hs_ioas_stats((HSIoas *)obj, &areas, &bytes);
            if (areas) {
                g_string_append_printf(w->out,
                                       "area ictx=%u ioas=%u areas=%u "
                                       "bytes=%" G_GUINT64_FORMAT "\n",
                                       ictx->index, obj->id, areas, bytes);
            }
        }
    }
}

bool hs_leak_report(GString *out)
{
    LeakWalk w = {
        .out = out,
        .ictx_with_fd = g_hash_table_new(NULL, NULL),
    };

    hs_fd_foreach(leak_fd, &w);
    for (guint i = 0; hs_ictxs && i < hs_ictxs->len; i++) {
        leak_ictx(&w, g_ptr_array_index(hs_ictxs, i));
    }
    g_hash_table_destroy(w.ictx_with_fd);
    return w.any;
}

/* ---- at exit ---- */

static bool env_flag(const char *name)
{
    const char *v = getenv(name);

    return v && *v && strcmp(v, "0") != 0;
}

/*
 * Runs from atexit, i.e. before any library destructor, while the state
 * is intact.  _exit(66) skips the destructors, so the two pieces of
 * cleanup that outlive the process (the control socket and the private
 * sysfs directory) are done here first.
 */
static void hs_failnth_atexit(void)
{
    g_autoptr(GString) report = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    bool leaked;

    if (getpid() != leak_pid) {
        return;
    }
    hs_lock();
    leaked = hs_leak_report(report);
    if (getenv(HOSTSIM_ENV_FAIL_NTH)) {
        fprintf(stderr, "hostsim: fail-nth: remaining=%u consumed=%d "
                "where=%s errno=%d\n", failnth.remaining, failnth.consumed,
                failnth.consumed ? failnth.where : "none", failnth.err);
    }
    hs_unlock();
    if (!leaked) {
        return;
    }
    lines = g_strsplit(report->str, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (*lines[i]) {
            fprintf(stderr, "hostsim: leak: %s\n", lines[i]);
        }
    }
    if (env_flag(HOSTSIM_ENV_LEAK_FATAL)) {
        fprintf(stderr, "hostsim: leaks are fatal (%s), exit status %d\n",
                HOSTSIM_ENV_LEAK_FATAL, HOSTSIM_LEAK_EXIT_STATUS);
        hs_control_stop();
        hs_sysfs_cleanup();
        fflush(NULL);
        _exit(HOSTSIM_LEAK_EXIT_STATUS);
    }
}

__attribute__((constructor))
static void hs_failnth_init(void)
{
    const char *n = getenv(HOSTSIM_ENV_FAIL_NTH);

    leak_pid = getpid();
    if (n && *n) {
        char *end;
        guint64 v = g_ascii_strtoull(n, &end, 0);

        if (*end == '\0' && v <= G_MAXUINT) {
            hs_failnth_set(v);
        } else {
            fprintf(stderr, "hostsim: %s=%s is not a number, ignored\n",
                    HOSTSIM_ENV_FAIL_NTH, n);
        }
    }
    atexit(hs_failnth_atexit);
}
