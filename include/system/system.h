/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process-wide entry points of system/vl.c.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

int qemu_main(int argc, char **argv);

typedef struct Chardev Chardev;

/*
 * The chardev of the i-th -serial option (-nographic without -serial:
 * stdio for the first), or NULL: the board connects its UARTs to these.
 */
Chardev *serial_hd(int i);

/* -name guest name, or NULL. */
const char *qemu_get_vm_name(void);

#endif
