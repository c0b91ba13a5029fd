/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the PL011 UART without a board: the device is realized
 * on the system bus, mapped into system memory and driven with loads and
 * stores; its combined IRQ goes to a recording line.  Transmit and
 * receive go through a real socket chardev whose peer is the test.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "hw/char/pl011.h"
#include "hw/irq.h"
#include "qemu/main-loop.h"

#define BASE 0x9000000
#define DR 0x00
#define RSR 0x04
#define FR 0x18
#define IBRD 0x24
#define FBRD 0x28
#define LCR_H 0x2c
#define CR 0x30
#define IFLS 0x34
#define IMSC 0x38
#define RIS 0x3c
#define MIS 0x40
#define ICR 0x44

#define FR_RXFE 0x10
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define INT_RX 0x10
#define INT_TX 0x20
#define LCR_FEN 0x10
#define CR_ON 0x301             /* UARTEN | TXE | RXE */
#define CR_LBE 0x80

typedef struct Fixture {
    DeviceState *dev;
    qemu_irq line;
    int level;
    int raises;
    /* Socket chardev and the test's end of it (or -1). */
    char *dir;
    char *path;
    int peer;
} Fixture;

static int chardev_count;

static void line_handler(void *opaque, int n, int level)
{
    Fixture *f = opaque;

    if (level && !f->level) {
        f->raises++;
    }
    f->level = level;
}

static uint32_t rd(hwaddr off)
{
    return address_space_ldl_le(&address_space_memory, BASE + off,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr(hwaddr off, uint32_t v)
{
    address_space_stl_le(&address_space_memory, BASE + off, v,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

/* A UART on a unix-socket chardev the test is connected to (or none). */
static void fixture_init(Fixture *f, bool with_chardev)
{
    g_autofree char *id = NULL;

    memset(f, 0, sizeof(*f));
    f->peer = -1;
    f->dev = qdev_new(TYPE_PL011);
    if (with_chardev) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        g_autofree char *spec = NULL;
        Chardev *chr;
        gint64 deadline;

        id = g_strdup_printf("ser%d", chardev_count++);
        f->dir = g_dir_make_tmp("test-pl011-XXXXXX", NULL);
        f->path = g_build_filename(f->dir, "sock", NULL);
        spec = g_strdup_printf("unix:%s,server=on,wait=off", f->path);
        chr = qemu_chr_new_compat(id, spec, &error_abort);
        f->peer = socket(AF_UNIX, SOCK_STREAM, 0);
        g_strlcpy(sun.sun_path, f->path, sizeof(sun.sun_path));
        g_assert_cmpint(connect(f->peer, (struct sockaddr *)&sun,
                                sizeof(sun)), ==, 0);
        deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
        while (!qemu_chr_fe_is_connected(chr)) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            main_loop_wait(false);
        }
        object_property_set_str(OBJECT(f->dev), "chardev", id,
                                &error_abort);
    }
    sysbus_realize(SYS_BUS_DEVICE(f->dev), &error_abort);
    sysbus_mmio_map(SYS_BUS_DEVICE(f->dev), 0, BASE);
    f->line = qemu_allocate_irq(line_handler, f, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(f->dev), 0, f->line);
}

static void fixture_fini(Fixture *f)
{
    g_autofree char *id = object_property_get_str(OBJECT(f->dev), "chardev",
                                                  &error_abort);

    object_unparent(OBJECT(f->dev));
    object_unref(OBJECT(f->dev));
    qemu_free_irq(f->line);
    if (id && *id) {
        qemu_chr_delete(qemu_chr_find(id));
    }
    if (f->peer >= 0) {
        close(f->peer);
        g_unlink(f->path);
        g_rmdir(f->dir);
    }
    g_free(f->path);
    g_free(f->dir);
}

/* Run the main loop until the UART has received something. */
static void wait_rx(void)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (rd(FR) & FR_RXFE) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(false);
        g_usleep(1000);
    }
}

