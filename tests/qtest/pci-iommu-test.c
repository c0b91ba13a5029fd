/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA of a function below a pxb-pcie goes through that root complex's
 * IOMMU, seen from outside the binary: an edu behind a root port of
 * pcie.1 (bus_nr 0x80) copies RAM -> device -> RAM while an
 * x-pci-test-iommu on pcie.1 adds 1 MiB to every DMA address, so the
 * data is read from and written to IOVA + 1 MiB; the IOMMU saw the edu's
 * requester ID (bus 0x81, devfn 0).  With the IOMMU on pcie.0 instead,
 * the same transfer is untranslated: pcie.0's IOMMU never serves pcie.1.
 *
 * x-pci-test-iommu exists only here, so the test runs against ours only.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "edu-regs.h"

#define LEN 256

#define PXB_BUS 0x80
#define EDU_BUS 0x81
#define IOMMU_OFFSET 0x100000ULL
/* The driver's buffers (IOVAs), in the virt machine's RAM. */
#define SRC_IOVA 0x41000000ULL
#define DST_IOVA 0x42000000ULL

#define ARGS_COMMON \
    "-device pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1,addr=4.0 " \
    "-device x-pci-test-iommu,id=iommu,primary-bus=%s,offset=0x100000 " \
    "-device pcie-root-port,bus=pcie.1,id=rp1,chassis=1,addr=0.0 " \
    "-device edu,bus=rp1,id=edu0,dma_mask=0xffffffffffffffff"

typedef struct Env {
    QTestState *qts;
    QPCIBus pci;
    uint64_t bar;
} Env;

/* Boot with the IOMMU on root bus iommu_bus; enumerate as firmware. */
static void env_start(Env *e, const char *iommu_bus)
{
    g_autofree char *args = g_strdup_printf(ARGS_COMMON, iommu_bus);

    e->qts = qtest_init(args);
    qpci_init_virt(&e->pci, e->qts);
    g_assert_cmphex(qpci_config_readl(&e->pci, 0, PCI_DEVFN(4, 0),
                                      PCI_VENDOR_ID), ==, 0x000b1b36);
    qpci_bridge_setup(&e->pci, PXB_BUS, 0, EDU_BUS, EDU_BUS);
    g_assert_cmphex(qpci_config_readl(&e->pci, EDU_BUS, 0, PCI_VENDOR_ID),
                    ==, 0x11e81234);
    e->bar = qpci_assign_bar(&e->pci, EDU_BUS, 0, 0, NULL);
    qpci_device_enable(&e->pci, EDU_BUS, 0);
}

static void edu_dma_sync(Env *e, uint64_t src, uint64_t dst, uint64_t cmd)
{
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_SRC, src);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_DST, dst);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_CNT, LEN);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_CMD, cmd);
    qtest_clock_step(e->qts, EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_cmphex(qtest_readq(e->qts, e->bar + EDU_REG_DMA_CMD) & EDU_DMA_RUN,
                    ==, 0);
}

/* Copy SRC_IOVA -> device -> DST_IOVA with the pattern at src_gpa. */
static void copy_through(Env *e, uint64_t src_gpa, const uint8_t *pattern)
{
    qtest_memwrite(e->qts, src_gpa, pattern, LEN);
    edu_dma_sync(e, SRC_IOVA, EDU_BUF_START, EDU_DMA_RUN);
    edu_dma_sync(e, EDU_BUF_START, DST_IOVA, EDU_DMA_RUN | EDU_DMA_TO_RAM);
}

static void assert_ram(Env *e, uint64_t addr, const uint8_t *want)
{
    uint8_t got[LEN];

    qtest_memread(e->qts, addr, got, LEN);
    g_assert_cmpmem(got, LEN, want, LEN);
}

static gint64 iommu_prop(Env *e, const char *name)
{
    return qtest_qom_get_int(e->qts, "/machine/peripheral/iommu", name);
}

static void test_pxb_iommu(void)
{
    Env e;
    uint8_t pattern[LEN], zero[LEN] = { 0 };

    for (int i = 0; i < LEN; i++) {
        pattern[i] = i * 3 + 1;
    }
    env_start(&e, "pcie.1");
    g_assert_cmpint(iommu_prop(&e, "x-translations"), ==, 0);
    copy_through(&e, SRC_IOVA + IOMMU_OFFSET, pattern);

    /* Both transfers went 1 MiB up; the IOVAs themselves are untouched. */
    assert_ram(&e, DST_IOVA + IOMMU_OFFSET, pattern);
    assert_ram(&e, DST_IOVA, zero);
    g_assert_cmpint(iommu_prop(&e, "x-last-sid"), ==, EDU_BUS << 8);
    g_assert_cmpint(iommu_prop(&e, "x-translations"), >=, 2);
    qtest_quit(e.qts);
}

static void test_pcie0_iommu_not_used(void)
{
    Env e;
    uint8_t pattern[LEN], zero[LEN] = { 0 };

    for (int i = 0; i < LEN; i++) {
        pattern[i] = i * 5 + 2;
    }
    env_start(&e, "pcie.0");
    copy_through(&e, SRC_IOVA, pattern);

    /* Untranslated: pcie.0's IOMMU does not serve pcie.1. */
    assert_ram(&e, DST_IOVA, pattern);
    assert_ram(&e, DST_IOVA + IOMMU_OFFSET, zero);
    g_assert_cmpint(iommu_prop(&e, "x-translations"), ==, 0);
    g_assert_cmpint(iommu_prop(&e, "x-last-sid"), ==, -1);
    qtest_quit(e.qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* No test at all (a skip) against QEMU. */
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/pci-iommu/pxb-iommu", test_pxb_iommu);
        g_test_add_func("/pci-iommu/pcie0-iommu-not-used",
                        test_pcie0_iommu_not_used);
    }
    return g_test_run();
}
