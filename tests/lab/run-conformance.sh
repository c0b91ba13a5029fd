#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the iommufd/VFIO/SMMUv3 conformance suite (tests/hostsim/conformance)
# against the real Linux 7.3 kernel in the lab: build it static for aarch64,
# boot the lab with ACPI and a CANWBS IORT (so that IOMMU_VIOMMU_ALLOC
# works) and two edu devices, run it there, keep its TAP output and print
# the summary line "# N passed, N failed, N skipped".  The same sources run
# on the host simulator as the 'hostsim-conformance' test; a difference
# between the two runs is a simulator bug, a test bug, or a documented
# difference.
#
# usage: run-conformance.sh [--out DIR] [--skip REASON] [FILTER...]
#   --out DIR      where the binary, the console log and the TAP go
#                  (default $LAB_CACHE/project/conformance)
#   --skip REASON  do not run: report SKIP with this reason (meson uses it
#                  for the sanitizer build, whose binary would be the same)
#   FILTER         substrings selecting tests, passed to the suite
# Exit status: the suite's (0 all passed), 77 when the lab is not set up
# (with a "SKIP: ..." line saying why and what to run), 1 otherwise.

set -uo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$LAB/../.." && pwd)
CONF=$SRC/tests/hostsim/conformance
C=${LAB_CACHE:-/var/tmp/iommufd-lab}
OUT=$C/project/conformance
SKIP_REASON=""
while [ $# -gt 0 ]; do
    case "$1" in
    --out) OUT=$2; shift 2 ;;
    --skip) SKIP_REASON=$2; shift 2 ;;
    -h|--help) sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) break ;;
    esac
done

skip() {
    echo "SKIP: $*"
    exit 77
}

if [ -n "$SKIP_REASON" ]; then
    skip "$SKIP_REASON"
fi

# ---- is the lab there? ---------------------------------------------------
missing=""
[ -f $C/kernel/Image-lab ] ||
    missing="$missing the lab kernel ($C/kernel/Image-lab),"
ls $C/x/busybox-static_*_arm64/usr/bin/busybox > /dev/null 2>&1 ||
    missing="$missing busybox for arm64,"
command -v qemu-system-aarch64 > /dev/null ||
    missing="$missing qemu-system-aarch64,"
command -v aarch64-linux-gnu-gcc > /dev/null ||
    missing="$missing aarch64-linux-gnu-gcc,"
[ -f /usr/share/AAVMF/AAVMF_CODE.fd ] ||
    missing="$missing the UEFI firmware (qemu-efi-aarch64),"
command -v python3 > /dev/null || missing="$missing python3,"
if [ -n "$missing" ]; then
    skip "the lab is not set up:${missing%,}." \
         "Run tests/lab/setup.sh once (about 7 minutes and 200 MB of" \
         "downloads, needs root for apt-get), then run this again."
fi

# ---- build the suite -----------------------------------------------------
HDR=$(ls -d $C/x/linux-libc-dev_7.3*_all/usr/include 2>/dev/null | head -1)
[ -n "$HDR" ] || HDR=$SRC/linux-headers/usr/include
if [ ! -f "$HDR/linux/iommufd.h" ]; then
    skip "no Linux uAPI headers for the aarch64 build (looked in the lab" \
         "cache and $SRC/linux-headers): run tests/lab/setup.sh"
fi
mkdir -p "$OUT"
BIN=$OUT/hostsim-conformance-aarch64
LOG=$OUT/lab-conformance.log
TAP=$OUT/lab-conformance.tap
# The same sources as the meson build (its conformance_src list).
sources=$(sed -n '/^conformance_src = files(/,/)/p' "$CONF/meson.build" |
          grep -o "'[^']*\.c'" | tr -d "'" | sed "s#^#$CONF/#")
if [ -z "$sources" ]; then
    echo "run-conformance: no conformance_src list in $CONF/meson.build"
    exit 1
fi
echo "run-conformance: building $BIN (uAPI headers: $HDR)"
# shellcheck disable=SC2086
if ! aarch64-linux-gnu-gcc -static -O2 -std=gnu11 -D_GNU_SOURCE \
        -D_FILE_OFFSET_BITS=64 -fno-strict-aliasing -Wall \
        -Wno-unused-result -I"$CONF" -I"$HDR/aarch64-linux-gnu" -I"$HDR" \
        -o "$BIN" $sources > "$OUT/build.log" 2>&1; then
    cat "$OUT/build.log"
    echo "run-conformance: the aarch64 build failed"
    exit 1
fi

# ---- run it in the lab (one lab run at a time on this machine) -----------
exec 9> $C/.run-conformance.lock
if ! flock -n 9; then
    echo "run-conformance: waiting for another lab run to finish"
    flock 9
fi
"$LAB/run.sh" --boot acpi --iort-canwbs --edu 2 --log "$LOG" \
    "$BIN" "$@"
status=$?

tr -d '\r' < "$LOG" |
    grep -E '^(ok |not ok |1\.\.[0-9]|# )' > "$TAP" || true
summary=$(grep -E '^# [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$TAP" |
          tail -1)
echo "run-conformance: console log $LOG"
echo "run-conformance: TAP $TAP"
if [ $status -eq 125 ] || [ -z "$summary" ]; then
    echo "run-conformance: the suite did not complete in the lab" \
         "(exit status $status)"
    exit 1
fi
echo "lab: ${summary#\# }"
if [ $status -ne 0 ]; then
    grep '^not ok ' "$TAP" || true
    exit 1
fi
exit 0
