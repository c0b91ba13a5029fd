#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the emulator and run it the way a user would on a machine without
# an SMMU: install what is missing, configure, build, then run one or more
# scenarios against build/qemu-system-aarch64 and check that each ends
# cleanly.  Each scenario is a shell function named scenario_NAME; add a
# new one by writing the function and listing it in DEFAULT_SCENARIOS.
#
# Usage: scripts/run.sh [--no-deps] [--no-build] [--builddir=DIR]
#                       [SCENARIO...]
# Scenarios: qmp, pcie, smmuv3, hostsim (default: all four)
# Environment: BUILD_DIR (default build), CHECK_DEPS=no (as --no-deps),
# QEMU_TEST_BINARY (run this binary instead; implies --no-build),
# QEMU_TEST_ACCEL (accelerator, default qtest).

set -eu

DEFAULT_SCENARIOS="qmp pcie smmuv3 hostsim"

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

# The Python half of scenario_smmuv3: the guest's arm-smmu-v3 driver (and
# just enough of PCI enumeration and of an edu driver), played over the
# qtest protocol.  The caller defines QSOCK (the qtest socket), LABEL,
# SMMU (MMIO base), SMMU_QOM, EDU (the edu's requester ID, i.e. its
# StreamID) and ROOT_PORT (the requester ID of the root port above it, or
# None).  Numbers: docs/system/arm-smmuv3.rst, tests/qtest/libqsmmu.h,
# tests/qtest/edu-regs.h.
smmuv3_driver_py() {
    cat <<'PYTHON'
import socket
import struct
import time

qt = socket.socket(socket.AF_UNIX)
qt.settimeout(20)
qt.connect(QSOCK)
qtf = qt.makefile('rw')


def fail(msg):
    sys.exit('%s: %s' % (LABEL, msg))


def say(msg):
    print('  ' + msg)


def qtest(line):
    qtf.write(line + '\n')
    qtf.flush()
    while True:
        text = qtf.readline()
        if not text:
            fail('qtest connection closed during: ' + line)
        reply = text.split()
        if reply and reply[0] != 'IRQ':
            break
    if reply[0] != 'OK':
        fail('qtest %s: %s' % (line, ' '.join(reply)))
    return reply


def rd(addr, size='l'):
    return int(qtest('read%s 0x%x' % (size, addr))[1], 16)


def wr(addr, val, size='l'):
    qtest('write%s 0x%x 0x%x' % (size, addr, val))


def mem_read(addr, n):
    return bytes.fromhex(qtest('read 0x%x 0x%x' % (addr, n))[1][2:])


def mem_write(addr, data):
    qtest('write 0x%x 0x%x 0x%s' % (addr, len(data), data.hex()))


def put_words(addr, *words):
    mem_write(addr, struct.pack('<%dQ' % len(words), *words))


def get_words(addr, n):
    return struct.unpack('<%dQ' % n, mem_read(addr, 8 * n))


def expect(what, got, want):
    if got != want:
        fail('%s: read 0x%x, expected 0x%x' % (what, got, want))


def bits(v, lo, n=1):
    return v >> lo & ((1 << n) - 1)


def decode(v, fields):
    out = []
    for name, lo, n in fields:
        if n > 1:
            out.append('%s=%d' % (name, bits(v, lo, n)))
        elif bits(v, lo):
            out.append(name)
    return ' '.join(out)


# Guest RAM (virt: from 1 GiB; -m 512M).  The linear stream table of 2^16
# STEs takes 4 MiB and is aligned to its size.
STRTAB, CMDQ, EVTQ = 0x40400000, 0x40800000, 0x40801000
CD, PGD, MAILBOX = 0x40802000, 0x40803000, 0x40808000
BUF = 0x40900000            # the page the IOVA maps
CMDQ_LOG2, EVTQ_LOG2 = 8, 7
EVTQ_MSI, GERROR_MSI = 0xe7e7, 0x6e6e
ASID, LEN, DST = 1, 0x100, 0x800
# Linux's IOVA allocator hands out the top page under edu's 28-bit mask.
IOVA = 0x0ffff000

# ---- PCI: bus numbers, BAR 0 and bus mastering through ECAM ----

ECAM, MMIO = 0x4010000000, 0x10000000


def cfg(rid, off):
    return ECAM + (rid << 12) + off


def bdf(rid):
    return '%02x:%02x.%x' % (rid >> 8, rid >> 3 & 31, rid & 7)


print('-- PCI')
if ROOT_PORT is not None:
    wr(cfg(ROOT_PORT, 0x19), EDU >> 8, 'b')       # secondary bus
    wr(cfg(ROOT_PORT, 0x1a), EDU >> 8, 'b')       # subordinate bus
    wr(cfg(ROOT_PORT, 0x20), MMIO >> 16, 'w')     # memory window base
    wr(cfg(ROOT_PORT, 0x22), MMIO >> 16, 'w')     # ... limit (1 MiB)
    wr(cfg(ROOT_PORT, 0x04), 0x6, 'w')            # memory, bus master
    say('root port %s: bus %02x, window 0x%x+1M, MEM|MASTER' %
        (bdf(ROOT_PORT), EDU >> 8, MMIO))
expect('vendor:device at ' + bdf(EDU), rd(cfg(EDU, 0)), 0x11e81234)
wr(cfg(EDU, 0x10), 0xffffffff)
bar = rd(cfg(EDU, 0x10))
if bar & 0xf:
    fail('edu BAR 0 is not 32-bit memory (0x%x)' % bar)
wr(cfg(EDU, 0x10), MMIO)
wr(cfg(EDU, 0x04), rd(cfg(EDU, 0x04), 'w') | 0x6, 'w')
expect('edu ID register', rd(MMIO), 0x010000ed)
say('edu %s 1234:11e8: BAR 0 (%d KiB) at 0x%x, MEM|MASTER, ID 0x010000ed'
    % (bdf(EDU), ((~bar & 0xffffffff) + 1) >> 10, MMIO))


def edu_dma(src, dst, to_ram):
    for off, val in ((0x80, src), (0x88, dst), (0x90, LEN),
                     (0x98, 1 | (2 if to_ram else 0))):
        wr(MMIO + off, val, 'q')
    qtest('clock_step 100000000')                 # edu's DMA delay
    if rd(MMIO + 0x98, 'q') & 1:
        fail('edu DMA still running after 100 ms')


def copy():
    # What a driver of edu does: RAM -> device buffer -> RAM.
    edu_dma(IOVA, 0x40000, False)
    edu_dma(0x40000, IOVA + DST, True)


# ---- SMMU: registers, command queue, event queue ----

def reg(off, size='l'):
    return rd(SMMU + off, size)


def set_reg(off, val, size='l'):
    wr(SMMU + off, val, size)


def handshake(off, val, name):
    # CR0 and IRQ_CTRL: write, then poll the ACK register at +4 (1 s).
    set_reg(off, val)
    end = time.monotonic() + 1
    while reg(off + 4) != val:
        if time.monotonic() > end:
            fail('%s = 0x%x: ACK reads 0x%x after 1 s' %
                 (name, val, reg(off + 4)))
    say('%s <- 0x%x, ACK ok' % (name, val))


prod = 0


def submit(w0, w1):
    global prod
    slot = CMDQ + (prod & ((1 << CMDQ_LOG2) - 1)) * 16
    put_words(slot, w0, w1)
    prod = (prod + 1) & ((2 << CMDQ_LOG2) - 1)
    set_reg(0x98, prod)                           # CMDQ_PROD
    return slot


def command(name, w0, w1=0):
    # The command, then CMD_SYNC as Linux builds it on a coherent SMMU
    # with MSIs: CS=SIG_IRQ, MSH=ISH, MSIAttr=WB, MSIData=0, MSIAddress =
    # the SYNC's own slot; completion is that slot's first word reading 0.
    submit(w0, w1)
    slot = CMDQ + (prod & ((1 << CMDQ_LOG2) - 1)) * 16
    sync = 0x46 | 1 << 12 | 3 << 22 | 0xf << 24
    submit(sync, slot)
    end = time.monotonic() + 1
    while rd(slot) != 0:
        if time.monotonic() > end:
            fail('%s: CMD_SYNC slot 0x%x still 0x%x after 1 s' %
                 (name, slot, rd(slot)))
    cons = reg(0x9c)
    if bits(cons, 24, 7) or (reg(0x60) ^ reg(0x64)) & 1:
        fail('%s: command error, CMDQ_CONS 0x%x' % (name, cons))
    expect(name + ': CMDQ_CONS', cons & 0xfffff, prod)
    say('%s + CMD_SYNC: CONS 0x%x; SYNC slot 0x%x: 0x%x -> 0 (MSI)'
        % (name, cons, slot, sync & 0xffffffff))


EVENTS = {0x02: 'C_BAD_STREAMID', 0x04: 'C_BAD_STE', 0x06:
          'F_STREAM_DISABLED', 0x0a: 'C_BAD_CD', 0x10: 'F_TRANSLATION',
          0x11: 'F_ADDR_SIZE', 0x12: 'F_ACCESS', 0x13: 'F_PERMISSION'}
evtq_cons = 0


def events():
    # Records between our EVENTQ_CONS and EVENTQ_PROD (page 1), decoded.
    global evtq_cons
    mask = (2 << EVTQ_LOG2) - 1
    out = []
    while evtq_cons != reg(0x100a8) & mask:
        w = get_words(EVTQ + (evtq_cons & (mask >> 1)) * 32, 4)
        evtq_cons = (evtq_cons + 1) & mask
        set_reg(0x100ac, evtq_cons)
        ev = {'id': bits(w[0], 0, 8), 'sid': w[0] >> 32,
              'rnw': bits(w[1], 35), 's2': bits(w[1], 39),
              'class': bits(w[1], 40, 2), 'addr': w[2]}
        say('event %s (0x%02x): SID 0x%x, InputAddr 0x%x, %s, S2=%d, '
            'CLASS=%s' % (EVENTS.get(ev['id'], '?'), ev['id'], ev['sid'],
                          ev['addr'], 'read' if ev['rnw'] else 'write',
                          ev['s2'], ('CD', 'TT', 'IN', '?')[ev['class']]))
        out.append(ev)
    return out


# ---- probe: the ID registers, as arm_smmu_device_hw_probe reads them ----

print('-- probe (SMMU at 0x%x)' % SMMU)
idr0, idr1, idr3, idr5 = (reg(o) for o in (0x0, 0x4, 0xc, 0x14))
say('IDR0 0x%08x: %s' % (idr0, decode(idr0, (
    ('S2P', 0, 1), ('S1P', 1, 1), ('TTF', 2, 2), ('COHACC', 4, 1),
    ('BTM', 5, 1), ('HTTU', 6, 2), ('Hyp', 9, 1), ('ATS', 10, 1),
    ('ASID16', 12, 1), ('MSI', 13, 1), ('SEV', 14, 1), ('PRI', 16, 1),
    ('VMID16', 18, 1), ('CD2L', 19, 1), ('TTENDIAN', 21, 2),
    ('STALL_MODEL', 24, 2), ('TERM_MODEL', 26, 1), ('ST_LEVEL', 27, 2)))))
say('IDR1 0x%08x: %s' % (idr1, decode(idr1, (
    ('SIDSIZE', 0, 6), ('SSIDSIZE', 6, 5), ('PRIQS', 11, 5),
    ('EVENTQS', 16, 5), ('CMDQS', 21, 5), ('REL', 28, 1),
    ('QUEUES_PRESET', 29, 1), ('TABLES_PRESET', 30, 1)))))
say('IDR3 0x%08x: %s' % (idr3, decode(idr3, (
    ('HAD', 2, 1), ('XNX', 4, 1), ('RIL', 10, 1), ('BBML', 11, 2)))))
oas = bits(idr5, 0, 3)
say('IDR5 0x%08x: OAS=%d (%d bits) %s' % (idr5, oas,
    (32, 36, 40, 42, 44, 48, 52, 56)[oas], decode(idr5, (
        ('GRAN4K', 4, 1), ('GRAN16K', 5, 1), ('GRAN64K', 6, 1)))))
aidr = reg(0x1c)
say('IIDR 0x%08x, AIDR 0x%x: SMMUv3.%d' % (reg(0x18), aidr, aidr & 0xf))
for bad, why in ((not idr0 & 0x2, 'no stage 1 (IDR0.S1P=0)'),
                 (not bits(idr0, 2, 2) & 2, 'no AArch64 tables (IDR0.TTF)'),
                 (bits(idr0, 21, 2) not in (0, 2), 'not little-endian'),
                 (bits(idr1, 28, 3), 'embedded (IDR1.REL/*_PRESET)'),
                 (bits(idr1, 21, 5) <= 6, 'command queue too small'),
                 (not idr5 & 0x10, 'no 4K granule'),
                 (bits(idr1, 0, 6) > 16, 'SIDSIZE > 16: table too big'),
                 (not idr0 & 0x2000, 'no MSIs: no MSI CMD_SYNC polling')):
    if bad:
        fail('probe: ' + why)
say('probe checks passed (S1P, AArch64, LE, not embedded, CMDQS > 6, MSI)')

# ---- reset: arm_smmu_device_reset's order ----

print('-- reset')
if reg(0x20) & 1:
    fail('SMMUEN already set at probe')
say('SMMUEN=0 at probe, GBPA 0x%x (bypass): left alone' % reg(0x44))
handshake(0x20, 0, 'CR0')
set_reg(0x28, 0xd75)
set_reg(0x2c, 0x6)
expect('CR1', reg(0x28), 0xd75)
expect('CR2', reg(0x2c), 0x6)
say('CR1 <- 0xd75 (tables and queues ISH, WB), CR2 <- 0x6 (PTM|RECINVSID)')
sidsize = bits(idr1, 0, 6)
set_reg(0x80, 1 << 62 | STRTAB, 'q')
set_reg(0x88, sidsize)
expect('STRTAB_BASE', reg(0x80, 'q'), 1 << 62 | STRTAB)
say('STRTAB_BASE <- 0x%x|RA, STRTAB_BASE_CFG <- linear, LOG2SIZE %d '
    '(%d STEs, left invalid but ours)' % (STRTAB, sidsize, 1 << sidsize))
set_reg(0x90, 1 << 62 | CMDQ | CMDQ_LOG2, 'q')
set_reg(0x98, 0)
set_reg(0x9c, 0)
say('CMDQ_BASE <- 0x%x|RA, %d entries; PROD = CONS = 0'
    % (CMDQ, 1 << CMDQ_LOG2))
handshake(0x20, 0x8, 'CR0 (CMDQEN)')
command('CMD_CFGI_ALL', 0x04, 31)
if idr0 & 0x200:
    command('CMD_TLBI_EL2_ALL', 0x20)
command('CMD_TLBI_NSNH_ALL', 0x30)
set_reg(0xa0, 1 << 62 | EVTQ | EVTQ_LOG2, 'q')
set_reg(0x100a8, 0)
set_reg(0x100ac, 0)
say('EVENTQ_BASE <- 0x%x|WA, %d entries; PROD = CONS = 0 (page 1)'
    % (EVTQ, 1 << EVTQ_LOG2))
handshake(0x20, 0xc, 'CR0 (CMDQEN|EVENTQEN)')
handshake(0x50, 0, 'IRQ_CTRL')
# MSIs into a RAM mailbox (standing in for the ITS doorbell), Device-nGnRE.
put_words(MAILBOX, 0, 0)
for cfg0, data, addr in ((0xb0, EVTQ_MSI, MAILBOX),
                         (0x68, GERROR_MSI, MAILBOX + 8)):
    set_reg(cfg0, addr, 'q')
    set_reg(cfg0 + 8, data)
    set_reg(cfg0 + 12, 0x1)
say('EVENTQ_IRQ_CFG0..2 <- 0x%x, 0x%x, nGnRE; GERROR_IRQ_CFG0..2 <- '
    '0x%x, 0x%x, nGnRE' % (MAILBOX, EVTQ_MSI, MAILBOX + 8, GERROR_MSI))
handshake(0x50, 0x5, 'IRQ_CTRL (EVENTQ|GERROR)')
handshake(0x20, 0xd, 'CR0 (SMMUEN|CMDQEN|EVENTQEN)')

# ---- attach edu to a stage-1 domain: 4K tables, CD, STE ----

print('-- attach %s (SID 0x%x): IOVA 0x%x -> PA 0x%x' % (bdf(EDU), EDU,
                                                        IOVA, BUF))
L1, L2, L3 = PGD + 0x1000, PGD + 0x2000, PGD + 0x3000
LEAF = 3 | 1 << 6 | 3 << 8 | 1 << 10 | 1 << 11 | 1 << 2   # AP[1] SH AF nG
put_words(PGD + (IOVA >> 39 & 511) * 8, L1 | 3)
put_words(L1 + (IOVA >> 30 & 511) * 8, L2 | 3)
put_words(L2 + (IOVA >> 21 & 511) * 8, L3 | 3)
pte = L3 + (IOVA >> 12 & 511) * 8
put_words(pte, BUF | LEAF)
say('page tables (4K granule, 48-bit, start level 0) at 0x%x; leaf PTE '
    '0x%x at 0x%x' % (PGD, BUF | LEAF, pte))
cd0 = (16 | 1 << 8 | 1 << 10 | 3 << 12 | 1 << 30 | 1 << 31 | oas << 32 |
       1 << 41 | 1 << 45 | 1 << 46 | ASID << 48)
put_words(CD, cd0, PGD, 0, 0xf404ff44, 0, 0, 0, 0)
say('CD at 0x%x: 0x%016x (T0SZ=16 TG0=4K EPD1 V IPS=%d AA64 R A ASID=%d), '
    'TTB0 0x%x, MAIR 0xf404ff44' % (CD, cd0, oas, ASID, PGD))
command('CMD_CFGI_CD', 0x05 | EDU << 32, 1)
ste = STRTAB + EDU * 64
put_words(ste, 1 | 5 << 1 | CD, 1 << 2 | 1 << 4 | 3 << 6, 0, 0, 0, 0, 0, 0)
say('STE 0x%x at 0x%x: V, Config=S1 translate, S1ContextPtr 0x%x, '
    'S1CIR=S1COR=WB, S1CSH=ISH' % (EDU, ste, CD))
command('CMD_CFGI_STE', 0x03 | EDU << 32, 1)

# ---- DMA through the SMMU ----

print('-- DMA: IOVA 0x%x -> edu -> IOVA 0x%x' % (IOVA, IOVA + DST))
pattern = bytes((i * 7 + 0x22) & 0xff for i in range(LEN))
mem_write(BUF, pattern)
qtest('memset 0x%x 0x%x 0' % (BUF + DST, LEN))
copy()
if mem_read(BUF + DST, LEN) != pattern:
    fail('the DMA through the SMMU did not land at PA 0x%x' % (BUF + DST))
if events():
    fail('events recorded for a mapped IOVA')
say('%d bytes landed at PA 0x%x; no event' % (LEN, BUF + DST))

# ---- unmap, invalidate, fault ----

print('-- unmap IOVA 0x%x, then DMA again' % IOVA)
put_words(pte, 0)
tlbi = IOVA | 1                                   # Leaf
if idr3 & 0x400:                                  # RIL: TG=4K, TTL=3
    tlbi |= 3 << 8 | 1 << 10
command('CMD_TLBI_NH_VA (ASID %d)' % ASID, 0x12 | ASID << 48, tlbi)
qtest('memset 0x%x 0x%x 0' % (BUF + DST, LEN))
expect('event queue MSI mailbox before the fault', rd(MAILBOX), 0)
copy()
if any(mem_read(BUF + DST, LEN)):
    fail('the DMA wrote through an unmapped IOVA')
evs = events()
want = [(0x10, EDU, IOVA, 1), (0x10, EDU, IOVA + DST, 0)]
if [(e['id'], e['sid'], e['addr'], e['rnw']) for e in evs] != want:
    fail('expected F_TRANSLATION for the read at 0x%x and the write at 0x%x'
         % (IOVA, IOVA + DST))
expect('event queue MSI mailbox', rd(MAILBOX), EVTQ_MSI)
expect('GERROR ^ GERRORN', reg(0x60) ^ reg(0x64), 0)
expect('GERROR MSI mailbox', rd(MAILBOX + 8), 0)
say('nothing written; the event queue MSI wrote 0x%x to 0x%x; no GERROR'
    % (EVTQ_MSI, MAILBOX))

stats = {}
for name in ('iotlb-hits', 'iotlb-misses', 'iotlb-entries', 'config-hits',
             'config-misses', 'events-recorded', 'events-lost'):
    reply = mon.command('qom-get', {'path': SMMU_QOM, 'property': 'x-' + name})
    if 'error' in reply:
        fail('qom-get %s x-%s: %s' % (SMMU_QOM, name, reply['error']))
    stats[name] = reply['return']
print('-- counters (qom-get %s x-*)' % SMMU_QOM)
say(', '.join('%s %d' % kv for kv in stats.items()))
if stats['events-recorded'] != 2 or stats['events-lost']:
    fail('x-events-recorded/lost: expected 2/0')
if stats['iotlb-hits'] < 1 or stats['iotlb-misses'] < 2:
    fail('expected a hit (same page) and a miss after the TLBI')
run('quit')
mon.event_wait('SHUTDOWN')
PYTHON
}

