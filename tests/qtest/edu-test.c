/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The edu PCI device on the virt machine, driven the way a driver would:
 * the test finds it on pcie.0 by its IDs, assigns and enables BAR 0, and
 * checks the identification, liveness and factorial registers, interrupt
 * raise and acknowledge over INTx (observed at the GIC's input line) and
 * over MSI, and DMA between guest RAM and the device buffer: a copy there
 * and back, partial and boundary transfers, registers frozen while a
 * transfer is pending, the bus-master gate, dma_mask, and failed or
 * out-of-range transfers that must complete without harm.
 *
 * It runs against QEMU too (QTEST_ACCEL=tcg): there the virtual clock
 * only moves while the VM runs, so a DMA wait briefly lets the (firmware
 * less) vCPU run.  Cases that rely on the qtest accelerator, our QOM
 * paths or log text, or on deliberate differences (out-of-range
 * transfers, reset) run against ours only.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "edu-regs.h"

/* Guest RAM (virt: at 1 GiB) the test uses as the driver's buffers. */
#define RAM 0x40000000ULL
#define SRC_RAM (RAM + 0x100000)
#define DST_RAM (RAM + 0x200000)
#define MSI_RAM (RAM + 0x300000)

/* virt wires pcie.0's INTA..INTD to SPIs 3..6, swizzled by slot. */
#define VIRT_SPI_PCIE 3

/* Lets DMA reach all of RAM (QEMU's default mask stops at 256 MiB). */
#define WIDE_MASK "dma_mask=0xffffffffffffffff"

typedef struct Edu {
    QTestState *qts;
    QPCIBus pci;
    int busnr;
    int devfn;
    uint64_t bar;
    int spi;                    /* the GIC input of its INTA */
} Edu;

/* ---- helpers ---- */

/* QOM path of the GICv3: ours is /machine/gic, QEMU's is unattached. */
static char *find_gic(QTestState *qts)
{
    static const char *const dirs[] = { "/machine", "/machine/unattached" };
    char *found = NULL;

    for (size_t d = 0; d < G_N_ELEMENTS(dirs) && !found; d++) {
        JsonNode *ret = qtest_qmp_assert_success_ref(qts,
            "{'execute': 'qom-list', 'arguments': {'path': '%s'}}",
            dirs[d]);
        JsonArray *props = json_node_get_array(ret);

        for (guint i = 0; i < json_array_get_length(props) && !found; i++) {
            JsonObject *p = json_array_get_object_element(props, i);

            if (!strcmp(json_object_get_string_member(p, "type"),
                        "child<arm-gicv3>")) {
                found = g_strdup_printf("%s/%s", dirs[d],
                    json_object_get_string_member(p, "name"));
            }
        }
        json_node_unref(ret);
    }
    g_assert_nonnull(found);
    return found;
}

/* The root port of edu_start_behind_port(), and the bus behind it. */
#define PORT_DEVFN PCI_DEVFN(2, 0)
#define PORT_BUS 1

/*
 * Start the machine with one edu (id edu0, options edu_opts; behind a
 * root port when port) and extra arguments, find it by its IDs on pcie.0
 * or behind the port, give it BAR 0, enable it and watch the GIC's
 * inputs.
 */
static Edu *edu_start_full(const char *edu_opts, const char *extra,
                           bool port)
{
    g_autofree char *args = g_strdup_printf(
        "-machine gic-version=3 %s-device edu,id=edu0%s%s%s %s",
        port ? "-device pcie-root-port,id=rp0,chassis=1,addr=2.0 " : "",
        port ? ",bus=rp0" : "", edu_opts ? "," : "",
        edu_opts ? edu_opts : "", extra ? extra : "");
    g_autofree char *gic = NULL;
    Edu *e = g_new0(Edu, 1);
    uint64_t size;
    int pin;

    e->qts = qtest_init(args);
    qpci_init_virt(&e->pci, e->qts);
    if (port) {
        qpci_bridge_setup(&e->pci, 0, PORT_DEVFN, PORT_BUS, PORT_BUS);
        e->busnr = PORT_BUS;
    }
    /* The first edu on the bus: edu0 comes first on the command line. */
    e->devfn = -1;
    for (int slot = 0; slot < 32 && e->devfn < 0; slot++) {
        int devfn = PCI_DEVFN(slot, 0);

        if (qpci_config_readw(&e->pci, e->busnr, devfn, PCI_VENDOR_ID) ==
                EDU_VENDOR_ID &&
            qpci_config_readw(&e->pci, e->busnr, devfn, PCI_DEVICE_ID) ==
                EDU_DEVICE_ID) {
            e->devfn = devfn;
        }
    }
    g_assert_cmpint(e->devfn, >=, 0);
    e->bar = qpci_assign_bar(&e->pci, e->busnr, e->devfn, 0, &size);
    g_assert_cmphex(size, ==, 1 << 20);
    qpci_device_enable(&e->pci, e->busnr, e->devfn);
    /* INTA, swizzled by slot at each bridge on the way up. */
    pin = PCI_SLOT(e->devfn) % 4;
    if (port) {
        pin = (pin + PCI_SLOT(PORT_DEVFN)) % 4;
    }
    e->spi = VIRT_SPI_PCIE + pin;

    gic = find_gic(e->qts);
    qtest_irq_intercept_in(e->qts, gic);
    return e;
}

static Edu *edu_start(const char *edu_opts, const char *extra)
{
    return edu_start_full(edu_opts, extra, false);
}

static void edu_quit(Edu *e)
{
    qtest_quit(e->qts);
    g_free(e);
}

static uint32_t edu_readl(Edu *e, uint64_t reg)
{
    return qtest_readl(e->qts, e->bar + reg);
}

static void edu_writel(Edu *e, uint64_t reg, uint32_t val)
{
    qtest_writel(e->qts, e->bar + reg, val);
}

static uint64_t edu_readq(Edu *e, uint64_t reg)
{
    return qtest_readq(e->qts, e->bar + reg);
}

static void edu_writeq(Edu *e, uint64_t reg, uint64_t val)
{
    qtest_writeq(e->qts, e->bar + reg, val);
}

static bool edu_intx(Edu *e)
{
    return qtest_get_irq(e->qts, e->spi);
}

static void edu_set_master(Edu *e, bool on)
{
    uint16_t cmd = qpci_config_readw(&e->pci, e->busnr, e->devfn, PCI_COMMAND);

    cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
    qpci_config_writew(&e->pci, e->busnr, e->devfn, PCI_COMMAND, cmd);
}

/*
 * Poll register reg until (value & mask) == want, for up to 5 s of host
 * time: QEMU computes the factorial in a thread.
 */
static uint32_t edu_poll(Edu *e, uint64_t reg, uint32_t mask, uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    uint32_t v;

    while (((v = edu_readl(e, reg)) & mask) != want) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    return v;
}

static void edu_dma(Edu *e, uint64_t src, uint64_t dst, uint64_t cnt,
                    uint64_t cmd)
{
    edu_writeq(e, EDU_REG_DMA_SRC, src);
    edu_writeq(e, EDU_REG_DMA_DST, dst);
    edu_writeq(e, EDU_REG_DMA_CNT, cnt);
    edu_writeq(e, EDU_REG_DMA_CMD, cmd);
}

/*
 * Let the pending transfer complete: step the virtual clock by the delay
 * under the qtest accelerator; else let the VM run (its clock moves with
 * host time then) until the start bit drops.
 */
static void edu_dma_wait(Edu *e, int64_t delay_ns)
{
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD) & EDU_DMA_RUN, ==,
                    EDU_DMA_RUN);
    if (qtest_accel_is_qtest()) {
        qtest_clock_step(e->qts, delay_ns);
    } else {
        qtest_qmp_assert_success(e->qts, "{'execute': 'cont'}");
        edu_poll(e, EDU_REG_DMA_CMD, EDU_DMA_RUN, 0);
        qtest_qmp_assert_success(e->qts, "{'execute': 'stop'}");
    }
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD) & EDU_DMA_RUN, ==, 0);
}

