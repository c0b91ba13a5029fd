/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seeded fuzzer for the arm-smmuv3 model: a hostile guest driver.  It
 * writes random values of random sizes, aligned or not, to every
 * register of both pages; builds stream tables, CDs and page tables in
 * RAM and corrupts them; points the queues at RAM or nowhere; submits
 * random commands (legal ones with random operands, illegal ones,
 * CMD_SYNCs whose MSI lands in RAM or on an SMMU's registers);
 * acknowledges GERROR at random; has an edu DMA through the SMMU to
 * random IOVAs while the virtual clock runs; resets it all now and
 * then.  After each step it checks what a guest may rely on: CR0ACK and
 * IRQ_CTRLACK mirror the implemented bits, GERROR holds only errors the
 * SMMU can raise, no queue index passes the other, each new event
 * record is a known event from the edu's StreamID.  While it knows how
 * the queue is set up it predicts each kick exactly (where CONS stops,
 * with which ERR, which CMD_SYNC MSIs land); at the end the process
 * must still answer QMP.  SMMUV3_FUZZ_SEED=n replays a run (the seed is
 * printed), SMMUV3_FUZZ_ITERS=n sets its length, SMMUV3_FUZZ_VERBOSE=1
 * traces each step.  It steps the virtual clock: it does not run on QEMU.
 */
#include <inttypes.h>
#include <string.h>
#include <linux/pci.h>

#include "libqtest.h"
#include "libqpci.h"
#include "libqsmmu.h"
#include "edu-regs.h"

#define DEFAULT_SEED 0x5eed0001u
#define DEFAULT_ITERS 1500

/* ---- The guest's memory (RAM: 256 MiB at 1 GiB) ---- */

/* DMA lands here: stage 2 maps IPA [0, 16 MiB) to it, stage 1 leaves too. */
#define DMA_RAM 0x40000000ULL
#define DMA_RAM_SIZE 0x01000000ULL
/* One 16 MiB arena per SMMU for its tables, queues and MSI targets. */
#define ARENA_BASE 0x48000000ULL
#define ARENA_SIZE 0x01000000ULL
#define A_TABLES 0x000000           /* libqsmmu's allocator: 8 MiB */
#define A_TABLES_SIZE 0x800000
#define A_CMDQ 0x800000             /* up to 2^12 commands */
#define A_EVTQ 0x810000             /* up to 2^8 records */
#define A_SYNC 0x820000             /* CMD_SYNC MSI slots, 1024 words */
#define A_IRQ 0x821000              /* GERROR / EVENTQ MSI targets */
/* Nothing is mapped here (below OAS, above the high PCIe window). */
#define NOWHERE 0x00000f0000000000ULL

#define CMDQ_LOG2_MAX 12
#define EVTQ_LOG2_MAX 8
#define MAX_IOVAS 16

/* GERROR bits an SMMU without PRI, ECMDQ or DPT can activate. */
#define GERROR_POSSIBLE (QSMMU_GERROR_CMDQ_ERR | QSMMU_GERROR_EVENTQ_ABT_ERR | \
    QSMMU_GERROR_MSI_CMDQ_ABT_ERR | QSMMU_GERROR_MSI_EVENTQ_ABT_ERR | \
    QSMMU_GERROR_MSI_GERROR_ABT_ERR)
/* CR0 and IRQ_CTRL fields the architecture defines (spec 6.3.9, 6.3.16). */
#define CR0_DEFINED 0x5dfu
#define IRQ_CTRL_DEFINED 0x7u

/* Every register offset of page 0; page 1 aliases it (+ 0x10000). */
static const uint32_t reg_offsets[] = {
    0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x018, 0x01c, 0x020, 0x024,
    0x028, 0x02c, 0x030, 0x034, 0x040, 0x044, 0x048, 0x050, 0x054, 0x060,
    0x064, 0x068, 0x06c, 0x070, 0x074, 0x080, 0x084, 0x088, 0x090, 0x094,
    0x098, 0x09c, 0x0a0, 0x0a4, 0x0a8, 0x0ac, 0x0b0, 0x0b4, 0x0b8, 0x0bc,
    0x0c0, 0x0c4, 0x0c8, 0x0cc, 0x0d0, 0x0d4, 0x0d8, 0x0dc, 0x100, 0x180,
    0x190, 0x200, 0xe00, 0xfd0, 0xfe0, 0xffc,
};

/* What the SMMU implements, as its ID registers say. */
typedef struct Caps {
    bool s1p, s2p, hyp, ats, pri, msi, ril;
    bool gran[4];               /* by TLBI TG: [1] 4K, [2] 16K, [3] 64K */
    unsigned stall_model;
    unsigned ssidsize;
} Caps;

typedef struct FSmmu {
    const char *qom;
    uint64_t base;
    uint64_t arena;
    Caps caps;
    uint32_t cr0_mask, irq_mask;
    QSMMU drv;                  /* libqsmmu: allocator and table builders */
    /* The edu behind this SMMU. */
    QSMMUEdu edu;
    uint32_t edu_sid;
    int pasid;                  /* its x-pasid: the SSID of its DMA */
    bool edu_ok;
    /* What we programmed; trusted while controlled. */
    bool controlled, strtab_2lvl;
    unsigned sid_bits, split;
    unsigned cmdq_log2, evtq_log2;
    bool cmdq_bad;              /* CMDQ_BASE points at nothing */
    uint32_t gerror_msi_data;   /* GERROR MSI to A_IRQ, when enabled */
    bool gerror_msi;
    uint32_t evtq_seen;         /* EVENTQ_PROD up to which we checked */
    uint64_t iovas[MAX_IOVAS];
    unsigned niovas;
    unsigned events;            /* records checked */
} FSmmu;

typedef struct Fuzz {
    QTestState *qts;
    GRand *rng;
    guint32 seed, step;
    bool verbose;
    QPCIBus pci;
    FSmmu smmu[2];
    unsigned nsmmu;
    /* Statistics, printed at the end. */
    unsigned kicks, predicted, cerr_ill, cerr_abt, sync_msis, dmas;
} Fuzz;

/* ---- random numbers ---- */

static uint32_t rnd(Fuzz *f, uint32_t n)
{
    return n ? g_rand_int_range(f->rng, 0, n) : 0;
}

static uint64_t rnd64(Fuzz *f)
{
    return ((uint64_t)g_rand_int(f->rng) << 32) | g_rand_int(f->rng);
}

static bool chance(Fuzz *f, unsigned pct)
{
    return rnd(f, 100) < pct;
}

/* Small numbers more often than large ones: 0..max. */
static uint32_t rnd_small(Fuzz *f, uint32_t max)
{
    return chance(f, 60) ? rnd(f, MIN(max, 3) + 1) : rnd(f, max + 1);
}

/* ---- reporting ---- */

/* With SMMUV3_FUZZ_VERBOSE: what the step did. */
#define STEP_NOTE(f, ...) \
    do { \
        if ((f)->verbose) { \
            g_autofree char *note_ = g_strdup_printf(__VA_ARGS__); \
            g_test_message("step %u: %s", (f)->step, note_); \
        } \
    } while (0)

