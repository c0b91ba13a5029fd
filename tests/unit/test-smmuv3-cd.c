/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 Context Descriptor decoder (smmuv3_cd_decode
 * in hw/arm/smmuv3-ste.c): a Linux-style CD must decode to exact stage-1
 * parameters, both TTB ranges with the two TG encodings, then one
 * mutation per ILLEGAL condition of spec 5.4.2, each rejected with a
 * phrase naming the problem; and the nested case, where the TTBs are
 * IPAs.  The words are built by smmuv3-ste-words.h.
 */
#include "qemu/osdep.h"
#include "smmuv3-ste-words.h"

/* ---- CD ---- */

static SMMUSteCfg s1_ste_cfg(const SMMUv3Caps *caps)
{
    uint64_t ste[8];
    SMMUSteCfg cfg;

    make_s1_ste(ste, RAM, 0, 0);
    ste_ok(caps, ste, &cfg);
    return cfg;
}

static void test_cd_linux(void)
{
    SMMUv3Caps caps = model_caps();
    SMMUSteCfg ste = s1_ste_cfg(&caps);
    uint64_t cd[8];
    SMMUCdCfg cfg;

    /* 48-bit VA from level 0: a 4 KiB table, low bits dropped. */
    make_cd(cd, 7, RAM + 0x20ff0);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpint(cfg.s1.stage, ==, SMMU_STAGE_1);
    g_assert_cmpuint(cfg.s1.oas, ==, 44);
    g_assert_false(cfg.s1.affd);
    check_tt(&cfg.s1.tt[0], RAM + 0x20000, 16, 12, false, false, false);
    g_assert_true(cfg.s1.tt[1].epd);
    g_assert_cmphex(cfg.s1.tt[1].ttb, ==, 0);
    g_assert_false(cfg.s1.s2ptw);
    g_assert_false(cfg.s1.xnx);
    g_assert_cmpuint(cfg.s1.concat, ==, 1);
    g_assert_cmpuint(cfg.asid, ==, 7);
    g_assert_true(cfg.aset);
    g_assert_true(cfg.a);
    g_assert_true(cfg.r);
    g_assert_false(cfg.s);
    g_assert_false(cfg.pan);
    g_assert_false(cfg.wxn);
    g_assert_cmphex(cfg.mair, ==, LINUX_MAIR);

    /* IPS above OAS is capped; IPS below it is kept. */
    put(cd, CD_IPS, 3, 5);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.s1.oas, ==, 44);
    put(cd, CD_IPS, 3, 2);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.s1.oas, ==, 40);

    /* The flags. */
    put(cd, CD_AFFD, 1, 1);
    put(cd, CD_WXN, 1, 1);
    put(cd, CD_PAN, 1, 1);
    put(cd, CD_TBI0, 1, 1);
    put(cd, CD_HAD0, 1, 1);
    put(cd, CD_ASET, 1, 0);
    put(cd, CD_R, 1, 0);
    put(cd, CD_ASID, 16, 0xfffe);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_true(cfg.s1.affd);
    g_assert_true(cfg.wxn);
    g_assert_true(cfg.pan);
    g_assert_false(cfg.aset);
    g_assert_false(cfg.r);
    g_assert_cmpuint(cfg.asid, ==, 0xfffe);
    check_tt(&cfg.s1.tt[0], RAM + 0x20000, 16, 12, false, true, true);
}

/* Both tables in use, and the TG1 encoding (0 reserved, 1 16K, 2 4K). */
static void test_cd_two_ttbs(void)
{
    SMMUv3Caps caps = model_caps();
    SMMUSteCfg ste = s1_ste_cfg(&caps);
    uint64_t cd[8];
    SMMUCdCfg cfg;

    make_cd(cd, 1, RAM + 0x58000);
    /* TTB0: 64K, 42-bit VA from level 2: a 64 KiB table. */
    put(cd, CD_TG0, 2, 1);
    put(cd, CD_T0SZ, 6, 22);
    /* TTB1: 4K, 39-bit VA from level 1: a 4 KiB table. */
    put(cd, CD_EPD1, 1, 0);
    put(cd, CD_TG1, 2, 2);
    put(cd, CD_T1SZ, 6, 25);
    put(cd, CD_TBI1, 1, 1);
    put(cd, CD_HAD1, 1, 1);
    put_ttb(cd, 1, RAM + 0x30800);
    cd_ok(&caps, &ste, cd, &cfg);
    check_tt(&cfg.s1.tt[0], RAM + 0x50000, 22, 16, false, false, false);
    check_tt(&cfg.s1.tt[1], RAM + 0x30000, 25, 12, false, true, true);

    /* TG1 1 is 16K (39-bit from level 1: 8 entries), 3 is 64K. */
    put(cd, CD_TG1, 2, 1);
    cd_ok(&caps, &ste, cd, &cfg);
    check_tt(&cfg.s1.tt[1], RAM + 0x30800, 25, 14, false, true, true);
    put(cd, CD_TG1, 2, 3);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.s1.tt[1].granule_sz, ==, 16);
    put(cd, CD_TG1, 2, 0);
    cd_bad(&caps, &ste, cd, "TG1 0 reserved");
    /* TG1 0 does not matter once EPD1 disables the table. */
    put(cd, CD_EPD1, 1, 1);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_true(cfg.s1.tt[1].epd);
    g_assert_cmpuint(cfg.s1.tt[1].granule_sz, ==, 12);

    /* TG0 encodings: 2 is 16K, 3 reserved. */
    put(cd, CD_TG0, 2, 2);
    put(cd, CD_T0SZ, 6, 16);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.s1.tt[0].granule_sz, ==, 14);
    put(cd, CD_TG0, 2, 3);
    cd_bad(&caps, &ste, cd, "TG0 3 reserved");
    /* ... and TTB0 off with TTB1 on. */
    put(cd, CD_EPD0, 1, 1);
    put(cd, CD_EPD1, 1, 0);
    put(cd, CD_TG1, 2, 2);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_true(cfg.s1.tt[0].epd);
    g_assert_cmphex(cfg.s1.tt[0].ttb, ==, 0);
    check_tt(&cfg.s1.tt[1], RAM + 0x30000, 25, 12, false, true, true);
}

