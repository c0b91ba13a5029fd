/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What smmuv3-queue-test.c and smmuv3-evtq-test.c share: the virt
 * board's SMMU as their driver sees it (libqsmmu's register names),
 * the guest RAM layout of their queues and stream table, the command
 * queue driven entry by entry, edu functions as faulting DMA masters,
 * and interrupts observed at the GIC (SPIs made edge-triggered so a
 * pulse latches in GICD_ISPENDR) and at the ITS (its x-msi-log, ours
 * only).  Every number comes from the SMMUv3 spec
 * (../shared/docs/smmuv3-facts.md), never from the model's headers.
 */
#ifndef TESTS_QTEST_SMMUV3_QUEUE_TEST_H
#define TESTS_QTEST_SMMUV3_QUEUE_TEST_H

#include <string.h>
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "libqsmmu.h"
#include "edu-regs.h"

/* ---- The board (virt) and the RAM the driver uses ---- */

#define SMMU_DEVID 0x10000      /* ITS DeviceID of the board SMMU's MSIs */
#define SPI_EVTQ 74             /* SPIs 74..77: eventq, priq, cmdq-sync, */
#define SPI_CMD_SYNC 76         /* gerror */
#define SPI_GERROR 77
#define GICD 0x08000000ULL
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ICFGR 0xc00
#define ITS_DOORBELL QPCI_VIRT_ITS_DOORBELL

#define RAM 0x40000000ULL
#define CMDQ_RAM (RAM + 0x100000)       /* up to 4096 commands */
#define EVTQ_RAM (RAM + 0x110000)
#define STRTAB_RAM (RAM + 0x120000)     /* linear, zero: every STE V=0 */
#define MARK_RAM (RAM + 0x130000)       /* MSI targets */
#define BAD_PA 0x20000000000ULL         /* 2 TiB: nothing answers there */

/* edu functions at 03.0 and 04.0 of pcie.0: StreamIDs 0x18 and 0x20. */
#define EDU_A_DEVFN PCI_DEVFN(3, 0)
#define EDU_B_DEVFN PCI_DEVFN(4, 0)
#define SID_A 0x18
#define SID_B 0x20
#define EDU_IOVA 0x1000

/* What libqsmmu has no name for. */
#define CONS_ERR(code) ((uint32_t)(code) << 24)     /* CMDQ_CONS.ERR */
#define CMD_UNKNOWN 0x09                /* not an opcode (spec 4.1.1) */
#define IDR0_COMMON (2U << 2 | QSMMU_IDR0_COHACC | QSMMU_IDR0_ASID16 | \
                     QSMMU_IDR0_VMID16 | 2U << 21 | 1U << 24 | \
                     QSMMU_IDR0_TERM_MODEL | 1U << 27)
#define IDR3_COMMON (QSMMU_IDR3_HAD | 2U << 11)        /* BBML=2 */
#define IDR5_GRANS (QSMMU_IDR5_GRAN4K | QSMMU_IDR5_GRAN16K | \
                    QSMMU_IDR5_GRAN64K)
#define GBPA_RESET 0x1000                       /* SHCFG=incoming */

/*
 * QEMU 10.0's virt sets stage=nested on its SMMU itself (a -global is
 * overridden), has no oas/ril/ssidsize/msi properties, and its
 * arm-smmuv3 is not pluggable: no other configuration can be made.
 */
#define QEMU_FIXED_CONFIG "QEMU 10.0: the board SMMU is always " \
    "stage=nested with fixed IDs; arm-smmuv3 is not pluggable"

typedef struct Smmu {
    QTestState *qts;
    bool ours;                  /* our binary, not QEMU's */
    QSMMU q;                    /* libqsmmu, for register access */
    uint32_t cr0;
    /*
     * The command queue is driven here, not with qsmmu_cmd(): the
     * tests publish several commands with one CMDQ_PROD write.
     */
    unsigned cmdq_log2;
    uint32_t cmdq_prod;
    QPCIBus pci;
    QSMMUEdu edu[2];            /* edu A (SID_A) and B (SID_B) */
} Smmu;