static void edu_dma_sync(Edu *e, uint64_t src, uint64_t dst, uint64_t cnt,
                         uint64_t cmd)
{
    edu_dma(e, src, dst, cnt, cmd);
    edu_dma_wait(e, EDU_DEFAULT_DMA_DELAY_NS);
}

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 7 + seed);
    }
}

static void assert_ram_filled(Edu *e, uint64_t addr, uint8_t c, size_t len)
{
    g_autofree uint8_t *got = g_malloc(len);

    qtest_memread(e->qts, addr, got, len);
    for (size_t i = 0; i < len; i++) {
        g_assert_cmphex(got[i], ==, c);
    }
}

/* Put a pattern (seed) in the device buffer through a DMA from RAM. */
static void load_buffer(Edu *e, uint8_t *pattern, uint8_t seed)
{
    fill_pattern(pattern, EDU_BUF_SIZE, seed);
    qtest_memwrite(e->qts, SRC_RAM, pattern, EDU_BUF_SIZE);
    edu_dma_sync(e, SRC_RAM, EDU_BUF_START, EDU_BUF_SIZE, EDU_DMA_RUN);
}

/* Program the MSI capability (64-bit, 1 vector) and enable it. */
static void edu_msi_enable(Edu *e, uint64_t addr, uint16_t data)
{
    uint8_t cap = qpci_find_capability(&e->pci, e->busnr, e->devfn,
                                       PCI_CAP_ID_MSI, 0);
    uint16_t flags;

    g_assert_cmpint(cap, !=, 0);
    flags = qpci_config_readw(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_FLAGS);
    g_assert_true(flags & PCI_MSI_FLAGS_64BIT);
    qpci_config_writel(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_ADDRESS_LO,
                       (uint32_t)addr);
    qpci_config_writel(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_ADDRESS_HI,
                       addr >> 32);
    qpci_config_writew(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_DATA_64,
                       data);
    qpci_config_writew(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
}

static void edu_msi_set_data(Edu *e, uint16_t data)
{
    uint8_t cap = qpci_find_capability(&e->pci, e->busnr, e->devfn,
                                       PCI_CAP_ID_MSI, 0);

    qpci_config_writew(&e->pci, e->busnr, e->devfn, cap + PCI_MSI_DATA_64,
                       data);
}

static bool stderr_has(Edu *e, const char *text)
{
    g_autofree char *err = qtest_get_stderr(e->qts);

    return err && strstr(err, text);
}

/* ---- configuration space ---- */

static void test_config(void)
{
    Edu *e = edu_start(NULL, NULL);
    QPCIBus *pci = &e->pci;
    uint32_t type;
    uint8_t cap;

    g_assert_cmphex(qpci_config_readb(pci, 0, e->devfn, PCI_REVISION_ID), ==,
                    0x10);
    /* QEMU's class code: subclass 0xff, base class 0. */
    g_assert_cmphex(qpci_config_readw(pci, 0, e->devfn, PCI_CLASS_DEVICE),
                    ==, 0x00ff);
    g_assert_cmphex(qpci_config_readb(pci, 0, e->devfn, PCI_HEADER_TYPE), ==,
                    PCI_HEADER_TYPE_NORMAL);
    g_assert_cmphex(qpci_config_readb(pci, 0, e->devfn, PCI_INTERRUPT_PIN),
                    ==, 1);
    g_assert_cmphex(qpci_config_readw(pci, 0, e->devfn,
                                      PCI_SUBSYSTEM_VENDOR_ID), ==, 0x1af4);
    g_assert_cmphex(qpci_config_readw(pci, 0, e->devfn, PCI_SUBSYSTEM_ID),
                    ==, 0x1100);
    g_assert_cmphex(qpci_bar_size(pci, 0, e->devfn, 0, &type), ==, 1 << 20);
    g_assert_cmphex(type, ==, 0);     /* 32-bit, non-prefetchable memory */
    for (int bar = 1; bar < 6; bar++) {
        g_assert_cmphex(qpci_bar_size(pci, 0, e->devfn, bar, NULL), ==, 0);
    }
    /* One MSI capability: 64-bit, one vector, no per-vector masking. */
    cap = qpci_find_capability(pci, 0, e->devfn, PCI_CAP_ID_MSI, 0);
    g_assert_cmphex(cap, ==, 0x40);
    g_assert_cmphex(qpci_config_readw(pci, 0, e->devfn, cap + PCI_MSI_FLAGS),
                    ==, PCI_MSI_FLAGS_64BIT);
    /* A conventional PCI function: no PCI Express capability. */
    g_assert_cmphex(qpci_find_capability(pci, 0, e->devfn, PCI_CAP_ID_EXP,
                                         0), ==, 0);
    g_assert_cmphex(qpci_config_readl(pci, 0, e->devfn, 0x100), ==,
                    0xffffffff);
    edu_quit(e);
}

/* ---- simple registers ---- */

static void test_registers(void)
{
    Edu *e = edu_start(NULL, NULL);

    g_assert_cmphex(edu_readl(e, EDU_REG_ID), ==, EDU_ID_VALUE);
    edu_writel(e, EDU_REG_ID, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_ID), ==, EDU_ID_VALUE);

    g_assert_cmphex(edu_readl(e, EDU_REG_LIVENESS), ==, 0);
    edu_writel(e, EDU_REG_LIVENESS, 0x12345678);
    g_assert_cmphex(edu_readl(e, EDU_REG_LIVENESS), ==, 0xedcba987);
    edu_writel(e, EDU_REG_LIVENESS, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_LIVENESS), ==, 0xffffffff);

    /* Unknown offsets read as all ones. */
    g_assert_cmphex(edu_readl(e, 0x0c), ==, 0xffffffff);
    g_assert_cmphex(edu_readl(e, 0x84), ==, 0xffffffff);
    g_assert_cmphex(edu_readl(e, 0xffffc), ==, 0xffffffff);

    /* Below 0x80 only 32-bit accesses work: 64-bit reads all ones... */
    g_assert_cmphex(edu_readq(e, EDU_REG_ID), ==, UINT64_MAX);
    /* ... and 64-bit writes are dropped. */
    edu_writeq(e, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
    edu_writeq(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_cmphex(edu_readl(e, EDU_REG_STATUS), ==, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    /* An unaligned 8-byte transfer is two 32-bit accesses, as in QEMU. */
    edu_writeq(e, EDU_REG_LIVENESS, 0x0000000311111111ULL);
    g_assert_cmphex(edu_readl(e, EDU_REG_LIVENESS), ==, 0xeeeeeeee);
    edu_poll(e, EDU_REG_STATUS, EDU_STATUS_COMPUTING, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_FACTORIAL), ==, 6);

    /* The DMA registers take both; a 32-bit write clears the top half. */
    edu_writeq(e, EDU_REG_DMA_SRC, 0xaaaaaaaabbbbbbbbULL);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_SRC), ==, 0xaaaaaaaabbbbbbbbULL);
    g_assert_cmphex(edu_readl(e, EDU_REG_DMA_SRC), ==, 0xbbbbbbbb);
    edu_writel(e, EDU_REG_DMA_SRC, 0x12345678);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_SRC), ==, 0x12345678);
    edu_writel(e, EDU_REG_DMA_SRC + 4, 0x1);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_SRC), ==, 0x12345678);
    /* A command without the start bit is ignored. */
    edu_writeq(e, EDU_REG_DMA_CMD, EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, 0);

    /* Nothing raised an interrupt. */
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/* ---- factorial ---- */

