/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The conformance harness (harness.h): registration lists filled by
 * constructors, one run of each TEST_F per variant of its fixture,
 * setjmp/longjmp for assertions that stop a test, skips, the post-test
 * hook, and TAP 13 output.  A test that crashes (SIGSEGV/SIGBUS) or runs
 * longer than a minute is reported as failed and the run goes on.
 * Plain C over libc: it is built static for the lab as well.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

#define CTEST_TIMEOUT_S 60

typedef enum CTestPhase {
    PHASE_NONE,
    PHASE_SETUP,
    PHASE_TEST,
    PHASE_TEARDOWN,
} CTestPhase;

static CTestFixture *fixtures, **fixtures_tail = &fixtures;
static CTestCase *cases, **cases_tail = &cases;
static bool (*after_each)(char *why, size_t len);

/* State of the running test. */
static sigjmp_buf run_env;
static bool in_test;
static CTestPhase phase;
static bool cur_failed, cur_skipped;
static char skip_reason[256];

void ctest_register_fixture(CTestFixture *f)
{
    CTestFixture *p;

    for (p = fixtures; p; p = p->next) {
        if (p == f) {
            return;
        }
    }
    f->next = NULL;
    *fixtures_tail = f;
    fixtures_tail = &f->next;
}

void ctest_register_variant(CTestFixture *f, CTestVariant *v)
{
    CTestVariant **pp = &f->variants;

    while (*pp) {
        pp = &(*pp)->next;
    }
    v->next = NULL;
    *pp = v;
}

void ctest_register_case(CTestCase *c)
{
    c->next = NULL;
    *cases_tail = c;
    cases_tail = &c->next;
}

void ctest_set_after_each(bool (*hook)(char *why, size_t len))
{
    after_each = hook;
}

static void vnote(const char *prefix, const char *fmt, va_list ap)
{
    char buf[1024];
    char *line, *save = NULL;

    vsnprintf(buf, sizeof(buf), fmt, ap);
    /* Every line of a diagnostic starts with "# " in TAP. */
    for (line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        printf("# %s%s\n", prefix, line);
        prefix = "  ";
    }
    fflush(stdout);
}

void ctest_note(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vnote("", fmt, ap);
    va_end(ap);
}

void ctest_fail(const char *file, int line, const char *fmt, ...)
{
    char prefix[128];
    const char *base = strrchr(file, '/');
    va_list ap;

    snprintf(prefix, sizeof(prefix), "%s:%d: ", base ? base + 1 : file,
             line);
    va_start(ap, fmt);
    vnote(prefix, fmt, ap);
    va_end(ap);
    cur_failed = true;
}

_Noreturn void ctest_abort_test(void)
{
    if (!in_test) {
        fprintf(stderr, "ctest: assertion failed outside a test\n");
        exit(2);
    }
    siglongjmp(run_env, 1);
}

_Noreturn void ctest_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
    va_end(ap);
    if (!in_test) {
        fprintf(stderr, "ctest: skip outside a test: %s\n", skip_reason);
        exit(2);
    }
    if (phase == PHASE_TEARDOWN) {
        /* Too late to skip: the test ran.  Just stop the teardown. */
        ctest_note("skip during teardown ignored: %s", skip_reason);
        siglongjmp(run_env, 1);
    }
    cur_skipped = true;
    siglongjmp(run_env, 2);
}

static void crash_handler(int sig)
{
    static const char msg[] = "# test crashed or timed out\n";

    if (!in_test) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do */
    }
    cur_failed = true;
    siglongjmp(run_env, 3);
}

