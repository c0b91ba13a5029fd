#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the emulator and run it the way a user would on a machine without
# an SMMU: install what is missing, configure, build, then run one or more
# scenarios against build/qemu-system-aarch64 and check that each ends
# cleanly.  Each scenario is a shell function named scenario_NAME; add a
# new one (e.g. device assignment on the host simulator) by writing the
# function and listing it in DEFAULT_SCENARIOS.
#
# Usage: scripts/run.sh [--no-deps] [--no-build] [--builddir=DIR]
#                       [SCENARIO...]
# Scenarios: qmp (default)
# Environment: BUILD_DIR (default build), CHECK_DEPS=no (as --no-deps),
# QEMU_TEST_BINARY (run this binary instead; implies --no-build),
# QEMU_TEST_ACCEL (accelerator, default qtest).

set -eu

DEFAULT_SCENARIOS="qmp"

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

build_dir=${BUILD_DIR:-build}
do_deps=${CHECK_DEPS:-yes}
do_build=yes
accel=${QEMU_TEST_ACCEL:-qtest}
scenarios=

for arg in "$@"; do
    case "$arg" in
    --no-deps) do_deps=no ;;
    --no-build) do_build=no ;;
    --builddir=*) build_dir=${arg#*=} ;;
    -h|--help)
        sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        echo "run.sh: unknown option '$arg' (try --help)" >&2
        exit 1
        ;;
    *) scenarios="$scenarios $arg" ;;
    esac
done
scenarios=${scenarios:-$DEFAULT_SCENARIOS}
if [ -n "${QEMU_TEST_BINARY:-}" ]; then
    do_build=no
fi

say() {
    echo
    echo "=== $*"
}

# ---- set-up: dependencies, headers, configure, build ---------------------

system_headers_ok() {
    printf '%s\n' '#include <linux/iommufd.h>' '#include <linux/vfio.h>' \
        '#if !defined(IOMMU_VIOMMU_ALLOC) || !defined(IOMMU_VDEVICE_ALLOC) || \' \
        '    !defined(IOMMU_VEVENTQ_ALLOC) || !defined(VFIO_DEVICE_BIND_IOMMUFD)' \
        '#error too old' '#endif' |
        ${CC:-cc} -E -x c -o /dev/null - >/dev/null 2>&1
}

if [ "$do_build" = yes ]; then
    if [ "$do_deps" != no ]; then
        say "dependencies"
        scripts/install-deps.sh
    fi

    say "Linux uAPI headers"
    if system_headers_ok; then
        echo "the system's headers are recent enough"
    else
        scripts/install-linux-headers.sh
    fi

    say "configure ($build_dir)"
    ./configure --builddir="$build_dir"

    say "build"
    ninja -C "$build_dir" qemu-system-aarch64
fi

case "$build_dir" in
/*) qemu="$build_dir/qemu-system-aarch64" ;;
*) qemu="$srcdir/$build_dir/qemu-system-aarch64" ;;
esac
qemu=${QEMU_TEST_BINARY:-$qemu}
[ -x "$qemu" ] || { echo "run.sh: $qemu not found; build first" >&2; exit 1; }

# ---- scenarios -----------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/run.XXXXXX")
vm_pid=
cleanup() {
    if [ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null; then
        kill -KILL "$vm_pid" 2>/dev/null || true
        wait "$vm_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Talk QMP to a running emulator through the functional test harness.
# $1: socket; $2: the emulator's pid; the rest: a Python snippet run with
# 'mon' connected.
qmp_script() {
    sock=$1
    pid=$2
    shift 2
    PYTHONPATH="$srcdir/tests/functional" python3 - "$sock" "$pid" <<EOF
import json
import sys
from qemu_test import QMPClient


def alive(pid=int(sys.argv[2])):
    # A process that exited but was not yet reaped is a zombie ('Z').
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


mon = QMPClient(sys.argv[1], timeout=20)
greeting = mon.connect(alive=alive)
print('greeting:', json.dumps(greeting))
mon.negotiate()

def run(cmd, **args):
    print('->', cmd, json.dumps(args) if args else '')
    reply = mon.command(cmd, args or None)
    text = json.dumps(reply)
    print('<-', text if len(text) < 160 else text[:150] + ' ...')
    if 'error' in reply:
        sys.exit('%s failed: %s' % (cmd, reply['error']))
    return reply['return']

$*
EOF
}

# wait_exit PID SECONDS: wait for the emulator to exit, at most SECONDS
# (then kill it); the status is the emulator's exit status.
wait_exit() {
    n=0
    while kill -0 "$1" 2>/dev/null && [ "$n" -lt $(($2 * 10)) ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if kill -0 "$1" 2>/dev/null; then
        echo "the emulator did not exit within $2 s; killing it"
        kill -KILL "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
        return 124
    fi
    wait "$1"
}

# A user's first contact: start the machine with a QMP socket, ask what it
# is and what state it is in, look at the QOM tree, quit.
scenario_qmp() {
    sock="$work/qmp.sock"
    log="$work/qemu-qmp.log"
    set -- "$qemu" -M virt -accel "$accel" -display none -nodefaults \
        -qmp "unix:$sock,server=on,wait=off"
    status=0
    echo "starting: $*"
    "$@" > "$log" 2>&1 &
    vm_pid=$!

    qmp_script "$sock" "$vm_pid" "
version = run('query-version')['qemu']
print('version: %(major)d.%(minor)d.%(micro)d' % version)
status = run('query-status')
print('status:', status['status'])
for prop in run('qom-list', path='/machine'):
    print('  /machine/%s  (%s)' % (prop['name'], prop['type']))
run('quit')
ev = mon.event_wait('SHUTDOWN')
print('event:', json.dumps(ev))
" || {
        echo "QMP session failed; emulator output:"
        cat "$log"
        return 1
    }

    wait_exit "$vm_pid" 20 || status=$?
    vm_pid=
    cat "$log"
    if [ "$status" -ne 0 ]; then
        echo "the emulator exited with status $status (expected 0)"
        return 1
    fi
    echo "the emulator exited with status 0"
}

failed=
for s in $scenarios; do
    say "scenario: $s"
    if ! command -v "scenario_$s" >/dev/null 2>&1; then
        echo "run.sh: unknown scenario '$s'" >&2
        exit 1
    fi
    if "scenario_$s"; then
        echo "scenario $s: OK"
    else
        echo "scenario $s: FAILED"
        failed="$failed $s"
    fi
done

if [ -n "$failed" ]; then
    echo
    echo "failed scenarios:$failed"
    exit 1
fi
echo
echo "all scenarios passed:$scenarios"