/* Registers by their libqsmmu name without the QSMMU_ prefix. */
#define RD(s, r) qsmmu_readl(&(s)->q, QSMMU_##r)
#define RDQ(s, r) qsmmu_readq(&(s)->q, QSMMU_##r)
#define WR(s, r, v) qsmmu_writel(&(s)->q, QSMMU_##r, (v))
#define WRQ(s, r, v) qsmmu_writeq(&(s)->q, QSMMU_##r, (v))
#define CHECK(s, r, v) g_assert_cmphex(RD(s, r), ==, (v))
#define CHECKQ(s, r, v) g_assert_cmphex(RDQ(s, r), ==, (v))

/* ---- Helpers: machine, registers, interrupts ---- */

/*
 * Start virt with the board SMMU, globals (e.g. "-global
 * arm-smmuv3.stage=2") and nr_edu edu functions with BAR 0 and bus
 * mastering; make the SMMU's SPIs edge-triggered, none pending.
 */
static inline Smmu *smmu_start(const char *globals, int nr_edu)
{
    static const int devfns[2] = { EDU_A_DEVFN, EDU_B_DEVFN };
    g_autofree char *args = g_strdup_printf(
        "-machine gic-version=3,iommu=smmuv3 -m 512M %s%s%s",
        nr_edu > 0 ? "-device edu,id=edu0,addr=03.0 " : "",
        nr_edu > 1 ? "-device edu,id=edu1,addr=04.0 " : "",
        globals ? globals : "");
    Smmu *s = g_new0(Smmu, 1);

    s->ours = qtest_accel_is_qtest();
    s->qts = qtest_init(args);
    /* The allocator is not used: the RAM above is laid out here. */
    qsmmu_init(&s->q, s->qts, QSMMU_VIRT_BASE, RAM + 0x1000000, 0x100000);
    if (nr_edu) {
        qpci_init_virt(&s->pci, s->qts);
    }
    for (int i = 0; i < nr_edu; i++) {
        g_assert_cmphex(qpci_config_readw(&s->pci, 0, devfns[i],
                                          PCI_VENDOR_ID), ==, EDU_VENDOR_ID);
        qsmmu_edu_init(&s->edu[i], &s->pci, 0, devfns[i]);
    }
    for (unsigned intid = SPI_EVTQ + 32; intid <= SPI_GERROR + 32; intid++) {
        uint64_t cfg = GICD + GICD_ICFGR + intid / 16 * 4;

        qtest_writel(s->qts, cfg, qtest_readl(s->qts, cfg) |
                     2U << (intid % 16 * 2));
        qtest_writel(s->qts, GICD + GICD_ICPENDR + intid / 32 * 4,
                     1U << (intid % 32));
    }
    return s;
}

static inline void smmu_quit(Smmu *s)
{
    qtest_quit(s->qts);
    g_free(s);
}

static inline uint32_t rd32(Smmu *s, uint32_t off)
{
    return qsmmu_readl(&s->q, off);
}

static inline void wr32(Smmu *s, uint32_t off, uint32_t v)
{
    qsmmu_writel(&s->q, off, v);
}

static inline void cr0_write(Smmu *s, uint32_t v)
{
    qsmmu_set_cr0(&s->q, v);
    s->cr0 = v;
}

static inline uint32_t gerror_active(Smmu *s)
{
    return RD(s, GERROR) ^ RD(s, GERRORN);
}

static inline void gerror_ack(Smmu *s)
{
    WR(s, GERRORN, RD(s, GERROR));
}

static inline bool has_msi(Smmu *s)
{
    return RD(s, IDR0) & QSMMU_IDR0_MSI;
}

