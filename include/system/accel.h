/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerators: "qtest" (no vCPUs; a test client drives the machine and
 * the virtual clock) and "kvm" (real guests, arm64 hosts).  There is no
 * TCG.  -accel may be given several times: the first that initialises
 * wins, as in QEMU.
 */
#ifndef SYSTEM_ACCEL_H
#define SYSTEM_ACCEL_H

#include "qapi/error.h"

typedef struct AccelOps {
    const char *name;
    /* Set up for the machine; false + error if unusable here. */
    bool (*init)(Error **errp);
    void (*teardown)(void);
} AccelOps;

const AccelOps *accel_find(const char *name);
void accel_print_list(void);
/* The accelerator in use, or NULL before selection. */
const AccelOps *current_accel(void);
void accel_set_current(const AccelOps *ops);
bool qtest_enabled(void);

#endif