static void test_id_and_reset(void)
{
    static const uint8_t id[8] = {
        0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
    };
    Fixture f;
    uint64_t v;
    int i;

    fixture_init(&f, false);
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(rd(0xfe0 + 4 * i), ==, id[i]);
    }
    /* Byte accesses are valid (the register is in the low byte). */
    g_assert_cmpint(address_space_load(&address_space_memory, BASE + 0xfe4,
                                       MEMTXATTRS_UNSPECIFIED, &v, 1),
                    ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x10);

    g_assert_cmphex(rd(FR), ==, FR_TXFE | FR_RXFE);
    g_assert_cmphex(rd(CR), ==, 0x300);
    g_assert_cmphex(rd(IFLS), ==, 0x12);
    g_assert_cmphex(rd(LCR_H), ==, 0);
    g_assert_cmphex(rd(IMSC), ==, 0);
    g_assert_cmphex(rd(RIS), ==, 0);

    /* Registers keep what is written (within their width)... */
    wr(IBRD, 0x12345);
    wr(FBRD, 0xff);
    wr(CR, CR_ON);
    wr(IMSC, 0xffffffff);
    g_assert_cmphex(rd(IBRD), ==, 0x2345);
    g_assert_cmphex(rd(FBRD), ==, 0x3f);
    g_assert_cmphex(rd(IMSC), ==, 0x7ff);
    /* ...read-only ones do not, bad offsets read zero... */
    wr(FR, 0);
    g_assert_cmphex(rd(FR), ==, FR_TXFE | FR_RXFE);
    g_assert_cmphex(rd(0x800), ==, 0);
    wr(0x800, 1);
    /* ...and reset brings the reset values back. */
    device_cold_reset(f.dev);
    g_assert_cmphex(rd(IBRD), ==, 0);
    g_assert_cmphex(rd(CR), ==, 0x300);
    g_assert_cmphex(rd(IMSC), ==, 0);
    fixture_fini(&f);
}

static void test_tx_interrupt(void)
{
    Fixture f;

    fixture_init(&f, false);
    wr(CR, CR_ON);
    /* No chardev: the byte goes nowhere, but it was sent. */
    wr(DR, 'x');
    g_assert_cmphex(rd(RIS) & INT_TX, ==, INT_TX);
    g_assert_cmphex(rd(MIS), ==, 0);
    g_assert_cmpint(f.level, ==, 0);

    wr(IMSC, INT_TX);
    g_assert_cmphex(rd(MIS), ==, INT_TX);
    g_assert_cmpint(f.level, ==, 1);

    wr(ICR, INT_TX);
    g_assert_cmphex(rd(RIS) & INT_TX, ==, 0);
    g_assert_cmpint(f.level, ==, 0);

    /* The next byte raises it again; masking lowers the line. */
    wr(DR, 'y');
    g_assert_cmpint(f.level, ==, 1);
    g_assert_cmpint(f.raises, ==, 2);
    wr(IMSC, 0);
    g_assert_cmpint(f.level, ==, 0);
    g_assert_cmphex(rd(FR) & FR_TXFE, ==, FR_TXFE);
    fixture_fini(&f);
}

