/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iommufd backend object.  A management stack that opened /dev/iommu
 * itself passes the fd with getfd and names it in fd=; otherwise the
 * backend opens /dev/iommu when the first device connects (the device
 * side comes with vfio-pci).  Here: the object, its fd property and the
 * "in use" rule for object-del.
 */
#include "qemu/osdep.h"
#include "qom/object_interfaces.h"
#include "monitor/monitor.h"
#include "system/iommufd.h"
#include "trace/trace-backends.h"

static bool iommufd_backend_set_fd(Object *obj, const char *str,
                                   Error **errp)
{
    IOMMUFDBackend *be = IOMMUFD_BACKEND(obj);
    int fd;

    if (be->users) {
        error_setg(errp, "iommufd: cannot change the fd while %u device(s) "
                   "use it", be->users);
        return false;
    }
    fd = monitor_fd_param(str, errp);
    if (fd < 0) {
        error_prepend(errp, "Could not parse remote object fd %s: ", str);
        return false;
    }
    if (be->owned && be->fd >= 0) {
        close(be->fd);
    }
    be->fd = fd;
    /* A passed fd belongs to us now: monitor_fd_param handed it over. */
    be->owned = true;
    trace_iommufd_backend_set_fd(fd);
    return true;
}

static bool iommufd_backend_can_be_deleted(UserCreatable *uc)
{
    return IOMMUFD_BACKEND(uc)->users == 0;
}

static void iommufd_backend_init(Object *obj)
{
    IOMMUFD_BACKEND(obj)->fd = -1;
}

static void iommufd_backend_finalize(Object *obj)
{
    IOMMUFDBackend *be = IOMMUFD_BACKEND(obj);

    if (be->owned && be->fd >= 0) {
        close(be->fd);
    }
}

static void iommufd_backend_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = OBJECT_CLASS_CHECK(UserCreatableClass, oc,
                                                 TYPE_USER_CREATABLE);

    ucc->can_be_deleted = iommufd_backend_can_be_deleted;
    object_class_property_add_str(oc, "fd", NULL, iommufd_backend_set_fd);
    object_class_property_set_description(oc, "fd",
        "file descriptor of /dev/iommu: a getfd name or a number");
}

static const TypeInfo iommufd_types[] = {
    {
        .name = TYPE_IOMMUFD_BACKEND,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(IOMMUFDBackend),
        .instance_init = iommufd_backend_init,
        .instance_finalize = iommufd_backend_finalize,
        .class_init = iommufd_backend_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { NULL }
        },
        .description = "iommufd backend (/dev/iommu)",
    },
};

DEFINE_TYPES(iommufd_types)
