#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The project's one test command.  It installs what is missing (Debian
# packages, and newer Linux uAPI headers if the system's are too old),
# then builds and tests twice: a normal build in build/ and an
# AddressSanitizer + UBSan build in build-san/, each running every meson
# test suite (unit, qtest, functional, hostsim, ...).  Last, the lab suite:
# the conformance suite against the real Linux kernel in the emulated
# arm64 lab (tests/lab/).  The lab is set up in the background while the
# builds run (tests/lab/setup.sh: once, about 7 minutes, cached); where it
# cannot be set up, the lab test is reported as skipped, with the reason.  Long outputs go to log files
# in the build directories; the logs of failing steps are printed.  The
# last line is the summary over both builds:
#
#     N passed, N failed, N skipped
#
# and the exit status is non-zero if anything (a test, or a configure or
# build step) failed.
#
# Usage: scripts/check.sh [--no-deps] [--no-sanitizers] [--no-lab]
#                         [--builddir=DIR] [--san-builddir=DIR]
# Environment: BUILD_DIR (default build), SAN_BUILD_DIR (default
# build-san), CHECK_SANITIZERS=no (same as --no-sanitizers),
# CHECK_LAB=no (same as --no-lab: neither set up nor run the lab),
# CHECK_DEPS=no (same as --no-deps), MESON_TEST_ARGS (extra arguments for
# 'meson test', e.g. "--suite unit").

set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

build_dir=${BUILD_DIR:-build}
san_build_dir=${SAN_BUILD_DIR:-build-san}
do_san=${CHECK_SANITIZERS:-yes}
do_deps=${CHECK_DEPS:-yes}
do_lab=${CHECK_LAB:-yes}
meson_test_args=${MESON_TEST_ARGS:-}

for arg in "$@"; do
    case "$arg" in
    --no-deps) do_deps=no ;;
    --no-sanitizers) do_san=no ;;
    --no-lab) do_lab=no ;;
    --builddir=*) build_dir=${arg#*=} ;;
    --san-builddir=*) san_build_dir=${arg#*=} ;;
    -h|--help)
        sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "check.sh: unknown option '$arg' (try --help)" >&2
        exit 1
        ;;
    esac
done

# Totals over every build; a step that fails before its tests run counts
# as one failure, so a broken build can never look green.
total_pass=0
total_fail=0
total_skip=0
failed_steps=

say() {
    echo
    echo "=== $*"
}

step_failed() {
    total_fail=$((total_fail + 1))
    failed_steps="$failed_steps
    $1"
}

# Print the last lines of a log file, marked, for a failed step.
show_log() {
    echo "--- last 60 lines of $1 ---"
    tail -n 60 "$1" || true
    echo "--- end of $1 ---"
}

# ---- dependencies --------------------------------------------------------

if [ "$do_deps" != no ]; then
    say "dependencies"
    scripts/install-deps.sh
fi

# The system's uAPI headers are good enough if they have the iommufd
# vIOMMU/vEVENTQ and VFIO cdev ioctls; otherwise fetch newer ones (the
# install script does nothing if they are already there).
system_headers_ok() {
    printf '%s\n' '#include <linux/iommufd.h>' '#include <linux/vfio.h>' \
        '#if !defined(IOMMU_VIOMMU_ALLOC) || !defined(IOMMU_VDEVICE_ALLOC) || \' \
        '    !defined(IOMMU_VEVENTQ_ALLOC) || !defined(VFIO_DEVICE_BIND_IOMMUFD)' \
        '#error too old' '#endif' |
        ${CC:-cc} -E -x c -o /dev/null - >/dev/null 2>&1
}

say "Linux uAPI headers"
if system_headers_ok; then
    echo "the system's headers are recent enough"
else
    scripts/install-linux-headers.sh
fi

# ---- the lab, set up in the background ------------------------------------

# setup.sh is idempotent (under a second when the cache is complete) and
# waits for another running instance; it runs niced so that the builds
# keep most of the machine.
lab_setup_pid=
lab_setup_log=${TMPDIR:-/tmp}/check-lab-setup.$$.log
if [ "$do_lab" != no ]; then
    say "lab: tests/lab/setup.sh in the background (log: $lab_setup_log)"
    nice -n 10 tests/lab/setup.sh < /dev/null > "$lab_setup_log" 2>&1 &
    lab_setup_pid=$!