# smmuv3_boot NAME PYTHON EMULATOR-ARGS...: start the emulator with QMP
# and qtest sockets and the arguments given, run the driver with the
# Python assignments PYTHON in front of it, check the exit.
smmuv3_boot() {
    name=$1
    params=$2
    shift 2
    sock="$work/qmp-$name.sock"
    qsock="$work/qtest-$name.sock"
    log="$work/qemu-$name.log"
    set -- "$qemu" -accel "$accel" -display none -nodefaults -m 512M \
        -qmp "unix:$sock,server=on,wait=off" \
        -chardev "socket,id=qt,path=$qsock,server=on,wait=off" \
        -qtest chardev:qt -qtest-log none "$@"
    echo "starting: $*"
    "$@" > "$log" 2>&1 &
    vm_pid=$!

    qmp_script "$sock" "$vm_pid" "QSOCK = '$qsock'
$params
$(smmuv3_driver_py)" || {
        echo "QMP session failed; emulator output:"
        cat "$log"
        return 1
    }
    finish_vm "$log"
}

# The emulated SMMUv3, the script playing the guest's arm-smmu-v3 driver
# over qtest: Linux's bring-up (ID registers, CR0/IRQ_CTRL handshakes, a
# linear stream table, command and event queues, MSIs), edu's BAR and bus
# mastering through ECAM, a stage-1 CD and 4K page tables mapping one
# IOVA, edu DMA through the SMMU (CMD_SYNCs complete with an MSI into
# their own queue slot), then unmap + TLBI_NH_VA and the F_TRANSLATION
# records of the next DMA, and the IOTLB counters.  First the board's SMMU
# (iommu=smmuv3) with edu on pcie.0, then, since the two cannot be
# combined, -device arm-smmuv3 on a pxb-pcie with edu behind a root port.
scenario_smmuv3() {
    if [ "$accel" != qtest ]; then
        echo "scenario smmuv3 steps the virtual clock: it needs -accel qtest"
        return 1
    fi
    smmuv3_boot smmuv3 "LABEL = 'smmuv3 (iommu=smmuv3, edu on pcie.0)'
SMMU, SMMU_QOM = 0x09050000, '/machine/smmuv3'
EDU, ROOT_PORT = 0x0018, None" \
        -M virt,iommu=smmuv3 -device edu,id=edu0,bus=pcie.0,addr=3.0 ||
        return 1
    smmuv3_boot smmuv3-pxb "LABEL = 'smmuv3 (-device arm-smmuv3 on pxb-pcie)'
SMMU, SMMU_QOM = 0x0c000000, '/machine/peripheral/smmu1'
EDU, ROOT_PORT = 0x8100, 0x8000" \
        -M virt -device pxb-pcie,id=pcie.1,bus=pcie.0,bus_nr=0x80 \
        -device arm-smmuv3,primary-bus=pcie.1,id=smmu1 \
        -device pcie-root-port,id=rp1,bus=pcie.1,chassis=1,addr=0.0 \
        -device edu,id=edu1,bus=rp1
}

