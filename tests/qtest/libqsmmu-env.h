/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqsmmu-env: the test bench of the SMMUv3 translation suites
 * (smmuv3-test.c, smmuv3-fault-test.c).  A virt machine with the board
 * SMMU (both stages) and an edu at 03.0 on pcie.0 (StreamID 0x18) as the
 * DMA master; a fixed guest RAM map; the copy the cases make (IOVA ->
 * edu buffer -> IOVA + QSE_DST_OFF) and its checks; the exact event
 * records a case expects; and builders of whole stage-1, stage-2 and
 * nested configurations on top of libqsmmu.
 *
 * Against QEMU (QTEST_ACCEL=tcg) the bench runs too; qse_is_qemu() lets
 * a case skip what QEMU's model lacks.  QEMU records a faulting DMA once
 * per 4-byte retry of its DMA path; the event checks accept those extra
 * records of the same transfer there (and only there).
 */
#ifndef LIBQSMMU_ENV_H
#define LIBQSMMU_ENV_H

#include "libqsmmu.h"

/* Guest RAM map (virt: RAM at 1 GiB; the bench uses -m 512M). */
#define QSE_TABLES          0x44000000ULL   /* libqsmmu's allocator */
#define QSE_TABLES_SIZE     0x02000000ULL
#define QSE_PA_SRC          0x48000000ULL   /* pattern 0x11 (bypass loads) */
#define QSE_PA_DATA         0x4a345100ULL   /* pattern 0x22: the data */
#define QSE_PA_OTHER        0x4c000000ULL   /* a second target page */
/* A physical address with nothing behind it on virt. */
#define QSE_PA_NOWHERE      0x800000000ULL

/*
 * The stage-1-only IOVA, the stage-2 IPA and the nested IOVA of a PA.
 * Their distances are multiples of 1 GiB, so one address maps through
 * leaves of any size.
 */
#define QSE_S1_IOVA(pa)     ((pa) + 0x140000000ULL)
#define QSE_S2_IPA(pa)      ((pa) + 0x40000000ULL)
#define QSE_NEST_IOVA(pa)   (QSE_S2_IPA(pa) + 0x100000000ULL)
/* Nested: stage-1 tables and CDs are seen at IPA = PA + this. */
#define QSE_NEST_TABLE_OFF  0x20000000ULL

#define QSE_DST_OFF         0x400       /* the copy's destination offset */
#define QSE_LEN             256         /* bytes per DMA */
#define QSE_EDU_SID         0x18        /* pcie.0, 03.0 */
#define QSE_ASID            1
#define QSE_VMID            1

#define QSE_WIDE_MASK       "dma_mask=0xffffffffffffffff"
#define QSE_SSID_ARGS       "-global arm-smmuv3.ssidsize=16"

typedef struct QSEnv {
    QTestState *qts;
    QPCIBus pci;
    QSMMU s;
    QSMMUEdu edu;
    uint32_t sid;               /* the edu's StreamID */
    int pasid;                  /* edu's x-pasid, -1 none */
} QSEnv;

/* Whether the binary is QEMU (run with another accelerator). */
bool qse_is_qemu(void);
/* On QEMU: g_test_skip(why) and true. */
bool qse_skip_on_qemu(const char *why);

/* The bytes (i * 7 + seed) at p. */
void qse_fill_pattern(uint8_t *p, size_t len, uint8_t seed);

/*
 * Boot with edu options edu_opts and extra arguments (NULL: none),
 * bring the SMMU up with cfg (NULL: libqsmmu's defaults), put the
 * patterns at QSE_PA_SRC and QSE_PA_DATA.
 */
QSEnv *qse_start_full(const char *edu_opts, const char *extra,
                      const QSMMUConfig *cfg);
QSEnv *qse_start(const QSMMUConfig *cfg);
/* With ssidsize=16 and the edu's x-pasid = pasid (-1: none). */
QSEnv *qse_start_pasid(int pasid);
void qse_quit(QSEnv *e);

/* One DMA of QSE_LEN bytes between iova and the start of the buffer. */
void qse_dma_read(QSEnv *e, uint64_t iova);
void qse_dma_write(QSEnv *e, uint64_t iova);
/* The copy: iova -> buffer -> iova + QSE_DST_OFF. */
void qse_copy(QSEnv *e, uint64_t iova);
/* Whether QSE_LEN bytes at pa hold the pattern seed / zeros. */
bool qse_ram_has(QSEnv *e, uint64_t pa, uint8_t seed);
bool qse_ram_zero(QSEnv *e, uint64_t pa);
/*
 * Load the buffer with QSE_PA_SRC's pattern through a bypass STE (left
 * installed), so that a later write has data to lose.
 */