static uint32_t edu_factorial(Edu *e, uint32_t n)
{
    edu_writel(e, EDU_REG_FACTORIAL, n);
    edu_poll(e, EDU_REG_STATUS, EDU_STATUS_COMPUTING, 0);
    return edu_readl(e, EDU_REG_FACTORIAL);
}

static void test_factorial(void)
{
    Edu *e = edu_start(NULL, NULL);

    g_assert_cmpuint(edu_factorial(e, 0), ==, 1);
    g_assert_cmpuint(edu_factorial(e, 1), ==, 1);
    g_assert_cmpuint(edu_factorial(e, 10), ==, 3628800);
    /* 32-bit arithmetic: 13! = 6227020800 wraps. */
    g_assert_cmpuint(edu_factorial(e, 13), ==, 6227020800ULL & 0xffffffff);
    /* From 34! on, 2^32 divides the product. */
    g_assert_cmpuint(edu_factorial(e, 33), !=, 0);
    g_assert_cmpuint(edu_factorial(e, 34), ==, 0);
    g_assert_cmpuint(edu_factorial(e, 40), ==, 0);

    /* Only the interrupt-enable bit of the status register is writable. */
    edu_writel(e, EDU_REG_STATUS, 0xffffffff);
    g_assert_cmphex(edu_readl(e, EDU_REG_STATUS), ==, EDU_STATUS_IRQ_FACT);
    edu_writel(e, EDU_REG_STATUS, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_STATUS), ==, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    edu_quit(e);
}

