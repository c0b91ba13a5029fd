/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The public face of the host simulator (libhostsim.so, or the static
 * library unit tests link): the environment variables that configure
 * it, the exit status it can impose, and the one C entry point -- the
 * control protocol of docs/devel/hostsim.rst without a socket.
 *
 * A program linked with the simulator calls hostsim_control() directly.
 * A program that only has it preloaded can find it at run time with
 * dlsym(RTLD_DEFAULT, "hostsim_control"), or talk to the socket named by
 * HOSTSIM_CONTROL (tests/hostsim/hostsim-client.h is a GLib client).
 * Plain C, no GLib: the conformance suite includes it too.
 */
#ifndef HOSTSIM_H
#define HOSTSIM_H

/*
 * A topology file (GKeyFile, format in docs/devel/hostsim.rst) to use
 * instead of the built-in tests/hostsim/default.topo.
 */
#define HOSTSIM_ENV_TOPOLOGY    "HOSTSIM_TOPOLOGY"
/*
 * A path: the simulator listens there on a Unix stream socket for control
 * requests (a stale socket there is replaced; the creating process
 * removes it at exit).  Unset: no socket, no thread.
 */
#define HOSTSIM_ENV_CONTROL     "HOSTSIM_CONTROL"
/*
 * "1": when the leak report at exit is not empty, the process exits with
 * HOSTSIM_LEAK_EXIT_STATUS instead of its own status.
 */
#define HOSTSIM_ENV_LEAK_FATAL  "HOSTSIM_LEAK_FATAL"
/*
 * N: arm fail-nth when the library loads (as the control request
 * "fail-nth n=N" would), so that start-up can be swept.  The process then
 * prints "hostsim: fail-nth: remaining=R consumed=0|1 where=W errno=E"
 * to stderr at exit.
 */
#define HOSTSIM_ENV_FAIL_NTH    "HOSTSIM_FAIL_NTH"

#define HOSTSIM_LEAK_EXIT_STATUS 66

/* The longest request line the socket accepts, newline included. */
#define HOSTSIM_CONTROL_MAX_LINE 65536
/* The largest transfer of the "dma" request. */
#define HOSTSIM_DMA_MAX         4096

/*
 * Serve one request line ("verb key=value ...", no newline needed) and
 * return the reply: one or more lines, each ending in '\n'.  The first
 * is "ok [key=value ...]" or "error ERRNAME message"; "ok count=N" is
 * followed by N record lines.  Never NULL; release it with free().
 * Thread-safe: it takes the simulator's lock.
 */
char *hostsim_control(const char *request);

#endif
