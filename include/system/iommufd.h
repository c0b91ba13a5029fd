/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iommufd backend object (-object iommufd,id=ID[,fd=FD]): owns, or
 * receives from the management stack, the /dev/iommu file descriptor that
 * every device linking it shares.  While devices use it, it cannot be
 * deleted.
 */
#ifndef SYSTEM_IOMMUFD_H
#define SYSTEM_IOMMUFD_H

#include "qom/object.h"

#define TYPE_IOMMUFD_BACKEND "iommufd"

typedef struct IOMMUFDBackend {
    Object parent_obj;
    int fd;             /* -1 until connected or given */
    bool owned;         /* we opened fd and close it */
    unsigned users;     /* devices connected */
} IOMMUFDBackend;

#define IOMMUFD_BACKEND(obj) \
    OBJECT_CHECK(IOMMUFDBackend, (obj), TYPE_IOMMUFD_BACKEND)

#endif
