/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol itself, on the virt machine: guest RAM at 0x40000000
 * written and read back with every access size and with the hex, base64
 * and memset verbs; unmapped reads; the clock verbs; and malformed
 * requests, which must get an error reply and leave the session usable.
 *
 * The memory tests also run against QEMU (QTEST_ACCEL=tcg, see
 * docs/devel/qtest.rst); the clock and malformed-request tests need our
 * binary with the qtest accelerator (QEMU aborts on malformed requests).
 */
#include <string.h>

#include "libqtest.h"

#define RAM_BASE 0x40000000ULL

static void test_sized_access(void)
{
    QTestState *s = qtest_init(NULL);
    uint64_t a = RAM_BASE + 0x1000;

    qtest_writeb(s, a, 0x5a);
    g_assert_cmphex(qtest_readb(s, a), ==, 0x5a);
    qtest_writew(s, a + 2, 0xbeef);
    g_assert_cmphex(qtest_readw(s, a + 2), ==, 0xbeef);
    qtest_writel(s, a + 4, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(s, a + 4), ==, 0xdeadbeef);
    qtest_writeq(s, a + 8, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readq(s, a + 8), ==, 0x0123456789abcdefULL);

    /* Little-endian layout: the bytes of the quadword, lowest first. */
    g_assert_cmphex(qtest_readb(s, a + 8), ==, 0xef);
    g_assert_cmphex(qtest_readb(s, a + 15), ==, 0x01);
    g_assert_cmphex(qtest_readw(s, a + 4), ==, 0xbeef);
    g_assert_cmphex(qtest_readl(s, a + 12), ==, 0x01234567);
    /* A narrower write changes only its bytes. */
    qtest_writeb(s, a + 9, 0x00);
    g_assert_cmphex(qtest_readq(s, a + 8), ==, 0x0123456789ab00efULL);
    /* Unaligned accesses to RAM work. */
    qtest_writel(s, a + 0x21, 0x11223344);
    g_assert_cmphex(qtest_readl(s, a + 0x21), ==, 0x11223344);
    g_assert_cmphex(qtest_readb(s, a + 0x21), ==, 0x44);
    g_assert_false(qtest_big_endian(s));
    qtest_quit(s);
}

static void test_bulk_verbs(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t pattern[300], back[300], zero[300];
    size_t i;

    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }
    memset(zero, 0, sizeof(zero));

    qtest_memwrite(s, RAM_BASE + 0x2000, pattern, sizeof(pattern));
    qtest_memread(s, RAM_BASE + 0x2000, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), pattern, sizeof(pattern));
    /* What "write" stored, "b64read" sees, and the other way round. */
    memset(back, 0, sizeof(back));
    qtest_bufread(s, RAM_BASE + 0x2000, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), pattern, sizeof(pattern));

    qtest_bufwrite(s, RAM_BASE + 0x3001, pattern, 257);
    qtest_memread(s, RAM_BASE + 0x3001, back, 257);
    g_assert_cmpmem(back, 257, pattern, 257);
    g_assert_cmphex(qtest_readb(s, RAM_BASE + 0x3000), ==, 0);
    g_assert_cmphex(qtest_readb(s, RAM_BASE + 0x3001 + 257), ==, 0);

    qtest_memset(s, RAM_BASE + 0x2010, 0xa5, 16);
    qtest_memread(s, RAM_BASE + 0x2000, back, 48);
    g_assert_cmpmem(back, 16, pattern, 16);
    for (i = 16; i < 32; i++) {
        g_assert_cmphex(back[i], ==, 0xa5);
    }
    g_assert_cmpmem(back + 32, 16, pattern + 32, 16);
    /* memset of 0 bytes is allowed and does nothing. */
    qtest_memset(s, RAM_BASE + 0x2000, 0xff, 0);
    g_assert_cmphex(qtest_readb(s, RAM_BASE + 0x2000), ==, pattern[0]);

    /* Hex data shorter than the size is zero-filled at the end. */
    g_free(qtest_raw_request(s, "write 0x%llx 4 0x%s",
                             RAM_BASE + 0x4000, "aabb"));
    g_assert_cmphex(qtest_readl(s, RAM_BASE + 0x4000), ==, 0xbbaa);
    /* Fresh RAM reads as zero. */
    qtest_memread(s, RAM_BASE + 0x100000, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), zero, sizeof(zero));
    qtest_quit(s);
}

static void test_last_ram_byte(void)
{
    QTestState *s = qtest_init("-m 256M");
    uint64_t last = RAM_BASE + 256 * 1024 * 1024 - 1;

    qtest_writeb(s, last, 0x77);
    g_assert_cmphex(qtest_readb(s, last), ==, 0x77);
    /* Just past the end of RAM nothing is mapped: reads give zero. */
    qtest_writel(s, last + 1, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, last + 1), ==, 0);
    qtest_quit(s);
}