static void test_transmit_to_chardev(void)
{
    Fixture f;
    char buf[8] = "";
    size_t got = 0;

    fixture_init(&f, true);
    wr(CR, CR_ON);
    wr(DR, 'h');
    wr(DR, 'i');
    /* Byte stores to UARTDR work as well. */
    address_space_store(&address_space_memory, BASE + DR,
                        MEMTXATTRS_UNSPECIFIED, '!', 1);
    while (got < 3) {
        struct pollfd pfd = { .fd = f.peer, .events = POLLIN };
        ssize_t n;

        /* Written synchronously: it is there already, or never. */
        g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
        n = read(f.peer, buf + got, sizeof(buf) - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
    g_assert_cmpmem(buf, got, "hi!", 3);
    fixture_fini(&f);
}

static void test_receive(void)
{
    Fixture f;

    fixture_init(&f, true);
    wr(CR, CR_ON);
    wr(IMSC, INT_RX);
    g_assert_cmpint(write(f.peer, "abc", 3), ==, 3);
    wait_rx();
    g_assert_cmphex(rd(RIS) & INT_RX, ==, INT_RX);
    g_assert_cmpint(f.level, ==, 1);
    /* FIFO off: one character at a time, the rest waits its turn. */
    g_assert_cmphex(rd(FR) & FR_RXFF, ==, FR_RXFF);
    g_assert_cmphex(rd(DR), ==, 'a');
    wait_rx();
    g_assert_cmphex(rd(DR), ==, 'b');
    wait_rx();
    g_assert_cmphex(rd(DR), ==, 'c');
    g_assert_cmphex(rd(FR) & FR_RXFE, ==, FR_RXFE);
    g_assert_cmphex(rd(RIS) & INT_RX, ==, 0);
    g_assert_cmpint(f.level, ==, 0);
    g_assert_cmphex(rd(RSR), ==, 0);
    fixture_fini(&f);
}

static void test_receive_fifo(void)
{
    const char *msg = "0123456789abcdefghij";   /* 20 > 16 */
    Fixture f;
    size_t i;

    fixture_init(&f, true);
    wr(LCR_H, 0x60 | LCR_FEN);
    wr(CR, CR_ON);
    g_assert_cmpint(write(f.peer, msg, 20), ==, 20);
    /* Wait until the FIFO is full (all 20 bytes may take a while). */
    for (i = 0; i < 5000 && !(rd(FR) & FR_RXFF); i++) {
        main_loop_wait(false);
        g_usleep(1000);
    }
    g_assert_cmphex(rd(FR) & FR_RXFF, ==, FR_RXFF);
    for (i = 0; i < 20; i++) {
        wait_rx();
        g_assert_cmphex(rd(DR), ==, (uint8_t)msg[i]);
    }
    g_assert_cmphex(rd(FR) & (FR_RXFE | FR_RXFF), ==, FR_RXFE);

    /* Turning the FIFO off empties it. */
    g_assert_cmpint(write(f.peer, "z", 1), ==, 1);
    wait_rx();
    wr(LCR_H, 0x60);
    g_assert_cmphex(rd(FR) & FR_RXFE, ==, FR_RXFE);
    fixture_fini(&f);
}

static void test_receive_overrun(void)
{
    size_t total = PL011_BACKLOG_MAX + 4 * KiB, sent = 0;
    g_autofree uint8_t *data = g_malloc(total);
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    Fixture f;
    size_t i;

    fixture_init(&f, true);
    wr(CR, CR_ON);
    for (i = 0; i < total; i++) {
        data[i] = i & 0x7f;
    }
    g_unix_set_fd_nonblocking(f.peer, true, NULL);
    /* Nobody reads the UART: the backlog overflows into an overrun. */
    while (!(rd(RIS) & 0x400)) {
        ssize_t n = sent < total ? write(f.peer, data + sent, total - sent)
                                 : 0;

        if (n > 0) {
            sent += n;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(false);
    }
    /* The overrun shows on the last character that made it in. */
    g_assert_cmphex(rd(DR), ==, 0x800);
    g_assert_cmphex(rd(RSR), ==, 0x8);
    wr(RSR, 0);
    g_assert_cmphex(rd(RSR), ==, 0);
    /* What the backlog kept still comes in order. */
    g_assert_cmphex(rd(DR), ==, 1);
    g_assert_cmphex(rd(DR), ==, 2);
    fixture_fini(&f);
}

static void test_loopback(void)
{
    Fixture f;

    fixture_init(&f, false);
    wr(CR, CR_ON | CR_LBE);
    wr(DR, 'q');
    g_assert_cmphex(rd(FR) & FR_RXFE, ==, 0);
    g_assert_cmphex(rd(RIS) & INT_RX, ==, INT_RX);
    g_assert_cmphex(rd(DR), ==, 'q');
    /* RTS loops back to CTS. */
    wr(CR, CR_ON | CR_LBE | 0x800);
    g_assert_cmphex(rd(FR) & 1, ==, 1);
    fixture_fini(&f);
}

static void test_chardev_errors(void)
{
    DeviceState *dev = qdev_new(TYPE_PL011);
    Fixture f;
    g_autofree char *id = NULL;
    Error *err = NULL;

    object_property_set_str(OBJECT(dev), "chardev", "nope", &error_abort);
    g_assert_false(sysbus_realize(SYS_BUS_DEVICE(dev), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'pl011.chardev' can't find value 'nope'");
    error_free(err);
    err = NULL;

    /* A chardev serves one UART... */
    fixture_init(&f, true);
    id = object_property_get_str(OBJECT(f.dev), "chardev", &error_abort);
    object_property_set_str(OBJECT(dev), "chardev", id, &error_abort);
    g_assert_false(sysbus_realize(SYS_BUS_DEVICE(dev), &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "it's in use"));
    error_free(err);

    /* ...until that UART is gone. */
    object_unparent(OBJECT(f.dev));
    g_assert_true(sysbus_realize(SYS_BUS_DEVICE(dev), &error_abort));
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    fixture_fini(&f);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    g_test_add_func("/pl011/id-and-reset", test_id_and_reset);
    g_test_add_func("/pl011/tx-interrupt", test_tx_interrupt);
    g_test_add_func("/pl011/transmit", test_transmit_to_chardev);
    g_test_add_func("/pl011/receive", test_receive);
    g_test_add_func("/pl011/receive-fifo", test_receive_fifo);
    g_test_add_func("/pl011/receive-overrun", test_receive_overrun);
    g_test_add_func("/pl011/loopback", test_loopback);
    g_test_add_func("/pl011/chardev-errors", test_chardev_errors);
    ret = g_test_run();
    qemu_chr_cleanup_all();
    qemu_cleanup_main_loop();
    memory_system_teardown();
    return ret;
}
