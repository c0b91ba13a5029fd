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
