/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry point of hostsim-conformance: find the devices and the simulator
 * (env.c), then run the registered checks and print TAP (harness.c).
 * The same binary runs on the simulator (LD_PRELOAD=libhostsim.so) and,
 * built static for aarch64, against the real kernel in the lab.
 */
#include "env.h"

int main(int argc, char **argv)
{
    bool list = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--list") ||
            !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            list = true;
        }
    }
    /* Listing needs no devices (and must not touch them). */
    if (!list) {
        cenv_init();
    }
    return ctest_main(argc, argv);
}