static void test_factorial_irq(void)
{
    Edu *e = edu_start(NULL, NULL);

    edu_writel(e, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
    g_assert_cmpuint(edu_factorial(e, 5), ==, 120);
    /* QEMU raises it just after clearing the busy bit: wait for it. */
    edu_poll(e, EDU_REG_IRQ_STATUS, EDU_IRQ_FACT, EDU_IRQ_FACT);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_FACT);
    g_assert_true(edu_intx(e));
    g_assert_cmphex(edu_readl(e, EDU_REG_STATUS), ==, EDU_STATUS_IRQ_FACT);
    edu_writel(e, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));

    /* With the enable bit clear, no interrupt. */
    edu_writel(e, EDU_REG_STATUS, 0);
    g_assert_cmpuint(edu_factorial(e, 6), ==, 720);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/* ---- interrupts ---- */

static void test_intx(void)
{
    Edu *e = edu_start(NULL, NULL);

    g_assert_false(edu_intx(e));
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x12);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0x12);
    g_assert_true(edu_intx(e));
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x80000000);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0x80000012);
    /* The line stays up until every bit is acknowledged. */
    edu_writel(e, EDU_REG_IRQ_ACK, 0x80000002);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0x10);
    g_assert_true(edu_intx(e));
    edu_writel(e, EDU_REG_IRQ_ACK, 0xffffffff);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));
    /* The status register is read-only; raising nothing raises nothing. */
    edu_writel(e, EDU_REG_IRQ_STATUS, 0x1);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));

    /* The command register's INTx disable holds the line down. */
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_true(edu_intx(e));
    qpci_config_writew(&e->pci, e->busnr, e->devfn, PCI_COMMAND,
                       qpci_config_readw(&e->pci, e->busnr, e->devfn,
                                         PCI_COMMAND) |
                       PCI_COMMAND_INTX_DISABLE);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/* MSI messages to guest RAM: the same observation works on QEMU. */
static void test_msi_ram(void)
{
    Edu *e = edu_start(NULL, NULL);

    qtest_writel(e->qts, MSI_RAM, 0);
    edu_msi_enable(e, MSI_RAM, 0x1234);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_cmphex(qtest_readl(e->qts, MSI_RAM), ==, 0x1234);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0x1);
    g_assert_false(edu_intx(e));

    /* Every raise sends a message, even for a bit already set. */
    edu_msi_set_data(e, 0x5678);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_cmphex(qtest_readl(e->qts, MSI_RAM), ==, 0x5678);

    /* Acknowledging sends nothing; raising nothing when idle neither. */
    edu_msi_set_data(e, 0x9abc);
    edu_writel(e, EDU_REG_IRQ_ACK, 0x1);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0);
    g_assert_cmphex(qtest_readl(e->qts, MSI_RAM), ==, 0x5678);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);

    /* DMA completion signals through MSI too. */
    edu_dma_sync(e, SRC_RAM, EDU_BUF_START, 16, EDU_DMA_RUN | EDU_DMA_IRQ);
    g_assert_cmphex(qtest_readl(e->qts, MSI_RAM), ==, 0x9abc);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    g_assert_false(edu_intx(e));

    /* Messages are bus-master writes: none while the master bit is off. */
    edu_set_master(e, false);
    edu_msi_set_data(e, 0x4321);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_cmphex(qtest_readl(e->qts, MSI_RAM), ==, 0x9abc);
    edu_quit(e);
}

