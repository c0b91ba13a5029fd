/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 command opcodes (smmuv3-facts.md 4.1; bits 7:0 of a command's
 * first dword), shared by the simulated hardware (smmu.c), the simulated
 * driver's invalidation checks (viommu.c), the control channel's command
 * log (control.c) and the conformance suite.  Plain C with no includes,
 * so the suite can use it in its static aarch64 build for the lab.
 */
#ifndef HOSTSIM_SMMUV3_CMD_H
#define HOSTSIM_SMMUV3_CMD_H

#define CMD_PREFETCH_CONFIG     0x01
#define CMD_CFGI_STE            0x03
#define CMD_CFGI_ALL            0x04    /* CFGI_STE_RANGE with Range=31 */
#define CMD_CFGI_STE_RANGE      0x04
#define CMD_CFGI_CD             0x05
#define CMD_CFGI_CD_ALL         0x06
#define CMD_TLBI_NH_ALL         0x10
#define CMD_TLBI_NH_ASID        0x11
#define CMD_TLBI_NH_VA          0x12
#define CMD_TLBI_NH_VAA         0x13
#define CMD_TLBI_EL2_ALL        0x20
#define CMD_TLBI_S12_VMALL      0x28
#define CMD_TLBI_S2_IPA         0x2a
#define CMD_TLBI_NSNH_ALL       0x30
#define CMD_ATC_INV             0x40
#define CMD_PRI_RESP            0x41
#define CMD_RESUME              0x44
#define CMD_SYNC                0x46

#endif