/* Fail with the seed and step, so the run can be replayed. */
#define FUZZ_CHECK(f, cond, fmt, ...) \
    do { \
        if (!(cond)) { \
            g_autofree char *fuzz_msg_ = g_strdup_printf( \
                "seed 0x%x step %u: %s: " fmt, (f)->seed, (f)->step, \
                #cond, ##__VA_ARGS__); \
            g_assertion_message(G_LOG_DOMAIN, __FILE__, __LINE__, \
                                G_STRFUNC, fuzz_msg_); \
        } \
    } while (0)

/* ---- register access ---- */

/* 32-bit read, 32/64-bit write at offset off of SMMU s. */
#define RD(f, s, off) qtest_readl((f)->qts, (s)->base + (off))
#define WR(f, s, off, v) qtest_writel((f)->qts, (s)->base + (off), (v))
#define WRQ(f, s, off, v) qtest_writeq((f)->qts, (s)->base + (off), (v))

static uint32_t q_mask(unsigned log2)
{
    return (2u << log2) - 1;
}

/* Entries from cons to prod (index + wrap values) in queue order. */
static uint32_t q_dist(uint32_t prod, uint32_t cons, unsigned log2)
{
    return (prod - cons) & q_mask(log2);
}

static void read_caps(Fuzz *f, FSmmu *s)
{
    uint32_t idr0 = RD(f, s, QSMMU_IDR0), idr1 = RD(f, s, QSMMU_IDR1);
    uint32_t idr3 = RD(f, s, QSMMU_IDR3), idr5 = RD(f, s, QSMMU_IDR5);
    Caps *c = &s->caps;

    c->s1p = idr0 & QSMMU_IDR0_S1P;
    c->s2p = idr0 & QSMMU_IDR0_S2P;
    c->hyp = idr0 & QSMMU_IDR0_HYP;
    c->ats = idr0 & QSMMU_IDR0_ATS;
    c->pri = idr0 & QSMMU_IDR0_PRI;
    c->msi = idr0 & QSMMU_IDR0_MSI;
    c->stall_model = QSMMU_IDR0_STALL_MODEL(idr0);
    c->ril = idr3 & QSMMU_IDR3_RIL;
    c->gran[1] = idr5 & QSMMU_IDR5_GRAN4K;
    c->gran[2] = idr5 & QSMMU_IDR5_GRAN16K;
    c->gran[3] = idr5 & QSMMU_IDR5_GRAN64K;
    c->ssidsize = QSMMU_IDR1_SSIDSIZE(idr1);
    g_assert_true(c->s1p || c->s2p);
    g_assert_cmpuint(QSMMU_IDR1_CMDQS(idr1), >=, CMDQ_LOG2_MAX);
    g_assert_cmpuint(QSMMU_IDR1_EVENTQS(idr1), >=, EVTQ_LOG2_MAX);

    /* Which CR0 / IRQ_CTRL bits are implemented: write all, read ACK. */
    WR(f, s, QSMMU_CR0, 0xffffffff);
    s->cr0_mask = RD(f, s, QSMMU_CR0ACK);
    WR(f, s, QSMMU_CR0, 0);
    g_assert_cmphex(s->cr0_mask & ~CR0_DEFINED, ==, 0);
    g_assert_cmphex(s->cr0_mask & 0xd, ==, 0xd);
    WR(f, s, QSMMU_IRQ_CTRL, 0xffffffff);
    s->irq_mask = RD(f, s, QSMMU_IRQ_CTRLACK);
    WR(f, s, QSMMU_IRQ_CTRL, 0);
    g_assert_cmphex(s->irq_mask & ~IRQ_CTRL_DEFINED, ==, 0);
    g_assert_cmphex(s->irq_mask & 0x5, ==, 0x5);
}

/* ---- the command oracle (spec 4.1-4.7, written from the spec) ---- */

/* A reserved range encoding of an address-based TLBI (spec 4.4.1.1). */
static bool tlbi_range_ill(const Caps *c, uint64_t w0, uint64_t w1)
{
    unsigned tg = (w1 >> 10) & 3, ttl = (w1 >> 8) & 3;
    unsigned num = (w0 >> 12) & 0x1f, scale = (w0 >> 20) & 0x1f;

    /* Without RIL the range fields are RES0 (the model ignores them). */
    if (!c->ril || tg == 0) {
        return false;
    }
    if (!c->gran[tg]) {
        return true;
    }
    if (tg == 2 && ttl == 1) {
        ttl = 0;                /* reserved without DS: treated as 0 */
    }
    return num == 0 && scale == 0 && ttl == 0;
}

/* Whether the SMMU described by c must stop on (w0, w1) with ILL. */
static bool cmd_is_ill(const Caps *c, uint64_t w0, uint64_t w1)
{
    bool ssec = w0 & QSMMU_CMD_W0_SSEC;

    switch (w0 & 0xff) {
    case QSMMU_CMD_PREFETCH_CONFIG:
    case QSMMU_CMD_PREFETCH_ADDR:
    case QSMMU_CMD_CFGI_STE:
    case QSMMU_CMD_CFGI_STE_RANGE:
        return ssec;
    case QSMMU_CMD_CFGI_CD:
    case QSMMU_CMD_CFGI_CD_ALL:
        return ssec || !c->s1p;
    case QSMMU_CMD_TLBI_NH_ALL:
    case QSMMU_CMD_TLBI_NH_ASID:
        return !c->s1p;
    case QSMMU_CMD_TLBI_NH_VA:
    case QSMMU_CMD_TLBI_NH_VAA:
        return !c->s1p || tlbi_range_ill(c, w0, w1);
    case 0x20: case 0x21: case 0x22: case 0x23:     /* TLBI_EL2_* */
        return !c->hyp;
    case QSMMU_CMD_TLBI_S12_VMALL:
        return !c->s2p;
    case QSMMU_CMD_TLBI_S2_IPA:
        return !c->s2p || tlbi_range_ill(c, w0, w1);
    case QSMMU_CMD_TLBI_NSNH_ALL:
        return false;
    case QSMMU_CMD_ATC_INV:
        return !c->ats;
    case QSMMU_CMD_PRI_RESP:
        return !c->pri;
    case QSMMU_CMD_RESUME:
    case QSMMU_CMD_STALL_TERM:
        return ssec || c->stall_model == 1;
    case QSMMU_CMD_SYNC:
        return ((w0 >> 12) & 3) == 3;
    default:
        /* Reserved, IMPDEF, Secure-only, MPAM, DPT: none here. */
        return true;
    }
}

/* ---- commands ---- */

/* A random command: mostly well-formed with random operands. */
static void gen_cmd(Fuzz *f, FSmmu *s, uint64_t w[2])
{
    /* Opcodes a driver uses, and (rarer) ones no SMMU here accepts. */
    static const uint8_t common[] = {
        0x01, 0x02, 0x03, 0x04, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x12,
        0x13, 0x28, 0x2a, 0x2a, 0x30, 0x46, 0x46, 0x46, 0x46, 0x46, 0x46,
    };
    static const uint8_t rare[] = {
        0x07, 0x18, 0x1a, 0x20, 0x21, 0x22, 0x23, 0x40, 0x41, 0x44, 0x45,
        0x50, 0x58, 0x60, 0x70, 0x00, 0x08, 0x80, 0xff,
    };
    static const uint32_t msi_regs[] = {
        QSMMU_CMDQ_PROD, QSMMU_GERRORN, QSMMU_CR0, QSMMU_EVENTQ_CONS,
        QSMMU_IRQ_CTRL, QSMMU_STRTAB_BASE_CFG,
    };
    uint8_t op = chance(f, 90) ? common[rnd(f, G_N_ELEMENTS(common))]
                               : rare[rnd(f, G_N_ELEMENTS(rare))];
    uint32_t sid;
    uint64_t addr = chance(f, 50) ? rnd(f, 1u << 28) : rnd64(f);

    if (chance(f, 3)) {
        w[0] = rnd64(f);
        w[1] = rnd64(f);
        return;
    }
    sid = chance(f, 50) ? s->edu_sid
        : chance(f, 50) ? rnd(f, 1u << 16) : g_rand_int(f->rng);
    if (s->niovas && chance(f, 60)) {
        addr = s->iovas[rnd(f, s->niovas)];
    }

    w[0] = op;
    w[1] = 0;
    switch (op) {
    case QSMMU_CMD_PREFETCH_CONFIG:
    case QSMMU_CMD_PREFETCH_ADDR:
    case QSMMU_CMD_CFGI_CD:
    case QSMMU_CMD_ATC_INV:
    case QSMMU_CMD_PRI_RESP:
        w[0] |= QSMMU_CMD_W0_SID(sid) |
                QSMMU_CMD_W0_SSID(rnd_small(f, (1u << 20) - 1)) |
                (chance(f, 30) ? QSMMU_CMD_W0_SSV : 0);
        w[1] = (addr & QSMMU_CMD_W1_ADDR_MASK) | rnd(f, 64);
        break;
    case QSMMU_CMD_CFGI_STE:
    case QSMMU_CMD_CFGI_CD_ALL:
    case QSMMU_CMD_RESUME:
    case QSMMU_CMD_STALL_TERM:
        w[0] |= QSMMU_CMD_W0_SID(sid);
        w[1] = rnd(f, 2);
        break;
    case QSMMU_CMD_CFGI_STE_RANGE:
        w[0] |= QSMMU_CMD_W0_SID(sid);
        w[1] = chance(f, 40) ? 31 : rnd(f, 32);
        break;
    case QSMMU_CMD_TLBI_NH_VA:
    case QSMMU_CMD_TLBI_NH_VAA:
    case QSMMU_CMD_TLBI_S2_IPA:
    case 0x22: case 0x23:
        w[0] |= QSMMU_CMD_W0_NUM(rnd_small(f, 31)) |
                QSMMU_CMD_W0_SCALE(rnd_small(f, 31)) |
                QSMMU_CMD_W0_VMID(rnd_small(f, 0xffff)) |
                QSMMU_CMD_W0_ASID(rnd_small(f, 0xffff));
        w[1] = (addr & QSMMU_CMD_W1_ADDR_MASK) | QSMMU_CMD_W1_TG(rnd(f, 4)) |
               QSMMU_CMD_W1_TTL(rnd(f, 4)) | rnd(f, 2);
        break;
    case QSMMU_CMD_SYNC: {
        unsigned cs = chance(f, 70) ? QSMMU_SYNC_CS_IRQ : rnd(f, 4);
        uint64_t msi = s->arena + A_SYNC + 4 * rnd(f, 1024);
        uint32_t data = g_rand_int(f->rng);

        /* Rarely: nowhere, or a register that restarts a queue. */
        if (chance(f, 6)) {
            msi = chance(f, 30) ? NOWHERE : f->smmu[rnd(f, f->nsmmu)].base +
                  msi_regs[rnd(f, G_N_ELEMENTS(msi_regs))];
            data = rnd(f, 64);
        }
        w[0] |= QSMMU_CMD_W0_SYNC_CS(cs) | QSMMU_CMD_W0_SYNC_MSH(3) |
                QSMMU_CMD_W0_SYNC_MSIATTR(rnd(f, 16)) |
                QSMMU_CMD_W0_SYNC_MSIDATA(data);
        w[1] = msi & QSMMU_CMD_W1_MSIADDR_MASK;
        break;
    }
    default:
        w[0] |= QSMMU_CMD_W0_VMID(rnd_small(f, 0xffff)) |
                QSMMU_CMD_W0_ASID(rnd_small(f, 0xffff));
        break;
    }
    if (chance(f, 2)) {
        w[0] |= QSMMU_CMD_W0_SSEC;
    }
}

static void cmdq_write(Fuzz *f, FSmmu *s, uint32_t idx, const uint64_t w[2])
{
    uint64_t le[2] = { GUINT64_TO_LE(w[0]), GUINT64_TO_LE(w[1]) };

    qtest_memwrite(f->qts, s->arena + A_CMDQ + 16ULL * idx, le, 16);
}

/* ---- invariants ---- */

static bool known_event(unsigned id)
{
    return (id >= QSMMU_EVT_F_UUT && id <= QSMMU_EVT_F_WALK_EABT) ||
           (id >= QSMMU_EVT_F_TRANSLATION && id <= QSMMU_EVT_F_PERMISSION) ||
           id == QSMMU_EVT_F_TLB_CONFLICT || id == QSMMU_EVT_F_CFG_CONFLICT;
}

/* The new event records since the last look: whole, known, ours. */
static void check_events(Fuzz *f, FSmmu *s)
{
    unsigned log2 = s->evtq_log2;
    uint32_t mask = q_mask(log2);
    uint32_t prod = RD(f, s, QSMMU_EVENTQ_PROD);
    uint32_t cons = RD(f, s, QSMMU_EVENTQ_CONS);
    uint32_t fresh = q_dist(prod, s->evtq_seen, log2);

    FUZZ_CHECK(f, (prod & ~(mask | QSMMU_Q_OVFLG)) == 0,
               "EVENTQ_PROD 0x%x, log2size %u", prod, log2);
    FUZZ_CHECK(f, q_dist(prod, cons, log2) <= (1u << log2),
               "EVENTQ_PROD 0x%x passed CONS 0x%x", prod, cons);
    FUZZ_CHECK(f, fresh <= (1u << log2), "EVENTQ_PROD 0x%x moved back "
               "from 0x%x", prod, s->evtq_seen);
    for (uint32_t i = 0; i < fresh; i++) {
        uint32_t idx = (s->evtq_seen + i) & ((1u << log2) - 1);
        uint64_t raw[4];
        QSMMUEvent ev;
        g_autofree char *str = NULL;

        qtest_memread(f->qts, s->arena + A_EVTQ + 32ULL * idx, raw,
                      sizeof(raw));
        for (int j = 0; j < 4; j++) {
            raw[j] = GUINT64_FROM_LE(raw[j]);
        }
        qsmmu_event_decode(raw, &ev);
        str = qsmmu_event_str(&ev);
        STEP_NOTE(f, "%s", str);
        /* An SSID, if there is one, is the edu's (spec 7.3). */
        FUZZ_CHECK(f, known_event(ev.id) && ev.sid == s->edu_sid &&
                   ((!ev.ssv && ev.id != QSMMU_EVT_C_BAD_SUBSTREAMID) ||
                    (s->pasid >= 0 && ev.ssid == (uint32_t)s->pasid)),
                   "record %u: %s", idx, str);
        s->events++;
    }
    s->evtq_seen = prod & mask;
}

static void check_smmu(Fuzz *f, FSmmu *s)
{
    uint32_t cr0 = RD(f, s, QSMMU_CR0), ack = RD(f, s, QSMMU_CR0ACK);
    uint32_t irq = RD(f, s, QSMMU_IRQ_CTRL);
    uint32_t irq_ack = RD(f, s, QSMMU_IRQ_CTRLACK);
    uint32_t gerror = RD(f, s, QSMMU_GERROR);
    uint32_t cons = RD(f, s, QSMMU_CMDQ_CONS), prod;

    FUZZ_CHECK(f, ack == (cr0 & s->cr0_mask), "CR0 0x%x CR0ACK 0x%x",
               cr0, ack);
    FUZZ_CHECK(f, irq_ack == (irq & s->irq_mask),
               "IRQ_CTRL 0x%x IRQ_CTRLACK 0x%x", irq, irq_ack);
    FUZZ_CHECK(f, (gerror & ~GERROR_POSSIBLE) == 0, "GERROR 0x%x", gerror);
    /* Software may write any ERR while CMDQEN=0 (spec 6.3.28). */
    if (!s->controlled) {
        return;
    }
    FUZZ_CHECK(f, QSMMU_CMDQ_CONS_ERR(cons) <= QSMMU_CERROR_ABT,
               "CMDQ_CONS 0x%x", cons);
    prod = RD(f, s, QSMMU_CMDQ_PROD);
    FUZZ_CHECK(f, (cons & ~(q_mask(s->cmdq_log2) | (0x7fu << 24))) == 0,
               "CMDQ_CONS 0x%x, log2size %u", cons, s->cmdq_log2);
    FUZZ_CHECK(f, q_dist(prod, cons, s->cmdq_log2) <= (1u << s->cmdq_log2),
               "CMDQ_CONS 0x%x passed PROD 0x%x", cons, prod);
    check_events(f, s);
}

/* ---- kicking the command queue, with a prediction ---- */

typedef enum Kick { KICK_PROD, KICK_GERRORN, KICK_CR0 } Kick;

typedef struct SyncMsi {
    uint64_t addr;
    uint32_t data;
} SyncMsi;

/*
 * Write val to the register that kick names and check the outcome the
 * architecture prescribes (spec 7.1, 4.7.3): with CMDQEN set and no
 * CMDQ_ERR active, every command from CONS to PROD is consumed up to
 * the first illegal one (or the first fetch, when the queue is
 * nowhere), which stops the queue with CONS.RD on it, CONS.ERR set and
 * GERROR.CMDQ_ERR active; each consumed CMD_SYNC with CS=IRQ writes its
 * MSI data when the SMMU has MSIs.
 */
static void kick(Fuzz *f, FSmmu *s, Kick how, uint32_t val)
{
    static const uint32_t regs[] = { QSMMU_CMDQ_PROD, QSMMU_GERRORN,
                                     QSMMU_CR0 };
    unsigned log2 = s->cmdq_log2;
    uint32_t mask = q_mask(log2), idx_mask = (1u << log2) - 1;
    uint32_t cr0, gerror, gerrorn, prod, cons0, cons1, n, stop = 0;
    unsigned err = QSMMU_CERROR_NONE;
    g_autoptr(GArray) msis = g_array_new(false, false, sizeof(SyncMsi));
    bool run, active, wild = false;

    f->kicks++;
    if (!s->controlled) {
        WR(f, s, regs[how], val);
        return;
    }
    cr0 = RD(f, s, QSMMU_CR0);
    gerror = RD(f, s, QSMMU_GERROR);
    gerrorn = RD(f, s, QSMMU_GERRORN);
    prod = how == KICK_PROD ? val & mask : RD(f, s, QSMMU_CMDQ_PROD);
    cons0 = RD(f, s, QSMMU_CMDQ_CONS);
    active = (gerror ^ (how == KICK_GERRORN ? val : gerrorn)) & 1;
    /* A CR0 write starts the queue only on CMDQEN 0 -> 1. */
    run = !active && (how == KICK_CR0
                      ? !(cr0 & QSMMU_CR0_CMDQEN) && (val & QSMMU_CR0_CMDQEN)
                      : (cr0 & QSMMU_CR0_CMDQEN));

    /* Predict, from the queue contents, before the write. */
    n = run ? q_dist(prod, cons0, log2) : 0;
    FUZZ_CHECK(f, n <= (1u << log2), "PROD 0x%x CONS 0x%x", prod, cons0);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w[2];

        if (s->cmdq_bad) {
            err = QSMMU_CERROR_ABT;
            stop = i;
            break;
        }
        qtest_memread(f->qts, s->arena + A_CMDQ + 16ULL *
                      ((cons0 + i) & idx_mask), w, sizeof(w));
        w[0] = GUINT64_FROM_LE(w[0]);
        w[1] = GUINT64_FROM_LE(w[1]);
        if (cmd_is_ill(&s->caps, w[0], w[1])) {
            err = QSMMU_CERROR_ILL;
            stop = i;
            break;
        }
        if ((w[0] & 0xff) == QSMMU_CMD_SYNC && ((w[0] >> 12) & 3) == 1) {
            SyncMsi m = {
                .addr = w[1] & QSMMU_CMD_W1_MSIADDR_MASK,
                .data = w[0] >> 32,
            };
            bool slot = m.addr >= s->arena + A_SYNC &&
                        m.addr < s->arena + A_SYNC + 4096;

            if (s->caps.msi && m.addr && !slot) {
                wild = true;    /* lands on registers: anything may follow */
            } else if (slot) {
                /* The last MSI to a slot is the one that stays. */
                for (guint j = msis->len; j-- > 0;) {
                    if (g_array_index(msis, SyncMsi, j).addr == m.addr) {
                        g_array_remove_index(msis, j);
                    }
                }
                g_array_append_val(msis, m);
            }
        }
    }
    /* Sentinels in the slots the MSIs must (or must not) overwrite. */
    for (guint i = 0; i < msis->len; i++) {
        SyncMsi *m = &g_array_index(msis, SyncMsi, i);

        qtest_writel(f->qts, m->addr, ~m->data);
    }
    if (err && s->gerror_msi) {
        qtest_writel(f->qts, s->arena + A_IRQ, ~s->gerror_msi_data);
    }

    WR(f, s, regs[how], val);
    if (wild) {
        /* Any SMMU's queue may have moved or been reprogrammed. */
        for (unsigned i = 0; i < f->nsmmu; i++) {
            f->smmu[i].controlled = false;
        }
        STEP_NOTE(f, "kick: a CMD_SYNC MSI hit registers");
        return;
    }
    f->predicted++;
    cons1 = RD(f, s, QSMMU_CMDQ_CONS);
    if (err) {
        uint32_t gerror1 = RD(f, s, QSMMU_GERROR);
        uint32_t gerrorn1 = RD(f, s, QSMMU_GERRORN);

        f->cerr_ill += err == QSMMU_CERROR_ILL;
        f->cerr_abt += err == QSMMU_CERROR_ABT;
        stop = (cons0 + stop) & mask;
        FUZZ_CHECK(f, (cons1 & mask) == stop && QSMMU_CMDQ_CONS_ERR(cons1) ==
                   err, "CONS 0x%x -> 0x%x, expected RD 0x%x ERR %u",
                   cons0, cons1, stop, err);
        FUZZ_CHECK(f, (gerror1 ^ gerrorn1) & QSMMU_GERROR_CMDQ_ERR,
                   "GERROR 0x%x GERRORN 0x%x", gerror1, gerrorn1);
        if (s->gerror_msi && s->caps.msi) {
            uint32_t got = qtest_readl(f->qts, s->arena + A_IRQ);

            FUZZ_CHECK(f, got == s->gerror_msi_data, "GERROR MSI 0x%x, "
                       "expected 0x%x", got, s->gerror_msi_data);
        }
    } else if (run) {
        FUZZ_CHECK(f, (cons1 & mask) == prod &&
                   QSMMU_CMDQ_CONS_ERR(cons1) == QSMMU_CMDQ_CONS_ERR(cons0),
                   "CONS 0x%x -> 0x%x, expected RD 0x%x", cons0, cons1,
                   prod);
    } else {
        FUZZ_CHECK(f, cons1 == cons0, "CONS 0x%x -> 0x%x with the queue "
                   "stopped", cons0, cons1);
    }
    for (guint i = 0; i < msis->len; i++) {
        SyncMsi *m = &g_array_index(msis, SyncMsi, i);
        uint32_t got = qtest_readl(f->qts, m->addr);
        uint32_t want = s->caps.msi ? m->data : ~m->data;

        FUZZ_CHECK(f, got == want, "CMD_SYNC MSI slot 0x%" PRIx64 ": 0x%x, "
                   "expected 0x%x (IDR0.MSI %d)", m->addr, got, want,
                   s->caps.msi);
        f->sync_msis += s->caps.msi;
    }
    STEP_NOTE(f, "kick %d: CONS 0x%x -> 0x%x (%u commands, err %u)", how,
              cons0, cons1, n, err);
}

