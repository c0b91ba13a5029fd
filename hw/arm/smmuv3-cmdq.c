/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 command queue.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

void smmuv3_cmdq_consume(SMMUv3State *s)
{
}
