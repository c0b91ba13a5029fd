/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process-wide entry points of system/vl.c.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

int qemu_main(int argc, char **argv);

/* -name guest name, or NULL. */
const char *qemu_get_vm_name(void);

#endif