/* ---- actions ---- */

/* A value worth writing to a register. */
static uint64_t interesting(Fuzz *f, FSmmu *s)
{
    uint64_t v[] = {
        0, UINT64_MAX, 1ULL << rnd(f, 64), rnd(f, 64), rnd64(f), rnd64(f),
        s->arena + rnd(f, ARENA_SIZE / 64) * 64 + rnd(f, 20),
        f->smmu[rnd(f, f->nsmmu)].base + 4 * rnd(f, 0x40),
    };

    return v[rnd(f, G_N_ELEMENTS(v))];
}

/* One access of a random size at off (+ misalign), read or write. */
static void poke(Fuzz *f, FSmmu *s, uint32_t off)
{
    static const unsigned sizes[] = { 4, 4, 4, 8, 8, 8, 1, 2 };
    unsigned size = sizes[rnd(f, G_N_ELEMENTS(sizes))];
    uint64_t addr = s->base + off + (chance(f, 15) ? 1 + rnd(f, 3) : 0);
    uint64_t val = interesting(f, s);

    /* qtest memory verbs are accesses of exactly that many bytes. */
    if (chance(f, 25)) {
        qtest_memread(f->qts, addr, &val, size);
    } else {
        val = GUINT64_TO_LE(val);
        qtest_memwrite(f->qts, addr, &val, size);
    }
}