/* Whether the SPI pulsed since the last call (and clear it). */
static inline bool spi_pulsed(Smmu *s, int spi)
{
    unsigned intid = spi + 32;
    uint32_t bit = 1U << (intid % 32);
    bool pending = qtest_readl(s->qts, GICD + GICD_ISPENDR +
                               intid / 32 * 4) & bit;

    qtest_writel(s->qts, GICD + GICD_ICPENDR + intid / 32 * 4, bit);
    return pending;
}

static inline gint64 its_count(Smmu *s)
{
    return qtest_qom_get_int(s->qts, "/machine/its", "x-msi-count");
}

/* count MSIs so far, the newest from the SMMU with eventid. */
static inline void assert_its_last(Smmu *s, gint64 count,
                                   uint32_t eventid)
{
    JsonNode *n = qtest_qom_get_ref(s->qts, "/machine/its", "x-msi-log");
    JsonArray *a = json_node_get_array(n);
    JsonObject *o;

    g_assert_cmpint(its_count(s), ==, count);
    g_assert_cmpuint(json_array_get_length(a), >, 0);
    o = json_array_get_object_element(a, json_array_get_length(a) - 1);
    g_assert_cmphex(json_object_get_int_member(o, "devid"), ==, SMMU_DEVID);
    g_assert_cmphex(json_object_get_int_member(o, "eventid"), ==, eventid);
    json_node_unref(n);
}

static inline gint64 smmu_counter(Smmu *s, const char *name)
{
    return qtest_qom_get_int(s->qts, QSMMU_QOM_PATH, name);
}

/* ---- Helpers: command queue ---- */

static inline uint64_t cmd_slot(Smmu *s, uint32_t v)
{
    return CMDQ_RAM + (v & ((1U << s->cmdq_log2) - 1)) * QSMMU_CMD_SIZE;
}

/* Program an empty command queue of 2^log2 entries and enable it. */
static inline void cmdq_setup(Smmu *s, unsigned log2)
{
    if (s->cr0 & QSMMU_CR0_CMDQEN) {
        cr0_write(s, s->cr0 & ~QSMMU_CR0_CMDQEN);
    }
    qtest_memset(s->qts, CMDQ_RAM, 0, QSMMU_CMD_SIZE << log2);
    WRQ(s, CMDQ_BASE, CMDQ_RAM | log2);
    WR(s, CMDQ_PROD, 0);
    WR(s, CMDQ_CONS, 0);
    s->cmdq_log2 = log2;
    s->cmdq_prod = 0;
    cr0_write(s, s->cr0 | QSMMU_CR0_CMDQEN);
}

/* Write a command at PROD without publishing it; returns its address. */
static inline uint64_t cmd_put_raw(Smmu *s, uint64_t w0, uint64_t w1)
{
    uint64_t slot = cmd_slot(s, s->cmdq_prod);

    qtest_writeq(s->qts, slot, w0);
    qtest_writeq(s->qts, slot + 8, w1);
    s->cmdq_prod = (s->cmdq_prod + 1) & ((2U << s->cmdq_log2) - 1);
    return slot;
}

static inline uint64_t cmd_put(Smmu *s, QSMMUCmd cmd)
{
    return cmd_put_raw(s, cmd.w[0], cmd.w[1]);
}

static inline void cmdq_kick(Smmu *s)
{
    WR(s, CMDQ_PROD, s->cmdq_prod);
}

/* Publish; all consumed without error (ERR is UNKNOWN then: spec 6.3.28). */
static inline void cmdq_run(Smmu *s)
{
    cmdq_kick(s);
    g_assert_cmphex(RD(s, CMDQ_CONS) & QSMMU_Q_WR_MASK, ==, s->cmdq_prod);
    g_assert_cmphex(gerror_active(s), ==, 0);
}

/* CMD_SYNC as Linux builds it, keeping MSIData whatever CS is. */
static inline void put_sync(Smmu *s, unsigned cs, uint64_t addr,
                            uint32_t data)
{
    QSMMUCmd c = qsmmu_cmd_sync(cs, addr, data);

    c.w[0] |= QSMMU_CMD_W0_SYNC_MSIDATA(data);
    cmd_put(s, c);
}

