/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM's run state (as QMP's query-status reports it) and shutdown
 * and reset requests.  Changing state emits STOP / RESUME; a shutdown
 * request makes the main loop return, after which vl.c emits SHUTDOWN and
 * tears down; a reset resets the devices and emits RESET.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

typedef enum RunState {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE__MAX,
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE__MAX,
} ShutdownCause;

RunState runstate_get(void);
const char *runstate_name(RunState state);
bool runstate_is_running(void);
void runstate_set(RunState state);

/* cont: start or resume; emits RESUME. */
void vm_start(void);
/* stop: pause; emits STOP (only if running). */
void vm_stop(void);

void qemu_system_shutdown_request(ShutdownCause cause);
/* The pending request (SHUTDOWN_CAUSE_NONE if none). */
ShutdownCause qemu_shutdown_requested(void);
const char *shutdown_cause_name(ShutdownCause cause);

/*
 * Cold-reset every realized device of the machine (a device on a bus is
 * reset by its bus's owner, depth first).
 */
void qemu_devices_reset(void);
/*
 * System reset (QMP system_reset): reset the devices now, then emit
 * RESET {"guest": false, "reason": cause} from the main loop, so the
 * event follows the command's reply as in QEMU.
 */
void qemu_system_reset(ShutdownCause cause);

#endif