void qse_load_buffer_bypass(QSEnv *e);
/* A counter property of the board SMMU (x-iotlb-hits, ...). */
gint64 qse_counter(QSEnv *e, const char *name);

/*
 * The one record of a translation-class fault (0x10-0x13) or of
 * F_WALK_EABT, every field checked: addr is the IPA (S2 faults) or the
 * FetchAddr (F_WALK_EABT).
 */
void qse_expect_fault(QSEnv *e, uint8_t id, bool rnw, bool s2, unsigned cls,
                      uint64_t input, uint64_t addr);
/* Pop the next record, logged; it must be id from the edu's StreamID. */
void qse_pop_event(QSEnv *e, uint8_t id, QSMMUEvent *ev);
/* The one record of a configuration error: its word 0 fields. */
void qse_expect_cfg_event(QSEnv *e, uint8_t id);
/* The one F_STE_FETCH / F_CD_FETCH record with FetchAddr fetch. */
void qse_expect_fetch_event(QSEnv *e, uint8_t id, uint64_t fetch);
/* No record besides first (QEMU: its retries of the same transfer). */
void qse_expect_no_more_events(QSEnv *e, const QSMMUEvent *first);

/* One stage's tables for the data mapping. */
typedef struct QSStageCfg {
    unsigned granule;           /* 12, 14, 16 */
    unsigned ia;                /* input bits */
    int start;                  /* start level; -1: derived (stage 1) */
    int level;                  /* leaf level of the data mapping */
} QSStageCfg;

enum { QSE_MODE_S1, QSE_MODE_S2, QSE_MODE_NESTED };

/* A translation for the edu's StreamID. */
typedef struct QSXlat {
    QSMMUPgt s1, s2;
    QSMMUCdTable cdt;
    uint64_t cd[8];
    uint64_t ste[8];
    int mode;
    uint64_t iova;              /* IOVA of QSE_PA_DATA */
    uint64_t ipa;               /* its IPA (stage 2, nested) */
    uint64_t s1_leaf, s2_leaf;  /* PAs of the data's leaf descriptors */
} QSXlat;

/*
 * 4K pages: 48-bit VA from level 0; 40-bit IPA from 2 concatenated
 * level-1 tables; 32-bit IPA from level 1.
 */
extern const QSStageCfg qse_s1_4k;
extern const QSStageCfg qse_s2_4k;
extern const QSStageCfg qse_s2_4k_32;

uint64_t qse_align_down(uint64_t v, uint64_t size);
/*
 * Map [ipa, ipa + size) to pa in stage-2 tables with the biggest leaves
 * both addresses allow, covering the range.
 */
void qse_s2_map_cover(QSMMU *s, QSMMUPgt *pt, uint64_t ipa, uint64_t pa,
                      uint64_t size, uint64_t attrs);
/*
 * Forget earlier translations (TLBI_NSNH_ALL), then set up mode with
 * stage configs c1/c2 (the ones the mode uses): QSE_PA_DATA mapped
 * with leaf attributes a1/a2, the CD (ASID QSE_ASID) at index cd_index
 * of a CD table of format cd_fmt and S1CDMax cdmax, the STE built
 * (VMID QSE_VMID) but not installed.  Nested: the tables and CD are at
 * IPA = PA + QSE_NEST_TABLE_OFF, mapped by stage 2.
 */
void qse_xlat_build(QSEnv *e, QSXlat *x, int mode, const QSStageCfg *c1,
                    const QSStageCfg *c2, uint64_t a1, uint64_t a2,
                    unsigned cd_fmt, unsigned cdmax, uint32_t cd_index);
/* Read-write 4K configurations, installed. */
void qse_xlat_s1(QSEnv *e, QSXlat *x);
void qse_xlat_s2(QSEnv *e, QSXlat *x);
void qse_xlat_nested(QSEnv *e, QSXlat *x);
/* Rewrite x's CD ssid and CFGI_CD + CMD_SYNC it. */
void qse_cd_update(QSEnv *e, QSXlat *x, uint32_t ssid);
/* The copy worked: no event, QSE_PA_DATA's pattern at + QSE_DST_OFF. */
void qse_assert_copied(QSEnv *e);

#endif /* LIBQSMMU_ENV_H */
