/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Program entry: everything lives in system/vl.c so that tests can link
 * the same code without a second main().
 */
#include "qemu/osdep.h"
#include "system/system.h"

int main(int argc, char **argv)
{
    return qemu_main(argc, argv);
}
