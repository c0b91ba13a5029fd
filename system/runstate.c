/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state and shutdown requests.  State changes that QMP clients
 * observe emit their events here (STOP, RESUME); SHUTDOWN is emitted by
 * vl.c once the main loop has returned.
 */
#include "qemu/osdep.h"
#include "system/runstate.h"
#include "qemu/main-loop.h"
#include "monitor/monitor.h"
#include "hw/sysbus.h"
#include "trace/trace-system.h"

static RunState current_state = RUN_STATE_PRELAUNCH;
static volatile sig_atomic_t shutdown_cause;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
};

static const char *const shutdown_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
};

RunState runstate_get(void)
{
    return current_state;
}

const char *runstate_name(RunState state)
{
    return runstate_names[state];
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

void runstate_set(RunState state)
{
    if (state != current_state) {
        trace_runstate_set(runstate_names[current_state],
                           runstate_names[state]);
        current_state = state;
    }
}

void vm_start(void)
{
    if (current_state == RUN_STATE_RUNNING) {
        return;
    }
    runstate_set(RUN_STATE_RUNNING);
    qapi_event_send("RESUME", NULL);
}

void vm_stop(void)
{
    if (current_state != RUN_STATE_RUNNING) {
        /* Not running (e.g. prelaunch under -S): nothing to stop. */
        return;
    }
    runstate_set(RUN_STATE_PAUSED);
    qapi_event_send("STOP", NULL);
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    if (!shutdown_cause) {
        shutdown_cause = cause;
    }
    qemu_notify_event();
}

ShutdownCause qemu_shutdown_requested(void)
{
    return shutdown_cause;
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    return shutdown_cause_names[cause];
}

static int reset_one_device(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_DEVICE) && DEVICE(obj)->realized &&
        !DEVICE(obj)->parent_bus) {
        /* Devices on buses are reset by their bus's owner. */
        device_cold_reset(DEVICE(obj));
    }
    return 0;
}

void qemu_devices_reset(void)
{
    Object *machine = object_get_child(object_get_root(), "machine");

    /*
     * The main system bus has no owner: reset what is on it (and, depth
     * first, below it: the PCI host bridge's buses) here.
     */
    bus_cold_reset(sysbus_get_default());
    if (machine) {
        object_child_foreach_recursive(machine, reset_one_device, NULL);
    }
}

static gboolean reset_event_send(gpointer opaque)
{
    ShutdownCause cause = GPOINTER_TO_INT(opaque);
    JsonObject *data = json_object_new();

    json_object_set_boolean_member(data, "guest", false);
    json_object_set_string_member(data, "reason",
                                  shutdown_cause_name(cause));
    qapi_event_send("RESET", data);
    return G_SOURCE_REMOVE;
}

void qemu_system_reset(ShutdownCause cause)
{
    trace_qemu_system_reset(shutdown_cause_name(cause));
    qemu_devices_reset();
    g_idle_add_full(G_PRIORITY_HIGH, reset_event_send, GINT_TO_POINTER(cause),
                    NULL);
}