/* (a) Every register of both pages, then random offsets. */
static void act_registers(Fuzz *f, FSmmu *s, bool sweep)
{
    unsigned n = sweep ? 2 * G_N_ELEMENTS(reg_offsets) : 4 + rnd(f, 24);

    STEP_NOTE(f, "registers: %s", sweep ? "sweep" : "burst");
    for (unsigned i = 0; i < n; i++) {
        if (sweep) {
            poke(f, s, reg_offsets[i / 2] + (i & 1) * 0x10000);
        } else if (chance(f, 75)) {
            poke(f, s, reg_offsets[rnd(f, G_N_ELEMENTS(reg_offsets))] +
                 (chance(f, 30) ? 0x10000 : 0));
        } else {
            poke(f, s, rnd(f, QSMMU_MMIO_SIZE));
        }
    }
    s->controlled = false;
}

/*
 * What a driver does after changing tables: CFGI_ALL, TLBI_NSNH_ALL and
 * a CMD_SYNC, through the queue (and the prediction), if there is room.
 */
static void driver_invalidate(Fuzz *f, FSmmu *s)
{
    uint32_t idx_mask = (1u << s->cmdq_log2) - 1;
    QSMMUCmd cmds[3] = {
        qsmmu_cmd_cfgi_all(), qsmmu_cmd_tlbi_nsnh_all(),
        qsmmu_cmd_sync(QSMMU_SYNC_CS_IRQ,
                       s->arena + A_SYNC + 4 * rnd(f, 1024),
                       g_rand_int(f->rng)),
    };

    /* One at a time, so that a one-entry queue works too. */
    for (unsigned i = 0; i < 3 && s->controlled && !s->cmdq_bad; i++) {
        uint32_t prod = RD(f, s, QSMMU_CMDQ_PROD);
        uint32_t cons = RD(f, s, QSMMU_CMDQ_CONS);

        if (q_dist(prod, cons, s->cmdq_log2) == (1u << s->cmdq_log2)) {
            return;
        }
        cmdq_write(f, s, prod & idx_mask, cmds[i].w);
        kick(f, s, KICK_PROD, (prod + 1) & q_mask(s->cmdq_log2));
    }
}