/* Ours: the message reaches the ITS with the requester ID as DeviceID. */
static void test_msi_its(void)
{
    Edu *e = edu_start(NULL, NULL);
    gint64 count;
    JsonNode *log;
    JsonArray *a;
    JsonObject *last;

    count = qtest_qom_get_int(e->qts, "/machine/its", "x-msi-count");
    edu_msi_enable(e, QPCI_VIRT_ITS_DOORBELL, 21);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x4);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x4);
    g_assert_cmpint(qtest_qom_get_int(e->qts, "/machine/its", "x-msi-count"),
                    ==, count + 2);
    log = qtest_qom_get_ref(e->qts, "/machine/its", "x-msi-log");
    a = json_node_get_array(log);
    g_assert_cmpuint(json_array_get_length(a), >=, 2);
    last = json_array_get_object_element(a, json_array_get_length(a) - 1);
    g_assert_cmpint(json_object_get_int_member(last, "eventid"), ==, 21);
    /* Bus 0: the requester ID is the devfn. */
    g_assert_cmpint(json_object_get_int_member(last, "devid"), ==, e->devfn);
    json_node_unref(log);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/*
 * An MSI aimed at the function's own IRQ_RAISE register: the message
 * raises once more, whose MSI would raise again, without end.  QEMU's
 * re-entrancy guard blocks the loop; so does ours (at the message the
 * loop-back write sends), and the machine carries on.  With the message
 * data equal to the raised bit both end with the same status.
 */
static void test_msi_loop(void)
{
    Edu *e = edu_start(NULL, "-d guest_errors");

    edu_msi_enable(e, e->bar + EDU_REG_IRQ_RAISE, 0x1);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x1);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0x1);
    g_assert_cmphex(edu_readl(e, EDU_REG_ID), ==, EDU_ID_VALUE);
    edu_writel(e, EDU_REG_IRQ_ACK, 0x1);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    if (qtest_accel_is_qtest()) {
        g_assert_true(stderr_has(e, "edu: bus-master access blocked"));
    }
    edu_quit(e);
}

/* ---- DMA ---- */

static void test_dma_copy(void)
{
    Edu *e = edu_start(WIDE_MASK, NULL);
    uint8_t pattern[EDU_BUF_SIZE], got[EDU_BUF_SIZE];

    /* RAM -> buffer -> other RAM, the whole 4 KiB. */
    load_buffer(e, pattern, 3);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    qtest_memset(e->qts, DST_RAM, 0, EDU_BUF_SIZE);
    edu_dma(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
            EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    /* Pending: nothing moved yet, registers as written. */
    assert_ram_filled(e, DST_RAM, 0, EDU_BUF_SIZE);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==,
                    EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    g_assert_false(edu_intx(e));
    edu_dma_wait(e, EDU_DEFAULT_DMA_DELAY_NS);
    qtest_memread(e->qts, DST_RAM, got, EDU_BUF_SIZE);
    g_assert_cmpmem(got, EDU_BUF_SIZE, pattern, EDU_BUF_SIZE);
    /* Done: the start bit cleared, the rest kept, interrupt 0x100. */
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, EDU_DMA_TO_RAM |
                    EDU_DMA_IRQ);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_SRC), ==, EDU_BUF_START);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_DST), ==, DST_RAM);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CNT), ==, EDU_BUF_SIZE);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    g_assert_true(edu_intx(e));
    edu_writel(e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
    g_assert_false(edu_intx(e));

    /* Part of the buffer, programmed with 32-bit writes. */
    qtest_memset(e->qts, DST_RAM, 0, 64);
    edu_writel(e, EDU_REG_DMA_SRC, EDU_BUF_START + 0x10);
    edu_writel(e, EDU_REG_DMA_DST, DST_RAM + 8);
    edu_writel(e, EDU_REG_DMA_CNT, 16);
    edu_writel(e, EDU_REG_DMA_CMD, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    edu_dma_wait(e, EDU_DEFAULT_DMA_DELAY_NS);
    qtest_memread(e->qts, DST_RAM, got, 64);
    g_assert_cmpmem(got + 8, 16, pattern + 0x10, 16);
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(got[i], ==, 0);
        g_assert_cmphex(got[24 + i], ==, 0);
    }
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);

    /* The buffer's last byte, and an empty transfer at its end. */
    qtest_writeb(e->qts, DST_RAM, 0);
    edu_dma_sync(e, EDU_BUF_START + EDU_BUF_SIZE - 1, DST_RAM, 1, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    g_assert_cmphex(qtest_readb(e->qts, DST_RAM), ==,
                    pattern[EDU_BUF_SIZE - 1]);
    edu_dma_sync(e, EDU_BUF_START + EDU_BUF_SIZE, DST_RAM, 0, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    g_assert_cmphex(qtest_readb(e->qts, DST_RAM), ==,
                    pattern[EDU_BUF_SIZE - 1]);

    /* RAM into the middle of the buffer, then all of it back out. */
    fill_pattern(got, 32, 99);
    qtest_memwrite(e->qts, SRC_RAM, got, 32);
    edu_dma_sync(e, SRC_RAM, EDU_BUF_START + 0x800, 32, EDU_DMA_RUN);
    memcpy(pattern + 0x800, got, 32);
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    qtest_memread(e->qts, DST_RAM, got, EDU_BUF_SIZE);
    g_assert_cmpmem(got, EDU_BUF_SIZE, pattern, EDU_BUF_SIZE);
    edu_quit(e);
}

/* While a transfer is pending the DMA registers ignore writes. */
static void test_dma_busy(void)
{
    Edu *e = edu_start(WIDE_MASK, NULL);
    uint8_t pattern[EDU_BUF_SIZE], got[EDU_BUF_SIZE];

    load_buffer(e, pattern, 5);
    qtest_memset(e->qts, DST_RAM, 0, EDU_BUF_SIZE);
    edu_dma(e, EDU_BUF_START, DST_RAM, 64, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    edu_writeq(e, EDU_REG_DMA_SRC, EDU_BUF_START + 0x100);
    edu_writeq(e, EDU_REG_DMA_DST, DST_RAM + 0x100);
    edu_writel(e, EDU_REG_DMA_CNT, 128);
    edu_writeq(e, EDU_REG_DMA_CMD, EDU_DMA_RUN | EDU_DMA_IRQ);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_SRC), ==, EDU_BUF_START);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_DST), ==, DST_RAM);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CNT), ==, 64);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, EDU_DMA_RUN |
                    EDU_DMA_TO_RAM);
    edu_dma_wait(e, EDU_DEFAULT_DMA_DELAY_NS);
    qtest_memread(e->qts, DST_RAM, got, EDU_BUF_SIZE);
    g_assert_cmpmem(got, 64, pattern, 64);
    for (int i = 64; i < EDU_BUF_SIZE; i++) {
        g_assert_cmphex(got[i], ==, 0);
    }
    /* The ignored command asked for an interrupt; the real one did not. */
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/*
 * With the bus-master bit clear nothing reaches RAM, a read from RAM
 * yields zeros (as QEMU's unassigned memory), and the command still
 * completes with its interrupt.
 */
