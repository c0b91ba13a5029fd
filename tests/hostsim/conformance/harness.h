/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The conformance suite's test harness: fixtures with setup and
 * teardown, each test run once per variant of its fixture, assertions
 * that stop the test and expectations that do not, skips, and TAP
 * output with one line per check ("suite.fixture.variant.test").  Plain
 * C over libc, so the suite builds static for aarch64 and runs in the
 * lab as well as on the simulator.  Tests run one after another in one
 * process (no fork: the simulator's control thread must stay alive).
 *
 *   FIXTURE(ioas) { int fd; uint32_t ioas_id; };
 *   FIXTURE_VARIANT(ioas) { uint64_t length; };
 *   FIXTURE_VARIANT_ADD(ioas, small) { .length = 4096 };
 *   FIXTURE_VARIANT_ADD(ioas, big) { .length = 1 << 20 };
 *   FIXTURE_SETUP(ioas) { self->fd = ...; }
 *   FIXTURE_TEARDOWN(ioas) { close(self->fd); }
 *   TEST_F(ioas, map_twice_is_eexist) {
 *       ASSERT_IOCTL_ERR(EEXIST, self->fd, IOMMU_IOAS_MAP, &map);
 *   }
 *   TEST(core, open_close) { ... }          (no fixture, one run)
 *
 * Every fixture has at least one variant.  Setup may SKIP() or fail an
 * assertion: the test is then skipped or failed and teardown does not
 * run.  After teardown the post-test hook (ctest_set_after_each) runs:
 * on the simulator it fails the test if objects or fds leaked.
 */
#ifndef CONFORMANCE_HARNESS_H
#define CONFORMANCE_HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct CTestCase CTestCase;
typedef struct CTestFixture CTestFixture;

typedef struct CTestVariant {
    const char *name;
    const void *data;
    struct CTestVariant *next;
} CTestVariant;

struct CTestFixture {
    const char *name;
    size_t self_size;
    void (*setup)(void *self, const void *variant);
    void (*teardown)(void *self, const void *variant);
    CTestVariant *variants;         /* registration order */
    CTestFixture *next;
};

struct CTestCase {
    const char *file;               /* suite = file's base name */
    const char *name;
    CTestFixture *fixture;          /* NULL for TEST() */
    void (*fn)(void *self, const void *variant);
    CTestCase *next;
};

void ctest_register_fixture(CTestFixture *f);
void ctest_register_variant(CTestFixture *f, CTestVariant *v);
void ctest_register_case(CTestCase *c);

/* Failure/skip plumbing used by the macros. */
void ctest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void ctest_abort_test(void);
_Noreturn void ctest_skip(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Diagnostic line ("# ...") in the TAP stream. */
void ctest_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hook run after every test's teardown; returns false to fail it. */
void ctest_set_after_each(bool (*hook)(char *why, size_t len));

/*
 * Run every registered test (argv may hold substrings to select tests
 * and "-l" to list them).  Prints TAP and a "# N passed, N failed,
 * N skipped" line; returns the exit status (0 when none failed).
 */
int ctest_main(int argc, char **argv);

#define CTEST_CAT_(a, b) a##b
#define CTEST_CAT(a, b) CTEST_CAT_(a, b)

#define FIXTURE(f)                                                      \
    typedef struct f##_fixture f##_fixture;                             \
    static CTestFixture ctest_fixture_##f;                              \
    struct f##_fixture

#define FIXTURE_VARIANT(f)                                              \
    typedef struct f##_variant f##_variant;                             \
    struct f##_variant

#define FIXTURE_VARIANT_ADD(f, v)                                       \
    static const f##_variant f##_variant_##v;                           \
    static CTestVariant ctest_variant_##f##_##v = {                     \
        .name = #v, .data = &f##_variant_##v };                         \
    __attribute__((constructor)) static void ctest_reg_v_##f##_##v(void)\
    {                                                                   \
        ctest_register_variant(&ctest_fixture_##f,                      \
                               &ctest_variant_##f##_##v);               \
    }                                                                   \
    static const f##_variant f##_variant_##v =

#define FIXTURE_SETUP(f)                                                \
    static void f##_setup(f##_fixture *self, const f##_variant *variant);\
    static void f##_setup_(void *s, const void *v)                      \
    {                                                                   \
        f##_setup(s, v);                                                \
    }                                                                   \
    static void f##_teardown_(void *s, const void *v);                  \
    static CTestFixture ctest_fixture_##f = {                           \
        .name = #f, .self_size = sizeof(f##_fixture),                   \
        .setup = f##_setup_, .teardown = f##_teardown_ };               \
    __attribute__((constructor)) static void ctest_reg_f_##f(void)      \
    {                                                                   \
        ctest_register_fixture(&ctest_fixture_##f);                     \
    }                                                                   \
    static void f##_setup(f##_fixture *self, const f##_variant *variant)

#define FIXTURE_TEARDOWN(f)                                             \
    static void f##_teardown(f##_fixture *self,                         \
                             const f##_variant *variant);               \
    static void f##_teardown_(void *s, const void *v)                   \
    {                                                                   \
        f##_teardown(s, v);                                             \
    }                                                                   \
    static void f##_teardown(f##_fixture *self,                         \
                             const f##_variant *variant)

#define TEST_F(f, t)                                                    \
    static void ctest_fn_##f##_##t(f##_fixture *self,                   \
                                   const f##_variant *variant);         \
    static void ctest_fn_##f##_##t##_(void *s, const void *v)           \
    {                                                                   \
        ctest_fn_##f##_##t(s, v);                                       \
    }                                                                   \
    static CTestCase ctest_case_##f##_##t = {                           \
        .file = __FILE__, .name = #t, .fixture = &ctest_fixture_##f,    \
        .fn = ctest_fn_##f##_##t##_ };                                  \
    __attribute__((constructor)) static void ctest_reg_c_##f##_##t(void)\
    {                                                                   \
        ctest_register_case(&ctest_case_##f##_##t);                     \
    }                                                                   \
    static void ctest_fn_##f##_##t(f##_fixture *self,                   \
                                   const f##_variant *variant)

#define TEST(s, t)                                                      \
    static void ctest_fn_##s##_##t(void);                               \
    static void ctest_fn_##s##_##t##_(void *self, const void *v)        \
    {                                                                   \
        ctest_fn_##s##_##t();                                           \
    }                                                                   \
    static CTestCase ctest_case_##s##_##t = {                           \
        .file = __FILE__, .name = #s "." #t,                            \
        .fn = ctest_fn_##s##_##t##_ };                                  \
    __attribute__((constructor)) static void ctest_reg_c_##s##_##t(void)\
    {                                                                   \
        ctest_register_case(&ctest_case_##s##_##t);                     \
    }                                                                   \
    static void ctest_fn_##s##_##t(void)

#define SKIP(...) ctest_skip(__VA_ARGS__)

/* Comparisons: values are evaluated once, printed as signed/unsigned. */
#define CTEST_CMP_(stop, a, op, b)                                      \
    do {                                                                \
        __typeof__(a) ctest_a_ = (a);                                   \
        __typeof__(b) ctest_b_ = (b);                                   \
        if (!(ctest_a_ op ctest_b_)) {                                  \
            ctest_fail(__FILE__, __LINE__,                              \
                       "%s %s %s: 0x%" PRIx64 " vs 0x%" PRIx64,         \
                       #a, #op, #b, (uint64_t)ctest_a_,                 \
                       (uint64_t)ctest_b_);                             \
            if (stop) {                                                 \
                ctest_abort_test();                                     \
            }                                                           \
        }                                                               \
    } while (0)

#define ASSERT_EQ(a, b) CTEST_CMP_(1, a, ==, b)
#define ASSERT_NE(a, b) CTEST_CMP_(1, a, !=, b)
#define ASSERT_LT(a, b) CTEST_CMP_(1, a, <, b)
#define ASSERT_LE(a, b) CTEST_CMP_(1, a, <=, b)
#define ASSERT_GT(a, b) CTEST_CMP_(1, a, >, b)
#define ASSERT_GE(a, b) CTEST_CMP_(1, a, >=, b)
#define ASSERT_TRUE(a) CTEST_CMP_(1, !!(a), ==, 1)
#define ASSERT_FALSE(a) CTEST_CMP_(1, !!(a), ==, 0)
#define EXPECT_EQ(a, b) CTEST_CMP_(0, a, ==, b)
#define EXPECT_NE(a, b) CTEST_CMP_(0, a, !=, b)
#define EXPECT_TRUE(a) CTEST_CMP_(0, !!(a), ==, 1)
#define EXPECT_FALSE(a) CTEST_CMP_(0, !!(a), ==, 0)

/* ioctl(2) that must succeed, or fail with exactly errno e. */
#define ASSERT_IOCTL_OK(fd, req, arg)                                   \
    do {                                                                \
        if (ioctl((fd), (req), (arg)) != 0) {                           \
            ctest_fail(__FILE__, __LINE__, "%s: %s", #req,              \
                       strerror(errno));                                \
            ctest_abort_test();                                         \
        }                                                               \
    } while (0)

#define ASSERT_IOCTL_ERR(e, fd, req, arg)                               \
    do {                                                                \
        int ctest_r_ = ioctl((fd), (req), (arg));                       \
        int ctest_e_ = errno;                                           \
        if (ctest_r_ != -1 || ctest_e_ != (e)) {                        \
            ctest_fail(__FILE__, __LINE__,                              \
                       "%s: expected %s, got %s", #req, strerror(e),    \
                       ctest_r_ == -1 ? strerror(ctest_e_) : "success");\
            ctest_abort_test();                                         \
        }                                                               \
    } while (0)

#endif
