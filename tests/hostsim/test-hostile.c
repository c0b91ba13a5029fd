/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regression tests for what hostile input (the random walk of
 * test-fuzz.c) found in the host simulator, one test per bug:
 *  - edu's factorial register looped n times under the simulator lock,
 *    so a program writing a large n (up to 2^32 - 1) stalled every
 *    simulated call and the control channel for seconds;
 *  - the control socket answered a request longer than
 *    HOSTSIM_CONTROL_MAX_LINE as a normal one when its newline came in
 *    the same read that crossed the limit.
 */
#include "hostsim-int.h"
#include "hostsim.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EDU_REG_FACT    0x08

/* ---- edu factorial ---- */

static uint32_t factorial(HSFunc *f, uint32_t n)
{
    hs_edu_write(f, EDU_REG_FACT, n, 4);
    return hs_edu_read(f, EDU_REG_FACT, 4);
}

static void test_edu_factorial_large(void)
{
    HSFunc f = { .bdf = "0000:00:00.0" };
    gint64 start;

    hs_edu_init(&f);
    /* n! modulo 2^32, as QEMU's edu computes it. */
    g_assert_cmphex(factorial(&f, 0), ==, 1);
    g_assert_cmphex(factorial(&f, 12), ==, 479001600);
    g_assert_cmphex(factorial(&f, 13), ==, 0x7328cc00);
    g_assert_cmphex(factorial(&f, 33), ==, 0x80000000);
    g_assert_cmphex(factorial(&f, 34), ==, 0);
    /* The largest n is as quick as the others (it used to loop 2^32). */
    start = g_get_monotonic_time();
    g_assert_cmphex(factorial(&f, UINT32_MAX), ==, 0);
    g_assert_cmphex(factorial(&f, 0x7fffffff), ==, 0);
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC / 10);
    hs_edu_fini(&f);
}

/* ---- the control socket's line limit ---- */

static int sock_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, g_getenv(HOSTSIM_ENV_CONTROL),
              sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

static void sock_send(int fd, const GString *s)
{
    for (gsize off = 0; off < s->len;) {
        ssize_t n = send(fd, s->str + off, s->len - off, MSG_NOSIGNAL);

        g_assert_cmpint(n, >, 0);
        off += n;
    }
}

/* One reply line, without its newline (g_free). */
static char *sock_line(int fd)
{
    GString *in = g_string_new(NULL);
    char c;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        g_assert_cmpint(poll(&p, 1, 10000), ==, 1);
        g_assert_cmpint(recv(fd, &c, 1, 0), ==, 1);
        if (c == '\n') {
            return g_string_free(in, false);
        }
        g_string_append_c(in, c);
    }
}

/* A request line of len bytes before its newline, sent in one write. */
static void send_line(int fd, const char *verb, gsize len)
{
    g_autoptr(GString) s = g_string_new(verb);

    while (s->len < len) {
        g_string_append_c(s, ' ');
    }
    g_string_append_c(s, '\n');
    sock_send(fd, s);
}

/* The next reply line is want (or starts with it, when prefix). */
static void expect_line(int fd, const char *want, bool prefix)
{
    g_autofree char *line = sock_line(fd);

    if (prefix) {
        g_assert_true(g_str_has_prefix(line, want));
    } else {
        g_assert_cmpstr(line, ==, want);
    }
}

static void test_socket_line_limit(void)
{
    g_autofree char *too_long = g_strdup_printf(
        "error EINVAL request longer than %u bytes",
        HOSTSIM_CONTROL_MAX_LINE);
    int fd = sock_connect();

    /* The longest request that fits: MAX - 1 bytes and the newline. */
    send_line(fd, "ping", HOSTSIM_CONTROL_MAX_LINE - 1);
    expect_line(fd, "ok pid=", true);
    /* One byte more, a little more, much more: refused. */
    send_line(fd, "ping", HOSTSIM_CONTROL_MAX_LINE);
    expect_line(fd, too_long, false);
    send_line(fd, "ping", HOSTSIM_CONTROL_MAX_LINE + 100);
    expect_line(fd, too_long, false);
    send_line(fd, "ping", 3 * HOSTSIM_CONTROL_MAX_LINE);
    expect_line(fd, too_long, false);
    /*
     * The end in the read that crosses the limit: the server reads 4 KiB
     * at a time, so let it take 1000 bytes first.
     */
    {
        g_autoptr(GString) head = g_string_new("ping");
        g_autoptr(GString) rest = g_string_new(NULL);

        while (head->len < 1000) {
            g_string_append_c(head, ' ');
        }
        sock_send(fd, head);
        g_usleep(G_USEC_PER_SEC / 20);
        while (head->len + rest->len < HOSTSIM_CONTROL_MAX_LINE + 64) {
            g_string_append_c(rest, ' ');
        }
        g_string_append_c(rest, '\n');
        sock_send(fd, rest);
        expect_line(fd, too_long, false);
    }
    /* The connection goes on. */
    send_line(fd, "ping", 4);
    expect_line(fd, "ok pid=", true);
    close(fd);
}

int main(int argc, char **argv)
{
    g_autofree char *sock = g_strdup_printf("%s/hostsim-hostile-%d.sock",
                                            g_get_tmp_dir(), (int)getpid());

    g_test_init(&argc, &argv, NULL);
    g_setenv(HOSTSIM_ENV_CONTROL, sock, true);
    hs_init();
    g_test_add_func("/hostsim/hostile/edu-factorial-large",
                    test_edu_factorial_large);
    g_test_add_func("/hostsim/hostile/socket-line-limit",
                    test_socket_line_limit);
    return g_test_run();
}
