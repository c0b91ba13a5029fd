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
# Scenarios: qmp, pcie (default: both)
# Environment: BUILD_DIR (default build), CHECK_DEPS=no (as --no-deps),
# QEMU_TEST_BINARY (run this binary instead; implies --no-build),
# QEMU_TEST_ACCEL (accelerator, default qtest).

set -eu

DEFAULT_SCENARIOS="qmp pcie"

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

# finish_vm LOG: after a session that ended with quit, wait for the
# emulator, show its output and check that it exited with status 0.
finish_vm() {
    status=0
    wait_exit "$vm_pid" 20 || status=$?
    vm_pid=
    cat "$1"
    if [ "$status" -ne 0 ]; then
        echo "the emulator exited with status $status (expected 0)"
        return 1
    fi
    echo "the emulator exited with status 0"
}

# A user's first contact: start the machine with a QMP socket, ask what it
# is and what state it is in, look at the QOM tree, quit.
scenario_qmp() {
    sock="$work/qmp.sock"
    log="$work/qemu-qmp.log"
    set -- "$qemu" -M virt -accel "$accel" -display none -nodefaults \
        -qmp "unix:$sock,server=on,wait=off"
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
    finish_vm "$log"
}

# A PCI Express topology as libvirt builds it (root ports on pcie.0 and on
# an extra root complex), then hotplug: the script plays the guest's
# pciehp driver over the qtest protocol (slot commands, event
# acknowledgement, enumeration through ECAM) while QMP adds and removes an
# edu device on the pxb's root port.
scenario_pcie() {
    sock="$work/qmp-pcie.sock"
    qsock="$work/qtest.sock"
    log="$work/qemu-pcie.log"
    set -- "$qemu" -M virt -accel "$accel" -display none -nodefaults \
        -qmp "unix:$sock,server=on,wait=off" \
        -chardev "socket,id=qt,path=$qsock,server=on,wait=off" \
        -qtest chardev:qt -qtest-log none \
        -device pxb-pcie,id=pcie.1,bus=pcie.0,bus_nr=0x80 \
        -device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,addr=2.0 \
        -device edu,id=edu0,bus=rp0 \
        -device pcie-root-port,id=rp1,bus=pcie.1,chassis=2,addr=0.0
    echo "starting: $*"
    "$@" > "$log" 2>&1 &
    vm_pid=$!

    qmp_script "$sock" "$vm_pid" "
import socket
qt = socket.socket(socket.AF_UNIX)
qt.connect('$qsock')
qtf = qt.makefile('rw')

def qtest(line):
    qtf.write(line + '\\n')
    qtf.flush()
    while True:
        reply = qtf.readline().split()
        if reply and reply[0] != 'IRQ':
            break
    if reply[0] != 'OK':
        sys.exit('qtest %s: %s' % (line, ' '.join(reply)))
    return reply

ECAM = 0x4010000000
def cfg(bus, devfn, off):
    return ECAM + (bus << 20) + (devfn << 12) + off
def cfg_readw(bus, devfn, off):
    return int(qtest('readw 0x%x' % cfg(bus, devfn, off))[1], 16)
def cfg_writew(bus, devfn, off, val):
    qtest('writew 0x%x 0x%x' % (cfg(bus, devfn, off), val))
def cfg_writeb(bus, devfn, off, val):
    qtest('writeb 0x%x 0x%x' % (cfg(bus, devfn, off), val))

def show(devs, indent):
    for d in devs:
        print('%s%02x.%x %04x:%04x %s' % (indent, d['slot'], d['function'],
              d['id']['vendor'], d['id']['device'], d.get('qdev_id', '')))
        br = d.get('pci_bridge')
        if br:
            print('%s  bus %d..%d' % (indent, br['bus']['secondary'],
                                      br['bus']['subordinate']))
            show(br.get('devices', []), indent + '    ')

def topology():
    for b in sorted(run('query-pci'), key=lambda b: b['bus']):
        print('root bus %d:' % b['bus'])
        show(b['devices'], '  ')

# The pxb's root port at 0x80:00.0: bus numbers, then pciehp's probe.
RP = (0x80, 0)
cfg_writeb(*RP, 0x19, 0x81)
cfg_writeb(*RP, 0x1a, 0x81)
cap = cfg_readw(*RP, 0x34) & 0xff
while cap and cfg_readw(*RP, cap) & 0xff != 0x10:
    cap = cfg_readw(*RP, cap) >> 8
SLTCTL, SLTSTA = cap + 0x18, cap + 0x1a
ENABLES = 0x1 | 0x8 | 0x10 | 0x20     # button, presence, command, irq
OFF = ENABLES | 0x300 | 0xc0 | 0x400  # indicators off, power off
ON = ENABLES | 0x100 | 0xc0           # power indicator on, power on
def slot_status():
    return cfg_readw(*RP, SLTSTA)
def ack(bits):
    cfg_writew(*RP, SLTSTA, bits)
def slot_command(ctl):
    cfg_writew(*RP, SLTCTL, ctl)
    ack(0x10)
slot_command(OFF)
topology()

run('device_add', driver='edu', bus='rp1', id='e1')
sta = slot_status()
print('slot status 0x%04x: presence %d, presence changed %d' %
      (sta, sta >> 6 & 1, sta >> 3 & 1))
if not sta & 0x40:
    sys.exit('no presence detect after device_add')
ack(sta & 0x19)
slot_command(ON)
ids = (cfg_readw(0x81, 0, 0), cfg_readw(0x81, 0, 2))
print('guest finds %04x:%04x at 0081:00.0' % ids)
if ids != (0x1234, 0x11e8):
    sys.exit('edu not visible behind rp1')
topology()

run('device_del', id='e1')
sta = slot_status()
print('slot status 0x%04x: attention button %d' % (sta, sta & 1))
ack(sta & 0x19)
slot_command(ENABLES | 0x200 | 0xc0)  # power indicator blinks
cfg_writew(*RP, SLTCTL, OFF)           # then the slot goes off
ev = mon.event_wait('DEVICE_DELETED')
print('event:', json.dumps(ev['data']))
if cfg_readw(0x81, 0, 0) != 0xffff:
    sys.exit('the slot is not empty')
print('slot empty; presence %d' % (slot_status() >> 6 & 1))
run('quit')
mon.event_wait('SHUTDOWN')
" || {
        echo "QMP session failed; emulator output:"
        cat "$log"
        return 1
    }
    finish_vm "$log"
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
