/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's PL011 UART at 0x09000000, through qtest: the ID
 * registers hardware has, reset state, transmit to the chardev given with
 * -serial, receive from it, and the interrupt (SPI 1) as seen on the GIC's
 * input line when intercepted.
 *
 * The ID and reset tests also run against QEMU (QTEST_ACCEL=tcg).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "libqtest.h"

#define UART 0x09000000ULL
#define UARTDR 0x000
#define UARTFR 0x018
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044

#define FR_RXFE (1 << 4)
#define FR_TXFE (1 << 7)
#define INT_RX (1 << 4)
#define INT_TX (1 << 5)

#define UART_SPI 1

static void test_id_registers(void)
{
    static const uint8_t id[8] = {
        0x11, 0x10, 0x14, 0x00,     /* PeriphID0..3: PL011, Arm */
        0x0d, 0xf0, 0x05, 0xb1,     /* PrimeCell ID0..3 */
    };
    QTestState *s = qtest_init(NULL);
    int i;

    for (i = 0; i < 8; i++) {
        g_assert_cmphex(qtest_readl(s, UART + 0xfe0 + 4 * i), ==, id[i]);
    }
    qtest_quit(s);
}

/*
 * Narrow and unaligned reads of the word-wide registers, and a wide one:
 * the memory core splits and widens them as QEMU's does, so the values
 * are QEMU's (checked against QEMU 10.0).
 */
static void test_access_sizes(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_readb(s, UART + 0xfe0), ==, 0x11);
    g_assert_cmphex(qtest_readw(s, UART + 0xfe0), ==, 0x11);
    g_assert_cmphex(qtest_readb(s, UART + 0xfe1), ==, 0x11);
    g_assert_cmphex(qtest_readl(s, UART + 0xfe1), ==, 0x10001111);
    g_assert_cmphex(qtest_readl(s, UART + 0xfe2), ==, 0x00100011);
    /* 8 bytes: two word accesses. */
    g_assert_cmphex(qtest_readq(s, UART + 0xfe0), ==, 0x0000001000000011ULL);
    g_assert_cmphex(qtest_readq(s, UART + 0xfe4), ==, 0x0000001400000010ULL);
    qtest_quit(s);
}

static void test_reset_state(void)
{
    QTestState *s = qtest_init(NULL);

    /* Both FIFOs empty, UART off but TX and RX enabled, nothing pending. */
    g_assert_cmphex(qtest_readl(s, UART + UARTFR) & (FR_TXFE | FR_RXFE), ==,
                    FR_TXFE | FR_RXFE);
    g_assert_cmphex(qtest_readl(s, UART + UARTCR), ==, 0x300);
    g_assert_cmphex(qtest_readl(s, UART + UARTIMSC), ==, 0);
    g_assert_cmphex(qtest_readl(s, UART + UARTMIS), ==, 0);
    qtest_quit(s);
}

/* A -serial chardev on a socket the test connects to. */
typedef struct Serial {
    char *dir;
    char *path;
    int fd;
} Serial;

static QTestState *start_with_serial(Serial *ser)
{
    g_autofree char *args = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    QTestState *s;

    ser->dir = g_dir_make_tmp("pl011-XXXXXX", NULL);
    g_assert(ser->dir);
    ser->path = g_build_filename(ser->dir, "serial.sock", NULL);
    args = g_strdup_printf("-chardev socket,id=ser0,path=%s,server=on,"
                           "wait=off -serial chardev:ser0", ser->path);
    s = qtest_init(args);
    ser->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(ser->fd, >=, 0);
    g_strlcpy(sun.sun_path, ser->path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(ser->fd, (struct sockaddr *)&sun, sizeof(sun)),
                    ==, 0);
    return s;
}

static void serial_free(Serial *ser)
{
    close(ser->fd);
    g_unlink(ser->path);
    g_rmdir(ser->dir);
    g_free(ser->path);
    g_free(ser->dir);
}

/* Read exactly len bytes from the serial socket (bounded wait). */
static void serial_read(Serial *ser, char *buf, size_t len)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = ser->fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        n = read(ser->fd, buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

static void test_transmit(void)
{
    QTestState *s;
    Serial ser;
    char buf[5];
    const char *msg = "hello";
    int i;

    s = start_with_serial(&ser);
    qtest_irq_intercept_in(s, "/machine/gic");
    qtest_writel(s, UART + UARTCR, 0x301);          /* UARTEN|TXE|RXE */
    g_assert_false(qtest_get_irq(s, UART_SPI));
    for (i = 0; msg[i]; i++) {
        qtest_writel(s, UART + UARTDR, msg[i]);
    }
    serial_read(&ser, buf, 5);
    g_assert_cmpmem(buf, 5, msg, 5);

    /* The TX interrupt is raw-pending; unmasking it raises the line. */
    g_assert_cmphex(qtest_readl(s, UART + UARTRIS) & INT_TX, ==, INT_TX);
    g_assert_false(qtest_get_irq(s, UART_SPI));
    qtest_writel(s, UART + UARTIMSC, INT_TX);
    g_assert_cmphex(qtest_readl(s, UART + UARTMIS), ==, INT_TX);
    g_assert_true(qtest_get_irq(s, UART_SPI));
    /* Clearing it lowers the line. */
    qtest_writel(s, UART + UARTICR, INT_TX);
    g_assert_cmphex(qtest_readl(s, UART + UARTMIS), ==, 0);
    g_assert_false(qtest_get_irq(s, UART_SPI));
    /* The GIC model saw the same edge. */
    g_assert_cmpint(qtest_qom_get_int(s, "/machine/gic", "x-raise-count"),
                    >=, 1);
    qtest_quit(s);
    serial_free(&ser);
}

/*
 * Bytes written to the serial socket reach the UART through the binary's
 * main loop: wait (bounded) until its receive FIFO holds one.
 */
static void wait_rx(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (qtest_readl(s, UART + UARTFR) & FR_RXFE) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

static void test_receive(void)
{
    QTestState *s;
    Serial ser;

    s = start_with_serial(&ser);
    qtest_irq_intercept_in(s, "/machine/gic");
    qtest_writel(s, UART + UARTLCR_H, 0x70);       /* 8 bits, FIFOs on */
    qtest_writel(s, UART + UARTCR, 0x301);
    qtest_writel(s, UART + UARTIMSC, INT_RX);
    g_assert_cmpint(write(ser.fd, "ok", 2), ==, 2);

    wait_rx(s);
    g_assert_cmphex(qtest_readl(s, UART + UARTRIS) & INT_RX, ==, INT_RX);
    g_assert_true(qtest_get_irq(s, UART_SPI));
    g_assert_cmphex(qtest_readl(s, UART + UARTDR) & 0xff, ==, 'o');
    /* The second byte may still be on its way. */
    wait_rx(s);
    g_assert_cmphex(qtest_readl(s, UART + UARTDR) & 0xff, ==, 'k');
    g_assert_cmphex(qtest_readl(s, UART + UARTFR) & FR_RXFE, ==, FR_RXFE);
    qtest_quit(s);
    serial_free(&ser);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pl011/id-registers", test_id_registers);
    g_test_add_func("/pl011/reset-state", test_reset_state);
    g_test_add_func("/pl011/access-sizes", test_access_sizes);
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/pl011/transmit", test_transmit);
        g_test_add_func("/pl011/receive", test_receive);
    }
    return g_test_run();
}