/* CFGI_ALL + CMD_SYNC(IRQ) with an MSI of data to MARK_RAM if any. */
static inline void cmdq_round_trip(Smmu *s, uint32_t data)
{
    qtest_writel(s->qts, MARK_RAM, ~data);
    cmd_put(s, qsmmu_cmd_cfgi_all());
    put_sync(s, QSMMU_SYNC_CS_IRQ, MARK_RAM, data);
    cmdq_run(s);
    g_assert_cmphex(qtest_readl(s->qts, MARK_RAM), ==,
                    has_msi(s) ? data : ~data);
}

/* ---- Helpers: event queue and faulting DMA ---- */

static inline void evtq_setup(Smmu *s, unsigned log2)
{
    qtest_memset(s->qts, EVTQ_RAM, 0, QSMMU_EVT_SIZE << log2);
    WRQ(s, EVENTQ_BASE, EVTQ_RAM | log2);
    WR(s, EVENTQ_PROD, 0);
    WR(s, EVENTQ_CONS, 0);
}

/*
 * Linear stream table of 2^st_log2 zero (V=0) STEs, CR2 = cr2, the
 * command queue and an event queue of 2^evtq_log2 records at evtq;
 * then SMMUEN, with EVENTQEN if eventq_on.
 */
static inline void smmu_enable(Smmu *s, unsigned st_log2, uint32_t cr2,
                               uint64_t evtq, unsigned evtq_log2,
                               bool eventq_on)
{
    qtest_memset(s->qts, STRTAB_RAM, 0, QSMMU_STE_SIZE << st_log2);
    WRQ(s, STRTAB_BASE, STRTAB_RAM);
    WR(s, STRTAB_BASE_CFG, st_log2);
    WR(s, CR1, QSMMU_CR1_LINUX);
    WR(s, CR2, cr2);
    cmdq_setup(s, 3);
    evtq_setup(s, evtq_log2);
    WRQ(s, EVENTQ_BASE, evtq | evtq_log2);     /* maybe elsewhere */
    cr0_write(s, s->cr0 | (eventq_on ? QSMMU_CR0_EVENTQEN : 0));
    cmd_put(s, qsmmu_cmd_cfgi_all());
    put_sync(s, QSMMU_SYNC_CS_NONE, 0, 0);
    cmdq_run(s);
    cr0_write(s, s->cr0 | QSMMU_CR0_SMMUEN);
}

/* A 4-byte read by edu n (0: A, 1: B) from EDU_IOVA, which faults. */
static inline void edu_fault(Smmu *s, int n)
{
    qsmmu_edu_dma(&s->edu[n], EDU_IOVA, 0, 4, false);
}

/*
 * Record idx holds exactly a configuration event: EventID and
 * StreamID, no SubstreamID, every other field zero (spec 7.3.2-7.3.5).
 */
static inline void assert_record(Smmu *s, unsigned idx, unsigned type,
                                 uint32_t sid)
{
    uint64_t raw[4];
    QSMMUEvent ev;

    for (int i = 0; i < 4; i++) {
        raw[i] = qtest_readq(s->qts, EVTQ_RAM + idx * QSMMU_EVT_SIZE + 8 * i);
    }
    qsmmu_event_decode(raw, &ev);
    g_assert_cmphex(ev.id, ==, type);
    g_assert_cmphex(ev.sid, ==, sid);
    g_assert_false(ev.ssv);
    g_assert_cmphex(raw[0], ==, (uint64_t)sid << 32 | type);
    g_assert_cmphex(raw[1] | raw[2] | raw[3], ==, 0);
}

/* Consume everything: CONS = PROD, acknowledging any overflow. */
static inline void evtq_consume_all(Smmu *s)
{
    WR(s, EVENTQ_CONS, RD(s, EVENTQ_PROD));
}

#endif