/* One mutation of a valid CD per ILLEGAL condition. */
static void test_cd_illegal(void)
{
    SMMUv3Caps caps = model_caps();
    SMMUSteCfg ste = s1_ste_cfg(&caps);
    uint64_t base[8], cd[8];
    SMMUCdCfg cfg;

    make_cd(base, 1, RAM);
    cd_ok(&caps, &ste, base, &cfg);

#define MUTATE(field, len, v) \
    do { \
        memcpy(cd, base, sizeof(cd)); \
        put(cd, (field), (len), (v)); \
    } while (0)

    MUTATE(CD_V, 1, 0);
    cd_bad(&caps, &ste, cd, "V=0");

    /* Fault models. */
    MUTATE(CD_A, 1, 0);
    cd_bad(&caps, &ste, cd, "A=0 with TERM_MODEL=1");
    caps.term_model = false;
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_false(cfg.a);
    caps = model_caps();
    MUTATE(CD_S, 1, 1);
    cd_bad(&caps, &ste, cd, "S=1 with STALL_MODEL 1");
    caps.stall_model = 0;
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_true(cfg.s);
    {
        /* The STE forbids stalls. */
        uint64_t s[8];
        SMMUSteCfg stalld;

        make_s1_ste(s, RAM, 0, 0);
        put(s, STE_S1STALLD, 1, 1);
        ste_ok(&caps, s, &stalld);
        cd_bad(&caps, &stalld, cd, "S1STALLD");
        cd_ok(&caps, &stalld, base, &cfg);
    }
    caps.stall_model = 2;
    cd_bad(&caps, &ste, base, "S=0 with STALL_MODEL 2");
    cd_ok(&caps, &ste, cd, &cfg);
    caps = model_caps();

    /* Format and endianness. */
    MUTATE(CD_AA64, 1, 0);
    cd_bad(&caps, &ste, cd, "AA64=0");
    MUTATE(CD_ENDI, 1, 1);
    cd_bad(&caps, &ste, cd, "ENDI=1 on a little-endian-only SMMU");
    put(cd, CD_EPD0, 1, 1);        /* both tables off: ENDI IGNORED */
    cd_ok(&caps, &ste, cd, &cfg);
    caps.ttendian = 3;
    cd_bad(&caps, &ste, base, "ENDI=0 on a big-endian-only SMMU");
    caps = model_caps();

    /* HTTU. */
    MUTATE(CD_HA, 1, 1);
    cd_bad(&caps, &ste, cd, "HA=1 without HTTU");
    caps.httu = 1;
    cd_ok(&caps, &ste, cd, &cfg);
    caps = model_caps();
    MUTATE(CD_HD, 1, 1);
    cd_bad(&caps, &ste, cd, "HD=1 without HTTU");
    caps.httu = 1;
    cd_bad(&caps, &ste, cd, "HD=1 with HTTU 1");
    caps = model_caps();
    MUTATE(CD_HAFT, 1, 1);
    cd_ok(&caps, &ste, cd, &cfg);
    caps.httu = 3;
    cd_bad(&caps, &ste, cd, "HAFT=1 with HA=0");
    caps = model_caps();

    /* 8-bit ASIDs. */
    MUTATE(CD_ASID, 16, 0x100);
    caps.asid16 = false;
    cd_bad(&caps, &ste, cd, "ASID 0x100 needs ASID16");
    MUTATE(CD_ASID, 16, 0xff);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.asid, ==, 0xff);
    caps = model_caps();

    /* TxSZ range, only for enabled tables. */
    MUTATE(CD_T0SZ, 6, 15);
    cd_bad(&caps, &ste, cd, "T0SZ 15 below 16");
    MUTATE(CD_T0SZ, 6, 40);
    cd_bad(&caps, &ste, cd, "T0SZ 40 above 39");
    put(cd, CD_EPD0, 1, 1);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmpuint(cfg.s1.tt[0].tsz, ==, 39);   /* kept in range */
    MUTATE(CD_T0SZ, 6, 39);
    cd_ok(&caps, &ste, cd, &cfg);
    MUTATE(CD_EPD1, 1, 0);
    put(cd, CD_TG1, 2, 2);
    put(cd, CD_T1SZ, 6, 10);
    cd_bad(&caps, &ste, cd, "T1SZ 10 below 16");
    put(cd, CD_T1SZ, 6, 45);
    cd_bad(&caps, &ste, cd, "T1SZ 45 above 39");
    caps.stt = true;
    cd_ok(&caps, &ste, cd, &cfg);
    put(cd, CD_T1SZ, 6, 48);
    cd_ok(&caps, &ste, cd, &cfg);
    put(cd, CD_TG1, 2, 3);
    cd_bad(&caps, &ste, cd, "T1SZ 48 above 47");
    caps = model_caps();

    /* Granule support. */
    MUTATE(CD_TG0, 2, 2);
    caps.gran16k = false;
    cd_bad(&caps, &ste, cd, "TG0 2: 16K granule not supported");
    caps = model_caps();
    caps.gran4k = false;
    cd_bad(&caps, &ste, base, "TG0 0: 4K granule not supported");
    caps = model_caps();

    /* TTB0 outside the effective IPS. */
    MUTATE(CD_IPS, 3, 2);
    put_ttb(cd, 0, 1ULL << 40);
    cd_bad(&caps, &ste, cd, "TTB0 0x10000000000 beyond 40 bits");
    put_ttb(cd, 0, (1ULL << 40) - 0x1000);
    cd_ok(&caps, &ste, cd, &cfg);
    MUTATE(CD_IPS, 3, 5);          /* capped at the 44-bit OAS */
    put_ttb(cd, 0, 1ULL << 44);
    cd_bad(&caps, &ste, cd, "beyond 44 bits");
    put_ttb(cd, 0, 1ULL << 43);
    cd_ok(&caps, &ste, cd, &cfg);
    put(cd, CD_EPD0, 1, 1);        /* IGNORED when disabled */
    put_ttb(cd, 0, 1ULL << 55);
    cd_ok(&caps, &ste, cd, &cfg);
    /* 48 bits at most for 4K/16K without DS; 64K may go to 52. */
    caps.oas = 52;
    MUTATE(CD_IPS, 3, 6);
    put_ttb(cd, 0, 1ULL << 48);
    cd_bad(&caps, &ste, cd, "TTB0 0x1000000000000 beyond 48 bits");
    put(cd, CD_TG0, 2, 1);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmphex(cfg.s1.tt[0].ttb, ==, 1ULL << 48);
    g_assert_cmpuint(cfg.s1.oas, ==, 52);
    caps = model_caps();
    /* TTB1 too. */
    MUTATE(CD_EPD1, 1, 0);
    put(cd, CD_TG1, 2, 2);
    put(cd, CD_T1SZ, 6, 16);
    put_ttb(cd, 1, 1ULL << 44);
    cd_bad(&caps, &ste, cd, "TTB1");

    /* A CD is only reached through a stage-1 STE. */
    {
        SMMUSteCfg bypass = { .config = SMMU_STE_BYPASS };

        cd_bad(&caps, &bypass, base, "no stage 1");
    }