static void install_handlers(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* "../tests/hostsim/conformance/test-core.c" -> "core" */
static void suite_name(const char *file, char *out, size_t len)
{
    const char *base = strrchr(file, '/');
    char *dot;

    base = base ? base + 1 : file;
    if (!strncmp(base, "test-", 5)) {
        base += 5;
    }
    snprintf(out, len, "%s", base);
    dot = strrchr(out, '.');
    if (dot) {
        *dot = '\0';
    }
}

static void full_name(const CTestCase *c, const CTestVariant *v,
                      char *out, size_t len)
{
    char suite[64];

    suite_name(c->file, suite, sizeof(suite));
    if (c->fixture) {
        snprintf(out, len, "%s.%s.%s.%s", suite, c->fixture->name,
                 v ? v->name : "default", c->name);
    } else {
        snprintf(out, len, "%s.%s", suite, c->name);
    }
}

static bool selected(const char *name, int nfilters, char **filters)
{
    int i;

    if (!nfilters) {
        return true;
    }
    for (i = 0; i < nfilters; i++) {
        if (strstr(name, filters[i])) {
            return true;
        }
    }
    return false;
}

typedef void (*CTestVisit)(const CTestCase *c, const CTestVariant *v,
                           const char *name, void *opaque);

static void foreach_run(int nfilters, char **filters, CTestVisit fn,
                        void *opaque)
{
    const CTestCase *c;
    const CTestVariant *v;
    char name[256];

    for (c = cases; c; c = c->next) {
        if (!c->fixture || !c->fixture->variants) {
            full_name(c, NULL, name, sizeof(name));
            if (selected(name, nfilters, filters)) {
                fn(c, NULL, name, opaque);
            }
            continue;
        }
        for (v = c->fixture->variants; v; v = v->next) {
            full_name(c, v, name, sizeof(name));
            if (selected(name, nfilters, filters)) {
                fn(c, v, name, opaque);
            }
        }
    }
}

static void count_one(const CTestCase *c, const CTestVariant *v,
                      const char *name, void *opaque)
{
    (*(unsigned *)opaque)++;
}

static void list_one(const CTestCase *c, const CTestVariant *v,
                     const char *name, void *opaque)
{
    printf("%s\n", name);
}

typedef struct CTestTotals {
    unsigned n, passed, failed, skipped;
} CTestTotals;

/* Run one phase; returns the longjmp code (0 = returned normally). */
static int run_phase(CTestPhase ph, void (*fn)(void *, const void *),
                     void *self, const void *data)
{
    int r;

    phase = ph;
    r = sigsetjmp(run_env, 1);
    if (r == 0) {
        alarm(CTEST_TIMEOUT_S);
        fn(self, data);
    }
    alarm(0);
    return r;
}

static void run_one(const CTestCase *c, const CTestVariant *v,
                    const char *name, void *opaque)
{
    CTestTotals *t = opaque;
    const CTestFixture *f = c->fixture;
    const void *data = v ? v->data : NULL;
    void *self = NULL;
    char why[1024];
    bool setup_done = false;

    t->n++;
    cur_failed = false;
    cur_skipped = false;
    skip_reason[0] = '\0';
    in_test = true;

    if (f) {
        self = calloc(1, f->self_size ? f->self_size : 1);
        if (!self) {
            fprintf(stderr, "ctest: out of memory\n");
            exit(2);
        }
        if (run_phase(PHASE_SETUP, f->setup, self, data) == 0) {
            setup_done = true;
        }
    } else {
        setup_done = true;
    }
    if (setup_done) {
        run_phase(PHASE_TEST, c->fn, self, data);
        if (f) {
            run_phase(PHASE_TEARDOWN, f->teardown, self, data);
        }
    }
    phase = PHASE_NONE;
    if (after_each) {
        why[0] = '\0';
        if (!after_each(why, sizeof(why))) {
            ctest_note("after test: %s", why[0] ? why : "hook failed");
            cur_failed = true;
        }
    }
    in_test = false;
    free(self);

    if (cur_failed) {
        t->failed++;
        printf("not ok %u - %s\n", t->n, name);
    } else if (cur_skipped) {
        t->skipped++;
        printf("ok %u - %s # SKIP %s\n", t->n, name, skip_reason);
    } else {
        t->passed++;
        printf("ok %u - %s\n", t->n, name);
    }
    fflush(stdout);
}

static void usage(const char *argv0)
{
    printf("usage: %s [-l] [SUBSTRING...]\n"
           "  Runs the conformance checks whose name contains one of the\n"
           "  SUBSTRINGs (all when none); -l lists the names.\n", argv0);
}

int ctest_main(int argc, char **argv)
{
    char **filters = calloc(argc + 1, sizeof(char *));
    int nfilters = 0;
    bool list = false;
    unsigned total = 0;
    CTestTotals t = { 0 };
    int i;

    if (!filters) {
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--list")) {
            list = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(argv[0]);
            free(filters);
            return 0;
        } else if (argv[i][0] == '-') {
            usage(argv[0]);
            free(filters);
            return 2;
        } else {
            filters[nfilters++] = argv[i];
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (list) {
        foreach_run(nfilters, filters, list_one, NULL);
        free(filters);
        return 0;
    }
    install_handlers();
    foreach_run(nfilters, filters, count_one, &total);
    printf("1..%u\n", total);
    fflush(stdout);
    foreach_run(nfilters, filters, run_one, &t);
    printf("# %u passed, %u failed, %u skipped\n", t.passed, t.failed,
           t.skipped);
    free(filters);
    return t.failed ? 1 : 0;
}