/* The stream table as reconfigure() programmed it, in the allocator. */
static void alloc_strtab(Fuzz *f, FSmmu *s)
{
    QSMMU *d = &s->drv;
    uint64_t size;

    qsmmu_init(d, f->qts, s->base, s->arena + A_TABLES, A_TABLES_SIZE);
    d->strtab_2lvl = s->strtab_2lvl;
    d->split = s->split;
    if (s->strtab_2lvl) {
        size = 8ULL << (s->sid_bits > s->split ? s->sid_bits - s->split : 0);
    } else {
        size = 64ULL << s->sid_bits;
    }
    d->strtab = qsmmu_alloc(d, size, MAX(size, 64));
}

/*
 * (b) Tables for the edu's StreamID: an STE of a random kind the SMMU
 * supports, a CD, stage-1 tables mapping a few IOVAs into DMA_RAM and a
 * stage-2 table mapping IPA [0, 16 MiB) there and the rest of RAM 1:1
 * (so nested stage-1 pointers, which are IPAs, equal their PAs).  Then,
 * sometimes, corrupt them.  No invalidation is issued: the commands the
 * fuzzer sends may or may not catch up, as with a buggy driver.
 */
static void act_tables(Fuzz *f, FSmmu *s)
{
    static const unsigned granules[] = { 12, 12, 14, 16 };
    static const uint64_t s1_attrs[] = {
        QSMMU_S1_RW, QSMMU_S1_RW, QSMMU_S1_RW, QSMMU_S1_RO,
        QSMMU_S1_RW & ~QSMMU_PTE_AP_EL0, QSMMU_S1_RW & ~QSMMU_PTE_AF,
    };
    QSMMU *d = &s->drv;
    QSMMUPgt s1, s2;
    QSMMUCdTable cdt;
    uint64_t ste[8], cd[8];
    static const unsigned cfgs[] = {
        QSMMU_STE_CFG_ABORT, QSMMU_STE_CFG_BYPASS, QSMMU_STE_CFG_S1,
        QSMMU_STE_CFG_S1, QSMMU_STE_CFG_S2, QSMMU_STE_CFG_S2,
        QSMMU_STE_CFG_NESTED, QSMMU_STE_CFG_NESTED,
    };
    unsigned cfg, cdmax;
    uint64_t iova_limit;

    alloc_strtab(f, s);
    /* Mostly translating configurations the SMMU has (Config bit 0: S1). */
    do {
        cfg = cfgs[rnd(f, G_N_ELEMENTS(cfgs))];
    } while (((cfg & 1) && !s->caps.s1p) || ((cfg & 2) && !s->caps.s2p));
    /* Stage-2-only IOVAs are IPAs: stage 2 maps [0, 16 MiB) of them. */
    iova_limit = cfg == QSMMU_STE_CFG_S2 ? DMA_RAM_SIZE : 1ULL << 28;

    qsmmu_pgt_init(d, &s2, true, 12, 39, 1);
    qsmmu_pgt_map(d, &s2, 0x40000000, 0x40000000, 1, chance(f, 90)
                  ? QSMMU_S2_RW : QSMMU_S2_RO);
    for (uint64_t ipa = 0; ipa < DMA_RAM_SIZE; ipa += 0x200000) {
        qsmmu_pgt_map(d, &s2, ipa, DMA_RAM + ipa, 2, chance(f, 90)
                      ? QSMMU_S2_RW : QSMMU_S2_RO);
    }

    qsmmu_pgt_init(d, &s1, false, granules[rnd(f, 4)], 39, -1);
    s->niovas = 1 + rnd(f, MAX_IOVAS);
    /* Pages below limit / 2, 2 MiB blocks above: they never overlap. */
    for (unsigned i = 0; i < s->niovas; i++) {
        uint64_t page = 1ULL << s1.granule, half = iova_limit / 2;
        bool block = s1.granule == 12 && chance(f, 15);

        s->iovas[i] = block ? half + (rnd(f, half >> 21) << 21)
                            : rnd(f, half >> s1.granule) * page;
        qsmmu_pgt_map(d, &s1, s->iovas[i], block ? DMA_RAM
                      : DMA_RAM + rnd(f, DMA_RAM_SIZE / page) * page,
                      block ? 2 : 3, s1_attrs[rnd(f, G_N_ELEMENTS(s1_attrs))]);
    }

    /* CD 0 and, with substreams, the edu's (or another) in any format. */
    cdmax = s->caps.ssidsize ? rnd_small(f, MIN(s->caps.ssidsize, 6)) : 0;
    qsmmu_cd_table_init(d, &cdt, cdmax ? rnd(f, 3) : 0, cdmax);
    qsmmu_cd_s1(cd, &s1, rnd(f, 4));
    qsmmu_cd_write(d, &cdt, 0, cd);
    if (cdmax) {
        qsmmu_cd_write(d, &cdt, s->pasid >= 0 && s->pasid >> cdmax == 0 &&
                       chance(f, 80) ? s->pasid : rnd(f, 1u << cdmax), cd);
    }

    switch (cfg) {
    case QSMMU_STE_CFG_ABORT:
        qsmmu_ste_abort(ste);
        break;
    case QSMMU_STE_CFG_BYPASS:
        qsmmu_ste_bypass(ste);
        break;
    case QSMMU_STE_CFG_S1:
        qsmmu_ste_s1(ste, &cdt, rnd(f, 3));
        break;
    case QSMMU_STE_CFG_S2:
        qsmmu_ste_s2(ste, &s2, rnd(f, 4));
        break;
    default:
        qsmmu_ste_nested(ste, &cdt, rnd(f, 3), &s2, rnd(f, 4));
        break;
    }
    if (s->caps.s2p && cfg != QSMMU_STE_CFG_S2 &&
        cfg != QSMMU_STE_CFG_NESTED) {
        ste[2] |= QSMMU_STE_W2_S2VMID(rnd(f, 4));
    }
    if (chance(f, 5)) {
        ste[0] &= ~QSMMU_STE_W0_V;
    }
    /* A SID beyond the table gets C_BAD_STREAMID (with RECINVSID). */
    if (!(s->edu_sid >> s->sid_bits)) {
        qsmmu_ste_write(d, s->edu_sid, ste);
    }
    STEP_NOTE(f, "tables: STE config %u, %u IOVAs, S1 granule %u", cfg,
              s->niovas, s1.granule);
    /* Corrupt up to 32 bytes anywhere in what was built: bit or byte. */
    for (unsigned i = chance(f, 30) ? rnd(f, 32) : 32; i < 32; i++) {
        uint64_t addr = s->arena + A_TABLES +
                        rnd(f, d->alloc_next - s->arena - A_TABLES);

        qtest_writeb(f->qts, addr, chance(f, 50) ? rnd(f, 256) :
                     qtest_readb(f->qts, addr) ^ (1u << rnd(f, 8)));
    }
    if (chance(f, 70)) {
        driver_invalidate(f, s);
    }
}