static void test_dma_no_master(void)
{
    Edu *e = edu_start(WIDE_MASK, NULL);
    uint8_t pattern[EDU_BUF_SIZE], other[EDU_BUF_SIZE];

    load_buffer(e, pattern, 11);
    qtest_memset(e->qts, DST_RAM, 0x5a, EDU_BUF_SIZE);
    edu_set_master(e, false);
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    assert_ram_filled(e, DST_RAM, 0x5a, EDU_BUF_SIZE);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    g_assert_true(edu_intx(e));
    edu_writel(e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);

    fill_pattern(other, EDU_BUF_SIZE, 77);
    qtest_memwrite(e->qts, SRC_RAM, other, EDU_BUF_SIZE);
    edu_dma_sync(e, SRC_RAM, EDU_BUF_START, EDU_BUF_SIZE, EDU_DMA_RUN);

    edu_set_master(e, true);
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    assert_ram_filled(e, DST_RAM, 0, EDU_BUF_SIZE);
    edu_quit(e);
}

/* The RAM-side address is masked with dma_mask before use. */
static void test_dma_mask(void)
{
    Edu *e = edu_start("dma_mask=0x7fffffff",
                       "-device edu,id=edu1,addr=0x1f.0");
    uint8_t pattern[64], got[64];

    g_assert_cmpint(qtest_qom_get_int(e->qts, "/machine/peripheral/edu0",
                                      "dma_mask"), ==, 0x7fffffff);
    g_assert_cmpint(qtest_qom_get_int(e->qts, "/machine/peripheral/edu1",
                                      "dma_mask"), ==, EDU_DEFAULT_DMA_MASK);

    fill_pattern(pattern, sizeof(pattern), 21);
    qtest_memwrite(e->qts, SRC_RAM, pattern, sizeof(pattern));
    qtest_memset(e->qts, DST_RAM, 0, sizeof(got));
    edu_dma_sync(e, 0x100000000ULL + SRC_RAM, EDU_BUF_START, sizeof(pattern),
                 EDU_DMA_RUN);
    edu_dma_sync(e, EDU_BUF_START, 0xffffffff80000000ULL | DST_RAM,
                 sizeof(pattern),
                 EDU_DMA_RUN | EDU_DMA_TO_RAM);
    qtest_memread(e->qts, DST_RAM, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), pattern, sizeof(pattern));
    edu_quit(e);
}