static void test_unmapped(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t buf[16];
    size_t i;

    /*
     * Holes of the virt map: between the devices below 0x0a000000 and in
     * the platform-bus window with nothing on it.  QEMU reads zero there,
     * and so do we; writes go nowhere.
     */
    qtest_writel(s, 0x09fff000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x09fff000), ==, 0);
    g_assert_cmphex(qtest_readq(s, 0x0c000000), ==, 0);
    g_assert_cmphex(qtest_readb(s, 0xfffffffffffffff0ULL), ==, 0);
    qtest_memread(s, 0x0c100000, buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    /* The process lives on and RAM still works. */
    qtest_writel(s, RAM_BASE, 0xcafef00d);
    g_assert_cmphex(qtest_readl(s, RAM_BASE), ==, 0xcafef00d);
    qtest_qmp_assert_success(s, "{'execute': 'query-status'}");
    qtest_quit(s);
}

static void test_clock(void)
{
    QTestState *s = qtest_init(NULL);
    char *reply;

    g_assert_cmpint(qtest_clock_set(s, 1000), ==, 1000);
    g_assert_cmpint(qtest_clock_step(s, 500), ==, 1500);
    /* The clock never goes back: clock_set to the past says FAIL NOW. */
    reply = qtest_raw_request(s, "clock_set 10");
    g_assert_cmpstr(reply, ==, "FAIL 1500");
    g_free(reply);
    reply = qtest_raw_request(s, "clock_step 0");
    g_assert_cmpstr(reply, ==, "FAIL could not advance time");
    g_free(reply);
    g_assert_cmpint(qtest_clock_set(s, 1500), ==, 1500);
    qtest_quit(s);
}

static void expect_reply(QTestState *s, const char *request,
                         const char *prefix)
{
    char *reply = qtest_raw_request(s, "%s", request);

    if (!g_str_has_prefix(reply, prefix)) {
        g_error("request '%s': expected a reply starting '%s', got '%s'",
                request, prefix, reply);
    }
    g_free(reply);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "readl",                          /* missing address */
        "readl 0x40000000 4",             /* one argument too many */
        "readl banana",                   /* not a number */
        "readl 0x4000000g",               /* trailing garbage */
        "readl -1",                       /* negative address */
        "writel 0x40000000",              /* missing value */
        "writel 0x40000000 0x1ffffffffffffffff",  /* overflow */
        "read 0x40000000 0",              /* zero-size read */
        "read 0x40000000 99999999999999", /* absurd size */
        "write 0x40000000 2 0xzzzz",      /* not hex */
        "write 0x40000000 2 0x123",       /* odd number of digits */
        "write 0x40000000 2 12",          /* no 0x */
        "b64write 0x40000000 3 !!!!",     /* not base64 */
        "memset 0x40000000 4",            /* missing value */
        "clock_step -5",                  /* negative step */
        "clock_set soon",
        "set_irq_in /machine/gic unnamed-gpio-in x 1",
        "",                               /* empty line */
        "readl  0x40000000",              /* two spaces */
    };
    QTestState *s = qtest_init(NULL);
    char *reply;
    size_t i;

    qtest_writel(s, RAM_BASE, 0x600df00d);
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        expect_reply(s, bad[i], "ERR ");
        /* The session goes on, and nothing was written. */
        g_assert_cmphex(qtest_readl(s, RAM_BASE), ==, 0x600df00d);
    }
    reply = qtest_raw_request(s, "frobnicate 1 2");
    g_assert_cmpstr(reply, ==, "FAIL Unknown command 'frobnicate'");
    g_free(reply);
    expect_reply(s, "irq_intercept_in /no/such/device", "FAIL Unknown device");
    expect_reply(s, "set_irq_in /machine/gic unnamed-gpio-in 100000 1",
                 "FAIL ");
    /* A CRLF line ending is accepted. */
    expect_reply(s, "readl 0x40000000\r", "OK 0x00000000600df00d");
    qtest_qmp_assert_success(s, "{'execute': 'query-status'}");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest/ram/sized-access", test_sized_access);
    g_test_add_func("/qtest/ram/bulk-verbs", test_bulk_verbs);
    g_test_add_func("/qtest/ram/last-byte", test_last_ram_byte);
    g_test_add_func("/qtest/unmapped", test_unmapped);
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/qtest/clock", test_clock);
        g_test_add_func("/qtest/malformed", test_malformed);
    }
    return g_test_run();
}