/*
 * Reprogram the SMMU the way a driver would, with random choices: the
 * stream table format and size, the queues (size, start index, or
 * nowhere), interrupts and their MSIs, CR1/CR2/GBPA, and finally CR0.
 */
static void act_reconfigure(Fuzz *f, FSmmu *s)
{
    static const unsigned splits[] = { 6, 8, 10 };
    uint32_t cmd_start, evt_start, cr0;
    bool evtq = true;   /* false: queues may move behind our back */
    uint64_t cmdq_base;

    WR(f, s, QSMMU_CR0, 0);
    if (chance(f, 60)) {
        WR(f, s, QSMMU_GERRORN, RD(f, s, QSMMU_GERROR));
    }
    WR(f, s, QSMMU_CR1, chance(f, 80) ? QSMMU_CR1_LINUX : rnd(f, 1u << 12));
    WR(f, s, QSMMU_CR2, rnd(f, 8));
    WR(f, s, QSMMU_GBPA, QSMMU_GBPA_UPDATE | QSMMU_GBPA_SHCFG(1) |
       (chance(f, 30) ? QSMMU_GBPA_ABORT : 0));

    s->strtab_2lvl = chance(f, 50);
    if (s->strtab_2lvl) {
        s->split = splits[rnd(f, 3)];
        s->sid_bits = 10 + rnd(f, 7);       /* up to IDR1.SIDSIZE, 16 */
    } else {
        s->split = 0;
        s->sid_bits = 5 + rnd(f, 8);
    }
    alloc_strtab(f, s);
    WRQ(f, s, QSMMU_STRTAB_BASE, s->drv.strtab |
        (chance(f, 50) ? QSMMU_STRTAB_BASE_RA : 0));
    WR(f, s, QSMMU_STRTAB_BASE_CFG,
       (s->strtab_2lvl ? QSMMU_STRTAB_CFG_FMT_2LVL : 0) |
       QSMMU_STRTAB_CFG_SPLIT(s->split) |
       QSMMU_STRTAB_CFG_LOG2SIZE(s->sid_bits));

    s->cmdq_log2 = chance(f, 90) ? rnd(f, 10) : CMDQ_LOG2_MAX;
    s->cmdq_bad = chance(f, 5);
    /* ADDR bits below the queue's size are ignored (spec 6.3.26). */
    cmdq_base = s->cmdq_bad ? NOWHERE : (s->arena + A_CMDQ) |
                (rnd(f, 16u << s->cmdq_log2) & ~31u);
    WRQ(f, s, QSMMU_CMDQ_BASE, cmdq_base | s->cmdq_log2 |
        (chance(f, 50) ? QSMMU_Q_BASE_RWA : 0));
    cmd_start = rnd(f, 2u << s->cmdq_log2);
    WR(f, s, QSMMU_CMDQ_PROD, cmd_start);
    WR(f, s, QSMMU_CMDQ_CONS, cmd_start);

    s->evtq_log2 = rnd(f, EVTQ_LOG2_MAX + 1);
    WRQ(f, s, QSMMU_EVENTQ_BASE, (s->arena + A_EVTQ) | s->evtq_log2);
    evt_start = rnd(f, 2u << s->evtq_log2);
    WR(f, s, QSMMU_EVENTQ_PROD, evt_start);
    WR(f, s, QSMMU_EVENTQ_CONS, evt_start);

    /* The IRQ_CFG registers ignore writes while their IRQEN is set. */
    WR(f, s, QSMMU_IRQ_CTRL, 0);
    s->gerror_msi = chance(f, 70);
    s->gerror_msi_data = g_rand_int(f->rng);
    WRQ(f, s, QSMMU_GERROR_IRQ_CFG0, s->gerror_msi ? s->arena + A_IRQ : 0);
    WR(f, s, QSMMU_GERROR_IRQ_CFG1, s->gerror_msi_data);
    WR(f, s, QSMMU_GERROR_IRQ_CFG2, 1);
    WRQ(f, s, QSMMU_EVENTQ_IRQ_CFG0,
        chance(f, 70) ? s->arena + A_IRQ + 0x10 : 0);
    WR(f, s, QSMMU_EVENTQ_IRQ_CFG1, g_rand_int(f->rng));
    WR(f, s, QSMMU_EVENTQ_IRQ_CFG2, 1);
    /*
     * Sometimes an interrupt MSI restarts a full queue of invalidations:
     * an event or error raised inside a translation then runs CFGI_ALL
     * and TLBI_NSNH_ALL before that translation is done.
     */
    if (chance(f, 15) && !s->cmdq_bad) {
        g_autofree uint64_t *q = g_new(uint64_t, 2u << s->cmdq_log2);

        evtq = chance(f, 70);
        for (uint32_t i = 0; i < (2u << s->cmdq_log2); i += 2) {
            /* CFGI_ALL (CFGI_STE_RANGE, Range 31) and TLBI_NSNH_ALL. */
            q[i] = GUINT64_TO_LE(i & 2 ? QSMMU_CMD_TLBI_NSNH_ALL
                                       : QSMMU_CMD_CFGI_STE_RANGE);
            q[i + 1] = GUINT64_TO_LE(31);
        }
        qtest_memwrite(f->qts, s->arena + A_CMDQ, q, 16u << s->cmdq_log2);
        WRQ(f, s, evtq ? QSMMU_EVENTQ_IRQ_CFG0 : QSMMU_GERROR_IRQ_CFG0,
            s->base + QSMMU_CMDQ_PROD);
        WR(f, s, evtq ? QSMMU_EVENTQ_IRQ_CFG1 : QSMMU_GERROR_IRQ_CFG1,
           cmd_start ^ (1u << s->cmdq_log2));
        s->gerror_msi &= evtq;
    }
    /* Rarely the event queue is our own registers (CR0, GERRORN...). */
    if (chance(f, 4)) {
        WRQ(f, s, QSMMU_EVENTQ_BASE, (s->base + 0x20 * rnd(f, 5)) | rnd(f, 3));
        evtq = false;
    }
    s->controlled = evtq;
    WR(f, s, QSMMU_IRQ_CTRL, rnd(f, 8));
    s->gerror_msi &= (RD(f, s, QSMMU_IRQ_CTRL) & QSMMU_IRQ_CTRL_GERROR) != 0;

    s->evtq_seen = RD(f, s, QSMMU_EVENTQ_PROD) & q_mask(s->evtq_log2);
    act_tables(f, s);

    cr0 = (chance(f, 90) ? QSMMU_CR0_CMDQEN : 0) |
          (chance(f, 85) ? QSMMU_CR0_EVENTQEN : 0) |
          (chance(f, 85) ? QSMMU_CR0_SMMUEN : 0) |
          (chance(f, 10) ? g_rand_int(f->rng) & CR0_DEFINED : 0);
    kick(f, s, KICK_CR0, cr0);
    STEP_NOTE(f, "reconfigure: %s stream table, %u SID bits, cmdq 2^%u%s, "
              "evtq 2^%u, CR0 0x%x", s->strtab_2lvl ? "2-level" : "linear",
              s->sid_bits, s->cmdq_log2, s->cmdq_bad ? " (nowhere)" : "",
              s->evtq_log2, cr0);
}

