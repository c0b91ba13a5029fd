/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator table.  qtest needs nothing from the host.  KVM support
 * (VM, vCPUs, in-kernel GIC) arrives with its own issue; until then
 * selecting it fails with a message that says so, and -accel kvm:qtest
 * style fallbacks still work.
 */
#include "qemu/osdep.h"
#include "system/accel.h"

static const AccelOps *accel_in_use;

static bool qtest_accel_init(Error **errp)
{
    return true;
}

static bool kvm_accel_init(Error **errp)
{
#ifdef CONFIG_KVM
    error_setg(errp, "KVM support is not implemented yet in this build; "
               "use -accel qtest");
#else
    error_setg(errp, "KVM support is not compiled in (configure with "
               "--enable-kvm on an arm64 Linux host)");
#endif
    return false;
}

static const AccelOps accels[] = {
    { .name = "kvm", .init = kvm_accel_init },
    { .name = "qtest", .init = qtest_accel_init },
};

const AccelOps *accel_find(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(accels); i++) {
        if (!strcmp(accels[i].name, name)) {
            return &accels[i];
        }
    }
    return NULL;
}

void accel_print_list(void)
{
    size_t i;

    printf("Accelerators supported in QEMU binary:\n");
    for (i = 0; i < ARRAY_SIZE(accels); i++) {
        printf("%s\n", accels[i].name);
    }
}

const AccelOps *current_accel(void)
{
    return accel_in_use;
}

void accel_set_current(const AccelOps *ops)
{
    accel_in_use = ops;
}

bool qtest_enabled(void)
{
    return accel_in_use && !strcmp(accel_in_use->name, "qtest");
}