# The host simulator (tests/hostsim) standing in for the kernel of an arm64
# server with two SMMUv3s and three assignable functions: the emulator runs
# with it preloaded and an iommufd backend object, and the simulator's
# control socket shows the host topology and that nothing is left behind;
# then the conformance suite's nested-DMA checks play a VMM's device
# assignment on it: vIOMMU, vDEVICE, a guest stage-1 table in "guest RAM",
# edu DMA landing where the guest's tables say, the host TLB staying stale
# until a forwarded TLBI_NH_VA, and a translation fault arriving on the
# vEVENTQ with the virtual StreamID.
scenario_hostsim() {
    lib="$build_dir/tests/hostsim/libhostsim.so"
    conf="$build_dir/tests/hostsim/conformance/hostsim-conformance"
    if [ ! -f "$lib" ] || [ ! -x "$conf" ]; then
        echo "the host simulator was not built (needs Linux uAPI headers)"
        return 1
    fi
    sock="$work/qmp-hs.sock"
    ctl="$work/hostsim.sock"
    log="$work/qemu-hostsim.log"
    set -- "$qemu" -M virt -accel "$accel" -display none -nodefaults \
        -object iommufd,id=iommufd0 -qmp "unix:$sock,server=on,wait=off"
    echo "starting with the simulator preloaded: $*"
    LD_PRELOAD="$srcdir/$lib" HOSTSIM_CONTROL="$ctl" HOSTSIM_LEAK_FATAL=1 \
        "$@" > "$log" 2>&1 &
    vm_pid=$!
    qmp_script "$sock" "$vm_pid" "
import socket


def hostsim(request):
    # One request line; the first reply line is 'ok [count=N] ...' or
    # 'error ...', followed by N record lines.
    with socket.socket(socket.AF_UNIX) as s:
        s.connect('$ctl')
        s.sendall(request.encode() + b'\\n')
        data = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            lines = data.decode().splitlines()
            if lines and data.endswith(b'\\n'):
                first = lines[0].split()
                count = [int(f[6:]) for f in first if f.startswith('count=')]
                if len(lines) >= 1 + (count[0] if count else 0):
                    break
    print('hostsim>', request)
    for line in lines:
        print('hostsim<', line)
    if not lines[0].startswith('ok'):
        sys.exit('hostsim: %s failed' % request)
    return lines


hostsim('topology')
for o in run('qom-list', path='/objects'):
    print('  /objects/%s  (%s)' % (o['name'], o['type']))
leaks = hostsim('leaks')
if leaks[0].split()[1:] != ['count=0']:
    sys.exit('the simulator reports live objects')
run('quit')
mon.event_wait('SHUTDOWN')
" || {
        echo "session failed; emulator output:"
        cat "$log"
        return 1
    }
    finish_vm "$log" || return 1

    echo "conformance checks of nested DMA on the simulator:"
    LD_PRELOAD="$srcdir/$lib" HOSTSIM_CONTROL="$work/conf.sock" \
        "$conf" dma.
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