/* A transfer to or from nowhere completes; a read leaves zeros. */
static void test_dma_decode_error(void)
{
    Edu *e = edu_start(WIDE_MASK, "-d guest_errors");
    uint8_t pattern[EDU_BUF_SIZE];
    const uint64_t nowhere = 1ULL << 48;

    load_buffer(e, pattern, 1);
    edu_dma_sync(e, EDU_BUF_START, nowhere, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM | EDU_DMA_IRQ);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    edu_dma_sync(e, nowhere, EDU_BUF_START, EDU_BUF_SIZE, EDU_DMA_RUN);
    qtest_memset(e->qts, DST_RAM, 0x5a, EDU_BUF_SIZE);
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    assert_ram_filled(e, DST_RAM, 0, EDU_BUF_SIZE);
    if (qtest_accel_is_qtest()) {
        g_assert_true(stderr_has(e, "edu: DMA write of 0x1000 bytes at "
                                 "0x1000000000000 failed"));
        g_assert_true(stderr_has(e, "edu: DMA read of 0x1000 bytes at "
                                 "0x1000000000000 failed"));
    }
    edu_quit(e);
}

/*
 * Ours: a transfer that leaves the device buffer is logged and skipped,
 * and completes (QEMU copies past the end of its buffer).
 */
static void test_dma_out_of_range(void)
{
    static const struct {
        uint64_t buf_addr;
        uint64_t cnt;
    } bad[] = {
        { EDU_BUF_START + EDU_BUF_SIZE - 100, 101 },  /* runs past the end */
        { EDU_BUF_START - 8, 16 },                /* starts before it */
        { EDU_BUF_START + EDU_BUF_SIZE + 1, 0 },      /* starts after it */
        { EDU_BUF_START, UINT64_MAX },            /* wraps around */
        { 0, 16 },
    };
    Edu *e = edu_start(WIDE_MASK, "-d guest_errors");
    uint8_t pattern[EDU_BUF_SIZE], got[EDU_BUF_SIZE];

    load_buffer(e, pattern, 9);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        qtest_memset(e->qts, DST_RAM, 0x5a, 256);
        edu_dma_sync(e, bad[i].buf_addr, DST_RAM, bad[i].cnt,
                     EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
        assert_ram_filled(e, DST_RAM, 0x5a, 256);
        g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
        edu_writel(e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
        /* Towards the buffer: nothing changes there either. */
        edu_dma_sync(e, SRC_RAM + 0x1000, bad[i].buf_addr, bad[i].cnt,
                     EDU_DMA_RUN);
    }
    g_assert_true(stderr_has(e, "is outside the buffer (0x40000-0x40fff); "
                             "not transferred"));
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, EDU_BUF_SIZE, EDU_DMA_RUN |
                 EDU_DMA_TO_RAM);
    qtest_memread(e->qts, DST_RAM, got, EDU_BUF_SIZE);
    g_assert_cmpmem(got, EDU_BUF_SIZE, pattern, EDU_BUF_SIZE);
    g_assert_cmphex(edu_readl(e, EDU_REG_ID), ==, EDU_ID_VALUE);
    edu_quit(e);
}

/* Ours: the delay is exactly dma-delay-ns of virtual time. */
static void test_dma_delay(void)
{
    Edu *e = edu_start(NULL, NULL);

    g_assert_cmpint(qtest_qom_get_int(e->qts, "/machine/peripheral/edu0",
                                      "dma-delay-ns"), ==,
                    EDU_DEFAULT_DMA_DELAY_NS);
    edu_dma(e, SRC_RAM, EDU_BUF_START, 16, EDU_DMA_RUN);
    qtest_clock_step(e->qts, EDU_DEFAULT_DMA_DELAY_NS - 1);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, EDU_DMA_RUN);
    qtest_clock_step(e->qts, 1);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, 0);
    edu_quit(e);

    e = edu_start("dma-delay-ns=5000", NULL);
    edu_dma(e, SRC_RAM, EDU_BUF_START, 16, EDU_DMA_RUN | EDU_DMA_IRQ);
    qtest_clock_step(e->qts, 4999);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    edu_dma_wait(e, 1);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    edu_quit(e);

    /* 0: done inside the write of the command. */
    e = edu_start("dma-delay-ns=0", NULL);
    edu_dma(e, SRC_RAM, EDU_BUF_START, 16, EDU_DMA_RUN | EDU_DMA_IRQ);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, EDU_DMA_IRQ);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, EDU_IRQ_DMA);
    g_assert_true(edu_intx(e));
    edu_quit(e);
}

/*
 * Ours: a reset (here a secondary bus reset from the root port above it)
 * returns the registers to zero and drops a pending transfer; QEMU's edu
 * keeps both.
 */