fi

# ---- one build -----------------------------------------------------------

# count_results DIR [LOGBASE]: add DIR's meson-logs/LOGBASE.json
# (default testlog.json) to the totals.
count_results() {
    log="$1/meson-logs/${2:-testlog}.json"
    if [ ! -f "$log" ]; then
        echo "no test results in $log"
        return 0
    fi
    counts=$(python3 - "$log" <<'EOF'
import json
import sys

passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get('result')
        if result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
print(passed, failed, skipped)
EOF
    ) || {
        echo "cannot read $log"
        step_failed "$1: reading test results"
        return 0
    }
    # shellcheck disable=SC2086
    set -- "$1" $counts
    echo "$1: $2 passed, $3 failed, $4 skipped"
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    total_skip=$((total_skip + $4))
}

# build_and_test NAME DIR [configure options...]
build_and_test() {
    name=$1
    dir=$2
    shift 2

    say "$name: configure ($dir)"
    conf_log=$(mktemp "${TMPDIR:-/tmp}/check-configure.XXXXXX")
    if ! ./configure --builddir="$dir" "$@" > "$conf_log" 2>&1; then
        cat "$conf_log"
        rm -f "$conf_log"
        step_failed "$name: configure"
        return 0
    fi
    grep -E '^(Linux uAPI headers|Running):' "$conf_log" || true
    mv "$conf_log" "$dir/check-configure.log"

    say "$name: build (log: $dir/check-build.log)"
    if ! ninja -C "$dir" > "$dir/check-build.log" 2>&1; then
        show_log "$dir/check-build.log"
        step_failed "$name: build"
        return 0
    fi
    tail -n 1 "$dir/check-build.log"

    say "$name: tests (log: $dir/check-test.log)"
    # Stale results must not be counted if meson test cannot run.
    rm -f "$dir/meson-logs/testlog.json"
    # shellcheck disable=SC2086
    if meson test -C "$dir" --no-rebuild --print-errorlogs --no-suite lab \
            $meson_test_args > "$dir/check-test.log" 2>&1; then
        grep -E '^ *[0-9]+/[0-9]+ ' "$dir/check-test.log" || true
    else
        cat "$dir/check-test.log"
        if [ ! -f "$dir/meson-logs/testlog.json" ]; then
            step_failed "$name: meson test"
        fi
    fi
    count_results "$dir"
}

build_and_test "normal build" "$build_dir"

if [ "$do_san" != no ]; then
    # A leak or an undefined-behaviour report aborts the process, so the
    # test that ran it fails instead of printing a warning nobody reads.
    # Sanitized code is slower: give each test more time.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export ASAN_OPTIONS UBSAN_OPTIONS
    MESON_TEST_ARGS_SAVED=$meson_test_args
    meson_test_args="--timeout-multiplier=3 $meson_test_args"
    build_and_test "sanitizer build" "$san_build_dir" --enable-sanitizers
    meson_test_args=$MESON_TEST_ARGS_SAVED
fi

# ---- the lab ---------------------------------------------------------------

if [ "$do_lab" != no ]; then
    say "lab: waiting for tests/lab/setup.sh"
    if wait "$lab_setup_pid"; then
        tail -n 1 "$lab_setup_log"
    else
        echo "the lab could not be set up; the lab test will say why it skips"
        tail -n 15 "$lab_setup_log"
    fi
    rm -f "$lab_setup_log"
    say "lab: conformance suite against the real kernel" \
        "(log: $build_dir/check-lab.log)"
    rm -f "$build_dir/meson-logs/lab.json"
    if [ ! -f "$build_dir/build.ninja" ]; then
        step_failed "lab: no normal build"
    elif meson test -C "$build_dir" --no-rebuild --verbose \
            --suite lab --logbase lab > "$build_dir/check-lab.log" 2>&1; then
        grep -E '^ *[0-9]+/[0-9]+ |^lab: |^SKIP' "$build_dir/check-lab.log" || true
        count_results "$build_dir" lab
    else
        cat "$build_dir/check-lab.log"
        count_results "$build_dir" lab
    fi
fi

# ---- summary -------------------------------------------------------------

echo
if [ -n "$failed_steps" ]; then
    echo "failed steps:$failed_steps"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