#undef MUTATE
}

/*
 * Nested: the TTBs are IPAs, checked against the CD's effective IPS
 * (spec 5.4 TTB0); one beyond S2T0SZ but inside IPS is accepted and
 * faults at stage 2 during the walk.
 */
static void test_cd_nested(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t s[8], cd[8];
    SMMUSteCfg ste;
    SMMUCdCfg cfg;

    make_s1_ste(s, RAM, 0, 0);
    put(s, STE_CONFIG, 3, 7);
    put_s2(s, 2, 24, 1, TG_4K, 2, RAM + 0x100000);   /* 40-bit IPA */
    ste_ok(&caps, s, &ste);

    make_cd(cd, 9, RAM + 0x7000);
    cd_ok(&caps, &ste, cd, &cfg);
    check_tt(&cfg.s1.tt[0], RAM + 0x7000, 16, 12, false, false, false);
    g_assert_cmpuint(cfg.s1.oas, ==, 44);
    put_ttb(cd, 0, 1ULL << 42);
    cd_ok(&caps, &ste, cd, &cfg);
    g_assert_cmphex(cfg.s1.tt[0].ttb, ==, 1ULL << 42);
    put_ttb(cd, 0, 1ULL << 44);
    cd_bad(&caps, &ste, cd, "TTB0");
    put_ttb(cd, 0, RAM);
    put(cd, CD_IPS, 3, 1);
    put_ttb(cd, 0, 1ULL << 36);
    cd_bad(&caps, &ste, cd, "beyond 36 bits");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-cd/linux", test_cd_linux);
    g_test_add_func("/smmuv3-cd/two-ttbs", test_cd_two_ttbs);
    g_test_add_func("/smmuv3-cd/illegal", test_cd_illegal);
    g_test_add_func("/smmuv3-cd/nested", test_cd_nested);
    return g_test_run();
}
