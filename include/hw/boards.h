/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machines: the object at /machine, its type ("virt", "none"), generic
 * properties (-m, -smp, dumpdtb) and the init hook that builds the board.
 * A machine type is named "NAME-machine"; users name it "NAME".
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "hw/qdev-core.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(name) (name TYPE_MACHINE_SUFFIX)

typedef struct MachineState MachineState;

typedef struct MachineClass {
    ObjectClass parent_class;
    const char *name;           /* filled from the type name */
    const char *desc;
    bool (*init)(MachineState *ms, Error **errp);
    /* Runs after -device devices are created (device tree, reset). */
    bool (*done)(MachineState *ms, Error **errp);
    void (*teardown)(MachineState *ms);
    /* done builds a device tree and writes it for -machine dumpdtb=F. */
    bool writes_dtb;
    unsigned min_cpus;
    unsigned max_cpus;
    uint64_t default_ram_size;
} MachineClass;

struct MachineState {
    Object parent_obj;
    uint64_t ram_size;
    unsigned smp_cpus;
    char *dumpdtb;
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(klass) \
    OBJECT_CLASS_CHECK(MachineClass, (klass), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* The machine at /machine, or NULL before it is created. */
MachineState *qdev_get_machine(void);
/* Look up "virt" (or "virt-machine"); NULL + error if unknown. */
MachineClass *machine_find_class(const char *name, Error **errp);
void machine_print_list(void);
/* Create /machine with its containers. */
MachineState *machine_create(MachineClass *mc, Error **errp);
void machine_destroy(void);

#endif