/* (b) Put random commands after PROD and kick. */
static void act_commands(Fuzz *f, FSmmu *s)
{
    uint32_t prod, cons, space, n;

    if (!s->controlled) {
        /* We do not know where the queue is: just move PROD. */
        kick(f, s, KICK_PROD, chance(f, 50) ? rnd(f, 64) : g_rand_int(f->rng));
        return;
    }
    prod = RD(f, s, QSMMU_CMDQ_PROD);
    cons = RD(f, s, QSMMU_CMDQ_CONS);
    space = (1u << s->cmdq_log2) - q_dist(prod, cons, s->cmdq_log2);
    n = 1 + rnd(f, 12);
    n = MIN(space, n);
    STEP_NOTE(f, "commands: %u at PROD 0x%x (CONS 0x%x)", n, prod, cons);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w[2];

        gen_cmd(f, s, w);
        if (!s->cmdq_bad) {
            cmdq_write(f, s, (prod + i) & ((1u << s->cmdq_log2) - 1), w);
        }
    }
    kick(f, s, KICK_PROD, (prod + n) & q_mask(s->cmdq_log2));
}

/* Acknowledge GERROR (the driver's way, or at random) and kick. */
static void act_ack(Fuzz *f, FSmmu *s)
{
    uint32_t gerror = RD(f, s, QSMMU_GERROR);
    uint32_t gerrorn = RD(f, s, QSMMU_GERRORN);

    if (chance(f, 25)) {
        kick(f, s, KICK_GERRORN, gerrorn ^ (chance(f, 50) ? 1 :
                                            g_rand_int(f->rng)));
        return;
    }
    /* Linux replaces an illegal command by a CMD_SYNC before the ack. */
    if (s->controlled && !s->cmdq_bad && ((gerror ^ gerrorn) & 1) &&
        chance(f, 70)) {
        uint32_t cons = RD(f, s, QSMMU_CMDQ_CONS);
        uint64_t w[2] = { QSMMU_CMD_SYNC, 0 };

        cmdq_write(f, s, cons & ((1u << s->cmdq_log2) - 1), w);
    }
    kick(f, s, KICK_GERRORN, gerror);
}

/* Registers an SMMU could change under us when DMA or MSIs hit them. */
static const uint32_t watched[] = {
    QSMMU_CR0, QSMMU_CR1, QSMMU_CR2, QSMMU_IRQ_CTRL, QSMMU_STRTAB_BASE,
    QSMMU_STRTAB_BASE + 4, QSMMU_STRTAB_BASE_CFG, QSMMU_CMDQ_BASE,
    QSMMU_CMDQ_BASE + 4, QSMMU_CMDQ_PROD, QSMMU_EVENTQ_BASE,
    QSMMU_EVENTQ_BASE + 4, QSMMU_EVENTQ_CONS, QSMMU_GERRORN,
    QSMMU_GERROR_IRQ_CFG0,
};

typedef uint32_t Snapshot[2][G_N_ELEMENTS(watched)];

static void snapshot(Fuzz *f, bool watch, Snapshot snap)
{
    for (unsigned i = 0; i < f->nsmmu && watch; i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(watched); j++) {
            snap[i][j] = RD(f, &f->smmu[i], watched[j]);
        }
    }
}