static void test_reset(void)
{
    Edu *e = edu_start_full(WIDE_MASK, NULL, true);
    uint16_t ctl;

    /* Through the port: registers, INTx and DMA work. */
    g_assert_cmphex(edu_readl(e, EDU_REG_ID), ==, EDU_ID_VALUE);
    qtest_memset(e->qts, DST_RAM, 0x5a, 16);
    edu_dma_sync(e, EDU_BUF_START, DST_RAM, 16, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    assert_ram_filled(e, DST_RAM, 0, 16);

    qtest_memset(e->qts, DST_RAM, 0x5a, 16);
    edu_writel(e, EDU_REG_LIVENESS, 0);
    edu_writel(e, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
    edu_writel(e, EDU_REG_IRQ_RAISE, 0x3);
    edu_dma(e, EDU_BUF_START, DST_RAM, 16, EDU_DMA_RUN | EDU_DMA_TO_RAM);
    g_assert_true(edu_intx(e));

    ctl = qpci_config_readw(&e->pci, 0, PORT_DEVFN, PCI_BRIDGE_CONTROL);
    qpci_config_writew(&e->pci, 0, PORT_DEVFN, PCI_BRIDGE_CONTROL,
                       ctl | PCI_BRIDGE_CTL_BUS_RESET);
    qpci_config_writew(&e->pci, 0, PORT_DEVFN, PCI_BRIDGE_CONTROL, ctl);
    g_assert_false(edu_intx(e));
    /* The reset unassigned the BAR: set it up again. */
    qpci_config_writel(&e->pci, e->busnr, e->devfn, PCI_BASE_ADDRESS_0,
                       (uint32_t)e->bar);
    qpci_device_enable(&e->pci, e->busnr, e->devfn);
    g_assert_cmphex(edu_readl(e, EDU_REG_LIVENESS), ==, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_STATUS), ==, 0);
    g_assert_cmphex(edu_readl(e, EDU_REG_IRQ_STATUS), ==, 0);
    g_assert_cmphex(edu_readq(e, EDU_REG_DMA_CMD), ==, 0);
    qtest_clock_step(e->qts, EDU_DEFAULT_DMA_DELAY_NS);
    assert_ram_filled(e, DST_RAM, 0x5a, 16);
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

/*
 * Ours: the guest points a DMA of the edu behind a root port at the
 * port's Slot Control (through ECAM) and powers its own slot off.  The
 * transfer finishes first (its completion interrupt included); then the
 * function is unplugged, as if the CPU had written the register.
 */
static void test_dma_powers_off_own_slot(void)
{
    Edu *e = edu_start_full(WIDE_MASK, NULL, true);
    uint8_t exp = qpci_find_capability(&e->pci, 0, PORT_DEVFN,
                                       PCI_CAP_ID_EXP, 0);
    uint16_t off = PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF |
                   PCI_EXP_SLTCTL_PWR_OFF;
    JsonObject *ev;

    g_assert_cmpint(exp, !=, 0);
    g_assert_cmphex(qpci_config_readw(&e->pci, 0, PORT_DEVFN,
                                      exp + PCI_EXP_SLTSTA) &
                    PCI_EXP_SLTSTA_PDS, ==, PCI_EXP_SLTSTA_PDS);
    qtest_memwrite(e->qts, SRC_RAM, &off, sizeof(off));
    edu_dma_sync(e, SRC_RAM, EDU_BUF_START, sizeof(off), EDU_DMA_RUN);
    edu_dma_sync(e, EDU_BUF_START,
                 qpci_ecam_addr(&e->pci, 0, PORT_DEVFN, exp + PCI_EXP_SLTCTL),
                 sizeof(off), EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ);

    ev = qtest_qmp_eventwait_ref(e->qts, "DEVICE_DELETED");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "device"),
                    ==, "edu0");
    json_object_unref(ev);
    g_assert_cmphex(qpci_config_readw(&e->pci, e->busnr, e->devfn,
                                      PCI_VENDOR_ID), ==, 0xffff);
    g_assert_cmphex(qpci_config_readw(&e->pci, 0, PORT_DEVFN,
                                      exp + PCI_EXP_SLTSTA) &
                    (PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC), ==,
                    PCI_EXP_SLTSTA_PDC);
    /* Unrealize lowered the completion interrupt it had raised. */
    g_assert_false(edu_intx(e));
    edu_quit(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/edu/config", test_config);
    g_test_add_func("/edu/registers", test_registers);
    g_test_add_func("/edu/factorial", test_factorial);
    g_test_add_func("/edu/factorial-irq", test_factorial_irq);
    g_test_add_func("/edu/intx", test_intx);
    g_test_add_func("/edu/msi-ram", test_msi_ram);
    g_test_add_func("/edu/msi-loop", test_msi_loop);
    g_test_add_func("/edu/dma-copy", test_dma_copy);
    g_test_add_func("/edu/dma-busy", test_dma_busy);
    g_test_add_func("/edu/dma-no-master", test_dma_no_master);
    g_test_add_func("/edu/dma-mask", test_dma_mask);
    g_test_add_func("/edu/dma-decode-error", test_dma_decode_error);
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/edu/msi-its", test_msi_its);
        g_test_add_func("/edu/dma-out-of-range", test_dma_out_of_range);
        g_test_add_func("/edu/dma-delay", test_dma_delay);
        g_test_add_func("/edu/reset", test_reset);
        g_test_add_func("/edu/dma-powers-off-own-slot",
                        test_dma_powers_off_own_slot);
    }
    return g_test_run();
}
