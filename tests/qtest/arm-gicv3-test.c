/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's interrupt controller under the qtest accelerator: a
 * model that records wired interrupt lines and MSI writes to the ITS
 * doorbell (GITS_TRANSLATER) so tests can observe them.  Checks the
 * identification registers a guest probes, set_irq_in on its inputs, and
 * the MSI log.
 */
#include "libqtest.h"

#define GICD 0x08000000ULL
#define GICD_TYPER 0x0004
#define GICD_PIDR2 0xffe8
#define ITS 0x08080000ULL
#define GITS_PIDR2 0xffe8
#define GITS_TRANSLATER 0x10040
#define GICR 0x080a0000ULL
#define GICR_PIDR2 0xffe8

static void test_id_registers(void)
{
    QTestState *s = qtest_init("-machine gic-version=3");

    /* ArchRev 3 (GICv3) in the PIDR2 of each block. */
    g_assert_cmphex(qtest_readl(s, GICD + GICD_PIDR2) & 0xf0, ==, 0x30);
    g_assert_cmphex(qtest_readl(s, GICR + GICR_PIDR2) & 0xf0, ==, 0x30);
    g_assert_cmphex(qtest_readl(s, ITS + GITS_PIDR2) & 0xf0, ==, 0x30);
    /* 288 interrupt IDs (256 SPIs): ITLinesNumber = 288 / 32 - 1. */
    g_assert_cmphex(qtest_readl(s, GICD + GICD_TYPER) & 0x1f, ==, 8);
    qtest_quit(s);
}

static JsonArray *get_array(QTestState *s, const char *path, const char *p)
{
    JsonNode *n = qtest_qom_get_ref(s, path, p);
    JsonArray *a;

    g_assert_true(JSON_NODE_HOLDS_ARRAY(n));
    a = json_array_ref(json_node_get_array(n));
    json_node_unref(n);
    return a;
}

static void test_wired_lines(void)
{
    QTestState *s = qtest_init("-machine gic-version=3");
    JsonArray *a;

    qtest_set_irq_in(s, "/machine/gic", NULL, 40, 1);
    qtest_set_irq_in(s, "/machine/gic", NULL, 7, 1);
    a = get_array(s, "/machine/gic", "x-asserted");
    g_assert_cmpuint(json_array_get_length(a), ==, 2);
    g_assert_cmpint(json_array_get_int_element(a, 0), ==, 7);
    g_assert_cmpint(json_array_get_int_element(a, 1), ==, 40);
    json_array_unref(a);
    qtest_set_irq_in(s, "/machine/gic", NULL, 40, 0);
    a = get_array(s, "/machine/gic", "x-asserted");
    g_assert_cmpuint(json_array_get_length(a), ==, 1);
    json_array_unref(a);
    g_assert_cmpint(qtest_qom_get_int(s, "/machine/gic", "x-raise-count"),
                    ==, 2);

    /* Intercepting passes levels on: the model still records them. */
    qtest_irq_intercept_in(s, "/machine/gic");
    qtest_set_irq_in(s, "/machine/gic", NULL, 9, 1);
    g_assert_true(qtest_get_irq(s, 9));
    g_assert_cmpint(qtest_qom_get_int(s, "/machine/gic", "x-raise-count"),
                    ==, 3);
    qtest_quit(s);
}

static void test_msi_doorbell(void)
{
    QTestState *s = qtest_init("-machine gic-version=3");
    JsonArray *log;
    JsonObject *e;

    g_assert_cmpint(qtest_qom_get_int(s, "/machine/its", "x-msi-count"),
                    ==, 0);
    qtest_writel(s, ITS + GITS_TRANSLATER, 42);
    qtest_writel(s, ITS + GITS_TRANSLATER, 7);
    g_assert_cmpint(qtest_qom_get_int(s, "/machine/its", "x-msi-count"),
                    ==, 2);
    log = get_array(s, "/machine/its", "x-msi-log");
    g_assert_cmpuint(json_array_get_length(log), ==, 2);
    e = json_array_get_object_element(log, 0);
    g_assert_cmpint(json_object_get_int_member(e, "eventid"), ==, 42);
    /* qtest writes carry no requester ID: device ID 0. */
    g_assert_cmpint(json_object_get_int_member(e, "devid"), ==, 0);
    e = json_array_get_object_element(log, 1);
    g_assert_cmpint(json_object_get_int_member(e, "eventid"), ==, 7);
    json_array_unref(log);
    /* Other ITS registers are not doorbells. */
    qtest_writel(s, ITS + 0x10000, 5);
    g_assert_cmpint(qtest_qom_get_int(s, "/machine/its", "x-msi-count"),
                    ==, 2);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-gicv3/id-registers", test_id_registers);
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/arm-gicv3/wired-lines", test_wired_lines);
        g_test_add_func("/arm-gicv3/msi-doorbell", test_msi_doorbell);
    }
    return g_test_run();
}