/* (c) A DMA by the edu behind s to a random IOVA; let it complete. */
static void act_dma(Fuzz *f, FSmmu *s)
{
    QSMMUEdu *e = &s->edu;
    uint64_t iova = chance(f, 80) ? rnd(f, 1u << 28) : rnd64(f), buf;
    uint32_t off = rnd(f, EDU_BUF_SIZE), len;
    bool to_ram = chance(f, 50);

    if (!s->edu_ok) {
        return;
    }
    if (s->niovas && chance(f, 65)) {
        iova = s->iovas[rnd(f, s->niovas)] + rnd(f, 4096);
    }
    len = 1 + (chance(f, 50) ? rnd(f, MIN(64, EDU_BUF_SIZE - off))
                             : rnd(f, EDU_BUF_SIZE - off));
    buf = EDU_BUF_START + off;
    STEP_NOTE(f, "dma: %s iova 0x%" PRIx64 " len 0x%x",
              to_ram ? "to" : "from", iova, len);

    qtest_writeq(f->qts, e->bar + EDU_REG_DMA_SRC, to_ram ? buf : iova);
    qtest_writeq(f->qts, e->bar + EDU_REG_DMA_DST, to_ram ? iova : buf);
    qtest_writeq(f->qts, e->bar + EDU_REG_DMA_CNT, len);
    qtest_writeq(f->qts, e->bar + EDU_REG_DMA_CMD,
                 EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
    qtest_clock_step(f->qts, EDU_DEFAULT_DMA_DELAY_NS);
    f->dmas++;

    /* A stray DMA (bypass, a corrupted table) may hit the edu itself. */
    if (qtest_readl(f->qts, e->bar + EDU_REG_ID) != EDU_ID_VALUE) {
        s->edu_ok = false;      /* until the next reset */
    } else {
        FUZZ_CHECK(f, !(qtest_readq(f->qts, e->bar + EDU_REG_DMA_CMD) &
                        EDU_DMA_RUN), "edu DMA did not complete");
    }
}

/* ---- the run ---- */

static guint32 env_uint(const char *name, guint32 def)
{
    const char *v = g_getenv(name);

    return v && *v ? (guint32)g_ascii_strtoull(v, NULL, 0) : def;
}

/* Firmware's job for s's edu: the pxb's root port (bus 0x81), BAR 0. */
static void edu_setup(Fuzz *f, FSmmu *s)
{
    if (s->edu_sid >> 8) {
        qpci_bridge_setup(&f->pci, 0x80, 0, 0x81, 0x81);
    }
    qsmmu_edu_init(&s->edu, &f->pci, s->edu_sid >> 8, s->edu_sid & 0xff);
    s->edu_ok = true;
}

/* A system reset with all of that in flight, then set up again. */
static void act_reset(Fuzz *f)
{
    qtest_qmp_assert_success(f->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(f->qts, "RESET");
    for (unsigned i = 0; i < f->nsmmu; i++) {
        f->smmu[i].events = 0;      /* the counters may restart too */
        edu_setup(f, &f->smmu[i]);
        act_reconfigure(f, &f->smmu[i]);
    }
}

static void fuzz_add_smmu(Fuzz *f, const char *qom, uint64_t base,
                          uint32_t edu_sid, int pasid, unsigned arena)
{
    FSmmu *s = &f->smmu[f->nsmmu++];

    s->pasid = pasid;
    s->qom = qom;
    s->base = base;
    s->arena = ARENA_BASE + arena * ARENA_SIZE;
    s->edu_sid = edu_sid;
    read_caps(f, s);
    edu_setup(f, s);
}

static void fuzz_run(Fuzz *f)
{
    guint32 iters = env_uint("SMMUV3_FUZZ_ITERS", DEFAULT_ITERS);
    gint64 start = g_get_monotonic_time();

    for (unsigned i = 0; i < f->nsmmu; i++) {
        act_registers(f, &f->smmu[i], true);
        act_reconfigure(f, &f->smmu[i]);
    }
    for (f->step = 1; f->step <= iters; f->step++) {
        Snapshot before, after;
        FSmmu *s = &f->smmu[rnd(f, f->nsmmu)];
        unsigned r = rnd(f, 100);
        /* A DMA, or any other SMMU's queue and MSIs, may hit registers. */
        bool watch = r >= 1 && (f->nsmmu > 1 || r >= 74);

        snapshot(f, watch, before);
        if (r < 1) {
            act_reset(f);
        } else if (r < 6) {
            act_registers(f, s, false);
        } else if (r < 16) {
            act_reconfigure(f, s);
        } else if (r < 24) {
            if (s->controlled) {
                act_tables(f, s);
            }
        } else if (r < 52) {
            act_commands(f, s);
        } else if (r < 62) {
            act_ack(f, s);
        } else if (r < 67) {
            kick(f, s, KICK_CR0, RD(f, s, QSMMU_CR0) ^ QSMMU_CR0_CMDQEN);
        } else if (r < 74) {
            /* Consume all events, acknowledging an overflow (OVFLG). */
            WR(f, s, QSMMU_EVENTQ_CONS, s->controlled || chance(f, 50)
               ? RD(f, s, QSMMU_EVENTQ_PROD) : g_rand_int(f->rng));
        } else {
            act_dma(f, s);
        }
        snapshot(f, watch, after);
        for (unsigned i = 0; i < f->nsmmu; i++) {
            if (watch && (&f->smmu[i] != s || r >= 74) &&
                memcmp(before[i], after[i], sizeof(before[i]))) {
                f->smmu[i].controlled = false;
            }
            check_smmu(f, &f->smmu[i]);
        }
    }

    /* Still alive, answering QMP, and it counted what we saw. */
    qtest_qmp_assert_success(f->qts, "{'execute': 'query-status'}");
    for (unsigned i = 0; i < f->nsmmu; i++) {
        FSmmu *s = &f->smmu[i];

        g_assert_cmpint(qtest_qom_get_int(f->qts, s->qom,
                                          "x-events-recorded"), >=,
                        s->events);
    }
    g_test_message("%u steps in %.1f s: %u kicks (%u predicted, %u ILL, "
                   "%u ABT, %u CMD_SYNC MSIs), %u DMAs", iters,
                   (g_get_monotonic_time() - start) / 1e6, f->kicks,
                   f->predicted, f->cerr_ill, f->cerr_abt, f->sync_msis,
                   f->dmas);
    /* The fuzzer must reach the command checks it exists for. */
    g_assert_cmpuint(f->predicted, >, 0);
    qtest_quit(f->qts);
    g_rand_free(f->rng);
}

static void fuzz_init(Fuzz *f, const char *args)
{
    f->seed = env_uint("SMMUV3_FUZZ_SEED", DEFAULT_SEED);
    f->verbose = env_uint("SMMUV3_FUZZ_VERBOSE", 0);
    f->rng = g_rand_new_with_seed(f->seed);
    g_test_message("seed 0x%x (set SMMUV3_FUZZ_SEED to replay)", f->seed);
    f->qts = qtest_init(args);
    qpci_init_virt(&f->pci, f->qts);
}

/* The board's SMMU (default properties) in front of pcie.0. */
static void test_board(void)
{
    Fuzz f = { 0 };

    fuzz_init(&f, "-machine iommu=smmuv3 -m 256M "
              "-device edu,addr=03.0 -d guest_errors -D /dev/null");
    fuzz_add_smmu(&f, QSMMU_QOM_PATH, QSMMU_VIRT_BASE, PCI_DEVFN(3, 0), -1,
                  0);
    fuzz_run(&f);
}

/*
 * Two pluggable SMMUs with other properties: on pcie.0 stage 1 only,
 * without RIL and MSIs, with substreams (its edu's DMA has PASID 5); on
 * a pxb's root complex stage 2 only.  Their register files come from
 * the platform bus in order.
 */
static void test_pluggable(void)
{
    Fuzz f = { 0 };

    fuzz_init(&f, "-m 256M "
              "-device pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1,addr=4.0 "
              "-device arm-smmuv3,primary-bus=pcie.0,id=smmu0,stage=1,"
              "ril=off,msi=off,ssidsize=8 "
              "-device arm-smmuv3,primary-bus=pcie.1,id=smmu1,stage=2,"
              "ssidsize=16 "
              "-device pcie-root-port,bus=pcie.1,id=rp1,chassis=1,addr=0.0 "
              "-device edu,addr=03.0,x-pasid=5 -device edu,bus=rp1 "
              "-d guest_errors -D /dev/null -trace enable=smmu*");
    fuzz_add_smmu(&f, "/machine/peripheral/smmu0", QSMMU_VIRT_PLATFORM_BUS,
                  PCI_DEVFN(3, 0), 5, 0);
    fuzz_add_smmu(&f, "/machine/peripheral/smmu1",
                  QSMMU_VIRT_PLATFORM_BUS + QSMMU_MMIO_SIZE, 0x8100, -1, 1);
    fuzz_run(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Under UBSan (--enable-sanitizers) undefined behaviour is fatal. */
    g_setenv("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1", false);
    /* It steps the virtual clock: no test at all (a skip) against QEMU. */
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/smmuv3-fuzz/board", test_board);
        g_test_add_func("/smmuv3-fuzz/pluggable", test_pluggable);
    }
    return g_test_run();
}
